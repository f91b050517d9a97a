/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "storage/driver.h"
#include "storage/store-internal.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define IMAGE_NAME_MAX 4096

/* One query returns everything about images: names, digests and layers come aggregated. */
#define IMAGE_SELECT                                                                               \
	"SELECT i.id, i.top_layer, i.created, i.read_only, "                                       \
	"(SELECT json_group_array(name) FROM (SELECT name FROM image_names "                       \
	"  WHERE image_id = i.id ORDER BY seq)), "                                                 \
	"(SELECT json_group_array(digest) FROM (SELECT digest FROM image_digests "                 \
	"  WHERE image_id = i.id ORDER BY seq)), "                                                 \
	"(SELECT json_group_array(layer_id) FROM (SELECT layer_id FROM image_layers "              \
	"  WHERE image_id = i.id ORDER BY idx)), "                                                 \
	"(SELECT coalesce(sum(l.diff_size), 0) FROM image_layers il JOIN layers l "                \
	"  ON l.id = il.layer_id WHERE il.image_id = i.id) "                                       \
	"FROM images i "

struct store_image *store_image_free(struct store_image *i)
{
	if (!i)
		return NULL;
	free(i->id);
	strv_free(i->names);
	strv_free(i->digests);
	free(i->top_layer);
	strv_free(i->layers);
	free(i);
	return NULL;
}

void store_image_list_free(struct store_image **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		store_image_free(v[i]);
	free(v);
}

static char **json_col_strv(sqlite3_stmt *st, int col)
{
	char **v = xnew(char *, 1);
	const char *text = (const char *)sqlite3_column_text(st, col);
	_cleanup_json_ json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		if (json_is_string(e))
			strv_push(&v, json_string_value(e));
	}
	return v;
}

static struct store_image *image_from_row(sqlite3_stmt *st)
{
	struct store_image *img = xnew(struct store_image, 1);
	img->id = store_db_col_str(st, 0);
	img->top_layer = store_db_col_str(st, 1);
	img->created = sqlite3_column_int64(st, 2);
	img->read_only = sqlite3_column_int(st, 3) != 0;
	img->names = json_col_strv(st, 4);
	img->digests = json_col_strv(st, 5);
	img->layers = json_col_strv(st, 6);
	img->size = sqlite3_column_int64(st, 7);
	return img;
}

/* Load the image whose ID the query (one text parameter) selects; *ret NULL if none. */
static int image_query(struct store *s, const char *sql, const char *arg, struct store_image **ret,
                       struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, sql, &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, arg);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(s, err, "storage database");
	*ret = rc == SQLITE_ROW ? image_from_row(st) : NULL;
	return 0;
}

static int image_by_prefix(struct store *s, const char *prefix, struct store_image **ret,
                           struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s, "SELECT id FROM images WHERE id GLOB ?1 || '*' ORDER BY id LIMIT 6", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, prefix);
	_cleanup_strv_free_ char **ids = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strv_consume(&ids, store_db_col_str(st, 0));
	if (rc != SQLITE_DONE)
		return store_db_error(s, err, "storage database");
	size_t n = strv_length(ids);
	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	if (n > 1) {
		_cleanup_free_ char *list = strv_join(ids, ", ");
		return cpod_error_set(err, EINVAL, "short ID \"%s\" is ambiguous: matches %s%s",
		                      prefix, list, n > 5 ? ", ..." : "");
	}
	return image_query(s, IMAGE_SELECT "WHERE i.id = ?", ids[0], ret, err);
}

int store_image_lookup(struct store *s, const char *key, struct store_image **ret,
                       struct cpod_error **err)
{
	struct store_image *img = NULL;
	int r;
	if (!key || !*key || strlen(key) > IMAGE_NAME_MAX)
		return cpod_error_set(err, EINVAL, "invalid image reference");
	const char *id = key;
	if (strncmp(key, "sha256:", 7) == 0 && id_is_full_hex(key + 7))
		id = key + 7;
	if (id_is_full_hex(id)) {
		r = image_query(s, IMAGE_SELECT "WHERE i.id = ?", id, &img, err);
		if (r < 0 || img)
			goto done;
	}
	r = image_query(
	        s, IMAGE_SELECT "WHERE i.id = (SELECT image_id FROM image_names WHERE name = ?)",
	        key, &img, err);
	if (r < 0 || img)
		goto done;
	if (digest_is_valid(key)) {
		r = image_query(s,
		                IMAGE_SELECT "WHERE i.id = (SELECT image_id FROM image_digests "
		                             "WHERE digest = ? ORDER BY seq DESC LIMIT 1)",
		                key, &img, err);
		if (r < 0 || img)
			goto done;
	}
	if (id_is_hex_prefix(key)) {
		r = image_by_prefix(s, key, &img, err);
		if (r < 0 || img)
			goto done;
	}
	return cpod_error_set(err, ENOENT, "%s: image not known", key);
done:
	if (r < 0)
		return r;
	*ret = img;
	return 0;
}

