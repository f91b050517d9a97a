/* SPDX-License-Identifier: Apache-2.0 */
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

/*
 * The layer store, as root, for each driver: every test gets a fresh graph root and run root
 * under /var/tmp, built from tars generated here with libarchive.
 */

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

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A tar in a memfd (positioned at 0); diff_hex gets its sha256. */
static int make_tar(const struct tent *e, size_t n, char diff_hex[65])
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
static struct store_layer *add_layer(struct store *s, const char *parent, const char *name,
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

static void make_image_id(const char *seed, char out[65])
{
	sha256_hex(seed, strlen(seed), out);
}

/* Record an image; usable in forked children (no cmocka assertion). */
static int try_add_image(struct store *s, const char *id, const char *top, const char *name,
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

static void add_image(struct store *s, const char *id, const char *top, const char *name,
                      int64_t created)
{
	struct cpod_error *err = NULL;
	if (try_add_image(s, id, top, name, created, &err) < 0)
		fail_msg("store_image_create: %s", err->msg);
}

static bool exists_at(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static char *read_text(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	char *data = NULL;
	int r = read_file_at(AT_FDCWD, p, 1 << 20, &data, NULL);
	free(p);
	return r < 0 ? NULL : data;
}

static int open_store(struct fixture *f, struct store **ret, struct cpod_error **err)
{
	struct store_options o = {.graph_root = f->graph, .run_root = f->run, .driver = f->driver};
	return store_open(&o, ret, err);
}

static void unmount_below(const char *root)
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

static int setup(void **state)
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

static int teardown(void **state)
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
static int db_count(const char *graph, const char *sql)
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

static int count_dir(const char *dir, const char *skip1, const char *skip2)
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
static void check_consistent(struct fixture *f)
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

/* ---- layers ----------------------------------------------------------------------------- */

static void test_layer_create_chain_ids(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct tent base[] = {
	        {"etc", 'd', NULL}, {"etc/hostname", 'f', "base\n"}, {"link", 'l', "etc/hostname"}};
	char base_hex[65];
	int fd = make_tar(base, 3, base_hex);
	struct store_layer_create_opts o = {.fd = fd};
	struct store_layer *l1 = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &l1, &err), 0);
	close(fd);
	assert_string_equal(l1->id, base_hex);
	char *want = xasprintf("sha256:%s", base_hex);
	assert_string_equal(l1->diff_id, want);
	assert_string_equal(l1->compressed_digest, want);
	free(want);
	assert_null(l1->parent);

	struct tent top[] = {{"etc/motd", 'f', "hi\n"}};
	char top_hex[65];
	fd = make_tar(top, 1, top_hex);
	o = (struct store_layer_create_opts){.parent = l1->id, .fd = fd};
	struct store_layer *l2 = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &l2, &err), 0);
	close(fd);
	/* OCI chain ID: sha256("sha256:<parent chain> sha256:<diff id>") */
	char *in = xasprintf("sha256:%s sha256:%s", base_hex, top_hex);
	char chain[65];
	sha256_hex(in, strlen(in), chain);
	free(in);
	assert_string_equal(l2->id, chain);
	assert_string_equal(l2->parent, l1->id);

	char *diff = NULL;
	assert_int_equal(store_layer_diff_path(f->s, l2->id, &diff, &err), 0);
	char *motd = read_text(diff, "etc/motd");
	assert_string_equal(motd, "hi\n");
	free(motd);
	free(diff);

	struct store_layer *got = NULL;
	assert_int_equal(store_layer_get(f->s, l2->id, &got, &err), 0);
	assert_string_equal(got->diff_id, l2->diff_id);
	store_layer_free(got);
	assert_int_equal(store_layer_get(f->s, "0000", &got, &err), -ENOENT);
	cpod_error_free(err);
	store_layer_free(l1);
	store_layer_free(l2);
	check_consistent(f);
}

