/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network reload [-a] CONTAINER...`: prints the reloaded container IDs, as Podman. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "util/strv.h"
#include "banned.h"

struct reload_opts {
	bool all, latest;
};

static const struct cli_option reload_options[] = {
        CLI_BOOL("all", 'a', struct reload_opts, all,
                 "Reload network configuration of all containers"),
        CLI_OPT_END,
};

static int reload_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct reload_opts *o = opts_;
	if (o->all == (argc > 0))
		return cli_errorf(ctx, o->all ? "--all and containers cannot be used together"
		                              : "--all, --latest or a container must be given");
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **ids = NULL;
	if (engine_network_reload(ctx->engine, argv, o->all, &ids, &err) < 0)
		return cli_error(ctx, err);
	STRV_FOREACH(id, ids)
	printf("%s\n", *id);
	return 0;
}

const struct cli_command cmd_network_reload = {
        .name = "reload",
        .short_help = "Reload firewall rules for one or more containers",
        .long_help = "reload container networks, recreating firewall rules",
        .usage = "[options] [CONTAINER...]",
        .examples = "cpod network reload --all\ncpod network reload 3c13ef6dd843",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = reload_options,
        .opts_size = sizeof(struct reload_opts),
        .run = reload_run,
};
