/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod start` (`cpod container start`): start one or more containers and print each as
 * given; with -a, attach to one and exit with its exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct start_opts {
	bool all, attach, interactive, latest, sig_proxy;
	char *detach_keys;
	char **filter;
};

static const struct cli_option start_options[] = {
        CLI_BOOL("all", 0, struct start_opts, all,
                 "Start all containers regardless of their state or configuration"),
        CLI_BOOL("attach", 'a', struct start_opts, attach, "Attach container's STDOUT and STDERR"),
        {.long_name = "detach-keys",
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct start_opts, detach_keys),
         .arg_name = "[a-Z]",
         .help = "Select the key sequence for detaching a container. Format is a single "
                 "character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
                 "`<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`",
         .def_help = "\"ctrl-p,ctrl-q\""},
        CLI_STRINGS("filter", 'f', struct start_opts, filter,
                    "Filter output based on conditions given"),
        CLI_BOOL("interactive", 'i', struct start_opts, interactive,
                 "Keep STDIN open even if not attached"),
        CTR_OPT_LATEST(struct start_opts, latest),
        {.long_name = "sig-proxy",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct start_opts, sig_proxy),
         .help = "Proxy received signals to the process (default true if attaching, false "
                 "otherwise)"},
        CLI_OPT_END,
};

static int start_attached(struct cli_ctx *ctx, struct start_opts *opts, const char *key)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;
	int code = 0;
	bool detached = false;

	if (container_lookup(ctx->engine, key, &c, &err) < 0)
		return cli_error(ctx, err);
	struct container_attach_io io = {
	        .in_fd = STDIN_FILENO,
	        .out_fd = STDOUT_FILENO,
	        .err_fd = STDERR_FILENO,
	        .attach_stdin = opts->interactive,
	        .attach_stdout = true,
	        .attach_stderr = true,
	        .detach_keys = opts->detach_keys,
	        .sig_proxy = cli_flag_changed(ctx, "sig-proxy") ? opts->sig_proxy : true,
	};
	fflush(stdout);
	if (container_start(ctx->engine, c->config.id, &io, &code, &detached, &err) < 0) {
		cpod_error_wrap(&err, "unable to start container %s", c->config.id);
		return cli_error(ctx, err);
	}
	return detached ? 0 : code;
}

static int start_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct start_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct ctr_errors errs = {0};

	if (opts->filter)
		return cli_errorf(ctx, "--filter is not supported yet");
	if (argc == 0 && !opts->all && !opts->latest)
		return cli_errorf(ctx, "start requires at least one argument");
	if (opts->all && opts->latest)
		return cli_errorf(ctx, "--all and --latest cannot be used together");
	if ((opts->all || opts->latest) && argc > 0)
		return cli_errorf(ctx, opts->all
		                               ? "no arguments are needed with --all"
		                               : "--latest and containers cannot be used together");
	if (cli_flag_changed(ctx, "sig-proxy") && opts->sig_proxy && !opts->attach)
		return cli_errorf(ctx, "you cannot use sig-proxy without --attach");
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, opts->all, opts->latest, 0, &err);
	if (!keys)
		return cli_error(ctx, err);
	if (opts->attach) {
		if (strv_length(keys) != 1)
			return cli_errorf(
			        ctx, "you cannot start and attach multiple containers at once");
		return start_attached(ctx, opts, keys[0]);
	}
	STRV_FOREACH(k, keys)
	{
		_cleanup_(container_freep) struct container *c = NULL;
		struct cpod_error *e = NULL;
		if (container_lookup(ctx->engine, *k, &c, &e) < 0) {
			ctr_errors_add(&errs, &e);
			continue;
		}
		if (container_start(ctx->engine, c->config.id, NULL, NULL, NULL, &e) < 0) {
			cpod_error_wrap(&e, "unable to start container \"%s\"", c->config.id);
			ctr_errors_add(&errs, &e);
			continue;
		}
		printf("%s\n", *k);
	}
	return ctr_errors_finish(ctx, &errs);
}

const struct cli_command cmd_container_start = {
        .name = "start",
        .short_help = "Start one or more containers",
        .long_help = "Starts one or more containers.  The container name or ID can be used.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod start 860a4b231279 5421ab43b45\ncpod start --interactive --attach "
                    "imageID",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = start_options,
        .opts_size = sizeof(struct start_opts),
        .run = start_run,
};