static void test_layer_dedupe(void **state)
{
	struct fixture *f = *state;
	struct store_layer *a = add_layer(f->s, NULL, "file", "same");
	struct store_layer *b = add_layer(f->s, NULL, "file", "same");
	assert_string_equal(a->id, b->id);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 1);
	/* known diff ID: found without reading the blob */
	struct cpod_error *err = NULL;
	struct store_layer *c = NULL;
	struct store_layer_create_opts o = {.fd = -1, .expected_diff_id = a->diff_id};
	assert_int_equal(store_layer_create(f->s, &o, &c, &err), 0);
	assert_string_equal(c->id, a->id);
	store_layer_free(a);
	store_layer_free(b);
	store_layer_free(c);
	check_consistent(f);
}

static void test_layer_blob_kept_and_generated(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct tent e[] = {{"d", 'd', NULL}, {"d/f", 'f', "payload"}};
	char hex[65];
	int fd = make_tar(e, 2, hex);
	struct store_layer_create_opts o = {.fd = fd, .keep_blob = true};
	struct store_layer *l = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &l, &err), 0);
	close(fd);
	int bfd = store_layer_open_blob(f->s, l->id, &err);
	assert_true(bfd >= 0);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(read_fd_all(bfd, 0, &data, &len), 0);
	close(bfd);
	char got[65];
	sha256_hex(data, len, got);
	free(data);
	assert_string_equal(got, hex);

	/* without a kept blob the tar is regenerated from the files */
	struct store_layer *l2 = add_layer(f->s, l->id, "other", "x");
	bfd = store_layer_open_blob(f->s, l2->id, &err);
	assert_true(bfd >= 0);
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_fd(a, bfd, 4096), ARCHIVE_OK);
	struct archive_entry *ae;
	bool seen = false;
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK)
		seen |= strcmp(archive_entry_pathname(ae), "other") == 0;
	archive_read_free(a);
	close(bfd);
	assert_true(seen);
	store_layer_free(l);
	store_layer_free(l2);
	check_consistent(f);
}

static void test_layer_expected_digest_mismatch(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct tent e[] = {{"f", 'f', "x"}};
	char hex[65];
	int fd = make_tar(e, 1, hex);
	struct store_layer_create_opts o = {
	        .fd = fd,
	        .expected_digest =
	                "sha256:"
	                "0000000000000000000000000000000000000000000000000000000000000000",
	};
	struct store_layer *l = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &l, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "does not match"));
	cpod_error_free(err);
	close(fd);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 0);
	check_consistent(f);
}

/* ---- images ----------------------------------------------------------------------------- */

static void test_image_create_lookup(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct store_layer *l = add_layer(f->s, NULL, "f", "1");
	char id[65];
	make_image_id("img1", id);
	char *names[] = {"localhost/a:latest", "localhost/a:v1", NULL};
	const char *config = "{\"config\":{} }";
	const char *manifest = "{\"schemaVersion\":2}";
	const char *mdigest =
	        "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	struct store_image_create_opts o = {
	        .id = id,
	        .top_layer = l->id,
	        .names = names,
	        .config = config,
	        .config_len = strlen(config),
	        .manifest = manifest,
	        .manifest_len = strlen(manifest),
	        .manifest_digest = mdigest,
	        .created = 42,
	};
	assert_int_equal(store_image_create(f->s, &o, &err), 0);
	char prefix[9];
	memcpy(prefix, id, 8);
	prefix[8] = '\0';
	char *sha_id = xasprintf("sha256:%s", id);
	const char *keys[] = {id, prefix, "localhost/a:v1", mdigest, sha_id};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct store_image *img = NULL;
		if (store_image_lookup(f->s, keys[i], &img, &err) < 0)
			fail_msg("lookup %s: %s", keys[i], err->msg);
		assert_string_equal(img->id, id);
		assert_int_equal(strv_length(img->names), 2);
		assert_string_equal(img->names[0], "localhost/a:latest");
		assert_string_equal(img->digests[0], mdigest);
		assert_string_equal(img->top_layer, l->id);
		assert_int_equal(strv_length(img->layers), 1);
		assert_int_equal(img->created, 42);
		store_image_free(img);
	}
	free(sha_id);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(store_image_config(f->s, id, &data, &len, &err), 0);
	assert_int_equal(len, strlen(config));
	assert_string_equal(data, config);
	free(data);
	assert_int_equal(store_image_manifest(f->s, id, &data, &len, &err), 0);
	assert_string_equal(data, manifest);
	free(data);
	struct store_image *img = NULL;
	assert_int_equal(store_image_lookup(f->s, "localhost/nope:latest", &img, &err), -ENOENT);
	cpod_error_free(err);
	err = NULL;
	/* a second create of the same ID adds names instead of failing */
	char *more[] = {"localhost/b:latest", NULL};
	o.names = more;
	o.manifest_digest = NULL;
	assert_int_equal(store_image_create(f->s, &o, &err), 0);
	assert_int_equal(store_image_lookup(f->s, "localhost/b:latest", &img, &err), 0);
	assert_int_equal(strv_length(img->names), 3);
	store_image_free(img);
	store_layer_free(l);
	check_consistent(f);
}

