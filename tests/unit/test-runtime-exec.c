/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crun hybrid-cgroup workaround on the real host: a minimal OCI bundle (busybox-static
 * as the rootfs) run by crun directly and through runtime_exec_argv() with
 * RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED, and by runc. Needs root and at least one runtime:
 * exits 77 (skip) with the reason otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/exec.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "busybox-test-helpers.h"
#include "util/banned.h"

#define SKIP 77

struct fixture {
	char *dir;    /* temp dir: bundle/ and state/ */
	char *bundle; /* dir/bundle */
	char *state;  /* dir/state: the runtimes' --root */
	struct host_probe *probe;
	const char *busybox;
};

static struct fixture fx;

/* The smallest config.json both crun and runc accept, in the shape `crun spec` writes. */
static json_t *bundle_config(const char *const *args)
{
	json_t *argv = json_array();
	for (size_t i = 0; args[i]; i++)
		json_array_append_new(argv, json_string(args[i]));
	return json_pack("{s:s, s:{s:b, s:{s:i, s:i}, s:o, s:[s], s:s, s:b},"
	                 " s:{s:s, s:b}, s:s,"
	                 " s:[{s:s, s:s, s:s}, {s:s, s:s, s:s, s:[s, s]}],"
	                 " s:{s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}], s:{s:{s:i}}}}",
	                 "ociVersion", "1.0.0", "process", "terminal", 0, "user", "uid", 0, "gid",
	                 0, "args", argv, "env", "PATH=/bin", "cwd", "/", "noNewPrivileges", 1,
	                 "root", "path", "rootfs", "readonly", 1, "hostname", "cpod-test", "mounts",
	                 "destination", "/proc", "type", "proc", "source", "proc", "destination",
	                 "/dev", "type", "tmpfs", "source", "tmpfs", "options", "nosuid",
	                 "mode=755", "linux", "namespaces", "type", "pid", "type", "ipc", "type",
	                 "uts", "type", "mount", "type", "network", "resources", "pids", "limit",
	                 64);
}

static void write_bundle(const char *const *args)
{
	_cleanup_json_ json_t *cfg = bundle_config(args);
	assert_non_null(cfg);
	_cleanup_free_ char *text = json_dumps(cfg, JSON_INDENT(2));
	_cleanup_free_ char *path = path_join(fx.bundle, "config.json");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0644, false), 0);
}

