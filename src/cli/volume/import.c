/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume import VOLUME [SOURCE]`: extract a tarball (or stdin, "-") into a volume. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "banned.h"

static int import_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_close_ int fd = -1;
	int in = STDIN_FILENO;
	if (argc > 1 && strcmp(argv[1], "-") != 0) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			char eb[128];
			return cli_errorf(ctx, "open %s: %s", argv[1], errno_string(errno, eb));
		}
		in = fd;
	}
	if (volume_import(ctx->engine, argv[0], in, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_volume_import = {
        .name = "import",
        .short_help = "Import a tarball contents into a cpod volume",
        .long_help = "Imports contents into a cpod volume from specified tarball (.tar, .tar.gz, "
                     ".tgz, .bzip, .tar.xz, .txz).",
        .usage = "VOLUME [SOURCE]",
        .examples = "cpod volume import my_vol /home/user/import.tar\n"
                    "cat ctr.tar | cpod volume import my_vol -",
        .min_args = 1,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .run = import_run,
};
