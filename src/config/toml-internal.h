/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TOML_INTERNAL_H
#define CPOD_TOML_INTERNAL_H

/*
 * Shared between toml-value.c (the tree), toml-parse.c (document structure) and
 * toml-scalar.c (strings, numbers, date-times). Not part of the public API.
 */
#include <stdint.h>

#include "toml.h"

/* How a table or array came to exist: decides what may extend it later (spec §Table). */
enum toml_origin_flags {
	TOML_IMPLICIT = 1 << 0, /* created as a parent by a [a.b.c] header */
	TOML_EXPLICIT = 1 << 1, /* defined by its own [header] */
	TOML_DOTTED = 1 << 2,   /* created by a dotted key: a.b = 1 */
	TOML_FROZEN = 1 << 3,   /* inline table / array value: closed for good */
	TOML_AOT = 1 << 4,      /* array of tables made by [[header]] */
};

struct toml_entry {
	char *key; /* owned, NUL-terminated */
	size_t key_len;
	struct toml_value *value; /* owned */
};

struct toml_value {
	enum toml_type type;
	unsigned flags; /* enum toml_origin_flags */
	unsigned line, column;
	unsigned depth; /* nesting level below the root */
	union {
		struct {
			char *ptr; /* owned, NUL-terminated; also date-time text */
			size_t len;
		} str;
		int64_t i;
		double f;
		bool b;
		struct {
			struct toml_value **items;
			size_t n, cap;
		} arr;
		struct {
			struct toml_entry *entries;
			size_t n, cap;
			uint32_t *index; /* open addressing over entries (idx + 1), or NULL */
			size_t index_cap;
		} tab;
	};
};

struct toml_parser {
	const char *s;
	size_t len;
	size_t pos;
	/* line/column cache for monotonic position lookups */
	size_t lc_pos;
	unsigned lc_line, lc_col;
	struct toml_value *root;
	struct toml_value *cur; /* table that key/values go to */
	struct cpod_error **err;
};

/* tree (toml-value.c) */
struct toml_value *toml_value_new(enum toml_type type, unsigned depth);
struct toml_value *toml_table_lookup(const struct toml_value *t, const char *key, size_t len);
/* Takes ownership of key and value; the key must not be present yet. */
void toml_table_insert(struct toml_value *t, char *key, size_t len, struct toml_value *value);
void toml_array_push(struct toml_value *a, struct toml_value *value);

/* positions and errors (toml-parse.c) */
void toml_pos_linecol(struct toml_parser *p, size_t pos, unsigned *line, unsigned *col);
int toml_error_at(struct toml_parser *p, size_t pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Describe what is at p->pos ("newline", "end of file", "'x'") using tmp for storage. */
const char *toml_found(struct toml_parser *p, char tmp[8]);

/* scalars (toml-scalar.c); each starts at p->pos and leaves p->pos after the value */
int toml_parse_basic_string(struct toml_parser *p, char **ret, size_t *ret_len);
int toml_parse_literal_string(struct toml_parser *p, char **ret, size_t *ret_len);
int toml_parse_ml_basic_string(struct toml_parser *p, char **ret, size_t *ret_len);
int toml_parse_ml_literal_string(struct toml_parser *p, char **ret, size_t *ret_len);
/* Booleans, numbers and date-times: fills v (type and payload). */
int toml_parse_bare_value(struct toml_parser *p, struct toml_value *v);

/* Validate UTF-8 of the whole input; -EINVAL with position on failure. */
int toml_check_utf8(struct toml_parser *p);

#endif
