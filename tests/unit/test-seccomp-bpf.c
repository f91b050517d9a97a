/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime/seccomp-bpf: the seccomp filter cpod compiles for crun's run.oci.seccomp_bpf_data.
 *
 * The proof of equivalence: for the default profile under several capability sets and for
 * custom profiles (argument filters, repeated indexes, errnoRet and action variants), crun
 * create compiles linux.seccomp itself and leaves its program in <state>/<id>/seccomp.bpf
 * (libcrun_open_seccomp_bpf); it must be byte for byte the program cpod compiled. Then
 * containers run with the annotation, checking that denied syscalls stay denied.
 *
 * The compiler, cache and spec tests run anywhere; the crun tests need root and crun and the
 * program exits 77 (skip) with the reason when they cannot run (after the others passed).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/auth-json.h"
#include "runtime/exec.h"
#include "runtime/probe.h"
#include "runtime/seccomp-bpf.h"
#include "runtime/spec.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "busybox-test-helpers.h"
#include "util/banned.h"

#define SKIP 77

/* containers.conf default_capabilities */
static const char *const default_caps[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
        "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
        "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
};

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	if (!j)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

static char *compile_ok(const json_t *prof, size_t *len)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	char *bpf = NULL;
	if (seccomp_bpf_compile(prof, 0, &bpf, len, &err) < 0)
		fail_msg("compile: %s", err->msg);
	assert_true(*len > 0 && *len % 8 == 0);
	return bpf;
}

static void assert_same_program(const char *a_text, const char *b_text)
{
	_cleanup_json_ json_t *a = load(a_text), *b = load(b_text);
	size_t la, lb;
	_cleanup_free_ char *pa = compile_ok(a, &la), *pb = compile_ok(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
}

static void assert_rejected(const char *text, const char *msg)
{
	_cleanup_json_ json_t *p = load(text);
	_cleanup_error_ struct cpod_error *err = NULL;
	char *bpf = NULL;
	size_t len;
	assert_int_equal(seccomp_bpf_compile(p, 0, &bpf, &len, &err), -EINVAL);
	assert_null(bpf);
	assert_non_null(strstr(err->msg, msg));
}

static void test_seccomp_bpf_compile_rejects_what_crun_rejects(void **state)
{
	assert_rejected("{\"syscalls\": []}", "seccomp misses the default action");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
	                "errno value specified for action \"SCMP_ACT_ALLOW\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "invalid seccomp action");
	assert_rejected("{\"defaultAction\": \"ALLOW\"}", "invalid seccomp action \"ALLOW\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_"
	                "VAX\"]}",
	                "seccomp unknown architecture VAX");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"read\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 3}]}",
	                "errno value specified for action \"SCMP_ACT_KILL\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, "
	                "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	                "invalid seccomp index 6");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
	                "\"value\": 1, \"op\": \"EQ\"}]}]}",
	                "invalid seccomp operator \"EQ\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	                "syscalls must be an array");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"read\"]}]}",
	                "seccomp misses the action of a rule");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -1}]}",
	                "errnoRet must be an unsigned integer");
	assert_rejected("[]", "must be an object");
}

