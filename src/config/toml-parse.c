/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TOML document structure: comments, keys, key/value pairs, [tables], [[arrays of tables]],
 * arrays and inline tables, and the spec's rules on what may be defined or extended when.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "toml-internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct key_part {
	char *s; /* owned */
	size_t len;
	size_t pos; /* where it starts in the document */
};

struct key {
	struct key_part parts[TOML_MAX_DEPTH];
	size_t n;
};

static void key_release(struct key *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->parts[i].s);
	k->n = 0;
}
#define _cleanup_key_ _cleanup_(key_release)

void toml_pos_linecol(struct toml_parser *p, size_t pos, unsigned *line, unsigned *col)
{
	if (pos < p->lc_pos) {
		p->lc_pos = 0;
		p->lc_line = 1;
		p->lc_col = 1;
	}
	for (size_t i = p->lc_pos; i < pos && i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];
		if (c == '\n') {
			p->lc_line++;
			p->lc_col = 1;
		} else if ((c & 0xc0) != 0x80) {
			p->lc_col++;
		}
	}
	p->lc_pos = pos;
	*line = p->lc_line;
	*col = p->lc_col;
}

int toml_error_at(struct toml_parser *p, size_t pos, const char *fmt, ...)
{
	unsigned line, col;
	toml_pos_linecol(p, pos, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	return cpod_error_set(p->err, EINVAL, "line %u, column %u: %s", line, col, msg);
}

/* Describe what sits at p->pos for "expected X, found Y" messages. */
const char *toml_found(struct toml_parser *p, char tmp[8])
{
	if (p->pos >= p->len)
		return "end of file";
	unsigned char c = (unsigned char)p->s[p->pos];
	if (c == '\n' || c == '\r')
		return "newline";
	size_t n = 1;
	if (c >= 0x80)
		while (n < 4 && p->pos + n < p->len &&
		       ((unsigned char)p->s[p->pos + n] & 0xc0) == 0x80)
			n++;
	if (c < 0x20 || c == 0x7f) {
		snprintf(tmp, 8, "U+%04X", c);
		return tmp;
	}
	tmp[0] = '\'';
	memcpy(tmp + 1, p->s + p->pos, n);
	tmp[n + 1] = '\'';
	tmp[n + 2] = 0;
	return tmp;
}

static void position(struct toml_parser *p, struct toml_value *v, size_t pos)
{
	toml_pos_linecol(p, pos, &v->line, &v->column);
}

static void skip_ws(struct toml_parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

/* At '#': skip to the end of the line, rejecting control characters (spec §Comment). */
static int skip_comment(struct toml_parser *p)
{
	while (p->pos < p->len && p->s[p->pos] != '\n') {
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n')
			break;
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			if (c == '\r')
				return toml_error_at(p, p->pos,
				                     "carriage return not followed by a "
				                     "newline in a comment");
			return toml_error_at(p, p->pos,
			                     "control character U+%04X is not allowed in a comment",
			                     c);
		}
		p->pos++;
	}
	return 0;
}

/* Consume one newline (LF or CRLF) if present; 1 if consumed, 0 if not, <0 on a lone CR. */
static int eat_newline(struct toml_parser *p)
{
	if (p->pos < p->len && p->s[p->pos] == '\n') {
		p->pos++;
		return 1;
	}
	if (p->pos < p->len && p->s[p->pos] == '\r') {
		if (p->pos + 1 < p->len && p->s[p->pos + 1] == '\n') {
			p->pos += 2;
			return 1;
		}
		return toml_error_at(p, p->pos, "carriage return not followed by a newline");
	}
	return 0;
}

/* Whitespace, comments and newlines, as allowed between array elements. */
static int skip_ws_comments_newlines(struct toml_parser *p)
{
	for (;;) {
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == '#') {
			int r = skip_comment(p);
			if (r < 0)
				return r;
		}
		int r = eat_newline(p);
		if (r < 0)
			return r;
		if (r == 0)
			return 0;
	}
}

/* After a key/value or header: only blanks and a comment may follow on the line. */
static int expect_eol(struct toml_parser *p, const char *after)
{
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '#') {
		int r = skip_comment(p);
		if (r < 0)
			return r;
	}
	if (p->pos >= p->len)
		return 0;
	int r = eat_newline(p);
	if (r != 0)
		return r < 0 ? r : 0;
	char tmp[8];
	return toml_error_at(p, p->pos, "expected newline after %s, found %s", after,
	                     toml_found(p, tmp));
}

static bool is_bare_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static bool at_triple(struct toml_parser *p, char q)
{
	return p->pos + 2 < p->len && p->s[p->pos] == q && p->s[p->pos + 1] == q &&
	       p->s[p->pos + 2] == q;
}

