/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exits: the cleanup conmon runs when the container's process ends, stop, kill, restart and
 * wait. The exit is known from conmon's exit file (run_root/exits/<id>, the exit code in
 * decimal) and its oom file (<bundle>/oom).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "engine/volume-internal.h"
#include "engine/network-internal.h"
#include "runtime/exitfile.h"
#include "runtime/oci.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 1 and the code when conmon wrote the exit file, 0 when it has not (yet). */
static int read_exit_file(struct engine *e, const char *id, int *ret_code, int64_t *ret_when)
{
	_cleanup_free_ char *path = container_exit_file(e, id);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, 64, &text, NULL) < 0)
		return 0;
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || errno)
		return 0; /* being written: conmon writes it in one go, so look again */
	*ret_code = (int)v;
	struct stat st;
	if (ret_when && stat(path, &st) == 0)
		*ret_when = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	return 1;
}

static bool process_gone(pid_t pid)
{
	return pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH);
}

int container_cleanup_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
                             struct cpod_error **err)
{
	struct container_state *st = &c->state;
	if (!container_status_active(st->status))
		return 0;
	int code = 0;
	int64_t when = container_now_ns();
	int have = read_exit_file(e, c->config.id, &code, &when);
	if (!have) {
		/* no exit file: the container still runs, unless conmon itself is gone too */
		if (!process_gone(st->conmon_pid) || !process_gone(st->pid))
			return 0;
		code = 137; /* Podman: a container whose conmon died is reported killed */
	}
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *static_dir = container_userdata_dir(e, c->config.id, false);
	_cleanup_free_ char *oom = path_join(static_dir, "oom");
	st->oom_killed = path_exists(oom);
	st->exit_code = code;
	st->finished_at = when > st->started_at ? when : st->started_at;
	st->status = CTR_EXITED;
	st->pid = 0;
	st->conmon_pid = 0;
	healthcheck_timer_stop(e, c);
	(void)runtime_oci_delete(rt, c->config.id, true, NULL);
	struct cpod_error *nerr = NULL;
	if (container_network_teardown(e, c, &nerr) < 0) {
		log_warn("tearing down the network of container %s: %s", c->config.id, nerr->msg);
		cpod_error_free(nerr);
	}
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	container_mounts_teardown(e, c);
	struct cpod_error *uerr = NULL;
	if (container_rootfs_unmount(s, &c->config, false, &uerr) < 0) {
		log_debug("cleanup of %s: %s", c->config.id, uerr->msg);
		cpod_error_free(uerr);
	}
	free(st->mountpoint);
	st->mountpoint = NULL;
	int r = state_db_save_state(db, c, err);
	return r < 0 ? r : 1;
}

int container_cleanup(struct engine *e, const char *key, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	struct cpod_error *lerr = NULL;
	int r = container_get_locked(e, key, &c, &lock, &lerr);
	if (r == -ENOENT) {
		/* removed already (rm -f raced with the exit, or --rm ran): nothing to do */
		cpod_error_free(lerr);
		return 0;
	}
	if (r < 0) {
		cpod_error_move(err, &lerr);
		return r;
	}
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	/*
	 * Podman's RestartPolicyMatch: the process of a running (or paused) container ended by
	 * itself. A stop or a SIGKILL from the user records the exit under the lock before this
	 * cleanup gets it, so the container is exited already then and is not restarted.
	 */
	bool was_running = c->state.status == CTR_RUNNING || c->state.status == CTR_PAUSED;
	r = container_cleanup_locked(e, c, rt, err);
	if (r < 0)
		return r;
	if (r == 1 && was_running) {
		r = container_restart_policy_apply(e, c, err);
		if (r != 0)
			return r; /* restarted (1), so no --rm; or the restart failed */
	}
	if (c->config.remove &&
	    (c->state.status == CTR_EXITED || c->state.status == CTR_STOPPED)) {
		r = container_remove_locked(e, c, err);
		/* Podman's --rm removes the container's anonymous volumes too */
		if (r >= 0) {
			close(TAKE_FD(lock));
			container_volumes_remove_anonymous(e, c);
		}
		return r;
	}
	return 0;
}

/* Wait up to ms for the exit file (or the death of conmon); 1 when it exited. */
static int wait_exit(struct engine *e, struct container *c, long ms)
{
	int code;
	for (long waited = 0;; waited += 10) {
		if (read_exit_file(e, c->config.id, &code, NULL))
			return 1;
		if (process_gone(c->state.conmon_pid) && process_gone(c->state.pid))
			return 1;
		if (waited >= ms)
			return 0;
		sleep_ms(10);
	}
}