static int run_runtime(const char *path, unsigned flags, const char *id,
                       struct runtime_exec_result *res)
{
	char *argv[] = {(char *)path,       (char *)"--root", fx.state,   (char *)"run",
	                (char *)"--bundle", fx.bundle,        (char *)id, NULL};
	struct runtime_exec_options o = {
	        .path = path,
	        .argv = argv,
	        .flags = flags | RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_CAPTURE_STDERR |
	                 RUNTIME_EXEC_NULL_STDIN,
	        .capture_max = 64 * 1024,
	};
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = runtime_exec_argv(&o, res, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	return res->status;
}

static void test_crun_direct_and_with_workaround(void **state)
{
	const struct probe_binary *crun = host_probe_find_runtime(fx.probe, "crun");
	if (!crun) {
		print_message("crun is not installed\n");
		skip();
		return;
	}
	const char *args[] = {"/bin/busybox", "echo", "hello from crun", NULL};
	write_bundle(args);

	_cleanup_exec_result_ struct runtime_exec_result direct = {0};
	int st = run_runtime(crun->path, 0, "cpod-test-crun-direct", &direct);
	if (fx.probe->cgroup_mode == CGROUP_MODE_HYBRID) {
		/* crun 1.8 refuses hybrid hosts; newer versions may not: record what it said */
		print_message("crun direct on a hybrid host: exit %d, stderr: %s", st,
		              direct.stderr_data);
		if (st != 0)
			assert_non_null(strstr(direct.stderr_data, "hybrid"));
	} else {
		assert_int_equal(st, 0);
	}

	_cleanup_exec_result_ struct runtime_exec_result via = {0};
	st = run_runtime(crun->path, RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED, "cpod-test-crun-hidden",
	                 &via);
	if (st != 0)
		fail_msg("crun with the workaround: exit %d: %s", st, via.stderr_data);
	assert_string_equal(via.stdout_data, "hello from crun\n");

	/* limits still apply: the container sits in its own v1 pids cgroup, capped at 64 */
	const char *cg[] = {"/bin/busybox", "grep", ":pids:", "/proc/self/cgroup", NULL};
	write_bundle(cg);
	_cleanup_exec_result_ struct runtime_exec_result pids = {0};
	st = run_runtime(crun->path, RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED, "cpod-test-crun-pids",
	                 &pids);
	if (fx.probe->cgroup_mode != CGROUP_MODE_UNIFIED &&
	    strv_contains(fx.probe->cgroup_controllers, "pids")) {
		assert_int_equal(st, 0);
		assert_non_null(strstr(pids.stdout_data, ":pids:/"));
		assert_null(strstr(pids.stdout_data, ":pids:/\n"));
	}
}

static void test_workaround_does_not_leak_to_host(void **state)
{
	if (fx.probe->cgroup_mode != CGROUP_MODE_HYBRID) {
		print_message("not a hybrid host\n");
		skip();
		return;
	}
	char *argv[] = {(char *)fx.busybox,
	                (char *)"stat",
	                (char *)"-f",
	                (char *)"-c",
	                (char *)"%T",
	                (char *)"/sys/fs/cgroup/unified",
	                NULL};
	struct runtime_exec_options o = {
	        .path = fx.busybox,
	        .argv = argv,
	        .flags = RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED | RUNTIME_EXEC_CAPTURE_STDOUT |
	                 RUNTIME_EXEC_NULL_STDIN,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	assert_int_equal(runtime_exec_argv(&o, &res, NULL), 0);
	assert_int_equal(res.status, 0);
	/* inside: the tmpfs below shows through; outside: still cgroup2 */
	assert_null(strstr(res.stdout_data, "cgroup2"));
	enum cgroup_mode mode;
	assert_int_equal(cgroup_detect_mode(NULL, NULL, NULL, &mode, NULL), 0);
	assert_int_equal(mode, CGROUP_MODE_HYBRID);
}

static void test_runc_direct(void **state)
{
	const struct probe_binary *runc = host_probe_find_runtime(fx.probe, "runc");
	if (!runc) {
		print_message("runc is not installed\n");
		skip();
		return;
	}
	const char *args[] = {"/bin/busybox", "sh", "-c", "echo hello from runc", NULL};
	write_bundle(args);
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	int st = run_runtime(runc->path, 0, "cpod-test-runc", &res);
	if (st != 0)
		fail_msg("runc: exit %d: %s", st, res.stderr_data);
	assert_string_equal(res.stdout_data, "hello from runc\n");
}

static void test_selected_runtime_runs(void **state)
{
	_cleanup_(runtime_choice_freep) struct runtime_choice *rt = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (runtime_select(NULL, NULL, fx.probe, &rt, &err) < 0)
		fail_msg("%s", err->msg);
	print_message("selected: %s\n", rt->reason);
	const char *args[] = {"/bin/busybox", "true", NULL};
	write_bundle(args);
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	int st = run_runtime(rt->path, runtime_choice_exec_flags(rt), "cpod-test-selected", &res);
	if (st != 0)
		fail_msg("%s: exit %d: %s", rt->name, st, res.stderr_data);
}

static void test_spawn_reports_exec_errors(void **state)
{
	char *argv[] = {(char *)"/nonexistent/crun", NULL};
	struct runtime_exec_options o = {.path = "/nonexistent/crun", .argv = argv};
	pid_t pid = -1;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(runtime_spawn(&o, &pid, &err), -ENOENT);
	assert_string_equal(err->msg, "exec /nonexistent/crun: no such file or directory");

	_cleanup_error_ struct cpod_error *err2 = NULL;
	char *rel[] = {(char *)"crun", NULL};
	struct runtime_exec_options o2 = {.path = "crun", .argv = rel};
	assert_int_equal(runtime_spawn(&o2, &pid, &err2), -EINVAL);

	char *t[] = {(char *)fx.busybox, (char *)"sh", (char *)"-c", (char *)"exit 3", NULL};
	struct runtime_exec_options o3 = {.path = fx.busybox, .argv = t};
	assert_int_equal(runtime_spawn(&o3, &pid, NULL), 0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 3);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/cpod-rt-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	fx.dir = xstrdup(tmpl);
	fx.bundle = path_join(fx.dir, "bundle");
	fx.state = path_join(fx.dir, "state");
	_cleanup_free_ char *bin = path_join(fx.bundle, "rootfs/bin");
	if (mkdir_p(bin, 0755) < 0 || mkdir_p(fx.state, 0700) < 0)
		return -1;
	_cleanup_free_ char *dst = path_join(bin, "busybox");
	if (busybox_copy_file(fx.busybox, dst, 0755) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	host_probe_free(fx.probe);
	if (fx.dir)
		rm_rf_at(AT_FDCWD, fx.dir);
	free(fx.dir);
	free(fx.bundle);
	free(fx.state);
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: running OCI runtimes needs root\n");
		return SKIP;
	}
	fx.busybox = busybox_find();
	if (!fx.busybox) {
		printf("SKIP: busybox-static is not installed\n");
		return SKIP;
	}
	struct host_probe_options o = {.flags = HOST_PROBE_NO_PACKAGES};
	_cleanup_error_ struct cpod_error *err = NULL;
	if (host_probe_run(&o, &fx.probe, &err) < 0) {
		printf("SKIP: %s\n", err->msg);
		return SKIP;
	}
	if (fx.probe->n_runtimes == 0) {
		fx.probe = host_probe_free(fx.probe);
		printf("SKIP: no OCI runtime (crun or runc) is installed\n");
		return SKIP;
	}
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_spawn_reports_exec_errors),
	        cmocka_unit_test(test_crun_direct_and_with_workaround),
	        cmocka_unit_test(test_workaround_does_not_leak_to_host),
	        cmocka_unit_test(test_runc_direct),
	        cmocka_unit_test(test_selected_runtime_runs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
