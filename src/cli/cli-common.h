/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_COMMON_H
#define CPOD_CLI_COMMON_H

/* Small helpers that several verbs of different groups share: prompts, output files, lists. */
#include <stdbool.h>

#include "cli/cli.h"

/* --filter of the prune verbs (a string array field of st) */
#define CLI_OPT_PRUNE_FILTER(st, field)                                                            \
	CLI_STRING_ARRAY("filter", 0, st, field,                                                   \
	                 "Provide filter values (e.g. 'label=<key>=<value>')")

/*
 * Podman's prune prompt: print warning and a newline (when warning is not NULL), then "Are
 * you sure you want to continue? [y/N] ", and read one line from stdin. True for a yes: the
 * line is "y" or "Y" (its "\r\n" ignored), or with any_y, merely begins with one.
 */
bool cli_confirm(const char *warning, bool any_y);

/* Print every string of v on a line of its own (the IDs or names a verb removed). */
void cli_print_lines(char *const *v);

/*
 * Where an export writes: the file path (created or truncated, mode 0644) as an owned fd in
 * *ret_fd, or stdout (*ret_fd = -1) when path is NULL, empty or equal to stdout_alias (NULL:
 * none). Returns 0, or prints the error and returns the exit code: "open PATH: cause", or
 * tty_error when the output would be the terminal.
 */
int cli_open_output(struct cli_ctx *ctx, const char *path, const char *stdout_alias,
                    const char *tty_error, int *ret_fd);

#endif
