/* SPDX-License-Identifier: Apache-2.0 */
/* Network layer pure parts: subnet maths, config building (Podman's rules), filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "network/ipnet.h"
#include "network/network.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static void test_ip_net_parse_masks(void **state)
{
	(void)state;
	struct ip_net n;
	struct ip_addr host;
	assert_int_equal(ip_net_parse("10.1.2.3/24", &n, &host, NULL), 0);
	_cleanup_free_ char *s = ip_net_format(&n), *h = ip_addr_format(&host);
	assert_string_equal(s, "10.1.2.0/24");
	assert_string_equal(h, "10.1.2.3");
	assert_int_equal(ip_net_parse("fd00:1::5/64", &n, NULL, NULL), 0);
	_cleanup_free_ char *s6 = ip_net_format(&n);
	assert_string_equal(s6, "fd00:1::/64");
}

static void test_ip_net_parse_errors(void **state)
{
	(void)state;
	const char *bad[] = {"10.0.0.0/33", "10.0.0.0", "x/24",        "10.0.0.0/", "10.0.0.0/024",
	                     "::/129",      "/8",       "10.0.0.0/-1", NULL};
	for (size_t i = 0; bad[i]; i++) {
		struct ip_net n;
		_cleanup_error_ struct cpod_error *err = NULL;
		assert_int_equal(ip_net_parse(bad[i], &n, NULL, &err), -EINVAL);
		_cleanup_free_ char *want = xasprintf("invalid CIDR address: %s", bad[i]);
		assert_string_equal(err->msg, want);
	}
}

static void test_ip_net_overlaps_and_next(void **state)
{
	(void)state;
	struct ip_net a, b, c;
	ip_net_parse("10.88.0.0/16", &a, NULL, NULL);
	ip_net_parse("10.88.5.0/24", &b, NULL, NULL);
	ip_net_parse("10.89.0.0/24", &c, NULL, NULL);
	assert_true(ip_net_overlaps(&a, &b));
	assert_true(ip_net_overlaps(&b, &a));
	assert_false(ip_net_overlaps(&a, &c));
	struct ip_net n;
	assert_true(ip_net_next(&c, &n));
	_cleanup_free_ char *s = ip_net_format(&n);
	assert_string_equal(s, "10.89.1.0/24");
	ip_net_parse("255.255.255.0/24", &c, NULL, NULL);
	assert_false(ip_net_next(&c, &n));
	struct ip_addr last;
	ip_net_parse("10.0.0.0/30", &c, NULL, NULL);
	ip_net_last(&c, &last);
	_cleanup_free_ char *l = ip_addr_format(&last);
	assert_string_equal(l, "10.0.0.3");
}

static void test_ip_addr_add_carry(void **state)
{
	(void)state;
	struct ip_addr a, r;
	ip_addr_parse("10.0.0.255", &a);
	assert_true(ip_addr_add(&a, 1, &r));
	_cleanup_free_ char *s = ip_addr_format(&r);
	assert_string_equal(s, "10.0.1.0");
	assert_true(ip_addr_add(&r, -1, &a));
	_cleanup_free_ char *t = ip_addr_format(&a);
	assert_string_equal(t, "10.0.0.255");
	ip_addr_parse("255.255.255.255", &a);
	assert_false(ip_addr_add(&a, 1, &r));
	ip_addr_parse("fd00::ffff", &a);
	assert_true(ip_addr_add(&a, 1, &r));
	_cleanup_free_ char *u = ip_addr_format(&r);
	assert_string_equal(u, "fd00::1:0");
}

static json_t *build(const struct net_create_opts *o, const json_t *existing, char *const *routes,
                     struct cpod_error **err)
{
	json_t *cfg = NULL;
	if (net_config_build(o, existing, routes, "2026-01-01T00:00:00Z", &cfg, err) < 0)
		return NULL;
	return cfg;
}

static void test_config_build_auto_subnet(void **state)
{
	(void)state;
	struct net_env env = {0};
	_cleanup_json_ json_t *existing = json_array();
	json_array_append_new(existing, net_default_config(&env));
	char *routes[] = {"10.89.0.0/24", "0.0.0.0/0", NULL};
	/* the host's own bridges (other tests make podman1...) must not change the answer */
	struct net_create_opts o = {.name = "foo", .ignore_host_links = true};
	_cleanup_json_ json_t *cfg = build(&o, existing, routes, NULL);
	assert_non_null(cfg);
	assert_string_equal(json_get_string(cfg, "driver"), "bridge");
	assert_string_equal(json_get_string(cfg, "network_interface"), "podman1");
	json_t *sub = json_array_get(json_object_get(cfg, "subnets"), 0);
	/* 10.89.0.0/24 is a host route: the next one is taken */
	assert_string_equal(json_get_string(sub, "subnet"), "10.89.1.0/24");
	assert_string_equal(json_get_string(sub, "gateway"), "10.89.1.1");
	assert_true(json_is_true(json_object_get(cfg, "dns_enabled")));
	assert_string_equal(json_get_string(json_object_get(cfg, "ipam_options"), "driver"),
	                    "host-local");
	assert_int_equal(strlen(json_get_string(cfg, "id")), 64);
	/* key order is Podman's */
	const char *order[] = {"name",        "id",          "driver",       "network_interface",
	                       "created",     "subnets",     "ipv6_enabled", "internal",
	                       "dns_enabled", "ipam_options"};
	void *it = json_object_iter(cfg);
	for (size_t i = 0; i < 10; i++, it = json_object_iter_next(cfg, it))
		assert_string_equal(json_object_iter_key(it), order[i]);
}

