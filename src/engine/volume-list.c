/* SPDX-License-Identifier: Apache-2.0 */
/*
 * volume_list() with Podman's volume filters (pkg/domain/filters/volumes.go): values of one
 * key are ORed, different keys ANDed. name is an unanchored regular expression, as Go's
 * regexp.MatchString is used there.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "engine/volume-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define MAX_FILTERS 64

static bool kv_match(char *const *kv, const char *want)
{
	/* "key" matches any value, "key=value" that value */
	bool with_value = strchr(want, '=') != NULL;
	size_t wlen = with_value ? strlen(want) : strlen(want);
	STRV_FOREACH(p, (char **)kv)
	{
		if (with_value) {
			if (strcmp(*p, want) == 0)
				return true;
		} else if (strncmp(*p, want, wlen) == 0 && (*p)[wlen] == '=') {
			return true;
		}
	}
	return false;
}

static int parse_bool(const char *key, const char *val, bool *ret, struct cpod_error **err)
{
	if (!strcmp(val, "true") || !strcmp(val, "1")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(val, "false") || !strcmp(val, "0")) {
		*ret = false;
		return 0;
	}
	return cpod_error_set(err, EINVAL,
	                      "%s is not a valid value for the \"%s\" filter - must be true or "
	                      "false",
	                      val, key);
}

static int parse_until(const char *val, int64_t *ret, struct cpod_error **err)
{
	char *end = NULL;
	errno = 0;
	long long secs = strtoll(val, &end, 10);
	if (!*val || *end || errno)
		return cpod_error_set(err, EINVAL, "unsupported until filter value \"%s\"", val);
	*ret = (int64_t)secs * 1000000000;
	return 0;
}

/* 1 when v matches filter key=val, 0 when not */
static int match_one(struct volume *v, bool used, const char *key, const char *val,
                     struct cpod_error **err)
{
	bool b;
	if (!strcmp(key, "name")) {
		regex_t re;
		if (regcomp(&re, val, REG_EXTENDED | REG_NOSUB) != 0)
			return cpod_error_set(err, EINVAL, "invalid name filter \"%s\"", val);
		int m = regexec(&re, v->name, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	if (!strcmp(key, "label"))
		return kv_match(v->labels, val);
	if (!strcmp(key, "label!"))
		return !kv_match(v->labels, val);
	if (!strcmp(key, "driver"))
		return strcmp(v->driver, val) == 0;
	if (!strcmp(key, "scope"))
		return strcmp(val, "local") == 0;
	if (!strcmp(key, "opt"))
		return kv_match(v->options, val);
	if (!strcmp(key, "dangling")) {
		if (parse_bool(key, val, &b, err) < 0)
			return -EINVAL;
		return b ? !used : used;
	}
	if (!strcmp(key, "anonymous")) {
		if (parse_bool(key, val, &b, err) < 0)
			return -EINVAL;
		return b == v->anonymous;
	}
	if (!strcmp(key, "until")) {
		int64_t until = 0;
		if (parse_until(val, &until, err) < 0)
			return -EINVAL;
		return v->created < until;
	}
	return cpod_error_set(err, EINVAL, "\"%s\" is an invalid volume filter", key);
}

/* 1 when v passes every filter group */
static int match_all(struct volume *v, bool used, char *const *filters, struct cpod_error **err)
{
	size_t n = strv_length(filters);
	for (size_t i = 0; i < n; i++) {
		size_t klen = strcspn(filters[i], "=");
		/* handle each key once, at its first occurrence */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strncmp(filters[j], filters[i], klen + 1) == 0;
		if (seen)
			continue;
		int any = 0;
		for (size_t j = i; j < n && !any; j++) {
			if (strncmp(filters[j], filters[i], klen + 1) != 0)
				continue;
			_cleanup_free_ char *key = xstrndup(filters[j], klen);
			const char *val = filters[j][klen] ? filters[j] + klen + 1 : "";
			any = match_one(v, used, key, val, err);
			if (any < 0)
				return any;
		}
		if (!any)
			return 0;
	}
	return 1;
}

static int check_filters(char *const *filters, struct cpod_error **err)
{
	if (strv_length(filters) > MAX_FILTERS)
		return cpod_error_set(err, EINVAL, "too many filters");
	STRV_FOREACH(f, (char **)filters)
	if (!strchr(*f, '='))
		return cpod_error_set(err, EINVAL, "invalid filter \"%s\"", *f);
	return 0;
}

int volume_list(struct engine *e, char *const *filters, struct volume ***ret, size_t *ret_n,
                struct cpod_error **err)
{
	int r = check_filters(filters, err);
	if (r < 0)
		return r;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	struct volume **v = NULL;
	size_t n = 0;
	r = volume_db_list(db, &v, &n, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **used = NULL;
	r = volume_db_used(db, &used, err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		int m = match_all(v[i], strv_contains(used, v[i]->name), filters, err);
		if (m < 0)
			r = m;
		else if (!m)
			v[i] = volume_free(v[i]);
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			volume_free(v[i]);
		free(v);
		return r;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			continue;
		free(v[i]->mountpoint);
		v[i]->mountpoint =
		        xasprintf("%s/volumes/%s/_data", engine_graph_root(e), v[i]->name);
		v[k++] = v[i];
	}
	*ret = v;
	*ret_n = k;
	return 0;
}
