/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container side of mounts at init and cleanup: mount the volumes (counted), copy-up
 * and chown on first use, U (recursive chown to the container's user), O (an overlay of a
 * host directory with its upper and work directories in the container's userdata), image
 * mounts (the image mounted in the userdata, see setup_image), and the OCI mounts for the
 * spec. Undone by container_mounts_teardown() when the container
 * stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "engine/volume-internal.h"
#include "image/image.h"
#include "engine/isolation-internal.h"
#include "runtime/idmap-mount.h"
#include "runtime/spec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static char **json_strv(const json_t *a)
{
	char **v = xnew(char *, 1);
	size_t i;
	json_t *s;
	json_array_foreach(a, i, s) if (json_is_string(s)) strv_push(&v, json_string_value(s));
	return v;
}

static json_t *oci_mount(const char *dest, const char *type, const char *source,
                         char *const *processed)
{
	_cleanup_strv_free_ char **opts = volume_spec_options(processed);
	json_t *a = json_array();
	STRV_FOREACH(o, opts)
	json_array_append_new(a, json_string(*o));
	return json_pack("{s:s,s:s,s:s,s:o}", "destination", dest, "type", type, "source", source,
	                 "options", a);
}

static char *overlay_dir(struct engine *e, const struct container *c, size_t idx)
{
	_cleanup_free_ char *ud = container_userdata_dir(e, c->config.id, false);
	return xasprintf("%s/overlay/%zu", ud, idx);
}

static int setup_overlay(struct engine *e, const struct container *c, size_t idx,
                         const char *source, char **ret_merged, struct cpod_error **err)
{
	_cleanup_free_ char *dir = overlay_dir(e, c, idx);
	_cleanup_free_ char *upper = path_join(dir, "upper");
	_cleanup_free_ char *work = path_join(dir, "work");
	_cleanup_free_ char *merged = path_join(dir, "merged");
	int r = mkdir_p(upper, 0755);
	if (r >= 0)
		r = mkdir_p(work, 0700);
	if (r >= 0)
		r = mkdir_p(merged, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "creating overlay directories in %s", dir);
	_cleanup_free_ char *data =
	        xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", source, upper, work);
	if (strlen(data) >= 4096)
		return cpod_error_set(err, ENAMETOOLONG, "overlay mount of %s: paths too long",
		                      source);
	if (mount("overlay", merged, "overlay", 0, data) < 0)
		return cpod_error_set_errno(err, errno, "mounting overlay of %s on %s", source,
		                            merged);
	*ret_merged = TAKE_PTR(merged);
	return 0;
}

static char *image_dir(struct engine *e, const struct container *c, size_t idx)
{
	_cleanup_free_ char *ud = container_userdata_dir(e, c->config.id, false);
	return xasprintf("%s/image-volumes/%zu", ud, idx);
}

static void teardown_image(struct engine *e, const struct container *c, size_t idx)
{
	_cleanup_free_ char *dir = image_dir(e, c, idx);
	_cleanup_free_ char *merged = path_join(dir, "merged");
	struct cpod_error *uerr = NULL;
	if (store_image_unmount(merged, &uerr) < 0) {
		log_debug("image volume of %s: %s", c->config.id, uerr->msg);
		cpod_error_free(uerr);
		return; /* still mounted: rm -rf must not go near it */
	}
	/* a new upper directory at every start, as Podman's overlay.TempDir */
	_cleanup_free_ char *rw = path_join(dir, "rw");
	(void)rm_rf_at(AT_FDCWD, rw);
}

/*
 * --mount type=image (Podman 4.3 generateSpec): the image is looked up by the name the user
 * gave, now rather than at create, and mounted below the container's userdata: read-only, or
 * with an upper directory there for rw=true, so the image's layers never change.
 */
static int setup_image(struct engine *e, const struct container *c, size_t idx, const json_t *m,
                       char **ret_merged, struct cpod_error **err)
{
	const char *src = json_get_string(m, "source") ?: "";
	const char *dest = json_get_string(m, "destination");
	bool rw = json_is_true(json_object_get(m, "rw"));
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	struct image_lookup_opts lo = {0};
	int r = image_lookup(s, src, &lo, &img, NULL, err);
	if (r < 0)
		return cpod_error_wrap(err, "creating image volume \"%s\":\"%s\"", src, dest);
	_cleanup_free_ char *dir = image_dir(e, c, idx);
	_cleanup_free_ char *merged = path_join(dir, "merged");
	_cleanup_free_ char *rwdir = path_join(dir, "rw");
	/* whatever a killed cpod left: a stale mount and the old writes */
	teardown_image(e, c, idx);
	r = mkdir_p(merged, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "creating %s", merged);
	r = store_image_mount(s, img->id, merged, rw ? rwdir : NULL, err);
	if (r < 0) {
		(void)rm_rf_at(AT_FDCWD, rwdir);
		return cpod_error_wrap(err, "mounting image volume \"%s\":\"%s\"", src, dest);
	}
	*ret_merged = TAKE_PTR(merged);
	return 0;
}

/* Mount one volume for the container; counted in the volume's state. */
/* who owns what cpod chowns for the container */
struct owner {
	uid_t uid;
	gid_t gid;
};

static int setup_volume(struct engine *e, const json_t *m, const char *rootfs,
                        const struct owner *u, struct cpod_error **err)
{
	const char *name = json_get_string(m, "name");
	_cleanup_(volume_freep) struct volume *v = NULL;
	_cleanup_close_ int lock = -1;
	int r = volume_get_locked(e, name, &v, &lock, err);
	if (r < 0)
		return cpod_error_wrap(err, "mounting volume %s", name ? name : "");
	r = volume_mount_locked(e, v, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **opts = json_strv(json_object_get(m, "options"));
	r = volume_first_use_locked(e, v, rootfs, json_get_string(m, "destination"),
	                            !strv_contains(opts, "nocopy"), u->uid, u->gid, err);
	if (r >= 0 && strv_contains(opts, "U"))
		r = volume_chown_tree(v->mountpoint, u->uid, u->gid, err);
	if (r < 0) {
		struct cpod_error *uerr = NULL;
		if (volume_unmount_locked(e, v, &uerr) < 0)
			cpod_error_free(uerr);
	}
	return r;
}

static void teardown_n(struct engine *e, const struct container *c, size_t n)
{
	const json_t *mounts = json_object_get(c->config.spec_extra, "mounts");
	for (size_t i = 0; i < n && i < json_array_size(mounts); i++) {
		const json_t *m = json_array_get(mounts, i);
		const char *type = json_get_string(m, "type") ?: "";
		struct cpod_error *uerr = NULL;
		if (!strcmp(type, "overlay")) {
			_cleanup_free_ char *dir = overlay_dir(e, c, i);
			_cleanup_free_ char *merged = path_join(dir, "merged");
			if (umount2(merged, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
				log_debug("unmounting %s: %m", merged);
			continue;
		}
		if (!strcmp(type, "image")) {
			teardown_image(e, c, i);
			continue;
		}
		if (strcmp(type, "volume") != 0)
			continue;
		_cleanup_(volume_freep) struct volume *v = NULL;
		_cleanup_close_ int lock = -1;
		if (volume_get_locked(e, json_get_string(m, "name"), &v, &lock, &uerr) < 0 ||
		    volume_unmount_locked(e, v, &uerr) < 0) {
			log_debug("unmounting volume of %s: %s", c->config.id, uerr->msg);
			cpod_error_free(uerr);
		}
	}
}

void container_mounts_teardown(struct engine *e, const struct container *c)
{
	teardown_n(e, c, SIZE_MAX);
}

int container_mounts_setup(struct engine *e, const struct container *c, const char *rootfs,
                           json_t **ret, struct cpod_error **err)
{
	const json_t *mounts = json_object_get(c->config.spec_extra, "mounts");
	_cleanup_json_ json_t *out = json_array();
	struct spec_user su = {0};
	if (json_array_size(mounts) > 0) {
		struct cpod_error *uerr = NULL;
		/* the user's own error is reported by the spec generator later */
		if (spec_user_resolve(rootfs, c->config.user ? c->config.user : "", &su, &uerr) < 0)
			cpod_error_free(uerr);
	}
	/*
	 * Under --uidmap/--gidmap, what cpod chowns for the container (a new volume's root, U)
	 * gets the host ids of the container's user, as Podman does; an idmapped mount shows
	 * host ids as they are, so it keeps the container's.
	 */
	struct owner mapped = {su.uid, su.gid}, plain = {su.uid, su.gid};
	container_map_ids(c, &mapped.uid, &mapped.gid);
	size_t i;
	json_t *m;
	int r = 0;
	json_array_foreach(mounts, i, m)
	{
		const char *type = json_get_string(m, "type") ?: "";
		const char *dest = json_get_string(m, "destination");
		const char *src = json_get_string(m, "source");
		_cleanup_strv_free_ char **opts = json_strv(json_object_get(m, "options"));
		if (!dest)
			continue;
		bool idmapped = false;
		STRV_FOREACH(o, opts)
		idmapped |= idmap_mount_is_option(*o);
		const struct owner u = idmapped ? plain : mapped;
		if (!strcmp(type, "volume")) {
			r = setup_volume(e, m, rootfs, &u, err);
			if (r >= 0)
				json_array_append_new(out, oci_mount(dest, "bind", src, opts));
		} else if (!strcmp(type, "bind")) {
			if (strv_contains(opts, "U"))
				r = volume_chown_tree(src, u.uid, u.gid, err);
			if (r >= 0)
				json_array_append_new(out, oci_mount(dest, "bind", src, opts));
		} else if (!strcmp(type, "overlay")) {
			_cleanup_free_ char *merged = NULL;
			r = setup_overlay(e, c, i, src, &merged, err);
			if (r >= 0 && strv_contains(opts, "U"))
				r = volume_chown_tree(merged, u.uid, u.gid, err);
			char *const bind_opts[] = {"rw", "rprivate", "rbind", NULL};
			if (r >= 0)
				json_array_append_new(out,
				                      oci_mount(dest, "bind", merged, bind_opts));
		} else if (!strcmp(type, "image")) {
			_cleanup_free_ char *merged = NULL;
			r = setup_image(e, c, i, m, &merged, err);
			char *const bind_opts[] = {strv_contains(opts, "rw") ? "rw" : "ro",
			                           "rprivate", "rbind", NULL};
			if (r >= 0)
				json_array_append_new(out,
				                      oci_mount(dest, "bind", merged, bind_opts));
		} else if (!strcmp(type, "tmpfs")) {
			json_array_append_new(out, oci_mount(dest, "tmpfs", "tmpfs", opts));
		} else if (!strcmp(type, "devpts")) {
			json_array_append_new(out, oci_mount(dest, "devpts", "devpts", opts));
		}
		if (r < 0) {
			teardown_n(e, c, i);
			spec_user_release(&su);
			return r;
		}
	}
	spec_user_release(&su);
	*ret = TAKE_PTR(out);
	return 0;
}
