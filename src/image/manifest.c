/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Docker schema 2 and OCI manifests and indexes (c/image v5.23 manifest package:
 * GuessMIMEType, OCI1FromManifest, Schema2FromManifest, Schema2ListFromManifest,
 * OCI1IndexFromManifest, validateUnambiguousManifestFormat; internal/pkg/platform for the
 * instance choice).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-internal.h"
#include "manifest.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const known_types[] = {
        MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_INDEX,      MEDIA_TYPE_DOCKER_MANIFEST,
        MEDIA_TYPE_DOCKER_LIST,  MEDIA_TYPE_DOCKER_SCHEMA1, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
};

/* The static copy of a known type, or NULL */
static const char *known(const char *mt)
{
	for (size_t i = 0; mt && i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (strcmp(mt, known_types[i]) == 0)
			return known_types[i];
	return NULL;
}

bool manifest_media_type_known(const char *mt)
{
	return known(mt) != NULL;
}

bool manifest_media_type_is_index(const char *mt)
{
	return mt &&
	       (strcmp(mt, MEDIA_TYPE_OCI_INDEX) == 0 || strcmp(mt, MEDIA_TYPE_DOCKER_LIST) == 0);
}

const char *manifest_guess_media_type(const char *data, size_t len)
{
	_cleanup_json_ json_t *j = NULL;
	const char *mt;

	if (len > MANIFEST_MAX)
		return NULL;
	j = json_loadb(data, len, 0, NULL);
	if (!json_is_object(j))
		return NULL;
	mt = known(json_get_string(j, "mediaType"));
	if (mt)
		return strcmp(mt, MEDIA_TYPE_DOCKER_SCHEMA1) == 0 &&
		                       json_object_get(j, "signatures")
		               ? MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED
		               : mt;
	json_t *sv = json_object_get(j, "schemaVersion");
	if (json_is_integer(sv) && json_integer_value(sv) == 1)
		return json_object_get(j, "signatures") ? MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED
		                                        : MEDIA_TYPE_DOCKER_SCHEMA1;
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return NULL;
	/* OCI without mediaType: a config means an image, manifests an index */
	if (json_object_get(j, "config") && json_object_get(j, "layers"))
		return MEDIA_TYPE_OCI_MANIFEST;
	if (json_object_get(j, "manifests"))
		return MEDIA_TYPE_OCI_INDEX;
	return NULL;
}

static void platform_release(struct manifest_platform *p)
{
	free(p->os);
	free(p->arch);
	free(p->variant);
}

static void desc_release(struct manifest_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	strv_free(d->urls);
	platform_release(&d->platform);
}

struct manifest *manifest_free(struct manifest *m)
{
	if (!m)
		return NULL;
	desc_release(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		desc_release(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->n_manifests; i++)
		desc_release(&m->manifests[i]);
	free(m->manifests);
	json_decref(m->annotations);
	free(m->media_type);
	free(m);
	return NULL;
}

static bool digest_ok(const char *d)
{
	size_t n;
	if (strncmp(d, "sha256:", 7) == 0)
		n = 64, d += 7;
	else if (strncmp(d, "sha512:", 7) == 0)
		n = 128, d += 7;
	else
		return false;
	if (strlen(d) != n)
		return false;
	for (; *d; d++)
		if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
			return false;
	return true;
}

static int opt_string(json_t *o, const char *key, char **ret, const char *what,
                      struct cpod_error **err)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return cpod_error_set(err, EINVAL, "parsing manifest: %s: %s is not a string", what,
		                      key);
	*ret = xstrdup(json_string_value(v));
	return 0;
}

static int parse_desc(json_t *o, bool index_entry, struct manifest_descriptor *d, const char *what,
                      struct cpod_error **err)
{
	int r;

	if (!json_is_object(o))
		return cpod_error_set(err, EINVAL, "parsing manifest: %s is not an object", what);
	if ((r = opt_string(o, "mediaType", &d->media_type, what, err)) < 0 ||
	    (r = opt_string(o, "digest", &d->digest, what, err)) < 0)
		return r;
	if (!d->media_type)
		return cpod_error_set(err, EINVAL, "parsing manifest: %s has no mediaType", what);
	if (!d->digest || !digest_ok(d->digest))
		return cpod_error_set(err, EINVAL, "parsing manifest: %s: invalid digest %s", what,
		                      d->digest ? d->digest : "(none)");
	json_t *size = json_object_get(o, "size");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return cpod_error_set(err, EINVAL, "parsing manifest: %s: invalid size", what);
	d->size = json_integer_value(size);
	json_t *urls = json_object_get(o, "urls"), *u;
	size_t i;
	if (urls && !json_is_null(urls)) {
		if (!json_is_array(urls))
			return cpod_error_set(err, EINVAL,
			                      "parsing manifest: %s: urls is not an array", what);
		d->urls = xnew(char *, 1);
		json_array_foreach(urls, i, u)
		{
			if (!json_is_string(u))
				return cpod_error_set(
				        err, EINVAL,
				        "parsing manifest: %s: urls entry is not a string", what);
			strv_push(&d->urls, json_string_value(u));
		}
	}
	json_t *p = json_object_get(o, "platform");
	if (index_entry && p && !json_is_null(p)) {
		if (!json_is_object(p))
			return cpod_error_set(err, EINVAL,
			                      "parsing manifest: %s: platform is not an object",
			                      what);
		d->has_platform = true;
		if ((r = opt_string(p, "os", &d->platform.os, what, err)) < 0 ||
		    (r = opt_string(p, "architecture", &d->platform.arch, what, err)) < 0 ||
		    (r = opt_string(p, "variant", &d->platform.variant, what, err)) < 0)
			return r;
	}
	return 0;
}

static int parse_list(json_t *arr, bool index_entry, const char *what,
                      struct manifest_descriptor **ret, size_t *ret_n, struct cpod_error **err)
{
	size_t n = json_array_size(arr);
	int r;

	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return cpod_error_set(err, EINVAL, "parsing manifest: %s is not an array", what);
	*ret = xnew(struct manifest_descriptor, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		(*ret_n)++;
		char name[64];
		snprintf(name, sizeof(name), "%s[%zu]", what, i);
		if ((r = parse_desc(json_array_get(arr, i), index_entry, &(*ret)[i], name, err)) <
		    0)
			return r;
	}
	return 0;
}

/* c/image validateUnambiguousManifestFormat */
static int check_unambiguous(json_t *j, const char *mt, struct cpod_error **err)
{
	bool is_index = manifest_media_type_is_index(mt);
	if (is_index && (json_object_get(j, "config") || json_object_get(j, "layers") ||
	                 json_object_get(j, "fsLayers")))
		return cpod_error_set(err, EINVAL,
		                      "parsing manifest: an index must not have config or layers");
	if (!is_index && json_object_get(j, "manifests"))
		return cpod_error_set(
		        err, EINVAL, "parsing manifest: an image manifest must not have manifests");
	return 0;
}

int manifest_parse(const char *data, size_t len, const char *media_type, struct manifest **ret,
                   struct cpod_error **err)
{
	_cleanup_(manifest_freep) struct manifest *m = NULL;
	_cleanup_json_ json_t *j = NULL;
	json_error_t jerr;
	int r;

	if (len > MANIFEST_MAX)
		return cpod_error_set(err, EFBIG, "parsing manifest: larger than %u bytes",
		                      MANIFEST_MAX);
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return cpod_error_set(err, EINVAL, "parsing manifest: %s", jerr.text);
	if (!json_is_object(j))
		return cpod_error_set(err, EINVAL, "parsing manifest: not a JSON object");
	if (!media_type || !manifest_media_type_known(media_type))
		media_type = manifest_guess_media_type(data, len);
	if (!media_type)
		return cpod_error_set(err, EINVAL,
		                      "parsing manifest: unrecognized manifest format");
	if (strcmp(media_type, MEDIA_TYPE_DOCKER_SCHEMA1) == 0 ||
	    strcmp(media_type, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED) == 0)
		return cpod_error_set(
		        err, ENOTSUP,
		        "parsing manifest: Docker schema 1 manifests are not supported");
	json_t *sv = json_object_get(j, "schemaVersion");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return cpod_error_set(err, EINVAL, "parsing manifest: unsupported schemaVersion");
	json_t *mtv = json_object_get(j, "mediaType");
	if (mtv && !json_is_null(mtv) &&
	    (!json_is_string(mtv) || strcmp(json_string_value(mtv), media_type) != 0))
		return cpod_error_set(err, EINVAL,
		                      "parsing manifest: mediaType %s does not match the expected "
		                      "type %s",
		                      json_is_string(mtv) ? json_string_value(mtv)
		                                          : "(not a string)",
		                      media_type);
	/* Docker types always carry their mediaType */
	if ((!mtv || json_is_null(mtv)) && (strcmp(media_type, MEDIA_TYPE_DOCKER_MANIFEST) == 0 ||
	                                    strcmp(media_type, MEDIA_TYPE_DOCKER_LIST) == 0))
		return cpod_error_set(err, EINVAL, "parsing manifest: missing mediaType");
	if ((r = check_unambiguous(j, media_type, err)) < 0)
		return r;

	m = xnew(struct manifest, 1);
	m->media_type = xstrdup(media_type);
	if (manifest_media_type_is_index(media_type)) {
		m->kind = MANIFEST_KIND_INDEX;
		json_t *arr = json_object_get(j, "manifests");
		if (!json_is_array(arr))
			return cpod_error_set(err, EINVAL, "parsing manifest: missing manifests");
		if ((r = parse_list(arr, true, "manifests", &m->manifests, &m->n_manifests, err)) <
		    0)
			return r;
	} else {
		m->kind = MANIFEST_KIND_IMAGE;
		json_t *cfg = json_object_get(j, "config");
		if (!cfg)
			return cpod_error_set(err, EINVAL, "parsing manifest: missing config");
		if ((r = parse_desc(cfg, false, &m->config, "config", err)) < 0)
			return r;
		json_t *layers = json_object_get(j, "layers");
		if (!json_is_array(layers))
			return cpod_error_set(err, EINVAL, "parsing manifest: missing layers");
		if ((r = parse_list(layers, false, "layers", &m->layers, &m->n_layers, err)) < 0)
			return r;
	}
	json_t *ann = json_object_get(j, "annotations");
	if (ann && !json_is_null(ann)) {
		const char *k;
		json_t *v;
		if (!json_is_object(ann))
			return cpod_error_set(err, EINVAL,
			                      "parsing manifest: annotations is not an object");
		json_object_foreach(ann, k, v)
		{
			if (!json_is_string(v))
				return cpod_error_set(
				        err, EINVAL,
				        "parsing manifest: annotation %s is not a string", k);
		}
		m->annotations = json_incref(ann);
	}
	*ret = TAKE_PTR(m);
	return 0;
}
