/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container networking for the engine (libpod's networking_linux.go): the namespace mode
 * from --network, a netns plus `netavark setup` for bridge networks at init, teardown at
 * cleanup (also when the container was SIGKILLed: cleanup runs from conmon's exit command).
 * Setup state is kept in <run userdata>/network.json so that teardown needs nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/containers-conf.h"
#include "engine/container-internal.h"
#include "engine/network-internal.h"
#include "runtime/spec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define NET_STATE_MAX (1u << 20)

int engine_net_env(struct engine *e, struct engine_net_env *ret, struct cpod_error **err)
{
	const struct cpod_config *cfg = engine_config(e, err);
	if (!cfg)
		return -EIO;
	*ret = (struct engine_net_env){0};
	ret->config_dir = cfg->network.network_config_dir && *cfg->network.network_config_dir
	                          ? xstrdup(cfg->network.network_config_dir)
	                          : path_join(e->graph_root, "networks");
	ret->run_dir = path_join(e->run_root, "networks");
	ret->netns_dir = path_join(e->run_root, "netns");
	ret->env = (struct net_env){
	        .config_dir = ret->config_dir,
	        .run_dir = ret->run_dir,
	        .netns_dir = ret->netns_dir,
	        .default_network = cfg->network.default_network,
	        .default_subnet = cfg->network.default_subnet,
	        .plugin_dirs = cfg->network.netavark_plugin_dirs,
	};
	return 0;
}

void engine_net_env_release(struct engine_net_env *n)
{
	free(n->config_dir);
	free(n->run_dir);
	free(n->netns_dir);
	*n = (struct engine_net_env){0};
}

void container_net_release(struct container_net *n)
{
	free(n->netns_path);
	strv_free(n->ips);
	strv_free(n->dns);
	strv_free(n->search);
	free(n->gateway);
	*n = (struct container_net){0};
}

static char *state_path(struct engine *e, const char *id)
{
	_cleanup_free_ char *rd = container_userdata_dir(e, id, true);
	return path_join(rd, "network.json");
}

json_t *container_network_state(struct engine *e, const char *id)
{
	_cleanup_free_ char *path = state_path(e, id);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_file_at(AT_FDCWD, path, NET_STATE_MAX, &text, &len) < 0)
		return NULL;
	json_t *j = json_loadb(text, len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* The networks to join: spec_extra "networks" or the names in the mode string. */
static json_t *wanted_networks(const struct container_config *cc, const char *defname)
{
	json_t *given = json_object_get(cc->spec_extra, "networks");
	json_t *out = json_object();
	const char *mode = cc->network_mode;
	if (json_object_size(given)) {
		const char *k;
		json_t *v;
		json_object_foreach(given, k, v) json_object_set_new(out, k, json_deep_copy(v));
	} else {
		_cleanup_strv_free_ char **names =
		        (!mode || !*mode || strcmp(mode, "bridge") == 0 ||
		         strcmp(mode, "private") == 0)
		                ? strv_split(defname, ",")
		                : strv_split(mode, ",");
		STRV_FOREACH(n, names)
		json_object_set_new(out, *n, json_object());
	}
	/* interface names in order, as Podman assigns eth0, eth1, ... */
	unsigned i = 0;
	const char *k;
	json_t *v;
	json_object_foreach(out, k, v)
	{
		if (!json_get_string(v, "interface_name")) {
			_cleanup_free_ char *ifc = xasprintf("eth%u", i);
			json_object_set_new(v, "interface_name", json_string(ifc));
		}
		i++;
	}
	return out;
}

static void collect_result(const json_t *result, struct container_net *ret)
{
	const char *name;
	json_t *n;
	ret->ips = xnew(char *, 1);
	json_object_foreach(json_object_get(result, "networks"), name, n)
	{
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(n, "subnets"), i, s)
		{
			const char *ipnet = json_get_string(s, "ipnet");
			const char *slash = ipnet ? strchr(ipnet, '/') : NULL;
			if (slash)
				strv_consume(&ret->ips, xstrndup(ipnet, (size_t)(slash - ipnet)));
			const char *gw = json_get_string(s, "gateway");
			if (gw && !ret->gateway)
				ret->gateway = xstrdup(gw);
		}
	}
	ret->dns = xnew(char *, 1);
	ret->search = xnew(char *, 1);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(result, "dns_server_ips"), i, v)
	        strv_push(&ret->dns, json_string_value(v));
	json_array_foreach(json_object_get(result, "dns_search_domains"), i, v)
	        strv_push(&ret->search, json_string_value(v));
}

static int save_state(struct engine *e, const char *id, json_t *st, struct cpod_error **err)
{
	_cleanup_free_ char *path = state_path(e, id);
	_cleanup_free_ char *text = json_dumps(st, JSON_COMPACT);
	int r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

int container_network_setup(struct engine *e, const struct container *c, const char *run_dir,
                            struct container_net *ret, struct cpod_error **err)
{
	const struct container_config *cc = &c->config;
	const char *mode = cc->network_mode ? cc->network_mode : "";
	(void)run_dir;
	*ret = (struct container_net){0};
	if (strcmp(mode, "host") == 0) {
		ret->mode = SPEC_NS_HOST;
		return 0;
	}
	if (strcmp(mode, "none") == 0) {
		ret->mode = SPEC_NS_NONE;
		return 0;
	}
	if (strncmp(mode, "ns:", 3) == 0) {
		ret->mode = SPEC_NS_PATH;
		ret->netns_path = xstrdup(mode + 3);
		return 0;
	}
	if (strncmp(mode, "container:", 10) == 0) {
		_cleanup_(container_freep) struct container *other = NULL;
		int r = container_lookup(e, mode + 10, &other, err);
		if (r < 0)
			return r;
		if (other->state.pid <= 0)
			return cpod_error_set(
			        err, EINVAL,
			        "container %s is not running: container state improper",
			        other->config.id);
		ret->mode = SPEC_NS_PATH;
		ret->netns_path = xasprintf("/proc/%d/ns/net", (int)other->state.pid);
		return 0;
	}
	if (geteuid() != 0)
		return cpod_error_set(err, ENOTSUP,
		                      "bridge networks need root (rootless networking with "
		                      "slirp4netns is not implemented yet): use --network none or "
		                      "host");
	/* a setup left by a killed cpod: take it down before making a new one */
	(void)container_network_teardown(e, c, NULL);
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	const char *defname = net_env_default_network(&ne.env);
	_cleanup_json_ json_t *nets = wanted_networks(cc, defname);
	_cleanup_json_ json_t *ports =
	        json_deep_copy(json_object_get(cc->spec_extra, "port_mappings"));
	if (ports && net_ports_assign_random(ports, err) < 0)
		return -EADDRINUSE;
	_cleanup_free_ char *netns = NULL;
	r = net_netns_create(&ne.env, &netns, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **dns = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(cc->spec_extra, "dns_servers"), i, v)
	        strv_push(&dns, json_string_value(v));
	struct net_setup_opts so = {
	        .container_id = cc->id,
	        .container_name = cc->name,
	        .netns_path = netns,
	        .networks = nets,
	        .port_mappings = ports,
	        .dns_servers = dns,
	};
	_cleanup_json_ json_t *result = NULL;
	r = net_setup(&ne.env, &so, &result, err);
	if (r < 0) {
		(void)net_netns_delete(netns, NULL);
		return r;
	}
	_cleanup_json_ json_t *st = json_object();
	json_object_set_new(st, "netns", json_string(netns));
	json_object_set(st, "networks", nets);
	json_object_set_new(st, "port_mappings", ports ? json_incref(ports) : json_array());
	json_object_set(st, "result", result);
	r = save_state(e, cc->id, st, err);
	if (r < 0) {
		(void)net_teardown(&ne.env, &so, NULL);
		(void)net_netns_delete(netns, NULL);
		return r;
	}
	collect_result(result, ret);
	ret->mode = SPEC_NS_PATH;
	ret->netns_path = TAKE_PTR(netns);
	return 0;
}

void container_network_split(const json_t *networks, json_t **ret_with_ports, json_t **ret_without)
{
	json_t *a = json_object(), *b = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)networks, k, v)
	        json_object_set(json_is_true(json_object_get(v, "connected")) ? b : a, k, v);
	*ret_with_ports = a;
	*ret_without = b;
}

