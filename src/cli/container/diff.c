/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod diff [options] {CONTAINER|IMAGE}`: changes against the image (or the parent layer). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "util/json.h"
#include "banned.h"

struct diff_opts {
	char *format;
};

static const struct cli_option diff_options[] = {
        CLI_STRING("format", 0, struct diff_opts, format, "Change the output format (json)"),
        CLI_OPT_END,
};

static const char *const kind_letter[] = {"C", "A", "D"};
static const char *const kind_key[] = {"changed", "added", "deleted"};

/* Podman's --format json: {"changed": [...], "added": [...], "deleted": [...]} */
static json_t *as_report(json_t *changes)
{
	json_t *out = json_object();
	for (int k = 0; k < 3; k++) {
		json_t *list = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(changes, i, v)
		{
			if (json_integer_value(json_object_get(v, "Kind")) == k)
				json_array_append(list, json_object_get(v, "Path"));
		}
		if (json_array_size(list))
			json_object_set_new(out, kind_key[k], list);
		else
			json_decref(list);
	}
	return out;
}

static int diff_run_with(struct cli_ctx *ctx, struct diff_opts *o, const char *what,
                         const char *key)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *changes = NULL;
	if (o->format && *o->format && strcmp(o->format, "json") != 0)
		return cli_errorf(ctx, "only \"json\" is supported for the --format flag");
	if (engine_diff(ctx->engine, key, what, &changes, &err) < 0)
		return cli_error(ctx, err);
	if (o->format && *o->format) {
		_cleanup_json_ json_t *rep = as_report(changes);
		cli_print_json(stdout, rep);
		return 0;
	}
	size_t i;
	json_t *v;
	json_array_foreach(changes, i, v)
	{
		json_int_t k = json_integer_value(json_object_get(v, "Kind"));
		printf("%s %s\n", kind_letter[k >= 0 && k < 3 ? k : 0],
		       json_string_value(json_object_get(v, "Path")));
	}
	return 0;
}

static int diff_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return diff_run_with(ctx, opts, NULL, argv[0]);
}

static int container_diff_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return diff_run_with(ctx, opts, "container", argv[0]);
}

static int image_diff_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return diff_run_with(ctx, opts, "image", argv[0]);
}

const struct cli_command cmd_diff = {
        .name = "diff",
        .short_help = "Display the changes to the object's file system",
        .long_help = "Displays changes on a container or image's filesystem.  The container or "
                     "image will be compared to its parent layer.",
        .usage = "[options] {CONTAINER|IMAGE} [{CONTAINER|IMAGE}]",
        .examples = "cpod diff imageID\ncpod diff ctrID\ncpod diff --format json redis:alpine",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = diff_options,
        .opts_size = sizeof(struct diff_opts),
        .run = diff_run,
};

const struct cli_command cmd_container_diff = {
        .name = "diff",
        .short_help = "Inspect changes to the container's file systems",
        .long_help = "Displays changes to the container filesystem's'.  The container will be "
                     "compared to its parent layer.",
        .usage = "[options] CONTAINER [CONTAINER]",
        .examples = "cpod container diff myCtr\ncpod container diff -l --format json myCtr",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = diff_options,
        .opts_size = sizeof(struct diff_opts),
        .run = container_diff_run,
};

const struct cli_command cmd_image_diff = {
        .name = "diff",
        .short_help = "Inspect changes to the image's file systems",
        .long_help = "Displays changes to the image's filesystem.  The image will be compared to "
                     "its parent layer.",
        .usage = "[options] IMAGE [IMAGE]",
        .examples = "cpod image diff myImage\ncpod image diff --format json redis:alpine",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = diff_options,
        .opts_size = sizeof(struct diff_opts),
        .run = image_diff_run,
};