int store_image_list(struct store *s, struct store_image ***ret, size_t *ret_n,
                     struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, IMAGE_SELECT "ORDER BY i.created DESC, i.rowid DESC", &st, err);
	if (r < 0)
		return r;
	struct store_image **v = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = image_from_row(st);
		v[n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		store_image_list_free(v, n);
		return store_db_error(s, err, "storage database");
	}
	*ret = v ? v : xnew(struct store_image *, 1);
	*ret_n = n;
	return 0;
}

static int image_exists(struct store *s, const char *id, bool *ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "SELECT 1 FROM images WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(s, err, "storage database");
	*ret = rc == SQLITE_ROW;
	return 0;
}

static int require_image(struct store *s, const char *id, struct cpod_error **err)
{
	bool exists = false;
	int r = image_exists(s, id, &exists, err);
	if (r < 0)
		return r;
	if (!exists)
		return cpod_error_set(err, ENOENT, "%s: image not known", id);
	return 0;
}

static int read_image_file(struct store *s, const char *id, const char *file, char **ret,
                           size_t *ret_len, struct cpod_error **err)
{
	int r = require_image(s, id, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *p = xasprintf("images/%s/%s", id, file);
	r = read_file_at(s->graph_fd, p, STORE_CONFIG_MAX, ret, ret_len);
	if (r == -ENOENT)
		return cpod_error_set(err, ENOENT, "image %s has no %s", id, file);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read %s/%s", s->graph_root, p);
	return 0;
}

int store_image_config(struct store *s, const char *id, char **ret, size_t *ret_len,
                       struct cpod_error **err)
{
	return read_image_file(s, id, "config.json", ret, ret_len, err);
}

int store_image_manifest(struct store *s, const char *id, char **ret, size_t *ret_len,
                         struct cpod_error **err)
{
	return read_image_file(s, id, "manifest.json", ret, ret_len, err);
}

/* Inside a transaction: give name to image id, taking it from whichever image had it. */
static int name_move(struct store *s, const char *id, const char *name, struct cpod_error **err)
{
	if (!*name || strlen(name) > IMAGE_NAME_MAX)
		return cpod_error_set(err, EINVAL, "invalid image name \"%s\"", name);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s,
	        "INSERT INTO image_names (name, image_id, seq) VALUES (?1, ?2, "
	        "(SELECT coalesce(max(seq), 0) + 1 FROM image_names)) "
	        "ON CONFLICT (name) DO UPDATE SET image_id = ?2, seq = excluded.seq "
	        "WHERE image_id <> ?2",
	        &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, name);
	store_db_bind_text(st, 2, id);
	return store_db_step_done(s, st, err);
}

static int digest_add(struct store *s, const char *id, const char *digest, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s,
	        "INSERT OR IGNORE INTO image_digests (digest, image_id, seq) "
	        "VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM image_digests))",
	        &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, digest);
	store_db_bind_text(st, 2, id);
	return store_db_step_done(s, st, err);
}

/* The image's layers, base first, by walking parents from the top layer. */
static int layer_chain(struct store *s, const char *top, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **rev = NULL;
	_cleanup_free_ char *cur = xstrdup_or_null(top);
	while (cur) {
		struct layer_row row = {0};
		int r = store_layer_load(s, cur, &row, err);
		if (r < 0)
			return r;
		if (row.rw) {
			layer_row_release(&row);
			return cpod_error_set(err, EINVAL, "layer %s is a container layer", cur);
		}
		strv_push(&rev, cur);
		free(cur);
		cur = xstrdup_or_null(row.pub.parent);
		layer_row_release(&row);
	}
	char **v = xnew(char *, strv_length(rev) + 1);
	for (size_t i = strv_length(rev), j = 0; i > 0; i--, j++)
		v[j] = xstrdup(rev[i - 1]);
	*ret = v;
	return 0;
}

