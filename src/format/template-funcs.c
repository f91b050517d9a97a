/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Template functions: Go's text/template builtins (funcs.go) and Podman 4.3's additions
 * (containers/common v0.50 pkg/report DefaultFuncs), with Go's semantics and messages.
 * and/or are evaluated lazily by the executor (they short-circuit, as since Go 1.18).
 */
#include <string.h>

#include "template-internal.h"
#include "util/xalloc.h"

#include "util/banned.h"

static json_t *fail(struct tmpl_func_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static json_t *fail(struct tmpl_func_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(ctx->errmsg);
	ctx->errmsg = xvasprintf(fmt, ap);
	va_end(ap);
	return NULL;
}

static json_t *take_buf(struct buf *b)
{
	json_t *s = json_stringn(b->data ? b->data : "", b->len);
	buf_release(b);
	return s;
}

bool tmpl_truth(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	/* Go: structs are always true, maps when not empty */
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return false;
	}
}

static json_t *fn_not(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return json_boolean(!tmpl_truth(a[0]));
}

static json_t *fn_len(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	switch (a[0] ? json_typeof(a[0]) : JSON_NULL) {
	case JSON_STRING:
		return json_integer((json_int_t)json_string_length(a[0]));
	case JSON_ARRAY:
		return json_integer((json_int_t)json_array_size(a[0]));
	case JSON_OBJECT:
		return json_integer((json_int_t)json_object_size(a[0]));
	case JSON_NULL:
		return fail(ctx, "len of nil pointer");
	default:
		return fail(ctx, "len of type %s", tmpl_type_name(a[0]));
	}
}

static bool index_arg(struct tmpl_func_ctx *ctx, const json_t *idx, size_t cap, size_t *ret,
                      const char *what)
{
	json_int_t x;
	if (!idx || json_is_null(idx)) {
		fail(ctx, "cannot index slice/array with nil");
		return false;
	}
	if (!json_is_integer(idx)) {
		fail(ctx, "cannot index slice/array with type %s", tmpl_type_name(idx));
		return false;
	}
	x = json_integer_value(idx);
	if (x < 0 || (size_t)x > cap || ((size_t)x == cap && what[0] == 'i')) {
		fail(ctx, "%s out of range: %lld", what, (long long)x);
		return false;
	}
	*ret = (size_t)x;
	return true;
}

static json_t *fn_index(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	json_t *item = a[0];
	size_t i;
	if (!item || json_is_null(item))
		return fail(ctx, "index of untyped nil");
	for (size_t k = 1; k < n; k++) {
		if (!item || json_is_null(item))
			return fail(ctx, "index of nil pointer");
		if (json_is_array(item)) {
			if (!index_arg(ctx, a[k], json_array_size(item), &i, "index"))
				return NULL;
			item = json_array_get(item, i);
		} else if (json_is_string(item)) {
			if (!index_arg(ctx, a[k], json_string_length(item), &i, "index"))
				return NULL;
			/* indexing a Go string yields a byte (uint8) */
			return json_integer((unsigned char)json_string_value(item)[i]);
		} else if (json_is_object(item)) {
			if (!json_is_string(a[k]))
				return fail(ctx, "value has type %s; should be string",
				            tmpl_type_name(a[k]));
			item = json_object_get(item, json_string_value(a[k]));
			if (!item)
				return json_null();
		} else {
			return fail(ctx, "can't index item of type %s", tmpl_type_name(item));
		}
	}
	return json_incref(item);
}

static json_t *fn_slice(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	json_t *item = a[0];
	size_t idx[3] = {0, 0, 0}, len;
	bool is_str = json_is_string(item);
	if (!item || json_is_null(item))
		return fail(ctx, "slice of untyped nil");
	if (!is_str && !json_is_array(item))
		return fail(ctx, "can't slice item of type %s", tmpl_type_name(item));
	if (n > 4)
		return fail(ctx, "too many slice indexes: %zu", n - 1);
	if (is_str && n == 4)
		return fail(ctx, "cannot 3-index slice a string");
	len = is_str ? json_string_length(item) : json_array_size(item);
	idx[1] = len;
	for (size_t k = 1; k < n; k++)
		if (!index_arg(ctx, a[k], len, &idx[k - 1], "slice index"))
			return NULL;
	if (n >= 3 && idx[0] > idx[1])
		return fail(ctx, "invalid slice index: %zu > %zu", idx[0], idx[1]);
	if (n == 4 && idx[1] > idx[2])
		return fail(ctx, "invalid slice index: %zu > %zu", idx[1], idx[2]);
	if (is_str)
		return json_stringn(json_string_value(item) + idx[0], idx[1] - idx[0]);
	{
		json_t *out = json_array();
		for (size_t k = idx[0]; k < idx[1]; k++)
			json_array_append(out, json_array_get(item, k));
		return out;
	}
}

