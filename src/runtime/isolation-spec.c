/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From a persisted isolation config to the OCI spec: the spec_opts fields spec_generate()
 * already understands, and the rest patched onto the generated spec (resources, devices,
 * user namespace, namespace paths, masked paths, groups), as Podman's specgen does.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "runtime/isolation-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static char **json_strv(const json_t *a)
{
	char **out = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_is_string(v)) strv_push(&out, json_string_value(v));
	return out;
}

static enum spec_ns_mode ns_of(const json_t *cfg, const char *key)
{
	const char *m = json_get_string(cfg, key);
	return m && strcmp(m, "host") == 0 ? SPEC_NS_HOST : SPEC_NS_PRIVATE;
}

void isolation_fill_spec_opts(const json_t *cfg, struct spec_opts *so,
                              struct isolation_spec_storage *st)
{
	*st = (struct isolation_spec_storage){0};
	if (!cfg)
		return;
	so->privileged = json_is_true(json_object_get(cfg, "privileged"));
	if (json_is_true(json_object_get(cfg, "noNewPrivileges")))
		so->no_new_privileges = true;
	so->cap_add = st->cap_add = json_strv(json_object_get(cfg, "capAdd"));
	so->cap_drop = st->cap_drop = json_strv(json_object_get(cfg, "capDrop"));
	so->sysctls = st->sysctls = json_strv(json_object_get(cfg, "sysctls"));
	json_t *v;
	if ((v = json_object_get(cfg, "shmSize")))
		so->shm_size = json_integer_value(v);
	if ((v = json_object_get(cfg, "pidsLimit")))
		so->pids_limit = json_integer_value(v);
	if ((v = json_object_get(cfg, "oomScoreAdj"))) {
		so->oom_score_adj = (int)json_integer_value(v);
		so->oom_score_adj_set = true;
	}
	if (json_get_string(cfg, "cgroupParent"))
		so->cgroup_parent = json_get_string(cfg, "cgroupParent");
	if (json_get_string(cfg, "seccomp"))
		so->seccomp_profile = json_get_string(cfg, "seccomp");
	if (so->privileged)
		so->seccomp_profile = "unconfined";
	so->pid = ns_of(cfg, "pid");
	so->ipc = ns_of(cfg, "ipc");
	so->uts = ns_of(cfg, "uts");
}

void isolation_spec_storage_release(struct isolation_spec_storage *st)
{
	strv_free(st->cap_add);
	strv_free(st->cap_drop);
	strv_free(st->sysctls);
	strv_free(st->mask);
	strv_free(st->unmask);
	*st = (struct isolation_spec_storage){0};
}

static json_t *get_or_new(json_t *o, const char *key, bool array)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		v = array ? json_array() : json_object();
		json_object_set_new(o, key, v);
	}
	return v;
}

static void merge_resources(const json_t *cfg, json_t *lx, bool privileged)
{
	json_t *res = get_or_new(lx, "resources", false);
	json_t *want = json_object_get(cfg, "resources");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)want, k, v)
	{
		if (strcmp(k, "devices") == 0)
			continue;
		if (strcmp(k, "pids") == 0 &&
		    json_integer_value(json_object_get(v, "limit")) <= 0) {
			json_object_del(res, "pids");
			continue;
		}
		json_object_set(res, k, v);
	}
	json_t *devs = get_or_new(res, "devices", true);
	if (privileged) {
		json_array_clear(devs);
		json_t *all = json_object();
		json_object_set_new(all, "allow", json_true());
		json_object_set_new(all, "access", json_string("rwm"));
		json_array_append_new(devs, all);
		return;
	}
	json_array_extend(devs, json_object_get(want, "devices"));
}

/* Podman's privileged containers see every host device but the terminal plumbing. */
static void add_host_devices(json_t *devices, const char *dir, int depth)
{
	static const char *const skip[] = {"pts", "shm", "mqueue", "console", "ptmx",
	                                   "tty", "fd",  "core",   NULL};
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	if (!d || depth > 3)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		bool skipped = false;
		for (size_t i = 0; depth == 0 && skip[i]; i++)
			skipped = skipped || strcmp(de->d_name, skip[i]) == 0;
		if (skipped)
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_host_devices(devices, p, depth + 1);
			continue;
		}
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "path", json_string(p));
		json_object_set_new(e, "type", json_string(S_ISBLK(st.st_mode) ? "b" : "c"));
		json_object_set_new(e, "major", json_integer(major(st.st_rdev)));
		json_object_set_new(e, "minor", json_integer(minor(st.st_rdev)));
		json_object_set_new(e, "fileMode", json_integer(st.st_mode & 07777));
		json_object_set_new(e, "uid", json_integer(st.st_uid));
		json_object_set_new(e, "gid", json_integer(st.st_gid));
		json_array_append_new(devices, e);
	}
}

