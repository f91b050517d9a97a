/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FS_H
#define CPOD_FS_H

/*
 * File-system helpers. All return 0 or -errno and open every fd with O_CLOEXEC.
 * Functions taking a dirfd accept AT_FDCWD.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p with mode for every created component; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);
int mkdirat_p(int dirfd, const char *path, mode_t mode);

/*
 * Read a whole file into a NUL-terminated owned buffer (*ret, free()). Fails with -EFBIG if
 * the file is larger than max bytes (0 = no cap). ret_len may be NULL.
 */
int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len);

/*
 * Write data to path atomically: a temporary file in the same directory, fsync when
 * do_sync, then rename() over path.
 */
int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			 bool do_sync);

/* Write all of data to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *data, size_t len);

/* rm -rf of path below dirfd; a missing path is not an error. Does not cross mount points. */
int rm_rf_at(int dirfd, const char *path);

/* Join two path components with exactly one '/'; returns an owned string. */
char *path_join(const char *a, const char *b);

bool path_exists(const char *path);

#endif
