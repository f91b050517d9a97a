/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_ARCHIVE_INTERNAL_H
#define CPOD_IMAGE_ARCHIVE_INTERNAL_H

/* Shared by the archive-*.c files: where archive members go, and blob helpers. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image-archive.h"

struct archive;

/* A destination for members: a tar stream (aw) or a directory (dirfd >= 0). */
struct archive_sink {
	struct archive *aw;
	int dirfd;
	bool docker_modes; /* docker-archive: 0444 files, epoch mtimes (c/image's tarFI) */
};

/* Open a tar writer on fd (pax-restricted, no padding of the last block). */
int archive_sink_open_tar(struct archive_sink *sink, int fd, struct cpod_error **err);
/* Finish the tar stream (when aw) and free it. */
int archive_sink_close(struct archive_sink *sink, struct cpod_error **err);
int archive_sink_put_bytes(struct archive_sink *sink, const char *name, const void *data,
                           size_t len, struct cpod_error **err);
/* Copy size bytes of fd (from offset 0) as member name. */
int archive_sink_put_fd(struct archive_sink *sink, const char *name, int fd, int64_t size,
                        struct cpod_error **err);
int archive_sink_mkdir(struct archive_sink *sink, const char *name, struct cpod_error **err);
int archive_sink_symlink(struct archive_sink *sink, const char *name, const char *target,
                         struct cpod_error **err);

enum blob_compression { BLOB_PLAIN, BLOB_GZIP, BLOB_ZSTD, BLOB_OTHER };
/* Sniff the magic at offset 0 of fd. */
enum blob_compression archive_blob_compression(int fd);

/*
 * Stream the uncompressed tar of a layer blob (fd at offset 0) into a tar member of size
 * diff_size, checking that its sha256 is diff_id.
 */
int archive_sink_put_layer_tar(struct archive_sink *sink, const char *name, int fd,
                               const char *diff_id, int64_t diff_size, struct cpod_error **err);

/*
 * gzip fd (from offset 0) into a new unlinked temporary file; returns its fd (at offset 0)
 * and the digest ("sha256:...", owned) and size of the compressed bytes.
 */
int archive_gzip_to_tmpfile(int fd, char **ret_digest, int64_t *ret_size, struct cpod_error **err);

/* An unlinked temporary file in $TMPDIR (default /var/tmp). */
int archive_tmpfile(struct cpod_error **err);

/* One image resolved for export: the record, its config, and the name to record (or NULL). */
struct export_image {
	struct store_image *img;
	char *config;
	size_t config_len;
	char *config_digest;         /* "sha256:<id>" */
	char *name;                  /* the resolved name when looked up by name, else NULL */
	struct store_layer **layers; /* base first */
	size_t n_layers;
};
int export_image_resolve(struct store *s, const char *name, const struct image_lookup_opts *lookup,
                         struct export_image *ret, struct cpod_error **err);
void export_image_release(struct export_image *e);

#endif
