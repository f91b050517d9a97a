/* SPDX-License-Identifier: Apache-2.0 */
/* Pure parts of lookup and list: candidate names, list rows, filters and sorting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/image-internal.h"
#include "image/image.h"
#include "storage/store.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void expect_candidates(const char *name, char *const *regs, const char *joined)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (image_lookup_candidates(name, regs, &v, &err) < 0)
		fail_msg("%s: %s", name, err->msg);
	_cleanup_free_ char *j = strv_join(v, " ");
	assert_string_equal(j, joined);
}

static void test_image_lookup_candidates_short(void **state)
{
	char *regs[] = {"quay.io", "docker.io", NULL};
	expect_candidates("hello", NULL, "localhost/hello:latest docker.io/library/hello:latest");
	expect_candidates("hello:1", regs,
			  "localhost/hello:1 quay.io/hello:1 docker.io/library/hello:1");
	expect_candidates("a/b", regs, "localhost/a/b:latest quay.io/a/b:latest docker.io/a/b:latest");
	expect_candidates("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			  NULL,
			  "localhost/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
			  "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_image_lookup_candidates_qualified(void **state)
{
	char *regs[] = {"quay.io", NULL};
	expect_candidates("localhost/hello", regs, "localhost/hello:latest");
	expect_candidates("docker.io/busybox", regs, "docker.io/library/busybox:latest");
	expect_candidates("quay.io/a/b:2", regs, "quay.io/a/b:2");
}

static void test_image_lookup_candidates_invalid(void **state)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(image_lookup_candidates("a:b:c", NULL, &v, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid reference format");
	assert_null(v);
}

/* ---- list rows -------------------------------------------------------------------------- */

static char *names_a[] = {"localhost/foo:latest", "docker.io/library/busybox:1", NULL};
static char *names_b[] = {"quay.io/x/y:v2", NULL};
static char *digests_a[] = {"sha256:dd", NULL};

static struct store_image img_a = {.id = "aaaa1111", .names = names_a, .digests = digests_a,
				   .size = 300, .created = 100};
static struct store_image img_b = {.id = "bbbb2222", .names = names_b, .size = 100, .created = 300};
static struct store_image img_c = {.id = "cccc3333", .size = 200, .created = 200};

static json_t *rows(char **filters, enum image_sort sort, struct cpod_error **err)
{
	static json_t *labels;
	if (!labels)
		labels = json_pack("{s:s}", "k", "v");
	struct image_list_entry e[] = {
		{.img = &img_a, .labels = labels, .created = {100, 0}},
		{.img = &img_b, .created = {300, 0}, .containers = 2},
		{.img = &img_c, .created = {200, 0}},
	};
	struct image_list_opts o = {.filters = filters, .sort = sort};
	struct timespec t = {150, 0};
	json_t *ret = NULL;
	if (image_list_rows(e, 3, &o, &t, &t, &ret, err) < 0)
		return NULL;
	return ret;
}

static char *summary(json_t *arr)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r)
		strv_consume(&v, xasprintf("%s:%s", json_get_string(r, "Repository"),
					   json_get_string(r, "Tag")));
	return v ? strv_join(v, " ") : xstrdup("");
}

static void expect_rows(char **filters, enum image_sort sort, const char *want)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *arr = rows(filters, sort, &err);
	if (!arr)
		fail_msg("%s", err->msg);
	_cleanup_free_ char *s = summary(arr);
	assert_string_equal(s, want);
}

static void test_image_list_rows_default_sort(void **state)
{
	expect_rows(NULL, IMAGE_SORT_CREATED,
		    "quay.io/x/y:v2 <none>:<none> localhost/foo:latest docker.io/library/busybox:1");
	expect_rows(NULL, IMAGE_SORT_SIZE,
		    "quay.io/x/y:v2 <none>:<none> localhost/foo:latest docker.io/library/busybox:1");
	expect_rows(NULL, IMAGE_SORT_REPOSITORY,
		    "<none>:<none> docker.io/library/busybox:1 localhost/foo:latest quay.io/x/y:v2");
	/* byte order: "1" < "<none>" < "latest" */
	expect_rows(NULL, IMAGE_SORT_TAG,
		    "docker.io/library/busybox:1 <none>:<none> localhost/foo:latest quay.io/x/y:v2");
}

