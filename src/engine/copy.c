/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cp` (copy.h): a source (container path, host path or a tar on stdin) becomes a tar
 * stream, which is applied under the destination directory with tar_apply() or written to
 * stdout. Container roots are reached only through an fd and openat2(RESOLVE_IN_ROOT).
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/copy.h"
#include "runtime/spec.h"
#include "storage/store.h"
#include "storage/tar-apply.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_read_free)

void copy_parse_arg(const char *arg, char **ret_ctr, char **ret_path)
{
	*ret_ctr = NULL;
	const char *colon = strchr(arg, ':');
	/* Podman: absolute paths and "./x", "../x" never name a container */
	if (arg[0] == '/' || arg[0] == '.' || !colon) {
		*ret_path = xstrdup(arg);
		return;
	}
	*ret_ctr = xstrndup(arg, (size_t)(colon - arg));
	*ret_path = xstrdup(colon + 1);
}

static bool ends_with_dot(const char *p)
{
	size_t n = strlen(p);
	return (n == 1 && p[0] == '.') || (n >= 2 && p[n - 1] == '.' && p[n - 2] == '/');
}

/* The last component of a path, ignoring trailing slashes and "/." (owned). */
static char *base_name(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	size_t n = strlen(p);
	for (;;) {
		while (n > 1 && p[n - 1] == '/')
			p[--n] = '\0';
		if (n >= 2 && p[n - 1] == '.' && p[n - 2] == '/') {
			p[n - 1] = '\0';
			n--;
			continue;
		}
		break;
	}
	const char *slash = strrchr(p, '/');
	const char *b = slash ? slash + 1 : p;
	if (!*b || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
		return xstrdup("/");
	return xstrdup(b);
}

int copy_plan(const char *src_base, bool src_is_dir, bool src_contents, const char *dst_path,
              bool dst_exists, bool dst_is_dir, bool dst_slash, struct copy_target *ret,
              struct cpod_error **err)
{
	ret->into_dst = false;
	ret->name = NULL;
	if (dst_exists && dst_is_dir) {
		ret->into_dst = true;
		if (!(src_is_dir && src_contents))
			ret->name = xstrdup(src_base);
		return 0;
	}
	if (dst_exists) {
		if (src_is_dir)
			return cpod_error_set(
			        err, ENOTDIR,
			        "destination \"%s\" must be a directory when copying a "
			        "directory",
			        dst_path);
		if (dst_slash)
			return cpod_error_set(err, ENOTDIR, "\"%s\": not a directory", dst_path);
	} else if (dst_slash && !src_is_dir) {
		return cpod_error_set(err, ENOENT, "\"%s\" could not be found: no such directory",
		                      dst_path);
	}
	ret->name = base_name(dst_path);
	if (strcmp(ret->name, "/") == 0) {
		free(ret->name);
		ret->name = NULL;
		return cpod_error_set(err, EINVAL, "invalid destination \"%s\"", dst_path);
	}
	return 0;
}

/* One side of the copy: a container's root (mounted by us or not) or the host's "/". */
struct side {
	char *ctr; /* NULL: the host */
	char *path;
	char *id; /* container ID */
	char *rootfs;
	int root; /* O_PATH fd of the root */
	bool mounted;
	struct engine *e;
};

static void side_release(struct side *s)
{
	if (s->root >= 0)
		close(s->root);
	if (s->mounted) {
		struct store *st = engine_store(s->e, NULL);
		struct cpod_error *err = NULL;
		if (st && store_container_unmount(st, s->id, false, &err) < 0) {
			log_debug("unmount %s after cp: %s", s->id, err->msg);
			cpod_error_free(err);
		}
	}
	free(s->ctr);
	free(s->path);
	free(s->id);
	free(s->rootfs);
}

static int side_open(struct engine *e, const char *arg, struct side *s, struct cpod_error **err)
{
	s->e = e;
	s->root = -1;
	copy_parse_arg(arg, &s->ctr, &s->path);
	if (!s->ctr) {
		s->root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (s->root < 0)
			return cpod_error_set_errno(err, errno, "open /");
		return 0;
	}
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, s->ctr, &c, err);
	if (r < 0)
		return r;
	if ((r = container_rootfs_refuse(c, "cp", err)) < 0)
		return r;
	struct store *st = engine_store(e, err);
	if (!st)
		return -EIO;
	s->id = xstrdup(c->config.id);
	/* a counted mount: the container may stop (and unmount) while we copy */
	r = store_container_mount(st, s->id, &s->rootfs, err);
	if (r < 0)
		return cpod_error_wrap(err, "mounting container %s", s->id);
	s->mounted = true;
	s->root = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0)
		return cpod_error_set_errno(err, errno, "open %s", s->rootfs);
	return 0;
}

static const char *where(const struct side *s)
{
	return s->ctr ? s->ctr : NULL;
}

static int open_source(const struct side *s, struct cpod_error **err)
{
	_cleanup_free_ char *ctx =
	        where(s) ? xasprintf("\"%s\" could not be found on container %s", s->path, s->ctr)
	                 : xasprintf("\"%s\" could not be found on the host", s->path);
	if (!where(s) && s->path[0] != '/') {
		/* a relative host path: relative to the working directory, not to "/" */
		int fd = open(*s->path ? s->path : ".", O_PATH | O_CLOEXEC);
		if (fd < 0)
			return cpod_error_set_errno(err, errno, "%s", ctx);
		return fd;
	}
	return copy_open_in_root(s->root, s->path, true, ctx, err);
}

struct writer {
	int fd;
	int out;
	struct copy_tar_opts o;
	struct cpod_error *err;
	int r;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	w->r = copy_tar_write(w->fd, &w->o, w->out, &w->err);
	close(w->out);
	return NULL;
}

/* Apply a tar read from in onto dirfd. */
static int apply_tar(int in, int dirfd, struct cpod_error **err)
{
	_cleanup_(archive_read_freep) struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_fd(a, in, 64 * 1024) != ARCHIVE_OK)
		return cpod_error_set(err, EINVAL, "reading tar: %s", archive_error_string(a));
	struct tar_apply_opts to = {.whiteouts = TAR_WHITEOUT_DELETE, .no_chown = geteuid() != 0};
	return tar_apply(a, dirfd, &to, err);
}

/* Stream a tar of srcfd into dirfd through a pipe and a writer thread. */
static int pipe_copy(int srcfd, const struct copy_tar_opts *o, int dirfd, struct cpod_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return cpod_error_set_errno(err, errno, "pipe");
	struct writer w = {.fd = srcfd, .out = p[1], .o = *o};
	pthread_t t;
	int r = pthread_create(&t, NULL, writer_main, &w);
	if (r != 0) {
		close(p[0]);
		close(p[1]);
		return cpod_error_set_errno(err, r, "start the copy thread");
	}
	r = apply_tar(p[0], dirfd, err);
	/* unblock the writer if the reader stopped early */
	close(p[0]);
	pthread_join(t, NULL);
	if (w.r < 0) {
		if (r >= 0 || !*err)
			cpod_error_move(err, &w.err);
		r = w.r;
	}
	cpod_error_free(w.err);
	return r;
}

/* The uid:gid files get with --archive=false: the container's user, or the caller. */
static void target_owner(struct engine *e, const struct side *dst, uint32_t *uid, uint32_t *gid)
{
	*uid = geteuid();
	*gid = getegid();
	if (!dst->ctr)
		return;
	*uid = *gid = 0;
	_cleanup_(container_freep) struct container *c = NULL;
	if (container_lookup(e, dst->id, &c, NULL) < 0 || !c->config.user || !*c->config.user)
		return;
	struct spec_user u = {0};
	if (spec_user_resolve(dst->rootfs, c->config.user, &u, NULL) == 0) {
		*uid = u.uid;
		*gid = u.gid;
		spec_user_release(&u);
	}
}

static int stat_fd(int fd, struct stat *st, struct cpod_error **err)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH) < 0)
		return cpod_error_set_errno(err, errno, "stat");
	return 0;
}

/* Resolve the destination: the directory to extract into and the top entry's name. */
static int open_destination(struct side *d, const char *src_base, bool src_is_dir,
                            bool src_contents, struct copy_target *t, struct cpod_error **err)
{
	const char *path = d->path;
	bool slash = *path && path[strlen(path) - 1] == '/';
	_cleanup_free_ char *ctx =
	        d->ctr ? xasprintf("\"%s\" could not be found on container %s", path, d->ctr)
	               : xasprintf("\"%s\" could not be found on the host", path);
	bool relative_host = !d->ctr && path[0] != '/';
	struct stat st;
	_cleanup_close_ int fd = -1;
	if (relative_host)
		fd = open(*path ? path : ".", O_PATH | O_CLOEXEC);
	else
		fd = copy_open_in_root(d->root, path, true, ctx, NULL);
	bool exists = fd >= 0 && stat_fd(fd, &st, NULL) == 0;
	if (fd < 0 && errno != ENOENT)
		return cpod_error_set_errno(err, errno, "%s", ctx);
	int r = copy_plan(src_base, src_is_dir, src_contents, path, exists,
	                  exists && S_ISDIR(st.st_mode), slash, t, err);
	if (r < 0)
		return r;
	if (t->into_dst)
		return TAKE_FD(fd);
	_cleanup_free_ char *dup = xstrdup(path);
	size_t n = strlen(dup);
	while (n > 1 && dup[n - 1] == '/')
		dup[--n] = '\0';
	const char *parent = dirname(dup);
	_cleanup_free_ char *pctx =
	        d->ctr ? xasprintf("\"%s\" could not be found on container %s", parent, d->ctr)
	               : xasprintf("\"%s\" could not be found on the host", parent);
	int pfd;
	if (relative_host) {
		pfd = open(parent, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			return cpod_error_set_errno(err, errno, "%s", pctx);
	} else {
		pfd = copy_open_in_root(d->root, parent, true, pctx, err);
		if (pfd < 0)
			return pfd;
	}
	if (stat_fd(pfd, &st, err) < 0 || !S_ISDIR(st.st_mode)) {
		close(pfd);
		return cpod_error_set(err, ENOTDIR, "%s: not a directory", pctx);
	}
	return pfd;
}

/* Open a directory fd (O_PATH) as a real directory fd that tar_apply can use. */
static int reopen_dir(int fd, struct cpod_error **err)
{
	int d = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return cpod_error_set_errno(err, errno, "open destination directory");
	return d;
}

static int copy_from_stdin(struct side *d, int in_fd, struct cpod_error **err)
{
	struct copy_target t = {0};
	_cleanup_close_ int dfd = open_destination(d, "", true, true, &t, err);
	free(t.name);
	if (dfd < 0)
		return dfd;
	if (!t.into_dst)
		return cpod_error_set(err, ENOTDIR,
		                      "destination \"%s\" must be a directory when "
		                      "copying from stdin",
		                      d->path);
	_cleanup_close_ int dir = reopen_dir(dfd, err);
	if (dir < 0)
		return dir;
	return apply_tar(in_fd, dir, err);
}

static int copy_sides(struct engine *e, const struct copy_opts *o, struct side *src,
                      struct side *dst, struct cpod_error **err)
{
	if (strcmp(o->src, "-") == 0) {
		int r = side_open(e, o->dst, dst, err);
		if (r < 0)
			return r;
		return copy_from_stdin(dst, o->in_fd, err);
	}
	int r = side_open(e, o->src, src, err);
	if (r < 0)
		return r;
	_cleanup_close_ int sfd = open_source(src, err);
	if (sfd < 0)
		return sfd;
	struct stat st;
	r = stat_fd(sfd, &st, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *base = base_name(src->path);
	bool contents = ends_with_dot(src->path) && S_ISDIR(st.st_mode);
	struct copy_tar_opts to = {0};
	if (strcmp(o->dst, "-") == 0) {
		to.name = contents ? NULL : base;
		return copy_tar_write(sfd, &to, o->out_fd, err);
	}
	r = side_open(e, o->dst, dst, err);
	if (r < 0)
		return r;
	struct copy_target t = {0};
	_cleanup_close_ int dfd =
	        open_destination(dst, base, S_ISDIR(st.st_mode), contents, &t, err);
	_cleanup_free_ char *name = t.name;
	if (dfd < 0)
		return dfd;
	_cleanup_close_ int dir = reopen_dir(dfd, err);
	if (dir < 0)
		return dir;
	to.name = name;
	if (!o->archive) {
		to.force_owner = true;
		target_owner(e, dst, &to.uid, &to.gid);
	}
	return pipe_copy(sfd, &to, dir, err);
}

int container_copy(struct engine *e, const struct copy_opts *o, struct cpod_error **err)
{
	bool from_stdin = strcmp(o->src, "-") == 0, to_stdout = strcmp(o->dst, "-") == 0;
	_cleanup_free_ char *sc = NULL, *sp = NULL, *dc = NULL, *dp = NULL;
	copy_parse_arg(o->src, &sc, &sp);
	copy_parse_arg(o->dst, &dc, &dp);
	/* Podman 4.3 looks up an empty container name when neither side names one */
	if ((from_stdin && to_stdout) || (!sc && !dc) || (from_stdin && !dc) || (to_stdout && !sc))
		return cpod_error_set(err, EINVAL, "name or ID cannot be empty");
	struct side src = {.root = -1}, dst = {.root = -1};
	int r = copy_sides(e, o, &src, &dst, err);
	side_release(&src);
	side_release(&dst);
	return r;
}