static void test_image_ambiguous_prefix(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char a[65], b[65];
	memset(a, 'a', 64);
	memset(b, 'a', 64);
	a[64] = b[64] = '\0';
	b[10] = 'b';
	add_image(f->s, a, NULL, NULL, 1);
	add_image(f->s, b, NULL, NULL, 2);
	struct store_image *img = NULL;
	assert_int_equal(store_image_lookup(f->s, "aaaa", &img, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "ambiguous"));
	assert_non_null(strstr(err->msg, a));
	assert_non_null(strstr(err->msg, b));
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(store_image_lookup(f->s, "aaaaaaaaaab", &img, &err), 0);
	assert_string_equal(img->id, b);
	store_image_free(img);
	assert_int_equal(store_image_lookup(f->s, "abc", &img, &err), -ENOENT);
	cpod_error_free(err);
}

static void test_image_names_move(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char a[65], b[65];
	make_image_id("a", a);
	make_image_id("b", b);
	add_image(f->s, a, NULL, "localhost/x:latest", 1);
	add_image(f->s, b, NULL, "localhost/y:latest", 2);
	assert_int_equal(store_image_add_name(f->s, b, "localhost/x:latest", &err), 0);
	struct store_image *img = NULL;
	assert_int_equal(store_image_lookup(f->s, a, &img, &err), 0);
	assert_int_equal(strv_length(img->names), 0);
	store_image_free(img);
	assert_int_equal(store_image_lookup(f->s, "localhost/x:latest", &img, &err), 0);
	assert_string_equal(img->id, b);
	assert_int_equal(strv_length(img->names), 2);
	store_image_free(img);
	/* creating an image with a taken name moves it too */
	char c[65];
	make_image_id("c", c);
	add_image(f->s, c, NULL, "localhost/y:latest", 3);
	assert_int_equal(store_image_lookup(f->s, "localhost/y:latest", &img, &err), 0);
	assert_string_equal(img->id, c);
	store_image_free(img);
	assert_int_equal(store_image_remove_name(f->s, b, "localhost/x:latest", &err), 0);
	assert_int_equal(store_image_remove_name(f->s, b, "localhost/x:latest", &err), -ENOENT);
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(store_image_add_name(f->s, "ff", "n", &err), -ENOENT);
	cpod_error_free(err);
}