static json_t *find_ns(json_t *nss, const char *type)
{
	size_t i;
	json_t *v;
	json_array_foreach(nss, i,
	                   v) if (strcmp(json_get_string(v, "type") ?: "", type) == 0) return v;
	return NULL;
}

static void set_ns(json_t *nss, const char *type, bool present, const char *path)
{
	json_t *n = find_ns(nss, type);
	if (!present) {
		for (size_t i = 0; n && i < json_array_size(nss); i++)
			if (json_array_get(nss, i) == n)
				json_array_remove(nss, i);
		return;
	}
	if (!n) {
		n = json_object();
		json_object_set_new(n, "type", json_string(type));
		json_array_append_new(nss, n);
	}
	if (path)
		json_object_set_new(n, "path", json_string(path));
}

static void apply_namespaces(const json_t *cfg, json_t *lx)
{
	json_t *nss = get_or_new(lx, "namespaces", true);
	static const char *const map[][2] = {
	        {"pid", "pid"}, {"ipc", "ipc"}, {"uts", "uts"}, {"cgroupns", "cgroup"}};
	for (size_t i = 0; i < 4; i++) {
		const char *m = json_get_string(cfg, map[i][0]);
		if (!m)
			continue;
		if (strcmp(m, "host") == 0)
			set_ns(nss, map[i][1], false, NULL);
		else if (strncmp(m, "ns:", 3) == 0)
			set_ns(nss, map[i][1], true, m + 3);
		else if (strcmp(m, "private") == 0 || strcmp(m, "shareable") == 0)
			set_ns(nss, map[i][1], true, NULL);
	}
	const char *upath = json_get_string(cfg, "usernsPath");
	json_t *um = json_object_get(cfg, "uidMappings");
	if (upath)
		set_ns(nss, "user", true, upath);
	if (json_array_size(um) > 0) {
		set_ns(nss, "user", true, NULL);
		json_object_set(lx, "uidMappings", um);
		json_object_set(lx, "gidMappings", json_object_get(cfg, "gidMappings"));
	}
}

static void filter_paths(json_t *lx, const char *key, char *const *unmask)
{
	json_t *a = json_object_get(lx, key);
	if (!a)
		return;
	if (strv_contains(unmask, "ALL")) {
		json_object_del(lx, key);
		return;
	}
	for (size_t i = json_array_size(a); i-- > 0;)
		if (strv_contains(unmask, json_string_value(json_array_get(a, i))))
			json_array_remove(a, i);
}

static int add_groups(const json_t *cfg, json_t *spec, struct cpod_error **err)
{
	json_t *groups = json_object_get(cfg, "groupAdd");
	const char *rootfs = json_get_string(json_object_get(spec, "root"), "path");
	json_t *user = json_object_get(json_object_get(spec, "process"), "user");
	size_t i;
	json_t *v;
	if (!groups || !user)
		return 0;
	json_t *gids = get_or_new(user, "additionalGids", true);
	json_array_foreach(groups, i, v)
	{
		const char *g = json_string_value(v);
		char *end;
		if (!g || strcmp(g, "keep-groups") == 0)
			continue;
		unsigned long gid = strtoul(g, &end, 10);
		if (*g < '0' || *g > '9' || *end) {
			_cleanup_free_ char *spec_user = xasprintf("0:%s", g);
			struct spec_user u = {0};
			int r = spec_user_resolve(rootfs ? rootfs : "/", spec_user, &u, err);
			if (r < 0)
				return r;
			gid = u.gid;
			spec_user_release(&u);
		}
		json_array_append_new(gids, json_integer((json_int_t)gid));
	}
	return 0;
}

/*
 * A user namespace that does not own the network namespace (cpod and netavark make it on
 * the host) may neither mount sysfs nor write that namespace's sysctls: Podman then binds
 * the host's /sys and leaves out the default net.* sysctls.
 */
