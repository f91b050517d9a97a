/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_SELECT_H
#define CPOD_RUNTIME_SELECT_H

/*
 * Which OCI runtime cpod runs, and how.
 *
 * Policy (DESIGN.md §2, §6):
 *   1. --runtime (name or absolute path), else containers.conf [engine] runtime, wins.
 *   2. Nothing configured: crun when it works on this host, directly or through the hybrid
 *      workaround (below); else runc; else "no OCI runtime found: install crun or runc".
 * On a cgroup hybrid host crun must run in a private mount namespace without
 * /sys/fs/cgroup/unified (see exec.h): the choice says so, and the start path passes
 * runtime_choice_exec_flags() to runtime_spawn()/runtime_exec_argv(), or calls
 * runtime_hide_cgroup2_unified() in the child that execs conmon.
 */
#include <stdbool.h>

#include "probe.h"
#include "util/cleanup.h"
#include "util/error.h"

struct cpod_config;

struct runtime_choice {
	char *name;    /* "crun", "runc", or the basename of a configured path */
	char *path;    /* absolute path of the executable */
	char *version; /* as probed (may be NULL when unknown) */
	char *package; /* as probed ("Unknown" when unknown) */
	/* run it via runtime_hide_cgroup2_unified(): crun on a cgroup hybrid host */
	bool needs_private_cgroup_ns_workaround;
	/* a human sentence for `cpod info`: "crun (preferred; cgroup hybrid mode: ...)" */
	char *reason;
};

/*
 * Choose the runtime. cli_runtime is the --runtime flag or NULL; cfg may be NULL (no
 * containers.conf). probe is borrowed. On success *ret is owned (runtime_choice_free).
 * Errors (EINVAL, as Podman): 'default OCI runtime "x" not found', 'no valid executable
 * found for OCI runtime /x'; ENOENT: 'no OCI runtime found: install crun or runc'.
 */
int runtime_select(const struct cpod_config *cfg, const char *cli_runtime,
                   const struct host_probe *probe, struct runtime_choice **ret,
                   struct cpod_error **err);

/*
 * The policy itself, with the configured runtime already read from containers.conf
 * (configured may be NULL). runtime_select() is this plus the config lookup.
 */
int runtime_select_with(const struct cpod_config *cfg, const char *cli_runtime,
                        const char *configured, const struct host_probe *probe,
                        struct runtime_choice **ret, struct cpod_error **err);

struct runtime_choice *runtime_choice_free(struct runtime_choice *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct runtime_choice *, runtime_choice_free)

/* The runtime_exec_flags (exec.h) every invocation of this runtime needs. */
unsigned runtime_choice_exec_flags(const struct runtime_choice *c);

#endif
