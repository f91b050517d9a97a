/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rows for `ps`: Podman 4.3's ListContainer JSON (entities.ListContainer), filled from one
 * list query, with the filters of `podman ps --filter`.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <time.h>

#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "engine/network-internal.h"
#include "engine/volume-internal.h"
#include "format/units.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* Go's zero time as Unix seconds: what Podman prints for "never" */
#define GO_ZERO_UNIX (-62135596800LL)

const char *container_log_path(const struct container *c)
{
	return c->config.log_path;
}

static const char *ps_state(enum container_status s)
{
	switch (s) {
	case CTR_CONFIGURED:
		return "created";
	case CTR_CREATED:
		return "initialized";
	default:
		return container_status_to_string(s);
	}
}

char *container_status_human(const struct container *c, int64_t now_ns)
{
	const struct container_state *s = &c->state;
	switch (s->status) {
	case CTR_RUNNING: {
		/* Podman 4.3's psReporter says "Up 5 seconds ago", in JSON and tables alike */
		_cleanup_free_ char *d = units_human_duration(now_ns - s->started_at);
		return xasprintf("Up %s ago", d);
	}
	case CTR_EXITED:
	case CTR_STOPPED: {
		_cleanup_free_ char *d = units_human_duration(now_ns - s->finished_at);
		return xasprintf("Exited (%d) %s ago", s->exit_code, d);
	}
	case CTR_CONFIGURED:
		return xstrdup("Created");
	case CTR_CREATED:
		return xstrdup("Initialized");
	default: {
		/* Podman capitalises the first letter (Docker's style) */
		char *out = xstrdup(container_status_to_string(s->status));
		if (out[0] >= 'a' && out[0] <= 'z')
			out[0] = (char)(out[0] - 'a' + 'A');
		return out;
	}
	}
}

static bool label_matches(char *const *labels, const char *want)
{
	const char *eq = strchr(want, '=');
	size_t klen = eq ? (size_t)(eq - want) : strlen(want);
	for (size_t i = 0; labels && labels[i]; i++) {
		const char *le = strchr(labels[i], '=');
		size_t lk = le ? (size_t)(le - labels[i]) : strlen(labels[i]);
		if (lk != klen || strncmp(labels[i], want, klen) != 0)
			continue;
		if (!eq || strcmp(le ? le + 1 : "", eq + 1) == 0)
			return true;
	}
	return false;
}

static bool match_one(const struct container *c, const char *key, const char *val)
{
	const struct container_config *cc = &c->config;
	if (strcmp(key, "id") == 0)
		return strncmp(cc->id, val, strlen(val)) == 0;
	if (strcmp(key, "name") == 0) {
		/* Podman matches names as a regular expression; a glob-free value is a substring */
		return strstr(cc->name, val) != NULL || fnmatch(val, cc->name, 0) == 0;
	}
	if (strcmp(key, "status") == 0)
		return strcmp(val, ps_state(c->state.status)) == 0 ||
		       strcmp(val, container_status_to_string(c->state.status)) == 0;
	if (strcmp(key, "label") == 0)
		return label_matches(cc->labels, val);
	if (strcmp(key, "ancestor") == 0) {
		if (cc->image_id && strncmp(cc->image_id, val, strlen(val)) == 0)
			return true;
		if (cc->image_name &&
		    (strcmp(cc->image_name, val) == 0 || fnmatch(val, cc->image_name, 0) == 0))
			return true;
		if (cc->image_name) {
			/* "bb" matches "localhost/bb:latest" */
			_cleanup_free_ char *a = xasprintf("*/%s:latest", val);
			_cleanup_free_ char *b = xasprintf("*/%s", val);
			return fnmatch(a, cc->image_name, 0) == 0 ||
			       fnmatch(b, cc->image_name, 0) == 0;
		}
		return false;
	}
	if (strcmp(key, "restart-policy") == 0) {
		/* "none" is the unset policy, as in Podman's RestartPolicyMap */
		const char *p = cc->restart_policy ? cc->restart_policy : "";
		return strcmp(p, val) == 0 || (!*p && strcmp(val, "none") == 0);
	}
	if (strcmp(key, "exited") == 0) {
		char *end = NULL;
		long v = strtol(val, &end, 10);
		return *end == '\0' && c->state.status == CTR_EXITED && c->state.exit_code == v;
	}
	return false;
}

static const char *const filter_keys[] = {"id",       "name",   "status",         "label",
                                          "ancestor", "exited", "restart-policy", NULL};
static const char *const restart_policies[] = {"none",           "no", "always", "on-failure",
                                               "unless-stopped", NULL};
static const char *const status_values[] = {"created",  "exited",     "paused",      "running",
                                            "unknown",  "configured", "initialized", "stopped",
                                            "removing", "stopping",   NULL};

static int check_filters(char *const *filters, struct cpod_error **err)
{
	_cleanup_strv_free_ char **bad_policies = NULL;
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *eq = strchr(filters[i], '=');
		_cleanup_free_ char *k =
		        eq ? xstrndup(filters[i], (size_t)(eq - filters[i])) : xstrdup(filters[i]);
		if (!eq || !strv_contains((char *const *)filter_keys, k))
			return cpod_error_set(err, EINVAL, "%s is an invalid filter", k);
		if (strcmp(k, "status") == 0 &&
		    !strv_contains((char *const *)status_values, eq + 1))
			return cpod_error_set(err, EINVAL,
			                      "%s is not a valid status: invalid argument", eq + 1);
		if (strcmp(k, "restart-policy") == 0 &&
		    !strv_contains((char *const *)restart_policies, eq + 1))
			strv_push(&bad_policies, eq + 1);
	}
	if (bad_policies) {
		/* Podman names every bad value at once */
		_cleanup_free_ char *list = strv_join(bad_policies, ", ");
		return cpod_error_set(err, EINVAL, "%s invalid restart %s", list,
		                      bad_policies[1] ? "policies" : "policy");
	}
	return 0;
}

