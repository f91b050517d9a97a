/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry client object: options, TLS material from certs.d (c/image v5.23
 * pkg/tlsclientconfig SetupCertificates and docker_client.go dockerCertDir), the shared
 * connection cache and the curl handle set-up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpod-config.h"
#include "registry-internal.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CERT_FILE_MAX (1024 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userdata)
{
	struct registry_client *c = userdata;
	pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userdata)
{
	struct registry_client *c = userdata;
	pthread_mutex_unlock(&c->share_locks[data]);
}

static int append_file(struct buf *b, const char *path, struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, path, CERT_FILE_MAX, &data, &len);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "reading %s", path);
	if (buf_append(b, data, len) < 0 || buf_putc(b, '\n') < 0)
		return cpod_error_set(err, E2BIG, "reading %s: too many certificates", path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* tlsclientconfig.SetupCertificates: *.crt CAs, *.cert + *.key client pairs */
static int load_cert_dir(struct registry_client *c, const char *dir, struct cpod_error **err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_buf_ struct buf cas = BUF_INIT;
	struct dirent *de;
	size_t n = 0;
	int r;

	if (!d)
		return errno == ENOENT ? 0 : cpod_error_set_errno(err, errno, "open %s", dir);
	log_debug("looking for TLS certificates and private keys in %s", dir);
	buf_init(&cas, 16 * CERT_FILE_MAX);
	while ((de = readdir(d)) && n < 4096) {
		if (de->d_name[0] != '.') {
			strv_push(&names, de->d_name);
			n++;
		}
	}
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	STRV_FOREACH(name, names)
	{
		size_t len = strlen(*name);
		_cleanup_free_ char *full = path_join(dir, *name);
		if (len > 4 && strcmp(*name + len - 4, ".crt") == 0) {
			log_debug(" crt: %s", full);
			if ((r = append_file(&cas, full, err)) < 0)
				return r;
		} else if (len > 5 && strcmp(*name + len - 5, ".cert") == 0) {
			_cleanup_free_ char *key = xasprintf("%.*s.key", (int)(len - 5), *name);
			_cleanup_free_ char *key_path = path_join(dir, key);
			if (!path_exists(key_path))
				return cpod_error_set(
				        err, ENOENT,
				        "missing key %s for client certificate %s. Note "
				        "that CA certificates should use the extension .crt",
				        key, *name);
			if (!c->client_cert) {
				log_debug(" cert: %s", full);
				c->client_cert = TAKE_PTR(full);
				c->client_key = TAKE_PTR(key_path);
			}
		} else if (len > 4 && strcmp(*name + len - 4, ".key") == 0) {
			_cleanup_free_ char *cert = xasprintf("%.*s.cert", (int)(len - 4), *name);
			_cleanup_free_ char *cert_path = path_join(dir, cert);
			if (!path_exists(cert_path))
				return cpod_error_set(err, ENOENT,
				                      "missing client certificate %s for key %s",
				                      cert, *name);
		}
	}
	if (cas.len == 0)
		return 0;
	/* certs.d CAs add to the system pool (c/image starts from the system's roots) */
	_cleanup_buf_ struct buf all = BUF_INIT;
	CURL *h = curl_easy_init();
	char *def = NULL;
	if (h && curl_easy_getinfo(h, CURLINFO_CAINFO, &def) == CURLE_OK && def)
		(void)append_file(&all, def, NULL);
	if (h)
		curl_easy_cleanup(h);
	buf_append(&all, cas.data, cas.len);
	c->ca_blob_len = all.len;
	c->ca_blob = buf_take(&all);
	return 0;
}

static int setup_tls(struct registry_client *c, const struct registry_opts *opts,
                     struct cpod_error **err)
{
	if (opts->cert_dir)
		return load_cert_dir(c, opts->cert_dir, err);
	_cleanup_strv_free_ char **roots = NULL;
	if (opts->certs_d) {
		roots = strv_copy(opts->certs_d);
	} else {
		const char *home = getenv("HOME");
		if (home && *home)
			strv_consume(&roots, path_join(home, ".config/containers/certs.d"));
		strv_push(&roots, "/etc/containers/certs.d");
		strv_push(&roots, "/etc/docker/certs.d");
	}
	/* only the first existing HOST directory is used, as in c/image */
	STRV_FOREACH(root, roots)
	{
		_cleanup_free_ char *dir = path_join(*root, c->host);
		struct stat st;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return load_cert_dir(c, dir, err);
	}
	return 0;
}

int registry_client_new(const struct registry_opts *opts, struct registry_client **ret,
                        struct cpod_error **err)
{
	int r;

	if (!opts || !opts->host || !*opts->host)
		return cpod_error_set(err, EINVAL, "registry client: no registry host");
	pthread_once(&curl_once, curl_init_once);
	struct registry_client *c = xnew(struct registry_client, 1);
	pthread_mutex_init(&c->lock, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	c->host = xstrdup(opts->host);
	c->api_host =
	        xstrdup(strcmp(opts->host, "docker.io") == 0 ? "registry-1.docker.io" : opts->host);
	c->insecure = opts->insecure;
	c->username = xstrdup_or_null(opts->username);
	c->password = xstrdup_or_null(opts->password);
	c->user_agent =
	        opts->user_agent ? xstrdup(opts->user_agent) : xstrdup("cpod/" CPOD_VERSION);
	c->timeout_s = opts->timeout_s > 0 ? opts->timeout_s : 30;
	c->max_retries = opts->max_retries;
	c->retry_delay_ms = opts->retry_delay_ms;
	c->share = curl_share_init();
	if (c->share) {
		curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
		curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
		curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
		curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	if ((r = setup_tls(c, opts, err)) < 0) {
		registry_client_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct registry_client *registry_client_free(struct registry_client *c)
{
	if (!c)
		return NULL;
	if (c->share)
		curl_share_cleanup(c->share);
	for (size_t i = 0; i < c->n_tokens; i++) {
		free(c->tokens[i].scope);
		free(c->tokens[i].token);
	}
	free(c->tokens);
	free(c->host);
	free(c->api_host);
	free(c->base_url);
	free(c->username);
	free(c->password);
	free(c->user_agent);
	free(c->ca_blob);
	free(c->client_cert);
	free(c->client_key);
	free(c->realm);
	free(c->service);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return NULL;
}

const char *registry_base_url(const struct registry_client *c)
{
	return c->base_url;
}

CURL *reg_easy_new(struct registry_client *c, const char *url)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout_s);
	/* a stalled transfer: less than 1 byte/s for 60 s */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (c->share)
		curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	if (c->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->ca_blob) {
		struct curl_blob blob = {c->ca_blob, c->ca_blob_len, CURL_BLOB_NOCOPY};
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->client_cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->client_key);
	}
	return h;
}

char *reg_resolve_url(const char *base, const char *location)
{
	if (strstr(location, "://"))
		return xstrdup(location);
	const char *p = strstr(base, "://");
	const char *host_end = p ? strchr(p + 3, '/') : NULL;
	size_t origin_len = host_end ? (size_t)(host_end - base) : strlen(base);
	if (location[0] == '/')
		return xasprintf("%.*s%s", (int)origin_len, base, location);
	/* relative to the directory of base's path */
	const char *q = strchr(base + origin_len, '?');
	size_t path_end = q ? (size_t)(q - base) : strlen(base);
	const char *slash = base + path_end;
	while (slash > base + origin_len && slash[-1] != '/')
		slash--;
	if (slash == base + origin_len)
		return xasprintf("%.*s/%s", (int)origin_len, base, location);
	return xasprintf("%.*s%s", (int)(slash - base), base, location);
}

static size_t origin_len(const char *u)
{
	const char *p = strstr(u, "://");
	if (!p)
		return 0;
	return (size_t)(p - u) + 3 + strcspn(p + 3, "/?#");
}

bool reg_same_origin(const char *a, const char *b)
{
	size_t la = origin_len(a), lb = origin_len(b);
	return la && la == lb && strncasecmp(a, b, la) == 0;
}

char *reg_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *out = xstrdup(e ? e : "");
	curl_free(e);
	return out;
}

char **reg_repo_scopes(const char *repo, const char *actions, const char *mount_from)
{
	char **v = NULL;
	strv_consume(&v, xasprintf("repository:%s:%s", repo, actions));
	if (mount_from)
		strv_consume(&v, xasprintf("repository:%s:pull", mount_from));
	return v;
}

void reg_response_release(struct reg_response *r)
{
	buf_release(&r->body);
	free(r->content_type);
	free(r->digest);
	free(r->location);
	free(r->link);
	free(r->www_authenticate);
	free(r->range);
	r->content_type = r->digest = r->location = r->link = r->www_authenticate = r->range = NULL;
}

void registry_descriptor_release(struct registry_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	d->media_type = d->digest = NULL;
}

void registry_manifest_release(struct registry_manifest *m)
{
	free(m->data);
	free(m->media_type);
	free(m->digest);
	memset(m, 0, sizeof(*m));
}
