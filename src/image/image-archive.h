/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_IMAGE_ARCHIVE_H
#define CPOD_IMAGE_IMAGE_ARCHIVE_H

/*
 * Image archives, as `podman save` / `podman load` (containers/image 5.23) write and read
 * them:
 *
 *   docker-archive  `docker save` layout: manifest.json [{Config, RepoTags, Layers}],
 *                   <config-hex>.json, <diffid-hex>.tar (UNCOMPRESSED layers, so each file's
 *                   sha256 is its diff ID), legacy <id>/{VERSION,json,layer.tar} and
 *                   `repositories`. Several images may share one archive.
 *   oci-archive     a tar of an OCI image layout (one image)
 *   oci-dir         an OCI image layout directory: oci-layout, index.json (with the
 *                   org.opencontainers.image.ref.name annotation), blobs/sha256/<hex>;
 *                   uncompressed layers are gzipped as containers/image does for OCI.
 *
 * The config blob is written byte for byte as stored, so an image keeps its ID and its diff
 * IDs through save and load. Loading verifies every digest (config, OCI blobs, diff IDs) and
 * leaves no image behind on failure (layers it created are removed again).
 *
 * Errors: ENOENT (unknown image, missing archive member), EINVAL (malformed or hostile
 * archive: bad member names, digest mismatch, bad JSON), EFBIG (a manifest/index/config
 * over IMAGE_CONFIG_MAX), ENOTSUP (unsupported format), others from the system.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"
#include "storage/store.h"
#include "util/error.h"

enum image_archive_format {
	IMAGE_ARCHIVE_DOCKER,     /* "docker-archive" */
	IMAGE_ARCHIVE_OCI,        /* "oci-archive" */
	IMAGE_ARCHIVE_OCI_DIR,    /* "oci-dir" */
	IMAGE_ARCHIVE_DOCKER_DIR, /* "docker-dir": recognised, refused with ENOTSUP */
	_IMAGE_ARCHIVE_MAX,
	_IMAGE_ARCHIVE_INVALID = -22,
};
enum image_archive_format image_archive_format_from_string(const char *s);
const char *image_archive_format_to_string(enum image_archive_format f);

struct image_export_opts {
	FILE *progress; /* "Copying blob ..." lines as Podman prints them, or NULL */
	const struct image_lookup_opts *lookup;
	/*
	 * docker-archive with one image: tags to add to its RepoTags (`podman save IMG TAG...`),
	 * normalised like `tag` does. Ignored for several images.
	 */
	char *const *additional_tags;
};

/*
 * Write the images named in names (NULL-terminated, looked up like `podman save` does) as a
 * docker-archive to fd (a file or a pipe; written sequentially). An image named by name
 * carries that name in RepoTags, one named by ID none. 0 or negative with *err.
 */
int image_export_docker_archive(struct store *s, int fd, char *const *names,
                                const struct image_export_opts *opts, struct cpod_error **err);

/* Write one image as an OCI layout in a tar stream to fd. */
int image_export_oci_archive(struct store *s, int fd, const char *name,
                             const struct image_export_opts *opts, struct cpod_error **err);

/* Write one image into the OCI layout directory dir (created if missing; blobs added). */
int image_export_oci_dir(struct store *s, const char *dir, const char *name,
                         const struct image_export_opts *opts, struct cpod_error **err);

/* ---- save ------------------------------------------------------------------------------ */

struct image_save_opts {
	enum image_archive_format format;
	const char *output; /* path, or NULL for out_fd */
	int out_fd;         /* stdout when output is NULL; the caller refuses terminals */
	bool multi;         /* -m: every argument is an image (docker-archive only) */
	bool compress;      /* --compress (directory formats only) */
	FILE *progress;
	const struct image_lookup_opts *lookup;
};

/*
 * `podman save`: names[0] is the image; without multi the other names are extra tags
 * (docker-archive). Errors as Podman words them ("unsupported format \"oci-archive\" for
 * saving multiple images (only docker-archive)", "--compress can only be set when --format
 * is either 'oci-dir' or 'docker-dir'").
 */
int image_save(struct store *s, char *const *names, const struct image_save_opts *opts,
               struct cpod_error **err);

/* ---- load ------------------------------------------------------------------------------ */

struct image_load_opts {
	const char *input; /* archive file or OCI layout directory; NULL: read in_fd */
	int in_fd;         /* a non-seekable stream is spooled to a temporary file */
	FILE *progress;
};

/*
 * Load every image of a docker-archive, an oci-archive or an OCI layout directory (detected
 * from the content). *ret_names (strv) gets what Podman prints after "Loaded image: ": the
 * names given, or "sha256:<id>" for an untagged image. -EINVAL names the offending member.
 */
int image_load(struct store *s, const struct image_load_opts *opts, char ***ret_names,
               struct cpod_error **err);

/* Load from an already opened directory holding a docker-archive or an OCI layout. */
int image_import_archive_dir(struct store *s, int dirfd, const char *oci_default_name,
                             FILE *progress, char ***ret_names, struct cpod_error **err);

/* ---- parsers (pure; untrusted input) ---------------------------------------------------- */

struct archive_docker_item {
	char *config;     /* member name of the config */
	char **repo_tags; /* NULL-terminated, maybe empty */
	char **layers;    /* member names, base first */
};
void archive_docker_items_free(struct archive_docker_item *items, size_t n);

/* Parse a docker-archive manifest.json. Member names are checked (archive_member_name_ok). */
int archive_docker_manifest_parse(const char *data, size_t len, struct archive_docker_item **ret,
                                  size_t *ret_n, struct cpod_error **err);

struct archive_descriptor {
	char *media_type; /* may be NULL */
	char *digest;     /* validated "sha256:<64 hex>" */
	int64_t size;     /* -1 when absent */
	char *ref_name;   /* org.opencontainers.image.ref.name or NULL */
};
void archive_descriptors_free(struct archive_descriptor *d, size_t n);

/* Parse an OCI index.json: its manifests[]. */
int archive_oci_index_parse(const char *data, size_t len, struct archive_descriptor **ret,
                            size_t *ret_n, struct cpod_error **err);

/* Parse an OCI (or Docker schema 2) image manifest: config descriptor and layers[]. */
int archive_oci_manifest_parse(const char *data, size_t len, struct archive_descriptor *ret_config,
                               struct archive_descriptor **ret_layers, size_t *ret_n,
                               struct cpod_error **err);

/* True for a relative member name without "..", "." or empty components ("./" prefix ok). */
bool archive_member_name_ok(const char *name);

#endif
