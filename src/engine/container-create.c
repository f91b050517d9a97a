/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_create(): resolve the image, choose the name, then claim the record (pending,
 * under the container's lock), make the storage container and userdata, and publish the
 * record. The OCI spec is generated at init time, when the root file system is mounted
 * (Podman does the same in its init()); create only records what the user asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "config/containers-conf.h"
#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "engine/network-internal.h"
#include "engine/isolation-internal.h"
#include "engine/volume-internal.h"
#include "image/config.h"
#include "image/image.h"
#include "image/pull.h"
#include "runtime/spec.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* How often a generated name is replaced after losing a race for it. */
#define NAME_RETRIES 64

static char **json_strv(const json_t *arr)
{
	size_t i;
	json_t *v;
	if (!json_is_array(arr))
		return NULL;
	char **out = xnew(char *, 1);
	json_array_foreach(arr, i, v) if (json_is_string(v)) strv_push(&out, json_string_value(v));
	return out;
}

static void strv_append_all(char ***dst, char *const *src)
{
	for (size_t i = 0; src && src[i]; i++)
		strv_push(dst, src[i]);
}

static void env_set(char ***env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	for (size_t i = 0; *env && (*env)[i]; i++)
		if (strncmp((*env)[i], kv, klen) == 0 && (*env)[i][klen] == '=') {
			free((*env)[i]);
			(*env)[i] = xstrdup(kv);
			return;
		}
	strv_push(env, kv);
}

/*
 * Podman's makeCommand(): the entrypoint ([""] means none), then the user's command, or the
 * image's Cmd when the user set neither a command nor an entrypoint.
 */
static int resolve_command(struct container_config *cc, const struct container_create_opts *o,
                           const json_t *img, struct cpod_error **err)
{
	_cleanup_strv_free_ char **ep = NULL;
	if (o->entrypoint_set)
		ep = strv_copy(o->entrypoint ? o->entrypoint : (char *const[]){NULL});
	else
		ep = json_strv(json_object_get(img, "Entrypoint"));
	if (ep && ep[0] && !ep[1] && !ep[0][0]) {
		strv_free(ep);
		ep = NULL;
	}
	_cleanup_strv_free_ char **cmd = NULL;
	if (o->command && o->command[0])
		cmd = strv_copy(o->command);
	else if (!o->entrypoint_set)
		cmd = json_strv(json_object_get(img, "Cmd"));
	char **all = NULL;
	strv_append_all(&all, ep);
	strv_append_all(&all, cmd);
	if (!all || !all[0]) {
		strv_free(all);
		return cpod_error_set(err, EINVAL,
		                      "no command or entrypoint provided, and no CMD or ENTRYPOINT "
		                      "from image");
	}
	cc->command = all;
	cc->user_command = TAKE_PTR(cmd);
	cc->entrypoint = TAKE_PTR(ep);
	return 0;
}

/* --unsetenv / --unsetenv-all remove the defaults (containers.conf, image), not -e values */
static void drop_unset(char **env, const struct container_create_opts *o)
{
	size_t w = 0;
	for (size_t i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		size_t klen = eq ? (size_t)(eq - env[i]) : strlen(env[i]);
		bool drop = o->unsetenv_all;
		for (size_t j = 0; !drop && o->unsetenv && o->unsetenv[j]; j++)
			drop = strlen(o->unsetenv[j]) == klen &&
			       strncmp(env[i], o->unsetenv[j], klen) == 0;
		if (drop)
			free(env[i]);
		else
			env[w++] = env[i];
	}
	env[w] = NULL;
}

/* --pidfile, --conmon-pidfile: kept absolute (conmon runs later, from elsewhere) */
static void set_path(json_t *extra, const char *key, const char *path)
{
	if (!path || !*path)
		return;
	_cleanup_free_ char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
	_cleanup_free_ char *abs = cwd ? path_join(cwd, path) : xstrdup(path);
	json_object_set_new(extra, key, json_string(abs));
}

/* Podman accepts 1 to 4 octal digits (pkg/specgen validation) */
static int check_umask(const char *m, struct cpod_error **err)
{
	size_t n = m ? strlen(m) : 0;
	bool ok = n >= 1 && n <= 4 && strspn(m, "01234567") == n;
	if (m && !ok)
		return cpod_error_set(err, EINVAL,
		                      "running container create option: invalid umask string %s: "
		                      "invalid argument",
		                      m);
	return 0;
}

/* --http-proxy, else containers.conf's http_proxy; --env-host passes them all anyway */
static bool want_proxy(const struct container_create_opts *o, const struct cpod_config *cfg)
{
	if (o->env_host)
		return false;
	return o->http_proxy ? o->http_proxy > 0 : (!cfg || cfg->containers.http_proxy);
}

static json_t *strv_json_array(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/*
 * --env-merge, --http-proxy (the proxy variables of this process, as Podman takes them at
 * create) and --personality, kept for the spec made at init
 */
static int save_env_extra(json_t *extra, const struct container_create_opts *o,
                          const struct cpod_config *cfg, struct cpod_error **err)
{
	STRV_FOREACH(m, (char **)o->env_merge)
	{
		_cleanup_free_ char *w = NULL;
		if (spec_env_process_word(*m, NULL, &w, err) < 0)
			return cpod_error_wrap(err, "unable to process variables for --env-merge %s",
			                       *m);
	}
	if (o->env_merge && o->env_merge[0])
		json_object_set_new(extra, "env_merge", strv_json_array(o->env_merge));
	if (want_proxy(o, cfg)) {
		_cleanup_strv_free_ char **proxy = spec_proxy_env();
		if (proxy[0])
			json_object_set_new(extra, "proxy_env", strv_json_array(proxy));
	}
	if (o->personality && *o->personality)
		json_object_set_new(extra, "personality", json_string(o->personality));
	return 0;
}

/*
 * --seccomp-policy=image: the profile in the image's io.containers.seccomp.profile label
 * (Podman 4.3's getSeccompConfig), kept for the spec
 */
static int save_seccomp_policy(json_t *extra, const struct container_create_opts *o,
                               const json_t *img, struct cpod_error **err)
{
	const char *p = o->seccomp_policy;
	if (!p || strcmp(p, "default") == 0)
		return 0;
	if (strcmp(p, "image") != 0)
		return cpod_error_set(err, EINVAL,
		                      "invalid seccomp policy \"%s\": valid policies are "
		                      "[\"default\" \"image\"]",
		                      p);
	const char *prof = json_string_value(
	        json_object_get(json_object_get(img, "Labels"), "io.containers.seccomp.profile"));
	if (!prof || !*prof)
		return cpod_error_set(err, EINVAL, "no seccomp policy defined by image");
	json_object_set_new(extra, "seccomp_image_profile", json_string(prof));
	return 0;
}

/*
 * The environment as inspect shows it before the first start; init replaces it by the
 * spec's final one (which adds HOME from the passwd file and the host's values).
 */
static void resolve_env(struct container_config *cc, const struct container_create_opts *o,
                        const struct cpod_config *cfg, const json_t *img)
{
	char **env = NULL;
	strv_push(&env, "container=podman");
	STRV_FOREACH(kv, cfg ? cfg->containers.env : NULL)
	env_set(&env, *kv);
	_cleanup_strv_free_ char **ienv = json_strv(json_object_get(img, "Env"));
	STRV_FOREACH(kv, ienv)
	env_set(&env, *kv);
	STRV_FOREACH(m, (char **)o->env_merge)
	(void)spec_env_merge(&env, *m, NULL);
	drop_unset(env, o);
	_cleanup_strv_free_ char **proxy = want_proxy(o, cfg) ? spec_proxy_env() : NULL;
	STRV_FOREACH(kv, proxy)
	env_set(&env, *kv);
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (strchr(o->env[i], '='))
			env_set(&env, o->env[i]);
	_cleanup_free_ char *hn = xasprintf("HOSTNAME=%s", cc->hostname);
	env_set(&env, hn);
	cc->env = env;
}

static int resolve_image(struct engine *e, struct store *s, const struct container_create_opts *o,
                         struct container_config *cc, json_t **ret_img_config,
                         struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_free_ char *resolved = NULL;
	struct image_lookup_opts lo = {0};
	int r = image_lookup(s, o->image, &lo, &img, &resolved, err);
	bool never = o->pull && strcmp(o->pull, "never") == 0;
	bool always = o->pull && strcmp(o->pull, "always") == 0;
	if ((r == -ENOENT && !never) || (r >= 0 && always)) {
		/* --pull=missing|always|newer: pull as `podman run` does, progress on stderr */
		cpod_error_move(NULL, err);
		struct image_pull_opts po = {.access = {.tls_verify = -1, .retries = -1},
		                             .os = o->os,
		                             .arch = o->arch,
		                             .variant = o->variant,
		                             .progress = stderr};
		_cleanup_strv_free_ char **ids = NULL;
		r = image_pull(s, o->image, &po, &ids, err);
		if (r < 0)
			return r;
		store_image_free(TAKE_PTR(img));
		free(TAKE_PTR(resolved));
		r = image_lookup(s, o->image, &lo, &img, &resolved, err);
	}
	if (r < 0)
		return r;
	cc->image_id = xstrdup(img->id);
	/* a name the user typed resolves to that name; an ID to the image's first name */
	if (resolved && strcmp(resolved, img->id) != 0 &&
	    strncmp(img->id, resolved, strlen(resolved)))
		cc->image_name = xstrdup(resolved);
	else if (img->names && img->names[0])
		cc->image_name = xstrdup(img->names[0]);
	else
		cc->image_name = xstrdup(img->id);
	cc->raw_image_name = xstrdup(o->image);

	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	*ret_img_config = NULL;
	if (store_image_config(s, img->id, &raw, &len, NULL) == 0) {
		struct image_config_info info = {0};
		if (image_config_parse(raw, len, &info, NULL) == 0) {
			if (info.config)
				*ret_img_config = json_incref(info.config);
			image_config_info_release(&info);
		}
	}
	(void)e;
	return 0;
}

static int fill_config(struct engine *e, const struct container_create_opts *o, const json_t *img,
                       struct container_config *cc, struct cpod_error **err)
{
	const struct cpod_config *cfg = engine_config(e, err);
	if (!cfg)
		return -EIO;
	int r = check_umask(o->umask, err);
	if (r < 0)
		return r;
	/* Podman checks the health flags before the command (FillOutSpecGen) */
	r = healthcheck_from_cli(&o->health, &cc->healthcheck, &cc->health_on_failure, err);
	if (r < 0)
		return r;
	if (!cc->healthcheck)
		cc->healthcheck = healthcheck_from_image(img);
	if (!cc->hostname)
		cc->hostname = o->hostname ? xstrdup(o->hostname) : xstrndup(cc->id, 12);
	r = resolve_command(cc, o, img, err);
	if (r < 0)
		return r;
	resolve_env(cc, o, cfg, img);
	cc->workdir = xstrdup_or_null(o->workdir ? o->workdir : json_get_string(img, "WorkingDir"));
	if (!cc->workdir || !*cc->workdir) {
		free(cc->workdir);
		cc->workdir = xstrdup("/");
	}
	cc->user = xstrdup_or_null(o->user ? o->user : json_get_string(img, "User"));
	cc->labels = o->labels ? strv_copy(o->labels) : NULL;
	cc->annotations = o->annotations ? strv_copy(o->annotations) : NULL;
	cc->terminal = o->terminal;
	cc->stdin_open = o->stdin_open;
	cc->remove = o->remove;
	cc->init = o->init;
	cc->init_path = xstrdup_or_null(o->init_path);
	const char *sig = o->stop_signal ? o->stop_signal : json_get_string(img, "StopSignal");
	cc->stop_signal = SIGTERM;
	if (sig && *sig) {
		r = container_signal_parse(sig, &cc->stop_signal, err);
		if (r < 0)
			return r;
	}
	cc->stop_timeout = o->stop_timeout >= 0 ? (unsigned)o->stop_timeout
	                                        : (unsigned)cfg->engine.stop_timeout;
	cc->tz = xstrdup_or_null(o->tz);
	/* Podman's default: the default network as root; rootless would be slirp4netns, which
	 * cpod does not drive yet, so rootless containers get a private loopback-only netns */
	cc->network_mode = xstrdup(o->network && *o->network ? o->network
	                                                     : geteuid() == 0 ? "bridge" : "none");
	cc->log_driver = xstrdup(
	        o->log_driver && *o->log_driver
	                ? o->log_driver
	                : (cfg->containers.log_driver ? cfg->containers.log_driver : "k8s-file"));
	cc->log_path = xstrdup_or_null(o->log_path);
	const struct engine_options *eo = engine_options(e);
	cc->runtime = xstrdup_or_null(eo->runtime);
	cc->ulimits = o->ulimits ? strv_copy(o->ulimits) : NULL;
	cc->read_only = o->read_only;
	cc->created_command = xstrdup_or_null(o->created_command);
	if (o->restart) {
		r = container_restart_policy_parse(o->restart, o->remove, &cc->restart_policy,
		                                   &cc->restart_retries, err);
		if (r < 0)
			return r;
	}
	cc->spec_extra = json_object();
	if (o->create_argv) {
		json_t *a = json_array();
		for (size_t i = 0; o->create_argv[i]; i++)
			json_array_append_new(a, json_string(o->create_argv[i]));
		json_object_set_new(cc->spec_extra, "create_argv", a);
	}
	if (o->env_host)
		json_object_set_new(cc->spec_extra, "env_host", json_true());
	if (o->env) {
		json_t *a = json_array();
		for (size_t i = 0; o->env[i]; i++)
			json_array_append_new(a, json_string(o->env[i]));
		json_object_set_new(cc->spec_extra, "user_env", a);
	}
	if (o->umask)
		json_object_set_new(cc->spec_extra, "umask", json_string(o->umask));
	set_path(cc->spec_extra, "pidfile", o->pidfile);
	if (o->timeout)
		json_object_set_new(cc->spec_extra, "timeout", json_integer(o->timeout));
	if (o->preserve_fds)
		json_object_set_new(cc->spec_extra, "preserve_fds", json_integer(o->preserve_fds));
	set_path(cc->spec_extra, "conmon_pidfile", o->conmon_pidfile);
	if (o->unsetenv_all)
		json_object_set_new(cc->spec_extra, "unsetenv_all", json_true());
	if (o->unsetenv) {
		json_t *a = json_array();
		for (size_t i = 0; o->unsetenv[i]; i++)
			json_array_append_new(a, json_string(o->unsetenv[i]));
		json_object_set_new(cc->spec_extra, "unsetenv", a);
	}
	r = save_env_extra(cc->spec_extra, o, engine_config(e, NULL), err);
	if (r < 0)
		return r;
	r = container_deps_resolve(e, o->requires, cc->spec_extra, err);
	if (r < 0)
		return r;
	r = save_seccomp_policy(cc->spec_extra, o, img, err);
	if (r < 0)
		return r;
	r = container_fs_flags_save(cc->spec_extra, o, err);
	if (r < 0)
		return r;
	json_object_set_new(cc->spec_extra, "entrypoint_set", json_boolean(o->entrypoint_set));
	json_object_set_new(cc->spec_extra, "workdir_set", json_boolean(o->workdir != NULL));
	r = container_network_create(e, o, img, cc, err);
	if (r < 0)
		return r;
	return container_isolation_create(e, o, cc, err);
}

/* A name held by a record that a killed cpod left pending or half removed: finish it. */
static int repair_name(struct engine *e, struct state_db *db, const char *name)
{
	struct container **v = NULL;
	bool *pend = NULL;
	size_t n = 0;
	int removed = 0;
	if (state_db_list(db, &v, &pend, &n, NULL) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->config.name, name) == 0)
			removed = container_repair(e, v[i], pend[i], NULL);
	container_list_free(v, n);
	free(pend);
	return removed;
}

/* Claim the record: insert it pending, replacing a generated name that lost a race. */
static int claim(struct engine *e, struct state_db *db, struct container *c, bool generated,
                 struct cpod_error **err)
{
	for (int i = 0;; i++) {
		bool name_taken = false;
		struct cpod_error *e2 = NULL;
		int r = state_db_insert(db, c, &name_taken, &e2);
		if (r >= 0)
			return 0;
		if (r == -EEXIST && name_taken && i < NAME_RETRIES) {
			cpod_error_free(e2);
			if (generated) {
				free(c->config.name);
				c->config.name = container_name_generate();
				continue;
			}
			/* the holder may be a creation a killed cpod left: repair, then retry once
			 */
			if (i == 0 && repair_name(e, db, c->config.name) > 0)
				continue;
			return state_db_insert(db, c, NULL, err);
		}
		cpod_error_move(err, &e2);
		return r;
	}
}

static void undo_create(struct engine *e, struct store *s, struct state_db *db, const char *id)
{
	_cleanup_free_ char *ud = container_userdata_dir(e, id, false);
	_cleanup_free_ char *rd = container_userdata_dir(e, id, true);
	(void)store_container_delete(s, id, NULL);
	(void)rm_rf_at(AT_FDCWD, ud);
	(void)rm_rf_at(AT_FDCWD, rd);
	(void)state_db_delete(db, id, NULL);
}

int container_create(struct engine *e, const struct container_create_opts *opts,
                     struct container **ret, struct cpod_error **err)
{
	if (!opts->image || !*opts->image)
		return cpod_error_set(err, EINVAL, "an image is required");
	if (opts->name && !container_name_valid(opts->name))
		return cpod_error_set(
		        err, EINVAL,
		        "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	/* as Podman, whose runtime is resolved before anything: a bad --runtime makes nothing */
	if (!engine_runtime(e, err))
		return -EIO;

	_cleanup_(container_freep) struct container *c = xnew(struct container, 1);
	struct container_config *cc = &c->config;
	char id[65];
	id_random(id);
	cc->id = xstrdup(id);
	cc->name = opts->name ? xstrdup(opts->name) : container_name_generate();
	cc->created = container_now_ns();
	c->state.status = CTR_CONFIGURED;

	_cleanup_json_ json_t *img = NULL;
	int r = opts->rootfs ? 0 : resolve_image(e, s, opts, cc, &img, err);
	if (r < 0)
		return r;
	r = fill_config(e, opts, img, cc, err);
	if (r >= 0 && opts->rootfs)
		r = container_rootfs_parse(opts->image, cc->spec_extra, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **anon = NULL;
	r = container_mounts_prepare(e, opts, img, cc, &anon, err);
	if (r < 0)
		return r;

	/* the lock is taken before the record exists: a pending record is always locked */
	_cleanup_close_ int lock = container_lock(e, cc->id, false, err);
	if (lock >= 0)
		r = claim(e, db, c, opts->name == NULL, err);
	if (lock < 0 || r < 0) {
		STRV_FOREACH(n, anon)
		(void)volume_remove(e, *n, NULL, NULL);
		return lock < 0 ? lock : r;
	}

	_cleanup_(store_container_freep) struct store_container *sc = NULL;
	_cleanup_free_ char *ud = NULL;
	_cleanup_free_ char *rd = NULL;
	r = container_mounts_link(e, cc, err);
	if (r >= 0)
		r = store_container_create(s, cc->id, cc->image_id, &sc, err);
	if (r >= 0)
		r = store_container_dir(s, cc->id, false, &ud, err);
	if (r >= 0)
		r = store_container_dir(s, cc->id, true, &rd, err);
	if (r >= 0 && !cc->log_path) {
		cc->log_path = path_join(ud, "ctr.log");
		r = state_db_save_config(db, c, err);
	}
	if (r >= 0)
		r = state_db_set_pending(db, cc->id, false, err);
	if (r < 0) {
		undo_create(e, s, db, cc->id);
		STRV_FOREACH(n, anon)
		(void)volume_remove(e, *n, NULL, NULL);
		return r;
	}
	log_debug("created container %s (%s)", cc->id, cc->name);
	if (ret)
		*ret = TAKE_PTR(c);
	return 0;
}
