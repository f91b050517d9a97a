/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "cpod-config.h"
#include "config/containers-conf.h"
#include "info.h"
#include "util/xalloc.h"
#include "util/banned.h"

#if defined(__x86_64__)
#define BUILD_GOARCH "amd64"
#elif defined(__aarch64__)
#define BUILD_GOARCH "arm64"
#elif defined(__i386__)
#define BUILD_GOARCH "386"
#elif defined(__powerpc64__)
#define BUILD_GOARCH "ppc64le"
#elif defined(__s390x__)
#define BUILD_GOARCH "s390x"
#elif defined(__riscv)
#define BUILD_GOARCH "riscv64"
#else
#define BUILD_GOARCH "unknown"
#endif

/* containers.conf default_capabilities, as Podman reports them */
#define DEFAULT_CAPS                                                                               \
	"CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,"          \
	"CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT"

static const char *or_default(const char *s, const char *def)
{
	return s ? s : def;
}

static json_t *str_or_empty(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *strv_array(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

char *info_format_uptime(double seconds)
{
	if (seconds < 0 || !isfinite(seconds))
		seconds = 0;
	double whole = floor(seconds);
	double hours = floor(whole / 3600);
	double minutes = fmod(floor(whole / 60), 60);
	double secs = fmod(whole, 60);
	if (hours >= 1)
		return xasprintf("%.0fh %.0fm %.2fs (Approximately %.2f days)", hours, minutes,
		                 secs, hours / 24);
	return xasprintf("%.0fh %.0fm %.2fs", hours, minutes, secs);
}

/* Percentages with two decimals, as Podman rounds them. */
static json_t *percent(double v)
{
	return json_real(round(v * 100) / 100);
}

static json_t *idmap_array(const struct idmap_entry *m, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "container_id",
		                                   (json_int_t)m[i].container_id, "host_id",
		                                   (json_int_t)m[i].host_id, "size",
		                                   (json_int_t)m[i].size));
	return a;
}

static json_t *binary_object(const struct probe_binary *b, const char *path_key)
{
	/* Podman's order: conmon {package, path, version}, slirp4netns {executable, package, ...}
	 */
	bool path_first = strcmp(path_key, "executable") == 0;
	json_t *o = json_object();
	if (path_first)
		json_object_set_new(o, path_key, str_or_empty(b->path));
	json_object_set_new(o, "package", str_or_empty(b->package));
	if (!path_first)
		json_object_set_new(o, path_key, str_or_empty(b->path));
	json_object_set_new(o, "version", str_or_empty(b->version));
	return o;
}

