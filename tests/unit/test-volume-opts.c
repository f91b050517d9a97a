/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount flag parsers (engine/volume-opts.h): -v, --mount, --tmpfs, --volumes-from and
 * the option rules, with the messages Podman 4.3.1 prints for the same input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/volume-opts.h"
#include "engine/volume.h"
#include "util/strv.h"
#include "banned.h"

static char *joined(char *const *v)
{
	return strv_join((char **)v, ",");
}

static void expect_volume(const char *arg, enum mount_type type, const char *src, const char *dst,
                          const char *opts)
{
	struct mount_spec m;
	struct cpod_error *err = NULL;
	int r = volume_parse_volume_flag(arg, &m, &err);
	if (r < 0)
		fail_msg("%s: %s", arg, err->msg);
	assert_int_equal(m.type, type);
	if (src)
		assert_string_equal(m.source, src);
	else
		assert_null(m.source);
	assert_string_equal(m.destination, dst);
	char *o = joined(m.options);
	assert_string_equal(o, opts);
	free(o);
	mount_spec_release(&m);
}

static void expect_error(int (*parse)(const char *, struct mount_spec *, struct cpod_error **),
                         const char *arg, const char *msg)
{
	struct mount_spec m;
	struct cpod_error *err = NULL;
	int r = parse(arg, &m, &err);
	assert_true(r < 0);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	cpod_error_free(err);
}

static void test_volume_flag_forms(void **state)
{
	(void)state;
	expect_volume("/anon", MOUNT_VOLUME, NULL, "/anon", "");
	expect_volume("myvol:/data", MOUNT_VOLUME, "myvol", "/data", "");
	expect_volume("myvol:/data/:ro,z", MOUNT_VOLUME, "myvol", "/data", "ro,z");
	expect_volume("/host/dir:/b:rslave,U", MOUNT_BIND, "/host/dir", "/b", "rslave,U");
	expect_volume("/host//x/../y:/c/./d", MOUNT_BIND, "/host/y", "/c/d", "");
	expect_volume("/h:/o:O", MOUNT_OVERLAY, "/h", "/o", "O");
	expect_volume("/h:/x:nocopy,idmap", MOUNT_BIND, "/h", "/x", "nocopy,idmap");
}

static void test_volume_flag_errors(void **state)
{
	(void)state;
	expect_error(volume_parse_volume_flag, "a:b",
	             "invalid container path \"b\", must be an absolute path");
	expect_error(volume_parse_volume_flag, "/tmp:/x:foo", "invalid option type \"foo\"");
	expect_error(volume_parse_volume_flag, "/tmp:/x:ro,rw",
	             "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option");
	expect_error(volume_parse_volume_flag, "/tmp:/x:z,Z",
	             "invalid options \"z, Z\", can only specify 1 'z', 'Z', or 'O' option");
	expect_error(volume_parse_volume_flag, "/tmp:/x:shared,slave",
	             "invalid options \"shared, slave\", can only specify 1 '[r]shared', "
	             "'[r]private', '[r]slave' or '[r]unbindable' option");
	expect_error(volume_parse_volume_flag, "a:/x:b:c",
	             "a:/x:b:c: incorrect volume format, should be [host-dir:]ctr-dir[:option]");
	expect_error(volume_parse_volume_flag, ":/x", "host directory cannot be empty");
	expect_error(volume_parse_volume_flag, "/tmp:/x:O,ro", "can't use 'O' with other options");
}

static void expect_mount(const char *arg, enum mount_type type, const char *src, const char *dst,
                         const char *opts)
{
	struct mount_spec m;
	struct cpod_error *err = NULL;
	if (volume_parse_mount_flag(arg, &m, &err) < 0)
		fail_msg("%s: %s", arg, err->msg);
	assert_int_equal(m.type, type);
	if (src)
		assert_string_equal(m.source, src);
	else
		assert_null(m.source);
	assert_string_equal(m.destination, dst);
	char *o = joined(m.options);
	assert_string_equal(o, opts);
	free(o);
	mount_spec_release(&m);
}

