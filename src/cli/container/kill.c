/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod kill`: send a signal (SIGKILL by default) to one or more containers. */

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-cidfile.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct kill_opts {
	bool all, latest;
	char *signal;
	char **cidfile;
};

static void kill_opts_init(void *opts)
{
	((struct kill_opts *)opts)->signal = "KILL";
}

static const struct cli_option kill_options[] = {
        CLI_BOOL("all", 'a', struct kill_opts, all, "Signal all running containers"),
        CTR_OPT_CIDFILE(struct kill_opts, cidfile),
        CTR_OPT_LATEST(struct kill_opts, latest),
        {.long_name = "signal",
         .short_name = 's',
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct kill_opts, signal),
         .arg_name = "string",
         .help = "Signal to send to the container",
         .def_help = "\"KILL\""},
        CLI_OPT_END,
};

static int kill_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct kill_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r, sig;

	if (ctr_parse_signal(opts->signal, &sig, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_strv_free_ char **keys = NULL;
	if ((r = ctr_resolve_targets(ctx, opts->cidfile, opts->all, opts->latest, argc, argv,
	                             1u << CTR_RUNNING, &keys)))
		return r;
	return ctr_apply(ctx, keys, container_kill, sig);
}

const struct cli_command cmd_container_kill = {
        .name = "kill",
        .short_help = "Kill one or more running containers with a specific signal",
        .long_help = "The main process inside each container specified will be sent SIGKILL, or "
                     "any signal specified with option --signal.",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod kill mywebserver\ncpod kill 860a4b23\ncpod kill --signal TERM ctrID",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = kill_options,
        .opts_size = sizeof(struct kill_opts),
        .opts_init = kill_opts_init,
        .run = kill_run,
};
