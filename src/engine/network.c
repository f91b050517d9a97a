/* SPDX-License-Identifier: Apache-2.0 */
/* Network verbs over the network layer, with the containers that use each network. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container-internal.h"
#include "engine/network-internal.h"
#include "engine/network.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int engine_network_create(struct engine *e, const struct net_create_opts *opts, json_t **ret,
                          struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	return net_create(&ne.env, opts, ret, err);
}

int engine_network_list(struct engine *e, char *const *filters, json_t **ret,
                        struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *all = NULL;
	r = net_list(&ne.env, &all, err);
	if (r < 0)
		return r;
	json_t *out = json_array();
	size_t i;
	json_t *n;
	json_array_foreach(all, i, n)
	{
		bool m = true;
		if (filters && net_filter_match(n, filters, &m, err) < 0) {
			json_decref(out);
			return -EINVAL;
		}
		if (m)
			json_array_append(out, n);
	}
	*ret = out;
	return 0;
}

int engine_network_inspect(struct engine *e, const char *key, json_t **ret, struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	return net_lookup(&ne.env, key, ret, err);
}

/* Whether container c joins network name (by its mode string or its networks object). */
static bool uses_network(const struct container *c, const char *name, const char *defname)
{
	const struct container_config *cc = &c->config;
	if (json_object_get(json_object_get(cc->spec_extra, "networks"), name))
		return true;
	const char *mode = cc->network_mode ? cc->network_mode : "";
	if (strcmp(mode, "bridge") == 0 || strcmp(mode, "private") == 0 || !*mode)
		return strcmp(name, defname) == 0;
	_cleanup_strv_free_ char **names = strv_split(mode, ",");
	return strv_contains(names, name);
}

static int users(struct engine *e, const char *name, const char *defname, char ***ret,
                 struct cpod_error **err)
{
	struct container **v = NULL;
	size_t n = 0;
	int r = container_list(e, &v, &n, err);
	if (r < 0)
		return r;
	char **ids = xnew(char *, 1);
	for (size_t i = 0; i < n; i++)
		if (uses_network(v[i], name, defname))
			strv_push(&ids, v[i]->config.id);
	container_list_free(v, n);
	*ret = ids;
	return 0;
}

int engine_network_remove(struct engine *e, const char *key, bool force, int timeout,
                          char **ret_name, struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cfg = NULL;
	r = net_lookup(&ne.env, key, &cfg, err);
	if (r < 0)
		return r;
	const char *name = json_get_string(cfg, "name");
	const char *defname = net_env_default_network(&ne.env);
	if (strcmp(name, defname) == 0)
		return net_remove_config(&ne.env, name, err);
	_cleanup_strv_free_ char **ids = NULL;
	r = users(e, name, defname, &ids, err);
	if (r < 0)
		return r;
	if (ids && *ids && !force)
		return cpod_error_set(
		        err, EBUSY,
		        "\"%s\" has associated containers with it. Use -f to forcibly "
		        "delete containers and pods: network is being used",
		        name);
	STRV_FOREACH(id, ids)
	{
		struct container_remove_opts ro = {.force = true, .timeout = timeout};
		r = container_remove(e, *id, &ro, err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	r = net_remove_config(&ne.env, name, err);
	if (r >= 0 && ret_name)
		*ret_name = xstrdup(name);
	return r;
}

int engine_network_prune(struct engine *e, char *const *filters, char ***ret,
                         struct cpod_error **err)
{
	_cleanup_(engine_net_env_release) struct engine_net_env ne = {0};
	int r = engine_net_env(e, &ne, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *all = NULL;
	r = engine_network_list(e, filters, &all, err);
	if (r < 0)
		return r;
	const char *defname = net_env_default_network(&ne.env);
	char **removed = xnew(char *, 1);
	size_t i;
	json_t *n;
	json_array_foreach(all, i, n)
	{
		const char *name = json_get_string(n, "name");
		if (strcmp(name, defname) == 0)
			continue;
		_cleanup_strv_free_ char **ids = NULL;
		if (users(e, name, defname, &ids, err) < 0) {
			strv_free(removed);
			return -EIO;
		}
		if (ids && *ids)
			continue;
		if (net_remove_config(&ne.env, name, err) < 0) {
			strv_free(removed);
			return -EIO;
		}
		strv_push(&removed, name);
	}
	*ret = removed;
	return 0;
}
