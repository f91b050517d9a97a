/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The idmap mount option: its grammar (runtime/idmap-mount.h, crun's syntax), the checks on
 * a finished spec before the runtime runs, the runtime's `features` answer, and how the -v and
 * --mount parsers keep the option for the OCI spec (engine/volume-opts.h, Podman 4.3.1's
 * messages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/volume-opts.h"
#include "runtime/idmap-mount.h"
#include "runtime/oci.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static struct idmap_mount_option parse_ok(const char *opt)
{
	struct idmap_mount_option o = {0};
	struct cpod_error *err = NULL;
	if (idmap_mount_option_parse(opt, &o, &err) < 0)
		fail_msg("%s: %s", opt, err->msg);
	return o;
}

static void parse_fails(const char *opt, const char *msg)
{
	struct idmap_mount_option o = {.n_uids = 99};
	struct cpod_error *err = NULL;
	int r = idmap_mount_option_parse(opt, &o, &err);
	if (r >= 0)
		fail_msg("%s: accepted", opt);
	assert_int_equal(r, -EINVAL);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	assert_int_equal(o.n_uids, 99); /* untouched on failure */
	cpod_error_free(err);
}

static void test_idmap_option_parse_forms(void **state)
{
	(void)state;
	struct idmap_mount_option o = parse_ok("idmap");
	assert_false(o.custom);
	o = parse_ok("idmap=");
	assert_false(o.custom);
	/* crun takes every "idmap*" option as idmap */
	o = parse_ok("idmapfoo");
	assert_false(o.custom);
	o = parse_ok("idmap=uids=0-1-10#10-11-10;gids=0-100-10");
	assert_true(o.custom);
	assert_false(o.relative);
	assert_int_equal(o.n_uids, 2);
	assert_int_equal(o.n_gids, 1);
	o = parse_ok("idmap=gids=@0-0-1;;uids=@5-6-7;");
	assert_true(o.relative);
	assert_int_equal(o.n_uids, 1);
	assert_int_equal(o.n_gids, 1);
	o = parse_ok("idmap=uids=0-4294967295-1;gids=4294967295-0-1");
	assert_int_equal(o.n_uids, 1);
	assert_true(idmap_mount_is_option("idmap=x"));
	assert_false(idmap_mount_is_option("idma"));
	assert_false(idmap_mount_is_option(NULL));
}

static void test_idmap_option_parse_errors(void **state)
{
	(void)state;
	parse_fails("idmap=foo", "invalid idmap option \"idmap=foo\": unknown part \"foo\", "
	                         "expected uids=MAPPING or gids=MAPPING");
	parse_fails("idmap=uids=0-1-10",
	            "invalid idmap option \"idmap=uids=0-1-10\": a mapping needs both uids= and "
	            "gids=");
	parse_fails("idmap=uids=0-1-1;gids=0-1-1;uids=2-3-1",
	            "invalid idmap option \"idmap=uids=0-1-1;gids=0-1-1;uids=2-3-1\": uids given "
	            "more than once");
	parse_fails("idmap=uids=;gids=0-1-1",
	            "invalid idmap option \"idmap=uids=;gids=0-1-1\": empty mapping");
	const char *bad_ranges[] = {"0-1",     "0-1-",    "a-1-2",  "0-1-2#", "0-1-2#3",
	                            "-1-1-1",  "0--1-1",  "0-1-2x", "@",      "0 -1-2",
	                            "0-1-2@1", "1-2-3##", "0-1-2 ", "+1-2-3"};
	for (size_t i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
		char *opt = xasprintf("idmap=uids=%s;gids=0-0-1", bad_ranges[i]);
		char *msg = xasprintf("invalid idmap option \"%s\": invalid mapping \"%s\", "
		                      "expected [@]FSID-HOSTID-SIZE[#...]",
		                      opt, bad_ranges[i]);
		parse_fails(opt, msg);
		free(opt);
		free(msg);
	}
	parse_fails("idmap=uids=0-1-0;gids=0-0-1",
	            "invalid idmap option \"idmap=uids=0-1-0;gids=0-0-1\": invalid range size in "
	            "\"0-1-0\"");
	parse_fails("idmap=uids=4294967295-0-2;gids=0-0-1",
	            "invalid idmap option \"idmap=uids=4294967295-0-2;gids=0-0-1\": invalid range "
	            "size in \"4294967295-0-2\"");
	parse_fails("idmap=uids=4294967296-0-1;gids=0-0-1",
	            "invalid idmap option \"idmap=uids=4294967296-0-1;gids=0-0-1\": invalid "
	            "mapping \"4294967296-0-1\", expected [@]FSID-HOSTID-SIZE[#...]");
	parse_fails("bind", "invalid idmap option \"bind\"");
}

static void test_idmap_option_parse_range_limit(void **state)
{
	(void)state;
	char *list = xstrdup("0-0-1");
	for (int i = 1; i < IDMAP_MOUNT_MAX_RANGES; i++) {
		char *n = xasprintf("%s#%d-%d-1", list, i, i);
		free(list);
		list = n;
	}
	char *opt = xasprintf("idmap=uids=%s;gids=0-0-1", list);
	struct idmap_mount_option o = parse_ok(opt);
	assert_int_equal(o.n_uids, IDMAP_MOUNT_MAX_RANGES);
	free(opt);
	opt = xasprintf("idmap=uids=%s#999-999-1;gids=0-0-1", list);
	struct cpod_error *err = NULL;
	assert_int_equal(idmap_mount_option_parse(opt, &o, &err), -EINVAL);
	assert_non_null(strstr(err->msg, ": more than 340 ranges"));
	cpod_error_free(err);
	free(opt);
	free(list);
}

static json_t *spec_with(const char *mount_opt, bool userns, bool maps)
{
	json_t *spec = json_pack("{s:[{s:s,s:s,s:s,s:[s]}, {s:s,s:s,s:s,s:[s,s]}], s:{s:[{s:s}]}}",
	                         "mounts", "destination", "/proc", "type", "proc", "source", "proc",
	                         "options", "nosuid", "destination", "/data", "type", "bind",
	                         "source", "/srv", "options", mount_opt, "rbind", "linux",
	                         "namespaces", "type", "mount");
	json_t *lx = json_object_get(spec, "linux");
	if (userns)
		json_array_append_new(json_object_get(lx, "namespaces"),
		                      json_pack("{s:s}", "type", "user"));
	if (maps) {
		json_object_set_new(lx, "uidMappings",
		                    json_pack("[{s:i,s:i,s:i}]", "containerID", 0, "hostID", 100000,
		                              "size", 65536));
		json_object_set_new(lx, "gidMappings",
		                    json_pack("[{s:i,s:i,s:i}]", "containerID", 0, "hostID", 100000,
		                              "size", 65536));
	}
	return spec;
}

/* rc of idmap_mount_check_spec, and its message in *msg (owned, NULL on success) */
static int check(const char *opt, bool userns, bool maps, const struct oci_runtime *rt, char **msg)
{
	json_t *spec = spec_with(opt, userns, maps);
	struct cpod_error *err = NULL;
	int r = idmap_mount_check_spec(spec, rt, &err);
	*msg = err ? xstrdup(err->msg) : NULL;
	cpod_error_free(err);
	json_decref(spec);
	return r;
}

static void test_idmap_check_spec(void **state)
{
	(void)state;
	struct oci_runtime crun = {.name = (char *)"crun", .path = (char *)"/nonexistent/crun"};
	struct oci_runtime runc = {.name = (char *)"runc", .path = (char *)"/nonexistent/runc"};
	char *msg = NULL;

	/* no idmap option: nothing asked, whatever the runtime */
	assert_int_equal(check("rw", false, false, &runc, &msg), 0);
	assert_int_equal(check("idmap", true, true, &crun, &msg), 0);
	assert_int_equal(check("idmap", true, false, &crun, &msg), 0); /* --userns=ns:PATH */
	assert_int_equal(check("idmap=uids=0-1-1;gids=0-1-1", false, false, &crun, &msg), 0);
	assert_int_equal(check("idmap=uids=@0-1-1;gids=@0-1-1", true, true, &crun, &msg), 0);

	assert_int_equal(check("idmap", true, true, &runc, &msg), -CPOD_ECANNOT_INVOKE);
	assert_string_equal(msg, "idmapped mount on /data: the OCI runtime runc does not support "
	                         "the \"idmap\" mount option, crun does (--runtime crun)");
	free(msg);
	assert_int_equal(check("idmap", false, false, &crun, &msg), -CPOD_ECANNOT_INVOKE);
	assert_string_equal(msg, "idmapped mount on /data: the container has no user namespace "
	                         "to map it to: use --uidmap/--gidmap or --userns, or give the "
	                         "mapping (idmap=uids=...;gids=...)");
	free(msg);
	assert_int_equal(check("idmap=uids=@0-1-1;gids=0-1-1", false, false, &crun, &msg),
	                 -CPOD_ECANNOT_INVOKE);
	assert_string_equal(msg, "idmapped mount on /data: a relative mapping ('@') needs the "
	                         "container's user namespace mappings (--uidmap/--gidmap)");
	free(msg);
	assert_int_equal(check("idmap=x", true, true, &crun, &msg), -EINVAL);
	assert_string_equal(msg, "idmapped mount on /data: invalid idmap option \"idmap=x\": "
	                         "unknown part \"x\", expected uids=MAPPING or gids=MAPPING");
	free(msg);
}

static void test_idmap_features(void **state)
{
	(void)state;
	const char *yes = "{\"ociVersionMin\":\"1.0.0\",\"mountOptions\":[\"bind\",\"idmap\"]}";
	const char *no = "{\"mountOptions\":[\"bind\",\"rbind\",\"ridmap2\"]}";
	assert_true(idmap_mount_features_support(yes, strlen(yes)));
	assert_false(idmap_mount_features_support(no, strlen(no)));
	assert_false(idmap_mount_features_support("{\"mountOptions\":\"idmap\"}", 25));
	assert_false(idmap_mount_features_support("not json", 8));
	assert_false(idmap_mount_features_support(NULL, 0));
	/* a runtime asked with `features`: a script that prints the document */
	char dir[] = "/tmp/test-idmap-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/fakert", dir);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n[ \"$1\" = features ] || exit 1\necho '%s'\n", yes);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	struct oci_runtime rt = {.name = (char *)"fakert", .path = path};
	assert_true(idmap_mount_runtime_supported(&rt));
	rt.path = (char *)"/bin/false";
	assert_false(idmap_mount_runtime_supported(&rt));
	rt.name = (char *)"crun";
	assert_true(idmap_mount_runtime_supported(&rt));
	assert_false(idmap_mount_runtime_supported(NULL));
	unlink(path);
	rmdir(dir);
	free(path);
}

static char *processed(const char *opts, char **errmsg)
{
	char **given = strv_split(opts, ",");
	char **out = NULL;
	struct cpod_error *err = NULL;
	char *res = NULL;
	*errmsg = NULL;
	if (volume_process_options(given, false, NULL, &out, &err) < 0) {
		*errmsg = xstrdup(err->msg);
		cpod_error_free(err);
	} else {
		char **spec = volume_spec_options(out);
		char *a = strv_join(out, ","), *b = strv_join(spec, ",");
		res = xasprintf("%s|%s", a, b);
		free(a);
		free(b);
		strv_free(spec);
		strv_free(out);
	}
	strv_free(given);
	return res;
}

static void test_volume_options_keep_idmap(void **state)
{
	(void)state;
	char *e = NULL;
	char *r = processed("idmap", &e);
	assert_string_equal(r, "idmap,rw,rprivate,nosuid,nodev,rbind|"
	                       "idmap,rw,rprivate,nosuid,nodev,rbind");
	free(r);
	r = processed("ro,idmap=uids=0-1-1;gids=0-1-1,z", &e);
	assert_string_equal(r, "ro,idmap=uids=0-1-1;gids=0-1-1,z,rprivate,nosuid,nodev,rbind|"
	                       "ro,idmap=uids=0-1-1;gids=0-1-1,rprivate,nosuid,nodev,rbind");
	free(r);
	assert_null(processed("idmap,idmap", &e));
	assert_string_equal(e, "the 'idmap' option can only be set once: duplicate mount option "
	                       "passed");
	free(e);
	assert_null(processed("idmapx,idmap=uids=0-1-1;gids=0-1-1", &e));
	assert_string_equal(e, "the 'idmap' option can only be set once: duplicate mount option "
	                       "passed");
	free(e);
	assert_null(processed("idmap=uids=1", &e));
	assert_string_equal(e, "invalid idmap option \"idmap=uids=1\": invalid mapping \"1\", "
	                       "expected [@]FSID-HOSTID-SIZE[#...]");
	free(e);
}

static void test_volume_flags_take_idmap(void **state)
{
	(void)state;
	struct mount_spec m;
	struct cpod_error *err = NULL;
	assert_int_equal(volume_parse_volume_flag("/srv:/data:idmap", &m, &err), 0);
	assert_int_equal(m.type, MOUNT_BIND);
	assert_true(strv_contains(m.options, "idmap"));
	mount_spec_release(&m);
	/* ValidateVolumeOpts passes every "idmap..." option */
	assert_int_equal(volume_parse_volume_flag("vol:/data:idmapfoo,ro", &m, &err), 0);
	assert_int_equal(m.type, MOUNT_VOLUME);
	assert_true(strv_contains(m.options, "idmapfoo"));
	mount_spec_release(&m);
	assert_int_equal(volume_parse_mount_flag(
	                         "type=bind,src=/srv,dst=/d,idmap=uids=0-1-1;gids=0-1-1", &m, &err),
	                 0);
	assert_true(strv_contains(m.options, "idmap=uids=0-1-1;gids=0-1-1"));
	mount_spec_release(&m);
	/* Podman 4.4's fix for named volumes ("volumes: Fix idmap not working for volumes") */
	assert_int_equal(volume_parse_mount_flag("type=volume,src=v,dst=/d,idmap", &m, &err), 0);
	assert_true(strv_contains(m.options, "idmap"));
	mount_spec_release(&m);
	assert_int_equal(volume_parse_mount_flag("type=bind,src=/srv,dst=/d,idmapx", &m, &err),
	                 -EINVAL);
	assert_string_equal(err->msg, "idmapx: invalid mount option");
	err = cpod_error_free(err);
	assert_int_equal(volume_parse_volume_flag("/srv:/d:O,idmap", &m, &err), -EINVAL);
	assert_string_equal(err->msg, "can't use 'O' with other options");
	cpod_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_idmap_option_parse_forms),
	        cmocka_unit_test(test_idmap_option_parse_errors),
	        cmocka_unit_test(test_idmap_option_parse_range_limit),
	        cmocka_unit_test(test_idmap_check_spec),
	        cmocka_unit_test(test_idmap_features),
	        cmocka_unit_test(test_volume_options_keep_idmap),
	        cmocka_unit_test(test_volume_flags_take_idmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