static void userns_host_netns(const json_t *cfg, json_t *spec, json_t *lx)
{
	json_t *nss = json_object_get(lx, "namespaces");
	json_t *user = find_ns(nss, "user"), *net = find_ns(nss, "network");
	if (!user || (net && !json_object_get(net, "path")))
		return;
	json_t *mounts = json_object_get(spec, "mounts");
	size_t i;
	json_t *m;
	json_array_foreach(mounts, i, m)
	{
		const char *dst = json_get_string(m, "destination");
		if (!dst || strcmp(dst, "/sys") != 0 ||
		    strcmp(json_get_string(m, "type") ?: "", "sysfs") != 0)
			continue;
		json_object_set_new(m, "type", json_string("bind"));
		json_object_set_new(m, "source", json_string("/sys"));
		json_object_set_new(m, "options",
		                    json_pack("[s,s,s,s,s,s]", "rprivate", "nosuid", "noexec",
		                              "nodev", "ro", "rbind"));
	}
	_cleanup_strv_free_ char **wanted = json_strv(json_object_get(cfg, "sysctls"));
	json_t *sysctl = json_object_get(lx, "sysctl");
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(sysctl, tmp, k, v)
	{
		if (strncmp(k, "net.", 4) != 0)
			continue;
		bool asked = false;
		size_t n = strlen(k);
		STRV_FOREACH(w, wanted)
		asked = asked || (strncmp(*w, k, n) == 0 && (*w)[n] == '=');
		if (!asked)
			json_object_del(sysctl, k);
	}
}

/*
 * With the host's IPC namespace the runtimes bind the host's /dev/mqueue; a host without
 * one (no mqueue mounted) would make them fail, so the container goes without it.
 */
static void host_ipc_mqueue(const json_t *cfg, json_t *spec)
{
	const char *ipc = json_get_string(cfg, "ipc");
	struct stat st;
	if (!ipc || strcmp(ipc, "host") != 0 || stat("/dev/mqueue", &st) == 0)
		return;
	json_t *mounts = json_object_get(spec, "mounts");
	for (size_t i = json_array_size(mounts); i-- > 0;) {
		const char *dst = json_get_string(json_array_get(mounts, i), "destination");
		if (dst && strcmp(dst, "/dev/mqueue") == 0)
			json_array_remove(mounts, i);
	}
}

int isolation_apply_spec(const json_t *cfg, json_t *spec, struct cpod_error **err)
{
	if (!cfg)
		return 0;
	json_t *lx = get_or_new(spec, "linux", false);
	bool privileged = json_is_true(json_object_get(cfg, "privileged"));
	merge_resources(cfg, lx, privileged);
	json_t *devices = json_object_get(cfg, "devices");
	if (privileged || devices) {
		json_t *arr = get_or_new(lx, "devices", true);
		json_array_extend(arr, devices);
		if (privileged)
			add_host_devices(arr, "/dev", 0);
	}
	apply_namespaces(cfg, lx);
	userns_host_netns(cfg, spec, lx);
	host_ipc_mqueue(cfg, spec);
	const char *cg = json_get_string(cfg, "cgroups");
	if (cg && strcmp(cg, "disabled") == 0)
		json_object_del(lx, "cgroupsPath");

	_cleanup_strv_free_ char **mask = json_strv(json_object_get(cfg, "mask"));
	_cleanup_strv_free_ char **unmask = json_strv(json_object_get(cfg, "unmask"));
	if (unmask) {
		filter_paths(lx, "maskedPaths", unmask);
		filter_paths(lx, "readonlyPaths", unmask);
	}
	STRV_FOREACH(m, mask)
	json_array_append_new(get_or_new(lx, "maskedPaths", true), json_string(*m));

	const char *aa = json_get_string(cfg, "apparmor");
	if (aa && strcmp(aa, "unconfined") != 0)
		json_object_set_new(get_or_new(spec, "process", false), "apparmorProfile",
		                    json_string(aa));
	if (json_is_true(json_object_get(cfg, "keepGroups")))
		json_object_set_new(get_or_new(spec, "annotations", false),
		                    "run.oci.keep_original_groups", json_string("1"));
	return add_groups(cfg, spec, err);
}
