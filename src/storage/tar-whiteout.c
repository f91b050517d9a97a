/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whiteouts, as image tars spell them (AUFS names, which Docker and the OCI image spec
 * kept): ".wh.NAME" hides NAME of the lower layers, ".wh..wh..opq" hides everything the
 * lower layers put in its directory. Other ".wh..wh." names are AUFS bookkeeping (hard link
 * directories), which containers/storage skips too.
 */
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tar-apply-internal.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Delete mode: remove below parentfd whatever this tar did not create itself (recursively). */
static int remove_unseen(struct tar_apply_ctx *c, int parentfd, const char *dirpath)
{
	int fd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *child =
		        *dirpath ? xasprintf("%s/%s", dirpath, de->d_name) : xstrdup(de->d_name);
		if (!tar_ctx_was_seen(c, child)) {
			int r = rm_rf_at(dirfd(d), de->d_name);
			if (r < 0)
				return r;
			continue;
		}
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			continue;
		_cleanup_close_ int sub =
		        openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return -errno;
		int r = remove_unseen(c, sub, child);
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

static int apply_opaque(struct tar_apply_ctx *c, int parentfd, const char *path,
                        struct cpod_error **err)
{
	_cleanup_free_ char *dirpath = xstrndup(path, strlen(path) - strlen(TAR_WHITEOUT_OPAQUE));
	size_t n = strlen(dirpath);
	if (n > 0 && dirpath[n - 1] == '/')
		dirpath[n - 1] = '\0';

	if (c->opts->whiteouts == TAR_WHITEOUT_DELETE) {
		int r = remove_unseen(c, parentfd, dirpath);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "layer entry \"%s\": opaque directory",
			                            path);
		return 1;
	}
	_cleanup_close_ int fd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return cpod_error_set_errno(err, errno,
		                            "layer entry \"%s\": marking directory opaque", path);
	return 1;
}

int tar_whiteout_apply(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd,
                       const char *path, const char *base, struct cpod_error **err)
{
	if (strncmp(base, TAR_WHITEOUT_PREFIX, strlen(TAR_WHITEOUT_PREFIX)) != 0)
		return 0;
	if (strcmp(base, TAR_WHITEOUT_OPAQUE) == 0)
		return apply_opaque(c, parentfd, path, err);
	if (strncmp(base, TAR_WHITEOUT_META_PREFIX, strlen(TAR_WHITEOUT_META_PREFIX)) == 0) {
		log_debug("layer entry \"%s\": aufs metadata, ignoring", path);
		return 1;
	}

	const char *name = base + strlen(TAR_WHITEOUT_PREFIX);
	/* ".wh." alone, ".wh.." and ".wh..." would hide the directory itself or its parent */
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return cpod_error_set(err, EINVAL, "layer entry \"%s\": invalid whiteout name",
		                      path);

	int r = rm_rf_at(parentfd, name);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "layer entry \"%s\": removing \"%s\"", path,
		                            name);
	if (c->opts->whiteouts == TAR_WHITEOUT_DELETE)
		return 1;

	if (mknodat(parentfd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": creating whiteout",
		                            path);
	if (!c->opts->no_chown) {
		int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
		if (uid >= 0 && gid >= 0 && uid < UINT32_MAX && gid < UINT32_MAX &&
		    fchownat(parentfd, name, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
			return cpod_error_set_errno(err, errno,
			                            "layer entry \"%s\": chown of whiteout", path);
	}
	return 1;
}
