/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_NETWORK_H
#define CPOD_NETWORK_H

/*
 * The network layer: bridge networks driven through netavark and aardvark-dns (rootful),
 * as Podman 4.3 does it with containers/common libnetwork.
 *
 * - Network configs are Podman's JSON objects (name, id, driver, network_interface,
 *   created, subnets [{subnet, gateway, lease_range}], ipv6_enabled, internal, dns_enabled,
 *   labels, options, ipam_options), one file <config_dir>/<name>.json, written with
 *   Podman's 5-space indentation. The default network ("podman", 10.88.0.0/16, podman0,
 *   DNS off, ID = sha256("podman")) is implicit, never written, as in Podman.
 * - IPAM is cpod's, as libnetwork's is Podman's: addresses are leased per network in
 *   <run_dir>/ipam/<network>.json under a lock before netavark runs, and handed to it as
 *   static IPs; teardown releases them. The run dir is tmpfs, so a reboot clears leases
 *   together with the namespaces that held them.
 * - Containers' network namespaces are files <netns_dir>/cpod-<random> on which a
 *   namespace made by a child's unshare(CLONE_NEWNET) is bind mounted (netns.c).
 *
 * The layer knows no container records: the engine passes IDs, names and the options it
 * stored at create time, and keeps the status JSON this layer returns.
 *
 * Error messages are Podman's: "unable to find network with name or ID X: network not
 * found" (ENOENT), "network name X already used: network already exists" (EEXIST),
 * "subnet S is already used on the host or by another config" (EEXIST), "invalid CIDR
 * address: S" (EINVAL), "gateway G not in subnet S" (EINVAL).
 */
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/error.h"

/* Where the layer keeps things and what it runs; every string borrowed. */
struct net_env {
	const char *config_dir;      /* network JSON files */
	const char *run_dir;         /* aardvark-dns config, IPAM leases, locks (tmpfs) */
	const char *netns_dir;       /* bind-mounted namespaces */
	const char *netavark;        /* netavark binary; NULL: searched (net_find_binary) */
	const char *aardvark;        /* aardvark-dns binary; NULL: searched */
	const char *default_network; /* NULL: "podman" */
	const char *default_subnet;  /* NULL: "10.88.0.0/16" */
	char *const *plugin_dirs;    /* where to look for netavark (containers.conf); may be NULL */
};

/* The default network's name: env->default_network, or Podman's "podman". Borrowed. */
static inline const char *net_env_default_network(const struct net_env *env)
{
	return env->default_network ? env->default_network : "podman";
}

/* ---- network configs (netconf.c, netstore.c) ------------------------------------------- */

struct net_create_opts {
	const char *name;        /* NULL: the first free "podmanN" */
	const char *driver;      /* NULL: "bridge"; "macvlan" and "ipvlan" are accepted */
	char *const *subnets;    /* --subnet, CIDR */
	char *const *gateways;   /* --gateway, matched to subnets by position */
	char *const *ip_ranges;  /* --ip-range, matched to subnets by position */
	bool ipv6;               /* --ipv6: also allocate a ULA /64 unless one is given */
	bool internal;           /* --internal */
	bool disable_dns;        /* --disable-dns */
	char *const *labels;     /* "k=v" */
	char *const *options;    /* -o "k=v": mtu, vlan, isolate, ... */
	const char *ipam_driver; /* NULL: "host-local" */
	char *const *dns;        /* network_dns_servers */
	bool ignore_exists;      /* return the existing network instead of EEXIST */
	bool ignore_host_links;  /* name interfaces without looking at the host's (tests) */
};

/*
 * Build and write a new network (lock held over reading existing ones and writing, so two
 * creates never pick the same subnet or name). Host routes are avoided when subnets are
 * allocated, as Podman does. *ret: the config written (new reference).
 */
int net_create(const struct net_env *env, const struct net_create_opts *opts, json_t **ret,
               struct cpod_error **err);

/*
 * The pure part of net_create (exposed for tests): validate opts and fill the config
 * against existing (array of configs) and the host's routes (array of CIDR strings).
 * created: RFC 3339 time string. *ret: new reference.
 */
int net_config_build(const struct net_create_opts *opts, const json_t *existing,
                     char *const *host_routes, const char *created, json_t **ret,
                     struct cpod_error **err);

/* The implicit default network's config (new reference). */
json_t *net_default_config(const struct net_env *env);

/* Every network, default included, sorted by name (new array reference). */
int net_list(const struct net_env *env, json_t **ret, struct cpod_error **err);

/* By name, full ID or unique ID prefix. ENOENT with Podman's message. */
int net_lookup(const struct net_env *env, const char *key, json_t **ret, struct cpod_error **err);

/* Delete the config file of name (not the default: EPERM with Podman's message). */
int net_remove_config(const struct net_env *env, const char *name, struct cpod_error **err);

/* Validate a config read from disk (untrusted); EINVAL naming the problem. */
int net_config_validate(const json_t *net, struct cpod_error **err);

/* Podman's --filter for ls / prune: name, id, driver, label, label! (EINVAL otherwise). */
int net_filter_match(const json_t *net, char *const *filters, bool *ret, struct cpod_error **err);

