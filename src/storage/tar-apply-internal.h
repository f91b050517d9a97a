/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TAR_APPLY_INTERNAL_H
#define CPOD_TAR_APPLY_INTERNAL_H

/*
 * Pieces of tar-apply shared between tar-apply.c (the entry loop), tar-path.c (name checks
 * and in-root resolution), tar-meta.c (ownership, modes, xattrs, times) and tar-whiteout.c.
 * Not a public API: store.c uses tar-apply.h only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "tar-apply.h"

struct archive_entry;

/* Longest xattr value accepted from a tar (the kernel's own limit for most file systems). */
#define TAR_XATTR_VALUE_MAX (64 * 1024)

/*
 * Normalise a tar entry name: leading "/" and "./" go (Docker strips them), "." and empty
 * components are dropped, ".." pops a component. Returns an owned string ("" for the root
 * itself), or NULL when the name is empty, too long (>= PATH_MAX) or climbs above the root.
 */
char *tar_path_clean(const char *name);

/*
 * Open path (a cleaned, relative name) below rootfd as if rootfd were "/": symlinks met on
 * the way, absolute or not, never leave rootfd (openat2 RESOLVE_IN_ROOT; a userspace walk
 * with O_NOFOLLOW per component where openat2 is missing, or when force_walk is set, which
 * the tests use). flags are open(2) flags; O_NOFOLLOW applies to the last component.
 * Returns an fd or -errno.
 */
int tar_path_open(int rootfd, const char *path, int flags, bool force_walk);

/*
 * Open the directory that will hold path's last component (O_PATH), creating missing
 * directories (0755, owned by the caller) on the way, and point *ret_base at the last
 * component inside path. path must not be "". Returns an fd or -errno; -ENOTDIR when a
 * parent exists and is not a directory.
 */
int tar_path_open_parent(int rootfd, const char *path, bool force_walk, const char **ret_base);

/* The errno to report for a libarchive failure: EINVAL for malformed input. */
int tar_archive_errno(struct archive *a);
/* libarchive's message for its last error, first letter lowered; owned, free(). */
char *tar_archive_message(struct archive *a);

/* tar_apply() with the fallback walk forced even where openat2 exists (for the tests). */
int tar_apply_full(struct archive *a, int dirfd, const struct tar_apply_opts *opts, bool force_walk,
                   struct cpod_error **err);

/* Deferred directory times: applied after all entries, since children change a dir's mtime. */
struct tar_dir_times {
	char *path;
	struct timespec ts[2]; /* atime, mtime */
};

struct tar_apply_ctx {
	int rootfd;
	const struct tar_apply_opts *opts;
	bool force_walk;
	struct tar_dir_times *dirs;
	size_t n_dirs, cap_dirs;
	/* delete mode: every path this tar created, so an opaque marker spares them */
	char **seen;
	size_t n_seen, cap_seen; /* open-addressing hash set; cap is a power of two */
};

void tar_ctx_release(struct tar_apply_ctx *c);
void tar_ctx_mark_seen(struct tar_apply_ctx *c, const char *path);
bool tar_ctx_was_seen(const struct tar_apply_ctx *c, const char *path);

/*
 * Apply ownership, mode, xattrs and times of e to the entry base inside parentfd. fd is an
 * open fd of the object when the caller has one (regular files, directories), else -1.
 * Directory times are queued in c instead of applied. Returns 0 or -errno with *err set.
 */
int tar_meta_apply(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd, const char *base,
                   int fd, const char *path, struct cpod_error **err);

/* Apply the queued directory times (each re-resolved inside the root). */
int tar_meta_finish_dirs(struct tar_apply_ctx *c, struct cpod_error **err);

/*
 * If base (the last component of path) is a whiteout name, handle it and return 1; return 0
 * for a normal entry; negative errno with *err set on failure or for a hostile name.
 */
int tar_whiteout_apply(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd,
                       const char *path, const char *base, struct cpod_error **err);

#define TAR_WHITEOUT_PREFIX      ".wh."
#define TAR_WHITEOUT_META_PREFIX ".wh..wh."
#define TAR_WHITEOUT_OPAQUE      ".wh..wh..opq"

#endif
