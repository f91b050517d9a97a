/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network disconnect [-f] NETWORK CONTAINER`: no output, as Podman. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "banned.h"

struct disconnect_opts {
	bool force;
};

static const struct cli_option disconnect_options[] = {
        CLI_BOOL("force", 'f', struct disconnect_opts, force,
                 "force removal of container from network"),
        CLI_OPT_END,
};

static int disconnect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	(void)opts_;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (engine_network_disconnect(ctx->engine, argv[1], argv[0], &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_network_disconnect = {
        .name = "disconnect",
        .short_help = "network rm",
        .long_help = "Remove container from a network",
        .usage = "[options] NETWORK CONTAINER",
        .examples = "cpod network disconnect web secondary",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = disconnect_options,
        .opts_size = sizeof(struct disconnect_opts),
        .run = disconnect_run,
};
