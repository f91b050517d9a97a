/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state database: graph_root/cpod.db, SQLite in WAL mode. One row per container; the
 * config and state columns hold JSON (container-model.c), the other columns exist for
 * lookups (name UNIQUE, image_id, created). See state.c for the locking and crash design.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

/*
 * Migrations, applied in order inside one IMMEDIATE transaction; schema_version holds how
 * many have run. Append, never edit.
 */
static const char *const migrations[STATE_DB_VERSION] = {
        /* 1: containers */
        "CREATE TABLE containers ("
        "  id TEXT PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE,"
        "  config TEXT NOT NULL,"
        "  state TEXT NOT NULL,"
        "  created INTEGER NOT NULL,"
        "  image_id TEXT);"
        "CREATE INDEX containers_image ON containers(image_id);",
        /* 2: records being created are invisible until committed; listing by creation time */
        "ALTER TABLE containers ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;"
        "CREATE INDEX containers_created ON containers(created);",
        /* 3: volumes (volume-db.c) and which containers use them */
        "CREATE TABLE volumes ("
        "  name TEXT PRIMARY KEY,"
        "  config TEXT NOT NULL,"
        "  state TEXT NOT NULL,"
        "  created INTEGER NOT NULL,"
        "  anonymous INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE container_volumes ("
        "  container_id TEXT NOT NULL,"
        "  volume TEXT NOT NULL,"
        "  PRIMARY KEY (container_id, volume));"
        "CREATE INDEX container_volumes_volume ON container_volumes(volume);",
};

static int db_error(struct state_db *db, struct cpod_error **err, const char *ctx)
{
	int code = sqlite3_errcode(db->db);
	int e = EIO;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		e = EBUSY;
	else if (code == SQLITE_CONSTRAINT)
		e = EEXIST;
	else if (code == SQLITE_READONLY)
		e = EROFS;
	else if (code == SQLITE_FULL)
		e = ENOSPC;
	return cpod_error_set(err, e, "state database: %s: %s", ctx, sqlite3_errmsg(db->db));
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
		return db_error(db, err, "prepare");
	return 0;
}

static void bind_text(sqlite3_stmt *st, int idx, const char *v)
{
	if (v)
		sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

static int exec_sql(struct state_db *db, const char *sql, struct cpod_error **err)
{
	if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, err, "exec");
	return 0;
}

int state_db_begin(struct state_db *db, struct cpod_error **err)
{
	return exec_sql(db, "BEGIN IMMEDIATE", err);
}

int state_db_commit(struct state_db *db, struct cpod_error **err)
{
	return exec_sql(db, "COMMIT", err);
}

void state_db_rollback(struct state_db *db)
{
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

int state_db_schema_version(struct state_db *db, int *ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, "SELECT version FROM schema_version", &st, err) < 0)
		return -EIO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int(st, 0);
	else if (rc == SQLITE_DONE)
		*ret = 0;
	else
		return db_error(db, err, "schema version");
	return 0;
}

static int migrate(struct state_db *db, struct cpod_error **err)
{
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	r = exec_sql(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
	             err);
	int version = 0;
	if (r >= 0)
		r = state_db_schema_version(db, &version, err);
	if (r >= 0 && version > STATE_DB_VERSION)
		r = cpod_error_set(err, EPROTO,
		                   "state database %s has schema version %d, newer than this cpod "
		                   "supports (%d)",
		                   db->path, version, STATE_DB_VERSION);
	for (int v = version; r >= 0 && v < STATE_DB_VERSION; v++) {
		log_debug("state database: migrating to schema version %d", v + 1);
		r = exec_sql(db, migrations[v], err);
	}
	if (r >= 0 && version < STATE_DB_VERSION) {
		_cleanup_free_ char *sql = xasprintf("DELETE FROM schema_version;"
		                                     "INSERT INTO schema_version VALUES (%d)",
		                                     STATE_DB_VERSION);
		r = exec_sql(db, sql, err);
	}
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0) {
		state_db_rollback(db);
		return cpod_error_wrap(err, "migrating %s", db->path);
	}
	return 0;
}

