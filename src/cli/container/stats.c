/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod stats`: live resource usage of containers, as Podman 4.3 prints it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "cli/output.h"
#include "engine/container-isolation.h"
#include "format/report.h"
#include "format/units.h"
#include "runtime/cgroup-stats.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define STATS_TABLE                                                                                \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"        \
	"{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}\n"
/* Most containers one invocation samples; a stream keeps the previous sample of each. */
#define STATS_MAX 4096

struct stats_opts {
	bool all, latest, no_reset, no_stream;
	char *format;
	int interval;
};

static void stats_opts_init(void *opts)
{
	((struct stats_opts *)opts)->interval = 5;
}

static const struct cli_option stats_options[] = {
        CLI_BOOL("all", 'a', struct stats_opts, all,
                 "Show all containers. Only running containers are shown by default. The default "
                 "is false"),
        CLI_STRING("format", 0, struct stats_opts, format,
                   "Pretty-print container statistics to JSON or using a Go template"),
        {.long_name = "interval",
         .short_name = 'i',
         .type = CLI_OPT_INT,
         .offset = offsetof(struct stats_opts, interval),
         .arg_name = "int",
         .help = "Time in seconds between stats reports",
         .def_help = "5"},
        CTR_OPT_LATEST(struct stats_opts, latest),
        CLI_BOOL("no-reset", 0, struct stats_opts, no_reset,
                 "Disable resetting the screen between intervals"),
        CLI_BOOL(
                "no-stream", 0, struct stats_opts, no_stream,
                "Disable streaming stats and only pull the first result, default setting is false"),
        CLI_OPT_END,
};

/*
 * Podman's floatToPercentString: "--" for zero, two decimals otherwise. Its
 * RemoveScientificNotationFromFloat keeps only the mantissa of values Go prints with an
 * exponent, so tiny percentages come out as the mantissa: reproduced for identical output.
 */
static char *percent(double f)
{
	char g[64];
	snprintf(g, sizeof(g), "%g", f);
	char *e = strchr(g, 'e');
	if (e) {
		*e = '\0';
		f = strtod(g, NULL);
	}
	if (f == 0 || !isfinite(f))
		return xstrdup("--");
	return xasprintf("%.2f%%", f);
}

static char *pair(uint64_t a, uint64_t b)
{
	_cleanup_free_ char *x = units_human_size((double)a);
	_cleanup_free_ char *y = units_human_size((double)b);
	return xasprintf("%s / %s", x, y);
}

static void set_str(json_t *o, const char *k, char *v)
{
	json_object_set_new(o, k, json_string(v));
	free(v);
}

static json_t *stats_row(const struct container_stats *s)
{
	json_t *o = json_object();
	set_str(o, "ID", xstrndup(s->id, 12));
	json_object_set_new(o, "Name", json_string(s->name));
	set_str(o, "CPUPerc", percent(s->cpu_percent));
	set_str(o, "MemUsage", pair(s->mem_usage, s->mem_limit));
	_cleanup_free_ char *ub = units_bytes_size((double)s->mem_usage);
	_cleanup_free_ char *lb = units_bytes_size((double)s->mem_limit);
	set_str(o, "MemUsageBytes", xasprintf("%s / %s", ub, lb));
	set_str(o, "MemPerc", percent(s->mem_percent));
	set_str(o, "NetIO", pair(s->net_input, s->net_output));
	set_str(o, "BlockIO", pair(s->block_input, s->block_output));
	set_str(o, "PIDS",
	        s->pids ? xasprintf("%llu", (unsigned long long)s->pids) : xstrdup("--"));
	set_str(o, "UpTime", stats_go_duration((int64_t)s->cpu_ns));
	set_str(o, "AVGCPU", percent(s->avg_cpu));
	json_object_set_new(o, "ContainerID", json_string(s->id));
	json_object_set_new(o, "CPU", json_real(s->cpu_percent));
	json_object_set_new(o, "AvgCPU", json_real(s->avg_cpu));
	json_object_set_new(o, "CPUNano", json_integer((json_int_t)s->cpu_ns));
	json_object_set_new(o, "SystemNano", json_integer(s->system_ns));
	json_object_set_new(o, "MemLimit", json_integer((json_int_t)s->mem_limit));
	json_object_set_new(o, "PIDs", json_integer((json_int_t)s->pids));
	json_object_set_new(o, "NetInput", json_integer((json_int_t)s->net_input));
	json_object_set_new(o, "NetOutput", json_integer((json_int_t)s->net_output));
	json_object_set_new(o, "BlockInput", json_integer((json_int_t)s->block_input));
	json_object_set_new(o, "BlockOutput", json_integer((json_int_t)s->block_output));
	return o;
}

/* Podman's --format json: its own keys, one-space indentation */
static void print_json(json_t *rows)
{
	json_t *out = json_array();
	static const char *const keys[][2] = {
	        {"id", "ID"},
	        {"name", "Name"},
	        {"cpu_time", "UpTime"},
	        {"cpu_percent", "CPUPerc"},
	        {"avg_cpu", "AVGCPU"},
	        {"mem_usage", "MemUsage"},
	        {"mem_percent", "MemPerc"},
	        {"net_io", "NetIO"},
	        {"block_io", "BlockIO"},
	        {"pids", "PIDS"},
	};
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *o = json_object();
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			json_object_set(o, keys[k][0], json_object_get(r, keys[k][1]));
		json_array_append_new(out, o);
	}
	char *text = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	printf("%s\n", text ? text : "[]");
	free(text);
	json_decref(out);
}

static int sample(struct cli_ctx *ctx, struct stats_opts *opts, char **keys, bool named,
                  struct container_stats *prev, size_t n_keys, json_t **ret,
                  struct cpod_error **err)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < n_keys; i++) {
		struct container_stats s;
		struct cpod_error *e = NULL;
		if (container_stats(ctx->engine, keys[i], prev[i].name ? &prev[i] : NULL, &s, &e) <
		    0) {
			/* stopped containers are left out unless named */
			if (named && e->code != EINVAL) {
				cpod_error_move(err, &e);
				json_decref(rows);
				return -EIO;
			}
			cpod_error_free(e);
			continue;
		}
		json_array_append_new(rows, stats_row(&s));
		container_stats_release(&prev[i]);
		prev[i] = s;
	}
	(void)opts;
	*ret = rows;
	return 0;
}

static int stats_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct stats_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (opts->all && opts->latest)
		return cli_errorf(ctx, "--all and --latest cannot be used together");
	if (argc > 0 && (opts->all || opts->latest))
		return cli_errorf(ctx, "--all, --latest and containers cannot be used together");
	if (opts->interval < 1)
		return cli_errorf(ctx, "invalid interval, must be a positive number greater zero");
	unsigned mask = opts->all ? 0 : 1u << CTR_RUNNING;
	_cleanup_strv_free_ char **keys = argc > 0
	                                          ? strv_copy(argv)
	                                          : ctr_targets(ctx->engine, 0, argv, !opts->latest,
	                                                        opts->latest, mask, &err);
	if (!keys)
		return cli_error(ctx, err);
	size_t n = strv_length(keys);
	if (n > STATS_MAX)
		n = STATS_MAX;
	struct container_stats *prev = xcalloc(n ? n : 1, sizeof(*prev));
	const char *format = opts->format ? opts->format : STATS_TABLE;
	_cleanup_json_ json_t *headers = json_pack(
	        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ID", "ID", "Name", "NAME",
	        "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemUsageBytes",
	        "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET IO", "BlockIO", "BLOCK IO",
	        "PIDS", "PIDS", "UpTime", "CPU TIME", "AVGCPU", "AVG CPU %");
	int rc = 0;
	for (;;) {
		json_t *rows = NULL;
		if (sample(ctx, opts, keys, argc > 0, prev, n, &rows, &err) < 0) {
			rc = cli_error(ctx, err);
			break;
		}
		if (!opts->no_stream && !opts->no_reset)
			fputs("\033[2J\033[1;1H", stdout);
		int k = 0;
		if (format_is_json(format))
			print_json(rows);
		else
			k = cli_output_format(ctx, format, rows, headers, &err);
		json_decref(rows);
		if (k < 0) {
			rc = cli_error(ctx, err);
			break;
		}
		fflush(stdout);
		if (opts->no_stream)
			break;
		sleep((unsigned)opts->interval);
	}
	for (size_t i = 0; i < n; i++)
		container_stats_release(&prev[i]);
	free(prev);
	return rc;
}

const struct cli_command cmd_container_stats = {
        .name = "stats",
        .short_help = "Display a live stream of container resource usage statistics",
        .usage = "[options] [CONTAINER...]",
        .examples = "cpod stats --all --no-stream\ncpod stats ctrID\ncpod stats --no-stream "
                    "--format \"table {{.ID}} {{.Name}} {{.MemUsage}}\" ctrID",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = stats_options,
        .opts_size = sizeof(struct stats_opts),
        .opts_init = stats_opts_init,
        .run = stats_run,
};
