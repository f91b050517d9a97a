/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod restart`: stop (if running) and start again, printing each container as given. */

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-cidfile.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct restart_opts {
	bool all, latest, running;
	unsigned time;
	char **cidfile, **filter;
};

static const struct cli_option restart_options[] = {
        CLI_BOOL("all", 'a', struct restart_opts, all, "Restart all non-running containers"),
        CTR_OPT_CIDFILE(struct restart_opts, cidfile),
        CLI_STRINGS("filter", 'f', struct restart_opts, filter,
                    "Filter output based on conditions given"),
        CTR_OPT_LATEST(struct restart_opts, latest),
        CLI_BOOL("running", 0, struct restart_opts, running, "Restart only running containers"),
        CTR_OPT_STOP_TIME(struct restart_opts, time),
        CLI_OPT_END,
};

static int restart_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct restart_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r;

	if (opts->filter)
		return cli_errorf(ctx, "--filter is not supported yet");
	_cleanup_strv_free_ char **keys = NULL;
	if ((r = ctr_resolve_targets(ctx, opts->cidfile, opts->all, opts->latest, argc, argv,
	                             opts->running ? 1u << CTR_RUNNING : 0, &keys)))
		return r;
	int timeout = cli_flag_changed(ctx, "time") ? (int)opts->time : -1;
	return ctr_apply(ctx, keys, container_restart, timeout);
}

const struct cli_command cmd_container_restart = {
        .name = "restart",
        .short_help = "Restart one or more containers",
        .long_help = "Restarts one or more running containers. The container ID or name can be "
                     "used.\n\nA timeout before forcibly stopping can be set, but defaults to 10 "
                     "seconds.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod restart ctrID\ncpod restart --latest\ncpod restart ctrID1 ctrID2",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = restart_options,
        .opts_size = sizeof(struct restart_opts),
        .run = restart_run,
};
