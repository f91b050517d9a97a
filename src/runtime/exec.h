/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_EXEC_H
#define CPOD_RUNTIME_EXEC_H

/*
 * Running the OCI runtime (or conmon, which runs it in turn), optionally inside a private
 * mount namespace where /sys/fs/cgroup/unified is hidden.
 *
 * Why: on a cgroup "hybrid" host (v1 controllers plus a cgroup2 tree at
 * /sys/fs/cgroup/unified) crun 1.8 refuses to run at all ("cgroups in hybrid mode not
 * supported, drop all controllers from cgroupv2"), even with --cgroup-manager=disabled.
 * crun decides the mode by statfs() of /sys/fs/cgroup/unified, so in a mount namespace of
 * its own where that mount is gone it sees a plain v1 host and works, v1 limits included.
 * The namespace is private (MS_REC|MS_PRIVATE on /), so the host never sees the unmount.
 * Everything crun forks (the container's init included) inherits the namespace; what the
 * container sees is decided by its own config.json mounts as usual.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/cgroup-hide.h"
#include "util/error.h"


enum runtime_exec_flags {
	/* run the program via runtime_hide_cgroup2_unified() (crun on hybrid hosts) */
	RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED = 1 << 0,
	/* collect stdout / stderr into runtime_exec_result (bounded by capture_max) */
	RUNTIME_EXEC_CAPTURE_STDOUT = 1 << 1,
	RUNTIME_EXEC_CAPTURE_STDERR = 1 << 2,
	/* stdin from /dev/null instead of the caller's */
	RUNTIME_EXEC_NULL_STDIN = 1 << 3,
	/* stdout and stderr that are not captured go to /dev/null */
	RUNTIME_EXEC_NULL_OUTPUT = 1 << 4,
};

struct runtime_exec_options {
	const char *path;   /* absolute path of the program (no $PATH search after fork) */
	char *const *argv;  /* argv[0] included; NULL-terminated */
	char *const *envp;  /* NULL: the caller's environment */
	const char *cwd;    /* NULL: the caller's */
	unsigned flags;     /* enum runtime_exec_flags */
	size_t capture_max; /* bytes kept per captured stream; 0: 1 MiB; the rest is drained */
};

struct runtime_exec_result {
	int status;        /* exit code, or 128 + signal number when killed by a signal */
	char *stdout_data; /* owned; "" when captured and empty, NULL when not captured */
	char *stderr_data;
};

/* Free the captured buffers; the struct itself is the caller's. */
void runtime_exec_result_release(struct runtime_exec_result *r);
static inline void runtime_exec_result_releasep(struct runtime_exec_result *r)
{
	runtime_exec_result_release(r);
}
#define _cleanup_exec_result_ _cleanup_(runtime_exec_result_releasep)

/*
 * Start opts->path without waiting for it. Capture flags are not allowed here (EINVAL).
 * On success *ret_pid is the child, which the caller must reap. Errors from the child's set
 * up (namespace, chdir, execve) are reported here, with their errno as code, e.g.
 * "exec /usr/bin/crun: No such file or directory" or "hide /sys/fs/cgroup/unified: ...".
 */
int runtime_spawn(const struct runtime_exec_options *opts, pid_t *ret_pid, struct cpod_error **err);

/*
 * Run opts->path to completion and fill *ret (release with runtime_exec_result_release).
 * A non-zero exit status is not an error here: the caller decides what it means.
 */
int runtime_exec_argv(const struct runtime_exec_options *opts, struct runtime_exec_result *ret,
                      struct cpod_error **err);


#endif
