/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/reference.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	_cleanup_free_ char *s = xstrndup((const char *)data, size);
	_cleanup_error_ struct cpod_error *err = NULL, *err2 = NULL, *err3 = NULL;
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	_cleanup_free_ char *local = NULL;

	(void)image_ref_validate(s, &err);
	(void)image_ref_is_short_name(s);
	if (image_ref_parse(s, &ref, &err2) == 0) {
		_cleanup_free_ char *full = image_ref_string(ref);
		_cleanup_free_ char *fam = image_ref_familiar(ref);
		_cleanup_(image_ref_freep) struct image_ref *again = NULL;
		_cleanup_error_ struct cpod_error *e = NULL;
		/* a normalised reference must parse back to itself */
		if (image_ref_parse(full, &again, &e) < 0)
			abort();
		_cleanup_free_ char *full2 = image_ref_string(again);
		if (strcmp(full, full2) != 0)
			abort();
		if (!fam || !*fam)
			abort();
	}
	(void)image_ref_local_name(s, &local, NULL, &err3);
	return 0;
}
