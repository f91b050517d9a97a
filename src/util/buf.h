/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_BUF_H
#define CPOD_BUF_H

/*
 * A growable byte buffer, always NUL-terminated (git's strbuf, curl's dynbuf).
 * `max` caps the size (0 = no cap): appends past it fail with -E2BIG and leave the buffer as
 * it was, so that data read from the network or disk stays bounded.
 * Initialise with BUF_INIT or buf_init(); release with buf_release(); buf_take() hands the
 * string to the caller (free it with free()) and resets the buffer.
 */
#include <stdarg.h>
#include <stddef.h>

#include "cleanup.h"

struct buf {
	char *data; /* NULL until something is appended */
	size_t len;
	size_t cap;
	size_t max; /* 0: unlimited */
};

#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Always returns a valid C string ("" when empty); owned by the buffer. */
const char *buf_str(const struct buf *b);
/* Returns the owned string ("" when empty) and resets the buffer. */
char *buf_take(struct buf *b);

static inline void buf_releasep(struct buf *b)
{
	buf_release(b);
}
#define _cleanup_buf_ _cleanup_(buf_releasep)

#endif
