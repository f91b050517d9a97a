/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_ISOLATION_H
#define CPOD_RUNTIME_ISOLATION_H

/*
 * Resource limits, devices, namespaces and security options of one container, as the user
 * gives them to `run`/`create` (Podman's flag names), validated against the host and turned
 * into a normalised JSON object that the engine persists with the container and later
 * hands to the spec generator (isolation_apply_spec()).
 *
 * The normalised object ("isolation config") has these keys, all optional:
 *   "resources"     OCI linux.resources (memory, cpu, pids, blockIO, devices rules)
 *   "devices"       OCI linux.devices entries (--device)
 *   "oomScoreAdj", "privileged", "noNewPrivileges", "seccomp", "labelDisable",
 *   "apparmor", "mask", "unmask", "capAdd", "capDrop", "groupAdd", "sysctls",
 *   "shmSize", "pidsLimit", "cgroupParent", "cgroups", "cgroupns", "pid", "ipc", "uts",
 *   "userns", "uidMappings", "gidMappings" (OCI form), "securityOpt" (as given),
 *   "deviceStrings" (as given, for inspect), "nanoCpus", "memorySwappiness".
 *
 * Errors and warnings are Podman 4.3's, for example:
 *   "invalid value for memory: invalid size: 'abc'"                        (EINVAL)
 *   "you should always set a memory limit when using a memoryswap limit, see usage"
 *   "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"
 *   "sysctl 'kernel.foo' is not allowed"
 *   "stat /dev/nope: no such file or directory"                            (ENOENT)
 *   warning "Your kernel does not support swap limit capabilities,or the cgroup is not
 *   mounted. Memory limited without swap."
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "runtime/probe.h"
#include "runtime/spec.h"
#include "util/error.h"

/* Strings as typed on the command line; NULL (or an empty strv) means "not given". */
struct isolation_opts {
	const char *memory, *memory_reservation, *memory_swap, *memory_swappiness;
	const char *kernel_memory;
	bool oom_kill_disable;
	const char *oom_score_adj;
	const char *cpus, *cpu_shares, *cpu_period, *cpu_quota, *cpuset_cpus, *cpuset_mems;
	const char *pids_limit;
	const char *cpu_rt_period, *cpu_rt_runtime; /* --cpu-rt-*: cgroup v1 cpu.rt_*_us */
	char *const *cgroup_conf;                   /* --cgroup-conf KEY=VALUE (cgroup v2) */
	const char *blkio_weight;
	char *const *blkio_weight_device;
	char *const *device_read_bps;
	char *const *device_write_bps;
	char *const *device_read_iops;
	char *const *device_write_iops;
	char *const *devices;             /* --device SRC[:DST][:PERMS] */
	char *const *device_cgroup_rules; /* "c 1:3 rwm" */
	const char *shm_size;
	const char *cgroup_parent, *cgroups, *cgroupns;

	bool privileged;
	char *const *cap_add;
	char *const *cap_drop;
	char *const *security_opts; /* seccomp=, no-new-privileges, label=, mask=, unmask=, ... */
	char *const *group_add;
	char *const *sysctls;
	const char *userns;
	char *const *uidmap;
	char *const *gidmap;
	const char *subuidname, *subgidname;
	const char *pid, *ipc, *uts;
	const char *network; /* for the sysctl checks: "host" shares the host's */
};

/* What the host can apply (isolation_host_detect() or filled by tests). */
struct isolation_host {
	enum cgroup_mode mode;
	long cpus;
	bool rootless;
	bool memory, swap, kernel_memory, cpu_shares, cpu_cfs, cpuset, pids, blkio_weight,
	        blkio_throttle;
	char *cpuset_cpus_available; /* "0-1" (owned; may be NULL) */
	char *cpuset_mems_available;
	const char *dev_root; /* prefix for --device paths; NULL: "" (tests) */
};

/* Look at <root>/sys/fs/cgroup (NULL: "/"). Release with isolation_host_release(). */
void isolation_host_detect(const char *root, enum cgroup_mode mode, bool rootless,
                           struct isolation_host *ret);
void isolation_host_release(struct isolation_host *h);

/*
 * Validate o on h and build the isolation config. *ret is a new reference; *ret_warnings
 * (may be NULL) receives Podman's warnings for limits the host cannot apply (owned strv,
 * never NULL). Errors: EINVAL with Podman's messages, ENOENT for missing devices/profiles.
 */
int isolation_build(const struct isolation_opts *o, const struct isolation_host *h, json_t **ret,
                    char ***ret_warnings, struct cpod_error **err);

/*
 * Build the OCI resources object of `update` from o (only the limit flags are looked at):
 * *ret is a new reference holding only what was given. Errors as isolation_build().
 */
int isolation_update_resources(const struct isolation_opts *o, const struct isolation_host *h,
                               json_t **ret, char ***ret_warnings, struct cpod_error **err);

/*
 * Fill the fields of so that come from an isolation config (borrowed: so points into cfg,
 * which must outlive it). Strvs the function creates are stored in *ret_owned (free with
 * strv_free; it may hold several arrays joined, see the .c).
 */
struct isolation_spec_storage {
	char **cap_add, **cap_drop, **sysctls, **mask, **unmask;
};
void isolation_fill_spec_opts(const json_t *cfg, struct spec_opts *so,
                              struct isolation_spec_storage *st);
void isolation_spec_storage_release(struct isolation_spec_storage *st);

/*
 * Apply the parts of cfg that spec_generate() has no option for onto a generated spec:
 * resources, devices (all host devices when privileged), uid/gid mappings and the user,
 * cgroup namespace, namespace paths, masked/unmasked paths, additional gids.
 */
int isolation_apply_spec(const json_t *cfg, json_t *spec, struct cpod_error **err);

/* ---- pure parsers (isolation-parse.c), exposed for tests ------------------------------- */

/* go-units RAMInBytes ("512m", "1g", "100"); -1 accepted when allow_minus_one. -EINVAL. */
int isolation_parse_size(const char *s, bool allow_minus_one, int64_t *ret);
/* "1.5" CPUs → 1500000000 nano CPUs. -EINVAL. */
int isolation_parse_cpus(const char *s, int64_t *ret_nano);
/* A cpuset list ("0-2,4"): -EINVAL when malformed. */
int isolation_parse_cpuset(const char *s);
/* True when every CPU/node of want is in avail ("0-1"). */
bool isolation_cpuset_subset(const char *want, const char *avail);

struct isolation_device {
	char *src, *dst, *perms; /* owned */
};
void isolation_device_release(struct isolation_device *d);
/* "SRC[:DST][:PERMS]" as Podman's ParseDevice. EINVAL "invalid device mode: X". */
int isolation_parse_device(const char *s, struct isolation_device *ret, struct cpod_error **err);
/* "c 1:3 rwm" → an OCI resources.devices rule (new reference). EINVAL with Podman's text. */
int isolation_parse_cgroup_rule(const char *s, json_t **ret, struct cpod_error **err);

enum isolation_sysctl_ns {
	SYSCTL_NS_NET,
	SYSCTL_NS_IPC,
	SYSCTL_NS_UTS,
	SYSCTL_NS_NOT_ALLOWED,
};
/* Which namespace a sysctl belongs to (Podman's ValidateSysctls list). */
enum isolation_sysctl_ns isolation_sysctl_namespace(const char *key);

/* "0:100000:65536" (several with ','): appends OCI idmap objects to arr. -EINVAL. */
int isolation_parse_idmap(const char *s, json_t *arr);

#endif
