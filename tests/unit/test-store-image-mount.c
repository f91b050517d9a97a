/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_image_layer_dirs, store_image_mount and store_image_unmount (--mount type=image),
 * with the overlay driver (when the kernel can) and with vfs. Needs root.
 */
#include <dirent.h>

#include "store-test-helpers.h"
#include "util/banned.h"

struct two_layers {
	struct store_layer *base;
	struct store_layer *top;
	char id[65];
};

/* Image "localhost/two": /base (from the base layer), /top and /etc/conf (from the top). */
static void make_two(struct store *s, struct two_layers *t)
{
	t->base = add_layer(s, NULL, "base", "base data\n");
	struct tent e[] = {
	        {"top", 'f', "top data\n"}, {"etc", 'd', NULL}, {"etc/conf", 'f', "conf v1\n"}};
	char hex[65];
	int fd = make_tar(e, 3, hex);
	struct store_layer_create_opts o = {.parent = t->base->id, .fd = fd};
	struct cpod_error *err = NULL;
	if (store_layer_create(s, &o, &t->top, &err) < 0)
		fail_msg("store_layer_create: %s", err->msg);
	close(fd);
	make_image_id("two", t->id);
	add_image(s, t->id, t->top->id, "localhost/two:latest", 1);
}

static void two_release(struct two_layers *t)
{
	store_layer_free(t->base);
	store_layer_free(t->top);
}

static char *make_dir(struct fixture *f, const char *name)
{
	char *p = path_join(f->root, name);
	assert_int_equal(mkdir_p(p, 0755), 0);
	return p;
}

static void assert_file(const char *dir, const char *rel, const char *want)
{
	char *got = read_text(dir, rel);
	if (!got)
		fail_msg("%s/%s: missing", dir, rel);
	assert_string_equal(got, want);
	free(got);
}

static int try_write(const char *dir, const char *rel, const char *data)
{
	char *p = path_join(dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	free(p);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, data, strlen(data));
	close(fd);
	return r;
}

