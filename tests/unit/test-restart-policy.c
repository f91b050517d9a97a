/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart policies: the --restart parser against the messages Podman 4.3.1 prints (checked
 * by hand with podman create), the record round trip of the policy, and the cases where the
 * policy must not restart a container (which return before the engine is used). The restarts
 * themselves need conmon and a runtime: tests/system/038-restart-policy.bats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/container-internal.h"
#include "util/xalloc.h"

struct good_case {
	const char *spec;
	bool rm;
	const char *policy;
	uint64_t retries;
};

static void test_parse_good(void **state)
{
	(void)state;
	static const struct good_case cases[] = {
	        {"", false, "", 0},
	        {"no", false, "no", 0},
	        {"always", false, "always", 0},
	        {"unless-stopped", false, "unless-stopped", 0},
	        {"on-failure", false, "on-failure", 0},
	        {"on-failure:0", false, "on-failure", 0},
	        {"on-failure:2", false, "on-failure", 2},
	        {"on-failure:+3", false, "on-failure", 3},
	        {"on-failure:007", false, "on-failure", 7},
	        {"on-failure:-0", false, "on-failure", 0},
	        {"on-failure:9223372036854775807", false, "on-failure", 9223372036854775807ULL},
	        /* --rm goes with no policy, "no" and a plain "on-failure" */
	        {"", true, "", 0},
	        {"no", true, "no", 0},
	        {"on-failure", true, "on-failure", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *policy = NULL;
		uint64_t retries = 99;
		struct cpod_error *err = NULL;
		int r = container_restart_policy_parse(cases[i].spec, cases[i].rm, &policy,
		                                       &retries, &err);
		if (r < 0)
			fail_msg("%s: %s", cases[i].spec, err->msg);
		assert_string_equal(policy, cases[i].policy);
		assert_true(retries == cases[i].retries);
		free(policy);
	}
	char *policy = NULL;
	uint64_t retries = 5;
	assert_int_equal(container_restart_policy_parse(NULL, false, &policy, &retries, NULL), 0);
	assert_string_equal(policy, "");
	assert_true(retries == 0);
	free(policy);
}

struct bad_case {
	const char *spec;
	bool rm;
	const char *msg;
};

#define RM_CONFLICT                                                                                \
	"the --rm option conflicts with --restart, when the restartPolicy is not \"\" and \"no\""
#define NOT_VALID(p)                                                                               \
	"running container create option: \"" p "\" is not a valid restart policy: invalid "       \
	                                        "argument"

static void test_parse_bad(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
	        {"bogus", false, NOT_VALID("bogus")},
	        {"NO", false, NOT_VALID("NO")},
	        {"none", false, NOT_VALID("none")},
	        {"On-Failure:2", false, NOT_VALID("On-Failure")},
	        {"ON-FAILURE:2", false, NOT_VALID("ON-FAILURE")},
	        {"on-failure:-1", false,
	         "must specify restart policy retry count as a number greater than 0"},
	        {"always:3", false,
	         "restart policy retries can only be specified with on-failure restart policy"},
	        {":3", false,
	         "restart policy retries can only be specified with on-failure restart policy"},
	        {"on-failure:1:2", false,
	         "invalid restart policy: may specify retries at most once"},
	        {"always:1:2", false, "invalid restart policy: may specify retries at most once"},
	        {"on-failure:x", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing \"x\": invalid syntax"},
	        {"on-failure:", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing \"\": invalid syntax"},
	        {"on-failure:+", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing \"+\": invalid syntax"},
	        {"on-failure: 3", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing \" 3\": invalid "
	         "syntax"},
	        {"on-failure:99999999999999999999", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing "
	         "\"99999999999999999999\": value out of range"},
	        {"on-failure:9223372036854775808", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing "
	         "\"9223372036854775808\": value out of range"},
	        {"on-failure:99999999999999999999x", false,
	         "parsing restart policy retry count: strconv.Atoi: parsing "
	         "\"99999999999999999999x\": value out of range"},
	        {"on-failure:-9223372036854775808", false,
	         "must specify restart policy retry count as a number greater than 0"},
	        /* the --rm check comes first, whatever the policy */
	        {"always", true, RM_CONFLICT},
	        {"unless-stopped", true, RM_CONFLICT},
	        {"on-failure:2", true, RM_CONFLICT},
	        {"NO", true, RM_CONFLICT},
	        {"bogus", true, RM_CONFLICT},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *policy = NULL;
		uint64_t retries = 0;
		struct cpod_error *err = NULL;
		int r = container_restart_policy_parse(cases[i].spec, cases[i].rm, &policy,
		                                       &retries, &err);
		if (r >= 0)
			fail_msg("%s was accepted", cases[i].spec);
		assert_non_null(err);
		assert_string_equal(err->msg, cases[i].msg);
		assert_null(policy);
		cpod_error_free(err);
	}
	/* bounded: a huge value is refused without being copied around */
	size_t n = 100000;
	char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	char *policy = NULL;
	uint64_t retries = 0;
	struct cpod_error *err = NULL;
	assert_true(container_restart_policy_parse(big, false, &policy, &retries, &err) < 0);
	cpod_error_free(err);
	free(big);
}

