/* SPDX-License-Identifier: Apache-2.0 */
/*
 * create/run flags about the container's files mapped onto the engine options: --rootfs,
 * --image-volume, --passwd-entry, --hostuser, --chrootdirs and run's --passwd.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "cli-create-test-helpers.h"
#include "util/strv.h"

static void test_fs_flags_mapped(void **state)
{
	(void)state;
	struct built p;
	char *args[] = {"--rootfs",   "--image-volume", "tmpfs",    "--passwd-entry",
	                "$UID:$HOME", "--hostuser",     "root,bin", "--hostuser",
	                "daemon",     "--chrootdirs",   "/a,/b",    "--chrootdirs",
	                "/c",         "/srv/root:O",    "sh",       NULL};
	build(&p, &cmd_container_create, args);
	if (p.r < 0)
		fail_msg("%s", p.err->msg);
	assert_true(p.b.opts.rootfs);
	assert_string_equal(p.b.opts.image, "/srv/root:O"); /* split by the engine */
	assert_string_equal(p.b.opts.image_volume, "tmpfs");
	assert_string_equal(p.b.opts.passwd_entry, "$UID:$HOME");
	assert_int_equal(strv_length((char **)p.b.opts.host_users), 3);
	assert_string_equal(p.b.opts.host_users[1], "bin");
	assert_string_equal(p.b.opts.host_users[2], "daemon");
	assert_int_equal(strv_length((char **)p.b.opts.chroot_dirs), 3);
	assert_string_equal(p.b.opts.chroot_dirs[2], "/c");
	assert_false(p.b.opts.no_passwd);
	release(&p);
}

static void test_fs_flags_defaults(void **state)
{
	(void)state;
	struct built p;
	char *args[] = {"img", NULL};
	build(&p, &cmd_container_run, args);
	assert_int_equal(p.r, 0);
	assert_false(p.b.opts.rootfs);
	assert_null(p.b.opts.image_volume);
	assert_null(p.b.opts.passwd_entry);
	assert_null(p.b.opts.host_users);
	assert_null(p.b.opts.chroot_dirs);
	assert_false(p.b.opts.no_passwd);
	release(&p);
}

static void test_passwd_run_only(void **state)
{
	(void)state;
	struct built p;
	char *a1[] = {"--passwd=false", "img", NULL};
	build(&p, &cmd_container_run, a1);
	assert_int_equal(p.r, 0);
	assert_true(p.b.opts.no_passwd);
	release(&p);
	char *a2[] = {"--passwd", "img", NULL};
	build(&p, &cmd_container_run, a2);
	assert_int_equal(p.r, 0);
	assert_false(p.b.opts.no_passwd);
	release(&p);
	build(&p, &cmd_container_create, a1);
	assert_true(p.r < 0);
	assert_string_equal(p.err->msg, "unknown flag: --passwd");
	release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fs_flags_mapped),
	        cmocka_unit_test(test_fs_flags_defaults),
	        cmocka_unit_test(test_passwd_run_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
