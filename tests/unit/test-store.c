/* SPDX-License-Identifier: Apache-2.0 */
/* The layer store, as root, for each driver: layers, images, handles and recovery. */
#include "store-test-helpers.h"

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

static void test_store_sweeps_only_abandoned(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	char *live = xasprintf("%s/tmp/live", f->graph);
	char *dead = xasprintf("%s/tmp/dead", f->graph);
	assert_int_equal(mkdir_p(live, 0700), 0);
	assert_int_equal(mkdir_p(dead, 0700), 0);
	int fd = open(live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	/* a path journaled by a writer killed between rename and commit */
	char *orphan = xasprintf("%s/images/%064d", f->graph, 0);
	assert_int_equal(mkdir_p(orphan, 0700), 0);
	char *db = path_join(f->graph, "storage.db");
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	char *sql = xasprintf("INSERT INTO gc (path) VALUES ('images/%064d')", 0);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	/* a reboot: the boot ID in the run root changed, mount counts are stale */
	char *boot = path_join(f->run, "storage/boot-id");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, boot, "x\n", 2, 0600, false), 0);
	char *count = path_join(f->run, "storage/mounts/stale");
	assert_int_equal(mkdir_p(f->run, 0700), 0);
	char *mounts = path_join(f->run, "storage/mounts");
	assert_int_equal(mkdir_p(mounts, 0700), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, count, "3\n", 2, 0600, false), 0);

	struct store *s = NULL;
	assert_int_equal(open_store(f, &s, &err), 0);
	assert_true(path_exists(live));
	assert_false(path_exists(dead));
	assert_false(path_exists(orphan));
	assert_false(path_exists(count));
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM gc"), 0);
	store_free(s);
	close(fd);
	/* once its builder is gone, the staging directory is garbage too */
	assert_int_equal(open_store(f, &s, &err), 0);
	assert_false(path_exists(live));
	store_free(s);
	free(live);
	free(dead);
	free(orphan);
	free(db);
	free(sql);
	free(boot);
	free(count);
	free(mounts);
}

static void test_store_driver_choice_from_probe(void **state)
{
	struct fixture *f = *state;
	struct cpod_error *err = NULL;
	/* a cached failed probe: AUTO falls back to vfs and says why, explicit overlay refuses */
	char *g = xasprintf("%s/g2", f->root), *r = xasprintf("%s/r2", f->root);
	char *cache = xasprintf("%s/storage/overlay-probe", r);
	char *dir = xasprintf("%s/storage", r);
	assert_int_equal(mkdir_p(dir, 0700), 0);
	const char *why = "no\noverlay mount failed on extfs: Invalid argument";
	assert_int_equal(write_file_atomic_at(AT_FDCWD, cache, why, strlen(why), 0600, false), 0);
	struct store_options o = {.graph_root = g, .run_root = r, .driver = STORE_DRIVER_OVERLAY};
	struct store *s = NULL;
	assert_int_equal(store_open(&o, &s, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err->msg, "Invalid argument"));
	assert_non_null(strstr(err->msg, "use --storage-driver vfs"));
	cpod_error_free(err);
	err = NULL;
	o.driver = STORE_DRIVER_AUTO;
	assert_int_equal(store_open(&o, &s, &err), 0);
	assert_int_equal(store_get_driver(s), STORE_DRIVER_VFS);
	assert_string_equal(store_driver_reason(s),
	                    "vfs: overlay mount failed on extfs: Invalid argument");
	assert_string_equal(store_backing_fs(s), "extfs");
	store_free(s);
	free(g);
	free(r);
	free(cache);
	free(dir);
}

/* ---- main ---- */

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
	        cmocka_unit_test_prestate_setup_teardown(test_store_reopen_and_modes, setup,       \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_store_sweeps_only_abandoned, setup,  \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_store_driver_choice_from_probe,      \
	                                                 setup, teardown, drv)

int main(void)
{
	const struct CMUnitTest overlay_tests[] = {DRIVER_TESTS(&drv_overlay)};
	const struct CMUnitTest vfs_tests[] = {DRIVER_TESTS(&drv_vfs)};
	return store_test_main("store", overlay_tests, vfs_tests,
	                       sizeof(vfs_tests) / sizeof(vfs_tests[0]));
}
