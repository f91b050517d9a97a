/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tar_apply_blob(): one pass over a layer blob, with no temporary file.
 *
 *   fd --read--> [digest raw] --> libarchive reader #1 (raw format, gzip/zstd filters)
 *      --archive_read_data--> [digest diff] --> libarchive reader #2 (tar) --> tar_apply()
 *
 * Reader #1 only decompresses: its magic-number bidding picks gzip (1f 8b), zstd
 * (28 b5 2f fd) or nothing. Once the tar's end-of-archive marker is seen, both streams are
 * still read to their very end, since the zero padding after it counts in both digests.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tar-apply-internal.h"
#include "util/digest.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BLOB_CHUNK (128 * 1024)

DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_read_free)

struct raw_src {
	int fd;
	struct digester *digest;
	int64_t size;
	int error; /* errno of a failed read(2), reported instead of libarchive's wording */
	char buf[BLOB_CHUNK];
};

struct diff_src {
	struct archive *inner;
	struct digester *digest;
	int64_t size;
	char buf[BLOB_CHUNK];
};

static ssize_t raw_read_some(struct raw_src *s)
{
	for (;;) {
		ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->error = errno;
			return -1;
		}
		digester_update(s->digest, s->buf, (size_t)n);
		s->size += n;
		return n;
	}
}

static la_ssize_t raw_read_cb(struct archive *a, void *userdata, const void **ret_buf)
{
	struct raw_src *s = userdata;
	ssize_t n = raw_read_some(s);
	if (n < 0) {
		archive_set_error(a, s->error, "reading blob: %s", strerror(s->error));
		return -1;
	}
	*ret_buf = s->buf;
	return n;
}

static la_ssize_t diff_read_cb(struct archive *a, void *userdata, const void **ret_buf)
{
	struct diff_src *s = userdata;
	la_ssize_t n = archive_read_data(s->inner, s->buf, sizeof(s->buf));
	if (n < 0) {
		archive_set_error(a, tar_archive_errno(s->inner), "%s",
		                  archive_error_string(s->inner) ?: "decompression failed");
		return -1;
	}
	digester_update(s->digest, s->buf, (size_t)n);
	s->size += n;
	*ret_buf = s->buf;
	return n;
}

static int blob_failure(struct archive *a, const struct raw_src *raw, const char *what,
                        struct cpod_error **err)
{
	if (raw->error)
		return cpod_error_set_errno(err, raw->error, "reading layer blob");
	_cleanup_free_ char *msg = tar_archive_message(a);
	return cpod_error_set(err, tar_archive_errno(a), "%s: %s", what, msg);
}

static char *finish_digest(struct digester *d)
{
	char hex[65];
	digester_final_hex(d, hex);
	return xasprintf("sha256:%s", hex);
}

int tar_apply_blob(int fd, int dirfd, const struct tar_apply_opts *opts, char **ret_digest,
                   int64_t *ret_size, char **ret_diff_id, int64_t *ret_diff_size,
                   struct cpod_error **err)
{
	_cleanup_free_ struct raw_src *raw = xnew(struct raw_src, 1);
	_cleanup_free_ struct diff_src *diff = xnew(struct diff_src, 1);
	_cleanup_(digester_freep) struct digester *raw_digest = digester_new();
	_cleanup_(digester_freep) struct digester *diff_digest = digester_new();
	raw->fd = fd;
	raw->digest = raw_digest;
	diff->digest = diff_digest;

	_cleanup_(archive_read_freep) struct archive *inner = archive_read_new();
	if (archive_read_support_filter_gzip(inner) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(inner) != ARCHIVE_OK ||
	    archive_read_support_format_raw(inner) != ARCHIVE_OK)
		return cpod_error_set(err, ENOTSUP, "layer blob: libarchive lacks gzip or zstd: %s",
		                      archive_error_string(inner) ?: "unknown error");
	/*
	 * An empty blob is an empty layer, as for Go's tar reader; libarchive calls it an
	 * unrecognized format, at open or at the first header.
	 */
	int r = archive_read_open(inner, raw, NULL, raw_read_cb, NULL);
	if (r == ARCHIVE_OK) {
		struct archive_entry *e;
		r = archive_read_next_header(inner, &e);
	}
	bool empty = r == ARCHIVE_EOF || (r != ARCHIVE_OK && raw->size == 0 && !raw->error);
	if (r != ARCHIVE_OK && !empty)
		return blob_failure(inner, raw, "reading layer blob", err);
	diff->inner = inner;

	if (!empty) {
		_cleanup_(archive_read_freep) struct archive *tar = archive_read_new();
		archive_read_support_format_tar(tar);
		archive_read_support_format_empty(tar);
		if (archive_read_open(tar, diff, NULL, diff_read_cb, NULL) != ARCHIVE_OK)
			return blob_failure(tar, raw, "reading layer tar", err);
		r = tar_apply(tar, dirfd, opts, err);
		if (r < 0) {
			/* an I/O error underneath says more than libarchive's rewording of it */
			if (raw->error && err)
				*err = cpod_error_free(*err);
			if (raw->error)
				return cpod_error_set_errno(err, raw->error, "reading layer blob");
			return r;
		}
		/* the rest of the uncompressed stream: padding after the end-of-archive marker */
		for (;;) {
			la_ssize_t n = diff_read_cb(tar, diff, &(const void *){NULL});
			if (n < 0)
				return blob_failure(tar, raw, "reading layer blob", err);
			if (n == 0)
				break;
		}
	}
	/* and the rest of the raw stream, which a decompressor may never have asked for */
	for (;;) {
		ssize_t n = raw_read_some(raw);
		if (n < 0)
			return cpod_error_set_errno(err, raw->error, "reading layer blob");
		if (n == 0)
			break;
	}

	if (ret_digest)
		*ret_digest = finish_digest(raw_digest);
	if (ret_size)
		*ret_size = raw->size;
	if (ret_diff_id)
		*ret_diff_id = finish_digest(diff_digest);
	if (ret_diff_size)
		*ret_diff_size = diff->size;
	return 0;
}
