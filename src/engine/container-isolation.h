/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CONTAINER_ISOLATION_H
#define CPOD_CONTAINER_ISOLATION_H

/*
 * What a running container uses and how it is limited: stats, top, pause/unpause and
 * update (Podman's libpod GetContainerStats, Top, Pause, Unpause, Update).
 *
 * Limits and security options themselves are given at create time through
 * container_create_opts.isolation (runtime/isolation.h) and persisted with the container.
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/container.h"
#include "runtime/isolation.h"

struct container_stats {
	char id[65];
	char *name;         /* owned */
	double cpu_percent; /* since the previous sample (or since start for the first) */
	double avg_cpu;     /* CPU time over the time the container has been up */
	uint64_t cpu_ns;    /* total CPU time ("CPU TIME") */
	int64_t system_ns;  /* wall clock of the sample (for the next sample's CPU %) */
	uint64_t mem_usage; /* bytes */
	uint64_t mem_limit; /* the cgroup limit, or the host's memory when unlimited */
	double mem_percent;
	uint64_t net_input, net_output, block_input, block_output;
	uint64_t pids;
	int64_t up_ns; /* time since the container started */
};
void container_stats_release(struct container_stats *s);

/*
 * One stats sample of the running container key. prev (may be NULL) is the previous sample
 * of the same container, for the CPU % between samples, as `stats` without --no-stream
 * computes it. Errors: ENOENT no such container, EINVAL when it is not running (Podman's
 * "container is stopped" class), runtime read errors.
 */
int container_stats(struct engine *e, const char *key, const struct container_stats *prev,
                    struct container_stats *ret, struct cpod_error **err);

/*
 * `top`: the rows (header first) for the container's processes with Podman's descriptors
 * (runtime/top.h). When args are not all descriptors, runs ps(1) with args in the
 * container's pid namespace and returns its output as one string per line in *ret_lines
 * (*ret is NULL then). Exactly one of *ret / *ret_lines is set (owned).
 */
int container_top(struct engine *e, const char *key, char *const *args, json_t **ret,
                  char ***ret_lines, struct cpod_error **err);

/* Freeze / thaw a running container through the runtime (status paused / running). */
int container_pause(struct engine *e, const char *key, struct cpod_error **err);
int container_unpause(struct engine *e, const char *key, struct cpod_error **err);

/*
 * Change the resource limits of a container (only the limit fields of o are used): the
 * persisted config always, and the live cgroups through `runtime update` when it runs.
 * *ret_warnings (may be NULL) receives Podman's warnings (owned strv).
 */
int container_update(struct engine *e, const char *key, const struct isolation_opts *o,
                     char ***ret_warnings, struct cpod_error **err);

#endif
