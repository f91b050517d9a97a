/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init and start. init mounts the root file system, generates config.json from the
 * record (spec.h) and has conmon create the container in the runtime; start starts it.
 * The status changes only after the runtime has confirmed each step (see state.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/containers-conf.h"
#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "engine/isolation-internal.h"
#include "engine/volume-internal.h"
#include "engine/network-internal.h"
#include "format/units.h"
#include "image/config.h"
#include "runtime/attach.h"
#include "runtime/conmon.h"
#include "runtime/idmap-mount.h"
#include "runtime/oci.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "runtime/spec.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "cpod-config.h"
#include "banned.h"

int container_oci_runtime(struct engine *e, struct oci_runtime **ret, struct cpod_error **err)
{
	const struct runtime_choice *rc = engine_runtime(e, err);
	if (!rc)
		return -EIO;
	const struct cpod_config *cfg = engine_config(e, err);
	if (!cfg)
		return -EIO;
	const char *mgr =
	        e->opts.cgroup_manager ? e->opts.cgroup_manager : cfg->engine.cgroup_manager;
	struct oci_runtime_opts o = {
	        .name = rc->name,
	        .path = rc->path,
	        .run_root = e->run_root,
	        .needs_cgroup_workaround = rc->needs_private_cgroup_ns_workaround,
	        .systemd_cgroup = mgr && strcmp(mgr, "systemd") == 0,
	};
	return oci_runtime_new(&o, ret, err);
}

char *container_exit_file(struct engine *e, const char *id)
{
	return xasprintf("%s/exits/%s", e->run_root, id);
}

bool container_status_active(enum container_status s)
{
	return s == CTR_CREATED || s == CTR_RUNNING || s == CTR_PAUSED || s == CTR_STOPPING;
}

static json_t *load_image_config(struct store *s, const char *image_id)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	json_t *out = NULL;
	if (!image_id || store_image_config(s, image_id, &raw, &len, NULL) < 0)
		return NULL;
	struct image_config_info info = {0};
	if (image_config_parse(raw, len, &info, NULL) == 0) {
		if (info.config)
			out = json_incref(info.config);
		image_config_info_release(&info);
	}
	return out;
}

