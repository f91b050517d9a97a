/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest exists LIST`: exit 0 if a local manifest list has that name, else 1. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

static int exists_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	int r = image_manifest_exists(s, argv[0], &err);
	if (r < 0)
		return cli_error(ctx, err);
	return r ? 0 : 1;
}

const struct cli_command cmd_manifest_exists = {
        .name = "exists",
        .short_help = "Check if a manifest list exists in local storage",
        .long_help = "If the manifest list exists in local storage, cpod manifest exists exits "
                     "with 0, otherwise the exit code will be 1.",
        .usage = "MANIFEST",
        .examples = "cpod manifest exists mylist",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .run = exists_run,
};
