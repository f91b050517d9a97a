/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health check configuration: the --health-* flags against what Podman 4.3.1 stores and
 * prints (checked by hand with `podman create ... && podman inspect --format
 * '{{json .Config.Healthcheck}}'`), Go's duration syntax and Duration.String(), the JSON of
 * the check (inspect, records, image configs) and the command a check runs. Running checks
 * needs conmon and a runtime: tests/system/039-healthcheck.bats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/healthcheck-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Test as JSON, e.g. ["CMD-SHELL","true"], from --health-cmd cmd with the other flags unset. */
static char *test_of(const char *cmd)
{
	struct healthcheck_cli o = {.cmd = cmd};
	struct healthcheck_config *hc = NULL;
	char *action = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(healthcheck_from_cli(&o, &hc, &action, &err), 0);
	assert_null(err);
	assert_string_equal(action, "none");
	free(action);
	assert_non_null(hc);
	json_t *j = healthcheck_config_to_json(hc);
	char *s = json_dumps(json_object_get(j, "Test"), JSON_COMPACT);
	json_decref(j);
	healthcheck_config_free(hc);
	return s;
}

static void test_health_cmd_forms(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	        {"true", "[\"CMD-SHELL\",\"true\"]"},
	        {"echo hi; false", "[\"CMD-SHELL\",\"echo hi; false\"]"},
	        {"none", "[\"NONE\"]"},
	        {"None", "[\"NONE\"]"},
	        {"NONE x", "[\"NONE\"]"},
	        {"CMD", "[\"CMD\"]"},
	        {"CMD  a  b", "[\"CMD\",\"a\",\"b\"]"},
	        {"cmd a", "[\"cmd\",\"a\"]"},
	        {"CMD-SHELL", "[\"CMD-SHELL\"]"},
	        {"CMD-SHELL a  b", "[\"CMD-SHELL\",\"a  b\"]"},
	        {"cmd-shell a", "[\"cmd-shell\",\"a\"]"},
	        {" a  b ", "[\"CMD-SHELL\",\" a  b \"]"},
	        {"[\"/bin/a\",\"b\"]", "[\"CMD\",\"/bin/a\",\"b\"]"},
	        {"[\"/bin/a\"]", "[\"CMD-SHELL\",\"/bin/a\"]"},
	        {"[\"\"]", "[\"CMD-SHELL\",\"\"]"},
	        {"[1]", "[\"CMD-SHELL\",\"[1]\"]"},
	        {"[\"CMD-SHELL\",\"x\",\"y\"]", "[\"CMD-SHELL\",\"x\",\"y\"]"},
	        /* Podman re-splits the raw text at white space after a CMD/NONE element */
	        {"[\"CMD\",\"a\",\"b\"]", "[\"[\\\"CMD\\\",\\\"a\\\",\\\"b\\\"]\"]"},
	        {"[\"NONE\"]", "[\"[\\\"NONE\\\"]\"]"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = test_of(cases[i][0]);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("%s: got %s, want %s", cases[i][0], got, cases[i][1]);
		free(got);
	}
}

static void test_health_defaults_and_json(void **state)
{
	(void)state;
	struct healthcheck_cli o = {.cmd = "true"};
	struct healthcheck_config *hc = NULL;
	char *action = NULL;
	assert_int_equal(healthcheck_from_cli(&o, &hc, &action, NULL), 0);
	json_t *j = healthcheck_config_to_json(hc);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
	                       "\"Timeout\":30000000000,\"Retries\":3}");
	free(s);
	/* the record round trip */
	struct healthcheck_config *back = healthcheck_config_from_json(j);
	assert_non_null(back);
	assert_int_equal(back->interval_ns, 30000000000LL);
	assert_int_equal(back->retries, 3);
	assert_string_equal(back->test[1], "true");
	healthcheck_config_free(back);
	json_decref(j);
	healthcheck_config_free(hc);
	free(action);

	struct healthcheck_cli o2 = {.cmd = "true",
	                             .interval = "disable",
	                             .retries = "7",
	                             .timeout = "1ms",
	                             .start_period = "2s",
	                             .on_failure = "kill"};
	assert_int_equal(healthcheck_from_cli(&o2, &hc, &action, NULL), 0);
	assert_int_equal(hc->interval_ns, 0);
	assert_int_equal(hc->timeout_ns, 1000000);
	assert_int_equal(hc->start_period_ns, 2000000000LL);
	assert_int_equal(hc->retries, 7);
	assert_string_equal(action, "kill");
	j = healthcheck_config_to_json(hc);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"Test\":[\"CMD-SHELL\",\"true\"],\"StartPeriod\":2000000000,"
	                       "\"Timeout\":1000000,\"Retries\":7}");
	free(s);
	json_decref(j);
	healthcheck_config_free(hc);
	free(action);

	/* nothing asked: no check, so the image's applies; --no-healthcheck: NONE */
	struct healthcheck_cli none = {0};
	hc = (struct healthcheck_config *)1;
	assert_int_equal(healthcheck_from_cli(&none, &hc, &action, NULL), 0);
	assert_null(hc);
	free(action);
	struct healthcheck_cli empty = {.cmd = ""};
	assert_int_equal(healthcheck_from_cli(&empty, &hc, &action, NULL), 0);
	assert_null(hc);
	free(action);
	struct healthcheck_cli off = {.no_healthcheck = true};
	assert_int_equal(healthcheck_from_cli(&off, &hc, &action, NULL), 0);
	assert_non_null(hc);
	assert_false(healthcheck_enabled(hc));
	assert_null(healthcheck_command(hc));
	j = healthcheck_config_to_json(hc);
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"Test\":[\"NONE\"]}");
	free(s);
	json_decref(j);
	healthcheck_config_free(hc);
	free(action);
}

