/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metadata of applied entries: ownership, then mode (chown clears setuid/setgid, so the mode
 * comes after it), then xattrs (chown also drops security.capability), then times. Directory
 * times wait until the end, since writing a child changes its directory's mtime.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tar-apply-internal.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t seen_slot(char *const *tab, size_t cap, const char *path)
{
	size_t i = (size_t)hash_str(path) & (cap - 1);
	while (tab[i] && strcmp(tab[i], path) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

void tar_ctx_mark_seen(struct tar_apply_ctx *c, const char *path)
{
	if ((c->n_seen + 1) * 2 > c->cap_seen) {
		size_t ncap = c->cap_seen ? c->cap_seen * 2 : 64;
		char **ntab = xnew(char *, ncap);
		for (size_t i = 0; i < c->cap_seen; i++)
			if (c->seen[i])
				ntab[seen_slot(ntab, ncap, c->seen[i])] = c->seen[i];
		free(c->seen);
		c->seen = ntab;
		c->cap_seen = ncap;
	}
	size_t i = seen_slot(c->seen, c->cap_seen, path);
	if (!c->seen[i]) {
		c->seen[i] = xstrdup(path);
		c->n_seen++;
	}
}

bool tar_ctx_was_seen(const struct tar_apply_ctx *c, const char *path)
{
	if (c->cap_seen == 0)
		return false;
	return c->seen[seen_slot(c->seen, c->cap_seen, path)] != NULL;
}

void tar_ctx_release(struct tar_apply_ctx *c)
{
	for (size_t i = 0; i < c->cap_seen; i++)
		free(c->seen[i]);
	free(c->seen);
	for (size_t i = 0; i < c->n_dirs; i++)
		free(c->dirs[i].path);
	free(c->dirs);
	c->seen = NULL;
	c->dirs = NULL;
	c->n_seen = c->cap_seen = c->n_dirs = c->cap_dirs = 0;
}

static bool xattr_is_overlay(const char *name)
{
	/* overlay's own xattrs in a tar would forge whiteouts or redirects in the layer */
	return strncmp(name, "trusted.overlay.", 16) == 0 ||
	       strncmp(name, "user.overlay.", 13) == 0;
}

static int set_xattrs(struct archive_entry *e, int parentfd, const char *base, int fd,
                      const char *path, struct cpod_error **err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!name || !*name)
			continue;
		if (xattr_is_overlay(name)) {
			log_debug("layer entry \"%s\": dropping xattr \"%s\"", path, name);
			continue;
		}
		if (size > TAR_XATTR_VALUE_MAX)
			return cpod_error_set(
			        err, EINVAL,
			        "layer entry \"%s\": xattr \"%s\" is too large (%zu bytes)", path,
			        name, size);
		int r;
		if (fd >= 0) {
			r = fsetxattr(fd, name, value, size, 0);
		} else {
			/* the parent is already resolved; lsetxattr does not follow base itself */
			char p[64 + NAME_MAX];
			snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", parentfd, base);
			r = lsetxattr(p, name, value, size, 0);
		}
		if (r < 0) {
			if (errno == ENOTSUP ||
			    (errno == EPERM && strncmp(name, "user.", 5) == 0 && fd < 0)) {
				log_debug("layer entry \"%s\": xattr \"%s\" not supported here, "
				          "ignoring",
				          path, name);
				continue;
			}
			return cpod_error_set_errno(
			        err, errno, "layer entry \"%s\": setting xattr \"%s\"", path, name);
		}
	}
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
	for (int i = 0; i < 2; i++)
		if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L)
			ts[i].tv_nsec = 0;
}

int tar_meta_apply(struct tar_apply_ctx *c, struct archive_entry *e, int parentfd, const char *base,
                   int fd, const char *path, struct cpod_error **err)
{
	mode_t type = archive_entry_filetype(e);
	bool is_link = type == AE_IFLNK;

	if (!c->opts->no_chown) {
		int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
		if (uid < 0 || gid < 0 || uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1)
			return cpod_error_set(err, EINVAL,
			                      "layer entry \"%s\": invalid owner %lld:%lld", path,
			                      (long long)uid, (long long)gid);
		int r = fd >= 0 ? fchown(fd, (uid_t)uid, (gid_t)gid)
		                : fchownat(parentfd, base, (uid_t)uid, (gid_t)gid,
		                           AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return cpod_error_set_errno(err, errno, "layer entry \"%s\": chown", path);
	}
	if (!is_link) {
		mode_t mode = archive_entry_perm(e) & 07777;
		int r = fd >= 0 ? fchmod(fd, mode) : fchmodat(parentfd, base, mode, 0);
		if (r < 0)
			return cpod_error_set_errno(err, errno, "layer entry \"%s\": chmod", path);
	}
	int r = set_xattrs(e, parentfd, base, fd, path, err);
	if (r < 0)
		return r;

	struct timespec ts[2];
	entry_times(e, ts);
	if (type == AE_IFDIR) {
		if (c->n_dirs == c->cap_dirs) {
			c->cap_dirs = c->cap_dirs ? c->cap_dirs * 2 : 32;
			c->dirs = xrealloc(c->dirs, c->cap_dirs * sizeof(*c->dirs));
		}
		c->dirs[c->n_dirs++] =
		        (struct tar_dir_times){.path = xstrdup(path), .ts = {ts[0], ts[1]}};
		return 0;
	}
	r = fd >= 0 ? futimens(fd, ts) : utimensat(parentfd, base, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return cpod_error_set_errno(err, errno, "layer entry \"%s\": setting times", path);
	return 0;
}

int tar_meta_finish_dirs(struct tar_apply_ctx *c, struct cpod_error **err)
{
	for (size_t i = 0; i < c->n_dirs; i++) {
		const struct tar_dir_times *d = &c->dirs[i];
		_cleanup_close_ int fd = tar_path_open(
		        c->rootfd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, c->force_walk);
		/* a later entry removed or replaced the directory: nothing to restore */
		if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
			continue;
		if (fd < 0)
			return cpod_error_set_errno(err, -fd, "layer entry \"%s\": opening",
			                            d->path);
		if (futimens(fd, d->ts) < 0)
			return cpod_error_set_errno(err, errno, "layer entry \"%s\": setting times",
			                            d->path);
	}
	return 0;
}
