/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_PROBE_H
#define CPOD_RUNTIME_PROBE_H

/*
 * The host probe: what this machine offers a container engine (cgroups, systemd, kernel,
 * OS, resources, limits, security modules, OCI runtimes, conmon). It feeds `cpod info`,
 * runtime selection (select.h) and, later, container start (ulimit clamping, id mappings).
 *
 * Every file the probe reads is looked up below a root prefix (options.root, "/" by
 * default) so that tests can point it at fixture trees: <root>/proc, <root>/sys,
 * <root>/etc/os-release, <root>/dev/net/tun. Facts that come from syscalls (uname, sysinfo,
 * getrlimit, geteuid) are always the real ones.
 *
 * Nothing here keeps global state; a probe is a plain value owned by the caller.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "util/cleanup.h"
#include "util/error.h"

struct cpod_config;

enum cgroup_mode {
	CGROUP_MODE_LEGACY,  /* cgroup v1 only */
	CGROUP_MODE_HYBRID,  /* v1 controllers plus a cgroup2 tree at /sys/fs/cgroup/unified */
	CGROUP_MODE_UNIFIED, /* cgroup v2 at /sys/fs/cgroup */
	_CGROUP_MODE_MAX,
	_CGROUP_MODE_INVALID = -22,
};

/* "legacy", "hybrid", "unified" */
const char *cgroup_mode_to_string(enum cgroup_mode mode);
/* The cgroup version Podman reports: "v2" for unified, "v1" for legacy and hybrid. */
const char *cgroup_mode_version(enum cgroup_mode mode);

/*
 * Returns the file system magic (statfs f_type) of path, or -errno. Tests substitute their
 * own to make fixture directories look like cgroup file systems.
 */
typedef long (*probe_fstype_fn)(const char *path, void *userdata);

/*
 * Detect the cgroup mode below root (NULL = "/") from the file system types of
 * <root>/sys/fs/cgroup and <root>/sys/fs/cgroup/unified. fstype may be NULL (statfs).
 * Errors: ENOENT/ENOTSUP when no cgroup file system is mounted there.
 */
int cgroup_detect_mode(const char *root, probe_fstype_fn fstype, void *userdata,
                       enum cgroup_mode *ret, struct cpod_error **err);

/*
 * The controllers available to containers, in the order Podman lists them: for v1 and
 * hybrid, the enabled entries of <root>/proc/cgroups that have a hierarchy mounted at
 * <root>/sys/fs/cgroup/<name>; for unified, <root>/sys/fs/cgroup/cgroup.controllers (of the
 * caller's own cgroup when rootless). *ret is an owned strv (strv_free), never NULL.
 */
int cgroup_controllers(const char *root, enum cgroup_mode mode, bool rootless, char ***ret,
                       struct cpod_error **err);

/*
 * The controllers enabled on the cgroup2 tree of a hybrid host
 * (<root>/sys/fs/cgroup/unified/cgroup.controllers); an empty strv elsewhere. crun 1.8
 * refuses to run while that list is non-empty. Owned strv.
 */
char **cgroup_hybrid_unified_controllers(const char *root);

/* True when systemd really runs as PID 1 (<root>/proc/1/comm), whatever /run/systemd holds. */
bool probe_systemd_running(const char *root);

struct idmap_entry {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/*
 * Parse /proc/<pid>/uid_map text. Returns the number of entries (0..max), -EINVAL on a
 * malformed line or -E2BIG when there are more than max entries.
 */
int idmap_parse(const char *text, struct idmap_entry *out, size_t max);

/* An OCI runtime or conmon found on the host. */
struct probe_binary {
	char *name;    /* "crun", "runc", "conmon" */
	char *path;    /* absolute path of the executable */
	char *version; /* `--version` output without trailing newlines; NULL if it failed */
	char *package; /* Debian-style "name_version_arch", or "Unknown" */
};

#define PROBE_MAX_IDMAP 64

struct host_probe {
	enum cgroup_mode cgroup_mode;
	char **cgroup_controllers;         /* owned strv, see cgroup_controllers() */
	char **cgroup_unified_controllers; /* owned strv, hybrid hosts only */
	bool systemd_running;

	char *arch;     /* GOARCH spelling: "amd64", "arm64", ... */
	char *kernel;   /* uname release */
	char *hostname; /* uname nodename */
	char *os_id;    /* os-release ID ("debian"), "" when unknown */
	char *os_version_id;
	char *os_codename;

	bool rootless;                                                 /* geteuid() != 0 */
	long cpus;                                                     /* online processors */
	uint64_t mem_total, mem_free, swap_total, swap_free;           /* bytes */
	double uptime;                                                 /* seconds */
	double cpu_user_percent, cpu_system_percent, cpu_idle_percent; /* since boot */

	struct rlimit nofile; /* the caller's limits; containers must not exceed the hard ones */
	struct rlimit nproc;

	bool tun_accessible; /* <root>/dev/net/tun can be opened read-write by the caller */
	bool seccomp_enabled;
	bool selinux_enabled;
	bool apparmor_enabled;
	/* CAP_SYS_ADMIN in the caller's user namespace: it can make private mount namespaces */
	bool cap_sys_admin;

	struct idmap_entry uid_map[PROBE_MAX_IDMAP];
	size_t n_uid_map;
	struct idmap_entry gid_map[PROBE_MAX_IDMAP];
	size_t n_gid_map;

	struct probe_binary *runtimes; /* the OCI runtimes found, in preference order */
	size_t n_runtimes;
	struct probe_binary conmon;      /* conmon.path is NULL when conmon was not found */
	struct probe_binary slirp4netns; /* likewise */
};

enum host_probe_flags {
	/* do not execute runtimes/conmon for their versions (nor read the cache) */
	HOST_PROBE_NO_VERSIONS = 1 << 0,
	/* skip the package-manager lookup of each binary's package */
	HOST_PROBE_NO_PACKAGES = 1 << 1,
	/* look binaries up in path_env only, not in the configured candidate paths (tests) */
	HOST_PROBE_PATH_ONLY = 1 << 2,
};

struct host_probe_options {
	const char *root;       /* NULL: "/" */
	probe_fstype_fn fstype; /* NULL: statfs() */
	void *fstype_userdata;
	const struct cpod_config *config; /* runtime and conmon search paths; may be NULL */
	const char *path_env;             /* NULL: getenv("PATH") */
	const char *cache_dir; /* where to cache `--version` results (the run root); may be NULL */
	unsigned flags;        /* enum host_probe_flags */
};

/*
 * Probe the host. Fails only when the cgroup layout cannot be determined; every other fact
 * falls back to an empty/false value. Free with host_probe_free().
 */
int host_probe_run(const struct host_probe_options *opts, struct host_probe **ret,
                   struct cpod_error **err);
struct host_probe *host_probe_free(struct host_probe *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct host_probe *, host_probe_free)

/* The runtime called name in the probe, or NULL. Borrowed. */
const struct probe_binary *host_probe_find_runtime(const struct host_probe *p, const char *name);

/* uname machine → GOARCH ("x86_64" → "amd64"); unknown names are returned unchanged. */
const char *probe_goarch(const char *machine);

#endif
