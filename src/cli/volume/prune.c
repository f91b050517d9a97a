/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume prune`: remove unused volumes, after a confirmation unless -f. */
#include <stdio.h>

#include "cli/cli-common.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/volume.h"
#include "util/strv.h"
#include "banned.h"

struct prune_opts {
	char **filter;
	bool force;
};

static const struct cli_option prune_options[] = {
        CLI_OPT_PRUNE_FILTER(struct prune_opts, filter),
        CLI_BOOL("force", 'f', struct prune_opts, force, "Do not prompt for confirmation"),
        CLI_OPT_END,
};

static int prune_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct prune_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (!o->force) {
		/* list what would go, as Podman does, then ask */
		_cleanup_strv_free_ char **f = strv_copy(o->filter ? o->filter : (char *[]){NULL});
		strv_push(&f, "dangling=true");
		struct volume **v = NULL;
		size_t n = 0;
		if (volume_list(ctx->engine, f, &v, &n, &err) < 0)
			return cli_error(ctx, err);
		if (n == 0) {
			volume_list_free(v, n);
			return 0;
		}
		printf("WARNING! This will remove all volumes not used by at least one container. "
		       "The following volumes will be removed:\n");
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i]->name);
		volume_list_free(v, n);
		if (!cli_confirm(NULL, false))
			return 0;
	}
	_cleanup_strv_free_ char **removed = NULL;
	if (volume_prune(ctx->engine, o->filter, &removed, &err) < 0)
		return cli_error(ctx, err);
	cli_print_lines(removed);
	return 0;
}

const struct cli_command cmd_volume_prune = {
        .name = "prune",
        .short_help = "Remove all unused volumes",
        .long_help = "Volumes that are not currently owned by a container will be removed.\n\n"
                     "  The command prompts for confirmation which can be overridden with the "
                     "--force flag.\n  Note all data will be destroyed.",
        .usage = "[options]",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = prune_options,
        .opts_size = sizeof(struct prune_opts),
        .run = prune_run,
};
