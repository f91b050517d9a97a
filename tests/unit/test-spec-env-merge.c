/* SPDX-License-Identifier: Apache-2.0 */
/* --env-merge word expansion and merge, and the proxy variables (runtime/spec-env*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/spec.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static char *const env[] = {"PATH=/usr/bin:/bin", "container=podman", "EMPTY=", "A1=one", NULL};

static void expect_word(const char *word, const char *want)
{
	struct cpod_error *err = NULL;
	char *got = NULL;
	int r = spec_env_process_word(word, env, &got, &err);
	if (r < 0)
		fail_msg("%s: %s", word, err->msg);
	assert_string_equal(got, want);
	free(got);
}

static void expect_error(const char *word, const char *msg)
{
	struct cpod_error *err = NULL;
	char *got = NULL;
	assert_true(spec_env_process_word(word, env, &got, &err) < 0);
	assert_null(got);
	assert_string_equal(err->msg, msg);
	cpod_error_free(err);
}

static void test_word_expansion(void **state)
{
	(void)state;
	expect_word("", "");
	expect_word("plain", "plain");
	expect_word("PATH=/x:${PATH}", "PATH=/x:/usr/bin:/bin");
	expect_word("$PATH:$container", "/usr/bin:/bin:podman");
	expect_word("${UNDEF}|$UNDEF|x", "||x");
	expect_word("${UNDEF:-d}|${PATH:-d}|${EMPTY:-e}", "d|/usr/bin:/bin|e");
	expect_word("${UNDEF:+y}|${A1:+y}|${EMPTY:+y}", "|y|");
	expect_word("$A1x|${A1}x|$1x", "|onex|x");
	expect_word("a$", "a$");
	expect_word("$-x", "$-x");
	expect_word("\\$X|\\\\|end\\", "$X|\\|end");
	expect_word("'$A1 \\n'", "$A1 \\n");
	expect_word("\"$A1 \\\" \\$ \\n\"", "one \" $ \\n");
	expect_word("${UNDEF:-${A1}}", "one");
	expect_word("${:-x}", "x");
}

static void test_word_errors(void **state)
{
	(void)state;
	expect_error("PATH=${", "Missing ':' in substitution: PATH=${");
	expect_error("${A1", "Missing ':' in substitution: ${A1");
	expect_error("${A1?x}", "Missing ':' in substitution: ${A1?x}");
	expect_error("${A1:?x}", "Unsupported modifier (?) in substitution: ${A1:?x}");
	expect_error("${A1:", "unexpected end of statement while looking for matching }");
	expect_error("${A1:-x", "unexpected end of statement while looking for matching }");
	expect_error("/b:${A1:-$PATH", "unexpected end of statement while looking for matching }");
	expect_error("'open",
	             "unexpected end of statement while looking for matching single-quote");
	expect_error("\"open $A1", "unexpected end of statement while looking for matching "
	                           "double-quote");
	expect_error("${A1:-x}\"a\\", "unexpected end of statement while looking for matching "
	                              "double-quote");
}

static void test_merge(void **state)
{
	(void)state;
	struct cpod_error *err = NULL;
	char **e = strv_copy(env);
	assert_int_equal(spec_env_merge(&e, "PATH=/x:$PATH", &err), 0);
	assert_string_equal(e[0], "PATH=/x:/usr/bin:/bin");
	/* a name the environment lacks is ignored, with or without "=" */
	assert_int_equal(spec_env_merge(&e, "NEW=$A1", &err), 0);
	assert_int_equal(spec_env_merge(&e, "NOEQ", &err), 0);
	assert_int_equal(strv_length(e), 4);
	/* the value ends at a second "=" */
	assert_int_equal(spec_env_merge(&e, "A1=x=y", &err), 0);
	assert_string_equal(e[3], "A1=x");
	/* an existing name without "=": an error where Podman 4.3 crashes */
	assert_true(spec_env_merge(&e, "A1", &err) < 0);
	assert_string_equal(err->msg, "missing `=` for --env-merge substitution A1");
	cpod_error_free(err);
	err = NULL;
	assert_true(spec_env_merge(&e, "A1=${", &err) < 0);
	assert_string_equal(err->msg, "unable to process variables for --env-merge A1=${: "
	                              "Missing ':' in substitution: A1=${");
	cpod_error_free(err);
	strv_free(e);
}

static void test_word_bounded(void **state)
{
	(void)state;
	/* each ${PATH} doubles nothing, but a long word of references stays bounded */
	size_t n = 100000;
	char *w = xmalloc(n * 5 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(w + i * 5, "$PATH", 5);
	w[n * 5] = '\0';
	struct cpod_error *err = NULL;
	char *got = NULL;
	assert_true(spec_env_process_word(w, env, &got, &err) < 0);
	assert_int_equal(err->code, E2BIG);
	cpod_error_free(err);
	free(w);
	/* nesting is bounded too */
	char deep[64 * 8 + 1] = "";
	size_t len = 0;
	for (int i = 0; i < 64; i++)
		len += (size_t)snprintf(deep + len, sizeof(deep) - len, "${X:-");
	err = NULL;
	assert_true(spec_env_process_word(deep, env, &got, &err) < 0);
	cpod_error_free(err);
}

static void test_proxy_env(void **state)
{
	(void)state;
	static const char *const names[] = {
	        "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ftp_proxy",
	        "FTP_PROXY",  "no_proxy",   "NO_PROXY",    "all_proxy",   NULL};
	for (size_t i = 0; names[i]; i++)
		unsetenv(names[i]);
	char **p = spec_proxy_env();
	assert_int_equal(strv_length(p), 0);
	strv_free(p);
	setenv("https_proxy", "http://p:1", 1);
	setenv("NO_PROXY", "", 1);
	setenv("all_proxy", "x", 1);
	p = spec_proxy_env();
	assert_int_equal(strv_length(p), 2);
	assert_string_equal(p[0], "https_proxy=http://p:1");
	assert_string_equal(p[1], "NO_PROXY=");
	strv_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_word_expansion), cmocka_unit_test(test_word_errors),
	        cmocka_unit_test(test_merge),          cmocka_unit_test(test_word_bounded),
	        cmocka_unit_test(test_proxy_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
