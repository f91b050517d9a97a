/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TOML scalars: the four string forms with their escapes, booleans, integers, floats and
 * the date-time family. The spec's ABNF (toml.abnf in toml-lang/toml) is the reference.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "toml-internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* longest token text quoted back in an error message */
#define SHOW_MAX 64

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int control_error(struct toml_parser *p, size_t pos, const char *what)
{
	unsigned char c = (unsigned char)p->s[pos];
	if (c == '\r')
		return toml_error_at(p, pos, "carriage return not followed by a newline in %s",
		                     what);
	return toml_error_at(p, pos, "control character U+%04X is not allowed in %s", c, what);
}

int toml_check_utf8(struct toml_parser *p)
{
	const unsigned char *s = (const unsigned char *)p->s;
	size_t i = 0;
	while (i < p->len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0) {
			n = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return toml_error_at(p, i, "invalid UTF-8");
		}
		if (i + n > p->len)
			return toml_error_at(p, i, "invalid UTF-8");
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return toml_error_at(p, i, "invalid UTF-8");
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, UTF-16 surrogates and values past U+10FFFF */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return toml_error_at(p, i, "invalid UTF-8");
		i += n;
	}
	return 0;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	char o[4];
	size_t n;
	if (cp < 0x80) {
		o[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), o[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	buf_append(b, o, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* p->pos is at the backslash of an escape (not a line-ending backslash) */
static int parse_escape(struct toml_parser *p, struct buf *b)
{
	size_t start = p->pos;
	if (p->pos + 1 >= p->len)
		return toml_error_at(p, start, "unterminated string");
	char c = p->s[p->pos + 1];
	const char *simple = NULL;
	switch (c) {
	case 'b':
		simple = "\b";
		break;
	case 't':
		simple = "\t";
		break;
	case 'n':
		simple = "\n";
		break;
	case 'f':
		simple = "\f";
		break;
	case 'r':
		simple = "\r";
		break;
	case '"':
		simple = "\"";
		break;
	case '\\':
		simple = "\\";
		break;
	case 'u':
	case 'U':
		break;
	default:
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return toml_error_at(p, start, "invalid escape sequence");
		return toml_error_at(p, start, "invalid escape sequence \"\\%c\"", c);
	}
	if (simple) {
		buf_putc(b, simple[0]);
		p->pos += 2;
		return 0;
	}
	size_t ndig = c == 'u' ? 4 : 8;
	uint32_t cp = 0;
	for (size_t k = 0; k < ndig; k++) {
		size_t at = p->pos + 2 + k;
		int h = at < p->len ? hexval(p->s[at]) : -1;
		if (h < 0)
			return toml_error_at(
			        p, start, "invalid unicode escape: expected %zu hex digits", ndig);
		cp = (cp << 4) | (uint32_t)h;
	}
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return toml_error_at(p, start, "invalid unicode escape: U+%X is not a scalar value",
		                     cp);
	put_utf8(b, cp);
	p->pos += 2 + ndig;
	return 0;
}

static void finish(struct buf *b, char **ret, size_t *ret_len)
{
	*ret_len = b->len;
	*ret = buf_take(b);
}

int toml_parse_basic_string(struct toml_parser *p, char **ret, size_t *ret_len)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t start = p->pos++;
	for (;;) {
		if (p->pos >= p->len || p->s[p->pos] == '\n')
			return toml_error_at(p, start, "unterminated string");
		char c = p->s[p->pos];
		if (c == '"') {
			p->pos++;
			finish(&b, ret, ret_len);
			return 0;
		}
		if (c == '\\') {
			int r = parse_escape(p, &b);
			if (r < 0)
				return r;
			continue;
		}
		if (is_control((unsigned char)c))
			return control_error(p, p->pos, "a string");
		buf_putc(&b, c);
		p->pos++;
	}
}

int toml_parse_literal_string(struct toml_parser *p, char **ret, size_t *ret_len)
{
	size_t start = p->pos++;
	size_t from = p->pos;
	for (;;) {
		if (p->pos >= p->len || p->s[p->pos] == '\n')
			return toml_error_at(p, start, "unterminated string");
		char c = p->s[p->pos];
		if (c == '\'')
			break;
		if (is_control((unsigned char)c))
			return control_error(p, p->pos, "a string");
		p->pos++;
	}
	*ret_len = p->pos - from;
	*ret = xstrndup(p->s + from, p->pos - from);
	p->pos++;
	return 0;
}

/* Skip the newline right after an opening multi-line delimiter (spec: it is trimmed). */
static void skip_first_newline(struct toml_parser *p)
{
	if (p->pos < p->len && p->s[p->pos] == '\n')
		p->pos++;
	else if (p->pos + 1 < p->len && p->s[p->pos] == '\r' && p->s[p->pos + 1] == '\n')
		p->pos += 2;
}

/*
 * At a run of delimiter quotes q inside a multi-line string: up to two quotes may precede
 * the closing three. Returns true when the string closed.
 */
static bool ml_quotes(struct toml_parser *p, char q, struct buf *b)
{
	size_t n = 0;
	while (p->pos + n < p->len && p->s[p->pos + n] == q && n < 5)
		n++;
	if (n < 3) {
		buf_append(b, p->s + p->pos, n);
		p->pos += n;
		return false;
	}
	buf_append(b, p->s + p->pos, n - 3);
	p->pos += n;
	return true;
}

/* A newline inside a multi-line string: CRLF is normalised to LF; a lone CR is an error. */
static int ml_newline(struct toml_parser *p, struct buf *b)
{
	if (p->s[p->pos] == '\r') {
		if (p->pos + 1 >= p->len || p->s[p->pos + 1] != '\n')
			return control_error(p, p->pos, "a string");
		p->pos++;
	}
	p->pos++;
	buf_putc(b, '\n');
	return 0;
}

/* A backslash followed by optional blanks and a newline eats all whitespace after it. */
static bool line_ending_backslash(struct toml_parser *p)
{
	size_t i = p->pos + 1;
	while (i < p->len && (p->s[i] == ' ' || p->s[i] == '\t'))
		i++;
	if (i < p->len && p->s[i] == '\n')
		;
	else if (i + 1 < p->len && p->s[i] == '\r' && p->s[i + 1] == '\n')
		;
	else
		return false;
	for (;;) {
		char c = i < p->len ? p->s[i] : 0;
		if (c == ' ' || c == '\t' || c == '\n')
			i++;
		else if (c == '\r' && i + 1 < p->len && p->s[i + 1] == '\n')
			i += 2;
		else
			break;
	}
	p->pos = i;
	return true;
}

int toml_parse_ml_basic_string(struct toml_parser *p, char **ret, size_t *ret_len)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t start = p->pos;
	p->pos += 3;
	skip_first_newline(p);
	for (;;) {
		if (p->pos >= p->len)
			return toml_error_at(p, start, "unterminated multi-line string");
		char c = p->s[p->pos];
		int r;
		if (c == '"') {
			if (ml_quotes(p, '"', &b))
				break;
		} else if (c == '\\') {
			if (!line_ending_backslash(p) && (r = parse_escape(p, &b)) < 0)
				return r;
		} else if (c == '\n' || c == '\r') {
			if ((r = ml_newline(p, &b)) < 0)
				return r;
		} else if (is_control((unsigned char)c)) {
			return control_error(p, p->pos, "a string");
		} else {
			buf_putc(&b, c);
			p->pos++;
		}
	}
	finish(&b, ret, ret_len);
	return 0;
}

int toml_parse_ml_literal_string(struct toml_parser *p, char **ret, size_t *ret_len)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t start = p->pos;
	p->pos += 3;
	skip_first_newline(p);
	for (;;) {
		if (p->pos >= p->len)
			return toml_error_at(p, start, "unterminated multi-line string");
		char c = p->s[p->pos];
		int r;
		if (c == '\'') {
			if (ml_quotes(p, '\'', &b))
				break;
		} else if (c == '\n' || c == '\r') {
			if ((r = ml_newline(p, &b)) < 0)
				return r;
		} else if (is_control((unsigned char)c)) {
			return control_error(p, p->pos, "a string");
		} else {
			buf_putc(&b, c);
			p->pos++;
		}
	}
	finish(&b, ret, ret_len);
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_base_digit(char c, int base)
{
	switch (base) {
	case 2:
		return c == '0' || c == '1';
	case 8:
		return c >= '0' && c <= '7';
	case 16:
		return hexval(c) >= 0;
	default:
		return is_digit(c);
	}
}

/*
 * Consume digit *( ["_"] digit ) at *i. Returns the number of digits (0: none there) or -1
 * when an underscore is not between two digits.
 */
static long scan_digits(const char *t, size_t len, size_t *i, int base)
{
	size_t j = *i;
	long n = 0;
	if (j < len && t[j] == '_')
		return -1;
	if (j >= len || !is_base_digit(t[j], base))
		return 0;
	while (j < len) {
		if (is_base_digit(t[j], base)) {
			n++, j++;
		} else if (t[j] == '_') {
			if (j + 1 >= len || !is_base_digit(t[j + 1], base))
				return -1;
			j++;
		} else {
			break;
		}
	}
	*i = j;
	return n;
}

static bool digits_at(const char *t, size_t len, size_t i, size_t n)
{
	if (i + n > len)
		return false;
	for (size_t k = 0; k < n; k++)
		if (!is_digit(t[i + k]))
			return false;
	return true;
}

static int num_at(const char *t, size_t i, size_t n)
{
	int v = 0;
	for (size_t k = 0; k < n; k++)
		v = v * 10 + (t[i + k] - '0');
	return v;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Classify and validate a date-time token (RFC 3339 as profiled by TOML 1.0). */
static enum toml_type datetime_type(const char *t, size_t len)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i = 0;
	bool has_date = false;
	if (len >= 10 && t[4] == '-') {
		if (!digits_at(t, len, 0, 4) || t[4] != '-' || !digits_at(t, len, 5, 2) ||
		    t[7] != '-' || !digits_at(t, len, 8, 2))
			return _TOML_TYPE_INVALID;
		int y = num_at(t, 0, 4), m = num_at(t, 5, 2), d = num_at(t, 8, 2);
		if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
		    (m == 2 && d == 29 && !is_leap(y)))
			return _TOML_TYPE_INVALID;
		has_date = true;
		i = 10;
		if (i == len)
			return TOML_LOCAL_DATE;
		if (t[i] != 'T' && t[i] != 't' && t[i] != ' ')
			return _TOML_TYPE_INVALID;
		i++;
	}
	if (!digits_at(t, len, i, 2) || i + 2 >= len || t[i + 2] != ':' ||
	    !digits_at(t, len, i + 3, 2) || i + 5 >= len || t[i + 5] != ':' ||
	    !digits_at(t, len, i + 6, 2))
		return _TOML_TYPE_INVALID;
	if (num_at(t, i, 2) > 23 || num_at(t, i + 3, 2) > 59 || num_at(t, i + 6, 2) > 60)
		return _TOML_TYPE_INVALID;
	i += 8;
	if (i < len && t[i] == '.') {
		i++;
		if (!digits_at(t, len, i, 1))
			return _TOML_TYPE_INVALID;
		while (i < len && is_digit(t[i]))
			i++;
	}
	if (i == len)
		return has_date ? TOML_LOCAL_DATETIME : TOML_LOCAL_TIME;
	if (!has_date)
		return _TOML_TYPE_INVALID;
	if ((t[i] == 'Z' || t[i] == 'z') && i + 1 == len)
		return TOML_OFFSET_DATETIME;
	if ((t[i] == '+' || t[i] == '-') && i + 6 == len && digits_at(t, len, i + 1, 2) &&
	    t[i + 3] == ':' && digits_at(t, len, i + 4, 2) && num_at(t, i + 1, 2) <= 23 &&
	    num_at(t, i + 4, 2) <= 59)
		return TOML_OFFSET_DATETIME;
	return _TOML_TYPE_INVALID;
}

