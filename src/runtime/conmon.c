/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conmon-internal.h"
#include "exec.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Podman's define.ContainerCreateTimeout */
#define DEFAULT_TIMEOUT_MS (240 * 1000)
#define SYNC_MSG_MAX       (64 * 1024)
#define STDERR_MAX         (16 * 1024)

/* fds the child sees: conmon reads the pipe numbers from _OCI_SYNCPIPE / _OCI_STARTPIPE */
#define CHILD_SYNC_FD  3
#define CHILD_START_FD 4

enum child_stage {
	STAGE_HIDE,
	STAGE_FDS,
	STAGE_EXEC,
};

struct child_report {
	int stage;
	int errnum;
};

struct child_fds {
	int sync, start, report, null, errw;
	bool passthrough;
	unsigned preserve_fds; /* the caller's fds 3..3+n-1 stay; the pipes go after them */
	bool hide;             /* run conmon itself without /sys/fs/cgroup/unified */
	/*
	 * conmon's working directory: it writes its "oom" file there (and only there without
	 * --persist-dir), so Podman runs it in the bundle
	 */
	const char *cwd;
};

static _Noreturn void child_fail(int fd, int stage, int errnum)
{
	struct child_report rep = {stage, errnum};
	ssize_t n = write(fd, &rep, sizeof(rep));
	(void)n;
	_exit(127);
}

/* After fork(): system calls only. */
static _Noreturn void child_exec(const char *path, char **argv, char **envp,
                                 const struct child_fds *f)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setpgid(0, 0);
	if (f->cwd && chdir(f->cwd) < 0)
		child_fail(f->report, STAGE_FDS, errno);
	if (f->hide) {
		int r = runtime_hide_cgroup2_unified();
		if (r < 0)
			child_fail(f->report, STAGE_HIDE, -r);
	}
	/* move the pipe ends above their targets first so that dup2 cannot clobber them */
	int high = CHILD_START_FD + (int)f->preserve_fds + 6;
	int s = fcntl(f->sync, F_DUPFD_CLOEXEC, high);
	int st = fcntl(f->start, F_DUPFD_CLOEXEC, high);
	if (s < 0 || st < 0)
		child_fail(f->report, STAGE_FDS, errno);
	if (!f->passthrough) {
		if (dup2(f->null, 0) < 0 || dup2(f->null, 1) < 0 || dup2(f->errw, 2) < 0)
			child_fail(f->report, STAGE_FDS, errno);
	}
	for (unsigned i = 0; i < f->preserve_fds; i++) {
		int fl = fcntl(3 + (int)i, F_GETFD);
		if (fl < 0 || fcntl(3 + (int)i, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			child_fail(f->report, STAGE_FDS, errno);
	}
	if (dup2(s, CHILD_SYNC_FD + (int)f->preserve_fds) < 0 ||
	    dup2(st, CHILD_START_FD + (int)f->preserve_fds) < 0)
		child_fail(f->report, STAGE_FDS, errno);
	execve(path, argv, envp);
	child_fail(f->report, STAGE_EXEC, errno);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
}

static int wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one message from the sync socket; 0, -ETIMEDOUT, -EPIPE (EOF) or -errno. */
static int read_sync(int fd, unsigned timeout_ms, char **ret)
{
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		char *buf = xmalloc(SYNC_MSG_MAX + 1);
		ssize_t n = recv(fd, buf, SYNC_MSG_MAX, 0);
		if (n < 0) {
			int e = errno;
			free(buf);
			if (e == EINTR || e == EAGAIN)
				continue;
			return -e;
		}
		if (n == 0) {
			free(buf);
			return -EPIPE;
		}
		buf[n] = '\0';
		*ret = buf;
		return 0;
	}
}

static int report_child_error(const char *path, const struct child_report *rep,
                              struct cpod_error **err)
{
	switch (rep->stage) {
	case STAGE_HIDE:
		return cpod_error_set_errno(
		        err, rep->errnum,
		        "run %s: hide /sys/fs/cgroup/unified in a private mount "
		        "namespace",
		        path);
	case STAGE_FDS:
		return cpod_error_set_errno(err, rep->errnum, "run %s: set up file descriptors",
		                            path);
	default:
		return cpod_error_set_errno(err, rep->errnum, "exec %s", path);
	}
}

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
	int sync[2] = {-1, -1}, start[2] = {-1, -1}, report[2] = {-1, -1}, errp[2] = {-1, -1};
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		return cpod_error_set_errno(err, errno, "open /dev/null");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start) < 0 ||
	    pipe2(report, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		r = cpod_error_set_errno(err, errno, "conmon: create sync pipes");
		goto out;
	}
	struct child_fds f = {
	        .sync = sync[0],
	        .start = start[0],
	        .report = report[1],
	        .null = null_fd,
	        .errw = errp[1],
	        .passthrough = o->log_driver && strcmp(o->log_driver, "passthrough") == 0,
	        .preserve_fds = o->preserve_fds,
	        .hide = hide,
	        .cwd = o->bundle,
	};
	pid_t pid = fork();
	if (pid < 0) {
		r = cpod_error_set_errno(err, errno, "fork conmon");
		goto out;
	}
	if (pid == 0)
		child_exec(o->conmon_path, argv, envp, &f);

	close(sync[0]);
	sync[0] = -1;
	close(start[0]);
	start[0] = -1;
	close(report[1]);
	report[1] = -1;
	close(errp[1]);
	errp[1] = -1;

	struct child_report rep;
	ssize_t n;
	do {
		n = read(report[0], &rep, sizeof(rep));
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(rep)) {
		wait_child(pid);
		r = report_child_error(o->conmon_path, &rep, err);
		goto out;
	}

	/* conmon blocks on the start pipe before it forks: nothing to move to a cgroup yet */
	char zero = 0;
	if (send(start[1], &zero, 1, MSG_NOSIGNAL) < 0)
		log_debug("conmon start pipe: %s", strerror(errno));
	int status = wait_child(pid);
	if (status != 0) {
		char buf[STDERR_MAX + 1];
		int fl = fcntl(errp[0], F_GETFL);
		fcntl(errp[0], F_SETFL, fl | O_NONBLOCK);
		ssize_t m = read(errp[0], buf, STDERR_MAX);
		buf[m > 0 ? m : 0] = '\0';
		size_t len = strlen(buf);
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		r = cpod_error_set(err, EIO, "conmon failed: exit status %d%s%s", status,
		                   len ? ": " : "", buf);
		goto out;
	}

	r = read_sync(sync[1], o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, &msg);
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
	close_pair(sync);
	close_pair(start);
	close_pair(report);
	close_pair(errp);
	return r;
}
