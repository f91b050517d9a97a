/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Built-in defaults of containers.conf: c/common v0.50 DefaultConfig() (Podman 4.3), with
 * the deviations documented in containers-conf.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "containers-conf-internal.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CGROUP2_MAGIC        0x63677270
#define CAP_SYS_RESOURCE_BIT 24
/* c/common's oldMaxSize: the nproc fallback when pid_max cannot be used */
#define NPROC_FALLBACK 1048576ULL

static const char *const crun_paths[] = {
        "/usr/bin/crun",
        "/usr/sbin/crun",
        "/usr/local/bin/crun",
        "/usr/local/sbin/crun",
        "/sbin/crun",
        "/bin/crun",
        "/run/current-system/sw/bin/crun",
        NULL,
};
static const char *const runc_paths[] = {
        "/usr/bin/runc",
        "/usr/sbin/runc",
        "/usr/local/bin/runc",
        "/usr/local/sbin/runc",
        "/sbin/runc",
        "/bin/runc",
        "/usr/lib/cri-o-runc/sbin/runc",
        "/run/current-system/sw/bin/runc",
        NULL,
};
static const char *const runj_paths[] = {"/usr/local/bin/runj", NULL};
static const char *const kata_paths[] = {
        "/usr/bin/kata-runtime",        "/usr/sbin/kata-runtime", "/usr/local/bin/kata-runtime",
        "/usr/local/sbin/kata-runtime", "/sbin/kata-runtime",     "/bin/kata-runtime",
        "/usr/bin/kata-qemu",           "/usr/bin/kata-fc",       NULL,
};
static const char *const runsc_paths[] = {
        "/usr/bin/runsc",
        "/usr/sbin/runsc",
        "/usr/local/bin/runsc",
        "/usr/local/sbin/runsc",
        "/bin/runsc",
        "/sbin/runsc",
        "/run/current-system/sw/bin/runsc",
        NULL,
};
static const char *const krun_paths[] = {"/usr/bin/krun", "/usr/local/bin/krun", NULL};

const struct default_runtime config_default_runtimes[] = {
        {"crun", crun_paths},   {"runc", runc_paths}, {"runj", runj_paths}, {"kata", kata_paths},
        {"runsc", runsc_paths}, {"krun", krun_paths}, {NULL, NULL},
};

static const char *const default_caps[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
        "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
        "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
};
static const char *const default_env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=xterm",
        NULL,
};
static const char *const conmon_env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        NULL,
};
static const char *const conmon_paths[] = {
        "/usr/libexec/podman/conmon",
        "/usr/local/libexec/podman/conmon",
        "/usr/local/lib/podman/conmon",
        "/usr/bin/conmon",
        "/usr/sbin/conmon",
        "/usr/local/bin/conmon",
        "/usr/local/sbin/conmon",
        "/run/current-system/sw/bin/conmon",
        NULL,
};
static const char *const helper_dirs[] = {
        "/usr/local/libexec/podman",
        "/usr/local/lib/podman",
        "/usr/libexec/podman",
        "/usr/lib/podman",
        NULL,
};
static const char *const hooks_dirs[] = {"/usr/share/containers/oci/hooks.d", NULL};
static const char *const cni_dirs[] = {
        "/usr/local/libexec/cni", "/usr/libexec/cni", "/usr/local/lib/cni",
        "/usr/lib/cni",           "/opt/cni/bin",     NULL,
};
static const char *const netavark_dirs[] = {
        "/usr/local/libexec/netavark",
        "/usr/libexec/netavark",
        "/usr/local/lib/netavark",
        "/usr/lib/netavark",
        NULL,
};

static char **copy(const char *const *v)
{
	return strv_copy((char *const *)v);
}

char *config_home_dir(const struct config_load_opts *opts)
{
	if (opts && opts->home)
		return xstrdup(opts->home);
	const char *h = getenv("HOME");
	if (h && *h)
		return xstrdup(h);
	uid_t uid = opts && opts->set_euid ? opts->euid : geteuid();
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_dir)
		return xstrdup(res->pw_dir);
	return NULL;
}

static bool has_cap_sys_resource(void)
{
	_cleanup_free_ char *status = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/status", 1 << 16, &status, NULL) < 0)
		return false;
	const char *l = strstr(status, "\nCapEff:");
	if (!l)
		return false;
	unsigned long long caps = strtoull(l + 8, NULL, 16);
	return caps & (1ULL << CAP_SYS_RESOURCE_BIT);
}

/*
 * c/common getDefaultProcessLimits(): Podman tries setrlimit(RLIMIT_NPROC) to pid_max, then
 * to 2^20, and records "nproc=N:N" for the first that succeeds (nothing if neither does).
 * cpod computes the same answer without changing its own limits: a value is reachable when
 * it is under the hard limit or CAP_SYS_RESOURCE is held (DESIGN.md §6: hosts without it).
 */
