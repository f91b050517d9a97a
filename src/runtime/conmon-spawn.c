/* SPDX-License-Identifier: Apache-2.0 */
/* Starting conmon and reading its pipes: shared by container create and exec sessions. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "conmon-internal.h"
#include "exec.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SYNC_MSG_MAX (64 * 1024)
#define STDERR_MAX   (16 * 1024)

enum child_stage {
	STAGE_HIDE,
	STAGE_FDS,
	STAGE_EXEC,
};

/*
 * Where descriptors are lifted before they are moved into place: above the preserved fds,
 * the three pipes and the extra fds, so that no dup2() target clobbers one still needed.
 */
static int lift_floor(const struct conmon_spawn *s)
{
	return 3 + (int)s->preserve_fds + 3 + (int)s->n_extra_fds + 16;
}

/* After fork(): system calls only. extra: s->extra_fds lifted by the parent (CLOEXEC). */
static _Noreturn void child_exec(const struct conmon_spawn *s, const int *extra, int null_fd,
                                 int err_fd, int report_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	setpgid(0, 0);
	if (s->cwd && chdir(s->cwd) < 0)
		runtime_child_fail(report_fd, STAGE_FDS, errno);
	if (s->hide) {
		int r = runtime_hide_cgroup2_unified();
		if (r < 0)
			runtime_child_fail(report_fd, STAGE_HIDE, -r);
	}
	/* lift every fd still needed above the targets so that dup2 cannot clobber one */
	int first = 3 + (int)s->preserve_fds;
	int high = lift_floor(s);
	int moved[3] = {-1, -1, -1};
	for (int i = 0; i < 3; i++) {
		if (s->pipes[i] < 0)
			continue;
		moved[i] = fcntl(s->pipes[i], F_DUPFD_CLOEXEC, high);
		if (moved[i] < 0)
			runtime_child_fail(report_fd, STAGE_FDS, errno);
	}
	int report = fcntl(report_fd, F_DUPFD_CLOEXEC, high);
	int nul = fcntl(null_fd, F_DUPFD_CLOEXEC, high);
	int errw = fcntl(err_fd, F_DUPFD_CLOEXEC, high);
	if (report < 0 || nul < 0 || errw < 0)
		runtime_child_fail(report_fd, STAGE_FDS, errno);
	if (!s->passthrough) {
		if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(errw, 2) < 0)
			runtime_child_fail(report, STAGE_FDS, errno);
	}
	for (unsigned i = 0; i < s->preserve_fds; i++) {
		int fd = 3 + (int)i;
		int fl = fcntl(fd, F_GETFD);
		if (fl < 0 || fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			runtime_child_fail(report, STAGE_FDS, errno);
	}
	for (int i = 0; i < 3; i++) {
		if (moved[i] >= 0 && dup2(moved[i], first + i) < 0)
			runtime_child_fail(report, STAGE_FDS, errno);
	}
	/* dup2() clears FD_CLOEXEC: conmon inherits these, the container does not (no preserve) */
	for (size_t i = 0; i < s->n_extra_fds; i++) {
		if (dup2(extra[i], first + 3 + (int)i) < 0)
			runtime_child_fail(report, STAGE_FDS, errno);
	}
	execve(s->path, s->argv, s->envp);
	runtime_child_fail(report, STAGE_EXEC, errno);
}

static int report_child_error(const struct conmon_spawn *s, const struct runtime_child_report *rep,
                              struct cpod_error **err)
{
	if (s->plain_errors)
		return cpod_error_set_errno(err, rep->errnum, "exec %s", s->path);
	switch (rep->stage) {
	case STAGE_HIDE:
		return cpod_error_set_errno(
		        err, rep->errnum,
		        "run %s: hide /sys/fs/cgroup/unified in a private mount namespace",
		        s->path);
	case STAGE_FDS:
		return cpod_error_set_errno(err, rep->errnum, "run %s: set up file descriptors",
		                            s->path);
	default:
		return cpod_error_set_errno(err, rep->errnum, "exec %s", s->path);
	}
}

/* Close the n descriptors of fds (copies made by lift_extra) and free the array. */
static void close_extra(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

/*
 * Copies of s->extra_fds above lift_floor(s), made before fork() so that the child needs no
 * memory of its own to move them. *ret: owned (close_extra), NULL without extra fds.
 */
static int lift_extra(const struct conmon_spawn *s, int **ret, struct cpod_error **err)
{
	*ret = NULL;
	if (!s->n_extra_fds)
		return 0;
	int *fds = xnew(int, s->n_extra_fds);
	for (size_t i = 0; i < s->n_extra_fds; i++) {
		fds[i] = fcntl(s->extra_fds[i], F_DUPFD_CLOEXEC, lift_floor(s));
		if (fds[i] < 0) {
			int e = errno;
			close_extra(fds, i);
			return cpod_error_set_errno(err, e, "run %s: set up file descriptors",
			                            s->path);
		}
	}
	*ret = fds;
	return 0;
}

int conmon_spawn(const struct conmon_spawn *s, int *ret_errfd, struct cpod_error **err)
{
	int report[2] = {-1, -1}, errp[2] = {-1, -1};
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int *extra = NULL;
	int r;
	if (null_fd < 0)
		return cpod_error_set_errno(err, errno, "open /dev/null");
	r = lift_extra(s, &extra, err);
	if (r < 0)
		return r;
	if (pipe2(report, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		r = cpod_error_set_errno(err, errno, "%s", s->pipe_error);
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		r = cpod_error_set_errno(err, errno, "fork conmon");
		goto out;
	}
	if (pid == 0)
		child_exec(s, extra, null_fd, errp[1], report[1]);
	close(report[1]);
	report[1] = -1;
	close(errp[1]);
	errp[1] = -1;
	struct runtime_child_report rep;
	if (runtime_child_failed(report[0], pid, &rep)) {
		r = report_child_error(s, &rep, err);
		goto out;
	}
	*ret_errfd = errp[0];
	errp[0] = -1;
	r = pid;
out:
	runtime_close_pair(report);
	runtime_close_pair(errp);
	close_extra(extra, extra ? s->n_extra_fds : 0);
	return r;
}

static int conmon_failed_error(int errfd, int status, struct cpod_error **err)
{
	char buf[STDERR_MAX + 1];
	int fl = fcntl(errfd, F_GETFL);
	fcntl(errfd, F_SETFL, fl | O_NONBLOCK);
	ssize_t m = read(errfd, buf, STDERR_MAX);
	buf[m > 0 ? m : 0] = '\0';
	size_t len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return cpod_error_set(err, EIO, "conmon failed: exit status %d%s%s", status,
	                      len ? ": " : "", buf);
}

int conmon_start_wait(int start_fd, pid_t pid, int errfd, struct cpod_error **err)
{
	/* conmon blocks on the start pipe before it forks: nothing to move to a cgroup yet */
	char zero = 0;
	if (send(start_fd, &zero, 1, MSG_NOSIGNAL) < 0)
		log_debug("conmon start pipe: %s", strerror(errno));
	int status = runtime_wait_status(pid);
	if (status != 0)
		return conmon_failed_error(errfd, status, err);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int conmon_read_msg(int fd, unsigned timeout_ms, char **ret)
{
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		int wait = -1;
		if (timeout_ms) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return -ETIMEDOUT;
			wait = (int)left;
		}
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		_cleanup_free_ char *buf = xmalloc(SYNC_MSG_MAX + 1);
		ssize_t n = recv(fd, buf, SYNC_MSG_MAX, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		buf[n] = '\0';
		*ret = TAKE_PTR(buf);
		return 0;
	}
}
