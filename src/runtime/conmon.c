/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "conmon-internal.h"
#include "exec.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Podman's define.ContainerCreateTimeout */
#define DEFAULT_TIMEOUT_MS (240 * 1000)

/* fds the child sees: conmon reads the pipe numbers from _OCI_SYNCPIPE / _OCI_STARTPIPE */
#define CHILD_SYNC_FD  3
#define CHILD_START_FD 4

static pid_t read_pidfile(const char *path)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, 64, &text, NULL) < 0)
		return 0;
	char *end;
	long v = strtol(text, &end, 10);
	if (end == text || v <= 0 || v > 0x7fffffff)
		return 0;
	return (pid_t)v;
}

/* Turn the sync message into the container pid or an error. */
static int interpret_sync(const struct conmon_create_opts *o, const char *msg, pid_t *ret_pid,
                          struct cpod_error **err)
{
	int data;
	_cleanup_free_ char *text = NULL;
	if (conmon_parse_sync_message(msg, &data, &text) < 0)
		return cpod_error_set(err, EIO, "container create failed: conmon bytes \"%s\"",
		                      msg);
	if (data < 0) {
		if (text && *text)
			return runtime_oci_error(o->runtime->name, text, err);
		return cpod_error_set(err, EIO, "container create failed: internal libpod error");
	}
	*ret_pid = data;
	return 0;
}

static int check_opts(const struct conmon_create_opts *o, struct cpod_error **err)
{
	if (!o->conmon_path || o->conmon_path[0] != '/' || !o->runtime || !o->id || !o->name ||
	    !o->bundle || !o->pidfile || !o->exit_dir)
		return cpod_error_set(err, EINVAL,
		                      "conmon: conmon path, runtime, id, name, bundle, pidfile and "
		                      "exit dir are required");
	return 0;
}

int conmon_create(const struct conmon_create_opts *o, pid_t *ret_conmon_pid, pid_t *ret_ctr_pid,
                  struct cpod_error **err)
{
	int r = check_opts(o, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *conmon_pidfile =
	        o->conmon_pidfile ? xstrdup(o->conmon_pidfile) : path_join(o->bundle, "conmon.pid");
	bool wrap = false, hide = false;
	if (o->runtime->needs_cgroup_workaround) {
		wrap = o->runtime_wrapper ||
		       (conmon_unshare_path() != NULL && access("/bin/sh", X_OK) == 0);
		hide = !wrap;
		if (hide)
			log_debug(
			        "unshare not found: conmon runs in a private mount namespace too; "
			        "the exit command's unmounts will not reach the host");
	}
	_cleanup_strv_free_ char **argv = NULL;
	r = conmon_build_argv(o, conmon_pidfile, wrap, &argv, err);
	if (r < 0)
		return r;
	int pfds = (int)o->preserve_fds;
	_cleanup_strv_free_ char **envp =
	        conmon_build_env(o, CHILD_SYNC_FD + pfds, CHILD_START_FD + pfds);
	if (log_get_level() <= LOG_LEVEL_DEBUG) {
		_cleanup_free_ char *line = strv_join(argv, " ");
		log_debug("running conmon: %s", line);
	}

	/* as Podman's newPipe(): [0] is the child's end, [1] the parent's */
	_cleanup_free_ char *msg = NULL;
	_cleanup_close_ int errfd = -1;
	int sync[2] = {-1, -1}, start[2] = {-1, -1};
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start) < 0) {
		r = cpod_error_set_errno(err, errno, "conmon: create sync pipes");
		goto out;
	}
	struct conmon_spawn sp = {
	        .path = o->conmon_path,
	        .argv = argv,
	        .envp = envp,
	        .pipes = {sync[0], start[0], -1},
	        .preserve_fds = o->preserve_fds,
	        .extra_fds = o->extra_fds,
	        .n_extra_fds = o->n_extra_fds,
	        .passthrough = o->log_driver && strcmp(o->log_driver, "passthrough") == 0,
	        .hide = hide,
	        .cwd = o->bundle,
	        .pipe_error = "conmon: create sync pipes",
	};
	r = conmon_spawn(&sp, &errfd, err);
	close(sync[0]);
	sync[0] = -1;
	close(start[0]);
	start[0] = -1;
	if (r < 0)
		goto out;
	pid_t pid = r;

	r = conmon_start_wait(start[1], pid, errfd, err);
	if (r < 0)
		goto out;

	r = conmon_read_msg(sync[1], o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, &msg);
	pid_t ctr_pid = 0;
	if (r == -ETIMEDOUT)
		r = cpod_error_set(err, ETIMEDOUT, "container creation timeout");
	else if (r == -EPIPE)
		r = cpod_error_set(err, EIO, "container create failed (no logs from conmon): EOF");
	else if (r < 0)
		r = cpod_error_set_errno(err, -r, "container create failed: read sync pipe");
	else
		r = interpret_sync(o, msg, &ctr_pid, err);
	if (r < 0) {
		_cleanup_error_ struct cpod_error *derr = NULL;
		if (runtime_oci_delete(o->runtime, o->id, true, &derr) < 0)
			log_debug(
			        "removing container %s from the runtime after creation failed: %s",
			        o->id, derr->msg);
		goto out;
	}
	if (ret_ctr_pid)
		*ret_ctr_pid = ctr_pid;
	if (ret_conmon_pid)
		*ret_conmon_pid = read_pidfile(conmon_pidfile);
	r = 0;
out:
	runtime_close_pair(sync);
	runtime_close_pair(start);
	return r;
}
