/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Containers through conmon on the real host, with runc and with crun (through the
 * hybrid-cgroup workaround where the host needs it): the k8s-file log, exit codes from the
 * exit file, the exit command, attach (stdin in, stdout and stderr apart, attach before
 * start), detach keys leaving the container running, kill and delete, and the not-found /
 * not-executable error classes. The bundle is a busybox-static rootfs with a config.json
 * from spec_generate(). Needs root, conmon, busybox-static and a runtime: exits 77 (skip)
 * with the reason otherwise.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/attach.h"
#include "runtime/conmon.h"
#include "runtime/exitfile.h"
#include "runtime/k8s-log.h"
#include "runtime/oci.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "runtime/spec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "busybox-test-helpers.h"
#include "util/banned.h"

#define SKIP 77

struct fixture {
	char *dir;    /* temp dir */
	char *rootfs; /* dir/rootfs */
	char *exits;  /* dir/exits */
	char *run_root;
	char *script; /* dir/exitcmd.sh */
	const char *busybox;
	const char *conmon;
	struct host_probe *probe;
	struct oci_runtime *runtimes[2]; /* runc, crun (NULL when absent) */
	unsigned counter;
	const int *extra_fds; /* conmon_create_opts.extra_fds for the next ctr_create */
	size_t n_extra_fds;
};

static struct fixture fx;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

struct ctr {
	char id[64];
	char *bundle;
	char *log;
	char *pidfile;
	pid_t conmon_pid, pid;
};

static void ctr_release(struct ctr *c)
{
	free(c->bundle);
	free(c->log);
	free(c->pidfile);
}

static void write_config(const struct ctr *c, char *const *args, bool terminal, bool stdin_open)
{
	struct spec_opts so = {
	        .rootfs = fx.rootfs,
	        .id = c->id,
	        .name = c->id,
	        .command = args,
	        .terminal = terminal,
	        .stdin_open = stdin_open,
	        .net = SPEC_NS_NONE,
	};
	_cleanup_json_ json_t *spec = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (spec_generate(&so, NULL, &spec, &err) < 0)
		fail_msg("spec_generate: %s", err->msg);
	_cleanup_free_ char *text = json_dumps(spec, JSON_INDENT(1));
	_cleanup_free_ char *path = path_join(c->bundle, "config.json");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false), 0);
}

/* Prepare a bundle and run conmon; returns conmon_create's result (err set on failure). */
static int ctr_create(struct ctr *c, const struct oci_runtime *rt, char *const *args, bool terminal,
                      bool stdin_open, struct cpod_error **err)
{
	snprintf(c->id, sizeof(c->id), "cpodtest%u%s%d", fx.counter++, rt->name, (int)getpid());
	_cleanup_free_ char *bundles = path_join(fx.dir, "bundles");
	c->bundle = path_join(bundles, c->id);
	assert_int_equal(mkdir_p(c->bundle, 0700), 0);
	c->log = path_join(c->bundle, "ctr.log");
	c->pidfile = path_join(c->bundle, "pidfile");
	write_config(c, args, terminal, stdin_open);
	char *exit_cmd[] = {fx.script, (char *)"container", (char *)"cleanup", c->id, NULL};
	struct conmon_create_opts o = {
	        .conmon_path = fx.conmon,
	        .runtime = rt,
	        .id = c->id,
	        .name = c->id,
	        .bundle = c->bundle,
	        .pidfile = c->pidfile,
	        .exit_dir = fx.exits,
	        .log_path = c->log,
	        .terminal = terminal,
	        .stdin_open = stdin_open,
	        .exit_command = exit_cmd,
	        .timeout_ms = 30000,
	        .extra_fds = fx.extra_fds,
	        .n_extra_fds = fx.n_extra_fds,
	};
	return conmon_create(&o, &c->conmon_pid, &c->pid, err);
}

static void ctr_create_ok(struct ctr *c, const struct oci_runtime *rt, char *const *args,
                          bool terminal, bool stdin_open)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	if (ctr_create(c, rt, args, terminal, stdin_open, &err) < 0)
		fail_msg("%s: conmon_create: %s", rt->name, err->msg);
	assert_true(c->pid > 0);
	assert_true(c->conmon_pid > 0);
}

