/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_IDMAP_MOUNT_H
#define CPOD_RUNTIME_IDMAP_MOUNT_H

/*
 * Idmapped mounts: the "idmap" option of -v/--mount, which Podman passes unchanged in the
 * OCI mount's options and the runtime turns into mount_setattr(MOUNT_ATTR_IDMAP).
 *
 * crun (crun.1 "idmap mount options") takes any option that starts with "idmap":
 *   idmap                              map the mount with the container's user namespace
 *   idmap=uids=0-1-10#10-11-10;gids=0-100-10
 *                                      a user namespace of its own for the mount: ranges of
 *                                      FSID-HOSTID-SIZE, several joined with '#'; a range
 *                                      starting with '@' is relative to the container's
 *                                      mappings
 * runc before 1.2 ignores the option silently. cpod checks what it can before the runtime
 * runs, so that the user gets one line naming the cause instead of a half-applied mount.
 */
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/error.h"

struct oci_runtime;

/* Most ranges accepted in one uids= or gids= list (the kernel's limit is 340). */
#define IDMAP_MOUNT_MAX_RANGES 340

struct idmap_mount_option {
	bool custom;   /* a mapping follows '=': the mount gets a user namespace of its own */
	bool relative; /* some range starts with '@' (needs the container's mappings) */
	size_t n_uids; /* ranges in uids= */
	size_t n_gids; /* ranges in gids= */
};

/* Whether opt is an idmap option ("idmap", "idmap=...", and what crun also takes: "idmap*"). */
bool idmap_mount_is_option(const char *opt);

/*
 * Parse one idmap option (untrusted, any length). "idmap", "idmap=" and other "idmap*"
 * options without '=' are the container's mapping (custom false). A custom mapping must
 * have both uids= and gids= (the kernel refuses a mount user namespace missing one), each
 * at most once, with ranges of decimal ids that fit in 32 bits and a non-zero size.
 * Errors: EINVAL "invalid idmap option \"OPT\": CAUSE"; *ret untouched then.
 */
int idmap_mount_option_parse(const char *opt, struct idmap_mount_option *ret,
                             struct cpod_error **err);

/* The first idmap option of an OCI mount object ("options" array), or NULL (borrowed). */
const char *idmap_mount_find(const json_t *mount);

/*
 * Check the idmapped mounts of a finished OCI spec before rt runs it: a runtime without
 * support (idmap_mount_runtime_supported, asked only when a mount has the option), a plain
 * "idmap" without a user namespace in the spec, a relative mapping without
 * linux.uidMappings/gidMappings, or a malformed option. Returns 0 when the spec has no idmap
 * option. Errors: EINVAL for a malformed option, CPOD_ECANNOT_INVOKE (exit 126, Podman's
 * code when the runtime refuses the mount) for the others, each naming the mount's
 * destination and the fix.
 */
int idmap_mount_check_spec(const json_t *spec, const struct oci_runtime *rt,
                           struct cpod_error **err);

/*
 * Whether the runtime can make idmapped mounts: crun and krun (crun's) can; any other is
 * asked with `RUNTIME features` (runc >= 1.2 lists "idmap" in mountOptions; 1.1 does not).
 * Executes the runtime only in that case. Never fails: unknown means unsupported.
 */
bool idmap_mount_runtime_supported(const struct oci_runtime *rt);

/* Whether a `features` document (untrusted JSON text) lists "idmap" in mountOptions. */
bool idmap_mount_features_support(const char *json_text, size_t len);

#endif
