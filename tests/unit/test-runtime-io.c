/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure parts of the container process layer: k8s-file log parsing and printing (tail,
 * since/until, partial lines, timestamps), detach keys, the runtime error classes, conmon's
 * sync messages and exit command, exit files.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/attach.h"
#include "runtime/conmon.h"
#include "runtime/exitfile.h"
#include "runtime/k8s-log.h"
#include "runtime/oci.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char sample_log[] = "2026-11-23T18:17:06.100000000+00:00 stdout F one\n"
                                 "2026-11-23T18:17:07.200000000+00:00 stderr F warn\n"
                                 "2026-11-23T18:17:08.300000000+00:00 stdout P par\n"
                                 "2026-11-23T18:17:08.300000001+00:00 stdout P ti\n"
                                 "2026-11-23T18:17:08.400000000+00:00 stdout F al\n"
                                 "garbage line\n"
                                 "2026-11-23T18:17:09.000000000+00:00 stdout F \n"
                                 "2026-11-23T18:17:10.500000000+01:00 stdout F last\n";

/* Print the sample with o (its fds replaced) and return what went to stdout / stderr. */
static void print_sample(struct k8s_log_opts o, const char *log, char **out, char **errout)
{
	int ofd = memfd_create("out", MFD_CLOEXEC), efd = memfd_create("err", MFD_CLOEXEC);
	assert_true(ofd >= 0 && efd >= 0);
	o.out_fd = ofd;
	o.err_fd = efd;
	assert_int_equal(k8s_log_print_buffer(log, strlen(log), &o), 0);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	assert_int_equal(read_fd_all(ofd, 1 << 20, out, NULL), 0);
	assert_int_equal(read_fd_all(efd, 1 << 20, errout, NULL), 0);
	close(ofd);
	close(efd);
}

static void test_k8s_log_parse_line_full_and_partial(void **state)
{
	(void)state;
	struct k8s_log_line l;
	const char *s = "2026-11-23T18:17:06.123456789+00:00 stderr P hello world";
	assert_int_equal(k8s_log_parse_line(s, strlen(s), &l), 0);
	assert_int_equal(l.stream, K8S_STREAM_STDERR);
	assert_true(l.partial);
	assert_int_equal(l.msg_len, 11);
	assert_memory_equal(l.msg, "hello world", 11);
	assert_int_equal(l.time_ns % 1000000000LL, 123456789);

	const char *empty = "2026-11-23T18:17:06Z stdout F";
	assert_int_equal(k8s_log_parse_line(empty, strlen(empty), &l), 0);
	assert_int_equal(l.msg_len, 0);
	assert_false(l.partial);

	const char *bad[] = {"",
	                     "nonsense",
	                     "2026-11-23T18:17:06Z stdin F x",
	                     "2026-11-23T18:17:06Z stdout X x",
	                     "2026-13-23T18:17:06Z stdout F x",
	                     "2026-02-30T18:17:06Z stdout F x",
	                     "2026-11-23T18:17:06 stdout F x",
	                     "2026-11-23T18:17:06.Z stdout F x",
	                     "2026-11-23T18:17:06Z stdout Fx"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(k8s_log_parse_line(bad[i], strlen(bad[i]), &l), -EINVAL);
}

static void test_k8s_log_time_round_trip(void **state)
{
	(void)state;
	int64_t ns;
	int off;
	const char *t = "2026-11-23T18:17:06.5+02:00";
	assert_int_equal(k8s_log_parse_time(t, strlen(t), &ns, &off), 0);
	assert_int_equal(off, 7200);
	/* 16:17:06.5 UTC */
	const char *u = "2026-11-23T16:17:06.500000000Z";
	int64_t ns2;
	assert_int_equal(k8s_log_parse_time(u, strlen(u), &ns2, NULL), 0);
	assert_true(ns == ns2);
	char buf[64];
	assert_string_equal(k8s_log_format_time(ns, off, buf, sizeof(buf)),
	                    "2026-11-23T18:17:06.500000000+02:00");
	assert_string_equal(k8s_log_format_time(ns, 0, buf, sizeof(buf)),
	                    "2026-11-23T16:17:06.500000000Z");
	assert_string_equal(k8s_log_format_time(0, -3600 * 5 - 1800, buf, sizeof(buf)),
	                    "1969-12-31T18:30:00.000000000-05:30");
	const char *leap = "2024-02-29T00:00:00Z";
	assert_int_equal(k8s_log_parse_time(leap, strlen(leap), &ns, NULL), 0);
	assert_true(ns == 1709164800LL * 1000000000LL);
}

static void test_k8s_log_print_all_joins_partials(void **state)
{
	(void)state;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	struct k8s_log_opts o = {.tail = -1};
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "one\npartial\n\nlast\n");
	assert_string_equal(errout, "warn\n");
}

