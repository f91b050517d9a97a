/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest rm LIST [LIST...]`: remove manifest lists (never the images they list). */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "util/strv.h"
#include "banned.h"

static int rm_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		_cleanup_free_ char *id = NULL;
		_cleanup_strv_free_ char **names = NULL;
		int r = image_manifest_rm(s, argv[i], &id, &names, &e);
		if (r < 0) {
			/* as Podman: an unknown list is exit code 1, other failures 125 */
			int code = cli_error(ctx, e);
			if (!rc)
				rc = r == -ENOENT ? 1 : code;
			continue;
		}
		STRV_FOREACH(n, names)
		printf("Untagged: %s\n", *n);
		printf("Deleted: %s\n", id);
	}
	return rc;
}

const struct cli_command cmd_manifest_rm = {
        .name = "rm",
        .short_help = "Remove manifest list or image index from local storage",
        .long_help = "Remove manifest list or image index from local storage.",
        .usage = "LIST [LIST...]",
        .examples = "cpod manifest rm mylist:v1.11",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .run = rm_run,
};
