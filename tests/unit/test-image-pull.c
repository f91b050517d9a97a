/* SPDX-License-Identifier: Apache-2.0 */
/* policy.json evaluation and pull name resolution (messages checked against podman 4.3.1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/registries-conf.h"
#include "image/pull.h"
#include "util/strv.h"
#include "util/xalloc.h"

static struct image_policy *policy(const char *json)
{
	struct image_policy *p = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (image_policy_parse("policy.json", json, strlen(json), &p, &err) < 0)
		fail_msg("%s", err->msg);
	return p;
}

static void test_image_policy_check_default_accept(void **state)
{
	(void)state;
	_cleanup_(image_policy_freep) struct image_policy *p =
	        policy("{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
	assert_int_equal(image_policy_check(p, "docker", "quay.io/a/b:1", NULL), 0);
}

static void test_image_policy_check_reject_message(void **state)
{
	(void)state;
	_cleanup_(image_policy_freep) struct image_policy *p =
	        policy("{\"default\":[{\"type\":\"reject\"}]}");
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(image_policy_check(p, "docker", "127.0.0.1:5000/bb:latest", &err),
	                 -EACCES);
	assert_string_equal(err->msg, "Source image rejected: Running image "
	                              "docker://127.0.0.1:5000/bb:latest is rejected by policy.");
}

static void test_image_policy_check_scopes(void **state)
{
	(void)state;
	_cleanup_(image_policy_freep) struct image_policy *p = policy(
	        "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{"
	        "\"example.com/ns\":[{\"type\":\"insecureAcceptAnything\"}],"
	        "\"example.com/ns/signed\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\"}],"
	        "\"*.quay.io\":[{\"type\":\"insecureAcceptAnything\"}]}}}");
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(image_policy_check(p, "docker", "example.com/ns/app:1", NULL), 0);
	assert_int_equal(image_policy_check(p, "docker", "example.com/ns/signed:1", &e1), -ENOTSUP);
	assert_non_null(strstr(e1->msg, "signature verification is not supported"));
	assert_int_equal(image_policy_check(p, "docker", "example.com/other:1", &e2), -EACCES);
	assert_int_equal(image_policy_check(
	                         p, "docker",
	                         "eu.quay.io/x/y@sha256:"
	                         "0000000000000000000000000000000000000000000000000000000000000000",
	                         NULL),
	                 0);
	assert_int_equal(image_policy_check(p, "docker", "quay.io/x:1", &e3), -EACCES);
}

static void test_image_policy_parse_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "{}",
	        "[]",
	        "{\"default\":[]}",
	        "{\"default\":[{\"type\":\"nope\"}]}",
	        "{\"default\":[{}]}",
	        "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\"x\":5}}}",
	        "{\"default\":[{\"type\":\"reject\"}],\"default\":[]}",
	        "not json",
	        NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		struct image_policy *p = NULL;
		_cleanup_error_ struct cpod_error *err = NULL;
		assert_int_equal(image_policy_parse("p", bad[i], strlen(bad[i]), &p, &err),
		                 -EINVAL);
		assert_null(p);
		assert_non_null(strstr(err->msg, "invalid policy in \"p\""));
	}
}

static struct registries_conf *conf(const char *toml)
{
	struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (registries_conf_parse("/r.conf", toml, strlen(toml), &c, &err) < 0)
		fail_msg("%s", err->msg);
	return c;
}

static void test_image_pull_candidates_qualified(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **v = NULL;
	assert_int_equal(image_pull_candidates(NULL, "quay.io/a/b", false, &v, NULL, NULL), 0);
	assert_int_equal(strv_length(v), 1);
	assert_string_equal(v[0], "quay.io/a/b:latest");
}

static void test_image_pull_candidates_search_and_alias(void **state)
{
	(void)state;
	_cleanup_(registries_conf_freep) struct registries_conf *c =
	        conf("unqualified-search-registries = [\"a.io\", \"b.io:5000\"]\n"
	             "short-name-mode = \"permissive\"\n"
	             "[aliases]\n\"fed\" = \"registry.fedoraproject.org/fedora\"\n");
	_cleanup_strv_free_ char **v = NULL, **w = NULL;
	_cleanup_free_ char *note = NULL, *note2 = NULL;
	assert_int_equal(image_pull_candidates(c, "app:1", false, &v, &note, NULL), 0);
	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[0], "a.io/app:1");
	assert_string_equal(v[1], "b.io:5000/app:1");
	assert_string_equal(note,
	                    "Resolving \"app\" using unqualified-search registries (/r.conf)");
	assert_int_equal(image_pull_candidates(c, "fed:39", false, &w, &note2, NULL), 0);
	assert_int_equal(strv_length(w), 1);
	assert_string_equal(w[0], "registry.fedoraproject.org/fedora:39");
	assert_null(note2);
}

static void test_image_pull_candidates_enforcing(void **state)
{
	(void)state;
	_cleanup_(registries_conf_freep) struct registries_conf *c =
	        conf("unqualified-search-registries = [\"a.io\", \"b.io\"]\n"
	             "short-name-mode = \"enforcing\"\n");
	_cleanup_(registries_conf_freep) struct registries_conf *none = conf("");
	_cleanup_strv_free_ char **v = NULL, **w = NULL;
	_cleanup_error_ struct cpod_error *err = NULL, *err2 = NULL;
	assert_int_equal(image_pull_candidates(c, "app", false, &v, NULL, &err), -EINVAL);
	assert_string_equal(err->msg,
	                    "short-name resolution enforced but cannot prompt without a TTY");
	assert_int_equal(image_pull_candidates(c, "app", true, &w, NULL, NULL), 0);
	assert_int_equal(strv_length(w), 2);
	strv_free(TAKE_PTR(v));
	assert_int_equal(image_pull_candidates(none, "app", false, &v, NULL, &err2), -ENOENT);
	assert_non_null(strstr(err2->msg, "no unqualified-search registries are defined"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_image_policy_check_default_accept),
	        cmocka_unit_test(test_image_policy_check_reject_message),
	        cmocka_unit_test(test_image_policy_check_scopes),
	        cmocka_unit_test(test_image_policy_parse_errors),
	        cmocka_unit_test(test_image_pull_candidates_qualified),
	        cmocka_unit_test(test_image_pull_candidates_search_and_alias),
	        cmocka_unit_test(test_image_pull_candidates_enforcing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
