/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod top`: the processes of a running container, with Podman's descriptors or ps(1). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container-isolation.h"
#include "format/tabwriter.h"
#include "runtime/top.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/strv.h"
#include "banned.h"

struct top_opts {
	bool latest, list_descriptors;
};

static const struct cli_option top_options[] = {
        CTR_OPT_LATEST(struct top_opts, latest),
        CLI_BOOL("list-descriptors", 0, struct top_opts, list_descriptors,
                 "List the supported format descriptors"),
        CLI_OPT_END,
};

static const char *const all_descriptors[] = {
        "args",  "capamb", "capbnd", "capeff", "capinh", "capprm", "comm",
        "etime", "group",  "hgroup", "hpid",   "huser",  "label",  "nice",
        "pcpu",  "pgid",   "pid",    "ppid",   "rgroup", "ruser",  "seccomp",
        "state", "stime",  "time",   "tty",    "user",   "vsz",    NULL,
};

static int top_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct top_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (opts->list_descriptors) {
		for (size_t i = 0; all_descriptors[i]; i++)
			printf("%s\n", all_descriptors[i]);
		return 0;
	}
	if (argc < 1 && !opts->latest)
		return cli_errorf(ctx, "you must provide the name or id of a running container");
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, opts->latest ? 0 : 1, argv, false, opts->latest, 0, &err);
	if (!keys)
		return cli_error(ctx, err);
	if (!keys[0])
		return cli_errorf(ctx, "no containers to list");
	char **descs = opts->latest ? argv : argv + 1;
	_cleanup_json_ json_t *rows = NULL;
	_cleanup_strv_free_ char **lines = NULL;
	if (container_top(ctx->engine, keys[0], descs, &rows, &lines, &err) < 0)
		return cli_error(ctx, err);
	if (lines) {
		STRV_FOREACH(l, lines)
		printf("%s\n", *l);
		return 0;
	}
	struct tabwriter w;
	_cleanup_buf_ struct buf out = BUF_INIT;
	tabwriter_init_podman(&w);
	size_t i, j;
	json_t *row, *cell;
	json_array_foreach(rows, i, row)
	{
		json_array_foreach(row, j, cell)
		{
			const char *s = json_string_value(cell);
			if (j > 0)
				tabwriter_write(&w, "\t", 1);
			tabwriter_write(&w, s, strlen(s));
		}
		tabwriter_write(&w, "\n", 1);
	}
	tabwriter_flush(&w, &out);
	tabwriter_release(&w);
	fputs(buf_str(&out), stdout);
	return 0;
}

const struct cli_command cmd_container_top = {
        .name = "top",
        .short_help = "Display the running processes of a container",
        .long_help = "Display the running processes of a container.\n\nThe top command extends "
                     "the ps(1) compatible AIX descriptors with container-specific ones as shown "
                     "below.  In the presence of ps(1) specific flags (e.g, -eo), top will fall "
                     "back to executing ps with the specified flags in the container.",
        .usage = "[options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
        .examples = "cpod top ctrID\ncpod top ctrID pid seccomp args %C\ncpod top ctrID -eo "
                    "user,pid,comm",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE | CLI_NO_INTERSPERSE,
        .options = top_options,
        .opts_size = sizeof(struct top_opts),
        .run = top_run,
};
