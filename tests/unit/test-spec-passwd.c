/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --passwd-entry templates, the passwd/group lines added for -u UID[:GID] and --hostuser,
 * and the --chrootdirs mounts (runtime/spec-passwd.c, spec-files.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/spec-internal.h"
#include "runtime/spec.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "banned.h"

static const char base_passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                                  "# comment\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
static const char base_group[] = "root:x:0:\nwheel:x:10:root\nnogroup:x:65534:\n";

struct root {
	char dir[64];
};

static void root_make(struct root *rt, bool with_etc)
{
	snprintf(rt->dir, sizeof(rt->dir), "/tmp/test-spec-passwd-XXXXXX");
	assert_non_null(mkdtemp(rt->dir));
	if (!with_etc)
		return;
	_cleanup_free_ char *etc = path_join(rt->dir, "etc");
	assert_int_equal(mkdir(etc, 0755), 0);
	_cleanup_free_ char *pw = path_join(etc, "passwd");
	_cleanup_free_ char *gr = path_join(etc, "group");
	assert_int_equal(
	        write_file_atomic_at(AT_FDCWD, pw, base_passwd, strlen(base_passwd), 0644, false),
	        0);
	assert_int_equal(
	        write_file_atomic_at(AT_FDCWD, gr, base_group, strlen(base_group), 0644, false), 0);
}

static char *root_read(const struct root *rt, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/etc/%s", rt->dir, name);
	char *data = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, p, 1 << 20, &data, NULL), 0);
	return data;
}

/* What update appended to etc/<name> after the base file. */
static char *added(const struct root *rt, const char *name)
{
	_cleanup_free_ char *all = root_read(rt, name);
	size_t base = strlen(strcmp(name, "passwd") == 0 ? base_passwd : base_group);
	assert_true(strlen(all) >= base);
	return xstrdup(all + base);
}

static void update(const struct spec_opts *o, const char *user, const char *workdir)
{
	struct cpod_error *err = NULL;
	int r = spec_passwd_update(o, user, workdir, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
}

static void test_expand(void **state)
{
	(void)state;
	_cleanup_free_ char *a = spec_passwd_expand("$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false",
	                                            "u", "1", "2", "N", "/h");
	assert_string_equal(a, "u:x:1:2:N:/h:/bin/false\n");
	/* one variable after the other, as strings.ReplaceAll: $USERNAME before $NAME */
	_cleanup_free_ char *b =
	        spec_passwd_expand("$NAME$USERNAME$UIDX", "$HOME", "7", "", "n", "H");
	assert_string_equal(b, "nH7X\n");
	_cleanup_free_ char *c = spec_passwd_expand("", "u", "1", "2", "n", "/");
	assert_string_equal(c, "\n");
	_cleanup_free_ char *d = spec_passwd_expand("$$UID$", "u", "1", "2", "n", "/");
	assert_string_equal(d, "$1$\n");
}

static void test_user_entries(void **state)
{
	(void)state;
	struct root rt;
	root_make(&rt, true);
	struct spec_opts o = {.rootfs = rt.dir, .id = "abc"};

	update(&o, "1234:4321", "/");
	_cleanup_free_ char *p1 = added(&rt, "passwd"), *g1 = added(&rt, "group");
	assert_string_equal(p1, "1234:*:1234:4321:container user:/:/bin/sh\n");
	assert_string_equal(g1, "4321:x:4321:1234\n");
	/* a second start finds them and adds nothing */
	update(&o, "1234:4321", "/");
	_cleanup_free_ char *p2 = added(&rt, "passwd"), *g2 = added(&rt, "group");
	assert_string_equal(p2, p1);
	assert_string_equal(g2, g1);
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);

	root_make(&rt, true);
	o.rootfs = rt.dir;
	/* no group: gid 0 in passwd, the uid as group */
	update(&o, "77", "/work");
	_cleanup_free_ char *p3 = added(&rt, "passwd"), *g3 = added(&rt, "group");
	assert_string_equal(p3, "77:*:77:0:container user:/work:/bin/sh\n");
	assert_string_equal(g3, "77:x:77:77\n");
	/* names, existing ids, and a group by name: nothing or only what is missing */
	update(&o, "nobody", "/");
	update(&o, "0:wheel", "/");
	update(&o, "65534", "/");
	update(&o, "", "/");
	update(&o, "88:wheel", "/");
	_cleanup_free_ char *p4 = added(&rt, "passwd"), *g4 = added(&rt, "group");
	assert_string_equal(p4, "77:*:77:0:container user:/work:/bin/sh\n"
	                        "88:*:88:10:container user:/:/bin/sh\n");
	assert_string_equal(g4, "77:x:77:77\n");
	/* an unknown group name: left to the user lookup, nothing added */
	update(&o, "99:nosuch", "/");
	_cleanup_free_ char *p5 = added(&rt, "passwd");
	assert_string_equal(p5, p4);
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);
}

