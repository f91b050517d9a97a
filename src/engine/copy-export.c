/* SPDX-License-Identifier: Apache-2.0 */
/* `export`, `mount`, `unmount` and the list of mounted containers (copy.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/copy.h"
#include "storage/store.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

int container_mount(struct engine *e, const char *key, char **ret_path, char **ret_id,
                    struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if ((r = container_rootfs_refuse(c, "mount", err)) < 0)
		return r;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	r = store_container_mount(s, c->config.id, ret_path, err);
	if (r < 0)
		return cpod_error_wrap(err, "mounting container %s", c->config.id);
	if (ret_id)
		*ret_id = xstrdup(c->config.id);
	return 0;
}

int container_unmount(struct engine *e, const char *key, bool force, char **ret_id,
                      struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	int n = store_container_mounted(s, c->config.id, err);
	if (n < 0)
		return n;
	/* the runtime's own mount of a running container is not the user's to drop */
	int own = container_status_active(c->state.status) ? 1 : 0;
	if (n > own) {
		if (force && own) {
			for (int i = own; i < n && r >= 0; i++)
				r = store_container_unmount(s, c->config.id, false, err);
		} else {
			r = store_container_unmount(s, c->config.id, force, err);
		}
		if (r < 0)
			return cpod_error_wrap(err, "unmounting container %s", c->config.id);
	}
	if (ret_id)
		*ret_id = xstrdup(c->config.id);
	return 0;
}

int container_mount_list(struct engine *e, json_t **ret, struct cpod_error **err)
{
	struct container **v = NULL;
	size_t n = 0;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	int r = container_list(e, &v, &n, err);
	if (r < 0)
		return r;
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct container *c = v[i];
		if (store_container_mounted(s, c->config.id, NULL) <= 0)
			continue;
		_cleanup_free_ char *path = NULL;
		/* the merged path without taking a reference: mount then drop ours */
		if (store_container_mount(s, c->config.id, &path, NULL) < 0)
			continue;
		(void)store_container_unmount(s, c->config.id, false, NULL);
		json_t *o = json_object();
		json_object_set_new(o, "ID", json_string(c->config.id));
		json_t *names = json_array();
		json_array_append_new(names, json_string(c->config.name));
		json_object_set_new(o, "Names", names);
		json_object_set_new(o, "Path", json_string(path));
		json_array_append_new(out, o);
	}
	container_list_free(v, n);
	*ret = out;
	return 0;
}

int container_export(struct engine *e, const char *key, int out_fd, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	if ((r = container_rootfs_refuse(c, "export", err)) < 0)
		return r;
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	_cleanup_free_ char *path = NULL;
	r = store_container_mount(s, c->config.id, &path, err);
	if (r < 0)
		return cpod_error_wrap(err, "mounting container %s", c->config.id);
	int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		r = cpod_error_set_errno(err, errno, "open %s", path);
	} else {
		struct copy_tar_opts o = {0};
		r = copy_tar_write(root, &o, out_fd, err);
		close(root);
	}
	struct cpod_error *uerr = NULL;
	if (store_container_unmount(s, c->config.id, false, &uerr) < 0) {
		log_debug("unmount %s after export: %s", c->config.id, uerr->msg);
		cpod_error_free(uerr);
	}
	return r;
}