static int wait_exit(const struct ctr *c)
{
	int code = -1000;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (exitfile_wait(fx.exits, c->id, 20000, &code, &err) < 0)
		fail_msg("%s", err->msg);
	return code;
}

static void ctr_delete(const struct ctr *c, const struct oci_runtime *rt)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	if (runtime_oci_delete(rt, c->id, true, &err) < 0)
		fail_msg("delete: %s", err->msg);
}

static char *read_memfd(int fd)
{
	char *s = NULL;
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(read_fd_all(fd, 1 << 20, &s, NULL), 0);
	return s;
}

static void run_hello_log_exit(const struct oci_runtime *rt)
{
	struct ctr c = {0};
	char *args[] = {(char *)"/bin/sh", (char *)"-c", (char *)"echo hello; exit 3", NULL};
	ctr_create_ok(&c, rt, args, false, false);
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *st = NULL;
	if (runtime_oci_state(rt, c.id, &st, &err) < 0)
		fail_msg("state: %s", err->msg);
	assert_string_equal(json_get_string(st, "status"), "created");
	if (runtime_oci_start(rt, c.id, &err) < 0)
		fail_msg("start: %s", err->msg);
	assert_int_equal(wait_exit(&c), 3);

	/* the log, raw and printed */
	_cleanup_free_ char *raw = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, c.log, 1 << 20, &raw, NULL), 0);
	assert_non_null(strstr(raw, " stdout F hello\n"));
	int ofd = memfd_create("out", MFD_CLOEXEC);
	struct k8s_log_opts lo = {.out_fd = ofd, .err_fd = ofd, .tail = -1};
	assert_int_equal(k8s_log_print(c.log, &lo, NULL), 0);
	_cleanup_free_ char *out = read_memfd(ofd);
	close(ofd);
	assert_string_equal(out, "hello\n");

	/* the exit command ran, after the exit, with our arguments */
	_cleanup_free_ char *rec = xasprintf("%s/exitcmd-%s", fx.dir, c.id);
	_cleanup_free_ char *got = NULL;
	for (int i = 0; i < 200 && read_file_at(AT_FDCWD, rec, 4096, &got, NULL) < 0; i++)
		sleep_ms(50);
	assert_non_null(got);
	_cleanup_free_ char *want = xasprintf("container cleanup %s\n", c.id);
	assert_string_equal(got, want);
	/* in the host's mount namespace, even with the crun workaround: its unmounts count */
	_cleanup_free_ char *nsrec = xasprintf("%s/exitns-%s", fx.dir, c.id);
	_cleanup_free_ char *ns = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, nsrec, 4096, &ns, NULL), 0);
	char self_ns[128];
	ssize_t n = readlink("/proc/self/ns/mnt", self_ns, sizeof(self_ns) - 1);
	assert_true(n > 0);
	self_ns[n] = '\0';
	ns[strcspn(ns, "\n")] = '\0';
	assert_string_equal(ns, self_ns);
	assert_false(exitfile_oom(c.bundle));
	ctr_delete(&c, rt);
	ctr_release(&c);
}

static int start_cb(void *userdata, struct cpod_error **err)
{
	const void *const *p = userdata;
	return runtime_oci_start(p[0], p[1], err);
}

