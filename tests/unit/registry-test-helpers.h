/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_REGISTRY_TEST_HELPERS_H
#define CPOD_REGISTRY_TEST_HELPERS_H

/*
 * Helpers for test-registry.c: docker-registry instances on 127.0.0.1 (plain, htpasswd,
 * TLS with a CA made by openssl) and a small scripted HTTP server in a thread, for the
 * faults a real registry does not produce. Only 127.0.0.1 is ever used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

#define DOCKER_REGISTRY "/usr/bin/docker-registry"

/* ---- processes ---------------------------------------------------------------------- */

/* Run argv, stdout to out_path (or /dev/null), stderr to /dev/null; exit status or -1. */
static int run_cmd(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int out =
		        open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_RDWR);
		if (out < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(out, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static bool port_open(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

struct test_registry {
	char *dir;
	int port;
	pid_t pid;
	char host[32]; /* 127.0.0.1:PORT */
	char *user, *pass;
	char *certs_d;  /* TLS: a certs.d root with HOST/ca.crt */
	char *cert_dir; /* TLS: a --cert-dir with ca.crt */
};

static int make_certs(const char *d)
{
	_cleanup_free_ char *cakey = path_join(d, "ca.key"), *cacrt = path_join(d, "ca.crt");
	_cleanup_free_ char *key = path_join(d, "server.key"), *csr = path_join(d, "server.csr");
	_cleanup_free_ char *crt = path_join(d, "server.crt"), *ext = path_join(d, "server.ext");
	const char *exts = "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
	                   "basicConstraints=CA:FALSE\n";
	char *ca[] = {"openssl",
	              "req",
	              "-x509",
	              "-newkey",
	              "ec",
	              "-pkeyopt",
	              "ec_paramgen_curve:prime256v1",
	              "-nodes",
	              "-days",
	              "2",
	              "-subj",
	              "/CN=cpod test CA",
	              "-keyout",
	              cakey,
	              "-out",
	              cacrt,
	              "-addext",
	              "basicConstraints=critical,CA:TRUE",
	              "-addext",
	              "keyUsage=critical,keyCertSign",
	              NULL};
	char *req[] = {"openssl", "req",      "-newkey",
	               "ec",      "-pkeyopt", "ec_paramgen_curve:prime256v1",
	               "-nodes",  "-subj",    "/CN=127.0.0.1",
	               "-keyout", key,        "-out",
	               csr,       NULL};
	char *sign[] = {
	        "openssl",         "x509",  "-req", "-in",      csr, "-CA",  cacrt, "-CAkey", cakey,
	        "-CAcreateserial", "-days", "2",    "-extfile", ext, "-out", crt,   NULL};
	if (write_file_atomic_at(AT_FDCWD, ext, exts, strlen(exts), 0644, false) < 0)
		return -1;
	return run_cmd(ca, NULL) == 0 && run_cmd(req, NULL) == 0 && run_cmd(sign, NULL) == 0 ? 0
	                                                                                     : -1;
}

static void test_registry_stop(struct test_registry *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(r->pid, NULL, WNOHANG) == r->pid) {
				r->pid = 0;
				break;
			}
			sleep_ms(100);
		}
		if (r->pid > 0) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, NULL, 0);
		}
	}
	if (r->dir)
		rm_rf_at(AT_FDCWD, r->dir);
	free(r->dir);
	free(r->user);
	free(r->pass);
	free(r->certs_d);
	free(r->cert_dir);
	memset(r, 0, sizeof(*r));
}

/* Start docker-registry; auth: htpasswd basic auth; tls: a server cert from a test CA. */
static int test_registry_start(struct test_registry *r, bool auth, bool tls)
{
	char tmpl[] = "/tmp/cpod-registry-XXXXXX";
	_cleanup_free_ char *cfg = NULL, *conf = NULL, *log = NULL;

	memset(r, 0, sizeof(*r));
	if (!mkdtemp(tmpl))
		return -1;
	r->dir = xstrdup(tmpl);
	r->port = free_port();
	if (r->port < 0)
		return -1;
	snprintf(r->host, sizeof(r->host), "127.0.0.1:%d", r->port);
	conf = xasprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
	                 "storage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n"
	                 "    enabled: true\nhttp:\n  addr: 127.0.0.1:%d\n  secret: cpod-test-%d\n",
	                 r->dir, r->port, (int)getpid());
	if (tls) {
		_cleanup_free_ char *certs = path_join(r->dir, "certs");
		_cleanup_free_ char *ca = path_join(certs, "ca.crt");
		_cleanup_free_ char *ca_data = NULL;
		size_t ca_len = 0;
		mkdir_p(certs, 0700);
		if (make_certs(certs) < 0 || read_file_at(AT_FDCWD, ca, 0, &ca_data, &ca_len) < 0)
			return -1;
		r->certs_d = path_join(r->dir, "certs.d");
		r->cert_dir = path_join(r->dir, "certdir");
		_cleanup_free_ char *hostdir = path_join(r->certs_d, r->host);
		mkdir_p(hostdir, 0700);
		mkdir_p(r->cert_dir, 0700);
		_cleanup_free_ char *c1 = path_join(hostdir, "ca.crt");
		_cleanup_free_ char *c2 = path_join(r->cert_dir, "ca.crt");
		write_file_atomic_at(AT_FDCWD, c1, ca_data, ca_len, 0644, false);
		write_file_atomic_at(AT_FDCWD, c2, ca_data, ca_len, 0644, false);
		char *more = xasprintf(
		        "%s  tls:\n    certificate: %s/server.crt\n    key: %s/server.key\n", conf,
		        certs, certs);
		free(conf);
		conf = more;
	}
	if (auth) {
		_cleanup_free_ char *pw = path_join(r->dir, "htpasswd");
		r->user = xstrdup("cpoduser");
		r->pass = xasprintf("pw-%d", (int)getpid());
		char *argv[] = {"htpasswd", "-Bbn", r->user, r->pass, NULL};
		if (run_cmd(argv, pw) != 0)
			return -1;
		char *more = xasprintf("%sauth:\n  htpasswd:\n    realm: cpod-test\n    path: %s\n",
		                       conf, pw);
		free(conf);
		conf = more;
	}
	cfg = path_join(r->dir, "config.yml");
	log = path_join(r->dir, "registry.log");
	if (write_file_atomic_at(AT_FDCWD, cfg, conf, strlen(conf), 0600, false) < 0)
		return -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0) {
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(out, 1);
		dup2(out, 2);
		execl(DOCKER_REGISTRY, DOCKER_REGISTRY, "serve", cfg, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (port_open(r->port))
			return 0;
		if (waitpid(r->pid, NULL, WNOHANG) == r->pid) {
			r->pid = 0;
			break;
		}
		sleep_ms(50);
	}
	return -1;
}

