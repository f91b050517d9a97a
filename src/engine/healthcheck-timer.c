/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The periodic health checks. Podman 4.3 (libpod/healthcheck_linux.go) makes a transient
 * systemd timer when the container starts:
 *   systemd-run [--user] --unit ID --on-unit-inactive=INTERVAL --timer-property=AccuracySec=1s
 *               podman healthcheck run ID
 * and stops ID.timer / ID.service when it stops. Without systemd as PID 1 (CI containers,
 * this project's test hosts) Podman only logs an error and the checks never run. cpod does
 * the same as Podman where systemd runs, and otherwise stays daemonless with a process of
 * its own: `cpod [global flags] container healthcheck-loop ID`, in a new session, its pid in
 * the container's run directory (healthcheck.pid). It runs the check every interval while
 * the container runs the run it was started for, and exits when the container stops; the
 * cleanup that records the container's exit, and rm, kill it, so nothing outlives the
 * container even when it is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/healthcheck-internal.h"
#include "runtime/conmon.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define LOOP_VERB    "healthcheck-loop"
#define LOOP_POLL_NS (2LL * 1000000000LL)

bool healthcheck_systemd_running(void)
{
	if (access("/run/systemd/system", F_OK) != 0)
		return false;
	_cleanup_free_ char *comm = NULL;
	if (read_file_at(AT_FDCWD, "/proc/1/comm", 256, &comm, NULL) < 0)
		return false;
	return strcmp(comm, "systemd\n") == 0 || strcmp(comm, "systemd") == 0;
}

/* `cpod [global flags] VERB1 VERB2 ID`, with the flags of the exit command. */
static int self_argv(struct engine *e, const char *id, const char *verb1, const char *verb2,
                     char ***ret, struct cpod_error **err)
{
	struct conmon_exit_command_opts o = container_self_command_opts(e, id);
	const char *const verb[] = {verb1, verb2, NULL};
	o.verb = verb;
	return conmon_exit_command(&o, ret, err);
}

static void devnull_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		(void)dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/*
 * Start argv detached (new session, stdio on /dev/null, no other descriptor: the caller's
 * container lock must not live on in it). Returns its pid.
 */
static pid_t spawn_detached(char *const *argv, struct cpod_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return cpod_error_set_errno(err, errno, "pipe");
	pid_t child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return cpod_error_set_errno(err, errno, "fork");
	}
	if (child == 0) {
		close(p[0]);
		(void)setsid();
		pid_t gc = fork();
		if (gc != 0) {
			(void)!write(p[1], &gc, sizeof(gc));
			_exit(gc < 0 ? 1 : 0);
		}
		devnull_stdio();
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		(void)close_range(3, ~0U, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	pid_t gc = -1;
	ssize_t n;
	do
		n = read(p[0], &gc, sizeof(gc));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(gc) || gc <= 0)
		return cpod_error_set(err, EIO, "could not start the health check process");
	return gc;
}

/* Run argv and wait for it (systemd-run, systemctl); its exit status or -errno. */
static int run_wait(char *const *argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		devnull_stdio();
		(void)close_range(3, ~0U, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool has_timer(const struct container *c)
{
	return healthcheck_enabled(c->config.healthcheck) && c->config.healthcheck->interval_ns > 0;
}

static void systemd_timer_start(struct engine *e, const struct container *c)
{
	_cleanup_strv_free_ char **self = NULL;
	_cleanup_error_ struct cpod_error *lerr = NULL;
	if (self_argv(e, c->config.id, "healthcheck", "run", &self, &lerr) < 0) {
		log_error("create healthcheck for %s: %s", c->config.id, lerr->msg);
		return;
	}
	_cleanup_free_ char *interval = go_duration_string(c->config.healthcheck->interval_ns);
	_cleanup_free_ char *inactive = xasprintf("--on-unit-inactive=%s", interval);
	_cleanup_strv_free_ char **v = NULL;
	strv_push(&v, "systemd-run");
	if (geteuid() != 0)
		strv_push(&v, "--user");
	strv_push(&v, "--unit");
	strv_push(&v, c->config.id);
	strv_push(&v, inactive);
	strv_push(&v, "--timer-property=AccuracySec=1s");
	STRV_FOREACH(p, self)
	{
		strv_push(&v, *p);
	}
	int r = run_wait(v);
	if (r != 0)
		log_error("unable to create healthcheck timer for %s: systemd-run exited with %d",
		          c->config.id, r);
}

static void systemd_timer_stop(const struct container *c)
{
	_cleanup_free_ char *timer = xasprintf("%s.timer", c->config.id);
	_cleanup_free_ char *service = xasprintf("%s.service", c->config.id);
	char *v[] = {"systemctl",  geteuid() != 0 ? "--user" : "--system",
	             "--no-block", "stop",
	             timer,        service,
	             NULL};
	int r = run_wait(v);
	if (r != 0)
		log_debug("stopping the healthcheck timer of %s: systemctl exited with %d",
		          c->config.id, r);
}

/* The loop's pid from healthcheck.pid, when that process is really our loop for id. */
static pid_t loop_pid(const char *pid_file, const char *id)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, pid_file, 64, &text, NULL) < 0)
		return 0;
	long pid = strtol(text, NULL, 10);
	if (pid <= 1)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	_cleanup_free_ char *cmdline = NULL;
	size_t len = 0;
	if (read_file_at(AT_FDCWD, path, 64 * 1024, &cmdline, &len) < 0)
		return 0;
	bool verb = false, ours = false;
	for (size_t i = 0; i < len; i += strlen(cmdline + i) + 1) {
		verb = verb || strcmp(cmdline + i, LOOP_VERB) == 0;
		ours = ours || strcmp(cmdline + i, id) == 0;
	}
	return verb && ours ? (pid_t)pid : 0;
}