static void test_image_list_order(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct store_layer *l1 = add_layer(f->s, NULL, "f", "12345");
	struct store_layer *l2 = add_layer(f->s, l1->id, "g", "678");
	char a[65], b[65], c[65];
	make_image_id("la", a);
	make_image_id("lb", b);
	make_image_id("lc", c);
	add_image(f->s, a, l1->id, "localhost/a:1", 100);
	add_image(f->s, b, l2->id, "localhost/b:1", 300);
	add_image(f->s, c, NULL, "localhost/c:1", 200);
	struct store_image **v = NULL;
	size_t n = 0;
	assert_int_equal(store_image_list(f->s, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->id, b);
	assert_string_equal(v[1]->id, c);
	assert_string_equal(v[2]->id, a);
	assert_int_equal(strv_length(v[0]->layers), 2);
	assert_string_equal(v[0]->layers[0], l1->id);
	assert_string_equal(v[0]->layers[1], l2->id);
	assert_int_equal(v[0]->size, l1->diff_size + l2->diff_size);
	assert_string_equal(v[0]->names[0], "localhost/b:1");
	assert_int_equal(strv_length(v[1]->layers), 0);
	assert_null(v[1]->top_layer);
	store_image_list_free(v, n);
	store_layer_free(l1);
	store_layer_free(l2);
}

static void test_image_delete_gc(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct tent e[] = {{"base", 'f', "b"}};
	char hex[65];
	int fd = make_tar(e, 1, hex);
	struct store_layer_create_opts o = {.fd = fd, .keep_blob = true};
	struct store_layer *base = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &base, &err), 0);
	close(fd);
	struct store_layer *t1 = add_layer(f->s, base->id, "one", "1");
	struct store_layer *t2 = add_layer(f->s, base->id, "two", "2");
	char a[65], b[65];
	make_image_id("ga", a);
	make_image_id("gb", b);
	add_image(f->s, a, t1->id, "localhost/a:1", 1);
	add_image(f->s, b, t2->id, "localhost/b:1", 2);
	char *bdiff = NULL;
	assert_int_equal(store_layer_diff_path(f->s, base->id, &bdiff, &err), 0);

	assert_int_equal(store_image_delete(f->s, a, &err), 0);
	struct store_layer *got = NULL;
	assert_int_equal(store_layer_get(f->s, t1->id, &got, &err), -ENOENT);
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(store_layer_get(f->s, base->id, &got, &err), 0);
	store_layer_free(got);
	assert_true(exists_at(bdiff, "base"));
	check_consistent(f);

	assert_int_equal(store_image_delete(f->s, b, &err), 0);
	assert_false(exists_at(bdiff, "base"));
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 0);
	assert_int_equal(store_image_delete(f->s, b, &err), -ENOENT);
	cpod_error_free(err);
	check_consistent(f);
	free(bdiff);
	store_layer_free(base);
	store_layer_free(t1);
	store_layer_free(t2);
}

static void test_image_delete_busy(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct store_layer *l = add_layer(f->s, NULL, "f", "1");
	char id[65];
	make_image_id("busy", id);
	add_image(f->s, id, l->id, "localhost/busy:1", 1);
	const char *cid = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
	struct store_container *c = NULL;
	assert_int_equal(store_container_create(f->s, cid, id, &c, &err), 0);
	assert_int_equal(store_image_delete(f->s, id, &err), -EBUSY);
	assert_non_null(strstr(err->msg, cid));
	cpod_error_free(err);
	err = NULL;
	char **users = NULL;
	assert_int_equal(store_image_containers(f->s, id, &users, &err), 0);
	assert_int_equal(strv_length(users), 1);
	strv_free(users);
	assert_int_equal(store_container_delete(f->s, cid, &err), 0);
	assert_int_equal(store_image_delete(f->s, id, &err), 0);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 0);
	store_container_free(c);
	store_layer_free(l);
	check_consistent(f);
}

/* ---- containers ------------------------------------------------------------------------- */

