/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process rlimits: --ulimit (or containers.conf default_ulimits), then nofile and nproc
 * defaulted to Podman's 1048576, every value clamped to the caller's own hard limit:
 * without CAP_SYS_RESOURCE the runtime cannot raise a limit above it and the container
 * would fail to start (Podman only clamps when rootless).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/resource.h>

#include "runtime/spec-internal.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

/* jansson integers are signed: "unlimited" is written as the largest one */
#define JSON_RLIM_MAX ((uint64_t)INT64_MAX)

static const struct {
	const char *name; /* --ulimit name */
	const char *oci;  /* OCI type */
	int resource;
} rlimits[] = {
        {"as", "RLIMIT_AS", RLIMIT_AS},
        {"core", "RLIMIT_CORE", RLIMIT_CORE},
        {"cpu", "RLIMIT_CPU", RLIMIT_CPU},
        {"data", "RLIMIT_DATA", RLIMIT_DATA},
        {"fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"locks", "RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        {"msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"nice", "RLIMIT_NICE", RLIMIT_NICE},
        {"nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"nproc", "RLIMIT_NPROC", RLIMIT_NPROC},
        {"rss", "RLIMIT_RSS", RLIMIT_RSS},
        {"rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        {"rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"stack", "RLIMIT_STACK", RLIMIT_STACK},
};

#define N_RLIMITS (sizeof(rlimits) / sizeof(rlimits[0]))

const char *spec_rlimit_name(int resource)
{
	for (size_t i = 0; i < N_RLIMITS; i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].oci;
	return NULL;
}

/* A limit value: a decimal int64, where -1 (or "unlimited") is infinity. */
static int parse_value(const char *s, uint64_t *ret)
{
	char *end;
	if (strcmp(s, "unlimited") == 0) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno == ERANGE || v < -1)
		return -EINVAL;
	*ret = v == -1 ? RLIM_INFINITY : (uint64_t)v;
	return 0;
}

int spec_ulimit_parse(const char *s, struct spec_rlimit *ret, struct cpod_error **err)
{
	const char *eq = strchr(s, '=');
	if (!eq)
		return cpod_error_set(err, EINVAL, "invalid ulimit argument: %s", s);
	_cleanup_free_ char *name = xstrndup(s, (size_t)(eq - s));
	size_t i;
	for (i = 0; i < N_RLIMITS; i++)
		if (strcmp(rlimits[i].name, name) == 0)
			break;
	if (i == N_RLIMITS)
		return cpod_error_set(err, EINVAL, "invalid ulimit type: %s", name);

	const char *vals = eq + 1;
	const char *colon = strchr(vals, ':');
	_cleanup_free_ char *soft_s =
	        colon ? xstrndup(vals, (size_t)(colon - vals)) : xstrdup(vals);
	uint64_t soft, hard;
	if (colon && strchr(colon + 1, ':'))
		return cpod_error_set(
		        err, EINVAL,
		        "too many limit value arguments - %s, can only have up to two, "
		        "`soft[:hard]`",
		        vals);
	if (parse_value(soft_s, &soft) < 0)
		return cpod_error_set(err, EINVAL, "invalid ulimit argument: %s", s);
	hard = soft;
	if (colon && parse_value(colon + 1, &hard) < 0)
		return cpod_error_set(err, EINVAL, "invalid ulimit argument: %s", s);
	if (hard != RLIM_INFINITY && soft > hard)
		return cpod_error_set(err, EINVAL,
		                      "ulimit soft limit must be less than or equal to hard limit: "
		                      "%" PRIu64 " > %" PRIu64,
		                      soft, hard);
	*ret = (struct spec_rlimit){.resource = rlimits[i].resource, .soft = soft, .hard = hard};
	return 0;
}

static void set_limit(json_t *arr, int resource, uint64_t soft, uint64_t hard)
{
	struct rlimit cur;
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
		if (hard > cur.rlim_max)
			hard = cur.rlim_max;
	}
	if (soft > hard)
		soft = hard;
	if (hard > JSON_RLIM_MAX)
		hard = JSON_RLIM_MAX;
	if (soft > JSON_RLIM_MAX)
		soft = JSON_RLIM_MAX;

	const char *type = spec_rlimit_name(resource);
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "hard", json_integer((json_int_t)hard));
	json_object_set_new(o, "soft", json_integer((json_int_t)soft));
	size_t i;
	json_t *v;
	/* a later setting for the same resource replaces the earlier one (AddProcessRlimits) */
	json_array_foreach (arr, i, v) {
		if (strcmp(json_get_string(v, "type"), type) == 0) {
			json_array_set_new(arr, i, o);
			return;
		}
	}
	json_array_append_new(arr, o);
}

int spec_build_rlimits(char *const *user, char *const *defaults, json_t **ret,
                       struct cpod_error **err)
{
	_cleanup_json_ json_t *arr = json_array();
	char *const *list = user && user[0] ? user : defaults;
	bool nofile = false, nproc = false;

	for (size_t i = 0; list && list[i]; i++) {
		struct spec_rlimit rl;
		int r = spec_ulimit_parse(list[i], &rl, err);
		if (r < 0)
			return r;
		nofile |= rl.resource == RLIMIT_NOFILE;
		nproc |= rl.resource == RLIMIT_NPROC;
		set_limit(arr, rl.resource, rl.soft, rl.hard);
	}
	if (!nofile)
		set_limit(arr, RLIMIT_NOFILE, SPEC_RLIMIT_DEFAULT, SPEC_RLIMIT_DEFAULT);
	if (!nproc)
		set_limit(arr, RLIMIT_NPROC, SPEC_RLIMIT_DEFAULT, SPEC_RLIMIT_DEFAULT);
	*ret = TAKE_PTR(arr);
	return 0;
}