static json_t *host_object(const struct host_probe *p, const struct runtime_choice *rt,
                           const struct info_facts *f)
{
	json_t *h = json_object();
	json_object_set_new(h, "arch", str_or_empty(p->arch));
	json_object_set_new(h, "cgroupManager",
	                    json_string(or_default(f->cgroup_manager,
	                                           p->systemd_running ? "systemd" : "cgroupfs")));
	json_object_set_new(h, "cgroupVersion", json_string(cgroup_mode_version(p->cgroup_mode)));
	json_object_set_new(h, "cgroupControllers", strv_array(p->cgroup_controllers));
	json_object_set_new(h, "conmon", binary_object(&p->conmon, "path"));
	json_object_set_new(h, "cpus", json_integer(p->cpus));
	json_object_set_new(h, "cpuUtilization",
	                    json_pack("{s:o, s:o, s:o}", "userPercent",
	                              percent(p->cpu_user_percent), "systemPercent",
	                              percent(p->cpu_system_percent), "idlePercent",
	                              percent(p->cpu_idle_percent)));
	json_t *dist = json_object();
	json_object_set_new(dist, "distribution", str_or_empty(p->os_id));
	json_object_set_new(dist, "version", str_or_empty(p->os_version_id));
	json_object_set_new(dist, "codename", str_or_empty(p->os_codename));
	json_object_set_new(h, "distribution", dist);
	json_object_set_new(h, "eventLogger", json_string(or_default(f->event_logger, "file")));
	json_object_set_new(h, "hostname", str_or_empty(p->hostname));
	/* Podman fills the id mappings only when rootless; null otherwise */
	json_object_set_new(
	        h, "idMappings",
	        json_pack("{s:o, s:o}", "gidmap",
	                  p->rootless ? idmap_array(p->gid_map, p->n_gid_map) : json_null(),
	                  "uidmap",
	                  p->rootless ? idmap_array(p->uid_map, p->n_uid_map) : json_null()));
	json_object_set_new(h, "kernel", str_or_empty(p->kernel));
	json_object_set_new(h, "logDriver", json_string(or_default(f->log_driver, "k8s-file")));
	json_object_set_new(h, "memFree", json_integer((json_int_t)p->mem_free));
	json_object_set_new(h, "memTotal", json_integer((json_int_t)p->mem_total));
	json_object_set_new(h, "networkBackend",
	                    json_string(or_default(f->network_backend, "netavark")));
	if (rt) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(rt->name));
		json_object_set_new(o, "package", str_or_empty(rt->package));
		json_object_set_new(o, "path", json_string(rt->path));
		json_object_set_new(o, "version", str_or_empty(rt->version));
		json_object_set_new(o, "reason", json_string(rt->reason));
		json_object_set_new(o, "privateCgroupNamespaceWorkaround",
		                    json_boolean(rt->needs_private_cgroup_ns_workaround));
		json_object_set_new(h, "ociRuntime", o);
	}
	json_object_set_new(h, "os", json_string("linux"));
	if (f->remote_socket) {
		struct stat st;
		json_t *rs = json_pack("{s:s}", "path", f->remote_socket);
		if (stat(f->remote_socket, &st) == 0 && S_ISSOCK(st.st_mode))
			json_object_set_new(rs, "exists", json_true());
		json_object_set_new(h, "remoteSocket", rs);
	}
	json_object_set_new(h, "serviceIsRemote", json_boolean(f->service_is_remote));
	json_t *sec = json_object();
	json_object_set_new(sec, "apparmorEnabled", json_boolean(p->apparmor_enabled));
	json_object_set_new(sec, "capabilities",
	                    json_string(or_default(f->default_capabilities, DEFAULT_CAPS)));
	json_object_set_new(sec, "rootless", json_boolean(p->rootless));
	json_object_set_new(sec, "seccompEnabled", json_boolean(p->seccomp_enabled));
	json_object_set_new(sec, "seccompProfilePath", str_or_empty(f->seccomp_profile_path));
	json_object_set_new(sec, "selinuxEnabled", json_boolean(p->selinux_enabled));
	json_object_set_new(h, "security", sec);
	json_object_set_new(h, "slirp4netns", binary_object(&p->slirp4netns, "executable"));
	json_object_set_new(h, "swapFree", json_integer((json_int_t)p->swap_free));
	json_object_set_new(h, "swapTotal", json_integer((json_int_t)p->swap_total));
	char *up = info_format_uptime(p->uptime);
	json_object_set_new(h, "uptime", json_string(up));
	free(up);
	json_object_set_new(h, "linkmode", json_string("dynamic"));
	json_object_set_new(h, "cgroupMode", json_string(cgroup_mode_to_string(p->cgroup_mode)));
	json_object_set_new(h, "systemdRunning", json_boolean(p->systemd_running));
	return h;
}

