/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod unmount [options] CONTAINER [...]` (alias umount): drop mounts made by `cpod mount`. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "util/json.h"
#include "banned.h"

struct unmount_opts {
	bool all;
	bool force;
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

static int unmount_one(struct cli_ctx *ctx, const char *key, bool force)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *id = NULL;
	if (container_unmount(ctx->engine, key, force, &id, &err) < 0)
		return cli_error(ctx, err);
	printf("%s\n", key); /* Podman prints the name or ID as given */
	return 0;
}

static int unmount_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct unmount_opts *o = opts_;
	if (o->all && argc > 0)
		return cli_errorf(ctx, "no arguments are needed with --all");
	if (argc == 0 && !o->all)
		return cli_errorf(ctx, "you must provide at least one name or id");
	int rc = 0;
	if (o->all) {
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_json_ json_t *list = NULL;
		if (container_mount_list(ctx->engine, &list, &err) < 0)
			return cli_error(ctx, err);
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v)
		{
			int r = unmount_one(ctx, json_string_value(json_object_get(v, "ID")),
			                    o->force);
			if (r)
				rc = r;
		}
		return rc;
	}
	for (int i = 0; i < argc; i++) {
		int r = unmount_one(ctx, argv[i], o->force);
		if (r)
			rc = r;
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
