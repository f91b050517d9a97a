/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a network config from `network create` options, as containers/common
 * libnetwork/netavark networkCreate does: name and interface allocation, subnet allocation
 * from 10.89.0.0/16 upward, ULA IPv6 subnets, gateways, lease ranges, option checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "network/network.h"
#include "network/ipnet.h"
#include "network/net-internal.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

bool net_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		bool alnum =
		        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (p == name || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* Subnets of every existing network and of the host's routes. */
static void collect_used(const json_t *existing, char *const *host_routes, struct ip_net **ret,
                         size_t *ret_n)
{
	struct ip_net *v = NULL;
	size_t n = 0, i, j;
	json_t *net, *sub;
	json_array_foreach(existing, i, net)
	{
		json_array_foreach(json_object_get(net, "subnets"), j, sub)
		{
			struct ip_net in;
			if (ip_net_parse(json_get_string(sub, "subnet"), &in, NULL, NULL) < 0)
				continue;
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = in;
		}
	}
	STRV_FOREACH(r, (char **)host_routes)
	{
		struct ip_net in;
		/* the default route covers everything; Podman ignores it too */
		if (ip_net_parse(*r, &in, NULL, NULL) < 0 || in.prefix == 0)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = in;
	}
	*ret = v;
	*ret_n = n;
}

static bool overlaps_any(const struct ip_net *n, const struct ip_net *used, size_t n_used)
{
	for (size_t i = 0; i < n_used; i++)
		if (ip_net_overlaps(n, &used[i]))
			return true;
	return false;
}

/* The first free /24 in 10.89.0.0 .. 10.255.255.0 (Podman's default subnet pool). */
static int alloc_v4(const struct ip_net *used, size_t n_used, struct ip_net *ret,
                    struct cpod_error **err)
{
	struct ip_net cur, pool;
	(void)ip_net_parse("10.89.0.0/24", &cur, NULL, NULL);
	(void)ip_net_parse("10.0.0.0/8", &pool, NULL, NULL);
	while (ip_net_contains(&pool, &cur.ip)) {
		if (!overlaps_any(&cur, used, n_used)) {
			*ret = cur;
			return 0;
		}
		if (!ip_net_next(&cur, &cur))
			break;
	}
	return cpod_error_set(err, ENOSPC, "could not find free subnet from subnet pools");
}

/* A random fdXX:XXXX:XXXX:XXXX::/64 (RFC 4193 ULA), free of the used ones. */
static int alloc_v6(const struct ip_net *used, size_t n_used, struct ip_net *ret,
                    struct cpod_error **err)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		char id[65];
		id_random(id);
		struct ip_net n = {.ip = {.family = AF_INET6}, .prefix = 64};
		n.ip.b[0] = 0xfd;
		for (int i = 1; i < 8; i++) {
			unsigned hi = (unsigned)(id[2 * i] <= '9' ? id[2 * i] - '0'
			                                          : id[2 * i] - 'a' + 10);
			unsigned lo = (unsigned)(id[2 * i + 1] <= '9' ? id[2 * i + 1] - '0'
			                                              : id[2 * i + 1] - 'a' + 10);
			n.ip.b[i] = (uint8_t)(hi << 4 | lo);
		}
		if (!overlaps_any(&n, used, n_used)) {
			*ret = n;
			return 0;
		}
	}
	return cpod_error_set(err, ENOSPC, "failed to get random ipv6 subnet");
}

struct subnet_spec {
	struct ip_net net;
	const char *gateway; /* borrowed, or NULL */
	const char *range;
};