static int parse_simple_key(struct toml_parser *p, struct key_part *part)
{
	part->pos = p->pos;
	char c = p->pos < p->len ? p->s[p->pos] : 0;
	if (c == '"' || c == '\'') {
		if (at_triple(p, c))
			return toml_error_at(p, p->pos,
			                     "multi-line strings are not allowed as keys");
		if (c == '"')
			return toml_parse_basic_string(p, &part->s, &part->len);
		return toml_parse_literal_string(p, &part->s, &part->len);
	}
	size_t start = p->pos;
	while (p->pos < p->len && is_bare_key_char(p->s[p->pos]))
		p->pos++;
	if (p->pos == start) {
		char tmp[8];
		return toml_error_at(p, p->pos, "expected a key, found %s", toml_found(p, tmp));
	}
	part->len = p->pos - start;
	part->s = xstrndup(p->s + start, part->len);
	return 0;
}

/* key = simple-key *( ws "." ws simple-key ) */
static int parse_key(struct toml_parser *p, struct key *k)
{
	for (;;) {
		if (k->n == TOML_MAX_DEPTH)
			return toml_error_at(p, p->pos, "key has too many parts");
		int r = parse_simple_key(p, &k->parts[k->n]);
		if (r < 0)
			return r;
		k->n++;
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != '.')
			return 0;
		p->pos++;
		skip_ws(p);
	}
}

/* "a.b.c" for messages, parts [0, upto] */
static char *key_path(const struct key *k, size_t upto)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	for (size_t i = 0; i <= upto && i < k->n; i++) {
		if (i)
			buf_putc(&b, '.');
		buf_puts(&b, k->parts[i].s);
	}
	return buf_take(&b);
}

static int check_depth(struct toml_parser *p, unsigned depth, size_t pos)
{
	if (depth > TOML_MAX_DEPTH)
		return toml_error_at(p, pos, "nesting deeper than %d levels", TOML_MAX_DEPTH);
	return 0;
}

static struct toml_value *add_table(struct toml_parser *p, struct toml_value *parent,
                                    struct key_part *part, unsigned flags)
{
	struct toml_value *t = toml_value_new(TOML_TABLE, parent->depth + 1);
	t->flags = flags;
	position(p, t, part->pos);
	/* copied, not taken: later error messages still print the key as written */
	toml_table_insert(parent, xmemdup(part->s, part->len + 1), part->len, t);
	return t;
}

static int parse_value(struct toml_parser *p, unsigned depth, struct toml_value **ret);

/*
 * Walk the dotted key of a key/value pair from table t, creating the intermediate tables,
 * and store the value under the last part.
 */
static int parse_keyval(struct toml_parser *p, struct toml_value *t)
{
	_cleanup_key_ struct key k = {.n = 0};
	int r = parse_key(p, &k);
	if (r < 0)
		return r;
	for (size_t i = 0; i + 1 < k.n; i++) {
		struct key_part *part = &k.parts[i];
		struct toml_value *c = toml_table_lookup(t, part->s, part->len);
		if (!c) {
			if ((r = check_depth(p, t->depth + 1, part->pos)) < 0)
				return r;
			t = add_table(p, t, part, TOML_DOTTED);
			continue;
		}
		if (c->type == TOML_TABLE && (c->flags & (TOML_DOTTED | TOML_IMPLICIT)) &&
		    !(c->flags & TOML_FROZEN)) {
			/* a table only implied by a header becomes defined by these dotted keys */
			c->flags = (c->flags & ~TOML_IMPLICIT) | TOML_DOTTED;
			t = c;
			continue;
		}
		_cleanup_free_ char *name = key_path(&k, i);
		if (c->type != TOML_TABLE)
			return toml_error_at(p, k.parts[0].pos, "duplicate key \"%s\"", name);
		if (c->flags & TOML_FROZEN)
			return toml_error_at(p, k.parts[0].pos, "cannot extend inline table \"%s\"",
			                     name);
		return toml_error_at(p, k.parts[0].pos, "table \"%s\" already defined", name);
	}
	struct key_part *last = &k.parts[k.n - 1];
	if (toml_table_lookup(t, last->s, last->len)) {
		_cleanup_free_ char *name = key_path(&k, k.n - 1);
		return toml_error_at(p, k.parts[0].pos, "duplicate key \"%s\"", name);
	}
	skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != '=') {
		char tmp[8];
		return toml_error_at(p, p->pos, "expected '=' after key, found %s",
		                     toml_found(p, tmp));
	}
	p->pos++;
	skip_ws(p);
	struct toml_value *v = NULL;
	if ((r = parse_value(p, t->depth + 1, &v)) < 0)
		return r;
	toml_table_insert(t, TAKE_PTR(last->s), last->len, v);
	return 0;
}

