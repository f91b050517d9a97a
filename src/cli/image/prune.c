/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod image prune`: asks first unless -f, then prints the ID of every removed image. */
#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image-history.h"
#include "util/strv.h"
#include "banned.h"

struct prune_opts {
	bool all, external, force;
	char **filter;
};

static const struct cli_option prune_options[] = {
        CLI_BOOL("all", 'a', struct prune_opts, all,
                 "Remove all images not in use by containers, not just dangling ones"),
        {.long_name = "external",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct prune_opts, external),
         .help = "Remove images even when they are used by external containers (e.g., by "
                 "build containers)",
         .flags = CLI_OPT_HIDDEN},
        CLI_OPT_PRUNE_FILTER(struct prune_opts, filter),
        CLI_BOOL("force", 'f', struct prune_opts, force, "Do not prompt for confirmation"),
        CLI_OPT_END,
};

static int prune_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct prune_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **deleted = NULL;
	(void)argc;
	(void)argv;

	const char *warning = opts->all ? "WARNING! This command removes all images without at "
	                                  "least one container associated with them."
	                                : "WARNING! This command removes all dangling images.";
	if (!opts->force && !cli_confirm(warning, false))
		return 0;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	struct image_prune_opts po = {.all = opts->all, .filters = opts->filter};
	if (image_prune(s, &po, &deleted, &err) < 0)
		return cli_error(ctx, err);
	cli_print_lines(deleted);
	return 0;
}

const struct cli_command cmd_image_prune = {
        .name = "prune",
        .short_help = "Remove unused images",
        .long_help = "Removes dangling or unused images from local storage.",
        .usage = "[options]",
        .examples = "cpod image prune",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = prune_options,
        .opts_size = sizeof(struct prune_opts),
        .run = prune_run,
};
