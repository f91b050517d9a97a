/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lexer for Go templates. It follows the state machine of Go's text/template/parse/lex.go
 * (same token kinds, trim markers, comment rules and error messages) but produces the whole
 * token array at once.
 */
#include <string.h>

#include "template-internal.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct lexer {
	const char *in;
	size_t len;
	size_t pos;
	size_t start;
	int paren_depth;
	struct lex_result *res;
	size_t cap;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alnum(unsigned char c)
{
	/* bytes >= 0x80 are taken as letters: Go accepts Unicode letters in identifiers */
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

static int peek(const struct lexer *l)
{
	return l->pos < l->len ? (unsigned char)l->in[l->pos] : -1;
}

static bool has_prefix(const struct lexer *l, size_t at, const char *p)
{
	size_t n = strlen(p);
	return at <= l->len && l->len - at >= n && memcmp(l->in + at, p, n) == 0;
}

static void emit_tok(struct lexer *l, enum tok_type t, size_t start, size_t end)
{
	struct lex_result *r = l->res;
	if (r->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		r->toks = xrealloc(r->toks, l->cap * sizeof(*r->toks));
	}
	r->toks[r->n++] = (struct token){t, start, l->in + start, end - start};
}

static void emit(struct lexer *l, enum tok_type t)
{
	emit_tok(l, t, l->start, l->pos);
	l->start = l->pos;
}

static bool lex_error(struct lexer *l, const char *msg)
{
	l->res->errmsg = xstrdup(msg);
	l->res->errpos = l->start;
	return false;
}

/* "{{- " : a left trim marker is a '-' followed by a space */
static bool left_trim_at(const struct lexer *l, size_t at)
{
	return at + 1 < l->len && l->in[at] == '-' && is_space(l->in[at + 1]);
}

/* at a right delimiter? sets *trim for " -}}" */
static bool at_right_delim(const struct lexer *l, bool *trim)
{
	if (l->pos + 1 < l->len && is_space(l->in[l->pos]) && l->in[l->pos + 1] == '-' &&
	    has_prefix(l, l->pos + 2, "}}")) {
		*trim = true;
		return true;
	}
	*trim = false;
	return has_prefix(l, l->pos, "}}");
}

static bool at_terminator(const struct lexer *l)
{
	int c = peek(l);
	if (c < 0 || is_space((char)c))
		return true;
	switch (c) {
	case '.':
	case ',':
	case '|':
	case ':':
	case ')':
	case '(':
		return true;
	}
	return has_prefix(l, l->pos, "}}");
}

static void skip_spaces(struct lexer *l)
{
	while (l->pos < l->len && is_space(l->in[l->pos]))
		l->pos++;
	l->start = l->pos;
}

static bool lex_right_delim(struct lexer *l, bool trim)
{
	if (trim)
		l->pos += 2;
	l->start = l->pos;
	l->pos += 2;
	emit(l, T_RDELIM);
	if (trim)
		skip_spaces(l);
	return true;
}

static bool lex_comment(struct lexer *l)
{
	const char *end = memmem(l->in + l->pos, l->len - l->pos, "*/", 2);
	bool trim;
	if (!end)
		return lex_error(l, "unclosed comment");
	l->pos = (size_t)(end - l->in) + 2;
	if (!at_right_delim(l, &trim))
		return lex_error(l, "comment ends before closing delimiter");
	l->pos += trim ? 4 : 2;
	l->start = l->pos;
	if (trim)
		skip_spaces(l);
	return true;
}

static bool lex_quote(struct lexer *l, char q, const char *unterminated)
{
	for (;;) {
		int c = peek(l);
		if (c < 0 || (c == '\n' && q != '`'))
			return lex_error(l, unterminated);
		l->pos++;
		if (c == '\\' && q != '`') {
			c = peek(l);
			if (c < 0 || c == '\n')
				return lex_error(l, unterminated);
			l->pos++;
		} else if (c == q) {
			break;
		}
	}
	emit(l, q == '"' ? T_STRING : q == '`' ? T_RAWSTRING : T_CHARCONST);
	return true;
}

static bool accept(struct lexer *l, const char *valid)
{
	int c = peek(l);
	if (c > 0 && strchr(valid, c)) {
		l->pos++;
		return true;
	}
	return false;
}

static void accept_run(struct lexer *l, const char *valid)
{
	while (accept(l, valid))
		;
}

/* Go's scanNumber: sign, base prefixes, underscores, fraction, exponent */
static bool lex_number(struct lexer *l)
{
	const char *digits = "0123456789_";
	accept(l, "+-");
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (peek(l) >= 0 && is_alnum((unsigned char)peek(l))) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		l->pos++;
		buf_puts(&b, "bad number syntax: ");
		tmpl_quote(&b, l->in + l->start, l->pos - l->start);
		return lex_error(l, buf_str(&b));
	}
	emit(l, T_NUMBER);
	return true;
}

static const struct {
	const char *word;
	enum tok_type type;
} keywords[] = {
        {"block", T_KW_BLOCK},
        {"break", T_KW_BREAK},
        {"continue", T_KW_CONTINUE},
        {"define", T_KW_DEFINE},
        {"else", T_KW_ELSE},
        {"end", T_KW_END},
        {"if", T_KW_IF},
        {"range", T_KW_RANGE},
        {"nil", T_NIL},
        {"template", T_KW_TEMPLATE},
        {"with", T_KW_WITH},
};