static int number_error(struct toml_parser *p, size_t start, const char *t, size_t len,
                        const char *what)
{
	return toml_error_at(p, start, "%s \"%.*s\"", what, (int)(len > SHOW_MAX ? SHOW_MAX : len),
	                     t);
}

/* Accumulate an integer of the given base (digits already validated) with overflow checks. */
static bool accumulate(const char *t, size_t from, size_t to, int base, uint64_t limit,
                       uint64_t *ret)
{
	uint64_t v = 0;
	for (size_t i = from; i < to; i++) {
		if (t[i] == '_')
			continue;
		uint64_t d = (uint64_t)hexval(t[i]);
		if (v > (limit - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
	}
	*ret = v;
	return true;
}

static int parse_prefixed_int(struct toml_parser *p, size_t start, const char *t, size_t len,
                              struct toml_value *v)
{
	int base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
	size_t i = 2;
	long n = scan_digits(t, len, &i, base);
	if (n <= 0 || i != len)
		return number_error(p, start, t, len, "invalid integer");
	uint64_t u;
	if (!accumulate(t, 2, len, base, INT64_MAX, &u))
		return number_error(p, start, t, len, "integer out of range:");
	v->type = TOML_INTEGER;
	v->i = (int64_t)u;
	return 0;
}

static int parse_float_text(struct toml_parser *p, size_t start, const char *t, size_t len,
                            struct toml_value *v)
{
	_cleanup_free_ char *clean = xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] != '_')
			clean[n++] = t[i];
	clean[n] = 0;
	char *end = NULL;
	/* strtod follows LC_NUMERIC; cpod never changes it from "C" */
	double d = strtod(clean, &end);
	if (!end || *end)
		return number_error(p, start, t, len, "invalid float");
	v->type = TOML_FLOAT;
	v->f = d;
	return 0;
}

