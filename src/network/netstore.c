/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network configs on disk: one <config_dir>/<name>.json per network (Podman's file format,
 * so a config written by `podman network create` can be copied over and vice versa), plus
 * the implicit default network. Reads are bounded and every file is validated.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "network/ipnet.h"
#include "network/net-internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

char *net_time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	char date[64], frac[16], zone[40];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
	/* Go's RFC3339Nano drops trailing zeros of the fraction */
	size_t l = strlen(frac);
	while (l > 1 && frac[l - 1] == '0')
		frac[--l] = '\0';
	if (l == 1)
		frac[0] = '\0';
	long off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 3600,
		         (labs(off) % 3600) / 60);
	return xasprintf("%s%s%s", date, frac, zone);
}

bool net_host_link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

int net_lock(const struct net_env *env, const char *name, struct cpod_error **err)
{
	int r = mkdir_p(env->run_dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", env->run_dir);
	_cleanup_free_ char *path = path_join(env->run_dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return cpod_error_set_errno(err, e, "lock %s", path);
		}
	}
	return fd;
}

static int check_str(const json_t *net, const char *key, bool required, struct cpod_error **err)
{
	json_t *v = json_object_get(net, key);
	if ((!v && required) || (v && !json_is_string(v)))
		return cpod_error_set(err, EINVAL,
		                      "invalid network config: \"%s\" must be a string", key);
	return 0;
}

int net_config_validate(const json_t *net, struct cpod_error **err)
{
	if (!json_is_object(net))
		return cpod_error_set(err, EINVAL, "invalid network config: not an object");
	if (check_str(net, "name", true, err) < 0 || check_str(net, "id", true, err) < 0 ||
	    check_str(net, "driver", true, err) < 0 ||
	    check_str(net, "network_interface", false, err) < 0)
		return -EINVAL;
	if (!net_name_valid(json_get_string(net, "name")))
		return cpod_error_set(err, EINVAL, "invalid network config: bad name");
	json_t *subs = json_object_get(net, "subnets");
	if (subs && !json_is_array(subs))
		return cpod_error_set(err, EINVAL, "invalid network config: \"subnets\"");
	size_t i;
	json_t *s;
	json_array_foreach(subs, i, s)
	{
		struct ip_net n;
		if (ip_net_parse(json_get_string(s, "subnet"), &n, NULL, NULL) < 0)
			return cpod_error_set(
			        err, EINVAL, "invalid network config: subnet %s",
			        json_get_string(s, "subnet") ? json_get_string(s, "subnet") : "");
		const char *gw = json_get_string(s, "gateway");
		struct ip_addr a;
		if (gw && (!ip_addr_parse(gw, &a) || !ip_net_contains(&n, &a)))
			return cpod_error_set(err, EINVAL, "invalid network config: gateway %s",
			                      gw);
	}
	const char *bools[] = {"ipv6_enabled", "internal", "dns_enabled"};
	for (size_t k = 0; k < 3; k++) {
		json_t *v = json_object_get(net, bools[k]);
		if (v && !json_is_boolean(v))
			return cpod_error_set(err, EINVAL, "invalid network config: \"%s\"",
			                      bools[k]);
	}
	return 0;
}

static json_t *read_config(const char *dir, const char *file)
{
	_cleanup_free_ char *path = path_join(dir, file);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_file_at(AT_FDCWD, path, NET_CONFIG_MAX, &text, &len) < 0)
		return NULL;
	json_error_t jerr;
	json_t *j = json_loadb(text, len, 0, &jerr);
	struct cpod_error *verr = NULL;
	if (!j || net_config_validate(j, &verr) < 0) {
		log_warn("network config %s is invalid (%s), ignoring", path,
		         verr ? verr->msg : jerr.text);
		cpod_error_free(verr);
		json_decref(j);
		return NULL;
	}
	return j;
}

static int cmp_name(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(json_get_string(x, "name"), json_get_string(y, "name"));
}

int net_list(const struct net_env *env, json_t **ret, struct cpod_error **err)
{
	json_t **v = NULL;
	size_t n = 0;
	bool have_default = false;
	const char *defname = net_env_default_network(env);
	_cleanup_(closedirp) DIR *d = opendir(env->config_dir);
	if (!d && errno != ENOENT)
		return cpod_error_set_errno(err, errno, "read %s", env->config_dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		json_t *j = read_config(env->config_dir, de->d_name);
		if (!j)
			continue;
		if (strcmp(json_get_string(j, "name"), defname) == 0)
			have_default = true;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = j;
	}
	if (!have_default) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = net_default_config(env);
	}
	qsort(v, n, sizeof(*v), cmp_name);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	*ret = arr;
	return 0;
}

int net_lookup(const struct net_env *env, const char *key, json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *all = NULL;
	int r = net_list(env, &all, err);
	if (r < 0)
		return r;
	size_t i, klen = strlen(key);
	json_t *net, *match = NULL;
	json_array_foreach(all, i, net)
	{
		if (strcmp(json_get_string(net, "name"), key) == 0) {
			*ret = json_incref(net);
			return 0;
		}
	}
	int n_match = 0;
	json_array_foreach(all, i, net)
	{
		const char *id = json_get_string(net, "id");
		if (klen && id && strncmp(id, key, klen) == 0) {
			match = net;
			n_match++;
		}
	}
	if (n_match == 1) {
		*ret = json_incref(match);
		return 0;
	}
	if (n_match > 1)
		return cpod_error_set(err, EINVAL,
		                      "more than one result for network ID %s: network not found",
		                      key);
	return cpod_error_set(err, ENOENT,
	                      "unable to find network with name or ID %s: network not found", key);
}

