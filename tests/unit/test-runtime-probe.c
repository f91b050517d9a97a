/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/info.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- fixtures ------------------------------------------------------------------------ */

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/cpod-probe-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	_cleanup_free_ char *path = path_join(root, rel);
	_cleanup_free_ char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0755, false), 0);
}

static void put_dir(const char *root, const char *rel)
{
	_cleanup_free_ char *path = path_join(root, rel);
	assert_int_equal(mkdir_p(path, 0755), 0);
}

/*
 * Fixture file system types: a directory is "cgroup2" or "tmpfs" when it holds a .fstype
 * file saying so, anything else otherwise; missing directories fail like statfs().
 */
static long fixture_fstype(const char *path, void *userdata)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	_cleanup_free_ char *marker = path_join(path, ".fstype");
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, marker, 64, &text, NULL) < 0)
		return 0xEF53; /* ext4 */
	if (strncmp(text, "cgroup2", 7) == 0)
		return CGROUP2_SUPER_MAGIC;
	if (strncmp(text, "tmpfs", 5) == 0)
		return TMPFS_MAGIC;
	return 0xEF53;
}

static const char proc_cgroups[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                                   "cpuset\t3\t1\t1\n"
                                   "cpu\t1\t1\t1\n"
                                   "cpuacct\t2\t1\t1\n"
                                   "blkio\t7\t1\t1\n"
                                   "memory\t4\t35\t1\n"
                                   "devices\t5\t1\t1\n"
                                   "freezer\t6\t1\t1\n"
                                   "net_cls\t0\t1\t1\n"
                                   "hugetlb\t0\t1\t1\n"
                                   "pids\t8\t1\t1\n"
                                   "rdma\t9\t1\t0\n";

static void make_v1_tree(const char *root, bool hybrid)
{
	put_file(root, "sys/fs/cgroup/.fstype", "tmpfs");
	put_file(root, "proc/cgroups", proc_cgroups);
	const char *dirs[] = {"cpu",     "cpuacct", "cpuset", "memory", "devices",
	                      "freezer", "blkio",   "pids",   "rdma",   "systemd"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		_cleanup_free_ char *rel = xasprintf("sys/fs/cgroup/%s", dirs[i]);
		put_dir(root, rel);
	}
	if (hybrid) {
		put_file(root, "sys/fs/cgroup/unified/.fstype", "cgroup2");
		put_file(root, "sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
	} else {
		put_dir(root, "sys/fs/cgroup/unified");
	}
}

static void make_v2_tree(const char *root)
{
	put_file(root, "sys/fs/cgroup/.fstype", "cgroup2");
	put_file(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
	put_file(root, "sys/fs/cgroup/user.slice/user-1000.slice/cgroup.controllers",
	         "cpu memory pids\n");
	put_file(root, "proc/self/cgroup", "0::/user.slice/user-1000.slice\n");
}

static void rm_tree(char *dir)
{
	assert_int_equal(rm_rf_at(AT_FDCWD, dir), 0);
	free(dir);
}

/* ---- cgroup mode and controllers ------------------------------------------------------- */

static void test_cgroup_detect_mode_unified(void **state)
{
	char *root = make_tmpdir();
	make_v2_tree(root);
	enum cgroup_mode mode = _CGROUP_MODE_INVALID;
	assert_int_equal(cgroup_detect_mode(root, fixture_fstype, NULL, &mode, NULL), 0);
	assert_int_equal(mode, CGROUP_MODE_UNIFIED);
	assert_string_equal(cgroup_mode_version(mode), "v2");
	assert_string_equal(cgroup_mode_to_string(mode), "unified");
	rm_tree(root);
}

static void test_cgroup_detect_mode_hybrid(void **state)
{
	char *root = make_tmpdir();
	make_v1_tree(root, true);
	enum cgroup_mode mode = _CGROUP_MODE_INVALID;
	assert_int_equal(cgroup_detect_mode(root, fixture_fstype, NULL, &mode, NULL), 0);
	assert_int_equal(mode, CGROUP_MODE_HYBRID);
	assert_string_equal(cgroup_mode_version(mode), "v1");
	_cleanup_strv_free_ char **uc = cgroup_hybrid_unified_controllers(root);
	assert_int_equal(strv_length(uc), 1);
	assert_string_equal(uc[0], "hugetlb");
	rm_tree(root);
}

static void test_cgroup_detect_mode_legacy(void **state)
{
	char *root = make_tmpdir();
	make_v1_tree(root, false);
	enum cgroup_mode mode = _CGROUP_MODE_INVALID;
	assert_int_equal(cgroup_detect_mode(root, fixture_fstype, NULL, &mode, NULL), 0);
	assert_int_equal(mode, CGROUP_MODE_LEGACY);
	rm_tree(root);
}

static void test_cgroup_detect_mode_missing(void **state)
{
	char *root = make_tmpdir();
	_cleanup_error_ struct cpod_error *err = NULL;
	enum cgroup_mode mode = _CGROUP_MODE_INVALID;
	assert_int_equal(cgroup_detect_mode(root, fixture_fstype, NULL, &mode, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "detect cgroup mode: statfs "));
	put_dir(root, "sys/fs/cgroup");
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(cgroup_detect_mode(root, fixture_fstype, NULL, &mode, &err), -ENOTSUP);
	assert_non_null(strstr(err->msg, "neither cgroup2 nor tmpfs"));
	rm_tree(root);
}

static void test_cgroup_controllers_v1_order_and_mounts(void **state)
{
	char *root = make_tmpdir();
	make_v1_tree(root, true);
	_cleanup_strv_free_ char **c = NULL;
	assert_int_equal(cgroup_controllers(root, CGROUP_MODE_HYBRID, false, &c, NULL), 0);
	_cleanup_free_ char *joined = strv_join(c, ",");
	/* /proc/cgroups order; unmounted (net_cls, hugetlb) and disabled (rdma) ones left out */
	assert_string_equal(joined, "cpuset,cpu,cpuacct,blkio,memory,devices,freezer,pids");
	rm_tree(root);
}

static void test_cgroup_controllers_v2_root_and_rootless(void **state)
{
	char *root = make_tmpdir();
	make_v2_tree(root);
	_cleanup_strv_free_ char **c = NULL;
	assert_int_equal(cgroup_controllers(root, CGROUP_MODE_UNIFIED, false, &c, NULL), 0);
	_cleanup_free_ char *joined = strv_join(c, ",");
	assert_string_equal(joined, "cpuset,cpu,io,memory,hugetlb,pids");
	_cleanup_strv_free_ char **own = NULL;
	assert_int_equal(cgroup_controllers(root, CGROUP_MODE_UNIFIED, true, &own, NULL), 0);
	_cleanup_free_ char *own_joined = strv_join(own, ",");
	assert_string_equal(own_joined, "cpu,memory,pids");
	rm_tree(root);
}

/* ---- other facts ------------------------------------------------------------------------ */

static void test_probe_systemd_running_ignores_run_dir(void **state)
{
	char *root = make_tmpdir();
	put_dir(root, "run/systemd/system");
	put_file(root, "proc/1/comm", "tini\n");
	assert_false(probe_systemd_running(root));
	put_file(root, "proc/1/comm", "systemd\n");
	assert_true(probe_systemd_running(root));
	rm_tree(root);
	root = make_tmpdir();
	assert_false(probe_systemd_running(root));
	rm_tree(root);
}

static void test_idmap_parse(void **state)
{
	struct idmap_entry m[4];
	assert_int_equal(idmap_parse("         0       1000          1\n"
	                             "         1     100000      65536\n",
	                             m, 4),
	                 2);
	assert_int_equal(m[0].container_id, 0);
	assert_int_equal(m[0].host_id, 1000);
	assert_int_equal(m[1].size, 65536);
	assert_int_equal(idmap_parse("0 0 4294967295\n", m, 4), 1);
	assert_int_equal(m[0].size, 4294967295u);
	assert_int_equal(idmap_parse("", m, 4), 0);
	assert_int_equal(idmap_parse("0 0\n", m, 4), -EINVAL);
	assert_int_equal(idmap_parse("0 0 1 junk\n", m, 4), -EINVAL);
	assert_int_equal(idmap_parse("0 0 4294967296\n", m, 4), -EINVAL);
	assert_int_equal(idmap_parse("0 0 1\n1 1 1\n", m, 1), -E2BIG);
}

static void test_probe_goarch(void **state)
{
	assert_string_equal(probe_goarch("x86_64"), "amd64");
	assert_string_equal(probe_goarch("aarch64"), "arm64");
	assert_string_equal(probe_goarch("weird"), "weird");
}

static void test_info_format_uptime(void **state)
{
	_cleanup_free_ char *a = info_format_uptime(488.67);
	assert_string_equal(a, "0h 8m 8.00s");
	_cleanup_free_ char *b = info_format_uptime(3 * 86400 + 2 * 3600 + 61.5);
	assert_string_equal(b, "74h 1m 1.00s (Approximately 3.08 days)");
}

/* A whole probe against a fixture root, binaries from a fake $PATH only. */
static void test_host_probe_fixture_root(void **state)
{
	char *root = make_tmpdir();
	make_v1_tree(root, true);
	put_file(root, "proc/1/comm", "bash\n");
	put_file(root, "etc/os-release",
	         "NAME=\"Debian GNU/Linux\"\nID=debian\n"
	         "VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
	put_file(root, "proc/meminfo",
	         "MemTotal:       1000 kB\nMemFree:         200 kB\n"
	         "MemAvailable:    300 kB\nSwapTotal:        10 kB\n"
	         "SwapFree:          5 kB\n");
	put_file(root, "proc/uptime", "100.5 50.0\n");
	put_file(root, "proc/stat", "cpu  50 0 25 25 0 0 0 0 0 0\n");
	put_file(root, "proc/self/uid_map", "0 1000 1\n1 100000 65536\n");
	put_file(root, "proc/self/gid_map", "0 1000 1\n");
	_cleanup_free_ char *bin = path_join(root, "bin");
	put_file(root, "bin/crun", "#!/bin/sh\necho 'crun version 9.9'\n");

	struct host_probe_options o = {
	        .root = root,
	        .fstype = fixture_fstype,
	        .path_env = bin,
	        .flags = HOST_PROBE_PATH_ONLY | HOST_PROBE_NO_PACKAGES,
	};
	_cleanup_(host_probe_freep) struct host_probe *p = NULL;
	assert_int_equal(host_probe_run(&o, &p, NULL), 0);
	assert_int_equal(p->cgroup_mode, CGROUP_MODE_HYBRID);
	assert_int_equal(strv_length(p->cgroup_controllers), 8);
	assert_false(p->systemd_running);
	assert_string_equal(p->os_id, "debian");
	assert_string_equal(p->os_version_id, "12");
	assert_string_equal(p->os_codename, "bookworm");
	assert_true(p->mem_total == 1000 * 1024);
	assert_true(p->mem_free == 300 * 1024); /* MemAvailable, as Podman */
	assert_true(p->swap_total == 10 * 1024 && p->swap_free == 5 * 1024);
	assert_true(p->uptime > 100.4 && p->uptime < 100.6);
	assert_true(p->cpu_user_percent > 49.9 && p->cpu_user_percent < 50.1);
	assert_int_equal(p->n_uid_map, 2);
	assert_int_equal(p->uid_map[1].host_id, 100000);
	assert_int_equal(p->n_gid_map, 1);
	assert_false(p->tun_accessible);
	assert_int_equal(p->n_runtimes, 1);
	assert_string_equal(p->runtimes[0].name, "crun");
	assert_string_equal(p->runtimes[0].version, "crun version 9.9");
	assert_null(p->conmon.path);
	assert_true(p->nofile.rlim_cur <= p->nofile.rlim_max);
	rm_tree(root);
}

/* ---- version cache ---------------------------------------------------------------------- */

static int count_lines(const char *path)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL) < 0)
		return 0;
	int n = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	return n;
}

static void probe_with_cache(const char *bin, const char *cache, struct host_probe **ret)
{
	char *root = make_tmpdir();
	make_v2_tree(root);
	struct host_probe_options o = {
	        .root = root,
	        .fstype = fixture_fstype,
	        .path_env = bin,
	        .cache_dir = cache,
	        .flags = HOST_PROBE_PATH_ONLY | HOST_PROBE_NO_PACKAGES,
	};
	assert_int_equal(host_probe_run(&o, ret, NULL), 0);
	rm_tree(root);
}

static void test_runtime_version_cache(void **state)
{
	char *dir = make_tmpdir();
	_cleanup_free_ char *bin = path_join(dir, "bin");
	_cleanup_free_ char *cache = path_join(dir, "run");
	_cleanup_free_ char *log = path_join(dir, "calls");
	_cleanup_free_ char *script = xasprintf("#!/bin/sh\necho x >> '%s'\n"
	                                        "printf 'runc version 1.1.5\\ncommit: abc\\n\\n'\n",
	                                        log);
	put_file(dir, "bin/runc", script);
	put_file(dir, "bin/conmon", "#!/bin/sh\nprintf 'conmon version 2.1.6\\ncommit: x\\n'\n");

	struct host_probe *p = NULL;
	probe_with_cache(bin, cache, &p);
	assert_int_equal(p->n_runtimes, 1);
	assert_string_equal(p->runtimes[0].version, "runc version 1.1.5\ncommit: abc");
	assert_string_equal(p->conmon.version, "conmon version 2.1.6, commit: x");
	assert_int_equal(count_lines(log), 1);
	p = host_probe_free(p);

	/* cached: not executed again */
	probe_with_cache(bin, cache, &p);
	assert_string_equal(p->runtimes[0].version, "runc version 1.1.5\ncommit: abc");
	assert_string_equal(p->conmon.version, "conmon version 2.1.6, commit: x");
	assert_int_equal(count_lines(log), 1);
	p = host_probe_free(p);

	/* the binary changed (size and mtime): executed again */
	_cleanup_free_ char *script2 = xasprintf("#!/bin/sh\necho x >> '%s'\n"
	                                         "echo 'runc version 1.2.0'\n",
	                                         log);
	put_file(dir, "bin/runc", script2);
	probe_with_cache(bin, cache, &p);
	assert_string_equal(p->runtimes[0].version, "runc version 1.2.0");
	assert_int_equal(count_lines(log), 2);
	p = host_probe_free(p);
	rm_tree(dir);
}

/* ---- selection policy ------------------------------------------------------------------- */

static struct host_probe *fake_probe(enum cgroup_mode mode, bool cap_sys_admin, const char *crun,
                                     const char *runc)
{
	struct host_probe *p = xnew(struct host_probe, 1);
	p->cgroup_mode = mode;
	p->cap_sys_admin = cap_sys_admin;
	p->runtimes = xnew(struct probe_binary, 2);
	if (crun)
		p->runtimes[p->n_runtimes++] = (struct probe_binary){xstrdup("crun"), xstrdup(crun),
		                                                     xstrdup("crun version 1.8.1"),
		                                                     xstrdup("crun_1.8.1_amd64")};
	if (runc)
		p->runtimes[p->n_runtimes++] =
		        (struct probe_binary){xstrdup("runc"), xstrdup(runc),
		                              xstrdup("runc version 1.1.5"), xstrdup("Unknown")};
	return p;
}

static void test_select_prefers_crun_with_hybrid_workaround(void **state)
{
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_HYBRID, true, "/x/crun", "/x/runc");
	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, NULL, p, &c, NULL), 0);
	assert_string_equal(c->name, "crun");
	assert_string_equal(c->path, "/x/crun");
	assert_true(c->needs_private_cgroup_ns_workaround);
	assert_string_equal(c->reason, "crun (preferred; cgroup hybrid mode: runs in a private "
	                               "mount namespace without /sys/fs/cgroup/unified)");
	assert_string_equal(c->version, "crun version 1.8.1");
	assert_int_equal(runtime_choice_exec_flags(c), 1 /* RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED */);
}

