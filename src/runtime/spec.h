/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_SPEC_H
#define CPOD_RUNTIME_SPEC_H

/*
 * OCI runtime spec generation (config.json), as Podman 4.3 builds it in
 * pkg/specgen/generate and libpod's generateSpec().
 *
 * The engine fills a struct spec_opts (everything that determines one container's spec)
 * and calls spec_generate(), which returns the whole config.json as a jansson object and,
 * as Podman's makeBindMounts() does, writes the files that are bind mounted from the
 * container's userdata directory (hosts, hostname, resolv.conf, .containerenv, localtime)
 * and creates the image's working directory inside the rootfs.
 *
 * Decisions where cpod differs from, or has to choose for, Podman:
 * - environment order: containers.conf env (PATH, TERM by default) < "container=podman" <
 *   image Env < --env-host (host environment) < opts.env (the caller merges --env-file and
 *   --env into opts.env in command-line order) < HOSTNAME and HOME defaults (only when
 *   unset). The value stays "container=podman" because programs (systemd, toolbox, shell
 *   prompts) test for exactly that value.
 * - annotations: "io.container.manager" is "cpod"; Podman's own annotation keys
 *   (io.podman.annotations.*, io.kubernetes.cri-o.*, org.opencontainers.image.stopSignal)
 *   keep their names, since kube generation and inspect consumers read them.
 * - rlimits: cpod clamps every limit (defaults and --ulimit alike) to the caller's hard
 *   limit, rootful too; Podman only does this rootless and then fails to start on hosts
 *   without CAP_SYS_RESOURCE.
 * - cgroupsPath: "/cpod_parent/cpod-<id>" (cgroupfs) or "machine.slice:cpod:<id>" (systemd),
 *   mirroring Podman's libpod_parent / libpod names.
 * - the init binary is mounted at /run/podman-init (same path as Podman: images and docs
 *   refer to it).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

struct cpod_config;

/* Podman's namespace-mode vocabulary, reduced to what cpod supports so far. */
enum spec_ns_mode {
	SPEC_NS_PRIVATE, /* a new namespace */
	SPEC_NS_HOST,    /* the host's: no namespace entry */
	SPEC_NS_PATH,    /* join the namespace at a path (network only for now) */
	SPEC_NS_NONE,    /* network: a private namespace with loopback only */
	_SPEC_NS_MAX,
	_SPEC_NS_INVALID = -22,
};

struct spec_opts {
	const char *rootfs;         /* mounted root file system (required) */
	const char *id;             /* full container ID (required) */
	const char *name;           /* container name (required) */
	const char *image_name;     /* for .containerenv; may be NULL */
	const char *image_id;       /* for .containerenv; may be NULL */
	const json_t *image_config; /* the "config" object of the OCI image config, or NULL */

	char *const *command;    /* user command (NULL: the image's Cmd) */
	char *const *entrypoint; /* user entrypoint, used when entrypoint_set */
	bool entrypoint_set;     /* --entrypoint given; NULL/empty/[""] means "no entrypoint" */
	char *const *env;        /* "K=V", "K" (from the host env) or "PREFIX*", in order */
	bool env_host;           /* --env-host */
	const char *workdir;     /* --workdir (must exist) or NULL: image WorkingDir (created) */
	const char *user;        /* "uid", "name", "uid:gid", "name:group"; NULL: image User */
	const char *hostname;    /* NULL: the first 12 characters of the ID */
	bool terminal;
	bool stdin_open;
	char *const *annotations; /* "k=v" */
	bool init;                /* --init */
	const char *init_path;    /* NULL: containers.conf init_path, then catatonit */
	const char *stop_signal;  /* name or number; NULL: image StopSignal, then SIGTERM */
	const char *tz;           /* NULL: containers.conf tz; "" none; "local"; IANA name */
	const char *umask;        /* octal; NULL: containers.conf umask */
	char *const *unsetenv;    /* defaults (containers.conf, image, host) to leave out */
	bool unsetenv_all;        /* no defaults at all: only env and HOSTNAME/HOME */
	char *const *env_merge;   /* --env-merge K=WORD: WORD expanded over the defaults */
	char *const *proxy_env;   /* the host's *_proxy "K=V" (--http-proxy), after unsetenv */
	const char *personality;  /* --personality: linux.personality.domain; NULL: none */
	char *const *chroot_dirs; /* --chrootdirs: hosts and resolv.conf mounted there too */
	const char *passwd_entry; /* --passwd-entry template of the added passwd lines */
	char *const *host_users;  /* --hostuser: host accounts added to /etc/passwd */
	bool no_passwd;           /* --passwd=false: nothing added to /etc/passwd, /etc/group */

