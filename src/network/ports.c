/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports: -p parsing as Podman's pkg/specgenutil (parsePortMapping), random host
 * ports picked at setup as libpod does, the reservation of host ports for a running container
 * (libpod's bindPorts) and the inspect / `port` views of the mappings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network/ipnet.h"
#include "network/network.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* "80" or "80-90" into start and length; what names the part for errors. */
static int parse_range(const char *s, const char *what, unsigned *ret_start, unsigned *ret_len,
                       struct cpod_error **err)
{
	const char *dash = strchr(s, '-');
	unsigned v[2] = {0, 0};
	int n = dash ? 2 : 1;
	for (int i = 0; i < n; i++) {
		const char *p = i == 0 ? s : dash + 1;
		size_t len = i == 0 && dash ? (size_t)(dash - s) : strlen(p);
		if (len == 0 || len > 6)
			goto bad;
		unsigned long x = 0;
		for (size_t k = 0; k < len; k++) {
			if (p[k] < '0' || p[k] > '9')
				goto bad;
			x = x * 10 + (unsigned long)(p[k] - '0');
		}
		if (x < 1 || x > 65535)
			return cpod_error_set(err, EINVAL,
			                      "parsing %s port: port numbers must be between 1 and "
			                      "65535 (inclusive), got %lu",
			                      what, x);
		v[i] = (unsigned)x;
	}
	if (n == 2 && v[1] <= v[0])
		return cpod_error_set(err, EINVAL,
		                      "parsing %s port: the end port of a range must be higher "
		                      "than the start port - %u is not higher than %u",
		                      what, v[1], v[0]);
	*ret_start = v[0];
	*ret_len = n == 2 ? v[1] - v[0] + 1 : 1;
	return 0;
bad:
	return cpod_error_set(err, EINVAL,
	                      "parsing %s port: invalid port number: strconv.Atoi: parsing \"%s\": "
	                      "invalid syntax",
	                      what, s);
}

static void add_mapping(json_t *arr, unsigned ctr, const char *host_ip, unsigned host,
                        unsigned range, const char *proto)
{
	json_t *m = json_object();
	json_object_set_new(m, "container_port", json_integer(ctr));
	json_object_set_new(m, "host_ip", json_string(host_ip));
	json_object_set_new(m, "host_port", json_integer(host));
	json_object_set_new(m, "range", json_integer(range));
	json_object_set_new(m, "protocol", json_string(proto));
	json_array_append_new(arr, m);
}

int net_port_parse(const char *spec, json_t **mappings, struct cpod_error **err)
{
	_cleanup_free_ char *s = xstrdup(spec);
	_cleanup_free_ char *host_ip = xstrdup("");
	const char *protos = "tcp";
	char *slash = strrchr(s, '/');
	if (slash && !strchr(slash, ']')) {
		*slash = '\0';
		protos = slash + 1;
	}
	_cleanup_strv_free_ char **proto_list = strv_split(protos, ",");
	STRV_FOREACH(p, proto_list)
	if (strcmp(*p, "tcp") && strcmp(*p, "udp") && strcmp(*p, "sctp"))
		return cpod_error_set(err, EINVAL,
		                      "unrecognized protocol \"%s\" in port "
		                      "mapping",
		                      *p);
	char *rest = s;
	if (s[0] == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return cpod_error_set(err, EINVAL,
			                      "invalid IPv6 address in port mapping "
			                      "%s",
			                      spec);
		*close = '\0';
		free(host_ip);
		host_ip = xstrdup(s + 1);
		rest = close + 2;
		struct ip_addr a;
		if (!ip_addr_parse(host_ip, &a) || a.family != AF_INET6)
			return cpod_error_set(err, EINVAL,
			                      "invalid IP address \"%s\" in port "
			                      "mapping",
			                      host_ip);
	}
	_cleanup_strv_free_ char **parts = strv_split(rest, ":");
	size_t n = strv_length(parts);
	const char *hostp = NULL, *ctrp;
	if (n == 0 || n > 3 || (n == 3 && *host_ip))
		return cpod_error_set(err, EINVAL,
		                      "invalid port format - format is "
		                      "[[hostIP:]hostPort:]containerPort");
	if (n == 3) {
		free(host_ip);
		host_ip = xstrdup(parts[0]);
		struct ip_addr a;
		if (*host_ip && !ip_addr_parse(host_ip, &a))
			return cpod_error_set(err, EINVAL,
			                      "invalid IP address \"%s\" in port "
			                      "mapping",
			                      host_ip);
		hostp = parts[1];
		ctrp = parts[2];
	} else if (n == 2) {
		hostp = parts[0];
		ctrp = parts[1];
	} else {
		ctrp = parts[0];
	}
	if (!*ctrp)
		return cpod_error_set(err, EINVAL,
		                      "must provide a non-empty container port to "
		                      "publish");
	unsigned cstart, clen, hstart = 0, hlen = 0;
	if (parse_range(ctrp, "container", &cstart, &clen, err) < 0)
		return -EINVAL;
	if (hostp && *hostp) {
		if (parse_range(hostp, "host", &hstart, &hlen, err) < 0)
			return -EINVAL;
		if (hlen != clen)
			return cpod_error_set(err, EINVAL,
			                      "host and container port ranges have "
			                      "different lengths: %u vs %u",
			                      hlen, clen);
	}
	if (!*mappings)
		*mappings = json_array();
	STRV_FOREACH(p, proto_list)
	add_mapping(*mappings, cstart, host_ip, hstart, clen, *p);
	return 0;
}

/* A free port on host_ip for proto, found by binding port 0; 0 when none. */
static unsigned free_port(const char *host_ip, const char *proto)
{
	struct ip_addr a = {.family = AF_INET};
	if (host_ip && *host_ip && !ip_addr_parse(host_ip, &a))
		return 0;
	int type = strcmp(proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	_cleanup_close_ int fd = socket(a.family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (a.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, a.b + 12, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, a.b, 16);
		len = sizeof(*in6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
	                               : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int net_ports_assign_random(json_t *mappings, struct cpod_error **err)
{
	size_t i;
	json_t *m;
	json_array_foreach(mappings, i, m)
	{
		if (json_integer_value(json_object_get(m, "host_port")) != 0)
			continue;
		json_int_t range = json_integer_value(json_object_get(m, "range"));
		unsigned port = 0;
		for (int attempt = 0; attempt < 20 && !port; attempt++) {
			port = free_port(json_get_string(m, "host_ip"),
			                 json_get_string(m, "protocol"));
			/* a range needs the whole block free: check the following ports too */
			for (json_int_t k = 1; port && k < range; k++)
				if (port + k > 65535)
					port = 0;
		}
		if (!port)
			return cpod_error_set(
			        err, EADDRINUSE,
			        "failed to find an open port to expose container "
			        "port %" JSON_INTEGER_FORMAT " on the host",
			        json_integer_value(json_object_get(m, "container_port")));
		json_object_set_new(m, "host_port", json_integer(port));
	}
	return 0;
}

json_t *net_ports_inspect(const json_t *mappings, char *const *exposed)
{
	json_t *o = json_object();
	size_t i;
	json_t *m;
	json_array_foreach(mappings, i, m)
	{
		json_int_t cp = json_integer_value(json_object_get(m, "container_port"));
		json_int_t hp = json_integer_value(json_object_get(m, "host_port"));
		json_int_t range = json_integer_value(json_object_get(m, "range"));
		if (range < 1)
			range = 1;
		for (json_int_t k = 0; k < range; k++) {
			_cleanup_free_ char *key = xasprintf("%" JSON_INTEGER_FORMAT "/%s", cp + k,
			                                     json_get_string(m, "protocol"));
			_cleanup_free_ char *port = xasprintf("%" JSON_INTEGER_FORMAT, hp + k);
			json_t *arr = json_object_get(o, key);
			if (!json_is_array(arr)) {
				arr = json_array();
				json_object_set_new(o, key, arr);
			}
			json_t *b = json_object();
			json_object_set_new(b, "HostIp",
			                    json_string(json_get_string(m, "host_ip")));
			json_object_set_new(b, "HostPort", json_string(port));
			json_array_append_new(arr, b);
		}
	}
	STRV_FOREACH(e, (char **)exposed)
	if (!json_object_get(o, *e))
		json_object_set_new(o, *e, json_null());
	return o;
}

char **net_ports_lines(const json_t *mappings)
{
	char **out = xnew(char *, 1);
	size_t i;
	json_t *m;
	json_array_foreach(mappings, i, m)
	{
		json_int_t cp = json_integer_value(json_object_get(m, "container_port"));
		json_int_t hp = json_integer_value(json_object_get(m, "host_port"));
		json_int_t range = json_integer_value(json_object_get(m, "range"));
		const char *ip = json_get_string(m, "host_ip");
		if (!ip || !*ip)
			ip = "0.0.0.0";
		bool v6 = strchr(ip, ':') != NULL;
		if (range < 1)
			range = 1;
		for (json_int_t k = 0; k < range; k++)
			strv_consume(&out, xasprintf("%" JSON_INTEGER_FORMAT
			                             "/%s -> %s%s%s:%" JSON_INTEGER_FORMAT,
			                             cp + k, json_get_string(m, "protocol"),
			                             v6 ? "[" : "", ip, v6 ? "]" : "", hp + k));
	}
	return out;
}

/* The descriptors bound so far; grown as needed. */
struct fd_list {
	int *fds;
	size_t n, cap;
};

static void fd_list_push(struct fd_list *l, int fd)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->fds = xrealloc(l->fds, l->cap * sizeof(int));
	}
	l->fds[l->n++] = fd;
}

void net_ports_close(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* Where bind_port binds: the family, the address and Go's text of it ("127.0.0.1", "", "::1"). */
struct bind_addr {
	int family;
	struct ip_addr ip;
	char text[INET6_ADDRSTRLEN];
};

/*
 * Podman resolves "HOST:PORT" with tcp4/udp4 unless the host IP is IPv6 (To4() == nil); an
 * empty host IP is the IPv4 wildcard. A v4-mapped IPv6 address counts as IPv4 there, and Go
 * cannot split "::ffff:a.b.c.d:PORT", which is the error Podman gives for it.
 */
static int bind_addr_make(const char *host_ip, const char *proto, unsigned port,
                          struct bind_addr *ret, struct cpod_error **err)
{
	static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const char *up = strcmp(proto, "udp") == 0 ? "UDP" : "TCP";
	*ret = (struct bind_addr){.family = AF_INET};
	if (!host_ip || !*host_ip)
		return 0;
	if (!ip_addr_parse(host_ip, &ret->ip))
		return cpod_error_set(err, EINVAL,
		                      "cannot resolve the %s address: lookup %s: no such host", up,
		                      host_ip);
	if (ret->ip.family == AF_INET6 && memcmp(ret->ip.b, v4_mapped, 12) == 0)
		return cpod_error_set(err, EINVAL,
		                      "cannot resolve the %s address: address %s:%u: too many "
		                      "colons in address",
		                      up, host_ip, port);
	ret->family = ret->ip.family;
	if (ret->family == AF_INET)
		inet_ntop(AF_INET, ret->ip.b + 12, ret->text, sizeof(ret->text));
	else
		inet_ntop(AF_INET6, ret->ip.b, ret->text, sizeof(ret->text));
	return 0;
}

/* Go's net.OpError text after Podman's prefix: "listen tcp4 127.0.0.1:80: bind: <errno>". */
static int listen_error(const char *proto, const struct bind_addr *a, unsigned port,
                        const char *step, int errnum, struct cpod_error **err)
{
	char tmp[128];
	bool v6 = a->family == AF_INET6;
	return cpod_error_set(
	        err, errnum, "cannot listen on the %s port: listen %s%s %s%s%s:%u: %s: %s",
	        strcmp(proto, "udp") == 0 ? "UDP" : "TCP", proto, v6 ? "6" : "4", v6 ? "[" : "",
	        a->text, v6 ? "]" : "", port, step, errno_string(errnum, tmp));
}

/* One socket as Go's net.ListenTCP / ListenUDP makes it (its socket options included). */
static int bind_port(const char *proto, const struct bind_addr *a, unsigned port, int *ret_fd,
                     struct cpod_error **err)
{
	bool udp = strcmp(proto, "udp") == 0;
	_cleanup_close_ int fd =
	        socket(a->family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return listen_error(proto, a, port, "socket", errno, err);
	int one = 1;
	/* Go: tcp6/udp6 sockets are IPv6-only; UDP may broadcast; listeners reuse addresses */
	if (a->family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return listen_error(proto, a, port, "setsockopt", errno, err);
	if (setsockopt(fd, SOL_SOCKET, udp ? SO_BROADCAST : SO_REUSEADDR, &one, sizeof(one)) < 0)
		return listen_error(proto, a, port, "setsockopt", errno, err);
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, a->ip.b + 12, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, a->ip.b, 16);
		len = sizeof(*in6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return listen_error(proto, a, port, "bind", errno, err);
	if (!udp && listen(fd, SOMAXCONN) < 0)
		return listen_error(proto, a, port, "listen", errno, err);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Every port of one mapping for each of its protocols ("tcp", "udp", "sctp" or a list). */
static int bind_mapping(const json_t *m, struct fd_list *out, bool *sctp_said,
                        struct cpod_error **err)
{
	json_int_t host = json_integer_value(json_object_get(m, "host_port"));
	json_int_t range = json_integer_value(json_object_get(m, "range"));
	const char *protos = json_get_string(m, "protocol");
	if (range < 1)
		range = 1;
	if (host < 0 || host + range - 1 > 65535)
		return cpod_error_set(err, EINVAL,
		                      "invalid host port %" JSON_INTEGER_FORMAT
		                      " (range %" JSON_INTEGER_FORMAT ")",
		                      host, range);
	_cleanup_strv_free_ char **list = strv_split(protos && *protos ? protos : "tcp", ",");
	STRV_FOREACH(p, list)
	{
		if (strcmp(*p, "sctp") == 0) {
			if (!*sctp_said)
				log_info("Port reservation for SCTP is not supported");
			*sctp_said = true;
			continue;
		}
		if (strcmp(*p, "tcp") != 0 && strcmp(*p, "udp") != 0)
			return cpod_error_set(err, EINVAL, "unknown protocol %s", *p);
		for (json_int_t k = 0; k < range; k++) {
			unsigned port = (unsigned)(host + k);
			struct bind_addr a;
			int r = bind_addr_make(json_get_string(m, "host_ip"), *p, port, &a, err);
			if (r < 0)
				return r;
			int fd = -1;
			r = bind_port(*p, &a, port, &fd, err);
			if (r < 0)
				return r;
			fd_list_push(out, fd);
		}
	}
	return 0;
}

int net_ports_bind(const json_t *mappings, int **ret_fds, size_t *ret_n, struct cpod_error **err)
{
	struct fd_list l = {0};
	bool sctp_said = false;
	size_t i;
	json_t *m;
	json_array_foreach(mappings, i, m)
	{
		int r = bind_mapping(m, &l, &sctp_said, err);
		if (r < 0) {
			net_ports_close(l.fds, l.n);
			return r;
		}
	}
	*ret_fds = l.fds;
	*ret_n = l.n;
	return 0;
}
