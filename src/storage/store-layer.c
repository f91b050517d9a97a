/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
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

#define LAYER_COLUMNS                                                                              \
	"id, parent, diff_id, compressed_digest, diff_size, compressed_size, created, link, "      \
	"has_blob, rw"

struct store_layer *store_layer_free(struct store_layer *l)
{
	if (!l)
		return NULL;
	free(l->id);
	free(l->parent);
	free(l->diff_id);
	free(l->compressed_digest);
	free(l);
	return NULL;
}

void layer_row_release(struct layer_row *r)
{
	free(r->pub.id);
	free(r->pub.parent);
	free(r->pub.diff_id);
	free(r->pub.compressed_digest);
	free(r->link);
	memset(r, 0, sizeof(*r));
}

static void layer_row_releasep(struct layer_row *r)
{
	layer_row_release(r);
}
#define _cleanup_layer_row_ _cleanup_(layer_row_releasep)

int store_layer_load(struct store *s, const char *id, struct layer_row *ret,
                     struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "SELECT " LAYER_COLUMNS " FROM layers WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return cpod_error_set(err, ENOENT, "layer %s not known", id);
	if (rc != SQLITE_ROW)
		return store_db_error(s, err, "storage database");
	*ret = (struct layer_row){
	        .pub =
	                {
	                        .id = store_db_col_str(st, 0),
	                        .parent = store_db_col_str(st, 1),
	                        .diff_id = store_db_col_str(st, 2),
	                        .compressed_digest = store_db_col_str(st, 3),
	                        .diff_size = sqlite3_column_int64(st, 4),
	                        .compressed_size = sqlite3_column_int64(st, 5),
	                        .created = sqlite3_column_int64(st, 6),
	                },
	        .link = store_db_col_str(st, 7),
	        .has_blob = sqlite3_column_int(st, 8) != 0,
	        .rw = sqlite3_column_int(st, 9) != 0,
	};
	return 0;
}

static int layer_exists(struct store *s, const char *id, bool *ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "SELECT 1 FROM layers WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_error(s, err, "storage database");
	*ret = rc == SQLITE_ROW;
	return 0;
}

static struct store_layer *layer_copy_pub(const struct layer_row *r)
{
	struct store_layer *l = xnew(struct store_layer, 1);
	l->id = xstrdup(r->pub.id);
	l->parent = xstrdup_or_null(r->pub.parent);
	l->diff_id = xstrdup_or_null(r->pub.diff_id);
	l->compressed_digest = xstrdup_or_null(r->pub.compressed_digest);
	l->diff_size = r->pub.diff_size;
	l->compressed_size = r->pub.compressed_size;
	l->created = r->pub.created;
	return l;
}

int store_layer_get(struct store *s, const char *id, struct store_layer **ret,
                    struct cpod_error **err)
{
	_cleanup_layer_row_ struct layer_row row = {0};
	int r = store_layer_load(s, id, &row, err);
	if (r < 0)
		return r;
	*ret = layer_copy_pub(&row);
	return 0;
}

int store_layer_diff_path(struct store *s, const char *id, char **ret, struct cpod_error **err)
{
	_cleanup_layer_row_ struct layer_row row = {0};
	int r = store_layer_load(s, id, &row, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rel = s->ops->diff_path(id);
	*ret = xasprintf("%s/%s", s->graph_root, rel);
	return 0;
}

/* OCI chain ID: the diff ID for a base layer, else sha256(parent chain ID " " diff ID). */
static char *chain_id(const char *parent, const char *diff_id)
{
	if (!parent)
		return xstrdup(diff_id + strlen("sha256:"));
	_cleanup_free_ char *in = xasprintf("sha256:%s %s", parent, diff_id);
	char hex[65];
	digest_sha256_hex(in, strlen(in), hex);
	return xstrdup(hex);
}

int store_layer_stage(struct store *s, const struct layer_row *parent, bool rw,
                      struct store_stage *st, int *ret_apply_fd, char **ret_link,
                      struct cpod_error **err)
{
	int r = store_stage_new(s, st, err);
	if (r < 0)
		return r;
	r = s->ops->stage(s, st->fd, parent, rw, ret_apply_fd, ret_link, err);
	if (r < 0) {
		store_stage_release(s, st);
		return r;
	}
	return 0;
}

static char *blob_path(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + strlen("sha256:"));
}

