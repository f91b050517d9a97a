/* SPDX-License-Identifier: Apache-2.0 */
/*
 * isolation_build(): namespaces, user namespace, security options, sysctls and groups,
 * with the resource limits from isolation-resources.c, into one normalised JSON object.
 * Texts follow Podman 4.3 (pkg/specgen namespaces.go, pkg/specgenutil, pkg/util).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/isolation-internal.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	STRV_FOREACH(s, (char **)v)
	json_array_append_new(a, json_string(*s));
	return a;
}

/* host | private | ns:PATH | container:NAME (+ extra words some namespaces accept). */
static int ns_mode(const char *what, const char *s, const char *const *extra, json_t *cfg,
                   struct cpod_error **err)
{
	if (!s || !*s)
		return 0;
	bool ok = strcmp(s, "host") == 0 || strcmp(s, "private") == 0 ||
	          (strncmp(s, "ns:", 3) == 0 && s[3] == '/') ||
	          (strncmp(s, "container:", 10) == 0 && s[10] && strcmp(what, "cgroupns") != 0);
	for (size_t i = 0; !ok && extra && extra[i]; i++)
		ok = strcmp(s, extra[i]) == 0;
	if (!ok)
		return cpod_error_set(err, EINVAL, "unrecognized namespace mode %s passed", s);
	json_object_set_new(cfg, what, json_string(s));
	return 0;
}

static int read_subid(const char *file, const char *name, uint32_t *start, uint32_t *count)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, file, 1 << 20, &text, NULL) < 0)
		return -ENOENT;
	_cleanup_strv_free_ char **lines = strv_split(text, "\n");
	STRV_FOREACH(l, lines)
	{
		_cleanup_strv_free_ char **f = strv_split(*l, ":");
		unsigned long long s, c;
		char *e1, *e2;
		if (strv_length(f) != 3 || strcmp(f[0], name) != 0)
			continue;
		s = strtoull(f[1], &e1, 10);
		c = strtoull(f[2], &e2, 10);
		if (*e1 || *e2 || !c || s + c > UINT32_MAX)
			continue;
		*start = (uint32_t)s;
		*count = (uint32_t)c;
		return 0;
	}
	return -ENOENT;
}

static void add_map(json_t *arr, uint32_t c, uint32_t h, uint32_t n)
{
	json_t *o = json_object();
	json_object_set_new(o, "containerID", json_integer(c));
	json_object_set_new(o, "hostID", json_integer(h));
	json_object_set_new(o, "size", json_integer(n));
	json_array_append_new(arr, o);
}

static int subid_map(const char *file, const char *name, json_t *arr, struct cpod_error **err)
{
	uint32_t s, c;
	if (read_subid(file, name, &s, &c) < 0)
		return cpod_error_set(
		        err, ENOENT,
		        "cannot find mappings for user \"%s\": no subuid ranges found "
		        "for user \"%s\" in %s",
		        name, name, file);
	add_map(arr, 0, s, c);
	return 0;
}

static int build_userns(const struct isolation_opts *o, const struct isolation_host *h, json_t *cfg,
                        struct cpod_error **err)
{
	bool maps = (o->uidmap && o->uidmap[0]) || (o->gidmap && o->gidmap[0]) ||
	            (o->subuidname && *o->subuidname) || (o->subgidname && *o->subgidname);
	const char *u = o->userns && *o->userns ? o->userns : NULL;
	_cleanup_json_ json_t *um = json_array(), *gm = json_array();
	int r;

	if (u && maps)
		return cpod_error_set(
		        err, EINVAL,
		        "--userns and --uidmap/--gidmap/--subuidname/--subgidname are "
		        "mutually exclusive");
	if (u) {
		if (strcmp(u, "host") == 0 || strcmp(u, "") == 0)
			return 0;
		if ((strcmp(u, "keep-id") == 0 || strncmp(u, "keep-id:", 8) == 0 ||
		     strcmp(u, "nomap") == 0) &&
		    !h->rootless)
			return cpod_error_set(err, EINVAL, "%s is only supported in rootless mode",
			                      strcmp(u, "nomap") == 0 ? "nomap" : "keep-id");
		if (strcmp(u, "auto") == 0 || strncmp(u, "auto:", 5) == 0) {
			/* as root Podman takes ids from the "containers" entries */
			if ((r = subid_map("/etc/subuid", "containers", um, err)) < 0 ||
			    (r = subid_map("/etc/subgid", "containers", gm, err)) < 0)
				return r;
		} else if (strncmp(u, "ns:", 3) == 0 && u[3] == '/') {
			json_object_set_new(cfg, "usernsPath", json_string(u + 3));
		} else if (strcmp(u, "private") != 0 || !h->rootless) {
			return cpod_error_set(err, EINVAL, "unrecognized namespace mode %s passed",
			                      u);
		}
		json_object_set_new(cfg, "userns", json_string(u));
	} else if (maps) {
		STRV_FOREACH(m, (char **)o->uidmap)
		if (isolation_parse_idmap(*m, um) < 0)
			return cpod_error_set(err, EINVAL, "invalid mapping \"%s\"", *m);
		STRV_FOREACH(m, (char **)o->gidmap)
		if (isolation_parse_idmap(*m, gm) < 0)
			return cpod_error_set(err, EINVAL, "invalid mapping \"%s\"", *m);
		if (o->subuidname && *o->subuidname &&
		    (r = subid_map("/etc/subuid", o->subuidname, um, err)) < 0)
			return r;
		if (o->subgidname && *o->subgidname &&
		    (r = subid_map("/etc/subgid", o->subgidname, gm, err)) < 0)
			return r;
		/* Podman: a uid map alone is used for the gids too, and the other way round */
		if (json_array_size(gm) == 0)
			json_array_extend(gm, um);
		if (json_array_size(um) == 0)
			json_array_extend(um, gm);
		json_object_set_new(cfg, "userns", json_string("private"));
	} else {
		return 0;
	}
	if (json_array_size(um) > 0) {
		json_object_set(cfg, "uidMappings", um);
		json_object_set(cfg, "gidMappings", gm);
	}
	return 0;
}

