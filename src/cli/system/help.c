/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod help [command]`: cobra's help command. */
#include <stdio.h>

#include "cli/cli-internal.h"
#include "cli/commands.h"
#include "util/buf.h"
#include "banned.h"

static int help_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct cli_command *cmd = &cli_root_command;
	_cleanup_buf_ struct buf path = BUF_INIT;
	buf_puts(&path, "cpod");
	for (int i = 0; i < argc; i++) {
		const struct cli_command *sub = cmd->subcommands ? cli_find_subcommand(cmd, argv[i])
								 : NULL;
		if (!sub) {
			printf("Unknown help topic [`%s`]\n", argv[i]);
			cli_print_help(stdout, &cli_root_command, "cpod");
			return 0;
		}
		buf_printf(&path, " %s", sub->name);
		cmd = sub->alias_of && sub->alias_of->subcommands ? sub->alias_of : sub;
	}
	cli_print_help(stdout, cmd, buf_str(&path));
	return 0;
}

const struct cli_command cmd_help = {
	.name = "help",
	.short_help = "Help about any command",
	.usage = "[command]",
	.min_args = 0,
	.max_args = -1,
	.run = help_run,
};