static int image_record(struct store *s, const struct store_image_create_opts *o,
                        char *const *layers, bool is_new, struct cpod_error **err)
{
	int r;
	if (is_new) {
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		r = store_db_prepare(s,
		                     "INSERT INTO images (id, top_layer, created, has_manifest) "
		                     "VALUES (?, ?, ?, ?)",
		                     &st, err);
		if (r < 0)
			return r;
		store_db_bind_text(st, 1, o->id);
		store_db_bind_text(st, 2, o->top_layer);
		sqlite3_bind_int64(st, 3, o->created);
		sqlite3_bind_int(st, 4, o->manifest != NULL);
		if ((r = store_db_step_done(s, st, err)) < 0)
			return r;
		_cleanup_stmt_ sqlite3_stmt *li = NULL;
		r = store_db_prepare(
		        s, "INSERT INTO image_layers (image_id, idx, layer_id) VALUES (?, ?, ?)",
		        &li, err);
		if (r < 0)
			return r;
		for (size_t i = 0; layers && layers[i]; i++) {
			store_db_bind_text(li, 1, o->id);
			sqlite3_bind_int64(li, 2, (int64_t)i);
			store_db_bind_text(li, 3, layers[i]);
			if ((r = store_db_step_done(s, li, err)) < 0)
				return r;
		}
		_cleanup_free_ char *path = xasprintf("images/%s", o->id);
		if ((r = store_gc_forget(s, path, err)) < 0)
			return r;
	}
	for (size_t i = 0; o->names && o->names[i]; i++) {
		if ((r = name_move(s, o->id, o->names[i], err)) < 0)
			return r;
	}
	if (o->manifest_digest && (r = digest_add(s, o->id, o->manifest_digest, err)) < 0)
		return r;
	return 0;
}

static int write_image_files(int dirfd, const struct store_image_create_opts *o,
                             struct cpod_error **err)
{
	int r = 0;
	if (o->config)
		r = write_file_atomic_at(dirfd, "config.json", o->config, o->config_len, 0600,
		                         false);
	if (r == 0 && o->manifest)
		r = write_file_atomic_at(dirfd, "manifest.json", o->manifest, o->manifest_len, 0600,
		                         false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write image files");
	return 0;
}

static int image_create_locked(struct store *s, const struct store_image_create_opts *o,
                               struct store_stage *stage, struct cpod_error **err)
{
	bool exists = false;
	int r = image_exists(s, o->id, &exists, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **layers = NULL;
	_cleanup_free_ char *path = xasprintf("images/%s", o->id);
	if (!exists) {
		r = layer_chain(s, o->top_layer, &layers, err);
		if (r < 0)
			return r;
		if ((r = store_db_begin(s, err)) < 0)
			return r;
		if ((r = store_gc_add(s, path, err)) < 0) {
			store_db_rollback(s);
			return r;
		}
		if ((r = store_db_commit(s, err)) < 0)
			return r;
		rm_rf_at(s->graph_fd, path); /* unrecorded: left by a killed writer */
		if ((r = mkdirat_p(s->graph_fd, "images", 0700)) < 0)
			return cpod_error_set_errno(err, -r, "create %s/images", s->graph_root);
		_cleanup_free_ char *from = xasprintf("%s/img", stage->name);
		if (renameat(s->graph_fd, from, s->graph_fd, path) < 0)
			return cpod_error_set_errno(err, errno, "rename into %s/%s", s->graph_root,
			                            path);
	} else if (o->manifest) {
		_cleanup_free_ char *m = xasprintf("%s/manifest.json", path);
		if (faccessat(s->graph_fd, m, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
		    (r = write_file_atomic_at(s->graph_fd, m, o->manifest, o->manifest_len, 0600,
		                              false)) < 0)
			return cpod_error_set_errno(err, -r, "write %s/%s", s->graph_root, m);
	}
	if ((r = store_db_begin(s, err)) < 0)
		return r;
	r = image_record(s, o, layers, !exists, err);
	if (r < 0) {
		store_db_rollback(s);
		return r;
	}
	return store_db_commit(s, err);
}

int store_image_create(struct store *s, const struct store_image_create_opts *o,
                       struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0)
		return r;
	if (!o->id || !id_is_full_hex(o->id))
		return cpod_error_set(err, EINVAL, "invalid image ID \"%s\"", o->id ? o->id : "");
	if (o->manifest_digest && !digest_is_valid(o->manifest_digest))
		return cpod_error_set(err, EINVAL, "invalid manifest digest \"%s\"",
		                      o->manifest_digest);
	struct store_stage stage = {NULL, -1};
	r = store_stage_new(s, &stage, err);
	if (r < 0)
		return r;
	if (mkdirat(stage.fd, "img", 0700) < 0) {
		r = cpod_error_set_errno(err, errno, "create image directory");
		goto out;
	}
	{
		_cleanup_close_ int dfd =
		        openat(stage.fd, "img", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			r = cpod_error_set_errno(err, errno, "open image directory");
			goto out;
		}
		if ((r = write_image_files(dfd, o, err)) < 0)
			goto out;
	}
	if ((r = store_lock(s, err)) < 0)
		goto out;
	r = image_create_locked(s, o, &stage, err);
	store_unlock(s);
out:
	store_stage_release(s, &stage);
	if (r < 0)
		return cpod_error_wrap(err, "create image %s", o->id);
	return 0;
}

int store_image_add_name(struct store *s, const char *id, const char *name, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0 || (r = store_lock(s, err)) < 0)
		return r;
	if ((r = require_image(s, id, err)) >= 0 && (r = store_db_begin(s, err)) >= 0) {
		r = name_move(s, id, name, err);
		if (r < 0)
			store_db_rollback(s);
		else
			r = store_db_commit(s, err);
	}
	store_unlock(s);
	return r;
}

int store_image_remove_name(struct store *s, const char *id, const char *name,
                            struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0 || (r = store_lock(s, err)) < 0)
		return r;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = store_db_prepare(s, "DELETE FROM image_names WHERE name = ? AND image_id = ?", &st,
	                     err);
	if (r >= 0) {
		store_db_bind_text(st, 1, name);
		store_db_bind_text(st, 2, id);
		r = store_db_step_done(s, st, err);
	}
	if (r >= 0 && sqlite3_changes(s->db) == 0)
		r = cpod_error_set(err, ENOENT, "image %s has no name \"%s\"", id, name);
	store_unlock(s);
	return r;
}