/*
 * Switching a new database to WAL needs its exclusive lock. When several processes open a
 * database that does not exist yet (the first 50 parallel `cpod run -d` on a fresh root),
 * SQLite sees them deadlock on the rollback-journal locks and answers SQLITE_BUSY at once,
 * without calling the busy handler: retry for as long as the busy timeout would have waited.
 */
static int set_wal_mode(struct state_db *db, struct cpod_error **err)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(db->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
		                      NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || tries >= 3000)
			return db_error(db, err, "exec");
		usleep(10000 + (unsigned)(getpid() % 7) * 1000);
	}
}

int state_db_open(const char *graph_root, struct state_db **ret, struct cpod_error **err)
{
	int r = mkdir_p(graph_root, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", graph_root);
	_cleanup_(state_db_closep) struct state_db *db = xnew(struct state_db, 1);
	db->path = path_join(graph_root, "cpod.db");
	if (sqlite3_open_v2(db->path, &db->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		r = cpod_error_set(err, EIO, "open state database %s: %s", db->path,
		                   db->db ? sqlite3_errmsg(db->db) : "out of memory");
		return r;
	}
	sqlite3_busy_timeout(db->db, 30000);
	r = set_wal_mode(db, err);
	if (r < 0)
		return cpod_error_wrap(err, "open %s", db->path);
	r = migrate(db, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(db);
	return 0;
}

struct state_db *state_db_close(struct state_db *db)
{
	if (!db)
		return NULL;
	sqlite3_close_v2(db->db);
	free(db->path);
	free(db);
	return NULL;
}

/* ---- rows -------------------------------------------------------------------------------- */

static int row_to_container(sqlite3_stmt *st, int col, struct container **ret,
                            struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = xnew(struct container, 1);
	const char *cfg = (const char *)sqlite3_column_text(st, col);
	const char *state = (const char *)sqlite3_column_text(st, col + 1);
	if (!cfg || !state)
		return cpod_error_set(err, EIO, "state database: empty container record");
	int r = container_config_from_json(cfg, &c->config, err);
	if (r < 0)
		return r;
	r = container_state_from_json(state, &c->state, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

static int name_or_id_taken(struct state_db *db, const char *name, const char *id, bool *ret_name,
                            bool *ret_id, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db,
	            "SELECT id, name FROM containers WHERE id = ?1 OR name = ?1 "
	            "OR id = ?2 OR name = ?2",
	            &st, err) < 0)
		return -EIO;
	bind_text(st, 1, name);
	bind_text(st, 2, id);
	*ret_name = *ret_id = false;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rid = (const char *)sqlite3_column_text(st, 0);
		const char *rname = (const char *)sqlite3_column_text(st, 1);
		if (strcmp(rid, name) == 0 || strcmp(rname, name) == 0)
			*ret_name = true;
		if (strcmp(rid, id) == 0 || strcmp(rname, id) == 0)
			*ret_id = true;
	}
	if (rc != SQLITE_DONE)
		return db_error(db, err, "lookup");
	return 0;
}

static int name_in_use_error(struct state_db *db, const char *name, struct cpod_error **err)
{
	/* Podman's message names the ID that holds the name */
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_free_ char *holder = NULL;
	if (prepare(db, "SELECT id FROM containers WHERE name = ?1 OR id = ?1", &st, NULL) == 0) {
		bind_text(st, 1, name);
		if (sqlite3_step(st) == SQLITE_ROW)
			holder = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	return cpod_error_set(err, EEXIST,
	                      "the container name \"%s\" is already in use by %s. You have to "
	                      "remove that container to be able to reuse that name: that name is "
	                      "already in use",
	                      name, holder ? holder : "another container");
}

int state_db_insert(struct state_db *db, const struct container *c, bool *ret_name_taken,
                    struct cpod_error **err)
{
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	bool name_taken = false, id_taken = false;
	r = name_or_id_taken(db, c->config.name, c->config.id, &name_taken, &id_taken, err);
	if (r >= 0 && name_taken)
		r = name_in_use_error(db, c->config.name, err);
	else if (r >= 0 && id_taken)
		r = cpod_error_set(err, EEXIST, "ID \"%s\" is in use: container already exists",
		                   c->config.id);
	if (r < 0) {
		state_db_rollback(db);
		if (ret_name_taken)
			*ret_name_taken = name_taken;
		return r;
	}
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_free_ char *cfg = container_config_to_json(&c->config);
	_cleanup_free_ char *state = container_state_to_json(&c->state);
	r = prepare(db,
	            "INSERT INTO containers (id, name, config, state, created, image_id, pending) "
	            "VALUES (?, ?, ?, ?, ?, ?, 1)",
	            &st, err);
	if (r >= 0) {
		bind_text(st, 1, c->config.id);
		bind_text(st, 2, c->config.name);
		bind_text(st, 3, cfg);
		bind_text(st, 4, state);
		sqlite3_bind_int64(st, 5, c->config.created);
		bind_text(st, 6, c->config.image_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = db_error(db, err, "insert container");
	}
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0)
		state_db_rollback(db);
	if (ret_name_taken)
		*ret_name_taken = false;
	return r;
}

static int exec_bound(struct state_db *db, const char *sql, const char *a, const char *b,
                      const char *ctx, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, sql, &st, err) < 0)
		return -EIO;
	bind_text(st, 1, a);
	if (b)
		bind_text(st, 2, b);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_error(db, err, ctx);
	return 0;
}

int state_db_set_pending(struct state_db *db, const char *id, bool pending, struct cpod_error **err)
{
	return exec_bound(db,
	                  pending ? "UPDATE containers SET pending = 1 WHERE id = ?"
	                          : "UPDATE containers SET pending = 0 WHERE id = ?",
	                  id, NULL, "update container", err);
}

int state_db_get(struct state_db *db, const char *id, bool include_pending, struct container **ret,
                 bool *ret_pending, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, "SELECT pending, config, state FROM containers WHERE id = ?", &st, err) < 0)
		return -EIO;
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE ||
	    (rc == SQLITE_ROW && sqlite3_column_int(st, 0) && !include_pending))
		return cpod_error_set(
		        err, ENOENT, "no container with name or ID \"%s\" found: no such container",
		        id);
	if (rc != SQLITE_ROW)
		return db_error(db, err, "lookup");
	if (ret_pending)
		*ret_pending = sqlite3_column_int(st, 0) != 0;
	return row_to_container(st, 1, ret, err);
}

