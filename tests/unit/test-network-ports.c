/* SPDX-License-Identifier: Apache-2.0 */
/* Published port parsing and views, and IPAM leases in a temporary run dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>

#include <cmocka.h>

#include "network/net-internal.h"
#include "network/network.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static json_t *parse_ok(const char *spec)
{
	json_t *m = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = net_port_parse(spec, &m, &err);
	if (r < 0)
		fail_msg("%s: %s", spec, err->msg);
	return m;
}

static void check_mapping(const json_t *m, unsigned ctr, const char *ip, unsigned host,
                          unsigned range, const char *proto)
{
	assert_int_equal(json_integer_value(json_object_get(m, "container_port")), ctr);
	assert_string_equal(json_get_string(m, "host_ip"), ip);
	assert_int_equal(json_integer_value(json_object_get(m, "host_port")), host);
	assert_int_equal(json_integer_value(json_object_get(m, "range")), range);
	assert_string_equal(json_get_string(m, "protocol"), proto);
}

static void test_port_parse_forms(void **state)
{
	(void)state;
	_cleanup_json_ json_t *a = parse_ok("8080:80");
	check_mapping(json_array_get(a, 0), 80, "", 8080, 1, "tcp");
	_cleanup_json_ json_t *b = parse_ok("127.0.0.1:8080:80/udp");
	check_mapping(json_array_get(b, 0), 80, "127.0.0.1", 8080, 1, "udp");
	_cleanup_json_ json_t *c = parse_ok("80");
	check_mapping(json_array_get(c, 0), 80, "", 0, 1, "tcp");
	_cleanup_json_ json_t *d = parse_ok("127.0.0.1::80");
	check_mapping(json_array_get(d, 0), 80, "127.0.0.1", 0, 1, "tcp");
	_cleanup_json_ json_t *e = parse_ok("9000-9002:90-92/tcp,udp");
	assert_int_equal(json_array_size(e), 2);
	check_mapping(json_array_get(e, 0), 90, "", 9000, 3, "tcp");
	check_mapping(json_array_get(e, 1), 90, "", 9000, 3, "udp");
	_cleanup_json_ json_t *f = parse_ok("[::1]:8080:80");
	check_mapping(json_array_get(f, 0), 80, "::1", 8080, 1, "tcp");
}

static void test_port_parse_errors(void **state)
{
	(void)state;
	struct {
		const char *spec, *msg;
	} cases[] = {
	        {"abc", "parsing container port: invalid port number: strconv.Atoi: parsing "
	                "\"abc\": invalid syntax"},
	        {"8080:", "must provide a non-empty container port to publish"},
	        {"1.2.3.4:80:80:80", "invalid port format - format is "
	                             "[[hostIP:]hostPort:]containerPort"},
	        {"70000:80", "parsing host port: port numbers must be between 1 and 65535 "
	                     "(inclusive), got 70000"},
	        {"8080-8081:80", "host and container port ranges have different lengths: 2 vs 1"},
	        {"300-200", "parsing container port: the end port of a range must be higher than "
	                    "the start port - 200 is not higher than 300"},
	        {"80/xyz", "unrecognized protocol \"xyz\" in port mapping"},
	        {"nope:80:80", "invalid IP address \"nope\" in port mapping"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_json_ json_t *m = NULL;
		_cleanup_error_ struct cpod_error *err = NULL;
		assert_int_equal(net_port_parse(cases[i].spec, &m, &err), -EINVAL);
		assert_string_equal(err->msg, cases[i].msg);
	}
}

static void test_ports_random_and_views(void **state)
{
	(void)state;
	_cleanup_json_ json_t *m = parse_ok("127.0.0.1::80");
	assert_int_equal(net_port_parse("8080-8081:80-81/udp", &m, NULL), 0);
	assert_int_equal(net_ports_assign_random(m, NULL), 0);
	json_int_t hp = json_integer_value(json_object_get(json_array_get(m, 0), "host_port"));
	assert_true(hp > 0 && hp < 65536);
	_cleanup_strv_free_ char **lines = net_ports_lines(m);
	assert_int_equal(strv_length(lines), 3);
	_cleanup_free_ char *want = xasprintf("80/tcp -> 127.0.0.1:%lld", (long long)hp);
	assert_string_equal(lines[0], want);
	assert_string_equal(lines[1], "80/udp -> 0.0.0.0:8080");
	assert_string_equal(lines[2], "81/udp -> 0.0.0.0:8081");
	char *exposed[] = {"443/tcp", NULL};
	_cleanup_json_ json_t *insp = net_ports_inspect(m, exposed);
	json_t *b = json_array_get(json_object_get(insp, "81/udp"), 0);
	assert_string_equal(json_get_string(b, "HostPort"), "8081");
	assert_string_equal(json_get_string(b, "HostIp"), "");
	assert_true(json_is_null(json_object_get(insp, "443/tcp")));
}

/* IPAM through its public entry points, with a config dir holding one small network. */
static void test_ipam_no_leak(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cpod-net-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_free_ char *conf = path_join(tmpl, "networks");
	_cleanup_free_ char *run = path_join(tmpl, "run");
	struct net_env env = {.config_dir = conf, .run_dir = run, .netns_dir = run};
	struct net_create_opts co = {.name = "tiny", .subnets = (char *[]){"10.199.0.0/30", NULL}};
	_cleanup_json_ json_t *cfg = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(net_create(&env, &co, &cfg, &err), 0);
	_cleanup_json_ json_t *again = NULL;
	assert_int_equal(net_create(&env, &co, &again, &err), -EEXIST);
	_cleanup_json_ json_t *got = NULL;
	assert_int_equal(net_lookup(&env, "tiny", &got, NULL), 0);
	assert_string_equal(json_get_string(got, "id"), json_get_string(cfg, "id"));
	_cleanup_json_ json_t *list = NULL;
	assert_int_equal(net_list(&env, &list, NULL), 0);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_get_string(json_array_get(list, 0), "name"), "podman");
	/* /30: only .1 (the gateway) and .2 usable, so the second container finds no room */
	_cleanup_json_ json_t *info = json_pack("{s:O}", "tiny", cfg);
	_cleanup_json_ json_t *nets = json_pack("{s:{s:s}}", "tiny", "interface_name", "eth0");
	_cleanup_json_ json_t *a = NULL, *a2 = NULL, *b = NULL;
	assert_int_equal(net_ipam_allocate(&env, "c1", nets, info, &a, NULL), 0);
	json_t *ips = json_object_get(json_object_get(a, "tiny"), "static_ips");
	assert_string_equal(json_string_value(json_array_get(ips, 0)), "10.199.0.2");
	/* idempotent for the same container */
	assert_int_equal(net_ipam_allocate(&env, "c1", nets, info, &a2, NULL), 0);
	ips = json_object_get(json_object_get(a2, "tiny"), "static_ips");
	assert_int_equal(json_array_size(ips), 1);
	_cleanup_error_ struct cpod_error *ferr = NULL;
	assert_int_equal(net_ipam_allocate(&env, "c2", nets, info, &b, &ferr), -EINVAL);
	assert_string_equal(ferr->msg,
	                    "IPAM error: failed to find free IP in range: 10.199.0.0/30");
	_cleanup_json_ json_t *snets = json_pack("{s:{s:[s]}}", "tiny", "static_ips", "10.199.0.2");
	_cleanup_error_ struct cpod_error *serr = NULL;
	assert_int_equal(net_ipam_allocate(&env, "c3", snets, info, &b, &serr), -EINVAL);
	assert_string_equal(serr->msg, "IPAM error: requested ip address 10.199.0.2 is already "
	                               "allocated to container ID c1");
	_cleanup_json_ json_t *leases = NULL;
	assert_int_equal(net_ipam_leases(&env, "tiny", &leases, NULL), 0);
	assert_int_equal(json_object_size(leases), 1);
	assert_int_equal(net_ipam_release(&env, "c1", nets, NULL), 0);
	json_decref(leases);
	assert_int_equal(net_ipam_leases(&env, "tiny", &leases, NULL), 0);
	assert_int_equal(json_object_size(leases), 0);
	assert_int_equal(net_remove_config(&env, "tiny", NULL), 0);
	_cleanup_error_ struct cpod_error *lerr = NULL;
	assert_int_equal(net_lookup(&env, "tiny", &got, &lerr), -ENOENT);
	assert_string_equal(lerr->msg,
	                    "unable to find network with name or ID tiny: network not found");
	_cleanup_error_ struct cpod_error *derr = NULL;
	assert_int_equal(net_remove_config(&env, "podman", &derr), -EPERM);
	assert_string_equal(derr->msg, "default network podman cannot be removed");
	assert_int_equal(rm_rf_at(AT_FDCWD, tmpl), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_port_parse_forms),
	        cmocka_unit_test(test_port_parse_errors),
	        cmocka_unit_test(test_ports_random_and_views),
	        cmocka_unit_test(test_ipam_no_leak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
