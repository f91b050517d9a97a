/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/registries-conf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct fixture {
	char root[64];
	char *etc_file, *etc_dir, *home;
	struct registries_conf_opts opts;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	memcpy(f->root, "/tmp/cpod-regconf-XXXXXX", sizeof("/tmp/cpod-regconf-XXXXXX"));
	if (!mkdtemp(f->root))
		return -1;
	f->etc_file = path_join(f->root, "etc/registries.conf");
	f->etc_dir = path_join(f->root, "etc/registries.conf.d");
	f->home = path_join(f->root, "home");
	mkdir_p(f->etc_dir, 0755);
	mkdir_p(f->home, 0755);
	f->opts.system_file = f->etc_file;
	f->opts.system_dir = f->etc_dir;
	f->opts.home = f->home;
	f->opts.ignore_env = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rm_rf_at(AT_FDCWD, f->root);
	free(f->etc_file);
	free(f->etc_dir);
	free(f->home);
	free(f);
	return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = path_join(dir, name);
	_cleanup_free_ char *d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdir_p(d, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, text, strlen(text), 0644, false), 0);
}

static struct registries_conf *parse_ok(const char *text)
{
	struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = registries_conf_parse("test.conf", text, strlen(text), &c, &err);
	if (r < 0)
		fail_msg("parse failed: %s", err->msg);
	return c;
}

static void parse_fails(const char *text, const char *want)
{
	struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = registries_conf_parse("test.conf", text, strlen(text), &c, &err);
	assert_int_equal(r, -EINVAL);
	assert_null(c);
	if (!strstr(err->msg, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err->msg, want);
}

static const char sample[] = "unqualified-search-registries = [\"example.com\", \"quay.io/\"]\n"
                             "short-name-mode = \"enforcing\"\n"
                             "[[registry]]\n"
                             "prefix = \"example.com/foo\"\n"
                             "location = \"internal.example.com/bar\"\n"
                             "insecure = true\n"
                             "[[registry.mirror]]\n"
                             "location = \"mirror-1.example.com/m\"\n"
                             "[[registry.mirror]]\n"
                             "location = \"mirror-2.example.com:5000\"\n"
                             "insecure = true\n"
                             "pull-from-mirror = \"digest-only\"\n"
                             "[[registry]]\n"
                             "location = \"example.com\"\n"
                             "blocked = true\n"
                             "[[registry]]\n"
                             "prefix = \"*.wild.example.org\"\n"
                             "[[registry]]\n"
                             "prefix = \"digests.example.net\"\n"
                             "mirror-by-digest-only = true\n"
                             "[[registry.mirror]]\n"
                             "location = \"dmirror.example.net\"\n"
                             "[aliases]\n"
                             "\"app\" = \"example.com/foo/app\"\n"
                             "\"ns/tool\" = \"quay.io/ns/tool\"\n";

static void test_registries_conf_parse_fields(void **state)
{
	_cleanup_(registries_conf_freep) struct registries_conf *c = parse_ok(sample);
	char *const *search = registries_conf_search(c);
	size_t n;

	assert_int_equal(strv_length(search), 2);
	assert_string_equal(search[0], "example.com");
	assert_string_equal(search[1], "quay.io");
	assert_int_equal(registries_conf_short_name_mode(c), SHORT_NAME_MODE_ENFORCING);
	const struct registry_entry *e = registries_conf_entries(c, &n);
	assert_int_equal(n, 4);
	/* sorted by prefix */
	assert_string_equal(e[0].prefix, "*.wild.example.org");
	assert_string_equal(e[0].endpoint.location, "");
	assert_string_equal(e[1].prefix, "digests.example.net");
	assert_string_equal(e[2].prefix, "example.com");
	assert_true(e[2].blocked);
	assert_string_equal(e[3].prefix, "example.com/foo");
	assert_string_equal(e[3].endpoint.location, "internal.example.com/bar");
	assert_true(e[3].endpoint.insecure);
	assert_int_equal(e[3].n_mirrors, 2);
	assert_false(e[3].mirrors[0].insecure);
	assert_true(e[3].mirrors[1].insecure);
	assert_int_equal(e[3].mirrors[1].pull_from_mirror, PULL_FROM_MIRROR_DIGEST_ONLY);
	assert_string_equal(registries_conf_alias(c, "app", NULL), "example.com/foo/app");
	assert_string_equal(registries_conf_alias(c, "ns/tool", NULL), "quay.io/ns/tool");
	assert_null(registries_conf_alias(c, "other", NULL));
}

static void test_registries_conf_find_longest_prefix(void **state)
{
	_cleanup_(registries_conf_freep) struct registries_conf *c = parse_ok(sample);
	const struct registry_entry *e;

	e = registries_conf_find(c, "example.com/foo/app:1");
	assert_non_null(e);
	assert_string_equal(e->prefix, "example.com/foo");
	e = registries_conf_find(c, "example.com/foobar/app");
	assert_string_equal(e->prefix, "example.com");
	e = registries_conf_find(c, "example.com");
	assert_string_equal(e->prefix, "example.com");
	assert_true(registries_conf_is_blocked(c, "example.com/x/y"));
	assert_false(registries_conf_is_blocked(c, "example.com/foo/y"));
	assert_null(registries_conf_find(c, "example.community/x"));
	e = registries_conf_find(c, "a.b.wild.example.org/x/y");
	assert_non_null(e);
	assert_string_equal(e->prefix, "*.wild.example.org");
	assert_null(registries_conf_find(c, "wild.example.org/x"));
	assert_null(registries_conf_find(c, "docker.io/library/busybox"));
	assert_true(registries_conf_is_insecure(c, "example.com/foo"));
	assert_false(registries_conf_is_insecure(c, "quay.io"));
}

static void test_registries_ref_matching_prefix(void **state)
{
	assert_int_equal(registries_ref_matching_prefix("example.com/foo", "example.com"), 11);
	assert_int_equal(registries_ref_matching_prefix("example.com:5000/x", "example.com"), 11);
	assert_int_equal(registries_ref_matching_prefix("example.com@sha256:a", "example.com"), 11);
	assert_int_equal(registries_ref_matching_prefix("example.comx/foo", "example.com"), -1);
	assert_int_equal(registries_ref_matching_prefix("example.co", "example.com"), -1);
	assert_int_equal(registries_ref_matching_prefix("x.example.com/a", "*.example.com"), 13);
	assert_int_equal(registries_ref_matching_prefix("x.example.com", "*.example.com"), 13);
	assert_int_equal(registries_ref_matching_prefix("example.com/a", "*.example.com"), -1);
	assert_int_equal(registries_ref_matching_prefix("a/x.example.com", "*.example.com"), -1);
}

static void check_sources(const struct registries_conf *c, const char *ref, const char *const *want)
{
	struct registry_pull_source *s = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;

	assert_int_equal(registries_conf_pull_sources(c, ref, &s, &n, &err), 0);
	size_t i;
	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(s[i].reference, want[i]);
	}
	assert_int_equal(n, i);
	registry_pull_sources_free(s, n);
}

