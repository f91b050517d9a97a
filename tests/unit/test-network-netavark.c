/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network layer against the real kernel and netavark (root only, exit 77 otherwise):
 * a namespace, setup on a private network with a published port, the address inside the
 * namespace, then teardown leaving no namespace, veth, bridge, iptables rule or lease.
 * Only a subnet of its own on a bridge of its own; no traffic leaves the machine.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmocka.h>

#include "network/network.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static char tmpdir[] = "/tmp/cpod-netavark-test-XXXXXX";
static char *conf, *run, *netns_dir;

/* Run a shell command and return its first output line as a number (-1 on failure). */
static long shell_count(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char line[64] = "";
	long v = -1;
	if (fgets(line, sizeof(line), f))
		v = strtol(line, NULL, 10);
	pclose(f);
	return v;
}

static bool shell_ok(const char *cmd)
{
	_cleanup_free_ char *c = xasprintf("%s >/dev/null 2>&1", cmd);
	return system(c) == 0;
}

static void test_setup_teardown_no_leaks(void **state)
{
	(void)state;
	struct net_env env = {.config_dir = conf, .run_dir = run, .netns_dir = netns_dir};
	struct net_create_opts co = {.name = "cpodtest",
	                             .subnets = (char *[]){"10.254.77.0/24", NULL}};
	_cleanup_json_ json_t *cfg = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (net_create(&env, &co, &cfg, &err) < 0)
		fail_msg("create: %s", err->msg);
	const char *bridge = json_get_string(cfg, "network_interface");
	/* netavark's own top-level chains stay (as with Podman); count what names our subnet */
	const char *rules_cmd =
	        "iptables-save | grep -c -e '10\\.254\\.77\\.' -e 'name: cpodtest '";
	assert_int_equal(shell_count(rules_cmd), 0);

	_cleanup_free_ char *ns = NULL;
	if (net_netns_create(&env, &ns, &err) < 0)
		fail_msg("netns: %s", err->msg);
	_cleanup_json_ json_t *ports = NULL;
	assert_int_equal(net_port_parse("127.0.0.1::8080", &ports, NULL), 0);
	assert_int_equal(net_ports_assign_random(ports, NULL), 0);
	_cleanup_json_ json_t *nets = json_pack("{s:{s:s,s:[s]}}", "cpodtest", "interface_name",
	                                        "eth0", "aliases", "web");
	struct net_setup_opts so = {.container_id = "0123456789abcdef0123456789abcdef0123456789ab"
	                                            "cdef0123456789abcdef",
	                            .container_name = "nettest",
	                            .netns_path = ns,
	                            .networks = nets,
	                            .port_mappings = ports};
	_cleanup_json_ json_t *res = NULL;
	if (net_setup(&env, &so, &res, &err) < 0)
		fail_msg("setup: %s", err->msg);
	json_t *n = json_object_get(json_object_get(res, "networks"), "cpodtest");
	assert_string_equal(json_get_string(n, "interface"), "eth0");
	json_t *sub = json_array_get(json_object_get(n, "subnets"), 0);
	assert_string_equal(json_get_string(sub, "ipnet"), "10.254.77.2/24");
	assert_string_equal(json_get_string(sub, "gateway"), "10.254.77.1");
	assert_int_equal(strlen(json_get_string(n, "mac_address")), 17);
	/* aardvark-dns listens on the gateway for a network with DNS */
	assert_string_equal(
	        json_string_value(json_array_get(json_object_get(res, "dns_server_ips"), 0)),
	        "10.254.77.1");
	_cleanup_free_ char *check = xasprintf("nsenter --net=%s ip -o addr show eth0 | grep -q "
	                                       "10.254.77.2/24",
	                                       ns);
	assert_true(shell_ok(check));
	_cleanup_free_ char *ping =
	        xasprintf("nsenter --net=%s busybox ping -c1 -W2 10.254.77.1", ns);
	assert_true(shell_ok(ping));
	assert_true(shell_count(rules_cmd) > 0);
	_cleanup_free_ char *dns = xasprintf("pgrep -f '%s/aardvark-dn[s]'", run);
	assert_true(shell_ok(dns));
	_cleanup_json_ json_t *leases = NULL;
	assert_int_equal(net_ipam_leases(&env, "cpodtest", &leases, NULL), 0);
	assert_int_equal(json_object_size(leases), 1);

	if (net_teardown(&env, &so, &err) < 0)
		fail_msg("teardown: %s", err->msg);
	assert_int_equal(net_netns_delete(ns, NULL), 0);
	assert_false(path_exists(ns));
	json_decref(leases);
	assert_int_equal(net_ipam_leases(&env, "cpodtest", &leases, NULL), 0);
	assert_int_equal(json_object_size(leases), 0);
	assert_int_equal(shell_count(rules_cmd), 0);
	/* the last container gone, netavark stops aardvark-dns */
	for (int i = 0; i < 50 && shell_ok(dns); i++)
		usleep(100000);
	assert_false(shell_ok(dns));
	_cleanup_free_ char *br = xasprintf("ip link show %s", bridge);
	assert_false(shell_ok(br));
}

