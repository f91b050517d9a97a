/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Template execution, following Go's text/template exec.go: variables on a stack popped at
 * the end of each control structure, pipelines passing their value as the last argument,
 * Go's truth rules, range over arrays and (sorted) object keys, and Go-shaped errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"
#include "template.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct var {
	const char *name;
	json_t *val; /* owned; NULL: no value */
};

struct state {
	const struct template *t;
	unsigned flags;
	const char *type_name;
	struct buf *out;
	struct var *vars;
	size_t nvars, cap;
	size_t steps, max_steps; /* bounded so that nested ranges cannot run for ever */
	int depth;
	int code;
	char *errmsg;
	enum { CTL_NONE, CTL_BREAK, CTL_CONTINUE } ctl;
};

static int exec_error(struct state *s, const struct node *at, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int exec_error(struct state *s, const struct node *at, int code, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *msg = NULL;
	_cleanup_buf_ struct buf ctx = BUF_INIT;
	int line, col;
	if (s->errmsg)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	s->code = code;
	if (!at) {
		s->errmsg = xasprintf("template: %s: %s", s->t->name, msg);
		return -1;
	}
	tmpl_node_string(at, &ctx);
	tmpl_position(s->t->text, at->pos, &line, &col);
	if (ctx.len > 20)
		s->errmsg = xasprintf("template: %s:%d:%d: executing \"%s\" at <%.20s...>: %s",
		                      s->t->name, line, col, s->t->name, buf_str(&ctx), msg);
	else
		s->errmsg = xasprintf("template: %s:%d:%d: executing \"%s\" at <%s>: %s",
		                      s->t->name, line, col, s->t->name, buf_str(&ctx), msg);
	return -1;
}

static int step(struct state *s, const struct node *at)
{
	if (++s->steps > s->max_steps)
		return exec_error(s, at, E2BIG, "template execution takes too many steps");
	return 0;
}

static int out_append(struct state *s, const struct node *at, const char *p, size_t len)
{
	if (buf_append(s->out, p, len) < 0)
		return exec_error(s, at, E2BIG, "template output exceeds %zu bytes", s->out->max);
	return 0;
}

static void push_var(struct state *s, const char *name, json_t *val)
{
	if (s->nvars == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->vars = xrealloc(s->vars, s->cap * sizeof(*s->vars));
	}
	s->vars[s->nvars++] = (struct var){name, val ? json_incref(val) : NULL};
}

static void pop_vars(struct state *s, size_t mark)
{
	while (s->nvars > mark)
		json_decref(s->vars[--s->nvars].val);
}

static struct var *find_var(struct state *s, const char *name)
{
	for (size_t i = s->nvars; i > 0; i--)
		if (strcmp(s->vars[i - 1].name, name) == 0)
			return &s->vars[i - 1];
	return NULL;
}

static int eval_pipeline(struct state *s, json_t *dot, const struct node *pipe, json_t **ret);
static int eval_arg(struct state *s, json_t *dot, enum tmpl_arg_kind kind, const struct node *n,
                    json_t **ret);

/* Go's evalField for one name on receiver (borrowed). *ret is a new reference or NULL. */
static int eval_field(struct state *s, const struct node *at, const char *name, json_t *recv,
                      bool has_args, json_t **ret)
{
	json_t *v;
	*ret = NULL;
	if (!recv || json_is_null(recv))
		return 0;
	if (!json_is_object(recv))
		return exec_error(s, at, EINVAL, "can't evaluate field %s in type %s", name,
		                  tmpl_type_name(recv));
	v = json_object_get(recv, name);
	if (tmpl_is_struct(recv, s->flags)) {
		if (!v)
			return exec_error(s, at, EINVAL, "can't evaluate field %s in type %s", name,
			                  s->type_name ? s->type_name : "struct");
		if (has_args)
			return exec_error(s, at, EINVAL,
			                  "%s has arguments but cannot be invoked as function",
			                  name);
	} else if (has_args) {
		return exec_error(s, at, EINVAL, "%s is not a method but has arguments", name);
	}
	*ret = v ? json_incref(v) : NULL;
	return 0;
}

static int eval_field_chain(struct state *s, const struct node *at, json_t *recv, char **idents,
                            size_t n, bool has_args, json_t **ret)
{
	json_t *cur = recv ? json_incref(recv) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *next = NULL;
		int r = eval_field(s, at, idents[i], cur, has_args && i == n - 1, &next);
		json_decref(cur);
		if (r < 0)
			return r;
		cur = next;
	}
	*ret = cur;
	return 0;
}

