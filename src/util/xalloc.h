/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_XALLOC_H
#define CPOD_XALLOC_H

/*
 * Allocation that aborts on OOM, so that error paths are kept for real errors
 * (crun's xmalloc, git's wrapper.c). Everything returned is freed with free().
 */
#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* xstrdup(NULL) would crash; this returns NULL for NULL */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#define xnew(type, n) ((type *)xcalloc((n), sizeof(type)))

#endif