/* ---- a scripted HTTP server ----------------------------------------------------------- */

struct fake_request {
	char method[16];
	char path[1024];
	char authorization[512];
	char content_range[128];
	size_t body_len;
};

struct fake_server;
/* Answer one request on fd (write the whole response); the connection is closed after. */
typedef void (*fake_handler)(struct fake_server *s, int fd, const struct fake_request *req);

struct fake_server {
	int listen_fd;
	int port;
	char base[64]; /* http://127.0.0.1:PORT */
	char host[32];
	pthread_t thread;
	fake_handler handler;
	void *data;
	pthread_mutex_t lock;
	int hits; /* requests other than /v2/ pings */
	int token_hits;
	char last_auth[512]; /* Authorization of the last request */
	char last_path[1024];
	volatile bool stop;
};

static void fake_send(int fd, const char *s)
{
	(void)write_all(fd, s, strlen(s));
}

static const char *fake_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 307:
		return "Temporary Redirect";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	default:
		return "Whatever";
	}
}

static void fake_respond(int fd, int status, const char *headers, const void *body, size_t len)
{
	_cleanup_free_ char *head =
	        xasprintf("HTTP/1.1 %d %s\r\nConnection: close\r\n"
	                  "Content-Length: %zu\r\n%s\r\n",
	                  status, fake_reason(status), len, headers ? headers : "");
	fake_send(fd, head);
	if (len)
		(void)write_all(fd, body, len);
}

static bool fake_read_request(int fd, struct fake_request *req)
{
	char buf[16384];
	size_t n = 0;
	memset(req, 0, sizeof(*req));
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 5000) <= 0)
			return false;
		ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (got <= 0)
			return false;
		n += (size_t)got;
		buf[n] = '\0';
		/* a TLS ClientHello (the client trying https first) is no request */
		if (buf[0] < 'A' || buf[0] > 'Z')
			return false;
		if (strstr(buf, "\r\n\r\n"))
			break;
		if (n >= sizeof(buf) - 1)
			return false;
	}
	if (sscanf(buf, "%15s %1023s HTTP/1.", req->method, req->path) != 2)
		return false;
	for (char *line = strstr(buf, "\r\n"); line && line[2] != '\r';
	     line = strstr(line + 2, "\r\n")) {
		char *l = line + 2;
		if (strncasecmp(l, "Authorization: ", 15) == 0)
			sscanf(l + 15, "%511[^\r]", req->authorization);
		if (strncasecmp(l, "Content-Range: ", 15) == 0)
			sscanf(l + 15, "%127[^\r]", req->content_range);
		if (strncasecmp(l, "Content-Length: ", 16) == 0)
			req->body_len = strtoul(l + 16, NULL, 10);
	}
	/* drain a small body */
	char *body = strstr(buf, "\r\n\r\n") + 4;
	size_t have = n - (size_t)(body - buf);
	while (have < req->body_len) {
		char tmp[4096];
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 5000) <= 0)
			break;
		ssize_t got = read(fd, tmp, sizeof(tmp));
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	return true;
}

static void *fake_main(void *arg)
{
	struct fake_server *s = arg;
	while (!s->stop) {
		struct pollfd p = {s->listen_fd, POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct fake_request req;
		if (fake_read_request(fd, &req)) {
			pthread_mutex_lock(&s->lock);
			snprintf(s->last_auth, sizeof(s->last_auth), "%s", req.authorization);
			snprintf(s->last_path, sizeof(s->last_path), "%s", req.path);
			pthread_mutex_unlock(&s->lock);
			s->handler(s, fd, &req);
		} else {
			/* a TLS ClientHello or garbage: refuse it */
			fake_send(fd, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
		}
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

static int fake_start(struct fake_server *s, fake_handler h, void *data)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->handler = h;
	s->data = data;
	pthread_mutex_init(&s->lock, NULL);
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s->listen_fd, 16) < 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	s->port = ntohs(a.sin_port);
	snprintf(s->host, sizeof(s->host), "127.0.0.1:%d", s->port);
	snprintf(s->base, sizeof(s->base), "http://%s", s->host);
	return pthread_create(&s->thread, NULL, fake_main, s) == 0 ? 0 : -1;
}

static void fake_stop(struct fake_server *s)
{
	s->stop = true;
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	pthread_mutex_destroy(&s->lock);
}

#endif
