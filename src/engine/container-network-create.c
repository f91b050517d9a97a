/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Networking options at create time (Podman's specgen namespaces and port handling) and
 * the views of a container's network for inspect, ps and `port`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/container-internal.h"
#include "engine/network-internal.h"
#include "engine/network.h"
#include "network/ipnet.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* Modes that are not network names. */
static bool special_mode(const char *m)
{
	return strcmp(m, "none") == 0 || strcmp(m, "host") == 0 || strncmp(m, "ns:", 3) == 0 ||
	       strncmp(m, "container:", 10) == 0;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	STRV_FOREACH(s, (char **)v)
	json_array_append_new(a, json_string(*s));
	return a;
}

static int check_ip(const char *ip, int family, const char *flag, struct cpod_error **err)
{
	struct ip_addr a;
	if (!ip_addr_parse(ip, &a) || a.family != family)
		return cpod_error_set(err, EINVAL, "%s is not an ip address", ip);
	(void)flag;
	return 0;
}

/* "80", "80/udp", "8000-8010/tcp" to exposed port keys. */
static int add_exposed(json_t *exposed, const char *spec, struct cpod_error **err)
{
	_cleanup_free_ char *s = xstrdup(spec);
	char *slash = strchr(s, '/');
	const char *proto = "tcp";
	if (slash) {
		*slash = '\0';
		proto = slash + 1;
	}
	char *dash = strchr(s, '-');
	char *end = NULL;
	long a = strtol(s, &end, 10), b = a;
	if (end == s || (*end && end != dash))
		return cpod_error_set(err, EINVAL, "invalid port format for --expose: %s", spec);
	if (dash) {
		b = strtol(dash + 1, &end, 10);
		if (*end)
			return cpod_error_set(err, EINVAL, "invalid port format for --expose: %s",
			                      spec);
	}
	if (a < 1 || b > 65535 || b < a)
		return cpod_error_set(err, EINVAL, "invalid port format for --expose: %s", spec);
	for (long p = a; p <= b; p++) {
		_cleanup_free_ char *k = xasprintf("%ld/%s", p, proto);
		json_object_set_new(exposed, k, json_object());
	}
	return 0;
}

static int publish_exposed(const json_t *exposed, json_t **mappings, struct cpod_error **err)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)exposed, k, v)
	{
		/* "80/tcp" is a valid -p spec meaning "container port 80 on a random host port" */
		if (net_port_parse(k, mappings, err) < 0)
			return -EINVAL;
	}
	return 0;
}