int container_stop_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
                          int timeout, struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	if (!container_status_active(c->state.status))
		return 0;
	if (container_cleanup_locked(e, c, rt, NULL) == 1)
		return 0; /* it had exited already */
	if (timeout < 0)
		timeout = (int)c->config.stop_timeout;
	if (c->state.status == CTR_PAUSED)
		(void)runtime_oci_resume(rt, c->config.id, NULL);
	c->state.status = CTR_STOPPING;
	int r = state_db_save_state(db, c, err);
	if (r < 0)
		return r;
	bool exited = false;
	if (timeout > 0) {
		struct cpod_error *kerr = NULL;
		if (runtime_oci_kill(rt, c->config.id, c->config.stop_signal, false, &kerr) < 0) {
			log_debug("stop %s: %s", c->config.id, kerr->msg);
			cpod_error_free(kerr);
		}
		exited = wait_exit(e, c, (long)timeout * 1000);
		if (!exited)
			log_warn("StopSignal SIG%s failed to stop container %s in %d seconds, "
			         "resorting to SIGKILL",
			         sigabbrev_np(c->config.stop_signal)
			                 ? sigabbrev_np(c->config.stop_signal)
			                 : "?",
			         c->config.name, timeout);
	}
	if (!exited) {
		struct cpod_error *kerr = NULL;
		if (runtime_oci_kill(rt, c->config.id, SIGKILL, true, &kerr) < 0) {
			log_debug("kill %s: %s", c->config.id, kerr->msg);
			cpod_error_free(kerr);
		}
		if (!wait_exit(e, c, 30000))
			return cpod_error_set(err, ETIMEDOUT,
			                      "given PID did not die within timeout: container %s",
			                      c->config.id);
	}
	r = container_cleanup_locked(e, c, rt, err);
	if (r < 0)
		return r;
	if (container_status_active(c->state.status)) {
		/* no exit file although the process is gone (conmon killed): record it */
		c->state.status = CTR_EXITED;
		c->state.finished_at = container_now_ns();
		(void)runtime_oci_delete(rt, c->config.id, true, NULL);
		return state_db_save_state(db, c, err);
	}
	return 0;
}

int container_stop(struct engine *e, const char *key, int timeout, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	r = container_stop_locked(e, c, rt, timeout, err);
	if (r < 0)
		return r;
	if (c->config.remove && c->state.status == CTR_EXITED)
		return container_remove_locked(e, c, err);
	return 0;
}

int container_kill(struct engine *e, const char *key, int signal, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (c->state.status != CTR_RUNNING && c->state.status != CTR_PAUSED &&
	    c->state.status != CTR_CREATED && c->state.status != CTR_STOPPING)
		return cpod_error_set(err, EINVAL,
		                      "can only kill running containers. %s is in state %s: "
		                      "container state improper",
		                      c->config.id, container_status_to_string(c->state.status));
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	r = runtime_oci_kill(rt, c->config.id, signal, false, err);
	if (r < 0 || signal != SIGKILL)
		return r;
	/*
	 * Podman marks a container killed with SIGKILL as stopped by the user and waits for its
	 * exit: recording the exit here, under the lock, keeps the restart policy from starting
	 * it again when conmon's cleanup runs.
	 */
	if (wait_exit(e, c, 5000))
		(void)container_cleanup_locked(e, c, rt, NULL);
	return 0;
}

int container_restart(struct engine *e, const char *key, int timeout, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	{
		_cleanup_close_ int lock = -1;
		int r = container_get_locked(e, key, &c, &lock, err);
		if (r < 0)
			return r;
		_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
		r = container_oci_runtime(e, &rt, err);
		if (r < 0)
			return r;
		r = container_stop_locked(e, c, rt, timeout, err);
		if (r < 0)
			return r;
	}
	/* the start sets RestartCount back to 0, as Podman's restart (init without retries) */
	return container_start(e, c->config.id, NULL, NULL, NULL, err);
}

int container_wait(struct engine *e, const char *key, unsigned conditions, int *ret_exit_code,
                   struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *id = NULL;
	int r = state_db_lookup_id(db, key, &id, err);
	if (r < 0)
		return r;
	if (conditions == 0 || (conditions & (1u << CTR_STOPPED)))
		conditions |= (1u << CTR_STOPPED) | (1u << CTR_EXITED);
	long delay = 5;
	for (;;) {
		_cleanup_(container_freep) struct container *c = NULL;
		struct cpod_error *gerr = NULL;
		r = state_db_get(db, id, false, &c, NULL, &gerr);
		if (r == -ENOENT) {
			/* removed by --rm: the exit file still tells the exit code */
			int code = 0;
			if (read_exit_file(e, id, &code, NULL)) {
				cpod_error_free(gerr);
				if (ret_exit_code)
					*ret_exit_code = code;
				return 0;
			}
		}
		if (r < 0) {
			cpod_error_move(err, &gerr);
			return r;
		}
		if (conditions & (1u << c->state.status)) {
			if (ret_exit_code)
				*ret_exit_code = c->state.exit_code;
			return 0;
		}
		int code = 0;
		if (container_status_active(c->state.status) &&
		    read_exit_file(e, id, &code, NULL) && (conditions & (1u << CTR_EXITED))) {
			/* exited; conmon's cleanup may still be on its way, don't wait for it */
			if (ret_exit_code)
				*ret_exit_code = code;
			return 0;
		}
		if (container_status_active(c->state.status) &&
		    (conditions & (1u << CTR_EXITED))) {
			/* sleep on the exit directory (inotify) rather than polling */
			_cleanup_free_ char *dir = path_join(e->run_root, "exits");
			(void)exitfile_wait(dir, id, (int)(delay * 20), &code, NULL);
		} else {
			sleep_ms(delay);
		}
		if (delay < 100)
			delay *= 2;
	}
}
