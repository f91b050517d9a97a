/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume inspect`: Podman's JSON (5-space indent, as podman inspect prints) or a template. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/volume.h"
#include "format/report.h"
#include "util/json.h"
#include "banned.h"

struct inspect_opts {
	bool all;
	char *format;
};

static const struct cli_option inspect_options[] = {
        CLI_BOOL("all", 'a', struct inspect_opts, all, "Inspect all volumes"),
        CLI_STRING("format", 'f', struct inspect_opts, format,
                   "Format volume output using Go template (default \"json\")"),
        CLI_OPT_END,
};

static int inspect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (o->all == (argc > 0))
		return cli_errorf(ctx, o->all ? "provide one or more volume names or use --all"
		                              : "provide one or more volume names or use --all");
	_cleanup_json_ json_t *out = json_array();
	const char *missing = NULL;
	if (o->all) {
		struct volume **v = NULL;
		size_t n = 0;
		if (volume_list(ctx->engine, NULL, &v, &n, &err) < 0)
			return cli_error(ctx, err);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(out, volume_inspect_json(v[i]));
		volume_list_free(v, n);
	}
	for (int i = 0; i < argc; i++) {
		_cleanup_(volume_freep) struct volume *v = NULL;
		struct cpod_error *lerr = NULL;
		int r = volume_lookup(ctx->engine, argv[i], &v, &lerr);
		if (r == -ENOENT) {
			cpod_error_free(lerr);
			missing = argv[i];
			continue;
		}
		if (r < 0) {
			cli_error(ctx, lerr);
			cpod_error_free(lerr);
			return 125;
		}
		json_array_append_new(out, volume_inspect_json(v));
	}
	if (!o->format || format_is_json(o->format)) {
		_cleanup_free_ char *s = json_dumps(out, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
	} else if (json_array_size(out) > 0) {
		/*
		 * Templates see Podman's Go struct, whose omitempty fields exist even where the
		 * JSON leaves them out: give them their zero values.
		 */
		static const char *const bools[] = {"Anonymous", "NeedsCopyUp", "NeedsChown", NULL};
		static const char *const ints[] = {"UID", "GID", "Timeout", NULL};
		size_t i;
		json_t *v;
		json_array_foreach(out, i, v) {
			for (size_t k = 0; bools[k]; k++)
				if (!json_object_get(v, bools[k]))
					json_object_set_new(v, bools[k], json_false());
			for (size_t k = 0; ints[k]; k++)
				if (!json_object_get(v, ints[k]))
					json_object_set_new(v, ints[k], json_integer(0));
			if (!json_object_get(v, "Status"))
				json_object_set_new(v, "Status", json_object());
			if (!json_object_get(v, "StorageID"))
				json_object_set_new(v, "StorageID", json_string(""));
		}
		if (cli_output_format(ctx, o->format, out, NULL, &err) < 0)
			return cli_error(ctx, err);
	}
	fflush(stdout);
	if (missing)
		return cli_errorf(ctx, "inspecting object: no such volume %s", missing);
	return 0;
}

const struct cli_command cmd_volume_inspect = {
        .name = "inspect",
        .short_help = "Display detailed information on one or more volumes",
        .long_help = "Display detailed information on one or more volumes.\n\n"
                     "  Use a Go template to change the format from JSON.",
        .usage = "[options] VOLUME [VOLUME...]",
        .examples = "cpod volume inspect myvol\ncpod volume inspect --all\n"
                    "cpod volume inspect --format \"{{.Driver}} {{.Scope}}\" myvol",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = inspect_options,
        .opts_size = sizeof(struct inspect_opts),
        .run = inspect_run,
};
