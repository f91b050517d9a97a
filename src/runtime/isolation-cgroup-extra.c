/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --cpu-rt-period, --cpu-rt-runtime and --cgroup-conf as Podman 4.3 (pkg/specgenutil and
 * pkg/specgen/generate/validate.go): the real-time CPU limits go to cgroup v1's cpu.rt_*
 * files and are dropped with a warning on cgroup v2; --cgroup-conf sets cgroup v2 unified
 * keys and is refused on any other host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/isolation-internal.h"
#include "runtime/probe.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* Go's strconv.ParseUint / ParseInt (base 10, 64 bits) with its error text */
static int go_parse(const char *flag, const char *s, bool is_signed, int64_t *ret,
                    struct cpod_error **err)
{
	const char *fn = is_signed ? "ParseInt" : "ParseUint";
	const char *d = s;
	if (is_signed && (*d == '-' || *d == '+'))
		d++;
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return cpod_error_set(
		        err, EINVAL,
		        "invalid argument \"%s\" for \"%s\" flag: strconv.%s: parsing "
		        "\"%s\": invalid syntax",
		        s, flag, fn, s);
	char *end;
	errno = 0;
	if (is_signed) {
		long long v = strtoll(s, &end, 10);
		*ret = v;
	} else {
		unsigned long long v = strtoull(s, &end, 10);
		/* the OCI field is an int64 in cpod's JSON: larger periods are out of range too */
		if (!errno && v > INT64_MAX)
			errno = ERANGE;
		*ret = (int64_t)v;
	}
	if (errno)
		return cpod_error_set(
		        err, EINVAL,
		        "invalid argument \"%s\" for \"%s\" flag: strconv.%s: parsing "
		        "\"%s\": value out of range",
		        s, flag, fn, s);
	return 0;
}

static json_t *cpu_obj(json_t *res)
{
	json_t *o = json_object_get(res, "cpu");
	if (!o) {
		o = json_object();
		json_object_set_new(res, "cpu", o);
	}
	return o;
}

static int build_rt(const struct isolation_opts *o, const struct isolation_host *h, json_t *res,
                    char ***w, struct cpod_error **err)
{
	int64_t period = 0, runtime = 0;
	int r;
	if (o->cpu_rt_period && *o->cpu_rt_period &&
	    (r = go_parse("--cpu-rt-period", o->cpu_rt_period, false, &period, err)) < 0)
		return r;
	if (o->cpu_rt_runtime && *o->cpu_rt_runtime &&
	    (r = go_parse("--cpu-rt-runtime", o->cpu_rt_runtime, true, &runtime, err)) < 0)
		return r;
	/* 0 is Podman's "not set" */
	if (h->mode == CGROUP_MODE_UNIFIED) {
		if (period)
			strv_push(w, "Realtime period not supported on cgroups V2 systems");
		if (runtime)
			strv_push(w, "Realtime runtime not supported on cgroups V2 systems");
		return 0;
	}
	if (period)
		json_object_set_new(cpu_obj(res), "realtimePeriod", json_integer(period));
	if (runtime)
		json_object_set_new(cpu_obj(res), "realtimeRuntime", json_integer(runtime));
	return 0;
}

static int build_cgroup_conf(const struct isolation_opts *o, const struct isolation_host *h,
                             json_t *res, struct cpod_error **err)
{
	if (!o->cgroup_conf || !o->cgroup_conf[0])
		return 0;
	_cleanup_json_ json_t *unified = json_object();
	STRV_FOREACH(kv, (char **)o->cgroup_conf)
	{
		const char *eq = strchr(*kv, '=');
		if (!eq)
			return cpod_error_set(err, EINVAL,
			                      "--cgroup-conf must be formatted KEY=VALUE");
		_cleanup_free_ char *key = xstrndup(*kv, (size_t)(eq - *kv));
		json_object_set_new(unified, key, json_string(eq + 1));
	}
	if (h->mode != CGROUP_MODE_UNIFIED)
		return cpod_error_set(err, EINVAL, "cannot use --cgroup-conf without cgroup v2");
	json_object_set(res, "unified", unified);
	return 0;
}

int isolation_build_cgroup_extra(const struct isolation_opts *o, const struct isolation_host *h,
                                 json_t *res, char ***w, struct cpod_error **err)
{
	int r = build_rt(o, h, res, w, err);
	if (r < 0)
		return r;
	return build_cgroup_conf(o, h, res, err);
}