/* Rename stage/src to dst (below the graph root), replacing an unrecorded leftover. */
static int place_one(struct store *s, struct store_stage *st, const char *src, const char *dst,
                     bool replace_dir, struct cpod_error **err)
{
	_cleanup_free_ char *from = xasprintf("%s/%s", st->name, src);
	if (replace_dir) {
		/* not recorded (we hold the lock and checked): garbage of a killed writer */
		int r = rm_rf_at(s->graph_fd, dst);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "remove stale %s/%s", s->graph_root,
			                            dst);
	}
	if (renameat(s->graph_fd, from, s->graph_fd, dst) < 0)
		return cpod_error_set_errno(err, errno, "rename into %s/%s", s->graph_root, dst);
	return 0;
}

int store_layer_place(struct store *s, struct store_stage *st, const struct layer_row *row,
                      const char *extra_src, const char *extra_dst, struct cpod_error **err)
{
	_cleanup_free_ char *lpath = s->ops->layer_path(row->pub.id);
	_cleanup_free_ char *link = s->ops->link_path(row->link);
	_cleanup_free_ char *blob = row->has_blob ? blob_path(row->pub.compressed_digest) : NULL;
	int r = store_db_begin(s, err);
	if (r < 0)
		return r;
	const char *paths[] = {lpath, link, blob, extra_dst};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] && (r = store_gc_add(s, paths[i], err)) < 0) {
			store_db_rollback(s);
			return r;
		}
	}
	r = store_db_commit(s, err);
	if (r < 0)
		return r;
	r = place_one(s, st, "layer", lpath, true, err);
	if (r >= 0 && extra_dst)
		r = place_one(s, st, extra_src, extra_dst, true, err);
	if (r >= 0 && blob) {
		r = mkdirat_p(s->graph_fd, "blobs/sha256", 0700);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "create %s/blobs", s->graph_root);
		r = place_one(s, st, "blob", blob, false, err);
	}
	if (r >= 0)
		r = s->ops->publish(s, row->pub.id, row->link, err);
	return r;
}

int store_layer_record(struct store *s, const struct layer_row *row, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(
	        s, "INSERT INTO layers (" LAYER_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, row->pub.id);
	store_db_bind_text(st, 2, row->pub.parent);
	store_db_bind_text(st, 3, row->pub.diff_id);
	store_db_bind_text(st, 4, row->pub.compressed_digest);
	sqlite3_bind_int64(st, 5, row->pub.diff_size);
	sqlite3_bind_int64(st, 6, row->pub.compressed_size);
	sqlite3_bind_int64(st, 7, row->pub.created);
	store_db_bind_text(st, 8, row->link);
	sqlite3_bind_int(st, 9, row->has_blob);
	sqlite3_bind_int(st, 10, row->rw);
	r = store_db_step_done(s, st, err);
	if (r < 0)
		return cpod_error_wrap(err, "record layer %s", row->pub.id);
	_cleanup_free_ char *lpath = s->ops->layer_path(row->pub.id);
	_cleanup_free_ char *link = s->ops->link_path(row->link);
	_cleanup_free_ char *blob = row->has_blob ? blob_path(row->pub.compressed_digest) : NULL;
	const char *paths[] = {lpath, link, blob};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] && (r = store_gc_forget(s, paths[i], err)) < 0)
			return r;
	}
	return 0;
}

