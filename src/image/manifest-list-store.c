/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest lists in the store: create, add (local images and registry references), remove,
 * inspect, exists and rm. Pushing is in manifest-list-push.c.
 *
 * The store keeps an image's manifest once written, so an edited list is saved by deleting
 * its record and recording it again under the same ID and names (a list has no layers, so
 * nothing else is touched).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "config/registries-conf.h"
#include "image.h"
#include "manifest-list-internal.h"
#include "manifest.h"
#include "pull-internal.h"
#include "reference.h"
#include "registry.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LIST_CONFIG "{}"

int mlist_load(struct store *s, const char *name, struct store_image **ret_img, json_t **ret_doc,
               struct cpod_error **err)
{
	struct image_lookup_opts lo = {0};
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_free_ char *resolved = NULL, *data = NULL;
	size_t len = 0;
	int r = image_lookup(s, name, &lo, &img, &resolved, err);
	if (r < 0)
		return r;
	const char *shown = resolved ? resolved : name;
	_cleanup_error_ struct cpod_error *e = NULL;
	_cleanup_json_ json_t *doc = NULL;
	if (store_image_manifest(s, img->id, &data, &len, &e) < 0 ||
	    manifest_list_parse(data, len, &doc, &e) < 0)
		return cpod_error_set(err, EINVAL, "%s: image is not a manifest list", shown);
	*ret_img = TAKE_PTR(img);
	*ret_doc = TAKE_PTR(doc);
	return 0;
}

int mlist_save(struct store *s, const struct store_image *img, const json_t *doc, bool replace,
               struct cpod_error **err)
{
	/* the document itself, with cpod's own keys that rendering leaves out */
	_cleanup_free_ char *data = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!data)
		return cpod_error_set(err, ENOMEM, "saving manifest list");
	_cleanup_free_ char *digest = digest_sha256_string(data, strlen(data));
	struct store_image_create_opts co = {
	        .id = img->id,
	        .names = img->names,
	        .config = LIST_CONFIG,
	        .config_len = strlen(LIST_CONFIG),
	        .manifest = data,
	        .manifest_len = strlen(data),
	        .manifest_digest = digest,
	        .created = img->created ? img->created : (int64_t)time(NULL),
	};
	int r;
	if (replace && (r = store_image_delete(s, img->id, err)) < 0)
		return cpod_error_wrap(err, "saving manifest list");
	if ((r = store_image_create(s, &co, err)) < 0)
		return cpod_error_wrap(err, "saving manifest list");
	return 0;
}

static char *json_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v && *v ? xstrdup(v) : NULL;
}

static char **json_strv(const json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);
	char **v = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		if (json_is_string(x))
			strv_push(&v, json_string_value(x));
	}
	return v;
}

/* The platform of an image config, then the options over it. */
struct platform_owned {
	char *os, *arch, *variant, *os_version;
	char **os_features;
};

static void platform_owned_release(struct platform_owned *p)
{
	free(p->os);
	free(p->arch);
	free(p->variant);
	free(p->os_version);
	strv_free(p->os_features);
}

static void platform_from_json(const json_t *j, struct platform_owned *p)
{
	p->os = json_str(j, "os");
	p->arch = json_str(j, "architecture");
	p->variant = json_str(j, "variant");
	p->os_version = json_str(j, "os.version");
	p->os_features = json_strv(j, "os.features");
}

static int put_entry(json_t *doc, const char *media_type, const char *digest, int64_t size,
                     const struct platform_owned *cfg, const char *local_id,
                     const struct image_manifest_add_opts *o, struct cpod_error **err)
{
	struct manifest_list_platform p = {
	        .os = o->os && *o->os ? o->os : cfg->os,
	        .arch = o->arch && *o->arch ? o->arch : cfg->arch,
	        .variant = o->variant && *o->variant ? o->variant : cfg->variant,
	        .os_version = o->os_version && *o->os_version ? o->os_version : cfg->os_version,
	        .os_features = cfg->os_features,
	        .features = o->features,
	};
	json_t *e = NULL;
	int r = manifest_list_entry(media_type, digest, size, &p, o->annotations, &e, err);
	if (r < 0)
		return r;
	if (local_id)
		json_object_set_new(e, MLIST_LOCAL_KEY, json_string(local_id));
	manifest_list_put(doc, e);
	return 0;
}

