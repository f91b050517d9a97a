/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parser for Go templates: builds the tree Go's text/template/parse builds (same node kinds,
 * same variable scoping, "else if" rewritten as a nested if, same error messages).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct parser {
	const char *text;
	const struct token *toks;
	size_t n;
	size_t i;
	char **vars;
	size_t nvars;
	size_t cap_vars;
	int range_depth;
	int depth;
	char *errmsg;
	size_t errpos;
};

static bool failed(const struct parser *p)
{
	return p->errmsg != NULL;
}

static void *perr(struct parser *p, size_t pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void *perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	if (p->errmsg)
		return NULL;
	va_start(ap, fmt);
	p->errmsg = xvasprintf(fmt, ap);
	va_end(ap);
	p->errpos = pos;
	return NULL;
}

static const struct token *next(struct parser *p)
{
	const struct token *t = &p->toks[p->i];
	if (p->i + 1 < p->n)
		p->i++;
	return t;
}

static const struct token *peek(const struct parser *p)
{
	return &p->toks[p->i];
}

static const struct token *next_non_space(struct parser *p)
{
	const struct token *t;
	do
		t = next(p);
	while (t->type == T_SPACE);
	return t;
}

static const struct token *peek_non_space(struct parser *p)
{
	const struct token *t = next_non_space(p);
	p->i = (size_t)(t - p->toks);
	return t;
}

/* Go's item.String() */
static char *tok_string(const struct token *t)
{
	struct buf b = BUF_INIT;
	if (t->type == T_EOF)
		return xstrdup("EOF");
	if (t->type == T_ERROR)
		return xstrndup(t->val, t->len);
	if (t->type >= T_KW_BLOCK || t->type == T_NIL || t->type == T_DOT)
		return xasprintf("<%.*s>", (int)t->len, t->val);
	if (t->len > 10) {
		tmpl_quote(&b, t->val, 10);
		buf_puts(&b, "...");
	} else {
		tmpl_quote(&b, t->val, t->len);
	}
	return buf_take(&b);
}

static void *unexpected(struct parser *p, const struct token *t, const char *context)
{
	_cleanup_free_ char *s = tok_string(t);
	return perr(p, t->pos, "unexpected %s in %s", s, context);
}

static struct node *new_node(enum node_type type, size_t pos)
{
	struct node *n = xnew(struct node, 1);
	n->type = type;
	n->pos = pos;
	return n;
}

static void add_kid(struct node *n, struct node *kid)
{
	n->kids = xrealloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
	n->kids[n->nkids++] = kid;
}

static void add_ident(struct node *n, const char *s, size_t len)
{
	n->idents = xrealloc(n->idents, (n->nidents + 1) * sizeof(*n->idents));
	n->idents[n->nidents++] = xstrndup(s, len);
}

void tmpl_node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		tmpl_node_free(n->kids[i]);
	free(n->kids);
	tmpl_node_free(n->pipe);
	tmpl_node_free(n->list);
	tmpl_node_free(n->else_list);
	for (size_t i = 0; i < n->nidents; i++)
		free(n->idents[i]);
	free(n->idents);
	free(n->str);
	free(n->src);
	free(n);
}

static void push_var(struct parser *p, const char *name, size_t len)
{
	if (p->nvars == p->cap_vars) {
		p->cap_vars = p->cap_vars ? p->cap_vars * 2 : 8;
		p->vars = xrealloc(p->vars, p->cap_vars * sizeof(*p->vars));
	}
	p->vars[p->nvars++] = xstrndup(name, len);
}

static void pop_vars(struct parser *p, size_t n)
{
	while (p->nvars > n)
		free(p->vars[--p->nvars]);
}

static bool var_known(const struct parser *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->nvars; i++)
		if (strlen(p->vars[i]) == len && memcmp(p->vars[i], name, len) == 0)
			return true;
	return false;
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