static void test_seccomp_bpf_compile_skips_unknown_syscalls(void **state)
{
	assert_same_program("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                    "[\"read\", \"no_such_syscall\", \"write\"], \"action\": "
	                    "\"SCMP_ACT_ALLOW\"}]}",
	                    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                    "[\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	_cleanup_json_ json_t *p = load("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
	                                "[{\"names\": [\"no_such_syscall\"], \"action\": "
	                                "\"SCMP_ACT_ALLOW\"}]}");
	_cleanup_error_ struct cpod_error *err = NULL;
	char *bpf = NULL;
	size_t len;
	assert_int_equal(seccomp_bpf_compile(p, SECCOMP_BPF_FAIL_UNKNOWN_SYSCALL, &bpf, &len, &err),
	                 -ENOENT);
	assert_string_equal(err->msg, "invalid seccomp syscall \"no_such_syscall\"");
}

static void test_seccomp_bpf_compile_rule_shapes(void **state)
{
	/* a repeated index: one rule per comparison (crun's splitting) */
	assert_same_program(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"socket\"], "
	        "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 16, \"op\": "
	        "\"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 17, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"socket\"], "
	        "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 16, \"op\": "
	        "\"SCMP_CMP_EQ\"}]}, {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", "
	        "\"args\": [{\"index\": 0, \"value\": 17, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	/* rules with the default action are dropped; ERRNO without errnoRet is EPERM */
	assert_same_program("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                    "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": "
	                    "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}",
	                    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, "
	                    "\"syscalls\": [{\"names\": [\"read\"], \"action\": "
	                    "\"SCMP_ACT_ALLOW\"}]}");
	/* architecture names: prefix and case do not matter, duplicates are fine */
	assert_same_program("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
	                    "[\"SCMP_ARCH_X86_64\", \"x86_64\", \"SCMP_ARCH_X86\"]}",
	                    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
	                    "[\"SCMP_ARCH_X86\"]}");
}

static void test_seccomp_bpf_cache_key(void **state)
{
	_cleanup_json_ json_t *a =
	        load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": []}");
	_cleanup_json_ json_t *b =
	        load("{\"syscalls\": [], \"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	_cleanup_json_ json_t *c = load("{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": []}");
	char ka[65], kb[65], kc[65];
	seccomp_bpf_cache_key(a, ka);
	seccomp_bpf_cache_key(b, kb);
	seccomp_bpf_cache_key(c, kc);
	assert_int_equal(strlen(ka), 16);
	assert_true(id_is_hex_prefix(ka));
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc);
}

static char *decode(const char *b64, size_t *len)
{
	char *out = NULL;
	assert_int_equal(auth_base64_decode(b64, &out, len), 0);
	return out;
}

static void test_seccomp_bpf_annotation_cache(void **state)
{
	char tmpl[] = "/tmp/cpod-test-seccomp-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_free_ char *dir = path_join(tmpl, "run/seccomp");
	_cleanup_json_ json_t *p =
	        load("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
	             "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	_cleanup_json_ json_t *other = load("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	_cleanup_error_ struct cpod_error *err = NULL;
	size_t len, olen, dlen;
	_cleanup_free_ char *bpf = compile_ok(p, &len), *obpf = compile_ok(other, &olen);
	char key[65];
	seccomp_bpf_cache_key(p, key);
	_cleanup_free_ char *name = xasprintf("%s.bpf", key);
	_cleanup_free_ char *file = path_join(dir, name);

	/* miss: compiled, stored (0600 in a 0700 directory) */
	_cleanup_free_ char *b64 = NULL;
	assert_int_equal(seccomp_bpf_annotation(p, dir, &b64, &err), 0);
	_cleanup_free_ char *got = decode(b64, &dlen);
	assert_int_equal(dlen, len);
	assert_memory_equal(got, bpf, len);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(st.st_size > (off_t)len); /* the profile it was compiled from, then it */
	size_t header = (size_t)st.st_size - len;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	/* hit: what the cache holds for this very profile is used as is */
	_cleanup_free_ char *entry = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, file, 0, &entry, NULL), 0);
	_cleanup_free_ char *forged = xmalloc(header + olen);
	memcpy(forged, entry, header);
	memcpy(forged + header, obpf, olen);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, file, forged, header + olen, 0600, false), 0);
	_cleanup_free_ char *b64_hit = NULL;
	assert_int_equal(seccomp_bpf_annotation(p, dir, &b64_hit, &err), 0);
	_cleanup_free_ char *hit = decode(b64_hit, &dlen);
	assert_int_equal(dlen, olen);
	assert_memory_equal(hit, obpf, olen);

	/* a damaged entry (not whole instructions) is compiled again and replaced */
	assert_int_equal(write_file_atomic_at(AT_FDCWD, file, "1234567", 7, 0600, false), 0);
	_cleanup_free_ char *b64_again = NULL;
	assert_int_equal(seccomp_bpf_annotation(p, dir, &b64_again, &err), 0);
	assert_string_equal(b64_again, b64);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, (off_t)(header + len));

	/* an entry made for another profile (a name collision) is not used */
	memcpy(forged + header - 2, "x", 1);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, file, forged, header + olen, 0600, false), 0);
	_cleanup_free_ char *b64_other = NULL;
	assert_int_equal(seccomp_bpf_annotation(p, dir, &b64_other, &err), 0);
	assert_string_equal(b64_other, b64);

	/* no cache directory: compiled every time */
	_cleanup_free_ char *b64_nocache = NULL;
	assert_int_equal(seccomp_bpf_annotation(p, NULL, &b64_nocache, &err), 0);
	assert_string_equal(b64_nocache, b64);
	assert_int_equal(rm_rf_at(AT_FDCWD, tmpl), 0);
}

static void test_seccomp_bpf_runtime_supported(void **state)
{
	assert_true(seccomp_bpf_runtime_supported("crun"));
	assert_true(seccomp_bpf_runtime_supported("/usr/local/bin/crun"));
	assert_false(seccomp_bpf_runtime_supported("runc"));
	assert_false(seccomp_bpf_runtime_supported("crun-wasm"));
	assert_false(seccomp_bpf_runtime_supported(NULL));
}

