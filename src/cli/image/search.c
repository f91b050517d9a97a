/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod search` / `cpod image search`: repositories (or their tags) in registries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "image/pull.h"
#include "registry-flags.h"
#include "util/json.h"
#include "util/strv.h"
#include "banned.h"

struct search_opts {
	char **filter;
	char *format;
	int limit;
	bool list_tags, no_trunc;
	struct registry_flags reg;
};

static const struct cli_option search_options[] = {
        REGISTRY_FLAG_AUTHFILE(struct search_opts),
        REGISTRY_FLAG_CERT_DIR(struct search_opts, "string"),
        REGISTRY_FLAG_CREDS(struct search_opts),
        CLI_STRINGS("filter", 'f', struct search_opts, filter,
                    "Filter output based on conditions provided (default [])"),
        CLI_STRING("format", 0, struct search_opts, format,
                   "Change the output format to JSON or a Go template"),
        CLI_INT("limit", 0, struct search_opts, limit, "Limit the number of results"),
        CLI_BOOL("list-tags", 0, struct search_opts, list_tags,
                 "List the tags of the input registry"),
        CLI_BOOL("no-trunc", 0, struct search_opts, no_trunc, "Do not truncate the output"),
        REGISTRY_FLAG_TLS_VERIFY(struct search_opts),
        CLI_OPT_END,
};

/* stars=N, is-official, is-automated: registries without a search API have neither. */
static bool passes(char *const *filters, bool *bad, const char **which)
{
	STRV_FOREACH(f, (char **)filters)
	{
		const char *eq = strchr(*f, '=');
		if (!eq) {
			*bad = true;
			*which = *f;
			return false;
		}
		size_t k = (size_t)(eq - *f);
		if (k == 5 && strncmp(*f, "stars", 5) == 0) {
			if (strtol(eq + 1, NULL, 10) > 0)
				return false;
		} else if ((k == 11 && strncmp(*f, "is-official", 11) == 0) ||
		           (k == 12 && strncmp(*f, "is-automated", 12) == 0)) {
			if (strcmp(eq + 1, "true") == 0)
				return false;
		} else {
			*bad = true;
			*which = *f;
			return false;
		}
	}
	return true;
}

static int search_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct search_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	(void)argc;
	struct image_search_opts so = {.list_tags = o->list_tags, .limit = o->limit};
	if (registry_flags_access(ctx, &o->reg, &so.access, &err) < 0)
		return cli_error(ctx, err);
	if (o->list_tags && o->filter)
		return cli_errorf(ctx, "filters are not applicable to list tags result");
	bool bad = false;
	const char *which = NULL;
	bool keep = passes(o->filter, &bad, &which);
	if (bad)
		return cli_errorf(ctx, "invalid filter type \"%s\"", which);
	struct image_search_result *res = NULL;
	size_t n = 0;
	if (image_search(argv[0], &so, &res, &n, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; keep && i < n; i++) {
		if (o->list_tags) {
			/* --format json groups the tags by repository */
			json_t *last = json_array_get(rows, json_array_size(rows) - 1);
			if (o->format && strcmp(o->format, "json") == 0) {
				if (!last ||
				    strcmp(json_get_string(last, "Name"), res[i].name) != 0) {
					last = json_pack("{s:s,s:[]}", "Name", res[i].name, "Tags");
					json_array_append_new(rows, last);
				}
				json_array_append_new(json_object_get(last, "Tags"),
				                      json_string(res[i].tag));
				continue;
			}
			json_array_append_new(rows, json_pack("{s:s,s:s}", "Name", res[i].name,
			                                      "Tag", res[i].tag));
			continue;
		}
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "Index",
		                                      res[i].index, "Name", res[i].name,
		                                      "Description", "", "Stars", 0, "Official", "",
		                                      "Automated", "", "Tag", ""));
	}
	image_search_results_free(res, n);
	const char *fmt = o->format && *o->format ? o->format
	                  : o->list_tags          ? "table {{.Name}}\t{{.Tag}}"
	                                          : "table {{.Name}}\t{{.Description}}";
	if (cli_output_format(ctx, fmt, rows, NULL, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_image_search = {
        .name = "search",
        .short_help = "Search registry for image",
        .long_help = "Search registries for a given image. Can search all the default "
                     "registries or a specific registry.\n\n  Users can limit the number of "
                     "results, and filter the output based on certain conditions.",
        .usage = "[options] TERM",
        .examples = "cpod search --filter=is-official --limit 3 alpine\n"
                    "cpod search registry.fedoraproject.org/  # only works with v2 "
                    "registries\ncpod search --format \"table {{.Index}} {{.Name}}\" "
                    "registry.fedoraproject.org/fedora",
        .min_args = 1,
        .max_args = 1,
        .options = search_options,
        .opts_size = sizeof(struct search_opts),
        .run = search_run,
};
