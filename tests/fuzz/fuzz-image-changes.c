/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/config.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Input: changes separated by newlines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	_cleanup_free_ char *s = xstrndup((const char *)data, size);
	_cleanup_strv_free_ char **changes = strv_split(s, "\n");
	_cleanup_json_ json_t *cfg = json_object();
	_cleanup_error_ struct cpod_error *err = NULL;

	if (image_config_apply_changes(cfg, changes, &err) == 0) {
		struct image_import_config_opts o = {
			.config = cfg,
			.diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000000",
		};
		_cleanup_free_ char *blob = image_config_build_import(&o);
		struct image_config_info info;
		_cleanup_error_ struct cpod_error *e = NULL;
		if (image_config_parse(blob, strlen(blob), &info, &e) < 0)
			abort();
		image_config_info_release(&info);
	}
	return 0;
}
