/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Choosing an index entry for a platform (c/image v5.23 internal/pkg/platform
 * WantedPlatforms and MatchesPlatform, manifest list ChooseInstance) and building manifests
 * for push (the Go structs' field order: Docker schema 2 puts mediaType, size, digest;
 * OCI puts mediaType, digest, size).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image-internal.h"
#include "manifest.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *manifest_host_variant(void)
{
	const char *arch = image_host_arch();
	if (strcmp(arch, "arm64") == 0)
		return "v8";
	if (strcmp(arch, "arm") == 0)
		return image_host_variant();
	return NULL;
}

static bool eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int manifest_select_platform(const struct manifest *m, const char *os, const char *arch,
                             const char *variant, size_t *ret_index, struct cpod_error **err)
{
	const char *wanted[8];
	size_t n_wanted = 0;

	if (m->kind != MANIFEST_KIND_INDEX)
		return cpod_error_set(err, EINVAL, "choosing an image: not a manifest list");
	if (!os)
		os = "linux";
	if (!arch) {
		arch = image_host_arch();
		if (!variant)
			variant = manifest_host_variant();
	}
	if (variant && *variant) {
		wanted[n_wanted++] = variant;
		/* arm: a v7 host runs v6 and v5 images too */
		if (strcmp(arch, "arm") == 0) {
			static const char *const arm[] = {"v7", "v6", "v5"};
			bool below = false;
			for (size_t i = 0; i < 3; i++) {
				if (below)
					wanted[n_wanted++] = arm[i];
				if (strcmp(arm[i], variant) == 0)
					below = true;
			}
		}
	}
	wanted[n_wanted++] = "";

	for (size_t w = 0; w < n_wanted; w++)
		for (size_t i = 0; i < m->n_manifests; i++) {
			const struct manifest_platform *p = &m->manifests[i].platform;
			if (!m->manifests[i].has_platform || !eq(p->os, os) || !eq(p->arch, arch))
				continue;
			if (eq(p->variant, wanted[w])) {
				*ret_index = i;
				return 0;
			}
		}
	/* no variant asked for: take the first entry of the architecture */
	if (!variant || !*variant)
		for (size_t i = 0; i < m->n_manifests; i++) {
			const struct manifest_platform *p = &m->manifests[i].platform;
			if (m->manifests[i].has_platform && eq(p->os, os) && eq(p->arch, arch)) {
				*ret_index = i;
				return 0;
			}
		}
	return cpod_error_set(
	        err, ENOENT,
	        "no image found in manifest list for architecture %s, variant \"%s\", "
	        "OS %s",
	        arch, variant ? variant : "", os);
}

static json_t *desc_json(const struct manifest_build_desc *d, bool docker)
{
	json_t *o = json_object();
	json_object_set_new(o, "mediaType", json_string(d->media_type));
	if (docker)
		json_object_set_new(o, "size", json_integer(d->size));
	json_object_set_new(o, "digest", json_string(d->digest));
	if (!docker)
		json_object_set_new(o, "size", json_integer(d->size));
	if (d->arch || d->os) {
		json_t *p = json_object();
		json_object_set_new(p, "architecture", json_string(d->arch ? d->arch : ""));
		json_object_set_new(p, "os", json_string(d->os ? d->os : ""));
		if (d->variant && *d->variant)
			json_object_set_new(p, "variant", json_string(d->variant));
		json_object_set_new(o, "platform", p);
	}
	return o;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out = xstrdup(s);
	free(s);
	return out;
}

char *manifest_build_image(const char *media_type, const struct manifest_build_desc *config,
                           const struct manifest_build_desc *layers, size_t n_layers,
                           json_t *annotations)
{
	bool docker;

	if (strcmp(media_type, MEDIA_TYPE_DOCKER_MANIFEST) == 0)
		docker = true;
	else if (strcmp(media_type, MEDIA_TYPE_OCI_MANIFEST) == 0)
		docker = false;
	else
		return NULL;
	_cleanup_json_ json_t *root = json_object();
	json_t *arr = json_array();
	json_object_set_new(root, "schemaVersion", json_integer(2));
	json_object_set_new(root, "mediaType", json_string(media_type));
	json_object_set_new(root, "config", desc_json(config, docker));
	for (size_t i = 0; i < n_layers; i++)
		json_array_append_new(arr, desc_json(&layers[i], docker));
	json_object_set_new(root, "layers", arr);
	if (!docker && annotations && json_object_size(annotations) > 0)
		json_object_set(root, "annotations", annotations);
	return dump(root);
}

char *manifest_build_index(const char *media_type, const struct manifest_build_desc *manifests,
                           size_t n)
{
	bool docker;

	if (strcmp(media_type, MEDIA_TYPE_DOCKER_LIST) == 0)
		docker = true;
	else if (strcmp(media_type, MEDIA_TYPE_OCI_INDEX) == 0)
		docker = false;
	else
		return NULL;
	_cleanup_json_ json_t *root = json_object();
	json_t *arr = json_array();
	json_object_set_new(root, "schemaVersion", json_integer(2));
	json_object_set_new(root, "mediaType", json_string(media_type));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, desc_json(&manifests[i], docker));
	json_object_set_new(root, "manifests", arr);
	return dump(root);
}
