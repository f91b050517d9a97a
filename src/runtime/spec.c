/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_generate(): assembles config.json the way Podman 4.3 does (specgen + libpod
 * generateSpec), with the key order of the runtime-spec Go structs so that the file reads
 * like Podman's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/seccomp-bpf.h"
#include "runtime/spec-internal.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *const masked_paths[] = {
        "/proc/acpi",       "/proc/kcore",       "/proc/keys",        "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware",    "/sys/fs/selinux",   "/sys/dev/block",    NULL,
};

static const char *const readonly_paths[] = {
        "/proc/asound", "/proc/bus",           "/proc/fs", "/proc/irq",
        "/proc/sys",    "/proc/sysrq-trigger", NULL,
};

/* Where catatonit lives on the distributions cpod runs on */
static const char *const init_candidates[] = {
        "/usr/libexec/podman/catatonit",
        "/usr/libexec/catatonit/catatonit",
        "/usr/bin/catatonit",
        NULL,
};

static json_t *strv_to_json(const char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int spec_parse_signal(const char *s, int *ret)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		long n = strtol(s, &end, 10);
		if (*end || errno || n < 1 || n >= NSIG)
			return -EINVAL;
		*ret = (int)n;
		return 0;
	}
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*ret = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* RFC 3339 with nanoseconds, trailing zeros trimmed: Go's time.RFC3339Nano. */
static char *now_rfc3339nano(void)
{
	struct timespec ts;
	struct tm tm;
	char date[32], frac[16];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
	size_t n = strlen(frac);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	if (n == 1)
		frac[0] = '\0';
	return xasprintf("%s%sZ", date, frac);
}

static const char *image_string(const struct spec_opts *opts, const char *key)
{
	return opts->image_config ? json_get_string(opts->image_config, key) : NULL;
}

static const char *find_init_path(const struct spec_opts *opts, const struct spec_defaults *defs)
{
	if (opts->init_path && *opts->init_path)
		return opts->init_path;
	if (defs->init_path && *defs->init_path)
		return defs->init_path;
	for (size_t i = 0; init_candidates[i]; i++)
		if (access(init_candidates[i], X_OK) == 0)
			return init_candidates[i];
	return NULL;
}

