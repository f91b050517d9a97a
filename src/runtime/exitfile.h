/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_EXITFILE_H
#define CPOD_RUNTIME_EXITFILE_H

/*
 * What conmon leaves behind when the container exits: <exit-dir>/<id> holding the exit
 * code as decimal text (written atomically, by rename), and an empty `oom` file in the
 * bundle (and --persist-dir) directory when the container was OOM-killed.
 */
#include <stdbool.h>

#include "util/error.h"

/*
 * Read <exit_dir>/<id>. Errors: ENOENT when it does not exist (yet), EINVAL when it does
 * not hold a number, other errno values of open/read.
 */
int exitfile_read(const char *exit_dir, const char *id, int *ret_code, struct cpod_error **err);

/*
 * Wait until <exit_dir>/<id> exists and read it; inotify on exit_dir, with a 100 ms poll as
 * a fallback. timeout_ms < 0 waits forever. Errors: ETIMEDOUT, and those of exitfile_read.
 */
int exitfile_wait(const char *exit_dir, const char *id, int timeout_ms, int *ret_code,
                  struct cpod_error **err);

/* Remove <exit_dir>/<id>; a missing file is fine. Returns 0 or -errno. */
int exitfile_remove(const char *exit_dir, const char *id);

/* Whether conmon recorded an OOM kill: <dir>/oom exists (dir: bundle or persist dir). */
bool exitfile_oom(const char *dir);

#endif
