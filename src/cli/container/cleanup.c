/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod container cleanup`: the exit command conmon runs when a container's process exits
 * (unmount, record the exit, --rm). Hidden from help, as in Podman.
 */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct cleanup_opts {
	bool all, latest, rm, rmi;
	char *exec;
};

static const struct cli_option cleanup_options[] = {
        CLI_BOOL("all", 'a', struct cleanup_opts, all, "Cleans up all containers"),
        {.long_name = "exec",
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct cleanup_opts, exec),
         .arg_name = "string",
         .help = "Clean up the given exec session instead of the container",
         .flags = CLI_OPT_HIDDEN},
        CTR_OPT_LATEST(struct cleanup_opts, latest),
        CLI_BOOL("rm", 0, struct cleanup_opts, rm, "After cleanup, remove the container entirely"),
        CLI_BOOL("rmi", 0, struct cleanup_opts, rmi, "After cleanup, remove the image entirely"),
        CLI_OPT_END,
};

static int cleanup_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct cleanup_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};
	int r;

	if (opts->exec || opts->rmi)
		return cli_errorf(ctx, "--%s is not supported yet", opts->exec ? "exec" : "rmi");
	if ((r = ctr_check_args(ctx, argc, opts->all, opts->latest,
	                        "you must provide at least one name or id")))
		return r;
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, opts->all, opts->latest, 0, &err);
	if (!keys)
		return cli_error(ctx, err);
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		r = container_cleanup(ctx->engine, *k, &e);
		/* 1: the restart policy started it again, so no --rm (Podman: ShouldRestart) */
		if (r == 0 && opts->rm) {
			struct container_remove_opts ro = {.force = false, .timeout = -1};
			r = container_remove(ctx->engine, *k, &ro, &e);
			/* the engine's cleanup already applied the container's own --rm */
			if (r == -ENOENT) {
				e = cpod_error_free(e);
				r = 0;
			}
		}
		if (r < 0)
			ctr_errors_add(&errs, &e);
		else
			printf("%s\n", *k);
	}
	return ctr_errors_finish(ctx, &errs);
}

const struct cli_command cmd_container_cleanup = {
        .name = "cleanup",
        .short_help = "Clean up network and mountpoints of one or more containers",
        .long_help = "cpod container cleanup\n\nCleans up mount points and network stacks on "
                     "one or more containers from the host. The container name or ID can be used. "
                     "This command is used internally when running containers, but can also be "
                     "used if container cleanup has failed when a container exits.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod container cleanup --latest\ncpod container cleanup ctrID1 ctrID2 "
                    "ctrID3\ncpod container cleanup --all",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE | CLI_HIDDEN,
        .options = cleanup_options,
        .opts_size = sizeof(struct cleanup_opts),
        .run = cleanup_run,
};
