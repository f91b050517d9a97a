/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest list document: kept as an OCI index with every platform field either format
 * can carry, and rendered in the field order of Go's structs (docker/distribution's
 * ManifestDescriptor and PlatformSpec, the OCI image-spec Descriptor and Platform).
 */
#include <errno.h>
#include <string.h>

#include "manifest-list.h"
#include "manifest.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

json_t *manifest_list_new(void)
{
	return json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", MEDIA_TYPE_OCI_INDEX,
	                 "manifests");
}

int manifest_list_parse(const char *data, size_t len, json_t **ret, struct cpod_error **err)
{
	_cleanup_(manifest_freep) struct manifest *m = NULL;
	int r = manifest_parse(data, len, NULL, &m, err);
	if (r < 0)
		return r;
	if (m->kind != MANIFEST_KIND_INDEX)
		return cpod_error_set(err, EINVAL, "image is not a manifest list");
	json_error_t je;
	_cleanup_json_ json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return cpod_error_set(err, EINVAL, "parsing manifest list: %s", je.text);
	json_t *list = manifest_list_new();
	json_t *entries = json_object_get(list, "manifests");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "manifests"), i, e)
	{
		json_t *copy = json_deep_copy(e);
		json_object_del(copy, "urls");
		json_array_append_new(entries, copy);
	}
	*ret = list;
	return 0;
}

static json_t *strv_to_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int manifest_list_entry(const char *media_type, const char *digest, int64_t size,
                        const struct manifest_list_platform *p, char *const *annotations,
                        json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *ann = NULL;
	for (size_t i = 0; annotations && annotations[i]; i++) {
		const char *eq = strchr(annotations[i], '=');
		if (!eq)
			return cpod_error_set(err, EINVAL, "no value given for annotation \"%s\"",
			                      annotations[i]);
		if (!ann)
			ann = json_object();
		_cleanup_free_ char *key = xstrndup(annotations[i], (size_t)(eq - annotations[i]));
		json_object_set_new(ann, key, json_string(eq + 1));
	}
	json_t *e = json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
	                      (json_int_t)size);
	if (ann)
		json_object_set(e, "annotations", ann);
	json_t *pl = json_object();
	if (p->arch)
		json_object_set_new(pl, "architecture", json_string(p->arch));
	if (p->os)
		json_object_set_new(pl, "os", json_string(p->os));
	if (p->os_version && *p->os_version)
		json_object_set_new(pl, "os.version", json_string(p->os_version));
	if (p->os_features && p->os_features[0])
		json_object_set_new(pl, "os.features", strv_to_json(p->os_features));
	if (p->variant && *p->variant)
		json_object_set_new(pl, "variant", json_string(p->variant));
	if (p->features && p->features[0])
		json_object_set_new(pl, "features", strv_to_json(p->features));
	json_object_set_new(e, "platform", pl);
	*ret = e;
	return 0;
}

static const char *entry_digest(const json_t *e)
{
	return json_string_value(json_object_get(e, "digest"));
}

json_t *manifest_list_find(const json_t *list, const char *digest)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(list, "manifests"), i, e)
	{
		const char *d = entry_digest(e);
		if (d && strcmp(d, digest) == 0)
			return e;
	}
	return NULL;
}

void manifest_list_put(json_t *list, json_t *entry)
{
	json_t *entries = json_object_get(list, "manifests");
	const char *digest = entry_digest(entry);
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		const char *d = entry_digest(e);
		if (d && digest && strcmp(d, digest) == 0) {
			json_array_set_new(entries, i, entry);
			return;
		}
	}
	json_array_append_new(entries, entry);
}

int manifest_list_remove(json_t *list, const char *digest, struct cpod_error **err)
{
	json_t *entries = json_object_get(list, "manifests");
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		const char *d = entry_digest(e);
		if (d && strcmp(d, digest) == 0) {
			json_array_remove(entries, i);
			return 0;
		}
	}
	return cpod_error_set(err, ENOENT,
	                      "no instance matching digest \"%s\" found in manifest list: file "
	                      "does not exist",
	                      digest);
}

static void copy_key(json_t *dst, const json_t *src, const char *key)
{
	json_t *v = json_object_get(src, key);
	if (v)
		json_object_set(dst, key, v);
}

static json_t *render_platform(const json_t *p, bool oci)
{
	json_t *out = json_object();
	copy_key(out, p, "architecture");
	copy_key(out, p, "os");
	copy_key(out, p, "os.version");
	copy_key(out, p, "os.features");
	copy_key(out, p, "variant");
	if (!oci)
		copy_key(out, p, "features");
	return out;
}

static json_t *render_entry(const json_t *e, bool oci)
{
	json_t *out = json_object();
	copy_key(out, e, "mediaType");
	if (oci) {
		copy_key(out, e, "digest");
		copy_key(out, e, "size");
		copy_key(out, e, "annotations");
	} else {
		copy_key(out, e, "size");
		copy_key(out, e, "digest");
	}
	json_t *p = json_object_get(e, "platform");
	if (p)
		json_object_set_new(out, "platform", render_platform(p, oci));
	/* Podman 4.3's Docker lists carry annotations too, after the platform */
	if (!oci)
		copy_key(out, e, "annotations");
	return out;
}

char *manifest_list_render(const json_t *list, bool oci, bool pretty)
{
	_cleanup_json_ json_t *out = json_pack("{s:i, s:s}", "schemaVersion", 2, "mediaType",
	                                       oci ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST);
	json_t *entries = json_object_get(list, "manifests");
	if (json_array_size(entries) == 0) {
		json_object_set_new(out, "manifests", json_null());
	} else {
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(entries, i, e) json_array_append_new(a, render_entry(e, oci));
		json_object_set_new(out, "manifests", a);
	}
	if (pretty)
		return json_dump_pretty(out);
	char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	return s ? s : xstrdup("{}");
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

int manifest_list_annotate(json_t *list, const char *digest, const struct manifest_list_platform *p,
                           char *const *annotations, struct cpod_error **err)
{
	json_t *e = manifest_list_find(list, digest);
	if (!e)
		return cpod_error_set(
		        err, ENOENT,
		        "no Docker manifest matching digest \"%s\" was found in list: no "
		        "image instance matching the specified digest was found in the "
		        "list or index",
		        digest);
	_cleanup_json_ json_t *tmp = NULL;
	int r = manifest_list_entry("", digest, 0, &(struct manifest_list_platform){0}, annotations,
	                            &tmp, err);
	if (r < 0)
		return r;
	json_t *ann = json_object_get(tmp, "annotations");
	if (ann) {
		json_t *have = json_object_get(e, "annotations");
		if (have)
			json_object_update(have, ann);
		else
			json_object_set(e, "annotations", ann);
	}
	json_t *pl = json_object_get(e, "platform");
	if (!pl) {
		pl = json_object();
		json_object_set_new(e, "platform", pl);
	}
	set_str(pl, "architecture", p->arch);
	set_str(pl, "os", p->os);
	set_str(pl, "os.version", p->os_version);
	if (p->os_features && p->os_features[0])
		json_object_set_new(pl, "os.features", strv_to_json(p->os_features));
	set_str(pl, "variant", p->variant);
	if (p->features && p->features[0])
		json_object_set_new(pl, "features", strv_to_json(p->features));
	return 0;
}
