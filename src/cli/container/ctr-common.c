/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int ctr_check_args(struct cli_ctx *ctx, int argc, bool all, bool latest, const char *none_msg)
{
	if (all && argc > 0)
		return cli_errorf(ctx, "no arguments are needed with --all");
	if (latest && argc > 0)
		return cli_errorf(ctx, "--latest and containers cannot be used together");
	if (all && latest)
		return cli_errorf(ctx, "--all and --latest cannot be used together");
	if (!all && !latest && argc == 0)
		return cli_errorf(ctx, "%s", none_msg);
	return 0;
}

char **ctr_targets(struct engine *e, int argc, char **argv, bool all, bool latest,
                   unsigned status_mask, struct cpod_error **err)
{
	if (!all && !latest) {
		char **v = xnew(char *, (size_t)argc + 1);
		for (int i = 0; i < argc; i++)
			v[i] = xstrdup(argv[i]);
		return v;
	}
	struct container **list = NULL;
	size_t n = 0;
	if (container_list(e, &list, &n, err) < 0)
		return NULL;
	char **v = xnew(char *, 1);
	/* the list is newest first, so --latest is its first element */
	for (size_t i = 0; i < n; i++) {
		if (all && status_mask && !(status_mask & (1u << list[i]->state.status)))
			continue;
		strv_push(&v, list[i]->config.id);
		if (latest)
			break;
	}
	container_list_free(list, n);
	return v;
}

int ctr_lookup_all(struct engine *e, char ***keys, bool ignore_missing, struct cpod_error **err)
{
	for (size_t i = 0; (*keys)[i];) {
		_cleanup_(container_freep) struct container *c = NULL;
		struct cpod_error *lerr = NULL;
		if (container_lookup(e, (*keys)[i], &c, &lerr) < 0) {
			if (ignore_missing && lerr->code == ENOENT) {
				cpod_error_free(lerr);
				_cleanup_free_ char *k = xstrdup((*keys)[i]);
				strv_remove(*keys, k);
				continue;
			}
			cpod_error_move(err, &lerr);
			return -(*err)->code;
		}
		i++;
	}
	return 0;
}

void ctr_errors_add(struct ctr_errors *errs, struct cpod_error **err)
{
	if (errs->last) {
		fflush(stdout);
		fprintf(stderr, "Error: %s\n", errs->last->msg);
		cpod_error_free(errs->last);
		errs->last = NULL;
	}
	cpod_error_move(&errs->last, err);
}

int ctr_errors_finish(struct cli_ctx *ctx, struct ctr_errors *errs)
{
	if (!errs->last)
		return 0;
	int r = cli_error(ctx, errs->last);
	errs->last = cpod_error_free(errs->last);
	return r;
}

int ctr_apply(struct cli_ctx *ctx, char **keys, ctr_action_fn fn, int arg)
{
	struct ctr_errors errs = {0};
	STRV_FOREACH(k, keys)
	{
		struct cpod_error *e = NULL;
		if (fn(ctx->engine, *k, arg, &e) < 0)
			ctr_errors_add(&errs, &e);
		else
			printf("%s\n", *k);
	}
	return ctr_errors_finish(ctx, &errs);
}

int ctr_parse_signal(const char *s, int *ret, struct cpod_error **err)
{
	return container_signal_parse(s, ret, err);
}
