/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod save` / `cpod image save`: images to a docker-archive, oci-archive or oci-dir. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image-archive.h"
#include "banned.h"

struct save_opts {
	bool compress, multi, quiet, uncompressed;
	char *format;
	char *output;
};

static void save_init(void *opts_)
{
	struct save_opts *opts = opts_;
	opts->format = "docker-archive";
}

static const struct cli_option save_options[] = {
        CLI_BOOL("compress", 0, struct save_opts, compress,
                 "Compress tarball image layers when saving to a directory using the 'dir' "
                 "transport. (default is same compression type as source)"),
        {.long_name = "format",
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct save_opts, format),
         .arg_name = "string",
         .help = "Save image to oci-archive, oci-dir (directory with oci manifest type), "
                 "docker-archive, docker-dir (directory with v2s2 manifest type)",
         .def_help = "\"docker-archive\""},
        CLI_BOOL("multi-image-archive", 'm', struct save_opts, multi,
                 "Interpret additional arguments as images not tags and create a "
                 "multi-image-archive "
                 "(only for docker-archive)"),
        CLI_STRING("output", 'o', struct save_opts, output,
                   "Write to a specified file (default: stdout, which must be redirected)"),
        CLI_BOOL("quiet", 'q', struct save_opts, quiet, "Suppress the output"),
        CLI_BOOL("uncompressed", 0, struct save_opts, uncompressed,
                 "Accept uncompressed layers when copying OCI images"),
        CLI_OPT_END,
};

static int save_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct save_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	(void)argc;

	enum image_archive_format f = image_archive_format_from_string(opts->format);
	if ((int)f < 0)
		return cli_errorf(ctx, "unknown format option \"%s\"", opts->format);
	bool to_stdout = !opts->output || !*opts->output;
	/* Podman: saving to stdout is quiet, and never to a terminal */
	if (to_stdout && isatty(STDOUT_FILENO))
		return cli_errorf(ctx, "refusing to save to terminal. Use -o flag or redirect");
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	struct image_save_opts so = {
	        .format = f,
	        .output = to_stdout ? NULL : opts->output,
	        .out_fd = STDOUT_FILENO,
	        .multi = opts->multi,
	        .compress = opts->compress,
	        .progress = opts->quiet || to_stdout ? NULL : stderr,
	};
	if (to_stdout && f == IMAGE_ARCHIVE_OCI_DIR)
		so.output = "/dev/stdout";
	if (image_save(s, argv, &so, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_image_save = {
        .name = "save",
        .short_help = "Save image(s) to an archive",
        .long_help = "Save an image to docker-archive or oci-archive on the local machine. Default "
                     "is docker-archive.",
        .usage = "[options] IMAGE [IMAGE...]",
        .examples = "cpod image save --quiet -o myimage.tar imageID\n"
                    "cpod image save --format docker-dir -o ubuntu-dir ubuntu\n"
                    "cpod image save > alpine-all.tar alpine:latest",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = save_options,
        .opts_size = sizeof(struct save_opts),
        .opts_init = save_init,
        .run = save_run,
};
