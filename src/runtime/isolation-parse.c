/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure parsers behind the isolation flags: sizes (docker/go-units RAMInBytes), CPUs,
 * cpusets, --device, --device-cgroup-rule, sysctl namespaces and id maps.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/isolation.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int isolation_parse_size(const char *s, bool allow_minus_one, int64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	if (allow_minus_one && strcmp(s, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end != p)
		return -EINVAL;
	if (*p == ' ')
		p++;
	double mult = 1;
	static const char units[] = "kmgtp";
	const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
	if (u) {
		for (const char *q = units; q <= u; q++)
			mult *= 1024;
		p++;
		if (*p == 'i' || *p == 'I')
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	double bytes = v * mult;
	if (bytes >= 9.2e18)
		return -ERANGE;
	*ret = (int64_t)bytes;
	return 0;
}

int isolation_parse_cpus(const char *s, int64_t *ret_nano)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 1e9)
		return -EINVAL;
	*ret_nano = (int64_t)llround(v * 1e9);
	return 0;
}

/* Calls fn for every number in a cpuset list; -EINVAL when malformed. */
static int cpuset_foreach(const char *s, int (*fn)(unsigned long n, void *ud), void *ud)
{
	if (!s || !*s)
		return -EINVAL;
	_cleanup_strv_free_ char **parts = strv_split(s, ",");
	STRV_FOREACH(p, parts)
	{
		char *end;
		if (!isdigit((unsigned char)**p))
			return -EINVAL;
		unsigned long a = strtoul(*p, &end, 10), b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (*end || b < a || b > 4096)
			return -EINVAL;
		for (unsigned long n = a; n <= b; n++) {
			int r = fn ? fn(n, ud) : 0;
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int isolation_parse_cpuset(const char *s)
{
	return cpuset_foreach(s, NULL, NULL);
}

struct subset_ctx {
	const char *avail;
};

static int check_in(unsigned long n, void *ud)
{
	const struct subset_ctx *c = ud;
	_cleanup_strv_free_ char **parts = strv_split(c->avail, ",");
	STRV_FOREACH(p, parts)
	{
		char *end;
		unsigned long a = strtoul(*p, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (n >= a && n <= b)
			return 0;
	}
	return -ERANGE;
}

bool isolation_cpuset_subset(const char *want, const char *avail)
{
	if (!avail || !*avail)
		return true;
	struct subset_ctx c = {.avail = avail};
	return cpuset_foreach(want, check_in, &c) == 0;
}

void isolation_device_release(struct isolation_device *d)
{
	free(d->src);
	free(d->dst);
	free(d->perms);
	d->src = d->dst = d->perms = NULL;
}

static bool valid_device_mode(const char *m)
{
	bool seen[3] = {false, false, false};
	if (!*m || strlen(m) > 3)
		return false;
	for (; *m; m++) {
		const char *k = strchr("rwm", *m);
		if (!*m || !k || seen[k - "rwm"])
			return false;
		seen[k - "rwm"] = true;
	}
	return true;
}

int isolation_parse_device(const char *s, struct isolation_device *ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **arr = strv_split(s, ":");
	size_t n = strv_length(arr);
	const char *perms = "rwm", *dst = NULL;

	if (n > 3 || n == 0 || !*arr[0])
		return cpod_error_set(err, EINVAL, "invalid device specification: %s", s);
	if (n == 3) {
		if (!valid_device_mode(arr[2]))
			return cpod_error_set(err, EINVAL, "invalid device mode: %s", arr[2]);
		perms = arr[2];
	}
	if (n >= 2) {
		if (valid_device_mode(arr[1])) {
			perms = arr[1];
		} else {
			if (arr[1][0] && arr[1][0] != '/')
				return cpod_error_set(err, EINVAL, "invalid device mode: %s",
				                      arr[1]);
			if (arr[1][0])
				dst = arr[1];
		}
	}
	ret->src = xstrdup(arr[0]);
	ret->dst = xstrdup(dst ? dst : arr[0]);
	ret->perms = xstrdup(perms);
	return 0;
}

static bool parse_dev_number(const char *s, size_t len, int64_t *ret)
{
	if (len == 1 && *s == '*') {
		*ret = -1;
		return true;
	}
	if (len == 0 || len > 10)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

int isolation_parse_cgroup_rule(const char *s, json_t **ret, struct cpod_error **err)
{
	/* Podman matches ^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$ */
	int64_t major, minor;
	const char *colon, *sp;
	if (!s || strlen(s) < 7 || !strchr("acb", s[0]) || s[1] != ' ')
		goto bad;
	colon = strchr(s + 2, ':');
	sp = colon ? strchr(colon, ' ') : NULL;
	if (!sp || !parse_dev_number(s + 2, (size_t)(colon - s - 2), &major) ||
	    !parse_dev_number(colon + 1, (size_t)(sp - colon - 1), &minor))
		goto bad;
	const char *acc = sp + 1;
	if (strlen(acc) < 1 || strlen(acc) > 3 || strspn(acc, "rwm") != strlen(acc))
		goto bad;

	json_t *o = json_object();
	json_object_set_new(o, "allow", json_true());
	json_object_set_new(o, "type", json_stringn(s, 1));
	if (major >= 0)
		json_object_set_new(o, "major", json_integer(major));
	if (minor >= 0)
		json_object_set_new(o, "minor", json_integer(minor));
	json_object_set_new(o, "access", json_string(acc));
	*ret = o;
	return 0;
bad:
	return cpod_error_set(err, EINVAL,
	                      "invalid device cgroup rule requires type, major:Minor, and access "
	                      "rules: \"%s\"",
	                      s ? s : "");
}

/* Podman's pkg/util ValidateSysctls: the namespaced sysctls a container may set. */
static const char *const ipc_sysctls[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
        "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

enum isolation_sysctl_ns isolation_sysctl_namespace(const char *key)
{
	if (strncmp(key, "net.", 4) == 0 && key[4])
		return SYSCTL_NS_NET;
	if (strncmp(key, "fs.mqueue.", 10) == 0 && key[10])
		return SYSCTL_NS_IPC;
	for (size_t i = 0; ipc_sysctls[i]; i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return SYSCTL_NS_IPC;
	if (strcmp(key, "kernel.domainname") == 0 || strcmp(key, "kernel.hostname") == 0)
		return SYSCTL_NS_UTS;
	return SYSCTL_NS_NOT_ALLOWED;
}

static bool parse_u32(const char *s, uint32_t *ret)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

int isolation_parse_idmap(const char *s, json_t *arr)
{
	_cleanup_strv_free_ char **maps = strv_split(s, ",");
	STRV_FOREACH(m, maps)
	{
		_cleanup_strv_free_ char **f = strv_split(*m, ":");
		uint32_t c, h, n;
		if (strv_length(f) != 3 || !parse_u32(f[0], &c) || !parse_u32(f[1], &h) ||
		    !parse_u32(f[2], &n) || n == 0 || (uint64_t)c + n > UINT32_MAX ||
		    (uint64_t)h + n > UINT32_MAX)
			return -EINVAL;
		json_t *o = json_object();
		json_object_set_new(o, "containerID", json_integer(c));
		json_object_set_new(o, "hostID", json_integer(h));
		json_object_set_new(o, "size", json_integer(n));
		json_array_append_new(arr, o);
	}
	return 0;
}
