/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where archive members go (a tar stream or a directory), layer streams decompressed on the
 * fly with their diff ID checked, and gzip compression of plain layers for OCI outputs.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-internal.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHUNK 65536

int archive_tmpfile(struct cpod_error **err)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "creating a temporary file");
	return fd;
}

enum blob_compression archive_blob_compression(int fd)
{
	unsigned char m[6] = {0};
	ssize_t n = pread(fd, m, sizeof(m), 0);
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return BLOB_GZIP;
	if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return BLOB_ZSTD;
	if (n >= 3 && ((m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') ||
	               (m[0] == 0xfd && m[1] == '7' && m[2] == 'z')))
		return BLOB_OTHER;
	return BLOB_PLAIN;
}

static int aw_error(struct archive *a, const char *what, struct cpod_error **err)
{
	int e = archive_errno(a);
	return cpod_error_set(err, e > 0 ? e : EIO, "%s: %s", what,
	                      archive_error_string(a) ? archive_error_string(a) : "write error");
}

int archive_sink_open_tar(struct archive_sink *sink, int fd, struct cpod_error **err)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		int r = aw_error(a, "opening the archive for writing", err);
		archive_write_free(a);
		return r;
	}
	sink->aw = a;
	sink->dirfd = -1;
	return 0;
}

int archive_sink_close(struct archive_sink *sink, struct cpod_error **err)
{
	int r = 0;
	if (sink->aw) {
		if (archive_write_close(sink->aw) != ARCHIVE_OK)
			r = aw_error(sink->aw, "finishing the archive", err);
		archive_write_free(sink->aw);
		sink->aw = NULL;
	}
	return r;
}

static struct archive_entry *entry_new(const struct archive_sink *sink, const char *name,
                                       mode_t type, int64_t size)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_size(e, size);
	if (sink->docker_modes) {
		archive_entry_set_perm(e, type == AE_IFLNK ? 0 : 0444);
		archive_entry_set_mtime(e, 0, 0);
	} else {
		archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_mtime(e, time(NULL), 0);
	}
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	return e;
}

static int put_header(struct archive_sink *sink, struct archive_entry *e, const char *name,
                      struct cpod_error **err)
{
	int r = archive_write_header(sink->aw, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK) {
		_cleanup_free_ char *what = xasprintf("writing \"%s\"", name);
		return aw_error(sink->aw, what, err);
	}
	return 0;
}

static int put_data(struct archive_sink *sink, int out_fd, const char *name, const void *data,
                    size_t len, struct cpod_error **err)
{
	if (sink->aw) {
		la_ssize_t n = archive_write_data(sink->aw, data, len);
		if (n < 0 || (size_t)n != len) {
			_cleanup_free_ char *what = xasprintf("writing \"%s\"", name);
			return aw_error(sink->aw, what, err);
		}
		return 0;
	}
	int r = write_all(out_fd, data, len);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "writing \"%s\"", name);
	return 0;
}

static int open_dir_member(struct archive_sink *sink, const char *name, struct cpod_error **err)
{
	int fd = openat(sink->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	                0644);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "creating \"%s\"", name);
	return fd;
}

int archive_sink_put_bytes(struct archive_sink *sink, const char *name, const void *data,
                           size_t len, struct cpod_error **err)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (sink->aw) {
		r = put_header(sink, entry_new(sink, name, AE_IFREG, (int64_t)len), name, err);
		if (r < 0)
			return r;
	} else if ((fd = open_dir_member(sink, name, err)) < 0) {
		return fd;
	}
	return put_data(sink, fd, name, data, len, err);
}

