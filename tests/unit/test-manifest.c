/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/manifest.h"
#include "util/error.h"
#include "util/xalloc.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static const char oci_manifest[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1
        "\",\"size\":123},\"layers\":[{\"mediaType\":\"application/"
        "vnd.oci.image.layer.v1.tar+gzip\","
        "\"digest\":\"" D2 "\",\"size\":456,\"urls\":[\"https://example.com/l\"]}],"
        "\"annotations\":{\"a\":\"b\"}}";

static const char docker_list[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.list.v2+json\","
        "\"manifests\":["
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D1
        "\",\"size\":1,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}}"
        ","
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D2
        "\",\"size\":2,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":"
        "\"v8\"}},"
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D3
        "\",\"size\":3,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D3
        "\",\"size\":4,\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\"}}]}";

static struct manifest *parse_ok(const char *s, const char *mt)
{
	struct manifest *m = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (manifest_parse(s, strlen(s), mt, &m, &err) < 0)
		fail_msg("parse failed: %s", err->msg);
	return m;
}

static void parse_fails(const char *s, const char *mt, int code, const char *want)
{
	struct manifest *m = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_parse(s, strlen(s), mt, &m, &err), -code);
	assert_null(m);
	if (!strstr(err->msg, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err->msg, want);
}

static void test_manifest_parse_oci(void **state)
{
	_cleanup_(manifest_freep) struct manifest *m = parse_ok(oci_manifest, NULL);
	assert_int_equal(m->kind, MANIFEST_KIND_IMAGE);
	assert_string_equal(m->media_type, MEDIA_TYPE_OCI_MANIFEST);
	assert_string_equal(m->config.digest, D1);
	assert_int_equal(m->config.size, 123);
	assert_int_equal(m->n_layers, 1);
	assert_string_equal(m->layers[0].media_type, MEDIA_TYPE_OCI_LAYER_GZIP);
	assert_int_equal(m->layers[0].size, 456);
	assert_string_equal(m->layers[0].urls[0], "https://example.com/l");
	assert_string_equal(json_string_value(json_object_get(m->annotations, "a")), "b");
}

static void test_manifest_parse_index(void **state)
{
	_cleanup_(manifest_freep) struct manifest *m =
	        parse_ok(docker_list, MEDIA_TYPE_DOCKER_LIST);
	assert_int_equal(m->kind, MANIFEST_KIND_INDEX);
	assert_int_equal(m->n_manifests, 4);
	assert_string_equal(m->manifests[1].platform.arch, "arm64");
	assert_string_equal(m->manifests[1].platform.variant, "v8");
	assert_null(m->manifests[2].platform.variant);
}

static void test_manifest_guess_media_type(void **state)
{
	assert_string_equal(manifest_guess_media_type(oci_manifest, strlen(oci_manifest)),
	                    MEDIA_TYPE_OCI_MANIFEST);
	assert_string_equal(manifest_guess_media_type(docker_list, strlen(docker_list)),
	                    MEDIA_TYPE_DOCKER_LIST);
	const char *idx = "{\"schemaVersion\":2,\"manifests\":[]}";
	assert_string_equal(manifest_guess_media_type(idx, strlen(idx)), MEDIA_TYPE_OCI_INDEX);
	const char *s1 = "{\"schemaVersion\":1,\"signatures\":[]}";
	assert_string_equal(manifest_guess_media_type(s1, strlen(s1)),
	                    MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED);
	assert_null(manifest_guess_media_type("[]", 2));
	assert_null(manifest_guess_media_type("{", 1));
}

static void test_manifest_parse_errors(void **state)
{
	parse_fails("{", NULL, EINVAL, "parsing manifest: ");
	parse_fails("[1]", NULL, EINVAL, "not a JSON object");
	parse_fails("{\"schemaVersion\":2}", NULL, EINVAL, "unrecognized manifest format");
	parse_fails("{\"schemaVersion\":1,\"fsLayers\":[]}", NULL, ENOTSUP, "schema 1");
	parse_fails(oci_manifest, MEDIA_TYPE_DOCKER_MANIFEST, EINVAL,
	            "does not match the expected type");
	parse_fails(
	        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
	        "\"manifests\":[],\"layers\":[]}",
	        NULL, EINVAL, "an index must not have config or layers");
	parse_fails("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:12\","
	            "\"size\":1},\"layers\":[]}",
	            MEDIA_TYPE_OCI_MANIFEST, EINVAL, "config: invalid digest sha256:12");
	parse_fails("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
	            "\",\"size\":-1},\"layers\":[]}",
	            MEDIA_TYPE_OCI_MANIFEST, EINVAL, "config: invalid size");
	parse_fails("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
	            "\",\"size\":1},\"layers\":[{\"digest\":\"" D1 "\",\"size\":1}]}",
	            MEDIA_TYPE_OCI_MANIFEST, EINVAL, "layers[0] has no mediaType");
	parse_fails("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
	            "\",\"size\":1},\"layers\":{}}",
	            MEDIA_TYPE_OCI_MANIFEST, EINVAL, "missing layers");
	parse_fails("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
	            "\",\"size\":1},\"layers\":[]}",
	            MEDIA_TYPE_DOCKER_MANIFEST, EINVAL, "missing mediaType");
	parse_fails("{\"schemaVersion\":2,\"schemaVersion\":2}", NULL, EINVAL, "duplicate");
	parse_fails("{\"schemaVersion\":3,\"manifests\":[]}", MEDIA_TYPE_OCI_INDEX, EINVAL,
	            "unsupported schemaVersion");

	size_t big = MANIFEST_MAX + 1;
	_cleanup_free_ char *huge = xmalloc(big);
	memset(huge, ' ', big);
	struct manifest *m = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(manifest_parse(huge, big, NULL, &m, &err), -EFBIG);
}

static void select_ok(const struct manifest *m, const char *arch, const char *variant, size_t want)
{
	size_t idx = 99;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (manifest_select_platform(m, "linux", arch, variant, &idx, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(idx, want);
}

static void test_manifest_select_platform(void **state)
{
	_cleanup_(manifest_freep) struct manifest *m = parse_ok(docker_list, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	size_t idx;

	select_ok(m, "amd64", NULL, 2);
	select_ok(m, "arm64", "v8", 1);
	/* an arm v7 host runs the v6 image */
	select_ok(m, "arm", "v7", 0);
	assert_int_equal(manifest_select_platform(m, "linux", "s390x", NULL, &idx, &err), -ENOENT);
	assert_string_equal(err->msg, "no image found in manifest list for architecture s390x, "
	                              "variant \"\", OS linux");
	err = cpod_error_free(err);
	assert_int_equal(manifest_select_platform(m, "linux", "arm", "v5", &idx, &err), -ENOENT);
	assert_string_equal(err->msg, "no image found in manifest list for architecture arm, "
	                              "variant \"v5\", OS linux");
	err = cpod_error_free(err);
	/* the host's platform: this machine's entry exists for amd64 and arm64 */
	if (manifest_select_platform(m, NULL, NULL, NULL, &idx, &err) == 0)
		assert_true(idx == 1 || idx == 2);
	err = cpod_error_free(err);
	/* not an index */
	_cleanup_(manifest_freep) struct manifest *img = parse_ok(oci_manifest, NULL);
	assert_int_equal(manifest_select_platform(img, NULL, NULL, NULL, &idx, &err), -EINVAL);
}

static void test_manifest_build_roundtrip(void **state)
{
	struct manifest_build_desc cfg = {MEDIA_TYPE_DOCKER_CONFIG, D1, 10, NULL, NULL, NULL};
	struct manifest_build_desc layers[] = {
	        {MEDIA_TYPE_DOCKER_LAYER_GZIP, D2, 20, NULL, NULL, NULL},
	        {MEDIA_TYPE_DOCKER_LAYER_GZIP, D3, 30, NULL, NULL, NULL},
	};
	_cleanup_free_ char *s =
	        manifest_build_image(MEDIA_TYPE_DOCKER_MANIFEST, &cfg, layers, 2, NULL);
	/* Docker's field order: mediaType, size, digest */
	assert_string_equal(s,
	                    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker."
	                    "distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
	                    "\"application/vnd.docker.container.image.v1+json\",\"size\":10,"
	                    "\"digest\":\"" D1 "\"},\"layers\":[{\"mediaType\":\"application/"
	                    "vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":20,\"digest\":\"" D2
	                    "\"},{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar."
	                    "gzip\",\"size\":30,\"digest\":\"" D3 "\"}]}");
	_cleanup_(manifest_freep) struct manifest *m = parse_ok(s, NULL);
	assert_int_equal(m->n_layers, 2);
	assert_int_equal(m->layers[1].size, 30);

	struct manifest_build_desc entries[] = {
	        {MEDIA_TYPE_OCI_MANIFEST, D1, 100, "linux", "amd64", NULL},
	        {MEDIA_TYPE_OCI_MANIFEST, D2, 200, "linux", "arm64", "v8"},
	};
	_cleanup_free_ char *idx = manifest_build_index(MEDIA_TYPE_OCI_INDEX, entries, 2);
	_cleanup_(manifest_freep) struct manifest *mi = parse_ok(idx, NULL);
	assert_int_equal(mi->kind, MANIFEST_KIND_INDEX);
	select_ok(mi, "arm64", "v8", 1);
	assert_null(manifest_build_image("text/plain", &cfg, layers, 2, NULL));
	assert_null(manifest_build_index(MEDIA_TYPE_OCI_MANIFEST, entries, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_manifest_parse_oci),
	        cmocka_unit_test(test_manifest_parse_index),
	        cmocka_unit_test(test_manifest_guess_media_type),
	        cmocka_unit_test(test_manifest_parse_errors),
	        cmocka_unit_test(test_manifest_select_platform),
	        cmocka_unit_test(test_manifest_build_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
