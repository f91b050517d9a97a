/* SPDX-License-Identifier: Apache-2.0 */
/* go-units sizes and durations, Go time layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format/units.h"
#include "util/cleanup.h"

#define S(x) ((int64_t)(x)*1000000000LL)

static void check(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_units_human_size(void **state)
{
	check(units_human_size(0), "0B");
	check(units_human_size(999), "999B");
	check(units_human_size(1000), "1kB");
	check(units_human_size(1500), "1.5kB");
	check(units_human_size(1024), "1.024kB");
	check(units_human_size(4194304), "4.194MB");
	check(units_human_size(999999), "1000kB");
	check(units_human_size(1e12), "1TB");
	check(units_human_size(1e27), "1000YB");
	check(units_human_size_prec(3.14159e9, 2), "3.1GB");
	check(units_bytes_size(1024), "1KiB");
	check(units_bytes_size(1536), "1.5KiB");
	check(units_bytes_size(1048576 * 5.25), "5.25MiB");
	check(units_bytes_size(100), "100B");
}

static void test_units_podman_size(void **state)
{
	/* podman images printed "2 MB" for 1997895 bytes and "11.5 kB" for 11500 */
	check(units_podman_size(1997895), "2 MB");
	check(units_podman_size(11500), "11.5 kB");
	check(units_podman_size(0), "0 B");
	check(units_podman_size(5867245), "5.87 MB");
}

static void test_units_human_duration(void **state)
{
	check(units_human_duration(0), "Less than a second");
	check(units_human_duration(999999999), "Less than a second");
	check(units_human_duration(S(1)), "1 second");
	check(units_human_duration(S(59)), "59 seconds");
	check(units_human_duration(S(60)), "About a minute");
	check(units_human_duration(S(119)), "About a minute");
	check(units_human_duration(S(120)), "2 minutes");
	check(units_human_duration(S(59 * 60 + 59)), "59 minutes");
	check(units_human_duration(S(3600)), "About an hour");
	/* hours are rounded: 1h30m is 2 hours */
	check(units_human_duration(S(5399)), "About an hour");
	check(units_human_duration(S(5400)), "2 hours");
	check(units_human_duration(S(47 * 3600)), "47 hours");
	check(units_human_duration(S(48 * 3600)), "2 days");
	check(units_human_duration(S(13 * 86400)), "13 days");
	check(units_human_duration(S(14 * 86400)), "2 weeks");
	check(units_human_duration(S(59 * 86400)), "8 weeks");
	check(units_human_duration(S(60 * 86400)), "2 months");
	check(units_human_duration(S(729 * 86400)), "24 months");
	check(units_human_duration(S(730 * 86400)), "2 years");
	check(units_human_duration(-S(5)), "Less than a second");
}

static void test_units_time_ago(void **state)
{
	struct timespec now = {1000000, 500}, then = {1000000 - 300, 900};
	check(units_time_ago(&now, &then), "4 minutes ago");
}

static void test_units_time_layouts(void **state)
{
	/* 2026-11-23T18:17:06Z */
	struct timespec t = {1795457826, 123456789};
	struct timespec whole = {1795457826, 0};
	struct timespec tens = {1795457826, 120000000};
	check(units_time_rfc3339nano(&t, true), "2026-11-23T18:17:06.123456789Z");
	check(units_time_rfc3339nano(&whole, true), "2026-11-23T18:17:06Z");
	check(units_time_rfc3339nano(&tens, true), "2026-11-23T18:17:06.12Z");
	check(units_time_rfc3339(&t, true), "2026-11-23T18:17:06Z");
	check(units_time_string(&t, true), "2026-11-23 18:17:06.123456789 +0000 UTC");
	check(units_time_string(&whole, true), "2026-11-23 18:17:06 +0000 UTC");
	setenv("TZ", "CET-1", 1);
	tzset();
	check(units_time_rfc3339nano(&tens, false), "2026-11-23T19:17:06.12+01:00");
	check(units_time_string(&whole, false), "2026-11-23 19:17:06 +0100 CET");
	setenv("TZ", "UTC0", 1);
	tzset();
	check(units_time_rfc3339(&whole, false), "2026-11-23T18:17:06Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_units_human_size),
	        cmocka_unit_test(test_units_podman_size),
	        cmocka_unit_test(test_units_human_duration),
	        cmocka_unit_test(test_units_time_ago),
	        cmocka_unit_test(test_units_time_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
