/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_STORAGE_DRIVER_H
#define CPOD_STORAGE_DRIVER_H

/*
 * A storage driver: how a layer is laid out on disk and how a container's root is mounted.
 * Paths are relative to the graph root; the store handles staging, renames and the gc
 * journal, the driver only fills the staging directory and mounts.
 */
#include <stdbool.h>

#include "storage/store-internal.h"
#include "storage/tar-apply.h"

struct driver_ops {
	const char *name;
	enum tar_whiteout_mode whiteouts;
	/* Create the driver's directories below the graph root. */
	int (*init)(struct store *s, struct cpod_error **err);
	/* Relative path of the layer's directory (owned), and of the files inside it (owned). */
	char *(*layer_path)(const char *id);
	char *(*diff_path)(const char *id);
	/*
	 * Build the layer layout in the staging directory stage_fd/"layer" on top of parent
	 * (NULL for a base layer). Returns a dirfd where the layer's tar is to be applied (or
	 * where nothing is applied for a container layer) and, for overlay, the short link name
	 * (owned, NULL for vfs).
	 */
	int (*stage)(struct store *s, int stage_fd, const struct layer_row *parent, bool rw,
	             int *ret_apply_fd, char **ret_link, struct cpod_error **err);
	/* Called with the write lock held after the staged layer was renamed into place. */
	int (*publish)(struct store *s, const char *id, const char *link, struct cpod_error **err);
	/* Relative path of the link symlink to journal with the layer, owned (NULL if none). */
	char *(*link_path)(const char *link);
	/* Mount the read-write layer id and return the absolute root path (owned). */
	int (*mount)(struct store *s, const char *id, char **ret_path, struct cpod_error **err);
	int (*unmount)(struct store *s, const char *id, struct cpod_error **err);
	/* Absolute path where the layer is (or would be) mounted; owned. */
	char *(*mount_path)(struct store *s, const char *id);
	/* True if the layer's mount is really in place (false for vfs: nothing to mount). */
	bool (*is_mounted)(struct store *s, const char *id);
};

extern const struct driver_ops overlay_driver_ops;
extern const struct driver_ops vfs_driver_ops;

/*
 * Check that kernel overlayfs works on the graph root's file system with a probe mount in
 * tmp/. The result is cached in run_root/storage/overlay-probe. ret_reason is owned.
 */
int overlay_probe(struct store *s, bool *ret_ok, char **ret_reason, struct cpod_error **err);

/*
 * mount(2) of an overlay with the working directory at dirfd, in a child so that the
 * caller's stays put: options can then name layers by short relative paths (one page).
 * Returns 0 or -errno.
 */
int overlay_mount_in_dir(int dirfd, const char *target, unsigned long flags,
                         const char *options);

/*
 * Copy the tree at src (below srcdir) into dst (below dstdir, which must not exist),
 * keeping owners, modes, xattrs, times, devices and hard links; files are reflinked where
 * the file system can, else copied.
 */
int vfs_copy_tree(int srcdir, const char *src, int dstdir, const char *dst,
                  struct cpod_error **err);

#endif
