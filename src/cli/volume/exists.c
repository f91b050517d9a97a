/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume exists VOLUME`: exit 0 if it exists, 1 if not; no output. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "banned.h"

static int exists_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = volume_exists(ctx->engine, argv[0], &err);
	if (r < 0)
		return cli_error(ctx, err);
	return r ? 0 : 1;
}

const struct cli_command cmd_volume_exists = {
        .name = "exists",
        .short_help = "Volume exists",
        .long_help = "If the given volume exists, cpod volume exists exits with 0, otherwise the "
                     "exit code will be 1.",
        .usage = "VOLUME",
        .examples = "cpod volume exists myvol",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .run = exists_run,
};
