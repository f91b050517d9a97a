/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "storage/driver.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * vfs: every layer is a complete directory tree, vfs/dir/<id>: a copy of its parent with its
 * own tar applied on top (whiteouts delete). Slow and large, but works everywhere; a
 * container's root is simply its layer's directory.
 */

static int vfs_init(struct store *s, struct cpod_error **err)
{
	int r = mkdirat_p(s->graph_fd, "vfs/dir", 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s/vfs/dir", s->graph_root);
	return 0;
}

static char *vfs_layer_path(const char *id)
{
	return xasprintf("vfs/dir/%s", id);
}

static int vfs_stage(struct store *s, int stage_fd, const struct layer_row *parent, bool rw,
                     int *ret_apply_fd, char **ret_link, struct cpod_error **err)
{
	if (parent) {
		_cleanup_free_ char *src = vfs_layer_path(parent->pub.id);
		int r = vfs_copy_tree(s->graph_fd, src, stage_fd, "layer", err);
		if (r < 0)
			return cpod_error_wrap(err, "copy layer %s", parent->pub.id);
	} else if (mkdirat(stage_fd, "layer", 0755) < 0) {
		return cpod_error_set_errno(err, errno, "create layer directory");
	}
	int fd = openat(stage_fd, "layer", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open layer directory");
	*ret_apply_fd = fd;
	*ret_link = NULL;
	return 0;
}

static int vfs_publish(struct store *s, const char *id, const char *link, struct cpod_error **err)
{
	return 0;
}

static char *vfs_link_path(const char *link)
{
	return NULL;
}

static char *vfs_mount_path(struct store *s, const char *id)
{
	return xasprintf("%s/vfs/dir/%s", s->graph_root, id);
}

static int vfs_mount(struct store *s, const char *id, char **ret_path, struct cpod_error **err)
{
	*ret_path = vfs_mount_path(s, id);
	return 0;
}

static int vfs_unmount(struct store *s, const char *id, struct cpod_error **err)
{
	return 0;
}

static bool vfs_is_mounted(struct store *s, const char *id)
{
	return true; /* nothing to mount: the directory is the root */
}

const struct driver_ops vfs_driver_ops = {
        .name = "vfs",
        .whiteouts = TAR_WHITEOUT_DELETE,
        .init = vfs_init,
        .layer_path = vfs_layer_path,
        .diff_path = vfs_layer_path,
        .stage = vfs_stage,
        .publish = vfs_publish,
        .link_path = vfs_link_path,
        .mount = vfs_mount,
        .unmount = vfs_unmount,
        .mount_path = vfs_mount_path,
        .is_mounted = vfs_is_mounted,
};
