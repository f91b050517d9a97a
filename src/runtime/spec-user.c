/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User and group lookup inside the container's root file system (runc libcontainer/user
 * GetExecUser semantics, which Podman uses), and working directory creation.
 * Everything inside the rootfs is opened with openat2(RESOLVE_IN_ROOT): an image's
 * /etc/passwd symlinked to /../../host/passwd resolves inside the rootfs, never on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/spec-internal.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* passwd and group files larger than this are refused */
#define ETC_FILE_MAX (8u << 20)
#define ID_MAX       INT32_MAX

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	        .flags = (uint64_t)(flags | O_CLOEXEC),
	        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

int spec_read_in_root(int rootfd, const char *path, size_t max, char **ret)
{
	_cleanup_close_ int fd = openat2_in_root(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return read_fd_all(fd, max, ret, NULL);
}

void spec_user_release(struct spec_user *u)
{
	free(u->sgids);
	free(u->home);
	*u = (struct spec_user){0};
}

/* A decimal id in [0, ID_MAX]; -ERANGE above, -EINVAL when not a number. */
static int parse_id(const char *s, long *ret)
{
	char *end;
	if (!*s || !(*s >= '0' && *s <= '9'))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > ID_MAX)
		return -ERANGE;
	*ret = (long)v;
	return 0;
}

/* Split one passwd/group line into its ':' fields; NULL for blank lines and comments. */
static char **split_line(char *line, size_t min_fields)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return NULL;
	char **f = strv_split(line, ":");
	if (strv_length(f) < min_fields)
		return strv_free(f);
	return f;
}

struct pw_entry {
	char *name;
	long uid, gid;
	char *home;
};

/* Find the passwd entry for user (a name, a number, or "" for uid 0). */
static bool passwd_find(char *data, const char *user, struct pw_entry *ret)
{
	long want_uid = 0;
	bool numeric = !*user || parse_id(user, &want_uid) == 0;
	char *save = NULL;

	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = split_line(line, 4);
		long uid, gid;
		if (!f || parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0)
			continue;
		if (numeric ? uid != want_uid : strcmp(f[0], user) != 0)
			continue;
		ret->name = xstrdup(f[0]);
		ret->uid = uid;
		ret->gid = gid;
		ret->home = xstrdup(strv_length(f) > 5 ? f[5] : "");
		return true;
	}
	return false;
}

/* The gid of group (a name or a number) in the group file. */
static bool group_find(char *data, const char *group, long *ret)
{
	long want = 0;
	bool numeric = parse_id(group, &want) == 0;
	char *save = NULL;

	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = split_line(line, 3);
		long gid;
		if (!f || parse_id(f[2], &gid) < 0)
			continue;
		if (numeric ? gid == want : strcmp(f[0], group) == 0) {
			*ret = gid;
			return true;
		}
	}
	return false;
}

/* The groups listing name as a member, in file order. */
static void group_members(char *data, const char *name, struct spec_user *u)
{
	char *save = NULL;
	if (!name || !*name)
		return;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = split_line(line, 4);
		_cleanup_strv_free_ char **members = NULL;
		long gid;
		if (!f || parse_id(f[2], &gid) < 0)
			continue;
		members = strv_split(f[3], ",");
		if (!strv_contains(members, name))
			continue;
		u->sgids = xrealloc(u->sgids, (u->n_sgids + 1) * sizeof(gid_t));
		u->sgids[u->n_sgids++] = (gid_t)gid;
	}
}

int spec_user_resolve(const char *rootfs, const char *user, struct spec_user *ret,
                      struct cpod_error **err)
{
	_cleanup_close_ int rootfd = -1;
	_cleanup_free_ char *passwd = NULL, *group = NULL, *uname = NULL, *gname = NULL;
	struct spec_user u = {0};
	struct pw_entry pw = {0};
	int r;

	if (!user)
		user = "";
	const char *colon = strchr(user, ':');
	uname = colon ? xstrndup(user, (size_t)(colon - user)) : xstrdup(user);
	gname = colon ? xstrdup(colon + 1) : NULL;

	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cpod_error_set_errno(err, errno, "open rootfs %s", rootfs);
	r = spec_read_in_root(rootfd, "/etc/passwd", ETC_FILE_MAX, &passwd);
	if (r < 0 && r != -ENOENT)
		return cpod_error_set_errno(err, -r, "reading /etc/passwd of the container");
	r = spec_read_in_root(rootfd, "/etc/group", ETC_FILE_MAX, &group);
	if (r < 0 && r != -ENOENT)
		return cpod_error_set_errno(err, -r, "reading /etc/group of the container");

