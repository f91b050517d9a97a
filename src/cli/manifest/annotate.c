/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest annotate LIST IMAGE`: change an entry's platform and annotations. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/manifest/manifest-opts.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

struct annotate_opts {
	struct manifest_platform_opts plat;
	char **os_features;
};

static const struct cli_option annotate_options[] = {
        MANIFEST_OPT_ANNOTATION(struct annotate_opts),
        MANIFEST_OPT_ARCH(struct annotate_opts),
        MANIFEST_OPT_FEATURES(struct annotate_opts),
        MANIFEST_OPT_OS(struct annotate_opts),
        CLI_OPT("os-features", 0, CLI_OPT_STRING_SLICE, struct annotate_opts, os_features,
                "features", "override the OS features of the specified image"),
        MANIFEST_OPT_OS_VERSION(struct annotate_opts),
        MANIFEST_OPT_VARIANT(struct annotate_opts),
        CLI_OPT_END,
};

static int annotate_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct annotate_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_manifest_add_opts ao = {0};
	manifest_platform_apply(&o->plat, &ao);
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	_cleanup_free_ char *id = NULL;
	if (image_manifest_annotate(s, argv[0], argv[1], &ao, o->os_features, &id, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_manifest_annotate = {
        .name = "annotate",
        .short_help = "Add or update information about an entry in a manifest list or image "
                      "index",
        .long_help = "Adds or updates information about an entry in a manifest list or image "
                     "index.",
        .usage = "[options] LIST IMAGE",
        .examples = "cpod manifest annotate --annotation left=right mylist:v1.11 "
                    "image:v1.11-amd64",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = annotate_options,
        .opts_size = sizeof(struct annotate_opts),
        .run = annotate_run,
};
