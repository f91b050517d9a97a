/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest push LIST DESTINATION`: the list (and with --all its images) to a registry. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image/registry-flags.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

struct push_opts {
	bool all, quiet, remove_signatures, rm;
	char *compression_format, *digestfile, *format, *sign_by;
	struct registry_flags reg;
};

static const struct cli_option push_options[] = {
        {.long_name = "all",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct push_opts, all),
         .help = "also push the images in the list",
         .def_help = "true"},
        REGISTRY_FLAG_AUTHFILE(struct push_opts),
        REGISTRY_FLAG_CERT_DIR(struct push_opts, "string"),
        CLI_STRING("compression-format", 0, struct push_opts, compression_format,
                   "compression format to use"),
        REGISTRY_FLAG_CREDS(struct push_opts),
        CLI_STRING("digestfile", 0, struct push_opts, digestfile,
                   "after copying the image, write the digest of the resulting digest to the "
                   "file"),
        CLI_STRING("format", 'f', struct push_opts, format,
                   "manifest type (oci or v2s2) to attempt to use when pushing the manifest "
                   "list (default is manifest type of source)"),
        CLI_BOOL("quiet", 'q', struct push_opts, quiet,
                 "don't output progress information when pushing lists"),
        CLI_BOOL("remove-signatures", 0, struct push_opts, remove_signatures,
                 "don't copy signatures when pushing images"),
        CLI_BOOL("rm", 0, struct push_opts, rm, "remove the manifest list if push succeeds"),
        CLI_OPT("sign-by", 0, CLI_OPT_STRING, struct push_opts, sign_by, "FINGERPRINT",
                "sign the image using a GPG key with the specified FINGERPRINT"),
        REGISTRY_FLAG_TLS_VERIFY(struct push_opts),
        CLI_OPT_END,
};

static int push_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct push_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_manifest_push_opts mo = {
	        .push = {.digestfile = o->digestfile, .progress = o->quiet ? NULL : stderr},
	        .all = cli_flag_changed(ctx, "all") ? o->all : true,
	        .rm = o->rm,
	};
	if (registry_flags_access(ctx, &o->reg, &mo.push.access, &err) < 0)
		return cli_error(ctx, err);
	if (o->sign_by && *o->sign_by)
		return cli_errorf(ctx, "signing is not supported");
	if (o->format && *o->format) {
		if (strcmp(o->format, "oci") == 0)
			mo.push.format = IMAGE_PUSH_FORMAT_OCI;
		else if (strcmp(o->format, "v2s2") == 0 || strcmp(o->format, "docker") == 0)
			mo.push.format = IMAGE_PUSH_FORMAT_V2S2;
		else
			return cli_errorf(ctx, "unrecognized format \"%s\"", o->format);
	}
	if (o->compression_format && *o->compression_format) {
		if (strcmp(o->compression_format, "gzip") == 0)
			mo.push.compression = IMAGE_PUSH_COMPRESSION_GZIP;
		else if (strcmp(o->compression_format, "zstd") == 0)
			mo.push.compression = IMAGE_PUSH_COMPRESSION_ZSTD;
		else
			return cli_errorf(ctx, "unsupported compression format %s",
			                  o->compression_format);
		mo.push.force_compression = true;
	}
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	if (image_manifest_push(s, argv[0], argv[1], &mo, NULL, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_manifest_push = {
        .name = "push",
        .short_help = "Push a manifest list or image index to a registry",
        .long_help = "Pushes manifest lists and image indexes to registries.",
        .usage = "[options] LIST DESTINATION",
        .examples = "cpod manifest push mylist:v1.11 docker://quay.io/myuser/image:v1.11",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = push_options,
        .opts_size = sizeof(struct push_opts),
        .run = push_run,
};