static char *make_two_layer_image(struct fixture *f, char id[65])
{
	struct cpod_error *err = NULL;
	struct tent e1[] = {{"a", 'f', "A"},     {"b", 'f', "B"},     {"dir", 'd', NULL},
	                    {"dir/x", 'f', "X"}, {"keep", 'd', NULL}, {"keep/y", 'f', "Y"}};
	struct tent e2[] = {{"c", 'f', "C"},
	                    {".wh.b", 'f', ""},
	                    {"dir", 'd', NULL},
	                    {"dir/.wh..wh..opq", 'f', ""},
	                    {"dir/new", 'f', "N"}};
	char hex[65];
	int fd = make_tar(e1, 6, hex);
	struct store_layer_create_opts o = {.fd = fd};
	struct store_layer *l1 = NULL, *l2 = NULL;
	assert_int_equal(store_layer_create(f->s, &o, &l1, &err), 0);
	close(fd);
	fd = make_tar(e2, 5, hex);
	o = (struct store_layer_create_opts){.fd = fd, .parent = l1->id};
	if (store_layer_create(f->s, &o, &l2, &err) < 0)
		fail_msg("%s", err->msg);
	close(fd);
	make_image_id("two", id);
	add_image(f->s, id, l2->id, "localhost/two:1", 1);
	store_layer_free(l1);
	char *top = xstrdup(l2->id);
	store_layer_free(l2);
	return top;
}

static void test_container_mount(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char img[65];
	free(make_two_layer_image(f, img));
	const char *cid = "ctr1";
	struct store_container *c = NULL;
	assert_int_equal(store_container_create(f->s, cid, img, &c, &err), 0);
	assert_string_equal(c->image_id, img);
	assert_int_equal(store_container_create(f->s, cid, img, NULL, &err), -EEXIST);
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(store_container_mounted(f->s, cid, &err), 0);

	char *root = NULL;
	if (store_container_mount(f->s, cid, &root, &err) < 0)
		fail_msg("mount: %s", err->msg);
	assert_int_equal(store_container_mounted(f->s, cid, &err), 1);
	assert_true(exists_at(root, "a"));
	assert_true(exists_at(root, "c"));
	assert_true(exists_at(root, "keep/y"));
	assert_true(exists_at(root, "dir/new"));
	assert_false(exists_at(root, "b"));     /* whiteout */
	assert_false(exists_at(root, "dir/x")); /* opaque directory */
	char *p = path_join(root, "written");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, "w", 1, 0644, false), 0);
	free(p);
	char *diff = NULL;
	assert_int_equal(store_layer_diff_path(f->s, c->layer_id, &diff, &err), 0);
	assert_true(exists_at(diff, "written"));
	free(diff);

	char *root2 = NULL;
	assert_int_equal(store_container_mount(f->s, cid, &root2, &err), 0);
	assert_string_equal(root, root2);
	assert_int_equal(store_container_mounted(f->s, cid, &err), 2);
	assert_int_equal(store_container_unmount(f->s, cid, false, &err), 0);
	assert_int_equal(store_container_mounted(f->s, cid, &err), 1);
	assert_true(exists_at(root, "a"));
	assert_int_equal(store_container_unmount(f->s, cid, false, &err), 0);
	assert_int_equal(store_container_mounted(f->s, cid, &err), 0);
	if (f->driver == STORE_DRIVER_OVERLAY)
		assert_false(exists_at(root, "a"));
	/* force drops every reference */
	free(root2);
	assert_int_equal(store_container_mount(f->s, cid, &root2, &err), 0);
	free(root2);
	assert_int_equal(store_container_mount(f->s, cid, &root2, &err), 0);
	free(root2);
	assert_int_equal(store_container_unmount(f->s, cid, true, &err), 0);
	assert_int_equal(store_container_mounted(f->s, cid, &err), 0);

	char *dir = NULL, *rdir = NULL;
	assert_int_equal(store_container_dir(f->s, cid, false, &dir, &err), 0);
	assert_int_equal(store_container_dir(f->s, cid, true, &rdir, &err), 0);
	assert_true(exists_at(dir, "."));
	assert_true(strncmp(rdir, f->run, strlen(f->run)) == 0);
	/* delete while mounted: unmounts first */
	assert_int_equal(store_container_mount(f->s, cid, &root2, &err), 0);
	free(root2);
	assert_int_equal(store_container_delete(f->s, cid, &err), 0);
	assert_false(exists_at(dir, "."));
	assert_false(exists_at(rdir, "."));
	assert_int_equal(store_container_get(f->s, cid, &c, &err), -ENOENT);
	cpod_error_free(err);
	free(dir);
	free(rdir);
	free(root);
	store_container_free(c);
	check_consistent(f);
}

