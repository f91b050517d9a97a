/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_STORE_H
#define CPOD_STORE_H

/*
 * The layer store: content-addressed layers, image records and container root file systems,
 * under one graph root (persistent) and one run root (tmpfs; mount counts and other
 * runtime-only state). Knows nothing of container lifecycles, registries or references:
 * names are opaque strings here ("localhost/hello:latest"), resolution is the image layer's.
 *
 * Layout (graph root):
 *   storage.db                SQLite (WAL): layers, images, image_names, containers
 *   storage.lock              flock held exclusively by every writer
 *   <driver>/...              driver data: overlay/<layer-id>/{diff,link,lower,work,merged},
 *                             overlay/l/<short> -> ../<layer-id>/diff; vfs/dir/<layer-id>
 *   blobs/sha256/<hex>        the layer blob exactly as received (see README: disk cost),
 *                             so save/push reproduce digests byte for byte
 *   images/<image-id>/        config.json and manifest.json as received
 *   tmp/                      staging area; anything here is garbage at start-up
 *
 * Every write happens in tmp/ first and is committed by a rename plus one SQLite
 * transaction, so a killed writer leaves nothing visible (store_open() sweeps tmp/).
 *
 * A struct store is used by one thread at a time (open one handle per thread); any number of
 * processes may use one graph root at once: writers serialise on storage.lock, readers rely
 * on SQLite (WAL).
 *
 * Errors: ENOENT (no such layer/image/container), EEXIST (ID or name exists), EBUSY (in use:
 * an image with containers, a layer with children, a mounted container), EINVAL (bad input,
 * e.g. a hostile tar), EIO and others from the system.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cleanup.h"
#include "util/error.h"

struct store;

enum store_driver {
	STORE_DRIVER_AUTO, /* overlay where the kernel supports it on the graph root, else vfs */
	STORE_DRIVER_OVERLAY,
	STORE_DRIVER_VFS,
	_STORE_DRIVER_MAX,
	_STORE_DRIVER_INVALID = -22,
};

struct store_options {
	const char *graph_root; /* required, absolute */
	const char *run_root;   /* required, absolute */
	enum store_driver driver;
	char *const *driver_opts; /* NULL-terminated, e.g. "overlay.mount_program=..."; may be NULL */
	bool read_only;           /* open without taking the write lock: for listing */
};

/* Parse "overlay", "vfs" (and "" → auto). */
enum store_driver store_driver_from_string(const char *s);
const char *store_driver_to_string(enum store_driver d);

/*
 * Open (creating if needed) the store. Sweeps tmp/ and resets runtime state if the run root
 * is new (after a reboot). Free with store_free().
 */
int store_open(const struct store_options *opts, struct store **ret, struct cpod_error **err);
struct store *store_free(struct store *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct store *, store_free)

/* The driver actually in use (never AUTO) and why it was chosen (for `cpod info`). */
enum store_driver store_get_driver(const struct store *s);
const char *store_driver_reason(const struct store *s);
const char *store_graph_root(const struct store *s);
const char *store_run_root(const struct store *s);
/* The graph root's file system as Podman names it ("extfs", "xfs", "btrfs", "tmpfs", ...). */
const char *store_backing_fs(const struct store *s);

/* ---- layers ---------------------------------------------------------------------------- */

struct store_layer {
	char *id;                /* chain ID hex (image layers) or random hex (container layers) */
	char *parent;            /* parent layer ID or NULL */
	char *diff_id;           /* "sha256:..." of the uncompressed tar */
	char *compressed_digest; /* "sha256:..." of the blob as received (== diff_id if raw) */
	int64_t diff_size;       /* bytes of uncompressed tar */
	int64_t compressed_size; /* bytes of the blob */
	int64_t created;         /* unix seconds */
};
struct store_layer *store_layer_free(struct store_layer *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct store_layer *, store_layer_free)