/* Go's "bad character %#U" */
static bool bad_char(struct lexer *l)
{
	_cleanup_free_ char *msg = NULL;
	int c = peek(l);
	if (c >= 0x20 && c < 0x7f)
		msg = xasprintf("bad character U+%04X '%c'", (unsigned)c, c);
	else
		msg = xasprintf("bad character U+%04X", (unsigned)(c < 0 ? 0xfffd : c));
	return lex_error(l, msg);
}

static bool lex_identifier(struct lexer *l)
{
	size_t n;
	while (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos]))
		l->pos++;
	if (!at_terminator(l))
		return bad_char(l);
	n = l->pos - l->start;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == n &&
		    memcmp(keywords[i].word, l->in + l->start, n) == 0) {
			emit(l, keywords[i].type);
			return true;
		}
	}
	if ((n == 4 && memcmp(l->in + l->start, "true", 4) == 0) ||
	    (n == 5 && memcmp(l->in + l->start, "false", 5) == 0))
		emit(l, T_BOOL);
	else
		emit(l, T_IDENT);
	return true;
}

/* after '.' or '$' */
static bool lex_field_or_var(struct lexer *l, enum tok_type t)
{
	if (at_terminator(l)) {
		emit(l, t == T_VARIABLE ? T_VARIABLE : T_DOT);
		return true;
	}
	while (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos]))
		l->pos++;
	if (!at_terminator(l))
		return bad_char(l);
	emit(l, t);
	return true;
}

static bool lex_inside_action(struct lexer *l)
{
	for (;;) {
		bool trim;
		int c;
		if (at_right_delim(l, &trim)) {
			if (l->paren_depth > 0)
				return lex_error(l, "unclosed left paren");
			return lex_right_delim(l, trim);
		}
		c = peek(l);
		l->start = l->pos;
		if (c < 0)
			return lex_error(l, "unclosed action");
		l->pos++;
		if (is_space((char)c)) {
			while (l->pos < l->len && is_space(l->in[l->pos]))
				l->pos++;
			/* keep the space before " -}}" for the delimiter */
			if (has_prefix(l, l->pos, "-}}")) {
				l->pos--;
				if (l->pos == l->start)
					continue;
			}
			emit(l, T_SPACE);
			continue;
		}
		switch (c) {
		case '=':
			emit(l, T_ASSIGN);
			continue;
		case ':':
			if (peek(l) != '=')
				return lex_error(l, "expected :=");
			l->pos++;
			emit(l, T_DECLARE);
			continue;
		case '|':
			emit(l, T_PIPE);
			continue;
		case '"':
			if (!lex_quote(l, '"', "unterminated quoted string"))
				return false;
			continue;
		case '`':
			if (!lex_quote(l, '`', "unterminated raw quoted string"))
				return false;
			continue;
		case '\'':
			if (!lex_quote(l, '\'', "unterminated character constant"))
				return false;
			continue;
		case '$':
			if (!lex_field_or_var(l, T_VARIABLE))
				return false;
			continue;
		case '(':
			emit(l, T_LPAREN);
			l->paren_depth++;
			continue;
		case ')':
			if (--l->paren_depth < 0)
				return lex_error(l, "unexpected right paren");
			emit(l, T_RPAREN);
			continue;
		}
		if (c == '.' && !(peek(l) >= '0' && peek(l) <= '9')) {
			if (!lex_field_or_var(l, T_FIELD))
				return false;
			continue;
		}
		if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
			l->pos--;
			if (!lex_number(l))
				return false;
			continue;
		}
		if (is_alnum((unsigned char)c)) {
			if (!lex_identifier(l))
				return false;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			emit(l, T_CHAR);
			continue;
		}
		return lex_error(l, "unrecognized character in action");
	}
}

void tmpl_lex(const char *text, size_t len, struct lex_result *res)
{
	struct lexer l = {.in = text, .len = len, .res = res};
	*res = (struct lex_result){0};
	while (l.pos < l.len) {
		const char *d = memmem(text + l.pos, len - l.pos, "{{", 2);
		size_t dpos = d ? (size_t)(d - text) : len;
		size_t tend = dpos;
		bool ltrim = d && left_trim_at(&l, dpos + 2);
		if (ltrim)
			while (tend > l.pos && is_space(text[tend - 1]))
				tend--;
		if (tend > l.pos)
			emit_tok(&l, T_TEXT, l.pos, tend);
		if (!d) {
			l.pos = len;
			break;
		}
		l.pos = dpos + 2 + (ltrim ? 2 : 0);
		l.start = dpos;
		if (has_prefix(&l, l.pos, "/*")) {
			if (!lex_comment(&l))
				return;
			continue;
		}
		emit_tok(&l, T_LDELIM, dpos, l.pos);
		l.start = l.pos;
		l.paren_depth = 0;
		if (!lex_inside_action(&l))
			return;
		l.pos = l.start;
	}
	emit_tok(&l, T_EOF, len, len);
}

void tmpl_lex_release(struct lex_result *res)
{
	free(res->toks);
	free(res->errmsg);
	*res = (struct lex_result){0};
}
