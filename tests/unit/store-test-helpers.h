/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TEST_STORE_HELPERS_H
#define CPOD_TEST_STORE_HELPERS_H

/*
 * Shared by test-store.c and test-store-container.c: a fresh store per test (graph root and
 * run root under /var/tmp) for the driver given as prestate, tars generated with libarchive,
 * and a consistency check of the on-disk state against the database.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/store.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct fixture {
	enum store_driver driver;
	char *root;
	char *graph;
	char *run;
	struct store *s;
};

static enum store_driver drv_overlay = STORE_DRIVER_OVERLAY;
static enum store_driver drv_vfs = STORE_DRIVER_VFS;

/* ---- helpers ---------------------------------------------------------------------------- */

struct tent {
	const char *path;
	char type; /* 'f' file, 'd' dir, 'l' symlink (data = target) */
	const char *data;
};

static inline void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A tar in a memfd (positioned at 0); diff_hex gets its sha256. */
static inline int make_tar(const struct tent *e, size_t n, char diff_hex[65])
{
	int fd = memfd_create("layer", MFD_CLOEXEC);
	assert_true(fd >= 0);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_fd(a, fd), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_mtime(ae, 1700000000, 0);
		if (e[i].type == 'd') {
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
		} else if (e[i].type == 'l') {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_perm(ae, 0777);
			archive_entry_set_symlink(ae, e[i].data);
		} else {
			size_t len = e[i].data ? strlen(e[i].data) : 0;
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, (la_int64_t)len);
		}
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].type == 'f' && e[i].data && *e[i].data)
			assert_true(archive_write_data(a, e[i].data, strlen(e[i].data)) > 0);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	char *buf = NULL;
	size_t len = 0;
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(read_fd_all(fd, 0, &buf, &len), 0);
	sha256_hex(buf, len, diff_hex);
	free(buf);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A layer with one file "name" containing "data"; returns the layer (owned). */
static inline struct store_layer *add_layer(struct store *s, const char *parent, const char *name,
                                            const char *data)
{
	struct tent e[] = {{name, 'f', data}};
	char hex[65];
	int fd = make_tar(e, 1, hex);
	struct store_layer_create_opts o = {.parent = parent, .fd = fd};
	struct store_layer *l = NULL;
	struct cpod_error *err = NULL;
	int r = store_layer_create(s, &o, &l, &err);
	if (r < 0)
		fail_msg("store_layer_create: %s", err->msg);
	close(fd);
	return l;
}

static inline void make_image_id(const char *seed, char out[65])
{
	sha256_hex(seed, strlen(seed), out);
}

/* Record an image; usable in forked children (no cmocka assertion). */
static inline int try_add_image(struct store *s, const char *id, const char *top, const char *name,
                                int64_t created, struct cpod_error **err)
{
	char *names[] = {(char *)name, NULL};
	const char *config = "{\"architecture\":\"amd64\"}";
	struct store_image_create_opts o = {
	        .id = id,
	        .top_layer = top,
	        .names = name ? names : NULL,
	        .config = config,
	        .config_len = strlen(config),
	        .created = created,
	};
	return store_image_create(s, &o, err);
}

static inline void add_image(struct store *s, const char *id, const char *top, const char *name,
                             int64_t created)
{
	struct cpod_error *err = NULL;
	if (try_add_image(s, id, top, name, created, &err) < 0)
		fail_msg("store_image_create: %s", err->msg);
}

static inline bool exists_at(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static inline char *read_text(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	char *data = NULL;
	int r = read_file_at(AT_FDCWD, p, 1 << 20, &data, NULL);
	free(p);
	return r < 0 ? NULL : data;
}

static inline int open_store(struct fixture *f, struct store **ret, struct cpod_error **err)
{
	struct store_options o = {.graph_root = f->graph, .run_root = f->run, .driver = f->driver};
	return store_open(&o, ret, err);
}

static inline void unmount_below(const char *root)
{
	for (int pass = 0; pass < 4; pass++) {
		FILE *m = fopen("/proc/self/mounts", "re");
		if (!m)
			return;
		char line[4096];
		while (fgets(line, sizeof(line), m)) {
			char dev[1024], mnt[2048];
			if (sscanf(line, "%1023s %2047s", dev, mnt) == 2 &&
			    strncmp(mnt, root, strlen(root)) == 0)
				umount2(mnt, MNT_DETACH);
		}
		fclose(m);
	}
}

static inline int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	f->driver = *(enum store_driver *)*state;
	char tmpl[] = "/var/tmp/cpod-test-store-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->root = xstrdup(tmpl);
	f->graph = xasprintf("%s/graph", tmpl);
	f->run = xasprintf("%s/run", tmpl);
	struct cpod_error *err = NULL;
	if (open_store(f, &f->s, &err) < 0)
		fail_msg("store_open: %s", err->msg);
	assert_int_equal(store_get_driver(f->s), f->driver);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	store_free(f->s);
	unmount_below(f->root);
	rm_rf_at(AT_FDCWD, f->root);
	free(f->root);
	free(f->graph);
	free(f->run);
	free(f);
	return 0;
}