struct store_layer_create_opts {
	const char *parent;            /* parent layer ID, NULL for a base layer */
	int fd;                        /* the blob: a tar, gzip- or zstd-compressed or not */
	const char *expected_digest;   /* optional: fail with EINVAL if the blob's digest differs */
	const char *expected_diff_id;  /* optional: likewise for the uncompressed tar */
	bool keep_blob;                /* keep blobs/sha256/<digest> (default for pulls) */
};

/*
 * Read the blob from opts->fd to its end, digest it, decompress, and apply the tar safely
 * (see tar-apply.h) as a new layer on top of opts->parent. The layer's ID is its OCI chain
 * ID in hex: the diff ID hex for a base layer, else the hex of
 * sha256("sha256:<parent ID> " + diff_id) (diff_id being "sha256:<hex>"). If that layer
 * exists already the new copy is discarded and the existing one returned; when
 * expected_diff_id is given and the layer exists, fd is not read at all.
 * *ret is freed with store_layer_free().
 */
int store_layer_create(struct store *s, const struct store_layer_create_opts *opts,
		       struct store_layer **ret, struct cpod_error **err);

int store_layer_get(struct store *s, const char *id, struct store_layer **ret,
		    struct cpod_error **err);

/*
 * Open the layer's blob for reading: the kept blob if there is one, else a freshly
 * generated uncompressed tar of the layer's diff (whose digest then is the diff ID only if
 * the tar can be reproduced; callers compare). Returns an fd or -errno in *err.
 */
int store_layer_open_blob(struct store *s, const char *id, struct cpod_error **err);

/* Directory holding the layer's files (diff for overlay, the dir for vfs); owned string. */
int store_layer_diff_path(struct store *s, const char *id, char **ret, struct cpod_error **err);

/* ---- images ---------------------------------------------------------------------------- */

struct store_image {
	char *id;          /* hex of the config digest */
	char **names;      /* full names, e.g. "localhost/hello:latest"; NULL-terminated */
	char **digests;    /* manifest digests this image is known by; NULL-terminated */
	char *top_layer;   /* top layer ID, NULL for an image without layers */
	char **layers;     /* layer IDs, base first; NULL-terminated */
	int64_t created;   /* from the config, unix seconds (0 if unknown) */
	int64_t size;      /* sum of the layers' diff sizes */
	bool read_only;
};
struct store_image *store_image_free(struct store_image *i);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct store_image *, store_image_free)
void store_image_list_free(struct store_image **v, size_t n);

struct store_image_create_opts {
	const char *id;             /* config digest hex */
	const char *top_layer;      /* may be NULL */
	char *const *names;         /* names to give it (moved from any image that has them) */
	const char *config;         /* raw config JSON, stored byte for byte */
	size_t config_len;
	const char *manifest;       /* raw manifest JSON or NULL */
	size_t manifest_len;
	const char *manifest_digest; /* "sha256:..." or NULL */
	int64_t created;
};

/*
 * Record an image. If an image with that ID exists, the names and digest are added to it
 * (like Podman re-tagging on a second pull) and 0 returned.
 */
int store_image_create(struct store *s, const struct store_image_create_opts *opts,
		       struct cpod_error **err);

/*
 * Look up by full ID (also as "sha256:<ID>"), by exact name, by manifest digest
 * ("sha256:..."), or by a unique ID prefix (>= 1 hex char; ambiguous → EINVAL naming the
 * candidates), in that order. ENOENT ("<key>: image not known") if none.
 */
int store_image_lookup(struct store *s, const char *key, struct store_image **ret,
		       struct cpod_error **err);

/* All images, newest first, in one query. Free with store_image_list_free(). */
int store_image_list(struct store *s, struct store_image ***ret, size_t *ret_n,
		     struct cpod_error **err);

/* Raw config / manifest as stored; owned, NUL-terminated. ENOENT if never stored. */
int store_image_config(struct store *s, const char *id, char **ret, size_t *ret_len,
		       struct cpod_error **err);
int store_image_manifest(struct store *s, const char *id, char **ret, size_t *ret_len,
			 struct cpod_error **err);

