/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CHILD_H
#define CPOD_RUNTIME_CHILD_H

/*
 * What the runtime layer's fork()ed children share (exec.c, conmon-spawn.c): a child that
 * fails before execve() writes a struct runtime_child_report on a close-on-exec pipe and
 * exits 127; the parent reads the pipe until EOF (the exec) or a report. Not part of the
 * runtime layer's API.
 */
#include <stdbool.h>
#include <sys/types.h>

struct runtime_child_report {
	int stage;  /* the caller's own enum: which set-up step failed */
	int errnum; /* its errno */
};

/* In the child: report stage/errnum on report_fd and _exit(127). System calls only. */
_Noreturn void runtime_child_fail(int report_fd, int stage, int errnum);

/*
 * In the parent, its copy of the write end closed: true when the child pid reported a
 * failure (*ret filled, the child reaped), false when it reached execve().
 */
bool runtime_child_failed(int report_fd, pid_t pid, struct runtime_child_report *ret);

/* Wait for pid: its exit code, 128 + the signal that killed it, or -errno. */
int runtime_wait_status(pid_t pid);

/* Close both fds of a pipe that are open and set them to -1. */
void runtime_close_pair(int p[2]);

#endif
