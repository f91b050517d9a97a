/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/cgroup-stats.h"
#include "runtime/isolation.h"
#include "runtime/top.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static struct isolation_host full_host(void)
{
	return (struct isolation_host){
	        .mode = CGROUP_MODE_HYBRID,
	        .cpus = 2,
	        .memory = true,
	        .swap = true,
	        .cpu_shares = true,
	        .cpu_cfs = true,
	        .cpuset = true,
	        .pids = true,
	        .blkio_weight = true,
	        .blkio_throttle = true,
	        .cpuset_cpus_available = (char *)"0-1",
	        .cpuset_mems_available = (char *)"0",
	};
}

static char *build_err(const struct isolation_opts *o, const struct isolation_host *h)
{
	struct cpod_error *err = NULL;
	json_t *cfg = NULL;
	int r = isolation_build(o, h, &cfg, NULL, &err);
	assert_true(r < 0);
	assert_null(cfg);
	char *msg = xstrdup(err->msg);
	cpod_error_free(err);
	return msg;
}

static json_t *build_ok(const struct isolation_opts *o, const struct isolation_host *h,
                        char ***warnings)
{
	struct cpod_error *err = NULL;
	json_t *cfg = NULL;
	int r = isolation_build(o, h, &cfg, warnings, &err);
	if (r < 0)
		fail_msg("isolation_build: %s", err->msg);
	return cfg;
}

