/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The entry loop of tar_apply(): libarchive only reads the tar; every file is created here
 * with *at() calls relative to a parent directory that was resolved inside the layer
 * (tar-path.c), never with archive_write_disk, whose checks work on path strings.
 *
 * Replacement follows containers/storage's UnpackLayer: an existing entry at the path is
 * removed first, except a directory meeting a directory entry, which keeps its contents.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tar-apply-internal.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

int tar_archive_errno(struct archive *a)
{
	int code = archive_errno(a);
	/* malformed input: libarchive says EILSEQ ("file format") or -1 ("misc") */
	if (code <= 0 || code == EILSEQ)
		return EINVAL;
	return code;
}

char *tar_archive_message(struct archive *a)
{
	/* libarchive capitalises its messages; ours are lowercase like Podman's */
	char *msg = xstrdup(archive_error_string(a) ?: "unknown error");
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return msg;
}

/* Remove whatever is at base unless it is a directory and keep_dir is set. */
static int clear_path(int parentfd, const char *base, bool keep_dir, bool *ret_is_dir)
{
	struct stat st;
	*ret_is_dir = false;
	if (fstatat(parentfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (keep_dir && S_ISDIR(st.st_mode)) {
		*ret_is_dir = true;
		return 0;
	}
	return rm_rf_at(parentfd, base);
}

static int write_data(struct archive *a, int fd, const char *path, int64_t size,
                      struct cpod_error **err)
{
	int64_t end = 0;
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			_cleanup_free_ char *msg = tar_archive_message(a);
			return cpod_error_set(err, tar_archive_errno(a), "layer entry \"%s\": %s",
			                      path, msg);
		}
		if (off < 0)
			return cpod_error_set(err, EINVAL, "layer entry \"%s\": bad data offset",
			                      path);
		const char *p = buf;
		while (len > 0) {
			ssize_t n = pwrite(fd, p, len, off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return cpod_error_set_errno(err, n < 0 ? errno : EIO,
				                            "layer entry \"%s\": writing", path);
			p += n;
			len -= (size_t)n;
			off += n;
		}
		if (off > end)
			end = off;
	}
	/* a sparse file ending in a hole: the size comes from the header */
	if (size > end && ftruncate(fd, size) < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": truncating", path);
	return 0;
}

static int apply_file(struct tar_apply_ctx *c, struct archive *a, struct archive_entry *e,
                      int parentfd, const char *base, const char *path, struct cpod_error **err)
{
	bool is_dir;
	int r = clear_path(parentfd, base, false, &is_dir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": replacing", path);
	_cleanup_close_ int fd =
	        openat(parentfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": creating", path);
	int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	r = write_data(a, fd, path, size, err);
	if (r < 0)
		return r;
	return tar_meta_apply(c, e, parentfd, base, fd, path, err);
}

static int apply_dir(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd,
                     const char *base, const char *path, struct cpod_error **err)
{
	bool is_dir;
	int r = clear_path(parentfd, base, true, &is_dir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": replacing", path);
	if (!is_dir && mkdirat(parentfd, base, 0700) < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": mkdir", path);
	_cleanup_close_ int fd =
	        openat(parentfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": opening", path);
	return tar_meta_apply(c, e, parentfd, base, fd, path, err);
}

static int apply_symlink(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd,
                         const char *base, const char *path, struct cpod_error **err)
{
	/* the target is stored verbatim: where it points only matters when following it */
	const char *target = archive_entry_symlink(e);
	if (!target || !*target)
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": symlink without a target",
		                      path);
	if (strlen(target) >= PATH_MAX)
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": symlink target too long",
		                      path);
	bool is_dir;
	int r = clear_path(parentfd, base, false, &is_dir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": replacing", path);
	if (symlinkat(target, parentfd, base) < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": symlink", path);
	return tar_meta_apply(c, e, parentfd, base, -1, path, err);
}

static int apply_node(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd,
                      const char *base, const char *path, struct cpod_error **err)
{
	mode_t type = archive_entry_filetype(e);
	bool is_dir;
	int r = clear_path(parentfd, base, false, &is_dir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": replacing", path);
	dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
	if (mknodat(parentfd, base, type | (archive_entry_perm(e) & 07777), dev) < 0) {
		if (errno == EPERM && type != AE_IFIFO && c->opts->no_devices) {
			log_debug("layer entry \"%s\": cannot create device nodes, skipping", path);
			return 0;
		}
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": mknod", path);
	}
	return tar_meta_apply(c, e, parentfd, base, -1, path, err);
}

