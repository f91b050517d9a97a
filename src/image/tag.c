/* SPDX-License-Identifier: Apache-2.0 */
/* tag and untag, after libimage's Image.Tag and Image.Untag (Podman 4.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "image-internal.h"
#include "reference.h"
#include "util/strv.h"
#include "util/strutil.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The stored form of a user's name, with Podman's errors; owned. */
static int local_name(const char *name, bool untag, char **ret, struct cpod_error **err)
{
	const char *what = untag ? "untag" : "tag";
	bool digested = false;

	if (strncmp(name, "sha256:", 7) == 0)
		return cpod_error_set(err, EINVAL, "%s: %s by digest not supported", name, what);
	int r = image_ref_local_name(name, ret, &digested, err);
	if (r < 0) {
		_cleanup_free_ char *q = go_quote(name);
		return cpod_error_wrap(err, "normalizing name %s", q);
	}
	if (digested && !untag) {
		*ret = (free(*ret), NULL);
		return cpod_error_set(err, EINVAL, "%s: tag by digest not supported", name);
	}
	return 0;
}

int image_tag(struct store *s, const char *key, char *const *names,
	      const struct image_lookup_opts *opts, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	int r = image_lookup(s, key, opts, &img, NULL, err);
	if (r < 0)
		return r;
	STRV_FOREACH(n, (char **)names) {
		_cleanup_free_ char *full = NULL;
		r = local_name(*n, false, &full, err);
		if (r < 0)
			return r;
		r = store_image_add_name(s, img->id, full, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int image_untag(struct store *s, const char *key, char *const *names,
		const struct image_lookup_opts *opts, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_strv_free_ char **todo = NULL;
	int r = image_lookup(s, key, opts, &img, NULL, err);
	if (r < 0)
		return r;

	if (!names || !names[0]) {
		todo = strv_copy(img->names);
	} else {
		STRV_FOREACH(n, (char **)names) {
			char *full = NULL;
			r = local_name(*n, true, &full, err);
			if (r < 0)
				return r;
			if (!strv_contains(img->names, full)) {
				r = cpod_error_set(err, ENOENT, "%s: tag not known", full);
				free(full);
				return r;
			}
			strv_consume(&todo, full);
		}
	}
	STRV_FOREACH(n, todo) {
		r = store_image_remove_name(s, img->id, *n, err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}