static void test_container_empty_image(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char img[65];
	make_image_id("scratch", img);
	add_image(f->s, img, NULL, "localhost/scratch:1", 1);
	assert_int_equal(store_container_create(f->s, "scratch-ctr", img, NULL, &err), 0);
	assert_int_equal(store_container_create(f->s, "noimage", NULL, NULL, &err), 0);
	char *root = NULL;
	if (store_container_mount(f->s, "scratch-ctr", &root, &err) < 0)
		fail_msg("mount: %s", err->msg);
	assert_int_equal(count_dir(root, NULL, NULL), 0);
	free(root);
	assert_int_equal(store_container_mount(f->s, "noimage", &root, &err), 0);
	free(root);
	assert_int_equal(store_container_delete(f->s, "scratch-ctr", &err), 0);
	assert_int_equal(store_container_delete(f->s, "noimage", &err), 0);
	assert_int_equal(store_container_create(f->s, "../x", NULL, NULL, &err), -EINVAL);
	cpod_error_free(err);
	check_consistent(f);
}

static void test_container_120_layers(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char *parent = NULL;
	for (int i = 0; i < 120; i++) {
		char name[32], data[32];
		snprintf(name, sizeof(name), "f%03d", i);
		snprintf(data, sizeof(data), "%d", i);
		struct store_layer *l = add_layer(f->s, parent, name, data);
		free(parent);
		parent = xstrdup(l->id);
		store_layer_free(l);
	}
	char img[65];
	make_image_id("tall", img);
	add_image(f->s, img, parent, "localhost/tall:1", 1);
	assert_int_equal(store_container_create(f->s, "tall", img, NULL, &err), 0);
	char *root = NULL;
	if (store_container_mount(f->s, "tall", &root, &err) < 0)
		fail_msg("mount: %s", err->msg);
	assert_true(exists_at(root, "f000"));
	assert_true(exists_at(root, "f119"));
	char *v = read_text(root, "f060");
	assert_string_equal(v, "60");
	free(v);
	free(root);
	assert_int_equal(store_container_delete(f->s, "tall", &err), 0);
	assert_int_equal(store_image_delete(f->s, img, &err), 0);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 0);
	free(parent);
	check_consistent(f);
}

/* ---- handles ---------------------------------------------------------------------------- */

static void test_store_reopen_and_modes(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	struct store_layer *l = add_layer(f->s, NULL, "f", "1");
	struct store *other = NULL;
	enum store_driver wrong =
	        f->driver == STORE_DRIVER_VFS ? STORE_DRIVER_OVERLAY : STORE_DRIVER_VFS;
	struct store_options o = {.graph_root = f->graph, .run_root = f->run, .driver = wrong};
	assert_true(store_open(&o, &other, &err) < 0);
	assert_non_null(strstr(err->msg, "does not match"));
	cpod_error_free(err);
	err = NULL;
	o.driver = STORE_DRIVER_AUTO;
	o.read_only = true;
	assert_int_equal(store_open(&o, &other, &err), 0);
	assert_int_equal(store_get_driver(other), f->driver);
	assert_non_null(store_driver_reason(other));
	struct store_layer *got = NULL;
	assert_int_equal(store_layer_get(other, l->id, &got, &err), 0);
	store_layer_free(got);
	assert_int_equal(store_image_add_name(other, l->id, "x", &err), -EROFS);
	cpod_error_free(err);
	store_free(other);
	assert_int_equal(store_driver_from_string("overlay"), STORE_DRIVER_OVERLAY);
	assert_int_equal(store_driver_from_string("vfs"), STORE_DRIVER_VFS);
	assert_int_equal(store_driver_from_string(""), STORE_DRIVER_AUTO);
	assert_int_equal(store_driver_from_string("aufs"), _STORE_DRIVER_INVALID);
	store_layer_free(l);
}

