/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod mount [options] [CONTAINER...]`: mount containers' root file systems, or list them. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "engine/copy.h"
#include "util/json.h"
#include "util/strv.h"
#include "banned.h"

struct mount_opts {
	bool all;
	char *format;
	bool no_trunc;
};

static const struct cli_option mount_options[] = {
        CLI_BOOL("all", 'a', struct mount_opts, all, "Mount all containers"),
        CLI_STRING("format", 0, struct mount_opts, format,
                   "Print the mounted containers in "
                   "specified format (json)"),
        CLI_BOOL("no-trunc", 0, struct mount_opts, no_trunc, "Do not truncate output"),
        CLI_OPT_END,
};

static int list_mounts(struct cli_ctx *ctx, const struct mount_opts *o)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *list = NULL;
	if (container_mount_list(ctx->engine, &list, &err) < 0)
		return cli_error(ctx, err);
	size_t i;
	json_t *v;
	if (o->format && strcmp(o->format, "json") == 0) {
		/* Podman's keys: "id", "Names", "mountpoint" */
		_cleanup_json_ json_t *out = json_array();
		json_array_foreach(list, i, v)
		{
			json_t *r = json_object();
			json_object_set(r, "id", json_object_get(v, "ID"));
			json_object_set(r, "Names", json_object_get(v, "Names"));
			json_object_set(r, "mountpoint", json_object_get(v, "Path"));
			json_array_append_new(out, r);
		}
		cli_print_json(stdout, out);
		return 0;
	}
	if (o->format && *o->format)
		return cli_errorf(ctx, "unknown --format argument: %s", o->format);
	json_array_foreach(list, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "ID"));
		printf("%.*s  %s\n", o->no_trunc ? 64 : 12, id,
		       json_string_value(json_object_get(v, "Path")));
	}
	return 0;
}

static int mount_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct mount_opts *o = opts_;
	if (argc == 0 && !o->all)
		return list_mounts(ctx, o);
	if (o->all && argc > 0)
		return cli_errorf(ctx, "--all and containers cannot be given together");
	_cleanup_strv_free_ char **keys = NULL;
	if (o->all) {
		_cleanup_error_ struct cpod_error *err = NULL;
		struct container **v = NULL;
		size_t n = 0;
		if (container_list(ctx->engine, &v, &n, &err) < 0)
			return cli_error(ctx, err);
		for (size_t i = 0; i < n; i++)
			strv_push(&keys, v[i]->config.id);
		container_list_free(v, n);
		argv = keys;
		argc = (int)strv_length(keys);
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_free_ char *path = NULL;
		if (container_mount(ctx->engine, argv[i], &path, NULL, &err) < 0) {
			rc = cli_error(ctx, err);
			continue;
		}
		printf("%s\n", path);
	}
	return rc;
}

const struct cli_command cmd_container_mount = {
        .name = "mount",
        .short_help = "Mount a working container's root filesystem",
        .long_help = "cpod mount\n    Lists all mounted containers mount points if no container "
                     "is specified\n\n  cpod mount CONTAINER-NAME-OR-ID\n    Mounts the specified "
                     "container and outputs the mountpoint",
        .usage = "[options] [CONTAINER...]",
        .examples = "cpod mount\ncpod mount CONTAINER\ncpod mount --format=json",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = mount_options,
        .opts_size = sizeof(struct mount_opts),
        .run = mount_run,
};
