/* SPDX-License-Identifier: Apache-2.0 */
/* Template objects: parse entry point, node printing for messages, positions. */
#include <errno.h>
#include <string.h>

#include "template-internal.h"
#include "template.h"
#include "util/xalloc.h"

#include "util/banned.h"

void tmpl_position(const char *text, size_t pos, int *line, int *col)
{
	size_t last_nl = (size_t)-1;
	*line = 1;
	for (size_t i = 0; i < pos && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			last_nl = i;
		}
	}
	*col = (int)(pos - last_nl - 1);
}

static void pipe_string(const struct node *n, struct buf *b)
{
	for (size_t i = 0; i < n->nidents; i++) {
		if (i)
			buf_puts(b, ", ");
		buf_puts(b, n->idents[i]);
	}
	if (n->nidents)
		buf_puts(b, n->is_assign ? " = " : " := ");
	for (size_t i = 0; i < n->nkids; i++) {
		if (i)
			buf_puts(b, " | ");
		tmpl_node_string(n->kids[i], b);
	}
}

void tmpl_node_string(const struct node *n, struct buf *b)
{
	switch (n->type) {
	case N_FIELD:
		for (size_t i = 0; i < n->nidents; i++) {
			buf_putc(b, '.');
			buf_puts(b, n->idents[i]);
		}
		break;
	case N_VARIABLE:
		for (size_t i = 0; i < n->nidents; i++) {
			if (i)
				buf_putc(b, '.');
			buf_puts(b, n->idents[i]);
		}
		break;
	case N_CHAIN:
		if (n->pipe->type == N_PIPE) {
			buf_putc(b, '(');
			pipe_string(n->pipe, b);
			buf_putc(b, ')');
		} else {
			tmpl_node_string(n->pipe, b);
		}
		for (size_t i = 0; i < n->nidents; i++) {
			buf_putc(b, '.');
			buf_puts(b, n->idents[i]);
		}
		break;
	case N_IDENT:
		buf_puts(b, n->str);
		break;
	case N_DOT:
		buf_putc(b, '.');
		break;
	case N_NIL:
		buf_puts(b, "nil");
		break;
	case N_BOOL:
		buf_puts(b, n->boolean ? "true" : "false");
		break;
	case N_NUMBER:
	case N_STRING:
		buf_puts(b, n->src);
		break;
	case N_COMMAND:
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				buf_putc(b, ' ');
			if (n->kids[i]->type == N_PIPE) {
				buf_putc(b, '(');
				pipe_string(n->kids[i], b);
				buf_putc(b, ')');
			} else {
				tmpl_node_string(n->kids[i], b);
			}
		}
		break;
	case N_PIPE:
		pipe_string(n, b);
		break;
	case N_ACTION:
		buf_puts(b, "{{");
		pipe_string(n->pipe, b);
		buf_puts(b, "}}");
		break;
	case N_IF:
	case N_RANGE:
	case N_WITH:
		buf_puts(b, n->type == N_IF      ? "{{if "
		            : n->type == N_RANGE ? "{{range "
		                                 : "{{with ");
		pipe_string(n->pipe, b);
		buf_puts(b, "}}");
		break;
	case N_TEXT:
		tmpl_quote(b, n->str, n->str_len);
		break;
	case N_BREAK:
		buf_puts(b, "{{break}}");
		break;
	case N_CONTINUE:
		buf_puts(b, "{{continue}}");
		break;
	case N_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			tmpl_node_string(n->kids[i], b);
		break;
	}
}

struct template *template_free(struct template *t)
{
	if (!t)
		return NULL;
	free(t->name);
	free(t->text);
	tmpl_node_free(t->root);
	free(t);
	return NULL;
}

struct template *template_parse(const char *name, const char *text, struct cpod_error **err)
{
	size_t len = strlen(text);
	struct lex_result lex;
	struct template *t;
	char *msg = NULL;
	size_t errpos = 0;
	int line, col;
	if (len > TEMPLATE_MAX_TEXT) {
		cpod_error_set(err, E2BIG, "template: %s: template text exceeds %u bytes", name,
		               TEMPLATE_MAX_TEXT);
		return NULL;
	}
	t = xnew(struct template, 1);
	t->name = xstrdup(name);
	t->text = xstrdup(text);
	tmpl_lex(t->text, len, &lex);
	if (lex.errmsg) {
		tmpl_position(t->text, lex.errpos, &line, &col);
		cpod_error_set(err, EINVAL, "template: %s:%d: %s", name, line, lex.errmsg);
		tmpl_lex_release(&lex);
		return template_free(t);
	}
	t->root = tmpl_parse_tokens(t->text, lex.toks, lex.n, &msg, &errpos);
	tmpl_lex_release(&lex);
	if (!t->root) {
		tmpl_position(t->text, errpos, &line, &col);
		cpod_error_set(err, EINVAL, "template: %s:%d: %s", name, line, msg);
		free(msg);
		return template_free(t);
	}
	return t;
}

char *template_render(const char *name, const char *text, json_t *data,
                      const struct template_options *opts, struct cpod_error **err)
{
	_cleanup_template_ struct template *t = template_parse(name, text, err);
	_cleanup_buf_ struct buf out = BUF_INIT;
	if (!t)
		return NULL;
	if (template_execute(t, data, opts, &out, err) < 0)
		return NULL;
	return buf_take(&out);
}