int state_db_lookup_id(struct state_db *db, const char *key, char **ret_id, struct cpod_error **err)
{
	if (!key || !*key || strlen(key) > 256)
		return cpod_error_set(
		        err, ENOENT, "no container with name or ID \"%s\" found: no such container",
		        key ? key : "");
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	/* full ID or name first: a name that looks like another container's ID prefix wins */
	if (prepare(db,
	            "SELECT id FROM containers WHERE (id = ?1 OR name = ?1) AND pending = 0 "
	            "ORDER BY id = ?1 DESC LIMIT 1",
	            &st, err) < 0)
		return -EIO;
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_id = xstrdup((const char *)sqlite3_column_text(st, 0));
		return 0;
	}
	if (rc != SQLITE_DONE)
		return db_error(db, err, "lookup");
	sqlite3_finalize(TAKE_PTR(st));
	bool hex = true;
	for (const char *p = key; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			hex = false;
	if (hex) {
		/* a range scan on the primary key: [key, key + 'g') covers every hex suffix */
		_cleanup_free_ char *hi = xasprintf("%sg", key);
		if (prepare(db,
		            "SELECT id FROM containers WHERE id >= ?1 AND id < ?2 "
		            "AND pending = 0 LIMIT 2",
		            &st, err) < 0)
			return -EIO;
		bind_text(st, 1, key);
		bind_text(st, 2, hi);
		_cleanup_free_ char *found = NULL;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (found)
				return cpod_error_set(err, EINVAL,
				                      "more than one result for container ID %s: "
				                      "container already exists",
				                      key);
			found = xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		if (rc != SQLITE_DONE)
			return db_error(db, err, "lookup");
		if (found) {
			*ret_id = TAKE_PTR(found);
			return 0;
		}
	}
	return cpod_error_set(err, ENOENT,
	                      "no container with name or ID \"%s\" found: no such container", key);
}

