/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network connect [options] NETWORK CONTAINER`: no output, as Podman. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "banned.h"

struct connect_opts {
	char **alias;
	char *ip, *ip6, *mac;
};

static const struct cli_option connect_options[] = {
        CLI_STRINGS("alias", 0, struct connect_opts, alias, "network scoped alias for container"),
        CLI_OPT("ip", 0, CLI_OPT_STRING, struct connect_opts, ip, "ip",
                "set a static ipv4 address for this container network"),
        CLI_OPT("ip6", 0, CLI_OPT_STRING, struct connect_opts, ip6, "ip",
                "set a static ipv6 address for this container network"),
        CLI_STRING("mac-address", 0, struct connect_opts, mac,
                   "set a static mac address for this container network"),
        CLI_OPT_END,
};

static int connect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct connect_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct engine_network_connect_opts co = {
	        .aliases = o->alias, .ip = o->ip, .ip6 = o->ip6, .mac = o->mac};
	if (engine_network_connect(ctx->engine, argv[1], argv[0], &co, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_network_connect = {
        .name = "connect",
        .short_help = "network connect",
        .long_help = "Add container to a network",
        .usage = "[options] NETWORK CONTAINER",
        .examples = "cpod network connect web secondary",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = connect_options,
        .opts_size = sizeof(struct connect_opts),
        .run = connect_run,
};
