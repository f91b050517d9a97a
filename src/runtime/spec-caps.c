/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability names and containers/common pkg/capabilities MergeCapabilities.
 */
#include <ctype.h>
#include <string.h>
#include <sys/prctl.h>

#include "runtime/spec-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* Indexed by capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE. */
static const char *const cap_names[] = {
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS (sizeof(cap_names) / sizeof(cap_names[0]))

bool spec_cap_known(const char *name)
{
	for (size_t i = 0; i < N_CAPS; i++)
		if (strcmp(cap_names[i], name) == 0)
			return true;
	return false;
}

const char *spec_cap_name(unsigned idx)
{
	return idx < N_CAPS ? cap_names[idx] : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_sort(char **v)
{
	if (v)
		qsort(v, strv_length(v), sizeof(char *), cmp_str);
}

char **spec_caps_bounding_set(void)
{
	char **r = NULL;
	for (size_t i = 0; i < N_CAPS; i++) {
		/* EINVAL: the kernel does not know this capability */
		if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) == 1)
			strv_push(&r, cap_names[i]);
	}
	if (!r)
		r = xnew(char *, 1);
	strv_sort(r);
	return r;
}

/* NormalizeCapabilities: upper case, "CAP_" prefix, known names only; sorted. */
static int caps_normalize(char *const *in, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **out = xnew(char *, 1);
	STRV_FOREACH (c, (char **)in) {
		_cleanup_free_ char *up = xstrdup(*c);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strcmp(up, "ALL") == 0) {
			strv_consume(&out, TAKE_PTR(up));
			continue;
		}
		char *name = strncmp(up, "CAP_", 4) == 0 ? xstrdup(up) : xasprintf("CAP_%s", up);
		if (!spec_cap_known(name)) {
			cpod_error_set(err, EINVAL, "\"%s\": unknown capability", name);
			free(name);
			return -EINVAL;
		}
		strv_consume(&out, name);
	}
	strv_sort(out);
	*ret = TAKE_PTR(out);
	return 0;
}

int spec_caps_merge(char *const *base, char *const *add, char *const *drop, char ***ret,
                    struct cpod_error **err)
{
	_cleanup_strv_free_ char **nbase = NULL, **nadd = NULL, **ndrop = NULL;
	int r;

	if ((r = caps_normalize(base, &nbase, err)) < 0 ||
	    (r = caps_normalize(add, &nadd, err)) < 0 ||
	    (r = caps_normalize(drop, &ndrop, err)) < 0)
		return r;
	if (!nadd[0] && !ndrop[0]) {
		*ret = TAKE_PTR(nbase);
		return 0;
	}
	if (strv_contains(ndrop, "ALL")) {
		if (strv_contains(nadd, "ALL"))
			return cpod_error_set(err, EINVAL,
			                      "adding all caps and removing all caps not allowed");
		*ret = TAKE_PTR(nadd);
		return 0;
	}
	if (strv_contains(nadd, "ALL")) {
		strv_free(nbase);
		nbase = spec_caps_bounding_set();
		strv_free(nadd);
		nadd = xnew(char *, 1);
	}
	STRV_FOREACH (a, nadd)
		if (strv_contains(ndrop, *a))
			return cpod_error_set(err, EINVAL,
			                      "capability \"%s\" cannot be dropped and added", *a);

	char **out = xnew(char *, 1);
	STRV_FOREACH (c, nbase)
		if (!strv_contains(ndrop, *c) && !strv_contains(out, *c))
			strv_push(&out, *c);
	STRV_FOREACH (a, nadd)
		if (!strv_contains(out, *a))
			strv_push(&out, *a);
	strv_sort(out);
	*ret = out;
	return 0;
}
