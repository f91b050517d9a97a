/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod tag IMAGE TARGET_NAME [TARGET_NAME...]` (also `cpod image tag`). */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image.h"
#include "banned.h"

static int tag_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s || image_tag(s, argv[0], argv + 1, NULL, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_image_tag = {
	.name = "tag",
	.short_help = "Add an additional name to a local image",
	.usage = "IMAGE TARGET_NAME [TARGET_NAME...]",
	.examples = "cpod image tag 0e3bbc2 fedora:latest\n"
		    "cpod image tag imageID:latest myNewImage:newTag\n"
		    "cpod image tag httpd myregistryhost:5000/fedora/httpd:v2",
	.min_args = 2,
	.max_args = -1,
	.flags = CLI_NEEDS_ENGINE,
	.run = tag_run,
};