static int parse_number(struct toml_parser *p, size_t start, const char *t, size_t len,
                        struct toml_value *v)
{
	size_t i = 0;
	bool neg = false;
	if (len >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b'))
		return parse_prefixed_int(p, start, t, len, v);
	if (i < len && (t[i] == '+' || t[i] == '-'))
		neg = t[i++] == '-';
	if (len - i == 3 && (memcmp(t + i, "inf", 3) == 0 || memcmp(t + i, "nan", 3) == 0)) {
		v->type = TOML_FLOAT;
		v->f = t[i] == 'i' ? (neg ? -__builtin_inf() : __builtin_inf())
		                   : (neg ? -__builtin_nan("") : __builtin_nan(""));
		return 0;
	}
	size_t int_from = i;
	long n = scan_digits(t, len, &i, 10);
	if (n <= 0)
		return number_error(p, start, t, len, "invalid value");
	if (t[int_from] == '0' && n > 1)
		return number_error(p, start, t, len, "leading zeros are not allowed in");
	size_t int_to = i;
	bool is_float = false;
	if (i < len && t[i] == '.') {
		i++;
		is_float = true;
		if (scan_digits(t, len, &i, 10) <= 0)
			return number_error(p, start, t, len, "invalid float");
	}
	if (i < len && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		is_float = true;
		if (i < len && (t[i] == '+' || t[i] == '-'))
			i++;
		if (scan_digits(t, len, &i, 10) <= 0)
			return number_error(p, start, t, len, "invalid float");
	}
	if (i != len)
		return number_error(p, start, t, len, is_float ? "invalid float" : "invalid value");
	if (is_float)
		return parse_float_text(p, start, t, len, v);
	uint64_t u;
	if (!accumulate(t, int_from, int_to, 10, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &u))
		return number_error(p, start, t, len, "integer out of range:");
	v->type = TOML_INTEGER;
	v->i = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
	       c == '+' || c == '-' || c == '.' || c == ':';
}

int toml_parse_bare_value(struct toml_parser *p, struct toml_value *v)
{
	size_t start = p->pos, end = p->pos;
	while (end < p->len && is_token_char(p->s[end]))
		end++;
	/* a date may be separated from its time by one space: 1979-05-27 07:32:00Z */
	if (end - start == 10 && end + 3 < p->len && p->s[end] == ' ' &&
	    datetime_type(p->s + start, 10) == TOML_LOCAL_DATE && is_digit(p->s[end + 1]) &&
	    is_digit(p->s[end + 2]) && p->s[end + 3] == ':') {
		end++;
		while (end < p->len && is_token_char(p->s[end]))
			end++;
	}
	const char *t = p->s + start;
	size_t len = end - start;
	if (len == 0) {
		char tmp[8];
		return toml_error_at(p, start, "expected a value, found %s", toml_found(p, tmp));
	}
	p->pos = end;
	if (len == 4 && memcmp(t, "true", 4) == 0) {
		v->type = TOML_BOOL, v->b = true;
		return 0;
	}
	if (len == 5 && memcmp(t, "false", 5) == 0) {
		v->type = TOML_BOOL, v->b = false;
		return 0;
	}
	if ((len >= 3 && t[2] == ':') || (len >= 10 && t[4] == '-' && is_digit(t[0]))) {
		enum toml_type dt = datetime_type(t, len);
		if (dt == _TOML_TYPE_INVALID)
			return number_error(p, start, t, len, "invalid date-time");
		v->type = dt;
		v->str.ptr = xstrndup(t, len);
		v->str.len = len;
		return 0;
	}
	return parse_number(p, start, t, len, v);
}
