/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CONMON_EXEC_H
#define CPOD_RUNTIME_CONMON_EXEC_H

/*
 * Exec sessions through conmon, as Podman 4.3 runs them (libpod/oci_conmon_exec_linux.go):
 *
 *   conmon --api-version 1 -c CTR -u CTR -r RUNTIME -b SESSION_DIR -p SESSION_DIR/exec_pid
 *          -n NAME --exit-dir SESSION_DIR/exit --full-attach -l none [-t | -i]
 *          -e [--exec-attach] --exec-process-spec SESSION_DIR/process.json
 *          [--runtime-opt --preserve-fds=N]
 *
 * conmon then runs `RUNTIME exec --pid-file ... --process ... --detach [--tty] CTR`.
 * The pipes (SOCK_SEQPACKET pairs, passed by number in the environment):
 *   _OCI_STARTPIPE   one byte lets conmon go on (and daemonize); with --exec-attach a
 *                    second byte, once the caller is attached, lets it run the runtime
 *   _OCI_ATTACHPIPE  (--exec-attach) conmon sends {"data": 0} when SESSION_DIR/attach
 *                    accepts clients
 *   _OCI_SYNCPIPE    {"data": PID} once the process runs, or {"data": -1, "message":
 *                    runtime stderr} when the runtime failed; later {"data": EXIT_CODE}
 *                    when the process exits
 * conmon writes the exit code to SESSION_DIR/exit/CTR as well (for detached sessions).
 *
 * Preserved fds (--preserve-fds N) are the caller's fds 3..3+N-1: they are placed at the
 * same numbers in conmon, the pipes above them, so the runtime (which keeps fds 3..3+N-1
 * with --preserve-fds) hands exactly those to the process.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "conmon.h"
#include "util/error.h"

struct conmon_exec_opts {
	const char *conmon_path;           /* required */
	const struct oci_runtime *runtime; /* required */
	const char *ctr_id;                /* required */
	const char *ctr_name;              /* required */
	const char *session_dir;           /* required: bundle of the session (attach, ctl) */
	const char *process_spec;          /* required: the OCI process JSON file */
	bool terminal;
	bool stdin_open;
	bool attach; /* --exec-attach: wait for an attach client before running */
	unsigned preserve_fds;
	char *const *env; /* extra conmon environment (containers.conf conmon_env_vars) */
	const char *log_level;
	unsigned timeout_ms; /* for each pipe message before the process runs; 0: 240 s */
};

/* A started exec session: the caller's ends of the pipes. */
struct conmon_exec {
	int sync_fd;
	int start_fd;
	int attach_fd; /* -1 without attach */
	pid_t pid;     /* the exec'd process once known */
	unsigned timeout_ms;
	char *runtime_name;
};

void conmon_exec_release(struct conmon_exec *x);

/*
 * Launch conmon for an exec session and let it daemonize. With o->attach, also wait until
 * its attach socket is ready (then connect, and call conmon_exec_run()); without, call
 * conmon_exec_run() at once. Fills *ret (release with conmon_exec_release).
 * Errors: EINVAL for missing options, errno of fork/exec ("exec /usr/bin/conmon: ..."),
 * EIO "conmon failed: ..." when conmon exits early, ETIMEDOUT.
 */
int conmon_exec_start(const struct conmon_exec_opts *o, struct conmon_exec *ret,
                      struct cpod_error **err);

/*
 * Let the runtime run (the second start byte with attach) and read the process's pid.
 * Errors: the runtime's, classified as oci.h does (CPOD_ENOTFOUND_CMD for a missing
 * command, CPOD_ECANNOT_INVOKE for one that cannot be executed, EIO otherwise).
 */
int conmon_exec_run(struct conmon_exec *x, bool attach, struct cpod_error **err);

/*
 * Wait for the exit code conmon reports on the sync pipe (no timeout: the process may run
 * for ever). Errors: EPIPE when conmon went away without reporting.
 */
int conmon_exec_wait(struct conmon_exec *x, int *ret_exit_code, struct cpod_error **err);

#endif
