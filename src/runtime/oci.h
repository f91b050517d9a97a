/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_OCI_H
#define CPOD_RUNTIME_OCI_H

/*
 * Invoking the OCI runtime (crun, runc) for one container: start, kill, delete, state,
 * pause, resume. `create` is not here: conmon runs it (conmon.h).
 *
 * Every invocation carries the same global flags, in this order:
 *   --root <run_root>/runtime/<name>   cpod's own runtime state directory, so that cpod
 *                                      and podman on one host never see each other's
 *                                      containers in the runtime
 *   --systemd-cgroup                   when the systemd cgroup manager is used
 *   <runtime_flags...>                 containers.conf [engine.runtimes] flags, as given
 * and, for crun on a cgroup hybrid host, runs inside a private mount namespace without
 * /sys/fs/cgroup/unified (exec.h).
 *
 * The runtime's stderr is captured and turned into a clean message prefixed with the
 * runtime name, as Podman's getOCIRuntimeError() does:
 *   "crun: executable file `nope` not found in $PATH: No such file or directory: OCI
 *   runtime attempted to invoke a command that was not found"  (CPOD_ENOTFOUND_CMD)
 *   "runc: ...: permission denied: OCI permission denied"       (CPOD_ECANNOT_INVOKE)
 *   "crun: <message>: OCI runtime error"                        (EIO)
 */
#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

struct oci_runtime {
	char *name;      /* "crun", "runc", or the basename of a configured path */
	char *path;      /* absolute path of the executable */
	char *state_dir; /* the --root directory; NULL: the runtime's own default */
	/* crun on a hybrid host: run in a private mount namespace without the cgroup2 tree */
	bool needs_cgroup_workaround;
	bool systemd_cgroup; /* --systemd-cgroup */
	char **flags;        /* extra global flags (owned strv, may be NULL) */
};

struct oci_runtime_opts {
	const char *name;             /* required */
	const char *path;             /* required, absolute */
	const char *run_root;         /* NULL: no --root (the runtime's default state dir) */
	bool needs_cgroup_workaround; /* runtime_choice.needs_private_cgroup_ns_workaround */
	bool systemd_cgroup;          /* cgroup_manager = "systemd" */
	char *const *runtime_flags;   /* may be NULL */
};

/*
 * Describe a runtime. Creates <run_root>/runtime/<name> (0700) when run_root is set.
 * *ret is owned (oci_runtime_free). Errors: EINVAL for a missing name/relative path, the
 * errno of mkdir.
 */
int oci_runtime_new(const struct oci_runtime_opts *o, struct oci_runtime **ret,
                    struct cpod_error **err);
struct oci_runtime *oci_runtime_free(struct oci_runtime *rt);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct oci_runtime *, oci_runtime_free)

/* The global flags (--root ..., --systemd-cgroup, flags) as an owned strv. */
char **oci_runtime_global_args(const struct oci_runtime *rt);

/* The runtime_exec_flags (exec.h) every invocation of rt needs. */
unsigned oci_runtime_exec_flags(const struct oci_runtime *rt);

/*
 * Run `<runtime> <global flags> <args...>` and turn a failure into an error, with the
 * runtime's message as described above. args is NULL-terminated (the verb first). When
 * ret_stdout is not NULL it receives the runtime's stdout (owned, bounded to 1 MiB).
 */
int runtime_oci_run(const struct oci_runtime *rt, const char *const *args, char **ret_stdout,
                    struct cpod_error **err);

/* `start ID`. */
int runtime_oci_start(const struct oci_runtime *rt, const char *id, struct cpod_error **err);

/* `kill [--all] ID SIGNAL`. */
int runtime_oci_kill(const struct oci_runtime *rt, const char *id, int signal, bool all,
                     struct cpod_error **err);

/* `delete [--force] ID`. A container the runtime does not know is not an error. */
int runtime_oci_delete(const struct oci_runtime *rt, const char *id, bool force,
                       struct cpod_error **err);

/*
 * `state ID`: the runtime's state object ({"ociVersion", "id", "pid", "status", "bundle",
 * ...}); *ret is a new reference. Errors: ENOENT when the runtime does not know the
 * container, EIO for anything else (including unparsable output).
 */
int runtime_oci_state(const struct oci_runtime *rt, const char *id, json_t **ret,
                      struct cpod_error **err);

/* `pause ID` / `resume ID`. */
int runtime_oci_pause(const struct oci_runtime *rt, const char *id, struct cpod_error **err);
int runtime_oci_resume(const struct oci_runtime *rt, const char *id, struct cpod_error **err);

/*
 * Podman's getOCIRuntimeError(): classify the runtime's output (stderr, or conmon's sync
 * pipe message) and store "<name>: <message>: <class>" in *err. Lines that are JSON log
 * records ({"msg": ...}) or logfmt (level=error msg="...") are reduced to their message.
 * Returns -code: -CPOD_ENOTFOUND_CMD, -CPOD_ECANNOT_INVOKE or -EIO.
 */
int runtime_oci_error(const char *name, const char *output, struct cpod_error **err);

/*
 * The message part of the runtime's output (see above): owned string, never NULL; "" when
 * output holds nothing useful.
 */
char *runtime_oci_clean_message(const char *output);

#endif
