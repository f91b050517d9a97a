/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod healthcheck run CTR`: run the container's health check once, as Podman 4.3
 * (cmd/podman/healthcheck/run.go): nothing printed and exit 0 when it passes, "unhealthy"
 * and exit 1 when it fails, "Error: ..." and exit 125 when it cannot run (no check, not
 * running, timeout).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/healthcheck.h"
#include "banned.h"

static int hc_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	enum healthcheck_result res = HEALTHCHECK_HEALTHY;
	if (container_healthcheck_run(ctx->engine, argv[0], &res, &err) < 0)
		return cli_error(ctx, err);
	if (res == HEALTHCHECK_UNHEALTHY) {
		printf("unhealthy\n");
		return 1;
	}
	return 0;
}

const struct cli_command cmd_healthcheck_run = {
        .name = "run",
        .short_help = "run the health check of a container",
        .long_help = "cpod healthcheck run\n\nrun the health check of a container",
        .usage = "CONTAINER",
        .examples = "cpod healthcheck run mywebapp",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .run = hc_run,
};
