/* SPDX-License-Identifier: Apache-2.0 */
/* The archive parsers on untrusted bytes: manifest.json, index.json and an image manifest. */
#include <stdint.h>
#include <stdlib.h>

#include "image/image-archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct archive_docker_item *items = NULL;
	struct archive_descriptor *d = NULL, cfg = {0};
	size_t n = 0;

	{
		_cleanup_error_ struct cpod_error *err = NULL;
		if (archive_docker_manifest_parse(s, size, &items, &n, &err) == 0)
			archive_docker_items_free(items, n);
	}
	{
		_cleanup_error_ struct cpod_error *err = NULL;
		if (archive_oci_index_parse(s, size, &d, &n, &err) == 0)
			archive_descriptors_free(d, n);
	}
	{
		_cleanup_error_ struct cpod_error *err = NULL;
		if (archive_oci_manifest_parse(s, size, &cfg, &d, &n, &err) == 0) {
			archive_descriptors_free(d, n);
			free(cfg.digest);
			free(cfg.media_type);
			free(cfg.ref_name);
		}
	}
	return 0;
}
