/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod cp [options] SRC_PATH DEST_PATH`: copy files between a container and the host. */
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "banned.h"

struct cp_opts {
	bool archive;
	bool overwrite;
};

static void cp_opts_init(void *opts)
{
	struct cp_opts *o = opts;
	o->archive = true;
}

static const struct cli_option cp_options[] = {
        {.long_name = "archive",
         .short_name = 'a',
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct cp_opts, archive),
         .help = "Chown copied files to the primary uid/gid of the destination container.",
         .def_help = "true"},
        CLI_BOOL("overwrite", 0, struct cp_opts, overwrite,
                 "Allow to overwrite directories with non-directories and vice versa"),
        CLI_OPT_END,
};

static int cp_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct cp_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct copy_opts co = {
	        .src = argv[0],
	        .dst = argv[1],
	        .archive = o->archive,
	        .overwrite = o->overwrite,
	        .in_fd = STDIN_FILENO,
	        .out_fd = STDOUT_FILENO,
	};
	if (container_copy(ctx->engine, &co, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_cp = {
        .name = "cp",
        .short_help = "Copy files/folders between a container and the local filesystem",
        .long_help =
                "Copy the contents of SRC_PATH to the DEST_PATH.\n\n  You can copy from the "
                "container's file system to the local machine or the reverse, from the local "
                "filesystem to the container. If \"-\" is specified for either the SRC_PATH or "
                "DEST_PATH, you can also stream a tar archive from STDIN or to STDOUT. The "
                "CONTAINER can be a running or stopped container. The SRC_PATH or DEST_PATH can "
                "be a file or a directory.",
        .usage = "[options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
        .examples = "cpod cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = cp_options,
        .opts_size = sizeof(struct cp_opts),
        .opts_init = cp_opts_init,
        .run = cp_run,
};
