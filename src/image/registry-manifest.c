/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests, tags and the catalog over the distribution API (c/image v5.23
 * docker_image_src.go fetchManifest, docker_image_dest.go PutManifest, docker_image.go
 * GetRepositoryTags with its Link pagination).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "manifest.h"
#include "registry-internal.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LIST_PAGE_MAX    (4u * 1024 * 1024)
#define LIST_PAGES_MAX   10000
#define LIST_ENTRIES_MAX 1000000

static const char accept_header[] =
        "Accept: " MEDIA_TYPE_OCI_MANIFEST ", " MEDIA_TYPE_DOCKER_MANIFEST ", " MEDIA_TYPE_OCI_INDEX
        ", " MEDIA_TYPE_DOCKER_LIST ", " MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED
        ", " MEDIA_TYPE_DOCKER_SCHEMA1;

/* "application/json; charset=utf-8" → "application/json" */
static char *mime_only(const char *ct)
{
	if (!ct)
		return NULL;
	size_t n = strcspn(ct, "; \t");
	return n ? xstrndup(ct, n) : NULL;
}

static bool is_digest_ref(const char *ref)
{
	return strchr(ref, ':') != NULL;
}

int registry_get_manifest(struct registry_client *c, const char *repo, const char *ref,
                          struct registry_manifest *ret, struct cpod_error **err)
{
	_cleanup_free_ char *url = xasprintf("/v2/%s/manifests/%s", repo, ref);
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull", NULL);
	char *headers[] = {(char *)accept_header, NULL};
	struct reg_request req = {.method = "GET",
	                          .url = url,
	                          .scopes = scopes,
	                          .headers = headers,
	                          .max_body = REGISTRY_MANIFEST_MAX};
	struct reg_response resp = {.body = BUF_INIT};
	_cleanup_error_ struct cpod_error *e = NULL;
	char hex[65];
	int r;

	if (is_digest_ref(ref) && strncmp(ref, "sha256:", 7) != 0)
		return cpod_error_set(err, EINVAL,
		                      "reading manifest %s in %s/%s: unsupported digest algorithm",
		                      ref, c->host, repo);
	r = reg_do(c, &req, &resp, &e);
	if (r == -EFBIG) {
		reg_response_release(&resp);
		return cpod_error_set(err, EFBIG,
		                      "reading manifest %s in %s/%s: exceeded maximum allowed size "
		                      "of %u bytes",
		                      ref, c->host, repo, REGISTRY_MANIFEST_MAX);
	}
	if (r < 0) {
		reg_response_release(&resp);
		cpod_error_move(err, &e);
		return cpod_error_wrap(err, "reading manifest %s in %s/%s", ref, c->host, repo);
	}
	if (resp.status != 200) {
		r = reg_http_error(&resp, err, "reading manifest %s in %s/%s", ref, c->host, repo);
		reg_response_release(&resp);
		return r;
	}
	const char *data = resp.body.data ? resp.body.data : "";
	digest_sha256_hex(data, resp.body.len, hex);
	if (is_digest_ref(ref) && strcmp(ref + 7, hex) != 0) {
		reg_response_release(&resp);
		return cpod_error_set(err, EIO,
		                      "reading manifest %s in %s/%s: Manifest does not match "
		                      "provided manifest digest %s",
		                      ref, c->host, repo, ref);
	}
	_cleanup_free_ char *mt = mime_only(resp.content_type);
	if (!mt || !manifest_media_type_known(mt)) {
		free(mt);
		mt = xstrdup_or_null(manifest_guess_media_type(data, resp.body.len));
	}
	ret->len = resp.body.len;
	ret->data = buf_take(&resp.body);
	ret->media_type = TAKE_PTR(mt);
	ret->digest = xasprintf("sha256:%s", hex);
	reg_response_release(&resp);
	return 0;
}

int registry_head_manifest(struct registry_client *c, const char *repo, const char *ref,
                           struct registry_descriptor *ret, struct cpod_error **err)
{
	_cleanup_free_ char *url = xasprintf("/v2/%s/manifests/%s", repo, ref);
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull", NULL);
	char *headers[] = {(char *)accept_header, NULL};
	struct reg_request req = {
	        .method = "HEAD", .url = url, .scopes = scopes, .headers = headers};
	struct reg_response resp = {.body = BUF_INIT};
	int r = reg_do(c, &req, &resp, err);

	if (r < 0) {
		reg_response_release(&resp);
		return cpod_error_wrap(err, "reading manifest %s in %s/%s", ref, c->host, repo);
	}
	if (resp.status == 404) {
		reg_response_release(&resp);
		return cpod_error_set(err, ENOENT, "reading manifest %s in %s/%s: manifest unknown",
		                      ref, c->host, repo);
	}
	if (resp.status != 200) {
		r = reg_http_error(&resp, err, "reading manifest %s in %s/%s", ref, c->host, repo);
		reg_response_release(&resp);
		return r;
	}
	ret->media_type = mime_only(resp.content_type);
	ret->digest = TAKE_PTR(resp.digest);
	ret->size = resp.content_length;
	reg_response_release(&resp);
	return 0;
}

