/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --change instructions, as containers/common libimage's ImageConfigFromChanges reads them
 * (Podman 4.3). Its quirks are kept on purpose so that the same flags give the same image:
 * ENV and LABEL split at the first '=' only ("ENV A=1 B=2" sets A to "1 B=2"), EXPOSE takes
 * one port per instruction, and a change with any space is split at the first space.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image-internal.h"
#include "util/buf.h"
#include "util/strutil.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHANGE_MAX 65536

/* Go's strings.TrimSpace for ASCII white space. */
static char *trim_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* strconv.Atoi, with its error text. */
static int go_atoi(const char *s, long long *ret, char **ret_err)
{
	const char *p = s;
	bool neg = false;
	unsigned long long v = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		goto syntax;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto syntax;
		if (v > (unsigned long long)LLONG_MAX / 10)
			goto range;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > (unsigned long long)LLONG_MAX + (neg ? 1 : 0))
			goto range;
	}
	*ret = neg ? (long long)(0 - v) : (long long)v;
	return 0;
syntax: {
	_cleanup_free_ char *q = go_quote(s);
	*ret_err = xasprintf("strconv.Atoi: parsing %s: invalid syntax", q);
	return -EINVAL;
}
range: {
	_cleanup_free_ char *q = go_quote(s);
	*ret_err = xasprintf("strconv.Atoi: parsing %s: value out of range", q);
	return -ERANGE;
}
}

/* path.Clean for a slash-separated path (Go semantics; "" becomes "."). */
static char *go_path_clean(const char *p)
{
	bool rooted = p[0] == '/';
	_cleanup_strv_free_ char **parts = strv_split(p, "/");
	_cleanup_strv_free_ char **out = NULL;
	size_t n = 0;

	STRV_FOREACH(c, parts) {
		if (**c == '\0' || strcmp(*c, ".") == 0)
			continue;
		if (strcmp(*c, "..") == 0) {
			if (n > 0 && strcmp(out[n - 1], "..") != 0) {
				free(out[--n]);
				out[n] = NULL;
				continue;
			}
			if (rooted)
				continue;
		}
		strv_push(&out, *c);
		n++;
	}
	_cleanup_free_ char *joined = out ? strv_join(out, "/") : xstrdup("");
	if (rooted)
		return xasprintf("/%s", joined);
	return *joined ? TAKE_PTR(joined) : xstrdup(".");
}

