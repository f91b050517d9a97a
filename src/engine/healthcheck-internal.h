/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_HEALTHCHECK_INTERNAL_H
#define CPOD_ENGINE_HEALTHCHECK_INTERNAL_H

/* Shared by healthcheck-*.c. */
#include <stdbool.h>
#include <stdint.h>

#include "engine/healthcheck.h"

/* What one run of the check gave. */
struct healthcheck_exec_result {
	int exit_code;     /* the process's; meaningless when timed_out */
	bool timed_out;    /* killed after the timeout */
	char *output;      /* stdout and stderr, at most HEALTHCHECK_MAX_OUTPUT bytes (owned) */
	size_t output_len; /* output may hold NUL bytes */
};
void healthcheck_exec_result_release(struct healthcheck_exec_result *r);

/*
 * Run cmd in the running container id through an exec session, with stdout and stderr
 * captured, and kill the process (and its descendants) once timeout_ns has passed.
 * Errors: those of container_exec() (CPOD_ENOTFOUND_CMD and CPOD_ECANNOT_INVOKE when the
 * command cannot run).
 */
int healthcheck_exec(struct engine *e, const char *id, char *const *cmd, int64_t timeout_ns,
                     struct healthcheck_exec_result *ret, struct cpod_error **err);

/*
 * s as Go's json.Marshal keeps it: every byte that is not part of valid UTF-8 becomes U+FFFD.
 * Owned, NUL-terminated; *ret_len its length.
 */
char *utf8_sanitize(const char *s, size_t len, size_t *ret_len);

/* Go's Duration.String(): "30s", "1m30s", "1h0m0s", "500ms", "1.5µs", "0s" (owned). */
char *go_duration_string(int64_t ns);

/* run_root/containers/<id>/userdata/<name> (owned). */
char *healthcheck_run_file(struct engine *e, const char *id, const char *name);

#endif
