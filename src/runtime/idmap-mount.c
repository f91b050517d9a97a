/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checks cpod makes on idmapped mounts before the runtime runs (idmap-mount.h). The
 * grammar is crun's (src/libcrun/linux.c, maybe_create_userns_for_idmapped_mount), written
 * stricter: what crun would take in a different sense than it reads, or fail on with an
 * obscure message (one of uids=/gids= missing: mount_setattr EINVAL), is refused here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "runtime/exec.h"
#include "runtime/idmap-mount.h"
#include "runtime/oci.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

/* `runc features` prints ~5 KiB; anything beyond this is not a features document */
#define FEATURES_MAX (256u * 1024u)

bool idmap_mount_is_option(const char *opt)
{
	return opt && strncmp(opt, "idmap", 5) == 0;
}

/* A decimal id that fits in 32 bits; advances *p. */
static bool parse_id(const char **p, uint32_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*ret = (uint32_t)v;
	*p = s;
	return true;
}

/* "[@]FSID-HOSTID-SIZE[#...]" up to end (exclusive); the range count in *ret_n. */
static int parse_ranges(const char *opt, const char *list, const char *end, size_t *ret_n,
                        bool *relative, struct cpod_error **err)
{
	const char *p = list;
	size_t n = 0;
	if (p == end)
		return cpod_error_set(err, EINVAL, "invalid idmap option \"%s\": empty mapping",
		                      opt);
	for (;;) {
		uint32_t v[3];
		if (*p == '@') {
			*relative = true;
			p++;
		}
		for (int i = 0; i < 3; i++) {
			if ((i > 0 && *p++ != '-') || !parse_id(&p, &v[i]))
				return cpod_error_set(
				        err, EINVAL,
				        "invalid idmap option \"%s\": invalid mapping "
				        "\"%.*s\", expected [@]FSID-HOSTID-SIZE[#...]",
				        opt, (int)(end - list), list);
		}
		if (v[2] == 0 || (uint64_t)v[0] + v[2] - 1 > UINT32_MAX ||
		    (uint64_t)v[1] + v[2] - 1 > UINT32_MAX)
			return cpod_error_set(err, EINVAL,
			                      "invalid idmap option \"%s\": invalid range size in "
			                      "\"%.*s\"",
			                      opt, (int)(end - list), list);
		if (++n > IDMAP_MOUNT_MAX_RANGES)
			return cpod_error_set(err, EINVAL,
			                      "invalid idmap option \"%s\": more than %d ranges",
			                      opt, IDMAP_MOUNT_MAX_RANGES);
		if (p == end)
			break;
		if (*p++ != '#')
			return cpod_error_set(err, EINVAL,
			                      "invalid idmap option \"%s\": invalid mapping "
			                      "\"%.*s\", expected [@]FSID-HOSTID-SIZE[#...]",
			                      opt, (int)(end - list), list);
	}
	*ret_n = n;
	return 0;
}

int idmap_mount_option_parse(const char *opt, struct idmap_mount_option *ret,
                             struct cpod_error **err)
{
	if (!idmap_mount_is_option(opt))
		return cpod_error_set(err, EINVAL, "invalid idmap option \"%s\"", opt ? opt : "");
	struct idmap_mount_option o = {0};
	const char *eq = strchr(opt, '=');
	/* crun: nothing after '=' means the container's own mapping */
	if (!eq || !eq[1]) {
		*ret = o;
		return 0;
	}
	o.custom = true;
	const char *p = eq + 1;
	while (*p) {
		/* parts are split at ';' and empty parts skipped, as crun's strtok_r does */
		const char *end = strchrnul(p, ';');
		if (end == p) {
			p++;
			continue;
		}
		size_t *count;
		if ((size_t)(end - p) >= 5 && strncmp(p, "uids=", 5) == 0)
			count = &o.n_uids;
		else if ((size_t)(end - p) >= 5 && strncmp(p, "gids=", 5) == 0)
			count = &o.n_gids;
		else
			return cpod_error_set(err, EINVAL,
			                      "invalid idmap option \"%s\": unknown part \"%.*s\", "
			                      "expected uids=MAPPING or gids=MAPPING",
			                      opt, (int)(end - p), p);
		if (*count > 0)
			return cpod_error_set(
			        err, EINVAL,
			        "invalid idmap option \"%s\": %.4s given more than once", opt, p);
		int r = parse_ranges(opt, p + 5, end, count, &o.relative, err);
		if (r < 0)
			return r;
		p = *end ? end + 1 : end;
	}
	if (o.n_uids == 0 || o.n_gids == 0)
		return cpod_error_set(err, EINVAL,
		                      "invalid idmap option \"%s\": a mapping needs both uids= "
		                      "and gids=",
		                      opt);
	*ret = o;
	return 0;
}

