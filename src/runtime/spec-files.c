/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files generated in the container's userdata directory and bind mounted into it, as
 * Podman's makeBindMounts() writes them: /etc/hosts (containers/common etchosts),
 * /etc/hostname, /etc/resolv.conf, /etc/localtime and /run/.containerenv.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>

#include "cpod-config.h"
#include "runtime/spec-internal.h"
#include "util/buf.h"
#include "util/strutil.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define HOSTS_MAX  (4u << 20)
#define RESOLV_MAX (1u << 20)
#define ZONE_MAX   (1u << 20)


static int write_userdata(const struct spec_opts *opts, const char *name, const char *data,
                          json_t *mounts, const char *dest, struct cpod_error **err)
{
	static const char *const rw_opts[] = {"bind", "rprivate", NULL};
	static const char *const ro_opts[] = {"bind",   "rprivate", "ro", "nosuid",
	                                      "noexec", "nodev",    NULL};
	_cleanup_free_ char *path = path_join(opts->userdata_dir, name);
	int r = write_file_atomic_at(AT_FDCWD, path, data, strlen(data), 0644, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "writing %s", path);
	spec_mounts_add(mounts,
	                spec_mount_new(dest, "bind", path, opts->read_only ? ro_opts : rw_opts));
	return 0;
}

/* getLocalIP(): the first global unicast IPv4 address, else the first IPv6 one. */
static char *local_ip(void)
{
	struct ifaddrs *ifa = NULL;
	char addr[INET6_ADDRSTRLEN];
	char *v6 = NULL;

	if (getifaddrs(&ifa) < 0)
		return NULL;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			struct in_addr a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			uint32_t h = ntohl(a.s_addr);
			/* loopback, link-local, multicast and unspecified are not global */
			if ((h >> 24) == 127 || (h >> 16) == 0xa9fe || (h >> 28) == 0xe || h == 0)
				continue;
			inet_ntop(AF_INET, &a, addr, sizeof(addr));
			free(v6);
			freeifaddrs(ifa);
			return xstrdup(addr);
		}
		if (i->ifa_addr->sa_family == AF_INET6 && !v6) {
			struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
			    IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_UNSPECIFIED(a))
				continue;
			inet_ntop(AF_INET6, a, addr, sizeof(addr));
			v6 = xstrdup(addr);
		}
	}
	freeifaddrs(ifa);
	return v6;
}

/* Append "ip\tnames\n" for the names not already present in the file. */
static void hosts_add(struct buf *b, char ***seen, const char *ip, char *const *names)
{
	_cleanup_strv_free_ char **free_names = NULL;
	STRV_FOREACH (n, (char **)names)
		if (**n && !strv_contains(*seen, *n) && !strv_contains(free_names, *n))
			strv_push(&free_names, *n);
	if (!free_names)
		return;
	_cleanup_free_ char *j = strv_join(free_names, " ");
	buf_printf(b, "%s\t%s\n", ip, j);
	STRV_FOREACH (n, free_names)
		strv_push(seen, *n);
}

/* Parse a hosts file: comments stripped, lines with an address and no name skipped. */
static void hosts_parse(struct buf *b, char ***seen, char *data)
{
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		_cleanup_strv_free_ char **fields = NULL;
		char *fsave = NULL;
		for (char *f = strtok_r(line, " \t\r\v\f", &fsave); f;
		     f = strtok_r(NULL, " \t\r\v\f", &fsave))
			strv_push(&fields, f);
		if (strv_length(fields) < 2)
			continue;
		_cleanup_free_ char *j = strv_join(fields + 1, " ");
		buf_printf(b, "%s\t%s\n", fields[0], j);
		for (char **n = fields + 1; *n; n++)
			strv_push(seen, *n);
	}
}

