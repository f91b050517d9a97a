/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /etc/passwd and /etc/group entries Podman 4.3 adds to a container's root file system
 * before it starts (libpod's generatePasswdAndGroup): --hostuser copies host accounts in,
 * a numeric -u UID[:GID] missing from the image gets a "container user" entry and a group,
 * and --passwd-entry replaces the format of the added passwd lines. The lines are appended
 * to the files in the rootfs (opened with RESOLVE_IN_ROOT), only when the image has the
 * file and nothing is mounted over it; a second start finds its entries there and adds none.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/spec-internal.h"
#include "runtime/spec.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define ETC_MAX (8u << 20)

/* Go's strings.ReplaceAll */
static char *replace_all(const char *s, const char *old, const char *new)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t n = strlen(old);
	for (const char *p; (p = strstr(s, old)); s = p + n) {
		buf_append(&b, s, (size_t)(p - s));
		buf_puts(&b, new);
	}
	buf_puts(&b, s);
	return buf_take(&b);
}

char *spec_passwd_expand(const char *tmpl, const char *username, const char *uid, const char *gid,
                         const char *name, const char *home)
{
	/* one variable after the other, as Podman's passwdEntry */
	const char *vars[][2] = {{"$USERNAME", username},
	                         {"$UID", uid},
	                         {"$GID", gid},
	                         {"$NAME", name},
	                         {"$HOME", home}};
	char *s = xstrdup(tmpl);
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		char *t = replace_all(s, vars[i][0], vars[i][1]);
		free(s);
		s = t;
	}
	char *line = xasprintf("%s\n", s);
	free(s);
	return line;
}

/* A decimal uint32 (Go's strconv.ParseUint(s, 10, 32)). */
static bool parse_u32(const char *s, unsigned long *ret)
{
	if (!*s || strlen(s) > 10)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	unsigned long long v = strtoull(s, NULL, 10);
	if (v > 0xffffffffull)
		return false;
	*ret = (unsigned long)v;
	return true;
}

/*
 * Whether data (passwd or group) has an entry named key, or with the id key (field 2) when
 * key is a number; the gid (field 3) of a passwd match, the id of a group match in *ret_id.
 */
static bool etc_find(const char *data, const char *key, bool passwd, unsigned long *ret_id)
{
	unsigned long want;
	bool numeric = parse_u32(key, &want);
	_cleanup_free_ char *copy = xstrdup(data);
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = strv_split(l, ":");
		unsigned long id;
		if (strv_length(f) < 3 || f[0][0] == '#')
			continue;
		bool id_ok = parse_u32(f[2], &id);
		if (strcmp(f[0], key) == 0 || (numeric && id_ok && id == want)) {
			if (ret_id) {
				unsigned long g = id;
				if (passwd && (strv_length(f) < 4 || !parse_u32(f[3], &g)))
					g = 0;
				*ret_id = g;
			}
			return true;
		}
	}
	return false;
}

static bool mounted_at(const struct spec_opts *opts, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach(opts->mounts, i, m)
	{
		const char *d = json_string_value(json_object_get(m, "destination"));
		if (d && strcmp(d, dest) == 0)
			return true;
	}
	return false;
}

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
	                       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* The home directory of a host user: its own when it (or a parent) is mounted in. */
static const char *host_home(const struct spec_opts *opts, const char *home, const char *workdir)
{
	_cleanup_free_ char *d = xstrdup(home && *home ? home : "/");
	while (strcmp(d, "/") != 0 && strcmp(d, ".") != 0) {
		if (mounted_at(opts, d))
			return home;
		char *slash = strrchr(d, '/');
		if (!slash)
			break;
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	return workdir;
}

/* --hostuser: the host's account (Podman's util.LookupUser: by uid first, then by name) */
static int host_user_entry(const struct spec_opts *opts, const char *passwd, const char *key,
                           const char *workdir, struct buf *out, struct cpod_error **err)
{
	char buf[16384];
	struct passwd pw, *res = NULL;
	unsigned long uid;
	if (parse_u32(key, &uid))
		(void)getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res);
	if (!res)
		(void)getpwnam_r(key, &pw, buf, sizeof(buf), &res);
	if (!res)
		return cpod_error_set(err, ENOENT, "user: unknown user %s", key);
	_cleanup_free_ char *uids = xasprintf("%u", (unsigned)pw.pw_uid);
	_cleanup_free_ char *gids = xasprintf("%u", (unsigned)pw.pw_gid);
	if (etc_find(passwd, pw.pw_name, true, NULL) || etc_find(passwd, uids, true, NULL))
		return 0;
	/* Go's os/user keeps the first comma-separated field of the GECOS */
	_cleanup_free_ char *name = xstrdup(pw.pw_gecos ? pw.pw_gecos : "");
	char *comma = strchr(name, ',');
	if (comma)
		*comma = '\0';
	const char *home = host_home(opts, pw.pw_dir, workdir);
	if (opts->passwd_entry) {
		_cleanup_free_ char *l =
		        spec_passwd_expand(opts->passwd_entry, pw.pw_name, uids, gids, name, home);
		buf_puts(out, l);
	} else {
		buf_printf(out, "%s:*:%s:%s:%s:%s:/bin/sh\n", pw.pw_name, uids, gids, name, home);
	}
	return 0;
}