const char *idmap_mount_find(const json_t *mount)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(mount, "options"), i, v)
	{
		const char *s = json_string_value(v);
		if (idmap_mount_is_option(s))
			return s;
	}
	return NULL;
}

static bool spec_has_userns(const json_t *linux_obj)
{
	size_t i;
	json_t *ns;
	json_array_foreach(json_object_get(linux_obj, "namespaces"), i, ns)
	{
		const char *t = json_get_string(ns, "type");
		if (t && strcmp(t, "user") == 0)
			return true;
	}
	return false;
}

int idmap_mount_check_spec(const json_t *spec, const struct oci_runtime *rt,
                           struct cpod_error **err)
{
	int supported = -1; /* asked once, and only when a mount has the option */
	const json_t *lx = json_object_get(spec, "linux");
	bool userns = spec_has_userns(lx);
	bool maps = json_array_size(json_object_get(lx, "uidMappings")) > 0 &&
	            json_array_size(json_object_get(lx, "gidMappings")) > 0;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(spec, "mounts"), i, m)
	{
		const char *opt = idmap_mount_find(m);
		if (!opt)
			continue;
		const char *dest = json_get_string(m, "destination") ?: "";
		if (supported < 0)
			supported = idmap_mount_runtime_supported(rt);
		if (!supported)
			/* runc 1.1 would mount it unmapped without a word */
			return cpod_error_set(err, CPOD_ECANNOT_INVOKE,
			                      "idmapped mount on %s: the OCI runtime %s does not "
			                      "support the \"idmap\" mount option, crun does "
			                      "(--runtime crun)",
			                      dest, rt && rt->name ? rt->name : "");
		struct idmap_mount_option o;
		int r = idmap_mount_option_parse(opt, &o, err);
		if (r < 0)
			return cpod_error_wrap(err, "idmapped mount on %s", dest);
		/* crun would map to the init user namespace: mount_setattr EPERM */
		if (!o.custom && !userns)
			return cpod_error_set(err, CPOD_ECANNOT_INVOKE,
			                      "idmapped mount on %s: the container has no user "
			                      "namespace to map it to: use --uidmap/--gidmap or "
			                      "--userns, or give the mapping "
			                      "(idmap=uids=...;gids=...)",
			                      dest);
		if (o.relative && !maps)
			return cpod_error_set(
			        err, CPOD_ECANNOT_INVOKE,
			        "idmapped mount on %s: a relative mapping ('@') needs "
			        "the container's user namespace mappings "
			        "(--uidmap/--gidmap)",
			        dest);
	}
	return 0;
}

bool idmap_mount_features_support(const char *json_text, size_t len)
{
	if (!json_text || len > FEATURES_MAX)
		return false;
	_cleanup_json_ json_t *doc = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(doc, "mountOptions"), i, v)
	{
		const char *s = json_string_value(v);
		if (s && strcmp(s, "idmap") == 0)
			return true;
	}
	return false;
}

bool idmap_mount_runtime_supported(const struct oci_runtime *rt)
{
	if (!rt || !rt->name || !rt->path)
		return false;
	/* crun has no `features` verb before 1.9; krun is crun built with libkrun */
	if (strncmp(rt->name, "crun", 4) == 0 || strncmp(rt->name, "krun", 4) == 0)
		return true;
	char *argv[] = {rt->path, (char *)"features", NULL};
	struct runtime_exec_options eo = {
	        .path = rt->path,
	        .argv = argv,
	        .flags = RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_NULL_STDIN |
	                 RUNTIME_EXEC_NULL_OUTPUT,
	        .capture_max = FEATURES_MAX + 1,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	_cleanup_error_ struct cpod_error *xerr = NULL;
	if (runtime_exec_argv(&eo, &res, &xerr) < 0) {
		log_debug("%s features: %s", rt->path, xerr->msg);
		return false;
	}
	if (res.status != 0 || !res.stdout_data)
		return false;
	return idmap_mount_features_support(res.stdout_data, strlen(res.stdout_data));
}
