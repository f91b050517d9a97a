/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod port`: a container's published ports ("80/tcp -> 0.0.0.0:8080"), or every one's. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "engine/network.h"
#include "util/strv.h"
#include "banned.h"

struct port_opts {
	bool all, latest;
};

static const struct cli_option port_options[] = {
        CLI_BOOL("all", 'a', struct port_opts, all, "Display port information for all containers"),
        CTR_OPT_LATEST(struct port_opts, latest),
        CLI_OPT_END,
};

static int port_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct port_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (opts->all && opts->latest)
		return cli_errorf(ctx, "the 'all' and 'latest' options cannot be used together");
	if (!opts->all && !opts->latest && argc < 1)
		return cli_errorf(ctx, "you must supply a running container name or id");
	if (opts->all && argc > 0)
		return cli_errorf(ctx, "no arguments are needed with --all");
	if (opts->latest && argc > 1)
		return cli_errorf(ctx, "--latest and containers cannot be used together");
	if (argc > (opts->latest ? 1 : 2))
		return cli_errorf(ctx, "accepts between 1 and 2 arg(s), received %d", argc);
	const char *filter = argc > (opts->latest ? 0 : 1) ? argv[argc - 1] : NULL;
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, opts->latest ? 0 : 1, argv, opts->all, opts->latest,
	                    1u << CTR_RUNNING, &err);
	if (!keys)
		return cli_error(ctx, err);
	STRV_FOREACH(k, keys)
	{
		_cleanup_strv_free_ char **lines = NULL;
		if (container_port_lines(ctx->engine, *k, filter, &lines, &err) < 0)
			return cli_error(ctx, err);
		STRV_FOREACH(l, lines)
		{
			/* with --all, Podman prefixes each line with the short container ID */
			if (opts->all)
				printf("%.12s\t", *k);
			printf("%s\n", *l);
		}
	}
	return 0;
}

const struct cli_command cmd_container_port = {
        .name = "port",
        .short_help = "List port mappings or a specific mapping for the container",
        .long_help = "List port mappings for the CONTAINER, or look up the public-facing port "
                     "that is NAT-ed to the PRIVATE_PORT",
        .usage = "[options] CONTAINER [PORT]",
        .examples = "cpod port --all\ncpod port ctrID 80/tcp\ncpod port --latest 80",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = port_options,
        .opts_size = sizeof(struct port_opts),
        .run = port_run,
};
