/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storage/driver.h"
#include "storage/store-internal.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Container read-write layers and their mounts. Mount counts are small files in the run
 * root (run_root/storage/mounts/<id>), which is tmpfs: they vanish at reboot together with
 * the mounts they count, and a changed boot ID resets them when the run root is not tmpfs.
 */

#define CONTAINER_ID_MAX 128

struct store_container *store_container_free(struct store_container *c)
{
	if (!c)
		return NULL;
	free(c->id);
	free(c->image_id);
	free(c->layer_id);
	free(c);
	return NULL;
}

static bool container_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > CONTAINER_ID_MAX || id[0] == '.')
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int container_load(struct store *s, const char *id, struct store_container **ret,
                          struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s, "SELECT id, image_id, layer_id, created FROM containers WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return cpod_error_set(err, ENOENT, "container %s not known to storage", id);
	if (rc != SQLITE_ROW)
		return store_db_error(s, err, "storage database");
	struct store_container *c = xnew(struct store_container, 1);
	c->id = store_db_col_str(st, 0);
	c->image_id = store_db_col_str(st, 1);
	c->layer_id = store_db_col_str(st, 2);
	c->created = sqlite3_column_int64(st, 3);
	*ret = c;
	return 0;
}

int store_container_get(struct store *s, const char *id, struct store_container **ret,
                        struct cpod_error **err)
{
	if (!container_id_valid(id))
		return cpod_error_set(err, EINVAL, "invalid container ID \"%s\"", id);
	return container_load(s, id, ret, err);
}

/* The image's top layer ID (NULL for an image without layers). */
static int image_top_layer(struct store *s, const char *image_id, char **ret,
                           struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "SELECT top_layer FROM images WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, image_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return cpod_error_set(err, ENOENT, "%s: image not known", image_id);
	if (rc != SQLITE_ROW)
		return store_db_error(s, err, "storage database");
	*ret = store_db_col_str(st, 0);
	return 0;
}

static int container_record(struct store *s, const char *id, const char *image_id,
                            const struct layer_row *row, struct cpod_error **err)
{
	int r = store_db_begin(s, err);
	if (r < 0)
		return r;
	r = store_layer_record(s, row, err);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (r >= 0)
		r = store_db_prepare(s,
		                     "INSERT INTO containers (id, image_id, layer_id, created) "
		                     "VALUES (?, ?, ?, ?)",
		                     &st, err);
	if (r >= 0) {
		store_db_bind_text(st, 1, id);
		store_db_bind_text(st, 2, image_id);
		store_db_bind_text(st, 3, row->pub.id);
		sqlite3_bind_int64(st, 4, row->pub.created);
		r = store_db_step_done(s, st, err);
	}
	_cleanup_free_ char *cdir = xasprintf("containers/%s", id);
	if (r >= 0)
		r = store_gc_forget(s, cdir, err);
	if (r < 0) {
		store_db_rollback(s);
		return r;
	}
	return store_db_commit(s, err);
}

static int container_create_locked(struct store *s, const char *id, const char *image_id,
                                   struct store_stage *stage, const struct layer_row *row,
                                   struct cpod_error **err)
{
	_cleanup_(store_container_freep) struct store_container *old = NULL;
	struct cpod_error *e = NULL;
	if (container_load(s, id, &old, &e) == 0)
		return cpod_error_set(err, EEXIST, "container %s already exists", id);
	int code = e ? e->code : 0;
	cpod_error_free(e);
	if (code != ENOENT)
		return cpod_error_set(err, code ? code : EIO, "look up container %s", id);
	_cleanup_free_ char *cdir = xasprintf("containers/%s", id);
	int r = mkdirat_p(s->graph_fd, "containers", 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s/containers", s->graph_root);
	r = store_layer_place(s, stage, row, "cdir", cdir, err);
	if (r < 0)
		return r;
	return container_record(s, id, image_id, row, err);
}

int store_container_create(struct store *s, const char *id, const char *image_id,
                           struct store_container **ret, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0)
		return r;
	if (!container_id_valid(id))
		return cpod_error_set(err, EINVAL, "invalid container ID \"%s\"", id);
	_cleanup_free_ char *top = NULL;
	if (image_id && (r = image_top_layer(s, image_id, &top, err)) < 0)
		return cpod_error_wrap(err, "create container %s", id);
	struct layer_row parent = {0};
	if (top && (r = store_layer_load(s, top, &parent, err)) < 0)
		return cpod_error_wrap(err, "create container %s", id);

