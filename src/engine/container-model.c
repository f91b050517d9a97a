/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container record: status names, destructors, and its JSON form in the state database
 * (the config and state columns). Unknown keys are ignored and missing ones take their zero
 * value, so that a newer cpod can read an older record and the other way round.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *const status_names[_CTR_STATUS_MAX] = {
        [CTR_UNKNOWN] = "unknown", [CTR_CONFIGURED] = "configured", [CTR_CREATED] = "created",
        [CTR_RUNNING] = "running", [CTR_STOPPED] = "stopped",       [CTR_PAUSED] = "paused",
        [CTR_EXITED] = "exited",   [CTR_REMOVING] = "removing",     [CTR_STOPPING] = "stopping",
};

const char *container_status_to_string(enum container_status s)
{
	if (s < 0 || s >= _CTR_STATUS_MAX)
		return "unknown";
	return status_names[s];
}

enum container_status container_status_from_string(const char *s)
{
	if (!s)
		return _CTR_STATUS_INVALID;
	for (int i = 0; i < _CTR_STATUS_MAX; i++)
		if (strcmp(status_names[i], s) == 0)
			return (enum container_status)i;
	return _CTR_STATUS_INVALID;
}

void container_config_release(struct container_config *c)
{
	free(c->id);
	free(c->name);
	free(c->image_id);
	free(c->image_name);
	free(c->raw_image_name);
	strv_free(c->command);
	strv_free(c->user_command);
	strv_free(c->entrypoint);
	strv_free(c->env);
	free(c->workdir);
	free(c->user);
	free(c->hostname);
	strv_free(c->labels);
	strv_free(c->annotations);
	free(c->init_path);
	free(c->tz);
	free(c->network_mode);
	free(c->log_driver);
	free(c->log_path);
	free(c->runtime);
	strv_free(c->ulimits);
	free(c->created_command);
	free(c->restart_policy);
	healthcheck_config_free(c->healthcheck);
	free(c->health_on_failure);
	json_decref(c->spec_extra);
	memset(c, 0, sizeof(*c));
}

