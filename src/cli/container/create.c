/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod create` (`cpod container create`): prints the new container's full ID. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "engine/container.h"
#include "banned.h"

static int create_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;
	struct create_build b = {0};

	const struct create_cli_opts *o = opts;
	if (o->preserve_fds && cli_check_preserve_fds(o->preserve_fds))
		return 125;
	int r = create_cli_build(ctx, opts, argc, argv, &b, &err);
	if (r >= 0)
		r = create_cli_create(ctx, opts, &b, &c, &err);
	create_build_print_warnings(&b);
	create_build_release(&b);
	if (r < 0)
		return cli_error(ctx, err);
	printf("%s\n", c->config.id);
	return 0;
}

const struct cli_command cmd_container_create = {
        .name = "create",
        .short_help = "Create but do not start a container",
        .long_help = "Creates a new container from the given image or storage and prepares it for "
                     "running the specified command.\n\nThe container ID is then printed to "
                     "stdout. You can then start it at any time with the cpod start <container_id> "
                     "command. The container will be created with the initial state 'created'.",
        .usage = "[options] IMAGE [COMMAND [ARG...]]",
        .examples = "cpod create alpine ls\ncpod create --annotation HELLO=WORLD alpine ls\n"
                    "cpod create -t -i --name myctr alpine ls",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NO_INTERSPERSE | CLI_NEEDS_ENGINE,
        .options = create_cli_create_options,
        .opts_size = sizeof(struct create_cli_opts),
        .opts_init = create_cli_opts_init,
        .run = create_run,
};
