/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Push of a local image to a registry, as containers/image's copy.Image with a docker
 * destination: each blob is HEAD-checked, then mounted from another repository of the same
 * registry the image came from, else uploaded; kept blobs go as they are (same digests), raw
 * layers are gzipped, --compression-format recompresses; the stored manifest bytes are
 * pushed unchanged when nothing in it changed, else a new manifest is built.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "pull-internal.h"
#include "push-compress.h"
#include "reference.h"
#include "registry.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct push_layer {
	char *src_digest; /* as stored */
	char *digest;     /* as pushed */
	int64_t size;
	const char *media_type;
	int fd;
	bool changed;
};

static const char *layer_media_type(const char *manifest_type, enum push_compression c)
{
	if (strcmp(manifest_type, MEDIA_TYPE_DOCKER_MANIFEST) == 0)
		return c == PUSH_GZIP ? MEDIA_TYPE_DOCKER_LAYER_GZIP : NULL;
	return c == PUSH_GZIP   ? MEDIA_TYPE_OCI_LAYER_GZIP
	       : c == PUSH_ZSTD ? MEDIA_TYPE_OCI_LAYER_ZSTD
	                        : MEDIA_TYPE_OCI_LAYER;
}

static int prepare_layer(struct store *s, const char *layer_id, const char *manifest_type,
                         const struct image_push_opts *opts, struct push_layer *pl,
                         struct cpod_error **err)
{
	_cleanup_(store_layer_freep) struct store_layer *l = NULL;
	int r = store_layer_get(s, layer_id, &l, err);
	if (r < 0)
		return r;
	pl->src_digest = xstrdup(l->compressed_digest);
	pl->fd = store_layer_open_blob(s, layer_id, err);
	if (pl->fd < 0)
		return pl->fd;
	enum push_compression have = push_sniff(pl->fd);
	enum push_compression want = have == PUSH_PLAIN ? PUSH_GZIP : have;
	if (opts->force_compression || opts->compression != IMAGE_PUSH_COMPRESSION_KEEP)
		want = opts->compression == IMAGE_PUSH_COMPRESSION_ZSTD ? PUSH_ZSTD : PUSH_GZIP;
	if (opts->compression == IMAGE_PUSH_COMPRESSION_KEEP && !opts->force_compression &&
	    strcmp(manifest_type, MEDIA_TYPE_DOCKER_MANIFEST) == 0 && have == PUSH_ZSTD)
		want = PUSH_GZIP; /* v2s2 has no zstd layers */
	pl->media_type = layer_media_type(manifest_type, want);
	if (!pl->media_type)
		return cpod_error_set(err, EINVAL,
		                      "zstd compression is not supported with the "
		                      "v2s2 manifest format, use --format oci");
	if (want == have && l->compressed_digest[0]) {
		pl->digest = xstrdup(l->compressed_digest);
		pl->size = l->compressed_size;
		return 0;
	}
	_cleanup_close_ int tmp = pull_tmpfile(store_graph_root(s), err);
	if (tmp < 0)
		return tmp;
	r = push_compress(pl->fd, want, tmp, &pl->digest, &pl->size, err);
	if (r < 0)
		return cpod_error_wrap(err, "layer %s", layer_id);
	close(pl->fd);
	pl->fd = TAKE_FD(tmp);
	pl->changed = true;
	return 0;
}

/* A repository of the same registry the image is known in, for a cross-repository mount. */
static char *mount_source(const struct store_image *img, const char *host, const char *repo)
{
	STRV_FOREACH(n, img->names)
	{
		_cleanup_(image_ref_freep) struct image_ref *r = NULL;
		if (image_ref_parse(*n, &r, NULL) < 0)
			continue;
		if (strcmp(r->domain, host) == 0 && strcmp(r->path, repo) != 0)
			return xstrdup(r->path);
	}
	return NULL;
}

static int upload(struct registry_client *c, const char *repo, const char *digest,
                  const struct registry_blob_source *src, const char *mount_from,
                  struct cpod_error **err)
{
	int r = registry_head_blob(c, repo, digest, NULL, err);
	if (r < 0)
		return r;
	if (r > 0)
		return 0;
	struct registry_upload_opts uo = {.mount_from = mount_from};
	return registry_upload_blob(c, repo, digest, src, &uo, NULL, NULL, err);
}

static char *stored_manifest_type(const char *data, size_t len)
{
	_cleanup_(manifest_freep) struct manifest *m = NULL;
	if (!data || manifest_parse(data, len, NULL, &m, NULL) < 0 ||
	    m->kind != MANIFEST_KIND_IMAGE)
		return NULL;
	return xstrdup(m->media_type);
}

