/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_NETWORK_NET_INTERNAL_H
#define CPOD_NETWORK_NET_INTERNAL_H

/* Shared between the network layer's files only. */
#include <stdbool.h>

#include <jansson.h>

#include "network/network.h"

/* Largest network config file or netavark output accepted. */
#define NET_CONFIG_MAX (1u << 20)

bool net_name_valid(const char *name);
/* The first "podmanN" that is neither a network name nor an interface (owned). */
char *net_free_device_name(const json_t *existing, bool check_host);
/* Whether a network interface of that name exists on the host. */
bool net_host_link_exists(const char *name);
/* Now as RFC 3339 with nanoseconds in local time, as Go's time.Time marshals (owned). */
char *net_time_now(void);

/* Take an exclusive flock on <run_dir>/<name> (created), returning the fd. */
int net_lock(const struct net_env *env, const char *name, struct cpod_error **err);

/* ---- IPAM (ipam.c) --------------------------------------------------------------------- */

/*
 * For every network in opts->networks with subnets: lease the requested static IPs or the
 * next free one per subnet for the container. *ret: a copy of opts->networks with
 * "static_ips" filled (new reference). Lock held inside.
 */
int net_ipam_allocate(const struct net_env *env, const char *container_id, const json_t *networks,
                      const json_t *net_info, json_t **ret, struct cpod_error **err);
/* Release what the container holds on the named networks. */
int net_ipam_release(const struct net_env *env, const char *container_id, const json_t *networks,
                     struct cpod_error **err);

/* ---- netavark (netavark.c) ------------------------------------------------------------- */

/*
 * Run `netavark [--config run_dir] --rootless=false --aardvark-binary=.. --file F verb
 * netns` with the options JSON; *ret: netavark's stdout parsed (setup) or NULL.
 */
int net_netavark_run(const struct net_env *env, const char *verb, const char *netns_path,
                     const json_t *options, json_t **ret, struct cpod_error **err);

#endif