static bool is_root_user(const char *user)
{
	size_t n = strcspn(user, ":");
	return n == 0 || (n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0');
}

/* Keep the capabilities the bounding set of cpod itself allows (Podman does the same). */
static char **caps_in_bounding(char **caps, char *const *bounding)
{
	char **out = xnew(char *, 1);
	STRV_FOREACH (c, caps)
		if (strv_contains(bounding, *c))
			strv_push(&out, *c);
	return out;
}

static int build_caps(const struct spec_opts *opts, const struct spec_defaults *defs,
                      const char *user, char *const *bounding, json_t **ret_caps, char ***ret_list,
                      struct cpod_error **err)
{
	_cleanup_strv_free_ char **merged = NULL, **list = NULL, **user_caps = NULL;
	int r;

	if (opts->privileged) {
		list = strv_copy(bounding);
	} else {
		if ((r = spec_caps_merge(defs->capabilities, opts->cap_add, opts->cap_drop, &merged,
		                         err)) < 0)
			return r;
		list = caps_in_bounding(merged, bounding);
	}
	json_t *caps = json_object();
	json_object_set_new(caps, "bounding", strv_to_json((const char *const *)list));
	if (is_root_user(user)) {
		json_object_set_new(caps, "effective", strv_to_json((const char *const *)list));
		json_object_set_new(caps, "permitted", strv_to_json((const char *const *)list));
	} else {
		/* a non-root process only gets what was added explicitly, also as ambient */
		_cleanup_strv_free_ char **added = NULL;
		if ((r = spec_caps_merge(NULL, opts->cap_add, NULL, &added, err)) < 0) {
			json_decref(caps);
			return r;
		}
		user_caps = caps_in_bounding(added, bounding);
		if (user_caps[0]) {
			const char *const *uc = (const char *const *)user_caps;
			json_object_set_new(caps, "effective", strv_to_json(uc));
			json_object_set_new(caps, "inheritable", strv_to_json(uc));
			json_object_set_new(caps, "permitted", strv_to_json(uc));
			json_object_set_new(caps, "ambient", strv_to_json(uc));
		}
	}
	*ret_caps = caps;
	*ret_list = TAKE_PTR(list);
	return 0;
}

static void add_gid(json_t *gids, gid_t g)
{
	size_t i;
	json_t *v;
	json_array_foreach (gids, i, v)
		if (json_integer_value(v) == (json_int_t)g)
			return;
	json_array_append_new(gids, json_integer((json_int_t)g));
}

static int build_process(const struct spec_opts *opts, const struct spec_defaults *defs,
                         const char *user, const struct spec_user *u, const char *cwd,
                         const char *hostname, char *const *bounding, json_t **ret_proc,
                         char ***ret_caps, struct cpod_error **err)
{
	_cleanup_json_ json_t *proc = json_object();
	_cleanup_strv_free_ char **env = NULL, **args = NULL;
	json_t *caps = NULL, *rlimits = NULL;
	const char *umask_s = opts->umask ? opts->umask : defs->umask;
	int r;

	if ((r = spec_build_args(opts, find_init_path(opts, defs), &args, err)) < 0)
		return r;
	if ((r = spec_build_env(opts, defs, hostname, u->home, &env, err)) < 0)
		return r;
	if ((r = build_caps(opts, defs, user, bounding, &caps, ret_caps, err)) < 0)
		return r;
	json_object_set_new(proc, "capabilities", caps); /* placed below; kept for cleanup */
	if ((r = spec_build_rlimits(opts->ulimits, defs->ulimits, &rlimits, err)) < 0)
		return r;

	json_t *juser = json_object();
	json_object_set_new(juser, "uid", json_integer(u->uid));
	json_object_set_new(juser, "gid", json_integer(u->gid));
	if (umask_s && *umask_s) {
		char *end;
		unsigned long m = strtoul(umask_s, &end, 8);
		if (*end || m > 0777) {
			json_decref(juser);
			json_decref(rlimits);
			return cpod_error_set(err, EINVAL, "invalid umask string %s", umask_s);
		}
		json_object_set_new(juser, "umask", json_integer((json_int_t)m));
	}
	json_t *gids = json_array();
	if (*user)
		add_gid(gids, u->gid);
	if (!strchr(user, ':'))
		for (size_t i = 0; i < u->n_sgids; i++)
			add_gid(gids, u->sgids[i]);
	if (json_array_size(gids) > 0)
		json_object_set_new(juser, "additionalGids", gids);
	else
		json_decref(gids);

	json_t *out = json_object();
	if (opts->terminal)
		json_object_set_new(out, "terminal", json_true());
	json_object_set_new(out, "user", juser);
	json_object_set_new(out, "args", strv_to_json((const char *const *)args));
	json_object_set_new(out, "env", strv_to_json((const char *const *)env));
	json_object_set_new(out, "cwd", json_string(cwd));
	json_object_set(out, "capabilities", caps);
	json_object_set_new(out, "rlimits", rlimits);
	if (opts->no_new_privileges)
		json_object_set_new(out, "noNewPrivileges", json_true());
	if (opts->oom_score_adj_set)
		json_object_set_new(out, "oomScoreAdj", json_integer(opts->oom_score_adj));
	*ret_proc = out;
	return 0;
}

static bool sysctl_conflicts(const struct spec_opts *opts, const char *key)
{
	if (opts->ipc == SPEC_NS_HOST && strncmp(key, "fs.mqueue.", 10) == 0)
		return true;
	if (opts->net == SPEC_NS_HOST && strncmp(key, "net.", 4) == 0)
		return true;
	return opts->uts == SPEC_NS_HOST && (strncmp(key, "kernel.domainname", 17) == 0 ||
	                                     strncmp(key, "kernel.hostname", 15) == 0);
}

static int build_sysctls(const struct spec_opts *opts, const struct spec_defaults *defs,
                         json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *o = json_object();
	for (int pass = 0; pass < 2; pass++) {
		char *const *list = pass == 0 ? defs->sysctls : opts->sysctls;
		STRV_FOREACH (s, (char **)list) {
			const char *eq = strchr(*s, '=');
			if (!eq || eq == *s)
				return cpod_error_set(err, EINVAL,
				                      "%s is invalid, sysctl values "
				                      "must be in the form of KEY=VALUE",
				                      *s);
			_cleanup_free_ char *key = xstrndup(*s, (size_t)(eq - *s));
			if (sysctl_conflicts(opts, key)) {
				/* Podman ignores containers.conf defaults here, refuses the user's
				 */
				if (pass == 0)
					continue;
				return cpod_error_set(
				        err, EINVAL,
				        "sysctl %s can't be set since the namespace "
				        "it belongs to is shared with the host: invalid "
				        "argument",
				        *s);
			}
			json_object_set_new(o, key, json_string(eq + 1));
		}
	}
	*ret = TAKE_PTR(o);
	return 0;
}

static void add_ns(json_t *nss, const char *type, const char *path)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	if (path)
		json_object_set_new(o, "path", json_string(path));
	json_array_append_new(nss, o);
}

