/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health check configuration: the --health-* flags (Podman 4.3's makeHealthCheckFromCli and
 * FillOutSpecGen, pkg/specgenutil), Go's duration syntax, and the check's JSON (Docker's
 * Schema2HealthConfig, as inspect and image configs carry it). Pure functions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/healthcheck-internal.h"
#include "util/json.h"
#include "util/strutil.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define HEALTH_CMD_MAX (64 * 1024)

struct healthcheck_config *healthcheck_config_free(struct healthcheck_config *hc)
{
	if (hc) {
		strv_free(hc->test);
		free(hc);
	}
	return NULL;
}

struct healthcheck_config *healthcheck_config_copy(const struct healthcheck_config *hc)
{
	if (!hc)
		return NULL;
	struct healthcheck_config *c = xnew(struct healthcheck_config, 1);
	*c = *hc;
	c->test = strv_copy(hc->test);
	return c;
}

/* ---- Go's time.ParseDuration ---------------------------------------------------------------- */

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
        {"ns", 1ULL},
        {"us", 1000ULL},
        {"\xc2\xb5s", 1000ULL}, /* U+00B5 micro sign */
        {"\xce\xbcs", 1000ULL}, /* U+03BC greek mu */
        {"ms", 1000000ULL},
        {"s", 1000000000ULL},
        {"m", 60ULL * 1000000000ULL},
        {"h", 3600ULL * 1000000000ULL},
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int dur_error(const char *orig, const char *what, struct cpod_error **err)
{
	_cleanup_free_ char *q = go_quote(orig);
	return cpod_error_set(err, EINVAL, "time: %s %s", what, q);
}

int go_duration_parse(const char *orig, int64_t *ret_ns, struct cpod_error **err)
{
	const uint64_t limit = 1ULL << 63;
	const char *s = orig;
	uint64_t d = 0;
	bool neg = false;

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s)
		return dur_error(orig, "invalid duration", err);
	while (*s) {
		if (*s != '.' && !is_digit(*s))
			return dur_error(orig, "invalid duration", err);
		uint64_t v = 0;
		const char *start = s;
		for (; is_digit(*s); s++) {
			if (v > (limit - 1) / 10)
				return dur_error(orig, "invalid duration", err);
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > limit - 1)
				return dur_error(orig, "invalid duration", err);
		}
		bool pre = s != start, post = false;
		uint64_t f = 0;
		double scale = 1;
		if (*s == '.') {
			s++;
			const char *fs = s;
			bool overflow = false;
			for (; is_digit(*s); s++) {
				if (overflow)
					continue;
				if (f > (limit - 1) / 10) {
					overflow = true;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(*s - '0');
				if (y > limit - 1) {
					overflow = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = s != fs;
		}
		if (!pre && !post)
			return dur_error(orig, "invalid duration", err);
		size_t i = 0;
		while (s[i] && s[i] != '.' && !is_digit(s[i]))
			i++;
		if (i == 0)
			return dur_error(orig, "missing unit in duration", err);
		uint64_t unit = 0;
		for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k].name) == i && strncmp(units[k].name, s, i) == 0)
				unit = units[k].ns;
		if (!unit) {
			_cleanup_free_ char *u = xstrndup(s, i);
			_cleanup_free_ char *qu = go_quote(u);
			_cleanup_free_ char *q = go_quote(orig);
			return cpod_error_set(err, EINVAL, "time: unknown unit %s in duration %s",
			                      qu, q);
		}
		s += i;
		if (v > limit / unit)
			return dur_error(orig, "invalid duration", err);
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > limit)
				return dur_error(orig, "invalid duration", err);
		}
		d += v;
		if (d > limit)
			return dur_error(orig, "invalid duration", err);
	}
	if (neg) {
		*ret_ns = d == limit ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > limit - 1)
		return dur_error(orig, "invalid duration", err);
	*ret_ns = (int64_t)d;
	return 0;
}

/* ---- --health-cmd ------------------------------------------------------------------------- */

