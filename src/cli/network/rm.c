/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod network rm [-f] NETWORK...`: exit 1 when a network does not exist, as Podman. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/network.h"
#include "banned.h"

struct rm_opts {
	bool force;
	int time;
};

static void rm_init(void *opts)
{
	((struct rm_opts *)opts)->time = -1;
}

static const struct cli_option rm_options[] = {
        CLI_BOOL("force", 'f', struct rm_opts, force, "remove any containers using network"),
        CLI_INT("time", 't', struct rm_opts, time,
                "Seconds to wait for running containers to stop before killing the container"),
        CLI_OPT_END,
};

static int rm_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct rm_opts *o = opts_;
	int code = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct cpod_error *err = NULL;
		char *name = NULL;
		if (engine_network_remove(ctx->engine, argv[i], o->force, o->time, &name, &err) <
		    0) {
			int c = cli_error(ctx, err);
			code = err->code == ENOENT ? 1 : err->code == EBUSY ? 2 : c;
			continue;
		}
		printf("%s\n", name);
		fflush(stdout);
		free(name);
	}
	return code;
}

static const char *const rm_aliases[] = {"remove", NULL};

const struct cli_command cmd_network_rm = {
        .name = "rm",
        .aliases = rm_aliases,
        .short_help = "network rm",
        .long_help = "Remove networks",
        .usage = "[options] NETWORK [NETWORK...]",
        .examples = "cpod network rm podman",
        .min_args = 1,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = rm_options,
        .opts_size = sizeof(struct rm_opts),
        .opts_init = rm_init,
        .run = rm_run,
};
