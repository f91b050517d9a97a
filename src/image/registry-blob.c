/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blobs over the distribution API: download with digest and size checks (c/image v5.23
 * docker_image_src.go GetBlob, the copy pipeline's digest verification), HEAD, and upload
 * (docker_image_dest.go PutBlobWithOptions, tryReusingExactBlob/mountBlob): POST to start
 * a session or mount across repositories, then a monolithic PUT or PATCH chunks with
 * Content-Range, each answer's Location naming the next URL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry-internal.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct blob_check {
	const struct registry_sink *user;
	struct digester *digester;
	int64_t count;
	int64_t expected;
};

static int check_write(void *userdata, const void *data, size_t len)
{
	struct blob_check *b = userdata;
	b->count += (int64_t)len;
	if (b->expected >= 0 && b->count > b->expected)
		return -EFBIG;
	digester_update(b->digester, data, len);
	return b->user->write(b->user->userdata, data, len);
}

static int check_reset(void *userdata)
{
	struct blob_check *b = userdata;
	int r;
	if (!b->user->reset || (r = b->user->reset(b->user->userdata)) < 0)
		return -ESPIPE;
	digester_free(b->digester);
	b->digester = digester_new();
	b->count = 0;
	return 0;
}

static int check_digest_arg(struct registry_client *c, const char *repo, const char *digest,
                            struct cpod_error **err)
{
	if (!digest_is_valid(digest))
		return cpod_error_set(err, EINVAL, "reading blob %s in %s/%s: unsupported digest",
		                      digest, c->host, repo);
	return 0;
}

int registry_get_blob(struct registry_client *c, const char *repo, const char *digest, int64_t size,
                      const struct registry_sink *sink, struct cpod_error **err)
{
	_cleanup_free_ char *url = NULL;
	_cleanup_strv_free_ char **scopes = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;
	struct blob_check b = {sink, NULL, 0, size};
	struct registry_sink wrap = {check_write, check_reset, &b};
	struct reg_response resp = {.body = BUF_INIT};
	char hex[65];
	int r;

	if ((r = check_digest_arg(c, repo, digest, err)) < 0)
		return r;
	url = xasprintf("/v2/%s/blobs/%s", repo, digest);
	scopes = reg_repo_scopes(repo, "pull", NULL);
	b.digester = digester_new();
	struct reg_request req = {.method = "GET", .url = url, .scopes = scopes, .sink = &wrap};
	r = reg_do(c, &req, &resp, &e);
	if (r == -EFBIG && size >= 0 && b.count > size) {
		r = cpod_error_set(err, EIO,
		                   "reading blob %s in %s/%s: Size mismatch when copying, expected "
		                   "%lld, got more",
		                   digest, c->host, repo, (long long)size);
		goto out;
	}
	if (r < 0) {
		cpod_error_move(err, &e);
		r = cpod_error_wrap(err, "reading blob %s in %s/%s", digest, c->host, repo);
		goto out;
	}
	if (resp.status != 200) {
		r = reg_http_error(&resp, err, "reading blob %s in %s/%s", digest, c->host, repo);
		goto out;
	}
	if (size >= 0 && b.count != size) {
		r = cpod_error_set(err, EIO,
		                   "reading blob %s in %s/%s: Size mismatch when copying, expected "
		                   "%lld, got %lld",
		                   digest, c->host, repo, (long long)size, (long long)b.count);
		goto out;
	}
	digester_final_hex(b.digester, hex);
	if (strcmp(digest + 7, hex) != 0)
		r = cpod_error_set(
		        err, EIO,
		        "reading blob %s in %s/%s: Digest did not match, expected %s, got "
		        "sha256:%s",
		        digest, c->host, repo, digest, hex);
out:
	digester_free(b.digester);
	reg_response_release(&resp);
	return r;
}

struct mem_sink {
	struct buf buf;
};

static int mem_write(void *userdata, const void *data, size_t len)
{
	struct mem_sink *m = userdata;
	return buf_append(&m->buf, data, len) < 0 ? -EFBIG : 0;
}

