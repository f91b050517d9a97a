/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layer store, as root, for each driver: container layers and mounts, kill -9 at any
 * moment of a write, and concurrent writers.
 */
#include "store-test-helpers.h"

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

/* many processes opening a store whose database does not exist yet all succeed (SQLite's
 * switch of a new database to WAL can fail BUSY without waiting) */
static void test_open_fresh_parallel(void **state)
{
	struct fixture *f = *state;
	for (int round = 0; round < 4; round++) {
		_cleanup_free_ char *graph = xasprintf("%s/fresh%d/graph", f->root, round);
		_cleanup_free_ char *run = xasprintf("%s/fresh%d/run", f->root, round);
		pid_t pids[CHILDREN];
		for (int i = 0; i < CHILDREN; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0) {
				struct store_options o = {
				        .graph_root = graph, .run_root = run, .driver = f->driver};
				struct store *s = NULL;
				struct cpod_error *err = NULL;
				int r = store_open(&o, &s, &err);
				if (r < 0)
					fprintf(stderr, "store_open: %s\n", err->msg);
				store_free(s);
				_exit(r < 0 ? 1 : 0);
			}
		}
		int failed = 0;
		for (int i = 0; i < CHILDREN; i++) {
			int st = 0;
			assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failed++;
		}
		assert_int_equal(failed, 0);
	}
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

/* ---- main ---- */

#define DRIVER_TESTS(drv)                                                                          \
	cmocka_unit_test_prestate_setup_teardown(test_container_mount, setup, teardown, drv),      \
	        cmocka_unit_test_prestate_setup_teardown(test_container_empty_image, setup,        \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_container_120_layers, setup,         \
	                                                 teardown, drv),                           \
	        cmocka_unit_test_prestate_setup_teardown(test_kill9_consistency, setup, teardown,  \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_concurrent_writers, setup, teardown, \
	                                                 drv),                                     \
	        cmocka_unit_test_prestate_setup_teardown(test_open_fresh_parallel, setup, teardown, \
	                                                 drv)

int main(void)
{
	const struct CMUnitTest overlay_tests[] = {DRIVER_TESTS(&drv_overlay)};
	const struct CMUnitTest vfs_tests[] = {DRIVER_TESTS(&drv_vfs)};
	return store_test_main("store-container", overlay_tests, vfs_tests,
	                       sizeof(vfs_tests) / sizeof(vfs_tests[0]));
}
