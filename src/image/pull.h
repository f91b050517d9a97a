/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_PULL_H
#define CPOD_IMAGE_PULL_H

/*
 * Moving images between registries and the local store, as Podman 4.3 (libimage and
 * containers/image 5.23) does: pull with short-name resolution, policy.json, blocked
 * registries and mirrors; push to a registry or an archive; login/logout; search.
 *
 * Pull writes nothing visible until the end: layers are created one by one (each
 * content-addressed, so a layer left by an interrupted pull is simply reused by the next
 * one) and the image record is made by one store transaction after the config and every
 * layer have been verified. A pull killed at any point leaves no image behind.
 *
 * Errors read like Podman's, "initializing source docker://REF: CAUSE" for a registry
 * failure, "Source image rejected: ..." for the policy, and several failed candidates are
 * listed as "N errors occurred while pulling:\n * ...". Codes: ENOENT (unknown image or
 * tag), EACCES (credentials, policy, blocked registry), EINVAL (bad names, malformed data),
 * ENOTSUP (signature verification, unsupported formats), EIO and network errors from the
 * registry client.
 */
#include <stdbool.h>
#include <stdio.h>

#include "util/cleanup.h"
#include "util/error.h"

struct store;
struct registries_conf;
struct registry_client;

/* How to reach registries: shared by pull, push, login, logout and search. */
struct image_registry_access {
	int tls_verify;       /* -1: registries.conf decides; 0: insecure allowed; 1: verify */
	const char *cert_dir; /* --cert-dir */
	const char *creds;    /* --creds "user[:password]" */
	const char *username; /* explicit credentials (login), override creds and auth files */
	const char *password;
	const char *authfile;    /* --authfile */
	int retries;             /* --retry; -1: REGISTRY_DEFAULT_RETRIES */
	unsigned retry_delay_ms; /* --retry-delay; 0: REGISTRY_DEFAULT_RETRY_DELAY_MS */
	const struct registries_conf *registries; /* borrowed; NULL: loaded on demand */
};

/*
 * A client for host ("127.0.0.1:5000"), with the credentials for auth_key ("host/repo" or
 * "host") from --creds or the auth files, and insecure as --tls-verify or registries.conf
 * say. rc may be NULL (then only --tls-verify counts). Free with registry_client_free().
 */
int image_registry_client(const struct image_registry_access *a, const struct registries_conf *rc,
                          const char *host, const char *auth_key, struct registry_client **ret,
                          struct cpod_error **err);

/* ---- policy.json ----------------------------------------------------------------------- */

struct image_policy;

/*
 * Load policy.json: path if given (--signature-policy), else ~/.config/containers/policy.json
 * when it exists, else /etc/containers/policy.json. A missing file is an error (c/image
 * refuses to pull without a policy). *ret freed with image_policy_free().
 */
int image_policy_load(const char *path, struct image_policy **ret, struct cpod_error **err);
/* Parse a policy document (tests, fuzzing); name is for messages. */
int image_policy_parse(const char *name, const char *data, size_t len, struct image_policy **ret,
                       struct cpod_error **err);
struct image_policy *image_policy_free(struct image_policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct image_policy *, image_policy_free)

/*
 * Whether the policy accepts the image ref ("host/repo:tag" or "host/repo@sha256:...") of
 * transport ("docker"). Requirements are looked up as c/image does: the transport's scope
 * equal to ref, then its namespaces from the longest ("host/a/b", "host/a", "host", and
 * "*.domain" wildcards), then the transport's "" scope, then "default". Every requirement
 * must accept: insecureAcceptAnything accepts; reject refuses with -EACCES "Source image
 * rejected: Running image docker://REF is rejected by policy."; signedBy and
 * sigstoreSigned refuse with -ENOTSUP (cpod cannot verify signatures, and never accepts
 * what it cannot verify).
 */
int image_policy_check(const struct image_policy *p, const char *transport, const char *ref,
                       struct cpod_error **err);

/* ---- pull ------------------------------------------------------------------------------ */