static void run_attach_stdio(const struct oci_runtime *rt)
{
	struct ctr c = {0};
	char *args[] = {(char *)"/bin/sh", (char *)"-c", (char *)"cat; echo err >&2; exit 5", NULL};
	ctr_create_ok(&c, rt, args, false, true);
	int in[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(write(in[1], "hello stdin\n", 12), 12);
	close(in[1]);
	int ofd = memfd_create("out", MFD_CLOEXEC), efd = memfd_create("err", MFD_CLOEXEC);
	_cleanup_free_ char *sock = path_join(c.bundle, "attach");
	const void *ud[] = {rt, c.id};
	struct attach_opts ao = {
	        .socket_path = sock,
	        .in_fd = in[0],
	        .out_fd = ofd,
	        .err_fd = efd,
	        .start = start_cb,
	        .userdata = ud,
	};
	bool detached = true;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (attach_run(&ao, &detached, &err) < 0)
		fail_msg("attach: %s", err->msg);
	close(in[0]);
	assert_false(detached);
	assert_int_equal(wait_exit(&c), 5);
	_cleanup_free_ char *out = read_memfd(ofd), *errout = read_memfd(efd);
	close(ofd);
	close(efd);
	assert_string_equal(out, "hello stdin\n");
	assert_string_equal(errout, "err\n");
	ctr_delete(&c, rt);
	ctr_release(&c);
}

static void run_attach_detach(const struct oci_runtime *rt)
{
	struct ctr c = {0};
	char *args[] = {(char *)"/bin/cat", NULL};
	ctr_create_ok(&c, rt, args, true, true);
	_cleanup_error_ struct cpod_error *err = NULL;
	if (runtime_oci_start(rt, c.id, &err) < 0)
		fail_msg("start: %s", err->msg);
	int in[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(write(in[1], "ping\n\x10\x11", 7), 7);
	int ofd = memfd_create("out", MFD_CLOEXEC);
	_cleanup_free_ char *sock = path_join(c.bundle, "attach");
	_cleanup_free_ char *ctl = path_join(c.bundle, "ctl");
	struct attach_opts ao = {
	        .socket_path = sock,
	        .ctl_path = ctl,
	        .in_fd = in[0],
	        .out_fd = ofd,
	        .err_fd = ofd,
	        .terminal = true,
	};
	bool detached = false;
	if (attach_run(&ao, &detached, &err) < 0)
		fail_msg("attach: %s", err->msg);
	assert_true(detached);
	close(in[0]);
	close(in[1]);
	close(ofd);
	assert_int_equal(attach_resize(ctl, 30, 100, NULL), 0);

	/* still running after the detach */
	sleep_ms(200);
	_cleanup_json_ json_t *st = NULL;
	if (runtime_oci_state(rt, c.id, &st, &err) < 0)
		fail_msg("state: %s", err->msg);
	assert_string_equal(json_get_string(st, "status"), "running");
	int code;
	assert_int_equal(exitfile_read(fx.exits, c.id, &code, NULL), -ENOENT);

	if (runtime_oci_kill(rt, c.id, SIGKILL, false, &err) < 0)
		fail_msg("kill: %s", err->msg);
	assert_int_equal(wait_exit(&c), 137);
	ctr_delete(&c, rt);
	json_t *gone = NULL;
	assert_int_equal(runtime_oci_state(rt, c.id, &gone, &err), -ENOENT);
	ctr_release(&c);
}

static void run_error_classes(const struct oci_runtime *rt)
{
	struct ctr c = {0}, d = {0};
	char *missing[] = {(char *)"/bin/nope", NULL};
	struct cpod_error *err = NULL;
	assert_int_equal(ctr_create(&c, rt, missing, false, false, &err), -CPOD_ENOTFOUND_CMD);
	print_message("%s: %s\n", rt->name, err->msg);
	_cleanup_free_ char *prefix = xasprintf("%s: ", rt->name);
	assert_true(strncmp(err->msg, prefix, strlen(prefix)) == 0);
	assert_non_null(strstr(err->msg, "OCI runtime attempted to invoke a command that was "
	                                 "not found"));
	err = cpod_error_free(err);

	char *noexec[] = {(char *)"/bin/noexec", NULL};
	assert_int_equal(ctr_create(&d, rt, noexec, false, false, &err), -CPOD_ECANNOT_INVOKE);
	print_message("%s: %s\n", rt->name, err->msg);
	assert_non_null(strstr(err->msg, "OCI permission denied"));
	cpod_error_free(err);
	/* the failed creations were removed from the runtime again */
	json_t *st = NULL;
	assert_int_equal(runtime_oci_state(rt, c.id, &st, NULL), -ENOENT);
	ctr_release(&c);
	ctr_release(&d);
}

/* Whether one of pid's descriptors is the pipe with inode ino. */
static bool holds_pipe(pid_t pid, unsigned long ino)
{
	_cleanup_free_ char *want = xasprintf("pipe:[%lu]", ino);
	for (int fd = 0; fd < 256; fd++) {
		char path[64], target[128];
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, want) == 0)
			return true;
	}
	return false;
}

