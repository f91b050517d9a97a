/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod init`: create containers in the runtime without starting them. */

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct init_opts {
	bool all, latest;
};

static const struct cli_option init_options[] = {
        CLI_BOOL("all", 'a', struct init_opts, all, "Initialize all containers"),
        CTR_OPT_LATEST(struct init_opts, latest),
        CLI_OPT_END,
};

static int init_one(struct engine *e, const char *key, int unused, struct cpod_error **err)
{
	(void)unused;
	return container_init(e, key, err);
}

static int init_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct init_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r;

	if ((r = ctr_check_args(ctx, argc, opts->all, opts->latest,
	                        "you must provide at least one name or id")))
		return r;
	/* --all: the ones that can be initialised, i.e. created but not in the runtime yet */
	_cleanup_strv_free_ char **keys = ctr_targets(ctx->engine, argc, argv, opts->all,
	                                              opts->latest, 1u << CTR_CONFIGURED, &err);
	if (!keys)
		return cli_error(ctx, err);
	return ctr_apply(ctx, keys, init_one, 0);
}

const struct cli_command cmd_container_init = {
        .name = "init",
        .short_help = "Initialize one or more containers",
        .long_help = "Initialize one or more containers, creating the OCI spec and mounts for "
                     "inspection. Container names or IDs can be used.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod init --latest\ncpod init 3c45ef19d893\ncpod init test1",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = init_options,
        .opts_size = sizeof(struct init_opts),
        .run = init_run,
};
