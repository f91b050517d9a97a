/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CONTAINERS_CONF_INTERNAL_H
#define CPOD_CONTAINERS_CONF_INTERNAL_H

/* Shared by containers-conf*.c; not part of the public API. */
#include "containers-conf.h"

struct default_runtime {
	const char *name;
	const char *const *paths; /* NULL-terminated */
};

/* c/common v0.50 defaultConfigFromMemory(): OCIRuntimes, in the order findRuntime() tries */
extern const struct default_runtime config_default_runtimes[];

/* The home directory: opts->home, $HOME, else the passwd entry of the euid; owned or NULL. */
char *config_home_dir(const struct config_load_opts *opts);

/* Set or replace the paths of runtime name (taking ownership of paths). */
void config_set_runtime(struct cpod_config *cfg, const char *name, char **paths);

#endif
