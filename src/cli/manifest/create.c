/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest create LIST [IMAGE...]`: a new manifest list; prints its ID. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image/registry-flags.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

struct create_opts {
	bool all, amend;
	struct registry_flags reg;
};

static const struct cli_option create_options[] = {
        CLI_BOOL("all", 0, struct create_opts, all,
                 "add all of the lists' images if the images to add are lists"),
        CLI_BOOL("amend", 'a', struct create_opts, amend,
                 "modify an existing list if one with the desired name already exists"),
        {.long_name = "tls-verify",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct create_opts, reg.tls_verify),
         .help = "require HTTPS and verify certificates when accessing the registry",
         .def_help = "true"},
        CLI_OPT_END,
};

static int create_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct create_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_manifest_add_opts ao = {.all = o->all};
	if (registry_flags_access(ctx, &o->reg, &ao.access, &err) < 0)
		return cli_error(ctx, err);
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	_cleanup_free_ char *id = NULL;
	if (image_manifest_create(s, argv[0], argc > 1 ? argv + 1 : NULL, o->amend, &ao, &id,
	                          &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_manifest_create = {
        .name = "create",
        .short_help = "Create manifest list or image index",
        .long_help = "Creates manifest lists or image indexes.",
        .usage = "[options] LIST [IMAGE...]",
        .examples = "cpod manifest create mylist:v1.11\n"
                    "\t\tcpod manifest create mylist:v1.11 arch-specific-image-to-add\n"
                    "\t\tcpod manifest create --all mylist:v1.11 transport:tagged-image-to-add",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = create_options,
        .opts_size = sizeof(struct create_opts),
        .run = create_run,
};
