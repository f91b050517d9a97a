/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tar entry names and their resolution inside the layer directory.
 *
 * Names are cleaned lexically first (so "../x" is refused before anything is touched), then
 * resolved by the kernel with openat2(RESOLVE_IN_ROOT): a symlink met on the way, whether
 * the tar made it or it was already there, is followed as if the layer were "/", so it can
 * never lead outside. Kernels older than 5.6 lack openat2; there the same semantics are
 * emulated by walking one component at a time with O_NOFOLLOW and expanding symlinks by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tar-apply-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Linux's own limit on symlinks followed during one lookup. */
#define TAR_MAX_SYMLINKS 40

char *tar_path_clean(const char *name)
{
	if (!name || !*name)
		return NULL;
	size_t len = strlen(name);
	if (len >= PATH_MAX)
		return NULL;

	/* each kept component is copied to out; starts[] remembers where each one begins */
	_cleanup_free_ char *out = xmalloc(len + 1);
	_cleanup_free_ size_t *starts = xnew(size_t, len / 2 + 2);
	size_t depth = 0, olen = 0;
	const char *p = name;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (depth == 0)
				return NULL;
			depth--;
			olen = starts[depth] > 0 ? starts[depth] - 1 : 0;
		} else {
			if (olen > 0)
				out[olen++] = '/';
			starts[depth++] = olen;
			memcpy(out + olen, p, n);
			olen += n;
		}
		p = end;
	}
	out[olen] = '\0';
	return TAKE_PTR(out);
}

bool tar_entry_name_is_safe(const char *name)
{
	_cleanup_free_ char *clean = tar_path_clean(name);
	if (!clean)
		return false;
	/*
	 * A directory named like a whiteout would be read back as one when the layer is
	 * exported again; no sane image has one, so refuse it rather than guess.
	 */
	const char *slash;
	for (const char *c = clean; (slash = strchr(c, '/')); c = slash + 1) {
		if (strncmp(c, TAR_WHITEOUT_PREFIX, strlen(TAR_WHITEOUT_PREFIX)) != 0)
			continue;
		/* except AUFS's own ".wh..wh.plnk/..." at the top, which tar_apply skips */
		if (c == clean &&
		    strncmp(c, TAR_WHITEOUT_META_PREFIX, strlen(TAR_WHITEOUT_META_PREFIX)) == 0)
			continue;
		return false;
	}
	return true;
}

struct fd_stack {
	int *fds;
	size_t n, cap;
};

static void fd_stack_push(struct fd_stack *s, int fd)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->fds = xrealloc(s->fds, s->cap * sizeof(int));
	}
	s->fds[s->n++] = fd;
}

static void fd_stack_pop_to(struct fd_stack *s, size_t n)
{
	while (s->n > n)
		close(s->fds[--s->n]);
}

static void fd_stack_release(struct fd_stack *s)
{
	fd_stack_pop_to(s, 0);
	free(s->fds);
}

/* Expand the symlink at fd: the new path to walk is its target followed by rest. */
static int expand_symlink(int fd, const char *rest, char **path)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	char *np = *rest ? xasprintf("%s/%s", target, rest) : xstrdup(target);
	free(*path);
	*path = np;
	return 0;
}

static int walk_open(int rootfd, const char *start, int flags)
{
	_cleanup_(fd_stack_release) struct fd_stack st = {0};
	_cleanup_free_ char *path = xstrdup(start);
	int links = 0;

	int fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fd_stack_push(&st, fd);

	size_t pos = 0;
	for (;;) {
		while (path[pos] == '/')
			pos++;
		if (!path[pos]) {
			int r = openat(st.fds[st.n - 1], ".", flags | O_CLOEXEC);
			return r < 0 ? -errno : r;
		}
		char *comp = path + pos;
		char *end = strchrnul(comp, '/');
		size_t next = (size_t)(end - path);
		bool had_slash = *end == '/';
		*end = '\0';
		const char *rest = had_slash ? end + 1 : "";
		while (*rest == '/')
			rest++;
		bool last = *rest == '\0';

		if (strcmp(comp, ".") == 0) {
			pos = had_slash ? next + 1 : next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			/* ".." at the root stays at the root, as RESOLVE_IN_ROOT does */
			if (st.n > 1)
				fd_stack_pop_to(&st, st.n - 1);
			pos = had_slash ? next + 1 : next;
			continue;
		}

		int top = st.fds[st.n - 1];
		_cleanup_close_ int cfd = openat(top, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return -errno;
		struct stat s;
		if (fstat(cfd, &s) < 0)
			return -errno;

		if (S_ISLNK(s.st_mode) && !(last && (flags & O_NOFOLLOW) && !had_slash)) {
			if (++links > TAR_MAX_SYMLINKS)
				return -ELOOP;
			int r = expand_symlink(cfd, rest, &path);
			if (r < 0)
				return r;
			pos = 0;
			if (path[0] == '/')
				fd_stack_pop_to(&st, 1);
			continue;
		}
		if (last && !had_slash) {
			/* reopen with the caller's flags; O_NOFOLLOW catches a swap since fstat */
			int r = openat(top, comp, flags | O_NOFOLLOW | O_CLOEXEC);
			return r < 0 ? -errno : r;
		}
		if (!S_ISDIR(s.st_mode))
			return -ENOTDIR;
		fd_stack_push(&st, TAKE_FD(cfd));
		pos = had_slash ? next + 1 : next;
	}
}

int tar_path_open(int rootfd, const char *path, int flags, bool force_walk)
{
	if (!*path)
		path = ".";
	if (!force_walk) {
		struct open_how how = {
		        .flags = (uint64_t)(flags | O_CLOEXEC),
		        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		for (int tries = 0; tries < 8; tries++) {
			long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
			if (fd >= 0)
				return (int)fd;
			/* EAGAIN: a concurrent rename made the kernel unsure about ".."; retry */
			if (errno != EAGAIN)
				break;
		}
		if (errno != ENOSYS)
			return -errno;
	}
	return walk_open(rootfd, path, flags);
}

int tar_path_open_parent(int rootfd, const char *path, bool force_walk, const char **ret_base)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	_cleanup_free_ char *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);

	int fd = tar_path_open(rootfd, dir, O_PATH | O_DIRECTORY, force_walk);
	if (fd >= 0)
		*ret_base = base;
	if (fd != -ENOENT)
		return fd;

	/* some parents are missing: open each prefix in turn, creating what is not there */
	_cleanup_close_ int prev = tar_path_open(rootfd, "", O_PATH | O_DIRECTORY, force_walk);
	if (prev < 0)
		return prev;
	char *p = dir;
	for (;;) {
		char *end = strchrnul(p, '/');
		bool more = *end == '/';
		*end = '\0';
		_cleanup_close_ int cur =
		        tar_path_open(rootfd, dir, O_PATH | O_DIRECTORY, force_walk);
		if (cur == -ENOENT) {
			if (mkdirat(prev, p, 0755) < 0)
				return -errno;
			/* a umask of 077 must not make image directories private */
			if (fchmodat(prev, p, 0755, 0) < 0)
				return -errno;
			cur = openat(prev, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cur < 0)
				return -errno;
		}
		if (cur < 0)
			return cur;
		closep(&prev);
		prev = TAKE_FD(cur);
		if (!more)
			break;
		*end = '/';
		p = end + 1;
	}
	*ret_base = base;
	return TAKE_FD(prev);
}
