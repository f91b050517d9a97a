/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/driver.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Kernel overlayfs, laid out as containers/storage does: overlay/<id>/diff holds the layer's
 * files, overlay/<id>/link a short random name, overlay/l/<short> -> ../<id>/diff, and
 * overlay/<id>/lower the parents as "l/<short>:l/<short>..." (top first). Mount options are
 * limited to one page, so mounts run in a child that chdir()s into overlay/ and passes the
 * short relative paths: 120 layers take ~3.5 KiB.
 */

#define OVERLAY_PROBE_CACHE "storage/overlay-probe"

int overlay_mount_in_dir(int dirfd, const char *target, unsigned long flags, const char *options)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fchdir(dirfd) < 0)
			_exit(errno);
		if (mount("overlay", target, "overlay", flags, options) < 0)
			_exit(errno);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

static int overlay_init(struct store *s, struct cpod_error **err)
{
	static const char *const dirs[] = {"overlay/l", "overlay/empty"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int r = mkdirat_p(s->graph_fd, dirs[i], 0700);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "create %s/%s", s->graph_root,
			                            dirs[i]);
	}
	return 0;
}

static char *overlay_layer_path(const char *id)
{
	return xasprintf("overlay/%s", id);
}

static char *overlay_diff_path(const char *id)
{
	return xasprintf("overlay/%s/diff", id);
}

static char *overlay_link_path(const char *link)
{
	return link ? xasprintf("overlay/l/%s", link) : NULL;
}

static void random_link(char out[STORE_LINK_LEN + 1])
{
	char hex[65];
	id_random(hex);
	for (size_t i = 0; i < STORE_LINK_LEN; i++)
		out[i] = (char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]);
	out[STORE_LINK_LEN] = '\0';
}

/* The parent's lowers, top first, as "l/<short>[:...]"; "" for a base layer. */
static int lower_of_child(struct store *s, const struct layer_row *parent, char **ret,
                          struct cpod_error **err)
{
	if (!parent) {
		*ret = xstrdup("");
		return 0;
	}
	if (!parent->link)
		return cpod_error_set(err, EINVAL, "layer %s has no overlay link", parent->pub.id);
	_cleanup_free_ char *plower = NULL;
	_cleanup_free_ char *path = xasprintf("overlay/%s/lower", parent->pub.id);
	int r = read_file_at(s->graph_fd, path, STORE_LOWER_MAX, &plower, NULL);
	if (r == -ENOENT)
		plower = NULL;
	else if (r < 0)
		return cpod_error_set_errno(err, -r, "read %s/%s", s->graph_root, path);
	if (plower && *plower)
		*ret = xasprintf("l/%s:%s", parent->link, plower);
	else
		*ret = xasprintf("l/%s", parent->link);
	return 0;
}

static int overlay_stage(struct store *s, int stage_fd, const struct layer_row *parent, bool rw,
                         int *ret_apply_fd, char **ret_link, struct cpod_error **err)
{
	static const char *const rw_dirs[] = {"layer/work", "layer/merged"};
	if (mkdirat(stage_fd, "layer", 0700) < 0 || mkdirat(stage_fd, "layer/diff", 0755) < 0)
		return cpod_error_set_errno(err, errno, "create layer directory");
	for (size_t i = 0; rw && i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++) {
		if (mkdirat(stage_fd, rw_dirs[i], 0700) < 0)
			return cpod_error_set_errno(err, errno, "create layer directory");
	}
	_cleanup_free_ char *lower = NULL;
	int r = lower_of_child(s, parent, &lower, err);
	if (r < 0)
		return r;
	if (*lower) {
		r = write_file_atomic_at(stage_fd, "layer/lower", lower, strlen(lower), 0644,
		                         false);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "write layer lower file");
	}
	_cleanup_free_ char *link = NULL;
	if (!rw) {
		char l[STORE_LINK_LEN + 1];
		random_link(l);
		r = write_file_atomic_at(stage_fd, "layer/link", l, STORE_LINK_LEN, 0644, false);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "write layer link file");
		link = xstrdup(l);
	}
	int fd = openat(stage_fd, "layer/diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open layer directory");
	*ret_apply_fd = fd;
	*ret_link = TAKE_PTR(link);
	return 0;
}

static int overlay_publish(struct store *s, const char *id, const char *link,
                           struct cpod_error **err)
{
	if (!link)
		return 0;
	_cleanup_free_ char *target = xasprintf("../%s/diff", id);
	_cleanup_free_ char *path = xasprintf("overlay/l/%s", link);
	if (symlinkat(target, s->graph_fd, path) < 0 && errno != EEXIST)
		return cpod_error_set_errno(err, errno, "create %s/%s", s->graph_root, path);
	return 0;
}

static char *overlay_mount_path(struct store *s, const char *id)
{
	return xasprintf("%s/overlay/%s/merged", s->graph_root, id);
}