/* -u UID[:GROUP] without a passwd entry in the image: Podman's generateUserPasswdEntry */
static void user_entry(const struct spec_opts *opts, const char *passwd, const char *group,
                       const char *user, const char *workdir, struct buf *out)
{
	_cleanup_free_ char *u = xstrdup(user);
	char *g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	unsigned long uid, gid = 0;
	if (!parse_u32(u, &uid) || etc_find(passwd, u, true, NULL))
		return;
	if (g && *g && !parse_u32(g, &gid)) {
		/* the user lookup of the spec reports the missing group, as Podman does */
		if (!group || !etc_find(group, g, false, &gid))
			return;
	}
	_cleanup_free_ char *uids = xasprintf("%lu", uid);
	_cleanup_free_ char *gids = xasprintf("%lu", gid);
	if (opts->passwd_entry) {
		_cleanup_free_ char *l = spec_passwd_expand(opts->passwd_entry, uids, uids, gids,
		                                            "container user", workdir);
		buf_puts(out, l);
	} else {
		buf_printf(out, "%s:*:%s:%s:container user:%s:/bin/sh\n", uids, uids, gids,
		           workdir);
	}
}

static int append_in_root(int rootfd, const char *path, const char *data, struct cpod_error **err)
{
	_cleanup_close_ int fd = open_in_root(rootfd, path, O_WRONLY | O_APPEND | O_NOCTTY);
	if (fd < 0)
		return cpod_error_set_errno(err, -fd, "open %s in the container", path);
	int r = write_all(fd, data, strlen(data));
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	return 0;
}

int spec_passwd_update(const struct spec_opts *opts, const char *user, const char *workdir,
                       struct cpod_error **err)
{
	bool have_hostusers = opts->host_users && opts->host_users[0];
	if (opts->no_passwd || ((!user || !*user) && !have_hostusers))
		return 0;
	_cleanup_close_ int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cpod_error_set_errno(err, errno, "open rootfs %s", opts->rootfs);
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	/* a file mounted over them, or none in the image: Podman leaves them alone */
	bool do_passwd = !mounted_at(opts, "/etc/passwd") &&
	                 spec_read_in_root(rootfd, "/etc/passwd", ETC_MAX, &passwd) == 0;
	bool do_group = !mounted_at(opts, "/etc/group") &&
	                spec_read_in_root(rootfd, "/etc/group", ETC_MAX, &group) == 0;
	_cleanup_buf_ struct buf pw = BUF_INIT, gr = BUF_INIT;
	int r = 0;
	if (do_passwd) {
		STRV_FOREACH(h, (char **)opts->host_users)
		if ((r = host_user_entry(opts, passwd, *h, workdir, &pw, err)) < 0)
			break;
		if (r >= 0 && user && *user)
			user_entry(opts, passwd, group, user, workdir, &pw);
		if (r >= 0 && pw.len > 0)
			r = append_in_root(rootfd, "/etc/passwd", buf_str(&pw), err);
		if (r < 0)
			return cpod_error_wrap(
			        err, "creating temporary passwd file for container %s", opts->id);
	}
	if (do_group && user && *user) {
		/* Podman's generateUserGroupEntry: the group part, else the user part */
		_cleanup_free_ char *u = xstrdup(user);
		char *g = strchr(u, ':');
		if (g)
			*g++ = '\0';
		const char *key = g ? g : u;
		unsigned long gid;
		if (parse_u32(key, &gid) && !etc_find(group, key, false, NULL)) {
			buf_printf(&gr, "%lu:x:%lu:%s\n", gid, gid, u);
			r = append_in_root(rootfd, "/etc/group", buf_str(&gr), err);
			if (r < 0)
				return cpod_error_wrap(
				        err, "creating temporary group file for container %s",
				        opts->id);
		}
	}
	return 0;
}