static char **default_ulimits(void)
{
	uint64_t want = NPROC_FALLBACK;
	_cleanup_free_ char *pid_max = NULL;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/pid_max", 64, &pid_max, NULL) >= 0) {
		char *end = NULL;
		unsigned long long v = strtoull(pid_max, &end, 10);
		if (end != pid_max && v > 0)
			want = v;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NPROC, &rl) < 0)
		return xnew(char *, 1);
	bool privileged = has_cap_sys_resource();
	char **l = xnew(char *, 2);
	uint64_t candidates[2] = {want, NPROC_FALLBACK};
	for (size_t i = 0; i < 2; i++) {
		if (privileged || rl.rlim_max == RLIM_INFINITY || candidates[i] <= rl.rlim_max) {
			l[0] = xasprintf("nproc=%" PRIu64 ":%" PRIu64, candidates[i],
			                 candidates[i]);
			break;
		}
	}
	return l;
}

static bool cgroup2_unified(const struct config_load_opts *opts)
{
	if (opts && opts->cgroup_v2)
		return opts->cgroup_v2 > 0;
	struct statfs st;
	/* hybrid hosts have tmpfs here (v2 only under unified/): they count as v1, as in c/common
	 */
	return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_MAGIC;
}

/* Podman uses /etc/containers/seccomp.json when it exists (SeccompOverridePath). */
static char *default_seccomp(const struct config_load_opts *opts)
{
	const char *etc = opts && opts->etc_dir ? opts->etc_dir : "/etc/containers";
	const char *usr = opts && opts->usr_dir ? opts->usr_dir : "/usr/share/containers";
	_cleanup_free_ char *over = path_join(etc, "seccomp.json");
	if (path_exists(over))
		return TAKE_PTR(over);
	return path_join(usr, "seccomp.json");
}

struct cpod_config *config_new_default(const struct config_load_opts *opts)
{
	struct cpod_config *cfg = xnew(struct cpod_config, 1);
	struct config_containers *c = &cfg->containers;
	c->annotations = xnew(char *, 1);
	c->base_hosts_file = xstrdup("");
	c->cgroupns = xstrdup(cgroup2_unified(opts) ? "private" : "host");
	c->cgroups = xstrdup("enabled");
	c->default_capabilities = copy(default_caps);
	c->default_sysctls = xnew(char *, 1);
	c->default_ulimits = default_ulimits();
	c->devices = xnew(char *, 1);
	c->dns_options = xnew(char *, 1);
	c->dns_searches = xnew(char *, 1);
	c->dns_servers = xnew(char *, 1);
	c->env = copy(default_env);
	c->http_proxy = true;
	c->init_path = xstrdup("");
	c->ipcns = xstrdup("private");
	c->log_driver = xstrdup("k8s-file");
	c->log_size_max = -1;
	c->log_tag = xstrdup("");
	c->netns = xstrdup("private");
	c->pidns = xstrdup("private");
	c->pids_limit = 2048;
	c->seccomp_profile = default_seccomp(opts);
	c->shm_size = xstrdup("65536k");
	c->tz = xstrdup("");
	c->umask = xstrdup("0022");
	c->userns = xstrdup("");
	c->userns_size = 65536;
	c->utsns = xstrdup("private");
	c->volumes = xnew(char *, 1);

	struct config_engine *e = &cfg->engine;
	e->cgroup_manager = xstrdup("cgroupfs");
	e->conmon_env_vars = copy(conmon_env);
	e->conmon_path = copy(conmon_paths);
	e->detach_keys = xstrdup("ctrl-p,ctrl-q");
	e->env = xnew(char *, 1);
	e->events_logfile_max_size = 1000000;
	e->events_logger = xstrdup("file");
	e->exit_command_delay = 300;
	e->helper_binaries_dir = copy(helper_dirs);
	e->hooks_dir = copy(hooks_dirs);
	e->image_build_format = xstrdup("oci");
	e->image_default_transport = xstrdup("docker://");
	e->image_volume_mode = xstrdup("bind");
	e->infra_command = xstrdup("");
	e->infra_image = xstrdup("");
	e->init_path = xstrdup("/usr/libexec/podman/catatonit");
	e->num_locks = 2048;
	e->pull_policy = xstrdup("missing");
	e->runtime = xstrdup("");
	for (const struct default_runtime *r = config_default_runtimes; r->name; r++)
		config_set_runtime(cfg, r->name, copy(r->paths));
	e->stop_timeout = 10;

	struct config_network *n = &cfg->network;
	n->cni_plugin_dirs = copy(cni_dirs);
	n->default_network = xstrdup("podman");
	n->default_subnet = xstrdup("10.88.0.0/16");
	n->netavark_plugin_dirs = copy(netavark_dirs);
	n->network_backend = xstrdup("netavark");

