/* SPDX-License-Identifier: Apache-2.0 */
/* conmon --exec: launching an exec session and talking to it over its pipes (conmon-exec.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "conmon-exec.h"
#include "conmon-internal.h"
#include "exec.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Podman's define.ContainerCreateTimeout, used for exec too */
#define DEFAULT_TIMEOUT_MS (240 * 1000)
#define PRESERVE_FDS_MAX   1024

void conmon_exec_release(struct conmon_exec *x)
{
	if (x->sync_fd >= 0)
		close(x->sync_fd);
	if (x->start_fd >= 0)
		close(x->start_fd);
	if (x->attach_fd >= 0)
		close(x->attach_fd);
	x->sync_fd = x->start_fd = x->attach_fd = -1;
	free(x->runtime_name);
	x->runtime_name = NULL;
}

static int build_argv(const struct conmon_exec_opts *o, bool wrap, char ***ret,
                      struct cpod_error **err)
{
	_cleanup_free_ char *pidfile = path_join(o->session_dir, "exec_pid");
	_cleanup_free_ char *exit_dir = path_join(o->session_dir, "exit");
	_cleanup_free_ char *conmon_pidfile = path_join(o->session_dir, "conmon.pid");
	struct conmon_create_opts co = {
	        .conmon_path = o->conmon_path,
	        .runtime = o->runtime,
	        .id = o->ctr_id,
	        .name = o->ctr_name,
	        .bundle = o->session_dir,
	        .pidfile = pidfile,
	        .exit_dir = exit_dir,
	        .log_driver = "none",
	        .log_level = o->log_level,
	        .terminal = o->terminal,
	        .stdin_open = o->stdin_open,
	};
	_cleanup_strv_free_ char **v = NULL;
	int r = conmon_build_argv(&co, conmon_pidfile, wrap, &v, err);
	if (r < 0)
		return r;
	strv_push(&v, "-e");
	if (o->attach)
		strv_push(&v, "--exec-attach");
	strv_push(&v, "--exec-process-spec");
	strv_push(&v, o->process_spec);
	if (o->preserve_fds) {
		strv_push(&v, "--runtime-opt");
		strv_consume(&v, xasprintf("--preserve-fds=%u", o->preserve_fds));
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int conmon_exec_start(const struct conmon_exec_opts *o, struct conmon_exec *ret,
                      struct cpod_error **err)
{
	if (!o->conmon_path || o->conmon_path[0] != '/' || !o->runtime || !o->ctr_id ||
	    !o->ctr_name || !o->session_dir || !o->process_spec)
		return cpod_error_set(err, EINVAL,
		                      "conmon exec: conmon path, runtime, container, session "
		                      "directory and process spec are required");
	if (o->preserve_fds > PRESERVE_FDS_MAX)
		return cpod_error_set(err, EINVAL, "too many file descriptors to preserve: %u",
		                      o->preserve_fds);
	for (unsigned i = 0; i < o->preserve_fds; i++) {
		if (fcntl(3 + (int)i, F_GETFD) < 0)
			return cpod_error_set_errno(err, errno,
			                            "file descriptor %u is not available", 3 + i);
	}
	bool wrap = false, hide = false;
	if (o->runtime->needs_cgroup_workaround) {
		wrap = conmon_unshare_path() != NULL && access("/bin/sh", X_OK) == 0;
		hide = !wrap;
	}
	_cleanup_close_ int errfd = -1;
	_cleanup_strv_free_ char **argv = NULL;
	int r = build_argv(o, wrap, &argv, err);
	if (r < 0)
		return r;
	int first = 3 + (int)o->preserve_fds;
	struct conmon_create_opts eo = {.env = o->env};
	_cleanup_strv_free_ char **envp = conmon_build_env(&eo, first, first + 1);
	if (o->attach)
		strv_consume(&envp, xasprintf("_OCI_ATTACHPIPE=%d", first + 2));
	if (log_get_level() <= LOG_LEVEL_DEBUG) {
		_cleanup_free_ char *line = strv_join(argv, " ");
		log_debug("running conmon: %s", line);
	}

	_cleanup_free_ char *msg = NULL; /* declared before the first goto fail (clang) */
	/* [0] the child's end, [1] ours, as Podman's newPipe() */
	int sync[2] = {-1, -1}, start[2] = {-1, -1}, att[2] = {-1, -1};
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start) < 0 ||
	    (o->attach && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, att) < 0)) {
		r = cpod_error_set_errno(err, errno, "conmon: create sync pipes");
		goto fail;
	}
	struct conmon_spawn sp = {
	        .path = o->conmon_path,
	        .argv = argv,
	        .envp = envp,
	        .pipes = {sync[0], start[0], att[0]},
	        .preserve_fds = o->preserve_fds,
	        .hide = hide,
	        .pipe_error = "conmon: create pipes",
	        .plain_errors = true,
	};
	r = conmon_spawn(&sp, &errfd, err);
	close_fd(&sync[0]);
	close_fd(&start[0]);
	close_fd(&att[0]);
	if (r < 0)
		goto fail;
	pid_t pid = r;
	r = conmon_start_wait(start[1], pid, errfd, err);
	if (r < 0)
		goto fail;
	*ret = (struct conmon_exec){
	        .sync_fd = sync[1],
	        .start_fd = start[1],
	        .attach_fd = att[1],
	        .timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS,
	        .runtime_name = xstrdup(o->runtime->name),
	};
	if (!o->attach)
		return 0;
	r = conmon_read_msg(ret->attach_fd, ret->timeout_ms, &msg);
	if (r < 0) {
		conmon_exec_release(ret);
		if (r == -ETIMEDOUT)
			return cpod_error_set(err, ETIMEDOUT,
			                      "timed out waiting for the exec session "
			                      "to be ready to attach");
		/* conmon gone before the socket was ready: the sync pipe may say why */
		return cpod_error_set(err, EIO, "exec session setup failed: conmon exited");
	}
	return 0;
