/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup statistics for `stats`: v1 (cpuacct, memory, pids, blkio controllers) and v2
 * (cpu.stat, memory.current, pids.current, io.stat), plus /proc/<pid>/net/dev.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup-stats.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define STAT_FILE_MAX (256 * 1024)

char *cgroup_path_of(const char *proc_cgroup, const char *ctrl)
{
	_cleanup_strv_free_ char **lines = strv_split(proc_cgroup ? proc_cgroup : "", "\n");
	STRV_FOREACH(l, lines)
	{
		/* "ID:controllers:path"; the path may itself hold ':' */
		char *c1 = strchr(*l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || c2[1] != '/' || strstr(c2 + 1, "/.."))
			continue;
		if (!ctrl) {
			if (strncmp(*l, "0::", 3) == 0)
				return xstrdup(c2 + 1);
			continue;
		}
		_cleanup_free_ char *list = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
		_cleanup_strv_free_ char **names = strv_split(list, ",");
		if (strv_contains(names, ctrl))
			return xstrdup(c2 + 1);
	}
	return NULL;
}

static char *read_small(const char *path)
{
	char *text = NULL;
	if (read_file_at(AT_FDCWD, path, STAT_FILE_MAX, &text, NULL) < 0)
		return NULL;
	return text;
}

/* A file holding one number; "max" (v2) and v1's huge "unlimited" values give 0. */
static uint64_t read_u64(const char *dir, const char *file)
{
	_cleanup_free_ char *p = path_join(dir, file);
	_cleanup_free_ char *t = read_small(p);
	char *end;
	if (!t || strncmp(t, "max", 3) == 0)
		return 0;
	unsigned long long v = strtoull(t, &end, 10);
	if (end == t || v >= (UINT64_C(1) << 62))
		return 0;
	return v;
}

