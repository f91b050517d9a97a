/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container network setup and teardown through netavark (libpod's setUpNetwork /
 * teardownNetwork with libnetwork's netavark driver): resolve the networks, lease
 * addresses, hand netavark the options, and turn its status blocks into the result the
 * engine keeps for inspect, /etc/hosts and /etc/resolv.conf.
 */
#include <errno.h>
#include <string.h>

#include "network/net-internal.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* {name: config} for every network of the container; missing ones skipped or an error. */
static int network_info(const struct net_env *env, const json_t *networks, bool skip_missing,
                        json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *info = json_object();
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)networks, name, v)
	{
		json_t *cfg = NULL;
		struct cpod_error *lerr = NULL;
		if (net_lookup(env, name, &cfg, &lerr) < 0) {
			if (skip_missing) {
				log_debug("teardown: %s", lerr->msg);
				cpod_error_free(lerr);
				continue;
			}
			cpod_error_move(err, &lerr);
			return -ENOENT;
		}
		json_object_set_new(info, name, cfg);
	}
	*ret = TAKE_PTR(info);
	return 0;
}

static json_t *netavark_options(const struct net_setup_opts *opts, const json_t *networks,
                                const json_t *info)
{
	json_t *o = json_object();
	json_object_set_new(o, "container_id", json_string(opts->container_id));
	json_object_set_new(o, "container_name", json_string(opts->container_name));
	json_t *nets = json_object();
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)networks, name, v)
	{
		if (!json_object_get(info, name))
			continue;
		json_t *p = json_object();
		json_t *aliases = json_object_get(v, "aliases");
		json_object_set_new(p, "aliases",
		                    json_is_array(aliases) ? json_incref(aliases) : json_array());
		const char *ifc = json_get_string(v, "interface_name");
		json_object_set_new(p, "interface_name", json_string(ifc ? ifc : "eth0"));
		json_t *ips = json_object_get(v, "static_ips");
		if (json_array_size(ips))
			json_object_set(p, "static_ips", ips);
		const char *mac = json_get_string(v, "static_mac");
		if (mac && *mac)
			json_object_set_new(p, "static_mac", json_string(mac));
		json_object_set_new(nets, name, p);
	}
	json_object_set_new(o, "networks", nets);
	json_object_set(o, "network_info", (json_t *)info);
	if (json_array_size(opts->port_mappings))
		json_object_set(o, "port_mappings", (json_t *)opts->port_mappings);
	if (opts->dns_servers && *opts->dns_servers) {
		json_t *d = json_array();
		STRV_FOREACH(s, (char **)opts->dns_servers)
		json_array_append_new(d, json_string(*s));
		json_object_set_new(o, "dns_servers", d);
	}
	return o;
}

static void merge_unique(json_t *dst, const json_t *src)
{
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(src, i, v)
	{
		bool have = false;
		json_array_foreach(dst, j, w) have |= json_equal(v, w);
		if (!have)
			json_array_append(dst, v);
	}
}

