/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `healthcheck run` and the health log (Podman 4.3's runHealthCheck, updateHealthCheckLog,
 * processHealthCheckStatus). The log is JSON in the container's run directory, written
 * atomically under the container's lock; it lives as long as the container's record (rm
 * removes the run directory) and, like Podman's, is kept across stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/healthcheck-internal.h"
#include "format/units.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define LOG_FILE_MAX (256 * 1024)

char *healthcheck_run_file(struct engine *e, const char *id, const char *name)
{
	_cleanup_free_ char *run = container_userdata_dir(e, id, true);
	return path_join(run, name);
}

/* The log as an object {Status, FailingStreak, Log}; an empty one when there is none. */
static int read_log(const char *path, json_t **ret, struct cpod_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, path, LOG_FILE_MAX, &text, &len);
	json_t *o = NULL;
	if (r == -ENOENT) {
		o = json_object();
	} else if (r < 0) {
		return cpod_error_set_errno(err, -r, "failed to read health check log file");
	} else {
		o = json_loadb(text, len, 0, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			return cpod_error_set(
			        err, EIO, "failed to unmarshal existing healthcheck results in %s",
			        path);
		}
	}
	const json_t *st = json_object_get(o, "Status");
	if (!json_is_string(st))
		json_object_set_new(o, "Status", json_string(""));
	if (!json_is_integer(json_object_get(o, "FailingStreak")))
		json_object_set_new(o, "FailingStreak", json_integer(0));
	if (!json_is_array(json_object_get(o, "Log")))
		json_object_set_new(o, "Log", json_null());
	*ret = o;
	return 0;
}