/* "key value" lines: the value of key, 0 when absent. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

void cgroup_net_dev_parse(const char *text, uint64_t *rx, uint64_t *tx)
{
	*rx = *tx = 0;
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	STRV_FOREACH(l, lines)
	{
		char *colon = strchr(*l, ':');
		if (!colon)
			continue;
		const char *name = *l + strspn(*l, " ");
		if ((size_t)(colon - name) == 2 && strncmp(name, "lo", 2) == 0)
			continue;
		unsigned long long v[9];
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		           &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
			continue;
		*rx += v[0];
		*tx += v[8];
	}
}

void cgroup_blkio_v1_parse(const char *text, uint64_t *rd, uint64_t *wr)
{
	*rd = *wr = 0;
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	STRV_FOREACH(l, lines)
	{
		unsigned maj, min;
		char op[16];
		unsigned long long v;
		if (sscanf(*l, "%u:%u %15s %llu", &maj, &min, op, &v) != 4)
			continue;
		if (strcmp(op, "Read") == 0)
			*rd += v;
		else if (strcmp(op, "Write") == 0)
			*wr += v;
	}
}

void cgroup_io_v2_parse(const char *text, uint64_t *rd, uint64_t *wr)
{
	*rd = *wr = 0;
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	STRV_FOREACH(l, lines)
	{
		_cleanup_strv_free_ char **f = strv_split(*l, " ");
		STRV_FOREACH(kv, f)
		{
			if (strncmp(*kv, "rbytes=", 7) == 0)
				*rd += strtoull(*kv + 7, NULL, 10);
			else if (strncmp(*kv, "wbytes=", 7) == 0)
				*wr += strtoull(*kv + 7, NULL, 10);
		}
	}
}

static char *ctrl_dir(const char *root, const char *proc_cg, const char *ctrl, const char *mnt)
{
	_cleanup_free_ char *rel = cgroup_path_of(proc_cg, ctrl);
	if (!rel)
		return NULL;
	return xasprintf("%s/sys/fs/cgroup/%s%s", root, mnt, rel);
}

static void read_v1(const char *root, const char *cg, struct cgroup_stats *s)
{
	_cleanup_free_ char *cpu = ctrl_dir(root, cg, "cpuacct", "cpuacct");
	_cleanup_free_ char *mem = ctrl_dir(root, cg, "memory", "memory");
	_cleanup_free_ char *pids = ctrl_dir(root, cg, "pids", "pids");
	_cleanup_free_ char *blk = ctrl_dir(root, cg, "blkio", "blkio");
	if (cpu) {
		s->cpu_ns = read_u64(cpu, "cpuacct.usage");
		_cleanup_free_ char *p = path_join(cpu, "cpuacct.stat");
		_cleanup_free_ char *t = read_small(p);
		long hz = sysconf(_SC_CLK_TCK);
		uint64_t tick = hz > 0 ? (uint64_t)(1000000000 / hz) : 10000000;
		s->cpu_user_ns = keyed(t, "user") * tick;
		s->cpu_system_ns = keyed(t, "system") * tick;
	}
	if (mem) {
		s->mem_usage = read_u64(mem, "memory.usage_in_bytes");
		s->mem_limit = read_u64(mem, "memory.limit_in_bytes");
	}
	if (pids) {
		s->pids = read_u64(pids, "pids.current");
		s->pids_limit = read_u64(pids, "pids.max");
	}
	if (blk) {
		_cleanup_free_ char *p =
		        path_join(blk, "blkio.throttle.io_service_bytes_recursive");
		_cleanup_free_ char *t = read_small(p);
		if (!t) {
			free(p);
			p = path_join(blk, "blkio.throttle.io_service_bytes");
			t = read_small(p);
		}
		cgroup_blkio_v1_parse(t, &s->blk_read, &s->blk_write);
	}
}

static void read_v2(const char *dir, struct cgroup_stats *s)
{
	_cleanup_free_ char *p = path_join(dir, "cpu.stat");
	_cleanup_free_ char *t = read_small(p);
	s->cpu_ns = keyed(t, "usage_usec") * 1000;
	s->cpu_user_ns = keyed(t, "user_usec") * 1000;
	s->cpu_system_ns = keyed(t, "system_usec") * 1000;
	s->mem_usage = read_u64(dir, "memory.current");
	s->mem_limit = read_u64(dir, "memory.max");
	s->pids = read_u64(dir, "pids.current");
	s->pids_limit = read_u64(dir, "pids.max");
	_cleanup_free_ char *io = path_join(dir, "io.stat");
	_cleanup_free_ char *it = read_small(io);
	cgroup_io_v2_parse(it, &s->blk_read, &s->blk_write);
}

int cgroup_stats_read(const char *root, enum cgroup_mode mode, pid_t pid, struct cgroup_stats *ret,
                      struct cpod_error **err)
{
	const char *r = root && strcmp(root, "/") != 0 ? root : "";
	struct cgroup_stats s = {0};
	struct timespec ts;
	_cleanup_free_ char *cgf = xasprintf("%s/proc/%d/cgroup", r, (int)pid);
	_cleanup_free_ char *cg = read_small(cgf);
	if (!cg)
		return cpod_error_set(err, ESRCH, "container process %d is gone", (int)pid);
	if (mode == CGROUP_MODE_UNIFIED) {
		_cleanup_free_ char *rel = cgroup_path_of(cg, NULL);
		if (!rel)
			return cpod_error_set(err, ENOENT,
			                      "cgroup of container process %d not found", (int)pid);
		_cleanup_free_ char *dir = xasprintf("%s/sys/fs/cgroup%s", r, rel);
		read_v2(dir, &s);
	} else {
		_cleanup_free_ char *mem = cgroup_path_of(cg, "memory");
		if (!mem)
			return cpod_error_set(err, ENOENT,
			                      "cgroup of container process %d not found", (int)pid);
		read_v1(r, cg, &s);
	}
	_cleanup_free_ char *netf = xasprintf("%s/proc/%d/net/dev", r, (int)pid);
	_cleanup_free_ char *net = read_small(netf);
	cgroup_net_dev_parse(net, &s.net_rx, &s.net_tx);
	clock_gettime(CLOCK_REALTIME, &ts);
	s.sampled_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	*ret = s;
	return 0;
}

double stats_cpu_percent(uint64_t cpu_ns, int64_t now_ns, uint64_t prev_cpu_ns, int64_t prev_ns)
{
	if (now_ns <= prev_ns || cpu_ns < prev_cpu_ns)
		return 0;
	return (double)(cpu_ns - prev_cpu_ns) / (double)(now_ns - prev_ns) * 100.0;
}

double stats_mem_percent(uint64_t usage, uint64_t limit)
{
	return limit ? (double)usage / (double)limit * 100.0 : 0;
}

/* digits of v (a fraction of 10^prec) without trailing zeros: ".5", "" for 0 */
static void frac_text(uint64_t v, int prec, char *out, size_t size)
{
	char digits[16];
	if (!v) {
		out[0] = '\0';
		return;
	}
	snprintf(digits, sizeof(digits), "%0*" PRIu64, prec, v);
	size_t n = strlen(digits);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	snprintf(out, size, ".%s", digits);
}

char *stats_go_duration(int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	char frac[24];
	if (u == 0)
		return xstrdup("0s");
	if (u < 1000)
		return xasprintf("%s%" PRIu64 "ns", sign, u);
	if (u < 1000000) {
		frac_text(u % 1000, 3, frac, sizeof(frac));
		return xasprintf("%s%" PRIu64 "%s\xc2\xb5s", sign, u / 1000, frac);
	}
	if (u < 1000000000) {
		frac_text(u % 1000000, 6, frac, sizeof(frac));
		return xasprintf("%s%" PRIu64 "%sms", sign, u / 1000000, frac);
	}
	uint64_t secs = u / 1000000000, h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
	frac_text(u % 1000000000, 9, frac, sizeof(frac));
	if (h)
		return xasprintf("%s%" PRIu64 "h%" PRIu64 "m%" PRIu64 "%ss", sign, h, m, s, frac);
	if (m)
		return xasprintf("%s%" PRIu64 "m%" PRIu64 "%ss", sign, m, s, frac);
	return xasprintf("%s%" PRIu64 "%ss", sign, s, frac);
}
