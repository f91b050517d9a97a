/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod push` / `cpod image push`: a local image to a registry or an archive. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/pull.h"
#include "registry-flags.h"
#include "banned.h"

struct push_opts {
	bool compress, quiet, no_trust, remove_signatures;
	char *compression_format, *digestfile, *format, *sign_by;
	struct registry_flags reg;
};

static const struct cli_option push_options[] = {
        REGISTRY_FLAG_AUTHFILE(struct push_opts),
        REGISTRY_FLAG_CERT_DIR(struct push_opts, "string"),
        CLI_BOOL("compress", 0, struct push_opts, compress,
                 "Compress tarball image layers when pushing to a directory using the 'dir' "
                 "transport. (default is same compression type as source)"),
        CLI_STRING("compression-format", 0, struct push_opts, compression_format,
                   "compression format to use"),
        REGISTRY_FLAG_CREDS(struct push_opts),
        CLI_STRING("digestfile", 0, struct push_opts, digestfile,
                   "Write the digest of the pushed image to the specified file"),
        CLI_BOOL("disable-content-trust", 0, struct push_opts, no_trust,
                 "This is a Docker specific option and is a NOOP"),
        CLI_STRING("format", 'f', struct push_opts, format,
                   "Manifest type (oci, v2s2, or v2s1) to use in the destination (default is "
                   "manifest type of source, with fallbacks)"),
        CLI_BOOL("quiet", 'q', struct push_opts, quiet,
                 "Suppress output information when pushing images"),
        CLI_BOOL("remove-signatures", 0, struct push_opts, remove_signatures,
                 "Discard any pre-existing signatures in the image"),
        REGISTRY_FLAG_RETRY(struct push_opts),
        CLI_STRING("sign-by", 0, struct push_opts, sign_by,
                   "Add a signature at the destination using the specified key"),
        REGISTRY_FLAG_TLS_VERIFY(struct push_opts),
        CLI_OPT_END,
};

static int push_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct push_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_push_opts po = {
	        .digestfile = o->digestfile,
	        .progress = o->quiet ? NULL : stderr,
	};
	if (registry_flags_access(ctx, &o->reg, &po.access, &err) < 0)
		return cli_error(ctx, err);
	if (o->sign_by && *o->sign_by)
		return cli_errorf(ctx, "signing is not supported");
	if (o->format && *o->format) {
		if (strcmp(o->format, "oci") == 0)
			po.format = IMAGE_PUSH_FORMAT_OCI;
		else if (strcmp(o->format, "v2s2") == 0 || strcmp(o->format, "docker") == 0)
			po.format = IMAGE_PUSH_FORMAT_V2S2;
		else
			return cli_errorf(ctx, "unsupported manifest type \"%s\"", o->format);
	}
	if (o->compression_format && *o->compression_format) {
		if (strcmp(o->compression_format, "gzip") == 0)
			po.compression = IMAGE_PUSH_COMPRESSION_GZIP;
		else if (strcmp(o->compression_format, "zstd") == 0)
			po.compression = IMAGE_PUSH_COMPRESSION_ZSTD;
		else
			return cli_errorf(ctx, "unsupported compression format %s",
			                  o->compression_format);
		po.force_compression = true;
	}
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	if (image_push(s, argv[0], argc > 1 ? argv[1] : NULL, &po, NULL, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_image_push = {
        .name = "push",
        .short_help = "Push an image to a specified destination",
        .long_help = "Pushes a source image to a specified destination.\n\n\tThe Image "
                     "\"DESTINATION\" uses a \"transport\":\"details\" format. See cpod-push(1) "
                     "section \"DESTINATION\" for the expected format.",
        .usage = "[options] IMAGE [DESTINATION]",
        .examples = "cpod push imageID docker://registry.example.com/repository:tag\n"
                    "\t\tcpod push imageID oci-archive:/path/to/layout:image:tag",
        .min_args = 1,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = push_options,
        .opts_size = sizeof(struct push_opts),
        .run = push_run,
};
