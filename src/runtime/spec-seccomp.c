/* SPDX-License-Identifier: Apache-2.0 */
/*
 * containers seccomp.json -> OCI linux.seccomp, as containers/common pkg/seccomp
 * setupSeccomp() converts it: groups filtered by capabilities, architectures and minimum
 * kernel, archMap expanded for the native architecture, errno names resolved.
 * The profile may come from the user (--security-opt seccomp=PATH): every field is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "runtime/spec-internal.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define DECODE_ERR "decoding seccomp profile failed: "

const char *spec_native_goarch(void)
{
	static const struct {
		const char *machine, *goarch;
	} map[] = {
	        {"x86_64", "amd64"},    {"aarch64", "arm64"}, {"i686", "386"},
	        {"i386", "386"},        {"armv7l", "arm"},    {"armv6l", "arm"},
	        {"ppc64le", "ppc64le"}, {"ppc64", "ppc64"},   {"s390x", "s390x"},
	        {"riscv64", "riscv64"}, {"mips64", "mips64"},
	};
	struct utsname u;
	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(u.machine, map[i].machine) == 0)
			return map[i].goarch;
	return "amd64";
}

/* containers/common nativeToSeccomp */
static const char *native_to_seccomp(const char *goarch)
{
	static const char *const map[][2] = {
	        {"amd64", "SCMP_ARCH_X86_64"},      {"arm64", "SCMP_ARCH_AARCH64"},
	        {"mips64", "SCMP_ARCH_MIPS64"},     {"mips64n32", "SCMP_ARCH_MIPS64N32"},
	        {"mipsel64", "SCMP_ARCH_MIPSEL64"}, {"mipsel64n32", "SCMP_ARCH_MIPSEL64N32"},
	        {"s390x", "SCMP_ARCH_S390X"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], goarch) == 0)
			return map[i][1];
	return NULL;
}

/* A string array field; absent or null is an empty list. */
static int get_strv(const json_t *obj, const char *key, char ***ret, struct cpod_error **err)
{
	json_t *a = json_object_get(obj, key);
	char **out = xnew(char *, 1);
	size_t i;
	json_t *v;

	if (a && !json_is_null(a)) {
		if (!json_is_array(a)) {
			strv_free(out);
			return cpod_error_set(err, EINVAL, DECODE_ERR "%s must be an array", key);
		}
		json_array_foreach (a, i, v) {
			if (!json_is_string(v)) {
				strv_free(out);
				return cpod_error_set(err, EINVAL,
				                      DECODE_ERR "%s must hold strings", key);
			}
			strv_push(&out, json_string_value(v));
		}
	}
	*ret = out;
	return 0;
}

