/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_REGISTRY_H
#define CPOD_IMAGE_REGISTRY_H

/*
 * A client for the OCI distribution API (registry /v2/), built on libcurl, for one registry
 * host. It does what containers/image's docker transport does for Podman 4.3:
 *
 * - Ping /v2/ once, learning the authentication scheme from WWW-Authenticate. https is
 *   used; an insecure registry (registries.conf insecure=true, --tls-verify=false) is tried
 *   with https without verification first, then with plain http.
 * - Anonymous access, Basic auth, and the bearer-token flow: GET realm?service=&scope= with
 *   the Basic credentials (or none), "token" or "access_token" in the answer, tokens cached
 *   per scope until expires_in runs out.
 * - TLS: CA files (.crt) and client pairs (.cert, .key) from certs.d directories
 *   (/etc/containers/certs.d/HOST:PORT, /etc/docker/certs.d/HOST:PORT; rootless also
 *   ~/.config/containers/certs.d) or the one --cert-dir; CAs add to the system's.
 * - Retries with exponential backoff (or a fixed --retry-delay) on connection errors, 429
 *   and 5xx, never on other 4xx; a blob download restarts only when its sink can reset.
 * - Redirects are followed by hand, without the Authorization header when the target is on
 *   another host (a blob store's signed URL).
 * - Connections, DNS and TLS sessions are shared between the client's requests (CURLSH),
 *   so concurrent downloads from several threads reuse them.
 *
 * Errors name the operation, the image and the cause, as Podman 4.3.1's do (checked by
 * hand against it):
 *   "reading manifest latest in 127.0.0.1:5000/foo: manifest unknown: manifest unknown"
 *   "reading manifest x in 127.0.0.1:5000/foo: unauthorized: authentication required"
 *   "pinging container registry 127.0.0.1:1: Get \"http://127.0.0.1:1/v2/\": dial tcp
 *    127.0.0.1:1: connect: connection refused"
 * Registry JSON error bodies ({"errors":[{"code":...,"message":...}]}) become
 * "code in lower case: message". Codes: ENOENT (404, *_UNKNOWN), EACCES (401/403),
 * EAGAIN (429 after the retries), EIO (5xx, bad digest, truncated body, protocol errors),
 * EFBIG (manifest over REGISTRY_MANIFEST_MAX), ECONNREFUSED/EHOSTUNREACH/ETIMEDOUT (network),
 * EINVAL (bad arguments, invalid answers).
 *
 * A client may be used from several threads at once (the auth state has its own lock).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/cleanup.h"

struct cpod_error;

/* Manifests larger than this are refused (containers/image's maxManifestBodySize). */
#define REGISTRY_MANIFEST_MAX (4u * 1024 * 1024)
/* Podman's --retry default, and the fixed delay libimage uses between attempts */
#define REGISTRY_DEFAULT_RETRIES        3
#define REGISTRY_DEFAULT_RETRY_DELAY_MS 1000

struct registry_opts {
	const char *host;     /* "127.0.0.1:5000", "quay.io"; "docker.io" is reached at
	                       * registry-1.docker.io */
	bool insecure;        /* http allowed and TLS not verified */
	const char *cert_dir; /* --cert-dir: this directory only, instead of certs.d */
	char *const *certs_d; /* certs.d roots; NULL: the default ones listed above */
	const char *username; /* NULL: anonymous */
	const char *password;
	unsigned max_retries;    /* 0: none; Podman's default is REGISTRY_DEFAULT_RETRIES */
	unsigned retry_delay_ms; /* --retry-delay; 0: exponential backoff from 1 s (2 s, 4 s,
	                          * ...). Podman passes REGISTRY_DEFAULT_RETRY_DELAY_MS. */
	const char *user_agent;  /* NULL: "cpod/VERSION" */
	long timeout_s;          /* connect timeout; 0: 30 s */
};

struct registry_client;

/*
 * Make a client (no network yet). The strings in opts are copied. Free with
 * registry_client_free(). -EINVAL for a missing host, -errno when a certs.d file cannot be
 * read.
 */
int registry_client_new(const struct registry_opts *opts, struct registry_client **ret,
                        struct cpod_error **err);
struct registry_client *registry_client_free(struct registry_client *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct registry_client *, registry_client_free)

/* Contact /v2/ (done lazily by every call; explicit for login). 0 or negative. */
int registry_ping(struct registry_client *c, struct cpod_error **err);

/*
 * Check the credentials as `podman login` does: ping, and for a bearer registry fetch a
 * token with them. -EACCES with "invalid username/password" wording when refused.
 */
int registry_check_login(struct registry_client *c, struct cpod_error **err);

/* The base URL chosen by the ping ("https://host"); borrowed, NULL before the ping. */
const char *registry_base_url(const struct registry_client *c);

/* A descriptor as the registry reports it. */
struct registry_descriptor {
	char *media_type; /* Content-Type; owned, may be NULL */
	char *digest;     /* Docker-Content-Digest or computed; owned, may be NULL */
	int64_t size;     /* -1 when unknown */
};
void registry_descriptor_release(struct registry_descriptor *d);

