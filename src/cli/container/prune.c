/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod container prune`: remove every container that is not running, after asking. */
#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct prune_opts {
	bool force;
	char **filter;
};

static const struct cli_option prune_options[] = {
        CLI_OPT_PRUNE_FILTER(struct prune_opts, filter),
        CLI_BOOL("force", 'f', struct prune_opts, force,
                 "Do not prompt for confirmation.  The default is false"),
        CLI_OPT_END,
};

static int prune_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct prune_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **removed = NULL;

	if (opts->filter)
		return cli_errorf(ctx, "--filter is not supported yet");
	if (!opts->force &&
	    !cli_confirm("WARNING! This will remove all non running containers.", false))
		return 0;
	if (container_prune(ctx->engine, &removed, &err) < 0)
		return cli_error(ctx, err);
	cli_print_lines(removed);
	return 0;
}

const struct cli_command cmd_container_prune = {
        .name = "prune",
        .short_help = "Remove all non running containers",
        .long_help = "cpod container prune\n\nRemoves all non running containers",
        .usage = "[options]",
        .examples = "cpod container prune",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = prune_options,
        .opts_size = sizeof(struct prune_opts),
        .run = prune_run,
};
