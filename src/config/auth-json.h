/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_AUTH_JSON_H
#define CPOD_AUTH_JSON_H

/*
 * Registry credentials in containers-auth.json(5), read and written as containers/image v5.23
 * (pkg/docker/config) does for Podman 4.3.
 *
 * Written file (login/logout): --authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/UID/auth.json. The directory is
 * made with mode 0700, the file replaced atomically with mode 0600; keys other than "auths"
 * are preserved.
 *
 * Files read, in order (the first with credentials for the key wins):
 *   1. the written file above
 *   2. $XDG_CONFIG_HOME/containers/auth.json (~/.config/containers/auth.json)
 *   3. $DOCKER_CONFIG/config.json, else ~/.docker/config.json
 *   4. ~/.dockercfg (legacy format: the auths object at the top level)
 * Missing files are skipped; a file that is not valid JSON is an error.
 *
 * Keys: "registry.example.com[:port]" or repository-scoped "registry.example.com/ns/repo".
 * A lookup for "quay.io/a/b" tries "quay.io/a/b", "quay.io/a", "quay.io", then any key that
 * normalises to the host (a "https://host/v1/" URL key, index.docker.io → docker.io).
 * Entries are {"auth": base64("user:password")} with an optional "identitytoken".
 * Credential helpers (credHelpers, credsStore) are not supported and are ignored.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "util/cleanup.h"

struct cpod_error;

struct auth_creds {
	char *username;       /* owned; NULL when not found */
	char *password;       /* owned */
	char *identity_token; /* owned; NULL when absent */
};
void auth_creds_release(struct auth_creds *c);

/* Overrides for tests; zero-initialise. Unset fields come from the environment. */
struct auth_json_opts {
	const char *authfile;        /* --authfile */
	const char *home;            /* instead of $HOME */
	const char *xdg_runtime_dir; /* instead of $XDG_RUNTIME_DIR */
	const char *xdg_config_home; /* instead of $XDG_CONFIG_HOME */
	const char *docker_config;   /* instead of $DOCKER_CONFIG */
	bool ignore_env;             /* read no environment variable at all */
	bool set_uid;
	uid_t uid; /* instead of getuid() for /run/containers/UID */
};

/*
 * The file login and logout write (see above); owned. -ENOENT when $XDG_RUNTIME_DIR names a
 * directory that does not exist (c/image's message).
 */
int auth_json_path(const struct auth_json_opts *opts, char **ret, struct cpod_error **err);

/*
 * Credentials for key (a host or a host/repository). Returns 1 and fills *ret (release with
 * auth_creds_release()) when found, 0 when no file has them (*ret untouched), negative on a
 * malformed file (-EINVAL, "unmarshaling JSON at \"PATH\": ...") or a read error.
 */
int auth_json_get(const struct auth_json_opts *opts, const char *key, struct auth_creds *ret,
                  struct cpod_error **err);

/*
 * Store username:password for key in the written file. -EINVAL for a key with a scheme, a
 * '@' or a tag (c/image validateKey), other -errno for I/O.
 */
int auth_json_set(const struct auth_json_opts *opts, const char *key, const char *username,
                  const char *password, struct cpod_error **err);

/* Remove key from the written file; -ENOENT "not logged in" when it is not there. */
int auth_json_remove(const struct auth_json_opts *opts, const char *key, struct cpod_error **err);

/* Remove every credential from the written file (logout --all). A missing file is fine. */
int auth_json_remove_all(const struct auth_json_opts *opts, struct cpod_error **err);

/*
 * An auth file key as c/image normalises it for matching (normalizeAuthFileKey): a URL key
 * loses its scheme and path, index.docker.io and registry-1.docker.io become docker.io.
 * Owned. Exposed for tests.
 */
char *auth_json_normalize_key(const char *key);

/* Standard base64 (RFC 4648 with padding). decode returns -EINVAL on bad input. Owned. */
char *auth_base64_encode(const void *data, size_t len);
int auth_base64_decode(const char *s, char **ret, size_t *ret_len);

#endif
