/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_VOLUME_INTERNAL_H
#define CPOD_VOLUME_INTERNAL_H

/*
 * Volume internals shared by the engine's files: the volume rows of the state database
 * (volume-db.c), locks and paths (volume.c), the local driver's mounts and copy-up
 * (volume-mount.c), and the container side of mounts (volume-container*.c).
 *
 * Lock order: a container's lock, then a volume's lock; never the other way round
 * (volume_remove -f removes the users before it takes the volume's lock).
 */
#include "engine/container-internal.h"
#include "engine/volume-opts.h"
#include "engine/volume.h"

/* ---- database (volume-db.c) ------------------------------------------------------------ */

/* EEXIST with Podman's message when the name is taken. */
int volume_db_insert(struct state_db *db, const struct volume *v, struct cpod_error **err);
/* Exact name; ENOENT with Podman's message. */
int volume_db_get(struct state_db *db, const char *name, struct volume **ret,
                  struct cpod_error **err);
/* Exact name, then unique prefix; *ret owned. */
int volume_db_resolve(struct state_db *db, const char *key, char **ret, struct cpod_error **err);
/* All volumes sorted by name. */
int volume_db_list(struct state_db *db, struct volume ***ret, size_t *ret_n,
                   struct cpod_error **err);
int volume_db_save_state(struct state_db *db, const struct volume *v, struct cpod_error **err);
int volume_db_delete(struct state_db *db, const char *name, struct cpod_error **err);
/* container_volumes rows. */
int volume_db_link(struct state_db *db, const char *ctr_id, const char *name,
                   struct cpod_error **err);
int volume_db_users(struct state_db *db, const char *name, char ***ret, struct cpod_error **err);
/* Names of every volume some container uses (owned strv). */
int volume_db_used(struct state_db *db, char ***ret, struct cpod_error **err);

/* ---- paths and locks (volume.c) ---------------------------------------------------------- */

char *volume_dir(struct engine *e, const char *name); /* graph_root/volumes/<name>, owned */
/* Take the volume's lock; returns the fd (close to unlock). */
int volume_lock(struct engine *e, const char *name, struct cpod_error **err);
/* Lookup by exact name or prefix, then take the lock and read the record again. */
int volume_get_locked(struct engine *e, const char *key, struct volume **ret, int *ret_fd,
                      struct cpod_error **err);

/* ---- local driver (volume-mount.c) --------------------------------------------------------- */

/* Whether the volume has a file system of its own (-o type/device) to mount on _data. */
bool volume_needs_mount(const struct volume *v);
/* Count one more user, mounting at the first (lock held, state saved). */
int volume_mount_locked(struct engine *e, struct volume *v, struct cpod_error **err);
/* Count one user less, unmounting at zero (lock held, state saved). */
int volume_unmount_locked(struct engine *e, struct volume *v, struct cpod_error **err);
/*
 * First use: copy rootfs/dest (resolved inside rootfs) into the empty volume and give _data
 * the owner and mode of that directory (NeedsCopyUp / NeedsChown); chown to uid:gid when
 * the directory does not exist in the image. copy false: "nocopy" (no copy-up).
 */
int volume_first_use_locked(struct engine *e, struct volume *v, const char *rootfs,
                            const char *dest, bool copy, uid_t uid, gid_t gid,
                            struct cpod_error **err);
/* Recursive lchown of a tree below path (the U option). */
int volume_chown_tree(const char *path, uid_t uid, gid_t gid, struct cpod_error **err);

/* ---- container side (volume-container.c, volume-container-init.c) ---------------------------- */

/*
 * At create: parse the mount flags, add --volumes-from and the image's VOLUMEs, check bind
 * sources, create named and anonymous volumes, and record the mounts in
 * cc->spec_extra["mounts"]. *ret_anon: the anonymous volumes it created (owned strv), to be
 * removed if the creation fails later.
 */
int container_mounts_prepare(struct engine *e, const struct container_create_opts *o,
                             const json_t *img, struct container_config *cc, char ***ret_anon,
                             struct cpod_error **err);
/* Record in the database which volumes the container uses (after its row exists). */
int container_mounts_link(struct engine *e, const struct container_config *cc,
                          struct cpod_error **err);
/*
 * At init: mount the volumes (copy-up, chown, U), the overlay mounts, and return the OCI
 * mounts for the spec (new reference). On failure everything mounted so far is undone.
 */
int container_mounts_setup(struct engine *e, const struct container *c, const char *rootfs,
                           json_t **ret, struct cpod_error **err);
/* At stop/cleanup: unmount what container_mounts_setup mounted. Errors are logged. */
void container_mounts_teardown(struct engine *e, const struct container *c);
/* After the container's removal: remove its anonymous volumes (rm -v, --rm). */
void container_volumes_remove_anonymous(struct engine *e, const struct container *c);
/* inspect: Mounts array; HostConfig Binds and Tmpfs; ps: destinations (new references). */
json_t *container_mounts_inspect(const struct container *c);
json_t *container_mounts_binds(const struct container *c);
json_t *container_mounts_tmpfs(const struct container *c);
json_t *container_mounts_destinations(const struct container *c);

#endif