static const struct {
	const char *name;
	int num;
} signal_names[] = {
	{"ABRT", SIGABRT}, {"ALRM", SIGALRM},   {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
	{"CLD", SIGCHLD},  {"CONT", SIGCONT},   {"FPE", SIGFPE},       {"HUP", SIGHUP},
	{"ILL", SIGILL},   {"INT", SIGINT},     {"IO", SIGIO},         {"IOT", SIGABRT},
	{"KILL", SIGKILL}, {"PIPE", SIGPIPE},   {"POLL", SIGIO},       {"PROF", SIGPROF},
	{"PWR", SIGPWR},   {"QUIT", SIGQUIT},   {"SEGV", SIGSEGV},     {"STKFLT", 16},
	{"STOP", SIGSTOP}, {"SYS", SIGSYS},     {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
	{"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},     {"URG", SIGURG},
	{"USR1", SIGUSR1}, {"USR2", SIGUSR2},   {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
	{"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},   {"RTMIN", 34},         {"RTMAX", 64},
};

/* containers/common pkg/signal ParseSignal: a number (not 0) or a name with optional SIG. */
static int parse_signal(const char *raw, long long *ret)
{
	_cleanup_free_ char *err_text = NULL;
	long long n;

	if (go_atoi(raw, &n, &err_text) == 0) {
		if (n == 0)
			return -EINVAL;
		*ret = n;
		return 0;
	}
	_cleanup_free_ char *up = xstrdup(raw);
	for (char *c = up; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	const char *name = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strcmp(name, signal_names[i].name) == 0) {
			*ret = signal_names[i].num;
			return 0;
		}
	/* RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1 */
	int base = strncmp(name, "RTMIN+", 6) == 0 ? 34 : strncmp(name, "RTMAX-", 6) == 0 ? 64 : 0;
	if (base && strlen(name) <= 8 && isdigit((unsigned char)name[6]) &&
	    (name[7] == '\0' || isdigit((unsigned char)name[7])) && name[6] != '0') {
		int off = (int)strtol(name + 6, NULL, 10);
		if (off >= 1 && off <= (base == 34 ? 15 : 14)) {
			*ret = base == 34 ? base + off : base - off;
			return 0;
		}
	}
	return -EINVAL;
}

/* json.Unmarshal(value, &[]string): an array of strings, or null (nil slice). */
static int parse_string_array(const char *value, json_t **ret)
{
	json_error_t jerr;
	_cleanup_json_ json_t *j = json_loads(value, JSON_DECODE_ANY, &jerr);
	size_t i;
	json_t *v;

	if (!j)
		return -EINVAL;
	if (json_is_null(j)) {
		*ret = NULL;
		return 0;
	}
	if (!json_is_array(j))
		return -EINVAL;
	json_array_foreach(j, i, v)
		if (!json_is_string(v))
			return -EINVAL;
	*ret = TAKE_PTR(j);
	return 0;
}

static void set_or_delete(json_t *config, const char *key, json_t *value)
{
	if (value && (!json_is_array(value) || json_array_size(value) > 0))
		json_object_set_new(config, key, value);
	else {
		json_object_del(config, key);
		json_decref(value);
	}
}

static json_t *map_get(json_t *config, const char *key)
{
	json_t *m = json_object_get(config, key);
	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(config, key, m);
	}
	return m;
}

static bool is_quoted(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && s[0] == '"' && s[n - 1] == '"';
}

/* strings.TrimPrefix(strings.TrimSuffix(s, `"`), `"`) when s starts and ends with '"'. */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (!is_quoted(s))
		return xstrdup(s);
	if (n == 1)
		return xstrdup("");
	return xstrndup(s + 1, n - 2);
}

static int change_error(struct cpod_error **err, const char *change, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int change_error(struct cpod_error **err, const char *change, const char *fmt, ...)
{
	_cleanup_free_ char *q = go_quote(change);
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	return cpod_error_set(err, EINVAL, "invalid change %s - %s", q, msg);
}

static int apply_expose(json_t *config, const char *change, const char *value,
			struct cpod_error **err)
{
	_cleanup_strv_free_ char **split = strv_split(value, "/");
	_cleanup_free_ char *atoi_err = NULL;
	const char *proto = "tcp";
	long long port;

	if (strv_length(split) > 2)
		return change_error(err, change, "EXPOSE port must be formatted as PORT[/PROTO]");
	if (go_atoi(split[0], &port, &atoi_err) < 0)
		return change_error(err, change, "EXPOSE port must be an integer: %s", atoi_err);
	if (port > 65535 || port <= 0)
		return change_error(err, change, "EXPOSE port must be a valid port number");
	if (split[1]) {
		for (char *c = split[1]; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strcmp(split[1], "tcp") != 0 && strcmp(split[1], "udp") != 0)
			return change_error(err, change, "EXPOSE protocol must be TCP or UDP");
		proto = split[1];
	}
	_cleanup_free_ char *key = xasprintf("%lld/%s", port, proto);
	json_object_set_new(map_get(config, "ExposedPorts"), key, json_object());
	return 0;
}

static int apply_env_or_label(json_t *config, const char *change, const char *value, bool label,
			      struct cpod_error **err)
{
	const char *eq = strchr(value, '=');
	_cleanup_free_ char *raw_key = eq ? xstrndup(value, (size_t)(eq - value)) : xstrdup(value);
	_cleanup_free_ char *key = NULL, *val = NULL;

	if (!label) {
		if (*raw_key == '\0')
			return change_error(err, change, "ENV must have at least one argument");
		key = unquote(raw_key);
		val = unquote(eq ? eq + 1 : "");
		json_t *env = json_object_get(config, "Env");
		if (!json_is_array(env)) {
			env = json_array();
			json_object_set_new(config, "Env", env);
		}
		_cleanup_free_ char *kv = xasprintf("%s=%s", key, val);
		json_array_append_new(env, json_string_nocheck(kv));
		return 0;
	}
	if (!eq)
		return change_error(err, change, "LABEL must be formatted key=value");
	key = unquote(raw_key);
	val = unquote(eq + 1);
	if (*key == '\0')
		return change_error(err, change, "LABEL must have a non-empty key");
	json_object_set_new(map_get(config, "Labels"), key, json_string_nocheck(val));
	return 0;
}

static int apply_one(json_t *config, const char *change, struct cpod_error **err)
{
	const char *sep = strchr(change, ' ');
	if (!sep)
		sep = strchr(change, '=');
	if (!sep)
		return change_error(err, change, "must be formatted as KEY VALUE");

	_cleanup_free_ char *key = trim_dup(change, (size_t)(sep - change));
	_cleanup_free_ char *value = trim_dup(sep + 1, strlen(sep + 1));
	for (char *c = key; *c; c++)
		*c = (char)toupper((unsigned char)*c);

	if (strcmp(key, "USER") == 0) {
		if (!*value)
			return change_error(err, change, "must provide a value to USER");
		json_object_set_new(config, "User", json_string_nocheck(value));
	} else if (strcmp(key, "EXPOSE") == 0) {
		return apply_expose(config, change, value, err);
	} else if (strcmp(key, "ENV") == 0 || strcmp(key, "LABEL") == 0) {
		return apply_env_or_label(config, change, value, key[0] == 'L', err);
	} else if (strcmp(key, "ENTRYPOINT") == 0 || strcmp(key, "CMD") == 0) {
		bool cmd = key[0] == 'C';
		json_t *arr = NULL;
		if (parse_string_array(value, &arr) < 0) {
			arr = json_array();
			if (cmd || *value) {
				json_array_append_new(arr, json_string("/bin/sh"));
				json_array_append_new(arr, json_string("-c"));
			}
			if (*value)
				json_array_append_new(arr, json_string_nocheck(value));
		}
		set_or_delete(config, cmd ? "Cmd" : "Entrypoint", arr);
	} else if (strcmp(key, "VOLUME") == 0) {
		json_t *arr = NULL;
		size_t i;
		json_t *v;
		if (parse_string_array(value, &arr) < 0) {
			_cleanup_strv_free_ char **split = strv_split(value, " ");
			arr = json_array();
			STRV_FOREACH(s, split)
				json_array_append_new(arr, json_string_nocheck(*s));
		}
		_cleanup_json_ json_t *vols = arr;
		if (!vols || json_array_size(vols) == 0)
			return change_error(err, change,
					    "must provide at least one argument to VOLUME");
		json_array_foreach(vols, i, v)
			if (*json_string_value(v) == '\0')
				return change_error(err, change, "VOLUME paths must not be empty");
		json_t *m = map_get(config, "Volumes");
		json_array_foreach(vols, i, v)
			json_object_set_new(m, json_string_value(v), json_object());
	} else if (strcmp(key, "WORKDIR") == 0) {
		if (!*value)
			return change_error(err, change, "must provide a non-empty WORKDIR");
		const char *prev = json_get_string(config, "WorkingDir");
		_cleanup_free_ char *joined = prev && *prev ? xasprintf("%s/%s", prev, value)
							    : xstrdup(value);
		_cleanup_free_ char *clean = go_path_clean(joined);
		json_object_set_new(config, "WorkingDir", json_string_nocheck(clean));
	} else if (strcmp(key, "STOPSIGNAL") == 0) {
		long long sig;
		if (parse_signal(value, &sig) < 0)
			return change_error(err, change,
					    "KILLSIGNAL must be given a valid signal: invalid signal: %s",
					    value);
		_cleanup_free_ char *s = xasprintf("%lld", sig);
		json_object_set_new(config, "StopSignal", json_string(s));
	} else if (strcmp(key, "ONBUILD") == 0) {
		if (!*value)
			return change_error(err, change, "ONBUILD must be given an argument");
		json_t *ob = json_object_get(config, "OnBuild");
		if (!json_is_array(ob)) {
			ob = json_array();
			json_object_set_new(config, "OnBuild", ob);
		}
		json_array_append_new(ob, json_string_nocheck(value));
	} else {
		return change_error(err, change, "invalid instruction %s", key);
	}
	return 0;
}

int image_config_apply_changes(json_t *config, char *const *changes, struct cpod_error **err)
{
	for (char *const *c = changes; c && *c; c++) {
		if (strlen(*c) > CHANGE_MAX)
			return cpod_error_set(err, EINVAL, "invalid change: longer than %d bytes",
					      CHANGE_MAX);
		/* every piece split off below stays valid UTF-8 if the whole is */
		_cleanup_json_ json_t *check = json_string(*c);
		if (!check)
			return change_error(err, *c, "not valid UTF-8");
		int r = apply_one(config, *c, err);
		if (r < 0)
			return r;
	}
	image_config_normalize(config);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of object o with its keys in byte order (Go sorts map keys when marshalling). */
static json_t *sorted_map(json_t *o)
{
	size_t n = json_object_size(o), i = 0;
	_cleanup_free_ const char **keys = xnew(const char *, n + 1);
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	json_t *out = json_object();
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(o, keys[i]));
	return out;
}

void image_config_normalize(json_t *config)
{
	static const char *const order[] = {"User", "ExposedPorts", "Env", "Entrypoint",
					    "Cmd", "Volumes", "WorkingDir", "Labels",
					    "StopSignal", "ArgsEscaped", "OnBuild"};
	static const bool is_map[] = {false, true, false, false, false, true,
				      false, true, false, false, false};
	_cleanup_json_ json_t *copy = json_copy(config);
	const char *k;
	json_t *v;
	void *tmp;

	if (!copy)
		return;
	json_object_clear(config);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		v = json_object_get(copy, order[i]);
		if (!v)
			continue;
		json_object_set_new(config, order[i], is_map[i] && json_is_object(v)
							     ? sorted_map(v)
							     : json_incref(v));
		json_object_del(copy, order[i]);
	}
	json_object_foreach_safe(copy, tmp, k, v)
		json_object_set(config, k, v);
}