/* netavark's {name: StatusBlock} into cpod's result object. */
static json_t *make_result(const json_t *status, const json_t *networks, const json_t *info,
                           char *const *user_dns)
{
	json_t *res = json_object();
	json_t *nets = json_object();
	json_t *dns = json_array(), *search = json_array();
	const char *name;
	json_t *block;
	json_object_foreach((json_t *)status, name, block)
	{
		json_t *n = json_object();
		const char *ifname;
		json_t *ifc;
		json_object_foreach(json_object_get(block, "interfaces"), ifname, ifc)
		{
			json_object_set_new(n, "interface", json_string(ifname));
			json_object_set_new(n, "mac_address",
			                    json_string(json_get_string(ifc, "mac_address")));
			json_t *subs = json_object_get(ifc, "subnets");
			json_object_set_new(n, "subnets",
			                    json_is_array(subs) ? json_incref(subs) : json_array());
			break;
		}
		const json_t *cfg = json_object_get(info, name);
		json_object_set_new(n, "network_id", json_string(json_get_string(cfg, "id")));
		json_t *per = json_object_get(networks, name);
		json_t *aliases = json_object_get(per, "aliases");
		json_object_set_new(n, "aliases",
		                    json_is_array(aliases) ? json_incref(aliases) : json_array());
		json_t *ips = json_object_get(per, "static_ips");
		json_object_set_new(n, "static_ips",
		                    json_is_array(ips) ? json_incref(ips) : json_array());
		json_object_set_new(nets, name, n);
		/* aardvark-dns only: netavark echoes the container's own --dns servers too */
		if (json_is_true(json_object_get(cfg, "dns_enabled"))) {
			size_t i;
			json_t *ip;
			json_array_foreach(json_object_get(block, "dns_server_ips"), i, ip)
			{
				const char *s = json_string_value(ip);
				if (s && !strv_contains(user_dns, s)) {
					json_t *one = json_pack("[s]", s);
					merge_unique(dns, one);
					json_decref(one);
				}
			}
		}
		merge_unique(search, json_object_get(block, "dns_search_domains"));
	}
	json_object_set_new(res, "networks", nets);
	json_object_set_new(res, "dns_server_ips", dns);
	json_object_set_new(res, "dns_search_domains", search);
	return res;
}

int net_setup(const struct net_env *env, const struct net_setup_opts *opts, json_t **ret,
              struct cpod_error **err)
{
	_cleanup_json_ json_t *info = NULL, *leased = NULL, *status = NULL;
	int r = network_info(env, opts->networks, false, &info, err);
	if (r < 0)
		return r;
	r = net_ipam_allocate(env, opts->container_id, opts->networks, info, &leased, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *nopts = netavark_options(opts, leased, info);
	r = net_netavark_run(env, "setup", opts->netns_path, nopts, &status, err);
	if (r < 0) {
		(void)net_ipam_release(env, opts->container_id, opts->networks, NULL);
		return r;
	}
	*ret = make_result(status, leased, info, opts->dns_servers);
	return 0;
}

int net_teardown(const struct net_env *env, const struct net_setup_opts *opts,
                 struct cpod_error **err)
{
	_cleanup_json_ json_t *info = NULL;
	int ret = network_info(env, opts->networks, true, &info, err);
	if (ret < 0)
		return ret;
	if (json_object_size(info) > 0 && opts->netns_path) {
		/* netavark finds the port forwarding rules by the container's addresses */
		_cleanup_json_ json_t *nets = json_deep_copy(opts->networks);
		const char *name;
		json_t *per;
		json_object_foreach(nets, name, per)
		{
			_cleanup_json_ json_t *leases = NULL;
			if (!json_is_object(per) || net_ipam_leases(env, name, &leases, NULL) < 0)
				continue;
			json_t *ips = json_array();
			const char *ip;
			json_t *owner;
			json_object_foreach(leases, ip, owner) if (strcmp(json_string_value(owner),
			                                                  opts->container_id) == 0)
			        json_array_append_new(ips, json_string(ip));
			if (json_array_size(ips))
				json_object_set_new(per, "static_ips", ips);
			else
				json_decref(ips);
		}
		_cleanup_json_ json_t *nopts = netavark_options(opts, nets, info);
		ret = net_netavark_run(env, "teardown", opts->netns_path, nopts, NULL, err);
	}
	if (opts->keep_leases)
		return ret;
	int r = net_ipam_release(env, opts->container_id, opts->networks, ret < 0 ? NULL : err);
	return ret < 0 ? ret : r;
}

int net_reload(const struct net_env *env, const struct net_setup_opts *opts, json_t **ret,
               struct cpod_error **err)
{
	struct net_setup_opts t = *opts;
	t.keep_leases = true;
	/* rules may be gone already (that is why one reloads): teardown errors don't count */
	struct cpod_error *terr = NULL;
	if (net_teardown(env, &t, &terr) < 0) {
		log_debug("reload teardown of %s: %s", opts->container_id, terr->msg);
		cpod_error_free(terr);
	}
	return net_setup(env, opts, ret, err);
}
