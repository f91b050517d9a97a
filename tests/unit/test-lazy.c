/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lazy shims (src/util/lazy.h): libcurl and libarchive are mapped on first use only, the
 * loader's failures are worded for the user, and the variadic wrappers pass every argument
 * type through intact.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

#include "util/cleanup.h"
#include "util/lazy.h"

/* true when a library whose file name starts with prefix is mapped into this process */
static bool mapped(const char *prefix)
{
	FILE *f = fopen("/proc/self/maps", "re");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) > 0) {
		const char *base = strrchr(line, '/');
		found = base && strncmp(base + 1, prefix, strlen(prefix)) == 0;
	}
	free(line);
	fclose(f);
	return found;
}

/* must run first: nothing else has touched either library yet */
static void test_libraries_mapped_on_first_use(void **state)
{
	assert_false(mapped("libcurl"));
	assert_false(mapped("libarchive"));
	CURL *h = curl_easy_init();
	assert_non_null(h);
	curl_easy_cleanup(h);
	assert_true(mapped("libcurl"));
	assert_false(mapped("libarchive"));
	struct archive_entry *e = archive_entry_new();
	assert_non_null(e);
	archive_entry_free(e);
	assert_true(mapped("libarchive"));
}

static void test_lazy_lib_open_missing_library(void **state)
{
	static const char *const names[] = {"cos"};
	void *syms[1] = {NULL};
	struct lazy_lib lib = {.soname = "libcpod-no-such-library.so.0",
	                       .package = "libcpod0",
	                       .names = names,
	                       .syms = syms,
	                       .n_syms = 1};
	assert_int_equal(lazy_lib_open(&lib), -ENOENT);
	assert_null(lib.handle);
	assert_null(syms[0]);
	const char *want = "cannot load libcpod-no-such-library.so.0: ";
	assert_memory_equal(lib.error, want, strlen(want));
	const char *tail = "; install libcpod0";
	size_t len = strlen(lib.error);
	assert_true(len > strlen(tail));
	assert_string_equal(lib.error + len - strlen(tail), tail);
}

static void test_lazy_lib_open_missing_symbol(void **state)
{
	static const char *const names[] = {"cos", "cpod_no_such_symbol"};
	void *syms[2] = {NULL, NULL};
	struct lazy_lib lib = {.soname = "libm.so.6",
	                       .package = "libc6",
	                       .names = names,
	                       .syms = syms,
	                       .n_syms = 2};
	assert_int_equal(lazy_lib_open(&lib), -ENOSYS);
	assert_null(lib.handle);
	assert_null(syms[0]);
	assert_string_equal(lib.error,
	                    "cannot load libm.so.6: undefined symbol cpod_no_such_symbol; "
	                    "install a newer libc6");
}

static void test_lazy_lib_open_resolves(void **state)
{
	static const char *const names[] = {"cos"};
	void *syms[1] = {NULL};
	struct lazy_lib lib = {.soname = "libm.so.6",
	                       .package = "libc6",
	                       .names = names,
	                       .syms = syms,
	                       .n_syms = 1};
	assert_int_equal(lazy_lib_open(&lib), 0);
	assert_non_null(lib.handle);
	assert_string_equal(lib.error, "");
	double (*real_cos)(double) = (double (*)(double))syms[0];
	assert_true(real_cos(0.0) == 1.0);
}

static size_t count_bytes(char *data, size_t size, size_t n, void *userdata)
{
	*(size_t *)userdata += size * n;
	return size * n;
}

/* a 1000-byte file:// download exercises long, string, callback, pointer and off_t options */
static void test_curl_setopt_getinfo_types(void **state)
{
	char path[] = "/tmp/cpod-test-lazy-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char data[1000];
	memset(data, 'x', sizeof(data));
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	_cleanup_free_ char *url = NULL;
	assert_true(asprintf(&url, "file://%s", path) > 0);

	CURL *h = curl_easy_init();
	assert_non_null(h);
	size_t got = 0;
	assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count_bytes), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEDATA, &got), CURLE_OK);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(got, sizeof(data));
	curl_off_t size = 0;
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &size), CURLE_OK);
	assert_int_equal(size, (curl_off_t)sizeof(data));
	char *eff = NULL;
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff), CURLE_OK);
	assert_string_equal(eff, url);

	/* an off_t offset must reach libcurl as such: resuming at 990 leaves 10 bytes */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)990), CURLE_OK);
	got = 0;
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(got, 10);
	/* a blob is copied by libcurl (CURL_BLOB_COPY), so the pointer arrived */
	struct curl_blob blob = {.data = data, .len = 10, .flags = CURL_BLOB_COPY};
	assert_int_equal(curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob), CURLE_OK);
	assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
	curl_easy_cleanup(h);
	unlink(path);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userdata)
{
}

static void share_unlock(CURL *h, curl_lock_data data, void *userdata)
{
}

static void test_curl_share_setopt_types(void **state)
{
	CURLSH *sh = curl_share_init();
	assert_non_null(sh);
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, share_lock), CURLSHE_OK);
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, share_unlock), CURLSHE_OK);
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_USERDATA, NULL), CURLSHE_OK);
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS), CURLSHE_OK);
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_UNSHARE, CURL_LOCK_DATA_DNS), CURLSHE_OK);
	/* an unknown data type is refused, so the int really arrived */
	assert_int_equal(curl_share_setopt(sh, CURLSHOPT_SHARE, 999), CURLSHE_BAD_OPTION);
	assert_int_equal(curl_share_cleanup(sh), CURLSHE_OK);
}

static void test_archive_roundtrip_and_set_error(void **state)
{
	char tar[16384];
	size_t used = 0;
	struct archive *w = archive_write_new();
	assert_int_equal(archive_write_set_format_pax(w), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(w, tar, sizeof(tar), &used), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "dir/file");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0640);
	archive_entry_set_size(e, 5);
	archive_entry_set_mtime(e, 1234567890, 5);
	assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(w, "hello", 5), 5);
	archive_entry_free(e);
	assert_int_equal(archive_write_free(w), ARCHIVE_OK);

	struct archive *r = archive_read_new();
	archive_read_support_format_tar(r);
	assert_int_equal(archive_read_open_memory(r, tar, used), ARCHIVE_OK);
	struct archive_entry *re = NULL;
	assert_int_equal(archive_read_next_header(r, &re), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(re), "dir/file");
	assert_int_equal(archive_entry_perm(re), 0640);
	assert_int_equal(archive_entry_size(re), 5);
	assert_int_equal(archive_entry_mtime(re), 1234567890);
	char buf[8] = "";
	assert_int_equal(archive_read_data(r, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(archive_read_next_header(r, &re), ARCHIVE_EOF);

	/* printf-like, formatted by the shim */
	archive_set_error(r, EPIPE, "reading %s: %d%%", "blob", 42);
	assert_int_equal(archive_errno(r), EPIPE);
	assert_string_equal(archive_error_string(r), "reading blob: 42%");
	assert_int_equal(archive_read_free(r), ARCHIVE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_libraries_mapped_on_first_use),
	        cmocka_unit_test(test_lazy_lib_open_missing_library),
	        cmocka_unit_test(test_lazy_lib_open_missing_symbol),
	        cmocka_unit_test(test_lazy_lib_open_resolves),
	        cmocka_unit_test(test_curl_setopt_getinfo_types),
	        cmocka_unit_test(test_curl_share_setopt_types),
	        cmocka_unit_test(test_archive_roundtrip_and_set_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
