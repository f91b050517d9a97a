/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod port`: list a container's port mappings. cpod has no port publishing yet, so every
 * container has none and, like Podman for a container without mappings, nothing is printed.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct port_opts {
	bool all, latest;
};

static const struct cli_option port_options[] = {
	CLI_BOOL("all", 'a', struct port_opts, all, "Display port information for all containers"),
	CLI_BOOL("latest", 'l', struct port_opts, latest, "Act on the latest container cpod is aware of"),
	CLI_OPT_END,
};

static int port_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct port_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;

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
	if (!opts->all && !opts->latest && container_lookup(ctx->engine, argv[0], &c, &err) < 0)
		return cli_error(ctx, err);
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
