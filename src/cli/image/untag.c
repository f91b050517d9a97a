/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod untag IMAGE [IMAGE...]` (also `cpod image untag`): no names removes them all. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image.h"
#include "banned.h"

static int untag_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(ctx->engine, &err);
	if (!s || image_untag(s, argv[0], argv + 1, NULL, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_image_untag = {
	.name = "untag",
	.short_help = "Remove a name from a local image",
	.usage = "IMAGE [IMAGE...]",
	.examples = "cpod image untag 0e3bbc2\n"
		    "cpod image untag imageID:latest otherImageName:latest\n"
		    "cpod image untag httpd myregistryhost:5000/fedora/httpd:v2",
	.min_args = 1,
	.max_args = -1,
	.flags = CLI_NEEDS_ENGINE,
	.run = untag_run,
};
