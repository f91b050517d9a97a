/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_MANIFEST_H
#define CPOD_IMAGE_MANIFEST_H

/*
 * Image manifests and manifest lists: Docker schema 2 (manifest, manifest list) and OCI
 * (image manifest, image index), parsed defensively from untrusted registry data, and built
 * for push.
 *
 * Parsing checks: at most MANIFEST_MAX bytes, a JSON object without duplicate keys,
 * schemaVersion 2, a mediaType field (when present) that agrees with the type the document
 * is read as, and every descriptor with a string mediaType, a valid digest
 * ("sha256:" + 64 hex, "sha512:" + 128 hex) and a non-negative size. Docker schema 1 is
 * refused with -ENOTSUP. Errors are -EINVAL ("parsing manifest: ..."), -EFBIG, -ENOTSUP.
 *
 * Platform selection follows c/image v5.23's platform matcher: linux and the host's GOARCH;
 * the variant the host has (arm64: "v8"; arm: v7 then v6, v5), then entries without a
 * variant; amd64 and others want no variant but take any when no entry lacks one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/cleanup.h"

struct cpod_error;

#define MANIFEST_MAX (4u * 1024 * 1024)

#define MEDIA_TYPE_OCI_MANIFEST          "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_INDEX             "application/vnd.oci.image.index.v1+json"
#define MEDIA_TYPE_OCI_CONFIG            "application/vnd.oci.image.config.v1+json"
#define MEDIA_TYPE_OCI_LAYER             "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_TYPE_OCI_LAYER_GZIP        "application/vnd.oci.image.layer.v1.tar+gzip"
#define MEDIA_TYPE_OCI_LAYER_ZSTD        "application/vnd.oci.image.layer.v1.tar+zstd"
#define MEDIA_TYPE_DOCKER_MANIFEST       "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_LIST           "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_TYPE_DOCKER_CONFIG         "application/vnd.docker.container.image.v1+json"
#define MEDIA_TYPE_DOCKER_LAYER_GZIP     "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MEDIA_TYPE_DOCKER_LAYER_FOREIGN  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define MEDIA_TYPE_DOCKER_SCHEMA1        "application/vnd.docker.distribution.manifest.v1+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

struct manifest_platform {
	char *os;
	char *arch;
	char *variant; /* NULL when absent */
};

struct manifest_descriptor {
	char *media_type;
	char *digest;
	int64_t size;
	char **urls;                       /* NULL when absent */
	struct manifest_platform platform; /* index entries only; fields NULL when absent */
	bool has_platform;
};

enum manifest_kind {
	MANIFEST_KIND_IMAGE,
	MANIFEST_KIND_INDEX,
};

struct manifest {
	enum manifest_kind kind;
	char *media_type;                   /* the type it was parsed as */
	struct manifest_descriptor config;  /* image */
	struct manifest_descriptor *layers; /* image */
	size_t n_layers;
	struct manifest_descriptor *manifests; /* index */
	size_t n_manifests;
	json_t *annotations; /* object or NULL; owned reference */
};

/* The type of a manifest from its content (c/image GuessMIMEType), or NULL. Static. */
const char *manifest_guess_media_type(const char *data, size_t len);

/* True for the six manifest and list types listed above (schema 1 included). */
bool manifest_media_type_known(const char *media_type);
bool manifest_media_type_is_index(const char *media_type);

/*
 * Parse a manifest or index. media_type is the registry's Content-Type or NULL (then
 * guessed from the content). *ret is freed with manifest_free().
 */
int manifest_parse(const char *data, size_t len, const char *media_type, struct manifest **ret,
                   struct cpod_error **err);

struct manifest *manifest_free(struct manifest *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct manifest *, manifest_free)

/*
 * Choose the entry of an index for a platform (fields may be NULL: the host's "linux",
 * GOARCH and variant). *ret_index is the position in m->manifests. -ENOENT with
 * "no image found in manifest list for architecture ARCH, variant \"V\", OS OS" when none
 * matches; -EINVAL when m is not an index.
 */
int manifest_select_platform(const struct manifest *m, const char *os, const char *arch,
                             const char *variant, size_t *ret_index, struct cpod_error **err);

/* The host's variant as c/image wants it: "v8" on arm64, the CPU's on arm, else NULL. */
const char *manifest_host_variant(void);

/* A descriptor to build from (borrowed strings). */
struct manifest_build_desc {
	const char *media_type;
	const char *digest;
	int64_t size;
	const char *os, *arch, *variant; /* index entries only; NULL: no platform */
};

/*
 * Build a manifest of media_type (MEDIA_TYPE_OCI_MANIFEST or MEDIA_TYPE_DOCKER_MANIFEST),
 * compact JSON in the field order Go's structs give. annotations may be NULL (OCI only).
 * Owned string; NULL for another media type.
 */
char *manifest_build_image(const char *media_type, const struct manifest_build_desc *config,
                           const struct manifest_build_desc *layers, size_t n_layers,
                           json_t *annotations);

/* Build an OCI index or a Docker manifest list. Owned; NULL for another media type. */
char *manifest_build_index(const char *media_type, const struct manifest_build_desc *manifests,
                           size_t n);

#endif