/*
 * Extra fds (reserved host ports in cpod) go to conmon, which holds them while the container
 * runs and closes them when it exits; the container never sees them. A pipe stands in for
 * the port: its read end sees EOF once every copy of the write end is gone.
 */
static void run_extra_fds(const struct oci_runtime *rt)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	struct stat st;
	assert_int_equal(fstat(p[1], &st), 0);
	struct ctr c = {0};
	char *args[] = {(char *)"/bin/sh", (char *)"-c", (char *)"ls -l /proc/1/fd/; sleep 1",
	                NULL};
	fx.extra_fds = &p[1];
	fx.n_extra_fds = 1;
	ctr_create_ok(&c, rt, args, false, false);
	fx.extra_fds = NULL;
	fx.n_extra_fds = 0;
	close(p[1]);
	assert_true(holds_pipe(c.conmon_pid, (unsigned long)st.st_ino));
	_cleanup_error_ struct cpod_error *err = NULL;
	if (runtime_oci_start(rt, c.id, &err) < 0)
		fail_msg("start: %s", err->msg);
	assert_int_equal(wait_exit(&c), 0);
	_cleanup_free_ char *raw = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, c.log, 1 << 20, &raw, NULL), 0);
	_cleanup_free_ char *pipe_name = xasprintf("pipe:[%lu]", (unsigned long)st.st_ino);
	assert_non_null(strstr(raw, " 0 -> "));
	assert_null(strstr(raw, pipe_name));
	/* conmon closed it when the container exited (before the exit file was written) */
	char b;
	assert_int_equal(read(p[0], &b, 1), 0);
	close(p[0]);
	ctr_delete(&c, rt);
	ctr_release(&c);
}

#define RUNTIME_TEST(fn, idx)                                                                      \
	static void test_##fn##_##idx(void **state)                                                \
	{                                                                                          \
		(void)state;                                                                       \
		if (!fx.runtimes[idx]) {                                                           \
			print_message("%s is not installed\n", idx ? "crun" : "runc");             \
			skip();                                                                    \
		}                                                                                  \
		run_##fn(fx.runtimes[idx]);                                                        \
	}

RUNTIME_TEST(hello_log_exit, 0)
RUNTIME_TEST(hello_log_exit, 1)
RUNTIME_TEST(attach_stdio, 0)
RUNTIME_TEST(attach_stdio, 1)
RUNTIME_TEST(attach_detach, 0)
RUNTIME_TEST(attach_detach, 1)
RUNTIME_TEST(error_classes, 0)
RUNTIME_TEST(error_classes, 1)
RUNTIME_TEST(extra_fds, 0)
RUNTIME_TEST(extra_fds, 1)