struct image_pull_opts {
	struct image_registry_access access;
	const char *os, *arch, *variant; /* platform; NULL: the host's */
	bool all_tags;                   /* -a: every tag of the repository */
	const char *policy_path;         /* --signature-policy */
	FILE *progress;                  /* Podman's progress lines, or NULL (-q) */
	bool progress_tty;               /* live progress lines (a terminal) */
	bool can_prompt;                 /* stdin is a terminal (short-name enforcing) */
	unsigned parallel;               /* concurrent layer downloads; 0: 6 */
};

/*
 * Pull name (short or qualified, tag or digest; with all_tags a repository) into the store.
 * *ret_ids (strv, may be NULL) gets the image ID of each image pulled, in order.
 */
int image_pull(struct store *s, const char *name, const struct image_pull_opts *opts,
               char ***ret_ids, struct cpod_error **err);

/*
 * The references to try for name, in order, as libimage's pull resolution gives them:
 * an alias, else the unqualified-search registries (short-name-mode enforcing without a
 * prompt refuses more than one), else the name itself. *ret_note (may be NULL) receives the
 * "Resolving ..." line Podman prints, or NULL. Exposed for tests.
 */
int image_pull_candidates(const struct registries_conf *rc, const char *name, bool can_prompt,
                          char ***ret, char **ret_note, struct cpod_error **err);

/* ---- push ------------------------------------------------------------------------------ */

enum image_push_format {
	IMAGE_PUSH_FORMAT_KEEP, /* the stored manifest's type (OCI for imported images) */
	IMAGE_PUSH_FORMAT_OCI,
	IMAGE_PUSH_FORMAT_V2S2,
};

enum image_push_compression {
	IMAGE_PUSH_COMPRESSION_KEEP, /* kept blobs as they are; raw layers gzipped */
	IMAGE_PUSH_COMPRESSION_GZIP,
	IMAGE_PUSH_COMPRESSION_ZSTD,
};

struct image_push_opts {
	struct image_registry_access access;
	enum image_push_format format;
	enum image_push_compression compression;
	bool force_compression; /* --compression-format given: recompress kept blobs too */
	const char *digestfile;
	FILE *progress;
};

/*
 * Push the local image src to dest: "docker://REF" or a plain reference (registry),
 * "oci:DIR[:REF]", "oci-archive:FILE[:REF]", "docker-archive:FILE[:REF]". dest NULL: src's
 * own name. *ret_digest (may be NULL) gets the manifest digest written for registries.
 */
int image_push(struct store *s, const char *src, const char *dest,
               const struct image_push_opts *opts, char **ret_digest, struct cpod_error **err);

/* ---- login / logout / search ------------------------------------------------------------ */

/*
 * Check username/password against the registry of key ("host" or "host/repo"), then store
 * them in the auth file. -EACCES when refused.
 */
int image_login(const char *key, const struct image_registry_access *a, struct cpod_error **err);
/* Remove the credentials of key (all when key is NULL). -ENOENT "not logged in". */
int image_logout(const char *key, const char *authfile, struct cpod_error **err);
/* The user name stored for key; owned. -ENOENT "not logged into KEY". */
int image_login_get(const char *key, const char *authfile, char **ret, struct cpod_error **err);

struct image_search_result {
	char *index; /* "127.0.0.1:5000" */
	char *name;  /* "127.0.0.1:5000/foo" */
	char *tag;   /* with list_tags */
};

struct image_search_opts {
	struct image_registry_access access;
	bool list_tags;
	int limit; /* 0: Podman's default (25 per registry; tags: no limit) */
};

/*
 * Search term in the registries (a term with a registry searches that one only, else every
 * unqualified-search registry), through /v2/_catalog filtered by the term as Podman does
 * for a registry without a search API. With list_tags term names one repository.
 * Results in *ret (n in *ret_n), freed with image_search_results_free().
 */
int image_search(const char *term, const struct image_search_opts *opts,
                 struct image_search_result **ret, size_t *ret_n, struct cpod_error **err);
void image_search_results_free(struct image_search_result *r, size_t n);

#endif
