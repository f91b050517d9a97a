/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network layer parsers of untrusted input: network config files (JSON from the config
 * directory, possibly written by another tool), -p specs and CIDR strings. Whatever the
 * input, parsing must not crash, and what parses must format and parse back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "network/ipnet.h"
#include "network/network.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	_cleanup_json_ json_t *j = json_loadb((const char *)data, size, 0, NULL);
	if (j && net_config_validate(j, NULL) == 0) {
		/* a valid config can be listed and filtered */
		char *filters[] = {"name=a", "label=x=y", "driver=bridge", NULL};
		bool m;
		(void)net_filter_match(j, filters, &m, NULL);
	}
	if (size > 256)
		return 0;
	_cleanup_free_ char *s = xstrndup((const char *)data, size);
	_cleanup_json_ json_t *maps = NULL;
	if (net_port_parse(s, &maps, NULL) == 0) {
		_cleanup_strv_free_ char **lines = net_ports_lines(maps);
		_cleanup_json_ json_t *insp = net_ports_inspect(maps, NULL);
		if (!lines || !insp)
			abort();
	}
	struct ip_net n;
	if (ip_net_parse(s, &n, NULL, NULL) == 0) {
		_cleanup_free_ char *f = ip_net_format(&n);
		struct ip_net again;
		if (ip_net_parse(f, &again, NULL, NULL) != 0 || again.prefix != n.prefix ||
		    !ip_addr_equal(&again.ip, &n.ip))
			abort();
		struct ip_addr last;
		ip_net_last(&n, &last);
		if (!ip_net_contains(&n, &last))
			abort();
	}
	return 0;
}
