/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The idmap mount option (untrusted: -v/--mount from the user, or a create request of the
 * REST API): the option parser, and the spec check on a mount that carries it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime/idmap-mount.h"
#include "runtime/oci.h"
#include "util/xalloc.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *opt = xmalloc(size + 6);
	memcpy(opt, "idmap", 5);
	memcpy(opt + 5, data, size);
	opt[size + 5] = '\0';
	struct idmap_mount_option o = {0};
	struct cpod_error *err = NULL;
	int r = idmap_mount_option_parse(opt, &o, &err);
	if (r == 0 && (err || (o.custom && (o.n_uids == 0 || o.n_gids == 0)) ||
	               o.n_uids > IDMAP_MOUNT_MAX_RANGES || o.n_gids > IDMAP_MOUNT_MAX_RANGES))
		abort();
	if (r < 0 && (!err || !err->msg))
		abort();
	cpod_error_free(err);
	err = NULL;
	/* crun needs no exec to be asked; the spec has a user namespace only sometimes */
	struct oci_runtime crun = {.name = (char *)"crun", .path = (char *)"/nonexistent"};
	json_t *spec = json_pack("{s:[{s:s,s:[s]}], s:{s:[{s:s}]}}", "mounts", "destination", "/d",
	                         "options", opt, "linux", "namespaces", "type",
	                         size % 2 ? "user" : "mount");
	if (spec) {
		int c = idmap_mount_check_spec(spec, &crun, &err);
		if (c < 0 && (!err || (r < 0 && c != -EINVAL)))
			abort();
		json_decref(spec);
	}
	cpod_error_free(err);
	free(opt);
	return 0;
}
