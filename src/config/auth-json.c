/* SPDX-License-Identifier: Apache-2.0 */
/*
 * auth.json (c/image v5.23 pkg/docker/config: getPathToAuth, getAuthFilePaths,
 * findCredentialsInFile, authKeysForKey, normalizeAuthFileKey, decodeDockerAuth,
 * modifyJSON, validateKey).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "auth-json.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define AUTH_FILE_MAX (4u * 1024 * 1024)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *auth_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

int auth_base64_decode(const char *s, char **ret, size_t *ret_len)
{
	size_t len = strlen(s);
	if (len % 4)
		return -EINVAL;
	_cleanup_free_ char *out = xmalloc(len / 4 * 3 + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = s[i + j];
			const char *q = c ? strchr(b64, c) : NULL;
			if (c == '=' && i + 4 == len && j >= 2 && (j == 3 || s[i + 3] == '=')) {
				pad++;
				v <<= 6;
				continue;
			}
			if (!q || pad)
				return -EINVAL;
			v = (v << 6) | (uint32_t)(q - b64);
		}
		out[n++] = (char)(v >> 16);
		if (pad < 2)
			out[n++] = (char)(v >> 8);
		if (pad < 1)
			out[n++] = (char)v;
	}
	out[n] = '\0';
	*ret = TAKE_PTR(out);
	if (ret_len)
		*ret_len = n;
	return 0;
}

void auth_creds_release(struct auth_creds *c)
{
	free(c->username);
	free(c->password);
	free(c->identity_token);
	c->username = c->password = c->identity_token = NULL;
}

static const char *env(const struct auth_json_opts *o, const char *name)
{
	if (o && o->ignore_env)
		return NULL;
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static const char *home_dir(const struct auth_json_opts *o)
{
	return o && o->home ? o->home : env(o, "HOME");
}

int auth_json_path(const struct auth_json_opts *opts, char **ret, struct cpod_error **err)
{
	const char *rt;
	struct stat st;

	if (opts && opts->authfile) {
		*ret = xstrdup(opts->authfile);
		return 0;
	}
	if ((rt = env(opts, "REGISTRY_AUTH_FILE"))) {
		*ret = xstrdup(rt);
		return 0;
	}
	rt = opts && opts->xdg_runtime_dir ? opts->xdg_runtime_dir : env(opts, "XDG_RUNTIME_DIR");
	if (rt && *rt) {
		if (stat(rt, &st) < 0 && errno == ENOENT)
			return cpod_error_set(
			        err, ENOENT,
			        "\"%s\" directory set by $XDG_RUNTIME_DIR does not "
			        "exist. Either create the directory or unset "
			        "$XDG_RUNTIME_DIR.: stat %s: no such file or directory",
			        rt, rt);
		*ret = path_join(rt, "containers/auth.json");
		return 0;
	}
	*ret = xasprintf("/run/containers/%u/auth.json",
	                 (unsigned)(opts && opts->set_uid ? opts->uid : getuid()));
	return 0;
}

struct auth_path {
	char *path;
	bool legacy;
};

static size_t auth_paths(const struct auth_json_opts *opts, struct auth_path out[5])
{
	const char *home = home_dir(opts);
	size_t n = 0;
	char *p = NULL;
	_cleanup_error_ struct cpod_error *e = NULL;

	if (auth_json_path(opts, &p, &e) == 0)
		out[n++] = (struct auth_path){p, false};
	else
		log_warn("%s: Trying to pull image in the event that it is a public image.",
		         e->msg);
	const char *xdg = opts && opts->xdg_config_home ? opts->xdg_config_home
	                                                : env(opts, "XDG_CONFIG_HOME");
	if (xdg)
		out[n++] = (struct auth_path){path_join(xdg, "containers/auth.json"), false};
	else if (home)
		out[n++] =
		        (struct auth_path){path_join(home, ".config/containers/auth.json"), false};
	const char *dc =
	        opts && opts->docker_config ? opts->docker_config : env(opts, "DOCKER_CONFIG");
	if (dc)
		out[n++] = (struct auth_path){path_join(dc, "config.json"), false};
	else if (home)
		out[n++] = (struct auth_path){path_join(home, ".docker/config.json"), false};
	if (home)
		out[n++] = (struct auth_path){path_join(home, ".dockercfg"), true};
	return n;
}

static char *normalize_registry(const char *s, size_t len)
{
	if ((len == 15 && strncmp(s, "index.docker.io", 15) == 0) ||
	    (len == 20 && strncmp(s, "registry-1.docker.io", 20) == 0))
		return xstrdup("docker.io");
	return xstrndup(s, len);
}

/* normalizeAuthFileKey: the path is cut only from URL keys and legacy files */
static char *normalize_file_key(const char *key, bool legacy)
{
	const char *s = key;
	if (strncmp(s, "http://", 7) == 0)
		s += 7;
	else if (strncmp(s, "https://", 8) == 0)
		s += 8;
	size_t len = legacy || s != key ? strcspn(s, "/") : strlen(s);
	return normalize_registry(s, len);
}

