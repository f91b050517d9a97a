/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod manifest remove LIST DIGEST`: drop an entry from a manifest list; prints its ID. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/manifest-list.h"
#include "banned.h"

static int remove_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	_cleanup_free_ char *id = NULL;
	if (image_manifest_remove(s, argv[0], argv[1], &id, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_manifest_remove = {
        .name = "remove",
        .short_help = "Remove an entry from a manifest list or image index",
        .long_help = "Removes an image from a manifest list or image index.",
        .usage = "LIST IMAGE",
        .examples = "cpod manifest remove mylist:v1.11 sha256:"
                    "15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736",
        .min_args = 2,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .run = remove_run,
};
