/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled seccomp program, cached under the run root (tmpfs: gone at reboot, which is
 * also when the kernel or libseccomp may have changed) and handed to crun as base64.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <seccomp.h>

#include "config/auth-json.h"
#include "runtime/seccomp-bpf.h"
#include "util/cleanup.h"
#include "util/buf.h"
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

/*
 * What a cached program was compiled from: the canonical JSON of the profile (sorted keys,
 * compact), the libseccomp version, the native architecture and the kernel release, each
 * NUL-terminated. Stored in front of the program and compared byte for byte on a hit, so the
 * file name can come from a cheap hash (no libcrypto on the run path) and a collision can
 * never hand crun another profile's filter.
 */
static char *cache_key_material(const json_t *oci_seccomp, size_t *ret_len)
{
	_cleanup_free_ char *canon = json_dumps(oci_seccomp, JSON_COMPACT | JSON_SORT_KEYS);
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	struct buf b = BUF_INIT;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	buf_printf(&b, "%s%c%s%clibseccomp %u.%u.%u arch %#x%c%s%c%s%c", CACHE_FORMAT, 0,
		   canon ? canon : "", 0, v->major, v->minor, v->micro, seccomp_arch_native(), 0,
		   u.machine, 0, u.release, 0);
	*ret_len = b.len;
	return buf_take(&b);
}

void seccomp_bpf_cache_key(const json_t *oci_seccomp, char hex[65])
{
	size_t len = 0;
	_cleanup_free_ char *m = cache_key_material(oci_seccomp, &len);
	/* FNV-1a, 64 bits: only the file name; the material itself is verified on a hit */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)m[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(hex, 65, "%016" PRIx64, h);
}

/* A program as the kernel takes it: whole sock_filter entries (8 bytes each), not empty. */
static bool bpf_plausible(size_t len)
{
	return len > 0 && len % 8 == 0 && len <= SECCOMP_BPF_MAX_SIZE;
}

/* The program stored after key (the material it was compiled from), or -EBADMSG. */
static int cache_load(const char *cache_dir, const char *file, const char *key, size_t key_len,
		      char **ret, size_t *ret_len)
{
	_cleanup_close_ int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(dfd, file, key_len + SECCOMP_BPF_MAX_SIZE, &data, &len);
	if (r < 0)
		return r;
	if (len < key_len || memcmp(data, key, key_len) != 0 || !bpf_plausible(len - key_len))
		return -EBADMSG;
	*ret_len = len - key_len;
	*ret = xmemdup(data + key_len, *ret_len);
	return 0;
}

static void cache_store(const char *cache_dir, const char *file, const char *key, size_t key_len,
			const char *data, size_t len)
{
	struct buf b = BUF_INIT;
	buf_append(&b, key, key_len);
	buf_append(&b, data, len);
	int r = mkdir_p(cache_dir, 0700);
	if (r >= 0) {
		_cleanup_close_ int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = dfd < 0 ? -errno : write_file_atomic_at(dfd, file, b.data, b.len, 0600, false);
	}
	buf_release(&b);
	if (r < 0)
		log_debug("storing the seccomp BPF cache %s/%s: %s", cache_dir, file, strerror(-r));
}

int seccomp_bpf_annotation(const json_t *oci_seccomp, const char *cache_dir, char **ret_base64,
                           struct cpod_error **err)
{
	_cleanup_free_ char *bpf = NULL, *material = NULL;
	size_t len = 0, material_len = 0;
	char key[65], file[80];
	int r;

	*ret_base64 = NULL;
	if (cache_dir) {
		seccomp_bpf_cache_key(oci_seccomp, key);
		snprintf(file, sizeof(file), "%s.bpf", key);
		material = cache_key_material(oci_seccomp, &material_len);
		r = cache_load(cache_dir, file, material, material_len, &bpf, &len);
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
			cache_store(cache_dir, file, material, material_len, bpf, len);
	}
	*ret_base64 = auth_base64_encode(bpf, len);
	return 0;
}