/* Go's json.Unmarshal into []string: an array of strings (or null, giving none). */
static bool parse_json_strv(const char *s, char ***ret)
{
	json_error_t jerr;
	_cleanup_(json_decrefp) json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
	if (!j)
		return false;
	if (json_is_null(j)) {
		*ret = xnew(char *, 1);
		return true;
	}
	if (!json_is_array(j))
		return false;
	char **v = xnew(char *, json_array_size(j) + 1);
	size_t i;
	json_t *it;
	json_array_foreach(j, i, it)
	{
		if (!json_is_string(it)) {
			strv_free(v);
			return false;
		}
		v[i] = xstrdup(json_string_value(it));
	}
	*ret = v;
	return true;
}

static bool go_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's strings.Fields (ASCII white space). */
static char **fields(const char *s)
{
	char **v = xnew(char *, 1);
	while (*s) {
		while (go_space(*s))
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && !go_space(*s))
			s++;
		_cleanup_free_ char *w = xstrndup(start, (size_t)(s - start));
		strv_push(&v, w);
	}
	return v;
}

/*
 * makeHealthCheckFromCli's Test: a JSON array is taken as is (prefixed with CMD when it has
 * several elements), text splits at its first space; a first word CMD or NONE (any case)
 * re-splits the whole text at white space, anything but CMD-SHELL becomes CMD-SHELL TEXT.
 */
