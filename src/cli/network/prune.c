/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network prune [-f]`: remove networks no container uses; prints their names. */
#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "util/strv.h"
#include "banned.h"

struct prune_opts {
	bool force;
	char **filter;
};

static const struct cli_option prune_options[] = {
        CLI_OPT_PRUNE_FILTER(struct prune_opts, filter),
        CLI_BOOL("force", 'f', struct prune_opts, force, "do not prompt for confirmation"),
        CLI_OPT_END,
};

static int prune_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct prune_opts *o = opts_;
	(void)argc;
	(void)argv;
	if (!o->force && !cli_confirm("WARNING! This will remove all networks not used by at least "
	                              "one container.",
	                              true))
		return 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **removed = NULL;
	if (engine_network_prune(ctx->engine, o->filter, &removed, &err) < 0)
		return cli_error(ctx, err);
	cli_print_lines(removed);
	return 0;
}

const struct cli_command cmd_network_prune = {
        .name = "prune",
        .short_help = "network prune",
        .long_help = "Prune unused networks",
        .usage = "[options]",
        .examples = "cpod network prune",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = prune_options,
        .opts_size = sizeof(struct prune_opts),
        .run = prune_run,
};
