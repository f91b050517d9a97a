/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod container exists`: exit 0 when the container exists, 1 when not, 125 on errors. */
#include <errno.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "banned.h"

struct exists_opts {
	bool external;
};

static const struct cli_option exists_options[] = {
        CLI_BOOL("external", 0, struct exists_opts, external,
                 "Check external storage containers as well as Podman containers"),
        CLI_OPT_END,
};

static int exists_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct exists_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;

	if (opts->external)
		return cli_errorf(ctx, "--external is not supported yet");
	if (container_lookup(ctx->engine, argv[0], &c, &err) < 0)
		return err->code == ENOENT ? 1 : cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_exists = {
        .name = "exists",
        .short_help = "Check if a container exists in local storage",
        .long_help = "If the named container exists in local storage, cpod container exists "
                     "exits with 0, otherwise the exit code will be 1.",
        .usage = "[options] CONTAINER",
        .examples = "cpod container exists --external containerID\ncpod container exists myctr "
                    "|| cpod run --name myctr [etc...]",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = exists_options,
        .opts_size = sizeof(struct exists_opts),
        .run = exists_run,
};
