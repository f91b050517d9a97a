/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "storage/driver.h"
#include "storage/store-internal.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum store_driver store_driver_from_string(const char *s)
{
	if (!s || !*s)
		return STORE_DRIVER_AUTO;
	if (strcmp(s, "overlay") == 0 || strcmp(s, "overlay2") == 0)
		return STORE_DRIVER_OVERLAY;
	if (strcmp(s, "vfs") == 0)
		return STORE_DRIVER_VFS;
	return _STORE_DRIVER_INVALID;
}

const char *store_driver_to_string(enum store_driver d)
{
	switch (d) {
	case STORE_DRIVER_AUTO:
		return "";
	case STORE_DRIVER_OVERLAY:
		return "overlay";
	case STORE_DRIVER_VFS:
		return "vfs";
	default:
		return NULL;
	}
}

int store_lock(struct store *s, struct cpod_error **err)
{
	if (s->lock_depth++ > 0)
		return 0;
	while (flock(s->lock_fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		s->lock_depth--;
		return cpod_error_set_errno(err, errno, "lock %s/storage.lock", s->graph_root);
	}
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->lock_depth > 0 && --s->lock_depth == 0)
		flock(s->lock_fd, LOCK_UN);
}

int store_check_writable(struct store *s, struct cpod_error **err)
{
	if (s->read_only)
		return cpod_error_set(err, EROFS, "storage %s is opened read-only", s->graph_root);
	return 0;
}

int store_stage_new(struct store *s, struct store_stage *ret, struct cpod_error **err)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		char rnd[65];
		id_random(rnd);
		rnd[32] = '\0';
		_cleanup_free_ char *name = xasprintf("tmp/%s", rnd);
		if (mkdirat(s->graph_fd, name, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return cpod_error_set_errno(err, errno, "create staging directory %s/%s",
			                            s->graph_root, name);
		}
		_cleanup_close_ int fd =
		        openat(s->graph_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* swept under us: try another name */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		/*
		 * A sweeper may have removed the directory between our mkdir and flock: make
		 * sure the locked inode is still the one at that name.
		 */
		struct stat a, b;
		if (fstat(fd, &a) < 0 || fstatat(s->graph_fd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
		    a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			continue;
		ret->name = TAKE_PTR(name);
		ret->fd = TAKE_FD(fd);
		return 0;
	}
	return cpod_error_set(err, EIO, "create staging directory in %s/tmp: too many collisions",
	                      s->graph_root);
}

static void stage_unmount_leftovers(struct store *s, const char *name)
{
	/* a probe mount or a half-mounted layer left by a killed process */
	_cleanup_free_ char *p = xasprintf("%s/%s/merged", s->graph_root, name);
	umount2(p, MNT_DETACH);
}

void store_stage_release(struct store *s, struct store_stage *st)
{
	if (!st->name)
		return;
	int r = rm_rf_at(s->graph_fd, st->name);
	if (r < 0)
		log_debug("remove staging directory %s/%s: %s", s->graph_root, st->name,
		          strerror(-r));
	free(st->name);
	st->name = NULL;
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

/*
 * Remove every staging directory whose builder is gone (its flock can be taken). Each one is
 * removed while this process holds its lock: a builder that made the directory but has not
 * locked it yet then fails its own flock and picks another name (store_stage_new), instead of
 * locking a directory that is about to disappear under it.
 */
static void sweep_tmp(struct store *s)
{
	_cleanup_close_ int fd =
	        openat(s->graph_fd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d)
		return;
	fd = -1;
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			strv_push(&names, de->d_name);
	}
	STRV_FOREACH(n, names)
	{
		_cleanup_free_ char *rel = xasprintf("tmp/%s", *n);
		_cleanup_close_ int sub = openat(s->graph_fd, rel,
		                                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0 && flock(sub, LOCK_EX | LOCK_NB) < 0)
			continue; /* in use by a live process */
		log_debug("removing abandoned staging directory %s/%s", s->graph_root, rel);
		stage_unmount_leftovers(s, rel);
		rm_rf_at(s->graph_fd, rel);
	}
}

int store_gc_add(struct store *s, const char *path, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "INSERT OR IGNORE INTO gc (path) VALUES (?)", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, path);
	return store_db_step_done(s, st, err);
}

int store_gc_forget(struct store *s, const char *path, struct cpod_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = store_db_prepare(s, "DELETE FROM gc WHERE path = ?", &st, err);
	if (r < 0)
		return r;
	store_db_bind_text(st, 1, path);
	return store_db_step_done(s, st, err);
}

/* Does a record own this path (so that it must not be removed)? */
static int gc_path_owned(struct store *s, const char *path, bool *ret, struct cpod_error **err)
{
	static const struct {
		const char *prefix;
		const char *sql;
		const char *value_prefix;
	} owners[] = {
	        {"overlay/l/", "SELECT 1 FROM layers WHERE link = ?", ""},
	        {"overlay/", "SELECT 1 FROM layers WHERE id = ?", ""},
	        {"vfs/dir/", "SELECT 1 FROM layers WHERE id = ?", ""},
	        {"blobs/sha256/",
	         "SELECT 1 FROM layers WHERE has_blob = 1 AND compressed_digest = ?", "sha256:"},
	        {"images/", "SELECT 1 FROM images WHERE id = ?", ""},
	        {"containers/", "SELECT 1 FROM containers WHERE id = ?", ""},
	};
	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		size_t n = strlen(owners[i].prefix);
		if (strncmp(path, owners[i].prefix, n) != 0)
			continue;
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		int r = store_db_prepare(s, owners[i].sql, &st, err);
		if (r < 0)
			return r;
		_cleanup_free_ char *v = xasprintf("%s%s", owners[i].value_prefix, path + n);
		store_db_bind_text(st, 1, v);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_db_error(s, err, "storage database");
		*ret = rc == SQLITE_ROW;
		return 0;
	}
	/* not a path the store knows: never remove it */
	*ret = true;
	return 0;
}

