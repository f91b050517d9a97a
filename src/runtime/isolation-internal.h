/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_ISOLATION_INTERNAL_H
#define CPOD_RUNTIME_ISOLATION_INTERNAL_H

/* Shared between the isolation*.c files; not part of the runtime layer's API. */
#include <sys/stat.h>

#include "runtime/isolation.h"

/* isolation-resources.c: fill cfg["resources"], "devices", "nanoCpus", ... from o. */
/* --cpu-rt-period/--cpu-rt-runtime and --cgroup-conf into res (isolation-cgroup-extra.c). */
int isolation_build_cgroup_extra(const struct isolation_opts *o, const struct isolation_host *h,
                                 json_t *res, char ***w, struct cpod_error **err);

int isolation_build_resources(const struct isolation_opts *o, const struct isolation_host *h,
                              bool update, json_t *cfg, char ***warnings, struct cpod_error **err);
/* An OCI resources.devices allow rule for the device st (new reference). */
json_t *isolation_device_rule(const struct stat *st, const char *access);

#endif