static int make_rootfs(void)
{
	_cleanup_free_ char *bin = path_join(fx.rootfs, "bin");
	if (mkdir_p(bin, 0755) < 0)
		return -1;
	_cleanup_free_ char *bb = path_join(bin, "busybox");
	if (busybox_copy_file(fx.busybox, bb, 0755) < 0)
		return -1;
	const char *applets[] = {"sh", "cat", "echo", "sleep", "ls", NULL};
	for (size_t i = 0; applets[i]; i++) {
		_cleanup_free_ char *l = path_join(bin, applets[i]);
		if (symlink("busybox", l) < 0)
			return -1;
	}
	_cleanup_free_ char *noexec = path_join(bin, "noexec");
	if (write_file_atomic_at(AT_FDCWD, noexec, "#!/bin/sh\n", 10, 0644, false) < 0)
		return -1;
	const char *dirs[] = {"etc", "proc", "sys", "dev", "tmp", NULL};
	for (size_t i = 0; dirs[i]; i++) {
		_cleanup_free_ char *d = path_join(fx.rootfs, dirs[i]);
		if (mkdir_p(d, 0755) < 0)
			return -1;
	}
	_cleanup_free_ char *passwd = path_join(fx.rootfs, "etc/passwd");
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n";
	return write_file_atomic_at(AT_FDCWD, passwd, pw, strlen(pw), 0644, false);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cpod-conmon-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	fx.dir = xstrdup(tmpl);
	fx.rootfs = path_join(fx.dir, "rootfs");
	fx.exits = path_join(fx.dir, "exits");
	fx.run_root = path_join(fx.dir, "run");
	fx.script = path_join(fx.dir, "exitcmd.sh");
	if (mkdir_p(fx.exits, 0700) < 0 || make_rootfs() < 0)
		return -1;
	/* records its arguments in <dir>/exitcmd-<last argument> */
	_cleanup_free_ char *script = xasprintf("#!/bin/sh\nfor a; do last=$a; done\n"
	                                        "readlink /proc/self/ns/mnt > %s/exitns-$last\n"
	                                        "echo \"$@\" > %s/exitcmd-$last.tmp\n"
	                                        "mv %s/exitcmd-$last.tmp %s/exitcmd-$last\n",
	                                        fx.dir, fx.dir, fx.dir, fx.dir);
	if (write_file_atomic_at(AT_FDCWD, fx.script, script, strlen(script), 0755, false) < 0)
		return -1;

	const char *names[] = {"runc", "crun"};
	for (int i = 0; i < 2; i++) {
		if (!host_probe_find_runtime(fx.probe, names[i]))
			continue;
		_cleanup_(runtime_choice_freep) struct runtime_choice *ch = NULL;
		_cleanup_error_ struct cpod_error *err = NULL;
		if (runtime_select_with(NULL, names[i], NULL, fx.probe, &ch, &err) < 0) {
			printf("# %s: %s\n", names[i], err->msg);
			continue;
		}
		struct oci_runtime_opts ro = {
		        .name = ch->name,
		        .path = ch->path,
		        .run_root = fx.run_root,
		        .needs_cgroup_workaround = ch->needs_private_cgroup_ns_workaround,
		};
		if (oci_runtime_new(&ro, &fx.runtimes[i], &err) < 0)
			return -1;
		printf("# %s: %s\n", names[i],
		       ro.needs_cgroup_workaround ? "hybrid-cgroup workaround" : "direct");
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		oci_runtime_free(fx.runtimes[i]);
	host_probe_free(fx.probe);
	if (fx.dir)
		rm_rf_at(AT_FDCWD, fx.dir);
	free(fx.dir);
	free(fx.rootfs);
	free(fx.exits);
	free(fx.run_root);
	free(fx.script);
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: running containers needs root\n");
		return SKIP;
	}
	fx.busybox = busybox_find();
	if (!fx.busybox) {
		printf("SKIP: busybox-static is not installed\n");
		return SKIP;
	}
	struct host_probe_options po = {.flags = HOST_PROBE_NO_PACKAGES};
	_cleanup_error_ struct cpod_error *err = NULL;
	if (host_probe_run(&po, &fx.probe, &err) < 0) {
		printf("SKIP: %s\n", err->msg);
		return SKIP;
	}
	if (!fx.probe->conmon.path || fx.probe->n_runtimes == 0) {
		fx.probe = host_probe_free(fx.probe);
		printf("SKIP: conmon and an OCI runtime (crun or runc) are needed\n");
		return SKIP;
	}
	fx.conmon = fx.probe->conmon.path;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hello_log_exit_0), cmocka_unit_test(test_hello_log_exit_1),
	        cmocka_unit_test(test_attach_stdio_0),   cmocka_unit_test(test_attach_stdio_1),
	        cmocka_unit_test(test_attach_detach_0),  cmocka_unit_test(test_attach_detach_1),
	        cmocka_unit_test(test_error_classes_0),  cmocka_unit_test(test_error_classes_1),
	        cmocka_unit_test(test_extra_fds_0),      cmocka_unit_test(test_extra_fds_1),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