static int make_hosts(const struct spec_opts *opts, const struct spec_defaults *defs,
                      const char *hostname, json_t *mounts, struct cpod_error **err)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_strv_free_ char **seen = xnew(char *, 1);
	_cleanup_free_ char *base = NULL, *auto_ip = NULL;
	const char *base_path = defs->base_hosts_file;
	int r;

	STRV_FOREACH (e, (char **)opts->extra_hosts) {
		const char *colon = strchr(*e, ':');
		if (!colon)
			return cpod_error_set(err, EINVAL,
			                      "unable to parse host entry \"%s\": incorrect format",
			                      *e);
		_cleanup_free_ char *name = xstrndup(*e, (size_t)(colon - *e));
		if (!*name)
			return cpod_error_set(err, EINVAL, "hostname in host entry \"%s\" is empty",
			                      *e);
		if (!colon[1])
			return cpod_error_set(err, EINVAL,
			                      "IP address in host entry \"%s\" is empty", *e);
		char *names[] = {name, NULL};
		buf_printf(&b, "%s\t%s\n", colon + 1, name);
		strv_push(&seen, names[0]);
	}

	if (!base_path || !*base_path)
		base_path = "/etc/hosts";
	if (strcmp(base_path, "none") == 0) {
		r = 0;
	} else if (strcmp(base_path, "image") == 0) {
		_cleanup_close_ int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = rootfd < 0 ? -errno : spec_read_in_root(rootfd, "/etc/hosts", HOSTS_MAX, &base);
		if (r == -ENOENT)
			r = 0;
	} else {
		r = read_file_at(AT_FDCWD, base_path, HOSTS_MAX, &base, NULL);
		/* a missing default hosts file is fine (podman#12667) */
		if (r == -ENOENT && strcmp(base_path, "/etc/hosts") == 0)
			r = 0;
	}
	if (r < 0)
		return cpod_error_set_errno(err, -r, "failed to create new hosts file: %s",
		                            base_path);
	if (base)
		hosts_parse(&b, &seen, base);

	char *localhost[] = {"localhost", NULL};
	hosts_add(&b, &seen, "127.0.0.1", localhost);
	hosts_add(&b, &seen, "::1", localhost);

	const char *hip = defs->host_internal_ip;
	if (!hip || !*hip)
		hip = opts->host_internal_ip ? opts->host_internal_ip : (auto_ip = local_ip());
	else if (strcmp(hip, "none") == 0)
		hip = NULL;
	if (hip && *hip) {
		char *names[] = {"host.containers.internal", NULL};
		hosts_add(&b, &seen, hip, names);
	}
	if (opts->net == SPEC_NS_NONE) {
		char *names[] = {(char *)hostname, (char *)opts->name, NULL};
		hosts_add(&b, &seen, "127.0.0.1", names);
	}
	/* Podman: each address of the container's networks with its hostname and name */
	STRV_FOREACH (ip, (char **)opts->container_ips) {
		char *names[] = {(char *)hostname, (char *)opts->name, NULL};
		hosts_add(&b, &seen, *ip, names);
	}
	return write_userdata(opts, "hosts", buf_str(&b), mounts, "/etc/hosts", err);
}

static bool nameserver_is_local(const char *line)
{
	_cleanup_strv_free_ char **f = NULL;
	char *save = NULL;
	_cleanup_free_ char *copy = xstrdup(line);
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		strv_push(&f, t);
	if (strv_length(f) < 2 || strcmp(f[0], "nameserver") != 0)
		return false;
	return strncmp(f[1], "127.", 4) == 0 || strcmp(f[1], "::1") == 0;
}

static int make_resolv(const struct spec_opts *opts, json_t *mounts, struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r;

	r = read_file_at(AT_FDCWD, "/etc/resolv.conf", RESOLV_MAX, &data, NULL);
	if (r == -ENOENT)
		data = xstrdup("");
	else if (r < 0)
		return cpod_error_set_errno(err, -r, "reading /etc/resolv.conf");
	if (opts->net == SPEC_NS_HOST)
		return write_userdata(opts, "resolv.conf", data, mounts, "/etc/resolv.conf", err);

	/* systemd-resolved's stub listener is not reachable from another network namespace */
	if (strstr(data, "127.0.0.53")) {
		_cleanup_free_ char *alt = NULL;
		if (read_file_at(AT_FDCWD, "/run/systemd/resolve/resolv.conf", RESOLV_MAX, &alt,
		                 NULL) == 0) {
			free(data);
			data = TAKE_PTR(alt);
		}
	}
	bool have_ns = false;
	char *save = NULL;
	/* aardvark-dns first, as Podman writes it: it forwards what it cannot answer */
	bool own_search = opts->dns_search && *opts->dns_search;
	if ((opts->net_dns_search && *opts->net_dns_search) || own_search) {
		_cleanup_strv_free_ char **all = strv_copy(opts->net_dns_search);
		/* Podman: --dns-search=. means no search domains of the user's */
		STRV_FOREACH (d, (char **)opts->dns_search)
			if (strcmp(*d, ".") != 0)
				strv_push(&all, *d);
		if (all && *all) {
			_cleanup_free_ char *j = strv_join(all, " ");
			buf_printf(&b, "search %s\n", j);
		}
	}
	STRV_FOREACH (ns, (char **)opts->net_dns_servers) {
		buf_printf(&b, "nameserver %s\n", *ns);
		have_ns = true;
	}
	bool own_ns = opts->dns_servers && *opts->dns_servers;
	STRV_FOREACH (ns, (char **)opts->dns_servers) {
		buf_printf(&b, "nameserver %s\n", *ns);
		have_ns = true;
	}
	bool own_opts = opts->dns_options && *opts->dns_options;
	if (own_opts) {
		_cleanup_free_ char *j = strv_join((char **)opts->dns_options, " ");
		buf_printf(&b, "options %s\n", j);
	}
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (nameserver_is_local(line))
			continue;
		/* what the user gave replaces the host's lines of that kind */
		if ((own_ns && strncmp(line, "nameserver", 10) == 0) ||
		    ((own_search || (opts->net_dns_search && *opts->net_dns_search)) &&
		     (strncmp(line, "search", 6) == 0 || strncmp(line, "domain", 6) == 0)) ||
		    (own_opts && strncmp(line, "options", 7) == 0))
			continue;
		if (strncmp(line, "nameserver", 10) == 0)
			have_ns = true;
		buf_printf(&b, "%s\n", line);
	}
	if (!have_ns)
		buf_puts(&b, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	return write_userdata(opts, "resolv.conf", buf_str(&b), mounts, "/etc/resolv.conf", err);
}

