/* SPDX-License-Identifier: Apache-2.0 */
/* The object of `podman image inspect`, key for key in Podman 4.3's order. */
#include <errno.h>
#include <libgen.h>
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

#define MT_OCI "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER "application/vnd.docker.distribution.manifest.v2+json"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "repo@digest" for every name and digest, sorted and unique (libimage RepoDigests). */
static json_t *repo_digests(const struct store_image *img)
{
	_cleanup_strv_free_ char **v = NULL;
	json_t *arr = json_array();

	STRV_FOREACH(n, img->names) {
		_cleanup_(image_ref_freep) struct image_ref *r = NULL;
		if (image_ref_parse(*n, &r, NULL) < 0)
			continue;
		_cleanup_free_ char *repo = image_ref_name(r);
		STRV_FOREACH(d, img->digests) {
			char *rd = xasprintf("%s@%s", repo, *d);
			if (strv_contains(v, rd))
				free(rd);
			else
				strv_consume(&v, rd);
		}
	}
	if (v)
		qsort(v, strv_length(v), sizeof(char *), cmp_str);
	STRV_FOREACH(s, v)
		json_array_append_new(arr, json_string(*s));
	return arr;
}

json_t *image_repo_tags(const struct store_image *img)
{
	json_t *arr = json_array();
	STRV_FOREACH(n, img->names)
		if (!strchr(*n, '@'))
			json_array_append_new(arr, json_string(*n));
	return arr;
}

static json_t *graph_driver(struct store *s, const struct store_image *img)
{
	json_t *gd = json_object();
	json_t *data = json_object();
	enum store_driver d = store_get_driver(s);

	json_object_set_new(gd, "Name", json_string(store_driver_to_string(d)));
	if (d == STORE_DRIVER_OVERLAY && img->top_layer) {
		_cleanup_free_ char *upper = NULL;
		_cleanup_strv_free_ char **lower = NULL;
		size_t n = strv_length(img->layers);
		for (size_t i = n; i-- > 0;) {
			char *p = NULL;
			if (strcmp(img->layers[i], img->top_layer) == 0)
				continue;
			if (store_layer_diff_path(s, img->layers[i], &p, NULL) == 0)
				strv_consume(&lower, p);
		}
		if (lower) {
			_cleanup_free_ char *l = strv_join(lower, ":");
			json_object_set_new(data, "LowerDir", json_string(l));
		}
		if (store_layer_diff_path(s, img->top_layer, &upper, NULL) == 0) {
			_cleanup_free_ char *dir = xstrdup(upper);
			_cleanup_free_ char *work = xasprintf("%s/work", dirname(dir));
			json_object_set_new(data, "UpperDir", json_string(upper));
			json_object_set_new(data, "WorkDir", json_string(work));
		}
	}
	json_object_set_new(gd, "Data", data);
	return gd;
}

static const char *manifest_type(json_t *manifest)
{
	const char *mt = json_get_string(manifest, "mediaType");
	if (mt)
		return mt;
	const char *cmt = json_get_string(json_object_get(manifest, "config"), "mediaType");
	if (cmt && strcmp(cmt, "application/vnd.docker.container.image.v1+json") == 0)
		return MT_DOCKER;
	return MT_OCI;
}

int image_inspect(struct store *s, const struct store_image *img, json_t **ret,
		  struct cpod_error **err)
{
	_cleanup_free_ char *raw_cfg = NULL, *raw_man = NULL;
	_cleanup_json_ json_t *manifest = NULL;
	struct image_config_info info = {0};
	size_t len = 0;
	int r;

	r = store_image_config(s, img->id, &raw_cfg, &len, err);
	if (r < 0)
		return r;
	r = image_config_parse(raw_cfg, len, &info, err);
	if (r < 0)
		return r;
	if (store_image_manifest(s, img->id, &raw_man, &len, NULL) == 0 && len <= IMAGE_CONFIG_MAX)
		manifest = json_loadb(raw_man, len, 0, NULL);

	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "Digest", json_string(img->digests && img->digests[0]
							      ? img->digests[0] : ""));
	json_object_set_new(o, "RepoTags", image_repo_tags(img));
	json_object_set_new(o, "RepoDigests", repo_digests(img));
	json_object_set_new(o, "Parent", json_string(""));
	json_object_set_new(o, "Comment", json_string(info.comment));
	struct timespec ts = info.has_created ? info.created
					      : (struct timespec){.tv_sec = img->created};
	_cleanup_free_ char *created = image_time_rfc3339nano(&ts);
	json_object_set_new(o, "Created", json_string(created));
	json_object_set_new(o, "Config", info.config ? json_incref(info.config) : json_object());
	const char *version = json_get_string(info.root, "docker_version");
	json_object_set_new(o, "Version", json_string(version ? version : ""));
	json_object_set_new(o, "Author", json_string(info.author));
	json_object_set_new(o, "Architecture", json_string(info.arch));
	json_object_set_new(o, "Os", json_string(info.os));
	json_object_set_new(o, "Size", json_integer(img->size));
	json_object_set_new(o, "VirtualSize", json_integer(img->size));
	json_object_set_new(o, "GraphDriver", graph_driver(s, img));

	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "Type", json_string("layers"));
	json_object_set_new(rootfs, "Layers", info.diff_ids ? json_deep_copy(info.diff_ids)
							    : json_array());
	json_object_set_new(o, "RootFS", rootfs);
	json_t *labels = image_config_labels(&info);
	json_object_set_new(o, "Labels", labels ? json_incref(labels) : json_null());
	json_t *ann = json_object_get(manifest, "annotations");
	json_object_set_new(o, "Annotations", json_is_object(ann) ? json_incref(ann) : json_object());
	json_object_set_new(o, "ManifestType", json_string(manifest_type(manifest)));
	const char *user = info.config ? json_get_string(info.config, "User") : NULL;
	json_object_set_new(o, "User", json_string(user ? user : ""));
	json_object_set_new(o, "History", info.history ? json_incref(info.history) : json_array());
	/* cpod keeps no separate names history: the current names, newest first */
	json_t *nh = json_array();
	for (size_t i = strv_length(img->names); i-- > 0;)
		json_array_append_new(nh, json_string(img->names[i]));
	json_object_set_new(o, "NamesHistory", nh);

	image_config_info_release(&info);
	*ret = o;
	return 0;
}