static int not_a_function(struct state *s, const struct node *cmd, bool has_final)
{
	if (cmd && (cmd->nkids > 1 || has_final)) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		tmpl_node_string(cmd->kids[0], &b);
		return exec_error(s, cmd->kids[0], EINVAL, "can't give argument to non-function %s",
		                  buf_str(&b));
	}
	return 0;
}

static int check_kind(struct state *s, const struct node *at, enum tmpl_arg_kind kind, json_t **v)
{
	static const char *const names[] = {"interface {}", "string", "int", "[]string"};
	bool ok = true;
	switch (kind) {
	case ARG_ANY:
		if (!*v)
			*v = json_null();
		return 0;
	case ARG_STRING:
		ok = json_is_string(*v);
		break;
	case ARG_INT:
		ok = json_is_integer(*v);
		break;
	case ARG_STRV:
		ok = json_is_array(*v);
		for (size_t i = 0; ok && i < json_array_size(*v); i++)
			ok = json_is_string(json_array_get(*v, i));
		break;
	}
	if (ok)
		return 0;
	if (!*v || json_is_null(*v))
		return exec_error(s, at, EINVAL, "invalid value; expected %s", names[kind]);
	return exec_error(s, at, EINVAL, "wrong type for value; expected %s; got %s", names[kind],
	                  tmpl_type_name(*v));
}

static void free_args(json_t **argv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(argv[i]);
	free(argv);
}

static int eval_call(struct state *s, json_t *dot, const struct node *ident, const struct node *cmd,
                     bool has_final, json_t *final, json_t **ret)
{
	const struct tmpl_func *fn = tmpl_func_lookup(ident->str);
	size_t nargs = cmd ? cmd->nkids - 1 : 0, num_in = nargs + (has_final ? 1 : 0), n = 0;
	struct tmpl_func_ctx ctx = {.flags = s->flags};
	const struct node *at = cmd ? cmd : ident;
	json_t **argv;
	if (fn->variadic && num_in < (size_t)fn->nparams)
		return exec_error(s, at, EINVAL,
		                  "wrong number of args for %s: want at least %d got %zu",
		                  ident->str, fn->nparams, num_in);
	if (!fn->variadic && num_in != (size_t)fn->nparams)
		return exec_error(s, at, EINVAL, "wrong number of args for %s: want %d got %zu",
		                  ident->str, fn->nparams, num_in);
	if (fn->lazy) {
		/* and/or return the first argument that decides, evaluated left to right */
		bool is_or = ident->str[0] == 'o';
		json_t *v = NULL;
		for (size_t i = 0; i < nargs; i++) {
			json_decref(v);
			v = NULL;
			if (eval_arg(s, dot, ARG_ANY, cmd->kids[i + 1], &v) < 0)
				return -1;
			if (tmpl_truth(v) == is_or) {
				*ret = v;
				return 0;
			}
		}
		if (has_final) {
			json_decref(v);
			v = final ? json_incref(final) : NULL;
		}
		*ret = v;
		return 0;
	}
	argv = xnew(json_t *, num_in + 1);
	for (size_t i = 0; i < nargs; i++, n++) {
		enum tmpl_arg_kind k = i < (size_t)fn->nparams ? fn->params[i] : ARG_ANY;
		if (eval_arg(s, dot, k, cmd->kids[i + 1], &argv[n]) < 0) {
			free_args(argv, n);
			return -1;
		}
	}
	if (has_final) {
		enum tmpl_arg_kind k = n < (size_t)fn->nparams ? fn->params[n] : ARG_ANY;
		argv[n] = final ? json_incref(final) : NULL;
		if (check_kind(s, at, k, &argv[n++]) < 0) {
			free_args(argv, n);
			return -1;
		}
	}
	*ret = fn->fn(&ctx, argv, n);
	free_args(argv, n);
	if (ctx.errmsg) {
		_cleanup_free_ char *m = ctx.errmsg;
		return exec_error(s, at, EINVAL, "error calling %s: %s", ident->str, m);
	}
	return 0;
}

