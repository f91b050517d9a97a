/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local image lookup after containers/common libimage (runtime.go LookupImage,
 * lookupImageInLocalStorage, lookupImageInDigestsAndRepoTags) and containers/image
 * shortnames.ResolveLocally, Podman 4.3.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "reference.h"
#include "util/digest.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char *normalized_tagged(const char *s)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	if (image_ref_parse(s, &r, NULL) < 0)
		return NULL;
	if (r->tag && r->digest)
		r->tag = (free(r->tag), NULL);
	image_ref_with_default_tag(r);
	return image_ref_string(r);
}

int image_lookup_candidates(const char *name, char *const *search_registries, char ***ret,
			    struct cpod_error **err)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = image_ref_validate(name, err);

	if (r < 0)
		return r;
	if (!image_ref_is_short_name(name)) {
		char *c = normalized_tagged(name);
		if (!c) {
			_cleanup_(image_ref_freep) struct image_ref *bad = NULL;
			return image_ref_parse(name, &bad, err);
		}
		strv_consume(&v, c);
	} else {
		/* "localhost" has precedence over the unqualified-search registries */
		char *c = NULL;
		_cleanup_free_ char *local = xasprintf("localhost/%s", name);
		if ((c = normalized_tagged(local)))
			strv_consume(&v, c);
		STRV_FOREACH(reg, (char **)search_registries) {
			_cleanup_free_ char *q = xasprintf("%s/%s", *reg, name);
			if ((c = normalized_tagged(q)) && !strv_contains(v, c))
				strv_consume(&v, c);
			else
				free(c);
		}
	}
	/* Docker compatibility: the docker.io normalisation comes last */
	char *d = normalized_tagged(name);
	if (d && !strv_contains(v, d))
		strv_consume(&v, d);
	else
		free(d);
	*ret = TAKE_PTR(v);
	return 0;
}

static int not_known(struct cpod_error **err, const char *name)
{
	return cpod_error_set(err, ENOENT, "%s: image not known", name);
}

/* store lookup where "not there" (or an ambiguous ID prefix) is 0, found is 1 */
static int try_store(struct store *s, const char *key, struct store_image **ret,
		     struct cpod_error **err)
{
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = store_image_lookup(s, key, ret, &e);
	if (r >= 0)
		return 1;
	if (r == -ENOENT || (r == -EINVAL && id_is_hex_prefix(key)))
		return 0;
	cpod_error_move(err, &e);
	return r;
}

/* Does the stored full name match the short name's repository ending and tag? */
static bool repo_tag_matches(const char *stored, const char *path, const char *tag)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	if (image_ref_parse(stored, &r, NULL) < 0 || !r->tag || strcmp(r->tag, tag) != 0)
		return false;
	_cleanup_free_ char *n = image_ref_name(r);
	size_t nl = strlen(n), pl = strlen(path);
	if (nl < pl || strcmp(n + nl - pl, path) != 0)
		return false;
	return nl == pl || n[nl - pl - 1] == '/';
}

static int lookup_digests_and_repo_tags(struct store *s, const char *name,
					struct store_image **ret, char **ret_resolved,
					struct cpod_error **err)
{
	struct store_image **all = NULL;
	size_t n = 0;
	const char *at = strchr(name, '@');

	if (!at && !image_ref_is_short_name(name))
		return not_known(err, name);
	int r = store_image_list(s, &all, &n, err);
	if (r < 0)
		return r;

	const char *colon = strrchr(name, ':');
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *path = NULL;
	const char *tag = "latest";
	if (!at) {
		if (colon && (!slash || colon > slash)) {
			path = xstrndup(name, (size_t)(colon - name));
			tag = colon + 1;
		} else {
			path = xstrdup(name);
		}
	}
	int found = -1;
	for (size_t i = 0; i < n && found < 0; i++) {
		if (at) {
			if (strv_contains(all[i]->digests, at + 1))
				found = (int)i;
			continue;
		}
		STRV_FOREACH(nm, all[i]->names)
			if (repo_tag_matches(*nm, path, tag)) {
				found = (int)i;
				if (ret_resolved)
					*ret_resolved = xstrdup(*nm);
				break;
			}
	}
	if (found >= 0) {
		*ret = all[found];
		all[found] = NULL;
		if (ret_resolved && at)
			*ret_resolved = xstrdup(name);
	}
	store_image_list_free(all, n);
	return found < 0 ? not_known(err, name) : 0;
}

int image_lookup(struct store *s, const char *name, const struct image_lookup_opts *opts,
		 struct store_image **ret, char **ret_resolved, struct cpod_error **err)
{
	_cleanup_free_ char *norm = NULL;
	_cleanup_strv_free_ char **candidates = NULL;
	struct store_image *img = NULL;
	int r;

	r = image_ref_validate(name, err);
	if (r < 0)
		return r;
	/* Docker compatibility: in "name:tag@digest" the digest alone counts */
	const char *at = strchr(name, '@');
	const char *colon = NULL, *slash = NULL;
	/* a plain loop: gcc's -Wnonnull misfires on memrchr under the sanitizers */
	for (const char *p = name; at && p < at; p++) {
		if (*p == ':')
			colon = p;
		else if (*p == '/')
			slash = p;
	}
	if (at && colon && (!slash || colon > slash))
		norm = xasprintf("%.*s%s", (int)(colon - name), name, at);
	else
		norm = xstrdup(name);

	bool by_digest = strncmp(norm, "sha256:", 7) == 0;
	const char *hex = by_digest ? norm + 7 : norm;
	bool by_full_id = id_is_full_hex(hex);
	if (by_digest && !by_full_id)
		return cpod_error_set(err, EINVAL, "%s: invalid format: no 64-byte hexadecimal value",
				      norm);
	if (by_full_id) {
		r = try_store(s, hex, &img, err);
		if (r < 0)
			return r;
		if (r == 0)
			return not_known(err, norm);
		goto found;
	}

	r = image_lookup_candidates(norm, opts ? opts->search_registries : NULL, &candidates,
				    NULL);
	if (r < 0)
		return not_known(err, norm);
	STRV_FOREACH(c, candidates) {
		r = try_store(s, *c, &img, err);
		if (r < 0)
			return r;
		if (r > 0) {
			if (ret_resolved)
				*ret_resolved = xstrdup(*c);
			goto found_named;
		}
	}
	/* a short ID, which must come after the short-name expansion */
	r = id_is_hex_prefix(norm) ? try_store(s, norm, &img, err) : 0;
	if (r < 0)
		return r;
	if (r > 0)
		goto found;
	return lookup_digests_and_repo_tags(s, norm, ret, ret_resolved, err);

found:
	if (ret_resolved)
		*ret_resolved = xstrdup(norm);
found_named:
	*ret = img;
	return 0;
}

int image_exists(struct store *s, const char *name, const struct image_lookup_opts *opts,
		 struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = image_lookup(s, name, opts, &img, NULL, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		cpod_error_move(err, &e);
		return r;
	}
	return 1;
}
