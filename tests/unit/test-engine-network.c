/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container networking through the engine, as root with conmon, an OCI runtime and
 * netavark (exit 77 otherwise): a busybox httpd on a user network reached from the host's
 * 127.0.0.1 through a published port, a second container resolving it by alias through
 * aardvark-dns, /etc/hosts and inspect, and no leaked veth, iptables rule, lease or netns
 * after stop, rm -f and a SIGKILL followed by the exit command's cleanup. Everything stays
 * on loopback and on a bridge of the test's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/container-internal.h"
#include "engine/engine.h"
#include "engine/network.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "engine-test-image.h"
#include "banned.h"

static char *tmp_root;
static const char *subnet_re = "10\\.254\\.79\\.";

#define check(call, err)                                                                           \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("line %d: %s", __LINE__, (err) ? (err)->msg : "(no message)");    \
	} while (0)

static int run_sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long count(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	char line[64] = "";
	long v = -1;
	if (f && fgets(line, sizeof(line), f))
		v = strtol(line, NULL, 10);
	if (f)
		pclose(f);
	return v;
}

static struct engine *new_engine(void)
{
	_cleanup_free_ char *g = path_join(tmp_root, "graph");
	_cleanup_free_ char *r = path_join(tmp_root, "run");
	struct engine_options o = {.root = g, .runroot = r, .storage_driver = "vfs"};
	struct engine *e = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(engine_new(&o, &e, &err), err);
	return e;
}

/* localhost/bb: /bin/busybox with its applet links, a page under /www. */
static int make_image(void)
{
	_cleanup_free_ char *cmd = xasprintf(
	        "set -e; d=%s/rootfs; mkdir -p $d/bin $d/etc $d/tmp $d/proc $d/sys $d/dev $d/www; "
	        "cp /bin/busybox $d/bin/busybox; for a in $(/bin/busybox --list | grep -vx "
	        "busybox); do "
	        "ln -sf busybox $d/bin/$a; done; echo 'root:x:0:0:root:/root:/bin/sh' > "
	        "$d/etc/passwd; echo 'root:x:0:' > $d/etc/group; echo hello-cpod > "
	        "$d/www/index.html; "
	        "tar -C $d -cf %s/rootfs.tar .",
	        tmp_root, tmp_root);
	if (run_sh(cmd) != 0)
		return -1;
	_cleanup_(engine_freep) struct engine *e = new_engine();
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(e, &err);
	check(s ? 0 : -1, err);
	_cleanup_free_ char *tar = path_join(tmp_root, "rootfs.tar");
	check(engine_test_import_image(s, tar, "localhost/bb:latest",
	                               "{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],"
	                               "\"ExposedPorts\":{\"8080/tcp\":{}},\"WorkingDir\":\"/\"}",
	                               &err),
	      err);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cpod-engine-net-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	tmp_root = xstrdup(tmpl);
	return make_image();
}

static int teardown(void **state)
{
	(void)state;
	/* whatever a failed test left running: containers, then the networks */
	if (geteuid() == 0) {
		struct engine *e = new_engine();
		struct container **v = NULL;
		size_t n = 0;
		if (container_list(e, &v, &n, NULL) == 0) {
			for (size_t i = 0; i < n; i++) {
				struct container_remove_opts ro = {.force = true, .timeout = 0};
				(void)container_remove(e, v[i]->config.id, &ro, NULL);
			}
			container_list_free(v, n);
		}
		(void)engine_network_remove(e, "cpodnet", true, 0, NULL, NULL);
		(void)engine_network_remove(e, "cpodint", true, 0, NULL, NULL);
		engine_free(e);
	}
	_cleanup_free_ char *cmd = xasprintf("umount %s/run/netns/* %s/run/netns 2>/dev/null; "
	                                     "umount -R %s/graph/vfs 2>/dev/null; rm -rf %s",
	                                     tmp_root, tmp_root, tmp_root, tmp_root);
	(void)run_sh(cmd);
	free(tmp_root);
	return 0;
}

static void assert_no_leaks(struct engine *e, const char *bridge)
{
	_cleanup_free_ char *rules = xasprintf("iptables-save | grep -c '%s'", subnet_re);
	assert_int_equal(count(rules), 0);
	/* veths on our bridge: other containers on this host may come and go meanwhile */
	_cleanup_free_ char *veths =
	        xasprintf("ip -o link show master %s 2>/dev/null | wc -l", bridge);
	assert_int_equal(count(veths), 0);
	_cleanup_free_ char *ns = xasprintf("ls %s/run/netns | wc -l", tmp_root);
	assert_int_equal(count(ns), 0);
	_cleanup_free_ char *leases = xasprintf("cat %s/run/networks/ipam/*.json 2>/dev/null | "
	                                        "grep -c 10.254",
	                                        tmp_root);
	assert_int_equal(count(leases), 0);
	(void)e;
}