static int subnet_json(const struct subnet_spec *s, bool add_gateway, json_t *subnets,
                       struct cpod_error **err)
{
	_cleanup_free_ char *text = ip_net_format(&s->net);
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "subnet", json_string(text));
	struct ip_addr gw;
	if (s->gateway) {
		if (!ip_addr_parse(s->gateway, &gw))
			return cpod_error_set(err, EINVAL, "invalid gateway address %s",
			                      s->gateway);
		if (!ip_net_contains(&s->net, &gw))
			return cpod_error_set(err, EINVAL, "gateway %s not in subnet %s",
			                      s->gateway, text);
	} else if (add_gateway) {
		(void)ip_addr_add(&s->net.ip, 1, &gw);
	}
	if (s->gateway || add_gateway) {
		_cleanup_free_ char *g = ip_addr_format(&gw);
		json_object_set_new(o, "gateway", json_string(g));
	}
	if (s->range) {
		struct ip_net r;
		if (ip_net_parse(s->range, &r, NULL, err) < 0)
			return -EINVAL;
		struct ip_addr start, end;
		(void)ip_addr_add(&r.ip, 1, &start);
		ip_net_last(&r, &end);
		_cleanup_free_ char *st = ip_addr_format(&start), *en = ip_addr_format(&end);
		if (!ip_net_contains(&s->net, &start))
			return cpod_error_set(err, EINVAL,
			                      "lease range start ip %s not in subnet %s", st, text);
		if (!ip_net_contains(&s->net, &end))
			return cpod_error_set(err, EINVAL, "lease range end ip %s not in subnet %s",
			                      en, text);
		json_t *lr = json_object();
		json_object_set_new(lr, "start_ip", json_string(st));
		json_object_set_new(lr, "end_ip", json_string(en));
		json_object_set_new(o, "lease_range", lr);
	}
	json_array_append(subnets, o);
	return 0;
}

static bool name_or_iface_used(const json_t *existing, const char *name)
{
	size_t i;
	json_t *net;
	json_array_foreach(existing, i, net)
	{
		const char *n = json_get_string(net, "name");
		const char *ifc = json_get_string(net, "network_interface");
		if ((n && strcmp(n, name) == 0) || (ifc && strcmp(ifc, name) == 0))
			return true;
	}
	return false;
}

char *net_free_device_name(const json_t *existing, bool check_host)
{
	for (unsigned i = 0; i < 100000; i++) {
		_cleanup_free_ char *name = xasprintf("podman%u", i);
		if (name_or_iface_used(existing, name))
			continue;
		if (check_host && net_host_link_exists(name))
			continue;
		return TAKE_PTR(name);
	}
	return NULL;
}

static int parse_kv_object(char *const *kvs, const char *what, json_t **ret,
                           struct cpod_error **err)
{
	_cleanup_json_ json_t *o = json_object();
	STRV_FOREACH(kv, (char **)kvs)
	{
		const char *eq = strchr(*kv, '=');
		_cleanup_free_ char *k = eq ? xstrndup(*kv, (size_t)(eq - *kv)) : xstrdup(*kv);
		if (!*k)
			return cpod_error_set(err, EINVAL, "invalid %s \"%s\"", what, *kv);
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	*ret = json_object_size(o) ? TAKE_PTR(o) : NULL;
	return 0;
}

static int check_int_option(const char *v, struct cpod_error **err)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < 0 || n > 0x7fffffff)
		return cpod_error_set(err, EINVAL, "strconv.Atoi: parsing \"%s\": invalid syntax",
		                      v);
	return 0;
}

static int check_options(const char *driver, json_t *opts, struct cpod_error **err)
{
	const char *k;
	json_t *v;
	json_object_foreach(opts, k, v)
	{
		const char *s = json_string_value(v);
		if (strcmp(k, "mtu") == 0 || strcmp(k, "vlan") == 0) {
			if (check_int_option(s, err) < 0)
				return -EINVAL;
		} else if (strcmp(driver, "bridge") == 0 && strcmp(k, "isolate") == 0) {
			if (strcmp(s, "true") && strcmp(s, "false") && strcmp(s, "1") &&
			    strcmp(s, "0"))
				return cpod_error_set(err, EINVAL,
				                      "strconv.ParseBool: parsing \"%s\": invalid "
				                      "syntax",
				                      s);
		} else if (strcmp(driver, "bridge") != 0 && strcmp(k, "mode") == 0) {
			continue;
		} else {
			return cpod_error_set(err, EINVAL, "unsupported %s network option %s",
			                      driver, k);
		}
	}
	return 0;
}

