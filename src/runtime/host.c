/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "probe-internal.h"
#include "probe.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SMALL_FILE_MAX (256 * 1024)

static char *read_small(const char *root, const char *path)
{
	_cleanup_free_ char *full = probe_path(root, path);
	char *text = NULL;
	if (read_file_at(AT_FDCWD, full, SMALL_FILE_MAX, &text, NULL) < 0)
		return NULL;
	return text;
}

/* An os-release value: unquoted, with shell-style backslash escapes undone. */
static char *os_release_value(const char *v)
{
	size_t len = strlen(v);
	char quote = 0;
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		quote = v[0];
		v++;
		len -= 2;
	}
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (quote == '"' && v[i] == '\\' && i + 1 < len)
			i++;
		out[o++] = v[i];
	}
	out[o] = '\0';
	return out;
}

static void probe_os_release(const char *root, struct host_probe *p)
{
	_cleanup_free_ char *text = read_small(root, "/etc/os-release");
	if (!text)
		text = read_small(root, "/usr/lib/os-release");
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	STRV_FOREACH(line, lines)
	{
		char **dst = NULL;
		const char *v = NULL;
		if (strncmp(*line, "ID=", 3) == 0)
			dst = &p->os_id, v = *line + 3;
		else if (strncmp(*line, "VERSION_ID=", 11) == 0)
			dst = &p->os_version_id, v = *line + 11;
		else if (strncmp(*line, "VERSION_CODENAME=", 17) == 0)
			dst = &p->os_codename, v = *line + 17;
		if (dst) {
			free(*dst);
			*dst = os_release_value(v);
		}
	}
	if (!p->os_id)
		p->os_id = xstrdup("");
	if (!p->os_version_id)
		p->os_version_id = xstrdup("");
	if (!p->os_codename)
		p->os_codename = xstrdup("");
}

/* Podman reports MemAvailable as memFree (containers/storage pkg/system ReadMemInfo). */
static void probe_meminfo(const char *root, struct host_probe *p)
{
	_cleanup_free_ char *text = read_small(root, "/proc/meminfo");
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	bool have_available = false;
	uint64_t mem_free = 0;
	STRV_FOREACH(line, lines)
	{
		char key[64];
		unsigned long long kb;
		if (sscanf(*line, "%63[^:]: %llu", key, &kb) != 2 || kb > UINT64_MAX / 1024)
			continue;
		uint64_t bytes = (uint64_t)kb * 1024;
		if (strcmp(key, "MemTotal") == 0)
			p->mem_total = bytes;
		else if (strcmp(key, "MemFree") == 0)
			mem_free = bytes;
		else if (strcmp(key, "MemAvailable") == 0)
			p->mem_free = bytes, have_available = true;
		else if (strcmp(key, "SwapTotal") == 0)
			p->swap_total = bytes;
		else if (strcmp(key, "SwapFree") == 0)
			p->swap_free = bytes;
	}
	if (!have_available)
		p->mem_free = mem_free;
}

static void probe_uptime_and_cpu(const char *root, struct host_probe *p)
{
	_cleanup_free_ char *up = read_small(root, "/proc/uptime");
	if (!up || sscanf(up, "%lf", &p->uptime) != 1)
		p->uptime = 0;

	_cleanup_free_ char *stat = read_small(root, "/proc/stat");
	unsigned long long v[8] = {0};
	if (!stat || sscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
	                    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 4)
		return;
	double total = 0;
	for (int i = 0; i < 8; i++)
		total += (double)v[i];
	if (total <= 0)
		return;
	p->cpu_user_percent = (double)(v[0] + v[1]) * 100.0 / total;
	p->cpu_system_percent = (double)v[2] * 100.0 / total;
	p->cpu_idle_percent = 100.0 - p->cpu_user_percent - p->cpu_system_percent;
}

static void probe_idmaps(const char *root, struct host_probe *p)
{
	_cleanup_free_ char *uid = read_small(root, "/proc/self/uid_map");
	_cleanup_free_ char *gid = read_small(root, "/proc/self/gid_map");
	int n = uid ? idmap_parse(uid, p->uid_map, PROBE_MAX_IDMAP) : 0;
	p->n_uid_map = n > 0 ? (size_t)n : 0;
	n = gid ? idmap_parse(gid, p->gid_map, PROBE_MAX_IDMAP) : 0;
	p->n_gid_map = n > 0 ? (size_t)n : 0;
}

static void probe_security(const char *root, struct host_probe *p)
{
	/* The kernel supports seccomp filters when it lists its actions (Linux >= 4.14). */
	_cleanup_free_ char *seccomp = read_small(root, "/proc/sys/kernel/seccomp/actions_avail");
	if (seccomp) {
		p->seccomp_enabled = true;
	} else {
		_cleanup_free_ char *st = read_small(root, "/proc/self/status");
		p->seccomp_enabled = st && strstr(st, "\nSeccomp:");
	}

	/* CapEff is hex; CAP_SYS_ADMIN is bit 21 */
	_cleanup_free_ char *status = read_small(root, "/proc/self/status");
	const char *cap = status ? strstr(status, "\nCapEff:") : NULL;
	unsigned long long eff = 0;
	if (cap && sscanf(cap + 8, " %llx", &eff) == 1)
		p->cap_sys_admin = (eff >> 21) & 1;

	/* libselinux's is_selinux_enabled(): selinuxfs mounted with an "enforce" node */
	_cleanup_free_ char *enforce = probe_path(root, "/sys/fs/selinux/enforce");
	p->selinux_enabled = access(enforce, F_OK) == 0;

	/* runc/libapparmor: the module parameter says "Y" */
	_cleanup_free_ char *aa = read_small(root, "/sys/module/apparmor/parameters/enabled");
	p->apparmor_enabled = aa && aa[0] == 'Y';
}

static void probe_tun(const char *root, struct host_probe *p)
{
	_cleanup_free_ char *tun = probe_path(root, "/dev/net/tun");
	int fd = open(tun, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	p->tun_accessible = fd >= 0;
	if (fd >= 0)
		close(fd);
}

void probe_host_facts(const char *root, struct host_probe *p)
{
	struct utsname u;
	if (uname(&u) == 0) {
		p->arch = xstrdup(probe_goarch(u.machine));
		p->kernel = xstrdup(u.release);
		p->hostname = xstrdup(u.nodename);
	} else {
		p->arch = xstrdup("unknown");
		p->kernel = xstrdup("");
		p->hostname = xstrdup("");
	}
	probe_os_release(root, p);

	long n = sysconf(_SC_NPROCESSORS_ONLN);
	p->cpus = n > 0 ? n : 1;
	probe_meminfo(root, p);
	probe_uptime_and_cpu(root, p);

	if (getrlimit(RLIMIT_NOFILE, &p->nofile) < 0)
		p->nofile = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};
	if (getrlimit(RLIMIT_NPROC, &p->nproc) < 0)
		p->nproc = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};

	probe_tun(root, p);
	probe_idmaps(root, p);
	probe_security(root, p);
}