static int mem_reset(void *userdata)
{
	struct mem_sink *m = userdata;
	buf_reset(&m->buf);
	return 0;
}

int registry_get_blob_mem(struct registry_client *c, const char *repo, const char *digest,
                          size_t max, char **ret, size_t *ret_len, struct cpod_error **err)
{
	struct mem_sink m;
	struct registry_sink sink = {mem_write, mem_reset, &m};
	int r;

	buf_init(&m.buf, max);
	_cleanup_error_ struct cpod_error *e = NULL;
	r = registry_get_blob(c, repo, digest, -1, &sink, &e);
	if (r == -EFBIG)
		r = cpod_error_set(
		        err, EFBIG,
		        "reading blob %s in %s/%s: exceeded maximum allowed size of %zu bytes",
		        digest, c->host, repo, max);
	else if (r < 0)
		cpod_error_move(err, &e);
	if (r == 0) {
		if (ret_len)
			*ret_len = m.buf.len;
		*ret = buf_take(&m.buf);
	}
	buf_release(&m.buf);
	return r;
}

int registry_head_blob(struct registry_client *c, const char *repo, const char *digest,
                       int64_t *ret_size, struct cpod_error **err)
{
	_cleanup_free_ char *url = xasprintf("/v2/%s/blobs/%s", repo, digest);
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull", NULL);
	struct reg_request req = {.method = "HEAD", .url = url, .scopes = scopes};
	struct reg_response resp = {.body = BUF_INIT};
	int r = reg_do(c, &req, &resp, err);

	if (r < 0)
		r = cpod_error_wrap(err, "checking whether blob %s exists in %s/%s", digest,
		                    c->host, repo);
	else if (resp.status == 200) {
		if (ret_size)
			*ret_size = resp.content_length;
		r = 1;
	} else if (resp.status == 404) {
		r = 0;
	} else {
		r = reg_http_error(&resp, err, "checking whether blob %s exists in %s/%s", digest,
		                   c->host, repo);
	}
	reg_response_release(&resp);
	return r;
}

/* One upload request; *location is replaced by the answer's Location. */
static int upload_step(struct registry_client *c, const char *method, char **location,
                       char *const *scopes, char *const *headers, struct reg_upload *up,
                       long want_status, const char *what, struct reg_response *resp,
                       struct cpod_error **err)
{
	struct reg_request req = {.method = method,
	                          .url = *location,
	                          .scopes = scopes,
	                          .headers = headers,
	                          .upload = up};
	int r;

	reg_response_release(resp);
	r = reg_do(c, &req, resp, err);
	if (r < 0)
		return cpod_error_wrap(err, "%s", what);
	if (resp->status != want_status)
		return reg_http_error(resp, err, "%s", what);
	if (resp->location) {
		_cleanup_free_ char *base = reg_resolve_url(c->base_url, *location);
		char *next = reg_resolve_url(base, resp->location);
		free(*location);
		*location = next;
	} else if (want_status == 202) {
		return cpod_error_set(err, EIO, "%s: no Location in the answer", what);
	}
	return 0;
}

static char *with_digest(const char *location, const char *digest)
{
	_cleanup_free_ char *esc = reg_escape(digest);
	return xasprintf("%s%cdigest=%s", location, strchr(location, '?') ? '&' : '?', esc);
}

