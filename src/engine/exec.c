/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exec sessions (exec.h). The container's lock is held only while the session is set up:
 * a long-running exec must not block stop, kill or another exec.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/containers-conf.h"
#include "engine/container-internal.h"
#include "engine/exec.h"
#include "runtime/attach.h"
#include "runtime/conmon-exec.h"
#include "runtime/oci.h"
#include "runtime/probe.h"
#include "runtime/spec.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define SPEC_MAX (4 * 1024 * 1024)

static char *exec_root(struct engine *e, const char *id)
{
	_cleanup_free_ char *run = container_userdata_dir(e, id, true);
	return path_join(run, "exec");
}

/* The container run a session belongs to (its start time), from its session.json. */
static int64_t session_run(const char *path)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, 64 * 1024, &text, NULL) < 0)
		return -1;
	_cleanup_json_ json_t *j = json_loads(text, 0, NULL);
	json_t *v = json_object_get(j, "ContainerStarted");
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/*
 * Remove the sessions of earlier runs of the container (lock held). A directory without
 * session.json may be a session another exec is setting up right now: it is left alone.
 */
static void sweep_sessions(const char *root, int64_t started)
{
	DIR *d = opendir(root);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!id_is_full_hex(de->d_name))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s/session.json", root, de->d_name);
		if (access(p, F_OK) != 0 || session_run(p) == started)
			continue;
		_cleanup_free_ char *dir = path_join(root, de->d_name);
		(void)rm_rf_at(AT_FDCWD, dir);
	}
	closedir(d);
}

json_t *container_exec_ids(struct engine *e, const struct container *c)
{
	json_t *ids = json_array();
	if (c->state.status != CTR_RUNNING)
		return ids;
	_cleanup_free_ char *dir = exec_root(e, c->config.id);
	DIR *d = opendir(dir);
	if (!d)
		return ids;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!id_is_full_hex(de->d_name))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s/session.json", dir, de->d_name);
		/* sessions of an earlier run of the container are gone with it */
		if (session_run(p) == c->state.started_at)
			json_array_append_new(ids, json_string(de->d_name));
	}
	closedir(d);
	return ids;
}


/* The container's process from its config.json (new reference). */
static int load_process(struct engine *e, const char *id, json_t **ret, struct cpod_error **err)
{
	_cleanup_free_ char *bundle = container_userdata_dir(e, id, false);
	_cleanup_free_ char *path = path_join(bundle, "config.json");
	_cleanup_free_ char *text = NULL;
	int r = read_file_at(AT_FDCWD, path, SPEC_MAX, &text, NULL);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read the OCI spec of container %s", id);
	json_error_t jerr;
	_cleanup_json_ json_t *spec = json_loads(text, 0, &jerr);
	if (!spec)
		return cpod_error_set(err, EIO, "parse %s: %s", path, jerr.text);
	json_t *p = json_object_get(spec, "process");
	if (!json_is_object(p))
		return cpod_error_set(err, EIO, "%s has no process", path);
	*ret = json_incref(p);
	return 0;
}

