/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod update`: change the resource limits of a container, running or not. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container-isolation.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct update_opts {
	char *blkio_weight, *cpu_period, *cpu_quota, *cpu_shares, *cpus, *cpuset_cpus;
	char *cpuset_mems, *memory, *memory_reservation, *memory_swap, *memory_swappiness;
	char *pids_limit;
	char **blkio_weight_device, **device_read_bps, **device_read_iops, **device_write_bps;
	char **device_write_iops;
};

#define S(l, s, f, h) CLI_STRING(l, s, struct update_opts, f, h)
#define A(l, f, h)    CLI_STRING_ARRAY(l, 0, struct update_opts, f, h)
static const struct cli_option update_options[] = {
        S("blkio-weight", 0, blkio_weight,
          "Block IO weight (relative weight) accepts a weight "
          "value between 10 and 1000."),
        A("blkio-weight-device", blkio_weight_device,
          "Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)"),
        S("cpu-period", 0, cpu_period, "Limit the CPU CFS (Completely Fair Scheduler) period"),
        S("cpu-quota", 0, cpu_quota, "Limit the CPU CFS (Completely Fair Scheduler) quota"),
        S("cpu-shares", 'c', cpu_shares, "CPU shares (relative weight)"),
        S("cpus", 0, cpus, "Number of CPUs. The default is 0.000 which means no limit"),
        S("cpuset-cpus", 0, cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)"),
        S("cpuset-mems", 0, cpuset_mems,
          "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA "
          "systems."),
        A("device-read-bps", device_read_bps,
          "Limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)"),
        A("device-read-iops", device_read_iops,
          "Limit read rate (IO per second) from a device (e.g. --device-read-iops=/dev/sda:1000)"),
        A("device-write-bps", device_write_bps,
          "Limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)"),
        A("device-write-iops", device_write_iops,
          "Limit write rate (IO per second) to a device (e.g. --device-write-iops=/dev/sda:1000)"),
        S("memory", 'm', memory,
          "Memory limit (format: <number>[<unit>], where unit = b (bytes), "
          "k (kibibytes), m (mebibytes), or g (gibibytes))"),
        S("memory-reservation", 0, memory_reservation,
          "Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m "
          "(mebibytes), or g (gibibytes))"),
        S("memory-swap", 0, memory_swap,
          "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
        S("memory-swappiness", 0, memory_swappiness,
          "Tune container memory swappiness (0 to 100, or -1 for system default)"),
        S("pids-limit", 0, pids_limit, "Tune container pids limit (set -1 for unlimited)"),
        CLI_OPT_END,
};
#undef S
#undef A

static int update_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct update_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **warnings = NULL;
	(void)argc;
	struct isolation_opts io = {
	        .blkio_weight = o->blkio_weight,
	        .blkio_weight_device = o->blkio_weight_device,
	        .cpu_period = o->cpu_period,
	        .cpu_quota = o->cpu_quota,
	        .cpu_shares = o->cpu_shares,
	        .cpus = o->cpus,
	        .cpuset_cpus = o->cpuset_cpus,
	        .cpuset_mems = o->cpuset_mems,
	        .device_read_bps = o->device_read_bps,
	        .device_read_iops = o->device_read_iops,
	        .device_write_bps = o->device_write_bps,
	        .device_write_iops = o->device_write_iops,
	        .memory = o->memory,
	        .memory_reservation = o->memory_reservation,
	        .memory_swap = o->memory_swap,
	        .memory_swappiness = o->memory_swappiness,
	        .pids_limit = o->pids_limit,
	};
	_cleanup_(container_freep) struct container *c = NULL;
	if (container_lookup(ctx->engine, argv[0], &c, &err) < 0)
		return cli_error(ctx, err);
	int r = container_update(ctx->engine, c->config.id, &io, &warnings, &err);
	STRV_FOREACH(w, warnings)
	fprintf(stderr, "%s\n", *w);
	if (r < 0)
		return cli_error(ctx, err);
	printf("%s\n", c->config.id);
	return 0;
}

const struct cli_command cmd_container_update = {
        .name = "update",
        .short_help = "Update an existing container",
        .long_help = "Updates the cgroup configuration of a given container",
        .usage = "[options] CONTAINER",
        .examples = "cpod update --cpus=5 foobar_container",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = update_options,
        .opts_size = sizeof(struct update_opts),
        .run = update_run,
};
