/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/manifest-list.h"
#include "image/manifest.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xalloc.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static json_t *entry(const char *digest, const char *arch, const char *variant,
                     char *const *annotations)
{
	struct manifest_list_platform p = {.os = "linux", .arch = arch, .variant = variant};
	json_t *e = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(
	        manifest_list_entry(MEDIA_TYPE_OCI_MANIFEST, digest, 42, &p, annotations, &e, &err),
	        0);
	return e;
}

static void test_manifest_list_render_empty_is_null(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	_cleanup_free_ char *s = manifest_list_render(l, false, true);
	assert_string_equal(s, "{\n    \"schemaVersion\": 2,\n    \"mediaType\": "
	                       "\"application/vnd.docker.distribution.manifest.list.v2+json\",\n"
	                       "    \"manifests\": null\n}");
}

static void test_manifest_list_put_replaces_same_digest(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	manifest_list_put(l, entry(D1, "amd64", NULL, NULL));
	manifest_list_put(l, entry(D2, "arm64", "v8", NULL));
	manifest_list_put(l, entry(D1, "s390x", NULL, NULL));
	json_t *m = json_object_get(l, "manifests");
	assert_int_equal(json_array_size(m), 2);
	json_t *first = json_array_get(m, 0);
	assert_string_equal(json_string_value(json_object_get(first, "digest")), D1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(first, "platform"),
	                                                      "architecture")),
	                    "s390x");
	assert_non_null(manifest_list_find(l, D2));
}

static void test_manifest_list_remove(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	manifest_list_put(l, entry(D1, "amd64", NULL, NULL));
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_list_remove(l, D2, &err), -ENOENT);
	assert_string_equal(err->msg, "no instance matching digest \"" D2
	                              "\" found in manifest list: file does not exist");
	assert_int_equal(manifest_list_remove(l, D1, NULL), 0);
	assert_null(manifest_list_find(l, D1));
}

static void test_manifest_list_render_docker_order(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	char *ann[] = {"a=b", NULL};
	manifest_list_put(l, entry(D1, "arm64", "v8", ann));
	_cleanup_free_ char *s = manifest_list_render(l, false, false);
	assert_string_equal(s, "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_LIST
	                       "\",\"manifests\":[{\"mediaType\":\"" MEDIA_TYPE_OCI_MANIFEST
	                       "\",\"size\":42,\"digest\":\"" D1
	                       "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
	                       "\"variant\":\"v8\"},\"annotations\":{\"a\":\"b\"}}]}");
	_cleanup_free_ char *o = manifest_list_render(l, true, false);
	assert_string_equal(o,
	                    "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX
	                    "\",\"manifests\":[{\"mediaType\":\"" MEDIA_TYPE_OCI_MANIFEST
	                    "\",\"digest\":\"" D1
	                    "\",\"size\":42,\"annotations\":{\"a\":\"b\"},\"platform\":{"
	                    "\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}");
}

static void test_manifest_list_render_parses_back(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	manifest_list_put(l, entry(D1, "amd64", NULL, NULL));
	manifest_list_put(l, entry(D2, "arm64", "v8", NULL));
	for (int oci = 0; oci < 2; oci++) {
		_cleanup_free_ char *s = manifest_list_render(l, oci, false);
		_cleanup_(manifest_freep) struct manifest *m = NULL;
		assert_int_equal(manifest_parse(s, strlen(s), NULL, &m, NULL), 0);
		assert_int_equal(m->n_manifests, 2);
		size_t idx = 9;
		assert_int_equal(manifest_select_platform(m, "linux", "arm64", NULL, &idx, NULL),
		                 0);
		assert_int_equal(idx, 1);
		_cleanup_json_ json_t *back = NULL;
		assert_int_equal(manifest_list_parse(s, strlen(s), &back, NULL), 0);
		assert_non_null(manifest_list_find(back, D2));
	}
}

static void test_manifest_list_parse_rejects_image(void **state)
{
	(void)state;
	static const char img[] = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_MANIFEST
	                          "\",\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG
	                          "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}";
	json_t *l = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_list_parse(img, strlen(img), &l, &err), -EINVAL);
	assert_null(l);
	_cleanup_error_ struct cpod_error *err2 = NULL;
	assert_true(manifest_list_parse("{", 1, &l, &err2) < 0);
}

static void test_manifest_list_entry_bad_annotation(void **state)
{
	(void)state;
	struct manifest_list_platform p = {.os = "linux", .arch = "amd64"};
	char *ann[] = {"novalue", NULL};
	json_t *e = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_list_entry(MEDIA_TYPE_OCI_MANIFEST, D1, 1, &p, ann, &e, &err),
	                 -EINVAL);
	assert_null(e);
}

static void test_manifest_list_annotate(void **state)
{
	(void)state;
	_cleanup_json_ json_t *l = manifest_list_new();
	char *ann[] = {"a=b", NULL};
	manifest_list_put(l, entry(D1, "amd64", NULL, ann));
	char *more[] = {"c=d", "a=z", NULL};
	char *feat[] = {"sse4", NULL};
	struct manifest_list_platform p = {.arch = "arm", .variant = "v7", .os_features = feat};
	assert_int_equal(manifest_list_annotate(l, D1, &p, more, NULL), 0);
	_cleanup_free_ char *s = manifest_list_render(l, true, false);
	assert_non_null(strstr(s, "\"annotations\":{\"a\":\"z\",\"c\":\"d\"},\"platform\":{"
	                          "\"architecture\":\"arm\",\"os\":\"linux\",\"os.features\":["
	                          "\"sse4\"],\"variant\":\"v7\"}"));
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_list_annotate(l, D2, &p, NULL, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "no Docker manifest matching digest"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_manifest_list_render_empty_is_null),
	        cmocka_unit_test(test_manifest_list_put_replaces_same_digest),
	        cmocka_unit_test(test_manifest_list_remove),
	        cmocka_unit_test(test_manifest_list_render_docker_order),
	        cmocka_unit_test(test_manifest_list_render_parses_back),
	        cmocka_unit_test(test_manifest_list_parse_rejects_image),
	        cmocka_unit_test(test_manifest_list_entry_bad_annotation),
	        cmocka_unit_test(test_manifest_list_annotate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