static int health_test(const char *in, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **v = NULL;
	bool is_arr = parse_json_strv(in, &v);
	if (!is_arr) {
		const char *sp = strchr(in, ' ');
		v = xnew(char *, 3);
		v[0] = sp ? xstrndup(in, (size_t)(sp - in)) : xstrdup(in);
		if (sp)
			v[1] = xstrdup(sp + 1);
	}
	if (!v[0])
		return cpod_error_set(err, EINVAL,
		                      "must define a healthcheck command for all "
		                      "healthchecks");
	if (strcasecmp(v[0], "CMD") == 0 || strcasecmp(v[0], "NONE") == 0) {
		strv_free(v);
		v = fields(in);
	} else if (strcasecmp(v[0], "CMD-SHELL") != 0) {
		if (is_arr && strv_length(v) > 1) {
			char **n = xnew(char *, 2);
			n[0] = xstrdup("CMD");
			STRV_FOREACH(p, v)
			{
				strv_push(&n, *p);
			}
			strv_free(v);
			v = n;
		} else {
			_cleanup_free_ char *concat = strv_join(v, " ");
			strv_free(v);
			v = xnew(char *, 3);
			v[0] = xstrdup("CMD-SHELL");
			v[1] = TAKE_PTR(concat);
		}
	}
	if (v[0] && strcasecmp(v[0], "NONE") == 0) {
		strv_free(v);
		v = xnew(char *, 2);
		v[0] = xstrdup("NONE");
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int duration_opt(const char *value, const char *def, const char *what, int64_t *ret,
                        struct cpod_error **err)
{
	int r = go_duration_parse(value ? value : def, ret, err);
	if (r < 0)
		return cpod_error_wrap(err, "invalid healthcheck-%s", what);
	return 0;
}

/* The flag is a uint: pflag's strconv.ParseUint message for anything else. */
static int retries_opt(const char *value, int64_t *ret, struct cpod_error **err)
{
	if (!value) {
		*ret = HEALTHCHECK_DEFAULT_RETRIES;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 0);
	bool bad = !*value || *end || value[0] == '-' || value[0] == '+' || value[0] == ' ';
	if (bad || errno == ERANGE || v > 0xffffffffULL) {
		_cleanup_free_ char *q = go_quote(value);
		return cpod_error_set(err, EINVAL,
		                      "invalid argument %s for \"--health-retries\" flag: "
		                      "strconv.ParseUint: parsing %s: %s",
		                      q, q, bad ? "invalid syntax" : "value out of range");
	}
	*ret = (int64_t)v;
	return 0;
}

int healthcheck_on_failure_check(const char *s, struct cpod_error **err)
{
	static const char *const actions[] = {"none", "kill", "restart", "stop"};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(s, actions[i]) == 0)
			return 0;
	_cleanup_free_ char *q = go_quote(s);
	return cpod_error_set(err, EINVAL,
	                      "invalid on-failure action %s for health check: supported actions "
	                      "are none,kill,restart,stop",
	                      q);
}

int healthcheck_from_cli(const struct healthcheck_cli *o, struct healthcheck_config **ret,
                         char **ret_on_failure, struct cpod_error **err)
{
	_cleanup_(healthcheck_config_freep) struct healthcheck_config *hc = NULL;
	int r;

	if (o->cmd && *o->cmd) {
		if (o->no_healthcheck)
			return cpod_error_set(
			        err, EINVAL,
			        "cannot specify both --no-healthcheck and --health-cmd");
		if (strlen(o->cmd) > HEALTH_CMD_MAX)
			return cpod_error_set(err, EINVAL, "--health-cmd is too long");
		hc = xnew(struct healthcheck_config, 1);
		/* stored as JSON, as Podman's record, where invalid UTF-8 becomes U+FFFD */
		size_t len = 0;
		_cleanup_free_ char *cmd = utf8_sanitize(o->cmd, strlen(o->cmd), &len);
		r = health_test(cmd, &hc->test, err);
		if (r < 0)
			return r;
		const char *interval = o->interval;
		if (interval && strcmp(interval, "disable") == 0)
			interval = "0";
		if ((r = duration_opt(interval, "30s", "interval", &hc->interval_ns, err)) < 0)
			return r;
		if ((r = retries_opt(o->retries, &hc->retries, err)) < 0)
			return r;
		if (hc->retries < 1)
			return cpod_error_set(err, EINVAL,
			                      "healthcheck-retries must be greater than 0");
		if ((r = duration_opt(o->timeout, "30s", "timeout", &hc->timeout_ns, err)) < 0)
			return r;
		if (hc->timeout_ns < 1)
			return cpod_error_set(err, EINVAL,
			                      "healthcheck-timeout must be at least 1 second");
		r = duration_opt(o->start_period, "0s", "start-period", &hc->start_period_ns, err);
		if (r < 0)
			return r;
		if (hc->start_period_ns < 0)
			return cpod_error_set(
			        err, EINVAL,
			        "healthcheck-start-period must be 0 seconds or greater");
	} else if (o->no_healthcheck) {
		hc = xnew(struct healthcheck_config, 1);
		hc->test = xnew(char *, 2);
		hc->test[0] = xstrdup("NONE");
	}
	const char *action = o->on_failure ? o->on_failure : "none";
	r = healthcheck_on_failure_check(action, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(hc);
	*ret_on_failure = xstrdup(action);
	return 0;
}

/* ---- JSON ----------------------------------------------------------------------------------- */

json_t *healthcheck_config_to_json(const struct healthcheck_config *hc)
{
	json_t *o = json_object();
	json_t *t = json_array();
	STRV_FOREACH(p, hc->test)
	{
		json_array_append_new(t, json_string(*p));
	}
	json_object_set_new(o, "Test", t);
	if (hc->start_period_ns)
		json_object_set_new(o, "StartPeriod", json_integer(hc->start_period_ns));
	if (hc->interval_ns)
		json_object_set_new(o, "Interval", json_integer(hc->interval_ns));
	if (hc->timeout_ns)
		json_object_set_new(o, "Timeout", json_integer(hc->timeout_ns));
	if (hc->retries)
		json_object_set_new(o, "Retries", json_integer(hc->retries));
	return o;
}

static int64_t get_int(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

struct healthcheck_config *healthcheck_config_from_json(const json_t *j)
{
	const json_t *t = json_object_get(j, "Test");
	if (!json_is_array(t) || json_array_size(t) == 0)
		return NULL;
	char **test = xnew(char *, json_array_size(t) + 1);
	size_t i;
	const json_t *it;
	json_array_foreach(t, i, it)
	{
		if (!json_is_string(it)) {
			strv_free(test);
			return NULL;
		}
		test[i] = xstrdup(json_string_value(it));
	}
	struct healthcheck_config *hc = xnew(struct healthcheck_config, 1);
	hc->test = test;
	hc->interval_ns = get_int(j, "Interval");
	hc->timeout_ns = get_int(j, "Timeout");
	hc->start_period_ns = get_int(j, "StartPeriod");
	hc->retries = get_int(j, "Retries");
	return hc;
}

struct healthcheck_config *healthcheck_from_image(const json_t *img_config)
{
	struct healthcheck_config *hc =
	        healthcheck_config_from_json(json_object_get(img_config, "Healthcheck"));
	if (!hc)
		return NULL;
	if (hc->timeout_ns == 0)
		hc->timeout_ns = HEALTHCHECK_DEFAULT_TIMEOUT_NS;
	if (hc->interval_ns == 0)
		hc->interval_ns = HEALTHCHECK_DEFAULT_INTERVAL_NS;
	return hc;
}

bool healthcheck_enabled(const struct healthcheck_config *hc)
{
	return hc && hc->test && hc->test[0] && *hc->test[0] && strcmp(hc->test[0], "NONE") != 0;
}

char **healthcheck_command(const struct healthcheck_config *hc)
{
	if (!healthcheck_enabled(hc))
		return NULL;
	char **v = NULL;
	if (strcmp(hc->test[0], "CMD") == 0) {
		v = strv_copy(hc->test + 1);
	} else if (strcmp(hc->test[0], "CMD-SHELL") == 0) {
		v = xnew(char *, 4);
		v[0] = xstrdup("/bin/sh");
		v[1] = xstrdup("-c");
		v[2] = strv_join(hc->test + 1, " ");
	} else {
		v = strv_copy(hc->test);
	}
	if (!v || !v[0] || !*v[0])
		return strv_free(v);
	return v;
}

/* v / 10^prec with its fraction, trailing zeros dropped (Go's fmtFrac + fmtInt). */
static void frac_print(char *out, size_t size, uint64_t v, int prec)
{
	uint64_t p = 1;
	for (int i = 0; i < prec; i++)
		p *= 10;
	uint64_t frac = v % p;
	int len = snprintf(out, size, "%llu", (unsigned long long)(v / p));
	if (frac == 0 || len < 0 || (size_t)len >= size)
		return;
	char digits[24];
	snprintf(digits, sizeof(digits), "%0*llu", prec, (unsigned long long)frac);
	size_t n = strlen(digits);
	while (n > 0 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	snprintf(out + len, size - (size_t)len, ".%s", digits);
}

char *go_duration_string(int64_t d)
{
	if (d == 0)
		return xstrdup("0s");
	const char *sign = d < 0 ? "-" : "";
	uint64_t u = d < 0 ? -(uint64_t)d : (uint64_t)d;
	char num[48];
	if (u < 1000)
		return xasprintf("%s%lluns", sign, (unsigned long long)u);
	if (u < 1000000) {
		frac_print(num, sizeof(num), u, 3);
		return xasprintf("%s%s\xc2\xb5s", sign, num);
	}
	if (u < 1000000000) {
		frac_print(num, sizeof(num), u, 6);
		return xasprintf("%s%sms", sign, num);
	}
	uint64_t secs_ns = u % (60ULL * 1000000000ULL);
	uint64_t mins = u / (60ULL * 1000000000ULL);
	frac_print(num, sizeof(num), secs_ns, 9);
	if (mins == 0)
		return xasprintf("%s%ss", sign, num);
	if (mins < 60)
		return xasprintf("%s%llum%ss", sign, (unsigned long long)mins, num);
	return xasprintf("%s%lluh%llum%ss", sign, (unsigned long long)(mins / 60),
	                 (unsigned long long)(mins % 60), num);
}

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

char *utf8_sanitize(const char *s, size_t len, size_t *ret_len)
{
	/* at most 3 bytes for each byte in */
	char *out = xmalloc(len * 3 + 1);
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq(p + i, len - i);
		if (k == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	*ret_len = o;
	return out;
}