static void test_config_build_errors(void **state)
{
	(void)state;
	struct net_env env = {0};
	_cleanup_json_ json_t *existing = json_array();
	json_array_append_new(existing, net_default_config(&env));
	struct {
		struct net_create_opts o;
		const char *msg;
	} cases[] = {
	        {{.name = "podman"}, "network name podman already used: network already exists"},
	        {{.name = "bad name"},
	         "network name bad name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
	         "invalid argument"},
	        {{.name = "x", .driver = "weird"}, "unsupported driver weird: invalid argument"},
	        {{.name = "x", .subnets = (char *[]){"10.88.1.0/24", NULL}},
	         "subnet 10.88.1.0/24 is already used on the host or by another config"},
	        {{.name = "x", .subnets = (char *[]){"10.50.0.0/33", NULL}},
	         "invalid CIDR address: 10.50.0.0/33"},
	        {{.name = "x",
	          .subnets = (char *[]){"10.60.0.0/24", NULL},
	          .gateways = (char *[]){"10.70.0.1", NULL}},
	         "gateway 10.70.0.1 not in subnet 10.60.0.0/24"},
	        {{.name = "x", .gateways = (char *[]){"10.70.0.1", NULL}},
	         "cannot set gateway or range without subnet"},
	        {{.name = "x", .options = (char *[]){"foo=bar", NULL}},
	         "unsupported bridge network option foo"},
	        {{.name = "x", .options = (char *[]){"mtu=abc", NULL}},
	         "strconv.Atoi: parsing \"abc\": invalid syntax"},
	        {{.name = "x",
	          .subnets = (char *[]){"10.40.0.0/24", NULL},
	          .ip_ranges = (char *[]){"10.41.0.0/24", NULL}},
	         "lease range start ip 10.41.0.1 not in subnet 10.40.0.0/24"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_json_ json_t *cfg = build(&cases[i].o, existing, NULL, &err);
		assert_null(cfg);
		assert_string_equal(err->msg, cases[i].msg);
	}
}

static void test_config_build_range_internal_ipv6(void **state)
{
	(void)state;
	_cleanup_json_ json_t *existing = json_array();
	struct net_create_opts o = {.name = "bar",
	                            .subnets = (char *[]){"10.50.0.0/24", NULL},
	                            .ip_ranges = (char *[]){"10.50.0.128/25", NULL},
	                            .labels = (char *[]){"a=b", NULL},
	                            .options = (char *[]){"mtu=1400", NULL}};
	_cleanup_json_ json_t *cfg = build(&o, existing, NULL, NULL);
	json_t *lr =
	        json_object_get(json_array_get(json_object_get(cfg, "subnets"), 0), "lease_range");
	assert_string_equal(json_get_string(lr, "start_ip"), "10.50.0.129");
	assert_string_equal(json_get_string(lr, "end_ip"), "10.50.0.255");
	assert_string_equal(json_get_string(json_object_get(cfg, "labels"), "a"), "b");
	assert_string_equal(json_get_string(json_object_get(cfg, "options"), "mtu"), "1400");

	struct net_create_opts in = {.name = "i", .internal = true, .disable_dns = true};
	_cleanup_json_ json_t *icfg = build(&in, existing, NULL, NULL);
	json_t *isub = json_array_get(json_object_get(icfg, "subnets"), 0);
	assert_null(json_object_get(isub, "gateway"));
	assert_true(json_is_true(json_object_get(icfg, "internal")));
	assert_true(json_is_false(json_object_get(icfg, "dns_enabled")));

	struct net_create_opts v6 = {.name = "six", .ipv6 = true};
	_cleanup_json_ json_t *vcfg = build(&v6, existing, NULL, NULL);
	json_t *subs = json_object_get(vcfg, "subnets");
	assert_int_equal(json_array_size(subs), 2);
	const char *s6 = json_get_string(json_array_get(subs, 1), "subnet");
	assert_true(strncmp(s6, "fd", 2) == 0);
	assert_true(strstr(s6, "::/64") != NULL);
	assert_true(json_is_true(json_object_get(vcfg, "ipv6_enabled")));
}

static void test_config_default(void **state)
{
	(void)state;
	struct net_env env = {0};
	_cleanup_json_ json_t *d = net_default_config(&env);
	assert_string_equal(json_get_string(d, "name"), "podman");
	assert_string_equal(json_get_string(d, "id"),
	                    "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9");
	assert_true(json_is_false(json_object_get(d, "dns_enabled")));
	json_t *sub = json_array_get(json_object_get(d, "subnets"), 0);
	assert_string_equal(json_get_string(sub, "subnet"), "10.88.0.0/16");
	assert_string_equal(json_get_string(sub, "gateway"), "10.88.0.1");
	assert_int_equal(net_config_validate(d, NULL), 0);
}

static void test_config_validate_rejects(void **state)
{
	(void)state;
	const char *bad[] = {
	        "[]",
	        "{\"name\":\"x\"}",
	        "{\"name\":\"x\",\"id\":\"1\",\"driver\":\"bridge\",\"subnets\":[{\"subnet\":\"x\"}"
	        "]}",
	        "{\"name\":\"x\",\"id\":\"1\",\"driver\":\"bridge\",\"subnets\":[{\"subnet\":"
	        "\"10.0.0.0/24\",\"gateway\":\"10.1.0.1\"}]}",
	        "{\"name\":\"../x\",\"id\":\"1\",\"driver\":\"bridge\"}",
	        NULL};
	for (size_t i = 0; bad[i]; i++) {
		_cleanup_json_ json_t *j = json_loads(bad[i], 0, NULL);
		assert_int_equal(net_config_validate(j, NULL), -EINVAL);
	}
}

static void test_filter_match(void **state)
{
	(void)state;
	_cleanup_json_ json_t *n = json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", "frontend", "id",
	                                     "abcdef", "driver", "bridge", "labels", "tier", "web");
	bool m = false;
	char *f1[] = {"name=front", "driver=bridge", NULL};
	assert_int_equal(net_filter_match(n, f1, &m, NULL), 0);
	assert_true(m);
	char *f2[] = {"name=back", "name=front", "label=tier=db", NULL};
	assert_int_equal(net_filter_match(n, f2, &m, NULL), 0);
	assert_false(m);
	char *f3[] = {"id=abc", "label=tier", "label!=x", NULL};
	assert_int_equal(net_filter_match(n, f3, &m, NULL), 0);
	assert_true(m);
	char *f4[] = {"bogus=1", NULL};
	assert_int_equal(net_filter_match(n, f4, &m, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ip_net_parse_masks),
	        cmocka_unit_test(test_ip_net_parse_errors),
	        cmocka_unit_test(test_ip_net_overlaps_and_next),
	        cmocka_unit_test(test_ip_addr_add_carry),
	        cmocka_unit_test(test_config_build_auto_subnet),
	        cmocka_unit_test(test_config_build_errors),
	        cmocka_unit_test(test_config_build_range_internal_ipv6),
	        cmocka_unit_test(test_config_default),
	        cmocka_unit_test(test_config_validate_rejects),
	        cmocka_unit_test(test_filter_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
