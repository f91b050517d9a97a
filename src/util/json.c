/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include "json.h"
#include "xalloc.h"
#include "banned.h"

const char *json_get_string(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

char *json_dump_pretty(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if (!s)
		return xstrdup("null");
	return s;
}
