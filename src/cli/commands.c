/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command tree: groups with their verbs, and Podman's top-level aliases (`images` for
 * `image list`, `rmi` for `image rm`, ...). Top-level entries are kept in Podman's
 * alphabetical order, which is also the order of `cpod --help`.
 */
#include <stddef.h>

#include "cli-internal.h"
#include "commands.h"

#define ALIAS(n, target) (&(const struct cli_command){.name = (n), .alias_of = &(target)})

static const struct cli_command *const container_verbs[] = {
	&cmd_container_attach,
	&cmd_container_cleanup,
	&cmd_container_commit,
	&cmd_container_cp,
	&cmd_container_create,
	&cmd_container_diff,
	&cmd_container_exec,
	&cmd_container_exists,
	&cmd_container_export,
	&cmd_container_healthcheck_loop,
	&cmd_container_init,
	&cmd_container_inspect,
	&cmd_container_kill,
	&cmd_container_logs,
	&cmd_container_mount,
	&cmd_container_pause,
	&cmd_container_port,
	&cmd_container_prune,
	&cmd_container_ps,
	&cmd_container_rename,
	&cmd_container_restart,
	&cmd_container_rm,
	&cmd_container_run,
	&cmd_container_start,
	&cmd_container_stats,
	&cmd_container_stop,
	&cmd_container_top,
	&cmd_container_unmount,
	&cmd_container_unpause,
	&cmd_container_update,
	&cmd_container_wait,
	NULL,
};

static const struct cli_command cmd_container = {
	.name = "container",
	.short_help = "Manage containers",
	.subcommands = container_verbs,
};

static const struct cli_command *const healthcheck_verbs[] = {
	&cmd_healthcheck_run,
	NULL,
};

static const struct cli_command cmd_healthcheck = {
	.name = "healthcheck",
	.short_help = "Manage health checks on containers",
	.subcommands = healthcheck_verbs,
};

static const struct cli_command *const image_verbs[] = {
	&cmd_image_diff,
	&cmd_image_exists,
	&cmd_image_history,
	&cmd_image_import,
	&cmd_image_inspect,
	&cmd_image_list,
	&cmd_image_load,
	&cmd_image_prune,
	&cmd_image_pull,
	&cmd_image_push,
	&cmd_image_rm,
	&cmd_image_save,
	&cmd_image_search,
	&cmd_image_tag,
	&cmd_image_tree,
	&cmd_image_untag,
	NULL,
};

static const struct cli_command cmd_image = {
	.name = "image",
	.short_help = "Manage images",
	.subcommands = image_verbs,
};

static const struct cli_command *const manifest_verbs[] = {
	&cmd_manifest_add,
	&cmd_manifest_annotate,
	&cmd_manifest_create,
	&cmd_manifest_exists,
	&cmd_manifest_inspect,
	&cmd_manifest_push,
	&cmd_manifest_remove,
	&cmd_manifest_rm,
	NULL,
};

static const struct cli_command cmd_manifest = {
	.name = "manifest",
	.short_help = "Manipulate manifest lists and image indexes",
	.subcommands = manifest_verbs,
};

static const struct cli_command *const network_verbs[] = {
	&cmd_network_connect,
	&cmd_network_create,
	&cmd_network_disconnect,
	&cmd_network_exists,
	&cmd_network_inspect,
	&cmd_network_ls,
	&cmd_network_prune,
	&cmd_network_reload,
	&cmd_network_rm,
	NULL,
};

static const struct cli_command cmd_network = {
	.name = "network",
	.short_help = "Manage networks",
	.subcommands = network_verbs,
};

static const struct cli_command *const system_verbs[] = {
	&cmd_system_info,
	&cmd_system_version,
	NULL,
};

static const struct cli_command cmd_system = {
	.name = "system",
	.short_help = "Manage cpod",
	.subcommands = system_verbs,
};

static const struct cli_command *const volume_verbs[] = {
	&cmd_volume_create,
	&cmd_volume_exists,
	&cmd_volume_export,
	&cmd_volume_import,
	&cmd_volume_inspect,
	&cmd_volume_ls,
	&cmd_volume_prune,
	&cmd_volume_rm,
	NULL,
};

static const struct cli_command cmd_volume = {
	.name = "volume",
	.short_help = "Manage volumes",
	.subcommands = volume_verbs,
};

static const struct cli_command *const root_commands[] = {
	ALIAS("attach", cmd_container_attach),
	ALIAS("commit", cmd_container_commit),
	&cmd_container,
	ALIAS("cp", cmd_container_cp),
	ALIAS("create", cmd_container_create),
	&cmd_diff,
	ALIAS("exec", cmd_container_exec),
	ALIAS("export", cmd_container_export),
	&cmd_healthcheck,
	&cmd_help,
	ALIAS("history", cmd_image_history),
	&cmd_image,
	ALIAS("images", cmd_image_list),
	ALIAS("import", cmd_image_import),
	ALIAS("info", cmd_system_info),
	ALIAS("init", cmd_container_init),
	&cmd_inspect,
	ALIAS("kill", cmd_container_kill),
	ALIAS("load", cmd_image_load),
	&cmd_login,
	&cmd_logout,
	ALIAS("logs", cmd_container_logs),
	&cmd_manifest,
	ALIAS("mount", cmd_container_mount),
	&cmd_network,
	ALIAS("pause", cmd_container_pause),
	ALIAS("port", cmd_container_port),
	ALIAS("ps", cmd_container_ps),
	ALIAS("pull", cmd_image_pull),
	ALIAS("push", cmd_image_push),
	ALIAS("rename", cmd_container_rename),
	ALIAS("restart", cmd_container_restart),
	ALIAS("rm", cmd_container_rm),
	ALIAS("rmi", cmd_image_rm),
	ALIAS("run", cmd_container_run),
	ALIAS("save", cmd_image_save),
	ALIAS("search", cmd_image_search),
	ALIAS("start", cmd_container_start),
	ALIAS("stats", cmd_container_stats),
	ALIAS("stop", cmd_container_stop),
	&cmd_system,
	ALIAS("tag", cmd_image_tag),
	ALIAS("top", cmd_container_top),
	ALIAS("umount", cmd_container_unmount),
	ALIAS("unmount", cmd_container_unmount),
	ALIAS("unpause", cmd_container_unpause),
	ALIAS("untag", cmd_image_untag),
	ALIAS("update", cmd_container_update),
	ALIAS("version", cmd_system_version),
	&cmd_volume,
	ALIAS("wait", cmd_container_wait),
	NULL,
};

const struct cli_command cli_root_command = {
	.name = "cpod",
	.short_help = "Manage pods, containers and images",
	.flags = CLI_NO_INTERSPERSE,
	.subcommands = root_commands,
};