int container_network_teardown(struct engine *e, const struct container *c, struct cpod_error **err)
{
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	const char *mode = c->config.network_mode ? c->config.network_mode : "";
	bool special = strcmp(mode, "none") == 0 || strcmp(mode, "host") == 0 ||
	               strncmp(mode, "ns:", 3) == 0 || strncmp(mode, "container:", 10) == 0;
	if (!st && special)
		return 0;
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	/* no state: a cpod killed between leasing and saving may have left addresses */
	if (!st)
		return net_ipam_release_all(&ne.env, c->config.id, err);
	const char *netns = json_get_string(st, "netns");
	_cleanup_json_ json_t *with_ports = NULL, *without = NULL;
	container_network_split(json_object_get(st, "networks"), &with_ports, &without);
	int ret = 0;
	for (int pass = 0; pass < 2; pass++) {
		json_t *nets = pass == 0 ? with_ports : without;
		if (!json_object_size(nets))
			continue;
		struct net_setup_opts so = {
		        .container_id = c->config.id,
		        .container_name = c->config.name,
		        .netns_path = netns,
		        .networks = nets,
		        .port_mappings = pass == 0 ? json_object_get(st, "port_mappings") : NULL,
		};
		r = net_teardown(&ne.env, &so, ret < 0 ? NULL : err);
		if (r < 0 && ret == 0)
			ret = r;
	}
	r = net_netns_delete(netns, ret < 0 ? NULL : err);
	if (ret == 0)
		ret = r;
	_cleanup_free_ char *path = state_path(e, c->config.id);
	/* keep the state when netavark failed, so that a later cleanup can try again */
	if (ret == 0)
		(void)unlink(path);
	return ret;
}
