/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod image list` (`cpod images`, `cpod image ls`). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "image/image.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define DEFAULT_TABLE "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"

struct images_opts {
	bool all, digests, noheading, no_trunc, quiet, history;
	char **filter;
	char *format;
	char *sort;
};

static const struct cli_option images_options[] = {
	CLI_BOOL("all", 'a', struct images_opts, all, "Show all images"),
	CLI_BOOL("digests", 0, struct images_opts, digests, "Show digests"),
	CLI_STRINGS("filter", 'f', struct images_opts, filter,
			 "Filter output based on conditions provided (default [])"),
	CLI_STRING("format", 0, struct images_opts, format,
		   "Change the output format to JSON or a Go template"),
	CLI_BOOL("history", 0, struct images_opts, history,
		 "Display the image name history"),
	CLI_BOOL("no-trunc", 0, struct images_opts, no_trunc, "Do not truncate output"),
	CLI_BOOL("noheading", 'n', struct images_opts, noheading,
		 "Do not print column headings"),
	CLI_BOOL("quiet", 'q', struct images_opts, quiet, "Display only image IDs"),
	CLI_STRING("sort", 0, struct images_opts, sort,
		   "Sort by created, id, repository, size, tag (default \"created\")"),
	CLI_OPT_END,
};

/* go-units HumanDuration */
static char *human_duration(int64_t secs)
{
	if (secs < 1)
		return xstrdup("Less than a second");
	if (secs == 1)
		return xstrdup("1 second");
	if (secs < 60)
		return xasprintf("%lld seconds", (long long)secs);
	int64_t m = secs / 60, h = m / 60;
	if (m == 1)
		return xstrdup("About a minute");
	if (m < 60)
		return xasprintf("%lld minutes", (long long)m);
	if (h == 1)
		return xstrdup("About an hour");
	if (h < 48)
		return xasprintf("%lld hours", (long long)h);
	if (h < 24 * 7 * 2)
		return xasprintf("%lld days", (long long)(h / 24));
	if (h < 24 * 30 * 2)
		return xasprintf("%lld weeks", (long long)(h / 24 / 7));
	if (h < 24 * 365 * 2)
		return xasprintf("%lld months", (long long)(h / 24 / 30));
	return xasprintf("%lld years", (long long)(h / 24 / 365));
}

/* go-units HumanSizeWithPrecision(size, 3): decimal units */
static char *human_size(double size)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
	size_t i = 0;
	while (size >= 1000 && i < 8) {
		size /= 1000;
		i++;
	}
	return xasprintf("%.3g %s", size, units[i]);
}

static void add_display_fields(json_t *rows, bool no_trunc)
{
	size_t i;
	json_t *r;
	time_t now = time(NULL);

	json_array_foreach(rows, i, r) {
		const char *id = json_get_string(r, "Id");
		_cleanup_free_ char *shortid = xstrndup(id ? id : "", no_trunc ? 64 : 12);
		_cleanup_free_ char *fullid = xasprintf("sha256:%s", id ? id : "");
		int64_t created = json_integer_value(json_object_get(r, "Created"));
		_cleanup_free_ char *ago = human_duration((int64_t)now - created);
		_cleanup_free_ char *since = xasprintf("%s ago", ago);
		_cleanup_free_ char *size = human_size((double)json_integer_value(
			json_object_get(r, "Size")));
		json_object_set_new(r, "ID", json_string(no_trunc ? fullid : shortid));
		json_object_set_new(r, "CreatedSince", json_string(since));
		json_object_set_new(r, "Created", json_string(since));
		json_object_set_new(r, "Size", json_string(size));
	}
}

static int images_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct images_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *rows = NULL;
	_cleanup_free_ char *ref_filter = NULL;
	char *filters_buf[64];
	size_t nf = 0;

	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	for (char **f = opts->filter; f && *f && nf < 62; f++)
		filters_buf[nf++] = *f;
	if (argc > 0) {
		ref_filter = xasprintf("reference=%s", argv[0]);
		filters_buf[nf++] = ref_filter;
	}
	filters_buf[nf] = NULL;
	struct image_list_opts lo = {.all = opts->all, .filters = filters_buf};
	lo.sort = opts->sort ? image_sort_from_string(opts->sort) : IMAGE_SORT_CREATED;
	if ((int)lo.sort < 0)
		return cli_errorf(ctx, "\"%s\" is not a valid option for --sort", opts->sort);
	if (image_list(s, &lo, &rows, &err) < 0)
		return cli_error(ctx, err);

	if (opts->format && strcmp(opts->format, "json") == 0) {
		cli_print_json(stdout, rows);
		return 0;
	}
	add_display_fields(rows, opts->no_trunc);
	if (opts->quiet) {
		size_t i;
		json_t *r;
		_cleanup_strv_free_ char **seen = NULL;
		/* one line per image, even when it has several names */
		json_array_foreach(rows, i, r) {
			const char *id = json_get_string(r, "ID");
			if (strv_contains(seen, id))
				continue;
			strv_push(&seen, id);
			printf("%s\n", id);
		}
		return 0;
	}
	const char *format = opts->format ? opts->format : DEFAULT_TABLE;
	_cleanup_json_ json_t *headers = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Repository",
						   "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID",
						   "Created", "CREATED", "Size", "SIZE");
	if (opts->noheading && strncmp(format, "table ", 6) == 0)
		format += 6;
	if (cli_output_format(ctx, format, rows, headers, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

static const char *const images_aliases[] = {"ls", NULL};

const struct cli_command cmd_image_list = {
	.name = "list",
	.aliases = images_aliases,
	.short_help = "List images in local storage",
	.long_help = "Lists images previously pulled to the system or created on the system.",
	.usage = "[options] [IMAGE]",
	.examples = "cpod image list --format json\ncpod image list --sort repository --format "
		    "\"table {{.ID}} {{.Repository}} {{.Tag}}\"\ncpod image list --filter "
		    "dangling=true",
	.min_args = 0,
	.max_args = 1,
	.flags = CLI_NEEDS_ENGINE,
	.options = images_options,
	.opts_size = sizeof(struct images_opts),
	.run = images_run,
};