static json_t *store_object(const struct info_facts *f)
{
	json_t *s = json_object();
	json_object_set_new(s, "configFile", str_or_empty(f->storage_config_file));
	json_object_set_new(s, "containerStore",
	                    json_pack("{s:I, s:I, s:I, s:I}", "number",
	                              (json_int_t)f->containers_total, "paused",
	                              (json_int_t)f->containers_paused, "running",
	                              (json_int_t)f->containers_running, "stopped",
	                              (json_int_t)f->containers_stopped));
	json_object_set_new(s, "graphDriverName", str_or_empty(f->graph_driver));
	json_t *opts = json_object();
	for (size_t i = 0; f->graph_options && f->graph_options[i]; i++) {
		const char *kv = f->graph_options[i];
		const char *eq = strchr(kv, '=');
		if (!eq)
			continue;
		char *key = xstrndup(kv, (size_t)(eq - kv));
		json_object_set_new(opts, key, json_string(eq + 1));
		free(key);
	}
	json_object_set_new(s, "graphOptions", opts);
	json_object_set_new(s, "graphRoot", str_or_empty(f->graph_root));
	struct statvfs sv;
	json_int_t allocated = 0, used = 0;
	if (f->graph_root && statvfs(f->graph_root, &sv) == 0) {
		allocated = (json_int_t)(sv.f_blocks * sv.f_frsize);
		used = (json_int_t)((sv.f_blocks - sv.f_bfree) * sv.f_frsize);
	}
	json_object_set_new(s, "graphRootAllocated", json_integer(allocated));
	json_object_set_new(s, "graphRootUsed", json_integer(used));
	json_t *status = json_object();
	for (size_t i = 0; f->graph_status && f->graph_status[i] && f->graph_status[i + 1]; i += 2)
		json_object_set_new(status, f->graph_status[i],
		                    json_string(f->graph_status[i + 1]));
	json_object_set_new(s, "graphStatus", status);
	json_object_set_new(s, "imageCopyTmpDir",
	                    json_string(or_default(f->image_copy_tmp_dir, "/var/tmp")));
	json_object_set_new(s, "imageStore",
	                    json_pack("{s:I}", "number", (json_int_t)f->images_total));
	json_object_set_new(s, "runRoot", str_or_empty(f->run_root));
	json_object_set_new(s, "volumePath", str_or_empty(f->volume_path));
	if (f->graph_driver_reason)
		json_object_set_new(s, "graphDriverReason", json_string(f->graph_driver_reason));
	return s;
}

static json_t *plugins_object(void)
{
	return json_pack("{s:[s], s:[s, s], s:[s, s, s], s:n}", "volume", "local", "network",
	                 "bridge", "macvlan", "log", "k8s-file", "none", "passthrough",
	                 "authorization");
}

/* Build time: SOURCE_DATE_EPOCH-style reproducibility is not needed; the compile time is. */
static time_t build_time(void)
{
	struct tm tm = {0};
	if (!strptime(__DATE__ " " __TIME__, "%b %d %Y %H:%M:%S", &tm))
		return 0;
	return timegm(&tm);
}

json_t *info_version(void)
{
	time_t built = build_time();
	struct tm tm;
	char when[64] = "";
	/* Go's time.ANSIC layout, in local time: "Mon Jan  2 15:04:05 2006" */
	if (localtime_r(&built, &tm))
		strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "APIVersion", CPOD_API_VERSION,
	                 "Version", CPOD_VERSION, "GitCommit", CPOD_GIT_COMMIT, "BuiltTime", when,
	                 "Built", (json_int_t)built, "OsArch", "linux/" BUILD_GOARCH, "Os",
	                 "linux");
}

void info_facts_from_config(struct info_facts *f, const struct cpod_config *cfg)
{
	if (!cfg)
		return;
	f->cgroup_manager = cfg->engine.cgroup_manager;
	f->event_logger = cfg->engine.events_logger;
	f->log_driver = cfg->containers.log_driver;
	f->network_backend = cfg->network.network_backend;
	f->seccomp_profile_path = cfg->containers.seccomp_profile;
}

json_t *info_build(const struct host_probe *probe, const struct runtime_choice *rt,
                   const struct info_facts *facts)
{
	static const struct info_facts none = {0};
	if (!facts)
		facts = &none;
	json_t *info = json_object();
	json_object_set_new(info, "host", host_object(probe, rt, facts));
	json_object_set_new(info, "store", store_object(facts));
	json_t *reg = json_object();
	if (facts->registries_search && facts->registries_search[0])
		json_object_set_new(reg, "search", strv_array(facts->registries_search));
	json_object_set_new(info, "registries", reg);
	json_object_set_new(info, "plugins", plugins_object());
	json_object_set_new(info, "version", info_version());
	return info;
}
