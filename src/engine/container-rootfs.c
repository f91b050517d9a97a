/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --rootfs PATH[:O]: a container whose root file system is a directory of the host instead
 * of an image (Podman 4.3's SpecGenerator.Rootfs and RootfsOverlay). The directory itself
 * is the root, so the container's writes land in it; with ":O" an overlay with the directory
 * as its lower layer is mounted at userdata/rootfs-overlay/merged and the writes stay in
 * its upper directory, removed with the container. The store still has the container (an
 * empty layer) for its userdata directories; rm never touches PATH.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

/* mount(2) takes one page of options */
#define OVERLAY_OPTS_MAX 4000

int container_rootfs_parse(const char *arg, json_t *extra, struct cpod_error **err)
{
	_cleanup_free_ char *path = xstrdup(arg);
	bool overlay = false;
	char *colon = strrchr(path, ':');
	/* 4.3 knows only ":O"; anything else stays part of the path */
	if (colon && strcmp(colon + 1, "O") == 0) {
		*colon = '\0';
		overlay = true;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return cpod_error_set_errno(err, errno, "running container create option: stat %s",
		                            path);
	json_object_set_new(extra, "rootfs", json_string(path));
	if (overlay)
		json_object_set_new(extra, "rootfs_overlay", json_true());
	return 0;
}

const char *container_rootfs_path(const struct container_config *cc)
{
	return json_string_value(json_object_get(cc->spec_extra, "rootfs"));
}

static char *overlay_dir(struct store *s, const char *id, const char *sub, struct cpod_error **err)
{
	_cleanup_free_ char *ud = NULL;
	if (store_container_dir(s, id, false, &ud, err) < 0)
		return NULL;
	_cleanup_free_ char *base = path_join(ud, "rootfs-overlay");
	return path_join(base, sub);
}

static bool is_mountpoint(const char *path)
{
	struct stat a, b;
	_cleanup_free_ char *parent = path_join(path, "..");
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

static int overlay_mount(struct store *s, const struct container_config *cc, const char *lower,
                         char **ret_path, struct cpod_error **err)
{
	_cleanup_free_ char *upper = overlay_dir(s, cc->id, "upper", err);
	_cleanup_free_ char *work = upper ? overlay_dir(s, cc->id, "work", err) : NULL;
	_cleanup_free_ char *merged = work ? overlay_dir(s, cc->id, "merged", err) : NULL;
	if (!merged)
		return -EIO;
	if (is_mountpoint(merged)) {
		*ret_path = TAKE_PTR(merged);
		return 0;
	}
	int r = mkdir_p(upper, 0755);
	if (r >= 0)
		r = mkdir_p(work, 0700);
	if (r >= 0)
		r = mkdir_p(merged, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "creating the overlay of rootfs %s", lower);
	if (strpbrk(lower, ",:"))
		return cpod_error_set(err, EINVAL, "rootfs %s: ',' and ':' cannot be in an overlay",
		                      lower);
	_cleanup_free_ char *opts =
	        xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (strlen(opts) > OVERLAY_OPTS_MAX)
		return cpod_error_set(err, ENAMETOOLONG, "overlay options for rootfs %s", lower);
	if (mount("overlay", merged, "overlay", 0, opts) < 0)
		return cpod_error_set_errno(err, errno, "mounting the overlay of rootfs %s", lower);
	*ret_path = TAKE_PTR(merged);
	return 0;
}

int container_rootfs_mount(struct store *s, const struct container_config *cc, char **ret_path,
                           struct cpod_error **err)
{
	const char *path = container_rootfs_path(cc);
	if (!path)
		return store_container_mount(s, cc->id, ret_path, err);
	if (json_is_true(json_object_get(cc->spec_extra, "rootfs_overlay")))
		return overlay_mount(s, cc, path, ret_path, err);
	struct stat st;
	if (stat(path, &st) < 0)
		return cpod_error_set_errno(err, errno, "stat %s", path);
	*ret_path = xstrdup(path);
	return 0;
}

int container_rootfs_unmount(struct store *s, const struct container_config *cc, bool force,
                             struct cpod_error **err)
{
	if (!container_rootfs_path(cc))
		return store_container_unmount(s, cc->id, force, err);
	if (!json_is_true(json_object_get(cc->spec_extra, "rootfs_overlay")))
		return 0;
	_cleanup_free_ char *merged = overlay_dir(s, cc->id, "merged", err);
	if (!merged)
		return -EIO;
	if (is_mountpoint(merged) && umount2(merged, MNT_DETACH) < 0 && errno != EINVAL &&
	    errno != ENOENT)
		return cpod_error_set_errno(err, errno, "unmounting %s", merged);
	return 0;
}

int container_rootfs_refuse(const struct container *c, const char *verb, struct cpod_error **err)
{
	if (!container_rootfs_path(&c->config))
		return 0;
	return cpod_error_set(err, ENOTSUP,
	                      "container %s was created with --rootfs: %s is not supported for "
	                      "such containers yet (use the directory %s directly)",
	                      c->config.name, verb, container_rootfs_path(&c->config));
}