char *auth_json_normalize_key(const char *key)
{
	return normalize_file_key(key, false);
}

/* Read a JSON object file; 0 with *ret NULL when missing. */
static int read_json(const char *path, json_t **ret, struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	json_error_t jerr;
	int r = read_file_at(AT_FDCWD, path, AUTH_FILE_MAX, &data, &len);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return cpod_error_set_errno(err, -r, "reading JSON file \"%s\"", path);
	if (len == 0) {
		*ret = json_object();
		return 0;
	}
	json_t *j = json_loadb(data, len, 0, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return cpod_error_set(err, EINVAL, "unmarshaling JSON at \"%s\": %s", path,
		                      j ? "not an object" : jerr.text);
	}
	*ret = j;
	return 0;
}

/* 1: usable credentials in *ret; 0: entry empty or invalid (skipped as c/image does) */
static int decode_entry(const char *path, const char *key, json_t *entry, struct auth_creds *ret)
{
	const char *auth = json_get_string(entry, "auth");
	const char *tok = json_get_string(entry, "identitytoken");
	_cleanup_free_ char *dec = NULL;
	size_t len = 0;

	if (auth_base64_decode(auth ? auth : "", &dec, &len) < 0) {
		log_warn("invalid base64 in the \"auth\" field of %s in %s, ignoring", key, path);
		return 0;
	}
	char *colon = memchr(dec, ':', len);
	if (!colon) {
		if (len > 0)
			log_warn("Error parsing the \"auth\" field of a credential entry \"%s\" in "
			         "\"%s\", missing semicolon",
			         key, path);
		return 0;
	}
	*colon = '\0';
	char *pw = colon + 1;
	size_t pl = strlen(pw);
	while (pl > 0 && pw[pl - 1] == '\0')
		pl--;
	if (!*dec || !*pw) {
		if (!tok || !*tok)
			return 0;
	}
	ret->username = xstrdup(dec);
	ret->password = xstrdup(pw);
	ret->identity_token = tok && *tok ? xstrdup(tok) : NULL;
	return 1;
}

