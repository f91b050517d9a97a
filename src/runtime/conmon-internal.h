/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CONMON_INTERNAL_H
#define CPOD_RUNTIME_CONMON_INTERNAL_H

/*
 * Shared between conmon.c, conmon-exec.c, conmon-args.c and conmon-spawn.c; not part of the
 * runtime layer's API.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conmon.h"

/* util-linux unshare, or NULL when it is not installed. */
const char *conmon_unshare_path(void);

/*
 * conmon's argv for o (argv[0] included). wrap_runtime: run the runtime through unshare and
 * sh (the hybrid-cgroup workaround, see conmon.h). *ret is an owned strv.
 */
int conmon_build_argv(const struct conmon_create_opts *o, const char *conmon_pidfile,
                      bool wrap_runtime, char ***ret, struct cpod_error **err);

/* conmon's environment: Podman's selection of the caller's, plus the pipe fds; owned. */
char **conmon_build_env(const struct conmon_create_opts *o, int sync_fd, int start_fd);

/* How conmon_spawn() starts conmon. Every pointer is borrowed. */
struct conmon_spawn {
	const char *path; /* conmon */
	char **argv, **envp;
	/*
	 * The child's ends of the sync, start and attach pipes (-1: none): conmon finds them at
	 * 3 + preserve_fds onwards, after the caller's preserved fds 3..3+preserve_fds-1.
	 */
	int pipes[3];
	unsigned preserve_fds;
	/*
	 * Descriptors conmon inherits for itself (reserved host ports): they follow the pipes,
	 * at 3 + preserve_fds + 3 onwards; not counted in preserve_fds, so the runtime closes them
	 * in the container. The caller keeps and closes its own copies.
	 */
	const int *extra_fds;
	size_t n_extra_fds;
	bool passthrough; /* conmon keeps the caller's stdio instead of /dev/null and a pipe */
	bool hide;        /* run conmon itself without /sys/fs/cgroup/unified */
	/*
	 * conmon's working directory, or NULL: it writes its "oom" file there (and only there
	 * without --persist-dir), so Podman runs it in the bundle
	 */
	const char *cwd;
	const char *pipe_error; /* the message when the report/stderr pipes can't be made */
	/*
	 * every failure of the child before conmon runs reads "exec PATH: cause" (exec
	 * sessions); otherwise the step that failed is named
	 */
	bool plain_errors;
};

/*
 * Fork and exec conmon as s says. Returns conmon's pid, with *ret_errfd the read end of its
 * stderr (owned by the caller), or a negative errno: the pipes, the fork, or the child's set-up
 * or exec failed (the child is reaped then).
 */
int conmon_spawn(const struct conmon_spawn *s, int *ret_errfd, struct cpod_error **err);

/*
 * Let conmon (pid, from conmon_spawn()) go on by a byte on its start pipe, and wait for the
 * process to exit once it has daemonized. 0, or EIO "conmon failed: exit status N: STDERR"
 * with what conmon wrote on errfd.
 */
int conmon_start_wait(int start_fd, pid_t pid, int errfd, struct cpod_error **err);

/*
 * One message from a SOCK_SEQPACKET pipe (at most 64 KiB) as an owned string in *ret;
 * timeout_ms 0 waits for ever. 0, -ETIMEDOUT, -EPIPE (EOF) or -errno.
 */
int conmon_read_msg(int fd, unsigned timeout_ms, char **ret);

#endif
