/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_SECCOMP_BPF_H
#define CPOD_RUNTIME_SECCOMP_BPF_H

/*
 * The container's seccomp filter compiled once, by cpod, instead of by crun at every create.
 *
 * crun (>= 1.x) reads the annotation "run.oci.seccomp_bpf_data": base64 of a raw classic BPF
 * program (struct sock_filter[]), which it writes into <state>/<id>/seccomp.bpf in place of
 * compiling linux.seccomp with libseccomp, and loads with seccomp(SECCOMP_SET_MODE_FILTER)
 * using the flags of linux.seccomp.flags as usual. Compiling the default profile costs crun
 * about 15 ms per container here; cpod compiles it exactly as crun 1.8.1's
 * libcrun_generate_seccomp() does, so the program is byte for byte the one crun would have
 * produced (tests/unit/test-seccomp-bpf.c compares them), and caches it under the run root.
 *
 * runc ignores the annotation, so it is only for crun; linux.seccomp stays in the spec.
 */
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/error.h"

#define SECCOMP_BPF_ANNOTATION "run.oci.seccomp_bpf_data"
/* crun: a value other than "0" makes an unknown syscall name an error instead of a warning */
#define SECCOMP_BPF_FAIL_UNKNOWN_ANNOTATION "run.oci.seccomp_fail_unknown_syscall"

/* Largest compiled program accepted (the kernel loads at most 4096 instructions = 32 KiB). */
#define SECCOMP_BPF_MAX_SIZE (256u * 1024u)

enum seccomp_bpf_flags {
	/* crun's LIBCRUN_SECCOMP_FAIL_UNKNOWN_SYSCALL: unknown syscall names are errors */
	SECCOMP_BPF_FAIL_UNKNOWN_SYSCALL = 1 << 0,
};

/*
 * Compile the OCI linux.seccomp object (untrusted shape: every field is checked) into a BPF
 * program as crun 1.8.1 does: seccomp_init(defaultAction with defaultErrnoRet, EPERM when
 * absent), every architecture added (EEXIST ignored), per syscall entry the action with
 * errnoRet (EPERM when absent), entries whose action equals the default skipped, unknown
 * names skipped (an error with SECCOMP_BPF_FAIL_UNKNOWN_SYSCALL), argument comparisons added
 * as one rule, or as one rule per comparison when an index repeats, and libseccomp's default
 * filter attributes (crun sets none). *ret (owned, *ret_len bytes, a multiple of 8) is what
 * seccomp_export_bpf() writes. Errors: EINVAL for malformed or unsupported profiles (crun
 * rejects the same ones), ENOENT for unknown syscalls with the flag, libseccomp's errno.
 */
int seccomp_bpf_compile(const json_t *oci_seccomp, unsigned flags, char **ret, size_t *ret_len,
                        struct cpod_error **err);

/*
 * The cache file name of a profile: a 64-bit FNV-1a hash in hex (hex[65]) over the canonical
 * JSON of oci_seccomp (sorted keys, compact), the libseccomp version, the native architecture
 * and the kernel release, since all of them may change the compiled program. A cache file
 * holds that material before the program, and a hit compares it byte for byte.
 */
void seccomp_bpf_cache_key(const json_t *oci_seccomp, char hex[65]);

/*
 * The value of the run.oci.seccomp_bpf_data annotation for oci_seccomp: base64 (RFC 4648,
 * padded, one line) of the compiled program. With cache_dir (NULL: no cache), the program is
 * read from cache_dir/<key>.bpf when present and valid, else compiled and stored there
 * atomically (cache_dir is created 0700; a failed store is only logged at debug level).
 * *ret_base64 is owned. Errors: those of seccomp_bpf_compile().
 */
int seccomp_bpf_annotation(const json_t *oci_seccomp, const char *cache_dir, char **ret_base64,
                           struct cpod_error **err);

/* True for runtimes that honour the annotation: crun (by name, or a path ending in /crun). */
bool seccomp_bpf_runtime_supported(const char *runtime_name);

#endif