static int write_log(const char *path, const json_t *o, struct cpod_error **err)
{
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0700, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

json_t *container_health_json(struct engine *e, const struct container *c)
{
	_cleanup_free_ char *path = healthcheck_run_file(e, c->config.id, "healthcheck.log");
	json_t *o = NULL;
	struct cpod_error *lerr = NULL;
	if (!c->config.healthcheck || read_log(path, &o, &lerr) < 0) {
		if (lerr)
			log_error("%s", lerr->msg);
		cpod_error_free(lerr);
		o = json_object();
		json_object_set_new(o, "Status", json_string(""));
		json_object_set_new(o, "FailingStreak", json_integer(0));
		json_object_set_new(o, "Log", json_null());
	}
	return o;
}

char *container_health_status(struct engine *e, const struct container *c)
{
	if (!healthcheck_enabled(c->config.healthcheck))
		return NULL;
	_cleanup_json_ json_t *o = container_health_json(e, c);
	const char *s = json_string_value(json_object_get(o, "Status"));
	return s && *s ? xstrdup(s) : NULL;
}

void container_health_reset(struct engine *e, const struct container *c)
{
	if (!healthcheck_enabled(c->config.healthcheck))
		return;
	_cleanup_free_ char *path = healthcheck_run_file(e, c->config.id, "healthcheck.log");
	_cleanup_json_ json_t *o = NULL;
	_cleanup_error_ struct cpod_error *lerr = NULL;
	if (read_log(path, &o, &lerr) < 0 ||
	    (json_object_set_new(o, "Status", json_string("starting")),
	     write_log(path, o, &lerr) < 0))
		log_error("%s", lerr->msg);
}

static json_t *time_json(const struct timespec *ts)
{
	_cleanup_free_ char *s = units_time_rfc3339nano(ts, false);
	return json_string(s);
}

/*
 * updateHealthCheckLog (lock taken here): the new status, which is also returned in
 * *ret_status (owned).
 */
static int record(struct engine *e, const char *id, json_t *entry, int exit_code,
                  bool in_start_period, char **ret_status, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, id, &c, &lock, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = healthcheck_run_file(e, id, "healthcheck.log");
	_cleanup_json_ json_t *o = NULL;
	r = read_log(path, &o, err);
	if (r < 0)
		return r;
	int64_t streak = json_integer_value(json_object_get(o, "FailingStreak"));
	const char *status = json_string_value(json_object_get(o, "Status"));
	if (exit_code == 0) {
		json_object_set_new(o, "Status", json_string("healthy"));
		streak = 0;
	} else {
		if (!*status)
			json_object_set_new(o, "Status", json_string("healthy"));
		if (!in_start_period) {
			streak++;
			int64_t retries =
			        c->config.healthcheck ? c->config.healthcheck->retries : 0;
			if (streak >= retries)
				json_object_set_new(o, "Status", json_string("unhealthy"));
		}
	}
	json_object_set_new(o, "FailingStreak", json_integer(streak));
	json_t *log = json_object_get(o, "Log");
	if (!json_is_array(log)) {
		log = json_array();
		json_object_set_new(o, "Log", log);
	}
	json_array_append(log, entry);
	while (json_array_size(log) > HEALTHCHECK_MAX_LOGS)
		json_array_remove(log, 0);
	r = write_log(path, o, err);
	if (r < 0)
		return r;
	*ret_status = xstrdup(json_string_value(json_object_get(o, "Status")));
	return 0;
}

/* processHealthCheckStatus: the --health-on-failure action once unhealthy. */
static int on_failure(struct engine *e, const struct container *c, struct cpod_error **err)
{
	const char *a = c->config.health_on_failure;
	int r = 0;
	if (!a || strcmp(a, "none") == 0)
		return 0;
	if (strcmp(a, "kill") == 0) {
		r = container_kill(e, c->config.id, SIGKILL, err);
		if (r < 0)
			return cpod_error_wrap(err,
			                       "killing container health-check turned unhealthy");
	} else if (strcmp(a, "restart") == 0) {
		r = container_restart(e, c->config.id, (int)c->config.stop_timeout, err);
		if (r < 0)
			return cpod_error_wrap(err,
			                       "restarting container after health-check turned "
			                       "unhealthy");
	} else if (strcmp(a, "stop") == 0) {
		r = container_stop(e, c->config.id, -1, err);
		if (r < 0)
			return cpod_error_wrap(err, "stopping container after health-check turned "
			                            "unhealthy");
	}
	return 0;
}

static int64_t now_ns(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int container_healthcheck_run(struct engine *e, const char *key, enum healthcheck_result *ret,
                              struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return cpod_error_wrap(err, "unable to look up %s to perform a health check", key);
	const char *id = c->config.id;
	if (c->state.status != CTR_RUNNING)
		return cpod_error_set(err, EINVAL, "container %s is not running", id);
	_cleanup_strv_free_ char **cmd = healthcheck_command(c->config.healthcheck);
	if (!cmd)
		return cpod_error_set(err, EINVAL, "container %s has no defined healthcheck", id);
	const struct healthcheck_config *hc = c->config.healthcheck;

	struct timespec ts_start, ts_end;
	int64_t start = now_ns(&ts_start);
	struct healthcheck_exec_result res = {0};
	int code = 0;
	struct cpod_error *xerr = NULL;
	r = healthcheck_exec(e, id, cmd, hc->timeout_ns, &res, &xerr);
	if (r == -CPOD_ENOTFOUND_CMD || r == -CPOD_ECANNOT_INVOKE || r == -EIO) {
		/* Podman: a runtime error counts as a failed check, not as an error */
		log_debug("health check of %s: %s", id, xerr->msg);
		cpod_error_free(xerr);
		code = 1;
	} else if (r < 0) {
		cpod_error_move(err, &xerr);
		return r;
	} else {
		code = res.exit_code != 0 ? 1 : 0;
	}
	int64_t end = now_ns(&ts_end);
	bool in_start_period =
	        hc->start_period_ns > 0 && start < c->state.started_at + hc->start_period_ns;
	bool timed_out = res.timed_out || end - start > hc->timeout_ns;
	if (timed_out)
		code = -1;

	/* Podman keeps the output without its last newline */
	size_t len = res.output ? res.output_len : 0;
	if (len > 0 && res.output[len - 1] == '\n')
		len--;
	_cleanup_free_ char *out = utf8_sanitize(res.output ? res.output : "", len, &len);
	healthcheck_exec_result_release(&res);
	json_t *entry = json_object();
	json_object_set_new(entry, "Start", time_json(&ts_start));
	json_object_set_new(entry, "End", time_json(&ts_end));
	json_object_set_new(entry, "ExitCode", json_integer(code));
	json_object_set_new(entry, "Output", json_stringn(out, len));
	_cleanup_free_ char *status = NULL;
	r = record(e, id, entry, code, in_start_period, &status, err);
	json_decref(entry);
	if (r < 0) {
		_cleanup_free_ char *path = healthcheck_run_file(e, id, "healthcheck.log");
		return cpod_error_wrap(err, "unable to update health check log %s for %s", path,
		                       id);
	}
	if (strcmp(status, "unhealthy") == 0) {
		r = on_failure(e, c, err);
		if (r < 0)
			return r;
	}
	if (timed_out) {
		_cleanup_free_ char *d = go_duration_string(hc->timeout_ns);
		return cpod_error_set(err, ETIMEDOUT, "healthcheck command exceeded timeout of %s",
		                      d);
	}
	*ret = code == 0 ? HEALTHCHECK_HEALTHY : HEALTHCHECK_UNHEALTHY;
	return 0;
}