/* Count rows of a query on the store's database (opened separately, read-only). */
static inline int db_count(const char *graph, const char *sql)
{
	char *p = path_join(graph, "storage.db");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 30000);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(p);
	return n;
}

static inline int count_dir(const char *dir, const char *skip1, const char *skip2)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (skip1 && strcmp(de->d_name, skip1) == 0) ||
		    (skip2 && strcmp(de->d_name, skip2) == 0))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

/*
 * After a (re)open: nothing staged, nothing journaled, and every layer directory on disk
 * belongs to a recorded layer and the other way round.
 */
static inline void check_consistent(struct fixture *f)
{
	char *tmp = path_join(f->graph, "tmp");
	assert_int_equal(count_dir(tmp, NULL, NULL), 0);
	free(tmp);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM gc"), 0);
	int layers = db_count(f->graph, "SELECT count(*) FROM layers");
	int dirs;
	if (f->driver == STORE_DRIVER_OVERLAY) {
		char *o = path_join(f->graph, "overlay");
		dirs = count_dir(o, "l", "empty");
		free(o);
		char *l = path_join(f->graph, "overlay/l");
		assert_int_equal(count_dir(l, NULL, NULL),
		                 db_count(f->graph, "SELECT count(link) FROM layers"));
		free(l);
	} else {
		char *v = path_join(f->graph, "vfs/dir");
		dirs = count_dir(v, NULL, NULL);
		free(v);
	}
	assert_int_equal(dirs, layers);
	char *images = path_join(f->graph, "images");
	assert_int_equal(count_dir(images, NULL, NULL),
	                 db_count(f->graph, "SELECT count(*) FROM images"));
	free(images);
	char *blobs = path_join(f->graph, "blobs/sha256");
	assert_int_equal(count_dir(blobs, NULL, NULL),
	                 db_count(f->graph, "SELECT count(DISTINCT compressed_digest) FROM layers "
	                                    "WHERE has_blob = 1"));
	free(blobs);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static inline bool overlay_usable(char **reason)
{
	char tmpl[] = "/var/tmp/cpod-test-store-probe-XXXXXX";
	if (!mkdtemp(tmpl))
		return false;
	char *g = xasprintf("%s/graph", tmpl), *r = xasprintf("%s/run", tmpl);
	struct store_options o = {.graph_root = g, .run_root = r, .driver = STORE_DRIVER_AUTO};
	struct store *s = NULL;
	struct cpod_error *err = NULL;
	bool ok = store_open(&o, &s, &err) == 0 && store_get_driver(s) == STORE_DRIVER_OVERLAY;
	*reason = xstrdup(s ? store_driver_reason(s) : err->msg);
	store_free(s);
	cpod_error_free(err);
	rm_rf_at(AT_FDCWD, tmpl);
	free(g);
	free(r);
	return ok;
}

/*
 * Run the overlay suite (when the kernel can mount overlay on /var/tmp) and the vfs suite;
 * exit 77 with the reason when not root.
 */
static inline int store_test_main(const char *name, const struct CMUnitTest *overlay_tests,
                                  const struct CMUnitTest *vfs_tests, size_t n)
{
	if (geteuid() != 0) {
		printf("# skip: the store tests need root (mounts, ownership)\n");
		return 77;
	}
	char *reason = NULL;
	int failed = 0;
	char *group = xasprintf("%s-overlay", name);
	if (overlay_usable(&reason))
		failed += _cmocka_run_group_tests(group, overlay_tests, n, NULL, NULL);
	else
		printf("# skip overlay: %s\n", reason);
	free(group);
	free(reason);
	group = xasprintf("%s-vfs", name);
	failed += _cmocka_run_group_tests(group, vfs_tests, n, NULL, NULL);
	free(group);
	return failed ? 1 : 0;
}

#endif