static void freeze(struct toml_value *v)
{
	v->flags |= TOML_FROZEN;
	if (v->type != TOML_TABLE)
		return;
	for (size_t i = 0; i < v->tab.n; i++)
		if (v->tab.entries[i].value->type == TOML_TABLE)
			freeze(v->tab.entries[i].value);
}

/* inline-table = "{" ws [ keyval *( ws "," ws keyval ) ] ws "}" -- one line, no trailing comma */
static int parse_inline_table(struct toml_parser *p, struct toml_value *t)
{
	size_t start = p->pos++;
	char tmp[8];
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		freeze(t);
		return 0;
	}
	for (;;) {
		int r = parse_keyval(p, t);
		if (r < 0)
			return r;
		skip_ws(p);
		if (p->pos >= p->len)
			return toml_error_at(p, start, "unterminated inline table");
		char c = p->s[p->pos];
		if (c == '}') {
			p->pos++;
			freeze(t);
			return 0;
		}
		if (c == '\n' || c == '\r')
			return toml_error_at(p, p->pos,
			                     "newlines are not allowed in inline tables");
		if (c != ',')
			return toml_error_at(p, p->pos,
			                     "expected ',' or '}' in inline table, found %s",
			                     toml_found(p, tmp));
		p->pos++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == '}')
			return toml_error_at(p, p->pos,
			                     "trailing comma is not allowed in inline tables");
	}
}

/* array = "[" *( ws-comment-newline value ws-comment-newline "," ) [ ... ] "]" */
static int parse_array(struct toml_parser *p, struct toml_value *a)
{
	size_t start = p->pos++;
	char tmp[8];
	for (;;) {
		int r = skip_ws_comments_newlines(p);
		if (r < 0)
			return r;
		if (p->pos >= p->len)
			return toml_error_at(p, start, "unterminated array");
		if (p->s[p->pos] == ']') {
			p->pos++;
			return 0;
		}
		struct toml_value *v = NULL;
		if ((r = parse_value(p, a->depth + 1, &v)) < 0)
			return r;
		toml_array_push(a, v);
		if ((r = skip_ws_comments_newlines(p)) < 0)
			return r;
		if (p->pos >= p->len)
			return toml_error_at(p, start, "unterminated array");
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == ']') {
			p->pos++;
			return 0;
		}
		return toml_error_at(p, p->pos, "expected ',' or ']' in array, found %s",
		                     toml_found(p, tmp));
	}
}