static int apply_hardlink(struct tar_apply_ctx *c, const char *linkname, int parentfd,
                          const char *base, const char *path, struct cpod_error **err)
{
	_cleanup_free_ char *target = tar_path_clean(linkname);
	if (!target || !*target)
		return cpod_error_set(
		        err, EINVAL,
		        "layer entry \"%s\": hard link target \"%s\" escapes the layer", path,
		        linkname);
	if (strcmp(target, path) == 0)
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": hard link to itself", path);

	const char *slash = strrchr(target, '/');
	const char *tbase = slash ? slash + 1 : target;
	_cleanup_free_ char *tdir = xstrndup(target, slash ? (size_t)(slash - target) : 0);
	_cleanup_close_ int tfd =
	        tar_path_open(c->rootfd, tdir, O_PATH | O_DIRECTORY, c->force_walk);
	struct stat st;
	if (tfd < 0 || fstatat(tfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cpod_error_set(err, EINVAL,
		                      "layer entry \"%s\": hard link target \"%s\" does not exist",
		                      path, linkname);
	if (S_ISDIR(st.st_mode))
		return cpod_error_set(err, EINVAL,
		                      "layer entry \"%s\": hard link target \"%s\" is a directory",
		                      path, linkname);
	bool is_dir;
	int r = clear_path(parentfd, base, false, &is_dir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": replacing", path);
	/* flags 0: a symlink target is linked itself, never followed */
	if (linkat(tfd, tbase, parentfd, base, 0) < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": hard link to \"%s\"",
		                            path, linkname);
	return 0;
}

static void mark_seen_with_parents(struct tar_apply_ctx *c, const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p; (s = strchr(s, '/')); s++) {
		*s = '\0';
		tar_ctx_mark_seen(c, p);
		*s = '/';
	}
	tar_ctx_mark_seen(c, p);
}

static int apply_root(struct tar_apply_ctx *c, struct archive_entry *e, const char *raw,
                      struct cpod_error **err)
{
	if (archive_entry_filetype(e) != AE_IFDIR || archive_entry_hardlink(e))
		return cpod_error_set(err, EINVAL,
		                      "layer entry \"%s\": cannot replace the layer root", raw);
	_cleanup_close_ int fd = openat(c->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": opening", raw);
	return tar_meta_apply(c, e, c->rootfd, ".", fd, "", err);
}

static int apply_entry(struct tar_apply_ctx *c, struct archive *a, struct archive_entry *e,
                       struct cpod_error **err)
{
	const char *raw = archive_entry_pathname(e);
	if (!raw || !*raw)
		return cpod_error_set(err, EINVAL, "layer entry with an empty name");
	if (strlen(raw) >= PATH_MAX)
		return cpod_error_set(err, EINVAL, "layer entry \"%.64s...\": name too long", raw);
	_cleanup_free_ char *path = tar_path_clean(raw);
	if (!path)
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": path escapes the layer",
		                      raw);
	if (!tar_entry_name_is_safe(raw))
		return cpod_error_set(err, EINVAL,
		                      "layer entry \"%s\": whiteout name used as a directory", raw);
	if (!*path)
		return apply_root(c, e, raw, err);
	/* AUFS bookkeeping (".wh..wh.plnk/..."), skipped like containers/storage does */
	if (strncmp(path, TAR_WHITEOUT_META_PREFIX, strlen(TAR_WHITEOUT_META_PREFIX)) == 0 &&
	    strcmp(path, TAR_WHITEOUT_OPAQUE) != 0) {
		log_debug("layer entry \"%s\": aufs metadata, ignoring", raw);
		return 0;
	}

	const char *base;
	_cleanup_close_ int parentfd = tar_path_open_parent(c->rootfd, path, c->force_walk, &base);
	if (parentfd < 0)
		return cpod_error_set_errno(err, -parentfd,
		                            "layer entry \"%s\": opening parent directory", raw);

	int r = tar_whiteout_apply(c, e, parentfd, path, base, err);
	if (r != 0)
		return r < 0 ? r : 0;
	if (c->opts->whiteouts == TAR_WHITEOUT_DELETE)
		mark_seen_with_parents(c, path);

	const char *linkname = archive_entry_hardlink(e);
	if (linkname)
		return apply_hardlink(c, linkname, parentfd, base, path, err);

	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return apply_file(c, a, e, parentfd, base, path, err);
	case AE_IFDIR:
		return apply_dir(c, e, parentfd, base, path, err);
	case AE_IFLNK:
		return apply_symlink(c, e, parentfd, base, path, err);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return apply_node(c, e, parentfd, base, path, err);
	default:
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": unsupported file type 0%o",
		                      raw, (unsigned)archive_entry_filetype(e));
	}
}

static int archive_failure(struct archive *a, struct cpod_error **err)
{
	_cleanup_free_ char *msg = tar_archive_message(a);
	return cpod_error_set(err, tar_archive_errno(a), "reading layer tar: %s", msg);
}

int tar_apply_full(struct archive *a, int dirfd, const struct tar_apply_opts *opts, bool force_walk,
                   struct cpod_error **err)
{
	_cleanup_(tar_ctx_release) struct tar_apply_ctx c = {
	        .rootfd = dirfd,
	        .opts = opts,
	        .force_walk = force_walk,
	};
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN)
			log_debug("reading layer tar: %s", archive_error_string(a) ?: "warning");
		else if (r != ARCHIVE_OK)
			return archive_failure(a, err);
		r = apply_entry(&c, a, e, err);
		if (r < 0)
			return r;
	}
	return tar_meta_finish_dirs(&c, err);
}

int tar_apply(struct archive *a, int dirfd, const struct tar_apply_opts *opts,
              struct cpod_error **err)
{
	return tar_apply_full(a, dirfd, opts, false, err);
}