struct registry_manifest {
	char *data; /* owned, NUL-terminated */
	size_t len;
	char *media_type; /* owned, from Content-Type (or the manifest's mediaType) */
	char *digest;     /* owned: sha256 of data */
};
void registry_manifest_release(struct registry_manifest *m);

/*
 * GET /v2/REPO/manifests/REF (ref is a tag or a digest), accepting OCI and Docker schema 2
 * manifests, indexes and lists (and schema 1). At most REGISTRY_MANIFEST_MAX bytes; for a
 * digest ref the content must hash to it. *ret is released with registry_manifest_release().
 */
int registry_get_manifest(struct registry_client *c, const char *repo, const char *ref,
                          struct registry_manifest *ret, struct cpod_error **err);

/* HEAD of the same; -ENOENT when unknown. *ret released with registry_descriptor_release(). */
int registry_head_manifest(struct registry_client *c, const char *repo, const char *ref,
                           struct registry_descriptor *ret, struct cpod_error **err);

/*
 * PUT /v2/REPO/manifests/REF with media_type. ret_digest (may be NULL) receives the digest
 * of data (owned).
 */
int registry_put_manifest(struct registry_client *c, const char *repo, const char *ref,
                          const char *media_type, const void *data, size_t len, char **ret_digest,
                          struct cpod_error **err);

/* Consumer of a blob's bytes: return 0, or a negative errno to stop. */
typedef int (*registry_write_fn)(void *userdata, const void *data, size_t len);
/* Called before a retry starts the blob again from byte 0: return 0 to allow it. */
typedef int (*registry_reset_fn)(void *userdata);

struct registry_sink {
	registry_write_fn write;
	registry_reset_fn reset; /* NULL: no retry once bytes were written */
	void *userdata;
};

/*
 * GET /v2/REPO/blobs/DIGEST, streaming into sink; the bytes are checked against digest and,
 * when size >= 0, against size (-EIO "Digest did not match, expected X, got Y",
 * "Size mismatch ..."). The sink may have received the bytes even when this fails.
 */
int registry_get_blob(struct registry_client *c, const char *repo, const char *digest, int64_t size,
                      const struct registry_sink *sink, struct cpod_error **err);

/* GET a blob into memory (configs), at most max bytes (-EFBIG). *ret owned, NUL-ended. */
int registry_get_blob_mem(struct registry_client *c, const char *repo, const char *digest,
                          size_t max, char **ret, size_t *ret_len, struct cpod_error **err);

/* HEAD /v2/REPO/blobs/DIGEST: 1 and *ret_size (may be NULL) when present, 0 when not. */
int registry_head_blob(struct registry_client *c, const char *repo, const char *digest,
                       int64_t *ret_size, struct cpod_error **err);

/* Where an upload takes its bytes from. Exactly one of data / fd / read is used. */
struct registry_blob_source {
	const void *data; /* memory */
	int fd;           /* read with pread from offset 0 (set -1 when unused) */
	/* a stream that cannot be rewound: no retry once started; digest may be NULL then */
	ssize_t (*read)(void *userdata, void *buf, size_t len);
	void *userdata;
	int64_t size; /* bytes; -1 with read when unknown */
};

struct registry_upload_opts {
	const char *mount_from; /* repository to try a cross-repository mount from */
	size_t chunk_size;      /* 0: one monolithic PUT; else PATCH chunks of this size */
};

/*
 * Upload a blob: POST /v2/REPO/blobs/uploads/ (with ?mount=DIGEST&from=REPO when asked; a
 * 201 answer means mounted), then PUT ?digest= monolithic or PATCH chunks with Content-Range
 * and a final PUT, following each Location (relative or absolute). digest may be NULL for a
 * streamed source: it is computed while sending and returned in ret_digest (owned, may be
 * NULL). ret_mounted (may be NULL) tells whether the mount worked.
 */
int registry_upload_blob(struct registry_client *c, const char *repo, const char *digest,
                         const struct registry_blob_source *src,
                         const struct registry_upload_opts *opts, bool *ret_mounted,
                         char **ret_digest, struct cpod_error **err);

/* GET /v2/REPO/tags/list, following Link pagination. *ret is a strv (strv_free()). */
int registry_list_tags(struct registry_client *c, const char *repo, char ***ret,
                       struct cpod_error **err);

/* GET /v2/_catalog, following Link pagination. *ret is a strv (strv_free()). */
int registry_catalog(struct registry_client *c, char ***ret, struct cpod_error **err);

/* One blob of a parallel fetch. */
struct registry_blob_job {
	const char *digest;
	int64_t size; /* -1 when unknown */
	struct registry_sink sink;
	int result;               /* out: 0 or negative */
	struct cpod_error *error; /* out: owned by the job, free with cpod_error_free() */
};

/*
 * Fetch n blobs of repo with up to `parallel` (0: 6) at once, each as registry_get_blob().
 * Every job gets its own result; returns 0 when all succeeded, else the first failure's
 * code with its message copied into *err. Sinks are called from worker threads.
 */
int registry_fetch_blobs(struct registry_client *c, const char *repo,
                         struct registry_blob_job *jobs, size_t n, unsigned parallel,
                         struct cpod_error **err);

#endif