static json_t *fn_print(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	tmpl_sprint(&b, a, n, false);
	return take_buf(&b);
}

static json_t *fn_println(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	tmpl_sprint(&b, a, n, true);
	return take_buf(&b);
}

static json_t *fn_printf(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	tmpl_sprintf(&b, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	return take_buf(&b);
}

/* text/template's evalArgs: a single string argument as is, otherwise fmt.Sprint */
static void eval_args(struct buf *b, json_t **a, size_t n)
{
	if (n == 1 && json_is_string(a[0]))
		buf_append(b, json_string_value(a[0]), json_string_length(a[0]));
	else
		tmpl_sprint(b, a, n, false);
}

static json_t *fn_html(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	_cleanup_buf_ struct buf in = BUF_INIT;
	struct buf b = BUF_INIT;
	eval_args(&in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.data[i]) {
		case '\0':
			buf_puts(&b, "\xef\xbf\xbd");
			break;
		case '"':
			buf_puts(&b, "&#34;");
			break;
		case '\'':
			buf_puts(&b, "&#39;");
			break;
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		default:
			buf_putc(&b, in.data[i]);
		}
	}
	return take_buf(&b);
}

static json_t *fn_js(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	_cleanup_buf_ struct buf in = BUF_INIT;
	struct buf b = BUF_INIT;
	eval_args(&in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.data[i];
		switch (c) {
		case '\\':
			buf_puts(&b, "\\\\");
			break;
		case '\'':
			buf_puts(&b, "\\'");
			break;
		case '"':
			buf_puts(&b, "\\\"");
			break;
		case '<':
			buf_puts(&b, "\\u003C");
			break;
		case '>':
			buf_puts(&b, "\\u003E");
			break;
		case '&':
			buf_puts(&b, "\\u0026");
			break;
		case '=':
			buf_puts(&b, "\\u003D");
			break;
		default:
			if (c < ' ') {
				buf_puts(&b, "\\u00");
				buf_putc(&b, hex[c >> 4]);
				buf_putc(&b, hex[c & 0xf]);
			} else {
				buf_putc(&b, (char)c);
			}
		}
	}
	return take_buf(&b);
}

static json_t *fn_urlquery(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	_cleanup_buf_ struct buf in = BUF_INIT;
	struct buf b = BUF_INIT;
	eval_args(&in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.data[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			buf_putc(&b, (char)c);
		else if (c == ' ')
			buf_putc(&b, '+');
		else
			buf_printf(&b, "%%%02X", c);
	}
	return take_buf(&b);
}

/* ---- comparisons (Go's eq/ne/lt/le/gt/ge over basic kinds) ---- */

enum kind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING };

static enum kind basic_kind(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_TRUE:
	case JSON_FALSE:
		return K_BOOL;
	case JSON_INTEGER:
		return K_INT;
	case JSON_REAL:
		return K_FLOAT;
	case JSON_STRING:
		return K_STRING;
	default:
		return K_INVALID;
	}
}

static bool is_nil(const json_t *v)
{
	return !v || json_is_null(v);
}

/* returns 1 if equal, 0 if not, -1 with ctx->errmsg set */
static int eq2(struct tmpl_func_ctx *ctx, const json_t *x, const json_t *y)
{
	enum kind k1 = basic_kind(x), k2 = basic_kind(y);
	if (k1 != k2) {
		if (is_nil(x) || is_nil(y))
			return 0;
		fail(ctx, "incompatible types for comparison");
		return -1;
	}
	switch (k1) {
	case K_BOOL:
		return json_is_true(x) == json_is_true(y);
	case K_INT:
		return json_integer_value(x) == json_integer_value(y);
	case K_FLOAT:
		return json_real_value(x) == json_real_value(y);
	case K_STRING:
		return json_string_length(x) == json_string_length(y) &&
		       memcmp(json_string_value(x), json_string_value(y), json_string_length(x)) ==
		               0;
	default:
		if (is_nil(x) || is_nil(y))
			return is_nil(x) == is_nil(y);
		fail(ctx, "non-comparable type %s", tmpl_type_name(x));
		return -1;
	}
}

