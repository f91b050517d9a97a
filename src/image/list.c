/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod images`: rows, filters and sorting after Podman 4.3's images command and libimage. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image.h"
#include "image-internal.h"
#include "reference.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum image_sort image_sort_from_string(const char *s)
{
	static const char *const names[] = {"created", "id", "repository", "size", "tag"};
	for (int i = 0; i < _IMAGE_SORT_MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum image_sort)i;
	return _IMAGE_SORT_INVALID;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* reference=PATTERN: a glob on the full name, its repository, or the familiar forms. */
static bool match_reference(const struct store_image *img, const char *pattern)
{
	STRV_FOREACH(n, img->names) {
		_cleanup_(image_ref_freep) struct image_ref *r = NULL;
		if (fnmatch(pattern, *n, 0) == 0)
			return true;
		if (image_ref_parse(*n, &r, NULL) < 0)
			continue;
		_cleanup_free_ char *repo = image_ref_name(r);
		_cleanup_free_ char *fam = image_ref_familiar(r);
		char *tag = r->tag;
		r->tag = NULL;
		_cleanup_free_ char *fam_repo = image_ref_familiar(r);
		r->tag = tag;
		if (fnmatch(pattern, repo, 0) == 0 || fnmatch(pattern, fam, 0) == 0 ||
		    fnmatch(pattern, fam_repo, 0) == 0)
			return true;
		/* "busybox" and "busybox:latest" match docker.io/library/busybox:latest */
		const char *last = strrchr(*n, '/');
		if (last && fnmatch(pattern, last + 1, 0) == 0)
			return true;
		const char *last_repo = strrchr(repo, '/');
		if (last_repo && fnmatch(pattern, last_repo + 1, 0) == 0)
			return true;
	}
	return false;
}

static int filter_match(const struct image_list_entry *e, const char *filter,
			const struct timespec *before_ts, const struct timespec *since_ts,
			bool *ret, struct cpod_error **err)
{
	const char *eq = strchr(filter, '=');
	if (!eq)
		return cpod_error_set(err, EINVAL, "invalid image filter %s", filter);
	_cleanup_free_ char *key = xstrndup(filter, (size_t)(eq - filter));
	const char *val = eq + 1;
	const struct store_image *img = e->img;
	bool dangling = !img->names || !img->names[0];

	if (strcmp(key, "reference") == 0) {
		*ret = match_reference(img, val);
	} else if (strcmp(key, "dangling") == 0) {
		if (strcmp(val, "true") != 0 && strcmp(val, "false") != 0)
			return cpod_error_set(err, EINVAL, "invalid dangling filter value \"%s\"",
					      val);
		*ret = dangling == (strcmp(val, "true") == 0);
	} else if (strcmp(key, "before") == 0) {
		*ret = ts_before(&e->created, before_ts);
	} else if (strcmp(key, "since") == 0) {
		*ret = ts_before(since_ts, &e->created);
	} else if (strcmp(key, "id") == 0) {
		*ret = strncmp(img->id, val, strlen(val)) == 0;
	} else if (strcmp(key, "label") == 0) {
		const char *leq = strchr(val, '=');
		_cleanup_free_ char *lk = leq ? xstrndup(val, (size_t)(leq - val)) : xstrdup(val);
		const char *have = json_get_string(e->labels, lk);
		*ret = have && (!leq || strcmp(have, leq + 1) == 0);
	} else if (strcmp(key, "readonly") == 0) {
		*ret = img->read_only == (strcmp(val, "true") == 0);
	} else {
		return cpod_error_set(err, EINVAL, "unsupported image filter \"%s\"", key);
	}
	return 0;
}

struct row {
	const struct image_list_entry *e;
	char *repo, *tag;
};

static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct row *a = pa, *b = pb;
	enum image_sort sort_key = *(const enum image_sort *)arg;
	int c = 0;
	switch (sort_key) {
	case IMAGE_SORT_ID:
		c = strcmp(a->e->img->id, b->e->img->id);
		break;
	case IMAGE_SORT_REPOSITORY:
		c = strcmp(a->repo, b->repo);
		break;
	case IMAGE_SORT_TAG:
		c = strcmp(a->tag, b->tag);
		break;
	case IMAGE_SORT_SIZE:
		c = a->e->img->size < b->e->img->size ? -1 : a->e->img->size > b->e->img->size;
		break;
	default:
		c = ts_before(&b->e->created, &a->e->created) ? -1
		    : ts_before(&a->e->created, &b->e->created) ? 1 : 0;
	}
	if (c == 0)
		c = a->e < b->e ? -1 : a->e > b->e; /* stable: keep store order */
	return c;
}

static json_t *row_json(const struct row *r)
{
	const struct store_image *img = r->e->img;
	json_t *o = json_object();
	_cleanup_free_ char *created = image_time_rfc3339nano(&(struct timespec){
		.tv_sec = r->e->created.tv_sec});
	json_t *names = json_array();
	STRV_FOREACH(n, img->names)
		json_array_append_new(names, json_string(*n));

	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "ParentId", json_string(""));
	json_object_set_new(o, "RepoTags", image_repo_tags(img));
	json_t *rd = json_array();
	STRV_FOREACH(d, img->digests)
		STRV_FOREACH(n, img->names) {
			_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
			if (image_ref_parse(*n, &ref, NULL) < 0)
				continue;
			_cleanup_free_ char *repo = image_ref_name(ref);
			_cleanup_free_ char *s = xasprintf("%s@%s", repo, *d);
			json_array_append_new(rd, json_string(s));
		}
	json_object_set_new(o, "RepoDigests", rd);
	json_object_set_new(o, "Size", json_integer(img->size));
	json_object_set_new(o, "SharedSize", json_integer(0));
	json_object_set_new(o, "VirtualSize", json_integer(img->size));
	json_object_set_new(o, "Labels", r->e->labels ? json_incref(r->e->labels) : json_null());
	json_object_set_new(o, "Containers", json_integer((json_int_t)r->e->containers));
	json_object_set_new(o, "ReadOnly", json_boolean(img->read_only));
	json_object_set_new(o, "Names", names);
	json_object_set_new(o, "Digest", json_string(img->digests && img->digests[0]
							      ? img->digests[0] : ""));
	json_object_set_new(o, "History", json_copy(names));
	json_object_set_new(o, "Created", json_integer(r->e->created.tv_sec));
	json_object_set_new(o, "CreatedAt", json_string(created));
	json_object_set_new(o, "Dangling", json_boolean(!img->names || !img->names[0]));
	json_object_set_new(o, "Repository", json_string(r->repo));
	json_object_set_new(o, "Tag", json_string(r->tag));
	return o;
}

int image_list_rows(const struct image_list_entry *entries, size_t n,
		    const struct image_list_opts *opts, const struct timespec *before_ts,
		    const struct timespec *since_ts, json_t **ret, struct cpod_error **err)
{
	struct row *rows = NULL;
	size_t nrows = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		bool keep = true;
		for (char *const *f = opts->filters; f && *f && keep; f++) {
			r = filter_match(&entries[i], *f, before_ts, since_ts, &keep, err);
			if (r < 0)
				goto out;
		}
		if (!keep)
			continue;
		const struct store_image *img = entries[i].img;
		size_t nn = strv_length(img->names);
		rows = xrealloc(rows, (nrows + (nn ? nn : 1)) * sizeof(*rows));
		if (nn == 0)
			rows[nrows++] = (struct row){&entries[i], xstrdup("<none>"), xstrdup("<none>")};
		for (size_t k = 0; k < nn; k++) {
			const char *nm = img->names[k];
			const char *at = strchr(nm, '@');
			const char *slash = strrchr(nm, '/');
			const char *colon = strrchr(nm, ':');
			struct row rw = {&entries[i], NULL, NULL};
			if (at) {
				rw.repo = xstrndup(nm, (size_t)(at - nm));
				rw.tag = xstrdup("<none>");
			} else if (colon && (!slash || colon > slash)) {
				rw.repo = xstrndup(nm, (size_t)(colon - nm));
				rw.tag = xstrdup(colon + 1);
			} else {
				rw.repo = xstrdup(nm);
				rw.tag = xstrdup("<none>");
			}
			rows[nrows++] = rw;
		}
	}
	enum image_sort key = opts->sort;
	if (nrows)
		qsort_r(rows, nrows, sizeof(*rows), row_cmp, &key);
	json_t *arr = json_array();
	for (size_t i = 0; i < nrows; i++)
		json_array_append_new(arr, row_json(&rows[i]));
	*ret = arr;
out:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].repo);
		free(rows[i].tag);
	}
	free(rows);
	return r;
}

static int resolve_time(struct store *s, char *const *filters, const char *key,
			const struct image_lookup_opts *lookup, struct timespec *ret,
			struct cpod_error **err)
{
	size_t kl = strlen(key);
	for (char *const *f = filters; f && *f; f++) {
		if (strncmp(*f, key, kl) != 0 || (*f)[kl] != '=')
			continue;
		_cleanup_(store_image_freep) struct store_image *img = NULL;
		int r = image_lookup(s, *f + kl + 1, lookup, &img, NULL, err);
		if (r < 0)
			return r;
		*ret = (struct timespec){.tv_sec = img->created};
	}
	return 0;
}

int image_list(struct store *s, const struct image_list_opts *opts, json_t **ret,
	       struct cpod_error **err)
{
	struct store_image **imgs = NULL;
	struct image_list_entry *entries = NULL;
	struct image_config_info *infos = NULL;
	struct timespec before = {0}, since = {0};
	size_t n = 0;
	int r;

	r = resolve_time(s, opts->filters, "before", opts->lookup, &before, err);
	if (r < 0)
		return r;
	r = resolve_time(s, opts->filters, "since", opts->lookup, &since, err);
	if (r < 0)
		return r;
	r = store_image_list(s, &imgs, &n, err);
	if (r < 0)
		return r;
	entries = xnew(struct image_list_entry, n + 1);
	infos = xnew(struct image_config_info, n + 1);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *raw = NULL;
		_cleanup_strv_free_ char **ctrs = NULL;
		size_t len = 0;
		entries[i].img = imgs[i];
		entries[i].created = (struct timespec){.tv_sec = imgs[i]->created};
		/* a corrupt config must not hide the image from the list */
		if (store_image_config(s, imgs[i]->id, &raw, &len, NULL) == 0 &&
		    image_config_parse(raw, len, &infos[i], NULL) == 0)
			entries[i].labels = image_config_labels(&infos[i]);
		if (store_image_containers(s, imgs[i]->id, &ctrs, NULL) == 0)
			entries[i].containers = strv_length(ctrs);
	}
	r = image_list_rows(entries, n, opts, &before, &since, ret, err);
	for (size_t i = 0; i < n; i++)
		image_config_info_release(&infos[i]);
	free(infos);
	free(entries);
	store_image_list_free(imgs, n);
	return r;
}
