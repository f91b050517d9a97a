/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod export [options] CONTAINER`: the container's file system as a tar. */
#include <unistd.h>

#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "banned.h"

struct export_opts {
	char *output;
};

static const struct cli_option export_options[] = {
        CLI_STRING("output", 'o', struct export_opts, output,
                   "Write to a specified file (default: "
                   "stdout, which must be redirected)"),
        CLI_OPT_END,
};

static int export_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct export_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_close_ int fd = -1;
	int r = cli_open_output(ctx, o->output, NULL,
	                        "refusing to export to terminal. Use -o flag or redirect", &fd);
	if (r)
		return r;
	if (container_export(ctx->engine, argv[0], fd >= 0 ? fd : STDOUT_FILENO, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_export = {
        .name = "export",
        .short_help = "Export container's filesystem contents as a tar archive",
        .long_help = "Exports container's filesystem contents as a tar archive and saves it on the "
                     "local machine.",
        .usage = "[options] CONTAINER",
        .examples = "cpod export ctrID > myCtr.tar\ncpod export --output=\"myCtr.tar\" ctrID",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = export_options,
        .opts_size = sizeof(struct export_opts),
        .run = export_run,
};
