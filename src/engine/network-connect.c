/* SPDX-License-Identifier: Apache-2.0 */
/*
 * network connect / disconnect / reload (libpod's NetworkConnect, NetworkDisconnect and
 * reloadNetwork): the container record's "networks" changes under the container's lock,
 * and a running container's namespace is set up or torn down for that one network.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/network-internal.h"
#include "engine/network.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static bool special_mode(const char *m)
{
	return strcmp(m, "none") == 0 || strcmp(m, "host") == 0 || strncmp(m, "ns:", 3) == 0 ||
	       strncmp(m, "container:", 10) == 0;
}

static int save_state(struct engine *e, const char *id, const json_t *st, struct cpod_error **err)
{
	_cleanup_free_ char *rd = container_userdata_dir(e, id, true);
	_cleanup_free_ char *path = path_join(rd, "network.json");
	_cleanup_free_ char *text = json_dumps(st, JSON_COMPACT);
	int r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	return r < 0 ? cpod_error_set_errno(err, -r, "write %s", path) : 0;
}

/* The networks a container is on, as stored (the default network when none recorded). */
static json_t *current_networks(struct container *c, const char *defname)
{
	json_t *nets = json_object_get(c->config.spec_extra, "networks");
	if (json_is_object(nets))
		return nets;
	nets = json_object();
	if (!special_mode(c->config.network_mode)) {
		json_t *per = json_object();
		_cleanup_free_ char *short_id = xstrndup(c->config.id, 12);
		json_t *aliases = json_array();
		json_array_append_new(aliases, json_string(short_id));
		json_object_set_new(per, "aliases", aliases);
		json_object_set_new(nets, defname, per);
	}
	json_object_set_new(c->config.spec_extra, "networks", nets);
	return nets;
}

static char *free_interface(const json_t *st_networks)
{
	for (unsigned i = 0;; i++) {
		_cleanup_free_ char *name = xasprintf("eth%u", i);
		bool used = false;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)st_networks, k, v)
		{
			const char *ifc = json_get_string(v, "interface_name");
			used |= ifc && strcmp(ifc, name) == 0;
		}
		if (!used)
			return TAKE_PTR(name);
	}
}

static json_t *per_network(const struct container *c, const struct engine_network_connect_opts *o)
{
	json_t *per = json_object();
	json_t *aliases = json_array();
	STRV_FOREACH(a, (char **)(o ? o->aliases : NULL))
	json_array_append_new(aliases, json_string(*a));
	_cleanup_free_ char *short_id = xstrndup(c->config.id, 12);
	json_array_append_new(aliases, json_string(short_id));
	json_object_set_new(per, "aliases", aliases);
	json_t *ips = json_array();
	if (o && o->ip)
		json_array_append_new(ips, json_string(o->ip));
	if (o && o->ip6)
		json_array_append_new(ips, json_string(o->ip6));
	if (json_array_size(ips))
		json_object_set_new(per, "static_ips", ips);
	else
		json_decref(ips);
	if (o && o->mac)
		json_object_set_new(per, "static_mac", json_string(o->mac));
	return per;
}

int engine_network_connect(struct engine *e, const char *container, const char *network,
                           const struct engine_network_connect_opts *opts, struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cfg = NULL;
	r = net_lookup(&ne.env, network, &cfg, err);
	if (r < 0)
		return r;
	const char *name = json_get_string(cfg, "name");
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	r = container_get_locked(e, container, &c, &lock, err);
	if (r < 0)
		return r;
	if (special_mode(c->config.network_mode))
		return cpod_error_set(err, EINVAL,
		                      "cannot connect container %s to network %s: network mode %s "
		                      "does not support networks",
		                      c->config.id, name, c->config.network_mode);
	const char *defname = net_env_default_network(&ne.env);
	json_t *nets = current_networks(c, defname);
	if (json_object_get(nets, name))
		return cpod_error_set(err, EEXIST,
		                      "container %s is already connected to network \"%s\": "
		                      "network is already connected",
		                      c->config.id, name);
	_cleanup_json_ json_t *per = per_network(c, opts);
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	if (c->state.status == CTR_RUNNING && st) {
		json_t *stnets = json_object_get(st, "networks");
		_cleanup_free_ char *ifc = free_interface(stnets);
		json_object_set_new(per, "interface_name", json_string(ifc));
		_cleanup_json_ json_t *one = json_pack("{s:O}", name, per);
		struct net_setup_opts so = {.container_id = c->config.id,
		                            .container_name = c->config.name,
		                            .netns_path = json_get_string(st, "netns"),
		                            .networks = one};
		_cleanup_json_ json_t *res = NULL;
		r = net_setup(&ne.env, &so, &res, err);
		if (r < 0)
			return r;
		json_t *saved = json_deep_copy(per);
		json_object_set_new(saved, "connected", json_true());
		json_object_set_new(stnets, name, saved);
		json_t *result = json_object_get(st, "result");
		json_object_set(json_object_get(result, "networks"), name,
		                json_object_get(json_object_get(res, "networks"), name));
		r = save_state(e, c->config.id, st, err);
		if (r < 0)
			return r;
	}
	json_object_del(per, "interface_name");
	json_object_set(nets, name, per);
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	return state_db_save_config(db, c, err);
}

