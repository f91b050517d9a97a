/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local volume driver's runtime side: mounting volumes created with -o type=/device=/o=
 * (counted: mounted by the first user, unmounted when the last one stops, as libpod's
 * volume mount()/unmount() do), the first-use copy-up and chown, and the U option.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/volume-internal.h"
#include "storage/store.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *option(const struct volume *v, const char *key)
{
	size_t klen = strlen(key);
	STRV_FOREACH(kv, v->options)
	if (strncmp(*kv, key, klen) == 0 && (*kv)[klen] == '=')
		return *kv + klen + 1;
	return NULL;
}

bool volume_needs_mount(const struct volume *v)
{
	const char *type = option(v, "type"), *dev = option(v, "device"), *o = option(v, "o");
	return (type && *type) || (dev && *dev) || (o && *o);
}

/* Split o= into mount flags and the data string the file system gets. */
static unsigned long mount_flags(const char *o, char **ret_data)
{
	static const struct {
		const char *name;
		unsigned long set;
	} flags[] = {
	        {"ro", MS_RDONLY},       {"nosuid", MS_NOSUID},     {"nodev", MS_NODEV},
	        {"noexec", MS_NOEXEC},   {"bind", MS_BIND},         {"rbind", MS_BIND | MS_REC},
	        {"noatime", MS_NOATIME}, {"relatime", MS_RELATIME}, {"sync", MS_SYNCHRONOUS},
	};
	unsigned long f = 0;
	_cleanup_strv_free_ char **parts = strv_split(o ? o : "", ",");
	char **data = xnew(char *, 1);
	STRV_FOREACH(p, parts)
	{
		if (!**p || !strcmp(*p, "rw") || !strcmp(*p, "defaults"))
			continue;
		bool known = false;
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (!strcmp(*p, flags[i].name)) {
				f |= flags[i].set;
				known = true;
			}
		if (!known)
			strv_push(&data, *p);
	}
	*ret_data = strv_join(data, ",");
	strv_free(data);
	return f;
}

int volume_mount_locked(struct engine *e, struct volume *v, struct cpod_error **err)
{
	if (!volume_needs_mount(v))
		return 0;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	if (v->mount_count == 0) {
		const char *type = option(v, "type");
		const char *dev = option(v, "device");
		_cleanup_free_ char *data = NULL;
		unsigned long flags = mount_flags(option(v, "o"), &data);
		if (!type || !*type)
			type = (flags & MS_BIND) ? NULL : "none";
		if (mount(dev && *dev ? dev : (type ? type : "none"), v->mountpoint, type, flags,
		          *data ? data : NULL) < 0)
			return cpod_error_set_errno(err, errno,
			                            "mounting volume %s: mount %s on %s", v->name,
			                            dev ? dev : (type ? type : ""), v->mountpoint);
		log_debug("mounted volume %s", v->name);
	}
	v->mount_count++;
	return volume_db_save_state(db, v, err);
}

int volume_unmount_locked(struct engine *e, struct volume *v, struct cpod_error **err)
{
	if (!volume_needs_mount(v) || v->mount_count == 0)
		return 0;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	v->mount_count--;
	if (v->mount_count == 0) {
		if (umount2(v->mountpoint, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
			int e2 = errno;
			v->mount_count++;
			return cpod_error_set_errno(err, e2, "unmounting volume %s", v->name);
		}
		log_debug("unmounted volume %s", v->name);
	}
	return volume_db_save_state(db, v, err);
}

/* dest inside rootfs, every symlink resolved within rootfs; -errno */
static int open_in_root(const char *rootfs, const char *dest)
{
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	                       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	const char *rel = dest;
	while (*rel == '/')
		rel++;
	int fd = (int)syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

static bool dir_empty(int fd)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return false;
	DIR *d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return false;
	}
	struct dirent *de;
	bool empty = true;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

static int copy_up(struct volume *v, int src, struct cpod_error **err)
{
	_cleanup_close_ int dst = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return cpod_error_set_errno(err, errno, "open %s", v->mountpoint);
	if (!dir_empty(dst))
		return 0; /* Podman copies into empty volumes only */
	int r = store_copy_dir_contents(src, dst, err);
	if (r < 0)
		return cpod_error_wrap(err, "copying up into volume %s", v->name);
	log_debug("copied up image content into volume %s", v->name);
	return 0;
}

int volume_first_use_locked(struct engine *e, struct volume *v, const char *rootfs,
                            const char *dest, bool copy, uid_t uid, gid_t gid,
                            struct cpod_error **err)
{
	if (!v->needs_chown && !(v->needs_copy_up && copy))
		return 0;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_close_ int src = open_in_root(rootfs, dest);
	struct stat st;
	bool have_src = src >= 0 && fstat(src, &st) == 0 && S_ISDIR(st.st_mode);
	if (v->needs_chown) {
		/* libpod fixVolumePermissions: the container user, then the image dir's owner */
		v->needs_chown = false;
		uid_t u = v->uid != (uid_t)-1 ? v->uid : uid;
		gid_t g = v->gid != (gid_t)-1 ? v->gid : gid;
		if (have_src && v->uid == (uid_t)-1) {
			u = st.st_uid;
			g = st.st_gid;
		}
		if (lchown(v->mountpoint, u, g) < 0)
			return cpod_error_set_errno(err, errno, "chown volume %s", v->name);
		if (have_src && chmod(v->mountpoint, st.st_mode & 07777) < 0)
			return cpod_error_set_errno(err, errno, "chmod volume %s", v->name);
	}
	if (v->needs_copy_up && copy) {
		v->needs_copy_up = false;
		if (have_src) {
			int r = copy_up(v, src, err);
			if (r < 0)
				return r;
		}
	}
	return volume_db_save_state(db, v, err);
}

static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, chown_uid, chown_gid) < 0 ? -1 : 0;
}

int volume_chown_tree(const char *path, uid_t uid, gid_t gid, struct cpod_error **err)
{
	/* nftw has no user pointer; the engine is reentrant per context, so serialise here */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	chown_uid = uid;
	chown_gid = gid;
	int r = nftw(path, chown_one, 32, FTW_PHYS | FTW_MOUNT);
	int e = errno;
	pthread_mutex_unlock(&lock);
	if (r != 0)
		return cpod_error_set_errno(err, e, "chown %s to %u:%u", path, (unsigned)uid,
		                            (unsigned)gid);
	return 0;
}
