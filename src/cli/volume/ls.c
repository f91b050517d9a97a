/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod volume ls` (`volume list`). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/volume.h"
#include "format/report.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

#define DEFAULT_TABLE "table {{.Driver}}\t{{.Name}}"

struct ls_opts {
	char **filter;
	char *format;
	bool noheading, quiet;
};

static const struct cli_option ls_options[] = {
        CLI_STRINGS("filter", 'f', struct ls_opts, filter, "Filter volume output"),
        CLI_STRING("format", 0, struct ls_opts, format,
                   "Format volume output using Go template (default "
                   "\"{{range .}}{{.Driver}}\\t{{.Name}}\\n{{end -}}\")"),
        CLI_BOOL("noheading", 0, struct ls_opts, noheading, "Do not print headers"),
        CLI_BOOL("quiet", 'q', struct ls_opts, quiet, "Print volume output in quiet mode"),
        CLI_OPT_END,
};

/*
 * Podman's `volume ls --format json` goes through json.MarshalIndent with two spaces, and
 * its empty maps come out as "{\n<indent>\n}" lines; reproduce that byte for byte.
 */
static void print_json_podman(const json_t *rows)
{
	_cleanup_free_ char *s = json_dumps(rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct buf b;
	buf_init(&b, 0);
	size_t line_indent = 0;
	bool in_str = false, esc = false, at_line_start = true;
	for (const char *p = s ? s : "[]"; *p; p++) {
		if (at_line_start) {
			line_indent = strspn(p, " ");
			at_line_start = false;
		}
		if (in_str) {
			if (esc)
				esc = false;
			else if (*p == '\\')
				esc = true;
			else if (*p == '"')
				in_str = false;
		} else if (*p == '"') {
			in_str = true;
		} else if (p[0] == '{' && p[1] == '}') {
			buf_puts(&b, "{\n");
			for (size_t i = 0; i < line_indent + 2; i++)
				buf_putc(&b, ' ');
			buf_putc(&b, '\n');
			for (size_t i = 0; i < line_indent; i++)
				buf_putc(&b, ' ');
			buf_putc(&b, '}');
			p++;
			continue;
		}
		if (*p == '\n')
			at_line_start = true;
		buf_putc(&b, *p);
	}
	_cleanup_free_ char *out = buf_take(&b);
	printf("%s\n", out);
}

static int ls_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct ls_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct volume **v = NULL;
	size_t n = 0;
	if (volume_list(ctx->engine, o->filter, &v, &n, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, volume_inspect_json(v[i]));
	volume_list_free(v, n);
	if (o->quiet) {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) printf("%s\n", json_get_string(r, "Name"));
		return 0;
	}
	if (o->format && format_is_json(o->format)) {
		print_json_podman(rows);
		return 0;
	}
	if (json_array_size(rows) == 0 && !o->format)
		return 0; /* Podman prints nothing, not even the header, for no volumes */
	const char *format = o->format ? o->format : DEFAULT_TABLE;
	if (o->noheading && strncmp(format, "table ", 6) == 0)
		format += 6;
	_cleanup_json_ json_t *headers =
	        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "Driver", "DRIVER", "Name", "VOLUME NAME",
	                  "Mountpoint", "MOUNTPOINT", "Scope", "SCOPE", "CreatedAt", "CREATED AT",
	                  "Labels", "LABELS");
	if (cli_output_format(ctx, format, rows, headers, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

static const char *const ls_aliases[] = {"list", NULL};

const struct cli_command cmd_volume_ls = {
        .name = "ls",
        .aliases = ls_aliases,
        .short_help = "List volumes",
        .long_help = "\ncpod volume ls\n\nList all available volumes. The output of the volumes "
                     "can be filtered\nand the output format can be changed to JSON or a user "
                     "specified Go template.",
        .usage = "[options]",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = ls_options,
        .opts_size = sizeof(struct ls_opts),
        .run = ls_run,
};
