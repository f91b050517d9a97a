/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod load` / `cpod image load`: images from an archive file, an OCI directory or stdin. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image-archive.h"
#include "util/strv.h"
#include "banned.h"

struct load_opts {
	char *input;
	bool quiet;
	char *signature_policy;
};

static const struct cli_option load_options[] = {
        CLI_STRING("input", 'i', struct load_opts, input,
                   "Read from specified archive file "
                   "(default: stdin)"),
        CLI_BOOL("quiet", 'q', struct load_opts, quiet, "Suppress the output"),
        {.long_name = "signature-policy",
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct load_opts, signature_policy),
         .arg_name = "string",
         .help = "Pathname of signature policy file",
         .flags = CLI_OPT_HIDDEN},
        CLI_OPT_END,
};

static int load_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct load_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **names = NULL;
	(void)argc;
	(void)argv;

	bool from_stdin = !opts->input || !*opts->input;
	if (from_stdin && isatty(STDIN_FILENO))
		return cli_errorf(ctx, "cannot read from terminal, use command-line redirection or "
		                       "the --input flag");
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	struct image_load_opts lo = {
	        .input = from_stdin ? NULL : opts->input,
	        .in_fd = STDIN_FILENO,
	        .progress = opts->quiet ? NULL : stderr,
	};
	if (image_load(s, &lo, &names, &err) < 0)
		return cli_error(ctx, err);
	STRV_FOREACH(n, names)
	printf("Loaded image: %s\n", *n);
	return 0;
}

const struct cli_command cmd_image_load = {
        .name = "load",
        .short_help = "Load image(s) from a tar archive",
        .long_help = "Loads an image from a locally stored archive (tar file) into container "
                     "storage.",
        .usage = "[options]",
        .examples = "cpod load --quiet -i fedora.tar\ncpod load < fedora.tar",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = load_options,
        .opts_size = sizeof(struct load_opts),
        .run = load_run,
};
