/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"

static void test_error_set_keeps_first(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(cpod_error_set(&err, ENOENT, "image %s", "x"), -ENOENT);
	assert_int_equal(cpod_error_set(&err, EINVAL, "second"), -EINVAL);
	assert_string_equal(err->msg, "image x");
	assert_int_equal(err->code, ENOENT);
}

static void test_error_wrap_prefixes(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	cpod_error_set(&err, EEXIST, "name in use");
	assert_int_equal(cpod_error_wrap(&err, "tag %s", "a"), -EEXIST);
	assert_string_equal(err->msg, "tag a: name in use");
}

static void test_error_set_errno_appends_cause(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	cpod_error_set_errno(&err, ENOENT, "open %s", "/x");
	assert_string_equal(err->msg, "open /x: no such file or directory");
}

static void test_strv_split_join(void **state)
{
	_cleanup_strv_free_ char **v = strv_split("a,b,,c", ",");
	assert_int_equal(strv_length(v), 4);
	assert_string_equal(v[2], "");
	_cleanup_free_ char *j = strv_join(v, "|");
	assert_string_equal(j, "a|b||c");
	assert_int_equal(strv_remove(v, "b"), 1);
	assert_false(strv_contains(v, "b"));
	assert_true(strv_contains(v, "c"));
}

static void test_buf_cap(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "6789"), -E2BIG);
	assert_string_equal(buf_str(&b), "12345");
	assert_int_equal(buf_printf(&b, "%d", 678), 0);
	assert_string_equal(buf_str(&b), "12345678");
}

static void test_digest_known_value(void **state)
{
	_cleanup_free_ char *d = digest_sha256_string("", 0);
	assert_string_equal(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_true(digest_is_valid(d));
	assert_false(digest_is_valid("sha256:abc"));
	assert_true(id_is_hex_prefix("abc"));
	assert_false(id_is_hex_prefix("xyz"));
	char id[65];
	id_random(id);
	assert_true(id_is_full_hex(id));
}

static void test_fs_roundtrip(void **state)
{
	char tmpl[] = "/tmp/cpod-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_free_ char *sub = path_join(tmpl, "a/b/c");
	assert_int_equal(mkdir_p(sub, 0755), 0);
	_cleanup_free_ char *file = path_join(sub, "f");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, file, "hello", 5, 0644, false), 0);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(read_file_at(AT_FDCWD, file, 0, &data, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hello");
	char *small = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, file, 3, &small, NULL), -EFBIG);
	assert_int_equal(rm_rf_at(AT_FDCWD, tmpl), 0);
	assert_false(path_exists(tmpl));
}

static void test_path_join(void **state)
{
	_cleanup_free_ char *a = path_join("/", "x");
	_cleanup_free_ char *b = path_join("/a/", "/b");
	assert_string_equal(a, "/x");
	assert_string_equal(b, "/a/b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_set_keeps_first),
		cmocka_unit_test(test_error_wrap_prefixes),
		cmocka_unit_test(test_error_set_errno_appends_cause),
		cmocka_unit_test(test_strv_split_join),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_digest_known_value),
		cmocka_unit_test(test_fs_roundtrip),
		cmocka_unit_test(test_path_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