static void test_k8s_log_print_timestamps_and_prefix(void **state)
{
	(void)state;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	struct k8s_log_opts o = {.tail = -1, .timestamps = true, .prefix = "0123456789ab "};
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "0123456789ab 2026-11-23T18:17:06.100000000Z one\n"
	                         "0123456789ab 2026-11-23T18:17:08.300000000Z partial\n"
	                         "0123456789ab 2026-11-23T18:17:09.000000000Z \n"
	                         "0123456789ab 2026-11-23T18:17:10.500000000+01:00 last\n");
	assert_string_equal(errout, "0123456789ab 2026-11-23T18:17:07.200000000Z warn\n");
}

static void test_k8s_log_print_tail(void **state)
{
	(void)state;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	struct k8s_log_opts o = {.tail = 2};
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "\nlast\n");
	assert_string_equal(errout, "");
	free(out);
	free(errout);
	o.tail = 3;
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "partial\n\nlast\n");
	free(out);
	free(errout);
	o.tail = 0;
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "");
	assert_string_equal(errout, "");
}

static void test_k8s_log_print_since_until(void **state)
{
	(void)state;
	int64_t since, until;
	const char *s = "2026-11-23T18:17:06.100000000Z", *u = "2026-11-23T18:17:09Z";
	assert_int_equal(k8s_log_parse_time(s, strlen(s), &since, NULL), 0);
	assert_int_equal(k8s_log_parse_time(u, strlen(u), &until, NULL), 0);
	_cleanup_free_ char *out = NULL, *errout = NULL;
	/* since is exclusive (Podman: After), until too (Before) */
	struct k8s_log_opts o = {.tail = -1, .since_ns = since, .until_ns = until};
	print_sample(o, sample_log, &out, &errout);
	assert_string_equal(out, "partial\n");
	assert_string_equal(errout, "warn\n");
}

static void test_k8s_log_print_trailing_partial(void **state)
{
	(void)state;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	struct k8s_log_opts o = {.tail = -1};
	print_sample(o,
	             "2026-11-23T18:17:06Z stdout P no newline yet\n"
	             "2026-11-23T18:17:07Z stderr F e\n",
	             &out, &errout);
	assert_string_equal(out, "no newline yet");
	assert_string_equal(errout, "e\n");
}

static void test_k8s_log_print_file_and_follow(void **state)
{
	(void)state;
	char dir[] = "/tmp/cpod-k8slog-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *path = path_join(dir, "ctr.log");
	assert_int_equal(
	        write_file_atomic_at(AT_FDCWD, path, sample_log, strlen(sample_log), 0600, false),
	        0);
	int ofd = memfd_create("out", MFD_CLOEXEC);
	struct k8s_log_opts o = {.out_fd = ofd, .err_fd = -1, .tail = 1, .follow = true};
	struct cpod_error *err = NULL;
	/* follow with running() NULL: the container is not running, print and return */
	assert_int_equal(k8s_log_print(path, &o, &err), 0);
	_cleanup_free_ char *out = NULL;
	lseek(ofd, 0, SEEK_SET);
	assert_int_equal(read_fd_all(ofd, 1 << 20, &out, NULL), 0);
	assert_string_equal(out, "last\n");
	close(ofd);
	_cleanup_free_ char *missing = path_join(dir, "nope.log");
	assert_int_equal(k8s_log_print(missing, &o, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "nope.log"));
	cpod_error_free(err);
	rm_rf_at(AT_FDCWD, dir);
}

static atomic_int follow_done;

static void *append_later(void *arg)
{
	struct timespec ts = {0, 100 * 1000000L};
	nanosleep(&ts, NULL);
	int fd = open(arg, O_WRONLY | O_APPEND | O_CLOEXEC);
	const char *more =
	        "2026-11-23T18:18:00Z stdout P app\n2026-11-23T18:18:01Z stdout F ended\n";
	assert_int_equal(write(fd, more, strlen(more)), (ssize_t)strlen(more));
	close(fd);
	nanosleep(&ts, NULL);
	atomic_store(&follow_done, 1);
	return NULL;
}