static json_t *fn_eq(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	if (n < 2)
		return fail(ctx, "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		int r = eq2(ctx, a[0], a[i]);
		if (r < 0)
			return NULL;
		if (r)
			return json_true();
	}
	return json_false();
}

static json_t *fn_ne(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	int r = eq2(ctx, a[0], a[1]);
	return r < 0 ? NULL : json_boolean(!r);
}

/* returns 1 if x < y, 0 if not, -1 on error */
static int lt2(struct tmpl_func_ctx *ctx, const json_t *x, const json_t *y)
{
	enum kind k1 = basic_kind(x), k2 = basic_kind(y);
	if (k1 == K_INVALID || k2 == K_INVALID) {
		fail(ctx, "invalid type for comparison");
		return -1;
	}
	if (k1 != k2) {
		fail(ctx, "incompatible types for comparison");
		return -1;
	}
	switch (k1) {
	case K_INT:
		return json_integer_value(x) < json_integer_value(y);
	case K_FLOAT:
		return json_real_value(x) < json_real_value(y);
	case K_STRING: {
		size_t l1 = json_string_length(x), l2 = json_string_length(y);
		int c = memcmp(json_string_value(x), json_string_value(y), l1 < l2 ? l1 : l2);
		return c < 0 || (c == 0 && l1 < l2);
	}
	default:
		fail(ctx, "invalid type for comparison");
		return -1;
	}
}

/* lt, le (or_eq), gt (= !le), ge (= !lt) */
static json_t *cmp(struct tmpl_func_ctx *ctx, json_t **a, bool or_eq, bool negate)
{
	int r = lt2(ctx, a[0], a[1]);
	if (r < 0)
		return NULL;
	if (!r && or_eq) {
		r = eq2(ctx, a[0], a[1]);
		if (r < 0)
			return NULL;
	}
	return json_boolean(negate ? !r : r);
}

static json_t *fn_lt(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return cmp(ctx, a, false, false);
}

static json_t *fn_le(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return cmp(ctx, a, true, false);
}

static json_t *fn_gt(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return cmp(ctx, a, true, true);
}

static json_t *fn_ge(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return cmp(ctx, a, false, true);
}

/* ---- Podman's functions ---- */

static json_t *fn_json(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	tmpl_json_encode(&b, a[0], ctx->flags);
	return take_buf(&b);
}

static json_t *map_ascii(json_t *s, int (*conv)(int))
{
	struct buf b = BUF_INIT;
	const char *p = json_string_value(s);
	for (size_t i = 0; i < json_string_length(s); i++) {
		unsigned char c = (unsigned char)p[i];
		buf_putc(&b, c < 0x80 ? (char)conv(c) : (char)c);
	}
	return take_buf(&b);
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int to_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static json_t *fn_lower(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return map_ascii(a[0], to_lower);
}

static json_t *fn_upper(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	return map_ascii(a[0], to_upper);
}

/* strings.Title: upper-case the first letter of each word (words end at separators) */
static json_t *fn_title(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	const char *p = json_string_value(a[0]);
	bool prev_sep = true;
	for (size_t i = 0; i < json_string_length(a[0]); i++) {
		unsigned char c = (unsigned char)p[i];
		bool word = c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
		            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		buf_putc(&b, prev_sep && c < 0x80 ? (char)to_upper(c) : (char)c);
		/* continuation bytes of a multibyte rune do not start a word */
		if (c < 0x80 || c >= 0xc0 || !word)
			prev_sep = !word;
	}
	return take_buf(&b);
}

static json_t *fn_join(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < json_array_size(a[0]); i++) {
		json_t *e = json_array_get(a[0], i);
		if (i)
			buf_append(&b, json_string_value(a[1]), json_string_length(a[1]));
		buf_append(&b, json_string_value(e), json_string_length(e));
	}
	return take_buf(&b);
}

