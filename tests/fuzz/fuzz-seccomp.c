/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the containers seccomp.json -> OCI conversion (a user can pass any file with
 * --security-opt seccomp=PATH). The first byte picks the capability set and architecture
 * so that the includes/excludes filters are exercised both ways.
 */
#include <stddef.h>
#include <stdint.h>

#include "runtime/spec.h"
#include "util/json.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const caps_none[] = {NULL};
	static char *const caps_some[] = {"CAP_SYS_ADMIN", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE",
	                                  NULL};
	static const char *const arches[] = {"amd64", "arm64", "s390x", "ppc64le"};
	struct cpod_error *err = NULL;
	json_t *out = NULL;

	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	char *const *caps = sel & 1 ? caps_some : caps_none;
	const char *arch = arches[(sel >> 1) & 3];
	const char *kernel = sel & 8 ? "4.4.0" : "6.1.0-13-amd64";

	int r = spec_seccomp_convert((const char *)data + 1, size - 1, caps, arch, kernel, &out,
	                             &err);
	if (r < 0 && (!err || !err->msg))
		__builtin_trap();
	if (r == 0 && out) {
		char *s = json_dumps(out, JSON_COMPACT);
		free(s);
	}
	json_decref(out);
	cpod_error_free(err);
	return 0;
}
