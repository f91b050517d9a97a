/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "child.h"
#include "exec.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define UNIFIED_PATH        "/sys/fs/cgroup/unified"
#define DEFAULT_CAPTURE_MAX (1024 * 1024)

extern char **environ;

enum child_stage {
	STAGE_HIDE,
	STAGE_STDIO,
	STAGE_CHDIR,
	STAGE_EXEC,
};

void runtime_exec_result_release(struct runtime_exec_result *r)
{
	if (!r)
		return;
	free(r->stdout_data);
	free(r->stderr_data);
	r->stdout_data = r->stderr_data = NULL;
}

/* Runs in the child after fork(): system calls only. */
static _Noreturn void child_run(const struct runtime_exec_options *opts, int report_fd, int out_fd,
                                int err_fd, int null_fd)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);

	if (opts->flags & RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED) {
		int r = runtime_hide_cgroup2_unified();
		if (r < 0)
			runtime_child_fail(report_fd, STAGE_HIDE, -r);
	}
	if ((opts->flags & RUNTIME_EXEC_NULL_STDIN) && dup2(null_fd, 0) < 0)
		runtime_child_fail(report_fd, STAGE_STDIO, errno);
	if (out_fd >= 0 && dup2(out_fd, 1) < 0)
		runtime_child_fail(report_fd, STAGE_STDIO, errno);
	if (err_fd >= 0 && dup2(err_fd, 2) < 0)
		runtime_child_fail(report_fd, STAGE_STDIO, errno);
	if (opts->cwd && chdir(opts->cwd) < 0)
		runtime_child_fail(report_fd, STAGE_CHDIR, errno);
	execve(opts->path, opts->argv, opts->envp ? opts->envp : environ);
	runtime_child_fail(report_fd, STAGE_EXEC, errno);
}

static int report_error(const struct runtime_exec_options *opts,
                        const struct runtime_child_report *rep, struct cpod_error **err)
{
	switch (rep->stage) {
	case STAGE_HIDE:
		return cpod_error_set_errno(err, rep->errnum,
		                            "run %s: hide %s in a private mount namespace",
		                            opts->path, UNIFIED_PATH);
	case STAGE_CHDIR:
		return cpod_error_set_errno(err, rep->errnum, "run %s: chdir %s", opts->path,
		                            opts->cwd);
	case STAGE_STDIO:
		return cpod_error_set_errno(err, rep->errnum, "run %s: set up stdio", opts->path);
	default:
		return cpod_error_set_errno(err, rep->errnum, "exec %s", opts->path);
	}
}

/*
 * Fork and exec. out_pipe/err_pipe are pipes (or -1 pairs) whose write ends become the
 * child's stdout/stderr; the parent's copies of the write ends are closed here.
 */
static int spawn(const struct runtime_exec_options *opts, int out_pipe[2], int err_pipe[2],
                 pid_t *ret_pid, struct cpod_error **err)
{
	if (!opts->path || opts->path[0] != '/' || !opts->argv || !opts->argv[0])
		return cpod_error_set(err, EINVAL,
		                      "run: an absolute program path and argv are required");

	_cleanup_close_ int null_fd = -1;
	if (opts->flags & (RUNTIME_EXEC_NULL_STDIN | RUNTIME_EXEC_NULL_OUTPUT)) {
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null_fd < 0)
			return cpod_error_set_errno(err, errno, "open /dev/null");
	}
	int out_fd = out_pipe[1];
	int err_fd = err_pipe[1];
	if (opts->flags & RUNTIME_EXEC_NULL_OUTPUT) {
		if (out_fd < 0)
			out_fd = null_fd;
		if (err_fd < 0)
			err_fd = null_fd;
	}

	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return cpod_error_set_errno(err, errno, "run %s: pipe", opts->path);

	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		runtime_close_pair(report);
		return cpod_error_set_errno(err, e, "run %s: fork", opts->path);
	}
	if (pid == 0) {
		close(report[0]);
		child_run(opts, report[1], out_fd, err_fd, null_fd);
	}

	close(report[1]);
	if (out_pipe[1] >= 0) {
		close(out_pipe[1]);
		out_pipe[1] = -1;
	}
	if (err_pipe[1] >= 0) {
		close(err_pipe[1]);
		err_pipe[1] = -1;
	}

	struct runtime_child_report rep;
	bool failed = runtime_child_failed(report[0], pid, &rep);
	close(report[0]);
	if (failed)
		return report_error(opts, &rep, err);
	*ret_pid = pid;
	return 0;
}

int runtime_spawn(const struct runtime_exec_options *opts, pid_t *ret_pid, struct cpod_error **err)
{
	if (opts->flags & (RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_CAPTURE_STDERR))
		return cpod_error_set(err, EINVAL, "spawn %s: capture needs runtime_exec_argv()",
		                      opts->path);
	int none_out[2] = {-1, -1}, none_err[2] = {-1, -1};
	return spawn(opts, none_out, none_err, ret_pid, err);
}

/* Read both pipes until EOF, keeping at most max bytes of each. */
static int drain(int out_fd, int err_fd, size_t max, struct buf *out, struct buf *errb)
{
	struct pollfd pfd[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	struct buf *bufs[2] = {out, errb};
	char chunk[4096];
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			ssize_t n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				pfd[i].fd = -1;
				continue;
			}
			size_t room = max > bufs[i]->len ? max - bufs[i]->len : 0;
			buf_append(bufs[i], chunk, (size_t)n < room ? (size_t)n : room);
		}
	}
	return 0;
}

int runtime_exec_argv(const struct runtime_exec_options *opts, struct runtime_exec_result *ret,
                      struct cpod_error **err)
{
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
	bool cap_out = opts->flags & RUNTIME_EXEC_CAPTURE_STDOUT;
	bool cap_err = opts->flags & RUNTIME_EXEC_CAPTURE_STDERR;
	if ((cap_out && pipe2(out_pipe, O_CLOEXEC) < 0) ||
	    (cap_err && pipe2(err_pipe, O_CLOEXEC) < 0)) {
		int e = errno;
		runtime_close_pair(out_pipe);
		runtime_close_pair(err_pipe);
		return cpod_error_set_errno(err, e, "run %s: pipe", opts->path);
	}

	pid_t pid;
	int r = spawn(opts, out_pipe, err_pipe, &pid, err);
	if (r < 0) {
		runtime_close_pair(out_pipe);
		runtime_close_pair(err_pipe);
		return r;
	}

	size_t max = opts->capture_max ? opts->capture_max : DEFAULT_CAPTURE_MAX;
	_cleanup_buf_ struct buf out = BUF_INIT, errb = BUF_INIT;
	r = drain(out_pipe[0], err_pipe[0], max, &out, &errb);
	runtime_close_pair(out_pipe);
	runtime_close_pair(err_pipe);
	int status = runtime_wait_status(pid);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "run %s: read output", opts->path);
	if (status < 0)
		return cpod_error_set_errno(err, -status, "run %s: wait", opts->path);

	ret->status = status;
	ret->stdout_data = cap_out ? buf_take(&out) : NULL;
	ret->stderr_data = cap_err ? buf_take(&errb) : NULL;
	return 0;
}
