/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --help pages generated from the command and option tables, laid out as Podman's (cobra +
 * pflag) pages are: short line, Description, Usage, Examples, Available Commands, Options.
 */
#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "banned.h"

static int cmp_opt(const void *a, const void *b)
{
	const struct cli_option *x = *(const struct cli_option *const *)a;
	const struct cli_option *y = *(const struct cli_option *const *)b;
	return strcmp(x->long_name, y->long_name);
}

/* The left column of one option: "  -a, --all" or "      --format string". */
static char *option_left(const struct cli_option *o)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (o->short_name)
		buf_printf(&b, "  -%c, --%s", o->short_name, o->long_name);
	else
		buf_printf(&b, "      --%s", o->long_name);
	if (o->arg_name && o->type != CLI_OPT_BOOL)
		buf_printf(&b, " %s", o->arg_name);
	return buf_take(&b);
}

static void print_usage_text(FILE *out, const char *help, size_t indent)
{
	/* continuation lines of a multi-line usage are indented to the usage column */
	for (const char *p = help; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", (int)indent, "");
	}
}

static void print_options(FILE *out, const struct cli_option *table)
{
	size_t n = 0;
	for (const struct cli_option *o = table; o && o->long_name; o++)
		if (!(o->flags & CLI_OPT_HIDDEN))
			n++;
	const struct cli_option **v = xnew(const struct cli_option *, n + 1);
	size_t k = 0;
	for (const struct cli_option *o = table; o && o->long_name; o++)
		if (!(o->flags & CLI_OPT_HIDDEN))
			v[k++] = o;
	qsort(v, k, sizeof(*v), cmp_opt);

	size_t maxlen = 0;
	char **left = xnew(char *, k + 1);
	for (size_t i = 0; i < k; i++) {
		left[i] = option_left(v[i]);
		if (strlen(left[i]) > maxlen)
			maxlen = strlen(left[i]);
	}
	for (size_t i = 0; i < k; i++) {
		/* pflag: left, then padding to the longest left + 3 spaces, then the usage */
		fprintf(out, "%s%*s", left[i], (int)(maxlen - strlen(left[i]) + 3), "");
		print_usage_text(out, v[i]->help ? v[i]->help : "", maxlen + 3);
		if (v[i]->def_help)
			fprintf(out, " (default %s)", v[i]->def_help);
		fputc('\n', out);
		free(left[i]);
	}
	free(left);
	free(v);
}

static void print_commands(FILE *out, const struct cli_command *const *subs)
{
	size_t pad = 11;
	for (size_t i = 0; subs[i]; i++)
		if (strlen(subs[i]->name) > pad)
			pad = strlen(subs[i]->name);
	fputs("Available Commands:\n", out);
	for (size_t i = 0; subs[i]; i++) {
		if (subs[i]->flags & CLI_HIDDEN)
			continue;
		const struct cli_command *target = subs[i]->alias_of ? subs[i]->alias_of : subs[i];
		fprintf(out, "  %-*s %s\n", (int)pad, subs[i]->name, target->short_help);
	}
}

static void print_indented(FILE *out, const char *text)
{
	fputs("  ", out);
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n' && p[1])
			fputs("  ", out);
	}
	fputc('\n', out);
}

void cli_print_help(FILE *out, const struct cli_command *cmd, const char *path)
{
	const struct cli_command *c = cmd->alias_of ? cmd->alias_of : cmd;
	bool root = cmd == &cli_root_command;

	fprintf(out, "%s\n\n", c->short_help);
	if (!root) {
		fputs("Description:\n", out);
		print_indented(out, c->long_help ? c->long_help : c->short_help);
		fputc('\n', out);
	}
	fputs("Usage:\n", out);
	if (c->subcommands)
		fprintf(out, "  %s %s\n\n", path, root ? "[options] [command]" : "[command]");
	else
		fprintf(out, "  %s %s\n\n", path, c->usage ? c->usage : "[options]");
	if (c->examples) {
		fputs("Examples:\n", out);
		print_indented(out, c->examples);
		fputc('\n', out);
	}
	if (c->subcommands) {
		print_commands(out, c->subcommands);
		if (root)
			fputc('\n', out);
	}
	const struct cli_option *opts = root ? cli_global_options : c->options;
	if (opts && opts->long_name) {
		fputs("Options:\n", out);
		print_options(out, opts);
	}
}