static int build_subnets(const struct net_create_opts *o, const json_t *existing,
                         char *const *host_routes, bool add_gw, json_t *subnets, bool *ret_v6,
                         struct cpod_error **err)
{
	size_t n_sub = strv_length(o->subnets);
	if (n_sub == 0 && (strv_length(o->gateways) || strv_length(o->ip_ranges)))
		return cpod_error_set(err, EINVAL, "cannot set gateway or range without subnet");
	if (strv_length(o->gateways) > n_sub)
		return cpod_error_set(err, EINVAL, "cannot set more gateways than subnets");
	if (strv_length(o->ip_ranges) > n_sub)
		return cpod_error_set(err, EINVAL, "cannot set more ranges than subnets");
	_cleanup_free_ struct ip_net *used = NULL;
	size_t n_used = 0;
	collect_used(existing, host_routes, &used, &n_used);
	bool have_v4 = false, have_v6 = false;
	for (size_t i = 0; i < n_sub; i++) {
		struct subnet_spec s = {
		        .gateway = i < strv_length(o->gateways) ? o->gateways[i] : NULL,
		        .range = i < strv_length(o->ip_ranges) ? o->ip_ranges[i] : NULL,
		};
		if (ip_net_parse(o->subnets[i], &s.net, NULL, err) < 0)
			return -EINVAL;
		if (overlaps_any(&s.net, used, n_used)) {
			_cleanup_free_ char *t = ip_net_format(&s.net);
			return cpod_error_set(err, EEXIST,
			                      "subnet %s is already used on the host or by another "
			                      "config",
			                      t);
		}
		used = xrealloc(used, (n_used + 1) * sizeof(*used));
		used[n_used++] = s.net;
		if (s.net.ip.family == AF_INET6)
			have_v6 = true;
		else
			have_v4 = true;
		if (subnet_json(&s, add_gw, subnets, err) < 0)
			return -EINVAL;
	}
	if (!have_v4 && !(have_v6 && n_sub)) {
		struct subnet_spec s = {0};
		if (alloc_v4(used, n_used, &s.net, err) < 0)
			return -ENOSPC;
		used = xrealloc(used, (n_used + 1) * sizeof(*used));
		used[n_used++] = s.net;
		if (subnet_json(&s, add_gw, subnets, err) < 0)
			return -EINVAL;
	}
	if (o->ipv6 && !have_v6) {
		struct subnet_spec s = {0};
		if (alloc_v6(used, n_used, &s.net, err) < 0)
			return -ENOSPC;
		if (subnet_json(&s, add_gw, subnets, err) < 0)
			return -EINVAL;
		have_v6 = true;
	}
	*ret_v6 = have_v6;
	return 0;
}

