/* SPDX-License-Identifier: Apache-2.0 */
/* Container IDs read from --cidfile files (cmd/podman/containers: stop, rm, kill, restart). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cli/container/ctr-cidfile.h"
#include "cli/container/ctr-common.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* an ID file holds one ID; a bigger one is not an ID file */
#define CIDFILE_MAX 4096

int ctr_cidfile_args(struct cli_ctx *ctx, char *const *cidfiles, bool all, bool latest, int argc,
                     char ***ret_ids)
{
	*ret_ids = NULL;
	if (!cidfiles || !cidfiles[0])
		return 0;
	if (all || latest)
		return cli_errorf(ctx, "--all, --latest, and --cidfile cannot be used together");
	if (argc > 0)
		return cli_errorf(ctx, "no arguments are needed with --latest or --cidfile");
	_cleanup_strv_free_ char **ids = xnew(char *, 1);
	for (size_t i = 0; cidfiles[i]; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		int r = read_file_at(AT_FDCWD, cidfiles[i], CIDFILE_MAX, &text, &len);
		if (r < 0) {
			char buf[128];
			return cli_errorf(ctx, "reading CIDFile: open %s: %s", cidfiles[i],
			                  errno_string(-r, buf));
		}
		strv_consume(&ids, xstrndup(text, strcspn(text, "\n")));
	}
	*ret_ids = TAKE_PTR(ids);
	return 0;
}

int ctr_resolve_targets(struct cli_ctx *ctx, char *const *cidfiles, bool all, bool latest,
                        int argc, char **argv, unsigned status_mask, char ***ret_keys)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_strv_free_ char **cids = NULL;
	int r = ctr_cidfile_args(ctx, cidfiles, all, latest, argc, &cids);
	if (r)
		return r;
	if (cids) {
		argc = (int)strv_length(cids);
		argv = cids;
	}
	r = ctr_check_args(ctx, argc, all, latest, "you must provide at least one name or id");
	if (r)
		return r;
	char **keys = ctr_targets(ctx->engine, argc, argv, all, latest, status_mask, &err);
	if (!keys)
		return cli_error(ctx, err);
	*ret_keys = keys;
	return 0;
}