static void put_utf8(struct buf *b, uint32_t r)
{
	char o[4];
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		buf_putc(b, (char)r);
	} else if (r < 0x800) {
		o[0] = (char)(0xc0 | (r >> 6));
		o[1] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 2);
	} else if (r < 0x10000) {
		o[0] = (char)(0xe0 | (r >> 12));
		o[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		o[2] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (r >> 18));
		o[1] = (char)(0x80 | ((r >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((r >> 6) & 0x3f));
		o[3] = (char)(0x80 | (r & 0x3f));
		buf_append(b, o, 4);
	}
}

/* Go's strconv.Unquote for "..." and '...' bodies (s without the quotes); false: syntax */
static bool unquote_body(const char *s, size_t len, char quote, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		char c = s[i++];
		int digits = 0, base = 16;
		uint32_t r = 0;
		if (c == quote)
			return false;
		if (c != '\\') {
			buf_putc(out, c);
			continue;
		}
		if (i >= len)
			return false;
		c = s[i++];
		switch (c) {
		case 'a':
			buf_putc(out, '\a');
			continue;
		case 'b':
			buf_putc(out, '\b');
			continue;
		case 'f':
			buf_putc(out, '\f');
			continue;
		case 'n':
			buf_putc(out, '\n');
			continue;
		case 'r':
			buf_putc(out, '\r');
			continue;
		case 't':
			buf_putc(out, '\t');
			continue;
		case 'v':
			buf_putc(out, '\v');
			continue;
		case '\\':
			buf_putc(out, '\\');
			continue;
		case '\'':
		case '"':
			if (c != quote)
				return false;
			buf_putc(out, c);
			continue;
		case 'x':
			digits = 2;
			break;
		case 'u':
			digits = 4;
			break;
		case 'U':
			digits = 8;
			break;
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
			digits = 3;
			base = 8;
			i--;
			break;
		default:
			return false;
		}
		if (len - i < (size_t)digits)
			return false;
		for (int k = 0; k < digits; k++) {
			int v = hexval(s[i++]);
			if (v < 0 || v >= base)
				return false;
			r = r * (uint32_t)base + (uint32_t)v;
		}
		if (c == 'x' || base == 8) {
			if (r > 255)
				return false;
			buf_putc(out, (char)r);
		} else {
			if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
				return false;
			put_utf8(out, r);
		}
	}
	return true;
}

static uint32_t decode_rune(const unsigned char *s, size_t len, size_t *used)
{
	uint32_t r;
	int extra;
	if (s[0] < 0x80) {
		*used = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0)
		r = s[0] & 0x1f, extra = 1;
	else if ((s[0] & 0xf0) == 0xe0)
		r = s[0] & 0x0f, extra = 2;
	else if ((s[0] & 0xf8) == 0xf0)
		r = s[0] & 0x07, extra = 3;
	else
		r = 0xfffd, extra = 0;
	if ((size_t)extra >= len)
		extra = 0, r = 0xfffd;
	for (int k = 1; k <= extra; k++)
		r = (r << 6) | (s[k] & 0x3f);
	*used = (size_t)extra + 1;
	return r;
}

static bool parse_char_constant(const struct token *t, int64_t *ret)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t used = 0;
	if (t->len < 3)
		return false;
	if (t->val[1] == '\\') {
		if (!unquote_body(t->val + 1, t->len - 2, '\'', &b) || b.len == 0)
			return false;
	} else {
		buf_append(&b, t->val + 1, t->len - 2);
	}
	*ret = decode_rune((const unsigned char *)b.data, b.len, &used);
	return used == b.len;
}

static bool parse_integer(const char *s, bool *neg, uint64_t *ret)
{
	int base = 10;
	char *end;
	*neg = false;
	if (*s == '+' || *s == '-')
		*neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0' && s[1])
		base = 8, s += 1;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*ret = strtoull(s, &end, base);
	return errno == 0 && *end == '\0';
}

static struct node *new_number(struct parser *p, const struct token *t)
{
	struct node *n = new_node(N_NUMBER, t->pos);
	_cleanup_free_ char *txt = xmalloc(t->len + 1);
	size_t k = 0;
	bool neg;
	uint64_t u;
	n->src = xstrndup(t->val, t->len);
	if (t->type == T_CHARCONST) {
		if (!parse_char_constant(t, &n->ival)) {
			perr(p, t->pos, "malformed character constant: %s", n->src);
			tmpl_node_free(n);
			return NULL;
		}
		n->is_int = true;
		n->fval = (double)n->ival;
		return n;
	}
	for (size_t i = 0; i < t->len; i++)
		if (t->val[i] != '_')
			txt[k++] = t->val[i];
	txt[k] = '\0';
	if (parse_integer(txt, &neg, &u)) {
		if (!neg && u <= INT64_MAX)
			n->is_int = true, n->ival = (int64_t)u;
		else if (neg && u <= (uint64_t)INT64_MAX + 1)
			n->is_int = true, n->ival = (int64_t)(0 - u);
		n->is_float = true;
		n->fval = neg ? -(double)u : (double)u;
		if (!n->is_int && neg) {
			tmpl_node_free(n);
			return perr(p, t->pos, "illegal number syntax: \"%s\"", txt);
		}
		return n;
	} else {
		char *end;
		errno = 0;
		n->fval = strtod(txt, &end);
		if (*end || k == 0 || errno == ERANGE || strpbrk(txt, "iInN")) {
			tmpl_node_free(n);
			return perr(p, t->pos, "illegal number syntax: \"%s\"", txt);
		}
		n->is_float = true;
		if (n->fval >= -9.2e18 && n->fval <= 9.2e18 &&
		    (double)(int64_t)n->fval == n->fval) {
			n->is_int = true;
			n->ival = (int64_t)n->fval;
		}
	}
	return n;
}

