/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod wait`: block until each container reaches a condition, print its exit code. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct wait_opts {
	bool latest;
	char **condition;
	char *interval;
};

static void wait_opts_init(void *opts)
{
	((struct wait_opts *)opts)->interval = "250ms";
}

static const struct cli_option wait_options[] = {
        CLI_STRINGS("condition", 0, struct wait_opts, condition, "Condition to wait on"),
        {.long_name = "interval",
         .short_name = 'i',
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct wait_opts, interval),
         .arg_name = "string",
         .help = "Time Interval to wait before polling for completion",
         .def_help = "\"250ms\""},
        CTR_OPT_LATEST(struct wait_opts, latest),
        CLI_OPT_END,
};

/* Podman's state names (libpod/define/containerstate.go): "created" is cpod's configured */
static int condition_mask(char **conds, unsigned *ret, struct cpod_error **err)
{
	unsigned mask = 0;
	STRV_FOREACH(c, conds)
	{
		enum container_status s;
		if (strcmp(*c, "created") == 0)
			s = CTR_CONFIGURED;
		else if (strcmp(*c, "initialized") == 0)
			s = CTR_CREATED;
		else if (strcmp(*c, "configured") == 0)
			s = _CTR_STATUS_INVALID;
		else
			s = container_status_from_string(*c);
		if ((int)s < 0)
			return cpod_error_set(err, EINVAL,
			                      "unknown container state: %s: invalid argument", *c);
		mask |= 1u << s;
	}
	*ret = mask;
	return 0;
}

static int wait_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct wait_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};
	unsigned mask = 0;

	if (argc == 0 && !opts->latest)
		return cli_errorf(ctx, "\"%s\" requires a name, id, or the \"--latest\" flag",
		                  ctx->path);
	if (argc > 0 && opts->latest)
		return cli_errorf(ctx, "--latest and containers cannot be used together");
	if (condition_mask(opts->condition, &mask, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, false, opts->latest, 0, &err);
	if (!keys || ctr_lookup_all(ctx->engine, &keys, false, &err) < 0)
		return cli_error(ctx, err);
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		int code = 0;
		if (container_wait(ctx->engine, *k, mask, &code, &e) < 0) {
			ctr_errors_add(&errs, &e);
			continue;
		}
		printf("%d\n", code);
		fflush(stdout);
	}
	return ctr_errors_finish(ctx, &errs);
}

const struct cli_command cmd_container_wait = {
        .name = "wait",
        .short_help = "Block on one or more containers",
        .long_help = "Block until one or more containers stop and then print their exit codes.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod wait --interval 5s ctrID\ncpod wait ctrID1 ctrID2",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = wait_options,
        .opts_size = sizeof(struct wait_opts),
        .opts_init = wait_opts_init,
        .run = wait_run,
};