static void test_registries_conf_pull_sources(void **state)
{
	_cleanup_(registries_conf_freep) struct registries_conf *c = parse_ok(sample);
	const char *d = "sha256:0123456789012345678901234567890123456789012345678901234567890123";
	_cleanup_free_ char *dref = xasprintf("example.com/foo/app@%s", d);
	_cleanup_free_ char *dm1 = xasprintf("mirror-1.example.com/m/app@%s", d);
	_cleanup_free_ char *dm2 = xasprintf("mirror-2.example.com:5000/app@%s", d);
	_cleanup_free_ char *dp = xasprintf("internal.example.com/bar/app@%s", d);
	_cleanup_free_ char *nref = xasprintf("digests.example.net/x@%s", d);
	_cleanup_free_ char *nm = xasprintf("dmirror.example.net/x@%s", d);

	/* tag: mirror 2 is digest-only */
	check_sources(c, "example.com/foo/app:1",
	              (const char *const[]){"mirror-1.example.com/m/app:1",
	                                    "internal.example.com/bar/app:1", NULL});
	check_sources(c, dref, (const char *const[]){dm1, dm2, dp, NULL});
	/* mirror-by-digest-only on the registry */
	check_sources(c, "digests.example.net/x:latest",
	              (const char *const[]){"digests.example.net/x:latest", NULL});
	check_sources(c, nref, (const char *const[]){nm, nref, NULL});
	/* wildcard: the reference as it is */
	check_sources(c, "a.wild.example.org/x:1",
	              (const char *const[]){"a.wild.example.org/x:1", NULL});
	/* no entry */
	check_sources(c, "docker.io/library/busybox:latest",
	              (const char *const[]){"docker.io/library/busybox:latest", NULL});
}

