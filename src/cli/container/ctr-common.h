/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_CTR_COMMON_H
#define CPOD_CLI_CTR_COMMON_H

/*
 * Helpers shared by the container verbs: Podman's argument checks for --all/--latest, the
 * list of containers a verb acts on, and printing several errors the way Podman's
 * errorhandling.PrintErrors does.
 */
#include <stdbool.h>

#include "cli/cli.h"
#include "util/error.h"

struct engine;

/* -l/--latest of the container verbs (a bool field of st) */
#define CTR_OPT_LATEST(st, field)                                                                  \
	CLI_BOOL("latest", 'l', st, field, "Act on the latest container cpod is aware of")

/* --cidfile of stop, restart, kill and rm (a string array field of st) */
#define CTR_OPT_CIDFILE(st, field)                                                                 \
	CLI_STRING_ARRAY("cidfile", 0, st, field, "Read the container ID from the file")

/* -t/--time of stop, restart and rm: a uint field of st, Podman's default shown as 10. */
#define CTR_OPT_STOP_TIME(st, field)                                                               \
	{                                                                                          \
		.long_name = "time", .short_name = 't', .type = CLI_OPT_UINT,                      \
		.offset = offsetof(st, field), .arg_name = "uint",                                 \
		.help = "Seconds to wait for stop before killing the container", .def_help = "10"  \
	}

/*
 * Podman's checkAllLatestAndIDFile: "no arguments are needed with --all", "--latest and
 * containers cannot be used together", or none_msg when there is nothing to act on. Prints
 * the error and returns 125, or 0 when the arguments are fine.
 */
int ctr_check_args(struct cli_ctx *ctx, int argc, bool all, bool latest, const char *none_msg);

/*
 * The keys a verb acts on: argv itself, or every container's ID (all; only those whose
 * status bit is in status_mask when it is not 0), or the newest container's ID (latest).
 * Returns an owned strv (possibly empty) or NULL with *err set.
 */
char **ctr_targets(struct engine *e, int argc, char **argv, bool all, bool latest,
                   unsigned status_mask, struct cpod_error **err);

/*
 * Resolve every key before acting on any, as Podman does for stop, rm and wait. Returns 0, or
 * the first lookup error in *err (ENOENT for an unknown container). With ignore_missing,
 * unknown keys are dropped from *keys instead.
 */
int ctr_lookup_all(struct engine *e, char ***keys, bool ignore_missing, struct cpod_error **err);

/*
 * Collect errors of a multi-container verb: every error but the last is printed at once as
 * "Error: ..." (Podman's PrintErrors), the last one is kept for the exit code.
 */
struct ctr_errors {
	struct cpod_error *last;
};
void ctr_errors_add(struct ctr_errors *errs, struct cpod_error **err);
/* Print the last error and return its exit code (125 by default), or 0 when there was none. */
int ctr_errors_finish(struct cli_ctx *ctx, struct ctr_errors *errs);

/* An engine call on one container; arg is the verb's own (a stop timeout, a signal). */
typedef int (*ctr_action_fn)(struct engine *e, const char *key, int arg, struct cpod_error **err);

/*
 * Call fn(e, key, arg) for every key in turn: the key is printed when it succeeds, the errors
 * are collected as ctr_errors_add() does. Returns the exit code (ctr_errors_finish()).
 */
int ctr_apply(struct cli_ctx *ctx, char **keys, ctr_action_fn fn, int arg);

/* The signal for -s/--signal (Podman: "invalid signal: X"). */
int ctr_parse_signal(const char *s, int *ret, struct cpod_error **err);

#endif
