/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's default mounts, as Podman's spec generator lays them out.
 */
#include <inttypes.h>
#include <string.h>

#include "runtime/spec-internal.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "banned.h"

json_t *spec_mount_new(const char *dest, const char *type, const char *source,
                       const char *const *options)
{
	json_t *m = json_object();
	json_t *o = json_array();
	json_object_set_new(m, "destination", json_string(dest));
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "source", json_string(source));
	for (size_t i = 0; options && options[i]; i++)
		json_array_append_new(o, json_string(options[i]));
	json_object_set_new(m, "options", o);
	return m;
}

static bool mounts_have(const json_t *mounts, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach (mounts, i, m) {
		const char *d = json_get_string(m, "destination");
		if (d && strcmp(d, dest) == 0)
			return true;
	}
	return false;
}

void spec_mounts_add(json_t *mounts, json_t *m)
{
	const char *d = json_get_string(m, "destination");
	if (d && mounts_have(mounts, d)) {
		json_decref(m);
		return;
	}
	json_array_append_new(mounts, m);
}

json_t *spec_default_mounts(const struct spec_opts *opts, int64_t shm_size)
{
	static const char *const proc_opts[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const dev_opts[] = {"nosuid",   "noexec",      "strictatime",
	                                       "mode=755", "size=65536k", NULL};
	static const char *const sys_ro[] = {"nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const sys_rw[] = {"nosuid", "noexec", "nodev", "rw", NULL};
	static const char *const pts_opts[] = {
	        "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL};
	static const char *const mq_opts[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const shm_bind[] = {"bind",   "rprivate", "nosuid",
	                                       "noexec", "nodev",    NULL};
	static const char *const host_bind[] = {"rbind", "nosuid", "noexec", "nodev", NULL};
	static const char *const cg_ro[] = {"rprivate", "nosuid", "noexec", "nodev",
	                                    "relatime", "ro",     NULL};
	static const char *const cg_rw[] = {"rprivate", "nosuid", "noexec", "nodev",
	                                    "relatime", "rw",     NULL};
	static const char *const tmp_opts[] = {"rw",    "rprivate",  "nosuid",
	                                       "nodev", "tmpcopyup", NULL};
	json_t *mounts = json_array();

	/* user mounts (volumes) first: they win over every default at the same place */
	size_t i;
	json_t *m;
	json_array_foreach (opts->mounts, i, m)
		if (json_is_object(m) && json_get_string(m, "destination"))
			spec_mounts_add(mounts, json_deep_copy(m));

	spec_mounts_add(mounts, spec_mount_new("/proc", "proc", "proc", proc_opts));
	spec_mounts_add(mounts, spec_mount_new("/dev", "tmpfs", "tmpfs", dev_opts));
	spec_mounts_add(mounts, spec_mount_new("/sys", "sysfs", "sysfs",
	                                       opts->privileged ? sys_rw : sys_ro));
	spec_mounts_add(mounts, spec_mount_new("/dev/pts", "devpts", "devpts", pts_opts));
	if (opts->ipc == SPEC_NS_HOST) {
		spec_mounts_add(mounts,
		                spec_mount_new("/dev/mqueue", "bind", "/dev/mqueue", host_bind));
		spec_mounts_add(mounts, spec_mount_new("/dev/shm", "bind", "/dev/shm", host_bind));
	} else {
		spec_mounts_add(mounts, spec_mount_new("/dev/mqueue", "mqueue", "mqueue", mq_opts));
		if (opts->shm_dir) {
			spec_mounts_add(mounts, spec_mount_new("/dev/shm", "bind", opts->shm_dir,
			                                       shm_bind));
		} else {
			_cleanup_free_ char *size = xasprintf("size=%" PRId64, shm_size);
			const char *shm_opts[] = {"nosuid",    "noexec", "nodev",
			                          "mode=1777", size,     NULL};
			spec_mounts_add(mounts,
			                spec_mount_new("/dev/shm", "tmpfs", "shm", shm_opts));
		}
	}
	spec_mounts_add(mounts, spec_mount_new("/sys/fs/cgroup", "cgroup", "cgroup",
	                                       opts->privileged ? cg_rw : cg_ro));
	if (opts->read_only && !opts->no_read_only_tmpfs) {
		spec_mounts_add(mounts, spec_mount_new("/tmp", "tmpfs", "tmpfs", tmp_opts));
		spec_mounts_add(mounts, spec_mount_new("/var/tmp", "tmpfs", "tmpfs", tmp_opts));
		spec_mounts_add(mounts, spec_mount_new("/run", "tmpfs", "tmpfs", tmp_opts));
	}
	return mounts;
}

/* strings.Count(filepath.Clean(dest), "/") */
static size_t depth(const json_t *m)
{
	const char *d = json_get_string(m, "destination");
	size_t n = 0;
	bool prev_slash = false;
	if (!d)
		return 0;
	for (const char *p = d; *p; p++) {
		if (*p == '/' && !prev_slash && p[1])
			n++;
		prev_slash = *p == '/';
	}
	return n;
}

void spec_mounts_sort(json_t *mounts)
{
	size_t n = json_array_size(mounts);
	/* insertion sort: stable, and mount lists are short */
	for (size_t i = 1; i < n; i++) {
		json_t *cur = json_incref(json_array_get(mounts, i));
		size_t dcur = depth(cur);
		size_t j = i;
		while (j > 0 && depth(json_array_get(mounts, j - 1)) > dcur) {
			json_array_set(mounts, j, json_array_get(mounts, j - 1));
			j--;
		}
		json_array_set_new(mounts, j, cur);
	}
}
