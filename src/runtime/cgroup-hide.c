/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hiding the cgroup2 tree of a hybrid host from crun (exec.h). Kept free of any other cpod
 * code: the static runtime wrapper (runtime-wrap.c) is built from this file alone.
 */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>

#include "runtime/cgroup-hide.h"

#define UNIFIED_PATH "/sys/fs/cgroup/unified"

int runtime_hide_cgroup2_unified(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (umount2(UNIFIED_PATH, MNT_DETACH) == 0)
		return 0;
	if (errno == ENOENT)
		return 0;
	if (errno != EINVAL && errno != EPERM)
		return -errno;
	/*
	 * In a user namespace the inherited mounts are locked and cannot be unmounted one by
	 * one (EINVAL); an empty tmpfs over the mount point hides the cgroup2 tree from statfs()
	 * just as well.
	 */
	if (mount("tmpfs", UNIFIED_PATH, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          "size=4k,mode=0555") < 0)
		return -errno;
	return 0;
}
