/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest add LIST IMAGE [IMAGE...]`: add images to a manifest list; prints its ID. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image/registry-flags.h"
#include "cli/manifest/manifest-opts.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

struct add_opts {
	bool all;
	struct manifest_platform_opts plat;
	struct registry_flags reg;
};

static const struct cli_option add_options[] = {
        CLI_BOOL("all", 0, struct add_opts, all,
                 "add all of the list's images if the image is a list"),
        MANIFEST_OPT_ANNOTATION(struct add_opts),
        MANIFEST_OPT_ARCH(struct add_opts),
        REGISTRY_FLAG_AUTHFILE(struct add_opts),
        REGISTRY_FLAG_CERT_DIR(struct add_opts, "string"),
        REGISTRY_FLAG_CREDS(struct add_opts),
        MANIFEST_OPT_FEATURES(struct add_opts),
        MANIFEST_OPT_OS(struct add_opts),
        MANIFEST_OPT_OS_VERSION(struct add_opts),
        REGISTRY_FLAG_TLS_VERIFY(struct add_opts),
        MANIFEST_OPT_VARIANT(struct add_opts),
        CLI_OPT_END,
};

static int add_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct add_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_manifest_add_opts ao = {.all = o->all};
	manifest_platform_apply(&o->plat, &ao);
	if (registry_flags_access(ctx, &o->reg, &ao.access, &err) < 0)
		return cli_error(ctx, err);
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	_cleanup_free_ char *id = NULL;
	for (int i = 1; i < argc; i++) {
		free(id);
		id = NULL;
		if (image_manifest_add(s, argv[0], argv[i], &ao, &id, &err) < 0)
			return cli_error(ctx, err);
	}
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_manifest_add = {
        .name = "add",
        .short_help = "Add images to a manifest list or image index",
        .long_help = "Adds an image to a manifest list or image index.",
        .usage = "[options] LIST IMAGE [IMAGE...]",
        .examples = "cpod manifest add mylist:v1.11 image:v1.11-amd64\n"
                    "\t\tcpod manifest add mylist:v1.11 transport:imageName",
        .min_args = 2,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = add_options,
        .opts_size = sizeof(struct add_opts),
        .run = add_run,
};
