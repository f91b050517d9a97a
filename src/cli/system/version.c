/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cpod version`: the smallest complete verb, and the example to copy. A verb file has an
 * options struct, an option table pointing into it, a run function (parse → call → format →
 * exit code) and the command definition.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "util/json.h"
#include "cpod-config.h"
#include "banned.h"

struct version_opts {
	const char *format;
};

static const struct cli_option version_options[] = {
	CLI_STRING("format", 'f', struct version_opts, format,
		   "Change the output format to JSON or a Go template"),
	CLI_OPT_END,
};

static json_t *version_data(void)
{
	/* the keys of `podman version --format json`, with cpod's values */
	json_t *client = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "APIVersion",
				   CPOD_API_VERSION, "Version", CPOD_VERSION, "GoVersion", "",
				   "GitCommit", CPOD_GIT_COMMIT, "BuiltTime", CPOD_BUILT_TIME,
				   "Built", (json_int_t)CPOD_BUILT, "OsArch", CPOD_OS_ARCH, "Os",
				   "linux");
	return json_pack("{s:o}", "Client", client);
}

static int version_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct version_opts *opts = opts_;
	_cleanup_json_ json_t *data = version_data();
	_cleanup_error_ struct cpod_error *err = NULL;

	if (opts->format)
		return cli_output_format(ctx, opts->format, data, NULL, &err) < 0
			       ? cli_error(ctx, err)
			       : 0;

	json_t *c = json_object_get(data, "Client");
	printf("Client:       cpod Engine\n");
	printf("Version:      %s\n", json_get_string(c, "Version"));
	printf("API Version:  %s\n", json_get_string(c, "APIVersion"));
	if (*json_get_string(c, "GitCommit"))
		printf("Git Commit:   %s\n", json_get_string(c, "GitCommit"));
	printf("Built:        %s\n", json_get_string(c, "BuiltTime"));
	printf("OS/Arch:      %s\n", json_get_string(c, "OsArch"));
	return 0;
}

const struct cli_command cmd_system_version = {
	.name = "version",
	.short_help = "Display the cpod version information",
	.usage = "[options]",
	.examples = "cpod version\ncpod version --format json\ncpod version --format '{{.Client.Version}}'",
	.max_args = 0,
	.options = version_options,
	.opts_size = sizeof(struct version_opts),
	.run = version_run,
};
