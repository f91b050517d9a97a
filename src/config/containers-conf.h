/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CONTAINERS_CONF_H
#define CPOD_CONTAINERS_CONF_H

/*
 * containers.conf(5), loaded the way Podman 4.3 (containers/common v0.50) loads it.
 *
 * Files, in order, each overriding the keys it sets (arrays are replaced whole; the
 * [engine.runtimes] table is merged runtime by runtime, as BurntSushi/toml decodes into
 * c/common's map):
 *   1. /usr/share/containers/containers.conf
 *   2. /etc/containers/containers.conf
 *   3. /etc/containers/containers.conf.d/ *.conf, sorted by name
 *   4. rootless only (euid != 0): $XDG_CONFIG_HOME/containers/containers.conf
 *      ($XDG_CONFIG_HOME defaults to $HOME/.config), then its containers.conf.d/ *.conf
 * If $CONTAINERS_CONF is set, that one file replaces the whole list (system and user files
 * alike) and must exist: c/common v0.50 systemConfigs() returns only it.
 * Keys no file sets keep the built-in defaults listed with each field below. Unknown keys
 * are ignored (logged at debug level), as c/common ignores them. A key with the wrong type
 * is an error naming the file, line, key and expected type.
 *
 * Where cpod's default differs from Podman's, the field comment says why (no systemd as
 * PID 1 and no journald on cpod's hosts; cpod's own store must never share podman's).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/cleanup.h"

struct cpod_error;

/* [containers]: defaults for the containers cpod creates */
struct config_containers {
	char **annotations;          /* "key=value" added to every container; [] */
	char *base_hosts_file;       /* hosts file copied into containers; "" = /etc/hosts */
	char *cgroupns;              /* "private" on cgroup v2, "host" on v1 / hybrid */
	char *cgroups;               /* "enabled" | "disabled" | "no-conmon" | "split" */
	char **default_capabilities; /* CAP_-prefixed; the 11 of containers-common */
	char **default_sysctls;      /* "name=value"; [] */
	char **default_ulimits;      /* "nproc=N:N" as Podman computes it, see defaults.c */
	char **devices;              /* "host:container:perms"; [] */
	char **dns_options;          /* []: taken from the host */
	char **dns_searches;         /* [] */
	char **dns_servers;          /* [] */
	char **env;                  /* PATH=... and TERM=xterm */
	bool env_host;               /* pass the caller's environment; false */
	bool http_proxy;             /* pass *_proxy variables; true */
	bool init;                   /* run an init (catatonit) as PID 1; false */
	char *init_path;             /* that init; "" = [engine] init_path */
	char *ipcns;                 /* "private" (Podman's "shareable" means the same for cpod) */
	char *log_driver;            /* "k8s-file" (Podman: journald; there is no journald here) */
	int64_t log_size_max;        /* bytes, -1 = unlimited */
	char *log_tag;               /* "" */
	char *netns;                 /* "private" */
	bool no_hosts;               /* do not create /etc/hosts; false */
	char *pidns;                 /* "private" */
	int64_t pids_limit;          /* 2048 (0 = unlimited) */
	char *seccomp_profile;       /* /etc/containers/seccomp.json if present, else /usr/share */
	char *shm_size;              /* "65536k" */
	char *tz;                    /* "" = the image's */
	char *umask;                 /* "0022" */
	char *userns;                /* "" = host */
	int64_t userns_size;         /* 65536 */
	char *utsns;                 /* "private" */
	char **volumes;              /* "src:dst:opts"; [] */
};

/* one [engine.runtimes] entry */
struct config_runtime {
	char *name;   /* "crun", "runc", ... */
	char **paths; /* candidate binaries, tried in order */
};

