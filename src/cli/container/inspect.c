/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod container inspect` and the generic `cpod inspect`, which tries containers first and
 * then images as Podman's inspect does (--type narrows it). Output is one JSON array indented
 * by five spaces, as Podman prints it, or the --format template applied to each object.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "cli/output.h"
#include "engine/container.h"
#include "engine/engine.h"
#include "format/report.h"
#include "image/image.h"
#include "util/json.h"
#include "util/strv.h"
#include "banned.h"

struct inspect_opts {
	char *format, *type;
	bool latest, size;
};

static void inspect_opts_init(void *opts)
{
	((struct inspect_opts *)opts)->type = "all";
}

static const struct cli_option ctr_inspect_options[] = {
        {.long_name = "format",
         .short_name = 'f',
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct inspect_opts, format),
         .arg_name = "string",
         .help = "Format the output to a Go template or json",
         .def_help = "\"json\""},
        CTR_OPT_LATEST(struct inspect_opts, latest),
        CLI_BOOL("size", 's', struct inspect_opts, size, "Display total file size"),
        CLI_OPT_END,
};

static const struct cli_option inspect_options[] = {
        CLI_STRING("format", 'f', struct inspect_opts, format,
                   "Format the output to a Go template or json"),
        CTR_OPT_LATEST(struct inspect_opts, latest),
        CLI_BOOL("size", 's', struct inspect_opts, size, "Display total file size"),
        {.long_name = "type",
         .short_name = 't',
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct inspect_opts, type),
         .arg_name = "string",
         .help = "Specify inspect-object type (\"image\", \"container\" or \"all\")",
         .def_help = "\"all\""},
        CLI_OPT_END,
};

enum inspect_type { INSPECT_ALL, INSPECT_CONTAINER, INSPECT_IMAGE };

static int inspect_container(struct engine *e, const char *key, bool size, json_t **ret,
                             struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	return container_inspect_json(e, c, size, ret, err);
}

static int inspect_image(struct engine *e, const char *name, json_t **ret, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	int r = image_lookup(s, name, NULL, &img, NULL, err);
	if (r < 0)
		return r;
	return image_inspect(s, img, ret, err);
}

/* One object; *ret stays NULL with a "no such" error when nothing matched. */
static int inspect_one(struct engine *e, const char *key, enum inspect_type type, bool size,
                       json_t **ret, struct cpod_error **err)
{
	_cleanup_error_ struct cpod_error *cerr = NULL, *ierr = NULL;
	if (type != INSPECT_IMAGE) {
		if (inspect_container(e, key, size, ret, &cerr) == 0)
			return 0;
		if (cerr->code != ENOENT || type == INSPECT_CONTAINER) {
			if (cerr->code == ENOENT)
				return cpod_error_set(err, ENOENT, "no such container %s", key);
			cpod_error_move(err, &cerr);
			return -EIO;
		}
	}
	if (inspect_image(e, key, ret, &ierr) == 0)
		return 0;
	if (ierr->code != ENOENT) {
		cpod_error_move(err, &ierr);
		return -EIO;
	}
	if (type == INSPECT_IMAGE)
		return cpod_error_set(err, ENOENT, "no such image %s", key);
	return cpod_error_set(err, ENOENT, "no such object: \"%s\"", key);
}

static int inspect_common(struct cli_ctx *ctx, struct inspect_opts *opts, enum inspect_type type,
                          int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};
	_cleanup_json_ json_t *arr = json_array();

	if (argc == 0 && !opts->latest)
		return cli_errorf(ctx, "no names or ids specified");
	if (argc > 0 && opts->latest)
		return cli_errorf(ctx, "--latest and containers cannot be used together");
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, false, opts->latest, 0, &err);
	if (!keys)
		return cli_error(ctx, err);
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		json_t *o = NULL;
		if (inspect_one(ctx->engine, *k, type, opts->size, &o, &e) < 0) {
			cpod_error_wrap(&e, "inspecting object");
			ctr_errors_add(&errs, &e);
			continue;
		}
		json_array_append_new(arr, o);
	}
	bool tmpl = opts->format && *opts->format && !format_is_json(opts->format);
	if (cli_print_inspect(ctx, tmpl ? opts->format : NULL, arr, &err) < 0) {
		ctr_errors_finish(ctx, &errs);
		return cli_error(ctx, err);
	}
	return ctr_errors_finish(ctx, &errs);
}

static int ctr_inspect_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return inspect_common(ctx, opts, INSPECT_CONTAINER, argc, argv);
}

static int inspect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *opts = opts_;
	enum inspect_type type;
	if (strcmp(opts->type, "all") == 0)
		type = INSPECT_ALL;
	else if (strcmp(opts->type, "container") == 0)
		type = INSPECT_CONTAINER;
	else if (strcmp(opts->type, "image") == 0)
		type = INSPECT_IMAGE;
	else
		return cli_errorf(ctx,
		                  "invalid type \"%s\": must be \"image\", \"container\", \"pod\", "
		                  "\"network\", \"volume\" or \"all\"",
		                  opts->type);
	return inspect_common(ctx, opts, type, argc, argv);
}

const struct cli_command cmd_container_inspect = {
        .name = "inspect",
        .short_help = "Display the configuration of a container",
        .long_help = "Displays the low-level information on a container identified by name or ID.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod container inspect myCtr\ncpod container inspect -l --format "
                    "'{{.Id}} {{.Config.Labels}}'",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = ctr_inspect_options,
        .opts_size = sizeof(struct inspect_opts),
        .opts_init = inspect_opts_init,
        .run = ctr_inspect_run,
};

const struct cli_command cmd_inspect = {
        .name = "inspect",
        .short_help = "Display the configuration of object denoted by ID",
        .long_help = "Displays the low-level information on an object identified by name or ID.\n"
                     "For more inspection options, see:\n\n    cpod container inspect\n    cpod "
                     "image inspect\n    cpod network inspect\n    cpod volume inspect",
        .usage = "[options] {CONTAINER|IMAGE} [...]",
        .examples =
                "cpod inspect fedora\ncpod inspect --type image fedora\ncpod inspect "
                "CtrID ImgID\ncpod inspect --format \"imageId: {{.Id}} size: {{.Size}}\" fedora",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = inspect_options,
        .opts_size = sizeof(struct inspect_opts),
        .opts_init = inspect_opts_init,
        .run = inspect_run,
};
