/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "toml-internal.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Tables with more entries than this get a hash index, so hostile input stays linear. */
#define INDEX_THRESHOLD 8

struct toml_value *toml_value_new(enum toml_type type, unsigned depth)
{
	struct toml_value *v = xnew(struct toml_value, 1);
	v->type = type;
	v->depth = depth;
	return v;
}

struct toml_value *toml_free(struct toml_value *v)
{
	if (!v)
		return NULL;
	switch (v->type) {
	case TOML_ARRAY:
		for (size_t i = 0; i < v->arr.n; i++)
			toml_free(v->arr.items[i]);
		free(v->arr.items);
		break;
	case TOML_TABLE:
		for (size_t i = 0; i < v->tab.n; i++) {
			free(v->tab.entries[i].key);
			toml_free(v->tab.entries[i].value);
		}
		free(v->tab.entries);
		free(v->tab.index);
		break;
	case TOML_STRING:
	case TOML_OFFSET_DATETIME:
	case TOML_LOCAL_DATETIME:
	case TOML_LOCAL_DATE:
	case TOML_LOCAL_TIME:
		free(v->str.ptr);
		break;
	default:
		break;
	}
	free(v);
	return NULL;
}

static uint32_t hash_key(const char *key, size_t len)
{
	/* FNV-1a */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

static void index_put(struct toml_value *t, size_t idx)
{
	size_t mask = t->tab.index_cap - 1;
	const struct toml_entry *e = &t->tab.entries[idx];
	size_t slot = hash_key(e->key, e->key_len) & mask;
	while (t->tab.index[slot])
		slot = (slot + 1) & mask;
	t->tab.index[slot] = (uint32_t)(idx + 1);
}

static void index_rebuild(struct toml_value *t, size_t cap)
{
	free(t->tab.index);
	t->tab.index = xnew(uint32_t, cap);
	t->tab.index_cap = cap;
	for (size_t i = 0; i < t->tab.n; i++)
		index_put(t, i);
}

struct toml_value *toml_table_lookup(const struct toml_value *t, const char *key, size_t len)
{
	if (!t || t->type != TOML_TABLE)
		return NULL;
	if (t->tab.index) {
		size_t mask = t->tab.index_cap - 1;
		size_t slot = hash_key(key, len) & mask;
		for (; t->tab.index[slot]; slot = (slot + 1) & mask) {
			const struct toml_entry *e = &t->tab.entries[t->tab.index[slot] - 1];
			if (e->key_len == len && memcmp(e->key, key, len) == 0)
				return e->value;
		}
		return NULL;
	}
	for (size_t i = 0; i < t->tab.n; i++) {
		const struct toml_entry *e = &t->tab.entries[i];
		if (e->key_len == len && memcmp(e->key, key, len) == 0)
			return e->value;
	}
	return NULL;
}

void toml_table_insert(struct toml_value *t, char *key, size_t len, struct toml_value *value)
{
	if (t->tab.n == t->tab.cap) {
		t->tab.cap = t->tab.cap ? t->tab.cap * 2 : 4;
		t->tab.entries = xrealloc(t->tab.entries, t->tab.cap * sizeof(*t->tab.entries));
	}
	size_t idx = t->tab.n++;
	t->tab.entries[idx] = (struct toml_entry){.key = key, .key_len = len, .value = value};
	if (t->tab.n <= INDEX_THRESHOLD)
		return;
	/* keep the load factor under one half */
	if (t->tab.n * 2 > t->tab.index_cap)
		index_rebuild(t, t->tab.index_cap ? t->tab.index_cap * 2 : 32);
	else
		index_put(t, idx);
}

void toml_array_push(struct toml_value *a, struct toml_value *value)
{
	if (a->arr.n == a->arr.cap) {
		a->arr.cap = a->arr.cap ? a->arr.cap * 2 : 4;
		a->arr.items = xrealloc(a->arr.items, a->arr.cap * sizeof(*a->arr.items));
	}
	a->arr.items[a->arr.n++] = value;
}

const char *toml_type_name(enum toml_type t)
{
	static const char *const names[_TOML_TYPE_MAX] = {
	        [TOML_STRING] = "string",
	        [TOML_INTEGER] = "integer",
	        [TOML_FLOAT] = "float",
	        [TOML_BOOL] = "boolean",
	        [TOML_OFFSET_DATETIME] = "offset date-time",
	        [TOML_LOCAL_DATETIME] = "local date-time",
	        [TOML_LOCAL_DATE] = "local date",
	        [TOML_LOCAL_TIME] = "local time",
	        [TOML_ARRAY] = "array",
	        [TOML_TABLE] = "table",
	};
	if ((int)t < 0 || t >= _TOML_TYPE_MAX)
		return "invalid";
	return names[t];
}

enum toml_type toml_type(const struct toml_value *v)
{
	return v ? v->type : _TOML_TYPE_INVALID;
}

unsigned toml_line(const struct toml_value *v)
{
	return v ? v->line : 0;
}

unsigned toml_column(const struct toml_value *v)
{
	return v ? v->column : 0;
}

const char *toml_string(const struct toml_value *v)
{
	return v && v->type == TOML_STRING ? v->str.ptr : NULL;
}

size_t toml_string_len(const struct toml_value *v)
{
	return v && v->type == TOML_STRING ? v->str.len : 0;
}

int64_t toml_integer(const struct toml_value *v)
{
	return v && v->type == TOML_INTEGER ? v->i : 0;
}

double toml_float(const struct toml_value *v)
{
	return v && v->type == TOML_FLOAT ? v->f : 0.0;
}

bool toml_bool(const struct toml_value *v)
{
	return v && v->type == TOML_BOOL ? v->b : false;
}

const char *toml_datetime(const struct toml_value *v)
{
	if (!v)
		return NULL;
	switch (v->type) {
	case TOML_OFFSET_DATETIME:
	case TOML_LOCAL_DATETIME:
	case TOML_LOCAL_DATE:
	case TOML_LOCAL_TIME:
		return v->str.ptr;
	default:
		return NULL;
	}
}

size_t toml_array_size(const struct toml_value *v)
{
	return v && v->type == TOML_ARRAY ? v->arr.n : 0;
}

const struct toml_value *toml_array_get(const struct toml_value *v, size_t i)
{
	return i < toml_array_size(v) ? v->arr.items[i] : NULL;
}

size_t toml_table_size(const struct toml_value *v)
{
	return v && v->type == TOML_TABLE ? v->tab.n : 0;
}

const char *toml_table_key(const struct toml_value *v, size_t i)
{
	return i < toml_table_size(v) ? v->tab.entries[i].key : NULL;
}

const struct toml_value *toml_table_value(const struct toml_value *v, size_t i)
{
	return i < toml_table_size(v) ? v->tab.entries[i].value : NULL;
}

const struct toml_value *toml_table_get(const struct toml_value *t, const char *key)
{
	return toml_table_lookup(t, key, strlen(key));
}

int toml_value_to_strv(const struct toml_value *v, char ***ret)
{
	if (!v || v->type != TOML_ARRAY)
		return -EINVAL;
	for (size_t i = 0; i < v->arr.n; i++)
		if (v->arr.items[i]->type != TOML_STRING)
			return -EINVAL;
	char **l = xnew(char *, v->arr.n + 1);
	for (size_t i = 0; i < v->arr.n; i++)
		l[i] = xstrdup(v->arr.items[i]->str.ptr);
	*ret = l;
	return 0;
}

static int type_error(const struct toml_value *v, const char *key, const char *expected,
                      struct cpod_error **err)
{
	return cpod_error_set(err, EINVAL, "line %u, column %u: key \"%s\": expected %s, got %s",
	                      v->line, v->column, key, expected, toml_type_name(v->type));
}

static const struct toml_value *lookup_typed(const struct toml_value *t, const char *key,
                                             enum toml_type type, const char *expected, int *r,
                                             struct cpod_error **err)
{
	const struct toml_value *v = toml_table_get(t, key);
	*r = 0;
	if (!v)
		return NULL;
	if (v->type != type) {
		*r = type_error(v, key, expected, err);
		return NULL;
	}
	*r = 1;
	return v;
}

int toml_get_table(const struct toml_value *t, const char *key, const struct toml_value **ret,
                   struct cpod_error **err)
{
	int r;
	const struct toml_value *v = lookup_typed(t, key, TOML_TABLE, "table", &r, err);
	if (v)
		*ret = v;
	return r;
}

int toml_get_string(const struct toml_value *t, const char *key, const char **ret,
                    struct cpod_error **err)
{
	int r;
	const struct toml_value *v = lookup_typed(t, key, TOML_STRING, "string", &r, err);
	if (v)
		*ret = v->str.ptr;
	return r;
}

int toml_get_int(const struct toml_value *t, const char *key, int64_t *ret, struct cpod_error **err)
{
	int r;
	const struct toml_value *v = lookup_typed(t, key, TOML_INTEGER, "integer", &r, err);
	if (v)
		*ret = v->i;
	return r;
}

int toml_get_bool(const struct toml_value *t, const char *key, bool *ret, struct cpod_error **err)
{
	int r;
	const struct toml_value *v = lookup_typed(t, key, TOML_BOOL, "boolean", &r, err);
	if (v)
		*ret = v->b;
	return r;
}

int toml_get_strv(const struct toml_value *t, const char *key, char ***ret, struct cpod_error **err)
{
	const struct toml_value *v = toml_table_get(t, key);
	if (!v)
		return 0;
	if (toml_value_to_strv(v, ret) < 0)
		return type_error(v, key, "array of strings", err);
	return 1;
}
