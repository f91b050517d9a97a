/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "storage/store-internal.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Schema migrations, applied in order; schema_version holds how many have run. Never edit
 * an entry once released: append a new one.
 */
static const char *const migrations[] = {
        /* 1: the initial schema */
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE layers ("
        "  id TEXT PRIMARY KEY,"
        "  parent TEXT REFERENCES layers(id),"
        "  diff_id TEXT,"
        "  compressed_digest TEXT,"
        "  diff_size INTEGER NOT NULL DEFAULT 0,"
        "  compressed_size INTEGER NOT NULL DEFAULT 0,"
        "  created INTEGER NOT NULL DEFAULT 0,"
        "  link TEXT UNIQUE,"
        "  has_blob INTEGER NOT NULL DEFAULT 0,"
        "  rw INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX layers_parent ON layers(parent);"
        "CREATE INDEX layers_diff_id ON layers(diff_id);"
        "CREATE INDEX layers_compressed ON layers(compressed_digest);"
        "CREATE TABLE images ("
        "  id TEXT PRIMARY KEY,"
        "  top_layer TEXT REFERENCES layers(id),"
        "  created INTEGER NOT NULL DEFAULT 0,"
        "  read_only INTEGER NOT NULL DEFAULT 0,"
        "  has_manifest INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX images_created ON images(created);"
        "CREATE INDEX images_top_layer ON images(top_layer);"
        "CREATE TABLE image_names ("
        "  name TEXT PRIMARY KEY,"
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  seq INTEGER NOT NULL);"
        "CREATE INDEX image_names_image ON image_names(image_id, seq);"
        "CREATE TABLE image_digests ("
        "  digest TEXT NOT NULL,"
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  seq INTEGER NOT NULL,"
        "  PRIMARY KEY (digest, image_id));"
        "CREATE INDEX image_digests_image ON image_digests(image_id, seq);"
        "CREATE TABLE image_layers ("
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  idx INTEGER NOT NULL,"
        "  layer_id TEXT NOT NULL REFERENCES layers(id),"
        "  PRIMARY KEY (image_id, idx));"
        "CREATE INDEX image_layers_layer ON image_layers(layer_id);"
        "CREATE TABLE containers ("
        "  id TEXT PRIMARY KEY,"
        "  image_id TEXT REFERENCES images(id),"
        "  layer_id TEXT NOT NULL UNIQUE REFERENCES layers(id),"
        "  created INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX containers_image ON containers(image_id);"
        "CREATE TABLE gc (path TEXT PRIMARY KEY);",
};

int store_db_error(struct store *s, struct cpod_error **err, const char *ctx)
{
	int code = sqlite3_errcode(s->db);
	int e = EIO;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		e = EBUSY;
	else if (code == SQLITE_CONSTRAINT)
		e = EEXIST;
	else if (code == SQLITE_READONLY)
		e = EROFS;
	else if (code == SQLITE_FULL)
		e = ENOSPC;
	return cpod_error_set(err, e, "%s: %s", ctx, sqlite3_errmsg(s->db));
}

int store_db_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct cpod_error **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_db_error(s, err, "storage database: prepare");
	*ret = st;
	return 0;
}

int store_db_exec(struct store *s, const char *sql, struct cpod_error **err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(s, err, "storage database");
	return 0;
}

int store_db_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
}

int store_db_step_done(struct store *s, sqlite3_stmt *st, struct cpod_error **err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_db_error(s, err, "storage database");
	return 0;
}

char *store_db_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? xstrdup((const char *)t) : NULL;
}

int store_db_begin(struct store *s, struct cpod_error **err)
{
	/* IMMEDIATE: take SQLite's write lock now rather than fail to upgrade later */
	return store_db_exec(s, "BEGIN IMMEDIATE", err);
}

int store_db_commit(struct store *s, struct cpod_error **err)
{
	int r = store_db_exec(s, "COMMIT", err);
	if (r < 0)
		store_db_rollback(s);
	return r;
}

void store_db_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_db_meta_get(struct store *s, const char *key, char **ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "SELECT value FROM meta WHERE key = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = store_db_col_str(st, 0);
		return 0;
	}
	if (rc != SQLITE_DONE)
		return store_db_error(s, err, "storage database");
	*ret = NULL;
	return 0;
}

int store_db_meta_set(struct store *s, const char *key, const char *value, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", &st,
	                         err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, key);
	store_db_bind_text(st, 2, value);
	return store_db_step_done(s, st, err);
}

static int db_version(struct store *s, int *ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_exec(
	        s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", err);
	if (r < 0)
		return r;
	r = store_db_prepare(s, "SELECT max(version) FROM schema_version", &st, err);
	if (r < 0)
		return r;
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_db_error(s, err, "storage database: schema version");
	*ret = sqlite3_column_int(st, 0);
	return 0;
}

static int db_migrate(struct store *s, struct cpod_error **err)
{
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));
	int version = 0;
	int r = store_db_begin(s, err);
	if (r < 0)
		return r;
	r = db_version(s, &version, err);
	if (r < 0)
		goto fail;
	if (version > latest) {
		r = cpod_error_set(err, EPROTO,
		                   "storage database schema version %d is newer than this cpod "
		                   "supports (%d)",
		                   version, latest);
		goto fail;
	}
	for (int v = version; v < latest; v++) {
		log_debug("storage database: migrating to schema version %d", v + 1);
		r = store_db_exec(s, migrations[v], err);
		if (r < 0)
			goto fail;
	}
	if (version < latest) {
		_cleanup_free_ char *sql = xasprintf(
		        "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
		        latest);
		r = store_db_exec(s, sql, err);
		if (r < 0)
			goto fail;
	}
	return store_db_commit(s, err);
fail:
	store_db_rollback(s);
	return r;
}

int store_db_open(struct store *s, struct cpod_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/storage.db", s->graph_root);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		const char *m = s->db ? sqlite3_errmsg(s->db) : "out of memory";
		return cpod_error_set(err, EIO, "open storage database %s: %s", path, m);
	}
	sqlite3_busy_timeout(s->db, 30000);
	/* a new database's switch to WAL can fail BUSY without the busy handler when
	 * several processes create it at once (rollback-journal lock deadlock): retry */
	int r;
	for (int tries = 0;; tries++) {
		r = store_db_exec(s,
		                  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
		                  "PRAGMA synchronous=NORMAL",
		                  err);
		if (r != -EBUSY || tries >= 3000)
			break;
		if (err)
			*err = cpod_error_free(*err);
		usleep(10000 + (unsigned)(getpid() % 7) * 1000);
	}
	if (r < 0)
		return cpod_error_wrap(err, "open storage database %s", path);
	/* the common case, an up-to-date schema, needs no lock */
	int version = 0;
	r = db_version(s, &version, err);
	if (r >= 0 && version == (int)(sizeof(migrations) / sizeof(migrations[0])))
		return 0;
	if (r < 0 && err)
		*err = cpod_error_free(*err); /* retried below under the lock */
	r = store_lock(s, err);
	if (r < 0)
		return r;
	r = db_migrate(s, err);
	store_unlock(s);
	if (r < 0)
		return cpod_error_wrap(err, "open storage database %s", path);
	return 0;
}
