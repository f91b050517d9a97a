/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod history` / `cpod image history` (Podman 4.3's columns and --format fields). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "format/units.h"
#include "image/image-history.h"
#include "image/image.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

#define DEFAULT_TABLE  "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
#define CREATED_BY_MAX 45

struct history_opts {
	bool human, no_trunc, notruncate, quiet;
	char *format;
};

static void history_init(void *opts_)
{
	((struct history_opts *)opts_)->human = true;
}

static const struct cli_option history_options[] = {
        CLI_STRING("format", 0, struct history_opts, format,
                   "Change the output to JSON or a Go template"),
        {.long_name = "human",
         .short_name = 'H',
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct history_opts, human),
         .help = "Display sizes and dates in human readable format",
         .def_help = "true"},
        CLI_BOOL("no-trunc", 0, struct history_opts, no_trunc, "Do not truncate the output"),
        {.long_name = "notruncate",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(struct history_opts, notruncate),
         .help = "Do not truncate the output",
         .flags = CLI_OPT_HIDDEN},
        CLI_BOOL("quiet", 'q', struct history_opts, quiet, "Display the numeric IDs only"),
        CLI_OPT_END,
};

/* Podman's history size: HumanSizeWithPrecision(size, 3) with a space before the unit */
static char *size_string(int64_t size)
{
	_cleanup_free_ char *s = units_human_size_prec((double)size, 3);
	size_t i = strlen(s);
	while (i > 0 && !(s[i - 1] >= '0' && s[i - 1] <= '9'))
		i--;
	return xasprintf("%.*s %s", (int)i, s, s + i);
}

/* Go's json.Marshal output: compact, with <, > and & escaped */
static void print_go_json(json_t *j)
{
	_cleanup_free_ char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : "[]"; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&')
			buf_printf(&b, "\\u%04x", (unsigned)*p);
		else
			buf_putc(&b, *p);
	}
	printf("%s\n", buf_str(&b));
	buf_release(&b);
}

static json_t *history_json(const struct image_history_entry *h, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *c =
		        h[i].has_created ? units_time_rfc3339nano(&h[i].created, true) : NULL;
		_cleanup_free_ char *c2 =
		        h[i].has_created ? units_time_rfc3339(&h[i].created, true) : NULL;
		json_t *o = json_pack("{s:s}", "id", h[i].id);
		if (c)
			json_object_set_new(o, "created", json_string(c));
		if (*h[i].created_by)
			json_object_set_new(o, "CreatedBy", json_string(h[i].created_by));
		json_object_set_new(o, "size", json_integer(h[i].size));
		if (*h[i].comment)
			json_object_set_new(o, "comment", json_string(h[i].comment));
		json_object_set_new(o, "Created", json_string(c2 ? c2 : "0001-01-01T00:00:00Z"));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *history_rows(const struct image_history_entry *h, size_t n,
                            const struct history_opts *opts)
{
	json_t *a = json_array();
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < n; i++) {
		bool trunc = !opts->no_trunc && !opts->notruncate;
		_cleanup_free_ char *id =
		        xstrndup(h[i].id, trunc && strlen(h[i].id) >= 12 ? 12 : 64);
		_cleanup_free_ char *ago = units_time_ago(&now, &h[i].created);
		_cleanup_free_ char *abs = units_time_rfc3339(&h[i].created, true);
		_cleanup_free_ char *by = NULL;
		if (trunc && strlen(h[i].created_by) > CREATED_BY_MAX)
			by = xasprintf("%.*s...", CREATED_BY_MAX - 3, h[i].created_by);
		else
			by = xstrdup(h[i].created_by);
		_cleanup_free_ char *size = size_string(h[i].size);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ID", id,
		                                   "Created", opts->human ? ago : abs, "CreatedAt",
		                                   abs, "CreatedSince", ago, "CreatedBy", by,
		                                   "Size", size, "Comment", h[i].comment));
	}
	return a;
}

static int history_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct history_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	struct image_history_entry *h = NULL;
	size_t n = 0;
	(void)argc;

	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	if (image_lookup(s, argv[0], NULL, &img, NULL, &err) < 0 ||
	    image_history(s, img, &h, &n, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_json_ json_t *rows = history_rows(h, n, opts);
	int r = 0;
	if (opts->format && strcmp(opts->format, "json") == 0) {
		_cleanup_json_ json_t *j = history_json(h, n);
		print_go_json(j);
	} else if (opts->quiet) {
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row) printf("%s\n", json_get_string(row, "ID"));
	} else {
		_cleanup_json_ json_t *headers =
		        json_pack("{s:s,s:s,s:s,s:s,s:s}", "ID", "ID", "Created", "CREATED",
		                  "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");
		if (cli_output_format(ctx, opts->format ? opts->format : DEFAULT_TABLE, rows,
		                      headers, &err) < 0)
			r = cli_error(ctx, err);
	}
	image_history_free(h, n);
	return r;
}

const struct cli_command cmd_image_history = {
        .name = "history",
        .short_help = "Show history of a specified image",
        .long_help = "Displays the history of an image.\n\n  The information can be printed out "
                     "in an easy to read, or user specified format, and can be truncated.",
        .usage = "[options] IMAGE",
        .examples = "cpod history quay.io/fedora/fedora",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = history_options,
        .opts_size = sizeof(struct history_opts),
        .opts_init = history_init,
        .run = history_run,
};