int store_gc_run(struct store *s, struct cpod_error **err)
{
	_cleanup_strv_free_ char **paths = NULL;
	{
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		int r = store_db_prepare(s, "SELECT path FROM gc", &st, err);
		if (r < 0)
			return r;
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			strv_consume(&paths, store_db_col_str(st, 0));
		if (rc != SQLITE_DONE)
			return store_db_error(s, err, "storage database");
	}
	STRV_FOREACH(p, paths)
	{
		bool owned = false;
		int r = gc_path_owned(s, *p, &owned, err);
		if (r < 0)
			return r;
		if (!owned) {
			log_debug("removing %s/%s", s->graph_root, *p);
			stage_unmount_leftovers(s, *p);
			r = rm_rf_at(s->graph_fd, *p);
			if (r < 0)
				return cpod_error_set_errno(err, -r, "remove %s/%s", s->graph_root,
				                            *p);
		}
		r = store_gc_forget(s, *p, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case EXT4_SUPER_MAGIC:
		return "extfs";
	case XFS_SUPER_MAGIC:
		return "xfs";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case TMPFS_MAGIC:
		return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlayfs";
	case 0x2fc12fc1:
		return "zfs";
	case NFS_SUPER_MAGIC:
		return "nfs";
	case 0x65735546:
		return "fuse";
	default:
		return "unknown";
	}
}

static int choose_driver(struct store *s, enum store_driver requested, struct cpod_error **err)
{
	_cleanup_free_ char *recorded = NULL;
	int r = store_db_meta_get(s, "driver", &recorded, err);
	if (r < 0)
		return r;
	enum store_driver rec = recorded ? store_driver_from_string(recorded) : STORE_DRIVER_AUTO;
	if (rec != STORE_DRIVER_AUTO && requested != STORE_DRIVER_AUTO && rec != requested)
		return cpod_error_set(
		        err, EINVAL,
		        "database storage graph driver \"%s\" does not match our "
		        "storage graph driver \"%s\": database configuration mismatch",
		        recorded, store_driver_to_string(requested));
	enum store_driver want = rec != STORE_DRIVER_AUTO ? rec : requested;
	if (want == STORE_DRIVER_VFS) {
		s->driver = STORE_DRIVER_VFS;
		s->driver_reason =
		        xstrdup(requested == STORE_DRIVER_VFS ? "vfs: requested"
		                                              : "vfs: used by this store");
	} else {
		bool ok = false;
		_cleanup_free_ char *why = NULL;
		r = overlay_probe(s, &ok, &why, err);
		if (r < 0)
			return r;
		if (ok) {
			s->driver = STORE_DRIVER_OVERLAY;
			s->driver_reason = xasprintf("overlay: %s", why);
		} else if (want == STORE_DRIVER_AUTO) {
			s->driver = STORE_DRIVER_VFS;
			s->driver_reason = xasprintf("vfs: %s", why);
		} else {
			return cpod_error_set(
			        err, EOPNOTSUPP,
			        "storage driver overlay is not usable on %s (%s): %s; "
			        "use --storage-driver vfs",
			        s->graph_root, s->backing_fs, why);
		}
	}
	s->ops = s->driver == STORE_DRIVER_OVERLAY ? &overlay_driver_ops : &vfs_driver_ops;
	if (!recorded && !s->read_only) {
		r = store_lock(s, err);
		if (r < 0)
			return r;
		r = store_db_meta_set(s, "driver", s->ops->name, err);
		store_unlock(s);
		if (r < 0)
			return r;
	}
	return 0;
}

static int open_dir(const char *path, int *ret, struct cpod_error **err)
{
	int r = mkdir_p(path, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", path);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open %s", path);
	*ret = fd;
	return 0;
}

/* Sweep what crashed writers left, if nobody is writing right now. */
static int store_recover(struct store *s, struct cpod_error **err)
{
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return 0; /* a live writer: its leftovers are not garbage */
	s->lock_depth = 1;
	sweep_tmp(s);
	int r = store_gc_run(s, err);
	store_unlock(s);
	return r;
}

int store_open(const struct store_options *opts, struct store **ret, struct cpod_error **err)
{
	if (!opts->graph_root || opts->graph_root[0] != '/' || !opts->run_root ||
	    opts->run_root[0] != '/')
		return cpod_error_set(err, EINVAL,
		                      "storage root and run root must be absolute paths");
	if (opts->driver < STORE_DRIVER_AUTO || opts->driver >= _STORE_DRIVER_MAX)
		return cpod_error_set(err, EINVAL, "invalid storage driver");
	_cleanup_(store_freep) struct store *s = xnew(struct store, 1);
	s->graph_fd = s->run_fd = s->lock_fd = -1;
	s->graph_root = xstrdup(opts->graph_root);
	s->run_root = xstrdup(opts->run_root);
	s->read_only = opts->read_only;
	s->tar_opts.no_chown = geteuid() != 0;
	s->tar_opts.no_devices = geteuid() != 0;
	for (size_t i = 0; opts->driver_opts && opts->driver_opts[i]; i++)
		log_debug("storage option \"%s\" not supported, ignoring", opts->driver_opts[i]);

	int r = open_dir(s->graph_root, &s->graph_fd, err);
	if (r < 0)
		return r;
	r = open_dir(s->run_root, &s->run_fd, err);
	if (r < 0)
		return r;
	if (mkdirat_p(s->graph_fd, "tmp", 0700) < 0 || mkdirat_p(s->run_fd, "storage", 0700) < 0)
		return cpod_error_set_errno(err, errno, "create directories in %s", s->graph_root);
	struct statfs sfs;
	s->backing_fs = xstrdup(fstatfs(s->graph_fd, &sfs) == 0 ? fs_name(sfs.f_type) : "unknown");
	s->lock_fd = openat(s->graph_fd, "storage.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return cpod_error_set_errno(err, errno, "open %s/storage.lock", s->graph_root);
	r = store_db_open(s, err);
	if (r < 0)
		return r;
	r = choose_driver(s, opts->driver, err);
	if (r < 0)
		return r;
	r = s->ops->init(s, err);
	if (r < 0)
		return r;
	if (!s->read_only) {
		r = store_recover(s, err);
		if (r < 0)
			return cpod_error_wrap(err, "recover storage %s", s->graph_root);
		r = store_mounts_reset_if_rebooted(s, err);
		if (r < 0)
			return r;
	}
	log_debug("storage: %s (%s)", s->ops->name, s->driver_reason);
	*ret = TAKE_PTR(s);
	return 0;
}

struct store *store_free(struct store *s)
{
	if (!s)
		return NULL;
	if (s->db)
		sqlite3_close_v2(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->graph_fd >= 0)
		close(s->graph_fd);
	if (s->run_fd >= 0)
		close(s->run_fd);
	free(s->graph_root);
	free(s->run_root);
	free(s->driver_reason);
	free(s->backing_fs);
	free(s);
	return NULL;
}

enum store_driver store_get_driver(const struct store *s)
{
	return s->driver;
}

const char *store_driver_reason(const struct store *s)
{
	return s->driver_reason;
}

const char *store_graph_root(const struct store *s)
{
	return s->graph_root;
}

const char *store_run_root(const struct store *s)
{
	return s->run_root;
}

const char *store_backing_fs(const struct store *s)
{
	return s->backing_fs;
}
