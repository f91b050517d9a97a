/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod rm` (`cpod container rm`): exit 1 when a container does not exist, 2 when it is
 * running and --force was not given (podman-rm(1)), 125 for other errors.
 */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-cidfile.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct rm_opts {
	bool all, depend, force, ignore, latest, volumes;
	unsigned time;
	char **cidfile, **filter;
};

static const struct cli_option rm_options[] = {
        CLI_BOOL("all", 'a', struct rm_opts, all, "Remove all containers"),
        CTR_OPT_CIDFILE(struct rm_opts, cidfile),
        CLI_BOOL("depend", 0, struct rm_opts, depend,
                 "Remove container and all containers that depend on the selected container"),
        CLI_STRINGS("filter", 0, struct rm_opts, filter, "Filter output based on conditions given"),
        CLI_BOOL("force", 'f', struct rm_opts, force,
                 "Force removal of a running or unusable container"),
        CLI_BOOL("ignore", 'i', struct rm_opts, ignore,
                 "Ignore errors when a specified container is missing"),
        CTR_OPT_LATEST(struct rm_opts, latest),
        CTR_OPT_STOP_TIME(struct rm_opts, time),
        CLI_BOOL("volumes", 'v', struct rm_opts, volumes,
                 "Remove anonymous volumes associated with the container"),
        CLI_OPT_END,
};

static int rm_exit_code(const struct cpod_error *e)
{
	if (e->code == ENOENT)
		return 1;
	if (e->code == EBUSY)
		return 2;
	return cli_exit_code(e->code);
}

static int rm_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct rm_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};
	int r, code = 0;

	if (opts->filter)
		return cli_errorf(ctx, "--filter is not supported yet");
	_cleanup_strv_free_ char **keys = NULL;
	if ((r = ctr_resolve_targets(ctx, opts->cidfile, opts->all, opts->latest, argc, argv, 0,
	                             &keys)))
		return r;
	/* --force implies --ignore (Podman) */
	if (ctr_lookup_all(ctx->engine, &keys, opts->force || opts->ignore, &err) < 0) {
		code = rm_exit_code(err);
		cli_error(ctx, err);
		return code;
	}
	struct container_remove_opts ro = {
	        .force = opts->force,
	        .volumes = opts->volumes,
	        .depend = opts->depend,
	        .timeout = cli_flag_changed(ctx, "time") ? (int)opts->time : -1,
	};
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		if (container_remove(ctx->engine, *k, &ro, &e) < 0) {
			if (e->code == ENOENT && (opts->force || opts->ignore)) {
				cpod_error_free(e); /* removed meanwhile by someone else */
				continue;
			}
			code = rm_exit_code(e);
			ctr_errors_add(&errs, &e);
			continue;
		}
		printf("%s\n", *k);
	}
	if (errs.last)
		ctr_errors_finish(ctx, &errs);
	return code;
}

static const char *const rm_aliases[] = {"remove", NULL};

const struct cli_command cmd_container_rm = {
        .name = "rm",
        .aliases = rm_aliases,
        .short_help = "Remove one or more containers",
        .long_help =
                "Removes one or more containers from the host. The container name or ID can be "
                "used.\n\nCommand does not remove images. Running or unusable containers will "
                "not be removed without the -f option.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod rm imageID\ncpod rm mywebserver myflaskserver 860a4b23\ncpod rm "
                    "--force --all\ncpod rm -f c684f0d469f2",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = rm_options,
        .opts_size = sizeof(struct rm_opts),
        .run = rm_run,
};
