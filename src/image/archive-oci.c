/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI image layout output (oci-dir, oci-archive): oci-layout, index.json naming the image
 * with org.opencontainers.image.ref.name, blobs/sha256/<hex>. Like containers/image's OCI
 * destination, plain layers are gzip-compressed; compressed blobs are copied as kept. The
 * config is copied byte for byte, so the image ID and diff IDs stay the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-internal.h"
#include "config.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define OCI_LAYOUT        "{\"imageLayoutVersion\": \"1.0.0\"}"
#define OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"

static int put_blob_fd(struct archive_sink *sink, const char *digest, int fd, int64_t size,
                       struct cpod_error **err)
{
	_cleanup_free_ char *name = xasprintf("blobs/sha256/%s", digest + 7);
	return archive_sink_put_fd(sink, name, fd, size, err);
}

static int put_blob_bytes(struct archive_sink *sink, const char *digest, const char *data,
                          size_t len, struct cpod_error **err)
{
	_cleanup_free_ char *name = xasprintf("blobs/sha256/%s", digest + 7);
	return archive_sink_put_bytes(sink, name, data, len, err);
}

static int write_layer(struct archive_sink *sink, struct store *s, const struct store_layer *l,
                       struct image_manifest_layer *ml, char **owned_digest, FILE *progress,
                       struct cpod_error **err)
{
	_cleanup_close_ int fd = store_layer_open_blob(s, l->id, err);
	struct stat st;
	if (fd < 0)
		return fd;
	if (progress)
		fprintf(progress, "Copying blob %s\n", l->compressed_digest);
	enum blob_compression c = archive_blob_compression(fd);
	if (c == BLOB_GZIP || c == BLOB_ZSTD) {
		if (fstat(fd, &st) < 0)
			return cpod_error_set_errno(err, errno, "reading layer %s", l->id);
		ml->media_type = c == BLOB_GZIP ? "application/vnd.oci.image.layer.v1.tar+gzip"
		                                : "application/vnd.oci.image.layer.v1.tar+zstd";
		ml->digest = l->compressed_digest;
		ml->size = st.st_size;
		return put_blob_fd(sink, l->compressed_digest, fd, st.st_size, err);
	}
	if (c != BLOB_PLAIN)
		return cpod_error_set(err, ENOTSUP, "layer %s: unsupported blob compression",
		                      l->id);
	int64_t size = 0;
	_cleanup_close_ int gz = archive_gzip_to_tmpfile(fd, owned_digest, &size, err);
	if (gz < 0)
		return gz;
	ml->media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
	ml->digest = *owned_digest;
	ml->size = size;
	return put_blob_fd(sink, *owned_digest, gz, size, err);
}

static int write_layout(struct archive_sink *sink, struct store *s, const char *name,
                        const struct image_export_opts *opts, struct cpod_error **err)
{
	struct export_image e = {0};
	int r = export_image_resolve(s, name, opts->lookup, &e, err);
	if (r < 0)
		return r;
	struct image_manifest_layer *ml = xnew(struct image_manifest_layer, e.n_layers + 1);
	char **digests = xnew(char *, e.n_layers + 1);
	_cleanup_free_ char *manifest = NULL, *man_digest = NULL, *index = NULL;
	_cleanup_json_ json_t *desc = NULL, *idx = NULL;

	if ((r = archive_sink_mkdir(sink, "blobs", err)) < 0 ||
	    (r = archive_sink_mkdir(sink, "blobs/sha256", err)) < 0)
		goto out;
	for (size_t i = 0; i < e.n_layers; i++)
		if ((r = write_layer(sink, s, e.layers[i], &ml[i], &digests[i], opts->progress,
		                     err)) < 0)
			goto out;
	if (opts->progress)
		fprintf(opts->progress, "Copying config %s\n", e.config_digest);
	if ((r = put_blob_bytes(sink, e.config_digest, e.config, e.config_len, err)) < 0)
		goto out;
	if (opts->progress)
		fputs("Writing manifest to image destination\nStoring signatures\n",
		      opts->progress);
	manifest = image_manifest_build(e.config_digest, (int64_t)e.config_len, ml, e.n_layers);
	man_digest = digest_sha256_string(manifest, strlen(manifest));
	if ((r = put_blob_bytes(sink, man_digest, manifest, strlen(manifest), err)) < 0)
		goto out;
	desc = json_pack("{s:s,s:s,s:I}", "mediaType", OCI_MANIFEST_TYPE, "digest", man_digest,
	                 "size", (json_int_t)strlen(manifest));
	if (e.name)
		json_object_set_new(
		        desc, "annotations",
		        json_pack("{s:s}", "org.opencontainers.image.ref.name", e.name));
	idx = json_pack("{s:i,s:[O]}", "schemaVersion", 2, "manifests", desc);
	index = json_dumps(idx, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if ((r = archive_sink_put_bytes(sink, "index.json", index, strlen(index), err)) < 0)
		goto out;
	r = archive_sink_put_bytes(sink, "oci-layout", OCI_LAYOUT, strlen(OCI_LAYOUT), err);
out:
	for (size_t i = 0; i < e.n_layers; i++)
		free(digests[i]);
	free(digests);
	free(ml);
	export_image_release(&e);
	if (opts->progress)
		fflush(opts->progress);
	return r;
}

int image_export_oci_archive(struct store *s, int fd, const char *name,
                             const struct image_export_opts *opts, struct cpod_error **err)
{
	struct archive_sink sink = {0};
	int r = archive_sink_open_tar(&sink, fd, err);
	if (r < 0)
		return r;
	r = write_layout(&sink, s, name, opts, err);
	if (r >= 0)
		r = archive_sink_close(&sink, err);
	else
		archive_sink_close(&sink, NULL);
	return r;
}

int image_export_oci_dir(struct store *s, const char *dir, const char *name,
                         const struct image_export_opts *opts, struct cpod_error **err)
{
	int r = mkdir_p(dir, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "creating directory %s", dir);
	_cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return cpod_error_set_errno(err, errno, "opening %s", dir);
	struct archive_sink sink = {.dirfd = dfd};
	return write_layout(&sink, s, name, opts, err);
}