	enum spec_ns_mode net; /* PRIVATE, NONE, HOST or PATH (netns_path) */
	const char *netns_path;
	enum spec_ns_mode pid, ipc, uts; /* PRIVATE or HOST */

	bool read_only; /* --read-only (adds tmpfs /tmp, /var/tmp, /run) */
	bool no_read_only_tmpfs; /* --read-only-tmpfs=false: no tmpfs on /tmp, /var/tmp, /run */
	bool privileged;
	bool no_new_privileges;
	char *const *cap_add; /* "NET_ADMIN", "CAP_NET_ADMIN", "ALL" */
	char *const *cap_drop;
	char *const *ulimits; /* "nofile=1024:2048"; replaces containers.conf default_ulimits */
	char *const *sysctls; /* "key=value" */
	int64_t shm_size;     /* bytes; 0: containers.conf shm_size */
	const char *shm_dir; /* host dir mounted at /dev/shm (Podman's userdata/shm); NULL: tmpfs */
	int64_t pids_limit;  /* 0: containers.conf pids_limit; -1: unlimited */
	int oom_score_adj;
	bool oom_score_adj_set;

	bool cgroup_v2;      /* private cgroup namespace by default on v2 */
	bool cgroup_systemd; /* systemd cgroup manager: "slice:prefix:id" path form */
	const char *cgroup_parent;

	const char *seccomp_profile; /* path, "unconfined", or NULL: containers.conf/default */
	/* --seccomp-policy=image: the image's profile (JSON text), used instead of the path */
	const char *seccomp_profile_data;
	/*
	 * The OCI runtime that will run the spec (oci_runtime.name). For crun, linux.seccomp is
	 * also passed precompiled in the run.oci.seccomp_bpf_data annotation (seccomp-bpf.h),
	 * cached in seccomp_cache_dir (NULL: compiled every time); NULL: no annotation.
	 */
	const char *runtime_name;
	const char *seccomp_cache_dir;

	const char *userdata_dir;     /* where generated files go; NULL: none generated/mounted */
	char *const *extra_hosts;     /* --add-host "name:ip" */
	const char *host_internal_ip; /* host.containers.internal; NULL: first global IPv4 */
	char *const *container_ips;   /* the container's network addresses (/etc/hosts) */
	char *const *net_dns_servers; /* aardvark-dns servers, first in resolv.conf */
	char *const *net_dns_search;  /* their search domains ("dns.podman") */
	char *const *dns_servers;     /* --dns: replace the host's nameservers */
	char *const *dns_search;      /* --dns-search: replace the host's search domains */
	char *const *dns_options;     /* --dns-option: replace the host's options */
	bool no_hosts;                /* --no-hosts: leave the image's /etc/hosts alone */
	const json_t *mounts;         /* extra OCI mounts (volumes); they win over defaults */
	bool autoremove;              /* --rm, for the annotation */
	const char *created;          /* RFC 3339 creation time; NULL: now */
};

/*
 * Build the OCI config.json for opts (cfg may be NULL: containers.conf built-in defaults).
 * Writes the userdata files and creates the image working directory as a side effect.
 * On success *ret is a new reference (json_decref). Errors carry Podman's messages, e.g.
 * "unable to find user foo: no matching entries in passwd file" (ENOENT), "workdir \"/x\"
 * does not exist on container ID" (ENOENT), EINVAL for bad options.
 */
int spec_generate(const struct spec_opts *opts, const struct cpod_config *cfg, json_t **ret,
                  struct cpod_error **err);

/* ---- user lookup inside the rootfs (spec-user.c) ----------------------------------------- */

struct spec_user {
	uid_t uid;
	gid_t gid;
	gid_t *sgids; /* supplementary groups from /etc/group membership (owned) */
	size_t n_sgids;
	char *home; /* passwd home, "/" when the user has no passwd entry (owned) */
};

void spec_user_release(struct spec_user *u);

