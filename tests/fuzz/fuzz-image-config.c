/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>

#include "image/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_config_info info;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (image_config_parse((const char *)data, size, &info, &err) == 0) {
		(void)image_config_labels(&info);
		image_config_info_release(&info);
	}
	return 0;
}
