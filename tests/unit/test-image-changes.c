/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/config.h"
#include "util/json.h"
#include "util/xalloc.h"

/* Apply changes to an empty config and return its compact JSON (owned). */
static char *apply(char *const *changes, struct cpod_error **err)
{
	_cleanup_json_ json_t *cfg = json_object();
	if (image_config_apply_changes(cfg, changes, err) < 0)
		return NULL;
	return json_dumps(cfg, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static void expect_config(char *const *changes, const char *json)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *s = apply(changes, &err);
	if (!s)
		fail_msg("%s", err->msg);
	assert_string_equal(s, json);
}

static void expect_change_error(const char *change, const char *msg)
{
	char *changes[] = {(char *)change, NULL};
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *s = apply(changes, &err);
	assert_null(s);
	assert_int_equal(err->code, EINVAL);
	assert_string_equal(err->msg, msg);
}

static void test_image_config_apply_changes_all(void **state)
{
	char *changes[] = {"STOPSIGNAL 9",        "LABEL a=b \"c d\"=e", "CMD [\"/bin/sh\"]",
			   "ENV A=1 B=2",         "EXPOSE 80",           "expose 53/UDP",
			   "WORKDIR /w",          "USER u",              "VOLUME /v",
			   "ENTRYPOINT echo hi",  NULL};
	/* same config as `podman import` with these changes (Podman 4.3) */
	expect_config(changes,
		      "{\"User\":\"u\",\"ExposedPorts\":{\"53/udp\":{},\"80/tcp\":{}},"
		      "\"Env\":[\"A=1 B=2\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"],"
		      "\"Cmd\":[\"/bin/sh\"],\"Volumes\":{\"/v\":{}},\"WorkingDir\":\"/w\","
		      "\"Labels\":{\"a\":\"b \\\"c d\\\"=e\"},\"StopSignal\":\"9\"}");
}

static void test_image_config_apply_changes_equals_form(void **state)
{
	char *changes[] = {"CMD=/bin/true", "ENV=\"K\"=\"v\"", "USER=root", "LABEL=x=", NULL};
	expect_config(changes, "{\"User\":\"root\",\"Env\":[\"K=v\"],"
			       "\"Cmd\":[\"/bin/sh\",\"-c\",\"/bin/true\"],\"Labels\":{\"x\":\"\"}}");
}

static void test_image_config_apply_changes_shell_forms(void **state)
{
	char *c1[] = {"CMD ", NULL};
	expect_config(c1, "{\"Cmd\":[\"/bin/sh\",\"-c\"]}");
	char *c2[] = {"CMD [\"a\"]", "ENTRYPOINT []", NULL};
	expect_config(c2, "{\"Cmd\":[\"a\"]}");
	char *c3[] = {"CMD [\"a\"]", "CMD null", NULL};
	expect_config(c3, "{}");
	char *c4[] = {"CMD [1]", NULL};
	expect_config(c4, "{\"Cmd\":[\"/bin/sh\",\"-c\",\"[1]\"]}");
	char *c5[] = {"ENV key", "ENV k v", NULL};
	expect_config(c5, "{\"Env\":[\"key=\",\"k v=\"]}");
}

static void test_image_config_apply_changes_workdir_volume(void **state)
{
	char *c1[] = {"WORKDIR /a", "WORKDIR b/", "WORKDIR ../c/./d", NULL};
	expect_config(c1, "{\"WorkingDir\":\"/a/c/d\"}");
	char *c2[] = {"WORKDIR rel/../x", NULL};
	expect_config(c2, "{\"WorkingDir\":\"x\"}");
	char *c3[] = {"VOLUME /b /a", "VOLUME [\"/c\"]", NULL};
	expect_config(c3, "{\"Volumes\":{\"/a\":{},\"/b\":{},\"/c\":{}}}");
}

static void test_image_config_apply_changes_signals(void **state)
{
	char *c1[] = {"STOPSIGNAL SIGTERM", NULL};
	expect_config(c1, "{\"StopSignal\":\"15\"}");
	char *c2[] = {"STOPSIGNAL rtmin+3", NULL};
	expect_config(c2, "{\"StopSignal\":\"37\"}");
	char *c3[] = {"STOPSIGNAL kill", NULL};
	expect_config(c3, "{\"StopSignal\":\"9\"}");
	expect_change_error("STOPSIGNAL 0", "invalid change \"STOPSIGNAL 0\" - KILLSIGNAL must be "
					    "given a valid signal: invalid signal: 0");
	expect_change_error("STOPSIGNAL FOO", "invalid change \"STOPSIGNAL FOO\" - KILLSIGNAL must "
					      "be given a valid signal: invalid signal: FOO");
}