static void test_setup_failure_releases_lease(void **state)
{
	(void)state;
	struct net_env env = {.config_dir = conf,
	                      .run_dir = run,
	                      .netns_dir = netns_dir,
	                      .netavark = "/bin/false"};
	_cleanup_json_ json_t *nets = json_pack("{s:{s:s}}", "cpodtest", "interface_name", "eth0");
	struct net_setup_opts so = {.container_id = "c-fail",
	                            .container_name = "x",
	                            .netns_path = "/nonexistent",
	                            .networks = nets};
	_cleanup_json_ json_t *res = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_true(net_setup(&env, &so, &res, &err) < 0);
	_cleanup_json_ json_t *leases = NULL;
	assert_int_equal(net_ipam_leases(&env, "cpodtest", &leases, NULL), 0);
	assert_int_equal(json_object_size(leases), 0);
}

static void test_systemd_fake_detection(void **state)
{
	(void)state;
	_cleanup_free_ char *root = path_join(tmpdir, "fakeroot");
	_cleanup_free_ char *sd = path_join(root, "run/systemd/system");
	_cleanup_free_ char *proc = path_join(root, "proc/1");
	_cleanup_free_ char *comm = path_join(proc, "comm");
	assert_int_equal(mkdir_p(proc, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, comm, "bash\n", 5, 0644, false), 0);
	assert_false(net_systemd_fake(root));
	assert_int_equal(mkdir_p(sd, 0755), 0);
	assert_true(net_systemd_fake(root));
	assert_int_equal(write_file_atomic_at(AT_FDCWD, comm, "systemd\n", 8, 0644, false), 0);
	assert_false(net_systemd_fake(root));
}

int main(void)
{
	struct net_env probe = {0};
	_cleanup_free_ char *nv = net_find_binary(&probe, "netavark");
	if (geteuid() != 0 || !nv || !shell_ok("command -v iptables-save nsenter ip")) {
		printf("skip: needs root, netavark, iptables-save, nsenter and ip\n");
		return 77;
	}
	/*
	 * One real-kernel network test at a time on this machine: they use fixed subnets and
	 * names, and several builds may run the unit tests at once.
	 */
	int lockfd = open("/tmp/cpod-network-tests.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd >= 0)
		(void)flock(lockfd, LOCK_EX);
	if (!mkdtemp(tmpdir))
		return 1;
	conf = path_join(tmpdir, "networks");
	run = path_join(tmpdir, "run");
	netns_dir = path_join(tmpdir, "netns");
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_setup_teardown_no_leaks),
	        cmocka_unit_test(test_setup_failure_releases_lease),
	        cmocka_unit_test(test_systemd_fake_detection),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	/* namespaces a failed test left, then the shared bind mount of their directory */
	_cleanup_free_ char *um = xasprintf("umount %s/* %s", netns_dir, netns_dir);
	(void)shell_ok(um);
	(void)rm_rf_at(AT_FDCWD, tmpdir);
	free(conf);
	free(run);
	free(netns_dir);
	return r;
}
