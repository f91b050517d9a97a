/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Volume rows of the state database (schema migration 3 in db.c): volumes(name, config,
 * state, created, anonymous) with JSON in config and state, and container_volumes linking
 * each container to the volumes it uses. state_db_delete() drops a container's links.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/volume-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static int vdb_error(struct state_db *db, struct cpod_error **err, const char *ctx)
{
	return cpod_error_set(err, EIO, "state database: %s: %s", ctx, sqlite3_errmsg(db->db));
}

static void finalizep(sqlite3_stmt **st)
{
	if (*st)
		sqlite3_finalize(*st);
}
#define _cleanup_stmt_ _cleanup_(finalizep)

static int prepare(struct state_db *db, const char *sql, sqlite3_stmt **ret,
                   struct cpod_error **err)
{
	if (sqlite3_prepare_v2(db->db, sql, -1, ret, NULL) != SQLITE_OK)
		return vdb_error(db, err, "prepare");
	return 0;
}

static json_t *kv_object(char *const *kv)
{
	json_t *o = json_object();
	for (size_t i = 0; kv && kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		_cleanup_free_ char *k =
		        eq ? xstrndup(kv[i], (size_t)(eq - kv[i])) : xstrdup(kv[i]);
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

static char **kv_strv(const json_t *o)
{
	char **v = xnew(char *, 1);
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)o, k, val)
	{
		_cleanup_free_ char *s = xasprintf("%s=%s", k, json_string_value(val) ?: "");
		strv_push(&v, s);
	}
	return v;
}

static char *config_json(const struct volume *v)
{
	_cleanup_json_ json_t *o = json_pack(
	        "{s:s,s:o,s:o,s:b,s:I,s:I}", "driver", v->driver, "labels", kv_object(v->labels),
	        "options", kv_object(v->options), "anonymous", v->anonymous, "uid",
	        (json_int_t)(v->uid == (uid_t)-1 ? -1 : (json_int_t)v->uid), "gid",
	        (json_int_t)(v->gid == (gid_t)-1 ? -1 : (json_int_t)v->gid));
	return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
}

static char *state_json(const struct volume *v)
{
	_cleanup_json_ json_t *o =
	        json_pack("{s:b,s:b,s:I}", "needs_copy_up", v->needs_copy_up, "needs_chown",
	                  v->needs_chown, "mount_count", (json_int_t)v->mount_count);
	return json_dumps(o, JSON_COMPACT);
}

/* columns: name, config, state, created */
static int row_to_volume(struct state_db *db, sqlite3_stmt *st, struct volume **ret,
                         struct cpod_error **err)
{
	const char *name = (const char *)sqlite3_column_text(st, 0);
	const char *cfg = (const char *)sqlite3_column_text(st, 1);
	const char *state = (const char *)sqlite3_column_text(st, 2);
	_cleanup_json_ json_t *c = cfg ? json_loads(cfg, 0, NULL) : NULL;
	_cleanup_json_ json_t *s = state ? json_loads(state, 0, NULL) : NULL;
	if (!name || !json_is_object(c) || !json_is_object(s))
		return cpod_error_set(err, EIO, "state database %s: malformed volume record",
		                      db->path);
	_cleanup_(volume_freep) struct volume *v = xnew(struct volume, 1);
	v->name = xstrdup(name);
	v->driver = xstrdup(json_get_string(c, "driver") ?: "local");
	v->labels = kv_strv(json_object_get(c, "labels"));
	v->options = kv_strv(json_object_get(c, "options"));
	v->anonymous = json_is_true(json_object_get(c, "anonymous"));
	json_int_t uid = json_integer_value(json_object_get(c, "uid"));
	json_int_t gid = json_integer_value(json_object_get(c, "gid"));
	v->uid = uid < 0 ? (uid_t)-1 : (uid_t)uid;
	v->gid = gid < 0 ? (gid_t)-1 : (gid_t)gid;
	v->created = sqlite3_column_int64(st, 3);
	v->needs_copy_up = json_is_true(json_object_get(s, "needs_copy_up"));
	v->needs_chown = json_is_true(json_object_get(s, "needs_chown"));
	v->mount_count = (unsigned)json_integer_value(json_object_get(s, "mount_count"));
	*ret = TAKE_PTR(v);
	return 0;
}