/* Copy the whole blob into the staging directory so it can be kept (and applied from). */
/*
 * An unnamed file on the store's file system (pull downloads into O_TMPFILE files there) is
 * given a name in the staging directory instead of being copied: one write of the blob less.
 * Returns 1 when done, 0 when the caller must copy (another file system, a named file).
 */
static int adopt_tmpfile(struct store_stage *st, int fd, int *ret_fd, struct cpod_error **err)
{
	struct stat fst;
	char proc[64];
	if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode) || fst.st_nlink != 0)
		return 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, st->fd, "blob", AT_SYMLINK_FOLLOW) < 0)
		return 0;
	int in = openat(st->fd, "blob", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cpod_error_set_errno(err, errno, "open blob file");
	(void)fchmodat(st->fd, "blob", 0644, 0);
	*ret_fd = in;
	return 1;
}

static int stage_blob(struct store_stage *st, int fd, int *ret_fd, struct cpod_error **err)
{
	int a = adopt_tmpfile(st, fd, ret_fd, err);
	if (a != 0)
		return a < 0 ? a : 0;
	_cleanup_close_ int out =
	        openat(st->fd, "blob", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		return cpod_error_set_errno(err, errno, "create blob file");
	char buf[65536];
	for (;;) {
		ssize_t n = copy_file_range(fd, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		/* pipes and sockets: plain reads */
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpod_error_set_errno(err, errno, "read layer blob");
		if (n == 0)
			break;
		int r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "write blob file");
	}
	if (lseek(out, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "seek blob file");
	*ret_fd = TAKE_FD(out);
	return 0;
}

static int create_locked(struct store *s, struct store_stage *st, struct layer_row *row,
                         struct store_layer **ret, struct cpod_error **err)
{
	bool exists = false;
	int r = layer_exists(s, row->pub.id, &exists, err);
	if (r < 0)
		return r;
	if (exists) {
		log_debug("layer %s exists already, discarding the new copy", row->pub.id);
		return store_layer_get(s, row->pub.id, ret, err);
	}
	r = store_layer_place(s, st, row, NULL, NULL, err);
	if (r < 0)
		return r;
	r = store_db_begin(s, err);
	if (r < 0)
		return r;
	r = store_layer_record(s, row, err);
	if (r < 0) {
		store_db_rollback(s);
		return r;
	}
	r = store_db_commit(s, err);
	if (r < 0)
		return r;
	*ret = layer_copy_pub(row);
	return 0;
}

static int layer_create(struct store *s, const struct store_layer_create_opts *opts,
                        const struct layer_row *parent, struct store_layer **ret,
                        struct cpod_error **err)
{
	struct store_stage st = {NULL, -1};
	_cleanup_close_ int apply_fd = -1;
	_cleanup_close_ int blob_fd = -1;
	_cleanup_layer_row_ struct layer_row row = {0};
	int r = store_layer_stage(s, parent, false, &st, &apply_fd, &row.link, err);
	if (r < 0)
		return r;
	if (opts->keep_blob) {
		r = stage_blob(&st, opts->fd, &blob_fd, err);
		if (r < 0)
			goto out;
	}
	struct tar_apply_opts topts = s->tar_opts;
	topts.whiteouts = s->ops->whiteouts;
	r = tar_apply_blob(blob_fd >= 0 ? blob_fd : opts->fd, apply_fd, &topts,
	                   &row.pub.compressed_digest, &row.pub.compressed_size, &row.pub.diff_id,
	                   &row.pub.diff_size, err);
	if (r < 0)
		goto out;
	if (opts->expected_digest &&
	    strcmp(opts->expected_digest, row.pub.compressed_digest) != 0) {
		r = cpod_error_set(err, EINVAL, "layer blob digest %s does not match expected %s",
		                   row.pub.compressed_digest, opts->expected_digest);
		goto out;
	}
	if (opts->expected_diff_id && strcmp(opts->expected_diff_id, row.pub.diff_id) != 0) {
		r = cpod_error_set(err, EINVAL, "layer diff ID %s does not match expected %s",
		                   row.pub.diff_id, opts->expected_diff_id);
		goto out;
	}
	row.pub.id = chain_id(opts->parent, row.pub.diff_id);
	row.pub.parent = xstrdup_or_null(opts->parent);
	row.pub.created = time(NULL);
	row.has_blob = opts->keep_blob;
	r = store_lock(s, err);
	if (r < 0)
		goto out;
	r = create_locked(s, &st, &row, ret, err);
	store_unlock(s);
out:
	store_stage_release(s, &st);
	return r;
}

int store_layer_create(struct store *s, const struct store_layer_create_opts *opts,
                       struct store_layer **ret, struct cpod_error **err)
{
	int r = store_check_writable(s, err);
	if (r < 0)
		return r;
	if (opts->parent && !id_is_full_hex(opts->parent))
		return cpod_error_set(err, EINVAL, "invalid parent layer ID \"%s\"", opts->parent);
	if (opts->expected_diff_id && !digest_is_valid(opts->expected_diff_id))
		return cpod_error_set(err, EINVAL, "invalid diff ID \"%s\"",
		                      opts->expected_diff_id);
	if (opts->expected_diff_id) {
		/* known diff ID: an existing layer is found without reading the blob */
		_cleanup_free_ char *id = chain_id(opts->parent, opts->expected_diff_id);
		bool exists = false;
		r = layer_exists(s, id, &exists, err);
		if (r < 0)
			return r;
		if (exists)
			return store_layer_get(s, id, ret, err);
	}
	_cleanup_layer_row_ struct layer_row parent = {0};
	if (opts->parent) {
		r = store_layer_load(s, opts->parent, &parent, err);
		if (r < 0)
			return cpod_error_wrap(err, "create layer");
	}
	r = layer_create(s, opts, opts->parent ? &parent : NULL, ret, err);
	if (r < 0)
		return cpod_error_wrap(err, "create layer");
	return 0;
}

int store_layer_in_use(struct store *s, const char *id, bool *ret, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s,
	                         "SELECT EXISTS (SELECT 1 FROM image_layers WHERE layer_id = ?1) "
	                         "OR EXISTS (SELECT 1 FROM layers WHERE parent = ?1) "
	                         "OR EXISTS (SELECT 1 FROM containers WHERE layer_id = ?1)",
	                         &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_db_error(s, err, "storage database");
	*ret = sqlite3_column_int(st, 0) != 0;
	return 0;
}

int store_layer_forget(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_layer_row_ struct layer_row row = {0};
	int r = store_layer_load(s, id, &row, err);
	if (r < 0)
		return r;
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = store_db_prepare(s, "DELETE FROM layers WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, id);
	r = store_db_step_done(s, st, err);
	if (r < 0)
		return cpod_error_wrap(err, "delete layer %s", id);
	_cleanup_free_ char *lpath = s->ops->layer_path(id);
	_cleanup_free_ char *link = s->ops->link_path(row.link);
	/* the blob may be shared with a layer of another parent: gc keeps it if so */
	_cleanup_free_ char *blob = row.has_blob ? blob_path(row.pub.compressed_digest) : NULL;
	const char *paths[] = {lpath, link, blob};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] && (r = store_gc_add(s, paths[i], err)) < 0)
			return r;
	}
	return 0;
}

int store_layer_open_blob(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_layer_row_ struct layer_row row = {0};
	int r = store_layer_load(s, id, &row, err);
	if (r < 0)
		return r;
	if (row.has_blob) {
		_cleanup_free_ char *p = blob_path(row.pub.compressed_digest);
		int fd = openat(s->graph_fd, p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT)
			return cpod_error_set_errno(err, errno, "open %s/%s", s->graph_root, p);
	}
	return store_layer_generate_tar(s, id, err);
}
