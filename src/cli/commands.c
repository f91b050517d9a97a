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

static const struct cli_command *const image_verbs[] = {
	&cmd_image_exists,
	&cmd_image_history,
	&cmd_image_import,
	&cmd_image_inspect,
	&cmd_image_list,
	&cmd_image_load,
	&cmd_image_prune,
	&cmd_image_rm,
	&cmd_image_save,
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

static const struct cli_command *const network_verbs[] = {
	&cmd_network_create,
	&cmd_network_exists,
	&cmd_network_inspect,
	&cmd_network_ls,
	&cmd_network_prune,
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
	&cmd_help,
	&cmd_image,
	ALIAS("history", cmd_image_history),
	ALIAS("images", cmd_image_list),
	ALIAS("import", cmd_image_import),
	ALIAS("info", cmd_system_info),
	ALIAS("load", cmd_image_load),
	&cmd_network,
	ALIAS("rmi", cmd_image_rm),
	ALIAS("save", cmd_image_save),
	&cmd_system,
	ALIAS("tag", cmd_image_tag),
	ALIAS("untag", cmd_image_untag),
	ALIAS("version", cmd_system_version),
	&cmd_volume,
	NULL,
};

const struct cli_command cli_root_command = {
	.name = "cpod",
	.short_help = "Manage pods, containers and images",
	.flags = CLI_NO_INTERSPERSE,
	.subcommands = root_commands,
};