int volume_db_insert(struct state_db *db, const struct volume *v, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_free_ char *cfg = config_json(v);
	_cleanup_free_ char *state = state_json(v);
	if (prepare(db,
	            "INSERT INTO volumes (name, config, state, created, anonymous) "
	            "VALUES (?, ?, ?, ?, ?)",
	            &st, err) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, v->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, cfg, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, v->created);
	sqlite3_bind_int(st, 5, v->anonymous);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT)
		return cpod_error_set(err, EEXIST,
		                      "volume with name %s already exists: volume already exists",
		                      v->name);
	if (rc != SQLITE_DONE)
		return vdb_error(db, err, "insert volume");
	return 0;
}

int volume_db_get(struct state_db *db, const char *name, struct volume **ret,
                  struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, "SELECT name, config, state, created FROM volumes WHERE name = ?", &st,
	            err) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return cpod_error_set(err, ENOENT,
		                      "no volume with name \"%s\" found: no such volume", name);
	if (rc != SQLITE_ROW)
		return vdb_error(db, err, "lookup volume");
	return row_to_volume(db, st, ret, err);
}

int volume_db_resolve(struct state_db *db, const char *key, char **ret, struct cpod_error **err)
{
	if (!key || !*key || strlen(key) > 256)
		return cpod_error_set(err, ENOENT,
		                      "no volume with name \"%s\" found: no such volume",
		                      key ? key : "");
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	/* exact name first, then a unique prefix (libpod's LookupVolume) */
	if (prepare(db,
	            "SELECT name FROM volumes WHERE name = ?1 OR substr(name, 1, length(?1)) = ?1 "
	            "ORDER BY name = ?1 DESC LIMIT 2",
	            &st, err) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	_cleanup_free_ char *found = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		if (strcmp(n, key) == 0) {
			*ret = xstrdup(n);
			return 0;
		}
		if (found)
			return cpod_error_set(err, EINVAL,
			                      "more than one result for volume name %s: volume "
			                      "already exists",
			                      key);
		found = xstrdup(n);
	}
	if (rc != SQLITE_DONE)
		return vdb_error(db, err, "lookup volume");
	if (!found)
		return cpod_error_set(err, ENOENT,
		                      "no volume with name \"%s\" found: no such volume", key);
	*ret = TAKE_PTR(found);
	return 0;
}

int volume_db_list(struct state_db *db, struct volume ***ret, size_t *ret_n,
                   struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, "SELECT name, config, state, created FROM volumes ORDER BY name", &st,
	            err) < 0)
		return -EIO;
	struct volume **v = NULL;
	size_t n = 0, cap = 0;
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		r = row_to_volume(db, st, &v[n], err);
		if (r < 0)
			break;
		n++;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = vdb_error(db, err, "list volumes");
	if (r < 0) {
		volume_list_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int exec2(struct state_db *db, const char *sql, const char *a, const char *b,
                 const char *ctx, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, sql, &st, err) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return vdb_error(db, err, ctx);
	return 0;
}

int volume_db_save_state(struct state_db *db, const struct volume *v, struct cpod_error **err)
{
	_cleanup_free_ char *state = state_json(v);
	return exec2(db, "UPDATE volumes SET state = ?2 WHERE name = ?1", v->name, state,
	             "save volume state", err);
}

int volume_db_delete(struct state_db *db, const char *name, struct cpod_error **err)
{
	int r = exec2(db, "DELETE FROM container_volumes WHERE volume = ?", name, NULL,
	              "delete volume", err);
	if (r >= 0)
		r = exec2(db, "DELETE FROM volumes WHERE name = ?", name, NULL, "delete volume",
		          err);
	return r;
}

int volume_db_link(struct state_db *db, const char *ctr_id, const char *name,
                   struct cpod_error **err)
{
	return exec2(db,
	             "INSERT OR IGNORE INTO container_volumes (container_id, volume) VALUES (?, ?)",
	             ctr_id, name, "link volume", err);
}

static int strv_query(struct state_db *db, const char *sql, const char *arg, char ***ret,
                      struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, sql, &st, err) < 0)
		return -EIO;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	char **v = xnew(char *, 1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strv_push(&v, (const char *)sqlite3_column_text(st, 0));
	if (rc != SQLITE_DONE) {
		strv_free(v);
		return vdb_error(db, err, "volume users");
	}
	*ret = v;
	return 0;
}

int volume_db_users(struct state_db *db, const char *name, char ***ret, struct cpod_error **err)
{
	return strv_query(db,
	                  "SELECT container_id FROM container_volumes WHERE volume = ? "
	                  "ORDER BY container_id",
	                  name, ret, err);
}

int volume_db_used(struct state_db *db, char ***ret, struct cpod_error **err)
{
	return strv_query(db, "SELECT DISTINCT volume FROM container_volumes", NULL, ret, err);
}
