/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podman pull` after libimage (pull.go copyFromRegistry, copySingleImageFromRegistry):
 * resolve the name into candidates, try each in order printing "Trying to pull ...", stop
 * at the first success, and list every failure when none worked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/registries-conf.h"
#include "image.h"
#include "pull-image.h"
#include "reference.h"
#include "registry.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* "N errors occurred while pulling:\n * a\n * b" as Podman joins them */
static int join_errors(struct cpod_error **errs, size_t n, struct cpod_error **err)
{
	if (n == 1) {
		cpod_error_move(err, &errs[0]);
		return -(*err)->code;
	}
	_cleanup_(buf_releasep) struct buf b;
	buf_init(&b, 1 << 20);
	buf_printf(&b, "%zu errors occurred while pulling:", n);
	int code = EIO;
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "\n * %s", errs[i]->msg);
		code = errs[i]->code;
	}
	return cpod_error_set(err, code, "%s", buf_str(&b));
}

/* A short name that names a local image pulls that image's registry (libimage does so). */
static char *local_resolution(struct store *s, const struct registries_conf *rc, const char *name)
{
	struct image_lookup_opts lo = {.search_registries = rc ? registries_conf_search(rc) : NULL};
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_free_ char *resolved = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	if (image_lookup(s, name, &lo, &img, &resolved, &e) < 0 || !resolved)
		return NULL;
	if (!strchr(resolved, '/') || strncmp(resolved, "localhost/", 10) == 0)
		return NULL;
	return TAKE_PTR(resolved);
}

static int candidates_for(struct store *s, const struct pull_ctx *pc, const char *name, char ***ret,
                          struct cpod_error **err)
{
	if (pc->opts->all_tags) {
		_cleanup_(image_ref_freep) struct image_ref *r = NULL;
		int res = image_ref_parse(name, &r, err);
		if (res < 0)
			return res;
		if (r->tag || r->digest)
			return cpod_error_set(err, EINVAL,
			                      "tag or digest can't be used with --all-tags"
			                      " flag");
	}
	if (image_ref_is_short_name(name) && !pc->opts->all_tags) {
		char *local = local_resolution(s, pc->rc, name);
		if (local) {
			*ret = NULL;
			strv_consume(ret, local);
			return 0;
		}
	}
	_cleanup_free_ char *note = NULL;
	int r = image_pull_candidates(pc->rc, name, pc->opts->can_prompt, ret, &note, err);
	if (r >= 0 && note && strv_length(*ret) > 0)
		pull_progress_line(pc->progress, "%s", note);
	return r;
}

/* -a: every tag of the repository, in the registry's order */
static int pull_all_tags(const struct pull_ctx *pc, const char *repo_ref, char ***ids,
                         struct cpod_error **err)
{
	_cleanup_free_ char *host = NULL, *repo = NULL, *t = NULL;
	int r = pull_split_ref(repo_ref, &host, &repo, &t, err);
	if (r < 0)
		return r;
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	_cleanup_free_ char *key = xasprintf("%s/%s", host, repo);
	r = image_registry_client(&pc->opts->access, pc->rc, host, key, &c, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **tags = NULL;
	r = registry_list_tags(c, repo, &tags, err);
	if (r < 0)
		return cpod_error_wrap(err, "getting repository tags");
	STRV_FOREACH(tag, tags)
	{
		_cleanup_free_ char *ref = xasprintf("%s/%s:%s", host, repo, *tag);
		_cleanup_free_ char *id = NULL;
		pull_progress_line(pc->progress, "Trying to pull %s...", ref);
		r = pull_one(pc, ref, &id, err);
		if (r < 0)
			return r;
		strv_push(ids, id);
	}
	return 0;
}

static int pull_candidates(const struct pull_ctx *pc, char **cands, char ***ids,
                           struct cpod_error **err)
{
	size_t n = strv_length(cands), n_err = 0;
	struct cpod_error **errs = xnew(struct cpod_error *, n + 1);
	int r = -ENOENT;
	STRV_FOREACH(c, cands)
	{
		_cleanup_free_ char *id = NULL;
		pull_progress_line(pc->progress, "Trying to pull %s...", *c);
		r = pull_one(pc, *c, &id, &errs[n_err]);
		if (r >= 0) {
			strv_push(ids, id);
			break;
		}
		n_err++;
	}
	if (r < 0)
		r = join_errors(errs, n_err, err);
	for (size_t i = 0; i < n_err; i++)
		cpod_error_free(errs[i]);
	free(errs);
	return r;
}

int image_pull(struct store *s, const char *name, const struct image_pull_opts *opts,
               char ***ret_ids, struct cpod_error **err)
{
	_cleanup_(registries_conf_freep) struct registries_conf *owned_rc = NULL;
	_cleanup_(image_policy_freep) struct image_policy *policy = NULL;
	const struct registries_conf *rc = opts->access.registries;
	int r;
	if (!rc) {
		if ((r = registries_conf_load(NULL, &owned_rc, err)) < 0)
			return r;
		rc = owned_rc;
	}
	if ((r = image_policy_load(opts->policy_path, &policy, err)) < 0)
		return r;
	struct pull_progress *progress = pull_progress_new(opts->progress, opts->progress_tty);
	struct pull_ctx pc = {
	        .store = s, .opts = opts, .rc = rc, .policy = policy, .progress = progress};
	_cleanup_strv_free_ char **cands = NULL, **ids = NULL;
	r = candidates_for(s, &pc, name, &cands, err);
	if (r >= 0 && opts->all_tags)
		r = pull_all_tags(&pc, cands[0], &ids, err);
	else if (r >= 0)
		r = pull_candidates(&pc, cands, &ids, err);
	pull_progress_free(progress);
	if (r < 0)
		return r;
	if (ret_ids)
		*ret_ids = TAKE_PTR(ids);
	return 0;
}