static int write_spec(struct engine *e, struct container *c, const struct oci_runtime *rt,
                      const char *rootfs, const char *static_dir, const char *run_dir,
                      const json_t *mounts, struct cpod_error **err)
{
	struct container_config *cc = &c->config;
	struct store *s = engine_store(e, err);
	const struct cpod_config *cfg = engine_config(e, err);
	if (!s || !cfg)
		return -EIO;
	const struct host_probe *probe = engine_probe(e, err);
	if (!probe)
		return -EIO;
	_cleanup_json_ json_t *img = load_image_config(s, cc->image_id);
	_cleanup_strv_free_ char **user_env = NULL;
	json_t *ue = json_object_get(cc->spec_extra, "user_env");
	size_t i;
	json_t *v;
	json_array_foreach(ue, i, v) strv_push(&user_env, json_string_value(v));
	_cleanup_strv_free_ char **unset_env = NULL;
	json_array_foreach(json_object_get(cc->spec_extra, "unsetenv"), i, v)
		strv_push(&unset_env, json_string_value(v));
	_cleanup_strv_free_ char **chroot_dirs = NULL, **host_users = NULL;
	json_array_foreach(json_object_get(cc->spec_extra, "chroot_dirs"), i, v)
		strv_push(&chroot_dirs, json_string_value(v));
	json_array_foreach(json_object_get(cc->spec_extra, "host_users"), i, v)
		strv_push(&host_users, json_string_value(v));
	_cleanup_strv_free_ char **env_merge = NULL, **proxy_env = NULL;
	json_array_foreach(json_object_get(cc->spec_extra, "env_merge"), i, v)
		strv_push(&env_merge, json_string_value(v));
	json_array_foreach(json_object_get(cc->spec_extra, "proxy_env"), i, v)
		strv_push(&proxy_env, json_string_value(v));
	_cleanup_free_ char *sig = xasprintf("%d", cc->stop_signal);
	struct timespec ts = {.tv_sec = cc->created / 1000000000,
	                      .tv_nsec = cc->created % 1000000000};
	_cleanup_free_ char *created = units_time_rfc3339nano(&ts, true);
	_cleanup_(container_net_release) struct container_net net = {0};
	int r = container_network_setup(e, c, run_dir, &net, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **add_hosts = NULL, **dns = NULL, **search = NULL, **dopts = NULL;
	json_array_foreach(json_object_get(cc->spec_extra, "add_hosts"), i, v)
		strv_push(&add_hosts, json_string_value(v));
	/* --dns and friends, else containers.conf's dns_servers, dns_searches, dns_options */
	json_array_foreach(json_object_get(cc->spec_extra, "dns_servers"), i, v)
		strv_push(&dns, json_string_value(v));
	json_array_foreach(json_object_get(cc->spec_extra, "dns_search"), i, v)
		strv_push(&search, json_string_value(v));
	json_array_foreach(json_object_get(cc->spec_extra, "dns_options"), i, v)
		strv_push(&dopts, json_string_value(v));
	const char *mgr =
	        e->opts.cgroup_manager ? e->opts.cgroup_manager : cfg->engine.cgroup_manager;
	char *const empty[] = {NULL};
	_cleanup_free_ char *seccomp_cache = path_join(e->run_root, "seccomp");
	struct spec_opts so = {
	        .rootfs = rootfs,
	        .id = cc->id,
	        .name = cc->name,
	        .image_name = cc->image_name,
	        .image_id = cc->image_id,
	        .image_config = img,
	        /* create resolved entrypoint and command already (Podman's makeCommand) */
	        .command = cc->user_command ? cc->user_command : empty,
	        .entrypoint = cc->entrypoint ? cc->entrypoint : empty,
	        .entrypoint_set = true,
	        .env = user_env,
	        .env_host = json_is_true(json_object_get(cc->spec_extra, "env_host")),
	        .unsetenv = unset_env,
	        .unsetenv_all = json_is_true(json_object_get(cc->spec_extra, "unsetenv_all")),
	        .env_merge = env_merge,
	        .proxy_env = proxy_env,
	        .personality = json_string_value(json_object_get(cc->spec_extra, "personality")),
	        .chroot_dirs = chroot_dirs,
	        .host_users = host_users,
	        .passwd_entry = json_string_value(json_object_get(cc->spec_extra, "passwd_entry")),
	        .no_passwd = json_is_false(json_object_get(cc->spec_extra, "passwd")),
	        .seccomp_profile_data =
	                json_string_value(json_object_get(cc->spec_extra, "seccomp_image_profile")),
	        .umask = json_string_value(json_object_get(cc->spec_extra, "umask")),
	        .workdir = json_is_true(json_object_get(cc->spec_extra, "workdir_set"))
	                           ? cc->workdir
	                           : NULL,
	        .user = cc->user,
	        .hostname = cc->hostname,
	        .terminal = cc->terminal,
	        .stdin_open = cc->stdin_open,
	        .annotations = cc->annotations,
	        .init = cc->init,
	        .init_path = cc->init_path,
	        .stop_signal = sig,
	        .tz = cc->tz,
	        .net = (enum spec_ns_mode)net.mode,
	        .netns_path = net.netns_path,
	        .container_ips = net.ips,
	        .net_dns_servers = net.dns,
	        .net_dns_search = net.search,
	        .host_internal_ip = net.gateway,
	        .extra_hosts = add_hosts,
	        .dns_servers = dns ? dns : cfg->containers.dns_servers,
	        .dns_search = search ? search : cfg->containers.dns_searches,
	        .dns_options = dopts ? dopts : cfg->containers.dns_options,
	        .no_hosts = json_is_true(json_object_get(cc->spec_extra, "no_hosts")) ||
	                    cfg->containers.no_hosts,
	        .pid = SPEC_NS_PRIVATE,
	        .ipc = SPEC_NS_PRIVATE,
	        .uts = SPEC_NS_PRIVATE,
	        .read_only = cc->read_only,
	        .no_read_only_tmpfs =
	                json_is_false(json_object_get(cc->spec_extra, "read_only_tmpfs")),
	        .mounts = mounts,
	        .ulimits = cc->ulimits,
	        .cgroup_v2 = probe->cgroup_mode == CGROUP_MODE_UNIFIED,
	        .cgroup_systemd = mgr && strcmp(mgr, "systemd") == 0,
	        .userdata_dir = run_dir,
	        .autoremove = cc->remove,
	        .created = created,
	        .runtime_name = rt->name,
	        .seccomp_cache_dir = seccomp_cache,
	};
	_cleanup_(isolation_spec_storage_release) struct isolation_spec_storage iso_st;
	container_isolation_spec_opts(cc, &so, &iso_st);
	_cleanup_json_ json_t *spec = NULL;
	r = spec_generate(&so, cfg, &spec, err);
	if (r < 0) {
		(void)container_network_teardown(e, c, NULL);
		return r;
	}
	/* inspect shows the final environment once it is known */
	json_t *env = json_object_get(json_object_get(spec, "process"), "env");
	if (json_is_array(env)) {
		char **nenv = xnew(char *, 1);
		json_array_foreach(env, i, v) strv_push(&nenv, json_string_value(v));
		strv_free(cc->env);
		cc->env = nenv;
	}
	r = container_isolation_spec(e, c, spec, err);
	if (r < 0)
		return r;
	/* an "idmap" mount the runtime would refuse obscurely or ignore fails here, clearly */
	r = idmap_mount_check_spec(spec, rt, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *text = json_dumps(spec, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *path = path_join(static_dir, "config.json");
	r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

/*
 * cpod-runtime-wrap, which conmon runs instead of a runtime that needs the cgroup workaround
 * (runtime/runtime-wrap.c): beside cpod's own binary (the build tree, or an install in one
 * directory), else in libexecdir. Tests that are not cpod set CPOD_SELF: no wrapper then.
 */
static char *runtime_wrapper_path(void)
{
	char buf[PATH_MAX];
	if (getenv("CPOD_SELF"))
		return NULL;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		char *slash = strrchr(buf, '/');
		if (slash) {
			*slash = '\0';
			_cleanup_free_ char *p = path_join(buf, "cpod-runtime-wrap");
			if (access(p, X_OK) == 0)
				return TAKE_PTR(p);
		}
	}
	_cleanup_free_ char *p = path_join(CPOD_LIBEXECDIR, "cpod-runtime-wrap");
	return access(p, X_OK) == 0 ? TAKE_PTR(p) : NULL;
}


struct conmon_exit_command_opts container_self_command_opts(struct engine *e, const char *id)
{
	/* CPOD_SELF lets tests (whose binary is not cpod) choose the exit command's program */
	const char *self = getenv("CPOD_SELF");
	return (struct conmon_exit_command_opts){
	        .self = self && *self == '/' ? self : NULL,
	        .root = e->graph_root,
	        .run_root = e->run_root,
	        .cgroup_manager = e->opts.cgroup_manager,
	        .tmpdir = e->opts.tmpdir,
	        .runtime = e->opts.runtime,
	        .storage_driver = e->opts.storage_driver,
	        .storage_opts = e->opts.storage_opts,
	        .events_backend = e->opts.events_backend,
	        .id = id,
	};
}

static int exit_command(struct engine *e, struct container *c, char ***ret, struct cpod_error **err)
{
	struct conmon_exit_command_opts o = container_self_command_opts(e, c->config.id);
	o.remove = c->config.remove;
	return conmon_exit_command(&o, ret, err);
}

/*
 * Podman's createOCIContainer binds the published host ports of a rootful container (not
 * slirp4netns) before it starts conmon and leaks them into conmon, which holds them while the
 * container runs: a port taken on the host fails the start ("cannot listen on the TCP port:
 * ..."), and no host process can take a running container's port. The mappings are those
 * network.json recorded at setup (random host ports resolved); only bridge networking has
 * them, and it is rootful. *ret_fds: owned, for net_ports_close().
 */
static int reserve_ports(struct engine *e, const struct container *c, int **ret_fds,
                         size_t *ret_n, struct cpod_error **err)
{
	*ret_fds = NULL;
	*ret_n = 0;
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	json_t *ports = json_object_get(st, "port_mappings");
	if (!json_array_size(ports))
		return 0;
	return net_ports_bind(ports, ret_fds, ret_n, err);
}

/*
 * Podman's init(): a restart by the restart policy keeps the restart count (retain_retries),
 * any other start from scratch (start, restart, init) sets it back to 0.
 */
static int init_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
                       bool retain_retries, struct cpod_error **err)
{
	struct container_config *cc = &c->config;
	struct store *s = engine_store(e, err);
	struct state_db *db = engine_state(e, err);
	if (!s || !db)
		return -EIO;
	const char *conmon = engine_conmon_path(e, err);
	if (!conmon)
		return -ENOENT;
	_cleanup_free_ char *static_dir = container_userdata_dir(e, cc->id, false);
	_cleanup_free_ char *run_dir = container_userdata_dir(e, cc->id, true);
	_cleanup_free_ char *exits = path_join(e->run_root, "exits");
	_cleanup_free_ char *exit_file = container_exit_file(e, cc->id);
	int r = mkdir_p(run_dir, 0700);
	if (r >= 0)
		r = mkdir_p(static_dir, 0700);
	if (r >= 0)
		r = mkdir_p(exits, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create the directories of container %s",
		                            cc->id);
	/*
	 * A runtime container left by a killed cpod would make create fail; only then is a
	 * delete worth an exec of the runtime.
	 */
	if (rt->state_dir) {
		_cleanup_free_ char *left = path_join(rt->state_dir, cc->id);
		if (path_exists(left))
			(void)runtime_oci_delete(rt, cc->id, true, NULL);
	} else {
		(void)runtime_oci_delete(rt, cc->id, true, NULL);
	}
	(void)unlink(exit_file);
	_cleanup_free_ char *oom = path_join(static_dir, "oom");
	(void)unlink(oom);

	_cleanup_free_ char *mnt = NULL;
	r = container_rootfs_mount(s, cc, &mnt, err);
	if (r < 0)
		return cpod_error_wrap(err, "mounting the root file system of %s", cc->id);
	_cleanup_json_ json_t *mounts = NULL;
	/* the rootfs in the container's id range first: a volume's copy-up copies its owners */
	r = container_idmap_rootfs(e, c, mnt, err);
	if (r >= 0)
		r = container_mounts_setup(e, c, mnt, &mounts, err);
	bool mounted = r >= 0;
	if (r >= 0)
		r = write_spec(e, c, rt, mnt, static_dir, run_dir, mounts, err);
	_cleanup_strv_free_ char **exit_cmd = NULL;
	if (r >= 0)
		r = exit_command(e, c, &exit_cmd, err);
	/* --pidfile and --conmon-pidfile replace the files in the run directory, as Podman */
	const char *upid = json_string_value(json_object_get(cc->spec_extra, "pidfile"));
	const char *ucpid = json_string_value(json_object_get(cc->spec_extra, "conmon_pidfile"));
	_cleanup_free_ char *pidfile = upid ? xstrdup(upid) : path_join(run_dir, "pidfile");
	_cleanup_free_ char *conmon_pidfile =
	        ucpid ? xstrdup(ucpid) : path_join(run_dir, "conmon.pid");
	const struct cpod_config *cfg = engine_config(e, NULL);
	pid_t conmon_pid = 0, ctr_pid = 0;
	_cleanup_free_ char *wrapper = runtime_wrapper_path();
	int *port_fds = NULL;
	size_t n_port_fds = 0;
	if (r >= 0)
		r = reserve_ports(e, c, &port_fds, &n_port_fds, err);
	if (r >= 0) {
		struct conmon_create_opts co = {
		        .conmon_path = conmon,
		        .runtime = rt,
		        .runtime_wrapper = wrapper,
		        .id = cc->id,
		        .name = cc->name,
		        .bundle = static_dir,
		        .pidfile = pidfile,
		        .exit_dir = exits,
		        .conmon_pidfile = conmon_pidfile,
		        .log_driver = cc->log_driver,
		        .log_path = cc->log_path,
		        .log_size_max = cfg ? cfg->containers.log_size_max : -1,
		        .terminal = cc->terminal,
		        .stdin_open = cc->stdin_open,
		        .exit_command = exit_cmd,
		        .env = cfg ? cfg->engine.conmon_env_vars : NULL,
		        .ctr_timeout = (unsigned)json_integer_value(
		                json_object_get(cc->spec_extra, "timeout")),
		        .preserve_fds = (unsigned)json_integer_value(
		                json_object_get(cc->spec_extra, "preserve_fds")),
		        .extra_fds = port_fds,
		        .n_extra_fds = n_port_fds,
		};
		r = conmon_create(&co, &conmon_pid, &ctr_pid, err);
	}
	/* conmon holds its own copies now */
	net_ports_close(port_fds, n_port_fds);
	if (r < 0) {
		(void)container_network_teardown(e, c, NULL);
		if (mounted)
			container_mounts_teardown(e, c);
		(void)container_rootfs_unmount(s, cc, false, NULL);
		free(c->state.error);
		c->state.error = xstrdup((*err) ? (*err)->msg : "");
		(void)state_db_save_state(db, c, NULL);
		return r;
	}
	free(c->state.mountpoint);
	c->state.mountpoint = TAKE_PTR(mnt);
	if (!cc->runtime)
		cc->runtime = xstrdup(rt->name);
	c->state.status = CTR_CREATED;
	c->state.pid = ctr_pid;
	c->state.conmon_pid = conmon_pid;
	c->state.exit_code = 0;
	c->state.oom_killed = false;
	if (!retain_retries)
		c->state.restart_count = 0;
	free(c->state.error);
	c->state.error = NULL;
	r = state_db_save_config(db, c, err);
	if (r >= 0)
		r = state_db_save_state(db, c, err);
	return r;
}

int container_init_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
                          struct cpod_error **err)
{
	return init_locked(e, c, rt, false, err);
}

int container_init(struct engine *e, const char *key, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (c->state.status == CTR_CREATED)
		return 0; /* Podman: init of an initialized container is a no-op */
	if (container_status_active(c->state.status))
		return cpod_error_set(err, EINVAL,
		                      "container %s has already been created in runtime: container "
		                      "state improper",
		                      c->config.id);
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	return container_init_locked(e, c, rt, err);
}

int container_start_locked(struct engine *e, struct container *c, bool retain_retries,
                           struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	int r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	if (c->state.status == CTR_RUNNING)
		return 0; /* Podman: starting a running container is not an error */
	if (c->state.status == CTR_PAUSED || c->state.status == CTR_STOPPING)
		return cpod_error_set(err, EINVAL,
		                      "container %s must be in Created or Stopped state to be "
		                      "started: container state improper",
		                      c->config.id);
	if (c->state.status != CTR_CREATED) {
		r = init_locked(e, c, rt, retain_retries, err);
		if (r < 0)
			return r;
	}
	/* before the call: a fast container may exit before the runtime even returns */
	int64_t started = container_now_ns();
	r = runtime_oci_start(rt, c->config.id, err);
	if (r < 0) {
		/* the runtime container is useless now: tear it down, keep the error */
		free(c->state.error);
		c->state.error = xstrdup((*err) ? (*err)->msg : "");
		(void)runtime_oci_delete(rt, c->config.id, true, NULL);
		struct store *s = engine_store(e, NULL);
		(void)container_network_teardown(e, c, NULL);
		container_mounts_teardown(e, c);
		if (s)
			(void)container_rootfs_unmount(s, &c->config, false, NULL);
		c->state.status = CTR_EXITED;
		c->state.exit_code = r == -CPOD_ENOTFOUND_CMD    ? 127
		                     : r == -CPOD_ECANNOT_INVOKE ? 126
		                                                 : 125;
		c->state.pid = 0;
		c->state.finished_at = container_now_ns();
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
		(void)state_db_save_state(db, c, NULL);
		return r;
	}
	c->state.status = CTR_RUNNING;
	c->state.started_at = started;
	c->state.finished_at = 0;
	r = state_db_save_state(db, c, err);
	if (r >= 0)
		healthcheck_timer_start(e, c);
	return r;
}

struct start_cb {
	struct engine *e;
	const char *id;
	pid_t pid; /* the container's pid once started, for the signal proxy */
};

/* attach_run()'s start callback: the streams are connected, start the container now */
static int start_after_attach(void *userdata, struct cpod_error **err)
{
	struct start_cb *cb = userdata;
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(cb->e, cb->id, &c, &lock, err);
	if (r < 0)
		return r;
	r = container_start_locked(cb->e, c, false, err);
	if (r >= 0)
		cb->pid = c->state.pid;
	return r;
}

static int forward_signal(int signo, void *userdata)
{
	struct start_cb *cb = userdata;
	if (cb->pid > 0 && kill(cb->pid, signo) < 0)
		return -errno;
	return 0;
}

/*
 * Attached start (`run` without -d, `start -a`): connect to conmon's attach socket first,
 * start the container from the attach callback so that no output is lost, relay until the
 * container exits or the user detaches, then collect the exit code and clean up as
 * `podman run` does (so --rm has happened when the command returns).
 */
static int start_attached(struct engine *e, struct container *c, const char *id,
			  const struct container_attach_io *io, int *ret_exit_code,
			  bool *ret_detached, struct cpod_error **err)
{
	_cleanup_free_ char *bundle = container_userdata_dir(e, id, false);
	_cleanup_free_ char *sock = path_join(bundle, "attach");
	_cleanup_free_ char *ctl = path_join(bundle, "ctl");
	const struct cpod_config *cfg = engine_config(e, NULL);
	struct start_cb cb = {.e = e, .id = id, .pid = c->state.pid};
	bool running = c->state.status == CTR_RUNNING;
	struct attach_opts ao = {
		.socket_path = sock,
		.ctl_path = c->config.terminal ? ctl : NULL,
		.in_fd = io->attach_stdin ? io->in_fd : -1,
		.out_fd = io->attach_stdout ? io->out_fd : -1,
		.err_fd = io->attach_stderr ? io->err_fd : -1,
		.detach_keys = io->detach_keys ? io->detach_keys
			       : cfg && cfg->engine.detach_keys ? cfg->engine.detach_keys
								 : NULL,
		.terminal = c->config.terminal,
		.start = running ? NULL : start_after_attach,
		.userdata = &cb,
	};
	struct attach_sig_proxy *proxy = NULL;
	if (io->sig_proxy && !c->config.terminal) {
		struct cpod_error *perr = NULL;
		if (attach_sig_proxy_start(forward_signal, &cb, &proxy, &perr) < 0) {
			log_debug("signal proxy: %s", perr->msg);
			cpod_error_free(perr);
		}
	}
	bool detached = false;
	int r = attach_run(&ao, &detached, err);
	attach_sig_proxy_stop(proxy);
	if (ret_detached)
		*ret_detached = detached;
	if (r < 0 || detached)
		return r;
	int code = 0;
	r = container_wait(e, id, 0, &code, err);
	if (r < 0)
		return r;
	if (ret_exit_code)
		*ret_exit_code = code;
	struct cpod_error *cerr = NULL;
	if (container_cleanup(e, id, &cerr) < 0) {
		log_debug("cleanup of %s: %s", id, cerr->msg);
		cpod_error_free(cerr);
	}
	return 0;
}

int container_start(struct engine *e, const char *key, const struct container_attach_io *io,
		    int *ret_exit_code, bool *ret_detached, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_free_ char *id = NULL;
	/* --requires: the dependencies run first (libpod's startDependencies) */
	if (container_deps_start(e, key, err) < 0)
		return -EIO;
	{
		_cleanup_close_ int lock = -1;
		int r = container_get_locked(e, key, &c, &lock, err);
		if (r < 0)
			return r;
		if (io) {
			/* created in the runtime (conmon and its socket exist) but not started */
			if (c->state.status != CTR_CREATED && c->state.status != CTR_RUNNING) {
				_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
				r = container_oci_runtime(e, &rt, err);
				if (r >= 0)
					r = container_init_locked(e, c, rt, err);
			}
		} else {
			r = container_start_locked(e, c, false, err);
		}
		if (r < 0)
			return r;
		id = xstrdup(c->config.id);
	}
	if (ret_detached)
		*ret_detached = false;
	if (!io)
		return 0;
	return start_attached(e, c, id, io, ret_exit_code, ret_detached, err);
}
