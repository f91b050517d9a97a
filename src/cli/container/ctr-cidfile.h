/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_CTR_CIDFILE_H
#define CPOD_CLI_CTR_CIDFILE_H

/* --cidfile of stop, rm, kill and restart: the containers named by ID files (ctr-cidfile.c). */
#include <stdbool.h>

#include "cli/cli.h"

/*
 * With cidfiles (NULL: nothing to do, returns 0 and leaves *ret_ids NULL): refuse --all,
 * --latest and arguments as Podman does, then read the first line of every file into
 * *ret_ids (owned strv). Returns 0, or the exit code after printing the error
 * ("reading CIDFile: open PATH: no such file or directory").
 */
int ctr_cidfile_args(struct cli_ctx *ctx, char *const *cidfiles, bool all, bool latest, int argc,
                     char ***ret_ids);

/*
 * The containers a stop/kill/restart/rm-style verb acts on: IDs from --cidfile files or the
 * arguments, Podman's --all/--latest checks, then the matching containers (status_mask as in
 * ctr_targets). Returns 0 with *ret_keys set, or the exit code after printing the error.
 */
int ctr_resolve_targets(struct cli_ctx *ctx, char *const *cidfiles, bool all, bool latest,
                        int argc, char **argv, unsigned status_mask, char ***ret_keys);

#endif