static int make_localtime(const struct spec_opts *opts, const char *tz, json_t *mounts,
                          struct cpod_error **err)
{
	_cleanup_free_ char *zone = NULL, *real = NULL, *data = NULL, *path = NULL;
	static const char *const bind_opts[] = {"bind", "rprivate", NULL};
	size_t len = 0;
	int r;

	if (strcmp(tz, "local") == 0) {
		zone = xstrdup("/etc/localtime");
	} else {
		/* Go's time.LoadLocation refuses these names */
		if (tz[0] == '/' || tz[0] == '\\' || strstr(tz, ".."))
			return cpod_error_set(err, EINVAL,
			                      "finding timezone for container %s: time: invalid "
			                      "location name",
			                      opts->id);
		zone = path_join("/usr/share/zoneinfo", tz);
	}
	real = realpath(zone, NULL);
	if (!real)
		return cpod_error_set(err, errno == ENOENT ? ENOENT : errno,
		                      "finding timezone for container %s: unknown time zone %s",
		                      opts->id, tz);
	r = read_file_at(AT_FDCWD, real, ZONE_MAX, &data, &len);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "setting timezone for container %s", opts->id);
	path = path_join(opts->userdata_dir, "localtime");
	r = write_file_atomic_at(AT_FDCWD, path, data, len, 0644, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "setting timezone for container %s", opts->id);
	spec_mounts_add(mounts, spec_mount_new("/etc/localtime", "bind", path, bind_opts));
	return 0;
}

static int make_containerenv(const struct spec_opts *opts, json_t *mounts, struct cpod_error **err)
{
	_cleanup_free_ char *content = NULL;
	/* Podman fills .containerenv for privileged containers only */
	if (opts->privileged) {
		_cleanup_free_ char *engine = go_quote("cpod-" CPOD_VERSION);
		_cleanup_free_ char *name = go_quote(opts->name);
		_cleanup_free_ char *id = go_quote(opts->id);
		_cleanup_free_ char *image =
		        go_quote(opts->image_name ? opts->image_name : "");
		_cleanup_free_ char *image_id = go_quote(opts->image_id ? opts->image_id : "");
		content =
		        xasprintf("engine=%s\nname=%s\nid=%s\nimage=%s\nimageid=%s\nrootless=%d\n",
		                  engine, name, id, image, image_id, geteuid() == 0 ? 0 : 1);
	} else {
		content = xstrdup("");
	}
	return write_userdata(opts, ".containerenv", content, mounts, "/run/.containerenv", err);
}

void spec_chroot_mounts(const struct spec_opts *opts, json_t *mounts)
{
	static const char *const files[] = {"/etc/hosts", "/etc/resolv.conf"};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		json_t *src = NULL;
		size_t i;
		json_t *m;
		json_array_foreach(mounts, i, m)
		{
			const char *d = json_string_value(json_object_get(m, "destination"));
			if (d && strcmp(d, files[f]) == 0)
				src = m;
		}
		if (!src)
			continue;
		STRV_FOREACH (dir, (char **)opts->chroot_dirs) {
			json_t *copy = json_deep_copy(src);
			_cleanup_free_ char *dest = path_join(*dir, files[f]);
			json_object_set_new(copy, "destination", json_string(dest));
			spec_mounts_add(mounts, copy);
		}
	}
}

int spec_write_files(const struct spec_opts *opts, const struct spec_defaults *defs,
                     const char *hostname, json_t *mounts, struct cpod_error **err)
{
	const char *tz = opts->tz ? opts->tz : defs->tz;
	int r;

	if (!opts->userdata_dir)
		return 0;
	if (!opts->no_hosts && (r = make_hosts(opts, defs, hostname, mounts, err)) < 0)
		return r;
	if ((r = write_userdata(opts, "hostname", hostname, mounts, "/etc/hostname", err)) < 0)
		return r;
	if (opts->net != SPEC_NS_NONE && (r = make_resolv(opts, mounts, err)) < 0)
		return r;
	spec_chroot_mounts(opts, mounts);
	if (tz && *tz && (r = make_localtime(opts, tz, mounts, err)) < 0)
		return r;
	return make_containerenv(opts, mounts, err);
}
