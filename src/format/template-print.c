/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's fmt printing of json values: %v of every kind (fmt.Sprint), Printf verbs with flags,
 * width and precision, strconv.Quote, float formatting, and encoding/json output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"
#include "template.h"
#include "util/xalloc.h"

#include "util/banned.h"

bool tmpl_is_struct(const json_t *v, unsigned flags)
{
	const char *key;
	json_t *val;
	if (!json_is_object(v) || json_object_size(v) == 0 || (flags & TEMPLATE_OBJECTS_ARE_MAPS))
		return false;
	json_object_foreach((json_t *)v, key, val)
	{
		if (!(key[0] >= 'A' && key[0] <= 'Z'))
			return false;
	}
	return true;
}

const char *tmpl_type_name(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_OBJECT:
		return "map[string]interface {}";
	default:
		return "<nil>";
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* keys of an object in Go map order (sorted); free the array only */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
	const char **keys = xnew(const char *, json_object_size(obj) + 1);
	const char *key;
	json_t *val;
	size_t i = 0;
	json_object_foreach((json_t *)obj, key, val) keys[i++] = key;
	qsort(keys, i, sizeof(*keys), cmp_str);
	*n = i;
	return keys;
}

/* shortest decimal digits that round-trip: digits (no dot, no trailing zeros), decimal point */
static void shortest_digits(double f, char *digits, int *nd, int *dp)
{
	char tmp[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, f);
		if (strtod(tmp, NULL) == f || prec == 17)
			break;
	}
	{
		const char *p = tmp + (tmp[0] == '-');
		char *e = strchr(p, 'e');
		int k = 0;
		for (const char *q = p; q < e; q++)
			if (*q != '.')
				digits[k++] = *q;
		while (k > 1 && digits[k - 1] == '0')
			k--;
		digits[k] = '\0';
		*nd = k;
		*dp = (int)strtol(e + 1, NULL, 10) + 1;
		if (k == 1 && digits[0] == '0')
			*dp = 1;
	}
}