static struct container *create(struct engine *e, const char *name, char **cmd,
                                struct container_create_opts *o)
{
	o->image = "bb";
	o->name = name;
	o->command = cmd;
	o->stop_timeout = -1;
	struct container *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_create(e, o, &c, &err), err);
	return c;
}

static int wait_code(struct engine *e, const char *key)
{
	int code = -1;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_wait(e, key, 0, &code, &err), err);
	return code;
}

static void test_bridge_ports_dns_no_leaks(void **state)
{
	(void)state;
	if (geteuid() != 0 || access("/usr/bin/conmon", X_OK) != 0 ||
	    run_sh("command -v iptables-save >/dev/null") != 0)
		skip();
	setenv("CPOD_SELF", "/bin/true", 1);
	_cleanup_(engine_freep) struct engine *e = new_engine();
	_cleanup_error_ struct cpod_error *err = NULL;
	struct net_create_opts no = {.name = "cpodnet",
	                             .subnets = (char *[]){"10.254.79.0/24", NULL}};
	_cleanup_json_ json_t *net = NULL;
	check(engine_network_create(e, &no, &net, &err), err);
	const char *bridge = json_get_string(net, "network_interface");

	char *httpd[] = {"httpd", "-f", "-p", "8080", "-h", "/www", NULL};
	struct container_create_opts wo = {
	        .network = "cpodnet",
	        .network_aliases = (char *[]){"web", NULL},
	        .publish = (char *[]){"127.0.0.1::8080", NULL},
	};
	_cleanup_(container_freep) struct container *w = create(e, "websrv", httpd, &wo);
	check(container_start(e, "websrv", NULL, NULL, NULL, &err), err);
	_cleanup_strv_free_ char **lines = NULL;
	check(container_port_lines(e, "websrv", NULL, &lines, &err), err);
	assert_int_equal(strv_length(lines), 1);
	const char *colon = strrchr(lines[0], ':');
	assert_non_null(colon);
	assert_true(strncmp(lines[0], "8080/tcp -> 127.0.0.1:", 22) == 0);
	_cleanup_free_ char *wget = xasprintf("for i in 1 2 3 4 5 6 7 8 9 10; do curl -s "
	                                      "-m 2 http://127.0.0.1:%s/ | grep -q hello-cpod "
	                                      "&& exit 0; sleep 0.2; done; exit 1",
	                                      colon + 1);
	assert_int_equal(run_sh(wget), 0);

	/* inspect: the address on the network, the published port, the aliases */
	_cleanup_(container_freep) struct container *wc = NULL;
	check(container_lookup(e, "websrv", &wc, &err), err);
	_cleanup_json_ json_t *insp = NULL;
	check(container_inspect_json(e, wc, false, &insp, &err), err);
	json_t *ns = json_object_get(insp, "NetworkSettings");
	json_t *nn = json_object_get(json_object_get(ns, "Networks"), "cpodnet");
	assert_string_equal(json_get_string(nn, "IPAddress"), "10.254.79.2");
	assert_string_equal(json_get_string(nn, "Gateway"), "10.254.79.1");
	assert_int_equal(json_integer_value(json_object_get(nn, "IPPrefixLen")), 24);
	assert_string_equal(json_string_value(json_array_get(json_object_get(nn, "Aliases"), 0)),
	                    "web");
	assert_non_null(json_object_get(json_object_get(ns, "Ports"), "8080/tcp"));
	_cleanup_free_ char *rd = container_userdata_dir(e, wc->config.id, true);
	_cleanup_free_ char *hosts_path = path_join(rd, "hosts");
	_cleanup_free_ char *hosts = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, hosts_path, 1 << 16, &hosts, NULL), 0);
	assert_non_null(strstr(hosts, "10.254.79.2\t"));
	assert_non_null(strstr(hosts, "10.254.79.1\thost.containers.internal"));

	/* a second container finds the first by alias and by name through aardvark-dns */
	char *client[] = {
	        "sh", "-c",
	        "grep -q 'nameserver 10.254.79.1' /etc/resolv.conf || exit 11; "
	        "ip=$(nslookup web | awk '/^Address: /{print $2}' | tail -1); "
	        "[ \"$ip\" = 10.254.79.2 ] || exit 12; "
	        "nslookup websrv | grep -q 'Address: 10.254.79.2' || exit 13; "
	        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 $ip 8080 | grep -q hello-cpod "
	        "|| exit 14",
	        NULL};
	struct container_create_opts co = {.network = "cpodnet"};
	_cleanup_(container_freep) struct container *cl = create(e, "client", client, &co);
	check(container_start(e, "client", NULL, NULL, NULL, &err), err);
	int ccode = wait_code(e, "client");
	if (ccode != 0) {
		_cleanup_(container_freep) struct container *lc = NULL;
		check(container_lookup(e, "client", &lc, &err), err);
		_cleanup_free_ char *log = NULL;
		(void)read_file_at(AT_FDCWD, lc->config.log_path, 1 << 16, &log, NULL);
		fail_msg("client exit %d: %s", ccode, log ? log : "");
	}
	check(container_cleanup(e, "client", &err), err);

	/* an internal network: no route out of it, not even to the host's other bridge */
	struct net_create_opts io = {
	        .name = "cpodint", .internal = true, .subnets = (char *[]){"10.254.80.0/24", NULL}};
	_cleanup_json_ json_t *inet = NULL;
	check(engine_network_create(e, &io, &inet, &err), err);
	_cleanup_free_ char *reach =
	        xstrdup("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 10.254.79.2 8080 | "
	                "grep -q hello-cpod");
	char *iso[] = {"sh", "-c", reach, NULL};
	struct container_create_opts isoo = {.network = "cpodint"};
	_cleanup_(container_freep) struct container *ic = create(e, "isolated", iso, &isoo);
	check(container_start(e, "isolated", NULL, NULL, NULL, &err), err);
	assert_true(wait_code(e, "isolated") != 0);
	check(container_cleanup(e, "isolated", &err), err);

	/* restart keeps the published port working */
	check(container_restart(e, "websrv", 1, &err), err);
	strv_free(lines);
	lines = NULL;
	check(container_port_lines(e, "websrv", NULL, &lines, &err), err);
	assert_int_equal(strv_length(lines), 1);
	colon = strrchr(lines[0], ':');
	free(wget);
	wget = xasprintf("for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -m 2 "
	                 "http://127.0.0.1:%s/ | grep -q hello-cpod && exit 0; sleep 0.2; done; "
	                 "exit 1",
	                 colon + 1);
	assert_int_equal(run_sh(wget), 0);

	/* SIGKILL, then what conmon's exit command does */
	_cleanup_(container_freep) struct container *k = NULL;
	check(container_lookup(e, "websrv", &k, &err), err);
	assert_int_equal(kill(k->state.pid, SIGKILL), 0);
	assert_int_equal(wait_code(e, "websrv"), 137);
	check(container_cleanup(e, "websrv", &err), err);
	assert_no_leaks(e, bridge);

	/* start again, then rm -f */
	check(container_start(e, "websrv", NULL, NULL, NULL, &err), err);
	struct container_remove_opts ro = {.force = true, .timeout = 0};
	check(container_remove(e, "websrv", &ro, &err), err);
	assert_no_leaks(e, bridge);

	/* network rm: in use without -f, then removed with its containers */
	_cleanup_(container_freep) struct container *w2 = create(e, "w2", httpd, &wo);
	check(container_start(e, "w2", NULL, NULL, NULL, &err), err);
	assert_int_equal(engine_network_remove(e, "cpodnet", false, 0, NULL, &err), -EBUSY);
	cpod_error_free(TAKE_PTR(err));
	check(engine_network_remove(e, "cpodnet", true, 0, NULL, &err), err);
	assert_no_leaks(e, bridge);
	_cleanup_strv_free_ char **pruned = NULL;
	struct container_remove_opts rx = {.force = true, .timeout = 0};
	/* the client was on cpodnet: network rm -f removed it too */
	_cleanup_(container_freep) struct container *gone = NULL;
	assert_int_equal(container_lookup(e, "client", &gone, NULL), -ENOENT);
	check(container_remove(e, "isolated", &rx, &err), err);
	check(engine_network_prune(e, NULL, &pruned, &err), err);
	assert_true(strv_contains(pruned, "cpodint"));
}

