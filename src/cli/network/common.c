/* SPDX-License-Identifier: Apache-2.0 */
/* The template view of a network config (containers/common types.Network field names). */
#include "cli/network/common.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

static json_t *or_empty(const json_t *v, json_t *(*make)(void))
{
	return v ? json_incref((json_t *)v) : make();
}

json_t *cli_network_template_view(const json_t *n, bool trunc)
{
	const char *id = json_get_string(n, "id");
	_cleanup_free_ char *short_id = xstrndup(id ? id : "", trunc ? 12 : 64);
	json_t *r = json_object();
	json_object_set_new(r, "Name", json_string(json_get_string(n, "name")));
	json_object_set_new(r, "ID", json_string(short_id));
	json_object_set_new(r, "Driver", json_string(json_get_string(n, "driver")));
	const char *ifc = json_get_string(n, "network_interface");
	json_object_set_new(r, "NetworkInterface", json_string(ifc ? ifc : ""));
	json_object_set_new(r, "Created", json_string(json_get_string(n, "created")));
	json_object_set_new(r, "Subnets", or_empty(json_object_get(n, "subnets"), json_array));
	json_object_set_new(r, "IPv6Enabled",
	                    json_boolean(json_is_true(json_object_get(n, "ipv6_enabled"))));
	json_object_set_new(r, "Internal",
	                    json_boolean(json_is_true(json_object_get(n, "internal"))));
	json_object_set_new(r, "DNSEnabled",
	                    json_boolean(json_is_true(json_object_get(n, "dns_enabled"))));
	json_object_set_new(r, "Labels", or_empty(json_object_get(n, "labels"), json_object));
	json_object_set_new(r, "Options", or_empty(json_object_get(n, "options"), json_object));
	json_object_set_new(r, "IPAMOptions",
	                    or_empty(json_object_get(n, "ipam_options"), json_object));
	return r;
}