static json_t *number_value(struct state *s, const struct node *n)
{
	bool hex = n->src[0] == '0' && (n->src[1] == 'x' || n->src[1] == 'X');
	if (n->is_float && !hex && n->src[0] != '\'' && strpbrk(n->src, ".eEpP"))
		return json_real(n->fval);
	if (n->is_int)
		return json_integer(n->ival);
	exec_error(s, n, EINVAL, "%s overflows int", n->src);
	return NULL;
}

static int eval_variable(struct state *s, const struct node *v, json_t **ret)
{
	struct var *var = find_var(s, v->idents[0]);
	if (!var)
		return exec_error(s, v, EINVAL, "undefined variable: %s", v->idents[0]);
	*ret = var->val ? json_incref(var->val) : NULL;
	return 0;
}

static int eval_chain(struct state *s, json_t *dot, const struct node *chain, bool has_args,
                      json_t **ret)
{
	json_t *base = NULL;
	int r;
	if (chain->pipe->type == N_NIL)
		return exec_error(s, chain, EINVAL, "indirection through explicit nil in (nil)");
	if (eval_arg(s, dot, ARG_ANY, chain->pipe, &base) < 0)
		return -1;
	if (json_is_null(base)) {
		json_decref(base);
		base = NULL;
	}
	r = eval_field_chain(s, chain, base, chain->idents, chain->nidents, has_args, ret);
	json_decref(base);
	return r;
}

/* evaluate an argument of a function call, checked against the parameter kind */
static int eval_arg(struct state *s, json_t *dot, enum tmpl_arg_kind kind, const struct node *n,
                    json_t **ret)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	json_t *v = NULL;
	int r = 0;
	if (step(s, n) < 0)
		return -1;
	switch (n->type) {
	case N_FIELD:
		r = eval_field_chain(s, n, dot, n->idents, n->nidents, false, &v);
		break;
	case N_VARIABLE:
		r = eval_variable(s, n, &v);
		if (r == 0 && n->nidents > 1) {
			json_t *base = v;
			r = eval_field_chain(s, n, base, n->idents + 1, n->nidents - 1, false, &v);
			json_decref(base);
		}
		break;
	case N_PIPE:
		r = eval_pipeline(s, dot, n, &v);
		break;
	case N_IDENT:
		r = eval_call(s, dot, n, NULL, false, NULL, &v);
		break;
	case N_CHAIN:
		r = eval_chain(s, dot, n, false, &v);
		break;
	case N_DOT:
		v = dot ? json_incref(dot) : NULL;
		break;
	case N_NIL:
		if (kind == ARG_ANY) {
			*ret = json_null();
			return 0;
		}
		return exec_error(s, n, EINVAL, "cannot assign nil to %s",
		                  kind == ARG_STRING ? "string"
		                  : kind == ARG_INT  ? "int"
		                                     : "[]string");
	case N_BOOL:
		v = json_boolean(n->boolean);
		break;
	case N_STRING:
		if (kind != ARG_ANY && kind != ARG_STRING)
			goto bad_const;
		v = json_stringn(n->str, n->str_len);
		break;
	case N_NUMBER:
		if (kind == ARG_INT && !n->is_int)
			return exec_error(s, n, EINVAL, "expected integer; found %s", n->src);
		if (kind != ARG_ANY && kind != ARG_INT)
			goto bad_const;
		v = kind == ARG_INT ? json_integer(n->ival) : number_value(s, n);
		if (!v)
			return -1;
		break;
	default:
		return exec_error(s, n, EINVAL, "can't handle argument");
	}
	if (r < 0)
		return r;
	if (n->type == N_BOOL && kind != ARG_ANY) {
		json_decref(v);
		goto bad_const;
	}
	if (check_kind(s, n, kind, &v) < 0) {
		json_decref(v);
		return -1;
	}
	*ret = v;
	return 0;
bad_const:
	tmpl_node_string(n, &b);
	return exec_error(s, n, EINVAL, "expected %s; found %s",
	                  kind == ARG_STRING ? "string"
	                  : kind == ARG_INT  ? "integer"
	                                     : "[]string",
	                  buf_str(&b));
}