static void test_registries_conf_errors(void **state)
{
	parse_fails("[[registry]]\nlocation = \"https://example.com\"\n",
	            "invalid location 'https://example.com': URI schemes are not supported");
	parse_fails("[[registry]]\ninsecure = true\n",
	            "invalid condition: both location and prefix are unset");
	parse_fails(
	        "[[registry]]\nlocation = \"a.com\"\ninsecure = true\n"
	        "[[registry]]\nprefix = \"a.com/x\"\nlocation = \"a.com\"\n",
	        "registry 'a.com' is defined multiple times with conflicting 'insecure' setting");
	parse_fails("short-name-mode = \"strict\"\n", "invalid short-name mode: \"strict\"");
	parse_fails("[[registry]]\nlocation = \"a.com\"\n[[registry.mirror]]\ninsecure = true\n",
	            "invalid condition: mirror location is unset");
	parse_fails("[[registry]]\nprefix = \"*.a.com/x\"\n", "Wildcarded prefix should be");
	parse_fails("[aliases]\n\"x\" = \"busybox\"\n",
	            "invalid alias \"busybox\": must contain registry and repository");
	parse_fails("[aliases]\n\"x:1\" = \"a.com/x\"\n", "must not contain tag");
	parse_fails("[aliases]\n\"a.com/x\" = \"a.com/x\"\n", "must not contain registry");
	parse_fails("[aliases]\n\"x\" = \"a.com/x:1\"\n", "must not contain tag");
	parse_fails("unqualified-search-registries = [\"a.com\"]\n[registries.search]\n"
	            "registries = [\"b.com\"]\n",
	            "mixing sysregistry v1/v2 is not supported");
	parse_fails("unqualified-search-registries = \"a.com\"\n", "expected array");
	parse_fails("[[registry]]\nlocation = 1\n", "expected string");
	parse_fails("x = \n", "line 1");
}

static void test_registries_conf_v1(void **state)
{
	_cleanup_(registries_conf_freep) struct registries_conf *c =
	        parse_ok("[registries.search]\nregistries = [\"a.com\", \"b.com\"]\n"
	                 "[registries.insecure]\nregistries = [\"c.com:5000\"]\n"
	                 "[registries.block]\nregistries = [\"d.com\"]\n");
	assert_int_equal(strv_length(registries_conf_search(c)), 2);
	assert_true(registries_conf_is_insecure(c, "c.com:5000"));
	assert_true(registries_conf_is_blocked(c, "d.com/x"));
}

static void test_registries_conf_load_dropins(void **state)
{
	struct fixture *f = *state;
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *user_dir = path_join(f->home, ".config/containers/registries.conf.d");
	size_t n;

	put(f->root, "etc/registries.conf",
	    "unqualified-search-registries = [\"a.com\"]\n"
	    "[[registry]]\nlocation = \"x.com\"\ninsecure = true\n"
	    "[aliases]\n\"one\" = \"a.com/one\"\n\"two\" = \"a.com/two\"\n");
	put(f->etc_dir, "10-b.conf",
	    "[[registry]]\nlocation = \"x.com\"\nblocked = true\n"
	    "[aliases]\n\"two\" = \"b.com/two\"\n");
	put(f->etc_dir, "20-c.conf", "short-name-mode = \"disabled\"\n[aliases]\n\"one\" = \"\"\n");
	put(f->etc_dir, "ignored.txt", "this is not toml");
	put(user_dir, "30-user.conf", "unqualified-search-registries = []\n");

	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	assert_int_equal(strv_length(registries_conf_files(c)), 4);
	/* a user drop-in with an empty list empties the search list */
	assert_int_equal(strv_length(registries_conf_search(c)), 0);
	assert_int_equal(registries_conf_short_name_mode(c), SHORT_NAME_MODE_DISABLED);
	/* [[registry]] with the same prefix: replaced whole (insecure gone) */
	const struct registry_entry *e = registries_conf_entries(c, &n);
	assert_int_equal(n, 1);
	assert_true(e[0].blocked);
	assert_false(e[0].endpoint.insecure);
	assert_null(registries_conf_alias(c, "one", NULL));
	const char *origin = NULL;
	assert_string_equal(registries_conf_alias(c, "two", &origin), "b.com/two");
	assert_non_null(strstr(origin, "10-b.conf"));
}

