/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/reference.h"
#include "util/xalloc.h"

static void expect_full(const char *in, const char *full, const char *familiar)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (image_ref_parse(in, &r, &err) < 0)
		fail_msg("%s: %s", in, err->msg);
	_cleanup_free_ char *s = image_ref_string(r);
	_cleanup_free_ char *f = image_ref_familiar(r);
	assert_string_equal(s, full);
	assert_string_equal(f, familiar);
}

static void expect_error(const char *in, const char *msg)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;

	assert_int_equal(image_ref_parse(in, &r, &err), -EINVAL);
	assert_null(r);
	assert_string_equal(err->msg, msg);
}

static void test_image_ref_parse_normalizes(void **state)
{
	expect_full("busybox", "docker.io/library/busybox", "busybox");
	expect_full("busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36");
	expect_full("user/app", "docker.io/user/app", "user/app");
	expect_full("docker.io/busybox", "docker.io/library/busybox", "busybox");
	expect_full("index.docker.io/busybox", "docker.io/library/busybox", "busybox");
	expect_full("docker.io/library/a/b", "docker.io/library/a/b", "library/a/b");
	expect_full("localhost/hello:latest", "localhost/hello:latest", "localhost/hello:latest");
	expect_full("localhost:5000/a/b:t", "localhost:5000/a/b:t", "localhost:5000/a/b:t");
	expect_full("quay.io/a/b_c__d--e.f:v1.0-rc_1", "quay.io/a/b_c__d--e.f:v1.0-rc_1",
		    "quay.io/a/b_c__d--e.f:v1.0-rc_1");
	expect_full("Registry.Example.com/x", "Registry.Example.com/x", "Registry.Example.com/x");
	expect_full("foo/bar/baz", "docker.io/foo/bar/baz", "foo/bar/baz");
	expect_full("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		    "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		    "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_full("a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		    "docker.io/library/a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		    "a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_image_ref_parse_fields(void **state)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;

	assert_int_equal(image_ref_parse("quay.io:443/ns/img:tag", &r, &err), 0);
	assert_string_equal(r->domain, "quay.io:443");
	assert_string_equal(r->path, "ns/img");
	assert_string_equal(r->tag, "tag");
	assert_null(r->digest);
	_cleanup_free_ char *n = image_ref_name(r);
	assert_string_equal(n, "quay.io:443/ns/img");
	_cleanup_(image_ref_freep) struct image_ref *d = image_ref_dup(r);
	free(d->tag);
	d->tag = NULL;
	image_ref_with_default_tag(d);
	assert_string_equal(d->tag, "latest");
}

static void test_image_ref_parse_errors(void **state)
{
	/* ParseNormalizedNamed("") parses "docker.io/library/" */
	expect_error("", "invalid reference format");
	expect_error("Busybox", "invalid reference format: repository name must be lowercase");
	expect_error("docker.io/Foo", "invalid reference format: repository name must be lowercase");
	expect_error("a:b:c", "invalid reference format");
	expect_error("a b", "invalid reference format");
	expect_error("/a", "invalid reference format");
	expect_error("a/", "invalid reference format");
	expect_error("a//b", "invalid reference format");
	expect_error("a..b", "invalid reference format");
	expect_error("a___b", "invalid reference format");
	expect_error("-a", "invalid reference format");
	expect_error("a-", "invalid reference format");
	expect_error("a:", "invalid reference format");
	expect_error("a:-x", "invalid reference format");
	expect_error("x@sha256:abc", "invalid reference format");
	expect_error("x@sha256:0123456789abcdef0123456789abcdef", "invalid checksum digest length");
	expect_error("x@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm");
	expect_error("x@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		     "invalid checksum digest format");
	expect_error("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings");
	expect_error("foo:bar/baz", "invalid reference format");
}

static void test_image_ref_tag_length(void **state)
{
	char tag[200];
	memset(tag, 'a', sizeof(tag));
	tag[128] = '\0';
	assert_true(image_ref_tag_is_valid(tag));
	tag[128] = 'a';
	tag[129] = '\0';
	assert_false(image_ref_tag_is_valid(tag));
	assert_false(image_ref_tag_is_valid(".a"));
	assert_true(image_ref_tag_is_valid("_a.B-c"));
}

static void test_image_ref_name_too_long(void **state)
{
	char name[300];
	memset(name, 'a', sizeof(name));
	name[255] = '\0';
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(image_ref_validate(name, &err), 0);
	name[255] = 'a';
	name[256] = '\0';
	assert_int_equal(image_ref_validate(name, &err), -EINVAL);
	assert_string_equal(err->msg, "repository name must not be more than 255 characters");
}

static void test_image_ref_validate_messages(void **state)
{
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(image_ref_validate("Foo", &e1), -EINVAL);
	assert_string_equal(e1->msg, "repository name must be lowercase");
	assert_int_equal(image_ref_validate("", &e2), -EINVAL);
	assert_string_equal(e2->msg, "repository name must have at least one component");
	assert_int_equal(image_ref_validate("a:b:c", &e3), -EINVAL);
	assert_string_equal(e3->msg, "invalid reference format");
	assert_int_equal(image_ref_validate("Foo/bar", NULL), 0); /* "Foo" is a domain */
}

static void test_image_ref_is_short_name(void **state)
{
	assert_true(image_ref_is_short_name("busybox"));
	assert_true(image_ref_is_short_name("busybox:1"));
	assert_true(image_ref_is_short_name("user/app"));
	assert_true(image_ref_is_short_name("library/busybox"));
	assert_false(image_ref_is_short_name("docker.io/busybox"));
	assert_false(image_ref_is_short_name("localhost/x"));
	assert_false(image_ref_is_short_name("host:5000/x"));
	assert_false(image_ref_is_short_name("Bad Name"));
}

static void expect_local(const char *in, const char *out, bool digested)
{
	_cleanup_free_ char *s = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	bool d = !digested;

	if (image_ref_local_name(in, &s, &d, &err) < 0)
		fail_msg("%s: %s", in, err->msg);
	assert_string_equal(s, out);
	assert_int_equal(d, digested);
}

static void test_image_ref_local_name(void **state)
{
	expect_local("foo", "localhost/foo:latest", false);
	expect_local("foo:1", "localhost/foo:1", false);
	expect_local("a/b", "localhost/a/b:latest", false);
	expect_local("docker.io/foo", "docker.io/library/foo:latest", false);
	expect_local("quay.io/a/b:2", "quay.io/a/b:2", false);
	expect_local("localhost/x", "localhost/x:latest", false);
	expect_local("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     "localhost/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef:latest",
		     false);
	expect_local("x:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     "localhost/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     true);
}

static void test_image_ref_local_name_errors(void **state)
{
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	_cleanup_free_ char *s = NULL;

	assert_int_equal(image_ref_local_name("Foo", &s, NULL, &e1), -EINVAL);
	assert_string_equal(e1->msg, "normalizing name \"Foo\": repository name must be lowercase");
	assert_int_equal(image_ref_local_name("a:b:c", &s, NULL, &e2), -EINVAL);
	assert_string_equal(e2->msg, "normalizing name \"a:b:c\": invalid reference format");
	assert_int_equal(image_ref_local_name("Foo/bar", &s, NULL, &e3), -EINVAL);
	assert_string_equal(e3->msg, "invalid reference format: repository name must be lowercase");
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_ref_parse_normalizes),
		cmocka_unit_test(test_image_ref_parse_fields),
		cmocka_unit_test(test_image_ref_parse_errors),
		cmocka_unit_test(test_image_ref_tag_length),
		cmocka_unit_test(test_image_ref_name_too_long),
		cmocka_unit_test(test_image_ref_validate_messages),
		cmocka_unit_test(test_image_ref_is_short_name),
		cmocka_unit_test(test_image_ref_local_name),
		cmocka_unit_test(test_image_ref_local_name_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
