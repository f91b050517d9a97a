/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_CREATE_MAP_H
#define CPOD_CLI_CREATE_MAP_H

/* The slot flags of create/run that map onto the engine's options (create-map.c). */
#include "cli/container/create-opts.h"

/* Whether a slot flag is implemented (and so never refused as "not supported yet"). */
bool create_flag_handled(const char *name);

/* Fill networking and mount fields of c and the isolation options iso (which c points to). */
void create_map_extra(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                      struct container_create_opts *c, struct isolation_opts *iso);

#endif
