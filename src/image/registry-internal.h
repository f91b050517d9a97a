/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_REGISTRY_INTERNAL_H
#define CPOD_IMAGE_REGISTRY_INTERNAL_H

/* Shared by registry-*.c; not part of the image layer's API. */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <curl/curl.h>

#include "registry.h"
#include "util/buf.h"

enum reg_auth_scheme {
	REG_AUTH_NONE,
	REG_AUTH_BASIC,
	REG_AUTH_BEARER,
};

struct reg_token {
	char *scope;
	char *token;
	struct timespec expires; /* CLOCK_MONOTONIC */
};

struct registry_client {
	char *host;     /* as named in references */
	char *api_host; /* where it is reached */
	char *base_url; /* "https://host" after the ping */
	bool insecure;
	char *username, *password;
	char *user_agent;
	long timeout_s;
	unsigned max_retries, retry_delay_ms;

	char *ca_blob; /* PEM: system bundle + certs.d CAs; NULL: curl's default */
	size_t ca_blob_len;
	char *client_cert, *client_key;

	pthread_mutex_t lock; /* guards everything below */
	bool pinged;
	enum reg_auth_scheme scheme;
	char *realm, *service;
	struct reg_token *tokens;
	size_t n_tokens;

	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
};

/* Header lines and body of one HTTP exchange. */
struct reg_response {
	long status;
	char reason[64]; /* the status line's reason phrase */
	struct buf body; /* the error body, or the whole body without a sink */
	char *content_type;
	char *digest; /* Docker-Content-Digest */
	char *location;
	char *link;
	char *www_authenticate;
	char *range;
	int64_t content_length; /* -1 when absent */
	int64_t received;       /* body bytes given to the sink */
	CURLcode curl_code;
	char curl_error[CURL_ERROR_SIZE];
};
void reg_response_release(struct reg_response *r);

/* A streaming upload body. */
struct reg_upload {
	const struct registry_blob_source *src;
	int64_t offset; /* where this request starts */
	int64_t len;    /* bytes to send; -1: until the stream ends */
	int64_t sent;
	struct digester *digester; /* fed with every byte sent, may be NULL */
};

struct reg_request {
	const char *method;
	const char *url;      /* absolute URL, or a path below the base URL */
	char *const *scopes;  /* bearer scopes, NULL-terminated; NULL: no auth needed */
	char *const *headers; /* "Name: value" lines */
	const void *body;     /* with body_len, or upload */
	size_t body_len;
	struct reg_upload *upload;
	const struct registry_sink *sink; /* 2xx body goes here instead of resp->body */
	size_t max_body;                  /* cap for resp->body; exceeding it fails with -EFBIG */
	bool no_retry;
};

/*
 * Do one request: ping first, authenticate (Basic, or a bearer token for req->scopes,
 * refreshed once on 401), follow redirects, retry transient failures. Any HTTP status is a
 * success here (the caller judges it); -errno only for transport failures, with a message
 * in *err ("pinging container registry HOST: ..." and the like). resp is released by the
 * caller with reg_response_release() in every case.
 */
int reg_do(struct registry_client *c, const struct reg_request *req, struct reg_response *resp,
           struct cpod_error **err);

/*
 * One exchange with url (absolute): no ping, redirects or retries; auth is the whole
 * Authorization value or NULL. Transport failures only, as reg_do().
 */
int reg_perform(struct registry_client *c, const struct reg_request *req, const char *method,
                const char *url, const char *auth, struct reg_response *resp,
                struct cpod_error **err);

/* The error for a non-successful response: "ctx: cause" with the registry's message. */
int reg_http_error(const struct reg_response *resp, struct cpod_error **err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The cause text of an error response (registry JSON errors, or the status). Owned. */
char *reg_error_cause(const struct reg_response *resp);

/* errno for an HTTP status */
int reg_status_errno(long status);

/* ---- auth (registry-auth.c) ---- */

/* Parse a WWW-Authenticate value: scheme (lower case) and realm/service/scope/error params. */
struct reg_challenge {
	char *scheme;
	char *realm, *service, *scope, *error, *error_description;
};
int reg_parse_challenge(const char *value, struct reg_challenge *ret);
void reg_challenge_release(struct reg_challenge *ch);

/*
 * The Authorization header value for scopes (owned, NULL for anonymous), fetching a token
 * when needed (force: ignore the cache). Takes c->lock.
 */
int reg_auth_header(struct registry_client *c, char *const *scopes, bool force, char **ret,
                    struct cpod_error **err);

/* Set up a curl easy handle with the client's TLS, share and timeouts. */
CURL *reg_easy_new(struct registry_client *c, const char *url);

/* Resolve location against base_url: absolute URLs stay, "/path" and "path" are joined. */
char *reg_resolve_url(const char *base, const char *location);

/* True when a and b have the same scheme, host and port. */
bool reg_same_origin(const char *a, const char *b);

/* "repository:REPO:ACTIONS" scope strings */
char **reg_repo_scopes(const char *repo, const char *actions, const char *mount_from);

/* Percent-escaped copy of s for a query value; owned. */
char *reg_escape(const char *s);

#endif
