/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --requires: containers that must run before this one (libpod's dependency containers).
 * Their IDs are kept in spec_extra "dependencies"; start starts them first, rm refuses to
 * remove a container others depend on (rm --depend removes those first), inspect lists them.
 */
#include <errno.h>
#include <string.h>

#include "engine/container-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* dependency chains are made one container at a time, so they cannot loop; bound them anyway */
#define DEPS_DEPTH_MAX 64

int container_deps_resolve(struct engine *e, char *const *requires, json_t *extra,
                           struct cpod_error **err)
{
	if (!requires || !requires[0])
		return 0;
	_cleanup_json_ json_t *ids = json_array();
	for (size_t i = 0; requires[i]; i++) {
		_cleanup_(container_freep) struct container *dep = NULL;
		struct cpod_error *lerr = NULL;
		if (container_lookup(e, requires[i], &dep, &lerr) < 0) {
			int code = lerr->code;
			cpod_error_move(err, &lerr);
			cpod_error_wrap(err,
			                "\"%s\" is not a valid container, cannot be used as a "
			                "dependency",
			                requires[i]);
			return -code;
		}
		bool dup = false;
		size_t j;
		json_t *v;
		json_array_foreach(ids, j, v) dup =
		        dup || strcmp(json_string_value(v), dep->config.id) == 0;
		if (!dup)
			json_array_append_new(ids, json_string(dep->config.id));
	}
	json_object_set(extra, "dependencies", ids);
	return 0;
}

json_t *container_deps_json(const struct container *c)
{
	json_t *deps = json_object_get(c->config.spec_extra, "dependencies");
	return json_is_array(deps) ? json_deep_copy(deps) : json_array();
}

static int start_deps(struct engine *e, const struct container *c, int depth,
                      struct cpod_error **err)
{
	size_t i;
	json_t *v;
	if (depth > DEPS_DEPTH_MAX)
		return cpod_error_set(err, ELOOP, "container %s: too many levels of dependencies",
		                      c->config.id);
	json_array_foreach(json_object_get(c->config.spec_extra, "dependencies"), i, v)
	{
		const char *id = json_string_value(v);
		_cleanup_(container_freep) struct container *dep = NULL;
		if (!id || container_lookup(e, id, &dep, err) < 0)
			return cpod_error_wrap(err, "starting dependency of container %s",
			                       c->config.id);
		int r = start_deps(e, dep, depth + 1, err);
		if (r < 0)
			return r;
		if (dep->state.status == CTR_RUNNING)
			continue;
		r = container_start(e, id, NULL, NULL, NULL, err);
		if (r < 0)
			return cpod_error_wrap(err, "starting dependency %s of container %s", id,
			                       c->config.id);
	}
	return 0;
}

int container_deps_start(struct engine *e, const char *key, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	struct cpod_error *lerr = NULL;
	if (container_lookup(e, key, &c, &lerr) < 0) {
		/* the caller's own lookup reports it */
		cpod_error_free(lerr);
		return 0;
	}
	return start_deps(e, c, 0, err);
}

/* The IDs of the containers that name c as a dependency, oldest first. */
static int dependents(struct engine *e, const struct container *c, char ***ret,
                      struct cpod_error **err)
{
	struct container **v = NULL;
	size_t n = 0;
	int r = container_list(e, &v, &n, err);
	if (r < 0)
		return r;
	char **out = xnew(char *, 1);
	for (size_t i = n; i-- > 0;) {
		size_t j;
		json_t *d;
		json_array_foreach(json_object_get(v[i]->config.spec_extra, "dependencies"), j, d)
		{
			if (json_is_string(d) && strcmp(json_string_value(d), c->config.id) == 0) {
				strv_push(&out, v[i]->config.id);
				break;
			}
		}
	}
	container_list_free(v, n);
	*ret = out;
	return 0;
}

int container_deps_check_remove(struct engine *e, const struct container *c,
                                const struct container_remove_opts *opts, struct cpod_error **err)
{
	_cleanup_strv_free_ char **ids = NULL;
	int r = dependents(e, c, &ids, err);
	if (r < 0 || !ids[0])
		return r;
	if (!opts || !opts->depend) {
		_cleanup_free_ char *list = strv_join(ids, ", ");
		return cpod_error_set(err, EEXIST,
		                      "container %s has dependent containers which must be removed "
		                      "before it: %s: container already exists",
		                      c->config.id, list);
	}
	STRV_FOREACH(id, ids)
	{
		r = container_remove(e, *id, opts, err);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r < 0) {
			cpod_error_free(*err);
			*err = NULL;
		}
	}
	return 0;
}