static int build_security(const struct isolation_opts *o, json_t *cfg, struct cpod_error **err)
{
	_cleanup_strv_free_ char **mask = NULL, **unmask = NULL;
	STRV_FOREACH(s, (char **)o->security_opts)
	{
		const char *eq = strchr(*s, '=');
		if (!eq) {
			if (strcmp(*s, "no-new-privileges") == 0) {
				json_object_set_new(cfg, "noNewPrivileges", json_true());
				continue;
			}
			return cpod_error_set(err, EINVAL, "invalid --security-opt 1: \"%s\"", *s);
		}
		size_t klen = (size_t)(eq - *s);
		const char *v = eq + 1;
#define KEY(k) (klen == strlen(k) && strncmp(*s, k, klen) == 0)
		if (KEY("seccomp")) {
			if (strcmp(v, "unconfined") != 0 && access(v, R_OK) < 0)
				return cpod_error_set_errno(
				        err, errno, "opening seccomp profile failed: open %s", v);
			json_object_set_new(cfg, "seccomp", json_string(v));
		} else if (KEY("no-new-privileges")) {
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				return cpod_error_set(err, EINVAL,
				                      "invalid --security-opt 2: \"%s\"", *s);
			json_object_set_new(cfg, "noNewPrivileges", json_boolean(*v == 't'));
		} else if (KEY("label")) {
			/* no SELinux on the hosts cpod knows: only "disable" changes anything */
			if (strcmp(v, "disable") == 0)
				json_object_set_new(cfg, "labelDisable", json_true());
		} else if (KEY("apparmor")) {
			json_object_set_new(cfg, "apparmor", json_string(v));
		} else if (KEY("mask")) {
			_cleanup_strv_free_ char **p = strv_split(v, ":");
			STRV_FOREACH(x, p)
			if (**x == '/')
				strv_push(&mask, *x);
		} else if (KEY("unmask")) {
			_cleanup_strv_free_ char **p = strv_split(v, ":");
			STRV_FOREACH(x, p)
			if (**x == '/' || strcmp(*x, "ALL") == 0)
				strv_push(&unmask, *x);
		} else if (KEY("systempaths")) {
			if (strcmp(v, "unconfined") == 0)
				strv_push(&unmask, "ALL");
		} else if (!KEY("proc-opts") && !KEY("seccomp-policy")) {
			return cpod_error_set(err, EINVAL, "invalid --security-opt 2: \"%s\"", *s);
		}
#undef KEY
	}
	if (mask)
		json_object_set_new(cfg, "mask", strv_json(mask));
	if (unmask)
		json_object_set_new(cfg, "unmask", strv_json(unmask));
	if (o->security_opts && o->security_opts[0])
		json_object_set_new(cfg, "securityOpt", strv_json(o->security_opts));
	return 0;
}

static bool is_host(const char *mode)
{
	return mode && strcmp(mode, "host") == 0;
}

static int build_sysctls(const struct isolation_opts *o, json_t *cfg, struct cpod_error **err)
{
	STRV_FOREACH(s, (char **)o->sysctls)
	{
		const char *eq = strchr(*s, '=');
		if (!eq || eq == *s)
			return cpod_error_set(err, EINVAL,
			                      "%s is invalid, sysctl values must be in the form of "
			                      "KEY=VALUE",
			                      *s);
		_cleanup_free_ char *key = xstrndup(*s, (size_t)(eq - *s));
		const char *ns = NULL;
		switch (isolation_sysctl_namespace(key)) {
		case SYSCTL_NS_NET:
			ns = is_host(o->network) ? "Network" : NULL;
			break;
		case SYSCTL_NS_IPC:
			ns = is_host(o->ipc) ? "IPC" : NULL;
			break;
		case SYSCTL_NS_UTS:
			ns = is_host(o->uts) ? "UTS" : NULL;
			break;
		default:
			return cpod_error_set(err, EINVAL, "sysctl '%s' is not allowed", key);
		}
		if (ns)
			return cpod_error_set(
			        err, EINVAL,
			        "sysctl %s can't be set since %s Namespace set to host: "
			        "invalid argument",
			        *s, ns);
	}
	if (o->sysctls && o->sysctls[0])
		json_object_set_new(cfg, "sysctls", strv_json(o->sysctls));
	return 0;
}

