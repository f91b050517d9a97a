/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI process of an exec session (exec.h exec_spec_build), after Podman's prepareProcessExec.
 */
#include <errno.h>
#include <string.h>

#include "engine/exec.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* Replace the entry with the same key in place (the container's order is kept), or append. */
static void env_set(json_t *env, const char *kv)
{
	size_t klen = key_len(kv);
	size_t i;
	json_t *v;
	json_array_foreach(env, i, v)
	{
		const char *s = json_string_value(v);
		if (s && key_len(s) == klen && strncmp(s, kv, klen) == 0) {
			json_array_set_new(env, i, json_string(kv));
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
}

static bool env_has(json_t *env, const char *key)
{
	size_t klen = strlen(key), i;
	json_t *v;
	json_array_foreach(env, i, v)
	{
		const char *s = json_string_value(v);
		if (s && key_len(s) == klen && strncmp(s, key, klen) == 0)
			return true;
	}
	return false;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *copy_or_empty(json_t *v)
{
	return json_is_array(v) ? json_deep_copy(v) : json_array();
}

static void set_caps(json_t *p, json_t *ctr_caps, const struct exec_spec_opts *o, bool root)
{
	json_t *caps = json_object();
	json_t *bounding = o->privileged && o->all_caps
	                           ? strv_json(o->all_caps)
	                           : copy_or_empty(json_object_get(ctr_caps, "bounding"));
	json_t *ctr_eff = json_object_get(ctr_caps, "effective");
	json_object_set_new(caps, "bounding", bounding);
	if (root) {
		json_object_set_new(caps, "effective", json_deep_copy(bounding));
		json_object_set_new(caps, "inheritable", json_array());
		json_object_set_new(caps, "permitted", json_deep_copy(bounding));
	} else if (!o->set_user) {
		/* the container's own non-root user keeps the container's effective set */
		json_object_set_new(caps, "effective", copy_or_empty(ctr_eff));
		json_object_set_new(caps, "inheritable", copy_or_empty(ctr_eff));
		json_object_set_new(caps, "permitted", copy_or_empty(ctr_eff));
		json_object_set_new(caps, "ambient", copy_or_empty(ctr_eff));
	} else {
		json_object_set_new(caps, "effective", json_array());
		json_object_set_new(caps, "inheritable", json_array());
		json_object_set_new(caps, "permitted", json_array());
	}
	json_object_set_new(p, "capabilities", caps);
}

int exec_spec_build(json_t *ctr_process, const struct exec_spec_opts *o, json_t **ret,
                    struct cpod_error **err)
{
	if (!json_is_object(ctr_process))
		return cpod_error_set(err, EINVAL, "the container's OCI spec has no process");
	if (!o->command || !o->command[0])
		return cpod_error_set(err, EINVAL,
		                      "must provide a non-empty command to start an "
		                      "exec session");
	_cleanup_json_ json_t *p = json_deep_copy(ctr_process);
	json_object_set_new(p, "terminal", json_boolean(o->terminal));
	if (!o->terminal)
		json_object_del(p, "consoleSize");
	json_object_set_new(p, "args", strv_json(o->command));

	json_t *env = json_object_get(p, "env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(p, "env", env);
	}
	for (size_t i = 0; o->env && o->env[i]; i++)
		env_set(env, o->env[i]);

	if (o->cwd && *o->cwd)
		json_object_set_new(p, "cwd", json_string(o->cwd));
	if (!json_is_string(json_object_get(p, "cwd")))
		json_object_set_new(p, "cwd", json_string("/"));

	json_t *user = json_object_get(p, "user");
	if (!json_is_object(user)) {
		user = json_object();
		json_object_set_new(p, "user", user);
	}
	if (o->set_user) {
		json_object_set_new(user, "uid", json_integer(o->uid));
		json_object_set_new(user, "gid", json_integer(o->gid));
		json_object_del(user, "umask");
		if (o->n_sgids) {
			json_t *g = json_array();
			for (size_t i = 0; i < o->n_sgids; i++)
				json_array_append_new(g, json_integer(o->sgids[i]));
			json_object_set_new(user, "additionalGids", g);
		} else {
			json_object_del(user, "additionalGids");
		}
		if (!env_has(env, "HOME") && o->home) {
			_cleanup_free_ char *h = xasprintf("HOME=%s", o->home);
			json_array_append_new(env, json_string(h));
		}
	}
	bool root = json_integer_value(json_object_get(user, "uid")) == 0;
	set_caps(p, json_object_get(ctr_process, "capabilities"), o, root);
	*ret = TAKE_PTR(p);
	return 0;
}