static int build_process(struct engine *e, const struct container *c,
                         const struct container_exec_opts *o, const char *file,
                         struct cpod_error **err)
{
	_cleanup_json_ json_t *ctr = NULL;
	int r = load_process(e, c->config.id, &ctr, err);
	if (r < 0)
		return r;
	struct spec_user u = {0};
	_cleanup_strv_free_ char **caps = o->privileged ? spec_caps_bounding_set() : NULL;
	_cleanup_free_ unsigned *sgids = NULL;
	struct exec_spec_opts so = {
	        .command = o->command,
	        .env = o->env,
	        .terminal = o->terminal,
	        .cwd = o->workdir,
	        .privileged = o->privileged,
	        .all_caps = caps,
	};
	if (o->user && *o->user) {
		r = spec_user_resolve(c->state.mountpoint, o->user, &u, err);
		if (r < 0)
			return r;
		sgids = xnew(unsigned, u.n_sgids + 1);
		for (size_t i = 0; i < u.n_sgids; i++)
			sgids[i] = u.sgids[i];
		so.set_user = true;
		so.uid = u.uid;
		so.gid = u.gid;
		so.sgids = sgids;
		so.n_sgids = u.n_sgids;
		so.home = u.home;
	}
	_cleanup_json_ json_t *p = NULL;
	r = exec_spec_build(ctr, &so, &p, err);
	spec_user_release(&u);
	if (r < 0)
		return r;
	_cleanup_free_ char *text = json_dumps(p, JSON_COMPACT);
	r = write_file_atomic_at(AT_FDCWD, file, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", file);
	return 0;
}

static void write_session(const char *dir, const char *sid, const struct container_exec_opts *o,
                          int64_t started, pid_t pid)
{
	_cleanup_json_ json_t *s = json_object();
	json_object_set_new(s, "ID", json_string(sid));
	json_t *cmd = json_array();
	for (size_t i = 0; o->command[i]; i++)
		json_array_append_new(cmd, json_string(o->command[i]));
	json_object_set_new(s, "Command", cmd);
	json_object_set_new(s, "Terminal", json_boolean(o->terminal));
	json_object_set_new(s, "Detached", json_boolean(o->detach));
	json_object_set_new(s, "PID", json_integer(pid));
	json_object_set_new(s, "ContainerStarted", json_integer(started));
	_cleanup_free_ char *text = json_dumps(s, JSON_COMPACT);
	_cleanup_free_ char *path = path_join(dir, "session.json");
	int r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (r < 0)
		log_debug("write %s: %s", path, strerror(-r));
}

struct session {
	char sid[65];
	int64_t started; /* the container's start time: which run the session belongs to */
	char *dir;
	char *name;
	char *id;
};

static void session_release(struct session *s)
{
	free(s->dir);
	free(s->name);
	free(s->id);
}

/* Check the container and lay out the session directory (lock held). */
static int prepare(struct engine *e, const char *key, const struct container_exec_opts *o,
                   struct session *s, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (c->state.status != CTR_RUNNING)
		return cpod_error_set(err, EINVAL,
		                      "can only create exec sessions on running "
		                      "containers: container state improper");
	if (!o->command || !o->command[0])
		return cpod_error_set(err, EINVAL,
		                      "must provide a non-empty command to start an "
		                      "exec session");
	if (o->session_id && id_is_full_hex(o->session_id))
		memcpy(s->sid, o->session_id, sizeof(s->sid));
	else
		id_random(s->sid);
	_cleanup_free_ char *root = exec_root(e, c->config.id);
	s->dir = path_join(root, s->sid);
	s->id = xstrdup(c->config.id);
	s->name = xstrdup(c->config.name);
	s->started = c->state.started_at;
	sweep_sessions(root, s->started);
	_cleanup_free_ char *exit_dir = path_join(s->dir, "exit");
	r = mkdir_p(exit_dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", exit_dir);
	_cleanup_free_ char *file = path_join(s->dir, "process.json");
	r = build_process(e, c, o, file, err);
	if (r < 0)
		(void)rm_rf_at(AT_FDCWD, s->dir);
	return r;
}

struct run_cb {
	struct conmon_exec *x;
};

static int start_cb(void *userdata, struct cpod_error **err)
{
	struct run_cb *cb = userdata;
	return conmon_exec_run(cb->x, true, err);
}

/* After a failure to start: was it because the container stopped meanwhile? */
static int explain_failure(struct engine *e, const struct session *s, int r,
                           struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	struct cpod_error *lerr = NULL;
	if (container_lookup(e, s->id, &c, &lerr) < 0) {
		cpod_error_free(lerr);
		return cpod_error_wrap(
		        err, "container %s was removed while the exec session started", s->id);
	}
	if (r != -CPOD_ENOTFOUND_CMD && r != -CPOD_ECANNOT_INVOKE &&
	    c->state.status != CTR_RUNNING) {
		/* the runtime's text ("container is not running") is the cause: keep it */
		cpod_error_wrap(err, "container %s is not running anymore (%s)", s->id,
		                container_status_to_string(c->state.status));
		return -EINVAL;
	}
	return r;
}

/* Read the exit code conmon left in the session's exit file (-1 when there is none). */
static int exit_file_code(const struct session *s)
{
	_cleanup_free_ char *ef = xasprintf("%s/exit/%s", s->dir, s->id);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, ef, 64, &text, NULL) < 0)
		return -1;
	return (int)strtol(text, NULL, 10);
}

