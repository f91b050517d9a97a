/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_STRV_H
#define CPOD_STRV_H

/*
 * NULL-terminated arrays of owned strings (char **). strv_free(NULL) is fine and returns NULL.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

char **strv_free(char **v);
size_t strv_length(char *const *v);
/* Append a copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
/* Append s, taking ownership of it. */
void strv_consume(char ***v, char *s);
/* Remove every entry equal to s; returns how many were removed. */
size_t strv_remove(char **v, const char *s);
bool strv_contains(char *const *v, const char *s);
char **strv_copy(char *const *v);
/* Split s at every occurrence of any character in sep; empty fields are kept. */
char **strv_split(const char *s, const char *sep);
/* Join with sep; returns an owned string ("" for an empty array). */
char *strv_join(char *const *v, const char *sep);

static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

#define STRV_FOREACH(s, v) for (char **s = (v); s && *s; s++)

#endif