static void expect_error(const struct healthcheck_cli *o, const char *msg)
{
	struct healthcheck_config *hc = NULL;
	char *action = NULL;
	struct cpod_error *err = NULL;
	assert_true(healthcheck_from_cli(o, &hc, &action, &err) < 0);
	assert_null(hc);
	assert_null(action);
	assert_non_null(err);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("got \"%s\", want \"%s\"", err->msg, msg);
	cpod_error_free(err);
}

static void test_health_errors(void **state)
{
	(void)state;
	expect_error(&(struct healthcheck_cli){.cmd = "true", .on_failure = "bogus"},
	             "invalid on-failure action \"bogus\" for health check: supported actions are "
	             "none,kill,restart,stop");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .retries = "0"},
	             "healthcheck-retries must be greater than 0");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .retries = "-1"},
	             "invalid argument \"-1\" for \"--health-retries\" flag: strconv.ParseUint: "
	             "parsing \"-1\": invalid syntax");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .interval = "5"},
	             "invalid healthcheck-interval: time: missing unit in duration \"5\"");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .timeout = "0s"},
	             "healthcheck-timeout must be at least 1 second");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .timeout = "-1s"},
	             "healthcheck-timeout must be at least 1 second");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .start_period = "-1s"},
	             "healthcheck-start-period must be 0 seconds or greater");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .start_period = "x"},
	             "invalid healthcheck-start-period: time: invalid duration \"x\"");
	expect_error(&(struct healthcheck_cli){.cmd = "true", .no_healthcheck = true},
	             "cannot specify both --no-healthcheck and --health-cmd");
	expect_error(&(struct healthcheck_cli){.cmd = "[]"},
	             "must define a healthcheck command for all healthchecks");
	expect_error(&(struct healthcheck_cli){.cmd = "null"},
	             "must define a healthcheck command for all healthchecks");
	/* the action is checked without a check too, as Podman does */
	expect_error(&(struct healthcheck_cli){.on_failure = "Kill"},
	             "invalid on-failure action \"Kill\" for health check: supported actions are "
	             "none,kill,restart,stop");
}

static void test_go_duration_parse(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t ns;
	} good[] = {
	        {"0", 0},
	        {"-0", 0},
	        {"30s", 30000000000LL},
	        {"1h2m3.5s", 3723500000000LL},
	        {"0.5s", 500000000},
	        {".5s", 500000000},
	        {"5.s", 5000000000LL},
	        {"-1s", -1000000000LL},
	        {"+2ms", 2000000},
	        {"3us", 3000},
	        {"3\xc2\xb5s", 3000},
	        {"3\xce\xbcs", 3000},
	        {"7ns", 7},
	        {"1m1m", 120000000000LL},
	        {"2562047h47m16.854775807s", INT64_MAX},
	        {"-2562047h47m16.854775808s", INT64_MIN},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t v = -12345;
		struct cpod_error *err = NULL;
		if (go_duration_parse(good[i].in, &v, &err) < 0)
			fail_msg("%s: %s", good[i].in, err->msg);
		if (v != good[i].ns)
			fail_msg("%s: got %lld", good[i].in, (long long)v);
	}
	static const char *const bad[][2] = {
	        {"", "time: invalid duration \"\""},
	        {"5", "time: missing unit in duration \"5\""},
	        {"x", "time: invalid duration \"x\""},
	        {"-", "time: invalid duration \"-\""},
	        {".s", "time: invalid duration \".s\""},
	        {"5x", "time: unknown unit \"x\" in duration \"5x\""},
	        {"1s5", "time: missing unit in duration \"1s5\""},
	        {"2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\""},
	        {"99999999999999999999s", "time: invalid duration \"99999999999999999999s\""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 0;
		struct cpod_error *err = NULL;
		assert_true(go_duration_parse(bad[i][0], &v, &err) < 0);
		if (strcmp(err->msg, bad[i][1]) != 0)
			fail_msg("%s: got \"%s\"", bad[i][0], err->msg);
		cpod_error_free(err);
	}
}

