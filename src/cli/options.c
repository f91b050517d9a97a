/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Option parsing with pflag's rules, which is what Podman users type:
 * --name=value, --name value, --bool, --bool=false, -x value, -xvalue, -x=value, -abc for
 * several short booleans, "--" ends the options, "-" alone is a positional argument.
 * Options may follow positional arguments unless the command is CLI_NO_INTERSPERSE (run,
 * exec: there everything after the image is the container's command). Global options are
 * accepted after the command too, as Podman's persistent flags are.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static const struct cli_option *find_long(const struct cli_option *table, const char *name,
					  size_t len)
{
	for (const struct cli_option *o = table; o && o->long_name; o++)
		if (strlen(o->long_name) == len && strncmp(o->long_name, name, len) == 0)
			return o;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *table, char c)
{
	for (const struct cli_option *o = table; o && o->long_name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* The flag as pflag names it in errors: "-n, --last" or "--format". */
static char *flag_display(const struct cli_option *o)
{
	if (o->short_name)
		return xasprintf("-%c, --%s", o->short_name, o->long_name);
	return xasprintf("--%s", o->long_name);
}

static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
	for (size_t i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
	for (size_t i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	return -EINVAL;
}

static int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	if (!*s || !end || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void mark_changed(struct cli_ctx *ctx, const struct cli_option *o)
{
	if (ctx && !strv_contains(ctx->changed, o->long_name))
		strv_push(&ctx->changed, o->long_name);
}

static int invalid_value(const struct cli_option *o, const char *value, const char *why,
			 struct cpod_error **err)
{
	_cleanup_free_ char *disp = flag_display(o);
	return cpod_error_set(err, EINVAL, "invalid argument \"%s\" for \"%s\" flag: %s", value,
			      disp, why);
}

static int set_value(const struct cli_option *o, void *base, const char *value,
		     struct cli_ctx *ctx, struct cpod_error **err)
{
	void *field = (char *)base + o->offset;
	bool first = !ctx || !cli_flag_changed(ctx, o->long_name);
	int64_t v;
	int r;

	switch (o->type) {
	case CLI_OPT_BOOL:
		if (parse_bool(value, (bool *)field) < 0)
			return invalid_value(o, value, "strconv.ParseBool: parsing \"\": invalid syntax",
					     err);
		break;
	case CLI_OPT_STRING:
		*(const char **)field = value;
		break;
	case CLI_OPT_STRING_ARRAY:
	case CLI_OPT_STRING_SLICE: {
		char ***arr = field;
		if (first) /* the first explicit use replaces the default, as in pflag */
			*arr = strv_free(*arr);
		if (!*arr)
			*arr = xnew(char *, 1);
		if (o->type == CLI_OPT_STRING_ARRAY) {
			strv_push(arr, value);
		} else if (*value) {
			_cleanup_strv_free_ char **parts = strv_split(value, ",");
			STRV_FOREACH(p, parts)
				strv_push(arr, *p);
		}
		break;
	}
	case CLI_OPT_INT:
	case CLI_OPT_UINT:
	case CLI_OPT_INT64: {
		int64_t min = o->type == CLI_OPT_INT ? INT_MIN : o->type == CLI_OPT_UINT ? 0 : INT64_MIN;
		int64_t max = o->type == CLI_OPT_INT ? INT_MAX
			      : o->type == CLI_OPT_UINT ? UINT_MAX
							 : INT64_MAX;
		r = parse_int64(value, min, max, &v);
		if (r < 0) {
			_cleanup_free_ char *why = xasprintf(
				"strconv.Parse%s: parsing \"%s\": %s",
				o->type == CLI_OPT_UINT ? "Uint" : "Int", value,
				r == -ERANGE ? "value out of range" : "invalid syntax");
			return invalid_value(o, value, why, err);
		}
		if (o->type == CLI_OPT_INT)
			*(int *)field = (int)v;
		else if (o->type == CLI_OPT_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(int64_t *)field = v;
		break;
	}
	}
	mark_changed(ctx, o);
	return 0;
}

static bool takes_value(const struct cli_option *o)
{
	return o->type != CLI_OPT_BOOL && !(o->flags & CLI_OPT_NOOPT);
}

struct table_ref {
	const struct cli_option *table;
	void *base;
};

static const struct cli_option *lookup_long(const struct table_ref *t, size_t nt,
					    const char *name, size_t len, void **base)
{
	for (size_t i = 0; i < nt; i++) {
		const struct cli_option *o = find_long(t[i].table, name, len);
		if (o) {
			*base = t[i].base;
			return o;
		}
	}
	return NULL;
}

static const struct cli_option *lookup_short(const struct table_ref *t, size_t nt, char c,
					     void **base)
{
	for (size_t i = 0; i < nt; i++) {
		const struct cli_option *o = find_short(t[i].table, c);
		if (o) {
			*base = t[i].base;
			return o;
		}
	}
	return NULL;
}

int cli_parse_args(const struct cli_command *cmd, void *opts, struct cli_ctx *ctx, int argc,
		   char **argv, int *ret_argc, char ***ret_argv, struct cpod_error **err)
{
	struct table_ref tables[2] = {{cmd->options, opts}, {cli_global_options, &ctx->global}};
	size_t ntables = cmd == &cli_root_command ? 1 : 2;
	if (cmd == &cli_root_command)
		tables[0] = (struct table_ref){cli_global_options, &ctx->global};
	char **pos = xnew(char *, argc + 1);
	int npos = 0;
	bool flags_done = false;

	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		if (flags_done || arg[0] != '-' || arg[1] == '\0') {
			pos[npos++] = arg;
			if (cmd->flags & CLI_NO_INTERSPERSE)
				flags_done = true;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			flags_done = true;
			if (cmd->flags & CLI_NO_INTERSPERSE)
				pos[npos++] = arg; /* run: keep "--" visible to the verb */
			continue;
		}
		if (strcmp(arg, "--help") == 0) {
			ctx->global.help = true;
			continue;
		}
		void *base = NULL;
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct cli_option *o = lookup_long(tables, ntables, name, len, &base);
			if (!o) {
				free(pos);
				return cpod_error_set(err, EINVAL, "unknown flag: --%.*s", (int)len,
						      name);
			}
			const char *value = NULL;
			if (eq)
				value = eq + 1;
			else if (!takes_value(o))
				value = o->type == CLI_OPT_BOOL ? "true" : o->noopt_value;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				free(pos);
				return cpod_error_set(err, EINVAL, "flag needs an argument: --%s",
						      o->long_name);
			}
			int r = set_value(o, base, value, ctx, err);
			if (r < 0) {
				free(pos);
				return r;
			}
			continue;
		}
		/* one or more short flags */
		for (const char *s = arg + 1; *s; s++) {
			const struct cli_option *o = lookup_short(tables, ntables, *s, &base);
			if (!o) {
				if (*s == 'h') { /* cobra's built-in -h, unless the verb uses it */
					ctx->global.help = true;
					continue;
				}
				free(pos);
				return cpod_error_set(err, EINVAL,
						      "unknown shorthand flag: '%c' in %s", *s, arg);
			}
			const char *value = NULL;
			if (s[1] == '=') {
				value = s + 2;
			} else if (!takes_value(o)) {
				value = o->type == CLI_OPT_BOOL ? "true" : o->noopt_value;
			} else if (s[1]) {
				value = s + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				free(pos);
				return cpod_error_set(err, EINVAL,
						      "flag needs an argument: '%c' in -%c", *s, *s);
			}
			int r = set_value(o, base, value, ctx, err);
			if (r < 0) {
				free(pos);
				return r;
			}
			if (value && (s[1] == '=' || value == s + 1))
				break;
		}
	}
	pos[npos] = NULL;
	*ret_argc = npos;
	*ret_argv = pos;
	return 0;
}

void cli_opts_release(const struct cli_option *table, void *opts)
{
	for (const struct cli_option *o = table; o && o->long_name; o++)
		if (o->type == CLI_OPT_STRING_ARRAY || o->type == CLI_OPT_STRING_SLICE) {
			char ***arr = (char ***)((char *)opts + o->offset);
			*arr = strv_free(*arr);
		}
}

bool cli_flag_changed(const struct cli_ctx *ctx, const char *long_name)
{
	return strv_contains(ctx->changed, long_name);
}