/* spec_generate for runtime rt; annotations "k=v" may be NULL */
static json_t *gen_spec(const char *dir, const char *rt, char *const *annotations)
{
	_cleanup_free_ char *rootfs = path_join(dir, "rootfs");
	_cleanup_free_ char *cache = path_join(dir, "seccomp");
	_cleanup_free_ char *etc = path_join(rootfs, "etc");
	assert_int_equal(mkdir_p(etc, 0755), 0);
	_cleanup_free_ char *pw = path_join(etc, "passwd");
	const char *line = "root:x:0:0:root:/root:/bin/sh\n";
	assert_int_equal(write_file_atomic_at(AT_FDCWD, pw, line, strlen(line), 0644, false), 0);
	char *cmd[] = {(char *)"/bin/true", NULL};
	struct spec_opts o = {
	        .rootfs = rootfs,
	        .command = cmd,
	        .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	        .name = "seccomp",
	        .annotations = annotations,
	        .net = SPEC_NS_NONE,
	        .seccomp_profile = "/usr/share/containers/seccomp.json",
	        .runtime_name = rt,
	        .seccomp_cache_dir = cache,
	};
	_cleanup_error_ struct cpod_error *err = NULL;
	json_t *spec = NULL;
	if (spec_generate(&o, NULL, &spec, &err) < 0)
		fail_msg("spec_generate: %s", err->msg);
	return spec;
}

static void test_spec_generate_seccomp_annotation(void **state)
{
	if (access("/usr/share/containers/seccomp.json", R_OK) != 0) {
		print_message("no /usr/share/containers/seccomp.json\n");
		skip();
	}
	char tmpl[] = "/tmp/cpod-test-seccomp-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_json_ json_t *crun = gen_spec(tmpl, "crun", NULL);
	json_t *lx_seccomp = json_object_get(json_object_get(crun, "linux"), "seccomp");
	assert_non_null(lx_seccomp);
	const char *b64 =
	        json_get_string(json_object_get(crun, "annotations"), SECCOMP_BPF_ANNOTATION);
	assert_non_null(b64);
	size_t len, blen;
	_cleanup_free_ char *bpf = decode(b64, &blen), *want = compile_ok(lx_seccomp, &len);
	assert_int_equal(blen, len);
	assert_memory_equal(bpf, want, len);
	char key[65];
	seccomp_bpf_cache_key(lx_seccomp, key);
	_cleanup_free_ char *name = xasprintf("seccomp/%s.bpf", key);
	_cleanup_free_ char *file = path_join(tmpl, name);
	assert_true(path_exists(file));

	/* runc ignores the annotation: none; the profile is there either way */
	_cleanup_json_ json_t *runc = gen_spec(tmpl, "runc", NULL);
	assert_non_null(json_object_get(json_object_get(runc, "linux"), "seccomp"));
	assert_null(json_object_get(json_object_get(runc, "annotations"), SECCOMP_BPF_ANNOTATION));

	/* the user's own annotation and crun's fail-on-unknown mode are left alone */
	char *mine[] = {(char *)SECCOMP_BPF_ANNOTATION "=AAAA", NULL};
	_cleanup_json_ json_t *own = gen_spec(tmpl, "crun", mine);
	assert_string_equal(
	        json_get_string(json_object_get(own, "annotations"), SECCOMP_BPF_ANNOTATION),
	        "AAAA");
	char *strict[] = {(char *)SECCOMP_BPF_FAIL_UNKNOWN_ANNOTATION "=1", NULL};
	_cleanup_json_ json_t *st = gen_spec(tmpl, "crun", strict);
	assert_null(json_object_get(json_object_get(st, "annotations"), SECCOMP_BPF_ANNOTATION));
	assert_int_equal(rm_rf_at(AT_FDCWD, tmpl), 0);
}

/* the crun half, which uses the helpers above */
#include "seccomp-bpf-test-crun.h"

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_seccomp_bpf_compile_rejects_what_crun_rejects),
	        cmocka_unit_test(test_seccomp_bpf_compile_skips_unknown_syscalls),
	        cmocka_unit_test(test_seccomp_bpf_compile_rule_shapes),
	        cmocka_unit_test(test_seccomp_bpf_cache_key),
	        cmocka_unit_test(test_seccomp_bpf_annotation_cache),
	        cmocka_unit_test(test_seccomp_bpf_runtime_supported),
	        cmocka_unit_test(test_spec_generate_seccomp_annotation),
	};
	int r = cmocka_run_group_tests_name("seccomp-bpf", tests, NULL, NULL);
	if (r != 0)
		return r;
	return crun_tests_run(default_caps);
}
