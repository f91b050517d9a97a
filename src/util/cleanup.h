/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLEANUP_H
#define CPOD_CLEANUP_H

/*
 * Scope-bound cleanup (systemd's cleanup-fundamental.h shape). Every variable declared with
 * one of these attributes must be initialised at its declaration (NULL or -1).
 * TAKE_PTR()/TAKE_FD() hand ownership on and leave NULL/-1 behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                   \
	static inline void func##p(type *p)                                                       \
	{                                                                                         \
		if (*p)                                                                           \
			func(*p);                                                                 \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose)
DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

#define TAKE_PTR(p)                                                                               \
	({                                                                                        \
		__typeof__(p) _tp = (p);                                                          \
		(p) = NULL;                                                                       \
		_tp;                                                                              \
	})

#define TAKE_FD(fd)                                                                               \
	({                                                                                        \
		int _tfd = (fd);                                                                  \
		(fd) = -1;                                                                        \
		_tfd;                                                                             \
	})

#endif