static void fmt_e_digits(struct buf *b, const char *d, int nd, int dp, char e)
{
	int exp = d[0] == '0' ? 0 : dp - 1;
	buf_putc(b, d[0]);
	if (nd > 1) {
		buf_putc(b, '.');
		buf_append(b, d + 1, (size_t)nd - 1);
	}
	buf_printf(b, "%c%c%02d", e, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void fmt_f_digits(struct buf *b, const char *d, int nd, int dp)
{
	if (dp <= 0) {
		buf_puts(b, "0.");
		for (int i = 0; i < -dp; i++)
			buf_putc(b, '0');
		buf_append(b, d, (size_t)nd);
		return;
	}
	for (int i = 0; i < dp; i++)
		buf_putc(b, i < nd ? d[i] : '0');
	if (nd > dp) {
		buf_putc(b, '.');
		buf_append(b, d + dp, (size_t)(nd - dp));
	}
}

void tmpl_format_float(struct buf *b, double f, char verb, int prec)
{
	char d[32];
	int nd, dp;
	char cfmt[8];
	if (isnan(f)) {
		buf_puts(b, "NaN");
		return;
	}
	if (isinf(f)) {
		buf_puts(b, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (verb == 'v')
		verb = 'g', prec = -1;
	if (prec >= 0 || (verb != 'g' && verb != 'G')) {
		if (prec < 0)
			prec = 6;
		if (prec > 100)
			prec = 100;
		cfmt[0] = '%', cfmt[1] = '.', cfmt[2] = '*', cfmt[3] = verb, cfmt[4] = '\0';
		if ((verb == 'g' || verb == 'G') && prec == 0)
			prec = 1;
		buf_printf(b, cfmt, prec, f);
		return;
	}
	if (signbit(f)) {
		buf_putc(b, '-');
		f = -f;
	}
	shortest_digits(f, d, &nd, &dp);
	/* strconv 'g' with the shortest precision switches to %e at exponent < -4 or >= 6 */
	if (d[0] != '0' && (dp - 1 < -4 || dp - 1 >= 6))
		fmt_e_digits(b, d, nd, dp, verb == 'G' ? 'E' : 'e');
	else
		fmt_f_digits(b, d, nd, dp);
}

/* rune decoding for quoting: returns the rune or -1 for an invalid byte */
static long next_rune(const unsigned char *s, size_t len, size_t *used)
{
	unsigned char c = s[0];
	int extra;
	long r, min;
	if (c < 0x80) {
		*used = 1;
		return c;
	}
	if ((c & 0xe0) == 0xc0)
		extra = 1, r = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		extra = 2, r = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		extra = 3, r = c & 0x07, min = 0x10000;
	else
		goto bad;
	if ((size_t)extra >= len)
		goto bad;
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		r = (r << 6) | (s[i] & 0x3f);
	}
	if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		goto bad;
	*used = (size_t)extra + 1;
	return r;
bad:
	*used = 1;
	return -1;
}

static size_t rune_count(const char *s, size_t len)
{
	size_t n = 0, used;
	for (size_t i = 0; i < len; i += used, n++)
		next_rune((const unsigned char *)s + i, len - i, &used);
	return n;
}

void tmpl_quote(struct buf *b, const char *s, size_t len)
{
	size_t used;
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i += used) {
		long r = next_rune((const unsigned char *)s + i, len - i, &used);
		if (r < 0) {
			buf_printf(b, "\\x%02x", (unsigned char)s[i]);
			continue;
		}
		switch (r) {
		case '"':
			buf_puts(b, "\\\"");
			continue;
		case '\\':
			buf_puts(b, "\\\\");
			continue;
		case '\a':
			buf_puts(b, "\\a");
			continue;
		case '\b':
			buf_puts(b, "\\b");
			continue;
		case '\f':
			buf_puts(b, "\\f");
			continue;
		case '\n':
			buf_puts(b, "\\n");
			continue;
		case '\r':
			buf_puts(b, "\\r");
			continue;
		case '\t':
			buf_puts(b, "\\t");
			continue;
		case '\v':
			buf_puts(b, "\\v");
			continue;
		}
		if (r < 0x20 || r == 0x7f)
			buf_printf(b, "\\x%02lx", r);
		else if ((r >= 0x80 && r < 0xa0) || r == 0xad || r == 0xfeff || r == 0x2028 ||
		         r == 0x2029)
			buf_printf(b, "\\u%04lx", r);
		else
			buf_append(b, s + i, used);
	}
	buf_putc(b, '"');
}

void tmpl_print_value(struct buf *b, const json_t *v)
{
	size_t i, n;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		buf_append(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		tmpl_format_float(b, json_real_value(v), 'v', -1);
		break;
	case JSON_TRUE:
		buf_puts(b, "true");
		break;
	case JSON_FALSE:
		buf_puts(b, "false");
		break;
	case JSON_ARRAY:
		buf_putc(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_putc(b, ' ');
			tmpl_print_value(b, json_array_get(v, i));
		}
		buf_putc(b, ']');
		break;
	case JSON_OBJECT: {
		_cleanup_free_ const char **keys = sorted_keys(v, &n);
		buf_puts(b, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				buf_putc(b, ' ');
			buf_puts(b, keys[i]);
			buf_putc(b, ':');
			tmpl_print_value(b, json_object_get(v, keys[i]));
		}
		buf_putc(b, ']');
		break;
	}
	default:
		buf_puts(b, "<nil>");
	}
}

void tmpl_sprint(struct buf *b, json_t *const *args, size_t n, bool ln)
{
	for (size_t i = 0; i < n; i++) {
		bool is_str = json_is_string(args[i]);
		if (i > 0 && (ln || (!is_str && !json_is_string(args[i - 1]))))
			buf_putc(b, ' ');
		tmpl_print_value(b, args[i]);
	}
	if (ln)
		buf_putc(b, '\n');
}

/* encoding/json's float format: 'f' unless the magnitude is < 1e-6 or >= 1e21 */
static void json_float(struct buf *b, double f)
{
	char d[32];
	int nd, dp;
	double a = fabs(f);
	if (signbit(f) && f != 0)
		buf_putc(b, '-');
	shortest_digits(a, d, &nd, &dp);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		int exp = dp - 1;
		buf_putc(b, d[0]);
		if (nd > 1) {
			buf_putc(b, '.');
			buf_append(b, d + 1, (size_t)nd - 1);
		}
		buf_printf(b, "e%c%d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else {
		fmt_f_digits(b, d, nd, dp);
	}
}

static void json_put_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t used;
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i += used) {
		long r = next_rune((const unsigned char *)s + i, len - i, &used);
		if (r < 0) {
			buf_puts(b, "\\ufffd");
		} else if (r == '"' || r == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)r);
		} else if (r == '\n') {
			buf_puts(b, "\\n");
		} else if (r == '\r') {
			buf_puts(b, "\\r");
		} else if (r == '\t') {
			buf_puts(b, "\\t");
		} else if (r < 0x20) {
			buf_puts(b, "\\u00");
			buf_putc(b, hex[r >> 4]);
			buf_putc(b, hex[r & 0xf]);
		} else if (r == 0x2028 || r == 0x2029) {
			buf_printf(b, "\\u%04lx", r);
		} else {
			buf_append(b, s + i, used);
		}
	}
	buf_putc(b, '"');
}

