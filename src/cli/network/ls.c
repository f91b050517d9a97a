/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network ls`: NETWORK ID / NAME / DRIVER, sorted by name, as Podman prints it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/network/common.h"
#include "cli/output.h"
#include "engine/network.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

struct ls_opts {
	char *format;
	char **filter;
	bool no_trunc, quiet;
};

static const struct cli_option ls_options[] = {
        CLI_STRING_ARRAY("filter", 'f', struct ls_opts, filter,
                         "Provide filter values (e.g. 'name=podman')"),
        CLI_STRING("format", 0, struct ls_opts, format,
                   "Pretty-print networks to JSON or using a "
                   "Go template"),
        CLI_BOOL("no-trunc", 0, struct ls_opts, no_trunc, "Do not truncate the network ID"),
        CLI_BOOL("quiet", 'q', struct ls_opts, quiet, "display only names"),
        CLI_OPT_END,
};

static int ls_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct ls_opts *o = opts_;
	(void)argc;
	(void)argv;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *nets = NULL;
	if (engine_network_list(ctx->engine, o->filter, &nets, &err) < 0)
		return cli_error(ctx, err);
	size_t i;
	json_t *n;
	if (o->format && strcmp(o->format, "json") == 0) {
		_cleanup_free_ char *s = json_dumps(nets, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		return 0;
	}
	if (o->quiet && !(o->format && *o->format)) {
		json_array_foreach(nets, i, n) printf("%s\n", json_get_string(n, "name"));
		return 0;
	}
	_cleanup_json_ json_t *rows = json_array();
	json_array_foreach(nets, i, n)
	        json_array_append_new(rows, cli_network_template_view(n, !o->no_trunc));
	_cleanup_json_ json_t *headers =
	        json_pack("{s:s,s:s,s:s}", "ID", "NETWORK ID", "Name", "NAME", "Driver", "DRIVER");
	const char *fmt =
	        o->format && *o->format ? o->format : "table {{.ID}}\t{{.Name}}\t{{.Driver}}";
	if (cli_output_format(ctx, fmt, rows, headers, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

static const char *const ls_aliases[] = {"list", NULL};

const struct cli_command cmd_network_ls = {
        .name = "ls",
        .aliases = ls_aliases,
        .short_help = "List networks",
        .long_help = "List networks",
        .usage = "[options]",
        .examples = "cpod network list\ncpod network ls --filter name=podman",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = ls_options,
        .opts_size = sizeof(struct ls_opts),
        .run = ls_run,
};
