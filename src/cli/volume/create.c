/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume create [NAME]`: prints the new volume's name. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "banned.h"

struct create_opts {
	char *driver;
	char **labels;
	char **opts;
	bool ignore;
};

static const struct cli_option create_options[] = {
        CLI_STRING("driver", 0, struct create_opts, driver,
                   "Specify volume driver name (default \"local\")"),
        CLI_BOOL("ignore", 0, struct create_opts, ignore, "Don't fail if volume already exists"),
        CLI_STRINGS("label", 'l', struct create_opts, labels,
                    "Set metadata for a volume (default [])"),
        CLI_STRING_ARRAY("opt", 'o', struct create_opts, opts,
                         "Set driver specific options (default [])"),
        CLI_OPT_END,
};

static int create_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct create_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(volume_freep) struct volume *v = NULL;
	struct volume_create_opts co = {
	        .name = argc > 0 ? argv[0] : NULL,
	        .driver = o->driver,
	        .labels = o->labels,
	        .options = o->opts,
	        .ignore_existing = o->ignore,
	};
	if (volume_create(ctx->engine, &co, &v, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", v->name);
	return 0;
}

const struct cli_command cmd_volume_create = {
        .name = "create",
        .short_help = "Create a new volume",
        .long_help = "If using the default driver, \"local\", the volume will be created on the "
                     "host in the volumes directory under container storage.",
        .usage = "[options] [NAME]",
        .examples = "cpod volume create myvol\ncpod volume create\n"
                    "cpod volume create --label foo=bar myvol",
        .min_args = 0,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = create_options,
        .opts_size = sizeof(struct create_opts),
        .run = create_run,
};
