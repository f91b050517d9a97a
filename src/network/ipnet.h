/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_NETWORK_IPNET_H
#define CPOD_NETWORK_IPNET_H

/*
 * IP addresses and subnets (Go's net.IP / net.IPNet as libnetwork uses them), IPv4 and
 * IPv6 alike: addresses are kept as 16 bytes in network order, IPv4 in the last 4 bytes.
 * Pure functions, no allocation except the *_format ones (which return owned strings).
 */
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct ip_addr {
	int family;    /* AF_INET or AF_INET6 */
	uint8_t b[16]; /* network order; IPv4 uses b[12..15] */
};

struct ip_net {
	struct ip_addr ip; /* the network address (host bits cleared) */
	int prefix;        /* 0..32 or 0..128 */
};

/* Parse a dotted IPv4 or an IPv6 address; false when malformed. */
bool ip_addr_parse(const char *s, struct ip_addr *ret);
/* Format (owned string). */
char *ip_addr_format(const struct ip_addr *a);
bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);
/* Compare as unsigned numbers of the same family (-1, 0, 1); families compare v4 < v6. */
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);
/* a + n (n may be negative); false on overflow out of the family's range. */
bool ip_addr_add(const struct ip_addr *a, int64_t n, struct ip_addr *ret);

/*
 * Parse "addr/prefix" as Go's net.ParseCIDR: ret->ip is masked (10.1.2.3/24 -> 10.1.2.0/24,
 * as Podman stores it) and *ret_host (may be NULL) keeps the address as written.
 * EINVAL "invalid CIDR address: S".
 */
int ip_net_parse(const char *s, struct ip_net *ret, struct ip_addr *ret_host,
                 struct cpod_error **err);
/* "10.89.0.0/24" (owned). */
char *ip_net_format(const struct ip_net *n);
bool ip_net_contains(const struct ip_net *n, const struct ip_addr *a);
bool ip_net_overlaps(const struct ip_net *a, const struct ip_net *b);
/* First (network) and last (broadcast) address of the subnet. */
void ip_net_first(const struct ip_net *n, struct ip_addr *ret);
void ip_net_last(const struct ip_net *n, struct ip_addr *ret);
/* The next subnet of the same size (10.89.0.0/24 -> 10.89.1.0/24); false on wrap. */
bool ip_net_next(const struct ip_net *n, struct ip_net *ret);

#endif
