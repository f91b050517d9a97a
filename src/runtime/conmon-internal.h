/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CONMON_INTERNAL_H
#define CPOD_RUNTIME_CONMON_INTERNAL_H

/* Shared between conmon.c and conmon-args.c; not part of the runtime layer's API. */
#include <stdbool.h>

#include "conmon.h"

/* util-linux unshare, or NULL when it is not installed. */
const char *conmon_unshare_path(void);

/*
 * conmon's argv for o (argv[0] included). wrap_runtime: run the runtime through unshare and
 * sh (the hybrid-cgroup workaround, see conmon.h). *ret is an owned strv.
 */
int conmon_build_argv(const struct conmon_create_opts *o, const char *conmon_pidfile,
                      bool wrap_runtime, char ***ret, struct cpod_error **err);

/* conmon's environment: Podman's selection of the caller's, plus the pipe fds; owned. */
char **conmon_build_env(const struct conmon_create_opts *o, int sync_fd, int start_fd);

#endif
