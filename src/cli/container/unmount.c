/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod unmount [options] CONTAINER [...]` (alias umount): drop mounts made by `cpod mount`. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "banned.h"

struct unmount_opts {
	bool all;
	bool force;
	bool latest;
};

static const struct cli_option unmount_options[] = {
        CLI_BOOL("all", 'a', struct unmount_opts, all,
                 "Umount all of the currently mounted "
                 "containers"),
        CLI_BOOL("force", 'f', struct unmount_opts, force,
                 "Force the complete umount of the "
                 "specified mounted containers"),
        CLI_OPT_END,
};

static const char *const unmount_aliases[] = {"umount", NULL};

static int unmount_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct unmount_opts *o = opts_;
	if (argc == 0 && !o->all)
		return cli_errorf(ctx,
		                  "when using the --all switch, you may not pass any container "
		                  "IDs");
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_free_ char *id = NULL;
		if (container_unmount(ctx->engine, argv[i], o->force, &id, &err) < 0) {
			rc = cli_error(ctx, err);
			continue;
		}
		printf("%s\n", argv[i]); /* Podman prints the name or ID as given */
	}
	return rc;
}

const struct cli_command cmd_container_unmount = {
        .name = "unmount",
        .aliases = unmount_aliases,
        .short_help = "Unmount working container's root filesystem",
        .long_help =
                "Container storage increments a mount counter each time a container is "
                "mounted.\n\n  When a container is unmounted, the mount counter is decremented. "
                "The container's root filesystem is physically unmounted only when the mount "
                "counter reaches zero indicating no other processes are using the mount.\n\n  "
                "An unmount can be forced with the --force flag.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod unmount ctrID\ncpod unmount ctrID1 ctrID2 ctrID3\ncpod unmount --all",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = unmount_options,
        .opts_size = sizeof(struct unmount_opts),
        .run = unmount_run,
};
