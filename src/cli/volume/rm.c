/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume rm`: exit 1 when a volume does not exist, 2 when one is in use (as Podman). */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "banned.h"

struct rm_opts {
	bool all, force;
	unsigned time;
};

static const struct cli_option rm_options[] = {
        CLI_BOOL("all", 'a', struct rm_opts, all, "Remove all volumes"),
        CLI_BOOL("force", 'f', struct rm_opts, force,
                 "Remove a volume by force, even if it is being used by a container"),
        CLI_UINT("time", 't', struct rm_opts, time,
                 "Seconds to wait for running containers to stop before killing the container "
                 "(default 10)"),
        CLI_OPT_END,
};

static void rm_init(void *opts)
{
	((struct rm_opts *)opts)->time = 10;
}

static int rm_one(struct cli_ctx *ctx, const char *name, const struct volume_remove_opts *ro,
                  int *exit_code)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	if (volume_remove(ctx->engine, name, ro, &err) < 0) {
		int code = err->code;
		cli_error(ctx, err);
		*exit_code = code == ENOENT ? 1 : code == EBUSY ? 2 : 125;
		return -1;
	}
	printf("%s\n", name);
	fflush(stdout);
	return 0;
}

static int rm_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct rm_opts *o = opts_;
	if (o->all == (argc > 0))
		return cli_errorf(ctx, "choose either one or more volumes or all");
	struct volume_remove_opts ro = {.force = o->force, .timeout = (int)o->time};
	int exit_code = 0;
	if (o->all) {
		_cleanup_error_ struct cpod_error *err = NULL;
		struct volume **v = NULL;
		size_t n = 0;
		if (volume_list(ctx->engine, NULL, &v, &n, &err) < 0)
			return cli_error(ctx, err);
		for (size_t i = 0; i < n; i++)
			rm_one(ctx, v[i]->name, &ro, &exit_code);
		volume_list_free(v, n);
		return exit_code;
	}
	for (int i = 0; i < argc; i++)
		rm_one(ctx, argv[i], &ro, &exit_code);
	return exit_code;
}

static const char *const rm_aliases[] = {"remove", NULL};

const struct cli_command cmd_volume_rm = {
        .name = "rm",
        .aliases = rm_aliases,
        .short_help = "Remove one or more volumes",
        .long_help = "Remove one or more existing volumes.\n\n  By default only volumes that are "
                     "not being used by any containers will be removed. To remove the volumes "
                     "anyways, use the --force flag.",
        .usage = "[options] VOLUME [VOLUME...]",
        .examples = "cpod volume rm myvol1 myvol2\ncpod volume rm --all\n"
                    "cpod volume rm --force myvol",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = rm_options,
        .opts_size = sizeof(struct rm_opts),
        .opts_init = rm_init,
        .run = rm_run,
};
