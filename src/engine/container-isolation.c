/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Limits, namespaces and security options across a container's life: validated at create
 * (runtime/isolation.h) and persisted in spec_extra["isolation"], turned into the spec at
 * init, shown by inspect as Podman's HostConfig.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/isolation-internal.h"
#include "runtime/probe.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* Deepest directory nesting the rootfs chown follows. */
#define CHOWN_MAX_DEPTH 128

const json_t *container_isolation_config(const struct container_config *cc)
{
	return json_object_get(cc->spec_extra, "isolation");
}

int container_isolation_create(struct engine *e, const struct container_create_opts *o,
                               struct container_config *cc, struct cpod_error **err)
{
	if (!o->isolation)
		return 0;
	const struct host_probe *p = engine_probe(e, err);
	if (!p)
		return -EIO;
	struct isolation_host h;
	isolation_host_detect(NULL, p->cgroup_mode, p->rootless, &h);
	struct isolation_opts io = *o->isolation;
	if (!io.network)
		io.network = cc->network_mode;
	json_t *cfg = NULL;
	char **warnings = NULL;
	int r = isolation_build(&io, &h, &cfg, &warnings, err);
	isolation_host_release(&h);
	if (r < 0)
		return r;
	STRV_FOREACH(w, warnings)
	if (o->ret_warnings)
		strv_push(o->ret_warnings, *w);
	strv_free(warnings);
	json_object_set_new(cc->spec_extra, "isolation", cfg);
	return 0;
}

void container_isolation_spec_opts(const struct container_config *cc, struct spec_opts *so,
                                   struct isolation_spec_storage *st)
{
	isolation_fill_spec_opts(container_isolation_config(cc), so, st);
}

/* container:NAME → the namespace file of that container's running process */
static int resolve_ns_refs(struct engine *e, json_t *cfg, struct cpod_error **err)
{
	static const char *const keys[][2] = {{"pid", "pid"}, {"ipc", "ipc"}, {"uts", "uts"}};
	for (size_t i = 0; i < 3; i++) {
		const char *m = json_get_string(cfg, keys[i][0]);
		if (!m || strncmp(m, "container:", 10) != 0)
			continue;
		_cleanup_(container_freep) struct container *other = NULL;
		int r = container_lookup(e, m + 10, &other, err);
		if (r < 0)
			return r;
		if (other->state.status != CTR_RUNNING || other->state.pid <= 0)
			return cpod_error_set(
			        err, EINVAL,
			        "cannot join the %s namespace of container %s: it is not "
			        "running",
			        keys[i][1], m + 10);
		_cleanup_free_ char *ns =
		        xasprintf("ns:/proc/%d/ns/%s", (int)other->state.pid, keys[i][1]);
		json_object_set_new(cfg, keys[i][0], json_string(ns));
	}
	return 0;
}

static uint32_t map_id(const json_t *maps, uint32_t id)
{
	size_t i;
	json_t *m;
	json_array_foreach(maps, i, m)
	{
		uint32_t c = (uint32_t)json_integer_value(json_object_get(m, "containerID"));
		uint32_t h = (uint32_t)json_integer_value(json_object_get(m, "hostID"));
		uint32_t n = (uint32_t)json_integer_value(json_object_get(m, "size"));
		if (id >= c && id - c < n)
			return h + (id - c);
	}
	return 65534; /* unmapped ids show as nobody inside; give them the overflow id */
}

struct chown_ctx {
	const json_t *um, *gm;
};

/*
 * Shift the ownership of everything below dirfd into the container's id range (a copy-up
 * through overlay: the image layers stay as they are). chown clears set-id bits, so the
 * mode is put back afterwards.
 */