static void test_passwd_entry_template(void **state)
{
	(void)state;
	struct root rt;
	root_make(&rt, true);
	struct spec_opts o = {.rootfs = rt.dir,
	                      .id = "abc",
	                      .passwd_entry = "$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false"};
	update(&o, "1234:1234", "/tmp");
	_cleanup_free_ char *p = added(&rt, "passwd");
	assert_string_equal(p, "1234:x:1234:1234:container user:/tmp:/bin/false\n");
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);
}

static void test_host_users(void **state)
{
	(void)state;
	struct root rt;
	root_make(&rt, true);
	char *const users[] = {"root", "0", NULL};
	struct spec_opts o = {.rootfs = rt.dir, .id = "abc", .host_users = users};
	update(&o, NULL, "/");
	_cleanup_free_ char *p = added(&rt, "passwd");
	/* root is in the image already */
	assert_string_equal(p, "");

	/* the running user, unless it is root (in the image) */
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_uid != 0) {
		char *const me[] = {pw->pw_name, NULL};
		o.host_users = me;
		update(&o, NULL, "/");
		_cleanup_free_ char *q = added(&rt, "passwd");
		assert_true(strncmp(q, pw->pw_name, strlen(pw->pw_name)) == 0);
	}

	char *const bad[] = {"no-such-user-cpod-test", NULL};
	o.host_users = bad;
	struct cpod_error *err = NULL;
	assert_true(spec_passwd_update(&o, NULL, "/", &err) < 0);
	assert_string_equal(err->msg, "creating temporary passwd file for container abc: user: "
	                              "unknown user no-such-user-cpod-test");
	cpod_error_free(err);
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);
}

static void test_no_etc_or_mounted(void **state)
{
	(void)state;
	struct root rt;
	root_make(&rt, false);
	char *const bad[] = {"no-such-user-cpod-test", NULL};
	/* no /etc/passwd in the image: nothing is made, nothing looked up */
	struct spec_opts o = {.rootfs = rt.dir, .id = "abc", .host_users = bad};
	update(&o, "1234", "/");
	_cleanup_free_ char *etc = path_join(rt.dir, "etc");
	assert_false(path_exists(etc));
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);

	root_make(&rt, true);
	json_t *mounts = json_pack("[{s:s},{s:s}]", "destination", "/etc/passwd", "destination",
	                           "/etc/group");
	struct spec_opts m = {.rootfs = rt.dir, .id = "abc", .mounts = mounts};
	update(&m, "1234", "/");
	_cleanup_free_ char *p = added(&rt, "passwd"), *g = added(&rt, "group");
	assert_string_equal(p, "");
	assert_string_equal(g, "");
	json_decref(mounts);
	/* run --passwd=false: nothing at all, not even a lookup of the host users */
	struct spec_opts n = {.rootfs = rt.dir, .id = "abc", .host_users = bad, .no_passwd = true};
	update(&n, "1234", "/");
	_cleanup_free_ char *p2 = added(&rt, "passwd"), *g2 = added(&rt, "group");
	assert_string_equal(p2, "");
	assert_string_equal(g2, "");
	assert_int_equal(rm_rf_at(AT_FDCWD, rt.dir), 0);
}

static void test_chroot_mounts(void **state)
{
	(void)state;
	char *const dirs[] = {"/srv/x", "/etc/", NULL};
	struct spec_opts o = {.chroot_dirs = dirs};
	json_t *mounts =
	        json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "destination", "/etc/hosts", "source",
	                  "/u/hosts", "destination", "/etc/hostname", "source", "/u/hostname",
	                  "destination", "/etc/resolv.conf", "source", "/u/resolv.conf");
	spec_chroot_mounts(&o, mounts);
	assert_int_equal(json_array_size(mounts), 7);
	const char *want[][2] = {{"/srv/x/etc/hosts", "/u/hosts"},
	                         {"/etc/etc/hosts", "/u/hosts"},
	                         {"/srv/x/etc/resolv.conf", "/u/resolv.conf"},
	                         {"/etc/etc/resolv.conf", "/u/resolv.conf"}};
	for (size_t i = 0; i < 4; i++) {
		json_t *m = json_array_get(mounts, 3 + i);
		assert_string_equal(json_string_value(json_object_get(m, "destination")),
		                    want[i][0]);
		assert_string_equal(json_string_value(json_object_get(m, "source")), want[i][1]);
	}
	json_decref(mounts);
	/* no hosts file (--no-hosts), no resolv.conf (--network none): nothing to repeat */
	json_t *none = json_array();
	spec_chroot_mounts(&o, none);
	assert_int_equal(json_array_size(none), 0);
	json_decref(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_expand),
	        cmocka_unit_test(test_user_entries),
	        cmocka_unit_test(test_passwd_entry_template),
	        cmocka_unit_test(test_host_users),
	        cmocka_unit_test(test_no_etc_or_mounted),
	        cmocka_unit_test(test_chroot_mounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
