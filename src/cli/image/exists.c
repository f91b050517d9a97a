/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod image exists IMAGE`: exit 0 if the image is known locally, 1 if not; no output. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image.h"
#include "banned.h"

static int exists_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	int r = image_exists(s, argv[0], NULL, &err);
	if (r < 0)
		return cli_error(ctx, err);
	return r ? 0 : 1;
}

const struct cli_command cmd_image_exists = {
	.name = "exists",
	.short_help = "Check if an image exists in local storage",
	.long_help = "If the named image exists in local storage, cpod image exists exits with 0, "
		     "otherwise the exit code will be 1.",
	.usage = "IMAGE",
	.examples = "cpod image exists ID\ncpod image exists IMAGE && echo \"it exists\"",
	.min_args = 1,
	.max_args = 1,
	.flags = CLI_NEEDS_ENGINE,
	.run = exists_run,
};
