/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_COMMANDS_H
#define CPOD_CLI_COMMANDS_H

/* Every verb, defined in src/cli/<group>/<verb>.c and listed in commands.c. */
#include "cli.h"

/* container */
extern const struct cli_command cmd_container_attach;
extern const struct cli_command cmd_container_cleanup;
extern const struct cli_command cmd_container_healthcheck_loop;
extern const struct cli_command cmd_healthcheck_run;
extern const struct cli_command cmd_container_commit;
extern const struct cli_command cmd_container_cp;
extern const struct cli_command cmd_container_create;
extern const struct cli_command cmd_container_diff;
extern const struct cli_command cmd_container_exec;
extern const struct cli_command cmd_container_exists;
extern const struct cli_command cmd_container_export;
extern const struct cli_command cmd_container_init;
extern const struct cli_command cmd_container_inspect;
extern const struct cli_command cmd_container_kill;
extern const struct cli_command cmd_container_logs;
extern const struct cli_command cmd_container_mount;
extern const struct cli_command cmd_container_port;
extern const struct cli_command cmd_container_prune;
extern const struct cli_command cmd_container_ps;
extern const struct cli_command cmd_container_rename;
extern const struct cli_command cmd_container_restart;
extern const struct cli_command cmd_container_rm;
extern const struct cli_command cmd_container_run;
extern const struct cli_command cmd_container_start;
extern const struct cli_command cmd_container_stop;
extern const struct cli_command cmd_container_pause;
extern const struct cli_command cmd_container_unpause;
extern const struct cli_command cmd_container_stats;
extern const struct cli_command cmd_container_top;
extern const struct cli_command cmd_container_update;
extern const struct cli_command cmd_container_unmount;
extern const struct cli_command cmd_container_wait;
extern const struct cli_command cmd_inspect;

/* image */
extern const struct cli_command cmd_diff;
extern const struct cli_command cmd_image_diff;
extern const struct cli_command cmd_image_exists;
extern const struct cli_command cmd_image_history;
extern const struct cli_command cmd_image_import;
extern const struct cli_command cmd_image_inspect;
extern const struct cli_command cmd_image_list;
extern const struct cli_command cmd_image_load;
extern const struct cli_command cmd_image_pull;
extern const struct cli_command cmd_image_push;
extern const struct cli_command cmd_image_search;
extern const struct cli_command cmd_login;
extern const struct cli_command cmd_logout;
extern const struct cli_command cmd_image_prune;
extern const struct cli_command cmd_image_rm;
extern const struct cli_command cmd_image_save;
extern const struct cli_command cmd_image_tag;
extern const struct cli_command cmd_image_tree;
extern const struct cli_command cmd_image_untag;

/* manifest */
extern const struct cli_command cmd_manifest_add;
extern const struct cli_command cmd_manifest_annotate;
extern const struct cli_command cmd_manifest_create;
extern const struct cli_command cmd_manifest_exists;
extern const struct cli_command cmd_manifest_inspect;
extern const struct cli_command cmd_manifest_push;
extern const struct cli_command cmd_manifest_remove;
extern const struct cli_command cmd_manifest_rm;

/* network */
extern const struct cli_command cmd_network_connect;
extern const struct cli_command cmd_network_create;
extern const struct cli_command cmd_network_disconnect;
extern const struct cli_command cmd_network_exists;
extern const struct cli_command cmd_network_inspect;
extern const struct cli_command cmd_network_ls;
extern const struct cli_command cmd_network_prune;
extern const struct cli_command cmd_network_reload;
extern const struct cli_command cmd_network_rm;

/* system */
extern const struct cli_command cmd_system_version;
extern const struct cli_command cmd_system_info;
extern const struct cli_command cmd_help;

/* volume */
extern const struct cli_command cmd_volume_create;
extern const struct cli_command cmd_volume_exists;
extern const struct cli_command cmd_volume_export;
extern const struct cli_command cmd_volume_import;
extern const struct cli_command cmd_volume_inspect;
extern const struct cli_command cmd_volume_ls;
extern const struct cli_command cmd_volume_prune;
extern const struct cli_command cmd_volume_rm;

#endif
