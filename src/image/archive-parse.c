/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsers for the JSON documents of image archives: docker-archive's manifest.json and the
 * OCI layout's index.json and image manifests. Everything here is untrusted input: sizes are
 * capped, types checked, digests validated and member names kept inside the archive.
 */
#include <errno.h>
#include <string.h>

#include "image-archive.h"
#include "config.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ARCHIVE_MAX_ITEMS  4096
#define ARCHIVE_MAX_LAYERS 1024
#define ARCHIVE_NAME_MAX   4096

bool archive_member_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > ARCHIVE_NAME_MAX || name[0] == '/')
		return false;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (!*name)
		return false;
	const char *p = name;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

static int load_json(const char *what, const char *data, size_t len, json_t **ret,
                     struct cpod_error **err)
{
	json_error_t je;

	if (len > IMAGE_CONFIG_MAX)
		return cpod_error_set(err, EFBIG, "%s: larger than %u bytes", what,
		                      IMAGE_CONFIG_MAX);
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return cpod_error_set(err, EINVAL, "parsing %s: %s", what, je.text);
	*ret = j;
	return 0;
}

static int string_list(const char *what, json_t *arr, bool names, size_t max, char ***ret,
                       struct cpod_error **err)
{
	_cleanup_strv_free_ char **v = xnew(char *, 1);
	size_t i;
	json_t *e;

	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return cpod_error_set(err, EINVAL, "%s: not an array", what);
	if (json_array_size(arr) > max)
		return cpod_error_set(err, EINVAL, "%s: too many entries", what);
	json_array_foreach(arr, i, e)
	{
		if (!json_is_string(e))
			return cpod_error_set(err, EINVAL, "%s: not a string", what);
		if (names && !archive_member_name_ok(json_string_value(e)))
			return cpod_error_set(err, EINVAL, "%s: invalid archive member name \"%s\"",
			                      what, json_string_value(e));
		strv_push(&v, json_string_value(e));
	}
	*ret = TAKE_PTR(v);
	return 0;
}

void archive_docker_items_free(struct archive_docker_item *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++) {
		free(items[i].config);
		strv_free(items[i].repo_tags);
		strv_free(items[i].layers);
	}
	free(items);
}

int archive_docker_manifest_parse(const char *data, size_t len, struct archive_docker_item **ret,
                                  size_t *ret_n, struct cpod_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	int r = load_json("manifest.json", data, len, &root, err);
	if (r < 0)
		return r;
	if (!json_is_array(root) || json_array_size(root) == 0)
		return cpod_error_set(err, EINVAL, "manifest.json: expected a non-empty array");
	size_t n = json_array_size(root);
	if (n > ARCHIVE_MAX_ITEMS)
		return cpod_error_set(err, EINVAL, "manifest.json: too many images");
	struct archive_docker_item *items = xnew(struct archive_docker_item, n);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(root, i);
		const char *cfg = json_is_object(o) ? json_get_string(o, "Config") : NULL;
		if (!cfg || !archive_member_name_ok(cfg)) {
			r = cpod_error_set(err, EINVAL, "manifest.json: item %zu: invalid Config",
			                   i);
			goto fail;
		}
		items[i].config = xstrdup(cfg);
		r = string_list("manifest.json: RepoTags", json_object_get(o, "RepoTags"), false,
		                ARCHIVE_MAX_ITEMS, &items[i].repo_tags, err);
		if (r < 0)
			goto fail;
		r = string_list("manifest.json: Layers", json_object_get(o, "Layers"), true,
		                ARCHIVE_MAX_LAYERS, &items[i].layers, err);
		if (r < 0)
			goto fail;
	}
	*ret = items;
	*ret_n = n;
	return 0;
fail:
	archive_docker_items_free(items, n);
	return r;
}

void archive_descriptors_free(struct archive_descriptor *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		free(d[i].media_type);
		free(d[i].digest);
		free(d[i].ref_name);
	}
	free(d);
}