static int find_in_file(const struct auth_path *p, const char *key, struct auth_creds *ret,
                        struct cpod_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	_cleanup_free_ char *host = normalize_registry(key, strcspn(key, "/"));
	int r = read_json(p->path, &root, err);
	if (r < 0 || !root)
		return r;
	json_t *auths = p->legacy ? root : json_object_get(root, "auths");
	if (!json_is_object(auths))
		return 0;
	if (!p->legacy) {
		/* "quay.io/a/b" → "quay.io/a/b", "quay.io/a", "quay.io" */
		_cleanup_free_ char *k = xstrdup(key);
		for (;;) {
			json_t *e = json_object_get(auths, k);
			if (e)
				return decode_entry(p->path, k, e, ret);
			char *slash = strrchr(k, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
	} else {
		json_t *e = json_object_get(auths, host);
		if (e)
			return decode_entry(p->path, host, e, ret);
	}
	const char *k;
	json_t *v;
	json_object_foreach(auths, k, v)
	{
		_cleanup_free_ char *nk = normalize_file_key(k, p->legacy);
		if (strcmp(nk, host) == 0)
			return decode_entry(p->path, k, v, ret);
	}
	return 0;
}

int auth_json_get(const struct auth_json_opts *opts, const char *key, struct auth_creds *ret,
                  struct cpod_error **err)
{
	struct auth_path paths[5];
	size_t n = auth_paths(opts, paths);
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		struct auth_creds c = {0};
		r = find_in_file(&paths[i], key, &c, err);
		if (r > 0) {
			log_debug("found credentials for %s in %s", key, paths[i].path);
			*ret = c;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i].path);
	return r;
}

static int validate_key(const char *key, struct cpod_error **err)
{
	if (strncmp(key, "http://", 7) == 0 || strncmp(key, "https://", 8) == 0)
		return cpod_error_set(err, EINVAL, "key %s contains http[s]:// prefix", key);
	if (strchr(key, '@'))
		return cpod_error_set(err, EINVAL, "key %s contains a '@' character", key);
	const char *slash = strchr(key, '/');
	const char *colon = strrchr(key, ':');
	if (slash && colon && colon > slash)
		return cpod_error_set(err, EINVAL,
		                      "key %s contains a ':' character after host[:port]", key);
	if (!*key)
		return cpod_error_set(err, EINVAL, "empty key");
	return 0;
}

/* Go's json.MarshalIndent(v, "", "\t") shape: tabs, sorted keys, no final newline. */
static char *dump_tabs(json_t *root)
{
	_cleanup_free_ char *s = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	char *out = xmalloc(strlen(s) + 1);
	size_t n = 0;
	bool sol = true;
	for (const char *p = s; *p; p++) {
		if (sol && *p == ' ') {
			out[n++] = '\t';
			continue;
		}
		sol = *p == '\n';
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

typedef int (*modify_fn)(json_t *auths, void *userdata, struct cpod_error **err);

static int modify(const struct auth_json_opts *opts, modify_fn fn, void *userdata,
                  struct cpod_error **err)
{
	_cleanup_free_ char *path = NULL, *dir = NULL;
	_cleanup_json_ json_t *root = NULL;
	int r;

	if ((r = auth_json_path(opts, &path, err)) < 0 || (r = read_json(path, &root, err)) < 0)
		return r;
	if (!root)
		root = json_object();
	json_t *auths = json_object_get(root, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	if ((r = fn(auths, userdata, err)) <= 0)
		return r;
	dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((r = mkdir_p(dir, 0700)) < 0)
			return cpod_error_set_errno(err, -r, "creating directory %s", dir);
	}
	_cleanup_free_ char *out = dump_tabs(root);
	r = write_file_atomic_at(AT_FDCWD, path, out, strlen(out), 0600, true);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "writing %s", path);
	return 0;
}

struct set_args {
	const char *key, *user, *pass;
};

static int set_fn(json_t *auths, void *userdata, struct cpod_error **err)
{
	struct set_args *a = userdata;
	_cleanup_free_ char *plain = xasprintf("%s:%s", a->user, a->pass);
	_cleanup_free_ char *enc = auth_base64_encode(plain, strlen(plain));
	json_t *e = json_object();
	json_object_set_new(e, "auth", json_string(enc));
	json_object_set_new(auths, a->key, e);
	return 1;
}

int auth_json_set(const struct auth_json_opts *opts, const char *key, const char *username,
                  const char *password, struct cpod_error **err)
{
	struct set_args a = {key, username, password};
	int r = validate_key(key, err);
	return r < 0 ? r : modify(opts, set_fn, &a, err);
}

static int remove_fn(json_t *auths, void *userdata, struct cpod_error **err)
{
	const char *key = userdata;
	if (json_object_del(auths, key) < 0)
		return cpod_error_set(err, ENOENT, "not logged in");
	return 1;
}

int auth_json_remove(const struct auth_json_opts *opts, const char *key, struct cpod_error **err)
{
	int r = validate_key(key, err);
	return r < 0 ? r : modify(opts, remove_fn, (void *)key, err);
}

static int clear_fn(json_t *auths, void *userdata, struct cpod_error **err)
{
	json_object_clear(auths);
	return 1;
}

int auth_json_remove_all(const struct auth_json_opts *opts, struct cpod_error **err)
{
	return modify(opts, clear_fn, NULL, err);
}
