/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One HTTP exchange with a registry: ping (c/image docker_client.go detectProperties),
 * authentication, redirects without credentials to other hosts, and retries of transient
 * failures (c/common pkg/retry: network errors, 429 and 5xx; never other 4xx).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "registry-internal.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ERROR_BODY_MAX (64 * 1024)
#define MAX_REDIRECTS  10

struct xfer {
	const struct reg_request *req;
	struct reg_response *resp;
	size_t cap;
	int sink_error; /* negative errno from the sink */
	bool too_big;
};

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	const char *v = line + nl + 1;
	const char *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return xstrndup(v, (size_t)(end - v));
}

static void set_header(char **field, char *v)
{
	if (!v)
		return;
	free(*field);
	*field = v;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
	struct xfer *x = userdata;
	struct reg_response *r = x->resp;
	size_t len = size * n;
	char *v;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue or a redirect): forget the old headers */
		buf_reset(&r->body);
		reg_response_release(r);
		r->content_length = -1;
		return len;
	}
	set_header(&r->content_type, header_value(data, len, "Content-Type"));
	set_header(&r->digest, header_value(data, len, "Docker-Content-Digest"));
	set_header(&r->location, header_value(data, len, "Location"));
	set_header(&r->link, header_value(data, len, "Link"));
	set_header(&r->range, header_value(data, len, "Range"));
	if ((v = header_value(data, len, "WWW-Authenticate"))) {
		/* prefer a Bearer challenge when several are offered */
		if (!r->www_authenticate || strncasecmp(v, "bearer", 6) == 0)
			set_header(&r->www_authenticate, v);
		else
			free(v);
	}
	if ((v = header_value(data, len, "Content-Length"))) {
		char *end = NULL;
		long long cl = strtoll(v, &end, 10);
		r->content_length = end && *end == '\0' && cl >= 0 ? cl : -1;
		free(v);
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct xfer *x = userdata;
	size_t len = size * n;
	long status = x->resp->status;
	if (x->req->sink && status >= 200 && status < 300) {
		int r = x->req->sink->write(x->req->sink->userdata, data, len);
		if (r < 0) {
			x->sink_error = r;
			return 0;
		}
		x->resp->received += (int64_t)len;
		return len;
	}
	if (x->resp->body.len + len > x->cap) {
		x->too_big = true;
		return 0;
	}
	buf_append(&x->resp->body, data, len);
	return len;
}

/* The status is known once the headers are in: record it for on_body. */
static size_t on_header_status(char *data, size_t size, size_t n, void *userdata)
{
	struct xfer *x = userdata;
	size_t len = size * n;
	/* "HTTP/1.1 200 OK", "HTTP/2 200" (no reason phrase) */
	if (len >= 10 && strncmp(data, "HTTP/", 5) == 0) {
		const char *sp = memchr(data, ' ', len);
		if (sp) {
			char *end = NULL;
			x->resp->status = strtol(sp + 1, &end, 10);
			size_t rl = end ? strcspn(end + (*end == ' '), "\r\n") : 0;
			if (rl >= sizeof(x->resp->reason))
				rl = sizeof(x->resp->reason) - 1;
			memcpy(x->resp->reason, end + (*end == ' '), rl);
			x->resp->reason[rl] = '\0';
		}
	}
	return on_header(data, size, n, userdata);
}

static size_t on_read(char *buffer, size_t size, size_t n, void *userdata)
{
	struct reg_upload *u = userdata;
	size_t want = size * n;
	ssize_t got;

	if (u->len >= 0 && (int64_t)want > u->len - u->sent)
		want = (size_t)(u->len - u->sent);
	if (want == 0)
		return 0;
	if (u->src->data) {
		memcpy(buffer, (const char *)u->src->data + u->offset + u->sent, want);
		got = (ssize_t)want;
	} else if (u->src->fd >= 0) {
		do
			got = pread(u->src->fd, buffer, want, u->offset + u->sent);
		while (got < 0 && errno == EINTR);
	} else {
		got = u->src->read(u->src->userdata, buffer, want);
	}
	if (got < 0)
		return CURL_READFUNC_ABORT;
	if (u->digester)
		digester_update(u->digester, buffer, (size_t)got);
	u->sent += got;
	return (size_t)got;
}

