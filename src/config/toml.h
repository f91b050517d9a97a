/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TOML_H
#define CPOD_TOML_H

/*
 * A TOML 1.0 parser (https://toml.io/en/v1.0.0) producing a small tree of struct toml_value.
 *
 * The whole document is parsed at once into a root table; tables keep their keys in document
 * order. Integers and floats stay distinct; date-times keep their original text and carry
 * one of four types. Everything the spec calls invalid is rejected (duplicate keys, tables
 * defined twice, extending inline tables, bad escapes, leading zeros, integer overflow,
 * control characters, invalid UTF-8), with a message of the form
 * "line 12, column 5: duplicate key \"runtime\"" (callers prepend the file name).
 * Columns count Unicode code points from 1.
 *
 * Input is bounded: TOML_MAX_INPUT bytes and TOML_MAX_DEPTH levels of nesting (tables,
 * arrays and inline tables counted together), so that hostile input cannot exhaust the
 * stack or memory.
 *
 * Every value is owned by its parent; only the root is freed, with toml_free().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cleanup.h"

struct cpod_error;

#define TOML_MAX_INPUT (1024 * 1024)
#define TOML_MAX_DEPTH 128

enum toml_type {
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_OFFSET_DATETIME, /* 1979-05-27T07:32:00Z, 1979-05-27 00:32:00-07:00 */
	TOML_LOCAL_DATETIME,  /* 1979-05-27T07:32:00 */
	TOML_LOCAL_DATE,      /* 1979-05-27 */
	TOML_LOCAL_TIME,      /* 07:32:00.999 */
	TOML_ARRAY,
	TOML_TABLE,
	_TOML_TYPE_MAX,
	_TOML_TYPE_INVALID = -22,
};

struct toml_value;

/*
 * Parse a TOML document of len bytes (need not be NUL-terminated). On success stores the
 * root table in *ret (free with toml_free()) and returns 0. On failure returns -EINVAL
 * (syntax or semantic error, message with line and column) or -EFBIG (input larger than
 * TOML_MAX_INPUT) and fills *err.
 */
int toml_parse(const char *data, size_t len, struct toml_value **ret, struct cpod_error **err);

/* Free a tree (only the root is freed by callers). Accepts NULL, returns NULL. */
struct toml_value *toml_free(struct toml_value *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct toml_value *, toml_free)
#define _cleanup_toml_ _cleanup_(toml_freep)

/* "string", "integer", "float", "boolean", "datetime", ..., "array", "table". */
const char *toml_type_name(enum toml_type t);

enum toml_type toml_type(const struct toml_value *v);
/* Where the value starts in the document (1-based; the key for tables made by headers). */
unsigned toml_line(const struct toml_value *v);
unsigned toml_column(const struct toml_value *v);

/*
 * Scalar accessors: return the value if v has the right type, otherwise the fallback
 * (NULL, 0, false). Strings are NUL-terminated; toml_string_len() gives the length, since
 * a TOML string may contain U+0000. Date-times return their text as written in the document.
 */
const char *toml_string(const struct toml_value *v);
size_t toml_string_len(const struct toml_value *v);
int64_t toml_integer(const struct toml_value *v);
double toml_float(const struct toml_value *v);
bool toml_bool(const struct toml_value *v);
const char *toml_datetime(const struct toml_value *v);

/* Arrays: size 0 and NULL for values that are not arrays or when i is out of range. */
size_t toml_array_size(const struct toml_value *v);
const struct toml_value *toml_array_get(const struct toml_value *v, size_t i);

/* Tables: entries in document order; size 0 / NULL for non-tables or i out of range. */
size_t toml_table_size(const struct toml_value *v);
const char *toml_table_key(const struct toml_value *v, size_t i);
const struct toml_value *toml_table_value(const struct toml_value *v, size_t i);
/* Value for key in table t, or NULL if absent or t is not a table. */
const struct toml_value *toml_table_get(const struct toml_value *t, const char *key);

/*
 * Typed lookups in table t. Each returns 1 and sets *ret when key is present with the right
 * type, 0 (leaving *ret alone) when key is absent, and -EINVAL with
 * "line L, column C: key \"K\": expected T, got U" in *err when the type is wrong.
 * toml_get_table: sets *ret to the sub-table (borrowed).
 * toml_get_string: *ret is borrowed from the tree.
 * toml_get_strv: *ret is a new NULL-terminated copy (free with strv_free()); every
 *   element must be a string.
 */
int toml_get_table(const struct toml_value *t, const char *key, const struct toml_value **ret,
                   struct cpod_error **err);
int toml_get_string(const struct toml_value *t, const char *key, const char **ret,
                    struct cpod_error **err);
int toml_get_strv(const struct toml_value *t, const char *key, char ***ret,
                  struct cpod_error **err);
int toml_get_int(const struct toml_value *t, const char *key, int64_t *ret,
                 struct cpod_error **err);
int toml_get_bool(const struct toml_value *t, const char *key, bool *ret, struct cpod_error **err);

/*
 * Copy an array of strings to a NULL-terminated strv (free with strv_free()). Returns 0,
 * or -EINVAL if v is not an array or an element is not a string (nothing stored then).
 */
int toml_value_to_strv(const struct toml_value *v, char ***ret);

#endif
