/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network exists NETWORK`: exit 0 when it exists, 1 when not; no output. */
#include <errno.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "util/json.h"
#include "banned.h"

static int exists_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *n = NULL;
	if (engine_network_inspect(ctx->engine, argv[0], &n, &err) < 0)
		return err->code == ENOENT ? 1 : cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_network_exists = {
        .name = "exists",
        .short_help = "network exists",
        .long_help = "If the named network exists, cpod network exists exits with 0, otherwise "
                     "the exit code will be 1.",
        .usage = "NETWORK",
        .examples = "cpod network exists net1",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .run = exists_run,
};
