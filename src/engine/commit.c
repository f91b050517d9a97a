/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `commit` (copy.h container_commit), after Podman 4.3's libpod/container_commit.go: the
 * new layer is the container's read-write layer as a tar (overlay whiteouts become
 * ".wh." entries, opaque directories ".wh..wh..opq"), on top of the image's layers; the
 * config inherits the image's, takes the container's Env, Entrypoint, Cmd, User and
 * WorkingDir, then the --change instructions, and gains a history entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/copy.h"
#include "format/units.h"
#include "image/config.h"
#include "image/reference.h"
#include "runtime/oci.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define MT_OCI_LAYER     "application/vnd.oci.image.layer.v1.tar"
#define MT_DOCKER_LAYER  "application/vnd.docker.image.rootfs.diff.tar"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_MANIF  "application/vnd.docker.distribution.manifest.v2+json"

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The tar of the new layer: the rw layer's changes, or the whole root with squash. */
/*
 * vfs: the container's layer is a full copy of the image, so the new layer is built from the
 * list of changes against the parent (deletions as whiteouts).
 */
static int vfs_layer_tar(struct engine *e, struct store *s, const char *layer_id,
                         struct cpod_error **err)
{
	_cleanup_json_ json_t *changes = NULL;
	int r = engine_diff_layer(e, layer_id, true, &changes, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = NULL;
	r = store_layer_diff_path(s, layer_id, &dir, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tmp = path_join(store_graph_root(s), "tmp");
	_cleanup_close_ int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	_cleanup_close_ int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || root < 0)
		return cpod_error_set_errno(err, errno, "prepare the new layer");
	r = copy_tar_write_changes(root, changes, fd, err);
	if (r < 0)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "seek the new layer");
	return TAKE_FD(fd);
}

static int layer_tar(struct engine *e, struct store *s, const struct container *c,
                     const char *layer_id, bool squash, struct cpod_error **err)
{
	bool overlay = store_get_driver(s) == STORE_DRIVER_OVERLAY;
	if (!squash && !overlay)
		return vfs_layer_tar(e, s, layer_id, err);
	_cleanup_free_ char *dir = NULL;
	int r = squash ? store_container_mount(s, c->config.id, &dir, err)
	               : store_layer_diff_path(s, layer_id, &dir, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tmp = path_join(store_graph_root(s), "tmp");
	_cleanup_close_ int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	_cleanup_close_ int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || root < 0) {
		r = cpod_error_set_errno(err, errno, "prepare the new layer");
	} else {
		/*
		 * the mount points the engine and the runtime add to every container are not
		 * the user's changes (Podman's initInodes); /dev, /proc, /run and /sys are
		 * mounts inside the container, so nothing the user writes there lands here
		 */
		char *const excl[] = {
		        "/dev",  "/etc/hostname", "/etc/hosts", "/etc/mtab", "/etc/resolv.conf",
		        "/proc", "/run",          "/sys",       NULL};
		struct copy_tar_opts o = {.exclude = excl, .overlay_whiteouts = !squash};
		r = copy_tar_write(root, &o, fd, err);
	}
	if (squash)
		(void)store_container_unmount(s, c->config.id, false, NULL);
	if (r < 0)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "seek the squashed layer");
	return TAKE_FD(fd);
}

static json_t *image_config_of(struct store *s, const char *image_id)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	if (!image_id || store_image_config(s, image_id, &raw, &len, NULL) < 0)
		return json_object();
	json_t *j = json_loadb(raw, len, 0, NULL);
	return json_is_object(j) ? j : (json_decref(j), json_object());
}

static int build_run_config(json_t *base_cfg, const struct container *c,
                            const struct container_commit_opts *o, json_t **ret,
                            struct cpod_error **err)
{
	const struct container_config *cc = &c->config;
	json_t *cfg = json_is_object(base_cfg) ? json_deep_copy(base_cfg) : json_object();
	if (cc->env)
		json_object_set_new(cfg, "Env", strv_json(cc->env));
	if (cc->entrypoint && cc->entrypoint[0])
		json_object_set_new(cfg, "Entrypoint", strv_json(cc->entrypoint));
	if (cc->user_command && cc->user_command[0])
		json_object_set_new(cfg, "Cmd", strv_json(cc->user_command));
	if (cc->user && *cc->user)
		json_object_set_new(cfg, "User", json_string(cc->user));
	if (cc->workdir && *cc->workdir)
		json_object_set_new(cfg, "WorkingDir", json_string(cc->workdir));
	if (o->changes) {
		int r = image_config_apply_changes(cfg, o->changes, err);
		if (r < 0) {
			json_decref(cfg);
			return r;
		}
	}
	image_config_normalize(cfg);
	*ret = cfg;
	return 0;
}