static bool follow_running(void *userdata)
{
	(void)userdata;
	return !atomic_load(&follow_done);
}

static void test_k8s_log_follow_until_stopped(void **state)
{
	(void)state;
	char dir[] = "/tmp/cpod-k8slog-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *path = path_join(dir, "ctr.log");
	const char *first = "2026-11-23T18:17:06Z stdout F first\n";
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, first, strlen(first), 0600, false),
	                 0);
	int ofd = memfd_create("out", MFD_CLOEXEC);
	struct k8s_log_opts o = {
	        .out_fd = ofd, .err_fd = -1, .tail = -1, .follow = true, .running = follow_running};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, append_later, path), 0);
	assert_int_equal(k8s_log_print(path, &o, NULL), 0);
	pthread_join(t, NULL);
	_cleanup_free_ char *out = NULL;
	lseek(ofd, 0, SEEK_SET);
	assert_int_equal(read_fd_all(ofd, 1 << 20, &out, NULL), 0);
	close(ofd);
	assert_string_equal(out, "first\nappended\n");
	rm_rf_at(AT_FDCWD, dir);
}

static void test_detach_keys_parse(void **state)
{
	(void)state;
	struct attach_detach_keys k;
	assert_int_equal(attach_parse_detach_keys(NULL, &k, NULL), 0);
	assert_int_equal(k.len, 2);
	assert_int_equal(k.seq[0], 16);
	assert_int_equal(k.seq[1], 17);
	assert_int_equal(attach_parse_detach_keys("ctrl-@,ctrl-[,ctrl-\\,ctrl-_,x,DEL", &k, NULL),
	                 0);
	assert_int_equal(k.len, 6);
	unsigned char want[] = {0, 27, 28, 31, 'x', 127};
	assert_memory_equal(k.seq, want, 6);
	assert_int_equal(attach_parse_detach_keys("", &k, NULL), 0);
	assert_int_equal(k.len, 0);
	struct cpod_error *err = NULL;
	assert_int_equal(attach_parse_detach_keys("ctrl-p,ctrl-1", &k, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid detach keys: Unknown character: 'ctrl-1'");
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(attach_parse_detach_keys("CTRL-P", &k, &err), -EINVAL);
	cpod_error_free(err);
}

static void test_detach_matcher_across_reads(void **state)
{
	(void)state;
	struct attach_detach_keys k;
	assert_int_equal(attach_parse_detach_keys(NULL, &k, NULL), 0);
	struct attach_detach_matcher m = {.keys = &k};
	unsigned char out[64];
	size_t n;
	/* "ab" then ctrl-p held back, then "c": ctrl-p and "c" are forwarded */
	assert_false(attach_detach_matcher_feed(&m, (const unsigned char *)"ab\x10", 3, out, &n));
	assert_int_equal(n, 2);
	assert_false(attach_detach_matcher_feed(&m, (const unsigned char *)"c", 1, out, &n));
	assert_int_equal(n, 2);
	assert_memory_equal(out,
	                    "\x10"
	                    "c",
	                    2);
	/* ctrl-p ctrl-p ctrl-q: the first ctrl-p is forwarded, then detach */
	assert_true(attach_detach_matcher_feed(&m, (const unsigned char *)"x\x10\x10\x11y", 5, out,
	                                       &n));
	assert_int_equal(n, 2);
	assert_memory_equal(out, "x\x10", 2);
	/* split over reads */
	assert_false(attach_detach_matcher_feed(&m, (const unsigned char *)"\x10", 1, out, &n));
	assert_int_equal(n, 0);
	assert_true(attach_detach_matcher_feed(&m, (const unsigned char *)"\x11", 1, out, &n));
	/* held bytes at EOF */
	assert_false(attach_detach_matcher_feed(&m, (const unsigned char *)"z\x10", 2, out, &n));
	assert_int_equal(attach_detach_matcher_flush(&m, out), 1);
	assert_int_equal(out[0], 0x10);
	/* no keys: everything passes */
	struct attach_detach_keys none = {.len = 0};
	struct attach_detach_matcher m2 = {.keys = &none};
	assert_false(
	        attach_detach_matcher_feed(&m2, (const unsigned char *)"\x10\x11", 2, out, &n));
	assert_int_equal(n, 2);
}

static void test_runtime_oci_error_classes(void **state)
{
	(void)state;
	struct cpod_error *err = NULL;
	assert_int_equal(runtime_oci_error("crun",
	                                   "executable file `nope` not found in $PATH: No such "
	                                   "file or directory\n",
	                                   &err),
	                 -CPOD_ENOTFOUND_CMD);
	assert_string_equal(err->msg,
	                    "crun: executable file `nope` not found in $PATH: No such "
	                    "file or directory: OCI runtime attempted to invoke a command "
	                    "that was not found");
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(
	        runtime_oci_error("runc",
	                          "time=\"2026-11-23T18:29:47Z\" level=error msg=\"runc "
	                          "create failed: unable to start container process: exec: "
	                          "\\\"/bin/noexec\\\": permission denied\"\n",
	                          &err),
	        -CPOD_ECANNOT_INVOKE);
	assert_string_equal(err->msg, "runc: runc create failed: unable to start container "
	                              "process: exec: \"/bin/noexec\": permission denied: OCI "
	                              "permission denied");
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(runtime_oci_error("crun",
	                                   "{\"msg\":\"something broke\",\"level\":\"error\"}\n"
	                                   "{\"msg\":\"just saying\",\"level\":\"warning\"}\n",
	                                   &err),
	                 -EIO);
	assert_string_equal(err->msg, "crun: something broke: OCI runtime error");
	cpod_error_free(err);
}

static void test_conmon_sync_message(void **state)
{
	(void)state;
	int data;
	char *msg = NULL;
	assert_int_equal(conmon_parse_sync_message("{\"data\": 1234}\n", &data, &msg), 0);
	assert_int_equal(data, 1234);
	assert_null(msg);
	assert_int_equal(conmon_parse_sync_message("{\"data\": -1, \"message\": \"a \\\"b\\\"\"}",
	                                           &data, &msg),
	                 0);
	assert_int_equal(data, -1);
	assert_string_equal(msg, "a \"b\"");
	free(msg);
	/* conmon < 2.1.8 does not escape the message */
	assert_int_equal(conmon_parse_sync_message("{\"data\": -1, \"message\": \"exec `x`: \"y\"\n"
	                                           "second line\"}\n",
	                                           &data, &msg),
	                 0);
	assert_int_equal(data, -1);
	assert_string_equal(msg, "exec `x`: \"y\"\nsecond line");
	free(msg);
	assert_int_equal(conmon_parse_sync_message("garbage", &data, &msg), -EINVAL);
	assert_int_equal(conmon_parse_sync_message("{\"data\": x}", &data, &msg), -EINVAL);
}

static void test_conmon_exit_command(void **state)
{
	(void)state;
	char *opts[] = {(char *)"overlay.mountopt=nodev", NULL};
	struct conmon_exit_command_opts o = {
	        .self = "/usr/bin/cpod",
	        .root = "/var/lib/cpod",
	        .run_root = "/run/cpod",
	        .log_level = "warn",
	        .runtime = "crun",
	        .storage_driver = "overlay",
	        .storage_opts = opts,
	        .remove = true,
	        .id = "abc",
	};
	char **v = NULL;
	assert_int_equal(conmon_exit_command(&o, &v, NULL), 0);
	_cleanup_free_ char *line = strv_join(v, " ");
	assert_string_equal(line,
	                    "/usr/bin/cpod --root /var/lib/cpod --runroot /run/cpod "
	                    "--log-level warn --runtime crun --storage-driver overlay "
	                    "--storage-opt overlay.mountopt=nodev container cleanup --rm abc");
	strv_free(v);
	o.self = NULL;
	o.remove = false;
	assert_int_equal(conmon_exit_command(&o, &v, NULL), 0);
	assert_true(v[0][0] == '/');
	assert_string_equal(v[strv_length(v) - 2], "cleanup");
	strv_free(v);
	/* another verb of cpod's own (health checks) with the same global flags */
	const char *const verb[] = {"healthcheck", "run", NULL};
	o.self = "/usr/bin/cpod";
	o.verb = verb;
	assert_int_equal(conmon_exit_command(&o, &v, NULL), 0);
	_cleanup_free_ char *line2 = strv_join(v, " ");
	assert_string_equal(line2, "/usr/bin/cpod --root /var/lib/cpod --runroot /run/cpod "
	                           "--log-level warn --runtime crun --storage-driver overlay "
	                           "--storage-opt overlay.mountopt=nodev healthcheck run abc");
	strv_free(v);
	o.id = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(conmon_exit_command(&o, &v, &err), -EINVAL);
	cpod_error_free(err);
}

static void *write_exit_later(void *arg)
{
	struct timespec ts = {0, 150 * 1000000L};
	nanosleep(&ts, NULL);
	_cleanup_free_ char *path = path_join(arg, "ctr1");
	write_file_atomic_at(AT_FDCWD, path, "137", 3, 0644, false);
	return NULL;
}

static void test_exitfile_read_and_wait(void **state)
{
	(void)state;
	char dir[] = "/tmp/cpod-exit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int code = 0;
	struct cpod_error *err = NULL;
	assert_int_equal(exitfile_read(dir, "ctr1", &code, &err), -ENOENT);
	cpod_error_free(err);
	err = NULL;
	assert_int_equal(exitfile_wait(dir, "ctr1", 50, &code, &err), -ETIMEDOUT);
	cpod_error_free(err);
	err = NULL;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_exit_later, dir), 0);
	assert_int_equal(exitfile_wait(dir, "ctr1", 5000, &code, NULL), 0);
	pthread_join(t, NULL);
	assert_int_equal(code, 137);
	_cleanup_free_ char *bad = path_join(dir, "ctr2");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, bad, "x1", 2, 0644, false), 0);
	assert_int_equal(exitfile_read(dir, "ctr2", &code, &err), -EINVAL);
	cpod_error_free(err);
	assert_false(exitfile_oom(dir));
	_cleanup_free_ char *oom = path_join(dir, "oom");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, oom, "", 0, 0644, false), 0);
	assert_true(exitfile_oom(dir));
	assert_int_equal(exitfile_remove(dir, "ctr1"), 0);
	assert_int_equal(exitfile_remove(dir, "ctr1"), 0);
	rm_rf_at(AT_FDCWD, dir);
}

