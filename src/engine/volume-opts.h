/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_VOLUME_OPTS_H
#define CPOD_VOLUME_OPTS_H

/*
 * The parsers of the mount flags of create/run, as Podman 4.3 reads them
 * (pkg/specgenutil/volumes.go, containers/common pkg/parse ValidateVolumeOpts, pkg/util
 * ProcessOptions): -v/--volume SRC:DST:OPTS, --mount type=...,... and --tmpfs DST:OPTS.
 * They only parse: nothing is created, and only volume_process_options() looks at the host
 * (statfs of a bind source, as Podman does, which is also where a missing source is refused).
 * All errors are EINVAL with Podman's messages unless said otherwise.
 */
#include <stdbool.h>

#include "util/error.h"

enum mount_type {
	MOUNT_BIND,
	MOUNT_VOLUME, /* named, or anonymous when source is NULL */
	MOUNT_TMPFS,
	MOUNT_IMAGE,
	MOUNT_DEVPTS,
	MOUNT_OVERLAY, /* -v HOSTDIR:DST:O */
	_MOUNT_TYPE_MAX,
	_MOUNT_TYPE_INVALID = -22,
};
/* "bind", "volume", "tmpfs", "image", "devpts", "overlay" */
const char *mount_type_to_string(enum mount_type t);
enum mount_type mount_type_from_string(const char *s);

struct mount_spec {
	enum mount_type type;
	char *source;      /* host path, volume name (NULL: anonymous), image; NULL for tmpfs */
	char *destination; /* absolute, cleaned */
	char **options;    /* validated options as given ("ro", "z", "U", "size=1m", ...) */
};
void mount_spec_release(struct mount_spec *m);

/* ValidateVolumeOpts: check opts (each at most once per group); *ret: owned copy. */
int volume_opts_validate(char *const *opts, char ***ret, struct cpod_error **err);

/* -v [SRC:]DST[:OPTS]: SRC "/..." or "./..." is a bind (made absolute), else a volume name. */
int volume_parse_volume_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err);

/* --mount type=bind|volume|tmpfs|image|devpts,src=,dst=,ro,... */
int volume_parse_mount_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err);

/* --tmpfs DST[:OPTS] */
int volume_parse_tmpfs_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err);

/* --volumes-from CTR[:ro|rw|z...]: *ret_ctr owned; *ret_rw -1 (keep), 0 (ro), 1 (rw). */
int volume_parse_volumes_from(const char *arg, char **ret_ctr, int *ret_rw,
                              struct cpod_error **err);

/*
 * ProcessOptions: the final option list of a mount as Podman records it (HostConfig.Binds):
 * the given options, then "rw" unless ro/rw was given, "rprivate" unless a propagation was,
 * then noexec/nosuid/nodev as the source's file system has them (source NULL: nosuid and
 * nodev, Podman's defaults for volumes and tmpfs), "tmpcopyup" for tmpfs unless
 * notmpcopyup, and "rbind" for the others unless bind was given. Errors: ENOENT etc.
 * "statfs SRC: no such file or directory" when source cannot be stat'ed; EINVAL
 * `unknown mount option "x": invalid mount option`.
 */
int volume_process_options(char *const *opts, bool tmpfs, const char *source, char ***ret,
                           struct cpod_error **err);

/*
 * The options of the OCI spec mount: processed ones without z, Z, U, O, copy, nocopy,
 * upperdir= and workdir=. "idmap" and "idmap=uids=...;gids=..." stay: the runtime makes the
 * idmapped mount (Podman passes them through the same way).
 */
char **volume_spec_options(char *const *processed);

/* The mount's propagation ("rprivate" when none), whether it is read-write, and the label mode. */
const char *volume_opts_propagation(char *const *opts);
bool volume_opts_rw(char *const *opts);
const char *volume_opts_mode(char *const *opts); /* "z", "Z" or "" */

/* filepath.Clean for absolute paths (owned). */
char *volume_path_clean(const char *path);

#endif