static void test_select_crun_plain_on_unified(void **state)
{
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_UNIFIED, false, "/x/crun", "/x/runc");
	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, NULL, p, &c, NULL), 0);
	assert_string_equal(c->name, "crun");
	assert_false(c->needs_private_cgroup_ns_workaround);
	assert_string_equal(c->reason, "crun (preferred)");
	assert_int_equal(runtime_choice_exec_flags(c), 0);
}

static void test_select_runc_when_crun_cannot_work(void **state)
{
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_HYBRID, false, "/x/crun", "/x/runc");
	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, NULL, p, &c, NULL), 0);
	assert_string_equal(c->name, "runc");
	assert_false(c->needs_private_cgroup_ns_workaround);
	assert_non_null(strstr(c->reason, "CAP_SYS_ADMIN"));

	_cleanup_(host_probe_freep) struct host_probe *p2 =
	        fake_probe(CGROUP_MODE_LEGACY, true, NULL, "/x/runc");
	_cleanup_(runtime_choice_freep) struct runtime_choice *c2 = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, NULL, p2, &c2, NULL), 0);
	assert_string_equal(c2->reason, "runc (crun not found)");
}

static void test_select_none_found(void **state)
{
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_UNIFIED, true, NULL, NULL);
	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, NULL, p, &c, &err), -ENOENT);
	assert_string_equal(err->msg, "no OCI runtime found: install crun or runc");
	assert_null(c);
}

