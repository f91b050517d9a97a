/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod exec [options] CONTAINER COMMAND [ARG...]`: run a process in a running container. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "engine/exec.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

struct exec_opts {
	bool detach, interactive, tty, privileged;
	char *detach_keys;
	char **env;
	char **env_file;
	unsigned preserve_fds;
	char *user;
	char *workdir;
};

static const struct cli_option exec_options[] = {
        CLI_BOOL("detach", 'd', struct exec_opts, detach,
                 "Run the exec session in detached mode (backgrounded)"),
        CLI_STRING(
                "detach-keys", 0, struct exec_opts, detach_keys,
                "Select the key sequence for detaching a container. Format is a single character "
                "[a-Z] or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _ (default "
                "\"ctrl-p,ctrl-q\")"),
        CLI_STRING_ARRAY("env", 'e', struct exec_opts, env, "Set environment variables"),
        CLI_STRINGS("env-file", 0, struct exec_opts, env_file,
                    "Read in a file of environment variables"),
        CLI_BOOL("interactive", 'i', struct exec_opts, interactive,
                 "Keep STDIN open even if not attached"),
        CLI_UINT("preserve-fds", 0, struct exec_opts, preserve_fds,
                 "Pass N additional file descriptors to the container"),
        CLI_BOOL("privileged", 0, struct exec_opts, privileged,
                 "Give the process extended Linux capabilities inside the container.  The default "
                 "is false"),
        CLI_BOOL("tty", 't', struct exec_opts, tty, "Allocate a pseudo-TTY. The default is false"),
        CLI_STRING("user", 'u', struct exec_opts, user,
                   "Sets the username or UID used and optionally the groupname or GID for the "
                   "specified command"),
        CLI_STRING("workdir", 'w', struct exec_opts, workdir,
                   "Working directory inside the container"),
        CLI_OPT_END,
};

static int exec_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct exec_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **env = NULL;
	_cleanup_free_ char *sid = NULL;

	if (argc < 2)
		return cli_errorf(ctx, "must provide a non-empty command to start an exec session");
	/* Podman: the files first, then -e, later values replacing earlier ones */
	env = xnew(char *, 1);
	for (size_t i = 0; o->env_file && o->env_file[i]; i++)
		if (create_env_file(&env, o->env_file[i], &err) < 0)
			return cli_error(ctx, err);
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (create_env_parse(&env, o->env[i], &err) < 0)
			return cli_error(ctx, err);
	if (o->preserve_fds && cli_check_preserve_fds(o->preserve_fds))
		return 125;
	struct container_exec_opts eo = {
	        .command = argv + 1,
	        .env = env,
	        .user = o->user,
	        .workdir = o->workdir,
	        .terminal = o->tty,
	        .interactive = o->interactive,
	        .detach = o->detach,
	        .privileged = o->privileged,
	        .preserve_fds = o->preserve_fds,
	        .detach_keys = cli_flag_changed(ctx, "detach-keys") ? o->detach_keys : NULL,
	        .in_fd = STDIN_FILENO,
	        .out_fd = STDOUT_FILENO,
	        .err_fd = STDERR_FILENO,
	};
	int code = 0;
	fflush(stdout);
	if (container_exec(ctx->engine, argv[0], &eo, &code, &sid, &err) < 0)
		return cli_error(ctx, err);
	if (o->detach)
		printf("%s\n", sid);
	return code;
}

const struct cli_command cmd_container_exec = {
        .name = "exec",
        .short_help = "Run a process in a running container",
        .usage = "[options] CONTAINER [COMMAND [ARG...]]",
        .examples = "cpod exec -it ctrID ls\n"
                    "cpod exec -it -w /tmp myCtr pwd\n"
                    "cpod exec --user root ctrID ls",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE | CLI_NO_INTERSPERSE,
        .options = exec_options,
        .opts_size = sizeof(struct exec_opts),
        .run = exec_run,
};
