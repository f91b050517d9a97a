/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_NETWORK_COMMON_H
#define CPOD_CLI_NETWORK_COMMON_H

/* Shared by the network verbs. */
#include <stdbool.h>

#include <jansson.h>

/*
 * A network config with the Go field names Podman's --format templates see (Name, ID,
 * Driver, NetworkInterface, Created, Subnets, IPv6Enabled, Internal, DNSEnabled, Labels,
 * Options, IPAMOptions); ID cut to 12 characters when trunc. New reference.
 */
json_t *cli_network_template_view(const json_t *net, bool trunc);

#endif