static void test_mount_flag_forms(void **state)
{
	(void)state;
	expect_mount("type=bind,src=/tmp,dst=/x,ro=true", MOUNT_BIND, "/tmp", "/x", "ro");
	expect_mount("type=bind,source=/tmp,target=/x,readonly", MOUNT_BIND, "/tmp", "/x", "ro");
	expect_mount("type=bind,src=/tmp,dst=/x,rw=false", MOUNT_BIND, "/tmp", "/x", "ro");
	expect_mount("type=bind,src=/tmp,dst=/x,ro=false", MOUNT_BIND, "/tmp", "/x", "");
	expect_mount("type=bind,src=/tmp,dst=/x,bind-propagation=rshared,relabel=shared",
	             MOUNT_BIND, "/tmp", "/x", "rshared,z");
	expect_mount("type=bind,dst=/x", MOUNT_BIND, "/x", "/x", "");
	expect_mount("type=volume,src=v1,dst=/d,volume-nocopy,U=true", MOUNT_VOLUME, "v1", "/d",
	             "nocopy,U");
	expect_mount("type=volume,dst=/d", MOUNT_VOLUME, NULL, "/d", "");
	expect_mount("type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=700", MOUNT_TMPFS, NULL, "/t",
	             "size=2m,mode=700");
	expect_mount("type=devpts,destination=/dev/pts2,uid=5", MOUNT_DEVPTS, NULL, "/dev/pts2",
	             "uid=5");
	expect_mount("type=image,src=busybox,dst=/img,rw=true", MOUNT_IMAGE, "busybox", "/img",
	             "rw");
}

static void test_mount_flag_errors(void **state)
{
	(void)state;
	expect_error(volume_parse_mount_flag, "type=foo,dst=/x", "invalid filesystem type \"foo\"");
	expect_error(volume_parse_mount_flag, "type=bind,src=/tmp", "must set volume destination");
	expect_error(volume_parse_mount_flag, "type=bind,src=/tmp,dst=/x,foo=bar",
	             "foo: invalid mount option");
	expect_error(volume_parse_mount_flag, "src=/tmp,dst=/x",
	             "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
	             "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]");
	expect_error(volume_parse_mount_flag, "type=tmpfs,src=/a,dst=/x",
	             "source is not supported with tmpfs mounts");
	expect_error(volume_parse_mount_flag, "type=bind,src=/a,dst=x",
	             "invalid container path \"x\", must be an absolute path");
	expect_error(volume_parse_mount_flag, "type=bind,src=/a,dst=/x,ro,rw",
	             "cannot pass 'readonly', 'ro', or 'rw' options more than once: must provide "
	             "an argument for option");
	expect_error(volume_parse_mount_flag, "type=bind,src=/a,dst=/x,ro=maybe",
	             "'ro' must be set to true or false, instead received \"maybe\": must provide "
	             "an argument for option");
}

static void test_tmpfs_flag(void **state)
{
	(void)state;
	struct mount_spec m;
	struct cpod_error *err = NULL;
	assert_int_equal(volume_parse_tmpfs_flag("/t:size=1m,mode=700", &m, &err), 0);
	assert_int_equal(m.type, MOUNT_TMPFS);
	assert_string_equal(m.destination, "/t");
	assert_int_equal(strv_length(m.options), 2);
	mount_spec_release(&m);
	assert_int_equal(volume_parse_tmpfs_flag("/run", &m, &err), 0);
	assert_int_equal(strv_length(m.options), 0);
	mount_spec_release(&m);
	expect_error(volume_parse_tmpfs_flag, "x",
	             "invalid container path \"x\", must be an absolute path");
}

static void expect_processed(char *const *opts, bool tmpfs, const char *src, const char *want)
{
	char **out = NULL;
	struct cpod_error *err = NULL;
	if (volume_process_options(opts, tmpfs, src, &out, &err) < 0)
		fail_msg("%s", err->msg);
	char *j = joined(out);
	assert_string_equal(j, want);
	free(j);
	strv_free(out);
}