void tmpl_json_encode(struct buf *b, const json_t *v, unsigned flags)
{
	size_t i, n;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		json_put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		json_float(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_puts(b, "true");
		break;
	case JSON_FALSE:
		buf_puts(b, "false");
		break;
	case JSON_ARRAY:
		buf_putc(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_putc(b, ',');
			tmpl_json_encode(b, json_array_get(v, i), flags);
		}
		buf_putc(b, ']');
		break;
	case JSON_OBJECT:
		buf_putc(b, '{');
		if (tmpl_is_struct(v, flags)) {
			/* a struct marshals in field order, a map in sorted key order */
			const char *key;
			json_t *val;
			i = 0;
			json_object_foreach((json_t *)v, key, val)
			{
				if (i++)
					buf_putc(b, ',');
				json_put_string(b, key, strlen(key));
				buf_putc(b, ':');
				tmpl_json_encode(b, val, flags);
			}
		} else {
			_cleanup_free_ const char **keys = sorted_keys(v, &n);
			for (i = 0; i < n; i++) {
				if (i)
					buf_putc(b, ',');
				json_put_string(b, keys[i], strlen(keys[i]));
				buf_putc(b, ':');
				tmpl_json_encode(b, json_object_get(v, keys[i]), flags);
			}
		}
		buf_putc(b, '}');
		break;
	default:
		buf_puts(b, "null");
	}
}

/* ---- Printf ---- */

struct fmt_spec {
	bool minus, plus, sharp, zero, space;
	int width, prec; /* -1: absent */
	long verb;
};

static void pad(struct buf *b, const char *s, size_t len, const struct fmt_spec *f)
{
	size_t w = rune_count(s, len);
	size_t fill = f->width > 0 && (size_t)f->width > w ? (size_t)f->width - w : 0;
	if (f->minus) {
		buf_append(b, s, len);
		for (size_t i = 0; i < fill; i++)
			buf_putc(b, ' ');
		return;
	}
	/* zero padding goes after a sign */
	if (f->zero && fill && len && (s[0] == '-' || s[0] == '+') && f->verb != 's' &&
	    f->verb != 'q' && f->verb != 'v') {
		buf_putc(b, s[0]);
		s++, len--;
	}
	for (size_t i = 0; i < fill; i++)
		buf_putc(b, f->zero ? '0' : ' ');
	buf_append(b, s, len);
}

static void put_rune(struct buf *b, long r);

static void bad_verb(struct buf *b, const json_t *v, const struct fmt_spec *f)
{
	buf_puts(b, "%!");
	put_rune(b, f->verb);
	if (!v || json_is_null(v)) {
		buf_puts(b, "(<nil>)");
		return;
	}
	buf_printf(b, "(%s=", tmpl_type_name(v));
	tmpl_print_value(b, v);
	buf_putc(b, ')');
}

static void fmt_int(struct buf *b, long long iv, const struct fmt_spec *f)
{
	_cleanup_buf_ struct buf t = BUF_INIT;
	unsigned long long u = iv < 0 ? 0ULL - (unsigned long long)iv : (unsigned long long)iv;
	char digits[80];
	int base = 10, k = 0;
	bool upper = false;
	switch (f->verb) {
	case 'b':
		base = 2;
		break;
	case 'o':
	case 'O':
		base = 8;
		break;
	case 'x':
		base = 16;
		break;
	case 'X':
		base = 16, upper = true;
		break;
	}
	if (iv < 0)
		buf_putc(&t, '-');
	else if (f->plus)
		buf_putc(&t, '+');
	else if (f->space)
		buf_putc(&t, ' ');
	if (f->verb == 'O')
		buf_puts(&t, "0o");
	else if (f->sharp && base == 8 && u != 0)
		buf_putc(&t, '0');
	else if (f->sharp && base == 16)
		buf_puts(&t, upper ? "0X" : "0x");
	else if (f->sharp && base == 2)
		buf_puts(&t, "0b");
	do {
		int dg = (int)(u % (unsigned)base);
		digits[k++] = (char)(dg < 10 ? '0' + dg : (upper ? 'A' : 'a') + dg - 10);
		u /= (unsigned)base;
	} while (u && k < 79);
	if (f->prec == 0 && iv == 0)
		k = 0;
	for (int i = k; i < f->prec && i < 1000; i++)
		buf_putc(&t, '0');
	while (k > 0)
		buf_putc(&t, digits[--k]);
	pad(b, buf_str(&t), t.len, f);
}