	struct layer_row row = {0};
	struct store_stage stage = {NULL, -1};
	int apply_fd = -1;
	r = store_layer_stage(s, top ? &parent : NULL, true, &stage, &apply_fd, &row.link, err);
	layer_row_release(&parent);
	if (r < 0)
		return cpod_error_wrap(err, "create container %s", id);
	close(apply_fd);
	if (mkdirat(stage.fd, "cdir", 0700) < 0 || mkdirat(stage.fd, "cdir/userdata", 0700) < 0) {
		r = cpod_error_set_errno(err, errno, "create container directory");
		goto out;
	}
	char lid[65];
	id_random(lid);
	row.pub.id = xstrdup(lid);
	row.pub.parent = xstrdup_or_null(top);
	row.pub.created = time(NULL);
	row.rw = true;
	if ((r = store_lock(s, err)) < 0)
		goto out;
	r = container_create_locked(s, id, image_id, &stage, &row, err);
	store_unlock(s);
	if (r >= 0 && ret) {
		struct store_container *c = xnew(struct store_container, 1);
		c->id = xstrdup(id);
		c->image_id = xstrdup_or_null(image_id);
		c->layer_id = xstrdup(lid);
		c->created = row.pub.created;
		*ret = c;
	}
out:
	store_stage_release(s, &stage);
	layer_row_release(&row);
	if (r < 0)
		return cpod_error_wrap(err, "create container %s", id);
	return 0;
}

static char *count_path(const char *id)
{
	return xasprintf("storage/mounts/%s", id);
}

static int read_count(struct store *s, const char *id)
{
	_cleanup_free_ char *p = count_path(id);
	_cleanup_free_ char *data = NULL;
	if (read_file_at(s->run_fd, p, 64, &data, NULL) < 0)
		return 0;
	char *end = NULL;
	long v = strtol(data, &end, 10);
	if (end == data || v < 0 || v > 1000000)
		return 0;
	return (int)v;
}

static int write_count(struct store *s, const char *id, int count, struct cpod_error **err)
{
	_cleanup_free_ char *p = count_path(id);
	if (count <= 0) {
		if (unlinkat(s->run_fd, p, 0) < 0 && errno != ENOENT)
			return cpod_error_set_errno(err, errno, "remove %s/%s", s->run_root, p);
		return 0;
	}
	int r = mkdirat_p(s->run_fd, "storage/mounts", 0700);
	_cleanup_free_ char *v = xasprintf("%d\n", count);
	if (r == 0)
		r = write_file_atomic_at(s->run_fd, p, v, strlen(v), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s/%s", s->run_root, p);
	return 0;
}

static int mount_locked(struct store *s, const char *id, char **ret_path, struct cpod_error **err)
{
	_cleanup_(store_container_freep) struct store_container *c = NULL;
	int r = container_load(s, id, &c, err);
	if (r < 0)
		return r;
	int count = read_count(s, id);
	if (!s->ops->is_mounted(s, c->layer_id)) {
		if (count > 0)
			log_debug("container %s: mount count %d but not mounted, remounting", id,
			          count);
		count = 0;
		r = s->ops->mount(s, c->layer_id, ret_path, err);
		if (r < 0)
			return r;
	} else {
		*ret_path = s->ops->mount_path(s, c->layer_id);
	}
	return write_count(s, id, count + 1, err);
}

int store_container_mount(struct store *s, const char *id, char **ret_path, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0 || (r = store_lock(s, err)) < 0)
		return r;
	char *path = NULL;
	r = mount_locked(s, id, &path, err);
	store_unlock(s);
	if (r < 0) {
		free(path);
		return cpod_error_wrap(err, "mount container %s", id);
	}
	*ret_path = path;
	return 0;
}