/* ---- crash safety and concurrency -------------------------------------------------------- */

#define BIG_FILES 1500

static int make_big_tar(void)
{
	struct tent *e = xnew(struct tent, BIG_FILES + 1);
	char **names = xnew(char *, BIG_FILES);
	char *data = xmalloc(8193);
	memset(data, 'z', 8192);
	data[8192] = '\0';
	e[0] = (struct tent){"big", 'd', NULL};
	for (int i = 0; i < BIG_FILES; i++) {
		names[i] = xasprintf("big/f%04d", i);
		e[i + 1] = (struct tent){names[i], 'f', data};
	}
	char hex[65];
	int fd = make_tar(e, BIG_FILES + 1, hex);
	for (int i = 0; i < BIG_FILES; i++)
		free(names[i]);
	free(names);
	free(data);
	free(e);
	return fd;
}

/* Child: create, record and delete images over the big layer until killed. */
static void __attribute__((noreturn)) churn(struct fixture *f, int fd)
{
	struct store *s = NULL;
	struct cpod_error *err = NULL;
	if (open_store(f, &s, &err) < 0)
		_exit(2);
	for (int i = 0;; i++) {
		lseek(fd, 0, SEEK_SET);
		struct store_layer_create_opts o = {.fd = fd, .keep_blob = (i % 2) == 0};
		struct store_layer *l = NULL;
		if (store_layer_create(s, &o, &l, &err) < 0)
			_exit(3);
		char seed[32], id[65];
		snprintf(seed, sizeof(seed), "churn%d", i);
		make_image_id(seed, id);
		if (try_add_image(s, id, l->id, "localhost/churn:latest", i, &err) < 0)
			_exit(5);
		if (store_image_delete(s, id, &err) < 0)
			_exit(4);
		store_layer_free(l);
	}
}

static void check_layers_complete(struct fixture *f, struct store *s)
{
	struct store_image **v = NULL;
	size_t n = 0;
	struct cpod_error *err = NULL;
	assert_int_equal(store_image_list(s, &v, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		STRV_FOREACH(lid, v[i]->layers)
		{
			char *diff = NULL;
			assert_int_equal(store_layer_diff_path(s, *lid, &diff, &err), 0);
			assert_true(exists_at(diff, "big/f0000"));
			char *last = xasprintf("big/f%04d", BIG_FILES - 1);
			assert_true(exists_at(diff, last));
			free(last);
			free(diff);
		}
	}
	store_image_list_free(v, n);
}

static void test_kill9_consistency(void **state)
{
	struct fixture *f = *state;
	int fd = make_big_tar();
	const int delays_ms[] = {1, 5, 15, 30, 50, 80, 120, 200, 300, 450};
	for (size_t i = 0; i < sizeof(delays_ms) / sizeof(delays_ms[0]); i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			churn(f, fd);
		struct timespec ts = {0, delays_ms[i] * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status)); /* did not fail on its own */
		struct store *s = NULL;
		struct cpod_error *err = NULL;
		if (open_store(f, &s, &err) < 0)
			fail_msg("reopen after kill: %s", err->msg);
		check_consistent(f);
		check_layers_complete(f, s);
		store_free(s);
	}
	close(fd);
}

#define CHILDREN 8