/* [engine] */
struct config_engine {
	char *cgroup_manager;      /* "cgroupfs" (Podman: systemd, but systemd is not PID 1) */
	char **conmon_env_vars;    /* environment for conmon: PATH=... */
	char **conmon_path;        /* candidate conmon binaries, c/common's list */
	char *detach_keys;         /* "ctrl-p,ctrl-q" */
	char **env;                /* "KEY=value" set for cpod itself; [] */
	char *events_logfile_path; /* NULL = <tmp_dir>/events/events.log, decided by engine */
	uint64_t events_logfile_max_size; /* bytes before rotation; 1000000 */
	char *events_logger;              /* "file" (Podman: journald, absent here) | "none" */
	uint64_t exit_command_delay;      /* seconds cleanup waits for exec sessions; 300 */
	char **helper_binaries_dir;       /* where netavark, catatonit... are searched */
	char **hooks_dir;                 /* OCI hooks; /usr/share/containers/oci/hooks.d */
	char *image_build_format;         /* "oci" */
	char *image_default_transport;    /* "docker://" */
	char *image_volume_mode;          /* image VOLUMEs: "bind" | "tmpfs" | "ignore" */
	char *infra_command;              /* "" = the infra image's */
	char *infra_image;                /* "" = a locally built catatonit pause image */
	char *init_path;                  /* /usr/libexec/podman/catatonit */
	uint64_t num_locks;               /* 2048 */
	char *pull_policy;                /* "missing" */
	char *runtime;                    /* "" = probe (cpod prefers crun where it works) */
	struct config_runtime *runtimes;  /* [engine.runtimes], file order after defaults */
	size_t n_runtimes;
	char *static_dir;      /* NULL = <graph root>/libpod, decided by the store */
	uint64_t stop_timeout; /* seconds before SIGKILL; 10 */
	char *tmp_dir;         /* NULL = cpod's run root, decided by the engine */
	char *volume_path;     /* NULL = <graph root>/volumes, decided by the store */
};

/* [network] */
struct config_network {
	char **cni_plugin_dirs;      /* c/common's list */
	char *default_network;       /* "podman" */
	char *default_subnet;        /* "10.88.0.0/16" */
	char **netavark_plugin_dirs; /* /usr/local/libexec/netavark ... */
	char *network_backend;       /* "netavark" (the only backend cpod drives) */
	char *network_config_dir;    /* NULL = decided by the network layer */
};

struct cpod_config {
	struct config_containers containers;
	struct config_engine engine;
	struct config_network network;
	char **files; /* the files actually read, in order (see config_files()) */
};

/* Overrides for tests and for `--config`-like callers; zero-initialise, then set fields. */
struct config_load_opts {
	char *const *files;          /* non-NULL: read exactly these, in order (missing = error) */
	const char *usr_dir;         /* instead of /usr/share/containers */
	const char *etc_dir;         /* instead of /etc/containers */
	const char *home;            /* instead of $HOME / the passwd entry */
	const char *xdg_config_home; /* instead of $XDG_CONFIG_HOME */
	bool ignore_env;             /* do not look at $CONTAINERS_CONF */
	bool set_euid;               /* use euid below instead of geteuid() */
	uid_t euid;
	int cgroup_v2; /* 0: probe /sys/fs/cgroup, 1: v2, -1: v1 */
};

/*
 * Load containers.conf (see the top of this file). opts may be NULL. On success stores a
 * new config in *ret (free with config_free()). Errors: -ENOENT ($CONTAINERS_CONF or a file
 * in opts->files missing), -EINVAL (TOML syntax, wrong type, invalid value), -EFBIG (file
 * too large), other -errno from reading; the message starts with the file name.
 */
int config_load(const struct config_load_opts *opts, struct cpod_config **ret,
                struct cpod_error **err);

/* Only the built-in defaults (no file read). Free with config_free(). */
struct cpod_config *config_new_default(const struct config_load_opts *opts);

/* Accepts NULL; returns NULL. */
struct cpod_config *config_free(struct cpod_config *cfg);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cpod_config *, config_free)
#define _cleanup_config_ _cleanup_(config_freep)

/* The files read by config_load(), in order; borrowed, never NULL. */
char *const *config_files(const struct cpod_config *cfg);

/*
 * Candidate paths for OCI runtime `name` from [engine.runtimes] (c/common's defaults for
 * crun, runc, kata, runsc, krun, runj when cfg is NULL). Returns an owned strv (free with
 * strv_free()), empty when the name is unknown.
 */
char **config_runtime_paths(const struct cpod_config *cfg, const char *name);

/*
 * Expand a leading "~", "$HOME", "$XDG_CONFIG_HOME", "$XDG_DATA_HOME" or "$XDG_RUNTIME_DIR"
 * (also written "${...}") in path, as c/common does for paths in containers.conf.
 * Unset XDG variables fall back to ~/.config and ~/.local/share; an unknown or unset
 * variable is left as written. home may be NULL ($HOME / passwd). Returns an owned string.
 */
char *config_expand_path(const char *path, const char *home);

#endif
