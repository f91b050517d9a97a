/* SPDX-License-Identifier: Apache-2.0 */
/* Address and subnet arithmetic for IPAM and subnet allocation (see ipnet.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "network/ipnet.h"
#include "util/cleanup.h"
#include "util/xalloc.h"
#include "banned.h"

static int family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static int first_byte(int family)
{
	return family == AF_INET ? 12 : 0;
}

bool ip_addr_parse(const char *s, struct ip_addr *ret)
{
	struct ip_addr a = {0};
	if (!s || strlen(s) >= INET6_ADDRSTRLEN)
		return false;
	if (inet_pton(AF_INET, s, a.b + 12) == 1) {
		a.family = AF_INET;
	} else if (strchr(s, ':') && !strchr(s, '%') && inet_pton(AF_INET6, s, a.b) == 1) {
		a.family = AF_INET6;
	} else {
		return false;
	}
	*ret = a;
	return true;
}

char *ip_addr_format(const struct ip_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (a->family == AF_INET)
		inet_ntop(AF_INET, a->b + 12, buf, sizeof(buf));
	else
		inet_ntop(AF_INET6, a->b, buf, sizeof(buf));
	return xstrdup(buf);
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	int c = memcmp(a->b, b->b, 16);
	return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool ip_addr_add(const struct ip_addr *a, int64_t n, struct ip_addr *ret)
{
	struct ip_addr r = *a;
	int lo = first_byte(a->family);
	bool neg = n < 0;
	uint64_t mag = neg ? (uint64_t)(-(n + 1)) + 1 : (uint64_t)n;
	unsigned carry = 0;
	for (int i = 15; i >= lo; i--) {
		unsigned d = (unsigned)(mag & 0xff);
		mag >>= 8;
		int v;
		if (neg)
			v = (int)r.b[i] - (int)d - (int)carry;
		else
			v = (int)r.b[i] + (int)d + (int)carry;
		carry = 0;
		if (v < 0) {
			v += 256;
			carry = 1;
		} else if (v > 255) {
			v -= 256;
			carry = 1;
		}
		r.b[i] = (uint8_t)v;
	}
	if (carry || mag)
		return false;
	*ret = r;
	return true;
}

static void mask(struct ip_addr *a, int prefix, bool set_host)
{
	int lo = first_byte(a->family);
	for (int bit = 0; bit < family_bits(a->family); bit++) {
		if (bit < prefix)
			continue;
		uint8_t *p = &a->b[lo + bit / 8];
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));
		if (set_host)
			*p |= m;
		else
			*p &= (uint8_t)~m;
	}
}

int ip_net_parse(const char *s, struct ip_net *ret, struct ip_addr *ret_host,
                 struct cpod_error **err)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!slash || slash == s || strlen(s) >= 64)
		goto bad;
	char addr[64];
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	struct ip_addr a;
	if (!ip_addr_parse(addr, &a))
		goto bad;
	const char *p = slash + 1;
	if (!*p || strlen(p) > 3)
		goto bad;
	int prefix = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		prefix = prefix * 10 + (*p - '0');
	}
	/* Go rejects leading zeros ("10.0.0.0/024") like any non-canonical prefix */
	if (slash[1] == '0' && slash[2])
		goto bad;
	if (prefix > family_bits(a.family))
		goto bad;
	if (ret_host)
		*ret_host = a;
	mask(&a, prefix, false);
	ret->ip = a;
	ret->prefix = prefix;
	return 0;
bad:
	return cpod_error_set(err, EINVAL, "invalid CIDR address: %s", s ? s : "");
}

char *ip_net_format(const struct ip_net *n)
{
	_cleanup_free_ char *a = ip_addr_format(&n->ip);
	return xasprintf("%s/%d", a, n->prefix);
}

bool ip_net_contains(const struct ip_net *n, const struct ip_addr *a)
{
	if (a->family != n->ip.family)
		return false;
	struct ip_addr m = *a;
	mask(&m, n->prefix, false);
	return ip_addr_equal(&m, &n->ip);
}

bool ip_net_overlaps(const struct ip_net *a, const struct ip_net *b)
{
	return ip_net_contains(a, &b->ip) || ip_net_contains(b, &a->ip);
}

void ip_net_first(const struct ip_net *n, struct ip_addr *ret)
{
	*ret = n->ip;
}

void ip_net_last(const struct ip_net *n, struct ip_addr *ret)
{
	*ret = n->ip;
	mask(ret, n->prefix, true);
}

bool ip_net_next(const struct ip_net *n, struct ip_net *ret)
{
	struct ip_addr last, next;
	ip_net_last(n, &last);
	if (!ip_addr_add(&last, 1, &next))
		return false;
	ret->ip = next;
	ret->prefix = n->prefix;
	return true;
}
