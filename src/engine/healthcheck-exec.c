/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One run of a health check: an exec session (exec.c) whose stdout and stderr go into a pipe
 * that a second thread drains. Podman 4.3 only measures the time and waits for the command
 * however long it takes; cpod kills it at the timeout, as Docker does, so a hanging check
 * cannot pile up exec sessions. The session's ID is chosen here, so the thread knows where
 * the runtime writes the process's pid (SESSION_DIR/exec_pid).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/exec.h"
#include "engine/healthcheck-internal.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

#define MAX_PROCS 65536

void healthcheck_exec_result_release(struct healthcheck_exec_result *r)
{
	free(r->output);
	r->output = NULL;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The parent pid of pid from /proc/PID/stat (0 when unknown). */
static pid_t parent_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL) < 0)
		return 0;
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
	const char *p = strrchr(text, ')');
	if (!p)
		return 0;
	char state;
	int ppid = 0;
	if (sscanf(p + 1, " %c %d", &state, &ppid) != 2)
		return 0;
	return (pid_t)ppid;
}

/*
 * SIGKILL pid and every descendant: collected first, since the children of a killed
 * process are adopted by the container's init and could no longer be told apart.
 */
static void kill_tree(pid_t root)
{
	pid_t *tree = xnew(pid_t, 1);
	size_t n = 1, cap = 1;
	tree[0] = root;
	bool grew = true;
	for (int round = 0; grew && round < 64; round++) {
		grew = false;
		DIR *d = opendir("/proc");
		if (!d)
			break;
		struct dirent *de;
		while ((de = readdir(d)) && n < MAX_PROCS) {
			char *end = NULL;
			long v = strtol(de->d_name, &end, 10);
			if (v <= 0 || *end)
				continue;
			pid_t pid = (pid_t)v, pp = parent_of(pid);
			bool known = false, child = false;
			for (size_t i = 0; i < n; i++) {
				known = known || tree[i] == pid;
				child = child || tree[i] == pp;
			}
			if (known || !child)
				continue;
			if (n == cap) {
				cap *= 2;
				tree = xrealloc(tree, cap * sizeof(*tree));
			}
			tree[n++] = pid;
			grew = true;
		}
		closedir(d);
	}
	for (size_t i = 0; i < n; i++)
		(void)kill(tree[i], SIGKILL);
	free(tree);
}

struct drain {
	int fd;
	int64_t deadline_ms;
	char *pid_file;
	struct buf out;
	bool timed_out;
	bool killed;
};

static void try_kill(struct drain *d)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, d->pid_file, 64, &text, NULL) < 0)
		return; /* not running yet: look again shortly */
	long pid = strtol(text, NULL, 10);
	if (pid > 1) {
		kill_tree((pid_t)pid);
		d->killed = true;
	}
}

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	char tmp[4096];
	for (;;) {
		int wait = -1;
		if (!d->killed) {
			int64_t left = d->deadline_ms - mono_ms();
			if (left <= 0) {
				d->timed_out = true;
				try_kill(d);
				left = 100;
			}
			wait = d->timed_out ? 100 : (int)(left > 60000 ? 60000 : left);
		}
		struct pollfd p = {.fd = d->fd, .events = POLLIN};
		int r = poll(&p, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(d->fd, tmp, sizeof(tmp));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		size_t room = HEALTHCHECK_MAX_OUTPUT - d->out.len;
		(void)buf_append(&d->out, tmp, (size_t)n < room ? (size_t)n : room);
	}
	return NULL;
}

int healthcheck_exec(struct engine *e, const char *id, char *const *cmd, int64_t timeout_ns,
                     struct healthcheck_exec_result *ret, struct cpod_error **err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cpod_error_set_errno(err, errno, "pipe");
	char sid[65];
	id_random(sid);
	_cleanup_free_ char *run = container_userdata_dir(e, id, true);
	int64_t tmo_ms = timeout_ns / 1000000 + (timeout_ns % 1000000 ? 1 : 0);
	struct drain d = {
	        .fd = fds[0],
	        .deadline_ms = mono_ms() + tmo_ms,
	        .pid_file = xasprintf("%s/exec/%s/exec_pid", run, sid),
	};
	buf_init(&d.out, HEALTHCHECK_MAX_OUTPUT + 1);
	pthread_t th;
	int r = pthread_create(&th, NULL, drain_main, &d);
	if (r != 0) {
		close(fds[0]);
		close(fds[1]);
		free(d.pid_file);
		buf_release(&d.out);
		return cpod_error_set_errno(err, r, "start the health check's reader");
	}
	struct container_exec_opts o = {
	        .command = cmd,
	        .detach_keys = "",
	        .in_fd = -1,
	        .out_fd = fds[1],
	        .err_fd = fds[1],
	        .session_id = sid,
	};
	int code = 0;
	r = container_exec(e, id, &o, &code, NULL, err);
	close(fds[1]);
	pthread_join(th, NULL);
	close(fds[0]);
	free(d.pid_file);
	if (r < 0 && !d.timed_out) {
		buf_release(&d.out);
		return r;
	}
	if (r < 0 && err) {
		/* killed at the timeout: what the exec said about it does not matter */
		*err = cpod_error_free(*err);
	}
	ret->exit_code = code;
	ret->timed_out = d.timed_out;
	ret->output_len = d.out.len;
	ret->output = buf_take(&d.out);
	return 0;
}
