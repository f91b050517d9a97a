/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod logout`: remove credentials from auth.json. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "image/pull.h"
#include "registry-flags.h"
#include "banned.h"

struct logout_opts {
	bool all;
	struct registry_flags reg;
};

static const struct cli_option logout_options[] = {
        CLI_BOOL("all", 'a', struct logout_opts, all,
                 "Remove the cached credentials for all "
                 "registries in the auth file"),
        REGISTRY_FLAG_AUTHFILE(struct logout_opts),
        CLI_OPT_END,
};

static int logout_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct logout_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (opts->all) {
		if (argc > 0)
			return cli_errorf(ctx, "--all takes no arguments");
		if (image_logout(NULL, opts->reg.authfile, &err) < 0)
			return cli_error(ctx, err);
		printf("Removed login credentials for all registries\n");
		return 0;
	}
	if (argc < 1)
		return cli_errorf(ctx, "registry must be given");
	const char *key = argv[0];
	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	if (image_logout(key, opts->reg.authfile, &err) < 0)
		return cli_error(ctx, err);
	printf("Removed login credentials for %s\n", key);
	return 0;
}

const struct cli_command cmd_logout = {
        .name = "logout",
        .short_help = "Logout of a container registry",
        .long_help = "Remove the cached username and password for the registry.",
        .usage = "[options] [REGISTRY]",
        .examples = "cpod logout quay.io\ncpod logout --authfile dir/auth.json quay.io\n"
                    "cpod logout --all",
        .min_args = 0,
        .max_args = 1,
        .options = logout_options,
        .opts_size = sizeof(struct logout_opts),
        .run = logout_run,
};
