/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume export VOLUME [-o FILE]`: a tar of the volume's content. */
#include <unistd.h>

#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "banned.h"

struct export_opts {
	char *output;
};

static const struct cli_option export_options[] = {
        CLI_STRING("output", 'o', struct export_opts, output,
                   "Write to a specified file (default: stdout, which must be redirected) "
                   "(default \"/dev/stdout\")"),
        CLI_OPT_END,
};

static int export_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct export_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_close_ int fd = -1;
	int r = cli_open_output(ctx, o->output, "/dev/stdout",
	                        "cannot write to terminal, use command-line redirection or the "
	                        "--output flag",
	                        &fd);
	if (r)
		return r;
	if (volume_export(ctx->engine, argv[0], fd >= 0 ? fd : STDOUT_FILENO, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_volume_export = {
        .name = "export",
        .short_help = "Export volumes",
        .long_help = "\ncpod volume export\n\nAllow content of volume to be exported into "
                     "external tar.",
        .usage = "[options] VOLUME",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = export_options,
        .opts_size = sizeof(struct export_opts),
        .run = export_run,
};
