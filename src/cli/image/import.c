/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod import [options] PATH [REFERENCE]`: "-" reads the tarball from stdin. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image.h"
#include "util/xalloc.h"
#include "banned.h"

struct import_opts {
	char **change;
	char *message;
	char *os, *arch, *variant;
	bool quiet;
	char *signature_policy;
};

static const struct cli_option import_options[] = {
	CLI_STRING_ARRAY("change", 'c', struct import_opts, change,
			 "Apply the following possible instructions to the created image (default []): "
			 "CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | STOPSIGNAL | USER | VOLUME | WORKDIR"),
	CLI_STRING("message", 'm', struct import_opts, message,
		   "Set commit message for imported image"),
	CLI_STRING("os", 0, struct import_opts, os, "Set the OS of the imported image"),
	CLI_STRING("arch", 0, struct import_opts, arch, "Set the architecture of the imported image"),
	CLI_BOOL("quiet", 'q', struct import_opts, quiet, "Suppress output"),
	CLI_STRING("variant", 0, struct import_opts, variant,
		   "Set the variant of the imported image"),
	CLI_STRING("signature-policy", 0, struct import_opts, signature_policy,
		   "Path to a signature-policy file"),
	CLI_OPT_END,
};

static int import_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct import_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *id = NULL;

	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	struct image_import_opts io = {
		.source = argv[0],
		.fd = STDIN_FILENO,
		.changes = opts->change,
		.message = opts->message,
		.reference = argc > 1 ? argv[1] : NULL,
		.os = opts->os,
		.arch = opts->arch,
		.variant = opts->variant,
		.progress = opts->quiet ? NULL : stderr,
	};
	if (image_import(s, &io, &id, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_image_import = {
	.name = "import",
	.short_help = "Import a tarball to create a filesystem image",
	.long_help = "Create a container image from the contents of the specified tarball "
		     "(.tar, .tar.gz, .tgz, .bzip, .tar.xz, .txz).\n\n"
		     "  Note remote tar balls can be specified, via web address.\n"
		     "  Optionally tag the image. You can specify the instructions using the "
		     "--change option.",
	.usage = "[options] PATH [REFERENCE]",
	.examples = "cpod import http://example.com/ctr.tar url-image\n"
		    "cat ctr.tar | cpod -q import --message \"importing the ctr.tar tarball\" - "
		    "image-imported\ncat ctr.tar | cpod import -",
	.min_args = 1,
	.max_args = 2,
	.flags = CLI_NEEDS_ENGINE,
	.options = import_options,
	.opts_size = sizeof(struct import_opts),
	.run = import_run,
};