int registry_put_manifest(struct registry_client *c, const char *repo, const char *ref,
                          const char *media_type, const void *data, size_t len, char **ret_digest,
                          struct cpod_error **err)
{
	_cleanup_free_ char *url = xasprintf("/v2/%s/manifests/%s", repo, ref);
	_cleanup_free_ char *ct = xasprintf("Content-Type: %s", media_type);
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull,push", NULL);
	char *headers[] = {ct, NULL};
	struct reg_request req = {.method = "PUT",
	                          .url = url,
	                          .scopes = scopes,
	                          .headers = headers,
	                          .body = data,
	                          .body_len = len};
	struct reg_response resp = {.body = BUF_INIT};
	int r = reg_do(c, &req, &resp, err);

	if (r < 0) {
		reg_response_release(&resp);
		return cpod_error_wrap(err, "uploading manifest %s to %s/%s", ref, c->host, repo);
	}
	if (resp.status < 200 || resp.status > 299) {
		r = reg_http_error(&resp, err, "uploading manifest %s to %s/%s", ref, c->host,
		                   repo);
		reg_response_release(&resp);
		return r;
	}
	reg_response_release(&resp);
	if (ret_digest)
		*ret_digest = digest_sha256_string(data, len);
	return 0;
}

/* The URL of rel="next" in a Link header, or NULL. */
static char *next_link(const char *link)
{
	const char *lt = link ? strchr(link, '<') : NULL;
	const char *gt = lt ? strchr(lt, '>') : NULL;
	if (!gt || !strstr(gt, "rel=\"next\""))
		return NULL;
	return xstrndup(lt + 1, (size_t)(gt - lt - 1));
}

static int list_pages(struct registry_client *c, const char *first, char *const *scopes,
                      const char *key, const char *what, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **all = xnew(char *, 1);
	_cleanup_free_ char *url = xstrdup(first);
	size_t n = 0;
	int r;

	for (int page = 0; url; page++) {
		struct reg_request req = {
		        .method = "GET", .url = url, .scopes = scopes, .max_body = LIST_PAGE_MAX};
		struct reg_response resp = {.body = BUF_INIT};
		json_error_t jerr;

		if (page >= LIST_PAGES_MAX)
			return cpod_error_set(err, EIO, "%s: too many pages", what);
		r = reg_do(c, &req, &resp, err);
		if (r < 0) {
			reg_response_release(&resp);
			return cpod_error_wrap(err, "%s", what);
		}
		if (resp.status != 200) {
			r = reg_http_error(&resp, err, "%s", what);
			reg_response_release(&resp);
			return r;
		}
		_cleanup_json_ json_t *j =
		        json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
		char *next = next_link(resp.link);
		reg_response_release(&resp);
		if (!json_is_object(j)) {
			free(next);
			return cpod_error_set(err, EIO, "%s: %s", what,
			                      j ? "not a JSON object" : jerr.text);
		}
		json_t *arr = json_object_get(j, key), *v;
		size_t i;
		json_array_foreach(arr, i, v)
		{
			if (!json_is_string(v))
				continue;
			if (++n > LIST_ENTRIES_MAX) {
				free(next);
				return cpod_error_set(err, EIO, "%s: too many entries", what);
			}
			strv_push(&all, json_string_value(v));
		}
		char *abs = next ? reg_resolve_url(c->base_url ? c->base_url : "", next) : NULL;
		/* resolve relative to the request URL as c/image does */
		if (next && next[0] != '/' && !strstr(next, "://")) {
			_cleanup_free_ char *cur = reg_resolve_url(c->base_url, url);
			free(abs);
			abs = reg_resolve_url(cur, next);
		}
		free(next);
		free(url);
		url = abs;
	}
	*ret = TAKE_PTR(all);
	return 0;
}

int registry_list_tags(struct registry_client *c, const char *repo, char ***ret,
                       struct cpod_error **err)
{
	_cleanup_free_ char *url = xasprintf("/v2/%s/tags/list", repo);
	_cleanup_strv_free_ char **scopes = reg_repo_scopes(repo, "pull", NULL);
	return list_pages(c, url, scopes, "tags", "fetching tags list", ret, err);
}

int registry_catalog(struct registry_client *c, char ***ret, struct cpod_error **err)
{
	char *scopes[] = {(char *)"registry:catalog:*", NULL};
	return list_pages(c, "/v2/_catalog", scopes, "repositories", "fetching catalog", ret, err);
}
