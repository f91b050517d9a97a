/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image's file system mounted on its own, outside any container layer: what a
 * container's --mount type=image needs (Podman 4.3 libpod: Image.Mount, then
 * pkg/overlay.MountReadOnly or overlay.Mount on top of it).
 *
 * overlay: a kernel overlay of the layers' diff directories. Read-only, it has no upper
 * directory (the kernel then wants two lower directories at least, so a lone layer gets the
 * store's empty directory below it). Read-write, the upper and work directories are the
 * caller's, so writes never reach the layers. The lower paths are the short l/<link> names,
 * given relative to overlay/ by a child that chdir()s there: the options must fit a page.
 * vfs: the top layer's directory holds the whole tree. Read-only, it is bound read-only;
 * read-write, it is copied into the caller's directory (vfs copies everything anyway, and the
 * kernel may well refuse an overlay here, which is why vfs was chosen).
 * An image without layers gets an empty tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/driver.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void layer_row_releasep(struct layer_row *r)
{
	layer_row_release(r);
}

int store_image_layer_dirs(struct store *s, const char *id, char ***ret, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	int r = store_image_lookup(s, id, &img, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **dirs = xnew(char *, 1);
	size_t n = strv_length(img->layers);
	for (size_t i = n; i-- > 0;) {
		_cleanup_free_ char *rel = s->ops->diff_path(img->layers[i]);
		strv_consume(&dirs, path_join(s->graph_root, rel));
		if (s->driver == STORE_DRIVER_VFS)
			break; /* the top layer is a complete tree */
	}
	*ret = TAKE_PTR(dirs);
	return 0;
}

/* "l/<link>:l/<link>..." for the image's layers, top first. */
static int overlay_lowers(struct store *s, const struct store_image *img, char **ret,
                          struct cpod_error **err)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	buf_init(&b, STORE_LOWER_MAX);
	size_t n = strv_length(img->layers);
	for (size_t i = n; i-- > 0;) {
		_cleanup_(layer_row_releasep) struct layer_row row = {0};
		int r = store_layer_load(s, img->layers[i], &row, err);
		if (r < 0)
			return r;
		if (!row.link)
			return cpod_error_set(err, EINVAL, "layer %s has no overlay link",
			                      row.pub.id);
		if (buf_printf(&b, "%sl/%s", i + 1 == n ? "" : ":", row.link) < 0)
			return cpod_error_set(err, E2BIG, "too many layers in image %s", img->id);
	}
	if (n == 1 && buf_printf(&b, ":empty") < 0)
		return cpod_error_set(err, E2BIG, "too many layers in image %s", img->id);
	*ret = buf_take(&b);
	return 0;
}

/* The upper directory takes the image root's owner and mode: overlay shows the upper's root. */
static int make_upper(struct store *s, const struct store_image *img, const char *upper,
                      struct cpod_error **err)
{
	_cleanup_free_ char *rel = s->ops->diff_path(img->top_layer);
	struct stat st;
	if (fstatat(s->graph_fd, rel, &st, 0) < 0)
		return cpod_error_set_errno(err, errno, "stat %s/%s", s->graph_root, rel);
	if (mkdir(upper, 0755) < 0 && errno != EEXIST)
		return cpod_error_set_errno(err, errno, "create %s", upper);
	if (chown(upper, st.st_uid, st.st_gid) < 0 || chmod(upper, st.st_mode & 07777) < 0)
		return cpod_error_set_errno(err, errno, "set the owner of %s", upper);
	return 0;
}

