/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_COPY_H
#define CPOD_ENGINE_COPY_H

/*
 * Files in and out of containers: `cp`, `export`, `diff`, `mount`, `commit`.
 *
 * Every path inside a container is resolved with openat2(RESOLVE_IN_ROOT) against an fd of
 * the container's root, once, and everything after that works relative to the fds it
 * yields (never by path again). So a symlink in the container — even one swapped while the
 * copy runs (CVE-2018-15664) — can at worst lead elsewhere inside the container, never
 * to the host. Tars written into a container are applied with tar_apply() (storage/
 * tar-apply.h), which resolves every entry in the same way.
 *
 * Stopped containers are mounted for the copy and unmounted afterwards.
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/error.h"

struct engine;

/* ---- cp ------------------------------------------------------------------------------------ */

/*
 * Split a cp argument as Podman's copy.ParseSourceAndDestination does: an absolute path
 * (or one starting with ".") is a host path; "NAME:PATH" names a container; anything else
 * is a host path. *ret_ctr is NULL for host paths. Both owned.
 */
void copy_parse_arg(const char *arg, char **ret_ctr, char **ret_path);

/*
 * Where a copy lands, by docker cp's rules (pure; exposed for the tests):
 *   src_is_dir    the source is a directory
 *   src_contents  the source path ends in "/." (copy the directory's contents)
 *   dst_exists / dst_is_dir  what the destination is now
 *   dst_slash     the destination ends in "/"
 * *ret_into: extract into the destination directory itself (true) or into its parent
 * (false); *ret_name: the name the top entry gets (owned; NULL: the source's contents,
 * without a top entry). Errors (EINVAL / ENOTDIR / ENOENT) as Podman words them.
 */
struct copy_target {
	bool into_dst;
	char *name;
};
int copy_plan(const char *src_base, bool src_is_dir, bool src_contents, const char *dst_path,
              bool dst_exists, bool dst_is_dir, bool dst_slash, struct copy_target *ret,
              struct cpod_error **err);

struct copy_opts {
	const char *src; /* "CTR:/path", host path, or "-" (a tar on in_fd) */
	const char *dst; /* "CTR:/path", host path, or "-" (a tar to out_fd) */
	bool archive;    /* keep uid/gid (Podman's default); false: chown to the target user */
	bool overwrite;  /* allow replacing a directory by a file and the other way round */
	int in_fd, out_fd;
};

/* `cpod cp`. Errors: ENOENT for a missing source, ENOTDIR / EINVAL as Podman's. */
int container_copy(struct engine *e, const struct copy_opts *o, struct cpod_error **err);

/* ---- tar helpers (copy-tar.c) ---------------------------------------------------------------- */

struct copy_tar_opts {
	const char *name; /* the top entry's name; NULL: only the contents, relative names */
	bool force_owner; /* set every entry's owner to uid:gid */
	uint32_t uid, gid;
	char *const *exclude;   /* "/path"s of the tree (not of the tar) left out with contents */
	bool overlay_whiteouts; /* 0:0 char devices → ".wh.NAME", opaque dirs → ".wh..wh..opq" */
};

/*
 * Write a tar (pax) of the file or directory fd (an O_PATH or O_DIRECTORY fd resolved by the
 * caller) to out_fd. Children are opened with O_NOFOLLOW relative to their parent, symlinks
 * are stored as links, hard links kept, xattrs kept. Errors: errno of the file system, EIO
 * from libarchive ("writing tar: ...").
 */
int copy_tar_write(int fd, const struct copy_tar_opts *o, int out_fd, struct cpod_error **err);

/*
 * A layer tar from a change list ([{"Path", "Kind"}] as engine_diff returns it): each added
 * or changed path as one entry read from root (directories without their contents, which
 * the list names themselves), each deleted one as a ".wh." whiteout. Errors as above.
 */
int copy_tar_write_changes(int root, json_t *changes, int out_fd, struct cpod_error **err);

/*
 * Open path inside the directory root with RESOLVE_IN_ROOT (O_PATH; follow_last: resolve
 * a trailing symlink too). Returns an fd or a negative errno with *err
 * ("could not find \"PATH\" in container: no such file or directory" style, ctx first).
 */
int copy_open_in_root(int root, const char *path, bool follow_last, const char *ctx,
                      struct cpod_error **err);

/* ---- export, diff, mount (copy-export.c, diff.c) -------------------------------------------- */

/* `cpod export`: a tar of the container's root file system to out_fd. */
int container_export(struct engine *e, const char *key, int out_fd, struct cpod_error **err);

/*
 * `cpod mount CTR`: mount (counted) and return the merged path (owned).
 * `cpod unmount CTR`: drop one mount reference (every reference with force); a running
 * container keeps its own. *ret_id (may be NULL) is the full ID.
 */
int container_mount(struct engine *e, const char *key, char **ret_path, char **ret_id,
                    struct cpod_error **err);
int container_unmount(struct engine *e, const char *key, bool force, char **ret_id,
                      struct cpod_error **err);

/* Mounted containers as [{"ID":..., "Names":..., "Path":...}] (new reference). */
int container_mount_list(struct engine *e, json_t **ret, struct cpod_error **err);

enum diff_kind {
	DIFF_MODIFIED = 0, /* "C", Podman's archive.ChangeModify */
	DIFF_ADDED = 1,    /* "A" */
	DIFF_DELETED = 2,  /* "D" */
};

/*
 * `cpod diff`: changes of a container's read-write layer against its image, or of an
 * image's top layer against its parent, as [{"Path": "/etc", "Kind": 0}, ...] sorted by
 * path (new reference). what: "container", "image" or NULL (container first).
 */
int engine_diff(struct engine *e, const char *key, const char *what, json_t **ret,
                struct cpod_error **err);

/* The same for one layer (container: leave Podman's initInodes out). */
int engine_diff_layer(struct engine *e, const char *layer, bool container, json_t **ret,
                      struct cpod_error **err);

/*
 * Classify one entry of an overlay upper directory (pure; exposed for the tests):
 * is_whiteout (0:0 char device) → D; exists_below → C when it is not a directory or its
 * metadata differ (changed_meta), nothing (-1) for an unchanged directory; else A.
 */
int diff_classify(bool is_whiteout, bool exists_below, bool is_dir, bool changed_meta);

/* ---- commit (commit.c) ---------------------------------------------------------------------- */

struct container_commit_opts {
	const char *image;    /* name to give; NULL: dangling */
	char *const *changes; /* -c */
	const char *message;  /* -m */
	const char *author;   /* -a */
	bool pause;           /* pause a running container meanwhile */
	bool squash;          /* one layer with the whole root file system */
	const char *format;   /* "oci" (NULL) or "docker" */
	bool include_volumes;
};

/* Commit the container's changes as a new image; *ret_id is the image ID hex (owned). */
int container_commit(struct engine *e, const char *key, const struct container_commit_opts *o,
                     char **ret_id, struct cpod_error **err);

#endif
