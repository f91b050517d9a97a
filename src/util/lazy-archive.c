/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libarchive, loaded on first use (lazy.h says why: libarchive drags libxml2, icu, lzma, bz2,
 * lz4, acl, nettle... into every cpod process, and most runs never read or write a tarball).
 *
 * Every libarchive function cpod calls is defined here under its own name; a function missing
 * from ARCHIVE_FUNCS is an undefined reference when cpod links, and tests/unit/lazy-symbols.sh
 * names it. To add one, add a line (the compiler checks it against <archive.h>). Without the
 * library, handles are never created (NULL), everything else fails with ARCHIVE_FATAL, and
 * archive_errno()/archive_error_string() give ELIBACC and the load error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <archive.h>
#include <archive_entry.h>

#include "lazy.h"
#include "xalloc.h"
#include "banned.h"

/* shorthands for the common shapes, given the list's F or V */
#define A_INT(F, name)       F(name, int, ARCHIVE_FATAL, (struct archive * a), (a))
#define E_GET(F, name, type) F(name, type, 0, (struct archive_entry * e), (e))
#define E_SET(V, name, type) V(name, (struct archive_entry * e, type v), (e, v))

#define ARCHIVE_FUNCS(F, V, H)                                                                     \
	/* handles and errors */                                                                   \
	F(archive_read_new, struct archive *, NULL, (void), ())                                    \
	F(archive_write_new, struct archive *, NULL, (void), ())                                   \
	F(archive_read_disk_new, struct archive *, NULL, (void), ())                               \
	F(archive_write_disk_new, struct archive *, NULL, (void), ())                              \
	A_INT(F, archive_free)                                                                     \
	A_INT(F, archive_read_free)                                                                \
	A_INT(F, archive_write_free)                                                               \
	A_INT(F, archive_read_close)                                                               \
	A_INT(F, archive_write_close)                                                              \
	F(archive_errno, int, ELIBACC, (struct archive * a), (a))                                  \
	F(archive_error_string, const char *, lib.error, (struct archive * a), (a))                \
	F(archive_format, int, 0, (struct archive * a), (a))                                       \
	H(archive_set_error)                                                                       \
	/* reading */                                                                              \
	A_INT(F, archive_read_support_filter_all)                                                  \
	A_INT(F, archive_read_support_filter_bzip2)                                                \
	A_INT(F, archive_read_support_filter_gzip)                                                 \
	A_INT(F, archive_read_support_filter_xz)                                                   \
	A_INT(F, archive_read_support_filter_zstd)                                                 \
	A_INT(F, archive_read_support_format_empty)                                                \
	A_INT(F, archive_read_support_format_gnutar)                                               \
	A_INT(F, archive_read_support_format_raw)                                                  \
	A_INT(F, archive_read_support_format_tar)                                                  \
	F(archive_read_open, int, ARCHIVE_FATAL,                                                   \
	  (struct archive * a, void *data, archive_open_callback *o, archive_read_callback *r,     \
	   archive_close_callback *c),                                                             \
	  (a, data, o, r, c))                                                                      \
	F(archive_read_open_fd, int, ARCHIVE_FATAL, (struct archive * a, int fd, size_t block),    \
	  (a, fd, block))                                                                          \
	F(archive_read_open_memory, int, ARCHIVE_FATAL,                                            \
	  (struct archive * a, const void *buf, size_t size), (a, buf, size))                      \
	F(archive_read_next_header, int, ARCHIVE_FATAL,                                            \
	  (struct archive * a, struct archive_entry * *e), (a, e))                                 \
	F(archive_read_next_header2, int, ARCHIVE_FATAL,                                           \
	  (struct archive * a, struct archive_entry * e), (a, e))                                  \
	F(archive_read_data, la_ssize_t, ARCHIVE_FATAL, (struct archive * a, void *buf, size_t n), \
	  (a, buf, n))                                                                             \
	F(archive_read_data_block, int, ARCHIVE_FATAL,                                             \
	  (struct archive * a, const void **buf, size_t *size, la_int64_t *off),                   \
	  (a, buf, size, off))                                                                     \
	/* reading a directory tree */                                                             \
	F(archive_read_disk_open, int, ARCHIVE_FATAL, (struct archive * a, const char *path),      \
	  (a, path))                                                                               \
	A_INT(F, archive_read_disk_descend)                                                        \
	A_INT(F, archive_read_disk_set_standard_lookup)                                            \
	A_INT(F, archive_read_disk_set_symlink_physical)                                           \
	/* writing */                                                                              \
	A_INT(F, archive_write_add_filter_gzip)                                                    \
	A_INT(F, archive_write_add_filter_zstd)                                                    \
	A_INT(F, archive_write_set_format_pax)                                                     \
	A_INT(F, archive_write_set_format_pax_restricted)                                          \
	A_INT(F, archive_write_set_format_raw)                                                     \
	F(archive_write_set_bytes_in_last_block, int, ARCHIVE_FATAL,                               \
	  (struct archive * a, int bytes), (a, bytes))                                             \
	F(archive_write_open2, int, ARCHIVE_FATAL,                                                 \
	  (struct archive * a, void *data, archive_open_callback *o, archive_write_callback *w,    \
	   archive_close_callback *c, archive_free_callback *f),                                   \
	  (a, data, o, w, c, f))                                                                   \
	F(archive_write_open_fd, int, ARCHIVE_FATAL, (struct archive * a, int fd), (a, fd))        \
	F(archive_write_open_memory, int, ARCHIVE_FATAL,                                           \
	  (struct archive * a, void *buf, size_t size, size_t *used), (a, buf, size, used))        \
	F(archive_write_header, int, ARCHIVE_FATAL,                                                \
	  (struct archive * a, struct archive_entry * e), (a, e))                                  \
	F(archive_write_data, la_ssize_t, ARCHIVE_FATAL,                                           \
	  (struct archive * a, const void *buf, size_t n), (a, buf, n))                            \
	F(archive_write_data_block, la_ssize_t, ARCHIVE_FATAL,                                     \
	  (struct archive * a, const void *buf, size_t n, la_int64_t off), (a, buf, n, off))       \
	A_INT(F, archive_write_finish_entry)                                                       \
	F(archive_write_disk_set_options, int, ARCHIVE_FATAL, (struct archive * a, int flags),     \
	  (a, flags))                                                                              \
	/* entries */                                                                              \
	F(archive_entry_new, struct archive_entry *, NULL, (void), ())                             \
	V(archive_entry_free, (struct archive_entry * e), (e))                                     \
	F(archive_entry_clear, struct archive_entry *, NULL, (struct archive_entry * e), (e))      \
	E_GET(F, archive_entry_pathname, const char *)                                             \
	E_GET(F, archive_entry_hardlink, const char *)                                             \
	E_GET(F, archive_entry_symlink, const char *)                                              \
	E_GET(F, archive_entry_sourcepath, const char *)                                           \
	E_GET(F, archive_entry_filetype, mode_t)                                                   \
	E_GET(F, archive_entry_perm, mode_t)                                                       \
	E_GET(F, archive_entry_uid, la_int64_t)                                                    \
	E_GET(F, archive_entry_gid, la_int64_t)                                                    \
	E_GET(F, archive_entry_size, la_int64_t)                                                   \
	E_GET(F, archive_entry_size_is_set, int)                                                   \
	E_GET(F, archive_entry_atime, time_t)                                                      \
	E_GET(F, archive_entry_atime_nsec, long)                                                   \
	E_GET(F, archive_entry_atime_is_set, int)                                                  \
	E_GET(F, archive_entry_mtime, time_t)                                                      \
	E_GET(F, archive_entry_mtime_nsec, long)                                                   \
	E_GET(F, archive_entry_rdev, dev_t)                                                        \
	E_GET(F, archive_entry_rdevmajor, dev_t)                                                   \
	E_GET(F, archive_entry_rdevminor, dev_t)                                                   \
	E_SET(V, archive_entry_copy_pathname, const char *)                                        \
	E_SET(V, archive_entry_copy_symlink, const char *)                                         \
	E_SET(V, archive_entry_copy_stat, const struct stat *)                                     \
	E_SET(V, archive_entry_set_pathname, const char *)                                         \
	E_SET(V, archive_entry_set_hardlink, const char *)                                         \
	E_SET(V, archive_entry_set_symlink, const char *)                                          \
	E_SET(V, archive_entry_set_filetype, unsigned int)                                         \
	E_SET(V, archive_entry_set_perm, mode_t)                                                   \
	E_SET(V, archive_entry_set_uid, la_int64_t)                                                \
	E_SET(V, archive_entry_set_gid, la_int64_t)                                                \
	E_SET(V, archive_entry_set_size, la_int64_t)                                               \
	E_SET(V, archive_entry_set_rdev, dev_t)                                                    \
	V(archive_entry_set_mtime, (struct archive_entry * e, time_t sec, long nsec),              \
	  (e, sec, nsec))                                                                          \
	V(archive_entry_xattr_clear, (struct archive_entry * e), (e))                              \
	V(archive_entry_xattr_add_entry,                                                           \
	  (struct archive_entry * e, const char *name, const void *value, size_t size),            \
	  (e, name, value, size))                                                                  \
	E_GET(F, archive_entry_xattr_reset, int)                                                   \
	F(archive_entry_xattr_next, int, ARCHIVE_FATAL,                                            \
	  (struct archive_entry * e, const char **name, const void **value, size_t *size),         \
	  (e, name, value, size))                                                                  \
	/* hard link detection */                                                                  \
	F(archive_entry_linkresolver_new, struct archive_entry_linkresolver *, NULL, (void), ())   \
	V(archive_entry_linkresolver_free, (struct archive_entry_linkresolver * r), (r))           \
	V(archive_entry_linkresolver_set_strategy,                                                 \
	  (struct archive_entry_linkresolver * r, int format), (r, format))                        \
	V(archive_entry_linkify,                                                                   \
	  (struct archive_entry_linkresolver * r, struct archive_entry * *e,                       \
	   struct archive_entry * *spare),                                                         \
	  (r, e, spare))

LAZY_LIBRARY(ARCHIVE_FUNCS, CPOD_ARCHIVE_SONAME, CPOD_ARCHIVE_PACKAGE)

/* printf-like: format here, hand libarchive the finished text through "%s" */
void(archive_set_error)(struct archive *a, int code, const char *fmt, ...)
{
	if (!lazy_ready())
		return;
	if (!fmt) {
		/* libarchive: a NULL format clears the message */
		LAZY_REAL(archive_set_error)(a, code, NULL);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	LAZY_REAL(archive_set_error)(a, code, "%s", msg);
	free(msg);
}
