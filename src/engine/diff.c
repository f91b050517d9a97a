/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `diff` (copy.h engine_diff): what a layer changed against the layers below it. overlay:
 * the layer's diff directory holds exactly the changes (whiteouts are 0:0 character
 * devices), so only it is walked and each entry looked up below; vfs: every layer is a full
 * copy, so the layer is compared with its parent's tree, both ways. Lookups below never
 * follow a symlink (RESOLVE_NO_SYMLINKS): a path through a link is not the same path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/copy.h"
#include "image/image.h"
#include "storage/store.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define DIFF_MAX_DEPTH 512

int diff_classify(bool is_whiteout, bool exists_below, bool is_dir, bool changed_meta)
{
	if (is_whiteout)
		return exists_below ? DIFF_DELETED : -1;
	if (!exists_below)
		return DIFF_ADDED;
	if (!is_dir || changed_meta)
		return DIFF_MODIFIED;
	return -1;
}

struct change {
	char *path;
	int kind;
};

/*
 * Podman's libpod/diff.go initInodes: mount points the runtime creates in every container,
 * left out of a container's diff.
 */
static const char *const init_inodes[] = {
        "/dev",
        "/etc/hostname",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/proc",
        "/run",
        "/run/notify",
        "/run/secrets",
        "/run/.containerenv",
        "/sys",
        "/etc/mtab",
        NULL,
};

static bool is_init_inode(const char *path)
{
	for (size_t i = 0; init_inodes[i]; i++) {
		if (strcmp(path, init_inodes[i]) == 0)
			return true;
	}
	return false;
}

struct differ {
	bool skip_init;
	int *lowers; /* O_PATH fds of the layers below, nearest first */
	size_t n_lowers;
	bool vfs;
	struct change *v;
	size_t n, cap;
};

static void add(struct differ *d, const char *path, int kind)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	d->v[d->n++] = (struct change){xstrdup(path), kind};
}

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(int dirfd)
{
	char v = 0;
	return fgetxattr(dirfd, "trusted.overlay.opaque", &v, 1) == 1 && v == 'y';
}

/* Stat rel (no leading "/") in the layers below; false when absent or whited out. */
static bool lookup_below(const struct differ *d, const char *rel, struct stat *ret)
{
	for (size_t i = 0; i < d->n_lowers; i++) {
		struct open_how how = {
		        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, d->lowers[i], rel, &how, sizeof(how));
		if (fd < 0) {
			if (d->vfs)
				return false;
			continue;
		}
		int r = fstatat(fd, "", ret, AT_EMPTY_PATH);
		close(fd);
		if (r < 0)
			return false;
		return !is_whiteout(ret);
	}
	return false;
}

static bool meta_differs(const struct stat *a, const struct stat *b)
{
	if (a->st_mode != b->st_mode || a->st_uid != b->st_uid || a->st_gid != b->st_gid)
		return true;
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec)
		return true;
	if (!S_ISDIR(a->st_mode) && a->st_size != b->st_size)
		return true;
	return S_ISCHR(a->st_mode) && a->st_rdev != b->st_rdev;
}

static int walk(struct differ *d, int parent, const char *rel, bool below_hidden, unsigned depth,
                struct cpod_error **err);

static int entry(struct differ *d, int dirfd, const char *name, const char *rel, bool below_hidden,
                 unsigned depth, struct cpod_error **err)
{
	struct stat st, low;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cpod_error_set_errno(err, errno, "stat %s", rel);
	bool below = !below_hidden && lookup_below(d, rel, &low);
	bool wh = !d->vfs && is_whiteout(&st);
	bool dir = S_ISDIR(st.st_mode);
	bool changed = below && (meta_differs(&st, &low) || (dir && !S_ISDIR(low.st_mode)));
	_cleanup_free_ char *abs = xasprintf("/%s", rel);
	int kind = diff_classify(wh, below, dir, changed);
	if (d->vfs && below && !dir && !changed)
		kind = -1;
	if (kind >= 0 && !(d->skip_init && is_init_inode(abs)))
		add(d, abs, kind);
	if (!dir || wh)
		return 0;
	_cleanup_close_ int sub =
	        openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return cpod_error_set_errno(err, errno, "open %s", rel);
	bool hidden =
	        below_hidden || !below || !S_ISDIR(low.st_mode) || (!d->vfs && is_opaque(sub));
	return walk(d, sub, rel, hidden, depth + 1, err);
}

