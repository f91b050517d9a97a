/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network inspect NETWORK...`: the configs as a JSON array (5-space indent, as Podman). */
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/network/common.h"
#include "cli/output.h"
#include "engine/network.h"
#include "util/json.h"
#include "banned.h"

struct inspect_opts {
	char *format;
};

static const struct cli_option inspect_options[] = {
        CLI_STRING("format", 'f', struct inspect_opts, format,
                   "Pretty-print network to JSON or using a Go template"),
        CLI_OPT_END,
};

static int inspect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL, *first = NULL;
	_cleanup_json_ json_t *arr = json_array();
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		json_t *n = NULL;
		if (engine_network_inspect(ctx->engine, argv[i], &n, &e) < 0) {
			if (!first) {
				cpod_error_wrap(&e, "inspecting object: network %s", argv[i]);
				cpod_error_move(&first, &e);
			}
			continue;
		}
		json_array_append_new(arr, n);
	}
	bool tmpl = o->format && *o->format && strcmp(o->format, "json") != 0;
	_cleanup_json_ json_t *view = NULL;
	if (tmpl) {
		/* templates see Podman's Go struct */
		view = json_array();
		size_t i;
		json_t *n;
		json_array_foreach(arr, i, n)
		        json_array_append_new(view, cli_network_template_view(n, false));
	}
	if (cli_print_inspect(ctx, tmpl ? o->format : NULL, tmpl ? view : arr, &err) < 0)
		return cli_error(ctx, err);
	return first ? cli_error(ctx, first) : 0;
}

const struct cli_command cmd_network_inspect = {
        .name = "inspect",
        .short_help = "network inspect",
        .long_help = "Displays the network configuration for one or more networks.",
        .usage = "[options] NETWORK [NETWORK...]",
        .examples = "cpod network inspect podman",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = inspect_options,
        .opts_size = sizeof(struct inspect_opts),
        .run = inspect_run,
};
