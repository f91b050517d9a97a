/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/auth-json.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

struct fixture {
	char root[64];
	char *home, *runtime;
	struct auth_json_opts opts;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	memcpy(f->root, "/tmp/cpod-auth-XXXXXX", sizeof("/tmp/cpod-auth-XXXXXX"));
	if (!mkdtemp(f->root))
		return -1;
	f->home = path_join(f->root, "home");
	f->runtime = path_join(f->root, "run");
	mkdir_p(f->home, 0700);
	mkdir_p(f->runtime, 0700);
	f->opts.home = f->home;
	f->opts.xdg_runtime_dir = f->runtime;
	f->opts.ignore_env = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rm_rf_at(AT_FDCWD, f->root);
	free(f->home);
	free(f->runtime);
	free(f);
	return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = path_join(dir, name);
	_cleanup_free_ char *d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdir_p(d, 0700), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, text, strlen(text), 0600, false), 0);
}

static void expect_creds(const struct auth_json_opts *o, const char *key, const char *user,
                         const char *pass)
{
	struct auth_creds c = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = auth_json_get(o, key, &c, &err);
	if (!user) {
		assert_int_equal(r, 0);
		return;
	}
	if (r != 1)
		fail_msg("no credentials for %s (%d: %s)", key, r, err ? err->msg : "");
	assert_string_equal(c.username, user);
	assert_string_equal(c.password, pass);
	auth_creds_release(&c);
}

static void test_auth_base64(void **state)
{
	static const char *const cases[][2] = {
	        {"", ""},
	        {"f", "Zg=="},
	        {"fo", "Zm8="},
	        {"foo", "Zm9v"},
	        {"user:pa:ss", "dXNlcjpwYTpzcw=="},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *e = auth_base64_encode(cases[i][0], strlen(cases[i][0]));
		assert_string_equal(e, cases[i][1]);
		_cleanup_free_ char *d = NULL;
		size_t len = 0;
		assert_int_equal(auth_base64_decode(cases[i][1], &d, &len), 0);
		assert_int_equal(len, strlen(cases[i][0]));
		assert_memory_equal(d, cases[i][0], len);
	}
	char *d = NULL;
	assert_int_equal(auth_base64_decode("Zm9", &d, NULL), -EINVAL);
	assert_int_equal(auth_base64_decode("Zm9$", &d, NULL), -EINVAL);
	assert_int_equal(auth_base64_decode("Z===", &d, NULL), -EINVAL);
	assert_int_equal(auth_base64_decode("Zg==Zg==", &d, NULL), -EINVAL);
}

static void test_auth_json_path(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *p = NULL, *want = path_join(f->runtime, "containers/auth.json");
	_cleanup_error_ struct cpod_error *err = NULL;

	assert_int_equal(auth_json_path(&f->opts, &p, &err), 0);
	assert_string_equal(p, want);
	free(p);
	struct auth_json_opts o = {.ignore_env = true, .set_uid = true, .uid = 0};
	assert_int_equal(auth_json_path(&o, &p, &err), 0);
	assert_string_equal(p, "/run/containers/0/auth.json");
	free(p);
	o.authfile = "/x/auth.json";
	assert_int_equal(auth_json_path(&o, &p, &err), 0);
	assert_string_equal(p, "/x/auth.json");
	free(p);
	p = NULL;
	o.authfile = NULL;
	o.xdg_runtime_dir = "/nonexistent-cpod-dir";
	assert_int_equal(auth_json_path(&o, &p, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "directory set by $XDG_RUNTIME_DIR does not exist"));
}