static void test_select_explicit_wins(void **state)
{
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_HYBRID, false, "/x/crun", "/x/runc");

	/* --runtime beats containers.conf; an explicit crun gets the workaround regardless */
	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	assert_int_equal(runtime_select_with(NULL, "crun", "runc", p, &c, NULL), 0);
	assert_string_equal(c->name, "crun");
	assert_true(c->needs_private_cgroup_ns_workaround);
	assert_string_equal(c->reason, "crun (from --runtime; cgroup hybrid mode: runs in a "
	                               "private mount namespace without /sys/fs/cgroup/unified)");

	_cleanup_(runtime_choice_freep) struct runtime_choice *c2 = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, "runc", p, &c2, NULL), 0);
	assert_string_equal(c2->name, "runc");
	assert_string_equal(c2->reason, "runc (from containers.conf)");
}

static void test_select_explicit_path_and_errors(void **state)
{
	char *dir = make_tmpdir();
	put_file(dir, "opt/crun", "#!/bin/sh\necho crun version 0\n");
	put_file(dir, "opt/myrt", "#!/bin/sh\necho myrt version 0\n");
	_cleanup_free_ char *crun = path_join(dir, "opt/crun");
	_cleanup_(host_probe_freep) struct host_probe *p =
	        fake_probe(CGROUP_MODE_HYBRID, true, NULL, "/x/runc");

	_cleanup_(runtime_choice_freep) struct runtime_choice *c = NULL;
	assert_int_equal(runtime_select_with(NULL, crun, NULL, p, &c, NULL), 0);
	assert_string_equal(c->name, "crun");
	assert_string_equal(c->path, crun);
	assert_true(c->needs_private_cgroup_ns_workaround);
	assert_string_equal(c->package, "Unknown");

	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(runtime_choice_freep) struct runtime_choice *c2 = NULL;
	assert_int_equal(runtime_select_with(NULL, "/nonexist/crun", NULL, p, &c2, &err), -EINVAL);
	assert_string_equal(
	        err->msg,
	        "no valid executable found for OCI runtime /nonexist/crun: invalid argument");

	_cleanup_error_ struct cpod_error *err2 = NULL;
	assert_int_equal(runtime_select_with(NULL, NULL, "no-such-runtime-x", p, &c2, &err2),
	                 -EINVAL);
	assert_string_equal(
	        err2->msg, "default OCI runtime \"no-such-runtime-x\" not found: invalid argument");

	/* a name that is not probed is looked up in $PATH */
	_cleanup_free_ char *old_path = xstrdup_or_null(getenv("PATH"));
	_cleanup_free_ char *opt = path_join(dir, "opt");
	setenv("PATH", opt, 1);
	_cleanup_(runtime_choice_freep) struct runtime_choice *c3 = NULL;
	int r = runtime_select_with(NULL, "myrt", NULL, p, &c3, NULL);
	if (old_path)
		setenv("PATH", old_path, 1);
	assert_int_equal(r, 0);
	assert_string_equal(c3->name, "myrt");
	assert_string_equal(c3->reason, "myrt (from --runtime)");
	assert_false(c3->needs_private_cgroup_ns_workaround);
	rm_tree(dir);
}