int store_image_containers(struct store *s, const char *id, char ***ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s, "SELECT id FROM containers WHERE image_id = ? ORDER BY created, id", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	char **v = xnew(char *, 1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strv_consume(&v, store_db_col_str(st, 0));
	if (rc != SQLITE_DONE) {
		strv_free(v);
		return store_db_error(s, err, "storage database");
	}
	*ret = v;
	return 0;
}

static int image_delete_locked(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	int r = image_query(s, IMAGE_SELECT "WHERE i.id = ?", id, &img, err);
	if (r < 0)
		return r;
	if (!img)
		return cpod_error_set(err, ENOENT, "%s: image not known", id);
	_cleanup_strv_free_ char **users = NULL;
	if ((r = store_image_containers(s, id, &users, err)) < 0)
		return r;
	if (users[0]) {
		_cleanup_free_ char *list = strv_join(users, ", ");
		return cpod_error_set(err, EBUSY,
		                      "image used by %s: image is in use by a container", list);
	}
	if ((r = store_db_begin(s, err)) < 0)
		return r;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = store_db_prepare(s, "DELETE FROM images WHERE id = ?", &st, err);
	if (r >= 0) {
		store_db_bind_text(st, 1, id);
		r = store_db_step_done(s, st, err);
	}
	_cleanup_free_ char *path = xasprintf("images/%s", id);
	if (r >= 0)
		r = store_gc_add(s, path, err);
	/* top first: a layer is freed only after the layers above it */
	for (size_t i = strv_length(img->layers); r >= 0 && i > 0; i--) {
		bool used = false;
		r = store_layer_in_use(s, img->layers[i - 1], &used, err);
		if (r >= 0 && !used)
			r = store_layer_forget(s, img->layers[i - 1], err);
	}
	if (r < 0) {
		store_db_rollback(s);
		return r;
	}
	if ((r = store_db_commit(s, err)) < 0)
		return r;
	return store_gc_run(s, err);
}

int store_image_delete(struct store *s, const char *id, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0 || (r = store_lock(s, err)) < 0)
		return r;
	r = image_delete_locked(s, id, err);
	store_unlock(s);
	if (r < 0)
		return cpod_error_wrap(err, "delete image %s", id);
	return 0;
}
