/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI linux.seccomp -> BPF with libseccomp, in the order and with the choices of crun 1.8.1's
 * libcrun_generate_seccomp() (src/libcrun/seccomp.c), so that the exported program is the
 * very one crun would load. Anything crun would refuse is refused here too; the caller then
 * leaves the compilation (and the error) to crun.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <seccomp.h>

#include "runtime/seccomp-bpf.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "banned.h"

/* crun copies at most 31 characters of an architecture name before resolving it */
#define ARCH_NAME_MAX 31
/* crun looks at no more than six comparisons per rule, the number of syscall arguments */
#define MAX_ARGS 6

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static bool action_takes_errno(const char *action)
{
	return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

/* crun's get_seccomp_action(): the SCMP_ACT_ names libseccomp 2.5 knows. */
static int parse_action(const char *name, uint32_t errno_ret, uint32_t *ret,
                        struct cpod_error **err)
{
	static const struct {
		const char *name;
		uint32_t action;
	} plain[] = {
	        {"ALLOW", SCMP_ACT_ALLOW},
	        {"KILL", SCMP_ACT_KILL},
	        {"LOG", SCMP_ACT_LOG},
	        {"TRAP", SCMP_ACT_TRAP},
	        {"KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
	        {"KILL_THREAD", SCMP_ACT_KILL_THREAD},
	        {"NOTIFY", SCMP_ACT_NOTIFY},
	};
	const char *p = name;

	if (strncmp(p, "SCMP_ACT_", 9) != 0)
		return cpod_error_set(err, EINVAL, "invalid seccomp action \"%s\"", name);
	p += 9;
	if (strcmp(p, "ERRNO") == 0) {
		*ret = SCMP_ACT_ERRNO(errno_ret);
		return 0;
	}
	if (strcmp(p, "TRACE") == 0) {
		*ret = SCMP_ACT_TRACE(errno_ret);
		return 0;
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(p, plain[i].name) == 0) {
			*ret = plain[i].action;
			return 0;
		}
	}
	return cpod_error_set(err, EINVAL, "invalid seccomp action \"%s\"", name);
}

static int parse_operator(const char *name, enum scmp_compare *ret, struct cpod_error **err)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	        {"SCMP_CMP_NE", SCMP_CMP_NE},
	        {"SCMP_CMP_LT", SCMP_CMP_LT},
	        {"SCMP_CMP_LE", SCMP_CMP_LE},
	        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	        {"SCMP_CMP_GE", SCMP_CMP_GE},
	        {"SCMP_CMP_GT", SCMP_CMP_GT},
	        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(name, ops[i].name) == 0) {
			*ret = ops[i].op;
			return 0;
		}
	}
	return cpod_error_set(err, EINVAL, "invalid seccomp operator \"%s\"", name ? name : "");
}

/* An unsigned integer field of at most max; *present says whether it was there. */
static int get_uint(const json_t *o, const char *key, uint64_t max, uint64_t *ret, bool *present,
                    struct cpod_error **err)
{
	json_t *v = json_object_get(o, key);
	*ret = 0;
	*present = v && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return cpod_error_set(err, EINVAL, "seccomp %s must be an unsigned integer", key);
	*ret = (uint64_t)json_integer_value(v);
	return 0;
}

/* The errno of an action: errnoRet when given (only for ERRNO and TRACE), else EPERM. */
static int action_of(const json_t *o, const char *action_key, const char *errno_key, uint32_t *ret,
                     struct cpod_error **err)
{
	const char *action = json_string_value(json_object_get(o, action_key));
	uint64_t eret;
	bool has;
	int r;

	if (!action)
		return cpod_error_set(err, EINVAL, "seccomp misses the %s",
		                      strcmp(action_key, "action") == 0 ? "action of a rule"
		                                                        : "default action");
	if ((r = get_uint(o, errno_key, UINT32_MAX, &eret, &has, err)) < 0)
		return r;
	if (has && !action_takes_errno(action))
		return cpod_error_set(err, EINVAL, "errno value specified for action \"%s\"",
		                      action);
	return parse_action(action, has ? (uint32_t)eret : EPERM, ret, err);
}

static int add_arches(scmp_filter_ctx ctx, const json_t *arches, struct cpod_error **err)
{
	size_t i;
	json_t *v;

	if (arches && !json_is_null(arches) && !json_is_array(arches))
		return cpod_error_set(err, EINVAL, "seccomp architectures must be an array");
	json_array_foreach (arches, i, v) {
		const char *arch = json_string_value(v);
		char lower[ARCH_NAME_MAX + 1];
		size_t n = 0;

		if (!arch)
			return cpod_error_set(err, EINVAL, "seccomp architectures must be strings");
		if (strncmp(arch, "SCMP_ARCH_", 10) == 0)
			arch += 10;
		for (; arch[n] && n < ARCH_NAME_MAX; n++)
			lower[n] = (char)(arch[n] >= 'A' && arch[n] <= 'Z' ? arch[n] - 'A' + 'a'
			                                                   : arch[n]);
		lower[n] = '\0';
		uint32_t token = seccomp_arch_resolve_name(lower);
		if (token == 0)
			return cpod_error_set(err, EINVAL, "seccomp unknown architecture %s", arch);
		int r = seccomp_arch_add(ctx, token);
		if (r < 0 && r != -EEXIST)
			return cpod_error_set_errno(err, -r, "seccomp adding architecture");
	}
	return 0;
}

