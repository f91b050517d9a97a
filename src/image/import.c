/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `import`: a tarball becomes a one-layer image, as containers/image's tarball transport
 * builds it for libimage's Import (Podman 4.3): created is the file's mtime (now for
 * stdin), history says "ADD file:<diff id> in /", the comment defaults to "imported from
 * tarball", and the image ID is the config digest. The store stages everything, so an
 * interrupted import leaves no image behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "image.h"
#include "image-internal.h"
#include "reference.h"
#include "util/digest.h"
#include "util/strutil.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SPOOL_CHUNK 65536

/* Copy a non-seekable input into an unnamed temporary file, so its head can be sniffed. */
static int spool(int in, struct cpod_error **err)
{
	const char *dir = getenv("TMPDIR");
	_cleanup_close_ int fd = open(dir && *dir ? dir : "/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC,
				      0600);
	_cleanup_free_ char *chunk = xmalloc(SPOOL_CHUNK);

	if (fd < 0)
		return cpod_error_set_errno(err, errno, "creating a temporary file for the import");
	for (;;) {
		ssize_t n = read(in, chunk, SPOOL_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpod_error_set_errno(err, errno, "reading the tarball");
		if (n == 0)
			break;
		int r = write_all(fd, chunk, (size_t)n);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "writing a temporary file");
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "rewinding a temporary file");
	return TAKE_FD(fd);
}

static const char *layer_media_type(int fd)
{
	unsigned char m[4] = {0};
	if (pread(fd, m, sizeof(m), 0) < 2)
		return "application/vnd.oci.image.layer.v1.tar";
	if (m[0] == 0x1f && m[1] == 0x8b)
		return "application/vnd.oci.image.layer.v1.tar+gzip";
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return "application/vnd.oci.image.layer.v1.tar+zstd";
	return "application/vnd.oci.image.layer.v1.tar";
}

static int open_source(const struct image_import_opts *opts, struct timespec *created,
		       struct cpod_error **err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (strstr(opts->source, "://"))
		return cpod_error_set(err, ENOTSUP, "importing from a URL is not supported yet: %s",
				      opts->source);
	if (strcmp(opts->source, "-") == 0) {
		clock_gettime(CLOCK_REALTIME, created);
		if (fstat(opts->fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    lseek(opts->fd, 0, SEEK_CUR) == 0)
			return fcntl(opts->fd, F_DUPFD_CLOEXEC, 3);
		return spool(opts->fd, err);
	}
	fd = open(opts->source, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "error opening \"%s\" for reading",
					    opts->source);
	if (fstat(fd, &st) < 0)
		return cpod_error_set_errno(err, errno, "error reading size of \"%s\"", opts->source);
	*created = st.st_mtim;
	if (!S_ISREG(st.st_mode)) {
		int sp = spool(fd, err);
		return sp;
	}
	return TAKE_FD(fd);
}

int image_import(struct store *s, const struct image_import_opts *opts, char **ret_id,
		 struct cpod_error **err)
{
	_cleanup_json_ json_t *cfg = json_object();
	_cleanup_free_ char *name = NULL, *config = NULL, *manifest = NULL;
	_cleanup_(store_layer_freep) struct store_layer *layer = NULL;
	_cleanup_close_ int fd = -1;
	struct timespec created = {0};
	char cfg_hex[65];
	int r;

	if (opts->changes) {
		r = image_config_apply_changes(cfg, opts->changes, err);
		if (r < 0)
			return r;
	}
	if (opts->reference) {
		bool digested = false;
		r = image_ref_local_name(opts->reference, &name, &digested, err);
		if (r < 0) {
			_cleanup_free_ char *q = go_quote(opts->reference);
			return cpod_error_wrap(err, "normalizing name %s", q);
		}
		if (digested)
			return cpod_error_set(err, EINVAL, "%s: tag by digest not supported",
					      opts->reference);
	}
	fd = open_source(opts, &created, err);
	if (fd < 0)
		return fd;
	const char *media_type = layer_media_type(fd);

	if (opts->progress)
		fputs("Getting image source signatures\n", opts->progress);
	struct store_layer_create_opts lo = {.fd = fd, .keep_blob = true};
	r = store_layer_create(s, &lo, &layer, err);
	if (r < 0)
		return r;
	if (opts->progress)
		fprintf(opts->progress, "Copying blob %s\n", layer->compressed_digest);

	struct image_import_config_opts co = {
		.config = cfg,
		.diff_id = layer->diff_id,
		.comment = opts->message,
		.created = created,
		.os = opts->os,
		.arch = opts->arch,
		.variant = opts->variant,
	};
	config = image_config_build_import(&co);
	digest_sha256_hex(config, strlen(config), cfg_hex);
	_cleanup_free_ char *cfg_digest = xasprintf("sha256:%s", cfg_hex);
	if (opts->progress)
		fprintf(opts->progress, "Copying config %s\n", cfg_digest);

	struct image_manifest_layer ml = {media_type, layer->compressed_digest,
					  layer->compressed_size};
	manifest = image_manifest_build(cfg_digest, (int64_t)strlen(config), &ml, 1);
	_cleanup_free_ char *man_digest = digest_sha256_string(manifest, strlen(manifest));
	if (opts->progress)
		fputs("Writing manifest to image destination\n", opts->progress);

	char *names[] = {name, NULL};
	struct store_image_create_opts io = {
		.id = cfg_hex,
		.top_layer = layer->id,
		.names = name ? names : NULL,
		.config = config,
		.config_len = strlen(config),
		.manifest = manifest,
		.manifest_len = strlen(manifest),
		.manifest_digest = man_digest,
		.created = created.tv_sec,
	};
	r = store_image_create(s, &io, err);
	if (r < 0)
		return r;
	if (opts->progress) {
		fputs("Storing signatures\n", opts->progress);
		fflush(opts->progress);
	}
	*ret_id = xstrdup(cfg_digest);
	return 0;
}