/*
 * Resolve user ("", "name", "uid", "name:group", "uid:gid", ...) against <rootfs>/etc/passwd
 * and /etc/group, read with RESOLVE_IN_ROOT (symlinks cannot leave the rootfs) and bounded.
 * An empty user is root. Sgids are only looked up when no group is given (as runc/Podman).
 * Fills *ret (release with spec_user_release). Errors: ENOENT "unable to find user X: no
 * matching entries in passwd file" / "unable to find group X: no matching entries in group
 * file", EINVAL for malformed ids, EFBIG for oversized files.
 */
int spec_user_resolve(const char *rootfs, const char *user, struct spec_user *ret,
                      struct cpod_error **err);

/*
 * Make sure workdir exists inside rootfs. When create is false a missing directory is an
 * error ("workdir \"X\" does not exist on container ID"); when true every missing component
 * is created (0755) inside the root and the last one chowned to uid:gid.
 */
int spec_workdir_prepare(const char *rootfs, const char *workdir, bool create, uid_t uid, gid_t gid,
                         const char *id, struct cpod_error **err);

/* ---- capabilities (spec-caps.c) ------------------------------------------------------------ */

/*
 * containers/common MergeCapabilities: normalise names ("net_admin" -> "CAP_NET_ADMIN"),
 * apply adds (with "ALL" meaning the bounding set) and drops ("ALL" drops all but the adds),
 * sorted. *ret: owned strv. Errors: EINVAL for unknown names or add+drop of the same cap.
 */
int spec_caps_merge(char *const *base, char *const *add, char *const *drop, char ***ret,
                    struct cpod_error **err);

/* The capabilities in the current process's bounding set, sorted (owned strv). */
char **spec_caps_bounding_set(void);

/* ---- seccomp (spec-seccomp.c) ------------------------------------------------------------- */

/* Largest seccomp profile accepted (the default one is 16 KiB). */
#define SPEC_SECCOMP_MAX_SIZE (4u << 20)

/*
 * Convert a containers seccomp.json profile (data, len bytes, untrusted) to the OCI
 * linux.seccomp object, as containers/common pkg/seccomp setupSeccomp does: syscall
 * groups are kept or dropped by includes/excludes on caps (checked against bounding) and
 * arches (Go names: goarch, e.g. "amd64"), includes.minKernel against kernel_release
 * ("5.10.0-..."; NULL: uname), archMap expanded for the native arch, errno names resolved.
 * *ret is NULL when the profile disables seccomp (no defaultAction and no syscalls).
 * Errors: EINVAL "decoding seccomp profile failed: ..." and the containers/common messages.
 */
int spec_seccomp_convert(const char *data, size_t len, char *const *bounding, const char *goarch,
                         const char *kernel_release, json_t **ret, struct cpod_error **err);

/* The Go architecture name of this machine ("amd64", "arm64", ...); static string. */
const char *spec_native_goarch(void);

/* ---- --env-merge (spec-env-merge.c) ------------------------------------------------------- */

/*
 * Expand word as imagebuilder's ProcessWord (quotes, backslash, $NAME, ${NAME}, ${NAME:-w},
 * ${NAME:+w}) against env ("K=V"; unknown names are ""). *ret is owned by the caller.
 */
int spec_env_process_word(const char *word, char *const *env, char **ret,
                          struct cpod_error **err);

/*
 * Podman 4.3's --env-merge: expand entry against *env and, when its name is already in *env,
 * replace the value by the text between the first and the second "=".
 */
int spec_env_merge(char ***env, const char *entry, struct cpod_error **err);

/* The proxy variables Podman copies from its own environment (config.ProxyEnv), "K=V". */
char **spec_proxy_env(void);

/* ---- rlimits (spec-rlimit.c) -------------------------------------------------------------- */

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

/*
 * Parse "name=soft[:hard]" (docker/go-units ParseUlimit; -1 or "unlimited" is infinity).
 * Errors: EINVAL "invalid ulimit argument: X", "invalid ulimit type: X", "ulimit soft
 * limit must be less than or equal to hard limit: S > H".
 */
int spec_ulimit_parse(const char *s, struct spec_rlimit *ret, struct cpod_error **err);

/* "RLIMIT_NOFILE" for RLIMIT_NOFILE; NULL for unknown. */
const char *spec_rlimit_name(int resource);

#endif