static void test_image_config_apply_changes_errors(void **state)
{
	expect_change_error("FOO bar", "invalid change \"FOO bar\" - invalid instruction FOO");
	expect_change_error("CMD", "invalid change \"CMD\" - must be formatted as KEY VALUE");
	expect_change_error("CMD=a b", "invalid change \"CMD=a b\" - invalid instruction CMD=A");
	expect_change_error("EXPOSE 80 53/udp",
			    "invalid change \"EXPOSE 80 53/udp\" - EXPOSE port must be an integer: "
			    "strconv.Atoi: parsing \"80 53\": invalid syntax");
	expect_change_error("EXPOSE 70000", "invalid change \"EXPOSE 70000\" - EXPOSE port must be "
					    "a valid port number");
	expect_change_error("EXPOSE 99999999999999999999",
			    "invalid change \"EXPOSE 99999999999999999999\" - EXPOSE port must be an "
			    "integer: strconv.Atoi: parsing \"99999999999999999999\": value out of "
			    "range");
	expect_change_error("EXPOSE 80/sctp", "invalid change \"EXPOSE 80/sctp\" - EXPOSE protocol "
					      "must be TCP or UDP");
	expect_change_error("EXPOSE 1/tcp/x", "invalid change \"EXPOSE 1/tcp/x\" - EXPOSE port must "
					      "be formatted as PORT[/PROTO]");
	expect_change_error("USER  ", "invalid change \"USER  \" - must provide a value to USER");
	expect_change_error("ENV =x", "invalid change \"ENV =x\" - ENV must have at least one "
				      "argument");
	expect_change_error("LABEL x", "invalid change \"LABEL x\" - LABEL must be formatted "
				       "key=value");
	expect_change_error("LABEL \"\"=x", "invalid change \"LABEL \\\"\\\"=x\" - LABEL must have a "
					    "non-empty key");
	expect_change_error("VOLUME []", "invalid change \"VOLUME []\" - must provide at least one "
					 "argument to VOLUME");
	expect_change_error("VOLUME /a  /b", "invalid change \"VOLUME /a  /b\" - VOLUME paths must "
					     "not be empty");
	expect_change_error("WORKDIR ", "invalid change \"WORKDIR \" - must provide a non-empty "
					"WORKDIR");
	expect_change_error("ONBUILD ", "invalid change \"ONBUILD \" - ONBUILD must be given an "
					"argument");
}

static void test_image_config_build_import(void **state)
{
	_cleanup_json_ json_t *cfg = json_object();
	char *changes[] = {"CMD [\"/bin/sh\"]", "LABEL x=<y>", "ONBUILD RUN x", NULL};
	assert_int_equal(image_config_apply_changes(cfg, changes, NULL), 0);
	struct image_import_config_opts o = {
		.config = cfg,
		.diff_id = "sha256:85fb87851cdad6b7c43a3505d5b4ea3327201487880541f15d769fc7334ee466",
		.created = {.tv_sec = 1795458031, .tv_nsec = 356816289},
		.arch = "amd64",
	};
	_cleanup_free_ char *blob = image_config_build_import(&o);
	/* byte for byte what Podman 4.3 stored for the same import */
	assert_string_equal(
		blob,
		"{\"created\":\"2026-11-23T18:20:31.356816289Z\",\"architecture\":\"amd64\","
		"\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"],\"Labels\":{\"x\":\"\\u003cy\\u003e\"}},"
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:85fb87851cdad6b7c43a3505d5b4ea33"
		"27201487880541f15d769fc7334ee466\"]},\"history\":[{\"created\":\"2026-11-23T18:20:31."
		"356816289Z\",\"created_by\":\"/bin/sh -c #(nop) ADD file:85fb87851cdad6b7c43a3505d5b4e"
		"a3327201487880541f15d769fc7334ee466 in /\",\"comment\":\"imported from tarball\"}]}");

	struct image_config_info info;
	assert_int_equal(image_config_parse(blob, strlen(blob), &info, NULL), 0);
	assert_true(info.has_created);
	assert_int_equal(info.created.tv_sec, 1795458031);
	assert_int_equal(info.created.tv_nsec, 356816289);
	assert_string_equal(info.arch, "amd64");
	assert_string_equal(info.os, "linux");
	assert_string_equal(info.comment, "imported from tarball");
	assert_string_equal(json_get_string(image_config_labels(&info), "x"), "<y>");
	assert_int_equal(json_array_size(info.diff_ids), 1);
	image_config_info_release(&info);
}

static void test_image_manifest_build(void **state)
{
	struct image_manifest_layer l = {"application/vnd.oci.image.layer.v1.tar", "sha256:bb", 10240};
	_cleanup_free_ char *m = image_manifest_build("sha256:aa", 457, &l, 1);
	assert_string_equal(m, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci."
			       "image.config.v1+json\",\"digest\":\"sha256:aa\",\"size\":457},"
			       "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
			       "\"digest\":\"sha256:bb\",\"size\":10240}]}");
}

static void test_image_config_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{\"created\":5}", "{\"created\":\"yesterday\"}", "{\"config\":[]}",
		"{\"config\":{\"Env\":[1]}}", "{\"config\":{\"Labels\":{\"a\":1}}}",
		"{\"rootfs\":{\"diff_ids\":\"x\"}}", "{\"history\":[1]}", "{\"a\":1,\"a\":2}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct image_config_info info;
		_cleanup_error_ struct cpod_error *err = NULL;
		assert_int_equal(image_config_parse(bad[i], strlen(bad[i]), &info, &err), -EINVAL);
		assert_non_null(strstr(err->msg, "parsing image configuration"));
	}
	struct image_config_info info;
	const char *ok = "{\"created\":\"2020-01-01T02:00:00+02:00\",\"comment\":\"c\"}";
	assert_int_equal(image_config_parse(ok, strlen(ok), &info, NULL), 0);
	assert_int_equal(info.created.tv_sec, 1577836800);
	assert_string_equal(info.comment, "c");
	assert_string_equal(info.author, "");
	image_config_info_release(&info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_config_apply_changes_all),
		cmocka_unit_test(test_image_config_apply_changes_equals_form),
		cmocka_unit_test(test_image_config_apply_changes_shell_forms),
		cmocka_unit_test(test_image_config_apply_changes_workdir_volume),
		cmocka_unit_test(test_image_config_apply_changes_signals),
		cmocka_unit_test(test_image_config_apply_changes_errors),
		cmocka_unit_test(test_image_config_build_import),
		cmocka_unit_test(test_image_manifest_build),
		cmocka_unit_test(test_image_config_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