static struct node *pipeline(struct parser *p, const char *context, enum tok_type end);

static struct node *term(struct parser *p)
{
	const struct token *t = next_non_space(p);
	struct node *n;
	switch (t->type) {
	case T_IDENT:
		n = new_node(N_IDENT, t->pos);
		n->str = xstrndup(t->val, t->len);
		if (!tmpl_func_lookup(n->str)) {
			perr(p, t->pos, "function \"%s\" not defined", n->str);
			tmpl_node_free(n);
			return NULL;
		}
		return n;
	case T_DOT:
		return new_node(N_DOT, t->pos);
	case T_NIL:
		return new_node(N_NIL, t->pos);
	case T_VARIABLE:
		if (!var_known(p, t->val, t->len))
			return perr(p, t->pos, "undefined variable \"%.*s\"", (int)t->len, t->val);
		n = new_node(N_VARIABLE, t->pos);
		add_ident(n, t->val, t->len);
		return n;
	case T_FIELD:
		n = new_node(N_FIELD, t->pos);
		add_ident(n, t->val + 1, t->len - 1);
		return n;
	case T_BOOL:
		n = new_node(N_BOOL, t->pos);
		n->boolean = t->val[0] == 't';
		return n;
	case T_CHARCONST:
	case T_NUMBER:
		return new_number(p, t);
	case T_LPAREN:
		if (++p->depth > TMPL_MAX_DEPTH)
			return perr(p, t->pos, "expression nested too deeply");
		n = pipeline(p, "parenthesized pipeline", T_RPAREN);
		p->depth--;
		return n;
	case T_STRING:
	case T_RAWSTRING: {
		struct buf b = BUF_INIT;
		n = new_node(N_STRING, t->pos);
		n->src = xstrndup(t->val, t->len);
		if (t->type == T_RAWSTRING) {
			buf_append(&b, t->val + 1, t->len - 2);
		} else if (!unquote_body(t->val + 1, t->len - 2, '"', &b)) {
			buf_release(&b);
			tmpl_node_free(n);
			return perr(p, t->pos, "invalid syntax");
		}
		n->str_len = b.len;
		n->str = buf_take(&b);
		return n;
	}
	default:
		p->i = (size_t)(t - p->toks);
		return NULL;
	}
}

static struct node *operand(struct parser *p)
{
	struct node *n = term(p);
	struct node *chain;
	if (!n || peek(p)->type != T_FIELD)
		return n;
	switch (n->type) {
	case N_FIELD:
	case N_VARIABLE:
		while (peek(p)->type == T_FIELD) {
			const struct token *t = next(p);
			add_ident(n, t->val + 1, t->len - 1);
		}
		return n;
	case N_BOOL:
	case N_STRING:
	case N_NUMBER:
	case N_NIL:
	case N_DOT: {
		struct buf b = BUF_INIT;
		tmpl_node_string(n, &b);
		perr(p, peek(p)->pos, "unexpected . after term \"%s\"", buf_str(&b));
		buf_release(&b);
		tmpl_node_free(n);
		return NULL;
	}
	default:
		chain = new_node(N_CHAIN, peek(p)->pos);
		chain->pipe = n;
		while (peek(p)->type == T_FIELD) {
			const struct token *t = next(p);
			add_ident(chain, t->val + 1, t->len - 1);
		}
		return chain;
	}
}

static struct node *command(struct parser *p)
{
	struct node *cmd = new_node(N_COMMAND, peek_non_space(p)->pos);
	for (;;) {
		const struct token *t;
		struct node *op;
		peek_non_space(p);
		op = operand(p);
		if (failed(p))
			goto fail;
		if (op)
			add_kid(cmd, op);
		t = next(p);
		if (t->type == T_SPACE)
			continue;
		if (t->type == T_RDELIM || t->type == T_RPAREN)
			p->i = (size_t)(t - p->toks);
		else if (t->type != T_PIPE) {
			unexpected(p, t, "operand");
			goto fail;
		}
		break;
	}
	if (cmd->nkids == 0) {
		perr(p, cmd->pos, "empty command");
		goto fail;
	}
	return cmd;
fail:
	tmpl_node_free(cmd);
	return NULL;
}

