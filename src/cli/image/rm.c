/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod rmi` / `cpod image rm`: exit 1 for an unknown image, 2 for one in use (podman-rmi(1)). */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/image.h"
#include "util/strv.h"
#include "banned.h"

struct rm_opts {
	bool all, force, ignore, no_prune;
};

static const struct cli_option rm_options[] = {
	CLI_BOOL("all", 'a', struct rm_opts, all, "Remove all images"),
	CLI_BOOL("force", 'f', struct rm_opts, force,
		 "Force Removal of the image"),
	CLI_BOOL("ignore", 'i', struct rm_opts, ignore,
		 "Ignore errors if a specified image does not exist"),
	CLI_BOOL("no-prune", 0, struct rm_opts, no_prune, "Do not remove dangling images"),
	CLI_OPT_END,
};

static int rm_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct rm_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_remove_report rep;

	if (opts->all == (argc > 0))
		return cli_errorf(ctx, opts->all ? "when using the --all switch, you may not pass "
						   "any images names or IDs"
						 : "image name or ID must be specified");
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	struct image_remove_opts ro = {.force = opts->force, .all = opts->all,
				       .ignore = opts->ignore || opts->force};
	/* Podman: --force also ignores images that do not exist (exit 0) */
	image_remove(s, argv, &ro, &rep);
	STRV_FOREACH(u, rep.untagged)
		printf("Untagged: %s\n", *u);
	STRV_FOREACH(d, rep.deleted)
		printf("Deleted: %s\n", *d);
	fflush(stdout);
	int exit_code = 0;
	if (rep.n_errors == 1) {
		cli_error(ctx, rep.errors[0]);
	} else if (rep.n_errors > 1) {
		fprintf(stderr, "Error: %zu errors occurred:\n", rep.n_errors);
		for (size_t i = 0; i < rep.n_errors; i++)
			fprintf(stderr, "\t* %s\n", rep.errors[i]->msg);
	}
	/* Podman: the last unknown/in-use error decides 1 or 2; anything else is 125 */
	for (size_t i = 0; i < rep.n_errors; i++) {
		int c = rep.errors[i]->code;
		if (c == ENOENT)
			exit_code = 1;
		else if (c == EBUSY)
			exit_code = 2;
		else {
			exit_code = 125;
			break;
		}
	}
	image_remove_report_release(&rep);
	return exit_code;
}

static const char *const rm_aliases[] = {"remove", NULL};

const struct cli_command cmd_image_rm = {
	.name = "rm",
	.aliases = rm_aliases,
	.short_help = "Remove one or more images from local storage",
	.long_help = "Removes one or more previously pulled or locally created images.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "cpod image rm c4dfb1609ee2 93fd78260bd1 c0ed59d05ff7\n"
		    "cpod image rm --all\ncpod image rm --force alpine",
	.min_args = 0,
	.max_args = -1,
	.flags = CLI_NEEDS_ENGINE,
	.options = rm_options,
	.opts_size = sizeof(struct rm_opts),
	.run = rm_run,
};