static void put_rune(struct buf *b, long r)
{
	char o[4];
	if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		buf_putc(b, (char)r);
	} else if (r < 0x800) {
		o[0] = (char)(0xc0 | (r >> 6)), o[1] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 2);
	} else if (r < 0x10000) {
		o[0] = (char)(0xe0 | (r >> 12)), o[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		o[2] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (r >> 18)), o[1] = (char)(0x80 | ((r >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((r >> 6) & 0x3f)), o[3] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 4);
	}
}

static void fmt_string(struct buf *b, const char *s, size_t len, const struct fmt_spec *f)
{
	_cleanup_buf_ struct buf t = BUF_INIT;
	size_t used;
	if (f->prec >= 0) {
		size_t i = 0;
		for (int r = 0; r < f->prec && i < len; r++) {
			next_rune((const unsigned char *)s + i, len - i, &used);
			i += used;
		}
		len = i;
	}
	switch (f->verb) {
	case 'q':
		if (f->sharp && !memchr(s, '`', len) && !memchr(s, '\n', len)) {
			buf_putc(&t, '`');
			buf_append(&t, s, len);
			buf_putc(&t, '`');
		} else {
			tmpl_quote(&t, s, len);
		}
		break;
	case 'x':
	case 'X':
		for (size_t i = 0; i < len; i++)
			buf_printf(&t, f->verb == 'x' ? "%02x" : "%02X", (unsigned char)s[i]);
		break;
	default:
		buf_append(&t, s, len);
	}
	pad(b, buf_str(&t), t.len, f);
}

static void fmt_arg(struct buf *b, const json_t *v, const struct fmt_spec *f, int depth);

static void fmt_composite(struct buf *b, const json_t *v, const struct fmt_spec *f, int depth)
{
	size_t i, n;
	if (json_is_array(v)) {
		buf_putc(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_putc(b, ' ');
			fmt_arg(b, json_array_get(v, i), f, depth + 1);
		}
		buf_putc(b, ']');
		return;
	}
	_cleanup_free_ const char **keys = sorted_keys(v, &n);
	buf_puts(b, "map[");
	for (i = 0; i < n; i++) {
		json_t *k = json_string(keys[i]);
		if (i)
			buf_putc(b, ' ');
		fmt_arg(b, k, f, depth + 1);
		json_decref(k);
		buf_putc(b, ':');
		fmt_arg(b, json_object_get(v, keys[i]), f, depth + 1);
	}
	buf_putc(b, ']');
}

static void fmt_arg(struct buf *b, const json_t *v, const struct fmt_spec *f, int depth)
{
	long verb = f->verb;
	_cleanup_buf_ struct buf t = BUF_INIT;
	if (verb == 'T') {
		fmt_string(b, tmpl_type_name(v), strlen(tmpl_type_name(v)), f);
		return;
	}
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
		if (verb == 'v')
			fmt_string(b, "<nil>", 5, f);
		else
			bad_verb(b, v, f);
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		if (verb == 'v' || verb == 't')
			fmt_string(b, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5,
			           f);
		else
			bad_verb(b, v, f);
		return;
	case JSON_INTEGER: {
		long long iv = (long long)json_integer_value(v);
		if (verb == 'c') {
			put_rune(&t, (long)iv);
			pad(b, buf_str(&t), t.len, f);
		} else if (verb == 'q') {
			buf_putc(&t, '\'');
			if (iv == '\'')
				buf_puts(&t, "\\'");
			else if (iv >= 0x20 && iv != 0x7f && iv <= 0x10ffff)
				put_rune(&t, (long)iv);
			else
				buf_printf(&t, "\\x%02llx", iv & 0xff);
			buf_putc(&t, '\'');
			pad(b, buf_str(&t), t.len, f);
		} else if (verb == 'U') {
			buf_printf(&t, "U+%04llX", iv);
			pad(b, buf_str(&t), t.len, f);
		} else if (strchr("vdboOxX", (int)verb)) {
			struct fmt_spec g = *f;
			if (verb == 'v')
				g.verb = 'd';
			fmt_int(b, iv, &g);
		} else {
			bad_verb(b, v, f);
		}
		return;
	}
	case JSON_REAL: {
		double d = json_real_value(v);
		if (!strchr("vbeEfFgGxX", (int)verb)) {
			bad_verb(b, v, f);
			return;
		}
		if (f->plus && !signbit(d))
			buf_putc(&t, '+');
		else if (f->space && !signbit(d))
			buf_putc(&t, ' ');
		if (verb == 'x' || verb == 'X' || verb == 'b')
			buf_printf(&t, verb == 'X' ? "%A" : "%a", d);
		else
			tmpl_format_float(&t, d,
			                  verb == 'F'   ? 'f'
			                  : verb == 'v' ? 'g'
			                                : (char)verb,
			                  f->prec);
		pad(b, buf_str(&t), t.len, f);
		return;
	}
	case JSON_STRING:
		if (strchr("vsqxX", (int)verb))
			fmt_string(b, json_string_value(v), json_string_length(v), f);
		else
			bad_verb(b, v, f);
		return;
	default:
		if (depth > TMPL_MAX_DEPTH) {
			buf_puts(b, "...");
			return;
		}
		fmt_composite(b, v, f, depth);
	}
}