static void test_registries_conf_load_user_file(void **state)
{
	struct fixture *f = *state;
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *cfg = path_join(f->home, ".config/containers");

	put(f->root, "etc/registries.conf", "unqualified-search-registries = [\"sys.com\"]\n");
	put(f->etc_dir, "50.conf", "short-name-mode = \"disabled\"\n");
	put(cfg, "registries.conf", "unqualified-search-registries = [\"user.com\"]\n");
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	/* the user file replaces the system file, and the system drop-ins are not read */
	assert_string_equal(registries_conf_search(c)[0], "user.com");
	assert_int_equal(registries_conf_short_name_mode(c), SHORT_NAME_MODE_PERMISSIVE);
	assert_int_equal(strv_length(registries_conf_files(c)), 1);
}

static void test_registries_conf_load_explicit_path(void **state)
{
	struct fixture *f = *state;
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *p = path_join(f->root, "explicit.conf");
	_cleanup_free_ char *missing = path_join(f->root, "missing.conf");

	put(f->root, "explicit.conf", "unqualified-search-registries = [\"env.com\"]\n");
	put(f->root, "etc/registries.conf", "unqualified-search-registries = [\"sys.com\"]\n");
	f->opts.path = p;
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	assert_string_equal(registries_conf_search(c)[0], "env.com");
	c = registries_conf_free(c);

	/* an explicit file must exist */
	f->opts.path = missing;
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "loading registries configuration \""));
	err = cpod_error_free(err);

	/* no file at all: empty configuration */
	f->opts.path = NULL;
	unlink(f->etc_file);
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	assert_int_equal(strv_length(registries_conf_search(c)), 0);
	assert_int_equal(registries_conf_short_name_mode(c), SHORT_NAME_MODE_PERMISSIVE);
	c = registries_conf_free(c);

	/* a broken drop-in names its file */
	put(f->etc_dir, "bad.conf", "[[registry]\n");
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "loading drop-in registries configuration"));
	assert_non_null(strstr(err->msg, "bad.conf"));
}

static void test_registries_conf_env(void **state)
{
	struct fixture *f = *state;
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *p = path_join(f->root, "env.conf");

	put(f->root, "env.conf", "short-name-mode = \"enforcing\"\n");
	setenv("CONTAINERS_REGISTRIES_CONF", p, 1);
	f->opts.ignore_env = false;
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	assert_int_equal(registries_conf_short_name_mode(c), SHORT_NAME_MODE_ENFORCING);
}

static void test_registries_conf_real_shortnames(void **state)
{
	struct fixture *f = *state;
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (!path_exists("/etc/containers/registries.conf.d/shortnames.conf"))
		skip();
	f->opts.system_dir = "/etc/containers/registries.conf.d";
	assert_int_equal(registries_conf_load(&f->opts, &c, &err), 0);
	assert_string_equal(registries_conf_alias(c, "fedora", NULL),
	                    "registry.fedoraproject.org/fedora");
	assert_string_equal(registries_conf_alias(c, "alpine", NULL), "docker.io/library/alpine");
}

static void test_short_name_mode_strings(void **state)
{
	assert_int_equal(short_name_mode_from_string("enforcing"), SHORT_NAME_MODE_ENFORCING);
	assert_int_equal(short_name_mode_from_string("nope"), _SHORT_NAME_MODE_INVALID);
	assert_string_equal(short_name_mode_to_string(SHORT_NAME_MODE_DISABLED), "disabled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_registries_conf_parse_fields),
	        cmocka_unit_test(test_registries_conf_find_longest_prefix),
	        cmocka_unit_test(test_registries_ref_matching_prefix),
	        cmocka_unit_test(test_registries_conf_pull_sources),
	        cmocka_unit_test(test_registries_conf_errors),
	        cmocka_unit_test(test_registries_conf_v1),
	        cmocka_unit_test_setup_teardown(test_registries_conf_load_dropins, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_registries_conf_load_user_file, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_registries_conf_load_explicit_path, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_registries_conf_env, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_registries_conf_real_shortnames, setup,
	                                        teardown),
	        cmocka_unit_test(test_short_name_mode_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
