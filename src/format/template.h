/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_TEMPLATE_H
#define CPOD_FORMAT_TEMPLATE_H

/*
 * A Go text/template engine over jansson values, compatible with what Podman users write in
 * --format: text and {{actions}} with {{- -}} trim markers, comments, fields (.A.B), $
 * variables (:= and =), pipelines, parentheses, if/else if/else, range (arrays and objects,
 * objects in sorted key order like Go maps), with, break/continue, literals, Go's builtin
 * functions (and or not len index slice print printf println eq ne lt le gt ge html js
 * urlquery) and Podman 4.3's (containers/common v0.50 report.DefaultFuncs: join json lower pad
 * split title truncate upper).
 *
 * Data model: json_t values. An object is a Go struct or a Go map:
 *  - a non-empty object whose keys all start with an ASCII upper-case letter is taken as a
 *    struct: a missing field is an error ("can't evaluate field Foo in type T");
 *  - any other object (or every object with TEMPLATE_OBJECTS_ARE_MAPS) is a map: a missing
 *    key is "<no value>".
 * Printing follows Go's fmt %v: strings raw, integers, floats as Go prints float64, bools,
 * null as <no value> (from an action) or <nil> (inside values), arrays "[a b]", objects
 * "map[k:v]" with sorted keys.
 *
 * Errors have Go's shape: "template: NAME:LINE: msg" for parse errors and
 * "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: msg" for execution errors.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

struct template;

enum template_flags {
	/* treat every JSON object as a Go map: missing keys print <no value>, no error */
	TEMPLATE_OBJECTS_ARE_MAPS = 1 << 0,
};

struct template_options {
	unsigned flags;        /* enum template_flags */
	size_t max_output;     /* 0: TEMPLATE_DEFAULT_MAX_OUTPUT */
	const char *type_name; /* Go type named in "can't evaluate field" errors; NULL: "struct" */
	size_t max_steps;      /* evaluation steps before E2BIG; 0: TEMPLATE_DEFAULT_MAX_STEPS */
};

#define TEMPLATE_DEFAULT_MAX_STEPS (50u * 1000 * 1000)

#define TEMPLATE_DEFAULT_MAX_OUTPUT (64u * 1024 * 1024)
/* templates larger than this are refused */
#define TEMPLATE_MAX_TEXT (1u * 1024 * 1024)

/*
 * Parse text as a template called name (name appears in error messages).
 * Returns a template to free with template_free(), or NULL with *err set (EINVAL: syntax,
 * E2BIG: text larger than TEMPLATE_MAX_TEXT; nesting deeper than the parser allows is EINVAL).
 */
struct template *template_parse(const char *name, const char *text, struct cpod_error **err);

/* Free a template; accepts NULL, returns NULL. */
struct template *template_free(struct template *t);

/*
 * Execute t with data as dot (borrowed; NULL means no value) and append the output to out.
 * opts may be NULL. Returns 0, or a negative errno with *err set: EINVAL for execution
 * errors, E2BIG when the output would exceed the cap, recursion is too deep or execution
 * takes more than max_steps steps. On error,
 * out holds the output produced before the error (as Go's writer would).
 */
int template_execute(const struct template *t, json_t *data, const struct template_options *opts,
                     struct buf *out, struct cpod_error **err);

/* Parse and execute in one go; returns the owned output (free()) or NULL with *err set. */
char *template_render(const char *name, const char *text, json_t *data,
                      const struct template_options *opts, struct cpod_error **err);

static inline void template_freep(struct template **t)
{
	if (*t)
		template_free(*t);
}
#define _cleanup_template_ _cleanup_(template_freep)

#endif
