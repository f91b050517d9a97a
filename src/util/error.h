/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ERROR_H
#define CPOD_ERROR_H

/*
 * The error object used at every boundary that can add context (see docs/errors.md).
 *
 * A function that can fail with context takes `struct cpod_error **err` as its last
 * parameter. On failure it returns a negative value (or NULL) and stores a new error in
 * *err; on success it never touches *err. Messages are lowercase, without a trailing
 * period, and chain as "context: cause", which is what Podman prints after "Error: ".
 *
 * `code` is an errno value (ENOENT, EEXIST, EINVAL, ...). cli/ maps it to an exit code,
 * api/ to an HTTP status. CPOD_E* below are extra codes for causes errno cannot name.
 */
#include <stdarg.h>

#include "cleanup.h"

enum {
	/* the container's command was not found (exit 127) */
	CPOD_ENOTFOUND_CMD = 1000,
	/* the container's command could not be invoked (exit 126) */
	CPOD_ECANNOT_INVOKE = 1001,
};

struct cpod_error {
	int code;  /* errno value or CPOD_E* */
	char *msg; /* owned */
};

/*
 * Store a new error in *err (if err is not NULL and *err is empty) and return -code.
 * code must be positive. If *err already holds an error, the first one wins.
 */
int cpod_error_set(struct cpod_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cpod_error_setv(struct cpod_error **err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * The text of an errno value as Go (and so Podman) prints it: strerror with a lowercase first
 * letter ("no such file or directory"). Written into buf, which is returned.
 */
const char *errno_string(int code, char buf[static 128]);

/* Like cpod_error_set, appending ": " and errno_string(code) to the message. */
int cpod_error_set_errno(struct cpod_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Prefix context to the error already in *err: "ctx: old message". Returns -code of that
 * error (or -EIO if *err is empty, which is a bug in the caller).
 */
int cpod_error_wrap(struct cpod_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free an error; accepts NULL, returns NULL. */
struct cpod_error *cpod_error_free(struct cpod_error *e);

/* Move the error from *src to *dst (freeing whatever *dst held when dst is NULL-safe). */
void cpod_error_move(struct cpod_error **dst, struct cpod_error **src);

static inline void cpod_error_freep(struct cpod_error **e)
{
	if (*e)
		cpod_error_free(*e);
}
#define _cleanup_error_ _cleanup_(cpod_error_freep)

#endif
