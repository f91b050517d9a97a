/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_REGISTRY_TEST_FAKE_H
#define CPOD_REGISTRY_TEST_FAKE_H

/*
 * The scripted registry of test-registry.c: one path prefix per fault
 * (/v2/t/SCENARIO/...), optional Basic or bearer auth with its own token issuer at /token,
 * and a second server on another port as the target of a redirect.
 */
#include "image/manifest.h"
#include "registry-test-helpers.h"
#include "util/digest.h"

static char *random_bytes(size_t n)
{
	char *b = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(rand() & 0xff);
	return b;
}

enum fake_auth { FAKE_OPEN, FAKE_BASIC, FAKE_BEARER };

struct fake_state {
	char *blob;
	size_t blob_len;
	char *digest;
	char *manifest;
	enum fake_auth auth;
	char expect_basic[256];
	bool access_token;
	struct fake_server *other;
	char token_query[1024];
	int count[16];
};

enum {
	SC_CORRUPT,
	SC_SHORT,
	SC_RETRY,
	SC_FAIL,
	SC_MISSING,
	SC_BIG,
	SC_BADJSON,
	SC_DROP,
	SC_REDIRECT,
	SC_PAGED,
	SC_GOOD,
	SC_BADDIGEST,
	SC_OTHER
};

static const char *const scenarios[] = {"corrupt",  "short", "retry",   "fail",
                                        "missing",  "big",   "badjson", "drop",
                                        "redirect", "paged", "good",    "baddigest"};

static int scenario_of(const char *path)
{
	for (int i = 0; i < SC_OTHER; i++) {
		char pre[64];
		snprintf(pre, sizeof(pre), "/v2/t/%s/", scenarios[i]);
		if (strncmp(path, pre, strlen(pre)) == 0)
			return i;
	}
	return SC_OTHER;
}

static bool fake_check_auth(struct fake_server *s, struct fake_state *st, int fd,
                            const struct fake_request *req)
{
	static const char unauth[] = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":"
	                             "\"authentication required\"}]}";
	if (st->auth == FAKE_OPEN)
		return true;
	if (st->auth == FAKE_BASIC) {
		if (strcmp(req->authorization, st->expect_basic) == 0)
			return true;
		fake_respond(fd, 401, "WWW-Authenticate: Basic realm=\"fake\"\r\n", unauth,
		             strlen(unauth));
		return false;
	}
	if (strcmp(req->authorization, "Bearer tok-1") == 0)
		return true;
	_cleanup_free_ char *h = xasprintf("WWW-Authenticate: Bearer realm=\"%s/token\","
	                                   "service=\"fake-registry\"\r\n",
	                                   s->base);
	fake_respond(fd, 401, h, unauth, strlen(unauth));
	return false;
}

static void fake_token(struct fake_server *s, struct fake_state *st, int fd,
                       const struct fake_request *req)
{
	snprintf(st->token_query, sizeof(st->token_query), "%s", req->path);
	if (strcmp(req->authorization, st->expect_basic) != 0) {
		const char *b = "{\"details\":\"incorrect username or password\"}";
		fake_respond(fd, 401, NULL, b, strlen(b));
		return;
	}
	s->token_hits++;
	const char *b = st->access_token ? "{\"access_token\":\"tok-1\",\"expires_in\":300}"
	                                 : "{\"token\":\"tok-1\",\"expires_in\":300}";
	fake_respond(fd, 200, "Content-Type: application/json\r\n", b, strlen(b));
}