static void test_process_options(void **state)
{
	(void)state;
	/* the values podman 4.3.1 records in HostConfig.Binds / Tmpfs for the same flags */
	expect_processed((char *[]){"ro", "z", NULL}, false, NULL,
	                 "ro,z,rprivate,nosuid,nodev,rbind");
	expect_processed((char *[]){NULL}, false, NULL, "rw,rprivate,nosuid,nodev,rbind");
	expect_processed((char *[]){"size=1m", "mode=700", NULL}, true, NULL,
	                 "size=1m,mode=700,rw,rprivate,nosuid,nodev,tmpcopyup");
	expect_processed((char *[]){"notmpcopyup", NULL}, true, NULL, "rw,rprivate,nosuid,nodev");
	expect_processed((char *[]){"bind", "shared", "exec", NULL}, false, NULL,
	                 "bind,shared,exec,rw,nosuid,nodev");
	char **out = NULL;
	struct cpod_error *err = NULL;
	assert_true(volume_process_options((char *[]){NULL}, false, "/nonexistent-cpod-path", &out,
	                                   &err) < 0);
	assert_string_equal(err->msg, "statfs /nonexistent-cpod-path: no such file or directory");
	cpod_error_free(err);
	err = NULL;
	assert_true(volume_process_options((char *[]){"bogus", NULL}, false, NULL, &out, &err) < 0);
	assert_string_equal(err->msg, "unknown mount option \"bogus\": invalid mount option");
	cpod_error_free(err);
}

static void test_spec_and_inspect_fields(void **state)
{
	(void)state;
	char *processed[] = {"rslave", "U", "z", "rw", "nocopy", "rbind", NULL};
	char **spec = volume_spec_options(processed);
	char *j = joined(spec);
	assert_string_equal(j, "rslave,rw,rbind");
	free(j);
	strv_free(spec);
	assert_string_equal(volume_opts_propagation(processed), "rslave");
	assert_string_equal(volume_opts_propagation((char *[]){"ro", NULL}), "rprivate");
	assert_true(volume_opts_rw(processed));
	assert_false(volume_opts_rw((char *[]){"ro", NULL}));
	assert_string_equal(volume_opts_mode(processed), "z");
	assert_string_equal(volume_opts_mode((char *[]){"ro", NULL}), "");
}

static void test_volumes_from(void **state)
{
	(void)state;
	char *ctr = NULL;
	int rw = 7;
	struct cpod_error *err = NULL;
	assert_int_equal(volume_parse_volumes_from("web", &ctr, &rw, &err), 0);
	assert_string_equal(ctr, "web");
	assert_int_equal(rw, -1);
	free(ctr);
	assert_int_equal(volume_parse_volumes_from("web:ro", &ctr, &rw, &err), 0);
	assert_string_equal(ctr, "web");
	assert_int_equal(rw, 0);
	free(ctr);
	assert_int_equal(volume_parse_volumes_from("web:rw,z", &ctr, &rw, &err), 0);
	assert_int_equal(rw, 1);
	free(ctr);
	assert_true(volume_parse_volumes_from("web:ro,rw", &ctr, &rw, &err) < 0);
	cpod_error_free(err);
}

static void test_path_clean_and_names(void **state)
{
	(void)state;
	const char *cases[][2] = {{"/", "/"},
	                          {"/a/b/", "/a/b"},
	                          {"//a//b", "/a/b"},
	                          {"/a/../../b", "/b"},
	                          {"/a/./b/..", "/a"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = volume_path_clean(cases[i][0]);
		assert_string_equal(c, cases[i][1]);
		free(c);
	}
	assert_true(volume_name_valid("myvol"));
	assert_true(volume_name_valid("a.b_c-1"));
	assert_false(volume_name_valid("bad/name"));
	assert_false(volume_name_valid("-x"));
	assert_false(volume_name_valid(""));
	assert_int_equal(mount_type_from_string("tmpfs"), MOUNT_TMPFS);
	assert_true((int)mount_type_from_string("nfs") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_volume_flag_forms),
	        cmocka_unit_test(test_volume_flag_errors),
	        cmocka_unit_test(test_mount_flag_forms),
	        cmocka_unit_test(test_mount_flag_errors),
	        cmocka_unit_test(test_tmpfs_flag),
	        cmocka_unit_test(test_process_options),
	        cmocka_unit_test(test_spec_and_inspect_fields),
	        cmocka_unit_test(test_volumes_from),
	        cmocka_unit_test(test_path_clean_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