/* Same key ORed, different keys ANDed (Podman's filter semantics). */
static bool matches(const struct container *c, char *const *filters)
{
	for (const char *const *k = filter_keys; *k; k++) {
		bool any = false, ok = false;
		size_t kl = strlen(*k);
		for (size_t i = 0; filters && filters[i]; i++) {
			if (strncmp(filters[i], *k, kl) != 0 || filters[i][kl] != '=')
				continue;
			any = true;
			if (match_one(c, *k, filters[i] + kl + 1))
				ok = true;
		}
		if (any && !ok)
			return false;
	}
	return true;
}

static json_t *ps_row(struct engine *e, const struct container *c, int64_t now, bool size)
{
	const struct container_config *cc = &c->config;
	const struct container_state *s = &c->state;
	json_t *o = json_object();
	json_object_set_new(o, "AutoRemove", json_boolean(cc->remove));
	json_t *cmd = json_array();
	for (size_t i = 0; cc->command && cc->command[i]; i++)
		json_array_append_new(cmd, json_string(cc->command[i]));
	json_object_set_new(o, "Command", cmd);
	struct timespec tnow = {.tv_sec = now / 1000000000, .tv_nsec = now % 1000000000};
	struct timespec tc = {.tv_sec = cc->created / 1000000000,
	                      .tv_nsec = cc->created % 1000000000};
	_cleanup_free_ char *ago = units_time_ago(&tnow, &tc);
	json_object_set_new(o, "CreatedAt", json_string(ago));
	bool exited = s->status == CTR_EXITED || s->status == CTR_STOPPED;
	json_object_set_new(o, "Exited", json_boolean(exited));
	json_object_set_new(
	        o, "ExitedAt",
	        json_integer(s->finished_at > 0 ? s->finished_at / 1000000000 : GO_ZERO_UNIX));
	json_object_set_new(o, "ExitCode", json_integer(s->exit_code));
	json_object_set_new(o, "Id", json_string(cc->id));
	json_object_set_new(o, "Image", json_string(cc->image_name ? cc->image_name : ""));
	json_object_set_new(o, "ImageID", json_string(cc->image_id ? cc->image_id : ""));
	json_object_set_new(o, "IsInfra", json_false());
	json_t *labels = json_null();
	if (cc->labels && cc->labels[0]) {
		labels = json_object();
		for (size_t i = 0; cc->labels[i]; i++) {
			const char *eq = strchr(cc->labels[i], '=');
			_cleanup_free_ char *k =
			        eq ? xstrndup(cc->labels[i], (size_t)(eq - cc->labels[i]))
			           : xstrdup(cc->labels[i]);
			json_object_set_new(labels, k, json_string(eq ? eq + 1 : ""));
		}
	}
	json_object_set_new(o, "Labels", labels);
	json_object_set_new(o, "Mounts", container_mounts_destinations(c));
	json_t *names = json_array();
	json_array_append_new(names, json_string(cc->name));
	json_object_set_new(o, "Names", names);
	json_object_set_new(o, "Namespaces", json_object());
	json_object_set_new(o, "Networks", container_network_ps_networks(c));
	json_object_set_new(o, "Pid", json_integer(s->pid));
	json_object_set_new(o, "Pod", json_string(""));
	json_object_set_new(o, "PodName", json_string(""));
	json_object_set_new(o, "Ports", container_network_ps_ports(e, c));
	if (size) {
		json_t *sz = json_object();
		json_object_set_new(sz, "rootFsSize", json_integer(0));
		json_object_set_new(sz, "rwSize", json_integer(0));
		json_object_set_new(o, "Size", sz);
	} else {
		json_object_set_new(o, "Size", json_null());
	}
	json_object_set_new(
	        o, "StartedAt",
	        json_integer(s->started_at > 0 ? s->started_at / 1000000000 : GO_ZERO_UNIX));
	json_object_set_new(o, "State", json_string(ps_state(s->status)));
	_cleanup_free_ char *st = container_status_human(c, now);
	_cleanup_free_ char *health = container_health_status(e, c);
	if (health) {
		/* Podman's ps: "Up 5 seconds (healthy)" */
		char *t = xasprintf("%s (%s)", st, health);
		free(st);
		st = t;
	}
	json_object_set_new(o, "Status", json_string(st));
	json_object_set_new(o, "Created", json_integer(cc->created / 1000000000));
	return o;
}

int container_ps(struct engine *e, const struct container_ps_opts *opts, json_t **ret,
                 struct cpod_error **err)
{
	int r = check_filters(opts->filters, err);
	if (r < 0)
		return r;
	struct container **v = NULL;
	size_t n = 0;
	r = container_list(e, &v, &n, err);
	if (r < 0)
		return r;
	int64_t now = container_now_ns();
	json_t *rows = json_array();
	bool filtered = opts->filters && opts->filters[0];
	for (size_t i = 0; i < n; i++) {
		if (opts->last > 0 && json_array_size(rows) >= (size_t)opts->last)
			break;
		/* without -a only running ones, unless a filter asks (Podman: filters imply -a) */
		if (!opts->all && !filtered && v[i]->state.status != CTR_RUNNING)
			continue;
		if (!matches(v[i], opts->filters))
			continue;
		json_array_append_new(rows, ps_row(e, v[i], now, opts->size));
	}
	container_list_free(v, n);
	*ret = rows;
	return 0;
}