int archive_sink_put_fd(struct archive_sink *sink, const char *name, int in, int64_t size,
                        struct cpod_error **err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	int64_t off = 0;
	int r;

	if (sink->aw) {
		r = put_header(sink, entry_new(sink, name, AE_IFREG, size), name, err);
		if (r < 0)
			return r;
	} else if ((fd = open_dir_member(sink, name, err)) < 0) {
		return fd;
	}
	while (off < size) {
		size_t want = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		ssize_t n = pread(in, chunk, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpod_error_set_errno(err, errno, "reading blob for \"%s\"", name);
		if (n == 0)
			return cpod_error_set(err, EIO, "blob for \"%s\" is shorter than expected",
			                      name);
		if ((r = put_data(sink, fd, name, chunk, (size_t)n, err)) < 0)
			return r;
		off += n;
	}
	return 0;
}

int archive_sink_mkdir(struct archive_sink *sink, const char *name, struct cpod_error **err)
{
	if (sink->aw)
		return put_header(sink, entry_new(sink, name, AE_IFDIR, 0), name, err);
	if (mkdirat(sink->dirfd, name, 0755) < 0 && errno != EEXIST)
		return cpod_error_set_errno(err, errno, "creating directory \"%s\"", name);
	return 0;
}

int archive_sink_symlink(struct archive_sink *sink, const char *name, const char *target,
                         struct cpod_error **err)
{
	if (!sink->aw)
		return 0;
	struct archive_entry *e = entry_new(sink, name, AE_IFLNK, 0);
	archive_entry_set_symlink(e, target);
	return put_header(sink, e, name, err);
}

static struct archive *open_decompressor(int fd)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	if (archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int archive_sink_put_layer_tar(struct archive_sink *sink, const char *name, int fd,
                               const char *diff_id, int64_t diff_size, struct cpod_error **err)
{
	_cleanup_(digester_freep) struct digester *d = digester_new();
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	int64_t total = 0;
	char hex[65];
	int r;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "rewinding layer blob");
	struct archive *a = open_decompressor(fd);
	if (!a)
		return cpod_error_set(err, EINVAL, "layer %s: cannot read its blob", diff_id);
	r = put_header(sink, entry_new(sink, name, AE_IFREG, diff_size), name, err);
	while (r >= 0) {
		la_ssize_t n = archive_read_data(a, chunk, CHUNK);
		if (n < 0) {
			r = cpod_error_set(err, EINVAL, "layer %s: %s", diff_id,
			                   archive_error_string(a) ? archive_error_string(a) : "");
			break;
		}
		if (n == 0)
			break;
		if (total + n > diff_size) {
			r = cpod_error_set(err, EINVAL, "layer %s: longer than its recorded size",
			                   diff_id);
			break;
		}
		digester_update(d, chunk, (size_t)n);
		r = put_data(sink, -1, name, chunk, (size_t)n, err);
		total += n;
	}
	archive_read_free(a);
	if (r < 0)
		return r;
	if (total != diff_size)
		return cpod_error_set(err, EIO, "layer %s: shorter than its recorded size",
		                      diff_id);
	digester_final_hex(d, hex);
	if (strncmp(diff_id, "sha256:", 7) != 0 || strcmp(diff_id + 7, hex) != 0)
		return cpod_error_set(err, EIO, "layer %s: its content does not match the diff ID",
		                      diff_id);
	return 0;
}

struct gz_out {
	int fd;
	struct digester *d;
	int64_t size;
};

static la_ssize_t gz_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct gz_out *o = data;
	int r = write_all(o->fd, buf, len);
	if (r < 0) {
		archive_set_error(a, -r, "writing a temporary file");
		return -1;
	}
	digester_update(o->d, buf, len);
	o->size += (int64_t)len;
	return (la_ssize_t)len;
}

int archive_gzip_to_tmpfile(int in, char **ret_digest, int64_t *ret_size, struct cpod_error **err)
{
	_cleanup_close_ int out = archive_tmpfile(err);
	_cleanup_(digester_freep) struct digester *d = digester_new();
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	struct gz_out o = {.fd = out, .d = d};
	char hex[65];
	int r = 0;

	if (out < 0)
		return out;
	struct archive *a = archive_write_new();
	archive_write_add_filter_gzip(a);
	archive_write_set_format_raw(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open2(a, &o, NULL, gz_write, NULL, NULL) != ARCHIVE_OK) {
		r = aw_error(a, "compressing layer", err);
		archive_write_free(a);
		return r;
	}
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "layer");
	archive_entry_set_filetype(e, AE_IFREG);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		r = aw_error(a, "compressing layer", err);
	archive_entry_free(e);
	for (off_t off = 0; r >= 0;) {
		ssize_t n = pread(in, chunk, CHUNK, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = cpod_error_set_errno(err, errno, "reading layer blob");
			break;
		}
		if (n == 0)
			break;
		if (archive_write_data(a, chunk, (size_t)n) != n)
			r = aw_error(a, "compressing layer", err);
		off += n;
	}
	if (r >= 0 && archive_write_close(a) != ARCHIVE_OK)
		r = aw_error(a, "compressing layer", err);
	archive_write_free(a);
	if (r < 0)
		return r;
	digester_final_hex(d, hex);
	*ret_digest = xasprintf("sha256:%s", hex);
	*ret_size = o.size;
	return TAKE_FD(out);
}