static int build_linux(const struct spec_opts *opts, const struct spec_defaults *defs,
                       char *const *bounding, json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *lx = json_object();
	json_t *sysctls = NULL, *seccomp = NULL;
	int r;

	if ((r = build_sysctls(opts, defs, &sysctls, err)) < 0)
		return r;
	if (json_object_size(sysctls) > 0)
		json_object_set_new(lx, "sysctl", sysctls);
	else
		json_decref(sysctls);

	json_t *res = json_object();
	json_t *devs = json_array();
	json_t *deny = json_object();
	json_object_set_new(deny, "allow", json_false());
	json_object_set_new(deny, "access", json_string("rwm"));
	json_array_append_new(devs, deny);
	json_object_set_new(res, "devices", devs);
	int64_t pids = opts->pids_limit ? opts->pids_limit : defs->pids_limit;
	if (pids > 0) {
		json_t *p = json_object();
		json_object_set_new(p, "limit", json_integer(pids));
		json_object_set_new(res, "pids", p);
	}
	json_object_set_new(lx, "resources", res);

	_cleanup_free_ char *cgpath = NULL;
	if (opts->cgroup_systemd) {
		const char *slice = opts->cgroup_parent && *opts->cgroup_parent
		                            ? opts->cgroup_parent
		                            : (geteuid() == 0 ? "machine.slice" : "user.slice");
		cgpath = xasprintf("%s:cpod:%s", slice, opts->id);
	} else {
		_cleanup_free_ char *leaf = xasprintf("cpod-%s", opts->id);
		const char *parent = opts->cgroup_parent && *opts->cgroup_parent
		                             ? opts->cgroup_parent
		                             : "/cpod_parent";
		cgpath = path_join(parent, leaf);
	}
	json_object_set_new(lx, "cgroupsPath", json_string(cgpath));

	json_t *nss = json_array();
	if (opts->pid != SPEC_NS_HOST)
		add_ns(nss, "pid", NULL);
	if (opts->net == SPEC_NS_PATH)
		add_ns(nss, "network", opts->netns_path);
	else if (opts->net != SPEC_NS_HOST)
		add_ns(nss, "network", NULL);
	if (opts->ipc != SPEC_NS_HOST)
		add_ns(nss, "ipc", NULL);
	if (opts->uts != SPEC_NS_HOST)
		add_ns(nss, "uts", NULL);
	add_ns(nss, "mount", NULL);
	if (opts->cgroup_v2)
		add_ns(nss, "cgroup", NULL);
	json_object_set_new(lx, "namespaces", nss);

	if ((r = spec_build_seccomp(opts, defs, bounding, &seccomp, err)) < 0)
		return r;
	if (seccomp)
		json_object_set_new(lx, "seccomp", seccomp);
	if (opts->personality && *opts->personality) {
		/* Podman passes the domain as given: the runtime checks it */
		json_t *pers = json_object();
		json_object_set_new(pers, "domain", json_string(opts->personality));
		json_object_set_new(lx, "personality", pers);
	}
	if (!opts->privileged) {
		json_object_set_new(lx, "maskedPaths", strv_to_json(masked_paths));
		json_object_set_new(lx, "readonlyPaths", strv_to_json(readonly_paths));
	}
	*ret = TAKE_PTR(lx);
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * crun's run.oci.seccomp_bpf_data: the filter compiled here (once per profile, cached) saves
 * crun compiling it at every create. Any failure leaves the annotation out, and crun then
 * compiles linux.seccomp itself as before: never a weaker filter. A user's own annotation
 * and crun's fail-on-unknown-syscall mode (which cpod does not mirror) are left to crun.
 */
static const char *user_annotation(const struct spec_opts *opts, const char *key)
{
	size_t n = strlen(key);
	STRV_FOREACH (kv, (char **)opts->annotations)
		if (strncmp(*kv, key, n) == 0 && (*kv)[n] == '=')
			return *kv + n + 1;
	return NULL;
}

static char *seccomp_annotation(const struct spec_opts *opts, const json_t *lx)
{
	const json_t *seccomp = json_object_get(lx, "seccomp");
	if (!seccomp || !seccomp_bpf_runtime_supported(opts->runtime_name))
		return NULL;
	const char *strict = user_annotation(opts, SECCOMP_BPF_FAIL_UNKNOWN_ANNOTATION);
	if (user_annotation(opts, SECCOMP_BPF_ANNOTATION) || (strict && strcmp(strict, "0") != 0))
		return NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	char *b64 = NULL;
	if (seccomp_bpf_annotation(seccomp, opts->seccomp_cache_dir, &b64, &err) < 0) {
		log_debug("precompiling the seccomp filter for %s: %s, leaving it to the runtime",
		          opts->runtime_name, err->msg);
		return NULL;
	}
	return b64;
}

static int build_annotations(const struct spec_opts *opts, int stop_signal,
                             const char *seccomp_bpf, json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *a = json_object();
	_cleanup_free_ char *created = opts->created ? xstrdup(opts->created) : now_rfc3339nano();
	_cleanup_free_ char *sig = xasprintf("%d", stop_signal);

	STRV_FOREACH (kv, (char **)opts->annotations) {
		const char *eq = strchr(*kv, '=');
		if (!eq || eq == *kv)
			return cpod_error_set(err, EINVAL, "invalid annotation \"%s\"", *kv);
		_cleanup_free_ char *k = xstrndup(*kv, (size_t)(eq - *kv));
		json_object_set_new(a, k, json_string(eq + 1));
	}
	if (!json_object_get(a, "io.container.manager"))
		json_object_set_new(a, "io.container.manager", json_string("cpod"));
	json_object_set_new(a, "io.kubernetes.cri-o.Created", json_string(created));
	json_object_set_new(a, "io.kubernetes.cri-o.TTY",
	                    json_string(opts->terminal ? "true" : "false"));
	json_object_set_new(a, "io.podman.annotations.autoremove",
	                    json_string(opts->autoremove ? "TRUE" : "FALSE"));
	json_object_set_new(a, "io.podman.annotations.init",
	                    json_string(opts->init ? "TRUE" : "FALSE"));
	json_object_set_new(a, "io.podman.annotations.privileged",
	                    json_string(opts->privileged ? "TRUE" : "FALSE"));
	json_object_set_new(a, "io.podman.annotations.publish-all", json_string("FALSE"));
	json_object_set_new(a, "org.opencontainers.image.stopSignal", json_string(sig));
	if (seccomp_bpf)
		json_object_set_new(a, SECCOMP_BPF_ANNOTATION, json_string(seccomp_bpf));

	/* Go marshals maps with sorted keys */
	size_t n = json_object_size(a), i = 0;
	_cleanup_free_ const char **keys = xnew(const char *, n + 1);
	const char *k;
	json_t *v;
	json_object_foreach (a, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_key);
	json_t *sorted = json_object();
	for (i = 0; i < n; i++)
		json_object_set(sorted, keys[i], json_object_get(a, keys[i]));
	*ret = sorted;
	return 0;
}

static int resolve_hostname(const struct spec_opts *opts, char **ret, struct cpod_error **err)
{
	if (opts->uts == SPEC_NS_HOST) {
		char h[256] = "";
		if (gethostname(h, sizeof(h) - 1) < 0)
			return cpod_error_set_errno(err, errno, "unable to retrieve hostname");
		*ret = xstrdup(h);
		return 0;
	}
	if (opts->hostname && *opts->hostname) {
		*ret = xstrdup(opts->hostname);
		return 0;
	}
	*ret = xstrndup(opts->id, 12);
	return 0;
}

static int stop_signal_of(const struct spec_opts *opts, int *ret, struct cpod_error **err)
{
	const char *s = opts->stop_signal;
	if (!s || !*s)
		s = image_string(opts, "StopSignal");
	if (!s || !*s) {
		*ret = SIGTERM;
		return 0;
	}
	if (spec_parse_signal(s, ret) < 0)
		return cpod_error_set(err, EINVAL, "invalid signal: %s", s);
	return 0;
}

int spec_generate(const struct spec_opts *opts, const struct cpod_config *cfg, json_t **ret,
                  struct cpod_error **err)
{
	_cleanup_json_ json_t *spec = NULL, *proc = NULL, *mounts = NULL, *lx = NULL;
	_cleanup_json_ json_t *annotations = NULL;
	_cleanup_strv_free_ char **bounding = NULL, **caps = NULL;
	_cleanup_free_ char *hostname = NULL;
	struct spec_defaults defs;
	struct spec_user u = {0};
	int stop_signal, r;

	if (!opts->rootfs || !opts->id || !*opts->id || !opts->name)
		return cpod_error_set(err, EINVAL,
		                      "spec generation needs a rootfs, an id and a name");
	spec_defaults_load(cfg, &defs);
	if ((r = stop_signal_of(opts, &stop_signal, err)) < 0)
		return r;
	if ((r = resolve_hostname(opts, &hostname, err)) < 0)
		return r;

	const char *user = opts->user ? opts->user : image_string(opts, "User");
	if (!user)
		user = "";
	const char *wd = opts->workdir && *opts->workdir ? opts->workdir
	                                                 : image_string(opts, "WorkingDir");
	if ((r = spec_passwd_update(opts, user, wd && *wd ? wd : "/", err)) < 0)
		return r;
	if ((r = spec_user_resolve(opts->rootfs, user, &u, err)) < 0)
		return r;

	const char *cwd = opts->workdir && *opts->workdir ? opts->workdir : NULL;
	bool create = false;
	if (!cwd) {
		cwd = image_string(opts, "WorkingDir");
		create = cwd && *cwd;
		if (!cwd || !*cwd)
			cwd = "/";
	}
	if (cwd[0] != '/') {
		spec_user_release(&u);
		return cpod_error_set(err, EINVAL, "workdir \"%s\" must be an absolute path", cwd);
	}
	r = spec_workdir_prepare(opts->rootfs, cwd, create, u.uid, u.gid, opts->id, err);
	if (r >= 0) {
		bounding = spec_caps_bounding_set();
		r = build_process(opts, &defs, user, &u, cwd, hostname, bounding, &proc, &caps,
		                  err);
	}
	spec_user_release(&u);
	if (r < 0)
		return r;

	mounts = spec_default_mounts(opts, opts->shm_size > 0 ? opts->shm_size : defs.shm_size);
	if ((r = spec_write_files(opts, &defs, hostname, mounts, err)) < 0)
		return r;
	if (opts->init) {
		static const char *const init_opts[] = {"bind", "ro", "rprivate", NULL};
		spec_mounts_add(mounts, spec_mount_new(SPEC_INIT_DEST, "bind",
		                                       find_init_path(opts, &defs), init_opts));
	}
	spec_mounts_sort(mounts);

	if ((r = build_linux(opts, &defs, caps, &lx, err)) < 0)
		return r;
	_cleanup_free_ char *seccomp_bpf = seccomp_annotation(opts, lx);
	if ((r = build_annotations(opts, stop_signal, seccomp_bpf, &annotations, err)) < 0)
		return r;

	spec = json_object();
	json_object_set_new(spec, "ociVersion", json_string(SPEC_OCI_VERSION));
	json_object_set(spec, "process", proc);
	json_t *root = json_object();
	json_object_set_new(root, "path", json_string(opts->rootfs));
	if (opts->read_only)
		json_object_set_new(root, "readonly", json_true());
	json_object_set_new(spec, "root", root);
	if (opts->uts != SPEC_NS_HOST)
		json_object_set_new(spec, "hostname", json_string(hostname));
	json_object_set(spec, "mounts", mounts);
	json_object_set(spec, "annotations", annotations);
	json_object_set(spec, "linux", lx);
	*ret = TAKE_PTR(spec);
	return 0;
}
