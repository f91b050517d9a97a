/* SPDX-License-Identifier: Apache-2.0 */
/*
 * net_ports_bind: host ports reserved for a running container, on loopback only, with
 * ports the kernel hands out (port 0) so that parallel test runs do not collide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "network/network.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A socket of type bound to host:port (0: any free one); listening for TCP. -1 on failure. */
static int holder(int family, int type, const char *host, unsigned port, unsigned *ret_port)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &in->sin_addr);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, host, &in6->sin6_addr);
		len = sizeof(*in6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 1) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	if (ret_port)
		*ret_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
		                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Whether host:port can be bound right now (by a socket closed again at once). */
static bool port_free(int type, const char *host, unsigned port)
{
	int fd = holder(AF_INET, type, host, port, NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static json_t *mapping(const char *ip, unsigned port, unsigned range, const char *proto)
{
	return json_pack("{s:i, s:s, s:i, s:i, s:s}", "container_port", 80, "host_ip", ip,
	                 "host_port", (int)port, "range", (int)range, "protocol", proto);
}

/* A block of n consecutive free ports of type on 127.0.0.1; 0 when none was found. */
static unsigned free_block(int type, unsigned n)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		unsigned p = 0;
		int fd = holder(AF_INET, type, "127.0.0.1", 0, &p);
		if (fd < 0)
			return 0;
		close(fd);
		bool ok = p + n - 1 <= 65535;
		for (unsigned k = 0; ok && k < n; k++)
			ok = port_free(type, "127.0.0.1", p + k);
		if (ok)
			return p;
	}
	return 0;
}

static void check_busy(int type, const char *proto, const char *expect_fmt)
{
	unsigned port = 0;
	int fd = holder(AF_INET, type, "127.0.0.1", 0, &port);
	assert_true(fd >= 0);
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("127.0.0.1", port, 1, proto));
	int before = open_fds();
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(net_ports_bind(m, &fds, &n, &err), -EADDRINUSE);
	_cleanup_free_ char *want = xasprintf(expect_fmt, port);
	assert_string_equal(err->msg, want);
	assert_int_equal(err->code, EADDRINUSE);
	assert_int_equal(open_fds(), before);
	close(fd);
}

static void test_ports_bind_busy_tcp(void **state)
{
	(void)state;
	check_busy(SOCK_STREAM, "tcp",
	           "cannot listen on the TCP port: listen tcp4 127.0.0.1:%u: bind: address already "
	           "in use");
}

static void test_ports_bind_busy_udp(void **state)
{
	(void)state;
	check_busy(SOCK_DGRAM, "udp",
	           "cannot listen on the UDP port: listen udp4 127.0.0.1:%u: bind: address already "
	           "in use");
}

/* Go prints an empty host as ":PORT"; 0.0.0.0 collides with a listener on 127.0.0.1. */
static void test_ports_bind_busy_wildcard(void **state)
{
	(void)state;
	unsigned port = 0;
	int fd = holder(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &port);
	assert_true(fd >= 0);
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("", port, 1, "tcp"));
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(net_ports_bind(m, &fds, &n, &err), -EADDRINUSE);
	_cleanup_free_ char *want =
	        xasprintf("cannot listen on the TCP port: listen tcp4 :%u: bind: "
	                  "address already in use",
	                  port);
	assert_string_equal(err->msg, want);
	close(fd);
}

static void test_ports_bind_busy_ipv6(void **state)
{
	(void)state;
	unsigned port = 0;
	int fd = holder(AF_INET6, SOCK_STREAM, "::1", 0, &port);
	if (fd < 0)
		skip(); /* no IPv6 loopback on this host */
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("0:0::1", port, 1, "tcp"));
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(net_ports_bind(m, &fds, &n, &err), -EADDRINUSE);
	_cleanup_free_ char *want =
	        xasprintf("cannot listen on the TCP port: listen tcp6 [::1]:%u: "
	                  "bind: address already in use",
	                  port);
	assert_string_equal(err->msg, want);
	close(fd);
}

/* A free range: every port bound (TCP listening), O_CLOEXEC, released by net_ports_close. */
static void check_range(int type, const char *proto)
{
	unsigned first = free_block(type, 3);
	if (!first)
		skip();
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("127.0.0.1", first, 3, proto));
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = net_ports_bind(m, &fds, &n, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		struct sockaddr_in in;
		socklen_t len = sizeof(in);
		assert_int_equal(getsockname(fds[i], (struct sockaddr *)&in, &len), 0);
		assert_int_equal(ntohs(in.sin_port), first + i);
		assert_int_equal(in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
		int v = 0;
		len = sizeof(v);
		assert_int_equal(getsockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
		assert_int_equal(v, type == SOCK_STREAM);
		assert_false(port_free(type, "127.0.0.1", first + (unsigned)i));
	}
	net_ports_close(fds, n);
	for (unsigned k = 0; k < 3; k++)
		assert_true(port_free(type, "127.0.0.1", first + k));
}

static void test_ports_bind_range_tcp(void **state)
{
	(void)state;
	check_range(SOCK_STREAM, "tcp");
}

static void test_ports_bind_range_udp(void **state)
{
	(void)state;
	check_range(SOCK_DGRAM, "udp");
}

/* A failure after some ports were bound closes those again. */
static void test_ports_bind_partial_failure(void **state)
{
	(void)state;
	unsigned free_port = free_block(SOCK_STREAM, 1), busy = 0;
	if (!free_port)
		skip();
	int fd = holder(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &busy);
	assert_true(fd >= 0);
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("127.0.0.1", free_port, 1, "tcp"));
	json_array_append_new(m, mapping("127.0.0.1", free_port, 1, "udp"));
	json_array_append_new(m, mapping("127.0.0.1", busy, 1, "tcp"));
	int before = open_fds();
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(net_ports_bind(m, &fds, &n, &err), -EADDRINUSE);
	assert_int_equal(open_fds(), before);
	assert_true(port_free(SOCK_STREAM, "127.0.0.1", free_port));
	close(fd);
}

/* sctp is skipped (Podman only logs it), several protocols in one mapping, bad protocols. */
static void test_ports_bind_protocols(void **state)
{
	(void)state;
	unsigned port = free_block(SOCK_STREAM, 1);
	if (!port)
		skip();
	_cleanup_json_ json_t *m = json_array();
	json_array_append_new(m, mapping("127.0.0.1", port, 1, "sctp"));
	json_array_append_new(m, mapping("127.0.0.1", port, 1, "tcp,udp"));
	int *fds = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = net_ports_bind(m, &fds, &n, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(n, 2);
	net_ports_close(fds, n);

	_cleanup_json_ json_t *bad = json_array();
	json_array_append_new(bad, mapping("127.0.0.1", port, 1, "icmp"));
	_cleanup_error_ struct cpod_error *berr = NULL;
	assert_int_equal(net_ports_bind(bad, &fds, &n, &berr), -EINVAL);
	assert_string_equal(berr->msg, "unknown protocol icmp");

	_cleanup_json_ json_t *none = json_array();
	fds = NULL;
	assert_int_equal(net_ports_bind(none, &fds, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(fds);
	net_ports_close(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ports_bind_busy_tcp),
	        cmocka_unit_test(test_ports_bind_busy_udp),
	        cmocka_unit_test(test_ports_bind_busy_wildcard),
	        cmocka_unit_test(test_ports_bind_busy_ipv6),
	        cmocka_unit_test(test_ports_bind_range_tcp),
	        cmocka_unit_test(test_ports_bind_range_udp),
	        cmocka_unit_test(test_ports_bind_partial_failure),
	        cmocka_unit_test(test_ports_bind_protocols),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