int state_db_list(struct state_db *db, struct container ***ret, bool **ret_pending, size_t *ret_n,
                  struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	if (prepare(db, "SELECT pending, config, state FROM containers ORDER BY created DESC, id",
	            &st, err) < 0)
		return -EIO;
	struct container **v = NULL;
	bool *pend = NULL;
	size_t n = 0, cap = 0;
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
			pend = xrealloc(pend, cap * sizeof(*pend));
		}
		struct container *c = NULL;
		r = row_to_container(st, 1, &c, err);
		if (r < 0)
			break;
		pend[n] = sqlite3_column_int(st, 0) != 0;
		v[n++] = c;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = db_error(db, err, "list");
	if (r < 0) {
		container_list_free(v, n);
		free(pend);
		return r;
	}
	*ret = v;
	if (ret_pending)
		*ret_pending = pend;
	else
		free(pend);
	*ret_n = n;
	return 0;
}

int state_db_save_state(struct state_db *db, const struct container *c, struct cpod_error **err)
{
	_cleanup_free_ char *state = container_state_to_json(&c->state);
	return exec_bound(db, "UPDATE containers SET state = ?2 WHERE id = ?1", c->config.id, state,
	                  "save container state", err);
}

int state_db_save_config(struct state_db *db, const struct container *c, struct cpod_error **err)
{
	_cleanup_free_ char *cfg = container_config_to_json(&c->config);
	return exec_bound(db, "UPDATE containers SET config = ?2 WHERE id = ?1", c->config.id, cfg,
	                  "save container config", err);
}

int state_db_rename(struct state_db *db, struct container *c, const char *new_name,
                    struct cpod_error **err)
{
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	bool name_taken = false, id_taken = false;
	r = name_or_id_taken(db, new_name, c->config.id, &name_taken, &id_taken, err);
	if (r >= 0 && name_taken)
		r = name_in_use_error(db, new_name, err);
	if (r >= 0) {
		free(c->config.name);
		c->config.name = xstrdup(new_name);
		_cleanup_free_ char *cfg = container_config_to_json(&c->config);
		r = exec_bound(db, "UPDATE containers SET name = ?2 WHERE id = ?1", c->config.id,
		               new_name, "rename container", err);
		if (r >= 0)
			r = exec_bound(db, "UPDATE containers SET config = ?2 WHERE id = ?1",
			               c->config.id, cfg, "rename container", err);
	}
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0)
		state_db_rollback(db);
	return r;
}

int state_db_delete(struct state_db *db, const char *id, struct cpod_error **err)
{
	int r = exec_bound(db, "DELETE FROM container_volumes WHERE container_id = ?", id, NULL,
	                   "delete container", err);
	if (r < 0)
		return r;
	return exec_bound(db, "DELETE FROM containers WHERE id = ?", id, NULL, "delete container",
	                  err);
}

int state_db_reset_all(struct state_db *db, struct cpod_error **err)
{
	struct container **v = NULL;
	bool *pend = NULL;
	size_t n = 0;
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	r = state_db_list(db, &v, &pend, &n, err);
	int count = 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct container_state *s = &v[i]->state;
		/*
		 * libpod resetState(): everything not exited goes back to "configured"; pids,
		 * mounts and the restart count are forgotten (the run root is gone)
		 */
		if (s->status != CTR_EXITED)
			s->status = CTR_CONFIGURED;
		s->pid = 0;
		s->conmon_pid = 0;
		s->restart_count = 0;
		free(s->mountpoint);
		s->mountpoint = NULL;
		r = state_db_save_state(db, v[i], err);
		count++;
	}
	container_list_free(v, n);
	free(pend);
	/* volumes mounted by the last boot are not mounted any more */
	if (r >= 0)
		r = exec_sql(db,
		             "UPDATE volumes SET state = json_set(state, '$.mount_count', 0)",
		             err);
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0) {
		state_db_rollback(db);
		return r;
	}
	return count;
}
