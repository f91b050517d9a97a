/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "probe-internal.h"
#include "probe.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CGROUP_FILE_MAX (64 * 1024)

static const char *const mode_names[_CGROUP_MODE_MAX] = {
        [CGROUP_MODE_LEGACY] = "legacy",
        [CGROUP_MODE_HYBRID] = "hybrid",
        [CGROUP_MODE_UNIFIED] = "unified",
};

const char *cgroup_mode_to_string(enum cgroup_mode mode)
{
	if (mode < 0 || mode >= _CGROUP_MODE_MAX)
		return "unknown";
	return mode_names[mode];
}

const char *cgroup_mode_version(enum cgroup_mode mode)
{
	return mode == CGROUP_MODE_UNIFIED ? "v2" : "v1";
}

static long statfs_type(const char *path, void *userdata)
{
	struct statfs sfs;
	if (statfs(path, &sfs) < 0)
		return -errno;
	return (long)sfs.f_type;
}

char *probe_path(const char *root, const char *path)
{
	if (!root || !*root || strcmp(root, "/") == 0)
		return xstrdup(path);
	return path_join(root, path);
}

int cgroup_detect_mode(const char *root, probe_fstype_fn fstype, void *userdata,
                       enum cgroup_mode *ret, struct cpod_error **err)
{
	if (!fstype)
		fstype = statfs_type;
	_cleanup_free_ char *top = probe_path(root, "/sys/fs/cgroup");
	long t = fstype(top, userdata);
	if (t < 0)
		return cpod_error_set_errno(err, (int)-t, "detect cgroup mode: statfs %s", top);
	if (t == CGROUP2_SUPER_MAGIC) {
		*ret = CGROUP_MODE_UNIFIED;
		return 0;
	}
	if (t != TMPFS_MAGIC)
		return cpod_error_set(
		        err, ENOTSUP,
		        "detect cgroup mode: %s is neither cgroup2 nor tmpfs (type 0x%lx)", top, t);
	/*
	 * A tmpfs at /sys/fs/cgroup holds v1 hierarchies; systemd's hybrid layout adds a cgroup2
	 * tree at unified/. Same test as systemd's cg_unified_cached() and crun's detection.
	 */
	_cleanup_free_ char *unified = probe_path(root, "/sys/fs/cgroup/unified");
	t = fstype(unified, userdata);
	*ret = t == CGROUP2_SUPER_MAGIC ? CGROUP_MODE_HYBRID : CGROUP_MODE_LEGACY;
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int v1_controllers(const char *root, char ***ret, struct cpod_error **err)
{
	_cleanup_free_ char *path = probe_path(root, "/proc/cgroups");
	_cleanup_free_ char *text = NULL;
	int r = read_file_at(AT_FDCWD, path, CGROUP_FILE_MAX, &text, NULL);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read %s", path);

	_cleanup_strv_free_ char **out = NULL;
	_cleanup_strv_free_ char **lines = strv_split(text, "\n");
	STRV_FOREACH(line, lines)
	{
		char name[64];
		unsigned hierarchy, num, enabled;
		if (**line == '#' || **line == '\0')
			continue;
		if (sscanf(*line, "%63s %u %u %u", name, &hierarchy, &num, &enabled) != 4)
			continue;
		if (!enabled || strv_contains(out, name))
			continue;
		/*
		 * Podman lists a v1 controller only where its hierarchy is mounted under
		 * /sys/fs/cgroup, in /proc/cgroups order.
		 */
		_cleanup_free_ char *rel = xasprintf("/sys/fs/cgroup/%s", name);
		_cleanup_free_ char *dir = probe_path(root, rel);
		if (is_dir(dir))
			strv_push(&out, name);
	}
	if (!out)
		out = xnew(char *, 1);
	*ret = TAKE_PTR(out);
	return 0;
}

static char **split_words(const char *text)
{
	char **out = xnew(char *, 1);
	_cleanup_strv_free_ char **words = strv_split(text, " \t\n");
	STRV_FOREACH(w, words)
	{
		if (**w)
			strv_push(&out, *w);
	}
	return out;
}

/* The caller's own cgroup2 path from <root>/proc/self/cgroup ("0::/user.slice/..."). */
static char *own_v2_cgroup(const char *root)
{
	_cleanup_free_ char *path = probe_path(root, "/proc/self/cgroup");
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, CGROUP_FILE_MAX, &text, NULL) < 0)
		return NULL;
	_cleanup_strv_free_ char **lines = strv_split(text, "\n");
	STRV_FOREACH(line, lines)
	{
		if (strncmp(*line, "0::", 3) == 0 && (*line)[3] == '/' && !strstr(*line, ".."))
			return xstrdup(*line + 3);
	}
	return NULL;
}

static int v2_controllers(const char *root, bool rootless, char ***ret, struct cpod_error **err)
{
	_cleanup_free_ char *own = rootless ? own_v2_cgroup(root) : NULL;
	_cleanup_free_ char *rel = xasprintf("/sys/fs/cgroup%s/cgroup.controllers",
	                                     own && strcmp(own, "/") != 0 ? own : "");
	_cleanup_free_ char *path = probe_path(root, rel);
	_cleanup_free_ char *text = NULL;
	int r = read_file_at(AT_FDCWD, path, CGROUP_FILE_MAX, &text, NULL);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read %s", path);
	*ret = split_words(text);
	return 0;
}

int cgroup_controllers(const char *root, enum cgroup_mode mode, bool rootless, char ***ret,
                       struct cpod_error **err)
{
	if (mode == CGROUP_MODE_UNIFIED)
		return v2_controllers(root, rootless, ret, err);
	return v1_controllers(root, ret, err);
}

char **cgroup_hybrid_unified_controllers(const char *root)
{
	_cleanup_free_ char *path = probe_path(root, "/sys/fs/cgroup/unified/cgroup.controllers");
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, CGROUP_FILE_MAX, &text, NULL) < 0)
		return xnew(char *, 1);
	return split_words(text);
}