static bool in_netns_has(struct engine *e, const char *name, const char *what)
{
	_cleanup_(container_freep) struct container *c = NULL;
	if (container_lookup(e, name, &c, NULL) < 0)
		return false;
	_cleanup_free_ char *cmd = xasprintf(
	        "nsenter --net=/proc/%d/ns/net ip -o addr | grep -q '%s'", (int)c->state.pid, what);
	return run_sh(cmd) == 0;
}

static void test_connect_disconnect_reload(void **state)
{
	(void)state;
	if (geteuid() != 0 || access("/usr/bin/conmon", X_OK) != 0 ||
	    run_sh("command -v iptables-save nsenter >/dev/null") != 0)
		skip();
	setenv("CPOD_SELF", "/bin/true", 1);
	_cleanup_(engine_freep) struct engine *e = new_engine();
	_cleanup_error_ struct cpod_error *err = NULL;
	struct net_create_opts a = {.name = "cpodnet",
	                            .subnets = (char *[]){"10.254.79.0/24", NULL}};
	struct net_create_opts b = {.name = "cpodint",
	                            .subnets = (char *[]){"10.254.80.0/24", NULL}};
	_cleanup_json_ json_t *na = NULL, *nb = NULL;
	check(engine_network_create(e, &a, &na, &err), err);
	check(engine_network_create(e, &b, &nb, &err), err);
	const char *bridge = json_get_string(na, "network_interface");
	char *httpd[] = {"httpd", "-f", "-p", "8080", "-h", "/www", NULL};
	struct container_create_opts o = {.network = "cpodnet",
	                                  .publish = (char *[]){"127.0.0.1::8080", NULL}};
	_cleanup_(container_freep) struct container *c = create(e, "multi", httpd, &o);
	check(container_start(e, "multi", NULL, NULL, NULL, &err), err);
	assert_true(in_netns_has(e, "multi", "eth0 .*10.254.79.2/24"));

	struct engine_network_connect_opts co = {.aliases = (char *[]){"second", NULL},
	                                         .ip = "10.254.80.77"};
	check(engine_network_connect(e, "multi", "cpodint", &co, &err), err);
	assert_true(in_netns_has(e, "multi", "eth1 .*10.254.80.77/24"));
	assert_int_equal(engine_network_connect(e, "multi", "cpodint", &co, &err), -EEXIST);
	cpod_error_free(TAKE_PTR(err));

	/* a lease a killed cpod left for the container (no state saved) is freed at next setup */
	_cleanup_free_ char *ipam = xasprintf("%s/run/networks/ipam/cpodint.json", tmp_root);
	_cleanup_(container_freep) struct container *c2 =
	        create(e, "second", httpd, &(struct container_create_opts){.network = "cpodint"});
	_cleanup_free_ char *stale2 = xasprintf(
	        "{\"10.254.80.200\":\"%s\",\"10.254.80.77\":\"%s\"}", c2->config.id, c->config.id);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, ipam, stale2, strlen(stale2), 0600, false),
	                 0);
	check(container_start(e, "second", NULL, NULL, NULL, &err), err);
	_cleanup_free_ char *leases = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, ipam, 1 << 16, &leases, NULL), 0);
	assert_null(strstr(leases, "10.254.80.200"));
	assert_non_null(strstr(leases, "10.254.80.77"));
	check(container_remove(e, "second", &(struct container_remove_opts){.force = true}, &err),
	      err);

	/* reload keeps addresses and does not duplicate rules */
	_cleanup_free_ char *rules = xasprintf("iptables-save | grep -c '%s'", subnet_re);
	long before = count(rules);
	_cleanup_strv_free_ char **ids = NULL;
	check(engine_network_reload(e, NULL, true, &ids, &err), err);
	assert_int_equal(strv_length(ids), 1);
	assert_int_equal(count(rules), before);
	assert_true(in_netns_has(e, "multi", "10.254.79.2/24"));

	check(engine_network_disconnect(e, "multi", "cpodint", &err), err);
	assert_false(in_netns_has(e, "multi", "10.254.80.77"));
	assert_int_equal(engine_network_disconnect(e, "multi", "cpodint", &err), -ENOENT);
	cpod_error_free(TAKE_PTR(err));
	/* connected again while running, then everything goes at rm -f */
	check(engine_network_connect(e, "multi", "cpodint", NULL, &err), err);
	struct container_remove_opts ro = {.force = true, .timeout = 0};
	check(container_remove(e, "multi", &ro, &err), err);
	assert_no_leaks(e, bridge);
	_cleanup_free_ char *other = xasprintf("iptables-save | grep -c '10\\.254\\.80\\.'");
	assert_int_equal(count(other), 0);
	check(engine_network_remove(e, "cpodnet", false, 0, NULL, &err), err);
	check(engine_network_remove(e, "cpodint", false, 0, NULL, &err), err);
}

int main(void)
{
	/*
	 * One real-kernel network test at a time on this machine: they use fixed subnets and
	 * names, and several builds may run the unit tests at once.
	 */
	int lockfd = open("/tmp/cpod-network-tests.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd >= 0)
		(void)flock(lockfd, LOCK_EX);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bridge_ports_dns_no_leaks),
	        cmocka_unit_test(test_connect_disconnect_reload),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
