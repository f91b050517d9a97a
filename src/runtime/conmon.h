/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CONMON_H
#define CPOD_RUNTIME_CONMON_H

/*
 * Launching conmon, the per-container monitor, the way Podman 4.3 does
 * (libpod/oci_conmon_common.go createOCIContainer):
 *
 *   conmon --api-version 1 -c ID -u ID -r RUNTIME -b BUNDLE -p PIDFILE -n NAME
 *          --exit-dir DIR --full-attach [--socket-dir-path DIR] [--persist-dir DIR]
 *          [--runtime-arg FLAG]... -l k8s-file:LOG --log-level LEVEL [--log-size-max N]
 *          [--log-tag TAG] [-t | -i] [--leave-stdin-open] [--no-pivot]
 *          --conmon-pidfile FILE --exit-command PATH [--exit-command-arg ARG]...
 *
 * with _OCI_SYNCPIPE=3 and _OCI_STARTPIPE=4 (SOCK_SEQPACKET socket pairs). conmon waits
 * for a byte on the start pipe, forks itself into the background (the first process exits
 * at once), runs `RUNTIME create`, and reports on the sync pipe {"data": PID} or
 * {"data": -1, "message": "runtime stderr"}. The container then waits for `runtime start`.
 *
 * Files conmon makes, with --full-attach, in the bundle directory: `attach` (the attach
 * socket, attach.h), `ctl` (resize fifo), `oom` (after an OOM kill); in the exit dir:
 * <exit-dir>/<id> holding the exit code (exitfile.h); the k8s-file log (k8s-log.h).
 *
 * The crun hybrid-cgroup workaround (exec.h): crun must run in a private mount namespace
 * without /sys/fs/cgroup/unified. conmon itself must not: the exit command (`cpod
 * container cleanup`) unmounts the container's rootfs, and an unmount in a private
 * namespace would not reach the host. So conmon runs in the host namespace and its
 * runtime (-r) is util-linux unshare running crun through `sh -c` after hiding the cgroup2
 * tree. Without unshare or sh, conmon itself is started in the private namespace (crun
 * works; the exit command's unmounts then stay in that namespace: logged at debug level).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci.h"
#include "util/error.h"

struct conmon_create_opts {
	const char *conmon_path;           /* required: absolute path of conmon */
	const struct oci_runtime *runtime; /* required */
	const char *id;                    /* required */
	const char *name;                  /* required */
	const char *bundle;                /* required: dir with config.json; attach/ctl/oom here */
	const char *pidfile;               /* required: where the runtime writes the ctr pid */
	const char *exit_dir;              /* required: conmon writes <exit_dir>/<id> */
	const char *conmon_pidfile;        /* NULL: <bundle>/conmon.pid */
	const char *socket_dir;            /* --socket-dir-path; NULL: not passed */
	const char *persist_dir;           /* --persist-dir; NULL: not passed */
	const char *log_driver;            /* "k8s-file" (NULL), "none", "passthrough" */
	const char *log_path;              /* k8s-file: required */
	const char *log_tag;               /* NULL: none */
	int64_t log_size_max;              /* bytes; <= 0: unlimited */
	const char *log_level;             /* conmon's --log-level; NULL: "warning" */
	bool terminal;                     /* -t: conmon holds the pty master */
	bool stdin_open;                   /* -i (ignored with terminal, as Podman) */
	bool leave_stdin_open;             /* --leave-stdin-open */
	bool no_pivot;                     /* --no-pivot */
	char *const *exit_command;         /* argv, [0] the absolute path; NULL: none */
	char *const *env;                  /* extra "K=V" for conmon (containers.conf conmon_env) */
	/*
	 * For a runtime that needs the cgroup workaround: a program conmon runs as
	 * `WRAPPER RUNTIME ARGS...`, which hides the cgroup2 tree and execs the runtime
	 * (cpod-runtime-wrap: one cheap exec instead of unshare + sh + umount). NULL: unshare + sh.
	 */
	const char *runtime_wrapper;
	unsigned timeout_ms;               /* for the sync pipe; 0: 240 s (Podman's) */
	unsigned ctr_timeout;              /* --timeout: conmon kills the container after it (s) */
	unsigned preserve_fds;             /* the caller's fds 3..3+n-1 go to the container */
	/*
	 * Descriptors only conmon inherits and holds until the container exits (Podman hands it
	 * the reserved host ports so, see net_ports_bind); the container never sees them. Borrowed:
	 * the caller closes its copies after conmon_create().
	 */
	const int *extra_fds;
	size_t n_extra_fds;
};

/*
 * Start conmon for o->id and wait until the runtime has created the container (status
 * "created"; start it with runtime_oci_start()). On success *ret_conmon_pid (the
 * daemonized conmon, from its pidfile; 0 when unreadable) and *ret_ctr_pid are set. Either
 * may be NULL. On failure the container is deleted from the runtime again.
 * Errors: CPOD_ENOTFOUND_CMD / CPOD_ECANNOT_INVOKE / EIO from the runtime's message
 * (oci.h), ETIMEDOUT "container creation timeout", EINVAL for missing options, errno of
 * fork/exec ("exec /usr/bin/conmon: ...").
 */
int conmon_create(const struct conmon_create_opts *o, pid_t *ret_conmon_pid, pid_t *ret_ctr_pid,
                  struct cpod_error **err);

/* The exit command conmon runs when the container exits: `cpod [global flags] container
 * cleanup [--rm] ID`, so that it works against the same store. */
struct conmon_exit_command_opts {
	const char *self;           /* cpod's binary; NULL: /proc/self/exe resolved */
	const char *root;           /* --root */
	const char *run_root;       /* --runroot */
	const char *log_level;      /* --log-level (cpod's names) */
	const char *cgroup_manager; /* --cgroup-manager */
	const char *tmpdir;         /* --tmpdir */
	const char *runtime;        /* --runtime (name or path) */
	const char *storage_driver; /* --storage-driver */
	char *const *storage_opts;  /* --storage-opt, each */
	const char *events_backend; /* --events-backend */
	bool remove;                /* --rm */
	const char *id;             /* required */
	/* the verb before ID; NULL: "container", "cleanup" (other verbs of cpod's own use it) */
	const char *const *verb;
};

/*
 * Build that argv (NULL options are left out), in Podman's CreateExitCommandArgs order.
 * *ret is an owned strv. Errors: errno of readlink(/proc/self/exe), EINVAL without id.
 */
int conmon_exit_command(const struct conmon_exit_command_opts *o, char ***ret,
                        struct cpod_error **err);

/*
 * Parse one sync-pipe message ({"data": N, "message": "..."}; older conmons do not escape
 * the message, so a lenient parse follows a failed JSON one). *ret_msg is owned (NULL when
 * absent). Returns 0 or -EINVAL when no "data" number can be found.
 */
int conmon_parse_sync_message(const char *text, int *ret_data, char **ret_msg);

#endif