static int eval_command(struct state *s, json_t *dot, const struct node *cmd, bool has_final,
                        json_t *final, json_t **ret)
{
	const struct node *first = cmd->kids[0];
	bool has_args = cmd->nkids > 1 || has_final;
	*ret = NULL;
	if (step(s, cmd) < 0)
		return -1;
	switch (first->type) {
	case N_FIELD:
		return eval_field_chain(s, first, dot, first->idents, first->nidents, has_args,
		                        ret);
	case N_CHAIN:
		return eval_chain(s, dot, first, has_args, ret);
	case N_IDENT:
		return eval_call(s, dot, first, cmd, has_final, final, ret);
	case N_PIPE:
		if (not_a_function(s, cmd, has_final) < 0)
			return -1;
		return eval_pipeline(s, dot, first, ret);
	case N_VARIABLE:
		if (first->nidents == 1) {
			if (not_a_function(s, cmd, has_final) < 0)
				return -1;
			return eval_variable(s, first, ret);
		} else {
			json_t *base = NULL;
			int r = eval_variable(s, first, &base);
			if (r == 0)
				r = eval_field_chain(s, first, base, first->idents + 1,
				                     first->nidents - 1, has_args, ret);
			json_decref(base);
			return r;
		}
	default:
		break;
	}
	if (not_a_function(s, cmd, has_final) < 0)
		return -1;
	switch (first->type) {
	case N_BOOL:
		*ret = json_boolean(first->boolean);
		return 0;
	case N_DOT:
		*ret = dot ? json_incref(dot) : NULL;
		return 0;
	case N_NIL:
		return exec_error(s, first, EINVAL, "nil is not a command");
	case N_NUMBER:
		*ret = number_value(s, first);
		return *ret ? 0 : -1;
	case N_STRING:
		*ret = json_stringn(first->str, first->str_len);
		return 0;
	default:
		return exec_error(s, first, EINVAL, "can't evaluate command");
	}
}

static int eval_pipeline(struct state *s, json_t *dot, const struct node *pipe, json_t **ret)
{
	json_t *value = NULL;
	if (++s->depth > TMPL_MAX_DEPTH * 2) {
		s->depth--;
		return exec_error(s, pipe, E2BIG, "template nested too deeply");
	}
	for (size_t i = 0; i < pipe->nkids; i++) {
		json_t *next = NULL;
		int r = eval_command(s, dot, pipe->kids[i], i > 0, value, &next);
		json_decref(value);
		if (r < 0) {
			s->depth--;
			return r;
		}
		/* a nil interface becomes "no value", as Go's evalPipeline does */
		if (json_is_null(next)) {
			json_decref(next);
			next = NULL;
		}
		value = next;
	}
	s->depth--;
	for (size_t i = 0; i < pipe->nidents; i++) {
		if (pipe->is_assign) {
			struct var *v = find_var(s, pipe->idents[i]);
			if (!v) {
				json_decref(value);
				return exec_error(s, pipe, EINVAL, "undefined variable: %s",
				                  pipe->idents[i]);
			}
			json_decref(v->val);
			v->val = value ? json_incref(value) : NULL;
		} else {
			push_var(s, pipe->idents[i], value);
		}
	}
	*ret = value;
	return 0;
}

static int walk(struct state *s, json_t *dot, const struct node *n);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void set_range_vars(struct state *s, const struct node *n, size_t mark, json_t *index,
                           json_t *elem)
{
	/* with one variable it holds the element; with two, the index then the element */
	if (n->pipe->nidents == 1) {
		json_decref(s->vars[mark - 1].val);
		s->vars[mark - 1].val = json_incref(elem);
	} else if (n->pipe->nidents == 2) {
		json_decref(s->vars[mark - 2].val);
		s->vars[mark - 2].val = json_incref(index);
		json_decref(s->vars[mark - 1].val);
		s->vars[mark - 1].val = json_incref(elem);
	}
}

static int range_one(struct state *s, const struct node *n, size_t mark, json_t *index,
                     json_t *elem)
{
	int r;
	set_range_vars(s, n, mark, index, elem);
	r = walk(s, json_is_null(elem) ? NULL : elem, n->list);
	pop_vars(s, mark);
	if (s->ctl == CTL_CONTINUE)
		s->ctl = CTL_NONE;
	return r;
}

