/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_NETWORK_H
#define CPOD_ENGINE_NETWORK_H

/*
 * Networks for the front ends (`cpod network ...`, the API): the network layer's configs
 * with the engine's knowledge of which containers use them. Errors are the network
 * layer's (network/network.h) plus EBUSY for a network in use.
 */
#include <stdbool.h>

#include <jansson.h>

#include "network/network.h"
#include "util/error.h"

struct engine;

/* Create a network (*ret: its config, new reference). */
int engine_network_create(struct engine *e, const struct net_create_opts *opts, json_t **ret,
                          struct cpod_error **err);
/* All networks sorted by name, filtered (Podman's filters; NULL: all). New reference. */
int engine_network_list(struct engine *e, char *const *filters, json_t **ret,
                        struct cpod_error **err);
/* One network by name, ID or ID prefix (new reference). */
int engine_network_inspect(struct engine *e, const char *key, json_t **ret,
                           struct cpod_error **err);
/*
 * Remove a network. A network used by containers is EBUSY unless force, which removes
 * those containers first (timeout for their stop, -1: their own). *ret_name: the name.
 */
int engine_network_remove(struct engine *e, const char *key, bool force, int timeout,
                          char **ret_name, struct cpod_error **err);
/* Remove every network no container uses (not the default); *ret: removed names (strv). */
int engine_network_prune(struct engine *e, char *const *filters, char ***ret,
                         struct cpod_error **err);

struct engine_network_connect_opts {
	char *const *aliases; /* --alias */
	const char *ip;       /* --ip */
	const char *ip6;      /* --ip6 */
	const char *mac;      /* --mac-address */
};

/*
 * Connect a container to a network; a running container gets the new interface at once
 * (ethN, the next free index). EEXIST when already connected, EINVAL for containers whose
 * network mode is host, none, ns: or container:.
 */
int engine_network_connect(struct engine *e, const char *container, const char *network,
                           const struct engine_network_connect_opts *opts, struct cpod_error **err);

/* Disconnect (a running container loses the interface at once). ENOENT when not connected. */
int engine_network_disconnect(struct engine *e, const char *container, const char *network,
                              struct cpod_error **err);

/*
 * `network reload`: netavark teardown + setup again for the running containers named by
 * keys (all running ones when all), keeping their addresses. *ret_ids: the reloaded IDs.
 */
int engine_network_reload(struct engine *e, char *const *keys, bool all, char ***ret_ids,
                          struct cpod_error **err);

/*
 * `cpod port CONTAINER [PRIVATE_PORT[/PROTO]]`: "80/tcp -> 0.0.0.0:8080" lines of the
 * container's published ports (owned strv; empty when it publishes none or is not running).
 * ENOENT for an unknown container.
 */
int container_port_lines(struct engine *e, const char *key, const char *filter, char ***ret,
                         struct cpod_error **err);

#endif
