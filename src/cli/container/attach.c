/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod attach [options] CONTAINER`: attach to a running container's streams. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "engine/exec.h"
#include "banned.h"

struct attach_cli_opts {
	char *detach_keys;
	bool no_stdin;
	bool sig_proxy;
};

static void attach_opts_init(void *opts)
{
	struct attach_cli_opts *o = opts;
	o->sig_proxy = true;
}

static const struct cli_option attach_options[] = {
        CLI_STRING(
                "detach-keys", 0, struct attach_cli_opts, detach_keys,
                "Select the key sequence for detaching a container. Format is a single character "
                "[a-Z] or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _ (default "
                "\"ctrl-p,ctrl-q\")"),
        CLI_BOOL("no-stdin", 0, struct attach_cli_opts, no_stdin,
                 "Do not attach STDIN. The default is false"),
        {.long_name = "sig-proxy",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct attach_cli_opts, sig_proxy),
         .help = "Proxy received signals to the process",
         .def_help = "true"},
        CLI_OPT_END,
};

static int attach_run_cmd(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct attach_cli_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct container_attach_io io = {
	        .in_fd = STDIN_FILENO,
	        .out_fd = STDOUT_FILENO,
	        .err_fd = STDERR_FILENO,
	        .attach_stdin = !o->no_stdin,
	        .attach_stdout = true,
	        .attach_stderr = true,
	        .detach_keys = cli_flag_changed(ctx, "detach-keys") ? o->detach_keys : NULL,
	        .sig_proxy = o->sig_proxy,
	};
	int code = 0;
	bool detached = false;
	fflush(stdout);
	if (container_attach(ctx->engine, argv[0], &io, &code, &detached, &err) < 0)
		return cli_error(ctx, err);
	return detached ? 0 : code;
}

const struct cli_command cmd_container_attach = {
        .name = "attach",
        .short_help = "Attach to a running container",
        .long_help =
                "The cpod attach command allows you to attach to a running container using "
                "the container's ID or name, either to view its ongoing output or to control it "
                "interactively.\n\nYou can detach from the container (and leave it running) "
                "using a configurable key sequence. The default sequence is `ctrl-p,ctrl-q`.",
        .usage = "[options] CONTAINER",
        .examples = "cpod attach ctrID\ncpod attach 1234\ncpod attach --no-stdin foobar",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = attach_options,
        .opts_size = sizeof(struct attach_cli_opts),
        .opts_init = attach_opts_init,
        .run = attach_run_cmd,
};
