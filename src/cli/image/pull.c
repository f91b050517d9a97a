/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod pull` / `cpod image pull`: images from registries into local storage. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "image/pull.h"
#include "registry-flags.h"
#include "util/strv.h"
#include "banned.h"

struct pull_opts {
	bool all_tags, quiet, no_trust;
	char *arch, *os, *variant, *platform;
	char *signature_policy;
	struct registry_flags reg;
};

static const struct cli_option pull_options[] = {
        CLI_BOOL("all-tags", 'a', struct pull_opts, all_tags,
                 "All tagged images in the repository will be pulled"),
        CLI_OPT("arch", 0, CLI_OPT_STRING, struct pull_opts, arch, "ARCH",
                "Use ARCH instead of the architecture of the machine for choosing images"),
        REGISTRY_FLAG_AUTHFILE(struct pull_opts),
        REGISTRY_FLAG_CERT_DIR(struct pull_opts, "Pathname"),
        REGISTRY_FLAG_CREDS(struct pull_opts),
        CLI_BOOL("disable-content-trust", 0, struct pull_opts, no_trust,
                 "This is a Docker specific option and is a NOOP"),
        CLI_OPT("os", 0, CLI_OPT_STRING, struct pull_opts, os, "OS",
                "Use OS instead of the running OS for choosing images"),
        CLI_STRING("platform", 0, struct pull_opts, platform,
                   "Specify the platform for selecting the image.  (Conflicts with arch and "
                   "os)"),
        CLI_BOOL("quiet", 'q', struct pull_opts, quiet,
                 "Suppress output information when pulling images"),
        REGISTRY_FLAG_RETRY(struct pull_opts),
        {.long_name = "signature-policy",
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct pull_opts, signature_policy),
         .arg_name = "string",
         .help = "Path to a signature-policy file",
         .flags = CLI_OPT_HIDDEN},
        REGISTRY_FLAG_TLS_VERIFY(struct pull_opts),
        CLI_STRING("variant", 0, struct pull_opts, variant,
                   "Use VARIANT instead of the running architecture variant for choosing "
                   "images"),
        CLI_OPT_END,
};

static int pull_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct pull_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *pos = NULL;
	struct image_pull_opts po = {
	        .os = opts->os,
	        .arch = opts->arch,
	        .variant = opts->variant,
	        .all_tags = opts->all_tags,
	        .policy_path = opts->signature_policy,
	        .progress = opts->quiet ? NULL : stderr,
	        .progress_tty = isatty(STDERR_FILENO),
	        .can_prompt = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO),
	};
	if (registry_flags_access(ctx, &opts->reg, &po.access, &err) < 0)
		return cli_error(ctx, err);
	if (opts->platform && *opts->platform) {
		if ((opts->os && *opts->os) || (opts->arch && *opts->arch))
			return cli_errorf(ctx, "--platform option can not be specified with --arch "
			                       "or --os");
		pos = strdup(opts->platform);
		char *slash = pos ? strchr(pos, '/') : NULL;
		if (!slash)
			return cli_errorf(ctx,
			                  "invalid platform syntax for --platform=\"%s\": "
			                  "expected OS/ARCH[/VARIANT]",
			                  opts->platform);
		*slash = 0;
		po.os = pos;
		po.arch = slash + 1;
		char *v = strchr(slash + 1, '/');
		if (v) {
			*v = 0;
			po.variant = v + 1;
		}
	}
	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_strv_free_ char **ids = NULL;
		if (image_pull(s, argv[i], &po, &ids, &err) < 0)
			return cli_error(ctx, err);
		STRV_FOREACH(id, ids)
		printf("%s\n", *id);
		fflush(stdout);
	}
	return 0;
}

const struct cli_command cmd_image_pull = {
        .name = "pull",
        .short_help = "Pull an image from a registry",
        .long_help = "Pulls an image from a registry and stores it locally.\n\n  An image can "
                     "be pulled by tag or digest. If a tag is not specified, the image with "
                     "the 'latest' tag is pulled.",
        .usage = "[options] IMAGE [IMAGE...]",
        .examples = "cpod pull imageName\ncpod pull fedora:latest",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = pull_options,
        .opts_size = sizeof(struct pull_opts),
        .run = pull_run,
};
