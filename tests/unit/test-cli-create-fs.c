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
#include "util/strv.h"

struct built {
	struct create_cli_opts o;
	struct cli_ctx ctx;
	struct create_build b;
	struct cpod_error *err;
	int argc;
	char **argv;
	int r;
};

static void build(struct built *p, const struct cli_command *cmd, char **args)
{
	memset(p, 0, sizeof(*p));
	create_cli_opts_init(&p->o);
	p->ctx.cmd = cmd;
	p->r = cli_parse_args(cmd, &p->o, &p->ctx, (int)strv_length(args), args, &p->argc, &p->argv,
	                      &p->err);
	if (p->r >= 0)
		p->r = create_cli_build(&p->ctx, &p->o, p->argc, p->argv, &p->b, &p->err);
}

static void release(struct built *p)
{
	create_build_release(&p->b);
	cpod_error_free(p->err);
	free(p->argv);
	strv_free(p->ctx.changed);
	for (const struct cli_option *o = p->ctx.cmd->options; o->long_name; o++)
		if (o->type == CLI_OPT_STRING_ARRAY || o->type == CLI_OPT_STRING_SLICE) {
			char ***a = (char ***)((char *)&p->o + o->offset);
			*a = strv_free(*a);
		}
}

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