void container_state_release(struct container_state *s)
{
	free(s->mountpoint);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

struct container *container_free(struct container *c)
{
	if (!c)
		return NULL;
	container_config_release(&c->config);
	container_state_release(&c->state);
	free(c);
	return NULL;
}

void container_list_free(struct container **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		container_free(v[i]);
	free(v);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void put_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static void put_strv(json_t *o, const char *k, char *const *v)
{
	if (!v)
		return;
	json_t *a = json_array();
	for (size_t i = 0; v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	json_object_set_new(o, k, a);
}

static char *get_str(const json_t *o, const char *k)
{
	const char *s = json_get_string(o, k);
	return s ? xstrdup(s) : NULL;
}

/* NULL when absent: "not given" and "given empty" differ for command and entrypoint. */
static char **get_strv(const json_t *o, const char *k)
{
	json_t *a = json_object_get(o, k);
	size_t i;
	json_t *v;
	if (!json_is_array(a))
		return NULL;
	char **out = xnew(char *, 1);
	json_array_foreach(a, i, v) if (json_is_string(v)) strv_push(&out, json_string_value(v));
	return out;
}

static int64_t get_int(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static bool get_bool(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

char *container_config_to_json(const struct container_config *c)
{
	_cleanup_json_ json_t *o = json_object();
	put_str(o, "id", c->id);
	put_str(o, "name", c->name);
	put_str(o, "image_id", c->image_id);
	put_str(o, "image_name", c->image_name);
	put_str(o, "raw_image_name", c->raw_image_name);
	put_strv(o, "command", c->command);
	put_strv(o, "user_command", c->user_command);
	put_strv(o, "entrypoint", c->entrypoint);
	put_strv(o, "env", c->env);
	put_str(o, "workdir", c->workdir);
	put_str(o, "user", c->user);
	put_str(o, "hostname", c->hostname);
	put_strv(o, "labels", c->labels);
	put_strv(o, "annotations", c->annotations);
	json_object_set_new(o, "terminal", json_boolean(c->terminal));
	json_object_set_new(o, "stdin_open", json_boolean(c->stdin_open));
	json_object_set_new(o, "remove", json_boolean(c->remove));
	json_object_set_new(o, "init", json_boolean(c->init));
	put_str(o, "init_path", c->init_path);
	json_object_set_new(o, "stop_signal", json_integer(c->stop_signal));
	json_object_set_new(o, "stop_timeout", json_integer(c->stop_timeout));
	put_str(o, "tz", c->tz);
	put_str(o, "network_mode", c->network_mode);
	put_str(o, "log_driver", c->log_driver);
	put_str(o, "log_path", c->log_path);
	put_str(o, "runtime", c->runtime);
	put_strv(o, "ulimits", c->ulimits);
	json_object_set_new(o, "read_only", json_boolean(c->read_only));
	json_object_set_new(o, "created", json_integer(c->created));
	put_str(o, "created_command", c->created_command);
	put_str(o, "restart_policy", c->restart_policy);
	if (c->restart_retries)
		json_object_set_new(o, "restart_retries", json_integer((json_int_t)c->restart_retries));
	if (c->healthcheck)
		json_object_set_new(o, "healthcheck", healthcheck_config_to_json(c->healthcheck));
	put_str(o, "health_on_failure", c->health_on_failure);
	if (c->spec_extra)
		json_object_set(o, "spec_extra", c->spec_extra);
	return json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int container_config_from_json(const char *text, struct container_config *c,
                               struct cpod_error **err)
{
	json_error_t jerr;
	_cleanup_json_ json_t *o = json_loads(text, 0, &jerr);
	if (!json_is_object(o))
		return cpod_error_set(err, EIO, "container config: %s",
		                      o ? "not an object" : jerr.text);
	memset(c, 0, sizeof(*c));
	c->id = get_str(o, "id");
	c->name = get_str(o, "name");
	c->image_id = get_str(o, "image_id");
	c->image_name = get_str(o, "image_name");
	c->raw_image_name = get_str(o, "raw_image_name");
	c->command = get_strv(o, "command");
	c->user_command = get_strv(o, "user_command");
	c->entrypoint = get_strv(o, "entrypoint");
	c->env = get_strv(o, "env");
	c->workdir = get_str(o, "workdir");
	c->user = get_str(o, "user");
	c->hostname = get_str(o, "hostname");
	c->labels = get_strv(o, "labels");
	c->annotations = get_strv(o, "annotations");
	c->terminal = get_bool(o, "terminal");
	c->stdin_open = get_bool(o, "stdin_open");
	c->remove = get_bool(o, "remove");
	c->init = get_bool(o, "init");
	c->init_path = get_str(o, "init_path");
	c->stop_signal = (int)get_int(o, "stop_signal");
	c->stop_timeout = (unsigned)get_int(o, "stop_timeout");
	c->tz = get_str(o, "tz");
	c->network_mode = get_str(o, "network_mode");
	c->log_driver = get_str(o, "log_driver");
	c->log_path = get_str(o, "log_path");
	c->runtime = get_str(o, "runtime");
	c->ulimits = get_strv(o, "ulimits");
	c->read_only = get_bool(o, "read_only");
	c->created = get_int(o, "created");
	c->created_command = get_str(o, "created_command");
	c->restart_policy = get_str(o, "restart_policy");
	int64_t retries = get_int(o, "restart_retries");
	c->restart_retries = retries > 0 ? (uint64_t)retries : 0;
	c->healthcheck = healthcheck_config_from_json(json_object_get(o, "healthcheck"));
	c->health_on_failure = get_str(o, "health_on_failure");
	json_t *extra = json_object_get(o, "spec_extra");
	if (extra)
		c->spec_extra = json_incref(extra);
	if (!c->id || !c->name) {
		container_config_release(c);
		return cpod_error_set(err, EIO, "container config: missing id or name");
	}
	return 0;
}

char *container_state_to_json(const struct container_state *s)
{
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "status", json_string(container_status_to_string(s->status)));
	json_object_set_new(o, "pid", json_integer(s->pid));
	json_object_set_new(o, "conmon_pid", json_integer(s->conmon_pid));
	json_object_set_new(o, "exit_code", json_integer(s->exit_code));
	json_object_set_new(o, "oom_killed", json_boolean(s->oom_killed));
	json_object_set_new(o, "started_at", json_integer(s->started_at));
	json_object_set_new(o, "finished_at", json_integer(s->finished_at));
	put_str(o, "mountpoint", s->mountpoint);
	json_object_set_new(o, "restart_count", json_integer(s->restart_count));
	put_str(o, "error", s->error);
	return json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int container_state_from_json(const char *text, struct container_state *s, struct cpod_error **err)
{
	json_error_t jerr;
	_cleanup_json_ json_t *o = json_loads(text, 0, &jerr);
	if (!json_is_object(o))
		return cpod_error_set(err, EIO, "container state: %s",
		                      o ? "not an object" : jerr.text);
	memset(s, 0, sizeof(*s));
	s->status = container_status_from_string(json_get_string(o, "status"));
	if (s->status == _CTR_STATUS_INVALID)
		s->status = CTR_UNKNOWN;
	s->pid = (pid_t)get_int(o, "pid");
	s->conmon_pid = (pid_t)get_int(o, "conmon_pid");
	s->exit_code = (int)get_int(o, "exit_code");
	s->oom_killed = get_bool(o, "oom_killed");
	s->started_at = get_int(o, "started_at");
	s->finished_at = get_int(o, "finished_at");
	s->mountpoint = get_str(o, "mountpoint");
	s->restart_count = (unsigned)get_int(o, "restart_count");
	s->error = get_str(o, "error");
	return 0;
}

/* ---- signals --------------------------------------------------------------------------- */

static const struct {
	const char *name;
	int num;
} signal_table[] = {
        {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
        {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
        {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
        {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
        {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
        {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
        {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
        {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
        {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

int container_signal_parse(const char *s, int *ret, struct cpod_error **err)
{
	if (!s || !*s)
		return cpod_error_set(err, EINVAL, "invalid signal: %s", s ? s : "");
	if (s[0] >= '0' && s[0] <= '9') {
		char *end = NULL;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (errno || *end || v <= 0 || v > SIGRTMAX)
			return cpod_error_set(err, EINVAL, "invalid signal: %s", s);
		*ret = (int)v;
		return 0;
	}
	const char *n = s;
	if (strncasecmp(n, "SIG", 3) == 0)
		n += 3;
	for (size_t i = 0; i < sizeof(signal_table) / sizeof(signal_table[0]); i++)
		if (strcasecmp(signal_table[i].name, n) == 0) {
			*ret = signal_table[i].num;
			return 0;
		}
	/* RTMIN+n / RTMAX-n, as Go's signal parser in containers/common */
	if (strncasecmp(n, "RTMIN", 5) == 0 || strncasecmp(n, "RTMAX", 5) == 0) {
		bool min = strncasecmp(n, "RTMIN", 5) == 0;
		long off = 0;
		if (n[5]) {
			char *end = NULL;
			if ((min && n[5] != '+') || (!min && n[5] != '-'))
				return cpod_error_set(err, EINVAL, "invalid signal: %s", s);
			off = strtol(n + 6, &end, 10);
			if (*end || off < 0 || off > SIGRTMAX - SIGRTMIN)
				return cpod_error_set(err, EINVAL, "invalid signal: %s", s);
		}
		*ret = min ? SIGRTMIN + (int)off : SIGRTMAX - (int)off;
		return 0;
	}
	return cpod_error_set(err, EINVAL, "invalid signal: %s", s);
}
