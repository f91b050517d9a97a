/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP address management, as Podman's libnetwork/internal/util/ipam.go does it before calling
 * netavark (which itself assigns nothing): one lease table per network, here a small JSON
 * object {"ip": "container id"} in <run_dir>/ipam/<network>.json, all guarded by one lock.
 * A container that already holds addresses on a network gets the same ones again (reload,
 * connect after a failed attempt), so setup is idempotent.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network/ipnet.h"
#include "network/net-internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static char *lease_path(const struct net_env *env, const char *name)
{
	_cleanup_free_ char *dir = path_join(env->run_dir, "ipam");
	_cleanup_free_ char *file = xasprintf("%s.json", name);
	return path_join(dir, file);
}

static json_t *leases_load(const struct net_env *env, const char *name)
{
	_cleanup_free_ char *path = lease_path(env, name);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_file_at(AT_FDCWD, path, NET_CONFIG_MAX, &text, &len) < 0)
		return json_object();
	json_t *j = json_loadb(text, len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return json_object();
	}
	return j;
}

static int leases_save(const struct net_env *env, const char *name, const json_t *leases,
                       struct cpod_error **err)
{
	_cleanup_free_ char *path = lease_path(env, name);
	if (json_object_size(leases) == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			return cpod_error_set_errno(err, errno, "remove %s", path);
		return 0;
	}
	_cleanup_free_ char *dir = path_join(env->run_dir, "ipam");
	int r = mkdir_p(dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", dir);
	_cleanup_free_ char *text = json_dumps(leases, JSON_COMPACT | JSON_SORT_KEYS);
	r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

/* Range of assignable addresses of a subnet object. */
static bool subnet_range(const json_t *sub, struct ip_net *net, struct ip_addr *start,
                         struct ip_addr *end)
{
	if (ip_net_parse(json_get_string(sub, "subnet"), net, NULL, NULL) < 0)
		return false;
	json_t *lr = json_object_get(sub, "lease_range");
	const char *s = json_get_string(lr, "start_ip"), *e = json_get_string(lr, "end_ip");
	if (!s || !ip_addr_parse(s, start))
		(void)ip_addr_add(&net->ip, 1, start);
	if (!e || !ip_addr_parse(e, end)) {
		ip_net_last(net, end);
		/* the IPv4 broadcast address is not assignable */
		if (net->ip.family == AF_INET)
			(void)ip_addr_add(end, -1, end);
	}
	return true;
}

static int alloc_in_subnet(const json_t *sub, json_t *leases, const char *cid, json_t *ips,
                           struct cpod_error **err)
{
	struct ip_net net;
	struct ip_addr cur, end, gw;
	if (!subnet_range(sub, &net, &cur, &end))
		return 0;
	const char *g = json_get_string(sub, "gateway");
	bool have_gw = g && ip_addr_parse(g, &gw);
	/* a static IP in this subnet was requested: nothing to allocate */
	size_t i;
	json_t *v;
	json_array_foreach(ips, i, v)
	{
		struct ip_addr a;
		if (ip_addr_parse(json_string_value(v), &a) && ip_net_contains(&net, &a))
			return 0;
	}
	for (unsigned long n = 0; ip_addr_cmp(&cur, &end) <= 0 && n < (1ul << 24); n++) {
		_cleanup_free_ char *s = ip_addr_format(&cur);
		if (!(have_gw && ip_addr_equal(&cur, &gw)) && !json_object_get(leases, s)) {
			json_object_set_new(leases, s, json_string(cid));
			json_array_append_new(ips, json_string(s));
			return 0;
		}
		if (!ip_addr_add(&cur, 1, &cur))
			break;
	}
	_cleanup_free_ char *t = ip_net_format(&net);
	return cpod_error_set(err, ENOSPC, "IPAM error: failed to find free IP in range: %s", t);
}

static int alloc_network(const char *name, const json_t *cfg, const char *cid, json_t *opts,
                         json_t *leases, struct cpod_error **err)
{
	json_t *req = json_object_get(opts, "static_ips");
	_cleanup_json_ json_t *ips = json_array();
	const char *k;
	json_t *v;
	/* addresses this container holds already */
	json_object_foreach(leases, k, v) if (strcmp(json_string_value(v), cid) == 0 &&
	                                      json_array_size(req) == 0)
	        json_array_append_new(ips, json_string(k));
	size_t i;
	json_array_foreach(req, i, v)
	{
		const char *ip = json_string_value(v);
		struct ip_addr a;
		if (!ip || !ip_addr_parse(ip, &a))
			return cpod_error_set(err, EINVAL, "invalid IP address %s", ip ? ip : "");
		_cleanup_free_ char *canon = ip_addr_format(&a);
		bool inside = false;
		size_t j;
		json_t *sub;
		json_array_foreach(json_object_get(cfg, "subnets"), j, sub)
		{
			struct ip_net n;
			if (ip_net_parse(json_get_string(sub, "subnet"), &n, NULL, NULL) == 0 &&
			    ip_net_contains(&n, &a))
				inside = true;
		}
		if (!inside)
			return cpod_error_set(err, EINVAL,
			                      "IPAM error: requested ip address %s is not in any "
			                      "subnet of network %s",
			                      canon, name);
		const char *owner = json_get_string(leases, canon);
		if (owner && strcmp(owner, cid) != 0)
			return cpod_error_set(err, EADDRINUSE,
			                      "IPAM error: requested ip address %s is already "
			                      "allocated to container ID %s",
			                      canon, owner);
		json_object_set_new(leases, canon, json_string(cid));
		json_array_append_new(ips, json_string(canon));
	}
	json_t *sub;
	json_array_foreach(json_object_get(cfg, "subnets"), i,
	                   sub) if (alloc_in_subnet(sub, leases, cid, ips, err) < 0) return -ENOSPC;
	json_object_set(opts, "static_ips", ips);
	return 0;
}

static bool ipam_managed(const json_t *cfg)
{
	const char *d = json_get_string(json_object_get(cfg, "ipam_options"), "driver");
	return !(d && strcmp(d, "none") == 0) && json_array_size(json_object_get(cfg, "subnets"));
}

int net_ipam_allocate(const struct net_env *env, const char *container_id, const json_t *networks,
                      const json_t *net_info, json_t **ret, struct cpod_error **err)
{
	_cleanup_close_ int lock = net_lock(env, "ipam.lock", err);
	if (lock < 0)
		return lock;
	_cleanup_json_ json_t *out = json_deep_copy(networks);
	_cleanup_json_ json_t *changed = json_object();
	const char *name;
	json_t *opts;
	json_object_foreach(out, name, opts)
	{
		const json_t *cfg = json_object_get(net_info, name);
		if (!ipam_managed(cfg))
			continue;
		json_t *leases = leases_load(env, name);
		json_object_set_new(changed, name, leases);
		if (alloc_network(name, cfg, container_id, opts, leases, err) < 0)
			return -EINVAL; /* nothing written: the leases stay as they were */
	}
	json_t *leases;
	json_object_foreach(changed, name,
	                    leases) if (leases_save(env, name, leases, err) < 0) return -EIO;
	*ret = TAKE_PTR(out);
	return 0;
}

static int release_in(const struct net_env *env, const char *name, const char *cid,
                      struct cpod_error **err)
{
	_cleanup_json_ json_t *leases = leases_load(env, name);
	const char *k;
	json_t *v, *tmp;
	bool changed = false;
	json_object_foreach_safe(leases, tmp, k, v)
	{
		if (strcmp(json_string_value(v), cid) == 0) {
			json_object_del(leases, k);
			changed = true;
		}
	}
	return changed ? leases_save(env, name, leases, err) : 0;
}

int net_ipam_release(const struct net_env *env, const char *container_id, const json_t *networks,
                     struct cpod_error **err)
{
	_cleanup_close_ int lock = net_lock(env, "ipam.lock", err);
	if (lock < 0)
		return lock;
	const char *name;
	json_t *v;
	int ret = 0;
	json_object_foreach((json_t *)networks, name, v)
	{
		int r = release_in(env, name, container_id, err);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

int net_ipam_release_all(const struct net_env *env, const char *container_id,
                         struct cpod_error **err)
{
	_cleanup_close_ int lock = net_lock(env, "ipam.lock", err);
	if (lock < 0)
		return lock;
	_cleanup_free_ char *dir = path_join(env->run_dir, "ipam");
	_cleanup_(closedirp) DIR *d = opendir(dir);
	if (!d)
		return 0;
	int ret = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		_cleanup_free_ char *name = xstrndup(de->d_name, l - 5);
		int r = release_in(env, name, container_id, err);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

int net_ipam_leases(const struct net_env *env, const char *name, json_t **ret,
                    struct cpod_error **err)
{
	_cleanup_close_ int lock = net_lock(env, "ipam.lock", err);
	if (lock < 0)
		return lock;
	*ret = leases_load(env, name);
	return 0;
}
