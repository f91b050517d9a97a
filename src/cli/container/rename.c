/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod rename CONTAINER NAME`: prints nothing on success, as Podman. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "banned.h"

static int rename_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	if (container_rename(ctx->engine, argv[0], argv[1], &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_rename = {
        .name = "rename",
        .short_help = "Rename an existing container",
        .long_help = "The cpod rename command allows you to rename an existing container",
        .usage = "CONTAINER NAME",
        .examples = "cpod rename containerA newName",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .run = rename_run,
};
