/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod stop`: every container is looked up before any is stopped, as Podman does. */

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-cidfile.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct stop_opts {
	bool all, ignore, latest;
	unsigned time;
	char **cidfile, **filter;
};

static const struct cli_option stop_options[] = {
        CLI_BOOL("all", 'a', struct stop_opts, all, "Stop all running containers"),
        CTR_OPT_CIDFILE(struct stop_opts, cidfile),
        CLI_STRINGS("filter", 'f', struct stop_opts, filter,
                    "Filter output based on conditions given"),
        CLI_BOOL("ignore", 'i', struct stop_opts, ignore,
                 "Ignore errors when a specified container is missing"),
        CTR_OPT_LATEST(struct stop_opts, latest),
        CTR_OPT_STOP_TIME(struct stop_opts, time),
        CLI_OPT_END,
};

static int stop_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct stop_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r;

	if (opts->filter)
		return cli_errorf(ctx, "--filter is not supported yet");
	_cleanup_strv_free_ char **keys = NULL;
	if ((r = ctr_resolve_targets(ctx, opts->cidfile, opts->all, opts->latest, argc, argv,
	                             1u << CTR_RUNNING, &keys)))
		return r;
	if (ctr_lookup_all(ctx->engine, &keys, opts->ignore, &err) < 0)
		return cli_error(ctx, err);
	int timeout = cli_flag_changed(ctx, "time") ? (int)opts->time : -1;
	return ctr_apply(ctx, keys, container_stop, timeout);
}

const struct cli_command cmd_container_stop = {
        .name = "stop",
        .short_help = "Stop one or more containers",
        .long_help = "Stops one or more running containers.  The container name or ID can be "
                     "used.\n\nA timeout to forcibly stop the container can also be set but "
                     "defaults to 10 seconds otherwise.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod stop ctrID\ncpod stop --latest\ncpod stop --time 2 mywebserver "
                    "6e534f14da9d",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = stop_options,
        .opts_size = sizeof(struct stop_opts),
        .run = stop_run,
};