struct layer_desc {
	char *digest;
	int64_t size;
};

static char *build_manifest(const char *cfg_digest, int64_t cfg_size, bool docker,
                            const struct layer_desc *l, size_t n)
{
	if (!docker) {
		struct image_manifest_layer *ml = xnew(struct image_manifest_layer, n + 1);
		for (size_t i = 0; i < n; i++)
			ml[i] = (struct image_manifest_layer){MT_OCI_LAYER, l[i].digest, l[i].size};
		char *m = image_manifest_build(cfg_digest, cfg_size, ml, n);
		free(ml);
		return m;
	}
	_cleanup_json_ json_t *m = json_object();
	json_object_set_new(m, "schemaVersion", json_integer(2));
	json_object_set_new(m, "mediaType", json_string(MT_DOCKER_MANIF));
	json_t *c = json_object();
	json_object_set_new(c, "mediaType", json_string(MT_DOCKER_CONFIG));
	json_object_set_new(c, "size", json_integer(cfg_size));
	json_object_set_new(c, "digest", json_string(cfg_digest));
	json_object_set_new(m, "config", c);
	json_t *layers = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_object();
		json_object_set_new(d, "mediaType", json_string(MT_DOCKER_LAYER));
		json_object_set_new(d, "size", json_integer(l[i].size));
		json_object_set_new(d, "digest", json_string(l[i].digest));
		json_array_append_new(layers, d);
	}
	json_object_set_new(m, "layers", layers);
	return json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

struct commit_parts {
	json_t *base; /* the image's config document */
	struct store_layer *layer;
	char **layer_ids; /* the new image's layers, base first */
};

static char *build_config(const struct commit_parts *p, json_t *run_cfg, const struct container *c,
                          const struct container_commit_opts *o)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	_cleanup_free_ char *created = units_time_rfc3339nano(&now, true);
	_cleanup_json_ json_t *d = json_object();
	json_object_set_new(d, "created", json_string(created));
	if (o->author && *o->author)
		json_object_set_new(d, "author", json_string(o->author));
	const char *arch = json_get_string(p->base, "architecture");
	json_object_set_new(d, "architecture", json_string(arch ? arch : "amd64"));
	const char *variant = json_get_string(p->base, "variant");
	if (variant)
		json_object_set_new(d, "variant", json_string(variant));
	const char *os = json_get_string(p->base, "os");
	json_object_set_new(d, "os", json_string(os ? os : "linux"));
	json_object_set_new(d, "config", json_incref(run_cfg));
	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "type", json_string("layers"));
	json_t *ids = json_array();
	json_t *old = json_object_get(json_object_get(p->base, "rootfs"), "diff_ids");
	size_t i;
	json_t *v;
	if (!o->squash && json_is_array(old))
		json_array_foreach(old, i, v) json_array_append(ids, v);
	json_array_append_new(ids, json_string(p->layer->diff_id));
	json_object_set_new(rootfs, "diff_ids", ids);
	json_object_set_new(d, "rootfs", rootfs);
	json_t *hist = json_array();
	json_t *oldh = json_object_get(p->base, "history");
	if (!o->squash && json_is_array(oldh))
		json_array_foreach(oldh, i, v) json_array_append(hist, v);
	json_t *h = json_object();
	json_object_set_new(h, "created", json_string(created));
	_cleanup_free_ char *by = strv_join(c->config.command, " ");
	json_object_set_new(h, "created_by", json_string(by));
	if (o->author && *o->author)
		json_object_set_new(h, "author", json_string(o->author));
	if (o->message && *o->message)
		json_object_set_new(h, "comment", json_string(o->message));
	json_array_append_new(hist, h);
	json_object_set_new(d, "history", hist);
	if (o->format && strcmp(o->format, "docker") == 0 && o->message && *o->message)
		json_object_set_new(d, "comment", json_string(o->message));
	return json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static int store_new_image(struct store *s, const struct commit_parts *p, const char *config,
                           const char *name, bool docker, char **ret_id, struct cpod_error **err)
{
	char hex[65];
	digest_sha256_hex(config, strlen(config), hex);
	_cleanup_free_ char *cfg_digest = xasprintf("sha256:%s", hex);
	size_t n = strv_length(p->layer_ids);
	struct layer_desc *l = xnew(struct layer_desc, n + 1);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_(store_layer_freep) struct store_layer *sl = NULL;
		r = store_layer_get(s, p->layer_ids[i], &sl, err);
		if (r >= 0)
			l[i] = (struct layer_desc){xstrdup(sl->compressed_digest),
			                           sl->compressed_size};
	}
	if (r >= 0) {
		_cleanup_free_ char *manifest =
		        build_manifest(cfg_digest, (int64_t)strlen(config), docker, l, n);
		_cleanup_free_ char *man_digest = digest_sha256_string(manifest, strlen(manifest));
		char *names[] = {(char *)name, NULL};
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		struct store_image_create_opts io = {
		        .id = hex,
		        .top_layer = p->layer->id,
		        .names = name ? names : NULL,
		        .config = config,
		        .config_len = strlen(config),
		        .manifest = manifest,
		        .manifest_len = strlen(manifest),
		        .manifest_digest = man_digest,
		        .created = now.tv_sec,
		};
		r = store_image_create(s, &io, err);
	}
	for (size_t i = 0; i < n; i++)
		free(l[i].digest);
	free(l);
	if (r >= 0)
		*ret_id = xstrdup(hex);
	return r;
}