fail:
	close_fd(&sync[0]);
	close_fd(&sync[1]);
	close_fd(&start[0]);
	close_fd(&start[1]);
	close_fd(&att[0]);
	close_fd(&att[1]);
	return r;
}

static int interpret(struct conmon_exec *x, const char *msg, int *ret_data, struct cpod_error **err)
{
	_cleanup_free_ char *text = NULL;
	int data;
	if (conmon_parse_sync_message(msg, &data, &text) < 0)
		return cpod_error_set(err, EIO, "exec failed: conmon bytes \"%s\"", msg);
	if (data < 0) {
		if (text && *text)
			return runtime_oci_error(x->runtime_name, text, err);
		return cpod_error_set(err, EIO, "exec failed: internal libpod error");
	}
	*ret_data = data;
	return 0;
}

int conmon_exec_run(struct conmon_exec *x, bool attach, struct cpod_error **err)
{
	if (attach) {
		char one = 0;
		if (send(x->start_fd, &one, 1, MSG_NOSIGNAL) < 0)
			return cpod_error_set_errno(err, errno, "exec: signal conmon to start");
	}
	_cleanup_free_ char *msg = NULL;
	int r = conmon_read_msg(x->sync_fd, x->timeout_ms, &msg);
	if (r == -ETIMEDOUT)
		return cpod_error_set(err, ETIMEDOUT,
		                      "timed out waiting for the exec session to "
		                      "start");
	if (r == -EPIPE)
		return cpod_error_set(err, EIO, "exec failed (no logs from conmon): EOF");
	if (r < 0)
		return cpod_error_set_errno(err, -r, "exec: read sync pipe");
	int pid = 0;
	r = interpret(x, msg, &pid, err);
	if (r < 0)
		return r;
	x->pid = pid;
	return 0;
}

int conmon_exec_wait(struct conmon_exec *x, int *ret_exit_code, struct cpod_error **err)
{
	_cleanup_free_ char *msg = NULL;
	int r = conmon_read_msg(x->sync_fd, 0, &msg);
	if (r == -EPIPE)
		return cpod_error_set(err, EPIPE, "conmon exited without reporting the exit code");
	if (r < 0)
		return cpod_error_set_errno(err, -r, "exec: read sync pipe");
	_cleanup_free_ char *text = NULL;
	int data;
	if (conmon_parse_sync_message(msg, &data, &text) < 0)
		return cpod_error_set(err, EIO, "exec: conmon bytes \"%s\"", msg);
	if (data < 0 && text && *text)
		return cpod_error_set(err, EIO, "exec: %s", text);
	*ret_exit_code = data;
	return 0;
}
