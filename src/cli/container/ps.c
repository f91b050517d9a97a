/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod ps` (`cpod container list/ls/ps`): the engine's ListContainer rows, shown through
 * Podman's psReporter fields (cmd/podman/containers/ps.go): truncated IDs and commands,
 * "Up 3 seconds ago" statuses, Go time strings for .Created/.CreatedAt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "format/report.h"
#include "format/units.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define PS_TABLE                                                                                   \
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t"    \
	"{{.Names}}"

struct ps_opts {
	bool all, external, latest, no_trunc, noheading, pod, quiet, size, sync, ns;
	int last;
	unsigned watch;
	char **filter;
	char *format, *sort;
};

static void ps_opts_init(void *opts)
{
	((struct ps_opts *)opts)->last = -1;
}

static const struct cli_option ps_options[] = {
        CLI_BOOL("all", 'a', struct ps_opts, all,
                 "Show all the containers, default is only running containers"),
        CLI_BOOL("external", 0, struct ps_opts, external,
                 "Show containers in storage not controlled by cpod"),
        CLI_STRINGS("filter", 'f', struct ps_opts, filter,
                    "Filter output based on conditions given"),
        CLI_STRING("format", 0, struct ps_opts, format,
                   "Pretty-print containers to JSON or using a Go template"),
        {.long_name = "last",
         .short_name = 'n',
         .type = CLI_OPT_INT,
         .offset = offsetof(struct ps_opts, last),
         .arg_name = "int",
         .help = "Print the n last created containers (all states)",
         .def_help = "-1"},
        CTR_OPT_LATEST(struct ps_opts, latest),
        CLI_BOOL("no-trunc", 0, struct ps_opts, no_trunc, "Display the extended information"),
        CLI_BOOL("noheading", 0, struct ps_opts, noheading, "Do not print headers"),
        CLI_BOOL("ns", 0, struct ps_opts, ns, "Display namespace information"),
        CLI_BOOL("pod", 'p', struct ps_opts, pod,
                 "Print the ID and name of the pod the containers are associated with"),
        CLI_BOOL("quiet", 'q', struct ps_opts, quiet,
                 "Print the numeric IDs of the containers only"),
        CLI_BOOL("size", 's', struct ps_opts, size, "Display the total file sizes"),
        CLI_OPT("sort", 0, CLI_OPT_STRING, struct ps_opts, sort, "choice",
                "Sort output by: command, created, id, image, names, runningfor, size, status"),
        CLI_BOOL("sync", 0, struct ps_opts, sync, "Sync container state with OCI runtime"),
        CLI_UINT("watch", 'w', struct ps_opts, watch,
                 "Watch the ps output on an interval in seconds"),
        CLI_OPT_END,
};

static const char *const sort_keys[] = {"command",    "created", "id",     "image", "names",
                                        "runningfor", "size",    "status", NULL};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *go_time(int64_t secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs};
	return units_time_string(&ts, false);
}

/* psReporter.Ports(): "0.0.0.0:8080->80/tcp, ..." with port ranges folded */
static char *ports_string(const json_t *ports)
{
	_cleanup_strv_free_ char **v = xnew(char *, 1);
	size_t i;
	json_t *p;
	json_array_foreach(ports, i, p)
	{
		const char *ip = json_get_string(p, "host_ip");
		const char *proto = json_get_string(p, "protocol");
		json_int_t hp = json_integer_value(json_object_get(p, "host_port"));
		json_int_t cp = json_integer_value(json_object_get(p, "container_port"));
		json_int_t range = json_integer_value(json_object_get(p, "range"));
		ip = ip && *ip ? ip : "0.0.0.0";
		proto = proto ? proto : "tcp";
		if (range > 1)
			strv_consume(&v, xasprintf("%s:%lld-%lld->%lld-%lld/%s", ip, (long long)hp,
			                           (long long)(hp + range - 1), (long long)cp,
			                           (long long)(cp + range - 1), proto));
		else
			strv_consume(&v, xasprintf("%s:%lld->%lld/%s", ip, (long long)hp,
			                           (long long)cp, proto));
	}
	return strv_join(v, ", ");
}

static json_t *display_row(const json_t *r, bool no_trunc, bool size, int64_t now)
{
	json_t *d = json_deep_copy(r);
	const char *id = json_get_string(r, "Id");
	const char *image_id = json_get_string(r, "ImageID");
	json_object_set_new(d, "ID", json_stringn(id ? id : "", no_trunc ? 64 : 12));
	json_object_set_new(d, "ImageID",
	                    json_stringn(image_id ? image_id : "",
	                                 image_id ? (no_trunc ? strlen(image_id) : 12) : 0));
	size_t i;
	json_t *v;
	_cleanup_strv_free_ char **cmd = xnew(char *, 1);
	json_array_foreach(json_object_get(r, "Command"), i, v)
	        strv_push(&cmd, json_string_value(v) ? json_string_value(v) : "");
	_cleanup_free_ char *command = strv_join(cmd, " ");
	if (!no_trunc && strlen(command) > 17)
		json_object_set_new(d, "Command", json_sprintf("%.17s...", command));
	else
		json_object_set_new(d, "Command", json_string(command));
	const char *ago = json_get_string(r, "CreatedAt");
	json_object_set_new(d, "CreatedHuman", json_string(ago ? ago : ""));
	json_object_set_new(d, "RunningFor", json_string(ago ? ago : ""));
	int64_t created = json_integer_value(json_object_get(r, "Created"));
	_cleanup_free_ char *t = go_time(created);
	json_object_set_new(d, "Created", json_string(t));
	json_object_set_new(d, "CreatedAt", json_string(t));
	/* the engine's Status is Podman's text; tables show it under both names */
	const char *st = json_get_string(r, "Status");
	json_object_set_new(d, "Status", json_string(st ? st : ""));
	json_object_set_new(d, "State", json_string(st ? st : ""));
	json_t *names = json_object_get(r, "Names");
	json_object_set_new(d, "Names",
	                    json_string(json_string_value(json_array_get(names, 0))
	                                        ? json_string_value(json_array_get(names, 0))
	                                        : ""));
	if (!json_is_object(json_object_get(r, "Labels")))
		json_object_set_new(d, "Labels", json_object()); /* Go prints map[] */
	_cleanup_free_ char *ports = ports_string(json_object_get(r, "Ports"));
	json_object_set_new(d, "Ports", json_string(ports));
	_cleanup_strv_free_ char **nets = xnew(char *, 1);
	json_array_foreach(json_object_get(r, "Networks"), i, v) if (json_is_string(v))
	        strv_push(&nets, json_string_value(v));
	_cleanup_free_ char *netstr = strv_join(nets, ",");
	json_object_set_new(d, "Networks", json_string(netstr));
	if (size) {
		json_t *sz = json_object_get(r, "Size");
		_cleanup_free_ char *rw = units_human_size_prec(
		        (double)json_integer_value(json_object_get(sz, "rwSize")), 3);
		_cleanup_free_ char *root = units_human_size_prec(
		        (double)json_integer_value(json_object_get(sz, "rootFsSize")), 3);
		json_object_set_new(d, "Size", json_sprintf("%s (virtual %s)", rw, root));
	} else {
		json_object_set_new(d, "Size", json_string(""));
	}
	return d;
}

static int cmp_rows(const void *a, const void *b, void *field)
{
	const char *sort_field = field;
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	if (strcmp(sort_field, "created") == 0 || strcmp(sort_field, "runningfor") == 0) {
		json_int_t cx = json_integer_value(json_object_get(x, "Created"));
		json_int_t cy = json_integer_value(json_object_get(y, "Created"));
		return cx > cy ? -1 : cx < cy; /* newest first, as Podman */
	}
	if (strcmp(sort_field, "size") == 0) {
		json_int_t sx =
		        json_integer_value(json_object_get(json_object_get(x, "Size"), "rwSize"));
		json_int_t sy =
		        json_integer_value(json_object_get(json_object_get(y, "Size"), "rwSize"));
		return sx < sy ? -1 : sx > sy;
	}
	const char *key = strcmp(sort_field, "id") == 0       ? "ID"
	                  : strcmp(sort_field, "image") == 0  ? "Image"
	                  : strcmp(sort_field, "names") == 0  ? "Names"
	                  : strcmp(sort_field, "status") == 0 ? "Status"
	                                                      : "Command";
	const char *sx = json_get_string(x, key), *sy = json_get_string(y, key);
	return strcmp(sx ? sx : "", sy ? sy : "");
}

/* Sort rows in place (rows hold display values except Size, kept from the engine). */
static void sort_rows(json_t *rows, const char *field)
{
	size_t n = json_array_size(rows);
	json_t **v = xnew(json_t *, n + 1);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(rows, i));
	qsort_r(v, n, sizeof(*v), cmp_rows, (void *)field);
	json_array_clear(rows);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, v[i]);
	free(v);
}

static json_t *ps_headers(void)
{
	static const char *const fields[] = {
	        "AutoRemove", "Command",  "Created", "CreatedAt", "CreatedHuman", "Exited",
	        "ExitedAt",   "ExitCode", "ID",      "Id",        "Image",        "ImageID",
	        "IsInfra",    "Labels",   "Mounts",  "Names",     "Namespaces",   "Networks",
	        "Pid",        "Pod",      "PodName", "Ports",     "RunningFor",   "Size",
	        "StartedAt",  "State",    "Status",  NULL};
	_cleanup_json_ json_t *over =
	        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "CreatedHuman", "created", "ID",
	                  "container id", "Networks", "networks", "Pod", "pod id", "PodName",
	                  "podname", "RunningFor", "running for");
	return format_headers(fields, over);
}

static int print_rows(struct cli_ctx *ctx, struct ps_opts *opts, json_t *rows,
                      struct cpod_error **err)
{
	const char *format = opts->format && *opts->format ? opts->format : NULL;
	_cleanup_free_ char *def = NULL;
	if (!format) {
		def = xasprintf("%s%s", PS_TABLE, opts->size ? "\t{{.Size}}" : "");
		format = def;
	}
	_cleanup_report_ struct report *r = report_new("ps", format, REPORT_ORIGIN_USER, NULL, err);
	if (!r)
		return -EINVAL;
	if (report_renders_headers(r) && !opts->noheading) {
		_cleanup_json_ json_t *h = ps_headers();
		if (report_headers(r, h, err) < 0)
			return -EINVAL;
	}
	int k = report_execute(r, rows, err);
	if (k < 0) {
		report_flush(r, stdout, NULL);
		return k;
	}
	return report_flush(r, stdout, err);
}

static int ps_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct ps_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *rows = NULL;

	if (opts->external || opts->pod || opts->sync || opts->ns || opts->watch)
		return cli_errorf(ctx, "--%s is not supported yet",
		                  opts->external ? "external"
		                  : opts->pod    ? "pod"
		                  : opts->sync   ? "sync"
		                  : opts->ns     ? "ns"
		                                 : "watch");
	if (opts->sort && !strv_contains((char **)sort_keys, opts->sort)) {
		fprintf(stderr,
		        "Error: invalid argument \"%s\" for \"--sort\" flag: \"%s\" is not a valid "
		        "value.  Choose from: \"command, created, id, image, names, runningfor, "
		        "size, status\"\nSee '%s --help'\n",
		        opts->sort, opts->sort, ctx->path);
		return 125;
	}
	if (opts->quiet && opts->format && *opts->format)
		return cli_errorf(ctx, "quiet and format cannot be used together");
	if (opts->last >= 0 && opts->latest)
		return cli_errorf(ctx, "last and latest are mutually exclusive");
	struct container_ps_opts po = {
	        .all = opts->all || opts->latest || opts->last >= 0,
	        .filters = opts->filter,
	        .last = opts->latest ? 1 : opts->last,
	        .size = opts->size,
	};
	if (container_ps(ctx->engine, &po, &rows, &err) < 0)
		return cli_error(ctx, err);
	if (opts->last == 0)
		json_array_clear(rows);
	if (opts->format && format_is_json(opts->format)) {
		_cleanup_free_ char *s = json_dumps(rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		return 0;
	}
	int64_t now = now_ns();
	_cleanup_json_ json_t *disp = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	        json_array_append_new(disp, display_row(row, opts->no_trunc, opts->size, now));
	if (opts->sort)
		sort_rows(disp, opts->sort);
	if (opts->quiet) {
		json_array_foreach(disp, i, row) printf("%s\n", json_get_string(row, "ID"));
		return 0;
	}
	if (print_rows(ctx, opts, disp, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

static const char *const ps_aliases[] = {"list", "ls", NULL};

const struct cli_command cmd_container_ps = {
        .name = "ps",
        .aliases = ps_aliases,
        .short_help = "List containers",
        .long_help = "Prints out information about the containers",
        .usage = "[options]",
        .examples = "cpod ps -a\ncpod ps -a --format \"{{.ID}}  {{.Image}}  {{.Labels}}  "
                    "{{.Mounts}}\"\ncpod ps --size --sort names",
        .min_args = 0,
        .max_args = 0,
        .flags = CLI_NEEDS_ENGINE,
        .options = ps_options,
        .opts_size = sizeof(struct ps_opts),
        .opts_init = ps_opts_init,
        .run = ps_run,
};