static atomic_int forwarded;

static int record_signal(int signo, void *userdata)
{
	(void)userdata;
	atomic_store(&forwarded, signo);
	return 0;
}

static void test_sig_proxy_forwards_and_restores(void **state)
{
	(void)state;
	struct attach_sig_proxy *p = NULL, *second = NULL;
	struct cpod_error *err = NULL;
	assert_int_equal(attach_sig_proxy_start(record_signal, NULL, &p, NULL), 0);
	assert_int_equal(attach_sig_proxy_start(record_signal, NULL, &second, &err), -EBUSY);
	cpod_error_free(err);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	for (int i = 0; i < 200 && atomic_load(&forwarded) == 0; i++) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	assert_int_equal(atomic_load(&forwarded), SIGUSR1);
	attach_sig_proxy_stop(p);
	struct sigaction sa;
	assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_DFL);
	/* a new proxy can start once the first stopped */
	assert_int_equal(attach_sig_proxy_start(record_signal, NULL, &p, NULL), 0);
	attach_sig_proxy_stop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_k8s_log_parse_line_full_and_partial),
	        cmocka_unit_test(test_k8s_log_time_round_trip),
	        cmocka_unit_test(test_k8s_log_print_all_joins_partials),
	        cmocka_unit_test(test_k8s_log_print_timestamps_and_prefix),
	        cmocka_unit_test(test_k8s_log_print_tail),
	        cmocka_unit_test(test_k8s_log_print_since_until),
	        cmocka_unit_test(test_k8s_log_print_trailing_partial),
	        cmocka_unit_test(test_k8s_log_print_file_and_follow),
	        cmocka_unit_test(test_k8s_log_follow_until_stopped),
	        cmocka_unit_test(test_detach_keys_parse),
	        cmocka_unit_test(test_detach_matcher_across_reads),
	        cmocka_unit_test(test_runtime_oci_error_classes),
	        cmocka_unit_test(test_conmon_sync_message),
	        cmocka_unit_test(test_conmon_exit_command),
	        cmocka_unit_test(test_exitfile_read_and_wait),
	        cmocka_unit_test(test_sig_proxy_forwards_and_restores),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
