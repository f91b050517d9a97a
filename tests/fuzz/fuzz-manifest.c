/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>

#include "image/manifest.h"
#include "util/error.h"

/* The first byte picks the media type the registry claimed; the rest is the document. */
static const char *const types[] = {
        NULL,
        MEDIA_TYPE_OCI_MANIFEST,
        MEDIA_TYPE_OCI_INDEX,
        MEDIA_TYPE_DOCKER_MANIFEST,
        MEDIA_TYPE_DOCKER_LIST,
        MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
        "text/plain",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	size_t idx;

	if (size < 1)
		return 0;
	const char *mt = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	(void)manifest_guess_media_type((const char *)data + 1, size - 1);
	if (manifest_parse((const char *)data + 1, size - 1, mt, &m, &err) == 0) {
		if (m->kind == MANIFEST_KIND_INDEX) {
			struct cpod_error *e2 = NULL;
			(void)manifest_select_platform(m, NULL, NULL, NULL, &idx, &e2);
			cpod_error_free(e2);
			e2 = NULL;
			(void)manifest_select_platform(m, "linux", "arm", "v7", &idx, &e2);
			cpod_error_free(e2);
		}
		manifest_free(m);
	}
	return 0;
}