static int curl_errno(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return EHOSTUNREACH;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return ENOMEM;
	default:
		return EIO;
	}
}

static bool curl_retryable(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static const char *method_name(const char *m)
{
	/* Go's http.Client names the method in Title case in its errors: Get "URL": ... */
	if (strcmp(m, "GET") == 0)
		return "Get";
	if (strcmp(m, "HEAD") == 0)
		return "Head";
	if (strcmp(m, "PUT") == 0)
		return "Put";
	if (strcmp(m, "POST") == 0)
		return "Post";
	if (strcmp(m, "PATCH") == 0)
		return "Patch";
	return m;
}

/*
 * The cause of a transport failure, worded like Go's net/http where Podman users know the
 * text: "dial tcp 127.0.0.1:5000: connect: connection refused", "http: server gave HTTP
 * response to HTTPS client"; curl's own message otherwise.
 */
static char *transport_cause(CURLcode code, const char *url, long os_errno, const char *curl_msg)
{
	if (code == CURLE_COULDNT_CONNECT && os_errno > 0) {
		bool https = strncmp(url, "https://", 8) == 0;
		const char *host = strstr(url, "://") + 3;
		size_t hl = strcspn(host, "/?#");
		bool has_port = memchr(host, ':', hl) && host[0] != '[';
		_cleanup_free_ char *e = xstrdup(strerror((int)os_errno));
		e[0] = (char)tolower((unsigned char)e[0]);
		return has_port ? xasprintf("dial tcp %.*s: connect: %s", (int)hl, host, e)
		                : xasprintf("dial tcp %.*s:%s: connect: %s", (int)hl, host,
		                            https ? "443" : "80", e);
	}
	if (code == CURLE_SSL_CONNECT_ERROR && strstr(curl_msg, "wrong version number"))
		return xstrdup("http: server gave HTTP response to HTTPS client");
	return xstrdup(curl_msg[0] ? curl_msg : curl_easy_strerror(code));
}

int reg_perform(struct registry_client *c, const struct reg_request *req, const char *method,
                const char *url, const char *auth, struct reg_response *resp,
                struct cpod_error **err)
{
	struct xfer x = {req, resp, req->max_body ? req->max_body : ERROR_BODY_MAX, 0, false};
	struct curl_slist *hdrs = NULL;
	_cleanup_free_ char *auth_line = auth ? xasprintf("Authorization: %s", auth) : NULL;
	CURL *h = reg_easy_new(c, url);
	CURLcode code;

	if (!h)
		return cpod_error_set(err, ENOMEM, "initialising libcurl");
	resp->status = 0;
	resp->content_length = -1;
	buf_reset(&resp->body);
	resp->curl_error[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, resp->curl_error);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header_status);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (char *const *hl = req->headers; hl && *hl; hl++)
		hdrs = curl_slist_append(hdrs, *hl);
	if (auth_line)
		hdrs = curl_slist_append(hdrs, auth_line);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (req->upload) {
			req->upload->sent = 0;
			curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
			curl_easy_setopt(h, CURLOPT_READDATA, req->upload);
			curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->upload->len);
		} else {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		}
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	log_debug("%s %s", method, url);
	code = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	long os_errno = 0;
	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	resp->curl_code = code;
	if (x.sink_error)
		return cpod_error_set(err, -x.sink_error, "writing the response of %s: %s", url,
		                      strerror(-x.sink_error));
	if (x.too_big)
		return cpod_error_set(err, EFBIG, "%s \"%s\": response larger than %zu bytes",
		                      method_name(method), url, x.cap);
	if (code != CURLE_OK) {
		_cleanup_free_ char *cause = transport_cause(code, url, os_errno, resp->curl_error);
		return cpod_error_set(err, curl_errno(code), "%s \"%s\": %s", method_name(method),
		                      url, cause);
	}
	log_debug("%s %s: %ld", method, url, resp->status);
	return 0;
}