static int run_attached(struct engine *e, const struct session *s, struct conmon_exec *x,
                        const struct container_exec_opts *o, const struct cpod_config *cfg,
                        bool *ret_keep, int *ret_exit_code, struct cpod_error **err)
{
	_cleanup_free_ char *sock = path_join(s->dir, "attach");
	_cleanup_free_ char *ctl = path_join(s->dir, "ctl");
	struct run_cb cb = {.x = x};
	struct attach_opts ao = {
	        .socket_path = sock,
	        .ctl_path = o->terminal ? ctl : NULL,
	        .in_fd = o->interactive ? o->in_fd : -1,
	        .out_fd = o->out_fd,
	        .err_fd = o->err_fd,
	        .detach_keys = o->detach_keys                   ? o->detach_keys
	                       : cfg && cfg->engine.detach_keys ? cfg->engine.detach_keys
	                                                        : NULL,
	        .terminal = o->terminal,
	        .start = start_cb,
	        .userdata = &cb,
	};
	bool detached = false;
	int r = attach_run(&ao, &detached, err);
	if (r < 0)
		return explain_failure(e, s, r, err);
	if (detached) {
		*ret_keep = true;
		*ret_exit_code = 0;
		return 0;
	}
	int code = 0;
	r = conmon_exec_wait(x, &code, err);
	if (r < 0) {
		/* conmon went away (the container was killed): its exit file may still say */
		code = exit_file_code(s);
		if (code < 0)
			return cpod_error_wrap(err, "exec session %s in container %s", s->sid,
			                       s->id);
		cpod_error_free(*err);
		*err = NULL;
	}
	*ret_exit_code = code < 0 ? 125 : code;
	return 0;
}

static int run_session(struct engine *e, const struct session *s,
                       const struct container_exec_opts *o, bool *ret_keep, int *ret_exit_code,
                       struct cpod_error **err)
{
	struct conmon_exec x = {.sync_fd = -1, .start_fd = -1, .attach_fd = -1};
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	const char *conmon = engine_conmon_path(e, err);
	if (!conmon)
		return -ENOENT;
	int r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	const struct cpod_config *cfg = engine_config(e, NULL);
	_cleanup_free_ char *spec = path_join(s->dir, "process.json");
	struct conmon_exec_opts co = {
	        .conmon_path = conmon,
	        .runtime = rt,
	        .ctr_id = s->id,
	        .ctr_name = s->name,
	        .session_dir = s->dir,
	        .process_spec = spec,
	        .terminal = o->terminal,
	        .stdin_open = o->interactive,
	        .attach = !o->detach,
	        .preserve_fds = o->preserve_fds,
	        .env = cfg ? cfg->engine.conmon_env_vars : NULL,
	};
	r = conmon_exec_start(&co, &x, err);
	if (r < 0)
		return r;
	if (o->detach) {
		r = conmon_exec_run(&x, false, err);
		if (r < 0) {
			r = explain_failure(e, s, r, err);
		} else {
			write_session(s->dir, s->sid, o, s->started, x.pid);
			*ret_keep = true;
			*ret_exit_code = 0;
		}
	} else {
		write_session(s->dir, s->sid, o, s->started, 0);
		r = run_attached(e, s, &x, o, cfg, ret_keep, ret_exit_code, err);
	}
	conmon_exec_release(&x);
	return r;
}

int container_exec(struct engine *e, const char *key, const struct container_exec_opts *o,
                   int *ret_exit_code, char **ret_session_id, struct cpod_error **err)
{
	struct session s = {0};
	bool keep = false;
	int code = 0;
	int r = prepare(e, key, o, &s, err);
	if (r >= 0) {
		r = run_session(e, &s, o, &keep, &code, err);
		if (!keep)
			(void)rm_rf_at(AT_FDCWD, s.dir);
	}
	if (r >= 0) {
		if (ret_exit_code)
			*ret_exit_code = code;
		if (ret_session_id)
			*ret_session_id = xstrdup(s.sid);
	}
	session_release(&s);
	return r;
}

int container_attach(struct engine *e, const char *key, const struct container_attach_io *io,
                     int *ret_exit_code, bool *ret_detached, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	if (c->state.status != CTR_RUNNING)
		return cpod_error_set(err, EINVAL, "you can only attach to running containers");
	/* attaching to a running container is start's attached path without the start */
	return container_start(e, c->config.id, io, ret_exit_code, ret_detached, err);
}
