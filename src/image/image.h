/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_H
#define CPOD_IMAGE_H

/*
 * Local images: lookup by the rules of Podman 4.3's libimage, import, tag/untag, remove,
 * inspect and list. Registries come later: lookup takes the unqualified-search registries
 * from the caller (registries.conf) so that pull can reuse the same candidate list.
 *
 * Errors: ENOENT "NAME: image not known" (Podman's storage.ErrImageUnknown text), EINVAL
 * for bad names, EBUSY for images used by containers, EEXIST never (tags move).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "storage/store.h"
#include "util/error.h"

struct image_lookup_opts {
	char *const *search_registries; /* unqualified-search registries, may be NULL */
};

/*
 * The names tried for a user's string, in libimage's order: for a short name
 * "localhost/NAME" then each search registry, for a qualified one the normalised name,
 * and finally the docker.io normalisation (Docker compatibility). Tags default to
 * "latest". NULL-terminated, strv_free(). -EINVAL when name does not parse.
 */
int image_lookup_candidates(const char *name, char *const *search_registries, char ***ret,
			    struct cpod_error **err);

/*
 * Resolve name to a local image: full or partial ID, "sha256:ID", a digested name, a full
 * name, a short name (via the candidates above, then any name whose repository ends with
 * "/NAME" and has the same tag). *ret is freed with store_image_free(); *ret_resolved
 * (may be NULL) is the name or ID that matched (owned).
 */
int image_lookup(struct store *s, const char *name, const struct image_lookup_opts *opts,
		 struct store_image **ret, char **ret_resolved, struct cpod_error **err);

/* 1 if name resolves, 0 if not, negative on other errors. */
int image_exists(struct store *s, const char *name, const struct image_lookup_opts *opts,
		 struct cpod_error **err);

/* Add names (normalised with image_ref_local_name) to the image that key resolves to. */
int image_tag(struct store *s, const char *key, char *const *names,
	      const struct image_lookup_opts *opts, struct cpod_error **err);
/* Remove the given names, or every name when names is NULL or empty. */
int image_untag(struct store *s, const char *key, char *const *names,
		const struct image_lookup_opts *opts, struct cpod_error **err);

/* ---- remove ---------------------------------------------------------------------------- */

typedef int (*image_remove_container_fn)(void *userdata, const char *container_id,
					 struct cpod_error **err);

struct image_remove_opts {
	bool force;  /* untag multi-named images by ID, remove containers (via the callback) */
	bool all;    /* every image */
	bool ignore; /* unknown images are not errors */
	image_remove_container_fn remove_container; /* with force; NULL: refuse with EBUSY */
	void *userdata;
	const struct image_lookup_opts *lookup;
};

struct image_remove_report {
	char **untagged;           /* "Untagged: X" lines, in order */
	char **deleted;            /* full IDs of deleted images */
	struct cpod_error **errors; /* each failure, in order; n_errors of them */
	size_t n_errors;
};
void image_remove_report_release(struct image_remove_report *r);

/*
 * Remove images as `podman rmi` does (libimage RemoveImages): an image with several names
 * referenced by name is only untagged; by ID it is refused without force. Keeps going after
 * failures; returns 0 if report->n_errors is 0, else the negative code of the first error.
 * Codes: ENOENT unknown image (exit 1), EBUSY in use (exit 2), others (exit 125).
 */
int image_remove(struct store *s, char *const *names, const struct image_remove_opts *opts,
		 struct image_remove_report *report);

/* ---- import ---------------------------------------------------------------------------- */

struct image_import_opts {
	const char *source;    /* path, or "-" for fd */
	int fd;                /* used when source is "-" (stdin) */
	char *const *changes;  /* --change */
	const char *message;   /* --message */
	const char *reference; /* name to give, or NULL for a dangling image */
	const char *os, *arch, *variant;
	FILE *progress;        /* Podman's "Getting image source signatures"... lines, or NULL */
};

/* Import a tarball as a one-layer image; *ret_id is "sha256:<hex>" as Podman prints it. */
int image_import(struct store *s, const struct image_import_opts *opts, char **ret_id,
		 struct cpod_error **err);

/* ---- inspect and list ------------------------------------------------------------------- */

/* The object `podman image inspect` prints for one image; new reference. */
int image_inspect(struct store *s, const struct store_image *img, json_t **ret,
		  struct cpod_error **err);

enum image_sort {
	IMAGE_SORT_CREATED,
	IMAGE_SORT_ID,
	IMAGE_SORT_REPOSITORY,
	IMAGE_SORT_SIZE,
	IMAGE_SORT_TAG,
	_IMAGE_SORT_MAX,
	_IMAGE_SORT_INVALID = -22,
};
enum image_sort image_sort_from_string(const char *s);

struct image_list_opts {
	bool all;
	char *const *filters; /* "key=value": reference, dangling, before, since, label, id */
	enum image_sort sort;
	const struct image_lookup_opts *lookup;
};

/*
 * Rows for `cpod images`: one object per name (Podman's --format fields: ID, Id, ParentId,
 * RepoTags, RepoDigests, Repository, Tag, Created, CreatedAt, Size, SharedSize,
 * VirtualSize, Labels, Containers, ReadOnly, Names, Digest, History, Dangling). New
 * reference to an array.
 */
int image_list(struct store *s, const struct image_list_opts *opts, json_t **ret,
	       struct cpod_error **err);

#endif