/* Host IPv4/IPv6 routes as CIDR strings from /proc/net/route and /proc/net/ipv6_route. */
char **net_host_routes(void);

/* ---- published ports (ports.c) --------------------------------------------------------- */

/*
 * Parse one -p/--publish value: [[hostIP:][hostPort[-end]]:]ctrPort[-end][/proto[,proto]]
 * (IPv6 host IPs in brackets), appending Podman's port_mappings objects {container_port,
 * host_ip, host_port, range, protocol} to *mappings (created when NULL). host_port 0 means
 * "pick a free one at setup". EINVAL with Podman's messages.
 */
int net_port_parse(const char *spec, json_t **mappings, struct cpod_error **err);

/*
 * Give every mapping with host_port 0 a free host port (bound and released to find it),
 * in place. EADDRINUSE when none is found.
 */
int net_ports_assign_random(json_t *mappings, struct cpod_error **err);

/*
 * Reserve the host ports of mappings (host ports assigned), as Podman's bindPorts does
 * before it starts conmon for a rootful container: one socket per port of each range and
 * protocol, made as Go's net.ListenTCP / ListenUDP make them (TCP listening with
 * SO_REUSEADDR; tcp6/udp6 IPv6-only when the host IP is IPv6; an empty host IP is the IPv4
 * wildcard). SCTP is skipped, with one info message. *ret_fds: owned array (free with
 * net_ports_close) of *ret_n descriptors, all O_CLOEXEC; NULL and 0 when nothing was bound.
 * On failure everything opened is closed again and the error is Podman's:
 * "cannot listen on the TCP port: listen tcp4 127.0.0.1:8080: bind: address already in use"
 * (code: the errno, EADDRINUSE here); EINVAL "unknown protocol P", bad host ports.
 */
int net_ports_bind(const json_t *mappings, int **ret_fds, size_t *ret_n, struct cpod_error **err);

/* Close the n descriptors of fds and free the array (NULL is fine). */
void net_ports_close(int *fds, size_t n);

/*
 * Podman's inspect "Ports" object from port mappings and exposed ports (array of "80/tcp"):
 * {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], "81/tcp": null}. New reference.
 */
json_t *net_ports_inspect(const json_t *mappings, char *const *exposed);

/* `podman port` lines: "80/tcp -> 0.0.0.0:8080" (owned strv, in mapping order). */
char **net_ports_lines(const json_t *mappings);

/* ---- namespaces (netns.c) -------------------------------------------------------------- */

/* Create <netns_dir>/cpod-<random> holding a new network namespace with lo up. */
int net_netns_create(const struct net_env *env, char **ret_path, struct cpod_error **err);
/* Unmount and delete it; a missing path is not an error. */
int net_netns_delete(const char *path, struct cpod_error **err);

/* ---- container networking (setup.c, teardown.c) ---------------------------------------- */

struct net_setup_opts {
	const char *container_id;
	const char *container_name;
	const char *netns_path;
	/*
	 * {network name: {"aliases": [..], "static_ips": [..], "static_mac": "..",
	 * "interface_name": "eth0"}} as the engine stored it (names resolved, interface names
	 * given). Borrowed.
	 */
	const json_t *networks;
	const json_t *port_mappings; /* array or NULL; host ports already assigned */
	char *const *dns_servers;    /* --dns, for aardvark's forwarders */
	bool keep_leases;            /* teardown: leave the addresses leased (reload) */
};

/*
 * Lease addresses, run `netavark setup` and return the result:
 * {"networks": {name: {"interface": "eth0", "mac_address", "subnets": [{"ipnet",
 * "gateway"}], "network_id", "aliases", "static_ips"}}, "dns_server_ips": [..],
 * "dns_search_domains": [..]} (new reference). On failure nothing stays leased or set up.
 */
int net_setup(const struct net_env *env, const struct net_setup_opts *opts, json_t **ret,
              struct cpod_error **err);

/*
 * Run `netavark teardown` for the networks and release the container's leases. Best effort
 * across networks: the first error is returned after everything was tried. Missing
 * networks (removed meanwhile) are skipped for netavark but their leases are released.
 */
int net_teardown(const struct net_env *env, const struct net_setup_opts *opts,
                 struct cpod_error **err);

/*
 * `network reload`: run netavark teardown and setup again with the same addresses, which
 * puts back firewall rules someone flushed. *ret as for net_setup.
 */
int net_reload(const struct net_env *env, const struct net_setup_opts *opts, json_t **ret,
               struct cpod_error **err);

/* Every lease of network name, as {"ip": "container id"} (new reference); for tests. */
int net_ipam_leases(const struct net_env *env, const char *name, json_t **ret,
                    struct cpod_error **err);

/* Release all leases held by container_id on every network (crash repair). */
int net_ipam_release_all(const struct net_env *env, const char *container_id,
                         struct cpod_error **err);

/* Locate netavark / aardvark-dns in plugin_dirs and Podman's default places (owned). */
char *net_find_binary(const struct net_env *env, const char *name);

/*
 * True when /run/systemd/system exists but systemd is not PID 1: netavark would then start
 * aardvark-dns through systemd-run, which fails. root_prefix: "" or a test's fake root.
 */
bool net_systemd_fake(const char *root_prefix);

#endif
