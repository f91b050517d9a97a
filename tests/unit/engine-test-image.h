/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TEST_ENGINE_IMAGE_H
#define CPOD_TEST_ENGINE_IMAGE_H

/*
 * Shared by test-engine-state.c and test-engine-network.c: a one-layer image made from a
 * rootfs tarball, as a pull would leave it in the store.
 */
#include <fcntl.h>
#include <string.h>

#include "storage/store.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/xalloc.h"

/*
 * Import tar into s as an amd64/linux image called name, whose image config's "config" object
 * is config (JSON text). 0 or negative with *err set.
 */
static inline int engine_test_import_image(struct store *s, const char *tar, const char *name,
                                           const char *config, struct cpod_error **err)
{
	_cleanup_close_ int fd = open(tar, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open %s", tar);
	struct store_layer_create_opts lo = {.fd = fd};
	_cleanup_(store_layer_freep) struct store_layer *l = NULL;
	int r = store_layer_create(s, &lo, &l, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *json = xasprintf(
	        "{\"architecture\":\"amd64\",\"config\":%s,\"os\":\"linux\",\"rootfs\":{\"type\":"
	        "\"layers\",\"diff_ids\":[\"%s\"]}}",
	        config, l->diff_id);
	char hex[65];
	digest_sha256_hex(json, strlen(json), hex);
	char *names[] = {(char *)name, NULL};
	struct store_image_create_opts io = {.id = hex,
	                                     .top_layer = l->id,
	                                     .names = names,
	                                     .config = json,
	                                     .config_len = strlen(json)};
	return store_image_create(s, &io, err);
}

#endif