static int chown_tree(int dirfd, const struct chown_ctx *c, int depth)
{
	if (depth > CHOWN_MAX_DEPTH)
		return -ELOOP;
	int fd = dup(dirfd);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	struct dirent *de;
	int r = 0;
	while (r >= 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(
			        dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0 && (r = chown_tree(sub, c, depth + 1)) < 0)
				break;
		}
		uid_t u = map_id(c->um, st.st_uid);
		gid_t g = map_id(c->gm, st.st_gid);
		if (fchownat(dirfd, de->d_name, u, g, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (!S_ISLNK(st.st_mode) && (st.st_mode & 06000))
			(void)fchmodat(dirfd, de->d_name, st.st_mode & 07777, 0);
	}
	closedir(d);
	return r;
}

static int idmap_rootfs(struct engine *e, struct container *c, const json_t *cfg,
                        const char *rootfs, struct cpod_error **err)
{
	const json_t *um = json_object_get(cfg, "uidMappings");
	if (json_array_size(um) == 0 || !rootfs)
		return 0;
	_cleanup_free_ char *static_dir = container_userdata_dir(e, c->config.id, false);
	_cleanup_free_ char *stamp = path_join(static_dir, "idmapped");
	if (path_exists(stamp))
		return 0;
	_cleanup_close_ int fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open %s", rootfs);
	struct chown_ctx ctx = {.um = um, .gm = json_object_get(cfg, "gidMappings")};
	int r = chown_tree(fd, &ctx, 0);
	if (r >= 0 && fchown(fd, map_id(ctx.um, 0), map_id(ctx.gm, 0)) < 0)
		r = -errno;
	if (r < 0)
		return cpod_error_set_errno(err, -r,
		                            "chown the root file system of %s to its "
		                            "user namespace",
		                            c->config.id);
	/*
	 * The container's root user must reach its rootfs: let everyone search the directories
	 * above it (never read them) up to the graph root.
	 */
	_cleanup_free_ char *dir = xstrdup(rootfs);
	for (char *slash = strrchr(dir, '/'); slash && slash != dir; slash = strrchr(dir, '/')) {
		*slash = '\0';
		struct stat st;
		if (stat(dir, &st) == 0 && !(st.st_mode & S_IXOTH))
			(void)chmod(dir, (st.st_mode & 07777) | S_IXOTH);
		if (strcmp(dir, e->graph_root) == 0)
			break;
	}
	(void)write_file_atomic_at(AT_FDCWD, stamp, "1", 1, 0600, false);
	return 0;
}

int container_idmap_rootfs(struct engine *e, struct container *c, const char *rootfs,
                           struct cpod_error **err)
{
	const json_t *cfg = container_isolation_config(&c->config);
	return cfg ? idmap_rootfs(e, c, cfg, rootfs, err) : 0;
}

void container_map_ids(const struct container *c, uid_t *uid, gid_t *gid)
{
	const json_t *cfg = container_isolation_config(&c->config);
	const json_t *um = cfg ? json_object_get(cfg, "uidMappings") : NULL;
	const json_t *gm = cfg ? json_object_get(cfg, "gidMappings") : NULL;
	if (json_array_size(um) > 0)
		*uid = map_id(um, *uid);
	if (json_array_size(gm) > 0)
		*gid = map_id(gm, *gid);
}

int container_isolation_spec(struct engine *e, struct container *c, json_t *spec,
                             struct cpod_error **err)
{
	const json_t *stored = container_isolation_config(&c->config);
	if (!stored)
		return 0;
	_cleanup_json_ json_t *cfg = json_deep_copy(stored);
	int r = resolve_ns_refs(e, cfg, err);
	if (r < 0)
		return r;
	const char *rootfs = json_get_string(json_object_get(spec, "root"), "path");
	if ((r = idmap_rootfs(e, c, cfg, rootfs, err)) < 0)
		return r;
	return isolation_apply_spec(cfg, spec, err);
}

/* ---- inspect ------------------------------------------------------------------------------ */

/* The capabilities Docker grants by default: Podman's inspect reports adds/drops against it */
static const char *const docker_caps[] = {
        "CAP_AUDIT_WRITE", "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
        "CAP_KILL",        "CAP_MKNOD",   "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",    "CAP_SETFCAP",
        "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
};
static const char *const default_caps[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
        "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
        "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
};

static char **json_strv(const json_t *a)
{
	char **out = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_is_string(v)) strv_push(&out, json_string_value(v));
	return out;
}

