/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CGROUP_STATS_H
#define CPOD_RUNTIME_CGROUP_STATS_H

/*
 * Resource usage of one container from its cgroups (v1 controllers or the v2 tree) and
 * its network namespace, and the maths `podman stats` does over two samples.
 *
 * The container's cgroups are found from /proc/<pid>/cgroup of its init process, so the
 * same code serves the cgroupfs and systemd managers, the crun hybrid workaround and
 * private cgroup namespaces (the host reads host-relative paths). Files are read below a
 * root prefix (NULL: "/") so tests can use fixture trees.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/probe.h"
#include "util/error.h"

struct cgroup_stats {
	uint64_t cpu_ns;        /* total CPU time of the cgroup */
	uint64_t cpu_user_ns;   /* user part (0 when unknown) */
	uint64_t cpu_system_ns; /* system part */
	uint64_t mem_usage;     /* bytes */
	uint64_t mem_limit;     /* bytes; 0 when unlimited */
	uint64_t pids;
	uint64_t pids_limit; /* 0 when unlimited */
	uint64_t blk_read, blk_write;
	uint64_t net_rx, net_tx;
	int64_t sampled_ns; /* CLOCK_REALTIME of the sample */
};

/*
 * The cgroup of controller ctrl ("memory", "cpuacct", ...; NULL for the v2 tree) in the
 * text of /proc/<pid>/cgroup. Owned string, NULL when absent.
 */
char *cgroup_path_of(const char *proc_cgroup, const char *ctrl);

/*
 * Read the stats of process pid's cgroups. Missing files leave their fields 0, except
 * that a cgroup that cannot be found at all is an error: ENOENT ("cgroup of container
 * process PID not found"), ESRCH when the process is gone.
 */
int cgroup_stats_read(const char *root, enum cgroup_mode mode, pid_t pid, struct cgroup_stats *ret,
                      struct cpod_error **err);

/* Sum of rx/tx bytes in /proc/net/dev text, loopback excluded. */
void cgroup_net_dev_parse(const char *text, uint64_t *rx, uint64_t *tx);
/* v1 blkio.throttle.io_service_bytes(_recursive) text: Read / Write sums. */
void cgroup_blkio_v1_parse(const char *text, uint64_t *rd, uint64_t *wr);
/* v2 io.stat text: rbytes / wbytes sums. */
void cgroup_io_v2_parse(const char *text, uint64_t *rd, uint64_t *wr);

/*
 * Podman's calculateCPUPercent: CPU time used between two samples over the wall time
 * between them, in percent (100 = one CPU). prev_cpu_ns/prev_ns are the previous sample,
 * or 0 and the container's start time for the first one.
 */
double stats_cpu_percent(uint64_t cpu_ns, int64_t now_ns, uint64_t prev_cpu_ns, int64_t prev_ns);
/* Podman's MEM %: usage over limit in percent (0 when limit is 0). */
double stats_mem_percent(uint64_t usage, uint64_t limit);
/* Go's time.Duration.String(): "1.5s", "12.345ms", "2m3.5s", "0s". Owned. */
char *stats_go_duration(int64_t ns);

#endif