static int push_blobs(struct registry_client *c, const char *repo, const char *mount_from,
                      struct push_layer *layers, size_t n, const char *config, size_t config_len,
                      const char *config_digest, struct pull_progress *progress,
                      struct cpod_error **err)
{
	for (size_t i = 0; i < n; i++) {
		pull_progress_add(progress, "blob", layers[i].src_digest, layers[i].size);
		struct registry_blob_source src = {.fd = layers[i].fd, .size = layers[i].size};
		int r = upload(c, repo, layers[i].digest, &src, mount_from, err);
		if (r < 0)
			return cpod_error_wrap(err, "writing blob %s", layers[i].digest);
	}
	pull_progress_add(progress, "config", config_digest, (int64_t)config_len);
	struct registry_blob_source src = {.data = config, .fd = -1, .size = (int64_t)config_len};
	int r = upload(c, repo, config_digest, &src, NULL, err);
	if (r < 0)
		return cpod_error_wrap(err, "writing config %s", config_digest);
	return 0;
}

int push_to_registry(struct store *s, const char *id, const char *dest,
                     const struct image_push_opts *opts, struct pull_progress *progress,
                     char **ret_digest, struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_free_ char *host = NULL, *repo = NULL, *tag = NULL, *config = NULL;
	_cleanup_free_ char *stored = NULL, *stored_type = NULL, *built = NULL, *mount = NULL;
	_cleanup_free_ char *key = NULL, *config_digest = NULL;
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	size_t config_len = 0, stored_len = 0;
	int r = pull_split_ref(dest, &host, &repo, &tag, err);
	if (r < 0 || (r = store_image_lookup(s, id, &img, err)) < 0 ||
	    (r = store_image_config(s, img->id, &config, &config_len, err)) < 0)
		return r;
	_cleanup_error_ struct cpod_error *ignored = NULL;
	if (store_image_manifest(s, img->id, &stored, &stored_len, &ignored) >= 0)
		stored_type = stored_manifest_type(stored, stored_len);
	const char *type = opts->format == IMAGE_PUSH_FORMAT_OCI    ? MEDIA_TYPE_OCI_MANIFEST
	                   : opts->format == IMAGE_PUSH_FORMAT_V2S2 ? MEDIA_TYPE_DOCKER_MANIFEST
	                   : stored_type                            ? stored_type
	                                                            : MEDIA_TYPE_OCI_MANIFEST;
	size_t n = strv_length(img->layers);
	struct push_layer *layers = xnew(struct push_layer, n + 1);
	struct manifest_build_desc *descs = xnew(struct manifest_build_desc, n + 1);
	for (size_t i = 0; i < n; i++)
		layers[i].fd = -1;
	bool changed = !stored_type || strcmp(stored_type, type) != 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		r = prepare_layer(s, img->layers[i], type, opts, &layers[i], err);
		changed = changed || layers[i].changed;
		descs[i] = (struct manifest_build_desc){.media_type = layers[i].media_type,
		                                        .digest = layers[i].digest,
		                                        .size = layers[i].size};
	}
	if (r < 0)
		goto out;
	key = xasprintf("%s/%s", host, repo);
	if ((r = image_registry_client(&opts->access, opts->access.registries, host, key, &c,
	                               err)) < 0)
		goto out;
	mount = mount_source(img, host, repo);
	config_digest = xasprintf("sha256:%s", img->id);
	pull_progress_line(progress, "Getting image source signatures");
	r = push_blobs(c, repo, mount, layers, n, config, config_len, config_digest, progress, err);
	if (r < 0)
		goto out;
	pull_progress_line(progress, "Writing manifest to image destination");
	const char *mdata = stored;
	size_t mlen = stored_len;
	if (changed) {
		bool oci = strcmp(type, MEDIA_TYPE_OCI_MANIFEST) == 0;
		struct manifest_build_desc cd = {.media_type = oci ? MEDIA_TYPE_OCI_CONFIG
		                                                   : MEDIA_TYPE_DOCKER_CONFIG,
		                                 .digest = config_digest,
		                                 .size = (int64_t)config_len};
		built = manifest_build_image(type, &cd, descs, n, NULL);
		mdata = built;
		mlen = strlen(built);
	}
	r = registry_put_manifest(c, repo, tag, type, mdata, mlen, ret_digest, err);
	if (r < 0) {
		cpod_error_wrap(err, "writing manifest");
		goto out;
	}
	pull_progress_line(progress, "Storing signatures");
out:
	for (size_t i = 0; i < n; i++) {
		if (layers[i].fd >= 0)
			close(layers[i].fd);
		free(layers[i].src_digest);
		free(layers[i].digest);
	}
	free(layers);
	free(descs);
	return r;
}