static void test_auth_json_set_get_remove(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *path = path_join(f->runtime, "containers/auth.json");
	_cleanup_free_ char *data = NULL;
	struct stat st;

	assert_int_equal(auth_json_set(&f->opts, "127.0.0.1:5000", "u", "p:w", &err), 0);
	assert_int_equal(auth_json_set(&f->opts, "quay.io/ns", "nsuser", "nspw", &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(read_file_at(AT_FDCWD, path, 0, &data, NULL), 0);
	/* Go's json.MarshalIndent(..., "", "\t") */
	assert_string_equal(data,
	                    "{\n\t\"auths\": {\n"
	                    "\t\t\"127.0.0.1:5000\": {\n\t\t\t\"auth\": \"dTpwOnc=\"\n\t\t},\n"
	                    "\t\t\"quay.io/ns\": {\n\t\t\t\"auth\": \"bnN1c2VyOm5zcHc=\"\n\t\t}\n"
	                    "\t}\n}");

	expect_creds(&f->opts, "127.0.0.1:5000", "u", "p:w");
	expect_creds(&f->opts, "127.0.0.1:5000/some/repo", "u", "p:w");
	expect_creds(&f->opts, "quay.io/ns/repo", "nsuser", "nspw");
	expect_creds(&f->opts, "quay.io/other", NULL, NULL);
	expect_creds(&f->opts, "127.0.0.1:5001", NULL, NULL);

	assert_int_equal(auth_json_remove(&f->opts, "quay.io/ns", &err), 0);
	expect_creds(&f->opts, "quay.io/ns/repo", NULL, NULL);
	assert_int_equal(auth_json_remove(&f->opts, "quay.io/ns", &err), -ENOENT);
	assert_string_equal(err->msg, "not logged in");
	err = cpod_error_free(err);
	assert_int_equal(auth_json_remove_all(&f->opts, &err), 0);
	expect_creds(&f->opts, "127.0.0.1:5000", NULL, NULL);

	assert_int_equal(auth_json_set(&f->opts, "https://a.com", "u", "p", &err), -EINVAL);
	err = cpod_error_free(err);
	assert_int_equal(auth_json_set(&f->opts, "a.com/x:tag", "u", "p", &err), -EINVAL);
	err = cpod_error_free(err);
	assert_int_equal(auth_json_set(&f->opts, "a.com/x@sha256:1", "u", "p", &err), -EINVAL);
}

static void test_auth_json_keeps_other_keys(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *dir = path_join(f->runtime, "containers");
	_cleanup_free_ char *path = path_join(dir, "auth.json");
	_cleanup_free_ char *data = NULL;

	put(dir, "auth.json", "{\"credHelpers\": {\"x.io\": \"pass\"}, \"auths\": {}}");
	assert_int_equal(auth_json_set(&f->opts, "a.com", "u", "p", &err), 0);
	assert_int_equal(read_file_at(AT_FDCWD, path, 0, &data, NULL), 0);
	assert_non_null(strstr(data, "\"credHelpers\""));
	assert_non_null(strstr(data, "\"a.com\""));
}

static void test_auth_json_fallback_files(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *xdg = path_join(f->home, ".config/containers");
	_cleanup_free_ char *docker = path_join(f->home, ".docker");

	/* ~/.docker/config.json with a URL key and docker.io's special host name */
	put(docker, "config.json",
	    "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1YnB3\"},"
	    " \"http://old.example.com/v1/\": {\"auth\": \"b2xkOm9sZHB3\"},"
	    " \"helper.example.com\": {}}}");
	expect_creds(&f->opts, "docker.io/library/busybox", "hub", "hubpw");
	expect_creds(&f->opts, "old.example.com", "old", "oldpw");
	expect_creds(&f->opts, "helper.example.com", NULL, NULL);
	/* ~/.config/containers/auth.json comes before ~/.docker/config.json */
	put(xdg, "auth.json", "{\"auths\": {\"docker.io\": {\"auth\": \"eGRnOnhkZ3B3\"}}}");
	expect_creds(&f->opts, "docker.io/library/busybox", "xdg", "xdgpw");
	/* legacy ~/.dockercfg */
	put(f->home, ".dockercfg", "{\"legacy.example.com\": {\"auth\": \"bGVnOmxlZ3B3\"}}");
	expect_creds(&f->opts, "legacy.example.com/a/b", "leg", "legpw");
	/* a broken file is an error naming it */
	put(xdg, "auth.json", "{\"auths\": ");
	struct auth_creds c = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(auth_json_get(&f->opts, "docker.io", &c, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "unmarshaling JSON at"));
}

static void test_auth_json_normalize_key(void **state)
{
	static const char *const cases[][2] = {
	        {"https://index.docker.io/v1/", "docker.io"},
	        {"registry-1.docker.io", "docker.io"},
	        {"http://a.com:5000/v2/", "a.com:5000"},
	        {"quay.io/ns/repo", "quay.io/ns/repo"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *k = auth_json_normalize_key(cases[i][0]);
		assert_string_equal(k, cases[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_auth_base64),
	        cmocka_unit_test_setup_teardown(test_auth_json_path, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_auth_json_set_get_remove, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_auth_json_keeps_other_keys, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_auth_json_fallback_files, setup, teardown),
	        cmocka_unit_test(test_auth_json_normalize_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