/* The manifest a local image is pushed with: the stored one, else an OCI one built here. */
static char *local_manifest(struct store *s, const struct store_image *img, size_t config_len,
                            struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	_cleanup_error_ struct cpod_error *e = NULL;
	_cleanup_(manifest_freep) struct manifest *m = NULL;
	if (store_image_manifest(s, img->id, &data, &len, &e) >= 0 &&
	    manifest_parse(data, len, NULL, &m, &e) >= 0 && m->kind == MANIFEST_KIND_IMAGE)
		return TAKE_PTR(data);
	size_t n = strv_length(img->layers);
	struct manifest_build_desc *d = xnew(struct manifest_build_desc, n + 1);
	struct store_layer **layers = xnew(struct store_layer *, n + 1);
	char *out = NULL;
	size_t i;
	for (i = 0; i < n; i++) {
		if (store_layer_get(s, img->layers[i], &layers[i], err) < 0)
			break;
		bool raw = strcmp(layers[i]->compressed_digest, layers[i]->diff_id) == 0;
		d[i] = (struct manifest_build_desc){.media_type = raw ? MEDIA_TYPE_OCI_LAYER
		                                                      : MEDIA_TYPE_OCI_LAYER_GZIP,
		                                    .digest = layers[i]->compressed_digest,
		                                    .size = layers[i]->compressed_size};
	}
	if (i == n) {
		_cleanup_free_ char *cd = xasprintf("sha256:%s", img->id);
		struct manifest_build_desc config = {.media_type = MEDIA_TYPE_OCI_CONFIG,
		                                     .digest = cd,
		                                     .size = (int64_t)config_len};
		out = manifest_build_image(MEDIA_TYPE_OCI_MANIFEST, &config, d, n, NULL);
	}
	for (size_t j = 0; j < i; j++)
		store_layer_free(layers[j]);
	free(layers);
	free(d);
	return out;
}

