/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest inspect LIST`: the list as JSON (a Docker manifest list, 4-space indent). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image/registry-flags.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

struct inspect_opts {
	struct registry_flags reg;
};

static const struct cli_option inspect_options[] = {
        {.long_name = "tls-verify",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct inspect_opts, reg.tls_verify),
         .help = "require HTTPS and verify certificates when accessing the registry",
         .def_help = "true",
         .flags = CLI_OPT_HIDDEN},
        CLI_OPT_END,
};

static int inspect_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_registry_access a;
	if (registry_flags_access(ctx, &o->reg, &a, &err) < 0)
		return cli_error(ctx, err);
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	_cleanup_free_ char *json = NULL;
	if (image_manifest_inspect(s, argv[0], &a, &json, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", json);
	return 0;
}

const struct cli_command cmd_manifest_inspect = {
        .name = "inspect",
        .short_help = "Display the contents of a manifest list or image index",
        .long_help = "Display the contents of a manifest list or image index.",
        .usage = "IMAGE",
        .examples = "cpod manifest inspect localhost/list",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = inspect_options,
        .opts_size = sizeof(struct inspect_opts),
        .run = inspect_run,
};
