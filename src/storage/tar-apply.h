/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TAR_APPLY_H
#define CPOD_TAR_APPLY_H

/*
 * Applying a layer tar to a directory, safely, whatever the tar says.
 *
 * Every entry is resolved inside the destination (openat2 RESOLVE_IN_ROOT, or an equivalent
 * component-by-component walk with O_NOFOLLOW where openat2 is missing): "..", absolute
 * paths, symlinks in the tar or on disk pointing out, and hard links to targets outside
 * never write outside the destination. Whiteouts are translated:
 *   - TAR_WHITEOUT_OVERLAY: ".wh.NAME" becomes a 0:0 character device NAME, ".wh..wh..opq"
 *     sets the trusted.overlay.opaque=y xattr on its directory (kernel overlayfs form);
 *   - TAR_WHITEOUT_DELETE: ".wh.NAME" deletes NAME, ".wh..wh..opq" empties the directory
 *     of what lower entries put there (vfs: the layer is a full copy of its parent).
 * Ownership (as root, or mapped through uid/gid maps), modes incl. setuid/sticky, xattrs,
 * device nodes, FIFOs, hard links, symlinks, and mtimes are kept.
 */
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct archive;

enum tar_whiteout_mode {
	TAR_WHITEOUT_OVERLAY,
	TAR_WHITEOUT_DELETE,
};

struct tar_apply_opts {
	enum tar_whiteout_mode whiteouts;
	bool no_chown;     /* rootless without a mapping: keep files owned by the caller */
	bool no_devices;   /* cannot mknod (rootless): skip device nodes with a debug log */
};

/*
 * Apply every entry of a, an archive opened for reading with the tar format (any filter),
 * to the directory dirfd. Returns 0, or a negative errno with *err naming the entry
 * ("layer entry \"../x\": path escapes the layer" and the like) and EINVAL for hostile input.
 */
int tar_apply(struct archive *a, int dirfd, const struct tar_apply_opts *opts,
	      struct cpod_error **err);

/* Pure check used by tar_apply and the tests: true if a tar entry name is acceptable. */
bool tar_entry_name_is_safe(const char *name);

/*
 * Stream a layer blob from fd: digest the raw bytes (ret_digest, "sha256:..."), decompress
 * (gzip, zstd, or none, detected from the magic), digest the uncompressed tar (ret_diff_id)
 * and apply it to dirfd, all in one pass. Sizes of both streams are returned too.
 * Owned strings are freed with free().
 *
 * fd is read to its very end, past the tar's end-of-archive marker: trailing padding counts
 * in both digests and sizes. An empty blob is an empty layer. Any ret_ pointer may be NULL;
 * none is written on failure. Errors: EINVAL for a hostile or malformed tar or compressed
 * stream (names > PATH_MAX, xattr values > 64 KiB included), the errno of a failed read(2)
 * ("reading layer blob: ..."), and whatever the file system says while applying.
 */
int tar_apply_blob(int fd, int dirfd, const struct tar_apply_opts *opts, char **ret_digest,
		   int64_t *ret_size, char **ret_diff_id, int64_t *ret_diff_size,
		   struct cpod_error **err);

#endif
