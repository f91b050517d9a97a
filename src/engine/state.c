/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container state: locks, reboot detection, and repair of what a killed cpod left behind.
 *
 * Design (DESIGN.md §4):
 *
 * - Records live in graph_root/cpod.db (db.c). Every read-modify-write of a container takes
 *   its lock first: flock(LOCK_EX) on run_root/locks/<id>.lock. The kernel drops the lock
 *   when its holder dies, so a killed cpod never leaves a container locked. After taking
 *   the lock the record is read again (container_get_locked), so decisions are made on
 *   current data. SQLite serialises the writes themselves (WAL, busy timeout 30 s).
 *
 * - Names: no global lock. A name is claimed by inserting the record, in one IMMEDIATE
 *   transaction that first checks that neither the name nor the ID is a name or ID in use
 *   (the UNIQUE constraint backs it up). A generated name that lost a race is replaced by
 *   a new one and the insert retried, so N parallel `cpod run -d` give N containers.
 *
 * - create: the record is inserted first with pending = 1 while the creator holds the
 *   container's lock; then the storage container and userdata are made, and the record is
 *   flipped to pending = 0. Pending records are invisible to lookups and lists, but their
 *   name is taken. If cpod is killed in between, the record stays pending and its lock is
 *   free: the next list (ps, prune) or a create that collides on the name sees a pending
 *   record whose lock it can take, and deletes the storage container, userdata and record
 *   (container_repair). No storage container can exist without a record naming it.
 *
 * - start/init: the status becomes "created"/"running" only after the runtime confirmed it;
 *   a killed start leaves "configured", and a runtime container that may exist is deleted
 *   by the next init (runtime delete --force before create).
 *
 * - remove: the status is set to "removing" (under the lock) before anything is torn down,
 *   then the runtime container, storage, userdata and record go, the record last. A killed
 *   rm leaves "removing" with a free lock: the next list or rm finishes the removal.
 *
 * - Reboot: run_root is tmpfs. run_root/boot-id holds /proc/sys/kernel/random/boot_id of
 *   the boot that last used the state. When it differs, or is missing, every container is
 *   reset as libpod's refresh does (resetState: anything but "exited" becomes
 *   "configured", pids, mount point and restart count are cleared), under
 *   run_root/locks/refresh.lock, and the file is rewritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/container-internal.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

int64_t container_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *container_userdata_dir(struct engine *e, const char *id, bool run)
{
	return xasprintf("%s/containers/%s/userdata", run ? e->run_root : e->graph_root, id);
}

static int open_lock(struct engine *e, const char *name, bool nonblock, struct cpod_error **err)
{
	_cleanup_free_ char *dir = path_join(e->run_root, "locks");
	int r = mkdir_p(dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", dir);
	_cleanup_free_ char *path = xasprintf("%s/%s.lock", dir, name);
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open lock %s", path);
	while (flock(fd, LOCK_EX | (nonblock ? LOCK_NB : 0)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK && nonblock)
			return -EWOULDBLOCK;
		return cpod_error_set_errno(err, errno, "lock %s", path);
	}
	return TAKE_FD(fd);
}

int container_lock(struct engine *e, const char *id, bool nonblock, struct cpod_error **err)
{
	return open_lock(e, id, nonblock, err);
}

void container_lock_unlink(struct engine *e, const char *id)
{
	_cleanup_free_ char *path = xasprintf("%s/locks/%s.lock", e->run_root, id);
	(void)unlink(path);
}

static bool boot_id_same(const char *path, const char *boot)
{
	_cleanup_free_ char *seen = NULL;
	return read_file_at(AT_FDCWD, path, 128, &seen, NULL) == 0 && strcmp(seen, boot) == 0;
}

static int check_reboot(struct engine *e, struct state_db *db, struct cpod_error **err)
{
	_cleanup_free_ char *boot = NULL;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &boot, NULL) < 0)
		return 0; /* no boot ID (odd /proc): nothing to compare with */
	_cleanup_free_ char *path = path_join(e->run_root, "boot-id");
	if (boot_id_same(path, boot))
		return 0;
	_cleanup_close_ int lock = open_lock(e, "refresh", false, err);
	if (lock < 0)
		return lock;
	if (boot_id_same(path, boot))
		return 0; /* another cpod did it while we waited */
	int n = state_db_reset_all(db, err);
	if (n < 0)
		return cpod_error_wrap(err, "resetting container state after a reboot");
	log_debug("state: new boot ID, %d container(s) reset", n);
	int r = write_file_atomic_at(AT_FDCWD, path, boot, strlen(boot), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

struct state_db *engine_state(struct engine *e, struct cpod_error **err)
{
	if (e->state)
		return e->state;
	_cleanup_(state_db_closep) struct state_db *db = NULL;
	if (state_db_open(e->graph_root, &db, err) < 0)
		return NULL;
	int r = mkdir_p(e->run_root, 0700);
	if (r < 0) {
		cpod_error_set_errno(err, -r, "create %s", e->run_root);
		return NULL;
	}
	if (check_reboot(e, db, err) < 0)
		return NULL;
	e->state = TAKE_PTR(db);
	return e->state;
}

int container_get_locked(struct engine *e, const char *key, struct container **ret, int *ret_fd,
                         struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *id = NULL;
	int r = state_db_lookup_id(db, key, &id, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = container_lock(e, id, false, err);
	if (fd < 0)
		return fd;
	bool pending = false;
	struct container *c = NULL;
	r = state_db_get(db, id, true, &c, &pending, err);
	if (r < 0)
		return r;
	if (pending) {
		/* we hold the lock, so the creator died: finish its cleanup */
		(void)container_remove_locked(e, c, NULL);
		container_free(c);
		return cpod_error_set(
		        err, ENOENT, "no container with name or ID \"%s\" found: no such container",
		        key);
	}
	*ret = c;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int container_repair(struct engine *e, const struct container *c, bool pending,
                     struct cpod_error **err)
{
	if (!pending && c->state.status != CTR_REMOVING)
		return 0;
	_cleanup_close_ int fd = container_lock(e, c->config.id, true, err);
	if (fd == -EWOULDBLOCK)
		return 0; /* its owner is alive and busy with it */
	if (fd < 0)
		return fd;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_(container_freep) struct container *cur = NULL;
	bool cur_pending = false;
	struct cpod_error *e2 = NULL;
	int r = state_db_get(db, c->config.id, true, &cur, &cur_pending, &e2);
	cpod_error_free(e2);
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return 0;
	if (!cur_pending && cur->state.status != CTR_REMOVING)
		return 0;
	log_debug("state: finishing the %s of container %s left by a killed cpod",
	          cur_pending ? "creation" : "removal", cur->config.id);
	r = container_remove_locked(e, cur, err);
	return r < 0 ? r : 1;
}
