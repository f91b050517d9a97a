/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network namespaces as files, as Podman's containers/common pkg/netns does: a child
 * unshares CLONE_NEWNET and bind mounts its /proc/self/ns/net on <netns_dir>/cpod-<random>.
 *
 * Unlike `ip netns`, the directory is not made a shared mount of its own: it lives in the
 * run root, which tests and users delete with rm -rf, and the mount namespaces that could
 * hold copies of a namespace mount (crun's on hybrid-cgroup hosts) are MS_PRIVATE anyway,
 * so propagation would not reach them. Such a copy only keeps an empty namespace alive
 * until that process ends; netavark deletes the veth pair itself at teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "network/net-internal.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "banned.h"

static int make_dir(const char *dir, struct cpod_error **err)
{
	int r = mkdir_p(dir, 0755);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", dir);
	return 0;
}

/* In the child: only system calls until _exit. */
static int child_setup(const char *path)
{
	if (unshare(CLONE_NEWNET) < 0)
		return errno;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, "lo", 3);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			(void)ioctl(s, SIOCSIFFLAGS, &ifr);
		}
		close(s);
	}
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		return errno;
	return 0;
}

int net_netns_create(const struct net_env *env, char **ret_path, struct cpod_error **err)
{
	int r = make_dir(env->netns_dir, err);
	if (r < 0)
		return r;
	char id[65];
	id_random(id);
	/* Podman's names look like netns-<uuid>; cpod's say whose they are */
	_cleanup_free_ char *name =
	        xasprintf("cpod-%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
	_cleanup_free_ char *path = path_join(env->netns_dir, name);
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "create %s", path);
	close(fd);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		(void)unlink(path);
		return cpod_error_set_errno(err, e, "fork");
	}
	if (pid == 0)
		_exit(child_setup(path));
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	if (code != 0) {
		(void)umount2(path, MNT_DETACH);
		(void)unlink(path);
		return cpod_error_set_errno(err, code, "create network namespace %s", path);
	}
	*ret_path = TAKE_PTR(path);
	return 0;
}

int net_netns_delete(const char *path, struct cpod_error **err)
{
	if (!path || !*path)
		return 0;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return cpod_error_set_errno(err, errno, "unmount network namespace %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return cpod_error_set_errno(err, errno, "remove network namespace %s", path);
	return 0;
}