static int walk_range(struct state *s, json_t *dot, const struct node *n)
{
	size_t mark, count = 0;
	json_t *val = NULL;
	int r = 0;
	if (eval_pipeline(s, dot, n->pipe, &val) < 0)
		return -1;
	mark = s->nvars;
	if (val && !json_is_array(val) && !json_is_object(val)) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		tmpl_print_value(&b, val);
		json_decref(val);
		return exec_error(s, n->pipe, EINVAL, "range can't iterate over %s", buf_str(&b));
	}
	if (val)
		count = json_is_array(val) ? json_array_size(val) : json_object_size(val);
	if (json_is_array(val)) {
		for (size_t i = 0; i < count && r == 0 && s->ctl != CTL_BREAK; i++) {
			json_t *idx = json_integer((json_int_t)i);
			r = range_one(s, n, mark, idx, json_array_get(val, i));
			json_decref(idx);
		}
	} else if (count > 0) {
		/* Go ranges over a map in sorted key order */
		_cleanup_free_ const char **keys = xnew(const char *, count);
		const char *key;
		json_t *v;
		size_t k = 0;
		json_object_foreach(val, key, v) keys[k++] = key;
		qsort(keys, count, sizeof(*keys), cmp_keys);
		for (size_t i = 0; i < count && r == 0 && s->ctl != CTL_BREAK; i++) {
			json_t *idx = json_string(keys[i]);
			r = range_one(s, n, mark, idx, json_object_get(val, keys[i]));
			json_decref(idx);
		}
	}
	if (s->ctl == CTL_BREAK)
		s->ctl = CTL_NONE;
	json_decref(val);
	if (r == 0 && count == 0 && n->else_list)
		r = walk(s, dot, n->else_list);
	return r;
}

static int walk_if_with(struct state *s, json_t *dot, const struct node *n)
{
	json_t *val = NULL;
	int r;
	if (eval_pipeline(s, dot, n->pipe, &val) < 0)
		return -1;
	if (tmpl_truth(val))
		r = walk(s, n->type == N_WITH ? val : dot, n->list);
	else if (n->else_list)
		r = walk(s, dot, n->else_list);
	else
		r = 0;
	json_decref(val);
	return r;
}

static int walk(struct state *s, json_t *dot, const struct node *n)
{
	size_t mark = s->nvars;
	json_t *val = NULL;
	int r = 0;
	if (step(s, n) < 0)
		return -1;
	switch (n->type) {
	case N_LIST:
		for (size_t i = 0; i < n->nkids && r == 0 && s->ctl == CTL_NONE; i++)
			r = walk(s, dot, n->kids[i]);
		return r;
	case N_TEXT:
		return out_append(s, n, n->str, n->str_len);
	case N_ACTION:
		if (eval_pipeline(s, dot, n->pipe, &val) < 0)
			return -1;
		if (n->pipe->nidents == 0) {
			_cleanup_buf_ struct buf b = BUF_INIT;
			if (val)
				tmpl_print_value(&b, val);
			else
				buf_puts(&b, "<no value>");
			r = out_append(s, n, buf_str(&b), b.len);
		}
		json_decref(val);
		/* variables declared by an action live until the end of the enclosing block */
		return r;
	case N_IF:
	case N_WITH:
		r = walk_if_with(s, dot, n);
		pop_vars(s, mark);
		return r;
	case N_RANGE:
		r = walk_range(s, dot, n);
		pop_vars(s, mark);
		return r;
	case N_BREAK:
		s->ctl = CTL_BREAK;
		return 0;
	case N_CONTINUE:
		s->ctl = CTL_CONTINUE;
		return 0;
	default:
		return exec_error(s, n, EINVAL, "unknown node");
	}
}

int template_execute(const struct template *t, json_t *data, const struct template_options *opts,
                     struct buf *out, struct cpod_error **err)
{
	struct state s = {
	        .t = t,
	        .flags = opts ? opts->flags : 0,
	        .type_name = opts ? opts->type_name : NULL,
	        .out = out,
	        .max_steps = opts && opts->max_steps ? opts->max_steps : TEMPLATE_DEFAULT_MAX_STEPS,
	};
	size_t saved_max = out->max;
	size_t max = opts && opts->max_output ? opts->max_output : TEMPLATE_DEFAULT_MAX_OUTPUT;
	int r;
	if (out->max == 0 || out->max > out->len + max)
		out->max = out->len + max;
	push_var(&s, "$", json_is_null(data) ? NULL : data);
	r = walk(&s, json_is_null(data) ? NULL : data, t->root);
	pop_vars(&s, 0);
	free(s.vars);
	out->max = saved_max;
	if (r < 0) {
		r = cpod_error_set(err, s.code ? s.code : EINVAL, "%s", s.errmsg);
		free(s.errmsg);
		return r;
	}
	return 0;
}
