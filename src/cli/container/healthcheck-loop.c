/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod container healthcheck-loop ID` (hidden): the process cpod starts with a container
 * whose health check has an interval when systemd is not there to run a timer
 * (engine/healthcheck-timer.c). It runs the check every interval and exits when the
 * container stops; users never call it.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/healthcheck.h"
#include "banned.h"

static int hc_loop(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (container_healthcheck_loop(ctx->engine, argv[0], &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_healthcheck_loop = {
        .name = "healthcheck-loop",
        .short_help = "Run the health check of a container periodically",
        .long_help = "cpod container healthcheck-loop\n\nRuns the health check of a container "
                     "every interval while it runs (started by cpod itself when systemd is not "
                     "running).",
        .usage = "CONTAINER",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE | CLI_HIDDEN,
        .run = hc_loop,
};
