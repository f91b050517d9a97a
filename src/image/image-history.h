/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_HISTORY_H
#define CPOD_IMAGE_HISTORY_H

/*
 * `image history`, `image tree` and `image prune` over the local store, following
 * libimage (Podman 4.3): History walks the config's history from the newest entry and the
 * layers from the top, Tree shows the layer chain (or what builds on an image), Prune
 * removes dangling images (untagged, without child images) or, with all, every image no
 * container uses, repeating until nothing more can go.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "storage/store.h"
#include "util/error.h"

struct image_history_entry {
	char *id; /* image ID (full hex) or "<missing>" */
	bool has_created;
	struct timespec created;
	char *created_by; /* "" when absent */
	char *comment;    /* "" when absent */
	int64_t size;     /* uncompressed size of the entry's layer, 0 for empty layers */
	char **tags;      /* names of the image with that ID (NULL-terminated; may be empty) */
};
void image_history_free(struct image_history_entry *h, size_t n);

/* History entries, newest first. Free with image_history_free(). */
int image_history(struct store *s, const struct store_image *img, struct image_history_entry **ret,
                  size_t *ret_n, struct cpod_error **err);

/*
 * The layer tree of img as nested JSON nodes {"id", "size", "tags": [...], "children": [...]}
 * starting at the image's top layer: with whatrequires the children are the layers built on
 * it, otherwise the one child of each node is its parent layer. *ret is NULL for an image
 * without layers. New reference.
 */
int image_tree(struct store *s, const struct store_image *img, bool whatrequires, json_t **ret,
               struct cpod_error **err);

struct image_prune_opts {
	bool all;
	char *const *filters; /* "label=K[=V]", "label!=K[=V]", "dangling=true|false" */
};

/* Remove images as `podman image prune` does; *ret_deleted gets their full IDs (strv). */
int image_prune(struct store *s, const struct image_prune_opts *opts, char ***ret_deleted,
                struct cpod_error **err);

#endif
