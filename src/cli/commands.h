/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_COMMANDS_H
#define CPOD_CLI_COMMANDS_H

/* Every verb, defined in src/cli/<group>/<verb>.c and listed in commands.c. */
#include "cli.h"

/* system */
extern const struct cli_command cmd_system_version;
extern const struct cli_command cmd_help;

#endif