int engine_network_disconnect(struct engine *e, const char *container, const char *network,
                              struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cfg = NULL;
	r = net_lookup(&ne.env, network, &cfg, err);
	if (r < 0)
		return r;
	const char *name = json_get_string(cfg, "name");
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	r = container_get_locked(e, container, &c, &lock, err);
	if (r < 0)
		return r;
	const char *defname = net_env_default_network(&ne.env);
	json_t *nets = current_networks(c, defname);
	if (!json_object_get(nets, name))
		return cpod_error_set(err, ENOENT, "container %s is not connected to network %s",
		                      c->config.id, name);
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	json_t *stnets = json_object_get(st, "networks");
	if (st && json_object_get(stnets, name)) {
		_cleanup_json_ json_t *one =
		        json_pack("{s:O}", name, json_object_get(stnets, name));
		/* the port rules were made with the first setup, on its networks */
		bool with_ports =
		        !json_is_true(json_object_get(json_object_get(stnets, name), "connected"));
		struct net_setup_opts so = {
		        .container_id = c->config.id,
		        .container_name = c->config.name,
		        .netns_path = json_get_string(st, "netns"),
		        .networks = one,
		        .port_mappings = with_ports ? json_object_get(st, "port_mappings") : NULL,
		};
		r = net_teardown(&ne.env, &so, err);
		if (r < 0)
			return r;
		json_object_del(stnets, name);
		json_object_del(json_object_get(json_object_get(st, "result"), "networks"), name);
		r = save_state(e, c->config.id, st, err);
		if (r < 0)
			return r;
	}
	json_object_del(nets, name);
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	return state_db_save_config(db, c, err);
}

static int reload_one(struct engine *e, const struct net_env *env, const char *id,
                      struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, id, &c, &lock, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *st = container_network_state(e, c->config.id);
	if (c->state.status != CTR_RUNNING || !st)
		return 0;
	_cleanup_json_ json_t *with_ports = NULL, *without = NULL;
	container_network_split(json_object_get(st, "networks"), &with_ports, &without);
	json_t *result_nets = json_object_get(json_object_get(st, "result"), "networks");
	for (int pass = 0; pass < 2; pass++) {
		json_t *nets = pass == 0 ? with_ports : without;
		if (!json_object_size(nets))
			continue;
		struct net_setup_opts so = {
		        .container_id = c->config.id,
		        .container_name = c->config.name,
		        .netns_path = json_get_string(st, "netns"),
		        .networks = nets,
		        .port_mappings = pass == 0 ? json_object_get(st, "port_mappings") : NULL,
		};
		_cleanup_json_ json_t *res = NULL;
		r = net_reload(env, &so, &res, err);
		if (r < 0)
			return r;
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(res, "networks"), k, v)
		        json_object_set(result_nets, k, v);
	}
	return save_state(e, c->config.id, st, err) < 0 ? -EIO : 1;
}

int engine_network_reload(struct engine *e, char *const *keys, bool all, char ***ret_ids,
                          struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **ids = xnew(char *, 1);
	if (all) {
		struct container **v = NULL;
		size_t n = 0;
		r = container_list(e, &v, &n, err);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (v[i]->state.status == CTR_RUNNING)
				strv_push(&ids, v[i]->config.id);
		container_list_free(v, n);
	} else {
		STRV_FOREACH(k, (char **)keys)
		{
			_cleanup_(container_freep) struct container *c = NULL;
			r = container_lookup(e, *k, &c, err);
			if (r < 0)
				return r;
			strv_push(&ids, c->config.id);
		}
	}
	char **done = xnew(char *, 1);
	STRV_FOREACH(id, ids)
	{
		r = reload_one(e, &ne.env, *id, err);
		if (r < 0) {
			strv_free(done);
			return r;
		}
		if (r > 0)
			strv_push(&done, *id);
	}
	*ret_ids = done;
	return 0;
}