static int add_local(struct store *s, json_t *doc, const struct store_image *img,
                     const struct image_manifest_add_opts *o, struct cpod_error **err)
{
	_cleanup_free_ char *config = NULL;
	size_t config_len = 0;
	int r = store_image_config(s, img->id, &config, &config_len, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *m = local_manifest(s, img, config_len, err);
	if (!m)
		return -EINVAL;
	_cleanup_(manifest_freep) struct manifest *pm = NULL;
	if ((r = manifest_parse(m, strlen(m), NULL, &pm, err)) < 0)
		return r;
	_cleanup_free_ char *digest = digest_sha256_string(m, strlen(m));
	_cleanup_json_ json_t *cj = json_loadb(config, config_len, 0, NULL);
	_cleanup_(platform_owned_release) struct platform_owned p = {0};
	platform_from_json(cj, &p);
	return put_entry(doc, pm->media_type, digest, (int64_t)strlen(m), &p, img->id, o, err);
}

static int add_remote_image(json_t *doc, struct registry_client *c, const char *repo,
                            const struct manifest *pm, const struct registry_manifest *m,
                            const struct image_manifest_add_opts *o, struct cpod_error **err)
{
	_cleanup_free_ char *config = NULL;
	size_t config_len = 0;
	int r = registry_get_blob_mem(c, repo, pm->config.digest, MANIFEST_MAX, &config,
	                              &config_len, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cj = json_loadb(config, config_len, 0, NULL);
	_cleanup_(platform_owned_release) struct platform_owned p = {0};
	platform_from_json(cj, &p);
	return put_entry(doc, pm->media_type, m->digest, (int64_t)m->len, &p, NULL, o, err);
}

static int add_remote(json_t *doc, const char *ref_s, const struct image_manifest_add_opts *o,
                      struct cpod_error **err)
{
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	_cleanup_free_ char *full = NULL, *host = NULL, *repo = NULL, *tag = NULL, *key = NULL;
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	_cleanup_(registries_conf_freep) struct registries_conf *rc = NULL;
	int r = image_ref_parse(ref_s, &ref, err);
	if (r < 0)
		return r;
	image_ref_with_default_tag(ref);
	full = image_ref_string(ref);
	if ((r = pull_split_ref(full, &host, &repo, &tag, err)) < 0)
		return r;
	const struct registries_conf *conf = o->access.registries;
	if (!conf) {
		if ((r = registries_conf_load(NULL, &rc, err)) < 0)
			return r;
		conf = rc;
	}
	key = xasprintf("%s/%s", host, repo);
	struct registry_manifest m = {0};
	if ((r = image_registry_client(&o->access, conf, host, key, &c, err)) < 0 ||
	    (r = registry_get_manifest(c, repo, tag, &m, err)) < 0)
		return cpod_error_wrap(err, "reading image \"docker://%s\"", full);
	_cleanup_(manifest_freep) struct manifest *pm = NULL;
	if ((r = manifest_parse(m.data, m.len, m.media_type, &pm, err)) < 0)
		goto out;
	if (pm->kind == MANIFEST_KIND_INDEX) {
		size_t sel = 0;
		if (!o->all &&
		    (r = manifest_select_platform(pm, o->os, o->arch, o->variant, &sel, err)) < 0)
			goto out;
		for (size_t i = o->all ? 0 : sel; i < (o->all ? pm->n_manifests : sel + 1); i++) {
			const struct manifest_descriptor *d = &pm->manifests[i];
			struct platform_owned p = {.os = d->platform.os,
			                           .arch = d->platform.arch,
			                           .variant = d->platform.variant};
			r = put_entry(doc, d->media_type, d->digest, d->size, &p, NULL, o, err);
			if (r < 0)
				goto out;
		}
		goto out;
	}
	r = add_remote_image(doc, c, repo, pm, &m, o, err);
out:
	registry_manifest_release(&m);
	return r;
}

static bool has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);
	if (strncmp(s, p, n) != 0)
		return false;
	*rest = s + n;
	return true;
}

static int add_to_doc(struct store *s, json_t *doc, const char *image,
                      const struct image_manifest_add_opts *o, struct cpod_error **err)
{
	const char *rest = NULL;
	if (has_prefix(image, "docker://", &rest))
		return add_remote(doc, rest, o, err);
	bool local_only = has_prefix(image, "containers-storage:", &rest);
	if (!local_only)
		rest = image;
	struct image_lookup_opts lo = {0};
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = image_lookup(s, rest, &lo, &img, NULL, &e);
	if (r == 0)
		return add_local(s, doc, img, o, err);
	if (r != -ENOENT || local_only) {
		*err = TAKE_PTR(e);
		return r;
	}
	return add_remote(doc, rest, o, err);
}

