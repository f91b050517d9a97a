/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podman search` against registries without a search API: containers/image's
 * SearchRegistry falls back to the /v2/_catalog listing, keeping the repositories whose
 * name contains the term; --list-tags lists one repository's tags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/registries-conf.h"
#include "pull.h"
#include "registry.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SEARCH_DEFAULT_LIMIT 25

void image_search_results_free(struct image_search_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].index);
		free(r[i].name);
		free(r[i].tag);
	}
	free(r);
}

struct results {
	struct image_search_result *v;
	size_t n, alloc;
};

static void add(struct results *res, const char *index, const char *name, const char *tag)
{
	if (res->n == res->alloc) {
		res->alloc = res->alloc ? res->alloc * 2 : 16;
		res->v = xrealloc(res->v, res->alloc * sizeof(*res->v));
	}
	res->v[res->n++] = (struct image_search_result){
	        .index = xstrdup(index), .name = xstrdup(name), .tag = xstrdup_or_null(tag)};
}

/* "host/rest" when the first component names a registry */
static bool split_registry(const char *term, char **host, char **rest)
{
	const char *slash = strchr(term, '/');
	if (!slash)
		return false;
	size_t len = (size_t)(slash - term);
	if (!memchr(term, '.', len) && !memchr(term, ':', len) &&
	    !(len == 9 && strncmp(term, "localhost", 9) == 0))
		return false;
	*host = xstrndup(term, len);
	*rest = xstrdup(slash + 1);
	return true;
}

static int search_one(const char *host, const char *filter, const struct image_search_opts *o,
                      const struct registries_conf *rc, struct results *res,
                      struct cpod_error **err)
{
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	int r = image_registry_client(&o->access, rc, host, host, &c, err);
	if (r < 0)
		return r;
	size_t limit = o->limit > 0 ? (size_t)o->limit : SEARCH_DEFAULT_LIMIT, count = 0;
	if (o->list_tags) {
		_cleanup_strv_free_ char **tags = NULL;
		if ((r = registry_list_tags(c, filter, &tags, err)) < 0)
			return cpod_error_wrap(err, "getting repository '%s/%s' tags", host,
			                       filter);
		_cleanup_free_ char *name = xasprintf("%s/%s", host, filter);
		STRV_FOREACH(t, tags)
		{
			if (o->limit > 0 && count++ >= limit)
				break;
			add(res, host, name, *t);
		}
		return 0;
	}
	_cleanup_strv_free_ char **repos = NULL;
	if ((r = registry_catalog(c, &repos, err)) < 0)
		return cpod_error_wrap(err, "couldn't search registry \"%s\"", host);
	STRV_FOREACH(repo, repos)
	{
		if (!strstr(*repo, filter))
			continue;
		if (count++ >= limit)
			break;
		_cleanup_free_ char *name = xasprintf("%s/%s", host, *repo);
		add(res, host, name, NULL);
	}
	return 0;
}

int image_search(const char *term, const struct image_search_opts *opts,
                 struct image_search_result **ret, size_t *ret_n, struct cpod_error **err)
{
	_cleanup_(registries_conf_freep) struct registries_conf *owned = NULL;
	const struct registries_conf *rc = opts->access.registries;
	int r;
	if (!rc) {
		if ((r = registries_conf_load(NULL, &owned, err)) < 0)
			return r;
		rc = owned;
	}
	_cleanup_free_ char *host = NULL, *rest = NULL;
	struct results res = {0};
	if (split_registry(term, &host, &rest)) {
		r = search_one(host, rest, opts, rc, &res, err);
	} else {
		if (opts->list_tags)
			return cpod_error_set(err, EINVAL,
			                      "reference \"%s\" must be a docker reference", term);
		char *const *regs = registries_conf_search(rc);
		if (strv_length(regs) == 0)
			return cpod_error_set(err, EINVAL, "no registries to search");
		r = 0;
		_cleanup_error_ struct cpod_error *first = NULL;
		size_t failed = 0;
		STRV_FOREACH(reg, (char **)regs)
		{
			struct cpod_error *e = NULL;
			if (search_one(*reg, term, opts, rc, &res, &e) < 0) {
				failed++;
				if (!first)
					first = e;
				else
					cpod_error_free(e);
			}
		}
		/* Podman fails only when every registry failed */
		if (failed == strv_length(regs)) {
			cpod_error_move(err, &first);
			r = -(*err)->code;
		}
	}
	if (r < 0) {
		image_search_results_free(res.v, res.n);
		return r;
	}
	*ret = res.v;
	*ret_n = res.n;
	return 0;
}
