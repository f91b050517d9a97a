/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a tar of a tree that is reached only through fds (copy.h copy_tar_write), and
 * resolving paths inside a root (copy_open_in_root). Nothing here ever follows a symlink by
 * path: children are opened with O_NOFOLLOW relative to their parent's fd.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/copy.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define XATTR_LIST_MAX_BYTES  (64 * 1024)
#define XATTR_VALUE_MAX_BYTES (64 * 1024)
#define COPY_CHUNK            (128 * 1024)
#define MAX_DEPTH             512

DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_write_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive_entry *, archive_entry_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive_entry_linkresolver *, archive_entry_linkresolver_free)

int copy_open_in_root(int root, const char *path, bool follow_last, const char *ctx,
                      struct cpod_error **err)
{
	struct open_how how = {
	        .flags = O_PATH | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW),
	        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *p = path;
	while (*p == '/')
		p++;
	if (!*p)
		p = ".";
	int fd = (int)syscall(SYS_openat2, root, p, &how, sizeof(how));
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "%s", ctx);
	return fd;
}

struct walker {
	struct archive *a;
	struct archive_entry_linkresolver *links;
	const struct copy_tar_opts *o;
	char *buf;
	bool single; /* one entry per call: no descent into directories */
	struct cpod_error **err;
};

static int ar_fail(struct walker *w, const char *what)
{
	return cpod_error_set(w->err, EIO, "writing tar: %s: %s", what,
	                      archive_error_string(w->a) ? archive_error_string(w->a) : "error");
}

static void add_xattrs(struct archive_entry *e, int fd)
{
	char list[XATTR_LIST_MAX_BYTES];
	ssize_t n = flistxattr(fd, list, sizeof(list));
	if (n <= 0)
		return;
	_cleanup_free_ char *val = xmalloc(XATTR_VALUE_MAX_BYTES);
	for (ssize_t off = 0; off < n; off += (ssize_t)strlen(list + off) + 1) {
		const char *name = list + off;
		/* overlay's private attributes describe the layer, not the file */
		if (strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		ssize_t vn = fgetxattr(fd, name, val, XATTR_VALUE_MAX_BYTES);
		if (vn >= 0)
			archive_entry_xattr_add_entry(e, name, val, (size_t)vn);
	}
}

static int write_data(struct walker *w, int fd, const char *name)
{
	for (;;) {
		ssize_t n = read(fd, w->buf, COPY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpod_error_set_errno(w->err, errno, "reading %s", name);
		if (n == 0)
			return 0;
		if (archive_write_data(w->a, w->buf, (size_t)n) < 0)
			return ar_fail(w, name);
	}
}

static int emit(struct walker *w, struct archive_entry *e, int data_fd, const char *name)
{
	struct archive_entry *sparse = NULL;
	archive_entry_linkify(w->links, &e, &sparse);
	if (!e)
		return 0; /* hard link deferred: never happens with the pax strategy */
	if (archive_write_header(w->a, e) < ARCHIVE_WARN)
		return ar_fail(w, name);
	if (data_fd >= 0 && archive_entry_size(e) > 0)
		return write_data(w, data_fd, name);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct walker *w, int fd, const char *name, unsigned depth);

/* One child of dirfd, opened without following symlinks. */
static int walk_child(struct walker *w, int dirfd, const char *child, const char *name,
                      unsigned depth)
{
	struct stat st;
	if (fstatat(dirfd, child, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cpod_error_set_errno(w->err, errno, "stat %s", name);
	int flags = O_CLOEXEC | O_NOFOLLOW;
	if (S_ISDIR(st.st_mode))
		flags |= O_RDONLY | O_DIRECTORY;
	else if (S_ISREG(st.st_mode))
		flags |= O_RDONLY | O_NONBLOCK;
	else
		flags |= O_PATH;
	_cleanup_close_ int cfd = openat(dirfd, child, flags);
	if (cfd < 0)
		return cpod_error_set_errno(w->err, errno, "open %s", name);
	return walk(w, cfd, name, depth + 1);
}

static int walk_dir(struct walker *w, int fd, const char *name, unsigned depth)
{
	if (depth > MAX_DEPTH)
		return cpod_error_set(w->err, ELOOP, "%s: directory tree too deep", name);
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cpod_error_set_errno(w->err, errno, "open %s", name);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cpod_error_set_errno(w->err, errno, "open %s", name);
	}
	_cleanup_strv_free_ char **names = xnew(char *, 1);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		strv_push(&names, de->d_name);
		n++;
	}
	qsort(names, n, sizeof(char *), cmp_str);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *cname =
		        name && *name ? xasprintf("%s/%s", name, names[i]) : xstrdup(names[i]);
		r = walk_child(w, dirfd(d), names[i], cname, depth);
	}
	closedir(d);
	return r;
}

/* An empty regular file standing for a deletion (".wh.NAME") or an opaque directory. */
static int emit_whiteout(struct walker *w, const char *name, bool opaque)
{
	_cleanup_(archive_entry_freep) struct archive_entry *e = archive_entry_new();
	_cleanup_free_ char *p = NULL;
	if (opaque) {
		p = xasprintf("%s/.wh..wh..opq", name);
	} else {
		const char *slash = strrchr(name, '/');
		p = slash ? xasprintf("%.*s/.wh.%s", (int)(slash - name), name, slash + 1)
		          : xasprintf(".wh.%s", name);
	}
	archive_entry_copy_pathname(e, p);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
	if (archive_write_header(w->a, e) < ARCHIVE_WARN)
		return ar_fail(w, p);
	return 0;
}

static bool excluded(const struct walker *w, const char *name)
{
	size_t top = w->o->name ? strlen(w->o->name) : 0;
	if (top) {
		if (strncmp(name, w->o->name, top) != 0 || name[top] != '/')
			return false;
		name += top + 1;
	}
	for (size_t i = 0; w->o->exclude && w->o->exclude[i]; i++) {
		const char *x = w->o->exclude[i];
		while (*x == '/')
			x++;
		if (strcmp(x, name) == 0)
			return true;
	}
	return false;
}

static bool opaque_dir(int fd)
{
	char v = 0;
	return fgetxattr(fd, "trusted.overlay.opaque", &v, 1) == 1 && v == 'y';
}

static int walk(struct walker *w, int fd, const char *name, unsigned depth)
{
	struct stat st;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return cpod_error_set_errno(w->err, errno, "stat %s", name && *name ? name : ".");
	if (name && *name && excluded(w, name))
		return 0;
	if (name && *name && w->o->overlay_whiteouts && S_ISCHR(st.st_mode) && st.st_rdev == 0)
		return emit_whiteout(w, name, false);
	if (name && *name) {
		_cleanup_(archive_entry_freep) struct archive_entry *e = archive_entry_new();
		_cleanup_free_ char *p =
		        S_ISDIR(st.st_mode) ? xasprintf("%s/", name) : xstrdup(name);
		archive_entry_copy_pathname(e, p);
		archive_entry_copy_stat(e, &st);
		if (w->o->force_owner) {
			archive_entry_set_uid(e, w->o->uid);
			archive_entry_set_gid(e, w->o->gid);
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
			if (n < 0)
				return cpod_error_set_errno(w->err, errno, "readlink %s", name);
			target[n] = '\0';
			archive_entry_copy_symlink(e, target);
		} else if (!S_ISREG(st.st_mode)) {
			archive_entry_set_size(e, 0);
		}
		int data = -1;
		_cleanup_close_ int reopened = -1;
		if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
			/* an O_PATH fd (the top entry) cannot be read: reopen the same inode */
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0 && (fl & O_PATH)) {
				_cleanup_free_ char *proc = xasprintf("/proc/self/fd/%d", fd);
				reopened = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
				if (reopened < 0)
					return cpod_error_set_errno(w->err, errno, "open %s", name);
				data = reopened;
			} else {
				data = fd;
			}
			add_xattrs(e, data);
		}
		int r = emit(w, e, S_ISREG(st.st_mode) ? data : -1, name);
		if (r >= 0 && S_ISDIR(st.st_mode) && w->o->overlay_whiteouts && opaque_dir(data))
			r = emit_whiteout(w, name, true);
		if (r < 0)
			return r;
	}
	if (S_ISDIR(st.st_mode) && !w->single)
		return walk_dir(w, fd, name, depth);
	return 0;
}