static json_t *fn_split(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	json_t *out = json_array();
	const char *s = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), slen = json_string_length(a[1]), start = 0;
	if (slen == 0) {
		/* split into UTF-8 sequences */
		for (size_t i = 0; i < len;) {
			size_t k = i + 1;
			while (k < len && ((unsigned char)s[k] & 0xc0) == 0x80 && k - i < 4)
				k++;
			json_array_append_new(out, json_stringn(s + i, k - i));
			i = k;
		}
		return out;
	}
	for (size_t i = 0; i + slen <= len;) {
		if (memcmp(s + i, sep, slen) == 0) {
			json_array_append_new(out, json_stringn(s + start, i - start));
			i += slen;
			start = i;
		} else {
			i++;
		}
	}
	json_array_append_new(out, json_stringn(s + start, len - start));
	return out;
}

static json_t *fn_pad(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	struct buf b = BUF_INIT;
	json_int_t pre = json_integer_value(a[1]), suf = json_integer_value(a[2]);
	if (json_string_length(a[0]) == 0)
		return json_string("");
	if (pre < 0 || suf < 0)
		return fail(ctx, "strings: negative Repeat count");
	if (pre > 1 << 20 || suf > 1 << 20)
		return fail(ctx, "strings: Repeat count too large");
	for (json_int_t i = 0; i < pre; i++)
		buf_putc(&b, ' ');
	buf_append(&b, json_string_value(a[0]), json_string_length(a[0]));
	for (json_int_t i = 0; i < suf; i++)
		buf_putc(&b, ' ');
	return take_buf(&b);
}

static json_t *fn_truncate(struct tmpl_func_ctx *ctx, json_t **a, size_t n)
{
	json_int_t l = json_integer_value(a[1]);
	size_t len = json_string_length(a[0]);
	if ((json_int_t)len < l)
		return json_incref(a[0]);
	if (l < 0)
		return fail(ctx, "runtime error: slice bounds out of range [:%lld]", (long long)l);
	return json_stringn(json_string_value(a[0]), (size_t)l);
}

static const struct tmpl_func funcs[] = {
        {"and", NULL, 1, true, {ARG_ANY}, true},
        {"eq", fn_eq, 1, true, {ARG_ANY}, false},
        {"ge", fn_ge, 2, false, {ARG_ANY, ARG_ANY}, false},
        {"gt", fn_gt, 2, false, {ARG_ANY, ARG_ANY}, false},
        {"html", fn_html, 0, true, {ARG_ANY}, false},
        {"index", fn_index, 1, true, {ARG_ANY}, false},
        {"join", fn_join, 2, false, {ARG_STRV, ARG_STRING}, false},
        {"js", fn_js, 0, true, {ARG_ANY}, false},
        {"json", fn_json, 1, false, {ARG_ANY}, false},
        {"le", fn_le, 2, false, {ARG_ANY, ARG_ANY}, false},
        {"len", fn_len, 1, false, {ARG_ANY}, false},
        {"lower", fn_lower, 1, false, {ARG_STRING}, false},
        {"lt", fn_lt, 2, false, {ARG_ANY, ARG_ANY}, false},
        {"ne", fn_ne, 2, false, {ARG_ANY, ARG_ANY}, false},
        {"not", fn_not, 1, false, {ARG_ANY}, false},
        {"or", NULL, 1, true, {ARG_ANY}, true},
        {"pad", fn_pad, 3, false, {ARG_STRING, ARG_INT, ARG_INT}, false},
        {"print", fn_print, 0, true, {ARG_ANY}, false},
        {"printf", fn_printf, 1, true, {ARG_STRING}, false},
        {"println", fn_println, 0, true, {ARG_ANY}, false},
        {"slice", fn_slice, 1, true, {ARG_ANY}, false},
        {"split", fn_split, 2, false, {ARG_STRING, ARG_STRING}, false},
        {"title", fn_title, 1, false, {ARG_STRING}, false},
        {"truncate", fn_truncate, 2, false, {ARG_STRING, ARG_INT}, false},
        {"upper", fn_upper, 1, false, {ARG_STRING}, false},
        {"urlquery", fn_urlquery, 0, true, {ARG_ANY}, false},
};

const struct tmpl_func *tmpl_func_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}
