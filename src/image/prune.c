/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `image prune` as libimage's Prune does it (Podman 4.3): dangling images (no names and no
 * child image) by default, every image without a container with all; images used by
 * containers are kept. Removing an image can make its parent prunable, so the pass repeats
 * until it removes nothing.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "image-history.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct filter {
	enum { F_LABEL, F_NOT_LABEL, F_DANGLING } kind;
	char *key, *value; /* value may be NULL */
	bool dangling;
};

static int parse_filters(char *const *in, struct filter **ret, size_t *ret_n,
                         struct cpod_error **err)
{
	size_t n = 0;
	struct filter *f = xnew(struct filter, strv_length(in) + 1);
	for (char *const *p = in; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq)
			goto bad;
		size_t klen = (size_t)(eq - *p);
		const char *val = eq + 1;
		struct filter *x = &f[n];
		if (klen == 6 && strncmp(*p, "label!", 6) == 0)
			x->kind = F_NOT_LABEL;
		else if (klen == 5 && strncmp(*p, "label", 5) == 0)
			x->kind = F_LABEL;
		else if (klen == 8 && strncmp(*p, "dangling", 8) == 0)
			x->kind = F_DANGLING;
		else
			goto bad;
		if (x->kind == F_DANGLING) {
			if (strcmp(val, "true") != 0 && strcmp(val, "false") != 0) {
				free(f);
				return cpod_error_set(err, EINVAL,
				                      "invalid dangling filter value \"%s\"", val);
			}
			x->dangling = strcmp(val, "true") == 0;
		} else {
			const char *veq = strchr(val, '=');
			x->key = veq ? xstrndup(val, (size_t)(veq - val)) : xstrdup(val);
			x->value = veq ? xstrdup(veq + 1) : NULL;
		}
		n++;
		continue;
	bad:
		for (size_t i = 0; i < n; i++) {
			free(f[i].key);
			free(f[i].value);
		}
		free(f);
		return cpod_error_set(err, EINVAL, "%s: invalid image filter", *p);
	}
	*ret = f;
	*ret_n = n;
	return 0;
}

static bool has_label(json_t *labels, const struct filter *f)
{
	const char *v = json_is_object(labels) ? json_get_string(labels, f->key) : NULL;
	return v && (!f->value || strcmp(v, f->value) == 0);
}

static bool has_child(struct store_image **v, size_t n, const struct store_image *img)
{
	if (!img->top_layer)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] != img)
			for (char **l = v[i]->layers; l && l[0] && l[1]; l++)
				if (strcmp(l[0], img->top_layer) == 0)
					return true;
	return false;
}

static int matches(struct store *s, struct store_image **v, size_t n, const struct store_image *img,
                   const struct image_prune_opts *opts, const struct filter *f, size_t nf,
                   bool *ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **users = NULL;
	int r = store_image_containers(s, img->id, &users, err);
	if (r < 0)
		return r;
	bool dangling = strv_length(img->names) == 0 && !has_child(v, n, img);
	*ret = users[0] == NULL && (opts->all || dangling);
	json_t *labels = NULL;
	struct image_config_info info = {0};
	_cleanup_free_ char *cfg = NULL;
	size_t len = 0;
	for (size_t i = 0; *ret && i < nf; i++) {
		if (f[i].kind == F_DANGLING) {
			*ret = dangling == f[i].dangling;
			continue;
		}
		if (!cfg) {
			_cleanup_error_ struct cpod_error *ignored = NULL;
			if (store_image_config(s, img->id, &cfg, &len, &ignored) == 0 &&
			    image_config_parse(cfg, len, &info, &ignored) == 0)
				labels = image_config_labels(&info);
		}
		bool l = has_label(labels, &f[i]);
		*ret = f[i].kind == F_LABEL ? l : !l;
	}
	image_config_info_release(&info);
	return 0;
}

int image_prune(struct store *s, const struct image_prune_opts *opts, char ***ret_deleted,
                struct cpod_error **err)
{
	_cleanup_strv_free_ char **deleted = xnew(char *, 1);
	struct filter *f = NULL;
	size_t nf = 0;
	int r = parse_filters(opts->filters, &f, &nf, err);
	if (r < 0)
		return r;
	for (bool progress = true; progress && r >= 0;) {
		struct store_image **v = NULL;
		size_t n = 0;
		progress = false;
		if ((r = store_image_list(s, &v, &n, err)) < 0)
			break;
		for (size_t i = 0; i < n && r >= 0; i++) {
			bool m = false;
			if ((r = matches(s, v, n, v[i], opts, f, nf, &m, err)) < 0 || !m)
				continue;
			if ((r = store_image_delete(s, v[i]->id, err)) < 0)
				break;
			strv_push(&deleted, v[i]->id);
			progress = true;
			/* the list is stale now: children and parents changed */
			break;
		}
		store_image_list_free(v, n);
	}
	for (size_t i = 0; i < nf; i++) {
		free(f[i].key);
		free(f[i].value);
	}
	free(f);
	if (r < 0)
		return r;
	*ret_deleted = TAKE_PTR(deleted);
	return 0;
}