static void loop_stop(struct engine *e, const char *id)
{
	_cleanup_free_ char *pid_file = healthcheck_run_file(e, id, "healthcheck.pid");
	pid_t pid = loop_pid(pid_file, id);
	if (pid == getpid())
		return; /* the loop's own check stopped the container: it ends by itself */
	if (pid > 0) {
		log_debug("stopping the health check process %d of %s", (int)pid, id);
		(void)kill(pid, SIGKILL);
	}
	(void)unlink(pid_file);
}

void healthcheck_timer_start(struct engine *e, const struct container *c)
{
	if (!healthcheck_enabled(c->config.healthcheck))
		return;
	container_health_reset(e, c);
	if (!has_timer(c))
		return;
	if (healthcheck_systemd_running()) {
		systemd_timer_start(e, c);
		return;
	}
	loop_stop(e, c->config.id);
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_error_ struct cpod_error *lerr = NULL;
	if (self_argv(e, c->config.id, "container", LOOP_VERB, &argv, &lerr) < 0) {
		log_error("create healthcheck for %s: %s", c->config.id, lerr->msg);
		return;
	}
	pid_t pid = spawn_detached(argv, &lerr);
	if (pid < 0) {
		log_error("start healthcheck for %s: %s", c->config.id, lerr->msg);
		return;
	}
	_cleanup_free_ char *pid_file = healthcheck_run_file(e, c->config.id, "healthcheck.pid");
	_cleanup_free_ char *text = xasprintf("%d", (int)pid);
	int r = write_file_atomic_at(AT_FDCWD, pid_file, text, strlen(text), 0600, false);
	if (r < 0) {
		/* without its pid file nobody could stop it: end it now */
		(void)kill(pid, SIGKILL);
		log_error("start healthcheck for %s: write %s: %s", c->config.id, pid_file,
		          strerror(-r));
	}
}

void healthcheck_timer_stop(struct engine *e, const struct container *c)
{
	if (!has_timer(c))
		return;
	if (healthcheck_systemd_running())
		systemd_timer_stop(c);
	else
		loop_stop(e, c->config.id);
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The container still runs the run the loop was started for. */
static bool still_running(struct engine *e, const char *id, int64_t started)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_error_ struct cpod_error *lerr = NULL;
	if (container_lookup(e, id, &c, &lerr) < 0)
		return false;
	return c->state.status == CTR_RUNNING && c->state.started_at == started;
}

int container_healthcheck_loop(struct engine *e, const char *id, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, id, &c, err);
	if (r < 0)
		return r;
	if (c->state.status != CTR_RUNNING || !has_timer(c))
		return 0;
	const int64_t started = c->state.started_at;
	const int64_t interval = c->config.healthcheck->interval_ns;
	const char *cid = c->config.id;
	for (;;) {
		/* the next check an interval after the last one ended (--on-unit-inactive) */
		for (int64_t left = interval; left > 0; left -= LOOP_POLL_NS) {
			sleep_ns(left < LOOP_POLL_NS ? left : LOOP_POLL_NS);
			if (!still_running(e, cid, started))
				return 0;
		}
		enum healthcheck_result res;
		_cleanup_error_ struct cpod_error *herr = NULL;
		if (container_healthcheck_run(e, cid, &res, &herr) < 0)
			log_debug("health check of %s: %s", cid, herr->msg);
		else
			log_debug("health check of %s: %s", cid,
			          res == HEALTHCHECK_HEALTHY ? "healthy" : "unhealthy");
	}
}