	long id;
	if (passwd && passwd_find(passwd, uname, &pw)) {
		u.uid = (uid_t)pw.uid;
		u.gid = (gid_t)pw.gid;
		u.home = pw.home && *pw.home ? TAKE_PTR(pw.home) : xstrdup("/");
	} else if (!*uname) {
		u.home = xstrdup("/");
	} else if ((r = parse_id(uname, &id)) == 0) {
		u.uid = (uid_t)id;
		u.home = xstrdup("/");
	} else if (r == -ERANGE) {
		return cpod_error_set(err, EINVAL, "uid %s out of range", uname);
	} else {
		return cpod_error_set(err, ENOENT,
		                      "unable to find user %s: no matching entries in passwd file",
		                      uname);
	}
	free(pw.home);

	if (gname) {
		_cleanup_free_ char *copy = group ? xstrdup(group) : NULL;
		long gid;
		if (copy && group_find(copy, gname, &gid)) {
			u.gid = (gid_t)gid;
		} else if ((r = parse_id(gname, &gid)) == 0) {
			u.gid = (gid_t)gid;
		} else {
			free(pw.name);
			spec_user_release(&u);
			if (r == -ERANGE)
				return cpod_error_set(err, EINVAL, "gid %s out of range", gname);
			return cpod_error_set(
			        err, ENOENT,
			        "unable to find group %s: no matching entries in group "
			        "file",
			        gname);
		}
	} else if (group) {
		group_members(group, pw.name, &u);
	}
	free(pw.name);
	*ret = u;
	return 0;
}

int spec_workdir_prepare(const char *rootfs, const char *workdir, bool create, uid_t uid, gid_t gid,
                         const char *id, struct cpod_error **err)
{
	_cleanup_close_ int rootfd = -1, fd = -1;
	_cleanup_strv_free_ char **parts = NULL;
	struct stat st;

	if (!workdir || !*workdir || strcmp(workdir, "/") == 0)
		return 0;
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cpod_error_set_errno(err, errno, "open rootfs %s", rootfs);

	fd = openat2_in_root(rootfd, workdir, O_PATH);
	if (fd >= 0) {
		if (fstat(fd, &st) < 0)
			return cpod_error_set_errno(err, errno,
			                            "detecting workdir \"%s\" on "
			                            "container %s",
			                            workdir, id);
		if (!S_ISDIR(st.st_mode))
			return cpod_error_set(err, ENOTDIR,
			                      "workdir \"%s\" exists on container %s, but is not a "
			                      "directory",
			                      workdir, id);
		return 0;
	}
	if (fd != -ENOENT)
		return cpod_error_set_errno(err, -fd, "detecting workdir \"%s\" on container %s",
		                            workdir, id);
	if (!create)
		return cpod_error_set(err, ENOENT, "workdir \"%s\" does not exist on container %s",
		                      workdir, id);

	/*
	 * Walk down from the root, creating each missing component inside it. A dangling
	 * symlink is followed by hand (restarting with its target spliced in), so that its
	 * target is created inside the root, as securejoin + MkdirAll do for Podman.
	 */
	_cleanup_free_ char *path = xstrdup(workdir);
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *sofar = NULL;
	bool made = false;
	int links = 0;
restart:
	closep(&dirfd);
	dirfd = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (dirfd < 0)
		return cpod_error_set_errno(err, -dirfd, "creating container %s workdir", id);
	strv_free(parts);
	parts = strv_split(path, "/");
	free(sofar);
	sofar = xstrdup("");
	for (size_t i = 0; parts[i]; i++) {
		const char *comp = parts[i];
		if (!*comp || strcmp(comp, ".") == 0)
			continue;
		char *next = xasprintf("%s/%s", sofar, comp);
		made = false;
		if (strcmp(comp, "..") != 0) {
			if (mkdirat(dirfd, comp, 0755) == 0)
				made = true;
			else if (errno != EEXIST)
				return cpod_error_set_errno(err, errno,
				                            "creating container %s workdir", id);
		}
		int nfd = openat2_in_root(rootfd, next, O_PATH | O_DIRECTORY);
		if (nfd == -ENOENT && !made) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(dirfd, comp, target, sizeof(target) - 1);
			free(next);
			if (n <= 0)
				return cpod_error_set_errno(err, ENOENT,
				                            "creating container %s workdir", id);
			target[n] = '\0';
			if (++links > 40)
				return cpod_error_set_errno(err, ELOOP,
				                            "creating container %s workdir", id);
			_cleanup_free_ char *rest = strv_join(parts + i + 1, "/");
			char *np = target[0] == '/' ? xasprintf("%s/%s", target, rest)
			                            : xasprintf("%s/%s/%s", sofar, target, rest);
			free(path);
			path = np;
			goto restart;
		}
		free(sofar);
		sofar = next;
		if (nfd < 0)
			return cpod_error_set_errno(err, -nfd, "creating container %s workdir", id);
		closep(&dirfd);
		dirfd = nfd;
	}
	/* Podman chowns the directory it created to the container's user */
	if (made && fchownat(dirfd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return cpod_error_set_errno(err, errno,
		                            "chowning container %s workdir to container root", id);
	return 0;
}
