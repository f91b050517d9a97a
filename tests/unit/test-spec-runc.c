/* SPDX-License-Identifier: Apache-2.0 */
/*
 * End-to-end check of the spec generator: a config.json generated for a busybox rootfs
 * must run with runc (`runc run --bundle DIR ID` running /bin/busybox true exits 0).
 * Needs root, runc and /bin/busybox: exits 77 (skip) with the reason otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/spec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *runc_path(void)
{
	static const char *const paths[] = {"/usr/sbin/runc", "/usr/bin/runc",
	                                    "/usr/local/bin/runc", "/usr/local/sbin/runc", NULL};
	for (size_t i = 0; paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static int run_quiet(const char *const argv[], bool quiet)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		if (quiet) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_spec_generated_config_runs_with_runc(void **state)
{
	const char *runc = runc_path();
	char dir[] = "/tmp/cpod-spec-runc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *rootfs = path_join(dir, "rootfs");
	_cleanup_free_ char *userdata = path_join(dir, "userdata");
	_cleanup_free_ char *bin = path_join(rootfs, "bin");
	_cleanup_free_ char *etc = path_join(rootfs, "etc");
	assert_int_equal(mkdir_p(bin, 0755), 0);
	assert_int_equal(mkdir_p(etc, 0755), 0);
	assert_int_equal(mkdir_p(userdata, 0700), 0);

	_cleanup_free_ char *bb = NULL;
	size_t len = 0;
	assert_int_equal(read_file_at(AT_FDCWD, "/bin/busybox", 0, &bb, &len), 0);
	_cleanup_free_ char *bbdst = path_join(bin, "busybox");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, bbdst, bb, len, 0755, false), 0);

	char *const cmd[] = {"/bin/busybox", "true", NULL};
	_cleanup_free_ char *id = xasprintf("cpod-spec-test-%d", (int)getpid());
	struct spec_opts o = {
	        .rootfs = rootfs,
	        .id = id,
	        .name = "spec-runc-test",
	        .command = cmd,
	        .net = SPEC_NS_NONE,
	        .userdata_dir = userdata,
	        .workdir = NULL,
	};
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *spec = NULL;
	if (spec_generate(&o, NULL, &spec, &err) < 0)
		fail_msg("spec_generate: %s", err->msg);
	_cleanup_free_ char *text = json_dump_pretty(spec);
	_cleanup_free_ char *cfgpath = path_join(dir, "config.json");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, cfgpath, text, strlen(text), 0644, false),
	                 0);

	const char *run[] = {runc, "run", "--bundle", dir, id, NULL};
	int rc = run_quiet(run, false);
	const char *del[] = {runc, "delete", "-f", id, NULL};
	run_quiet(del, true);
	rm_rf_at(AT_FDCWD, dir);
	assert_int_equal(rc, 0);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("skipped: runc run needs root\n");
		return 77;
	}
	if (!runc_path()) {
		printf("skipped: runc is not installed\n");
		return 77;
	}
	if (access("/bin/busybox", R_OK) < 0) {
		printf("skipped: /bin/busybox is missing\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_spec_generated_config_runs_with_runc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
