/* SPDX-License-Identifier: Apache-2.0 */
/* `rmi`, after libimage's RemoveImages and Image.removeRecursive (Podman 4.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

void image_remove_report_release(struct image_remove_report *r)
{
	strv_free(r->untagged);
	strv_free(r->deleted);
	for (size_t i = 0; i < r->n_errors; i++)
		cpod_error_free(r->errors[i]);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

static void add_error(struct image_remove_report *rep, struct cpod_error **e)
{
	rep->errors = xrealloc(rep->errors, (rep->n_errors + 1) * sizeof(*rep->errors));
	rep->errors[rep->n_errors++] = *e;
	*e = NULL;
}

static int remove_containers(struct store *s, const struct store_image *img,
			     const struct image_remove_opts *opts, struct cpod_error **err)
{
	_cleanup_strv_free_ char **ctrs = NULL;
	int r = store_image_containers(s, img->id, &ctrs, err);
	if (r < 0)
		return r;
	if (!ctrs || !ctrs[0])
		return 0;
	if (!opts->force || !opts->remove_container)
		return cpod_error_set(err, EBUSY,
				      "image used by %s: image is in use by a container: consider "
				      "listing external containers and force-removing image",
				      ctrs[0]);
	STRV_FOREACH(c, ctrs) {
		r = opts->remove_container(opts->userdata, *c, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* referenced_by: what the user's name resolved to; NULL for --all. */
static int remove_one(struct store *s, struct store_image *img, const char *referenced_by,
		      const struct image_remove_opts *opts, struct image_remove_report *rep,
		      struct cpod_error **err)
{
	size_t n_names = strv_length(img->names);
	int r;

	if (img->read_only)
		return cpod_error_set(err, EPERM, "cannot remove read-only image \"%s\"", img->id);
	if (strv_contains(rep->deleted, img->id))
		return 0;
	if (referenced_by && n_names > 1) {
		bool by_id = strncmp(img->id, referenced_by, strlen(referenced_by)) == 0;
		bool by_digest = strncmp(referenced_by, "sha256:", 7) == 0;
		if (!opts->force && (by_id || by_digest)) {
			_cleanup_free_ char *list = strv_join(img->names, " ");
			return cpod_error_set(err, EINVAL,
					      "unable to delete image \"%s\" by %s with more than one "
					      "tag ([%s]): please force removal",
					      img->id, by_id ? "ID" : "digest", list);
		}
		if (!by_id && !by_digest) {
			r = store_image_remove_name(s, img->id, referenced_by, err);
			if (r < 0 && r != -ENOENT)
				return r;
			strv_push(&rep->untagged, referenced_by);
			return 0; /* other names remain */
		}
	}
	r = remove_containers(s, img, opts, err);
	if (r < 0)
		return r;
	r = store_image_delete(s, img->id, err);
	if (r < 0 && r != -ENOENT)
		return r;
	STRV_FOREACH(n, img->names)
		strv_push(&rep->untagged, *n);
	strv_push(&rep->deleted, img->id);
	return 0;
}

int image_remove(struct store *s, char *const *names, const struct image_remove_opts *opts,
		 struct image_remove_report *rep)
{
	struct store_image **imgs = NULL;
	char **refs = NULL;
	size_t n = 0;

	memset(rep, 0, sizeof(*rep));
	if (opts->all) {
		_cleanup_error_ struct cpod_error *e = NULL;
		if (store_image_list(s, &imgs, &n, &e) < 0)
			add_error(rep, &e);
		refs = xnew(char *, n + 1);
	} else {
		size_t cap = strv_length((char **)names);
		imgs = xnew(struct store_image *, cap + 1);
		refs = xnew(char *, cap + 1);
		STRV_FOREACH(nm, (char **)names) {
			_cleanup_error_ struct cpod_error *e = NULL;
			struct store_image *img = NULL;
			char *resolved = NULL;
			int r = image_lookup(s, *nm, opts->lookup, &img, &resolved, &e);
			if (r < 0) {
				if (!(opts->ignore && r == -ENOENT))
					add_error(rep, &e);
				continue;
			}
			imgs[n] = img;
			refs[n++] = resolved;
		}
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		if (remove_one(s, imgs[i], refs[i], opts, rep, &e) < 0)
			add_error(rep, &e);
	}
	store_image_list_free(imgs, n);
	for (size_t i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	return rep->n_errors ? -rep->errors[0]->code : 0;
}