/* vfs: entries of the parent's directory rel that the layer no longer has. */
static void deleted_in(struct differ *d, int dirfd, const char *rel)
{
	if (d->n_lowers == 0)
		return;
	struct open_how how = {
	        .flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
	        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int lfd = (int)syscall(SYS_openat2, d->lowers[0], *rel ? rel : ".", &how, sizeof(how));
	if (lfd < 0)
		return;
	DIR *ld = fdopendir(lfd);
	if (!ld) {
		close(lfd);
		return;
	}
	struct dirent *de;
	struct stat st;
	while ((de = readdir(ld))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		_cleanup_free_ char *abs =
		        *rel ? xasprintf("/%s/%s", rel, de->d_name) : xasprintf("/%s", de->d_name);
		add(d, abs, DIFF_DELETED);
	}
	closedir(ld);
}

static int walk(struct differ *d, int parent, const char *rel, bool below_hidden, unsigned depth,
                struct cpod_error **err)
{
	if (depth > DIFF_MAX_DEPTH)
		return cpod_error_set(err, ELOOP, "%s: directory tree too deep", rel);
	int dfd = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cpod_error_set_errno(err, errno, "open %s", *rel ? rel : "/");
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return cpod_error_set_errno(err, errno, "open %s", *rel ? rel : "/");
	}
	_cleanup_strv_free_ char **names = xnew(char *, 1);
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			strv_push(&names, de->d_name);
	}
	int r = 0;
	STRV_FOREACH(n, names)
	{
		_cleanup_free_ char *crel = *rel ? xasprintf("%s/%s", rel, *n) : xstrdup(*n);
		r = entry(d, dirfd(dir), *n, crel, below_hidden, depth, err);
		if (r < 0)
			break;
	}
	if (r >= 0 && d->vfs && !below_hidden)
		deleted_in(d, dirfd(dir), rel);
	closedir(dir);
	return r;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path, ((const struct change *)b)->path);
}

/* Diff layer `layer` against its parents. */
static int diff_layer(struct store *s, const char *layer, bool container, json_t **ret,
                      struct cpod_error **err)
{
	struct differ d = {.vfs = store_get_driver(s) == STORE_DRIVER_VFS, .skip_init = container};
	_cleanup_free_ char *upper = NULL;
	int r = store_layer_diff_path(s, layer, &upper, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *cur = NULL;
	{
		_cleanup_(store_layer_freep) struct store_layer *l = NULL;
		r = store_layer_get(s, layer, &l, err);
		if (r < 0)
			return r;
		cur = xstrdup_or_null(l->parent);
	}
	while (cur) {
		_cleanup_free_ char *p = NULL;
		_cleanup_(store_layer_freep) struct store_layer *l = NULL;
		if (store_layer_diff_path(s, cur, &p, err) < 0 ||
		    store_layer_get(s, cur, &l, err) < 0) {
			r = -EIO;
			break;
		}
		int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			r = cpod_error_set_errno(err, errno, "open %s", p);
			break;
		}
		d.lowers = xrealloc(d.lowers, (d.n_lowers + 1) * sizeof(int));
		d.lowers[d.n_lowers++] = fd;
		free(cur);
		cur = xstrdup_or_null(l->parent);
		if (d.vfs)
			break; /* the parent is a full copy */
	}
	if (r >= 0) {
		_cleanup_close_ int top = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (top < 0)
			r = cpod_error_set_errno(err, errno, "open %s", upper);
		else
			r = walk(&d, top, "", false, 0, err);
	}
	for (size_t i = 0; i < d.n_lowers; i++)
		close(d.lowers[i]);
	free(d.lowers);
	if (r >= 0) {
		qsort(d.v, d.n, sizeof(*d.v), cmp_change);
		json_t *out = json_array();
		for (size_t i = 0; i < d.n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "Path", json_string(d.v[i].path));
			json_object_set_new(o, "Kind", json_integer(d.v[i].kind));
			json_array_append_new(out, o);
		}
		*ret = out;
	}
	for (size_t i = 0; i < d.n; i++)
		free(d.v[i].path);
	free(d.v);
	return r;
}

int engine_diff_layer(struct engine *e, const char *layer, bool container, json_t **ret,
                      struct cpod_error **err)
{
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	return diff_layer(s, layer, container, ret, err);
}

int engine_diff(struct engine *e, const char *key, const char *what, json_t **ret,
                struct cpod_error **err)
{
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	if (!what || strcmp(what, "container") == 0) {
		_cleanup_(container_freep) struct container *c = NULL;
		struct cpod_error *cerr = NULL;
		int r = container_lookup(e, key, &c, &cerr);
		if (r == 0 && (r = container_rootfs_refuse(c, "diff", err)) < 0)
			return r;
		if (r == 0) {
			_cleanup_(store_container_freep) struct store_container *sc = NULL;
			r = store_container_get(s, c->config.id, &sc, err);
			if (r < 0)
				return r;
			return diff_layer(s, sc->layer_id, true, ret, err);
		}
		if (what || r != -ENOENT) {
			cpod_error_move(err, &cerr);
			return r;
		}
		cpod_error_free(cerr);
	}
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	struct cpod_error *ierr = NULL;
	int r = image_lookup(s, key, NULL, &img, NULL, &ierr);
	if (r < 0) {
		if (what) {
			cpod_error_move(err, &ierr);
			return r;
		}
		cpod_error_free(ierr);
		return cpod_error_set(err, ENOENT, "%s not found: layer not known", key);
	}
	if (!img->top_layer) {
		*ret = json_array();
		return 0;
	}
	return diff_layer(s, img->top_layer, false, ret, err);
}