/* ---- the real host ---------------------------------------------------------------------- */

static void test_host_probe_real_host(void **state)
{
	struct statfs top, uni;
	if (statfs("/sys/fs/cgroup", &top) < 0) {
		skip();
		return;
	}
	enum cgroup_mode want = CGROUP_MODE_LEGACY;
	if (top.f_type == CGROUP2_SUPER_MAGIC)
		want = CGROUP_MODE_UNIFIED;
	else if (statfs("/sys/fs/cgroup/unified", &uni) == 0 && uni.f_type == CGROUP2_SUPER_MAGIC)
		want = CGROUP_MODE_HYBRID;

	char *cache = make_tmpdir();
	struct host_probe_options o = {.cache_dir = cache};
	_cleanup_(host_probe_freep) struct host_probe *p = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = host_probe_run(&o, &p, &err);
	if (r < 0)
		fail_msg("probe: %s", err->msg);
	assert_int_equal(p->cgroup_mode, want);
	assert_int_equal(p->rootless, geteuid() != 0);
	assert_true(p->cpus >= 1);
	assert_true(p->mem_total > 0);
	assert_non_null(p->kernel);
	assert_true(p->nofile.rlim_cur <= p->nofile.rlim_max);
	for (size_t i = 0; i < p->n_runtimes; i++)
		assert_non_null(p->runtimes[i].path);

	_cleanup_(runtime_choice_freep) struct runtime_choice *rt = NULL;
	_cleanup_error_ struct cpod_error *serr = NULL;
	if (runtime_select(NULL, NULL, p, &rt, &serr) == 0)
		assert_int_equal(rt->needs_private_cgroup_ns_workaround,
		                 want == CGROUP_MODE_HYBRID && strcmp(rt->name, "crun") == 0);

	struct info_facts f = {.graph_root = "/", .graph_driver = "overlay"};
	_cleanup_json_ json_t *info = info_build(p, rt, &f);
	json_t *host = json_object_get(info, "host");
	assert_string_equal(json_get_string(host, "cgroupVersion"),
	                    want == CGROUP_MODE_UNIFIED ? "v2" : "v1");
	assert_string_equal(json_get_string(host, "cgroupMode"), cgroup_mode_to_string(want));
	assert_string_equal(json_get_string(host, "os"), "linux");
	assert_true(json_is_integer(json_object_get(host, "memTotal")));
	assert_true(json_is_object(json_object_get(host, "security")));
	if (rt)
		assert_string_equal(json_get_string(json_object_get(host, "ociRuntime"), "reason"),
		                    rt->reason);
	json_t *store = json_object_get(info, "store");
	assert_string_equal(json_get_string(store, "graphDriverName"), "overlay");
	assert_true(json_integer_value(json_object_get(store, "graphRootAllocated")) > 0);
	json_t *ver = json_object_get(info, "version");
	assert_string_equal(json_get_string(ver, "APIVersion"), "4.3.1");
	assert_non_null(json_get_string(ver, "GitCommit"));

	/* a second probe answers from the version cache */
	_cleanup_(host_probe_freep) struct host_probe *p2 = NULL;
	assert_int_equal(host_probe_run(&o, &p2, NULL), 0);
	assert_int_equal(p2->n_runtimes, p->n_runtimes);
	for (size_t i = 0; i < p->n_runtimes; i++)
		assert_string_equal(p2->runtimes[i].version ? p2->runtimes[i].version : "",
		                    p->runtimes[i].version ? p->runtimes[i].version : "");
	rm_tree(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cgroup_detect_mode_unified),
	        cmocka_unit_test(test_cgroup_detect_mode_hybrid),
	        cmocka_unit_test(test_cgroup_detect_mode_legacy),
	        cmocka_unit_test(test_cgroup_detect_mode_missing),
	        cmocka_unit_test(test_cgroup_controllers_v1_order_and_mounts),
	        cmocka_unit_test(test_cgroup_controllers_v2_root_and_rootless),
	        cmocka_unit_test(test_probe_systemd_running_ignores_run_dir),
	        cmocka_unit_test(test_idmap_parse),
	        cmocka_unit_test(test_probe_goarch),
	        cmocka_unit_test(test_info_format_uptime),
	        cmocka_unit_test(test_host_probe_fixture_root),
	        cmocka_unit_test(test_runtime_version_cache),
	        cmocka_unit_test(test_select_prefers_crun_with_hybrid_workaround),
	        cmocka_unit_test(test_select_crun_plain_on_unified),
	        cmocka_unit_test(test_select_runc_when_crun_cannot_work),
	        cmocka_unit_test(test_select_none_found),
	        cmocka_unit_test(test_select_explicit_wins),
	        cmocka_unit_test(test_select_explicit_path_and_errors),
	        cmocka_unit_test(test_host_probe_real_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