static bool pipeline_decl(struct parser *p, struct node *pipe, const char *context)
{
	for (;;) {
		const struct token *v = peek_non_space(p), *after, *nx;
		size_t save = p->i;
		if (v->type != T_VARIABLE)
			return true;
		next(p);
		after = peek(p);
		nx = peek_non_space(p);
		if (nx->type == T_ASSIGN || nx->type == T_DECLARE) {
			pipe->is_assign = nx->type == T_ASSIGN;
			next_non_space(p);
			if (pipe->is_assign && !var_known(p, v->val, v->len)) {
				perr(p, v->pos, "undefined variable \"%.*s\"", (int)v->len, v->val);
				return false;
			}
			add_ident(pipe, v->val, v->len);
			push_var(p, v->val, v->len);
			return true;
		}
		if (nx->type == T_CHAR && nx->val[0] == ',') {
			next_non_space(p);
			add_ident(pipe, v->val, v->len);
			push_var(p, v->val, v->len);
			if (strcmp(context, "range") == 0 && pipe->nidents < 2) {
				enum tok_type t = peek_non_space(p)->type;
				if (t == T_VARIABLE || t == T_RDELIM || t == T_RPAREN)
					continue;
				perr(p, nx->pos, "range can only initialize variables");
				return false;
			}
			perr(p, nx->pos, "too many declarations in %s", context);
			return false;
		}
		(void)after;
		p->i = save;
		return true;
	}
}

static struct node *pipeline(struct parser *p, const char *context, enum tok_type end)
{
	struct node *pipe = new_node(N_PIPE, peek_non_space(p)->pos);
	if (!pipeline_decl(p, pipe, context))
		goto fail;
	for (;;) {
		const struct token *t = next_non_space(p);
		struct node *cmd;
		if (t->type == end)
			break;
		switch (t->type) {
		case T_BOOL:
		case T_CHARCONST:
		case T_DOT:
		case T_FIELD:
		case T_IDENT:
		case T_NUMBER:
		case T_NIL:
		case T_RAWSTRING:
		case T_STRING:
		case T_VARIABLE:
		case T_LPAREN:
			p->i = (size_t)(t - p->toks);
			cmd = command(p);
			if (!cmd)
				goto fail;
			add_kid(pipe, cmd);
			continue;
		default:
			unexpected(p, t, context);
			goto fail;
		}
	}
	if (pipe->nkids == 0) {
		perr(p, pipe->pos, "missing value for %s", context);
		goto fail;
	}
	for (size_t i = 1; i < pipe->nkids; i++) {
		switch (pipe->kids[i]->kids[0]->type) {
		case N_BOOL:
		case N_DOT:
		case N_NIL:
		case N_NUMBER:
		case N_STRING:
			perr(p, pipe->kids[i]->pos, "non executable command in pipeline stage %zu",
			     i + 1);
			goto fail;
		default:
			break;
		}
	}
	return pipe;
fail:
	tmpl_node_free(pipe);
	return NULL;
}

/* parse items until {{end}} or {{else}}; *stop is the closing keyword token type */
static struct node *item_list(struct parser *p, enum tok_type *stop, bool *else_if);

static struct node *control(struct parser *p, enum node_type type, const char *context, size_t pos)
{
	size_t nvars = p->nvars;
	struct node *n = new_node(type, pos);
	enum tok_type stop;
	bool else_if = false;
	if (++p->depth > TMPL_MAX_DEPTH) {
		perr(p, pos, "template nested too deeply");
		goto fail;
	}
	n->pipe = pipeline(p, context, T_RDELIM);
	if (!n->pipe)
		goto fail;
	if (type == N_RANGE)
		p->range_depth++;
	n->list = item_list(p, &stop, &else_if);
	if (type == N_RANGE)
		p->range_depth--;
	if (!n->list)
		goto fail;
	if (stop == T_KW_ELSE) {
		if (else_if && type == N_IF) {
			const struct token *t = next_non_space(p);
			n->else_list = new_node(N_LIST, t->pos);
			struct node *sub = control(p, N_IF, "if", t->pos);
			if (!sub)
				goto fail;
			add_kid(n->else_list, sub);
		} else {
			if (else_if) {
				unexpected(p, peek_non_space(p), "else");
				goto fail;
			}
			n->else_list = item_list(p, &stop, &else_if);
			if (!n->else_list)
				goto fail;
			if (stop != T_KW_END) {
				perr(p, p->toks[p->i].pos, "expected end; found {{else}}");
				goto fail;
			}
		}
	}
	p->depth--;
	pop_vars(p, nvars);
	return n;
fail:
	pop_vars(p, nvars);
	tmpl_node_free(n);
	return NULL;
}