/* Add a name (taking it away from any other image) / remove one (ENOENT if absent). */
int store_image_add_name(struct store *s, const char *id, const char *name,
			 struct cpod_error **err);
int store_image_remove_name(struct store *s, const char *id, const char *name,
			    struct cpod_error **err);

/*
 * Delete the image and every layer no other image or container still needs.
 * EBUSY if a container uses it (message names the container IDs).
 */
int store_image_delete(struct store *s, const char *id, struct cpod_error **err);

/* IDs of the storage containers created from this image; NULL-terminated, strv_free(). */
int store_image_containers(struct store *s, const char *id, char ***ret, struct cpod_error **err);

/* ---- image mounts (store-image-mount.c): --mount type=image ------------------------- */

/*
 * The directories holding image id's files (id: anything store_image_lookup takes), top
 * layer first, as absolute paths: each layer's diff directory with overlay, the top layer's
 * directory alone with vfs (it holds the whole tree); empty for an image without layers.
 * NULL-terminated, strv_free(). ENOENT if the image is not known.
 */
int store_image_layer_dirs(struct store *s, const char *id, char ***ret, struct cpod_error **err);

/*
 * Mount the file system of image id at target, an existing directory. rw_dir NULL: read-only
 * (overlay: an overlay of the layers without upper directory; vfs: a read-only bind of the
 * top layer). rw_dir set: writable, and every write goes below rw_dir (created if missing;
 * overlay: rw_dir/upper and rw_dir/work, vfs: a copy of the image in rw_dir/copy), never
 * into the image's layers; what rw_dir holds already is kept. Not counted: undo with
 * store_image_unmount(). Nothing stays mounted on failure. ENOENT if the image is not known,
 * E2BIG if the overlay options exceed a page, errors of mount(2) otherwise.
 */
int store_image_mount(struct store *s, const char *id, const char *target, const char *rw_dir,
		      struct cpod_error **err);
/* Unmount what store_image_mount() mounted at target; not mounted is not an error. */
int store_image_unmount(const char *target, struct cpod_error **err);

/* ---- containers (the read-write layer and mount of each container) ------------------ */

struct store_container {
	char *id;
	char *image_id; /* NULL for a container without an image */
	char *layer_id; /* its read-write layer */
	int64_t created;
};
struct store_container *store_container_free(struct store_container *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct store_container *, store_container_free)

/* Create a read-write layer for container id on top of the image's top layer. */
int store_container_create(struct store *s, const char *id, const char *image_id,
			   struct store_container **ret, struct cpod_error **err);
int store_container_get(struct store *s, const char *id, struct store_container **ret,
			struct cpod_error **err);
/*
 * Mount the container's root file system (counted: every mount needs one unmount) and
 * return the merged path (owned). Mount counts live in the run root. A count whose mount has
 * vanished (unmounted behind our back) is reset: the layer is mounted again with count 1.
 */
int store_container_mount(struct store *s, const char *id, char **ret_path,
			  struct cpod_error **err);
/* Drop one mount reference (all of them with force); unmounts at zero. */
int store_container_unmount(struct store *s, const char *id, bool force,
			    struct cpod_error **err);
/* Mount count from the run root (0 when not mounted). */
int store_container_mounted(struct store *s, const char *id, struct cpod_error **err);
/* Unmount if needed, delete the read-write layer and the record. */
int store_container_delete(struct store *s, const char *id, struct cpod_error **err);
/* Per-container directory for engine files (graph root side and run root side). */
int store_container_dir(struct store *s, const char *id, bool run, char **ret,
			struct cpod_error **err);

/* ---- helpers ------------------------------------------------------------------------- */

/*
 * Copy everything inside directory srcfd into directory dstfd: files, directories, symlinks
 * (copied as links, never followed), hard links, device nodes and FIFOs, keeping owners, modes,
 * xattrs and times. Used for volume copy-up. Errors name the entry.
 */
int store_copy_dir_contents(int srcfd, int dstfd, struct cpod_error **err);

#endif