static int build_groups(const struct isolation_opts *o, json_t *cfg, struct cpod_error **err)
{
	if (!o->group_add || !o->group_add[0])
		return 0;
	if (strv_contains(o->group_add, "keep-groups")) {
		if (strv_length(o->group_add) > 1)
			return cpod_error_set(err, EINVAL,
			                      "the '--group-add keep-groups' option is not allowed "
			                      "with any other --group-add options");
		json_object_set_new(cfg, "keepGroups", json_true());
	}
	json_object_set_new(cfg, "groupAdd", strv_json(o->group_add));
	return 0;
}

static int build_cgroups(const struct isolation_opts *o, json_t *cfg, struct cpod_error **err)
{
	static const char *const modes[] = {"enabled", "disabled", "no-conmon", "split", NULL};
	if (o->cgroups && *o->cgroups) {
		bool ok = false;
		for (size_t i = 0; modes[i]; i++)
			ok = ok || strcmp(o->cgroups, modes[i]) == 0;
		if (!ok)
			return cpod_error_set(
			        err, EINVAL,
			        "running container create option: invalid cgroup mode "
			        "\"%s\": invalid argument",
			        o->cgroups);
		json_object_set_new(cfg, "cgroups", json_string(o->cgroups));
		if (strcmp(o->cgroups, "disabled") == 0 && json_object_get(cfg, "resources"))
			return cpod_error_set(
			        err, EINVAL,
			        "cannot set resource limits when cgroups are disabled");
	}
	if (o->cgroup_parent && *o->cgroup_parent) {
		if (strstr(o->cgroup_parent, ".."))
			return cpod_error_set(err, EINVAL, "invalid cgroup parent \"%s\"",
			                      o->cgroup_parent);
		json_object_set_new(cfg, "cgroupParent", json_string(o->cgroup_parent));
	}
	return 0;
}

int isolation_build(const struct isolation_opts *o, const struct isolation_host *h, json_t **ret,
                    char ***ret_warnings, struct cpod_error **err)
{
	static const char *const ipc_extra[] = {"shareable", "none", NULL};
	_cleanup_json_ json_t *cfg = json_object();
	_cleanup_strv_free_ char **w = xnew(char *, 1);
	int r;

	if ((r = isolation_build_resources(o, h, false, cfg, &w, err)) < 0 ||
	    (r = ns_mode("pid", o->pid, NULL, cfg, err)) < 0 ||
	    (r = ns_mode("ipc", o->ipc, ipc_extra, cfg, err)) < 0 ||
	    (r = ns_mode("uts", o->uts, NULL, cfg, err)) < 0 ||
	    (r = ns_mode("cgroupns", o->cgroupns, NULL, cfg, err)) < 0 ||
	    (r = build_userns(o, h, cfg, err)) < 0 || (r = build_security(o, cfg, err)) < 0 ||
	    (r = build_sysctls(o, cfg, err)) < 0 || (r = build_groups(o, cfg, err)) < 0 ||
	    (r = build_cgroups(o, cfg, err)) < 0)
		return r;
	if (o->shm_size && *o->shm_size) {
		int64_t shm;
		if (isolation_parse_size(o->shm_size, false, &shm) < 0 || shm <= 0)
			return cpod_error_set(err, EINVAL,
			                      "invalid value for shm-size: invalid size: "
			                      "'%s'",
			                      o->shm_size);
		json_object_set_new(cfg, "shmSize", json_integer(shm));
	}
	if (o->privileged)
		json_object_set_new(cfg, "privileged", json_true());
	if (o->cap_add && o->cap_add[0]) {
		_cleanup_strv_free_ char **merged = NULL;
		if ((r = spec_caps_merge(NULL, o->cap_add, o->cap_drop, &merged, err)) < 0)
			return r;
		json_object_set_new(cfg, "capAdd", strv_json(o->cap_add));
	}
	if (o->cap_drop && o->cap_drop[0]) {
		_cleanup_strv_free_ char **merged = NULL;
		if ((r = spec_caps_merge(NULL, NULL, o->cap_drop, &merged, err)) < 0)
			return r;
		json_object_set_new(cfg, "capDrop", strv_json(o->cap_drop));
	}
	if (o->devices && o->devices[0])
		json_object_set_new(cfg, "deviceStrings", strv_json(o->devices));
	*ret = TAKE_PTR(cfg);
	if (ret_warnings)
		*ret_warnings = TAKE_PTR(w);
	return 0;
}