static int commit_locked(struct engine *e, struct container *c,
                         const struct container_commit_opts *o, const char *name, char **ret_id,
                         struct cpod_error **err)
{
	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	_cleanup_(store_container_freep) struct store_container *sc = NULL;
	int r = store_container_get(s, c->config.id, &sc, err);
	if (r < 0)
		return r;
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	if (c->config.image_id && store_image_lookup(s, c->config.image_id, &img, err) < 0)
		return -ENOENT;
	struct commit_parts p = {.base = image_config_of(s, c->config.image_id)};
	_cleanup_json_ json_t *base = p.base;
	_cleanup_close_ int fd = layer_tar(e, s, c, sc->layer_id, o->squash, err);
	if (fd < 0)
		return fd;
	struct store_layer_create_opts lo = {
	        .parent = o->squash || !img ? NULL : img->top_layer,
	        .fd = fd,
	        .keep_blob = true,
	};
	_cleanup_(store_layer_freep) struct store_layer *layer = NULL;
	r = store_layer_create(s, &lo, &layer, err);
	if (r < 0)
		return cpod_error_wrap(err, "committing the changes of container %s", c->config.id);
	p.layer = layer;
	_cleanup_strv_free_ char **ids = NULL;
	if (!o->squash && img)
		ids = strv_copy(img->layers);
	strv_push(&ids, layer->id);
	p.layer_ids = ids;
	_cleanup_json_ json_t *run_cfg = NULL;
	r = build_run_config(json_object_get(base, "config"), c, o, &run_cfg, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *config = build_config(&p, run_cfg, c, o);
	bool docker = o->format && strcmp(o->format, "docker") == 0;
	return store_new_image(s, &p, config, name, docker, ret_id, err);
}

int container_commit(struct engine *e, const char *key, const struct container_commit_opts *o,
                     char **ret_id, struct cpod_error **err)
{
	_cleanup_free_ char *name = NULL;
	if (o->format && strcmp(o->format, "oci") != 0 && strcmp(o->format, "docker") != 0)
		return cpod_error_set(err, EINVAL, "unrecognized image type \"%s\"", o->format);
	if (o->image && *o->image) {
		bool digested = false;
		int r = image_ref_local_name(o->image, &name, &digested, err);
		if (r < 0)
			return r;
		if (digested)
			return cpod_error_set(err, EINVAL, "%s: tag by digest not supported",
			                      o->image);
	}
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if ((r = container_rootfs_refuse(c, "commit", err)) < 0)
		return r;
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	bool paused = false;
	if (o->pause && c->state.status == CTR_RUNNING && container_oci_runtime(e, &rt, NULL) >= 0)
		paused = runtime_oci_pause(rt, c->config.id, NULL) >= 0;
	r = commit_locked(e, c, o, name, ret_id, err);
	if (paused)
		(void)runtime_oci_resume(rt, c->config.id, NULL);
	return r;
}