/*
 * The comparisons of one rule. crun adds them as one rule (all must match), unless an
 * argument index appears twice: then each comparison becomes a rule of its own (any matches),
 * since libseccomp refuses two comparisons of one argument in a rule.
 */
static int parse_args(const json_t *args, struct scmp_arg_cmp cmp[MAX_ARGS], size_t *n, bool *split,
                      struct cpod_error **err)
{
	unsigned count[MAX_ARGS] = {0};
	size_t len = json_array_size(args), k;
	int r;

	if (!json_is_array(args))
		return cpod_error_set(err, EINVAL, "seccomp args must be an array");
	*split = false;
	for (k = 0; k < len && k < MAX_ARGS; k++) {
		const json_t *a = json_array_get(args, k);
		uint64_t index, value, value2;
		bool has_index, has;
		enum scmp_compare op = _SCMP_CMP_MIN;

		if (!json_is_object(a))
			return cpod_error_set(err, EINVAL, "seccomp args must hold objects");
		if ((r = get_uint(a, "index", UINT32_MAX, &index, &has_index, err)) < 0 ||
		    (r = get_uint(a, "value", INT64_MAX, &value, &has, err)) < 0 ||
		    (r = get_uint(a, "valueTwo", INT64_MAX, &value2, &has, err)) < 0)
			return r;
		if (!has_index)
			return cpod_error_set(err, EINVAL, "seccomp args miss the index");
		if (index >= MAX_ARGS)
			return cpod_error_set(err, EINVAL, "invalid seccomp index %" PRIu64, index);
		if (++count[index] > 1)
			*split = true;
		if ((r = parse_operator(json_string_value(json_object_get(a, "op")), &op, err)) < 0)
			return r;
		cmp[k] = (struct scmp_arg_cmp){
		        .arg = (unsigned)index, .op = op, .datum_a = value, .datum_b = value2};
	}
	*n = k;
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, const json_t *args,
                    unsigned flags, struct cpod_error **err)
{
	struct scmp_arg_cmp cmp[MAX_ARGS];
	size_t n = 0;
	bool split = false;
	int r;

	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		if (flags & SECCOMP_BPF_FAIL_UNKNOWN_SYSCALL)
			return cpod_error_set(err, ENOENT, "invalid seccomp syscall \"%s\"", name);
		/* crun warns and goes on: the filter simply has no rule for it */
		log_debug("unknown seccomp syscall \"%s\" ignored", name);
		return 0;
	}
	if (!args || json_is_null(args)) {
		r = seccomp_rule_add(ctx, action, nr, 0);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "seccomp_rule_add \"%s\"", name);
		return 0;
	}
	if ((r = parse_args(args, cmp, &n, &split, err)) < 0)
		return r;
	if (!split) {
		r = seccomp_rule_add_array(ctx, action, nr, (unsigned)n, cmp);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "seccomp_rule_add_array \"%s\"", name);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "seccomp_rule_add_array \"%s\"", name);
	}
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, uint32_t def_action, const json_t *calls,
                        unsigned flags, struct cpod_error **err)
{
	size_t i, j;
	json_t *call, *name;
	int r;

	if (calls && !json_is_null(calls) && !json_is_array(calls))
		return cpod_error_set(err, EINVAL, "seccomp syscalls must be an array");
	json_array_foreach (calls, i, call) {
		uint32_t action;

		if (!json_is_object(call))
			return cpod_error_set(err, EINVAL, "seccomp syscalls must hold objects");
		if ((r = action_of(call, "action", "errnoRet", &action, err)) < 0)
			return r;
		if (action == def_action)
			continue;
		const json_t *names = json_object_get(call, "names");
		if (names && !json_is_null(names) && !json_is_array(names))
			return cpod_error_set(err, EINVAL, "seccomp names must be an array");
		json_array_foreach (names, j, name) {
			if (!json_is_string(name))
				return cpod_error_set(err, EINVAL, "seccomp names must be strings");
			r = add_rule(ctx, action, json_string_value(name),
			             json_object_get(call, "args"), flags, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, char **ret, size_t *ret_len, struct cpod_error **err)
{
	_cleanup_close_ int fd = memfd_create("cpod-seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "seccomp_export_bpf");
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "lseek");
	r = read_fd_all(fd, SECCOMP_BPF_MAX_SIZE, ret, ret_len);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read the seccomp BPF program");
	return 0;
}

int seccomp_bpf_compile(const json_t *oci_seccomp, unsigned flags, char **ret, size_t *ret_len,
                        struct cpod_error **err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	uint32_t def_action;
	int r;

	*ret = NULL;
	*ret_len = 0;
	if (!json_is_object(oci_seccomp))
		return cpod_error_set(err, EINVAL, "seccomp configuration must be an object");
	if ((r = action_of(oci_seccomp, "defaultAction", "defaultErrnoRet", &def_action, err)) < 0)
		return r;
	ctx = seccomp_init(def_action);
	if (!ctx)
		return cpod_error_set(err, EINVAL, "error seccomp_init");
	if ((r = add_arches(ctx, json_object_get(oci_seccomp, "architectures"), err)) < 0)
		return r;
	r = add_syscalls(ctx, def_action, json_object_get(oci_seccomp, "syscalls"), flags, err);
	if (r < 0)
		return r;
	return export_bpf(ctx, ret, ret_len, err);
}
