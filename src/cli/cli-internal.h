/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_INTERNAL_H
#define CPOD_CLI_INTERNAL_H

/* Shared between the CLI framework files (main.c, options.c, help.c, commands.c). */
#include "cli.h"

extern const struct cli_option cli_global_options[];
extern const struct cli_command cli_root_command;

/* Free the arrays a parse allocated in opts. */
void cli_opts_release(const struct cli_option *table, void *opts);

/* Find a child of a group by name or alias; NULL if none. */
const struct cli_command *cli_find_subcommand(const struct cli_command *group, const char *name);

#endif