static int get_string(const json_t *obj, const char *key, const char **ret, struct cpod_error **err)
{
	json_t *v = json_object_get(obj, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return cpod_error_set(err, EINVAL, DECODE_ERR "%s must be a string", key);
	*ret = json_string_value(v);
	return 0;
}

/* An unsigned integer field: *present tells whether it was there. */
static int get_uint(const json_t *obj, const char *key, uint64_t max, uint64_t *ret, bool *present,
                    struct cpod_error **err)
{
	json_t *v = json_object_get(obj, key);
	*present = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return cpod_error_set(err, EINVAL, DECODE_ERR "%s must be an unsigned integer",
		                      key);
	*ret = (uint64_t)json_integer_value(v);
	*present = true;
	return 0;
}

/* getErrno(): a name or decimal number in errno wins over errnoRet. */
static int resolve_errno(const char *name, bool has_def, uint64_t def, bool *has, uint64_t *ret,
                         struct cpod_error **err)
{
	*has = has_def;
	*ret = def;
	if (!name || !*name)
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(name, &end, 10);
	if (name[0] >= '0' && name[0] <= '9' && !*end && errno == 0 && n <= UINT32_MAX) {
		*has = true;
		*ret = n;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *s = strerrorname_np(e);
		if (s && strcmp(s, name) == 0) {
			*has = true;
			*ret = (uint64_t)e;
			return 0;
		}
	}
	return cpod_error_set(err, EINVAL, "unknown errno %s", name);
}

/* "5.10.0-23-amd64" >= "4.8"? Unparsable minimum kernels never match. */
static bool kernel_at_least(const char *release, const char *min)
{
	unsigned a = 0, b = 0, ma = 0, mb = 0;
	if (sscanf(min, "%u.%u", &ma, &mb) < 1)
		return false;
	if (sscanf(release, "%u.%u", &a, &b) < 1)
		return false;
	return a > ma || (a == ma && b >= mb);
}

static bool caps_filter_keeps(const json_t *call, char *const *bounding, const char *goarch,
                              const char *release, int *r, struct cpod_error **err)
{
	_cleanup_strv_free_ char **ex_arches = NULL, **ex_caps = NULL;
	_cleanup_strv_free_ char **in_arches = NULL, **in_caps = NULL;
	json_t *inc = json_object_get(call, "includes");
	json_t *exc = json_object_get(call, "excludes");
	const char *min_kernel = NULL;

	*r = 0;
	if ((inc && !json_is_object(inc) && !json_is_null(inc)) ||
	    (exc && !json_is_object(exc) && !json_is_null(exc))) {
		*r = cpod_error_set(err, EINVAL, DECODE_ERR "includes/excludes must be objects");
		return false;
	}
	if ((*r = get_strv(exc, "arches", &ex_arches, err)) < 0 ||
	    (*r = get_strv(exc, "caps", &ex_caps, err)) < 0 ||
	    (*r = get_strv(inc, "arches", &in_arches, err)) < 0 ||
	    (*r = get_strv(inc, "caps", &in_caps, err)) < 0 ||
	    (*r = get_string(inc, "minKernel", &min_kernel, err)) < 0)
		return false;

	if (ex_arches[0] && strv_contains(ex_arches, goarch))
		return false;
	STRV_FOREACH (c, ex_caps)
		if (bounding && strv_contains(bounding, *c))
			return false;
	if (in_arches[0] && !strv_contains(in_arches, goarch))
		return false;
	STRV_FOREACH (c, in_caps)
		if (bounding && !strv_contains(bounding, *c))
			return false;
	if (min_kernel && *min_kernel && !kernel_at_least(release, min_kernel))
		return false;
	return true;
}

static int convert_args(const json_t *args, json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *out = json_array();
	size_t i;
	json_t *a;

	*ret = NULL;
	if (!args || json_is_null(args))
		return 0;
	if (!json_is_array(args))
		return cpod_error_set(err, EINVAL, DECODE_ERR "args must be an array");
	json_array_foreach (args, i, a) {
		uint64_t index = 0, value = 0, value2 = 0;
		bool has;
		const char *op = NULL;
		int r;

		if (!json_is_object(a))
			return cpod_error_set(err, EINVAL, DECODE_ERR "args must hold objects");
		if ((r = get_uint(a, "index", UINT32_MAX, &index, &has, err)) < 0 ||
		    (r = get_uint(a, "value", INT64_MAX, &value, &has, err)) < 0 ||
		    (r = get_uint(a, "valueTwo", INT64_MAX, &value2, &has, err)) < 0 ||
		    (r = get_string(a, "op", &op, err)) < 0)
			return r;
		json_t *o = json_object();
		json_object_set_new(o, "index", json_integer((json_int_t)index));
		json_object_set_new(o, "value", json_integer((json_int_t)value));
		if (value2)
			json_object_set_new(o, "valueTwo", json_integer((json_int_t)value2));
		json_object_set_new(o, "op", json_string(op ? op : ""));
		json_array_append_new(out, o);
	}
	if (json_array_size(out) > 0)
		*ret = TAKE_PTR(out);
	return 0;
}

static json_t *make_syscall(json_t *names, const char *action, bool has_errno, uint64_t errno_ret,
                            json_t *args)
{
	json_t *o = json_object();
	json_object_set_new(o, "names", names);
	json_object_set_new(o, "action", json_string(action ? action : ""));
	if (has_errno)
		json_object_set_new(o, "errnoRet", json_integer((json_int_t)errno_ret));
	if (args)
		json_object_set(o, "args", args);
	return o;
}

static int convert_syscall(const json_t *call, json_t *out, struct cpod_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_json_ json_t *args = NULL;
	const char *name = NULL, *action = NULL, *errno_name = NULL;
	uint64_t errno_ret = 0, eval = 0;
	bool has_ret = false, has = false;
	int r;

	if ((r = get_string(call, "name", &name, err)) < 0 ||
	    (r = get_strv(call, "names", &names, err)) < 0 ||
	    (r = get_string(call, "action", &action, err)) < 0 ||
	    (r = get_string(call, "errno", &errno_name, err)) < 0 ||
	    (r = get_uint(call, "errnoRet", UINT32_MAX, &errno_ret, &has_ret, err)) < 0)
		return r;
	if (name && *name && names[0])
		return cpod_error_set(err, EINVAL,
		                      "'name' and 'names' were specified in the seccomp profile, "
		                      "use either 'name' or 'names'");
	if ((r = resolve_errno(errno_name, has_ret, errno_ret, &has, &eval, err)) < 0)
		return r;
	if ((r = convert_args(json_object_get(call, "args"), &args, err)) < 0)
		return r;
	if (name && *name) {
		json_t *n = json_array();
		json_array_append_new(n, json_string(name));
		json_array_append_new(out, make_syscall(n, action, has, eval, args));
	}
	if (names[0]) {
		json_t *n = json_array();
		STRV_FOREACH (s, names)
			json_array_append_new(n, json_string(*s));
		json_array_append_new(out, make_syscall(n, action, has, eval, args));
	}
	return 0;
}

static int convert_arches(const json_t *prof, const char *goarch, json_t *out,
                          struct cpod_error **err)
{
	_cleanup_strv_free_ char **arches = NULL;
	json_t *map = json_object_get(prof, "archMap");
	int r;

	if ((r = get_strv(prof, "architectures", &arches, err)) < 0)
		return r;
	bool has_map = map && !json_is_null(map);
	if (has_map && !json_is_array(map))
		return cpod_error_set(err, EINVAL, DECODE_ERR "archMap must be an array");
	if (arches[0] && has_map && json_array_size(map) > 0)
		return cpod_error_set(err, EINVAL,
		                      "'architectures' and 'archMap' were specified in the seccomp "
		                      "profile, use either 'architectures' or 'archMap'");
	json_t *list = json_array();
	STRV_FOREACH (a, arches)
		json_array_append_new(list, json_string(*a));
	const char *native = native_to_seccomp(goarch);
	size_t i;
	json_t *entry;
	if (has_map) {
		json_array_foreach (map, i, entry) {
			_cleanup_strv_free_ char **subs = NULL;
			const char *arch = NULL;
			if (!json_is_object(entry)) {
				json_decref(list);
				return cpod_error_set(err, EINVAL,
				                      DECODE_ERR "archMap must hold objects");
			}
			if ((r = get_string(entry, "architecture", &arch, err)) < 0 ||
			    (r = get_strv(entry, "subArchitectures", &subs, err)) < 0) {
				json_decref(list);
				return r;
			}
			if (!native || !arch || strcmp(arch, native) != 0)
				continue;
			json_array_append_new(list, json_string(arch));
			STRV_FOREACH (s, subs)
				json_array_append_new(list, json_string(*s));
			break;
		}
	}
	if (json_array_size(list) > 0)
		json_object_set_new(out, "architectures", list);
	else
		json_decref(list);
	return 0;
}

int spec_seccomp_convert(const char *data, size_t len, char *const *bounding, const char *goarch,
                         const char *kernel_release, json_t **ret, struct cpod_error **err)
{
	_cleanup_json_ json_t *prof = NULL;
	_cleanup_json_ json_t *out = NULL;
	_cleanup_strv_free_ char **flags = NULL;
	json_error_t jerr;
	struct utsname u;
	const char *def_action = NULL, *def_errno = NULL, *lpath = NULL, *lmeta = NULL;
	uint64_t def_ret = 0, eval = 0;
	bool has_def_ret = false, has = false;
	int r;

	if (len > SPEC_SECCOMP_MAX_SIZE)
		return cpod_error_set(err, EFBIG, DECODE_ERR "profile larger than %u bytes",
		                      SPEC_SECCOMP_MAX_SIZE);
	prof = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!prof)
		return cpod_error_set(err, EINVAL, DECODE_ERR "%s", jerr.text);
	if (!json_is_object(prof))
		return cpod_error_set(err, EINVAL, DECODE_ERR "the profile must be an object");
	if (!goarch)
		goarch = spec_native_goarch();
	if (!kernel_release)
		kernel_release = uname(&u) == 0 ? u.release : "0.0";

	json_t *calls = json_object_get(prof, "syscalls");
	if (calls && !json_is_null(calls) && !json_is_array(calls))
		return cpod_error_set(err, EINVAL, DECODE_ERR "syscalls must be an array");
	if ((r = get_string(prof, "defaultAction", &def_action, err)) < 0 ||
	    (r = get_string(prof, "defaultErrno", &def_errno, err)) < 0 ||
	    (r = get_string(prof, "listenerPath", &lpath, err)) < 0 ||
	    (r = get_string(prof, "listenerMetadata", &lmeta, err)) < 0 ||
	    (r = get_strv(prof, "flags", &flags, err)) < 0 ||
	    (r = get_uint(prof, "defaultErrnoRet", UINT32_MAX, &def_ret, &has_def_ret, err)) < 0)
		return r;
	/* No default action and no syscalls: seccomp disabled */
	if ((!def_action || !*def_action) && json_array_size(calls) == 0) {
		*ret = NULL;
		return 0;
	}

	out = json_object();
	json_object_set_new(out, "defaultAction", json_string(def_action ? def_action : ""));
	if ((r = resolve_errno(def_errno, has_def_ret, def_ret, &has, &eval, err)) < 0)
		return r;
	if (has)
		json_object_set_new(out, "defaultErrnoRet", json_integer((json_int_t)eval));
	if ((r = convert_arches(prof, goarch, out, err)) < 0)
		return r;
	if (flags[0]) {
		json_t *f = json_array();
		STRV_FOREACH (s, flags)
			json_array_append_new(f, json_string(*s));
		json_object_set_new(out, "flags", f);
	}
	if (lpath && *lpath)
		json_object_set_new(out, "listenerPath", json_string(lpath));
	if (lmeta && *lmeta)
		json_object_set_new(out, "listenerMetadata", json_string(lmeta));

	json_t *list = json_array();
	json_object_set_new(out, "syscalls", list);
	size_t i;
	json_t *call;
	json_array_foreach (calls, i, call) {
		if (!json_is_object(call))
			return cpod_error_set(err, EINVAL, DECODE_ERR "syscalls must hold objects");
		if (!caps_filter_keeps(call, bounding, goarch, kernel_release, &r, err)) {
			if (r < 0)
				return r;
			continue;
		}
		if ((r = convert_syscall(call, list, err)) < 0)
			return r;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int spec_build_seccomp(const struct spec_opts *opts, const struct spec_defaults *defs,
                       char *const *bounding, json_t **ret, struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	const char *path = opts->seccomp_profile;
	bool is_default = !path || !*path;
	int r;

	*ret = NULL;
	if (is_default)
		path = defs->seccomp_profile && *defs->seccomp_profile ? defs->seccomp_profile
		                                                       : SPEC_DEFAULT_SECCOMP;
	if (strcmp(path, "unconfined") == 0)
		return 0;
	/* Privileged containers run unconfined unless a profile was asked for explicitly */
	if (opts->privileged && (is_default || strcmp(path, SPEC_DEFAULT_SECCOMP) == 0))
		return 0;
	if (opts->seccomp_profile_data) {
		r = spec_seccomp_convert(opts->seccomp_profile_data,
		                         strlen(opts->seccomp_profile_data), bounding, NULL, NULL,
		                         ret, err);
		return r < 0 ? cpod_error_wrap(err, "loading seccomp profile failed") : 0;
	}
	r = read_file_at(AT_FDCWD, path, SPEC_SECCOMP_MAX_SIZE, &data, &len);
	if (r == -ENOENT && is_default) {
		/* Podman falls back to its compiled-in profile; cpod has none yet */
		log_warn("seccomp profile \"%s\" not found, running without seccomp", path);
		return 0;
	}
	if (r < 0)
		return cpod_error_set_errno(err, -r, "opening seccomp profile failed");
	r = spec_seccomp_convert(data, len, bounding, NULL, NULL, ret, err);
	if (r < 0)
		return cpod_error_wrap(err, "loading seccomp profile (%s) failed", path);
	return 0;
}
