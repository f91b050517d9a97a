/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod run` (`cpod container run`): create and start in one process. Attached, the exit code
 * is the container's own (128+n when a signal killed it); -d prints the ID.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "engine/container.h"
#include "engine/engine.h"
#include "image/image.h"
#include "util/log.h"
#include "banned.h"

/* --rm must not leave the container behind when it could not even start (Podman) */
static void remove_after_failure(struct cli_ctx *ctx, const struct container *c)
{
	struct container_remove_opts ro = {.force = true, .timeout = 0};
	struct cpod_error *rerr = NULL;
	if (container_remove(ctx->engine, c->config.id, &ro, &rerr) < 0) {
		log_debug("removing %s after a failed start: %s", c->config.id, rerr->msg);
		cpod_error_free(rerr);
	}
}

/* --rmi: remove the image once the container is gone, reporting failures as Podman logs them */
static void remove_image(struct cli_ctx *ctx, const char *image)
{
	struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s) {
		log_error("failed removing image: %s", err->msg);
		cpod_error_free(err);
		return;
	}
	char *names[] = {(char *)image, NULL};
	struct image_remove_opts ro = {0};
	struct image_remove_report rep;
	image_remove(s, names, &ro, &rep);
	for (size_t i = 0; i < rep.n_errors; i++)
		log_error("failed removing image: %s", rep.errors[i]->msg);
	image_remove_report_release(&rep);
}

static int run_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct create_cli_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;
	struct create_build b = {0};
	int r, code = 0;
	bool detached = false;

	if (opts->detach && opts->attach && opts->attach[0])
		return cli_errorf(ctx, "--detach and --attach cannot be used together");
	/* --rmi implies --rm (Podman) */
	bool rmi = create_flag_bool(ctx, opts, "rmi");
	if (rmi && cli_flag_changed(ctx, "rm") && !opts->rm)
		return cli_errorf(ctx, "the --rmi option does not work without --rm");
	if (rmi)
		opts->rm = true;
	if (opts->preserve_fds && cli_check_preserve_fds(opts->preserve_fds))
		return 125;
	r = create_cli_build(ctx, opts, argc, argv, &b, &err);
	if (r >= 0) {
		if (opts->tty && opts->interactive && !opts->detach && !isatty(STDIN_FILENO))
			log_warn("The input device is not a TTY. The --tty and --interactive flags "
			         "might not work properly");
		r = create_cli_create(ctx, opts, &b, &c, &err);
		create_build_print_warnings(&b);
	}
	if (r < 0) {
		create_build_release(&b);
		return cli_error(ctx, err);
	}
	if (opts->detach) {
		r = container_start(ctx->engine, c->config.id, NULL, NULL, NULL, &err);
	} else {
		struct container_attach_io io = {
		        .in_fd = STDIN_FILENO,
		        .out_fd = STDOUT_FILENO,
		        .err_fd = STDERR_FILENO,
		        .attach_stdin = b.attach_stdin,
		        .attach_stdout = b.attach_stdout,
		        .attach_stderr = b.attach_stderr,
		        .detach_keys = opts->detach_keys,
		        .sig_proxy = opts->sig_proxy,
		};
		fflush(stdout);
		r = container_start(ctx->engine, c->config.id, &io, &code, &detached, &err);
	}
	const char *image = b.opts.image; /* borrowed from argv */
	create_build_release(&b);
	if (r < 0) {
		if (opts->rm)
			remove_after_failure(ctx, c);
		cli_error(ctx, err);
		return cli_start_exit_code(err);
	}
	if (opts->detach) {
		printf("%s\n", c->config.id);
		return 0;
	}
	/* Podman removes the image after an attached run only */
	if (rmi && !detached)
		remove_image(ctx, image);
	return detached ? 0 : code;
}

const struct cli_command cmd_container_run = {
        .name = "run",
        .short_help = "Run a command in a new container",
        .long_help = "Runs a command in a new container from the given image",
        .usage = "[options] IMAGE [COMMAND [ARG...]]",
        .examples = "cpod run imageID ls -alF /etc\ncpod run --network=host imageID dnf -y install "
                    "java\ncpod run --volume /var/hostdir:/var/ctrdir -i -t fedora /bin/bash",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NO_INTERSPERSE | CLI_NEEDS_ENGINE,
        .options = create_cli_run_options,
        .opts_size = sizeof(struct create_cli_opts),
        .opts_init = create_cli_opts_init,
        .run = run_run,
};
