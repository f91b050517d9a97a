/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod info`: the host probe, runtime choice and store facts (YAML, JSON or a template). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "format/report.h"
#include "format/yaml.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

struct info_opts {
	const char *format;
};

static const struct cli_option info_options[] = {
	CLI_STRING("format", 'f', struct info_opts, format,
		   "Change the output format to JSON or a Go template"),
	CLI_OPT_END,
};

/*
 * Templates address Podman's Go field names ({{.Host.OCIRuntime.Name}}), while the JSON
 * uses the json tags (host.ociRuntime.name): rename the keys for template execution.
 */
static char *go_field_name(const char *key)
{
	static const char *const renames[][2] = {
		{"ociRuntime", "OCIRuntime"},   {"idMappings", "IDMappings"},
		{"cgroupVersion", "CgroupsVersion"}, {"cpus", "CPUs"},
		{"cpuUtilization", "CPUUtilization"}, {"os", "OS"},
		{"slirp4netns", "Slirp4NetNS"}, {"uidmap", "UIDMap"},
		{"gidmap", "GIDMap"},           {"container_id", "ContainerID"},
		{"host_id", "HostID"},          {"APIVersion", "APIVersion"},
		{"apparmorEnabled", "ApparmorEnabled"}, {"selinuxEnabled", "SELinuxEnabled"},
		{"graphRootAllocated", "GraphRootAllocated"},
	};
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (strcmp(key, renames[i][0]) == 0)
			return xstrdup(renames[i][1]);
	char *s = xstrdup(key);
	s[0] = (char)toupper((unsigned char)s[0]);
	return s;
}

static json_t *to_go_fields(json_t *v, bool rename)
{
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		/* registries and graphStatus are Go maps: their keys stay as they are */
		json_object_foreach(v, k, x) {
			_cleanup_free_ char *name = rename ? go_field_name(k) : xstrdup(k);
			bool is_map = strcmp(k, "registries") == 0 || strcmp(k, "graphStatus") == 0;
			json_object_set_new(o, name, to_go_fields(x, rename && !is_map));
		}
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			json_array_append_new(a, to_go_fields(x, rename));
		return a;
	}
	return json_incref(v);
}

static int info_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct info_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *info = NULL;

	if (engine_info(ctx->engine, &info, &err) < 0)
		return cli_error(ctx, err);
	if (opts->format && format_is_json(opts->format)) {
		cli_print_json(stdout, info);
		return 0;
	}
	if (opts->format) {
		_cleanup_json_ json_t *go = to_go_fields(info, true);
		return cli_output_format(ctx, opts->format, go, NULL, &err) < 0 ? cli_error(ctx, err)
										: 0;
	}
	_cleanup_buf_ struct buf out = BUF_INIT;
	yaml_emit_json(&out, info);
	fputs(buf_str(&out), stdout);
	return 0;
}

const struct cli_command cmd_system_info = {
	.name = "info",
	.short_help = "Display cpod system information",
	.long_help = "Display information pertaining to the host, current storage stats, and build "
		     "of cpod.\n\n  Useful for the user and when reporting issues.",
	.usage = "[options]",
	.examples = "cpod info",
	.max_args = 0,
	.flags = CLI_NEEDS_ENGINE,
	.options = info_options,
	.opts_size = sizeof(struct info_opts),
	.run = info_run,
};