static int unmount_locked(struct store *s, const struct store_container *c, bool force,
                          struct cpod_error **err)
{
	int count = read_count(s, c->id);
	if (force || count <= 1) {
		if (s->ops->is_mounted(s, c->layer_id)) {
			int r = s->ops->unmount(s, c->layer_id, err);
			if (r < 0)
				return r;
		}
		count = 0;
	} else {
		count--;
	}
	return write_count(s, c->id, count, err);
}

int store_container_unmount(struct store *s, const char *id, bool force, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0 || (r = store_lock(s, err)) < 0)
		return r;
	_cleanup_(store_container_freep) struct store_container *c = NULL;
	r = container_load(s, id, &c, err);
	if (r >= 0)
		r = unmount_locked(s, c, force, err);
	store_unlock(s);
	if (r < 0)
		return cpod_error_wrap(err, "unmount container %s", id);
	return 0;
}

int store_container_mounted(struct store *s, const char *id, struct cpod_error **err)
{
	if (!container_id_valid(id))
		return cpod_error_set(err, EINVAL, "invalid container ID \"%s\"", id);
	return read_count(s, id);
}

static int delete_locked(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_(store_container_freep) struct store_container *c = NULL;
	int r = container_load(s, id, &c, err);
	if (r < 0)
		return r;
	if ((r = unmount_locked(s, c, true, err)) < 0)
		return r;
	if ((r = store_db_begin(s, err)) < 0)
		return r;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = store_db_prepare(s, "DELETE FROM containers WHERE id = ?", &st, err);
	if (r >= 0) {
		store_db_bind_text(st, 1, id);
		r = store_db_step_done(s, st, err);
	}
	if (r >= 0)
		r = store_layer_forget(s, c->layer_id, err);
	_cleanup_free_ char *cdir = xasprintf("containers/%s", id);
	if (r >= 0)
		r = store_gc_add(s, cdir, err);
	if (r < 0) {
		store_db_rollback(s);
		return r;
	}
	if ((r = store_db_commit(s, err)) < 0)
		return r;
	r = store_gc_run(s, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rdir = xasprintf("containers/%s", id);
	r = rm_rf_at(s->run_fd, rdir);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "remove %s/%s", s->run_root, rdir);
	return 0;
}

int store_container_delete(struct store *s, const char *id, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0)
		return r;
	if (!container_id_valid(id))
		return cpod_error_set(err, EINVAL, "invalid container ID \"%s\"", id);
	if ((r = store_lock(s, err)) < 0)
		return r;
	r = delete_locked(s, id, err);
	store_unlock(s);
	if (r < 0)
		return cpod_error_wrap(err, "delete container %s", id);
	return 0;
}

int store_container_dir(struct store *s, const char *id, bool run, char **ret,
                        struct cpod_error **err)
{
	_cleanup_(store_container_freep) struct store_container *c = NULL;
	int r = store_container_get(s, id, &c, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rel = xasprintf("containers/%s/userdata", id);
	r = mkdirat_p(run ? s->run_fd : s->graph_fd, rel, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s/%s",
		                            run ? s->run_root : s->graph_root, rel);
	*ret = xasprintf("%s/%s", run ? s->run_root : s->graph_root, rel);
	return 0;
}

int store_mounts_reset_if_rebooted(struct store *s, struct cpod_error **err)
{
	_cleanup_free_ char *boot = NULL;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &boot, NULL) < 0)
		return 0;
	_cleanup_free_ char *seen = NULL;
	if (read_file_at(s->run_fd, "storage/boot-id", 128, &seen, NULL) == 0 &&
	    strcmp(seen, boot) == 0)
		return 0;
	int r = store_lock(s, err);
	if (r < 0)
		return r;
	if (seen)
		log_debug("storage: boot ID changed, forgetting mount counts");
	rm_rf_at(s->run_fd, "storage/mounts");
	r = write_file_atomic_at(s->run_fd, "storage/boot-id", boot, strlen(boot), 0600, false);
	store_unlock(s);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s/storage/boot-id", s->run_root);
	return 0;
}