static void test_go_duration_string(void **state)
{
	(void)state;
	static const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
	        {0, "0s"},
	        {1, "1ns"},
	        {1500, "1.5\xc2\xb5s"},
	        {500000000, "500ms"},
	        {1000000, "1ms"},
	        {1000000000, "1s"},
	        {30000000000LL, "30s"},
	        {90000000000LL, "1m30s"},
	        {3600000000000LL, "1h0m0s"},
	        {3723500000000LL, "1h2m3.5s"},
	        {-2000000000LL, "-2s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = go_duration_string(cases[i].ns);
		if (strcmp(s, cases[i].want) != 0)
			fail_msg("%lld: got %s", (long long)cases[i].ns, s);
		free(s);
	}
}

static void test_image_healthcheck(void **state)
{
	(void)state;
	json_t *img = json_loads("{\"Healthcheck\":{\"Test\":[\"CMD\",\"/bin/check\",\"-q\"],"
	                         "\"Retries\":2,\"StartPeriod\":5}}",
	                         0, NULL);
	struct healthcheck_config *hc = healthcheck_from_image(img);
	assert_non_null(hc);
	assert_int_equal(hc->interval_ns, HEALTHCHECK_DEFAULT_INTERVAL_NS);
	assert_int_equal(hc->timeout_ns, HEALTHCHECK_DEFAULT_TIMEOUT_NS);
	assert_int_equal(hc->retries, 2);
	assert_int_equal(hc->start_period_ns, 5);
	char **cmd = healthcheck_command(hc);
	assert_int_equal(strv_length(cmd), 2);
	assert_string_equal(cmd[0], "/bin/check");
	assert_string_equal(cmd[1], "-q");
	strv_free(cmd);
	healthcheck_config_free(hc);
	json_decref(img);
	/* malformed: no check at all */
	static const char *const bad[] = {
	        "{}", "{\"Healthcheck\":null}", "{\"Healthcheck\":{\"Test\":[]}}",
	        "{\"Healthcheck\":{\"Test\":[1]}}", "{\"Healthcheck\":{\"Test\":\"CMD\"}}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img = json_loads(bad[i], 0, NULL);
		assert_null(healthcheck_from_image(img));
		json_decref(img);
	}
	assert_null(healthcheck_from_image(NULL));
}

static void test_healthcheck_command(void **state)
{
	(void)state;
	struct healthcheck_config hc = {0};
	char *shell[] = {"CMD-SHELL", "a", "b", NULL};
	hc.test = shell;
	char **cmd = healthcheck_command(&hc);
	assert_int_equal(strv_length(cmd), 3);
	assert_string_equal(cmd[0], "/bin/sh");
	assert_string_equal(cmd[1], "-c");
	assert_string_equal(cmd[2], "a b");
	strv_free(cmd);
	char *plain[] = {"/bin/true", "x", NULL};
	hc.test = plain;
	cmd = healthcheck_command(&hc);
	assert_int_equal(strv_length(cmd), 2);
	assert_string_equal(cmd[0], "/bin/true");
	strv_free(cmd);
	char *bare_cmd[] = {"CMD", NULL};
	hc.test = bare_cmd;
	assert_null(healthcheck_command(&hc));
	char *empty_cmd[] = {"CMD", "", NULL};
	hc.test = empty_cmd;
	assert_null(healthcheck_command(&hc));
	char *none[] = {"NONE", NULL};
	hc.test = none;
	assert_false(healthcheck_enabled(&hc));
	assert_null(healthcheck_command(&hc));
	assert_false(healthcheck_enabled(NULL));
}

static void test_utf8_sanitize(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
	        {"plain", 5, "plain"},
	        {"caf\xc3\xa9", 5, "caf\xc3\xa9"},
	        {"a\xff-", 3, "a\xef\xbf\xbd-"},
	        /* a sequence cut at the 500-byte limit */
	        {"x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd"},
	        /* overlong and surrogate forms */
	        {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
	        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 0;
		char *s = utf8_sanitize(cases[i].in, cases[i].len, &len);
		assert_int_equal(len, strlen(cases[i].want));
		assert_string_equal(s, cases[i].want);
		json_t *j = json_stringn(s, len);
		assert_non_null(j);
		json_decref(j);
		free(s);
	}
	/* NUL bytes stay (JSON escapes them) */
	size_t len = 0;
	char *s = utf8_sanitize("a\0b", 3, &len);
	assert_int_equal(len, 3);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_health_cmd_forms),
	        cmocka_unit_test(test_health_defaults_and_json),
	        cmocka_unit_test(test_health_errors),
	        cmocka_unit_test(test_go_duration_parse),
	        cmocka_unit_test(test_go_duration_string),
	        cmocka_unit_test(test_image_healthcheck),
	        cmocka_unit_test(test_healthcheck_command),
	        cmocka_unit_test(test_utf8_sanitize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