static int parse_num(const char *s, size_t len, size_t *i)
{
	int n = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (n < 1000000)
			n = n * 10 + (s[*i] - '0');
		(*i)++;
	}
	return n;
}

void tmpl_sprintf(struct buf *b, const char *fmt, size_t len, json_t *const *args, size_t n)
{
	size_t arg = 0, i = 0, used;
	while (i < len) {
		struct fmt_spec f = {.width = -1, .prec = -1};
		size_t start = i;
		while (i < len && fmt[i] != '%')
			i++;
		buf_append(b, fmt + start, i - start);
		if (i >= len)
			break;
		i++;
		for (; i < len; i++) {
			if (fmt[i] == '-')
				f.minus = true, f.zero = false;
			else if (fmt[i] == '+')
				f.plus = true;
			else if (fmt[i] == '#')
				f.sharp = true;
			else if (fmt[i] == '0')
				f.zero = !f.minus;
			else if (fmt[i] == ' ')
				f.space = true;
			else
				break;
		}
		if (i < len && fmt[i] == '*') {
			i++;
			if (arg < n && json_is_integer(args[arg])) {
				f.width = (int)json_integer_value(args[arg++]);
				if (f.width < 0)
					f.minus = true, f.zero = false, f.width = -f.width;
				if (f.width > 1000000)
					f.width = -1, buf_puts(b, "%!(BADWIDTH)");
			} else {
				arg += arg < n;
				buf_puts(b, "%!(BADWIDTH)");
			}
		} else {
			size_t s0 = i;
			int w = parse_num(fmt, len, &i);
			if (i > s0)
				f.width = w;
		}
		if (i < len && fmt[i] == '.') {
			i++;
			if (i < len && fmt[i] == '*') {
				i++;
				if (arg < n && json_is_integer(args[arg]) &&
				    json_integer_value(args[arg]) >= 0 &&
				    json_integer_value(args[arg]) < 1000000) {
					f.prec = (int)json_integer_value(args[arg++]);
				} else {
					arg += arg < n;
					buf_puts(b, "%!(BADPREC)");
				}
			} else {
				f.prec = parse_num(fmt, len, &i);
			}
		}
		if (i >= len) {
			buf_puts(b, "%!(NOVERB)");
			break;
		}
		f.verb = next_rune((const unsigned char *)fmt + i, len - i, &used);
		if (f.verb < 0)
			f.verb = 0xfffd;
		i += used;
		if (f.verb == '%') {
			buf_putc(b, '%');
			continue;
		}
		if (arg >= n) {
			buf_puts(b, "%!");
			put_rune(b, f.verb);
			buf_puts(b, "(MISSING)");
			continue;
		}
		if (f.verb == 'v' && (f.plus || f.sharp))
			f.plus = f.sharp = false;
		fmt_arg(b, args[arg++], &f, 0);
	}
	if (arg < n) {
		buf_puts(b, "%!(EXTRA ");
		for (size_t k = arg; k < n; k++) {
			if (k > arg)
				buf_puts(b, ", ");
			if (!args[k] || json_is_null(args[k])) {
				buf_puts(b, "<nil>");
				continue;
			}
			buf_printf(b, "%s=", tmpl_type_name(args[k]));
			tmpl_print_value(b, args[k]);
		}
		buf_putc(b, ')');
	}
}
