/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_NETWORK_INTERNAL_H
#define CPOD_ENGINE_NETWORK_INTERNAL_H

/*
 * The engine's side of container networking (container-network.c): which namespace a
 * container gets, setting it up through the network layer before the spec is generated,
 * and tearing it down at cleanup. The state lives in the run side userdata directory as
 * network.json ({"netns", "networks", "port_mappings", "result"}), tmpfs like the
 * namespaces themselves.
 */
#include <jansson.h>

#include "engine/container.h"
#include "network/network.h"

/* The network layer's environment for this engine; strings owned by *ret_store. */
struct engine_net_env {
	struct net_env env;
	char *config_dir, *run_dir, *netns_dir;
};
int engine_net_env(struct engine *e, struct engine_net_env *ret, struct cpod_error **err);
void engine_net_env_release(struct engine_net_env *n);

/* What the spec needs from the network setup; strings owned. */
struct container_net {
	int mode;         /* enum spec_ns_mode */
	char *netns_path; /* SPEC_NS_PATH */
	char **ips;       /* the container's addresses, for /etc/hosts */
	char **dns;       /* aardvark-dns servers for resolv.conf (empty without DNS) */
	char **search;    /* search domains ("dns.podman") */
	char *gateway;    /* first network's gateway (host.containers.internal) */
};
void container_net_release(struct container_net *n);

/*
 * Set up the container's network for its mode (none, host, ns:PATH, bridge, private,
 * NAME[,NAME...]): netns + netavark for networks. Writes network.json in run_dir.
 */
int container_network_setup(struct engine *e, const struct container *c, const char *run_dir,
                            struct container_net *ret, struct cpod_error **err);

/*
 * Split network.json's "networks" into those set up with the container (they carry the
 * port forwarding rules) and those added later by connect ("connected": true). New refs.
 */
void container_network_split(const json_t *networks, json_t **ret_with_ports, json_t **ret_without);

/* Undo container_network_setup (idempotent; missing state is fine). */
int container_network_teardown(struct engine *e, const struct container *c,
                               struct cpod_error **err);

/* The saved network.json of a container (new reference) or NULL when it has none. */
json_t *container_network_state(struct engine *e, const char *id);

/* ---- create time and views (container-network-create.c) -------------------------------- */

/*
 * Check and record the networking options of a new container in cc->spec_extra:
 * "networks" {name: {aliases, static_ips, static_mac}}, "port_mappings", "exposed_ports",
 * "dns_servers", "add_hosts". img: the image's config object (ExposedPorts for -P).
 * Errors: the network layer's (unknown network, bad -p, bad --ip) and EINVAL.
 */
int container_network_create(struct engine *e, const struct container_create_opts *o,
                             const json_t *img, struct container_config *cc,
                             struct cpod_error **err);

/* Podman's inspect NetworkSettings for c (new reference). */
json_t *container_network_settings(struct engine *e, const struct container *c);

/* ps's Networks (array of names) and Ports (array of mappings or null); new references. */
json_t *container_network_ps_networks(const struct container *c);
json_t *container_network_ps_ports(struct engine *e, const struct container *c);

#endif
