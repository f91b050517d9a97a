/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry authentication: WWW-Authenticate challenges (RFC 7235 / docker distribution's
 * challenge parser), Basic credentials, and the bearer-token flow (c/image v5.23
 * docker_client.go getBearerToken, newBearerTokenFromJSONBlob): GET realm with service and
 * scope parameters, Basic credentials when there are some, "token" or "access_token" in
 * the answer, a lifetime of at least 60 s.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config/auth-json.h"
#include "registry-internal.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TOKEN_BODY_MAX     (1024 * 1024)
#define TOKEN_MIN_LIFETIME 60
#define MAX_TOKENS         256

void reg_challenge_release(struct reg_challenge *ch)
{
	free(ch->scheme);
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	free(ch->error);
	free(ch->error_description);
	memset(ch, 0, sizeof(*ch));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int reg_parse_challenge(const char *value, struct reg_challenge *ret)
{
	struct reg_challenge ch = {0};
	const char *p = skip_ws(value);
	size_t n = strcspn(p, " \t");

	if (n == 0)
		return -EINVAL;
	ch.scheme = xstrndup(p, n);
	for (char *s = ch.scheme; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	p = skip_ws(p + n);
	while (*p) {
		size_t kl = strcspn(p, "= \t,");
		_cleanup_free_ char *key = xstrndup(p, kl);
		_cleanup_free_ char *val = NULL;
		p = skip_ws(p + kl);
		if (*p != '=') {
			p += strspn(p, ", \t");
			if (kl == 0 && *p)
				p++;
			continue;
		}
		p = skip_ws(p + 1);
		if (*p == '"') {
			char *out = xmalloc(strlen(p) + 1);
			size_t o = 0;
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				out[o++] = *p;
			}
			out[o] = '\0';
			if (*p == '"')
				p++;
			val = out;
		} else {
			size_t vl = strcspn(p, ", \t");
			val = xstrndup(p, vl);
			p += vl;
		}
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		for (char *s = key; *s; s++)
			*s = (char)tolower((unsigned char)*s);
		char **dst = strcmp(key, "realm") == 0               ? &ch.realm
		             : strcmp(key, "service") == 0           ? &ch.service
		             : strcmp(key, "scope") == 0             ? &ch.scope
		             : strcmp(key, "error") == 0             ? &ch.error
		             : strcmp(key, "error_description") == 0 ? &ch.error_description
		                                                     : NULL;
		if (dst) {
			free(*dst);
			*dst = TAKE_PTR(val);
		}
	}
	*ret = ch;
	return 0;
}

static char *basic_value(const struct registry_client *c)
{
	_cleanup_free_ char *plain =
	        xasprintf("%s:%s", c->username, c->password ? c->password : "");
	_cleanup_free_ char *enc = auth_base64_encode(plain, strlen(plain));
	return xasprintf("Basic %s", enc);
}

static bool expired(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec >= t->tv_sec;
}

static int fetch_token(struct registry_client *c, char *const *scopes, char **ret,
                       int64_t *ret_lifetime, struct cpod_error **err)
{
	_cleanup_buf_ struct buf url = BUF_INIT;
	_cleanup_free_ char *auth = c->username ? basic_value(c) : NULL;
	struct reg_request req = {.method = "GET", .max_body = TOKEN_BODY_MAX};
	struct reg_response resp = {.body = BUF_INIT};
	char sep = strchr(c->realm, '?') ? '&' : '?';
	int r;

	buf_puts(&url, c->realm);
	if (c->service) {
		_cleanup_free_ char *e = reg_escape(c->service);
		buf_printf(&url, "%cservice=%s", sep, e);
		sep = '&';
	}
	for (char *const *s = scopes; s && *s; s++) {
		_cleanup_free_ char *e = reg_escape(*s);
		buf_printf(&url, "%cscope=%s", sep, e);
		sep = '&';
	}
	if (c->username) {
		_cleanup_free_ char *e = reg_escape(c->username);
		buf_printf(&url, "%caccount=%s", sep, e);
	}
	req.url = buf_str(&url);
	r = reg_perform(c, &req, "GET", req.url, auth, &resp, err);
	if (r < 0) {
		reg_response_release(&resp);
		return cpod_error_wrap(err, "requesting bearer token");
	}
	if (resp.status == 401) {
		_cleanup_free_ char *cause = reg_error_cause(&resp);
		reg_response_release(&resp);
		return cpod_error_set(
		        err, EACCES, "unable to retrieve auth token: invalid username/password: %s",
		        cause);
	}
	if (resp.status != 200) {
		r = reg_http_error(&resp, err, "requesting bearer token");
		reg_response_release(&resp);
		return r;
	}
	json_error_t jerr;
	_cleanup_json_ json_t *j =
	        json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
	reg_response_release(&resp);
	const char *tok = json_get_string(j, "token");
	if (!tok || !*tok)
		tok = json_get_string(j, "access_token");
	if (!tok || !*tok)
		return cpod_error_set(err, EIO, "requesting bearer token: %s",
		                      j ? "no token in the answer" : jerr.text);
	json_t *exp = json_object_get(j, "expires_in");
	int64_t life = json_is_integer(exp) ? json_integer_value(exp) : 0;
	*ret_lifetime = life < TOKEN_MIN_LIFETIME ? TOKEN_MIN_LIFETIME : life;
	*ret = xstrdup(tok);
	return 0;
}

int reg_auth_header(struct registry_client *c, char *const *scopes, bool force, char **ret,
                    struct cpod_error **err)
{
	int r = 0;

	pthread_mutex_lock(&c->lock);
	if (c->scheme == REG_AUTH_NONE) {
		*ret = NULL;
	} else if (c->scheme == REG_AUTH_BASIC) {
		*ret = c->username ? basic_value(c) : NULL;
	} else {
		_cleanup_free_ char *key = strv_join(scopes, " ");
		struct reg_token *t = NULL;
		for (size_t i = 0; i < c->n_tokens && !t; i++)
			if (strcmp(c->tokens[i].scope, key) == 0)
				t = &c->tokens[i];
		if (t && !force && !expired(&t->expires)) {
			*ret = xasprintf("Bearer %s", t->token);
			goto out;
		}
		char *tok = NULL;
		int64_t life = 0;
		if ((r = fetch_token(c, scopes, &tok, &life, err)) < 0)
			goto out;
		if (!t && c->n_tokens < MAX_TOKENS) {
			c->tokens = xrealloc(c->tokens, (c->n_tokens + 1) * sizeof(*c->tokens));
			t = &c->tokens[c->n_tokens++];
			t->scope = TAKE_PTR(key);
			t->token = NULL;
		}
		if (t) {
			free(t->token);
			t->token = xstrdup(tok);
			clock_gettime(CLOCK_MONOTONIC, &t->expires);
			t->expires.tv_sec += (time_t)life;
		}
		*ret = xasprintf("Bearer %s", tok);
		free(tok);
	}
out:
	pthread_mutex_unlock(&c->lock);
	return r;
}
