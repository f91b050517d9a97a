/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_STORE_INTERNAL_H
#define CPOD_STORE_INTERNAL_H

/*
 * Shared between the store-*.c files: the store handle, the SQLite helpers, the write lock,
 * staging directories and the garbage journal.
 *
 * Crash safety rests on two mechanisms:
 *   - staging: new objects are built in tmp/<random>/, a directory flock()ed by its builder
 *     for its whole life, so a sweeper only ever removes directories whose builder is dead;
 *   - the gc journal (table gc): before a path is renamed into place, and in the same
 *     transaction that forgets an object, its path is recorded in gc. A path listed there is
 *     removed at the next sweep unless a record owns it (store_gc_path_owned), so a kill -9
 *     between a rename and its commit, or between a commit and an rm -rf, leaves no
 *     half object behind and never needs a scan of the whole store.
 * A struct store is used by one thread at a time.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/store.h"
#include "storage/tar-apply.h"
#include "util/cleanup.h"
#include "util/error.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(sqlite3_stmt *, sqlite3_finalize)
#define _cleanup_stmt_ _cleanup_(sqlite3_finalizep)

struct driver_ops;

struct store {
	char *graph_root;
	char *run_root;
	int graph_fd; /* O_DIRECTORY fds of the two roots */
	int run_fd;
	int lock_fd; /* graph_root/storage.lock */
	int lock_depth;
	sqlite3 *db;
	enum store_driver driver;
	const struct driver_ops *ops;
	char *driver_reason;
	char *backing_fs;
	bool read_only;
	struct tar_apply_opts tar_opts;
};

/* Maximum sizes of the small files the store reads back. */
#define STORE_LOWER_MAX  (64 * 1024)
#define STORE_CONFIG_MAX (64 * 1024 * 1024)
#define STORE_LINK_LEN   26

/* ---- store-db.c ---- */

/* Open graph_root/storage.db, apply migrations (under the write lock when writable). */
int store_db_open(struct store *s, struct cpod_error **err);
/* Prepare a statement; on failure *err names the SQLite error. */
int store_db_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct cpod_error **err);
int store_db_exec(struct store *s, const char *sql, struct cpod_error **err);
/* Set *err from the connection's last error: "context: sqlite message". */
int store_db_error(struct store *s, struct cpod_error **err, const char *ctx);
/* Bind helpers: a NULL string binds SQL NULL. */
int store_db_bind_text(sqlite3_stmt *st, int idx, const char *v);
/* Run a statement that returns no rows (SQLITE_DONE expected); resets it. */
int store_db_step_done(struct store *s, sqlite3_stmt *st, struct cpod_error **err);
/* A column as an owned string or NULL. */
char *store_db_col_str(sqlite3_stmt *st, int col);
int store_db_begin(struct store *s, struct cpod_error **err);
int store_db_commit(struct store *s, struct cpod_error **err);
void store_db_rollback(struct store *s);
/* Read / write the meta key-value table. *ret is NULL (and 0 returned) when absent. */
int store_db_meta_get(struct store *s, const char *key, char **ret, struct cpod_error **err);
int store_db_meta_set(struct store *s, const char *key, const char *value, struct cpod_error **err);

/* ---- store.c ---- */

/* Take / release the exclusive write lock (nested calls are counted). */
int store_lock(struct store *s, struct cpod_error **err);
void store_unlock(struct store *s);
/* EROFS error for mutations on a read-only handle. */
int store_check_writable(struct store *s, struct cpod_error **err);

/*
 * A staging directory tmp/<name>/, flock()ed for as long as the returned fd is open.
 * Free with store_stage_release(), which removes whatever is left in it.
 */
struct store_stage {
	char *name; /* "tmp/<random>" relative to the graph root */
	int fd;
};
int store_stage_new(struct store *s, struct store_stage *ret, struct cpod_error **err);
void store_stage_release(struct store *s, struct store_stage *st);

/* Record paths (relative to the graph root) in the gc journal; inside a transaction. */
int store_gc_add(struct store *s, const char *path, struct cpod_error **err);
int store_gc_forget(struct store *s, const char *path, struct cpod_error **err);
/* Remove the listed paths no record owns; with the write lock held. */
int store_gc_run(struct store *s, struct cpod_error **err);

/* ---- store-layer.c ---- */

/* A layer row plus the driver-private fields. */
struct layer_row {
	struct store_layer pub;
	char *link;
	bool has_blob;
	bool rw;
};
void layer_row_release(struct layer_row *r);
/* Load a layer by exact ID (ENOENT with a message if absent). */
int store_layer_load(struct store *s, const char *id, struct layer_row *ret,
                     struct cpod_error **err);
/*
 * Build a layer in a new staging directory on top of parent (NULL for none). Fills *st (release
 * with store_stage_release), *ret_apply_fd (the dir to apply a tar into, owned) and *ret_link.
 */
int store_layer_stage(struct store *s, const struct layer_row *parent, bool rw,
                      struct store_stage *st, int *ret_apply_fd, char **ret_link,
                      struct cpod_error **err);
/*
 * With the write lock held: journal the staged layer's final paths in gc (and extra_dst, the
 * final place of the staged extra_src, if not NULL), then rename them into place. The
 * caller then records the row with store_layer_record() in one transaction.
 */
int store_layer_place(struct store *s, struct store_stage *st, const struct layer_row *row,
                      const char *extra_src, const char *extra_dst, struct cpod_error **err);
/* Inside a transaction: insert the row and drop its paths from the gc journal. */
int store_layer_record(struct store *s, const struct layer_row *row, struct cpod_error **err);
/*
 * Forget a layer whose refcount dropped to zero: delete its row and journal its paths
 * (inside the caller's transaction, write lock held). The caller removes the journaled
 * paths after COMMIT with store_gc_run().
 */
int store_layer_forget(struct store *s, const char *id, struct cpod_error **err);
/* Is the layer still needed: listed by an image, parent of a layer, used by a container. */
int store_layer_in_use(struct store *s, const char *id, bool *ret, struct cpod_error **err);

/*
 * store-diff.c: an uncompressed tar of the layer's files (overlay whiteouts turned back into
 * ".wh." entries), in an unlinked temporary file; returns the fd positioned at 0.
 */
int store_layer_generate_tar(struct store *s, const char *id, struct cpod_error **err);

/* ---- store-container.c ---- */
/* Used by store_open: forget mount counts when the boot ID changed (reboot). */
int store_mounts_reset_if_rebooted(struct store *s, struct cpod_error **err);

#endif
