/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_MANIFEST_LIST_INTERNAL_H
#define CPOD_IMAGE_MANIFEST_LIST_INTERNAL_H

/* Shared by manifest-list-store.c and manifest-list-push.c. */
#include <stdbool.h>

#include <jansson.h>

#include "manifest-list.h"

struct store_image;

/* The local image ID of an entry added from the store (kept in the stored list only). */
#define MLIST_LOCAL_KEY "cpod.local-image"

/*
 * The list named name: *ret_img (store_image_free()) and its document (json_decref()).
 * -ENOENT "NAME: image not known", -EINVAL "NAME: image is not a manifest list".
 */
int mlist_load(struct store *s, const char *name, struct store_image **ret_img, json_t **ret_doc,
               struct cpod_error **err);

/* Record doc as the list img (replace: delete the old record first). */
int mlist_save(struct store *s, const struct store_image *img, const json_t *doc, bool replace,
               struct cpod_error **err);

/* `manifest inspect` of a reference that is not local: the registry's manifest, indented. */
int mlist_inspect_remote(const char *name, const struct image_registry_access *a, char **ret,
                         struct cpod_error **err);

#endif
