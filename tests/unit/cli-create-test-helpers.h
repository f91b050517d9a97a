/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the unit tests of create/run's CLI mapping: parse a command line with the real
 * option table and run create_cli_build() on it, then free what the parser allocated.
 */
#ifndef CPOD_TEST_CLI_CREATE_HELPERS_H
#define CPOD_TEST_CLI_CREATE_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "util/strv.h"

struct built {
	struct create_cli_opts o;
	struct cli_ctx ctx;
	struct create_build b;
	struct cpod_error *err;
	int argc;
	char **argv;
	int r;
};

static inline void build(struct built *p, const struct cli_command *cmd, char **args)
{
	memset(p, 0, sizeof(*p));
	create_cli_opts_init(&p->o);
	p->ctx.cmd = cmd;
	p->r = cli_parse_args(cmd, &p->o, &p->ctx, (int)strv_length(args), args, &p->argc, &p->argv,
	                      &p->err);
	if (p->r >= 0)
		p->r = create_cli_build(&p->ctx, &p->o, p->argc, p->argv, &p->b, &p->err);
}

static inline void release(struct built *p)
{
	create_build_release(&p->b);
	cpod_error_free(p->err);
	free(p->argv);
	strv_free(p->ctx.changed);
	/* the arrays the parser allocated in the options */
	for (const struct cli_option *o = p->ctx.cmd->options; o->long_name; o++)
		if (o->type == CLI_OPT_STRING_ARRAY || o->type == CLI_OPT_STRING_SLICE) {
			char ***a = (char ***)((char *)&p->o + o->offset);
			*a = strv_free(*a);
		}
}

#endif