static void test_record_round_trip(void **state)
{
	(void)state;
	struct container_config c = {0};
	c.id = xstrdup("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	c.name = xstrdup("rp");
	c.restart_policy = xstrdup("on-failure");
	c.restart_retries = 9223372036854775807ULL;
	char *json = container_config_to_json(&c);
	struct container_config back = {0};
	struct cpod_error *err = NULL;
	assert_int_equal(container_config_from_json(json, &back, &err), 0);
	assert_string_equal(back.restart_policy, "on-failure");
	assert_true(back.restart_retries == 9223372036854775807ULL);
	container_config_release(&back);
	free(json);

	/* a record written before restart policies existed reads as "no policy" */
	free(c.restart_policy);
	c.restart_policy = NULL;
	c.restart_retries = 0;
	json = container_config_to_json(&c);
	assert_null(strstr(json, "restart"));
	assert_int_equal(container_config_from_json(json, &back, &err), 0);
	assert_null(back.restart_policy);
	assert_true(back.restart_retries == 0);
	container_config_release(&back);
	free(json);
	container_config_release(&c);
}

/* The cases that must not restart return 0 before touching the engine (NULL here). */
static void test_no_restart(void **state)
{
	(void)state;
	struct container c = {0};
	c.config.id = (char *)"0123456789abcdef";
	c.state.status = CTR_EXITED;
	static const struct {
		const char *policy;
		uint64_t retries;
		int exit_code;
		unsigned count;
		enum container_status status;
	} cases[] = {
	        {NULL, 0, 1, 0, CTR_EXITED},
	        {"", 0, 1, 0, CTR_EXITED},
	        {"no", 0, 1, 0, CTR_EXITED},
	        {"on-failure", 0, 0, 0, CTR_EXITED}, /* success */
	        {"on-failure", 2, 3, 2, CTR_EXITED}, /* limit reached */
	        {"on-failure", 2, 3, 7, CTR_EXITED}, /* beyond it */
	        {"always", 0, 0, 0, CTR_RUNNING},    /* running again already */
	        {"unless-stopped", 0, 1, 0, CTR_PAUSED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.config.restart_policy = (char *)cases[i].policy;
		c.config.restart_retries = cases[i].retries;
		c.state.exit_code = cases[i].exit_code;
		c.state.restart_count = cases[i].count;
		c.state.status = cases[i].status;
		assert_int_equal(container_restart_policy_apply(NULL, &c, NULL), 0);
		assert_int_equal(c.state.restart_count, cases[i].count);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_good),
	        cmocka_unit_test(test_parse_bad),
	        cmocka_unit_test(test_record_round_trip),
	        cmocka_unit_test(test_no_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
