/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_PROBE_INTERNAL_H
#define CPOD_RUNTIME_PROBE_INTERNAL_H

/* Shared between the probe's source files; not part of the runtime layer's API. */
#include <stdbool.h>

#include "probe.h"

/* root + path ("/" or NULL root: path itself); owned string. */
char *probe_path(const char *root, const char *path);

/* Fill the kernel/OS/resource/security facts of p (everything but cgroups and binaries). */
void probe_host_facts(const char *root, struct host_probe *p);

/*
 * Find the OCI runtimes (crun, runc, plus the configured default) and conmon, with their
 * versions (cached in opts->cache_dir) and packages.
 */
void probe_binaries(const struct host_probe_options *opts, struct host_probe *p);

/*
 * The first executable among the configured candidate paths for name, else in $PATH
 * (path_env). Returns an owned absolute path or NULL.
 */
char *probe_find_executable(const char *name, char *const *candidates, const char *path_env);

void probe_binary_release(struct probe_binary *b);

#endif