static void fake_handle(struct fake_server *s, int fd, const struct fake_request *req)
{
	struct fake_state *st = s->data;
	const char *oci = "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n";

	if (strncmp(req->path, "/token", 6) == 0) {
		fake_token(s, st, fd, req);
		return;
	}
	if (!fake_check_auth(s, st, fd, req))
		return;
	if (strcmp(req->path, "/v2/") == 0) {
		fake_respond(fd, 200, NULL, "{}", 2);
		return;
	}
	int sc = scenario_of(req->path);
	int n = ++st->count[sc];
	s->hits++;
	switch (sc) {
	case SC_GOOD:
		if (strstr(req->path, "/manifests/"))
			fake_respond(fd, 200, oci, st->manifest, strlen(st->manifest));
		else
			fake_respond(fd, 200, NULL, st->blob, st->blob_len);
		return;
	case SC_CORRUPT: {
		_cleanup_free_ char *bad = xmemdup(st->blob, st->blob_len);
		bad[0] ^= 1;
		fake_respond(fd, 200, NULL, bad, st->blob_len);
		return;
	}
	case SC_SHORT:
		fake_respond(fd, 200, NULL, st->blob, st->blob_len / 2);
		return;
	case SC_DROP:
		/* the first attempt loses the connection half way */
		if (n > 1) {
			fake_respond(fd, 200, NULL, st->blob, st->blob_len);
		} else {
			_cleanup_free_ char *h = xasprintf(
			        "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", st->blob_len);
			fake_send(fd, h);
			(void)write_all(fd, st->blob, st->blob_len / 2);
		}
		return;
	case SC_RETRY:
		if (n == 1) {
			const char *b = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":"
			                "\"slow down\"}]}";
			fake_respond(fd, 429, NULL, b, strlen(b));
		} else {
			fake_respond(fd, 200, NULL, st->blob, st->blob_len);
		}
		return;
	case SC_FAIL:
		fake_respond(fd, 500, NULL, "oops", 4);
		return;
	case SC_MISSING: {
		const char *b =
		        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
		        "unknown\",\"detail\":{\"Tag\":\"x\"}}]}";
		fake_respond(fd, 404, NULL, b, strlen(b));
		return;
	}
	case SC_BIG: {
		size_t big = MANIFEST_MAX + 1;
		_cleanup_free_ char *h =
		        xasprintf("HTTP/1.1 200 OK\r\n%sContent-Length: %zu\r\n\r\n", oci, big);
		_cleanup_free_ char *spaces = xmalloc(big);
		memset(spaces, ' ', big);
		fake_send(fd, h);
		(void)write_all(fd, spaces, big);
		return;
	}
	case SC_BADJSON:
		fake_respond(fd, 200, NULL, "{not json", 9);
		return;
	case SC_REDIRECT: {
		_cleanup_free_ char *h =
		        xasprintf("Location: %s/storage/blob\r\n", st->other->base);
		fake_respond(fd, 307, h, NULL, 0);
		return;
	}
	case SC_PAGED:
		if (!strstr(req->path, "last=")) {
			const char *b = "{\"name\":\"t/paged\",\"tags\":[\"a\",\"b\"]}";
			fake_respond(fd, 200,
			             "Link: </v2/t/paged/tags/list?last=b&n=2>; rel=\"next\"\r\n",
			             b, strlen(b));
		} else {
			const char *b = "{\"name\":\"t/paged\",\"tags\":[\"c\"]}";
			fake_respond(fd, 200, NULL, b, strlen(b));
		}
		return;
	case SC_BADDIGEST:
		fake_respond(fd, 200, oci, st->manifest, strlen(st->manifest));
		return;
	default:
		fake_respond(fd, 404, NULL, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}", 34);
	}
}

/* The redirect target: another origin, which must not see the credentials. */
static void other_handle(struct fake_server *s, int fd, const struct fake_request *req)
{
	struct fake_state *st = s->data;
	s->hits++;
	fake_respond(fd, 200, NULL, st->blob, st->blob_len);
}

struct fake_fixture {
	struct fake_server main, other;
	struct fake_state st;
};

static int fake_setup(void **state)
{
	struct fake_fixture *f = xnew(struct fake_fixture, 1);
	f->st.blob_len = 20000;
	f->st.blob = random_bytes(f->st.blob_len);
	f->st.digest = digest_sha256_string(f->st.blob, f->st.blob_len);
	f->st.manifest = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{"
	                           "\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},"
	                           "\"layers\":[]}",
	                           MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_CONFIG, f->st.digest,
	                           f->st.blob_len);
	f->st.other = &f->other;
	if (fake_start(&f->main, fake_handle, &f->st) < 0 ||
	    fake_start(&f->other, other_handle, &f->st) < 0)
		return -1;
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_fixture *f = *state;
	fake_stop(&f->main);
	fake_stop(&f->other);
	free(f->st.blob);
	free(f->st.digest);
	free(f->st.manifest);
	free(f);
	return 0;
}

#endif
