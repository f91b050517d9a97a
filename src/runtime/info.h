/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_INFO_H
#define CPOD_RUNTIME_INFO_H

/*
 * The data behind `cpod info` and `cpod version`, as jansson objects with the key names and
 * nesting of Podman 4.3's `podman info --format json` / `podman version --format json`
 * (libpod/define.Info), so that Go templates such as {{.Host.OCIRuntime.Name}} and scripts
 * reading the JSON work unchanged. Keys are inserted in Podman's order; print them with
 * json_dump_pretty() (JSON_PRESERVE_ORDER).
 *
 * cpod's own additions, all absent from Podman:
 *   host.cgroupMode          "legacy" | "hybrid" | "unified"
 *   host.systemdRunning      systemd really runs as PID 1
 *   host.ociRuntime.reason   why this runtime was chosen (select.h)
 *   host.ociRuntime.privateCgroupNamespaceWorkaround  crun runs without
 *                            /sys/fs/cgroup/unified (exec.h)
 *   store.graphDriverReason  why the storage driver was chosen, when the caller knows
 *
 * The runtime layer does not link the storage or engine layers: whatever comes from them
 * is handed in by the caller (engine/CLI) in struct info_facts.
 */
#include <stdbool.h>
#include <stdint.h>

#include "probe.h"
#include "select.h"
#include "util/json.h"

struct cpod_config;

/* The API version cpod speaks: Podman 4.3.1's libpod API. */
#define CPOD_API_VERSION "4.3.1"

struct info_facts {
	/* store (from store.h and the containers/images tables); NULL strings print as "" */
	const char *storage_config_file; /* storage.conf in effect */
	const char *graph_driver;        /* store_driver_to_string(store_get_driver()) */
	const char *graph_driver_reason; /* store_driver_reason(); NULL: key omitted */
	const char *graph_root;
	const char *run_root;
	const char *volume_path;
	const char *image_copy_tmp_dir; /* NULL: "/var/tmp" */
	char *const *graph_options;     /* "key=value" strings; may be NULL */
	char *const *graph_status;      /* alternating key, value: "Backing Filesystem", "extfs" */
	uint64_t containers_total, containers_paused, containers_running, containers_stopped;
	uint64_t images_total;

	/* engine settings (containers.conf) */
	const char *cgroup_manager;       /* NULL: "systemd" if systemd runs, else "cgroupfs" */
	const char *event_logger;         /* NULL: "file" */
	const char *log_driver;           /* NULL: "k8s-file" */
	const char *network_backend;      /* NULL: "netavark" */
	const char *remote_socket;        /* the API socket path; NULL: key omitted */
	bool service_is_remote;           /* --remote */
	const char *default_capabilities; /* "CAP_A,CAP_B"; NULL: containers.conf defaults */
	const char *seccomp_profile_path; /* NULL: "" */
	char *const *registries_search;   /* unqualified-search-registries; may be NULL */
};

/*
 * Point the engine-setting fields of f (cgroup_manager, event_logger, log_driver,
 * network_backend, seccomp_profile_path) at cfg's values; cfg must outlive f's use.
 */
void info_facts_from_config(struct info_facts *f, const struct cpod_config *cfg);

/*
 * Build the `cpod info` object. rt (the chosen runtime) may be NULL when no runtime was
 * found: ociRuntime is then omitted, as are conmon/slirp4netns details that were not found.
 * Returns a new reference (json_decref); never NULL.
 */
json_t *info_build(const struct host_probe *probe, const struct runtime_choice *rt,
                   const struct info_facts *facts);

/*
 * The `version` object: {APIVersion, Version, GitCommit, BuiltTime, Built, OsArch, Os}.
 * GoVersion is omitted (cpod is C). New reference.
 */
json_t *info_version(void);

/* Podman's uptime text: "0h 6m 8.00s", plus " (Approximately N.NN days)" past one hour. */
char *info_format_uptime(double seconds);

#endif