/* A bind keeps st_dev: look the path up in mountinfo (the test paths have no spaces). */
static bool is_mount_point(const char *dir)
{
	FILE *m = fopen("/proc/self/mountinfo", "re");
	assert_non_null(m);
	char line[8192];
	bool found = false;
	while (!found && fgets(line, sizeof(line), m)) {
		char mnt[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = strcmp(mnt, dir) == 0;
	}
	fclose(m);
	return found;
}

static void test_store_image_layer_dirs_top_first(void **state)
{
	struct fixture *f = *state;
	struct two_layers t;
	make_two(f->s, &t);
	char **dirs = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(store_image_layer_dirs(f->s, "localhost/two:latest", &dirs, &err), 0);
	if (f->driver == STORE_DRIVER_OVERLAY) {
		assert_int_equal(strv_length(dirs), 2);
		char *want0 = xasprintf("%s/overlay/%s/diff", f->graph, t.top->id);
		char *want1 = xasprintf("%s/overlay/%s/diff", f->graph, t.base->id);
		assert_string_equal(dirs[0], want0);
		assert_string_equal(dirs[1], want1);
		assert_file(dirs[1], "base", "base data\n");
		free(want0);
		free(want1);
	} else {
		assert_int_equal(strv_length(dirs), 1);
		char *want = xasprintf("%s/vfs/dir/%s", f->graph, t.top->id);
		assert_string_equal(dirs[0], want);
		free(want);
	}
	assert_file(dirs[0], "top", "top data\n");
	strv_free(dirs);
	two_release(&t);
}

static void test_store_image_layer_dirs_unknown(void **state)
{
	struct fixture *f = *state;
	char **dirs = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(store_image_layer_dirs(f->s, "localhost/nothing", &dirs, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "image not known"));
	assert_null(dirs);
	cpod_error_free(err);
}

static void test_store_image_mount_read_only(void **state)
{
	struct fixture *f = *state;
	struct two_layers t;
	make_two(f->s, &t);
	char *target = make_dir(f, "ro");
	struct cpod_error *err = NULL;
	if (store_image_mount(f->s, t.id, target, NULL, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	assert_true(is_mount_point(target));
	assert_file(target, "base", "base data\n");
	assert_file(target, "top", "top data\n");
	assert_file(target, "etc/conf", "conf v1\n");
	assert_int_equal(try_write(target, "new", "x"), -EROFS);
	assert_int_equal(try_write(target, "etc/conf", "changed"), -EROFS);
	assert_int_equal(store_image_unmount(target, &err), 0);
	assert_false(is_mount_point(target));
	assert_int_equal(count_dir(target, NULL, NULL), 0);
	/* twice is fine: nothing mounted any more */
	assert_int_equal(store_image_unmount(target, &err), 0);
	assert_null(err);
	free(target);
	two_release(&t);
}

static void test_store_image_mount_single_layer(void **state)
{
	struct fixture *f = *state;
	struct store_layer *l = add_layer(f->s, NULL, "only", "one\n");
	char id[65];
	make_image_id("single", id);
	add_image(f->s, id, l->id, "localhost/single:latest", 1);
	char *target = make_dir(f, "single");
	struct cpod_error *err = NULL;
	if (store_image_mount(f->s, "localhost/single:latest", target, NULL, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	assert_file(target, "only", "one\n");
	assert_int_equal(count_dir(target, NULL, NULL), 1);
	assert_int_equal(try_write(target, "new", "x"), -EROFS);
	assert_int_equal(store_image_unmount(target, &err), 0);
	free(target);
	store_layer_free(l);
}

static void test_store_image_mount_read_write_keeps_layers(void **state)
{
	struct fixture *f = *state;
	struct two_layers t;
	make_two(f->s, &t);
	char *target = make_dir(f, "rw");
	char *rw = path_join(f->root, "rwdata");
	struct cpod_error *err = NULL;
	if (store_image_mount(f->s, t.id, target, rw, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	assert_true(is_mount_point(target));
	assert_file(target, "base", "base data\n");
	assert_int_equal(try_write(target, "new", "written\n"), 0);
	assert_int_equal(try_write(target, "etc/conf", "conf v2\n"), 0);
	assert_file(target, "new", "written\n");
	assert_file(target, "etc/conf", "conf v2\n");
	assert_int_equal(store_image_unmount(target, &err), 0);
	assert_false(is_mount_point(target));

	/* the writes are in rw_dir, the layers are as they were */
	char **dirs = NULL;
	assert_int_equal(store_image_layer_dirs(f->s, t.id, &dirs, &err), 0);
	assert_file(dirs[0], "etc/conf", "conf v1\n");
	assert_false(exists_at(dirs[0], "new"));
	strv_free(dirs);
	assert_true(exists_at(rw, f->driver == STORE_DRIVER_OVERLAY ? "upper/new" : "copy/new"));

	/* a read-only mount afterwards shows the image unchanged */
	if (store_image_mount(f->s, t.id, target, NULL, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	assert_file(target, "etc/conf", "conf v1\n");
	assert_false(exists_at(target, "new"));
	assert_int_equal(store_image_unmount(target, &err), 0);

	/* rw_dir is kept across mounts */
	if (store_image_mount(f->s, t.id, target, rw, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	assert_file(target, "new", "written\n");
	assert_int_equal(store_image_unmount(target, &err), 0);
	free(rw);
	free(target);
	two_release(&t);
}

static void test_store_image_mount_root_owner(void **state)
{
	struct fixture *f = *state;
	struct two_layers t;
	make_two(f->s, &t);
	char **dirs = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(store_image_layer_dirs(f->s, t.id, &dirs, &err), 0);
	assert_int_equal(chown(dirs[0], 123, 456), 0);
	assert_int_equal(chmod(dirs[0], 0750), 0);
	strv_free(dirs);
	char *target = make_dir(f, "owner");
	char *rw = path_join(f->root, "owner-rw");
	if (store_image_mount(f->s, t.id, target, rw, &err) < 0)
		fail_msg("store_image_mount: %s", err->msg);
	struct stat st;
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_uid, 123);
	assert_int_equal(st.st_gid, 456);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(store_image_unmount(target, &err), 0);
	free(rw);
	free(target);
	two_release(&t);
}

static void test_store_image_mount_no_layers(void **state)
{
	struct fixture *f = *state;
	char id[65];
	make_image_id("empty", id);
	add_image(f->s, id, NULL, "localhost/empty:latest", 1);
	char *target = make_dir(f, "empty");
	struct cpod_error *err = NULL;
	char **dirs = NULL;
	assert_int_equal(store_image_layer_dirs(f->s, id, &dirs, &err), 0);
	assert_int_equal(strv_length(dirs), 0);
	strv_free(dirs);
	assert_int_equal(store_image_mount(f->s, id, target, NULL, &err), 0);
	assert_true(is_mount_point(target));
	assert_int_equal(count_dir(target, NULL, NULL), 0);
	assert_int_equal(try_write(target, "x", "x"), -EROFS);
	assert_int_equal(store_image_unmount(target, &err), 0);
	assert_false(is_mount_point(target));
	free(target);
}

static void test_store_image_mount_unknown(void **state)
{
	struct fixture *f = *state;
	char *target = make_dir(f, "unknown");
	struct cpod_error *err = NULL;
	assert_int_equal(store_image_mount(f->s, "localhost/nothing", target, NULL, &err), -ENOENT);
	assert_string_equal(err->msg, "localhost/nothing: image not known");
	assert_false(is_mount_point(target));
	cpod_error_free(err);
	free(target);
}

static void test_store_image_mount_bad_target(void **state)
{
	struct fixture *f = *state;
	struct two_layers t;
	make_two(f->s, &t);
	char *target = path_join(f->root, "does-not-exist");
	struct cpod_error *err = NULL;
	assert_true(store_image_mount(f->s, t.id, target, NULL, &err) < 0);
	assert_int_equal(err->code, ENOENT);
	assert_non_null(strstr(err->msg, target));
	cpod_error_free(err);
	free(target);
	two_release(&t);
}

#define TESTS(drv)                                                                                 \
	{                                                                                          \
		cmocka_unit_test_prestate_setup_teardown(test_store_image_layer_dirs_top_first,    \
		                                         setup, teardown, &drv),                   \
		        cmocka_unit_test_prestate_setup_teardown(                                  \
		                test_store_image_layer_dirs_unknown, setup, teardown, &drv),       \
		        cmocka_unit_test_prestate_setup_teardown(test_store_image_mount_read_only, \
		                                                 setup, teardown, &drv),           \
		        cmocka_unit_test_prestate_setup_teardown(                                  \
		                test_store_image_mount_single_layer, setup, teardown, &drv),       \
		        cmocka_unit_test_prestate_setup_teardown(                                  \
		                test_store_image_mount_read_write_keeps_layers, setup, teardown,   \
		                &drv),                                                             \
		        cmocka_unit_test_prestate_setup_teardown(                                  \
		                test_store_image_mount_root_owner, setup, teardown, &drv),         \
		        cmocka_unit_test_prestate_setup_teardown(test_store_image_mount_no_layers, \
		                                                 setup, teardown, &drv),           \
		        cmocka_unit_test_prestate_setup_teardown(test_store_image_mount_unknown,   \
		                                                 setup, teardown, &drv),           \
		        cmocka_unit_test_prestate_setup_teardown(                                  \
		                test_store_image_mount_bad_target, setup, teardown, &drv),         \
	}

int main(void)
{
	const struct CMUnitTest overlay_tests[] = TESTS(drv_overlay);
	const struct CMUnitTest vfs_tests[] = TESTS(drv_vfs);
	return store_test_main("store-image-mount", overlay_tests, vfs_tests,
	                       sizeof(overlay_tests) / sizeof(overlay_tests[0]));
}
