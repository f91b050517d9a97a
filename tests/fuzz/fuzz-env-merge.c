/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec.h"
#include "util/strv.h"
#include "util/xalloc.h"

/*
 * Input: an --env-merge value. Its expansion against a small environment must succeed with a
 * string no longer than the word plus the values it may reference, or fail with a message;
 * the merge must keep the environment's names and count.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const env[] = {"PATH=/usr/bin:/bin", "A=one", "EMPTY=", NULL};
	if (size > 16384 || memchr(data, '\0', size))
		return 0;
	_cleanup_free_ char *word = xstrndup((const char *)data, size);
	_cleanup_free_ char *out = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (spec_env_process_word(word, env, &out, &err) < 0) {
		if (!err || !err->msg || out)
			abort();
	} else if (!out || strlen(out) > size * 16 + 16) {
		abort();
	}
	cpod_error_free(TAKE_PTR(err));
	_cleanup_strv_free_ char **e = strv_copy(env);
	if (spec_env_merge(&e, word, &err) < 0 && (!err || !err->msg))
		abort();
	if (strv_length(e) != 3 || strncmp(e[0], "PATH=", 5) != 0 || strncmp(e[1], "A=", 2) != 0 ||
	    strncmp(e[2], "EMPTY=", 6) != 0)
		abort();
	return 0;
}
