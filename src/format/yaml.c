/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format/yaml.h"
#include "banned.h"

static bool looks_like_number(const char *s)
{
	if (!*s)
		return false;
	char *end = NULL;
	strtod(s, &end);
	if (end && *end == '\0')
		return true;
	/* YAML 1.1 also reads .inf, .nan, 0x.., 0o.. as numbers */
	return strcasecmp(s, ".inf") == 0 || strcasecmp(s, "-.inf") == 0 ||
	       strcasecmp(s, ".nan") == 0;
}

static bool is_reserved_word(const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "y", "n",
					    "null", "~", NULL};
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool needs_double_quotes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || is_reserved_word(s) || looks_like_number(s))
		return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]))
		/* "-" followed by a non-space is fine as plain text in yaml.v2, e.g. "-a" */
		return !(s[0] == '-' && n > 1 && s[1] != ' ');
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return true;
	return strstr(s, ": ") || strstr(s, " #");
}

static void emit_string(struct buf *out, const char *s)
{
	if (needs_double_quotes(s)) {
		buf_putc(out, '"');
		for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
			switch (*p) {
			case '"': buf_puts(out, "\\\""); break;
			case '\\': buf_puts(out, "\\\\"); break;
			case '\n': buf_puts(out, "\\n"); break;
			case '\t': buf_puts(out, "\\t"); break;
			case '\r': buf_puts(out, "\\r"); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					buf_printf(out, "\\x%02X", *p);
				else
					buf_putc(out, (char)*p);
			}
		}
		buf_putc(out, '"');
	} else if (needs_quotes(s)) {
		buf_putc(out, '\'');
		for (const char *p = s; *p; p++) {
			if (*p == '\'')
				buf_putc(out, '\'');
			buf_putc(out, *p);
		}
		buf_putc(out, '\'');
	} else {
		buf_puts(out, s);
	}
}

static void emit_scalar(struct buf *out, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		emit_string(out, json_string_value(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%.15g", json_real_value(v));
		buf_puts(out, tmp);
		break;
	}
	case JSON_TRUE:
		buf_puts(out, "true");
		break;
	case JSON_FALSE:
		buf_puts(out, "false");
		break;
	default:
		buf_puts(out, "null");
		break;
	}
}

static bool is_empty_container(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static void emit_node(struct buf *out, const json_t *v, int indent);

/* the value after "key:" or "- " */
static void emit_value_after_key(struct buf *out, const json_t *v, int indent)
{
	if (is_empty_container(v)) {
		buf_puts(out, json_is_object(v) ? " {}\n" : " []\n");
	} else if (json_is_object(v)) {
		buf_putc(out, '\n');
		emit_node(out, v, indent + 2);
	} else if (json_is_array(v)) {
		buf_putc(out, '\n');
		emit_node(out, v, indent); /* yaml.v2 does not indent sequences under a key */
	} else {
		buf_putc(out, ' ');
		emit_scalar(out, v);
		buf_putc(out, '\n');
	}
}

static void emit_node(struct buf *out, const json_t *v, int indent)
{
	if (json_is_object(v)) {
		const char *key;
		json_t *val;
		json_object_foreach((json_t *)v, key, val) {
			buf_printf(out, "%*s", indent, "");
			emit_string(out, key);
			buf_putc(out, ':');
			emit_value_after_key(out, val, indent);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *val;
		json_array_foreach(v, i, val) {
			buf_printf(out, "%*s-", indent, "");
			if (json_is_object(val) && json_object_size(val) > 0) {
				/* "- key: v" then the other keys aligned under the first */
				struct buf tmp = BUF_INIT;
				emit_node(&tmp, val, indent + 2);
				buf_putc(out, ' ');
				buf_puts(out, buf_str(&tmp) + indent + 2);
				buf_release(&tmp);
			} else if (json_is_array(val) && json_array_size(val) > 0) {
				buf_putc(out, '\n');
				emit_node(out, val, indent + 2);
			} else {
				emit_value_after_key(out, val, indent);
			}
		}
	} else {
		buf_printf(out, "%*s", indent, "");
		emit_scalar(out, v);
		buf_putc(out, '\n');
	}
}

void yaml_emit_json(struct buf *out, const json_t *value)
{
	emit_node(out, value, 0);
}
