/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container.h"
#include "util/xalloc.h"

/*
 * Input: one flag byte (bit 0: --rm) then the --restart value. An accepted value must give
 * one of Podman's policies, retries only with on-failure, and parse again to the same result.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	bool rm = data[0] & 1;
	_cleanup_free_ char *spec = xstrndup((const char *)data + 1, size - 1);
	_cleanup_free_ char *policy = NULL;
	uint64_t retries = 0;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (container_restart_policy_parse(spec, rm, &policy, &retries, &err) < 0) {
		if (!err || !err->msg || policy)
			abort();
		return 0;
	}
	if (strcmp(policy, "") != 0 && strcmp(policy, "no") != 0 && strcmp(policy, "always") != 0 &&
	    strcmp(policy, "on-failure") != 0 && strcmp(policy, "unless-stopped") != 0)
		abort();
	if (retries > 0 && strcmp(policy, "on-failure") != 0)
		abort();
	_cleanup_free_ char *again =
	        retries ? xasprintf("%s:%llu", policy, (unsigned long long)retries)
	                : xstrdup(policy);
	_cleanup_free_ char *p2 = NULL;
	uint64_t r2 = 0;
	if (container_restart_policy_parse(again, false, &p2, &r2, NULL) < 0 ||
	    strcmp(p2, policy) != 0 || r2 != retries)
		abort();
	return 0;
}