	cfg->files = xnew(char *, 1);
	return cfg;
}

void config_set_runtime(struct cpod_config *cfg, const char *name, char **paths)
{
	struct config_engine *e = &cfg->engine;
	for (size_t i = 0; i < e->n_runtimes; i++) {
		if (strcmp(e->runtimes[i].name, name) == 0) {
			strv_free(e->runtimes[i].paths);
			e->runtimes[i].paths = paths;
			return;
		}
	}
	e->runtimes = xrealloc(e->runtimes, (e->n_runtimes + 1) * sizeof(*e->runtimes));
	e->runtimes[e->n_runtimes++] = (struct config_runtime){xstrdup(name), paths};
}

struct cpod_config *config_free(struct cpod_config *cfg)
{
	if (!cfg)
		return NULL;
	struct config_containers *c = &cfg->containers;
	strv_free(c->annotations);
	free(c->base_hosts_file);
	free(c->cgroupns);
	free(c->cgroups);
	strv_free(c->default_capabilities);
	strv_free(c->default_sysctls);
	strv_free(c->default_ulimits);
	strv_free(c->devices);
	strv_free(c->dns_options);
	strv_free(c->dns_searches);
	strv_free(c->dns_servers);
	strv_free(c->env);
	free(c->init_path);
	free(c->ipcns);
	free(c->log_driver);
	free(c->log_tag);
	free(c->netns);
	free(c->pidns);
	free(c->seccomp_profile);
	free(c->shm_size);
	free(c->tz);
	free(c->umask);
	free(c->userns);
	free(c->utsns);
	strv_free(c->volumes);

	struct config_engine *e = &cfg->engine;
	free(e->cgroup_manager);
	strv_free(e->conmon_env_vars);
	strv_free(e->conmon_path);
	free(e->detach_keys);
	strv_free(e->env);
	free(e->events_logfile_path);
	free(e->events_logger);
	strv_free(e->helper_binaries_dir);
	strv_free(e->hooks_dir);
	free(e->image_build_format);
	free(e->image_default_transport);
	free(e->image_volume_mode);
	free(e->infra_command);
	free(e->infra_image);
	free(e->init_path);
	free(e->pull_policy);
	free(e->runtime);
	for (size_t i = 0; i < e->n_runtimes; i++) {
		free(e->runtimes[i].name);
		strv_free(e->runtimes[i].paths);
	}
	free(e->runtimes);
	free(e->static_dir);
	free(e->tmp_dir);
	free(e->volume_path);

	struct config_network *n = &cfg->network;
	strv_free(n->cni_plugin_dirs);
	free(n->default_network);
	free(n->default_subnet);
	strv_free(n->netavark_plugin_dirs);
	free(n->network_backend);
	free(n->network_config_dir);

	strv_free(cfg->files);
	free(cfg);
	return NULL;
}

char *const *config_files(const struct cpod_config *cfg)
{
	static char *const empty[] = {NULL};
	return cfg && cfg->files ? cfg->files : empty;
}

static const char *xdg_var(const char *name, const char *home, const char *fallback, char **tmp)
{
	const char *v = getenv(name);
	if (v && *v)
		return v;
	if (!fallback || !home)
		return NULL;
	*tmp = path_join(home, fallback);
	return *tmp;
}

char *config_expand_path(const char *path, const char *home)
{
	static const struct {
		const char *name;
		const char *fallback; /* relative to home */
	} vars[] = {
	        {"HOME", NULL},
	        {"XDG_CONFIG_HOME", ".config"},
	        {"XDG_DATA_HOME", ".local/share"},
	        {"XDG_RUNTIME_DIR", NULL},
	};
	_cleanup_free_ char *own_home = NULL;
	if (!home)
		home = own_home = config_home_dir(NULL);
	if (!path)
		return NULL;
	if (home && path[0] == '~' && (path[1] == 0 || path[1] == '/'))
		return xasprintf("%s%s", home, path + 1);
	if (path[0] != '$')
		return xstrdup(path);
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		size_t n = strlen(vars[i].name);
		const char *rest = NULL;
		if (strncmp(path + 1, vars[i].name, n) == 0)
			rest = path + 1 + n;
		else if (path[1] == '{' && strncmp(path + 2, vars[i].name, n) == 0 &&
		         path[2 + n] == '}')
			rest = path + 3 + n;
		if (!rest || (*rest != 0 && *rest != '/'))
			continue;
		_cleanup_free_ char *tmp = NULL;
		const char *val =
		        i == 0 ? home : xdg_var(vars[i].name, home, vars[i].fallback, &tmp);
		if (!val)
			return xstrdup(path);
		return xasprintf("%s%s", val, rest);
	}
	return xstrdup(path);
}
