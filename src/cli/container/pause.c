/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod pause` / `cpod unpause`: freeze or thaw containers through the runtime. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container-isolation.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct pause_opts {
	bool all, latest;
};

static const struct cli_option pause_options[] = {
        CLI_BOOL("all", 'a', struct pause_opts, all, "Pause all running containers"),
        CTR_OPT_LATEST(struct pause_opts, latest),
        CLI_OPT_END,
};

static const struct cli_option unpause_options[] = {
        CLI_BOOL("all", 'a', struct pause_opts, all, "Unpause all paused containers"),
        CTR_OPT_LATEST(struct pause_opts, latest),
        CLI_OPT_END,
};

static int run_both(struct cli_ctx *ctx, struct pause_opts *opts, int argc, char **argv, bool pause)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};
	int r;
	if ((r = ctr_check_args(ctx, argc, opts->all, opts->latest,
	                        "you must provide at least one container name or id")))
		return r;
	unsigned mask = 1u << (pause ? CTR_RUNNING : CTR_PAUSED);
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, opts->all, opts->latest, mask, &err);
	if (!keys)
		return cli_error(ctx, err);
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		_cleanup_(container_freep) struct container *c = NULL;
		/* Podman prints the full ID of each container it paused */
		if (container_lookup(ctx->engine, *k, &c, &e) < 0 ||
		    (pause ? container_pause(ctx->engine, c->config.id, &e)
		           : container_unpause(ctx->engine, c->config.id, &e)) < 0)
			ctr_errors_add(&errs, &e);
		else
			printf("%s\n", c->config.id);
	}
	return ctr_errors_finish(ctx, &errs);
}

static int pause_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return run_both(ctx, opts, argc, argv, true);
}

static int unpause_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return run_both(ctx, opts, argc, argv, false);
}

const struct cli_command cmd_container_pause = {
        .name = "pause",
        .short_help = "Pause all the processes in one or more containers",
        .long_help = "Pauses one or more running containers.  The container name or ID can be "
                     "used.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod pause mywebserver\ncpod pause 860a4b23\ncpod pause -a",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = pause_options,
        .opts_size = sizeof(struct pause_opts),
        .run = pause_run,
};

const struct cli_command cmd_container_unpause = {
        .name = "unpause",
        .short_help = "Unpause the processes in one or more containers",
        .long_help = "Unpauses one or more previously paused containers.  The container name or "
                     "ID can be used.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod unpause ctrID\ncpod unpause --all",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = unpause_options,
        .opts_size = sizeof(struct pause_opts),
        .run = unpause_run,
};
