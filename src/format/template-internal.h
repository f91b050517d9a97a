/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_TEMPLATE_INTERNAL_H
#define CPOD_FORMAT_TEMPLATE_INTERNAL_H

/* Shared between the lexer, parser, executor and function files of the template engine. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TMPL_MAX_DEPTH 100

enum tok_type {
	T_ERROR,
	T_EOF,
	T_TEXT,
	T_LDELIM,
	T_RDELIM,
	T_SPACE,
	T_BOOL,
	T_CHAR,
	T_CHARCONST,
	T_NUMBER,
	T_STRING,
	T_RAWSTRING,
	T_FIELD,
	T_VARIABLE,
	T_IDENT,
	T_ASSIGN,
	T_DECLARE,
	T_PIPE,
	T_LPAREN,
	T_RPAREN,
	T_DOT,
	T_NIL,
	/* keywords */
	T_KW_BLOCK,
	T_KW_BREAK,
	T_KW_CONTINUE,
	T_KW_DEFINE,
	T_KW_ELSE,
	T_KW_END,
	T_KW_IF,
	T_KW_RANGE,
	T_KW_TEMPLATE,
	T_KW_WITH,
};

struct token {
	enum tok_type type;
	size_t pos;      /* byte offset in the template text */
	const char *val; /* points into the text (or to the error message for T_ERROR) */
	size_t len;
};

struct lex_result {
	struct token *toks;
	size_t n;
	char *errmsg; /* owned; set when lexing failed */
	size_t errpos;
};

/* Tokenise the whole text. Always fills res; on error res->errmsg is set. */
void tmpl_lex(const char *text, size_t len, struct lex_result *res);
void tmpl_lex_release(struct lex_result *res);

enum node_type {
	N_LIST,
	N_TEXT,
	N_ACTION,
	N_IF,
	N_RANGE,
	N_WITH,
	N_BREAK,
	N_CONTINUE,
	N_PIPE,
	N_COMMAND,
	N_FIELD,
	N_VARIABLE,
	N_CHAIN,
	N_IDENT,
	N_DOT,
	N_NIL,
	N_BOOL,
	N_NUMBER,
	N_STRING,
};

struct node {
	enum node_type type;
	size_t pos;
	/* N_LIST: items; N_PIPE: commands; N_COMMAND: arguments */
	struct node **kids;
	size_t nkids;
	/* N_ACTION, N_IF, N_RANGE, N_WITH: the pipeline; N_CHAIN: the base operand */
	struct node *pipe;
	struct node *list, *else_list;
	/*
	 * N_FIELD: field names; N_VARIABLE: "$name" then field names; N_CHAIN: field names;
	 * N_PIPE: declared variables
	 */
	char **idents;
	size_t nidents;
	bool is_assign; /* N_PIPE: "=" rather than ":=" */
	/* N_TEXT: the text; N_STRING: the unquoted value; N_IDENT: the name */
	char *str;
	size_t str_len;
	/* N_STRING, N_NUMBER: the source text (for messages) */
	char *src;
	/* N_NUMBER: value */
	bool is_int, is_float;
	int64_t ival;
	double fval;
	bool boolean; /* N_BOOL */
};

struct template
{
	char *name;
	char *text;
	struct node *root;
};

void tmpl_node_free(struct node *n);
/* Go's Node.String() of an argument/command/pipeline, appended to b */
void tmpl_node_string(const struct node *n, struct buf *b);
/* line (1-based) and column (0-based byte) of a position, as Go's ErrorContext */
void tmpl_position(const char *text, size_t pos, int *line, int *col);

/* Parse tokens into a tree; returns NULL and an owned message on error. */
struct node *tmpl_parse_tokens(const char *text, const struct token *toks, size_t n, char **errmsg,
                               size_t *errpos);

/* printing (template-print.c) */
bool tmpl_is_struct(const json_t *v, unsigned flags);
/* Go's fmt.Sprint(v) of one value (%v); v NULL prints <nil> */
void tmpl_print_value(struct buf *b, const json_t *v);
/* Go's type name of a value, used in messages */
const char *tmpl_type_name(const json_t *v);
/* fmt.Sprintf with Go's verbs over json values */
void tmpl_sprintf(struct buf *b, const char *fmt, size_t fmt_len, json_t *const *args, size_t n);
/* fmt.Sprint and fmt.Sprintln */
void tmpl_sprint(struct buf *b, json_t *const *args, size_t n, bool ln);
/* Go's strconv.Quote */
void tmpl_quote(struct buf *b, const char *s, size_t len);
/* Go's fmt of a float64 for verb e/E/f/F/g/G (prec -1: shortest, as %v when verb is v) */
void tmpl_format_float(struct buf *b, double f, char verb, int prec);
/* encoding/json of a value without HTML escaping (Podman's json function) */
void tmpl_json_encode(struct buf *b, const json_t *v, unsigned flags);

/* functions (template-funcs.c) */
struct tmpl_func_ctx {
	unsigned flags;
	char *errmsg; /* set by a function on failure (owned) */
};
typedef json_t *(*tmpl_func_fn)(struct tmpl_func_ctx *ctx, json_t **args, size_t n);
enum tmpl_arg_kind {
	ARG_ANY,
	ARG_STRING,
	ARG_INT,
	ARG_STRV,
};
struct tmpl_func {
	const char *name;
	tmpl_func_fn fn;
	int nparams;                  /* fixed parameters */
	bool variadic;                /* further ARG_ANY parameters */
	enum tmpl_arg_kind params[3]; /* kinds of the fixed parameters */
	bool lazy;                    /* and/or: arguments evaluated by the executor */
};
const struct tmpl_func *tmpl_func_lookup(const char *name);
bool tmpl_truth(const json_t *v);

#endif
