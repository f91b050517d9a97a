/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TEST_BUSYBOX_HELPERS_H
#define CPOD_TEST_BUSYBOX_HELPERS_H

/*
 * Shared by the tests that run real bundles (test-conmon.c, test-runtime-exec.c and the crun
 * half of test-seccomp-bpf.c): where the static busybox for their rootfs is, and copying it
 * in.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* The installed busybox (busybox-static), or NULL. */
static inline const char *busybox_find(void)
{
	static const char *const paths[] = {"/bin/busybox", "/usr/bin/busybox"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	}
	return NULL;
}

/* Copy the file from (at most 64 MiB) to to, with mode; 0 or -errno. */
static inline int busybox_copy_file(const char *from, const char *to, mode_t mode)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, from, 64 * 1024 * 1024, &data, &len);
	if (r < 0)
		return r;
	return write_file_atomic_at(AT_FDCWD, to, data, len, mode, false);
}

#endif
