/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_SPEC_INTERNAL_H
#define CPOD_RUNTIME_SPEC_INTERNAL_H

/* Shared between the spec*.c files; not part of the runtime layer's API. */
#include <stdbool.h>
#include <stdint.h>

#include "runtime/spec.h"

/* Podman's define.ContainerInitPath */
#define SPEC_INIT_DEST       "/run/podman-init"
#define SPEC_DEFAULT_SECCOMP "/usr/share/containers/seccomp.json"
/* Podman's define.RLimitDefaultValue for nofile and nproc */
#define SPEC_RLIMIT_DEFAULT UINT64_C(1048576)
#define SPEC_OCI_VERSION    "1.0.2-dev"

/*
 * The containers.conf values spec generation needs, with containers/common's built-in
 * defaults when there is no configuration. Strings and strvs are borrowed from the
 * configuration or static.
 */
struct spec_defaults {
	char *const *capabilities; /* "CHOWN", ... */
	char *const *env;          /* "PATH=...", "TERM=xterm" */
	char *const *ulimits;
	char *const *sysctls;
	const char *seccomp_profile;
	const char *init_path; /* NULL: search the usual catatonit paths */
	const char *tz;
	const char *umask;
	const char *base_hosts_file;  /* "" or NULL: /etc/hosts; "none"; "image"; a path */
	const char *host_internal_ip; /* "" automatic, "none", an address */
	int64_t shm_size;
	int64_t pids_limit;
};

void spec_defaults_load(const struct cpod_config *cfg, struct spec_defaults *ret);
/* docker/go-units RAMInBytes: "64m", "65536k", "1g", "100" (bytes); -EINVAL when invalid. */
int spec_parse_size(const char *s, int64_t *ret);

/* spec-env.c */
int spec_build_env(const struct spec_opts *opts, const struct spec_defaults *defs,
                   const char *hostname, const char *home, char ***ret, struct cpod_error **err);
int spec_build_args(const struct spec_opts *opts, const char *init_path, char ***ret,
                    struct cpod_error **err);
/* "a=b" strings of a JSON string array; NULL when absent. */
char **spec_json_strv(const json_t *arr);

/* spec-mounts.c */
json_t *spec_mount_new(const char *dest, const char *type, const char *source,
                       const char *const *options);
/* The default mounts (proc, dev, sys, ...) as Podman lists them; owned array. */
json_t *spec_default_mounts(const struct spec_opts *opts, int64_t shm_size);
/* Append m (stolen) unless a mount at the same destination is already there. */
void spec_mounts_add(json_t *mounts, json_t *m);
/* Podman's sortMounts: stable by the number of path components of the destination. */
void spec_mounts_sort(json_t *mounts);

/* spec-files.c: write the userdata files and return the bind mounts for them. */
int spec_write_files(const struct spec_opts *opts, const struct spec_defaults *defs,
                     const char *hostname, json_t *mounts, struct cpod_error **err);

/* spec-rlimit.c: the process.rlimits array, clamped to the caller's hard limits. */
int spec_build_rlimits(char *const *user, char *const *defaults, json_t **ret,
                       struct cpod_error **err);

/* spec-user.c: read a regular file inside the root (RESOLVE_IN_ROOT), bounded; -errno. */
int spec_read_in_root(int rootfd, const char *path, size_t max, char **ret);

/*
 * spec-passwd.c: append the --hostuser accounts and the missing -u UID[:GID] user and group
 * to the rootfs's /etc/passwd and /etc/group (Podman 4.3's generatePasswdAndGroup); user is
 * the effective user ("" or NULL: none), workdir the container's working directory.
 */
int spec_passwd_update(const struct spec_opts *opts, const char *user, const char *workdir,
                       struct cpod_error **err);
/* One --passwd-entry line: $USERNAME, $UID, $GID, $NAME, $HOME replaced, "\n" added; owned. */
char *spec_passwd_expand(const char *tmpl, const char *username, const char *uid, const char *gid,
                         const char *name, const char *home);
/* spec-files.c: the /etc/hosts and /etc/resolv.conf mounts again under each --chrootdirs. */
void spec_chroot_mounts(const struct spec_opts *opts, json_t *mounts);

/* spec-caps.c */
bool spec_cap_known(const char *name);
/* "CAP_CHOWN" for 0, ...; NULL past the last known capability. */
const char *spec_cap_name(unsigned idx);

/* spec-seccomp.c: load and convert the profile the options select; *ret NULL if none. */
int spec_build_seccomp(const struct spec_opts *opts, const struct spec_defaults *defs,
                       char *const *bounding, json_t **ret, struct cpod_error **err);

/* spec.c */
int spec_parse_signal(const char *s, int *ret);

#endif