int container_network_create(struct engine *e, const struct container_create_opts *o,
                             const json_t *img, struct container_config *cc,
                             struct cpod_error **err)
{
	const char *mode = cc->network_mode;
	json_t *extra = cc->spec_extra;
	_cleanup_json_ json_t *exposed = json_object();
	json_t *iexp = json_object_get(img, "ExposedPorts");
	const char *k;
	json_t *v;
	json_object_foreach(iexp, k, v) json_object_set_new(exposed, k, json_object());
	STRV_FOREACH(x, (char **)o->expose)
	if (add_exposed(exposed, *x, err) < 0)
		return -EINVAL;
	if (json_object_size(exposed))
		json_object_set(extra, "exposed_ports", exposed);
	if (o->add_hosts && *o->add_hosts)
		json_object_set_new(extra, "add_hosts", strv_json(o->add_hosts));
	if (o->dns_search && *o->dns_search)
		json_object_set_new(extra, "dns_search", strv_json(o->dns_search));
	if (o->dns_options && *o->dns_options)
		json_object_set_new(extra, "dns_options", strv_json(o->dns_options));
	if (o->no_hosts)
		json_object_set_new(extra, "no_hosts", json_true());
	if (o->dns_servers && *o->dns_servers) {
		STRV_FOREACH(d, (char **)o->dns_servers)
		{
			struct ip_addr a;
			if (!ip_addr_parse(*d, &a))
				return cpod_error_set(err, EINVAL, "%s is not an ip address", *d);
		}
		json_object_set_new(extra, "dns_servers", strv_json(o->dns_servers));
	}
	if (special_mode(mode)) {
		if (strcmp(mode, "none") && strcmp(mode, "host") && strncmp(mode, "ns:", 3) &&
		    strncmp(mode, "container:", 10))
			return cpod_error_set(err, EINVAL, "invalid network mode %s", mode);
		/* Podman drops -p here, saying so on stderr (and goes on) */
		if (o->publish && *o->publish && strncmp(mode, "ns:", 3) && o->ret_warnings)
			strv_push(o->ret_warnings, "Port mappings have been discarded as one of the "
			                           "Host, Container, Pod, and None network modes are "
			                           "in use");
		return 0;
	}
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	const char *defname = net_env_default_network(&ne.env);
	bool bridge = strcmp(mode, "bridge") == 0 || strcmp(mode, "private") == 0;
	_cleanup_strv_free_ char **names = strv_split(bridge ? defname : mode, ",");
	if (!names || !*names)
		return cpod_error_set(err, EINVAL, "invalid network mode %s", mode);
	if ((o->static_ip || o->static_ip6 || o->static_mac) && strv_length(names) > 1)
		return cpod_error_set(err, EINVAL,
		                      "--ip, --ip6 and --mac-address can only be set for a single "
		                      "network");
	if (o->static_ip && check_ip(o->static_ip, AF_INET, "--ip", err) < 0)
		return -EINVAL;
	if (o->static_ip6 && check_ip(o->static_ip6, AF_INET6, "--ip6", err) < 0)
		return -EINVAL;
	_cleanup_json_ json_t *nets = json_object();
	STRV_FOREACH(n, names)
	{
		_cleanup_json_ json_t *cfg = NULL;
		r = net_lookup(&ne.env, *n, &cfg, err);
		if (r < 0)
			return r;
		json_t *per = json_object();
		json_t *aliases = strv_json(o->network_aliases);
		/* Podman adds the short ID as an alias on every network */
		_cleanup_free_ char *short_id = xstrndup(cc->id, 12);
		json_array_append_new(aliases, json_string(short_id));
		json_object_set_new(per, "aliases", aliases);
		json_t *ips = json_array();
		if (o->static_ip)
			json_array_append_new(ips, json_string(o->static_ip));
		if (o->static_ip6)
			json_array_append_new(ips, json_string(o->static_ip6));
		if (json_array_size(ips))
			json_object_set_new(per, "static_ips", ips);
		else
			json_decref(ips);
		if (o->static_mac && *o->static_mac)
			json_object_set_new(per, "static_mac", json_string(o->static_mac));
		/* by name, so that an ID prefix or a renamed key still finds it */
		json_object_set_new(nets, json_get_string(cfg, "name"), per);
	}
	json_object_set(extra, "networks", nets);
	_cleanup_json_ json_t *ports = NULL;
	STRV_FOREACH(p, (char **)o->publish)
	if (net_port_parse(*p, &ports, err) < 0)
		return -EINVAL;
	if (o->publish_all && publish_exposed(exposed, &ports, err) < 0)
		return -EINVAL;
	if (o->publish_all)
		json_object_set_new(extra, "publish_all", json_true());
	if (ports)
		json_object_set(extra, "port_mappings", ports);
	return 0;
}

static void set_addr_fields(json_t *o, const json_t *net_result)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(net_result, "subnets"), i, s)
	{
		const char *ipnet = json_get_string(s, "ipnet");
		const char *slash = ipnet ? strchr(ipnet, '/') : NULL;
		if (!slash)
			continue;
		_cleanup_free_ char *ip = xstrndup(ipnet, (size_t)(slash - ipnet));
		int prefix = (int)strtol(slash + 1, NULL, 10);
		const char *gw = json_get_string(s, "gateway");
		bool v6 = strchr(ip, ':') != NULL;
		json_object_set_new(o, v6 ? "GlobalIPv6Address" : "IPAddress", json_string(ip));
		json_object_set_new(o, v6 ? "GlobalIPv6PrefixLen" : "IPPrefixLen",
		                    json_integer(prefix));
		json_object_set_new(o, v6 ? "IPv6Gateway" : "Gateway", json_string(gw ? gw : ""));
	}
	const char *mac = json_get_string(net_result, "mac_address");
	json_object_set_new(o, "MacAddress", json_string(mac ? mac : ""));
}

