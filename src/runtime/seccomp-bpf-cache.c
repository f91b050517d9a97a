/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled seccomp program, cached under the run root (tmpfs: gone at reboot, which is
 * also when the kernel or libseccomp may have changed) and handed to crun as base64.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <seccomp.h>

#include "config/auth-json.h"
#include "runtime/seccomp-bpf.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "banned.h"

/* Bump when the way the program is compiled changes: old cache entries are then ignored. */
#define CACHE_FORMAT "cpod-seccomp-bpf-1"

bool seccomp_bpf_runtime_supported(const char *runtime_name)
{
	if (!runtime_name)
		return false;
	const char *slash = strrchr(runtime_name, '/');
	const char *base = slash ? slash + 1 : runtime_name;
	return strcmp(base, "crun") == 0;
}

static void digest_str(struct digester *d, const char *s)
{
	/* the NUL keeps ("ab", "c") and ("a", "bc") apart */
	digester_update(d, s, strlen(s) + 1);
}

void seccomp_bpf_cache_key(const json_t *oci_seccomp, char hex[65])
{
	_cleanup_(digester_freep) struct digester *d = digester_new();
	_cleanup_free_ char *canon = json_dumps(oci_seccomp, JSON_COMPACT | JSON_SORT_KEYS);
	const struct scmp_version *v = seccomp_version();
	char buf[96];
	struct utsname u;

	digest_str(d, CACHE_FORMAT);
	digest_str(d, canon ? canon : "");
	snprintf(buf, sizeof(buf), "libseccomp %u.%u.%u arch %#x", v->major, v->minor, v->micro,
	         seccomp_arch_native());
	digest_str(d, buf);
	if (uname(&u) == 0) {
		digest_str(d, u.machine);
		digest_str(d, u.release);
	}
	digester_final_hex(d, hex);
}

/* A program as the kernel takes it: whole sock_filter entries (8 bytes each), not empty. */
static bool bpf_plausible(size_t len)
{
	return len > 0 && len % 8 == 0 && len <= SECCOMP_BPF_MAX_SIZE;
}

static int cache_load(const char *cache_dir, const char *file, char **ret, size_t *ret_len)
{
	_cleanup_close_ int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	int r = read_file_at(dfd, file, SECCOMP_BPF_MAX_SIZE, ret, ret_len);
	if (r < 0)
		return r;
	if (!bpf_plausible(*ret_len)) {
		free(*ret);
		*ret = NULL;
		return -EBADMSG;
	}
	return 0;
}

static void cache_store(const char *cache_dir, const char *file, const char *data, size_t len)
{
	int r = mkdir_p(cache_dir, 0700);
	if (r >= 0) {
		_cleanup_close_ int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = dfd < 0 ? -errno : write_file_atomic_at(dfd, file, data, len, 0600, false);
	}
	if (r < 0)
		log_debug("storing the seccomp BPF cache %s/%s: %s", cache_dir, file, strerror(-r));
}

int seccomp_bpf_annotation(const json_t *oci_seccomp, const char *cache_dir, char **ret_base64,
                           struct cpod_error **err)
{
	_cleanup_free_ char *bpf = NULL;
	size_t len = 0;
	char key[65], file[80];
	int r;

	*ret_base64 = NULL;
	if (cache_dir) {
		seccomp_bpf_cache_key(oci_seccomp, key);
		snprintf(file, sizeof(file), "%s.bpf", key);
		r = cache_load(cache_dir, file, &bpf, &len);
		if (r < 0 && r != -ENOENT)
			log_debug("ignoring the seccomp BPF cache %s/%s: %s", cache_dir, file,
			          strerror(-r));
	}
	if (!bpf) {
		r = seccomp_bpf_compile(oci_seccomp, 0, &bpf, &len, err);
		if (r < 0)
			return r;
		if (!bpf_plausible(len))
			return cpod_error_set(err, EINVAL,
			                      "seccomp BPF program of %zu bytes is not valid", len);
		if (cache_dir)
			cache_store(cache_dir, file, bpf, len);
	}
	*ret_base64 = auth_base64_encode(bpf, len);
	return 0;
}
