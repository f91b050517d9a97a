/* SPDX-License-Identifier: Apache-2.0 */
/*
 * (Re)compression of a layer blob for push --compression-format: any blob (plain, gzip or
 * zstd) is decompressed and written with the wanted filter into an unnamed temporary file,
 * digesting the compressed bytes on the way.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <unistd.h>

#include "push-compress.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHUNK (256 * 1024)

struct out_ctx {
	int fd;
	struct digester *d;
	int64_t size;
};

static la_ssize_t out_write(struct archive *a, void *userdata, const void *buf, size_t len)
{
	struct out_ctx *o = userdata;
	int r = write_all(o->fd, buf, len);
	if (r < 0) {
		archive_set_error(a, -r, "writing compressed layer");
		return -1;
	}
	digester_update(o->d, buf, len);
	o->size += (int64_t)len;
	return (la_ssize_t)len;
}

static int ar_error(struct archive *a, struct cpod_error **err)
{
	const char *m = archive_error_string(a);
	return cpod_error_set(err, EIO, "compressing layer: %s", m ? m : "unknown error");
}

int push_compress(int in, enum push_compression to, int out, char **ret_digest, int64_t *ret_size,
                  struct cpod_error **err)
{
	_cleanup_(digester_freep) struct digester *d = digester_new();
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	struct out_ctx o = {.fd = out, .d = d};
	int r = 0;
	if (lseek(in, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "rewinding layer blob");
	struct archive *rd = archive_read_new();
	archive_read_support_filter_all(rd);
	archive_read_support_format_raw(rd);
	struct archive *wr = archive_write_new();
	if (to == PUSH_ZSTD)
		archive_write_add_filter_zstd(wr);
	else
		archive_write_add_filter_gzip(wr);
	archive_write_set_format_raw(wr);
	archive_write_set_bytes_in_last_block(wr, 1);
	struct archive_entry *e = NULL;
	if (archive_read_open_fd(rd, in, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(rd, &e) != ARCHIVE_OK) {
		r = cpod_error_set(err, EIO, "reading layer blob: %s",
		                   archive_error_string(rd) ? archive_error_string(rd) : "empty");
		goto out;
	}
	if (archive_write_open2(wr, &o, NULL, out_write, NULL, NULL) != ARCHIVE_OK) {
		r = ar_error(wr, err);
		goto out;
	}
	struct archive_entry *we = archive_entry_new();
	archive_entry_set_pathname(we, "layer");
	archive_entry_set_filetype(we, AE_IFREG);
	if (archive_write_header(wr, we) != ARCHIVE_OK)
		r = ar_error(wr, err);
	archive_entry_free(we);
	while (r >= 0) {
		la_ssize_t n = archive_read_data(rd, chunk, CHUNK);
		if (n < 0) {
			r = cpod_error_set(err, EIO, "reading layer blob: %s",
			                   archive_error_string(rd));
			break;
		}
		if (n == 0)
			break;
		if (archive_write_data(wr, chunk, (size_t)n) != n)
			r = ar_error(wr, err);
	}
	if (r >= 0 && archive_write_close(wr) != ARCHIVE_OK)
		r = ar_error(wr, err);
	if (r >= 0) {
		char hex[65];
		digester_final_hex(d, hex);
		*ret_digest = xasprintf("sha256:%s", hex);
		*ret_size = o.size;
		if (lseek(out, 0, SEEK_SET) < 0)
			r = cpod_error_set_errno(err, errno, "rewinding compressed layer");
	}
out:
	archive_read_free(rd);
	archive_write_free(wr);
	return r;
}

enum push_compression push_sniff(int fd)
{
	unsigned char m[4] = {0};
	if (pread(fd, m, sizeof(m), 0) < 2)
		return PUSH_PLAIN;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return PUSH_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return PUSH_ZSTD;
	return PUSH_PLAIN;
}