static int concurrent_child(struct fixture *f, int n)
{
	struct store *s = NULL;
	struct cpod_error *err = NULL;
	if (open_store(f, &s, &err) < 0)
		goto fail;
	struct tent shared[] = {{"shared", 'f', "same for everyone"}};
	char hex[65];
	int fd = make_tar(shared, 1, hex);
	struct store_layer_create_opts o = {.fd = fd, .keep_blob = true};
	struct store_layer *base = NULL;
	if (store_layer_create(s, &o, &base, &err) < 0)
		goto fail;
	close(fd);
	char name[32], data[32];
	snprintf(name, sizeof(name), "own%d", n);
	snprintf(data, sizeof(data), "%d", n);
	struct tent own[] = {{name, 'f', data}};
	fd = make_tar(own, 1, hex);
	o = (struct store_layer_create_opts){.fd = fd, .parent = base->id};
	struct store_layer *top = NULL;
	if (store_layer_create(s, &o, &top, &err) < 0)
		goto fail;
	close(fd);
	char id[65];
	make_image_id(name, id);
	char *iname = xasprintf("localhost/img-%d:1", n);
	int r = try_add_image(s, id, top->id, iname, n, &err);
	free(iname);
	if (r < 0)
		goto fail;
	for (int k = 0; k < 3; k++) {
		if (store_image_add_name(s, id, "localhost/shared:1", &err) < 0)
			goto fail;
	}
	char cid[32];
	snprintf(cid, sizeof(cid), "ctr%d", n);
	if (store_container_create(s, cid, id, NULL, &err) < 0)
		goto fail;
	store_layer_free(base);
	store_layer_free(top);
	store_free(s);
	return 0;
fail:
	fprintf(stderr, "child %d: %s\n", n, err ? err->msg : "?");
	return 1;
}

static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	pid_t pids[CHILDREN];
	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(concurrent_child(f, i));
	}
	for (int i = 0; i < CHILDREN; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM images"), CHILDREN);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers WHERE rw = 0"),
	                 CHILDREN + 1);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM containers"), CHILDREN);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM image_names"), CHILDREN + 1);
	struct store *s = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(open_store(f, &s, &err), 0);
	check_consistent(f);
	store_free(s);
}

/* ---- main ------------------------------------------------------------------------------- */

#define DRIVER_TESTS(drv)                                                                          \
	cmocka_unit_test_prestate_setup_teardown(test_layer_create_chain_ids, setup, teardown,     \
	                                         drv),                                             \
	        cmocka_unit_test_prestate_setup_teardown(test_layer_dedupe, setup, teardown, drv), \
	        cmocka_unit_test_prestate_setup_teardown(test_layer_blob_kept_and_generated,       \
	                                                 setup, teardown, drv),                    \
	        cmocka_unit_test_prestate_setup_teardown(test_layer_expected_digest_mismatch,      \
	                                                 setup, teardown, drv),                    \
	        cmocka_unit_test_prestate_setup_teardown(test_image_create_lookup, setup,          \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_image_ambiguous_prefix, setup,       \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_image_names_move, setup, teardown,   \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_image_list_order, setup, teardown,   \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_image_delete_gc, setup, teardown,    \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_image_delete_busy, setup, teardown,  \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_container_mount, setup, teardown,    \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_container_empty_image, setup,        \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_container_120_layers, setup,         \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_store_reopen_and_modes, setup,       \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_kill9_consistency, setup, teardown,  \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_concurrent_writers, setup, teardown, \
	                                                 drv)

/* Can this machine mount overlay on /var/tmp? Answered by the store itself (AUTO). */
static bool overlay_usable(char **reason)
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

int main(void)
{
	if (geteuid() != 0) {
		printf("# skip: the store tests need root (mounts, ownership)\n");
		return 77;
	}
	const struct CMUnitTest vfs_tests[] = {DRIVER_TESTS(&drv_vfs)};
	const struct CMUnitTest overlay_tests[] = {DRIVER_TESTS(&drv_overlay)};
	char *reason = NULL;
	bool overlay = overlay_usable(&reason);
	int failed = 0;
	if (overlay) {
		failed += cmocka_run_group_tests_name("store-overlay", overlay_tests, NULL, NULL);
	} else {
		printf("# skip overlay: %s\n", reason);
	}
	free(reason);
	failed += cmocka_run_group_tests_name("store-vfs", vfs_tests, NULL, NULL);
	return failed ? 1 : 0;
}
