/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod image inspect [options] IMAGE [IMAGE...]` */
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "image/image.h"
#include "util/json.h"
#include "banned.h"

struct inspect_opts {
	char *format;
};

static const struct cli_option inspect_options[] = {
	CLI_STRING("format", 'f', struct inspect_opts, format,
		   "Format the output to a Go template or json"),
	CLI_OPT_END,
};

static int inspect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL, *first = NULL;
	_cleanup_json_ json_t *arr = json_array();

	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_(store_image_freep) struct store_image *img = NULL;
		_cleanup_error_ struct cpod_error *e = NULL;
		json_t *o = NULL;
		if (image_lookup(s, argv[i], NULL, &img, NULL, &e) < 0 ||
		    image_inspect(s, img, &o, &e) < 0) {
			if (!first) {
				cpod_error_wrap(&e, "inspecting object");
				cpod_error_move(&first, &e);
			}
			continue;
		}
		json_array_append_new(arr, o);
	}
	bool tmpl = opts->format && *opts->format && strcmp(opts->format, "json") != 0;
	if (cli_print_inspect(ctx, tmpl ? opts->format : NULL, arr, &err) < 0)
		return cli_error(ctx, err);
	return first ? cli_error(ctx, first) : 0;
}

const struct cli_command cmd_image_inspect = {
	.name = "inspect",
	.short_help = "Display the configuration of an image",
	.long_help = "Displays the low-level information of an image identified by name or ID.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "cpod inspect alpine\ncpod inspect --format \"imageId: {{.Id}} size: {{.Size}}\" "
		    "alpine\ncpod inspect --format \"image: {{.ImageName}} driver: {{.Driver}}\" "
		    "myctr",
	.min_args = 1,
	.max_args = -1,
	.flags = CLI_NEEDS_ENGINE,
	.options = inspect_options,
	.opts_size = sizeof(struct inspect_opts),
	.run = inspect_run,
};