int net_config_build(const struct net_create_opts *o, const json_t *existing,
                     char *const *host_routes, const char *created, json_t **ret,
                     struct cpod_error **err)
{
	const char *driver = o->driver && *o->driver ? o->driver : "bridge";
	if (strcmp(driver, "bridge") && strcmp(driver, "macvlan") && strcmp(driver, "ipvlan"))
		return cpod_error_set(err, EINVAL, "unsupported driver %s: invalid argument",
		                      driver);
	_cleanup_free_ char *name = NULL;
	if (o->name && *o->name) {
		if (!net_name_valid(o->name))
			return cpod_error_set(err, EINVAL,
			                      "network name %s invalid: names must match "
			                      "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
			                      o->name);
		name = xstrdup(o->name);
	} else {
		name = net_free_device_name(existing, false);
	}
	size_t i;
	json_t *net;
	json_array_foreach(existing, i, net)
	{
		const char *n = json_get_string(net, "name");
		if (n && strcmp(n, name) == 0)
			return cpod_error_set(
			        err, EEXIST, "network name %s already used: network already exists",
			        name);
	}
	if (o->ipam_driver && *o->ipam_driver && strcmp(o->ipam_driver, "host-local") &&
	    strcmp(o->ipam_driver, "none"))
		return cpod_error_set(err, EINVAL, "unsupported ipam driver \"%s\"",
		                      o->ipam_driver);
	_cleanup_json_ json_t *labels = NULL, *options = NULL;
	if (parse_kv_object(o->labels, "label", &labels, err) < 0 ||
	    parse_kv_object(o->options, "option", &options, err) < 0)
		return -EINVAL;
	if (check_options(driver, options, err) < 0)
		return -EINVAL;
	bool dns = !o->disable_dns && strcmp(driver, "bridge") == 0;
	/* Podman: internal networks get no gateway unless aardvark-dns needs one to listen on */
	bool add_gw = !o->internal || dns;
	_cleanup_json_ json_t *subnets = json_array();
	bool v6 = false;
	bool ipam_none = o->ipam_driver && strcmp(o->ipam_driver, "none") == 0;
	if (!ipam_none) {
		int r = build_subnets(o, existing, host_routes, add_gw, subnets, &v6, err);
		if (r < 0)
			return r;
	}
	char id[65];
	id_random(id);
	_cleanup_json_ json_t *cfg = json_object();
	json_object_set_new(cfg, "name", json_string(name));
	json_object_set_new(cfg, "id", json_string(id));
	json_object_set_new(cfg, "driver", json_string(driver));
	if (strcmp(driver, "bridge") == 0) {
		_cleanup_free_ char *ifc = net_free_device_name(existing, !o->ignore_host_links);
		json_object_set_new(cfg, "network_interface", json_string(ifc));
	} else {
		const char *parent = options ? json_get_string(options, "parent") : NULL;
		json_object_set_new(cfg, "network_interface", json_string(parent ? parent : ""));
	}
	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "subnets", json_incref(subnets));
	json_object_set_new(cfg, "ipv6_enabled", json_boolean(v6));
	json_object_set_new(cfg, "internal", json_boolean(o->internal));
	json_object_set_new(cfg, "dns_enabled", json_boolean(dns));
	if (o->dns && *o->dns) {
		json_t *d = json_array();
		STRV_FOREACH(s, (char **)o->dns)
		{
			struct ip_addr a;
			if (!ip_addr_parse(*s, &a)) {
				json_decref(d);
				return cpod_error_set(err, EINVAL, "invalid IP address %s", *s);
			}
			json_array_append_new(d, json_string(*s));
		}
		json_object_set_new(cfg, "network_dns_servers", d);
	}
	if (labels)
		json_object_set(cfg, "labels", labels);
	if (options)
		json_object_set(cfg, "options", options);
	json_t *ipam = json_object();
	json_object_set_new(ipam, "driver", json_string(ipam_none ? "none" : "host-local"));
	json_object_set_new(cfg, "ipam_options", ipam);
	*ret = TAKE_PTR(cfg);
	return 0;
}

json_t *net_default_config(const struct net_env *env)
{
	const char *name = net_env_default_network(env);
	const char *subnet = env->default_subnet ? env->default_subnet : "10.88.0.0/16";
	struct ip_net n;
	if (ip_net_parse(subnet, &n, NULL, NULL) < 0)
		(void)ip_net_parse("10.88.0.0/16", &n, NULL, NULL);
	char id[65];
	digest_sha256_hex(name, strlen(name), id);
	struct ip_addr gw;
	(void)ip_addr_add(&n.ip, 1, &gw);
	_cleanup_free_ char *sn = ip_net_format(&n), *g = ip_addr_format(&gw);
	_cleanup_free_ char *created = net_time_now();
	json_t *cfg = json_object();
	json_object_set_new(cfg, "name", json_string(name));
	json_object_set_new(cfg, "id", json_string(id));
	json_object_set_new(cfg, "driver", json_string("bridge"));
	json_object_set_new(cfg, "network_interface", json_string("podman0"));
	json_object_set_new(cfg, "created", json_string(created));
	json_t *subs = json_array();
	json_t *s = json_object();
	json_object_set_new(s, "subnet", json_string(sn));
	json_object_set_new(s, "gateway", json_string(g));
	json_array_append_new(subs, s);
	json_object_set_new(cfg, "subnets", subs);
	json_object_set_new(cfg, "ipv6_enabled", json_false());
	json_object_set_new(cfg, "internal", json_false());
	json_object_set_new(cfg, "dns_enabled", json_false());
	json_t *ipam = json_object();
	json_object_set_new(ipam, "driver", json_string("host-local"));
	json_object_set_new(cfg, "ipam_options", ipam);
	return cfg;
}