static int mount_overlay(struct store *s, const struct store_image *img, const char *target,
                         const char *rw_dir, struct cpod_error **err)
{
	_cleanup_free_ char *lowers = NULL;
	int r = overlay_lowers(s, img, &lowers, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *opts = NULL;
	unsigned long flags = MS_RDONLY;
	if (rw_dir) {
		_cleanup_free_ char *upper = path_join(rw_dir, "upper");
		_cleanup_free_ char *work = path_join(rw_dir, "work");
		r = mkdir_p(rw_dir, 0700);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "create %s", rw_dir);
		r = make_upper(s, img, upper, err);
		if (r < 0)
			return r;
		if (mkdir(work, 0700) < 0 && errno != EEXIST)
			return cpod_error_set_errno(err, errno, "create %s", work);
		/* index=off as for container layers: the lowers are shared by many mounts */
		opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,index=off", lowers, upper,
		                 work);
		flags = 0;
	} else {
		opts = xasprintf("lowerdir=%s", lowers);
	}
	long page = sysconf(_SC_PAGESIZE);
	if ((long)strlen(opts) >= page)
		return cpod_error_set(err, E2BIG,
		                      "mount image %s: overlay mount options exceed %ld bytes (too "
		                      "many layers)",
		                      img->id, page);
	_cleanup_close_ int ofd =
	        openat(s->graph_fd, "overlay", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ofd < 0)
		return cpod_error_set_errno(err, errno, "open %s/overlay", s->graph_root);
	r = overlay_mount_in_dir(ofd, target, flags, opts);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "mount overlay of image %s at %s", img->id,
		                            target);
	return 0;
}

static int bind_dir(const char *src, const char *target, bool ro, struct cpod_error **err)
{
	if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cpod_error_set_errno(err, errno, "bind %s at %s", src, target);
	if (ro && mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
		int e = errno;
		(void)umount2(target, MNT_DETACH);
		return cpod_error_set_errno(err, e, "remount %s read-only", target);
	}
	return 0;
}

/* vfs read-write: a private copy of the top layer in rw_dir/copy, made once. */
static int vfs_copy(struct store *s, const struct store_image *img, const char *rw_dir, char **ret,
                    struct cpod_error **err)
{
	int r = mkdir_p(rw_dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", rw_dir);
	_cleanup_close_ int dfd = open(rw_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cpod_error_set_errno(err, errno, "open %s", rw_dir);
	struct stat st;
	if (fstatat(dfd, "copy", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		/* built aside and renamed: a copy cut short is never taken for a whole one */
		(void)rm_rf_at(dfd, "copy.tmp");
		_cleanup_free_ char *src = s->ops->diff_path(img->top_layer);
		r = vfs_copy_tree(s->graph_fd, src, dfd, "copy.tmp", err);
		if (r < 0) {
			(void)rm_rf_at(dfd, "copy.tmp");
			return cpod_error_wrap(err, "copy image %s", img->id);
		}
		if (renameat(dfd, "copy.tmp", dfd, "copy") < 0)
			return cpod_error_set_errno(err, errno, "rename %s/copy.tmp", rw_dir);
	}
	*ret = path_join(rw_dir, "copy");
	return 0;
}

int store_image_mount(struct store *s, const char *id, const char *target, const char *rw_dir,
                      struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	int r = store_image_lookup(s, id, &img, err);
	if (r < 0)
		return r;
	if (!img->top_layer) {
		unsigned long flags = MS_NOSUID | MS_NODEV | (rw_dir ? 0 : MS_RDONLY);
		if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0)
			return cpod_error_set_errno(err, errno, "mount tmpfs at %s", target);
		return 0;
	}
	if (s->driver == STORE_DRIVER_OVERLAY)
		return mount_overlay(s, img, target, rw_dir, err);
	if (!rw_dir) {
		_cleanup_free_ char *rel = s->ops->diff_path(img->top_layer);
		_cleanup_free_ char *src = path_join(s->graph_root, rel);
		return bind_dir(src, target, true, err);
	}
	_cleanup_free_ char *copy = NULL;
	r = vfs_copy(s, img, rw_dir, &copy, err);
	if (r < 0)
		return r;
	return bind_dir(copy, target, false, err);
}

int store_image_unmount(const char *target, struct cpod_error **err)
{
	if (umount2(target, 0) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0; /* not mounted (any more) */
	if (errno == EBUSY && umount2(target, MNT_DETACH) == 0)
		return 0;
	return cpod_error_set_errno(err, errno, "unmount %s", target);
}
