/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry error responses worded as Podman 4.3 words them (c/image v5.23
 * registryHTTPResponseToError over docker/distribution's handleErrorResponse and errcode):
 * a {"errors":[...]} entry as "code: message" ("manifest unknown: manifest unknown", as
 * podman 4.3.1 prints it), several as "errors:\n" and one line each; "StatusCode: N, BODY"
 * (50 bytes) for a 4xx body that is not a registry error; "received unexpected HTTP
 * status: 500 Internal Server Error" (the server's reason phrase) for other statuses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "registry-internal.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct {
	const char *code, *message;
} defaults[] = {
        {"BLOB_UNKNOWN", "blob unknown to registry"},
        {"BLOB_UPLOAD_INVALID", "blob upload invalid"},
        {"BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"},
        {"DIGEST_INVALID", "provided digest did not match uploaded content"},
        {"MANIFEST_BLOB_UNKNOWN", "blob unknown to registry"},
        {"MANIFEST_INVALID", "manifest invalid"},
        {"MANIFEST_UNKNOWN", "manifest unknown"},
        {"MANIFEST_UNVERIFIED", "manifest failed signature verification"},
        {"NAME_INVALID", "invalid repository name"},
        {"NAME_UNKNOWN", "repository name not known to registry"},
        {"SIZE_INVALID", "provided length did not match content length"},
        {"TAG_INVALID", "manifest tag did not match URI"},
        {"UNAUTHORIZED", "authentication required"},
        {"DENIED", "requested access to the resource is denied"},
        {"UNSUPPORTED", "The operation is unsupported."},
        {"TOOMANYREQUESTS", "too many requests"},
        {"UNKNOWN", "unknown error"},
        {"UNAVAILABLE", "service unavailable"},
};

static const struct {
	long status;
	const char *text;
} status_texts[] = {
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {413, "Request Entity Too Large"},
        {416, "Requested Range Not Satisfiable"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
};

static const char *status_text(long status)
{
	for (size_t i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++)
		if (status_texts[i].status == status)
			return status_texts[i].text;
	return "";
}

static const char *default_message(const char *code)
{
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(defaults[i].code, code) == 0)
			return defaults[i].message;
	return NULL;
}

/* errcode.ErrorCode.Error(): lower case, '_' as ' ' */
static char *code_text(const char *code)
{
	char *s = xstrdup(code);
	for (char *p = s; *p; p++)
		*p = *p == '_' ? ' ' : (char)tolower((unsigned char)*p);
	return s;
}

static char *quote_body(const struct reg_response *resp)
{
	size_t len = resp->body.len;
	const char *d = resp->body.data ? resp->body.data : "";
	return len > 50 ? xasprintf("%.50s...", d) : xstrndup(d, len);
}

/* errcode.Error.Error(): "code text: message", the message defaulting to the code's */
static char *registry_error(json_t *e)
{
	const char *code = json_get_string(e, "code");
	const char *msg = json_get_string(e, "message");

	if (!code)
		code = "UNKNOWN";
	if (!msg || !*msg)
		msg = default_message(code);
	_cleanup_free_ char *ct = code_text(code);
	return xasprintf("%s: %s", ct, msg ? msg : "");
}

char *reg_error_cause(const struct reg_response *resp)
{
	long st = resp->status;

	if (st >= 400 && st < 500) {
		_cleanup_json_ json_t *j = NULL;
		if (resp->body.len)
			j = json_loadb(resp->body.data, resp->body.len, 0, NULL);
		const char *details = json_get_string(j, "details");
		if (details && *details)
			return st == 401   ? xasprintf("unauthorized: %s", details)
			       : st == 429 ? xasprintf("toomanyrequests: %s", details)
			                   : xasprintf("unknown: %s", details);
		json_t *errs = json_object_get(j, "errors");
		if (json_is_array(errs) && json_array_size(errs) == 1 &&
		    json_is_object(json_array_get(errs, 0)))
			return registry_error(json_array_get(errs, 0));
		if (json_is_array(errs) && json_array_size(errs) > 1) {
			/* errcode.Errors.Error() with several entries */
			struct buf b = BUF_INIT;
			json_t *v;
			size_t i;
			buf_puts(&b, "errors:\n");
			json_array_foreach(errs, i, v)
			{
				_cleanup_free_ char *one = registry_error(v);
				buf_printf(&b, "%s\n", one);
			}
			return buf_take(&b);
		}
		if (st == 401)
			return xstrdup("unauthorized: authentication required");
		_cleanup_free_ char *body = quote_body(resp);
		return xasprintf("StatusCode: %ld, %s", st, body);
	}
	return xasprintf("received unexpected HTTP status: %ld %s", st,
	                 resp->reason[0] ? resp->reason : status_text(st));
}

int reg_status_errno(long status)
{
	switch (status) {
	case 401:
	case 403:
		return EACCES;
	case 404:
		return ENOENT;
	case 429:
		return EAGAIN;
	case 400:
	case 405:
		return EINVAL;
	default:
		return EIO;
	}
}

int reg_http_error(const struct reg_response *resp, struct cpod_error **err, const char *fmt, ...)
{
	_cleanup_free_ char *cause = reg_error_cause(resp);
	_cleanup_free_ char *ctx = NULL;
	va_list ap;
	int code = reg_status_errno(resp->status);

	va_start(ap, fmt);
	ctx = xvasprintf(fmt, ap);
	va_end(ap);
	if (strstr(cause, "unknown") && resp->status == 404)
		code = ENOENT;
	return cpod_error_set(err, code, "%s: %s", ctx, cause);
}