static int descriptor(const char *what, json_t *o, struct archive_descriptor *d,
                      struct cpod_error **err)
{
	if (!json_is_object(o))
		return cpod_error_set(err, EINVAL, "%s: not an object", what);
	const char *digest = json_get_string(o, "digest");
	if (!digest || !digest_is_valid(digest))
		return cpod_error_set(err, EINVAL, "%s: invalid digest", what);
	json_t *size = json_object_get(o, "size");
	if (size && (!json_is_integer(size) || json_integer_value(size) < 0))
		return cpod_error_set(err, EINVAL, "%s: invalid size", what);
	json_t *mt = json_object_get(o, "mediaType");
	if (mt && !json_is_string(mt))
		return cpod_error_set(err, EINVAL, "%s: invalid mediaType", what);
	json_t *ann = json_object_get(o, "annotations");
	if (ann && !json_is_object(ann) && !json_is_null(ann))
		return cpod_error_set(err, EINVAL, "%s: invalid annotations", what);
	const char *ref = json_is_object(ann)
	                          ? json_get_string(ann, "org.opencontainers.image.ref.name")
	                          : NULL;
	d->digest = xstrdup(digest);
	d->size = size ? json_integer_value(size) : -1;
	d->media_type = mt ? xstrdup(json_string_value(mt)) : NULL;
	d->ref_name = xstrdup_or_null(ref);
	return 0;
}

static int descriptor_list(const char *what, json_t *arr, size_t max,
                           struct archive_descriptor **ret, size_t *ret_n, struct cpod_error **err)
{
	if (arr && !json_is_array(arr))
		return cpod_error_set(err, EINVAL, "%s: not an array", what);
	size_t n = json_array_size(arr);
	if (n > max)
		return cpod_error_set(err, EINVAL, "%s: too many entries", what);
	struct archive_descriptor *d = xnew(struct archive_descriptor, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		int r = descriptor(what, json_array_get(arr, i), &d[i], err);
		if (r < 0) {
			archive_descriptors_free(d, n);
			return r;
		}
	}
	*ret = d;
	*ret_n = n;
	return 0;
}

int archive_oci_index_parse(const char *data, size_t len, struct archive_descriptor **ret,
                            size_t *ret_n, struct cpod_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	int r = load_json("index.json", data, len, &root, err);
	if (r < 0)
		return r;
	if (!json_is_object(root))
		return cpod_error_set(err, EINVAL, "index.json: not an object");
	json_t *sv = json_object_get(root, "schemaVersion");
	if (sv && (!json_is_integer(sv) || json_integer_value(sv) != 2))
		return cpod_error_set(err, EINVAL, "index.json: unsupported schemaVersion");
	return descriptor_list("index.json: manifests", json_object_get(root, "manifests"),
	                       ARCHIVE_MAX_ITEMS, ret, ret_n, err);
}

int archive_oci_manifest_parse(const char *data, size_t len, struct archive_descriptor *ret_config,
                               struct archive_descriptor **ret_layers, size_t *ret_n,
                               struct cpod_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	int r = load_json("image manifest", data, len, &root, err);
	if (r < 0)
		return r;
	if (!json_is_object(root))
		return cpod_error_set(err, EINVAL, "image manifest: not an object");
	if (json_object_get(root, "manifests"))
		return cpod_error_set(err, ENOTSUP,
		                      "image manifest: manifest lists are not supported here");
	struct archive_descriptor cfg = {0};
	r = descriptor("image manifest: config", json_object_get(root, "config"), &cfg, err);
	if (r < 0)
		return r;
	r = descriptor_list("image manifest: layers", json_object_get(root, "layers"),
	                    ARCHIVE_MAX_LAYERS, ret_layers, ret_n, err);
	if (r < 0) {
		free(cfg.media_type);
		free(cfg.digest);
		free(cfg.ref_name);
		return r;
	}
	*ret_config = cfg;
	return 0;
}
