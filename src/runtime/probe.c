/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "probe-internal.h"
#include "probe.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

bool probe_systemd_running(const char *root)
{
	/*
	 * /run/systemd/system is what sd_booted() checks, but packages and test suites create
	 * it on hosts where systemd is not PID 1 (DESIGN.md §6); ask PID 1 what it is instead.
	 */
	_cleanup_free_ char *path = probe_path(root, "/proc/1/comm");
	_cleanup_free_ char *comm = NULL;
	if (read_file_at(AT_FDCWD, path, 256, &comm, NULL) < 0)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, "systemd") == 0;
}

int idmap_parse(const char *text, struct idmap_entry *out, size_t max)
{
	size_t n = 0;
	const char *p = text;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[128];
		if (len >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : NULL;

		unsigned long long a, b, c;
		char extra;
		if (line[strspn(line, " \t")] == '\0')
			continue;
		if (sscanf(line, "%llu %llu %llu %c", &a, &b, &c, &extra) != 3)
			return -EINVAL;
		if (a > UINT32_MAX || b > UINT32_MAX || c > UINT32_MAX)
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		out[n++] = (struct idmap_entry){(uint32_t)a, (uint32_t)b, (uint32_t)c};
	}
	return (int)n;
}

const char *probe_goarch(const char *machine)
{
	static const struct {
		const char *uname, *go;
	} map[] = {
	        {"x86_64", "amd64"},    {"aarch64", "arm64"}, {"i386", "386"},
	        {"i686", "386"},        {"armv7l", "arm"},    {"armv6l", "arm"},
	        {"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"},
	        {"mips64", "mips64le"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(machine, map[i].uname) == 0)
			return map[i].go;
	}
	return machine;
}

void probe_binary_release(struct probe_binary *b)
{
	free(b->name);
	free(b->path);
	free(b->version);
	free(b->package);
	*b = (struct probe_binary){0};
}

struct host_probe *host_probe_free(struct host_probe *p)
{
	if (!p)
		return NULL;
	strv_free(p->cgroup_controllers);
	strv_free(p->cgroup_unified_controllers);
	free(p->arch);
	free(p->kernel);
	free(p->hostname);
	free(p->os_id);
	free(p->os_version_id);
	free(p->os_codename);
	for (size_t i = 0; i < p->n_runtimes; i++)
		probe_binary_release(&p->runtimes[i]);
	free(p->runtimes);
	probe_binary_release(&p->conmon);
	probe_binary_release(&p->slirp4netns);
	free(p);
	return NULL;
}

const struct probe_binary *host_probe_find_runtime(const struct host_probe *p, const char *name)
{
	for (size_t i = 0; i < p->n_runtimes; i++) {
		if (strcmp(p->runtimes[i].name, name) == 0)
			return &p->runtimes[i];
	}
	return NULL;
}

int host_probe_run(const struct host_probe_options *opts, struct host_probe **ret,
                   struct cpod_error **err)
{
	static const struct host_probe_options defaults = {0};
	if (!opts)
		opts = &defaults;

	_cleanup_(host_probe_freep) struct host_probe *p = xnew(struct host_probe, 1);
	p->rootless = geteuid() != 0;

	int r = cgroup_detect_mode(opts->root, opts->fstype, opts->fstype_userdata, &p->cgroup_mode,
	                           err);
	if (r < 0)
		return cpod_error_wrap(err, "probe host");
	r = cgroup_controllers(opts->root, p->cgroup_mode, p->rootless, &p->cgroup_controllers,
	                       err);
	if (r < 0)
		return cpod_error_wrap(err, "probe host");
	if (p->cgroup_mode == CGROUP_MODE_HYBRID)
		p->cgroup_unified_controllers = cgroup_hybrid_unified_controllers(opts->root);
	else
		p->cgroup_unified_controllers = xnew(char *, 1);
	p->systemd_running = probe_systemd_running(opts->root);

	probe_host_facts(opts->root, p);
	probe_binaries(opts, p);

	*ret = TAKE_PTR(p);
	return 0;
}