int image_manifest_add(struct store *s, const char *list, const char *image,
                       const struct image_manifest_add_opts *o, char **ret_id,
                       struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	int r = mlist_load(s, list, &img, &doc, err);
	if (r < 0 || (r = add_to_doc(s, doc, image, o, err)) < 0 ||
	    (r = mlist_save(s, img, doc, true, err)) < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(img->id);
	return 0;
}

int image_manifest_create(struct store *s, const char *name, char *const *images, bool amend,
                          const struct image_manifest_add_opts *o, char **ret_id,
                          struct cpod_error **err)
{
	_cleanup_free_ char *full = NULL;
	int r = image_ref_local_name(name, &full, NULL, err);
	if (r < 0)
		return r;
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	bool exists = store_image_lookup(s, full, &img, &e) == 0;
	if (exists && !amend)
		return cpod_error_set(
		        err, EEXIST,
		        "creating image to hold manifest list: image name \"%s\" is "
		        "already associated with image \"%s\": that name is already in "
		        "use",
		        full, img->id);
	if (exists) {
		img = store_image_free(img);
		if ((r = mlist_load(s, full, &img, &doc, err)) < 0)
			return r;
	} else {
		char id[65];
		id_random(id);
		img = xnew(struct store_image, 1);
		img->id = xstrdup(id);
		strv_push(&img->names, full);
		img->created = (int64_t)time(NULL);
		doc = manifest_list_new();
	}
	for (size_t i = 0; images && images[i]; i++) {
		if ((r = add_to_doc(s, doc, images[i], o, err)) < 0)
			return r;
	}
	if ((r = mlist_save(s, img, doc, exists, err)) < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(img->id);
	return 0;
}

int image_manifest_remove(struct store *s, const char *list, const char *digest, char **ret_id,
                          struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	int r = mlist_load(s, list, &img, &doc, err);
	if (r < 0)
		return r;
	if ((r = manifest_list_remove(doc, digest, err)) < 0)
		return cpod_error_wrap(err, "removing from manifest list %s", list);
	if ((r = mlist_save(s, img, doc, true, err)) < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(img->id);
	return 0;
}

int image_manifest_exists(struct store *s, const char *name, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = mlist_load(s, name, &img, &doc, &e);
	if (r == -ENOENT || r == -EINVAL)
		return 0;
	if (r < 0) {
		*err = TAKE_PTR(e);
		return r;
	}
	return 1;
}

int image_manifest_rm(struct store *s, const char *name, char **ret_id, char ***ret_names,
                      struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	int r = mlist_load(s, name, &img, &doc, err);
	if (r < 0 || (r = store_image_delete(s, img->id, err)) < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(img->id);
	if (ret_names)
		*ret_names = TAKE_PTR(img->names);
	return 0;
}

int image_manifest_inspect(struct store *s, const char *name, const struct image_registry_access *a,
                           char **ret, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = mlist_load(s, name, &img, &doc, &e);
	if (r == 0) {
		*ret = manifest_list_render(doc, false, true);
		return 0;
	}
	/* as Podman: a name that is no local list is read from its registry */
	if (r != -ENOENT && r != -EINVAL) {
		*err = TAKE_PTR(e);
		return r;
	}
	return mlist_inspect_remote(name, a, ret, err);
}

/* The digest of the entry image names: a digest itself, else the entry added from it. */
static char *annotate_digest(struct store *s, const json_t *doc, const char *image)
{
	if (strncmp(image, "sha256:", 7) == 0)
		return xstrdup(image);
	struct image_lookup_opts lo = {0};
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	if (image_lookup(s, image, &lo, &img, NULL, NULL) < 0)
		return xstrdup(image);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "manifests"), i, e)
	{
		const char *id = json_string_value(json_object_get(e, MLIST_LOCAL_KEY));
		if (id && strcmp(id, img->id) == 0)
			return xstrdup(json_string_value(json_object_get(e, "digest")));
	}
	return xstrdup(image);
}

int image_manifest_annotate(struct store *s, const char *list, const char *image,
                            const struct image_manifest_add_opts *o, char *const *os_features,
                            char **ret_id, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	int r = mlist_load(s, list, &img, &doc, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *digest = annotate_digest(s, doc, image);
	struct manifest_list_platform p = {
	        .os = o->os,
	        .arch = o->arch,
	        .variant = o->variant,
	        .os_version = o->os_version,
	        .os_features = os_features,
	        .features = o->features,
	};
	if ((r = manifest_list_annotate(doc, digest, &p, o->annotations, err)) < 0 ||
	    (r = mlist_save(s, img, doc, true, err)) < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(img->id);
	return 0;
}
