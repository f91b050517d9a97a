/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_HEALTHCHECK_H
#define CPOD_ENGINE_HEALTHCHECK_H

/*
 * Health checks as Podman 4.3 runs them (libpod/healthcheck.go, pkg/specgenutil):
 *
 * - The check is Docker's Schema2HealthConfig: Test ["CMD", args...] (run as is),
 *   ["CMD-SHELL", text] (run as /bin/sh -c text), ["NONE"] (disabled), with Interval,
 *   Timeout, StartPeriod (nanoseconds) and Retries. It comes from --health-* flags or else
 *   from the image's config "Healthcheck" (Interval and Timeout default to 30s there).
 * - Results live in the container's run directory (run_root/containers/<id>/healthcheck.log,
 *   Podman's {"Status", "FailingStreak", "Log": [{"Start", "End", "ExitCode", "Output"}]}),
 *   written under the container's lock. A start sets Status "starting"; a passing check makes
 *   it "healthy" and resets FailingStreak; a failing one outside the start period adds to
 *   FailingStreak and turns it "unhealthy" once FailingStreak reaches Retries.
 * - The periodic runs: a transient systemd timer (`systemd-run --unit ID --on-unit-inactive=
 *   INTERVAL ... cpod healthcheck run ID`) when systemd is really PID 1, else a detached
 *   `cpod container healthcheck-loop ID` process of cpod's own (its pid in the run
 *   directory's healthcheck.pid), started with the container and stopped with it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

struct engine;
struct container;

#define HEALTHCHECK_DEFAULT_INTERVAL_NS (30LL * 1000000000LL)
#define HEALTHCHECK_DEFAULT_TIMEOUT_NS  (30LL * 1000000000LL)
#define HEALTHCHECK_DEFAULT_RETRIES     3
/* Podman 4.3's MaxHealthCheckLogLength / MaxHealthCheckNumberLogs */
#define HEALTHCHECK_MAX_OUTPUT 500
#define HEALTHCHECK_MAX_LOGS   5

struct healthcheck_config {
	char **test;         /* Test as Podman stores it, non-empty */
	int64_t interval_ns; /* 0: no periodic runs */
	int64_t timeout_ns;
	int64_t start_period_ns;
	int64_t retries;
};
struct healthcheck_config *healthcheck_config_free(struct healthcheck_config *hc);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct healthcheck_config *, healthcheck_config_free)
struct healthcheck_config *healthcheck_config_copy(const struct healthcheck_config *hc);

/* The --health-* flags of create and run, as typed (NULL: not given). */
struct healthcheck_cli {
	const char *cmd;
	const char *interval;     /* NULL: "30s" */
	const char *retries;      /* NULL: "3" */
	const char *timeout;      /* NULL: "30s" */
	const char *start_period; /* NULL: "0s" */
	const char *on_failure;   /* NULL: "none" */
	bool no_healthcheck;
};

/*
 * The health check the flags ask for, as Podman's makeHealthCheckFromCli builds it:
 * *ret NULL when neither --health-cmd (non-empty) nor --no-healthcheck was given (the
 * image's applies then). *ret_on_failure: "none", "kill", "restart" or "stop" (owned).
 * Errors (EINVAL) with Podman's messages, e.g. "cannot specify both --no-healthcheck and
 * --health-cmd", "invalid healthcheck-interval: time: missing unit in duration \"5\"".
 */
int healthcheck_from_cli(const struct healthcheck_cli *o, struct healthcheck_config **ret,
                         char **ret_on_failure, struct cpod_error **err);

/* Podman's define.ParseHealthCheckOnFailureAction; EINVAL with its message. */
int healthcheck_on_failure_check(const char *s, struct cpod_error **err);

/*
 * Go's time.ParseDuration: "1h2m3.5s", "-1.5ms", "0"; EINVAL with Go's texts
 * ("time: invalid duration \"x\"", "time: missing unit in duration \"5\"",
 * "time: unknown unit \"x\" in duration \"5x\"").
 */
int go_duration_parse(const char *s, int64_t *ret_ns, struct cpod_error **err);

/*
 * Podman's JSON of the check (inspect .Config.Healthcheck: Test, then StartPeriod, Interval,
 * Timeout, Retries, each left out when 0). New reference.
 */
json_t *healthcheck_config_to_json(const struct healthcheck_config *hc);
/*
 * The check from that JSON (also the image config's "Healthcheck"): NULL when j is not an
 * object or has no Test of strings. Values of the wrong type count as 0.
 */
struct healthcheck_config *healthcheck_config_from_json(const json_t *j);
/* The image's check with Podman's defaults for a missing Interval / Timeout (NULL: none). */
struct healthcheck_config *healthcheck_from_image(const json_t *img_config);

/* True when hc runs something (not NULL, Test[0] neither "" nor "NONE"). */
bool healthcheck_enabled(const struct healthcheck_config *hc);
/*
 * The process args of the check (owned strv), as Podman's runHealthCheck: CMD's args,
 * CMD-SHELL as /bin/sh -c, anything else as is; NULL when nothing is to run.
 */
char **healthcheck_command(const struct healthcheck_config *hc);

/* ---- the results (healthcheck-run.c) ------------------------------------------------------ */

enum healthcheck_result {
	HEALTHCHECK_HEALTHY,   /* the check passed: exit 0 */
	HEALTHCHECK_UNHEALTHY, /* it failed: `healthcheck run` prints "unhealthy", exits 1 */
};

/*
 * `podman healthcheck run`: run the check once in the running container key (through an
 * exec session, killed after the check's timeout), record it and apply the on-failure
 * action when the container turned unhealthy. Errors (exit 125 in the CLI): ENOENT "unable
 * to look up KEY to perform a health check: ...", EINVAL "container ID is not running",
 * "container ID has no defined healthcheck", ETIMEDOUT "healthcheck command exceeded timeout
 * of 1s" (recorded as a failure with ExitCode -1 first).
 */
int container_healthcheck_run(struct engine *e, const char *key, enum healthcheck_result *ret,
                              struct cpod_error **err);

/*
 * inspect's State.Health of c: {"Status": "", "FailingStreak": 0, "Log": null} when there is
 * no result yet. New reference.
 */
json_t *container_health_json(struct engine *e, const struct container *c);
/* ps's health status of c ("starting", "healthy", "unhealthy"), NULL without one; owned. */
char *container_health_status(struct engine *e, const struct container *c);
/* Set Status "starting" at a start, keeping the log (lock held); errors logged. */
void container_health_reset(struct engine *e, const struct container *c);

/* ---- the timer (healthcheck-timer.c) ------------------------------------------------------- */

/*
 * After a start (lock held): set the health Status to "starting" and begin the periodic runs
 * when c's check has an interval. Errors are logged, as Podman does.
 */
void healthcheck_timer_start(struct engine *e, const struct container *c);
/* When c stops or goes away: end the periodic runs (never the calling process itself). */
void healthcheck_timer_stop(struct engine *e, const struct container *c);
/*
 * The hidden `cpod container healthcheck-loop ID`: every interval, run the check while the
 * container runs in the run it was started for; returns 0 when the container stopped.
 */
int container_healthcheck_loop(struct engine *e, const char *id, struct cpod_error **err);
/* True when systemd really runs as PID 1 (its directory exists and PID 1 is systemd). */
bool healthcheck_systemd_running(void);

#endif