static json_t *addr_block(void)
{
	json_t *o = json_object();
	json_object_set_new(o, "EndpointID", json_string(""));
	json_object_set_new(o, "Gateway", json_string(""));
	json_object_set_new(o, "IPAddress", json_string(""));
	json_object_set_new(o, "IPPrefixLen", json_integer(0));
	json_object_set_new(o, "IPv6Gateway", json_string(""));
	json_object_set_new(o, "GlobalIPv6Address", json_string(""));
	json_object_set_new(o, "GlobalIPv6PrefixLen", json_integer(0));
	json_object_set_new(o, "MacAddress", json_string(""));
	return o;
}

static char **exposed_keys(const struct container *c)
{
	char **v = xnew(char *, 1);
	const char *k;
	json_t *x;
	json_object_foreach(json_object_get(c->config.spec_extra, "exposed_ports"), k, x)
	        strv_push(&v, k);
	return v;
}

json_t *container_network_settings(struct engine *e, const struct container *c)
{
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	json_t *o = addr_block();
	json_object_set_new(o, "Bridge", json_string(""));
	json_object_set_new(o, "SandboxID", json_string(""));
	json_object_set_new(o, "HairpinMode", json_false());
	json_object_set_new(o, "LinkLocalIPv6Address", json_string(""));
	json_object_set_new(o, "LinkLocalIPv6PrefixLen", json_integer(0));
	_cleanup_strv_free_ char **exposed = exposed_keys(c);
	const json_t *mappings = st ? json_object_get(st, "port_mappings")
	                            : json_object_get(c->config.spec_extra, "port_mappings");
	json_object_set_new(o, "Ports", net_ports_inspect(mappings, exposed));
	const char *netns = json_get_string(st, "netns");
	json_object_set_new(o, "SandboxKey", json_string(netns ? netns : ""));
	json_t *wanted = json_object_get(c->config.spec_extra, "networks");
	if (!json_object_size(wanted))
		return o;
	json_t *nets = json_object();
	json_t *result = json_object_get(json_object_get(st, "result"), "networks");
	const char *name;
	json_t *per;
	json_object_foreach(wanted, name, per)
	{
		json_t *n = addr_block();
		json_t *r = json_object_get(result, name);
		if (r)
			set_addr_fields(n, r);
		/* Podman 4.3 puts the network's name here */
		json_object_set_new(n, "NetworkID", json_string(name));
		json_object_set_new(n, "DriverOpts", json_null());
		json_object_set_new(n, "IPAMConfig", json_null());
		json_object_set_new(n, "Links", json_null());
		json_t *aliases = json_object_get(per, "aliases");
		json_object_set_new(n, "Aliases", aliases ? json_incref(aliases) : json_null());
		json_object_set_new(nets, name, n);
		/* the default network alone fills the top-level fields, as Podman does */
		if (r && json_object_size(wanted) == 1 &&
		    (strcmp(c->config.network_mode, "bridge") == 0 ||
		     strcmp(c->config.network_mode, "private") == 0))
			set_addr_fields(o, r);
	}
	json_object_set_new(o, "Networks", nets);
	return o;
}

json_t *container_network_ps_networks(const struct container *c)
{
	json_t *a = json_array();
	const char *name;
	json_t *per;
	json_object_foreach(json_object_get(c->config.spec_extra, "networks"), name, per)
	        json_array_append_new(a, json_string(name));
	return a;
}

json_t *container_network_ps_ports(struct engine *e, const struct container *c)
{
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	const json_t *m = st ? json_object_get(st, "port_mappings")
	                     : json_object_get(c->config.spec_extra, "port_mappings");
	if (!json_array_size(m))
		return json_null();
	return json_deep_copy(m);
}

int container_port_lines(struct engine *e, const char *key, const char *filter, char ***ret,
                         struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	_cleanup_strv_free_ char **all = net_ports_lines(json_object_get(st, "port_mappings"));
	char **out = xnew(char *, 1);
	STRV_FOREACH(l, all)
	{
		if (filter) {
			size_t fl = strlen(filter);
			bool m = strncmp(*l, filter, fl) == 0 &&
			         ((*l)[fl] == ' ' ||
			          (strchr(filter, '/') == NULL && (*l)[fl] == '/' &&
			           strncmp(*l + fl, "/tcp ", 5) == 0));
			if (!m)
				continue;
		}
		strv_push(&out, *l);
	}
	*ret = out;
	return 0;
}
