/* SPDX-License-Identifier: Apache-2.0 */
/* --cpu-rt-period, --cpu-rt-runtime and --cgroup-conf (runtime/isolation-cgroup-extra.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/isolation-internal.h"
#include "runtime/probe.h"
#include "util/json.h"
#include "util/strv.h"
#include "banned.h"

struct result {
	json_t *res;
	char **warnings;
	struct cpod_error *err;
	int r;
};

static void build(const struct isolation_opts *o, enum cgroup_mode mode, struct result *ret)
{
	struct isolation_host h = {.mode = mode};
	*ret = (struct result){.res = json_object()};
	ret->r = isolation_build_cgroup_extra(o, &h, ret->res, &ret->warnings, &ret->err);
}

static void release(struct result *r)
{
	json_decref(r->res);
	strv_free(r->warnings);
	cpod_error_free(r->err);
}

static void expect_error(const struct isolation_opts *o, enum cgroup_mode mode, const char *msg)
{
	struct result r;
	build(o, mode, &r);
	assert_true(r.r < 0);
	assert_string_equal(r.err->msg, msg);
	release(&r);
}

static void test_rt_v1(void **state)
{
	(void)state;
	struct result r;
	struct isolation_opts o = {.cpu_rt_period = "1000", .cpu_rt_runtime = "-1"};
	build(&o, CGROUP_MODE_HYBRID, &r);
	assert_int_equal(r.r, 0);
	json_t *cpu = json_object_get(r.res, "cpu");
	assert_int_equal(json_integer_value(json_object_get(cpu, "realtimePeriod")), 1000);
	assert_int_equal(json_integer_value(json_object_get(cpu, "realtimeRuntime")), -1);
	assert_null(r.warnings);
	release(&r);
	/* 0 is "not set" */
	o = (struct isolation_opts){.cpu_rt_period = "0", .cpu_rt_runtime = "0"};
	build(&o, CGROUP_MODE_LEGACY, &r);
	assert_int_equal(r.r, 0);
	assert_null(json_object_get(r.res, "cpu"));
	release(&r);
}

static void test_rt_v2_warns(void **state)
{
	(void)state;
	struct result r;
	struct isolation_opts o = {.cpu_rt_period = "1000", .cpu_rt_runtime = "500"};
	build(&o, CGROUP_MODE_UNIFIED, &r);
	assert_int_equal(r.r, 0);
	assert_null(json_object_get(r.res, "cpu"));
	assert_int_equal(strv_length(r.warnings), 2);
	assert_string_equal(r.warnings[0], "Realtime period not supported on cgroups V2 systems");
	assert_string_equal(r.warnings[1], "Realtime runtime not supported on cgroups V2 systems");
	release(&r);
}

static void test_rt_errors(void **state)
{
	(void)state;
	struct isolation_opts o = {.cpu_rt_period = "abc"};
	expect_error(&o, CGROUP_MODE_HYBRID,
	             "invalid argument \"abc\" for \"--cpu-rt-period\" flag: strconv.ParseUint: "
	             "parsing \"abc\": invalid syntax");
	o.cpu_rt_period = "-5";
	expect_error(&o, CGROUP_MODE_HYBRID,
	             "invalid argument \"-5\" for \"--cpu-rt-period\" flag: strconv.ParseUint: "
	             "parsing \"-5\": invalid syntax");
	o.cpu_rt_period = "99999999999999999999";
	expect_error(&o, CGROUP_MODE_HYBRID,
	             "invalid argument \"99999999999999999999\" for \"--cpu-rt-period\" flag: "
	             "strconv.ParseUint: parsing \"99999999999999999999\": value out of range");
	o = (struct isolation_opts){.cpu_rt_runtime = "+"};
	expect_error(&o, CGROUP_MODE_HYBRID,
	             "invalid argument \"+\" for \"--cpu-rt-runtime\" flag: strconv.ParseInt: "
	             "parsing \"+\": invalid syntax");
	o.cpu_rt_runtime = "-9223372036854775809";
	expect_error(&o, CGROUP_MODE_HYBRID,
	             "invalid argument \"-9223372036854775809\" for \"--cpu-rt-runtime\" flag: "
	             "strconv.ParseInt: parsing \"-9223372036854775809\": value out of range");
}

static void test_cgroup_conf(void **state)
{
	(void)state;
	char *bad[] = {"memory.high=1", "bogus", NULL};
	struct isolation_opts o = {.cgroup_conf = bad};
	expect_error(&o, CGROUP_MODE_UNIFIED, "--cgroup-conf must be formatted KEY=VALUE");
	char *good[] = {"memory.high=50000000", "cpu.weight=", "memory.high=7", NULL};
	o.cgroup_conf = good;
	expect_error(&o, CGROUP_MODE_HYBRID, "cannot use --cgroup-conf without cgroup v2");
	expect_error(&o, CGROUP_MODE_LEGACY, "cannot use --cgroup-conf without cgroup v2");
	struct result r;
	build(&o, CGROUP_MODE_UNIFIED, &r);
	assert_int_equal(r.r, 0);
	json_t *u = json_object_get(r.res, "unified");
	assert_int_equal(json_object_size(u), 2);
	assert_string_equal(json_string_value(json_object_get(u, "memory.high")), "7");
	assert_string_equal(json_string_value(json_object_get(u, "cpu.weight")), "");
	release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rt_v1),
	        cmocka_unit_test(test_rt_v2_warns),
	        cmocka_unit_test(test_rt_errors),
	        cmocka_unit_test(test_cgroup_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