static void test_image_list_rows_filters(void **state)
{
	char *f1[] = {"dangling=true", NULL};
	expect_rows(f1, IMAGE_SORT_CREATED, "<none>:<none>");
	char *f2[] = {"dangling=false", "label=k=v", NULL};
	expect_rows(f2, IMAGE_SORT_ID, "localhost/foo:latest docker.io/library/busybox:1");
	char *f3[] = {"reference=busybox", NULL};
	expect_rows(f3, IMAGE_SORT_ID, "localhost/foo:latest docker.io/library/busybox:1");
	char *f4[] = {"reference=quay.io/x/*", NULL};
	expect_rows(f4, IMAGE_SORT_ID, "quay.io/x/y:v2");
	char *f5[] = {"reference=*:v2", NULL};
	expect_rows(f5, IMAGE_SORT_ID, "quay.io/x/y:v2");
	char *f6[] = {"before=x", NULL};
	expect_rows(f6, IMAGE_SORT_ID, "localhost/foo:latest docker.io/library/busybox:1");
	char *f7[] = {"since=x", NULL};
	expect_rows(f7, IMAGE_SORT_ID, "quay.io/x/y:v2 <none>:<none>");
	char *f8[] = {"id=ccc", NULL};
	expect_rows(f8, IMAGE_SORT_ID, "<none>:<none>");
	char *f9[] = {"label=k", "reference=nothing", NULL};
	expect_rows(f9, IMAGE_SORT_ID, "");
}

static void test_image_list_rows_bad_filter(void **state)
{
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL;
	char *f1[] = {"color=red", NULL};
	assert_null(rows(f1, IMAGE_SORT_ID, &e1));
	assert_string_equal(e1->msg, "unsupported image filter \"color\"");
	char *f2[] = {"dangling=maybe", NULL};
	assert_null(rows(f2, IMAGE_SORT_ID, &e2));
	assert_int_equal(e2->code, EINVAL);
}

static void test_image_list_rows_fields(void **state)
{
	_cleanup_json_ json_t *arr = rows(NULL, IMAGE_SORT_ID, NULL);
	json_t *r = json_array_get(arr, 0);
	assert_string_equal(json_get_string(r, "Id"), "aaaa1111");
	assert_string_equal(json_get_string(r, "Digest"), "sha256:dd");
	assert_string_equal(json_get_string(r, "CreatedAt"), "1970-01-01T00:01:40Z");
	assert_int_equal(json_integer_value(json_object_get(r, "Created")), 100);
	assert_false(json_is_true(json_object_get(r, "Dangling")));
	json_t *rd = json_object_get(r, "RepoDigests");
	assert_int_equal(json_array_size(rd), 2);
	assert_string_equal(json_string_value(json_array_get(rd, 0)), "localhost/foo@sha256:dd");
	assert_string_equal(json_get_string(json_object_get(r, "Labels"), "k"), "v");
	json_t *c = json_array_get(arr, 3);
	assert_true(json_is_true(json_object_get(c, "Dangling")));
	assert_int_equal(json_array_size(json_object_get(c, "RepoTags")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 2), "Containers")), 2);
}

static void test_image_sort_from_string(void **state)
{
	assert_int_equal(image_sort_from_string("size"), IMAGE_SORT_SIZE);
	assert_int_equal(image_sort_from_string("created"), IMAGE_SORT_CREATED);
	assert_int_equal(image_sort_from_string("nope"), _IMAGE_SORT_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_lookup_candidates_short),
		cmocka_unit_test(test_image_lookup_candidates_qualified),
		cmocka_unit_test(test_image_lookup_candidates_invalid),
		cmocka_unit_test(test_image_list_rows_default_sort),
		cmocka_unit_test(test_image_list_rows_filters),
		cmocka_unit_test(test_image_list_rows_bad_filter),
		cmocka_unit_test(test_image_list_rows_fields),
		cmocka_unit_test(test_image_sort_from_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