static void inspect_caps(const json_t *cfg, json_t *o)
{
	_cleanup_strv_free_ char **add = json_strv(json_object_get(cfg, "capAdd"));
	_cleanup_strv_free_ char **drop = json_strv(json_object_get(cfg, "capDrop"));
	_cleanup_strv_free_ char **caps = NULL, **added = NULL;
	if (json_is_true(json_object_get(cfg, "privileged")))
		caps = spec_caps_bounding_set();
	else if (spec_caps_merge((char *const *)default_caps, add, drop, &caps, NULL) < 0)
		return;
	json_t *ja = json_array(), *jd = json_array();
	if (spec_caps_merge(NULL, add, NULL, &added, NULL) == 0)
		STRV_FOREACH(a, added)
	if (strcmp(*a, "ALL") != 0 && !strv_contains((char *const *)docker_caps, *a))
		json_array_append_new(ja, json_string(*a));
	for (size_t i = 0; docker_caps[i]; i++)
		if (!strv_contains(caps, docker_caps[i]))
			json_array_append_new(jd, json_string(docker_caps[i]));
	json_object_set_new(o, "CapAdd", ja);
	json_object_set_new(o, "CapDrop", jd);
}

static void set_int(json_t *o, const char *key, const json_t *v)
{
	if (json_is_integer(v))
		json_object_set_new(o, key, json_integer(json_integer_value(v)));
}

static json_t *idmap_strings(const json_t *maps)
{
	json_t *a = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(maps, i, m)
	{
		_cleanup_free_ char *s =
		        xasprintf("%lld:%lld:%lld",
		                  (long long)json_integer_value(json_object_get(m, "containerID")),
		                  (long long)json_integer_value(json_object_get(m, "hostID")),
		                  (long long)json_integer_value(json_object_get(m, "size")));
		json_array_append_new(a, json_string(s));
	}
	return a;
}

static void inspect_devices(const json_t *cfg, json_t *o)
{
	json_t *devs = json_array();
	const json_t *given = json_object_get(cfg, "deviceStrings");
	size_t i;
	json_t *v;
	json_array_foreach(given, i, v)
	{
		struct isolation_device d = {0};
		if (isolation_parse_device(json_string_value(v), &d, NULL) < 0)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "PathOnHost", json_string(d.src));
		json_object_set_new(e, "PathInContainer", json_string(d.dst));
		json_object_set_new(e, "CgroupPermissions", json_string(""));
		json_array_append_new(devs, e);
		isolation_device_release(&d);
	}
	json_object_set_new(o, "Devices", devs);
}

