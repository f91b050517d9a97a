/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network create [options] [NAME]`: prints the new network's name, as Podman. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "util/json.h"
#include "banned.h"

struct create_opts {
	bool disable_dns, internal, ipv6, ignore;
	char *driver, *ipam_driver;
	char **gateway, **ip_range, **label, **opt, **subnet, **dns;
};

static const struct cli_option create_options[] = {
        CLI_BOOL("disable-dns", 0, struct create_opts, disable_dns, "disable dns plugin"),
        CLI_STRINGS("dns", 0, struct create_opts, dns, "DNS servers this network will use"),
        CLI_STRING("driver", 'd', struct create_opts, driver,
                   "driver to manage the network (default \"bridge\")"),
        CLI_STRING_ARRAY("gateway", 0, struct create_opts, gateway,
                         "IPv4 or IPv6 gateway for the subnet"),
        CLI_BOOL("ignore", 0, struct create_opts, ignore, "Don't fail if network already exists"),
        CLI_BOOL("internal", 0, struct create_opts, internal,
                 "restrict external access from this network"),
        CLI_STRING_ARRAY("ip-range", 0, struct create_opts, ip_range,
                         "allocate container IP from range"),
        CLI_STRING("ipam-driver", 0, struct create_opts, ipam_driver,
                   "IP Address Management Driver"),
        CLI_BOOL("ipv6", 0, struct create_opts, ipv6, "enable IPv6 networking"),
        CLI_STRING_ARRAY("label", 0, struct create_opts, label, "set metadata on a network"),
        CLI_STRING_ARRAY("opt", 'o', struct create_opts, opt, "Set driver specific options"),
        CLI_STRING_ARRAY("subnet", 0, struct create_opts, subnet, "subnets in CIDR format"),
        CLI_OPT_END,
};

static int create_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct create_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct net_create_opts co = {
	        .name = argc > 0 ? argv[0] : NULL,
	        .driver = o->driver,
	        .subnets = o->subnet,
	        .gateways = o->gateway,
	        .ip_ranges = o->ip_range,
	        .ipv6 = o->ipv6,
	        .internal = o->internal,
	        .disable_dns = o->disable_dns,
	        .labels = o->label,
	        .options = o->opt,
	        .ipam_driver = o->ipam_driver,
	        .dns = o->dns,
	        .ignore_exists = o->ignore,
	};
	_cleanup_json_ json_t *cfg = NULL;
	if (engine_network_create(ctx->engine, &co, &cfg, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", json_get_string(cfg, "name"));
	return 0;
}

const struct cli_command cmd_network_create = {
        .name = "create",
        .short_help = "network create",
        .long_help = "create networks for containers and pods",
        .usage = "[options] [NAME]",
        .examples = "cpod network create podman1",
        .min_args = 0,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = create_options,
        .opts_size = sizeof(struct create_opts),
        .run = create_run,
};