static bool overlay_is_mounted(struct store *s, const char *id)
{
	_cleanup_free_ char *dir = xasprintf("overlay/%s", id);
	_cleanup_free_ char *merged = xasprintf("overlay/%s/merged", id);
	struct stat a, b;
	if (fstatat(s->graph_fd, dir, &a, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fstatat(s->graph_fd, merged, &b, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

static int overlay_mount(struct store *s, const char *id, char **ret_path, struct cpod_error **err)
{
	_cleanup_free_ char *lower = NULL;
	_cleanup_free_ char *lower_path = xasprintf("overlay/%s/lower", id);
	int r = read_file_at(s->graph_fd, lower_path, STORE_LOWER_MAX, &lower, NULL);
	if (r == -ENOENT)
		lower = xstrdup("empty"); /* an image without layers */
	else if (r < 0)
		return cpod_error_set_errno(err, -r, "read %s/%s", s->graph_root, lower_path);
	/* index=off as containers/storage does: the lowers are shared by many mounts */
	_cleanup_free_ char *opts =
	        xasprintf("lowerdir=%s,upperdir=%s/diff,workdir=%s/work,index=off", lower, id, id);
	long page = sysconf(_SC_PAGESIZE);
	if ((long)strlen(opts) >= page)
		return cpod_error_set(err, E2BIG,
		                      "mount container layer %s: overlay mount options exceed %ld "
		                      "bytes (too many layers)",
		                      id, page);
	_cleanup_close_ int ofd =
	        openat(s->graph_fd, "overlay", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ofd < 0)
		return cpod_error_set_errno(err, errno, "open %s/overlay", s->graph_root);
	_cleanup_free_ char *target = xasprintf("%s/merged", id);
	r = overlay_mount_in_dir(ofd, target, 0, opts);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "mount overlay at %s/overlay/%s",
		                            s->graph_root, target);
	*ret_path = overlay_mount_path(s, id);
	return 0;
}

static int overlay_unmount(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_free_ char *path = overlay_mount_path(s, id);
	if (umount2(path, 0) == 0)
		return 0;
	if (errno == EBUSY && umount2(path, MNT_DETACH) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0; /* not mounted */
	return cpod_error_set_errno(err, errno, "unmount %s", path);
}

const struct driver_ops overlay_driver_ops = {
        .name = "overlay",
        .whiteouts = TAR_WHITEOUT_OVERLAY,
        .init = overlay_init,
        .layer_path = overlay_layer_path,
        .diff_path = overlay_diff_path,
        .stage = overlay_stage,
        .publish = overlay_publish,
        .link_path = overlay_link_path,
        .mount = overlay_mount,
        .unmount = overlay_unmount,
        .mount_path = overlay_mount_path,
        .is_mounted = overlay_is_mounted,
};

static int probe_mount(struct store *s, char **ret_reason, struct cpod_error **err)
{
	static const char *const dirs[] = {"lower", "upper", "work", "merged"};
	struct store_stage st = {NULL, -1};
	int r = store_stage_new(s, &st, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (mkdirat(st.fd, dirs[i], 0700) < 0) {
			r = cpod_error_set_errno(err, errno, "overlay probe: create %s", dirs[i]);
			store_stage_release(s, &st);
			return r;
		}
	}
	r = overlay_mount_in_dir(st.fd, "merged", 0, "lowerdir=lower,upperdir=upper,workdir=work");
	if (r == 0) {
		_cleanup_free_ char *m = xasprintf("%s/%s/merged", s->graph_root, st.name);
		if (umount2(m, 0) < 0)
			umount2(m, MNT_DETACH);
		*ret_reason = xasprintf("kernel overlay mount works on %s", s->backing_fs);
	} else {
		*ret_reason =
		        xasprintf("overlay mount failed on %s: %s", s->backing_fs, strerror(-r));
		r = -r; /* a positive value: probe failed */
	}
	store_stage_release(s, &st);
	return r;
}

int overlay_probe(struct store *s, bool *ret_ok, char **ret_reason, struct cpod_error **err)
{
	_cleanup_free_ char *cached = NULL;
	if (read_file_at(s->run_fd, OVERLAY_PROBE_CACHE, 4096, &cached, NULL) == 0 &&
	    (strncmp(cached, "ok\n", 3) == 0 || strncmp(cached, "no\n", 3) == 0)) {
		*ret_ok = cached[0] == 'o';
		*ret_reason = xstrdup(cached + 3);
		return 0;
	}
	_cleanup_free_ char *reason = NULL;
	int r = probe_mount(s, &reason, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *line = xasprintf("%s\n%s", r == 0 ? "ok" : "no", reason);
	int w = write_file_atomic_at(s->run_fd, OVERLAY_PROBE_CACHE, line, strlen(line), 0600,
	                             false);
	if (w < 0)
		log_debug("cache overlay probe result: %s", strerror(-w));
	*ret_ok = r == 0;
	*ret_reason = TAKE_PTR(reason);
	return 0;
}
