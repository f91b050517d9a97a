/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parse arbitrary bytes as TOML, then walk the tree through the public accessors so that
 * every value is touched once (catches dangling pointers the parser could leave behind).
 */
#include <stddef.h>
#include <stdint.h>

#include "config/toml.h"
#include "util/error.h"
#include "util/strv.h"

static size_t walk(const struct toml_value *v, unsigned depth)
{
	size_t n = 1;
	if (depth > TOML_MAX_DEPTH + 2)
		__builtin_trap();
	switch (toml_type(v)) {
	case TOML_TABLE:
		for (size_t i = 0; i < toml_table_size(v); i++) {
			const char *k = toml_table_key(v, i);
			if (!k || toml_table_get(v, k) == NULL)
				__builtin_trap();
			n += walk(toml_table_value(v, i), depth + 1);
		}
		break;
	case TOML_ARRAY: {
		for (size_t i = 0; i < toml_array_size(v); i++)
			n += walk(toml_array_get(v, i), depth + 1);
		char **l = NULL;
		if (toml_value_to_strv(v, &l) == 0)
			strv_free(l);
		break;
	}
	case TOML_STRING:
		n += toml_string_len(v) + (toml_string(v)[toml_string_len(v)] == 0);
		break;
	default:
		n += toml_datetime(v) ? 1 : 0;
		break;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpod_error *err = NULL;
	struct toml_value *root = NULL;
	if (toml_parse((const char *)data, size, &root, &err) == 0)
		walk(root, 0);
	else if (!err || !err->msg)
		__builtin_trap();
	cpod_error_free(err);
	toml_free(root);
	return 0;
}