static void test_isolation_parse_size(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(isolation_parse_size("512m", false, &v), 0);
	assert_int_equal(v, 512 * 1024 * 1024);
	assert_int_equal(isolation_parse_size("1g", false, &v), 0);
	assert_int_equal(v, 1073741824);
	assert_int_equal(isolation_parse_size("1.5k", false, &v), 0);
	assert_int_equal(v, 1536);
	assert_int_equal(isolation_parse_size("100", false, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(isolation_parse_size("10MiB", false, &v), 0);
	assert_int_equal(v, 10 * 1024 * 1024);
	assert_int_equal(isolation_parse_size("-1", true, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(isolation_parse_size("-1", false, &v), -EINVAL);
	assert_int_equal(isolation_parse_size("abc", false, &v), -EINVAL);
	assert_int_equal(isolation_parse_size("1x", false, &v), -EINVAL);
	assert_int_equal(isolation_parse_size("", false, &v), -EINVAL);
	assert_int_equal(isolation_parse_size("99999999999p", false, &v), -ERANGE);
}

static void test_isolation_parse_cpus_and_cpuset(void **state)
{
	(void)state;
	int64_t n;
	assert_int_equal(isolation_parse_cpus("1.5", &n), 0);
	assert_int_equal(n, 1500000000);
	assert_int_equal(isolation_parse_cpus("0.01", &n), 0);
	assert_int_equal(n, 10000000);
	assert_int_equal(isolation_parse_cpus("x", &n), -EINVAL);
	assert_int_equal(isolation_parse_cpus("-1", &n), -EINVAL);
	assert_int_equal(isolation_parse_cpuset("0-2,4"), 0);
	assert_int_equal(isolation_parse_cpuset("abc"), -EINVAL);
	assert_int_equal(isolation_parse_cpuset("3-1"), -EINVAL);
	assert_int_equal(isolation_parse_cpuset("1,"), -EINVAL);
	assert_true(isolation_cpuset_subset("0,1", "0-1"));
	assert_false(isolation_cpuset_subset("7", "0-1"));
}

static void test_isolation_parse_device(void **state)
{
	(void)state;
	struct isolation_device d = {0};
	struct cpod_error *err = NULL;
	assert_int_equal(isolation_parse_device("/dev/null", &d, &err), 0);
	assert_string_equal(d.dst, "/dev/null");
	assert_string_equal(d.perms, "rwm");
	isolation_device_release(&d);
	assert_int_equal(isolation_parse_device("/dev/null:/dev/foo:r", &d, &err), 0);
	assert_string_equal(d.src, "/dev/null");
	assert_string_equal(d.dst, "/dev/foo");
	assert_string_equal(d.perms, "r");
	isolation_device_release(&d);
	assert_int_equal(isolation_parse_device("/dev/null:rw", &d, &err), 0);
	assert_string_equal(d.dst, "/dev/null");
	assert_string_equal(d.perms, "rw");
	isolation_device_release(&d);
	assert_int_equal(isolation_parse_device("/dev/null:/dev/foo:rwx", &d, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid device mode: rwx");
	err = cpod_error_free(err);
	assert_int_equal(isolation_parse_device("/dev/null:rr", &d, &err), -EINVAL);
	err = cpod_error_free(err);
	assert_int_equal(isolation_parse_device(":/x", &d, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid device specification: :/x");
	cpod_error_free(err);
}

static void test_isolation_parse_cgroup_rule(void **state)
{
	(void)state;
	json_t *rule = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(isolation_parse_cgroup_rule("c 1:3 rwm", &rule, &err), 0);
	assert_string_equal(json_get_string(rule, "type"), "c");
	assert_int_equal(json_integer_value(json_object_get(rule, "major")), 1);
	assert_int_equal(json_integer_value(json_object_get(rule, "minor")), 3);
	assert_string_equal(json_get_string(rule, "access"), "rwm");
	json_decref(rule);
	assert_int_equal(isolation_parse_cgroup_rule("b 8:* r", &rule, &err), 0);
	assert_null(json_object_get(rule, "minor"));
	json_decref(rule);
	assert_int_equal(isolation_parse_cgroup_rule("junk", &rule, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid device cgroup rule requires type, major:Minor, "
	                              "and access rules: \"junk\"");
	err = cpod_error_free(err);
	assert_int_equal(isolation_parse_cgroup_rule("x 1:3 rwm", &rule, &err), -EINVAL);
	err = cpod_error_free(err);
	assert_int_equal(isolation_parse_cgroup_rule("c 1:3 rwq", &rule, &err), -EINVAL);
	cpod_error_free(err);
}

static void test_isolation_sysctl_namespace(void **state)
{
	(void)state;
	assert_int_equal(isolation_sysctl_namespace("net.ipv4.ip_forward"), SYSCTL_NS_NET);
	assert_int_equal(isolation_sysctl_namespace("kernel.shmmax"), SYSCTL_NS_IPC);
	assert_int_equal(isolation_sysctl_namespace("kernel.sem"), SYSCTL_NS_IPC);
	assert_int_equal(isolation_sysctl_namespace("fs.mqueue.msg_max"), SYSCTL_NS_IPC);
	assert_int_equal(isolation_sysctl_namespace("kernel.domainname"), SYSCTL_NS_UTS);
	assert_int_equal(isolation_sysctl_namespace("kernel.foo"), SYSCTL_NS_NOT_ALLOWED);
	assert_int_equal(isolation_sysctl_namespace("vm.swappiness"), SYSCTL_NS_NOT_ALLOWED);
	assert_int_equal(isolation_sysctl_namespace("net."), SYSCTL_NS_NOT_ALLOWED);
}

static void test_isolation_build_memory(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	struct isolation_opts o = {.memory = "100m"};
	json_t *cfg = build_ok(&o, &h, NULL);
	json_t *mem = json_object_get(json_object_get(cfg, "resources"), "memory");
	assert_int_equal(json_integer_value(json_object_get(mem, "limit")), 104857600);
	/* Podman allows as much swap again when only --memory is given */
	assert_int_equal(json_integer_value(json_object_get(mem, "swap")), 209715200);
	json_decref(cfg);

	o = (struct isolation_opts){.memory_swap = "200m"};
	char *m = build_err(&o, &h);
	assert_string_equal(m, "you should always set a memory limit when using a memoryswap "
	                       "limit, see usage");
	free(m);
	o = (struct isolation_opts){.memory = "100m", .memory_swap = "50m"};
	m = build_err(&o, &h);
	assert_string_equal(m, "minimum memoryswap limit should be larger than memory limit, "
	                       "see usage");
	free(m);
	o = (struct isolation_opts){.memory = "abc"};
	m = build_err(&o, &h);
	assert_string_equal(m, "invalid value for memory: invalid size: 'abc'");
	free(m);
	o = (struct isolation_opts){.memory_swappiness = "200"};
	m = build_err(&o, &h);
	assert_string_equal(m, "invalid value: 200, valid memory swappiness range is 0-100");
	free(m);

	/* no swap accounting: the swap limit is dropped with Podman's warning */
	h.swap = false;
	char **w = NULL;
	o = (struct isolation_opts){.memory = "100m", .memory_swap = "300m"};
	cfg = build_ok(&o, &h, &w);
	mem = json_object_get(json_object_get(cfg, "resources"), "memory");
	assert_null(json_object_get(mem, "swap"));
	assert_int_equal(strv_length(w), 1);
	assert_string_equal(w[0], "Your kernel does not support swap limit capabilities,or the "
	                          "cgroup is not mounted. Memory limited without swap.");
	strv_free(w);
	json_decref(cfg);
}

static void test_isolation_build_cpu(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	struct isolation_opts o = {.cpus = "1.5", .cpu_shares = "512", .cpuset_cpus = "0"};
	json_t *cfg = build_ok(&o, &h, NULL);
	json_t *cpu = json_object_get(json_object_get(cfg, "resources"), "cpu");
	assert_int_equal(json_integer_value(json_object_get(cpu, "quota")), 150000);
	assert_int_equal(json_integer_value(json_object_get(cpu, "period")), 100000);
	assert_int_equal(json_integer_value(json_object_get(cpu, "shares")), 512);
	assert_string_equal(json_get_string(cpu, "cpus"), "0");
	assert_int_equal(json_integer_value(json_object_get(cfg, "nanoCpus")), 1500000000);
	json_decref(cfg);

	o = (struct isolation_opts){.cpus = "5"};
	char *m = build_err(&o, &h);
	assert_string_equal(m, "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs "
	                       "available");
	free(m);
	o = (struct isolation_opts){.cpuset_cpus = "7"};
	m = build_err(&o, &h);
	assert_string_equal(m, "requested CPUs are not available - requested 7, available: 0-1");
	free(m);
	o = (struct isolation_opts){.cpuset_cpus = "abc"};
	m = build_err(&o, &h);
	assert_string_equal(m, "invalid value abc for cpuset cpus");
	free(m);
	o = (struct isolation_opts){.blkio_weight = "5"};
	m = build_err(&o, &h);
	assert_string_equal(m, "range of blkio weight is from 10 to 1000");
	free(m);

	h.blkio_weight = false;
	char **w = NULL;
	o = (struct isolation_opts){.blkio_weight = "500", .pids_limit = "100"};
	cfg = build_ok(&o, &h, &w);
	assert_string_equal(w[0], "Your kernel does not support Block I/O weight or the cgroup "
	                          "is not mounted. Weight discarded.");
	json_t *pids = json_object_get(json_object_get(cfg, "resources"), "pids");
	assert_int_equal(json_integer_value(json_object_get(pids, "limit")), 100);
	strv_free(w);
	json_decref(cfg);
}

static void test_isolation_build_devices(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	char *devs[] = {(char *)"/dev/null:/dev/mynull:rw", NULL};
	char *rules[] = {(char *)"c 42:* rwm", NULL};
	struct isolation_opts o = {.devices = devs, .device_cgroup_rules = rules};
	json_t *cfg = build_ok(&o, &h, NULL);
	json_t *d = json_array_get(json_object_get(cfg, "devices"), 0);
	assert_string_equal(json_get_string(d, "path"), "/dev/mynull");
	assert_int_equal(json_integer_value(json_object_get(d, "major")), 1);
	assert_int_equal(json_integer_value(json_object_get(d, "minor")), 3);
	json_t *rl = json_object_get(json_object_get(cfg, "resources"), "devices");
	assert_int_equal(json_array_size(rl), 2);
	assert_string_equal(json_get_string(json_array_get(rl, 0), "access"), "rw");
	json_decref(cfg);

	char *bad[] = {(char *)"/dev/nope-cpod", NULL};
	o = (struct isolation_opts){.devices = bad};
	char *m = build_err(&o, &h);
	assert_string_equal(m, "stat /dev/nope-cpod: no such file or directory");
	free(m);
	char *notdev[] = {(char *)"/etc/passwd", NULL};
	o = (struct isolation_opts){.devices = notdev};
	m = build_err(&o, &h);
	assert_string_equal(m, "/etc/passwd is not a valid device: not a device node");
	free(m);
}

static void test_isolation_build_security(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	char *add[] = {(char *)"net_admin", NULL};
	char *drop[] = {(char *)"ALL", NULL};
	char *sec[] = {(char *)"seccomp=unconfined", (char *)"no-new-privileges",
	               (char *)"unmask=/proc/kcore", (char *)"label=disable", NULL};
	char *sysctls[] = {(char *)"net.ipv4.ip_forward=1", (char *)"kernel.shmmax=1000", NULL};
	struct isolation_opts o = {.cap_add = add,
	                           .cap_drop = drop,
	                           .security_opts = sec,
	                           .sysctls = sysctls,
	                           .pid = "host",
	                           .ipc = "private"};
	json_t *cfg = build_ok(&o, &h, NULL);
	assert_string_equal(json_get_string(cfg, "seccomp"), "unconfined");
	assert_true(json_is_true(json_object_get(cfg, "noNewPrivileges")));
	assert_true(json_is_true(json_object_get(cfg, "labelDisable")));
	assert_string_equal(json_get_string(cfg, "pid"), "host");
	json_decref(cfg);

	char *foo[] = {(char *)"FOO", NULL};
	o = (struct isolation_opts){.cap_add = foo};
	char *m = build_err(&o, &h);
	assert_string_equal(m, "\"CAP_FOO\": unknown capability");
	free(m);
	char *bad_sysctl[] = {(char *)"kernel.foo=1", NULL};
	o = (struct isolation_opts){.sysctls = bad_sysctl};
	m = build_err(&o, &h);
	assert_string_equal(m, "sysctl 'kernel.foo' is not allowed");
	free(m);
	char *net_sysctl[] = {(char *)"net.ipv4.ip_forward=1", NULL};
	o = (struct isolation_opts){.sysctls = net_sysctl, .network = "host"};
	m = build_err(&o, &h);
	assert_string_equal(m, "sysctl net.ipv4.ip_forward=1 can't be set since Network "
	                       "Namespace set to host: invalid argument");
	free(m);
	char *bad_sec[] = {(char *)"foo", NULL};
	o = (struct isolation_opts){.security_opts = bad_sec};
	m = build_err(&o, &h);
	assert_string_equal(m, "invalid --security-opt 1: \"foo\"");
	free(m);
	o = (struct isolation_opts){.pid = "foo"};
	m = build_err(&o, &h);
	assert_string_equal(m, "unrecognized namespace mode foo passed");
	free(m);
	o = (struct isolation_opts){.cgroups = "bad"};
	m = build_err(&o, &h);
	assert_string_equal(m, "running container create option: invalid cgroup mode \"bad\": "
	                       "invalid argument");
	free(m);
	o = (struct isolation_opts){.userns = "keep-id"};
	m = build_err(&o, &h);
	assert_string_equal(m, "keep-id is only supported in rootless mode");
	free(m);
}

static void test_isolation_userns_maps(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	char *um[] = {(char *)"0:100000:65536", NULL};
	struct isolation_opts o = {.uidmap = um};
	json_t *cfg = build_ok(&o, &h, NULL);
	json_t *g = json_array_get(json_object_get(cfg, "gidMappings"), 0);
	assert_int_equal(json_integer_value(json_object_get(g, "hostID")), 100000);
	assert_int_equal(json_integer_value(json_object_get(g, "size")), 65536);
	json_decref(cfg);
	o = (struct isolation_opts){.uidmap = um, .userns = "host"};
	char *m = build_err(&o, &h);
	assert_string_equal(m, "--userns and --uidmap/--gidmap/--subuidname/--subgidname are "
	                       "mutually exclusive");
	free(m);
	char *bad[] = {(char *)"0:1", NULL};
	o = (struct isolation_opts){.uidmap = bad};
	m = build_err(&o, &h);
	assert_string_equal(m, "invalid mapping \"0:1\"");
	free(m);
}

static void test_isolation_apply_spec(void **state)
{
	(void)state;
	struct isolation_host h = full_host();
	char *um[] = {(char *)"0:100000:65536", NULL};
	char *sec[] = {(char *)"unmask=ALL", (char *)"mask=/secret", NULL};
	struct isolation_opts o = {
	        .memory = "64m", .uidmap = um, .security_opts = sec, .uts = "ns:/proc/1/ns/uts"};
	json_t *cfg = build_ok(&o, &h, NULL);
	json_t *spec =
	        json_pack("{s:{s:[{s:s}], s:{s:[{s:b,s:s}]}, s:[s], s:[s]}}", "linux", "namespaces",
	                  "type", "uts", "resources", "devices", "allow", 0, "access", "rwm",
	                  "maskedPaths", "/proc/kcore", "readonlyPaths", "/proc/sys");
	struct cpod_error *err = NULL;
	assert_int_equal(isolation_apply_spec(cfg, spec, &err), 0);
	json_t *lx = json_object_get(spec, "linux");
	json_t *mem = json_object_get(json_object_get(lx, "resources"), "memory");
	assert_int_equal(json_integer_value(json_object_get(mem, "limit")), 64 << 20);
	assert_int_equal(json_array_size(json_object_get(lx, "uidMappings")), 1);
	assert_null(json_object_get(lx, "readonlyPaths"));
	json_t *masked = json_object_get(lx, "maskedPaths");
	assert_int_equal(json_array_size(masked), 1);
	assert_string_equal(json_string_value(json_array_get(masked, 0)), "/secret");
	json_t *nss = json_object_get(lx, "namespaces");
	assert_int_equal(json_array_size(nss), 2);
	assert_string_equal(json_get_string(json_array_get(nss, 0), "path"), "/proc/1/ns/uts");
	assert_string_equal(json_get_string(json_array_get(nss, 1), "type"), "user");
	json_decref(spec);
	json_decref(cfg);
}

/* ---- stats -------------------------------------------------------------------------------- */

static void test_cgroup_path_of(void **state)
{
	(void)state;
	const char *v1 = "12:pids:/cpod_parent/cpod-x\n"
	                 "5:cpu,cpuacct:/cpod_parent/cpod-x\n"
	                 "4:memory:/cpod_parent/cpod-x\n"
	                 "0::/\n";
	char *p = cgroup_path_of(v1, "cpuacct");
	assert_string_equal(p, "/cpod_parent/cpod-x");
	free(p);
	p = cgroup_path_of(v1, NULL);
	assert_string_equal(p, "/");
	free(p);
	assert_null(cgroup_path_of(v1, "blkio"));
	assert_null(cgroup_path_of("4:memory:/../x\n", "memory"));
}

static void test_cgroup_parsers(void **state)
{
	(void)state;
	uint64_t a, b;
	cgroup_net_dev_parse("Inter-|   Receive\n face |bytes\n"
	                     "    lo:  100 1 0 0 0 0 0 0  100 1 0 0 0 0 0 0\n"
	                     "  eth0: 2000 5 0 0 0 0 0 0  300 4 0 0 0 0 0 0\n",
	                     &a, &b);
	assert_int_equal(a, 2000);
	assert_int_equal(b, 300);
	cgroup_blkio_v1_parse("8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\nTotal 4608\n"
	                      "8:16 Read 4\n",
	                      &a, &b);
	assert_int_equal(a, 4100);
	assert_int_equal(b, 512);
	cgroup_io_v2_parse("8:0 rbytes=100 wbytes=20 rios=1 wios=1\n8:16 rbytes=1 wbytes=2\n", &a,
	                   &b);
	assert_int_equal(a, 101);
	assert_int_equal(b, 22);
}

static void put(const char *root, const char *rel, const char *text)
{
	_cleanup_free_ char *p = path_join(root, rel);
	_cleanup_free_ char *dir = xstrdup(p);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, text, strlen(text), 0644, false), 0);
}

static void test_cgroup_stats_read_fixture(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cpod-stats-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	put(tmpl, "proc/42/cgroup", "7:memory:/c\n5:cpu,cpuacct:/c\n3:pids:/c\n2:blkio:/c\n");
	put(tmpl, "proc/42/net/dev", "h\nh\n eth0: 10 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0\n");
	put(tmpl, "sys/fs/cgroup/memory/c/memory.usage_in_bytes", "1048576\n");
	put(tmpl, "sys/fs/cgroup/memory/c/memory.limit_in_bytes", "9223372036854771712\n");
	put(tmpl, "sys/fs/cgroup/cpuacct/c/cpuacct.usage", "123456789\n");
	put(tmpl, "sys/fs/cgroup/cpuacct/c/cpuacct.stat", "user 5\nsystem 7\n");
	put(tmpl, "sys/fs/cgroup/pids/c/pids.current", "3\n");
	put(tmpl, "sys/fs/cgroup/pids/c/pids.max", "max\n");
	put(tmpl, "sys/fs/cgroup/blkio/c/blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 10\n8:0 Write 20\n");
	struct cgroup_stats s;
	struct cpod_error *err = NULL;
	assert_int_equal(cgroup_stats_read(tmpl, CGROUP_MODE_HYBRID, 42, &s, &err), 0);
	assert_int_equal(s.mem_usage, 1048576);
	assert_int_equal(s.mem_limit, 0);
	assert_int_equal(s.cpu_ns, 123456789);
	assert_int_equal(s.pids, 3);
	assert_int_equal(s.pids_limit, 0);
	assert_int_equal(s.blk_read, 10);
	assert_int_equal(s.blk_write, 20);
	assert_int_equal(s.net_rx, 10);
	assert_int_equal(s.net_tx, 20);

	put(tmpl, "proc/43/cgroup", "0::/ctr\n");
	put(tmpl, "sys/fs/cgroup/ctr/cpu.stat", "usage_usec 1500\nuser_usec 1000\n");
	put(tmpl, "sys/fs/cgroup/ctr/memory.current", "4096\n");
	put(tmpl, "sys/fs/cgroup/ctr/memory.max", "8192\n");
	assert_int_equal(cgroup_stats_read(tmpl, CGROUP_MODE_UNIFIED, 43, &s, &err), 0);
	assert_int_equal(s.cpu_ns, 1500000);
	assert_int_equal(s.mem_limit, 8192);
	assert_int_equal(cgroup_stats_read(tmpl, CGROUP_MODE_UNIFIED, 44, &s, &err), -ESRCH);
	cpod_error_free(err);
	rm_rf_at(AT_FDCWD, tmpl);
}

static void test_stats_maths(void **state)
{
	(void)state;
	/* half a CPU second over one second of wall time */
	assert_true(stats_cpu_percent(1500000000, 2000000000, 1000000000, 1000000000) == 50.0);
	assert_true(stats_cpu_percent(5, 10, 6, 1) == 0.0);
	assert_true(stats_cpu_percent(5, 1, 0, 1) == 0.0);
	assert_true(stats_mem_percent(25, 100) == 25.0);
	assert_true(stats_mem_percent(25, 0) == 0.0);
	static const struct {
		int64_t ns;
		const char *s;
	} d[] = {
	        {0, "0s"},
	        {999, "999ns"},
	        {1500, "1.5\xc2\xb5s"},
	        {12345678, "12.345678ms"},
	        {1500000000, "1.5s"},
	        {123500000000, "2m3.5s"},
	        {3600000000000, "1h0m0s"},
	        {-2000000000, "-2s"},
	};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		char *s = stats_go_duration(d[i].ns);
		assert_string_equal(s, d[i].s);
		free(s);
	}
}

/* ---- top ---------------------------------------------------------------------------------- */

static void test_top_parse_descriptors(void **state)
{
	(void)state;
	char **d = NULL;
	assert_true(top_parse_descriptors(NULL, &d));
	_cleanup_free_ char *j = strv_join(d, ",");
	assert_string_equal(j, "user,pid,ppid,pcpu,etime,tty,time,args");
	strv_free(d);
	char *args[] = {(char *)"pid,%C", (char *)"hpid capeff", NULL};
	assert_true(top_parse_descriptors(args, &d));
	_cleanup_free_ char *j2 = strv_join(d, ",");
	assert_string_equal(j2, "pid,pcpu,hpid,capeff");
	strv_free(d);
	char *ps[] = {(char *)"-eo", (char *)"pid", NULL};
	assert_false(top_parse_descriptors(ps, &d));
	assert_null(d);
	assert_string_equal(top_header("pcpu"), "%CPU");
	assert_string_equal(top_header("%t"), "ELAPSED");
	assert_null(top_header("bogus"));
}

static void test_top_collect_self(void **state)
{
	(void)state;
	/* our own pid namespace: we must find ourselves with our pid */
	char *d[] = {(char *)"pid",
	             (char *)"hpid",
	             (char *)"comm",
	             (char *)"capeff",
	             (char *)"seccomp",
	             (char *)"user",
	             NULL};
	json_t *rows = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(top_collect(&(struct top_options){0}, getpid(), d, &rows, &err), 0);
	json_t *hdr = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_array_get(hdr, 0)), "PID");
	assert_string_equal(json_string_value(json_array_get(hdr, 3)), "EFFECTIVE CAPS");
	_cleanup_free_ char *me = xasprintf("%d", (int)getpid());
	bool found = false;
	for (size_t i = 1; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);
		if (strcmp(json_string_value(json_array_get(r, 1)), me) == 0)
			found = true;
	}
	assert_true(found);
	json_decref(rows);
	assert_int_equal(top_collect(&(struct top_options){0}, 0x7ffffff0, d, &rows, &err), -ESRCH);
	cpod_error_free(err);
	char *args[] = {(char *)"-ef", NULL};
	char **argv = top_ps_argv(12, args);
	_cleanup_free_ char *j = strv_join(argv, " ");
	assert_string_equal(j, "nsenter --target 12 --mount --pid --root --wd -- ps -ef");
	strv_free(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_isolation_parse_size),
	        cmocka_unit_test(test_isolation_parse_cpus_and_cpuset),
	        cmocka_unit_test(test_isolation_parse_device),
	        cmocka_unit_test(test_isolation_parse_cgroup_rule),
	        cmocka_unit_test(test_isolation_sysctl_namespace),
	        cmocka_unit_test(test_isolation_build_memory),
	        cmocka_unit_test(test_isolation_build_cpu),
	        cmocka_unit_test(test_isolation_build_devices),
	        cmocka_unit_test(test_isolation_build_security),
	        cmocka_unit_test(test_isolation_userns_maps),
	        cmocka_unit_test(test_isolation_apply_spec),
	        cmocka_unit_test(test_cgroup_path_of),
	        cmocka_unit_test(test_cgroup_parsers),
	        cmocka_unit_test(test_cgroup_stats_read_fixture),
	        cmocka_unit_test(test_stats_maths),
	        cmocka_unit_test(test_top_parse_descriptors),
	        cmocka_unit_test(test_top_collect_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
