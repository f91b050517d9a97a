/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_MANIFEST_LIST_H
#define CPOD_IMAGE_MANIFEST_LIST_H

/*
 * Local manifest lists, as `podman manifest` (buildah's manifests package) keeps them: an
 * image record in the store, with a random ID, no layers, and the list document as its
 * manifest. cpod stores the list as an OCI index (so annotations survive) and renders it as a
 * Docker manifest list v2 (Podman's default for inspect and push) or as an OCI index.
 *
 * The pure part (manifest_list_*) edits a jansson document and is what the unit tests cover;
 * the image_manifest_* operations read and write the store and registries.
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "pull.h"

struct cpod_error;
struct store;

/* ---- the document ---------------------------------------------------------------------- */

struct manifest_list_platform {
	const char *os, *arch, *variant, *os_version; /* NULL: absent */
	char *const *os_features;                     /* strv or NULL */
	char *const *features;                        /* strv or NULL (Docker lists only) */
};

/* An empty list (an OCI index without entries); owned reference. */
json_t *manifest_list_new(void);

/*
 * Parse a stored or fetched list (OCI index or Docker list, checked with manifest_parse)
 * into an editable document; -EINVAL "... is not a manifest list" for an image manifest.
 */
int manifest_list_parse(const char *data, size_t len, json_t **ret, struct cpod_error **err);

/*
 * A new entry. annotations: "KEY=VALUE" strv or NULL (-EINVAL for an entry without "=").
 * Owned reference in *ret.
 */
int manifest_list_entry(const char *media_type, const char *digest, int64_t size,
                        const struct manifest_list_platform *p, char *const *annotations,
                        json_t **ret, struct cpod_error **err);

/* Add entry (a reference is stolen), replacing an entry of the same digest in its place. */
void manifest_list_put(json_t *list, json_t *entry);

/* The entry with digest, borrowed, or NULL. */
json_t *manifest_list_find(const json_t *list, const char *digest);

/*
 * Remove the entry with digest: -ENOENT "no instance matching digest \"D\" found in manifest
 * list: file does not exist" (Podman's words) when there is none.
 */
int manifest_list_remove(json_t *list, const char *digest, struct cpod_error **err);

/*
 * `manifest annotate`: set the given platform fields (NULL ones are kept) and merge the
 * "KEY=VALUE" annotations into the entry with digest. -ENOENT (Podman's message) when there
 * is none, -EINVAL for an annotation without "=".
 */
int manifest_list_annotate(json_t *list, const char *digest, const struct manifest_list_platform *p,
                           char *const *annotations, struct cpod_error **err);

/*
 * The list as a Docker manifest list v2 (oci false: features kept, annotations after the
 * platform as Podman 4.3 prints them) or an OCI index. pretty: Podman's 4-space indentation, with
 * "manifests": null for an empty list as Go prints a nil slice. Owned string.
 */
char *manifest_list_render(const json_t *list, bool oci, bool pretty);

/* ---- the store and registries ------------------------------------------------------------ */

struct image_manifest_add_opts {
	struct image_registry_access access;
	bool all; /* a list as source: add every entry, else the one for the platform */
	const char *os, *arch, *variant, *os_version;
	char *const *features;
	char *const *annotations; /* "KEY=VALUE" */
};

/*
 * `manifest create NAME [IMAGE...]`: a new list named name (normalized as a local name),
 * with each image added. -EEXIST when the name is taken, with amend false (Podman's
 * message); with amend an existing list of that name is reused. *ret_id: the list's ID.
 */
int image_manifest_create(struct store *s, const char *name, char *const *images, bool amend,
                          const struct image_manifest_add_opts *o, char **ret_id,
                          struct cpod_error **err);

/*
 * `manifest add LIST IMAGE`: image is "containers-storage:NAME", "docker://REF", or a name
 * looked up locally first and then in its registry. Records the manifest's digest, size,
 * media type and the platform (the config's, overridden by o). *ret_id: the list's ID.
 */
int image_manifest_add(struct store *s, const char *list, const char *image,
                       const struct image_manifest_add_opts *o, char **ret_id,
                       struct cpod_error **err);

/*
 * `manifest annotate LIST IMAGE`: image is an entry's digest, or a local image whose manifest
 * digest is in the list. Only the fields o gives change. *ret_id: the list's ID.
 */
int image_manifest_annotate(struct store *s, const char *list, const char *image,
                            const struct image_manifest_add_opts *o, char *const *os_features,
                            char **ret_id, struct cpod_error **err);

/* `manifest remove LIST DIGEST`; *ret_id: the list's ID. */
int image_manifest_remove(struct store *s, const char *list, const char *digest, char **ret_id,
                          struct cpod_error **err);

/*
 * `manifest inspect NAME`: a local list rendered as Podman prints it, else (no local list of
 * that name) the manifest in the registry, indented. Owned string in *ret.
 */
int image_manifest_inspect(struct store *s, const char *name, const struct image_registry_access *a,
                           char **ret, struct cpod_error **err);

/* Whether name is a local manifest list: 1, 0 or negative. */
int image_manifest_exists(struct store *s, const char *name, struct cpod_error **err);

/* `manifest rm LIST`: delete the list record (never the images). ret_id/ret_names owned. */
int image_manifest_rm(struct store *s, const char *name, char **ret_id, char ***ret_names,
                      struct cpod_error **err);

struct image_manifest_push_opts {
	struct image_push_opts push; /* access, digestfile, progress; format V2S2 or OCI */
	bool all;                    /* push the local images of the list first */
	bool rm;                     /* remove the list after a successful push */
};

/* `manifest push LIST DEST`. *ret_digest (may be NULL): the list's digest in the registry. */
int image_manifest_push(struct store *s, const char *list, const char *dest,
                        const struct image_manifest_push_opts *o, char **ret_digest,
                        struct cpod_error **err);

#endif