static int open_writer(struct archive *a, int out_fd, struct cpod_error **err)
{
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, out_fd) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "writing tar: %s", archive_error_string(a));
	return 0;
}

/* One entry of the change list: the file itself from root, or a whiteout. */
static int change_entry(struct walker *w, int root, const char *path, int kind)
{
	const char *rel = path;
	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0;
	if (kind == DIFF_DELETED)
		return emit_whiteout(w, rel, false);
	struct open_how how = {
	        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	if (fd < 0)
		return cpod_error_set_errno(w->err, errno, "open %s", rel);
	return walk(w, fd, rel, 0);
}

int copy_tar_write_changes(int root, json_t *changes, int out_fd, struct cpod_error **err)
{
	_cleanup_(archive_write_freep) struct archive *a = archive_write_new();
	_cleanup_(archive_entry_linkresolver_freep) struct archive_entry_linkresolver *links =
	        archive_entry_linkresolver_new();
	_cleanup_free_ char *buf = xmalloc(COPY_CHUNK);
	if (!a || !links)
		return cpod_error_set(err, ENOMEM, "writing tar: out of memory");
	archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	int r = open_writer(a, out_fd, err);
	if (r < 0)
		return r;
	struct copy_tar_opts o = {0};
	struct walker w = {.a = a, .links = links, .o = &o, .buf = buf, .single = true, .err = err};
	size_t i;
	json_t *v;
	json_array_foreach(changes, i, v)
	{
		r = change_entry(&w, root, json_string_value(json_object_get(v, "Path")),
		                 (int)json_integer_value(json_object_get(v, "Kind")));
		if (r < 0)
			return r;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "writing tar: %s", archive_error_string(a));
	return 0;
}

int copy_tar_write(int fd, const struct copy_tar_opts *o, int out_fd, struct cpod_error **err)
{
	_cleanup_(archive_write_freep) struct archive *a = archive_write_new();
	_cleanup_(archive_entry_linkresolver_freep) struct archive_entry_linkresolver *links =
	        archive_entry_linkresolver_new();
	_cleanup_free_ char *buf = xmalloc(COPY_CHUNK);
	if (!a || !links)
		return cpod_error_set(err, ENOMEM, "writing tar: out of memory");
	archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	int r = open_writer(a, out_fd, err);
	if (r < 0)
		return r;
	struct walker w = {.a = a, .links = links, .o = o, .buf = buf, .err = err};
	r = walk(&w, fd, o->name ? o->name : "", 0);
	if (r < 0)
		return r;
	if (archive_write_close(a) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "writing tar: %s", archive_error_string(a));
	return 0;
}
