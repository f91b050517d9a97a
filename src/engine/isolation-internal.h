/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_ISOLATION_INTERNAL_H
#define CPOD_ENGINE_ISOLATION_INTERNAL_H

/*
 * The engine's hooks for limits, namespaces and security options (container-isolation.c):
 * called by create (validate and persist), init (into the spec) and inspect (HostConfig).
 * The persisted form is the runtime layer's isolation config, kept in the record's
 * spec_extra under "isolation".
 */
#include <jansson.h>

#include "engine/container-internal.h"
#include "runtime/isolation.h"
#include <sys/types.h>

#include "runtime/spec.h"

/* Validate o->isolation on this host and store it in cc->spec_extra. */
int container_isolation_create(struct engine *e, const struct container_create_opts *o,
                               struct container_config *cc, struct cpod_error **err);

/* The persisted isolation config of cc (borrowed), or NULL. */
const json_t *container_isolation_config(const struct container_config *cc);

/* Before spec_generate(): the spec_opts fields that come from the config (st keeps strvs). */
void container_isolation_spec_opts(const struct container_config *cc, struct spec_opts *so,
                                   struct isolation_spec_storage *st);

/*
 * After spec_generate(): resources, devices, namespaces (container:NAME resolved to the
 * running container's /proc/PID/ns/...), user namespace (the rootfs chowned to the mapping
 * once), masked paths and groups.
 */
int container_isolation_spec(struct engine *e, struct container *c, json_t *spec,
                             struct cpod_error **err);

/*
 * With --uidmap/--gidmap (or --userns auto): chown the container's rootfs into its id range,
 * once (a stamp file remembers it). The start path calls it before the volumes are set up, so
 * that copy-up copies the shifted owners; container_isolation_spec calls it again (no-op).
 */
int container_idmap_rootfs(struct engine *e, struct container *c, const char *rootfs,
                           struct cpod_error **err);
/* The host ids of the container's uid and gid under its mappings (unchanged without). */
void container_map_ids(const struct container *c, uid_t *uid, gid_t *gid);

/* Fill HostConfig fields of inspect from the config. */
void container_isolation_inspect(const struct container *c, json_t *host_config);

#endif