/* perform(), following redirects by hand for GET and HEAD */
static int perform_follow(struct registry_client *c, const struct reg_request *req, const char *url,
                          const char *auth, struct reg_response *resp, struct cpod_error **err)
{
	_cleanup_free_ char *cur = xstrdup(url);
	bool is_get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

	for (int i = 0;; i++) {
		/* credentials go only where they were meant for (Go's http.Client does the same) */
		const char *a = reg_same_origin(cur, url) ? auth : NULL;
		int r = reg_perform(c, req, req->method, cur, a, resp, err);
		if (r < 0)
			return r;
		bool redirect = resp->status == 301 || resp->status == 302 || resp->status == 303 ||
		                resp->status == 307 || resp->status == 308;
		if (!is_get || !redirect || !resp->location)
			return 0;
		if (i >= MAX_REDIRECTS)
			return cpod_error_set(err, EIO, "%s \"%s\": stopped after %d redirects",
			                      method_name(req->method), url, MAX_REDIRECTS);
		char *next = reg_resolve_url(cur, resp->location);
		log_debug("redirected to %s", next);
		free(cur);
		cur = next;
	}
}

static void backoff(struct registry_client *c, unsigned attempt)
{
	unsigned long ms = c->retry_delay_ms;
	if (!ms)
		ms = 1000ul << (attempt < 10 ? attempt : 10);
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool can_restart(const struct reg_request *req, const struct reg_response *resp)
{
	if (req->upload && !req->upload->src->data && req->upload->src->fd < 0 &&
	    req->upload->sent > 0)
		return false;
	if (req->sink && resp->received > 0) {
		if (!req->sink->reset || req->sink->reset(req->sink->userdata) < 0)
			return false;
	}
	return true;
}

static int do_ping(struct registry_client *c, struct cpod_error **err)
{
	static const char *const schemes[] = {"https", "http"};
	_cleanup_error_ struct cpod_error *last = NULL;
	int r = 0;

	for (size_t s = 0; s < (c->insecure ? 2u : 1u); s++) {
		_cleanup_free_ char *url = xasprintf("%s://%s/v2/", schemes[s], c->api_host);
		struct reg_request req = {.method = "GET", .url = url};
		struct reg_response resp = {.body = BUF_INIT};
		cpod_error_free(last);
		last = NULL;
		for (unsigned attempt = 0;; attempt++) {
			r = reg_perform(c, &req, "GET", url, NULL, &resp, &last);
			bool transient = r < 0 ? curl_retryable(resp.curl_code)
			                       : resp.status == 429 || resp.status >= 500;
			if (r == 0 && resp.status != 200 && resp.status != 401) {
				_cleanup_free_ char *cause = reg_error_cause(&resp);
				r = cpod_error_set(&last, reg_status_errno(resp.status), "%s",
				                   cause);
			}
			if (r == 0 || !transient || attempt >= c->max_retries)
				break;
			log_debug("pinging %s failed, retrying (%u/%u)", url, attempt + 1,
			          c->max_retries);
			cpod_error_free(last);
			last = NULL;
			backoff(c, attempt);
		}
		if (r == 0) {
			free(c->base_url);
			c->base_url = xasprintf("%s://%s", schemes[s], c->api_host);
			c->scheme = REG_AUTH_NONE;
			if (resp.status == 401 && resp.www_authenticate) {
				struct reg_challenge ch = {0};
				if (reg_parse_challenge(resp.www_authenticate, &ch) == 0) {
					if (strcmp(ch.scheme, "bearer") == 0 && ch.realm) {
						c->scheme = REG_AUTH_BEARER;
						free(c->realm);
						free(c->service);
						c->realm = TAKE_PTR(ch.realm);
						c->service = TAKE_PTR(ch.service);
					} else if (strcmp(ch.scheme, "basic") == 0) {
						c->scheme = REG_AUTH_BASIC;
					}
				}
				reg_challenge_release(&ch);
			}
			reg_response_release(&resp);
			c->pinged = true;
			return 0;
		}
		reg_response_release(&resp);
	}
	cpod_error_move(err, &last);
	return cpod_error_wrap(err, "pinging container registry %s", c->host);
}

int registry_ping(struct registry_client *c, struct cpod_error **err)
{
	pthread_mutex_lock(&c->lock);
	int r = c->pinged ? 0 : do_ping(c, err);
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* A 401 naming a bearer realm we did not know (anonymous ping, token-protected repos). */
static bool learn_challenge(struct registry_client *c, const struct reg_response *resp)
{
	struct reg_challenge ch = {0};
	bool changed = false;

	if (!resp->www_authenticate || reg_parse_challenge(resp->www_authenticate, &ch) < 0)
		return false;
	pthread_mutex_lock(&c->lock);
	if (strcmp(ch.scheme, "bearer") == 0 && ch.realm) {
		changed = c->scheme != REG_AUTH_BEARER || !c->realm ||
		          strcmp(c->realm, ch.realm) != 0;
		c->scheme = REG_AUTH_BEARER;
		free(c->realm);
		free(c->service);
		c->realm = TAKE_PTR(ch.realm);
		c->service = TAKE_PTR(ch.service);
	} else if (strcmp(ch.scheme, "basic") == 0 && c->scheme != REG_AUTH_BASIC) {
		c->scheme = REG_AUTH_BASIC;
		changed = true;
	}
	pthread_mutex_unlock(&c->lock);
	reg_challenge_release(&ch);
	return changed;
}

static bool scheme_is_bearer(struct registry_client *c)
{
	pthread_mutex_lock(&c->lock);
	bool b = c->scheme == REG_AUTH_BEARER;
	pthread_mutex_unlock(&c->lock);
	return b;
}

int reg_do(struct registry_client *c, const struct reg_request *req, struct reg_response *resp,
           struct cpod_error **err)
{
	bool refreshed = false;
	int r;

	if ((r = registry_ping(c, err)) < 0)
		return r;
	_cleanup_free_ char *url = reg_resolve_url(c->base_url, req->url);
	for (unsigned attempt = 0;;) {
		_cleanup_free_ char *auth = NULL;
		_cleanup_error_ struct cpod_error *e = NULL;

		if (req->scopes && (r = reg_auth_header(c, req->scopes, refreshed, &auth, err)) < 0)
			return r;
		resp->received = 0;
		r = perform_follow(c, req, url, auth, resp, &e);
		if (r == 0 && resp->status == 401 && req->scopes && !refreshed &&
		    (learn_challenge(c, resp) || scheme_is_bearer(c))) {
			/* the token may have expired or lack a scope: get a fresh one, once */
			refreshed = true;
			if (can_restart(req, resp))
				continue;
		}
		bool transient = r < 0 ? curl_retryable(resp->curl_code)
		                       : resp->status == 429 || resp->status >= 500;
		if (!transient || attempt >= c->max_retries || !can_restart(req, resp)) {
			if (r < 0)
				cpod_error_move(err, &e);
			return r;
		}
		log_debug("%s %s: %s, retrying (%u/%u)", req->method, url,
		          r < 0 ? e->msg : "transient status", attempt + 1, c->max_retries);
		backoff(c, attempt);
		attempt++;
	}
}

int registry_check_login(struct registry_client *c, struct cpod_error **err)
{
	char *no_scopes[] = {NULL};
	struct reg_request req = {.method = "GET", .url = "/v2/", .scopes = no_scopes};
	struct reg_response resp = {.body = BUF_INIT};
	int r = reg_do(c, &req, &resp, err);
	if (r == 0 && resp.status != 200) {
		if (resp.status == 401) {
			/* podman login: Error: logging into "HOST": invalid username/password */
			r = cpod_error_set(err, EACCES, "invalid username/password");
		} else {
			r = reg_http_error(&resp, err, "checking credentials for %s", c->host);
		}
	}
	reg_response_release(&resp);
	return r;
}