static int parse_value(struct toml_parser *p, unsigned depth, struct toml_value **ret)
{
	size_t start = p->pos;
	int r = check_depth(p, depth, start);
	if (r < 0)
		return r;
	_cleanup_toml_ struct toml_value *v = toml_value_new(TOML_STRING, depth);
	position(p, v, start);
	char c = p->pos < p->len ? p->s[p->pos] : 0;
	switch (c) {
	case '"':
		r = at_triple(p, '"') ? toml_parse_ml_basic_string(p, &v->str.ptr, &v->str.len)
		                      : toml_parse_basic_string(p, &v->str.ptr, &v->str.len);
		break;
	case '\'':
		r = at_triple(p, '\'') ? toml_parse_ml_literal_string(p, &v->str.ptr, &v->str.len)
		                       : toml_parse_literal_string(p, &v->str.ptr, &v->str.len);
		break;
	case '[':
		v->type = TOML_ARRAY;
		v->flags = TOML_FROZEN;
		r = parse_array(p, v);
		break;
	case '{':
		v->type = TOML_TABLE;
		r = parse_inline_table(p, v);
		break;
	default:
		r = toml_parse_bare_value(p, v);
		break;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

/* [a.b.c] or [[a.b.c]]: make p->cur the table that the following key/values go to. */
static int parse_header(struct toml_parser *p)
{
	_cleanup_key_ struct key k = {.n = 0};
	size_t start = p->pos;
	bool aot = p->pos + 1 < p->len && p->s[p->pos + 1] == '[';
	char tmp[8];
	p->pos += aot ? 2 : 1;
	skip_ws(p);
	int r = parse_key(p, &k);
	if (r < 0)
		return r;
	if (p->pos >= p->len || p->s[p->pos] != ']' ||
	    (aot && (p->pos + 1 >= p->len || p->s[p->pos + 1] != ']'))) {
		if (aot && p->pos < p->len && p->s[p->pos] == ']')
			p->pos++;
		return toml_error_at(p, p->pos, "expected '%s' to close the table header, found %s",
		                     aot ? "]]" : "]", toml_found(p, tmp));
	}
	p->pos += aot ? 2 : 1;

	_cleanup_free_ char *full = key_path(&k, k.n - 1);
	struct toml_value *t = p->root;
	for (size_t i = 0; i + 1 < k.n; i++) {
		struct key_part *part = &k.parts[i];
		struct toml_value *c = toml_table_lookup(t, part->s, part->len);
		if (!c) {
			if ((r = check_depth(p, t->depth + 1, part->pos)) < 0)
				return r;
			t = add_table(p, t, part, TOML_IMPLICIT);
			continue;
		}
		if (c->type == TOML_ARRAY && (c->flags & TOML_AOT)) {
			t = c->arr.items[c->arr.n - 1];
			continue;
		}
		_cleanup_free_ char *name = key_path(&k, i);
		if (c->type != TOML_TABLE)
			return toml_error_at(p, start,
			                     "cannot define table \"%s\": \"%s\" is not a "
			                     "table",
			                     full, name);
		if (c->flags & TOML_FROZEN)
			return toml_error_at(p, start, "cannot extend inline table \"%s\"", name);
		t = c;
	}

	struct key_part *last = &k.parts[k.n - 1];
	struct toml_value *c = toml_table_lookup(t, last->s, last->len);
	if (!aot) {
		if (!c) {
			if ((r = check_depth(p, t->depth + 1, last->pos)) < 0)
				return r;
			p->cur = add_table(p, t, last, TOML_EXPLICIT);
			return 0;
		}
		if (c->type == TOML_ARRAY && (c->flags & TOML_AOT))
			return toml_error_at(p, start,
			                     "table \"%s\" already defined as an array of tables",
			                     full);
		if (c->type != TOML_TABLE)
			return toml_error_at(p, start, "duplicate key \"%s\"", full);
		if (c->flags & TOML_FROZEN)
			return toml_error_at(p, start, "cannot extend inline table \"%s\"", full);
		if (c->flags & (TOML_EXPLICIT | TOML_DOTTED))
			return toml_error_at(p, start, "table \"%s\" already defined", full);
		c->flags = (c->flags & ~TOML_IMPLICIT) | TOML_EXPLICIT;
		position(p, c, last->pos);
		p->cur = c;
		return 0;
	}

	if (!c) {
		if ((r = check_depth(p, t->depth + 2, last->pos)) < 0)
			return r;
		c = toml_value_new(TOML_ARRAY, t->depth + 1);
		c->flags = TOML_AOT;
		position(p, c, last->pos);
		toml_table_insert(t, TAKE_PTR(last->s), last->len, c);
	} else if (c->type != TOML_ARRAY) {
		return toml_error_at(p, start,
		                     "cannot define array of tables \"%s\": already "
		                     "defined as %s",
		                     full, toml_type_name(c->type));
	} else if (!(c->flags & TOML_AOT)) {
		return toml_error_at(p, start, "cannot append to static array \"%s\"", full);
	}
	struct toml_value *elem = toml_value_new(TOML_TABLE, c->depth + 1);
	elem->flags = TOML_EXPLICIT;
	position(p, elem, last->pos);
	toml_array_push(c, elem);
	p->cur = elem;
	return 0;
}

static int parse_document(struct toml_parser *p)
{
	int r;
	/* a UTF-8 byte order mark is tolerated, as BurntSushi/toml (used by Podman) does */
	if (p->len >= 3 && memcmp(p->s, "\xef\xbb\xbf", 3) == 0)
		p->pos = 3;
	for (;;) {
		skip_ws(p);
		if (p->pos >= p->len)
			return 0;
		char c = p->s[p->pos];
		if (c == '#') {
			if ((r = skip_comment(p)) < 0)
				return r;
			continue;
		}
		if ((r = eat_newline(p)) != 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (c == '[') {
			if ((r = parse_header(p)) < 0 || (r = expect_eol(p, "table header")) < 0)
				return r;
		} else {
			if ((r = parse_keyval(p, p->cur)) < 0 || (r = expect_eol(p, "value")) < 0)
				return r;
		}
	}
}

int toml_parse(const char *data, size_t len, struct toml_value **ret, struct cpod_error **err)
{
	if (len > TOML_MAX_INPUT)
		return cpod_error_set(err, EFBIG, "document too large: %zu bytes (at most %d)", len,
		                      TOML_MAX_INPUT);
	_cleanup_toml_ struct toml_value *root = toml_value_new(TOML_TABLE, 0);
	root->flags = TOML_EXPLICIT;
	root->line = root->column = 1;
	struct toml_parser p = {
	        .s = data ? data : "",
	        .len = data ? len : 0,
	        .lc_line = 1,
	        .lc_col = 1,
	        .root = root,
	        .cur = root,
	        .err = err,
	};
	int r = toml_check_utf8(&p);
	if (r < 0)
		return r;
	if ((r = parse_document(&p)) < 0)
		return r;
	*ret = TAKE_PTR(root);
	return 0;
}