static bool expect(struct parser *p, enum tok_type type, const char *context)
{
	const struct token *t = next_non_space(p);
	if (t->type != type) {
		unexpected(p, t, context);
		return false;
	}
	return true;
}

/*
 * One text or action. Returns the node, or NULL with *stop set to T_KW_END/T_KW_ELSE when the
 * action was {{end}}/{{else}} (nothing to add), or NULL on error.
 */
static struct node *text_or_action(struct parser *p, enum tok_type *stop, bool *else_if)
{
	const struct token *t = next(p), *k;
	struct node *n;
	*stop = T_EOF;
	if (t->type == T_TEXT) {
		n = new_node(N_TEXT, t->pos);
		n->str = xstrndup(t->val, t->len);
		n->str_len = t->len;
		return n;
	}
	if (t->type != T_LDELIM)
		return unexpected(p, t, "input");
	k = next_non_space(p);
	switch (k->type) {
	case T_KW_BREAK:
	case T_KW_CONTINUE: {
		const char *what = k->type == T_KW_BREAK ? "{{break}}" : "{{continue}}";
		if (!expect(p, T_RDELIM, what))
			return NULL;
		if (p->range_depth == 0)
			return perr(p, k->pos, "%s outside {{range}}", what);
		return new_node(k->type == T_KW_BREAK ? N_BREAK : N_CONTINUE, k->pos);
	}
	case T_KW_ELSE:
		if (peek_non_space(p)->type == T_KW_IF) {
			*else_if = true;
		} else if (!expect(p, T_RDELIM, "else")) {
			return NULL;
		}
		*stop = T_KW_ELSE;
		return NULL;
	case T_KW_END:
		if (!expect(p, T_RDELIM, "end"))
			return NULL;
		*stop = T_KW_END;
		return NULL;
	case T_KW_IF:
		return control(p, N_IF, "if", k->pos);
	case T_KW_RANGE:
		return control(p, N_RANGE, "range", k->pos);
	case T_KW_WITH:
		return control(p, N_WITH, "with", k->pos);
	case T_KW_BLOCK:
	case T_KW_DEFINE:
	case T_KW_TEMPLATE:
		return perr(p, k->pos, "{{%.*s}} is not supported", (int)k->len, k->val);
	default:
		p->i = (size_t)(k - p->toks);
		n = new_node(N_ACTION, k->pos);
		n->pipe = pipeline(p, "command", T_RDELIM);
		if (!n->pipe) {
			tmpl_node_free(n);
			return NULL;
		}
		return n;
	}
}

static struct node *item_list(struct parser *p, enum tok_type *stop, bool *else_if)
{
	struct node *list = new_node(N_LIST, peek(p)->pos);
	while (peek_non_space(p)->type != T_EOF) {
		struct node *n = text_or_action(p, stop, else_if);
		if (n) {
			add_kid(list, n);
			continue;
		}
		if (!failed(p) && *stop != T_EOF)
			return list;
		tmpl_node_free(list);
		return NULL;
	}
	perr(p, peek(p)->pos, "unexpected EOF");
	tmpl_node_free(list);
	return NULL;
}

struct node *tmpl_parse_tokens(const char *text, const struct token *toks, size_t n, char **errmsg,
                               size_t *errpos)
{
	struct parser p = {.text = text, .toks = toks, .n = n};
	struct node *root = new_node(N_LIST, 0);
	push_var(&p, "$", 1);
	while (peek(&p)->type != T_EOF) {
		enum tok_type stop;
		bool else_if = false;
		struct node *item = text_or_action(&p, &stop, &else_if);
		if (item) {
			add_kid(root, item);
			continue;
		}
		if (!failed(&p))
			perr(&p, p.toks[p.i].pos, "unexpected {{%s}}",
			     stop == T_KW_END ? "end" : "else");
		tmpl_node_free(root);
		root = NULL;
		break;
	}
	pop_vars(&p, 0);
	free(p.vars);
	if (!root) {
		*errmsg = p.errmsg;
		*errpos = p.errpos;
	}
	return root;
}