/* The digest of an fd or memory source, when the caller gave none. */
static int source_digest(const struct registry_blob_source *src, char **ret)
{
	if (src->data) {
		*ret = digest_sha256_string(src->data, (size_t)src->size);
		return 0;
	}
	_cleanup_(digester_freep) struct digester *d = digester_new();
	char buf[65536], hex[65];
	for (int64_t off = 0;;) {
		ssize_t n = pread(src->fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		digester_update(d, buf, (size_t)n);
		off += n;
	}
	digester_final_hex(d, hex);
	digester_free(TAKE_PTR(d));
	*ret = xasprintf("sha256:%s", hex);
	return 0;
}

int registry_upload_blob(struct registry_client *c, const char *repo, const char *digest,
                         const struct registry_blob_source *src,
                         const struct registry_upload_opts *opts, bool *ret_mounted,
                         char **ret_digest, struct cpod_error **err)
{
	const char *from = opts ? opts->mount_from : NULL;
	size_t chunk = opts ? opts->chunk_size : 0;
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull,push", from);
	_cleanup_free_ char *what = xasprintf("uploading blob to %s/%s", c->host, repo);
	_cleanup_free_ char *computed = NULL, *location = NULL;
	char *octet[] = {(char *)"Content-Type: application/octet-stream", NULL};
	struct reg_response resp = {.body = BUF_INIT};
	bool stream = !src->data && src->fd < 0;
	int r;

	if (!digest && !stream) {
		if ((r = source_digest(src, &computed)) < 0)
			return cpod_error_set_errno(err, -r, "%s: reading the blob", what);
		digest = computed;
	}
	if (from && digest) {
		_cleanup_free_ char *d = reg_escape(digest), *f = reg_escape(from);
		location = xasprintf("/v2/%s/blobs/uploads/?mount=%s&from=%s", repo, d, f);
	} else {
		location = xasprintf("/v2/%s/blobs/uploads/", repo);
	}
	struct reg_request post = {.method = "POST", .url = location, .scopes = scopes};
	r = reg_do(c, &post, &resp, err);
	if (r < 0) {
		r = cpod_error_wrap(err, "%s", what);
		goto out;
	}
	if (resp.status == 201 && from) {
		log_debug("blob %s mounted from %s", digest, from);
		if (ret_mounted)
			*ret_mounted = true;
		goto done;
	}
	if (resp.status != 202 || !resp.location) {
		r = resp.status == 202
		            ? cpod_error_set(err, EIO, "%s: no Location in the answer", what)
		            : reg_http_error(&resp, err, "%s", what);
		goto out;
	}
	{
		_cleanup_free_ char *base = reg_resolve_url(c->base_url, location);
		char *next = reg_resolve_url(base, resp.location);
		free(location);
		location = next;
	}
	if (ret_mounted)
		*ret_mounted = false;

	if (stream || chunk) {
		_cleanup_(digester_freep) struct digester *dg = stream ? digester_new() : NULL;
		int64_t off = 0;
		for (;;) {
			int64_t len = stream ? -1
			                     : (src->size - off < (int64_t)chunk ? src->size - off
			                                                         : (int64_t)chunk);
			if (!stream && len <= 0)
				break;
			_cleanup_free_ char *range =
			        stream ? NULL
			               : xasprintf("Content-Range: %lld-%lld", (long long)off,
			                           (long long)(off + len - 1));
			char *hdrs[] = {octet[0], range, NULL};
			struct reg_upload up = {src, off, len, 0, dg};
			r = upload_step(c, "PATCH", &location, scopes, hdrs, &up, 202, what, &resp,
			                err);
			if (r < 0)
				goto out;
			if (stream)
				break;
			off += len;
		}
		if (stream) {
			char hex[65];
			digester_final_hex(dg, hex);
			digester_free(TAKE_PTR(dg));
			computed = xasprintf("sha256:%s", hex);
			if (digest && strcmp(digest, computed) != 0) {
				r = cpod_error_set(err, EIO,
				                   "%s: Digest did not match, expected %s, got %s",
				                   what, digest, computed);
				goto out;
			}
			digest = computed;
		}
		_cleanup_free_ char *put = with_digest(location, digest);
		free(location);
		location = TAKE_PTR(put);
		struct reg_upload empty = {&(struct registry_blob_source){.data = "", .fd = -1}, 0,
		                           0};
		r = upload_step(c, "PUT", &location, scopes, octet, &empty, 201, what, &resp, err);
	} else {
		_cleanup_free_ char *put = with_digest(location, digest);
		free(location);
		location = TAKE_PTR(put);
		struct reg_upload up = {src, 0, src->size, 0, NULL};
		r = upload_step(c, "PUT", &location, scopes, octet, &up, 201, what, &resp, err);
	}
	if (r < 0)
		goto out;
done:
	if (ret_digest)
		*ret_digest = xstrdup(digest);
	r = 0;
out:
	reg_response_release(&resp);
	return r;
}
