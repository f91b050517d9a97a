/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "storage/driver.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * A faithful tree copy for vfs layers: owners, modes (setuid included: chmod after chown),
 * xattrs, device nodes, FIFOs, symlinks, hard links (an inode seen twice becomes a link to
 * the first copy) and times. Regular files are reflinked (FICLONE) when the file system can,
 * else copied with copy_file_range.
 */

#define XATTR_LIST_MAX_BYTES (64 * 1024)

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct copy_ctx {
	int dst_root;
	struct hardlink *links;
	size_t n_links;
	size_t cap_links;
	struct cpod_error **err;
};

static int fail(struct copy_ctx *c, int e, const char *what, const char *path)
{
	return cpod_error_set_errno(c->err, e, "%s %s", what, path);
}

/* Copy xattrs from an fd (or, for non-openable entries, a /proc/self/fd path) to another. */
static int copy_xattrs(struct copy_ctx *c, int sfd, const char *spath, int dfd, const char *dpath,
                       const char *rel)
{
	char list[XATTR_LIST_MAX_BYTES];
	ssize_t n = sfd >= 0 ? flistxattr(sfd, list, sizeof(list))
	                     : llistxattr(spath, list, sizeof(list));
	if (n < 0)
		return errno == ENOTSUP ? 0 : fail(c, errno, "list xattrs of", rel);
	for (ssize_t off = 0; off < n; off += (ssize_t)strlen(list + off) + 1) {
		const char *name = list + off;
		char val[XATTR_LIST_MAX_BYTES];
		ssize_t v = sfd >= 0 ? fgetxattr(sfd, name, val, sizeof(val))
		                     : lgetxattr(spath, name, val, sizeof(val));
		if (v < 0) {
			if (errno == ENODATA)
				continue;
			return fail(c, errno, "read xattrs of", rel);
		}
		int r = dfd >= 0 ? fsetxattr(dfd, name, val, (size_t)v, 0)
		                 : lsetxattr(dpath, name, val, (size_t)v, 0);
		if (r < 0 && errno != ENOTSUP && errno != EPERM)
			return fail(c, errno, "set xattrs of", rel);
	}
	return 0;
}

static int copy_data(int sfd, int dfd, off_t size)
{
	if (ioctl(dfd, FICLONE, sfd) == 0)
		return 0;
	off_t done = 0;
	while (done < size) {
		ssize_t n = copy_file_range(sfd, NULL, dfd, NULL, (size_t)(size - done), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP))
			break;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += n;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(sfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(dfd, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			w += k;
		}
	}
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, const char *rel);

static int copy_entry(struct copy_ctx *c, int sdir, int ddir, const char *name,
                      const struct stat *st, const char *rel)
{
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1) {
		for (size_t i = 0; i < c->n_links; i++) {
			if (c->links[i].dev != st->st_dev || c->links[i].ino != st->st_ino)
				continue;
			if (linkat(c->dst_root, c->links[i].path, ddir, name, 0) < 0)
				return fail(c, errno, "link", rel);
			return 0;
		}
		if (c->n_links == c->cap_links) {
			c->cap_links = c->cap_links ? c->cap_links * 2 : 64;
			c->links = xrealloc(c->links, c->cap_links * sizeof(*c->links));
		}
		c->links[c->n_links++] = (struct hardlink){st->st_dev, st->st_ino, xstrdup(rel)};
	}
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (S_ISDIR(st->st_mode)) {
		if (mkdirat(ddir, name, 0700) < 0)
			return fail(c, errno, "create", rel);
		_cleanup_close_ int s =
		        openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d =
		        openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return fail(c, errno, "open", rel);
		int r = copy_dir(c, s, d, rel);
		if (r < 0)
			return r;
		r = copy_xattrs(c, s, NULL, d, NULL, rel);
		if (r < 0)
			return r;
		if (fchown(d, st->st_uid, st->st_gid) < 0 || fchmod(d, st->st_mode & 07777) < 0 ||
		    futimens(d, times) < 0)
			return fail(c, errno, "set attributes of", rel);
		return 0;
	}
	if (S_ISREG(st->st_mode)) {
		_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d = openat(
		        ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (s < 0 || d < 0)
			return fail(c, errno, "open", rel);
		int r = copy_data(s, d, st->st_size);
		if (r < 0)
			return fail(c, -r, "copy", rel);
		r = copy_xattrs(c, s, NULL, d, NULL, rel);
		if (r < 0)
			return r;
		if (fchown(d, st->st_uid, st->st_gid) < 0 || fchmod(d, st->st_mode & 07777) < 0 ||
		    futimens(d, times) < 0)
			return fail(c, errno, "set attributes of", rel);
		return 0;
	}
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return fail(c, errno, "read link", rel);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return fail(c, errno, "create", rel);
	} else if (mknodat(ddir, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0) {
		return fail(c, errno, "create", rel);
	}
	/* entries that cannot be opened: go through /proc/self/fd for their xattrs */
	_cleanup_free_ char *sp = xasprintf("/proc/self/fd/%d/%s", sdir, name);
	_cleanup_free_ char *dp = xasprintf("/proc/self/fd/%d/%s", ddir, name);
	int r = copy_xattrs(c, -1, sp, -1, dp, rel);
	if (r < 0)
		return r;
	if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, errno, "chown", rel);
	if (!S_ISLNK(st->st_mode) && fchmodat(ddir, name, st->st_mode & 07777, 0) < 0)
		return fail(c, errno, "chmod", rel);
	if (utimensat(ddir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, errno, "set times of", rel);
	return 0;
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, const char *rel)
{
	int dup_fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return fail(c, errno, "open", rel);
	_cleanup_closedir_ DIR *d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return fail(c, errno, "open", rel);
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		_cleanup_free_ char *sub =
		        *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		if (fstatat(sfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return fail(c, errno, "stat", sub);
		int r = copy_entry(c, sfd, dfd, de->d_name, &st, sub);
		if (r < 0)
			return r;
	}
	if (errno != 0)
		return fail(c, errno, "read directory", rel);
	return 0;
}

int vfs_copy_tree(int srcdir, const char *src, int dstdir, const char *dst, struct cpod_error **err)
{
	struct copy_ctx c = {.dst_root = -1, .err = err};
	struct stat st;
	if (fstatat(srcdir, src, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cpod_error_set_errno(err, errno, "stat %s", src);
	if (!S_ISDIR(st.st_mode))
		return cpod_error_set(err, ENOTDIR, "%s is not a directory", src);
	if (mkdirat(dstdir, dst, 0700) < 0)
		return cpod_error_set_errno(err, errno, "create %s", dst);
	_cleanup_close_ int s = openat(srcdir, src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int d = openat(dstdir, dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s < 0 || d < 0)
		return cpod_error_set_errno(err, errno, "open %s", src);
	c.dst_root = d;
	int r = copy_dir(&c, s, d, "");
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].path);
	free(c.links);
	if (r < 0)
		return r;
	r = copy_xattrs(&c, s, NULL, d, NULL, ".");
	if (r < 0)
		return r;
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	if (fchown(d, st.st_uid, st.st_gid) < 0 || fchmod(d, st.st_mode & 07777) < 0 ||
	    futimens(d, times) < 0)
		return cpod_error_set_errno(err, errno, "set attributes of %s", dst);
	return 0;
}

int store_copy_dir_contents(int srcfd, int dstfd, struct cpod_error **err)
{
	struct copy_ctx c = {.dst_root = dstfd, .err = err};
	int r = copy_dir(&c, srcfd, dstfd, "");
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].path);
	free(c.links);
	return r;
}