int net_remove_config(const struct net_env *env, const char *name, struct cpod_error **err)
{
	const char *defname = net_env_default_network(env);
	if (strcmp(name, defname) == 0)
		return cpod_error_set(err, EPERM, "default network %s cannot be removed", name);
	_cleanup_free_ char *file = xasprintf("%s.json", name);
	_cleanup_free_ char *path = path_join(env->config_dir, file);
	if (unlink(path) < 0 && errno != ENOENT)
		return cpod_error_set_errno(err, errno, "remove %s", path);
	return 0;
}

int net_create(const struct net_env *env, const struct net_create_opts *opts, json_t **ret,
               struct cpod_error **err)
{
	_cleanup_close_ int lock = net_lock(env, "config.lock", err);
	if (lock < 0)
		return lock;
	_cleanup_json_ json_t *existing = NULL;
	int r = net_list(env, &existing, err);
	if (r < 0)
		return r;
	if (opts->ignore_exists && opts->name) {
		size_t i;
		json_t *n;
		json_array_foreach(existing, i, n)
		{
			if (strcmp(json_get_string(n, "name"), opts->name) == 0) {
				*ret = json_incref(n);
				return 0;
			}
		}
	}
	_cleanup_strv_free_ char **routes = net_host_routes();
	_cleanup_free_ char *created = net_time_now();
	_cleanup_json_ json_t *cfg = NULL;
	r = net_config_build(opts, existing, routes, created, &cfg, err);
	if (r < 0)
		return r;
	r = mkdir_p(env->config_dir, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", env->config_dir);
	_cleanup_free_ char *text = json_dumps(cfg, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *file = xasprintf("%s.json", json_get_string(cfg, "name"));
	_cleanup_free_ char *path = path_join(env->config_dir, file);
	r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0644, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	*ret = TAKE_PTR(cfg);
	return 0;
}

static bool label_match(const json_t *labels, const char *want)
{
	const char *eq = strchr(want, '=');
	_cleanup_free_ char *k = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	const char *v = json_get_string(labels, k);
	if (!v)
		return false;
	return !eq || strcmp(v, eq + 1) == 0;
}

int net_filter_match(const json_t *net, char *const *filters, bool *ret, struct cpod_error **err)
{
	/* Podman: values of one key are ORed, different keys ANDed */
	static const char *const keys[] = {"name", "id", "driver", "label", "label!", NULL};
	for (size_t k = 0; keys[k]; k++) {
		bool seen = false, any = false;
		STRV_FOREACH(f, (char **)filters)
		{
			const char *eq = strchr(*f, '=');
			if (!eq)
				return cpod_error_set(err, EINVAL, "invalid filter \"%s\"", *f);
			size_t kl = (size_t)(eq - *f);
			bool known = false;
			for (size_t j = 0; keys[j]; j++)
				known |= strlen(keys[j]) == kl && strncmp(keys[j], *f, kl) == 0;
			if (!known)
				return cpod_error_set(err, EINVAL, "invalid filter \"%.*s\"",
				                      (int)kl, *f);
			if (strlen(keys[k]) != kl || strncmp(keys[k], *f, kl) != 0)
				continue;
			seen = true;
			const char *val = eq + 1;
			bool m = false;
			if (k == 0)
				m = strstr(json_get_string(net, "name"), val) != NULL;
			else if (k == 1)
				m = strncmp(json_get_string(net, "id"), val, strlen(val)) == 0;
			else if (k == 2)
				m = strcmp(json_get_string(net, "driver"), val) == 0;
			else if (k == 3)
				m = label_match(json_object_get(net, "labels"), val);
			else
				m = !label_match(json_object_get(net, "labels"), val);
			any |= m;
		}
		if (seen && !any) {
			*ret = false;
			return 0;
		}
	}
	*ret = true;
	return 0;
}

static char *route_v4(const char *dst, const char *mask)
{
	unsigned long d = strtoul(dst, NULL, 16), m = strtoul(mask, NULL, 16);
	int prefix = __builtin_popcountl(m);
	/* /proc/net/route prints the address in host (little endian) byte order */
	return xasprintf("%lu.%lu.%lu.%lu/%d", d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff,
	                 (d >> 24) & 0xff, prefix);
}

char **net_host_routes(void)
{
	char **out = xnew(char *, 1);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, "/proc/net/route", 1u << 20, &text, NULL) == 0) {
		char *save = NULL;
		bool first = true;
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char ifc[32], dst[16], gw[16], mask[16];
			if (first) {
				first = false;
				continue;
			}
			if (sscanf(l, "%31s %15s %15s %*s %*s %*s %*s %15s", ifc, dst, gw, mask) ==
			    4)
				strv_consume(&out, route_v4(dst, mask));
		}
	}
	free(text);
	text = NULL;
	if (read_file_at(AT_FDCWD, "/proc/net/ipv6_route", 1u << 20, &text, NULL) == 0) {
		char *save = NULL;
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char dst[33], plen[3];
			if (sscanf(l, "%32s %2s", dst, plen) != 2 || strlen(dst) != 32)
				continue;
			char a[40];
			size_t o = 0;
			for (int i = 0; i < 32; i += 4) {
				memcpy(a + o, dst + i, 4);
				o += 4;
				a[o++] = i < 28 ? ':' : '\0';
			}
			strv_consume(&out, xasprintf("%s/%lu", a, strtoul(plen, NULL, 16)));
		}
	}
	return out;
}