void container_isolation_inspect(const struct container *c, json_t *o)
{
	const json_t *cfg = container_isolation_config(&c->config);
	inspect_caps(cfg, o);
	if (!cfg)
		return;
	const json_t *res = json_object_get(cfg, "resources");
	const json_t *mem = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu");
	set_int(o, "Memory", json_object_get(mem, "limit"));
	set_int(o, "MemorySwap", json_object_get(mem, "swap"));
	set_int(o, "MemoryReservation", json_object_get(mem, "reservation"));
	set_int(o, "MemorySwappiness", json_object_get(cfg, "memorySwappiness"));
	if (json_is_true(json_object_get(mem, "disableOOMKiller")))
		json_object_set_new(o, "OomKillDisable", json_true());
	set_int(o, "CpuShares", json_object_get(cpu, "shares"));
	set_int(o, "CpuQuota", json_object_get(cpu, "quota"));
	set_int(o, "CpuPeriod", json_object_get(cpu, "period"));
	set_int(o, "CpuRealtimePeriod", json_object_get(cpu, "realtimePeriod"));
	set_int(o, "CpuRealtimeRuntime", json_object_get(cpu, "realtimeRuntime"));
	if (json_object_size(json_object_get(res, "unified")) > 0)
		json_object_set(o, "CgroupConf", json_object_get(res, "unified"));
	set_int(o, "NanoCpus", json_object_get(cfg, "nanoCpus"));
	if (json_get_string(cpu, "cpus"))
		json_object_set_new(o, "CpusetCpus", json_string(json_get_string(cpu, "cpus")));
	if (json_get_string(cpu, "mems"))
		json_object_set_new(o, "CpusetMems", json_string(json_get_string(cpu, "mems")));
	const json_t *pids = json_object_get(cfg, "pidsLimit");
	if (pids)
		json_object_set_new(
		        o, "PidsLimit",
		        json_integer(json_integer_value(pids) > 0 ? json_integer_value(pids) : 0));
	set_int(o, "BlkioWeight", json_object_get(json_object_get(res, "blockIO"), "weight"));
	set_int(o, "OomScoreAdj", json_object_get(cfg, "oomScoreAdj"));
	set_int(o, "ShmSize", json_object_get(cfg, "shmSize"));
	inspect_devices(cfg, o);
	if (json_is_true(json_object_get(cfg, "privileged")))
		json_object_set_new(o, "Privileged", json_true());
	const json_t *sec = json_object_get(cfg, "securityOpt");
	if (sec) {
		/* Podman lists them sorted */
		_cleanup_strv_free_ char **s = json_strv(sec);
		size_t n = strv_length(s);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (strcmp(s[i], s[j]) > 0) {
					char *t = s[i];
					s[i] = s[j];
					s[j] = t;
				}
		json_t *a = json_array();
		STRV_FOREACH(x, s)
		json_array_append_new(a, json_string(*x));
		json_object_set_new(o, "SecurityOpt", a);
	}
	if (json_object_get(cfg, "groupAdd"))
		json_object_set(o, "GroupAdd", json_object_get(cfg, "groupAdd"));
	static const char *const modes[][2] = {{"pid", "PidMode"},
	                                       {"ipc", "IpcMode"},
	                                       {"uts", "UTSMode"},
	                                       {"cgroupns", "CgroupMode"}};
	for (size_t i = 0; i < 4; i++) {
		const char *m = json_get_string(cfg, modes[i][0]);
		if (m)
			json_object_set_new(o, modes[i][1], json_string(m));
	}
	if (json_get_string(cfg, "cgroups"))
		json_object_set_new(o, "Cgroups", json_string(json_get_string(cfg, "cgroups")));
	if (json_get_string(cfg, "cgroupParent"))
		json_object_set_new(o, "CgroupParent",
		                    json_string(json_get_string(cfg, "cgroupParent")));
	if (json_get_string(cfg, "userns"))
		json_object_set_new(o, "UsernsMode", json_string(json_get_string(cfg, "userns")));
	if (json_object_get(cfg, "uidMappings")) {
		json_t *ids = json_object();
		json_object_set_new(ids, "UidMap",
		                    idmap_strings(json_object_get(cfg, "uidMappings")));
		json_object_set_new(ids, "GidMap",
		                    idmap_strings(json_object_get(cfg, "gidMappings")));
		json_object_set_new(o, "IDMappings", ids);
	}
	json_t *sysctls = json_object_get(cfg, "sysctls");
	if (sysctls) {
		json_t *so = json_object();
		size_t i;
		json_t *v;
		json_array_foreach(sysctls, i, v)
		{
			const char *s = json_string_value(v), *eq = s ? strchr(s, '=') : NULL;
			if (!eq)
				continue;
			_cleanup_free_ char *k = xstrndup(s, (size_t)(eq - s));
			json_object_set_new(so, k, json_string(eq + 1));
		}
		json_object_set_new(o, "Sysctls", so);
	}
}
