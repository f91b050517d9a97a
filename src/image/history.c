/* SPDX-License-Identifier: Apache-2.0 */
/* `image history` and `image tree` (libimage's History and Tree, Podman 4.3). */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "image-history.h"
#include "image-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

void image_history_free(struct image_history_entry *h, size_t n)
{
	for (size_t i = 0; h && i < n; i++) {
		free(h[i].id);
		free(h[i].created_by);
		free(h[i].comment);
		strv_free(h[i].tags);
	}
	free(h);
}

struct images {
	struct store_image **v;
	size_t n;
};

static void images_release(struct images *im)
{
	store_image_list_free(im->v, im->n);
}

/* The image whose top layer is layer: img itself when it is one of them, else the first. */
static const struct store_image *image_at(const struct images *im, const char *layer,
                                          const struct store_image *prefer)
{
	if (prefer->top_layer && strcmp(prefer->top_layer, layer) == 0)
		return prefer;
	for (size_t i = 0; i < im->n; i++)
		if (im->v[i]->top_layer && strcmp(im->v[i]->top_layer, layer) == 0)
			return im->v[i];
	return NULL;
}

static int fill_entry(struct image_history_entry *e, json_t *h)
{
	e->id = xstrdup("<missing>");
	e->created_by = xstrdup(json_is_object(h) && json_get_string(h, "created_by")
	                                ? json_get_string(h, "created_by")
	                                : "");
	e->comment = xstrdup(json_is_object(h) && json_get_string(h, "comment")
	                             ? json_get_string(h, "comment")
	                             : "");
	e->tags = xnew(char *, 1);
	const char *c = json_is_object(h) ? json_get_string(h, "created") : NULL;
	e->has_created = c && image_time_parse_rfc3339(c, &e->created) == 0;
	return json_is_object(h) && json_is_true(json_object_get(h, "empty_layer"));
}

int image_history(struct store *s, const struct store_image *img, struct image_history_entry **ret,
                  size_t *ret_n, struct cpod_error **err)
{
	_cleanup_free_ char *cfg = NULL;
	size_t len = 0;
	struct image_config_info info = {0};
	struct images im = {0};
	_cleanup_(store_layer_freep) struct store_layer *layer = NULL;
	_cleanup_strv_free_ char **used = xnew(char *, 1);
	int r = store_image_config(s, img->id, &cfg, &len, err);
	if (r < 0 || (r = image_config_parse(cfg, len, &info, err)) < 0)
		return r;
	if ((r = store_image_list(s, &im.v, &im.n, err)) < 0)
		goto out;
	if (img->top_layer && (r = store_layer_get(s, img->top_layer, &layer, err)) < 0)
		goto out;
	size_t n = json_is_array(info.history) ? json_array_size(info.history) : 0;
	struct image_history_entry *v = xnew(struct image_history_entry, n + 1);
	for (size_t k = 0; k < n; k++) {
		struct image_history_entry *e = &v[k];
		bool empty = fill_entry(e, json_array_get(info.history, n - 1 - k));
		if (!layer)
			continue;
		if (!empty)
			e->size = layer->diff_size;
		const struct store_image *at = image_at(&im, layer->id, img);
		if (at && !strv_contains(used, at->id)) {
			free(e->id);
			e->id = xstrdup(at->id);
			strv_push(&used, at->id);
		}
		if (layer->parent && !empty) {
			_cleanup_(store_layer_freep) struct store_layer *p = NULL;
			if ((r = store_layer_get(s, layer->parent, &p, err)) < 0) {
				image_history_free(v, n);
				goto out;
			}
			store_layer_free(layer);
			layer = TAKE_PTR(p);
		}
	}
	*ret = v;
	*ret_n = n;
out:
	images_release(&im);
	image_config_info_release(&info);
	return r;
}

/* The names of every image whose top layer is layer, as Podman's layer tree lists them. */
static json_t *layer_tags(const struct images *im, const char *layer)
{
	json_t *a = json_array();
	for (size_t i = 0; i < im->n; i++)
		if (im->v[i]->top_layer && strcmp(im->v[i]->top_layer, layer) == 0)
			STRV_FOREACH(name, im->v[i]->names)
	json_array_append_new(a, json_string(*name));
	return a;
}

static int tree_node(struct store *s, const struct images *im, const char *id, bool down, int depth,
                     json_t **ret, struct cpod_error **err)
{
	_cleanup_(store_layer_freep) struct store_layer *l = NULL;
	int r = store_layer_get(s, id, &l, err);
	if (r < 0)
		return r;
	if (depth > 4096)
		return cpod_error_set(err, ELOOP, "layer tree too deep");
	json_t *node =
	        json_pack("{s:s,s:I,s:o,s:[]}", "id", l->id, "size", (json_int_t)l->diff_size,
	                  "tags", layer_tags(im, l->id), "children");
	json_t *children = json_object_get(node, "children");
	_cleanup_strv_free_ char **next = xnew(char *, 1);
	if (!down && l->parent) {
		strv_push(&next, l->parent);
	} else if (down) {
		for (size_t i = 0; i < im->n; i++)
			for (char **p = im->v[i]->layers; p && p[0] && p[1]; p++)
				if (strcmp(p[0], id) == 0 && !strv_contains(next, p[1]))
					strv_push(&next, p[1]);
	}
	STRV_FOREACH(c, next)
	{
		json_t *child = NULL;
		if ((r = tree_node(s, im, *c, down, depth + 1, &child, err)) < 0) {
			json_decref(node);
			return r;
		}
		json_array_append_new(children, child);
	}
	*ret = node;
	return 0;
}

int image_tree(struct store *s, const struct store_image *img, bool whatrequires, json_t **ret,
               struct cpod_error **err)
{
	struct images im = {0};
	*ret = NULL;
	if (!img->top_layer)
		return 0;
	int r = store_image_list(s, &im.v, &im.n, err);
	if (r < 0)
		return r;
	r = tree_node(s, &im, img->top_layer, whatrequires, 0, ret, err);
	images_release(&im);
	return r;
}
