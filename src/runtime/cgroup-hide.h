/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CGROUP_HIDE_H
#define CPOD_RUNTIME_CGROUP_HIDE_H

/*
 * crun 1.8 refuses to run on a cgroup hybrid host. In a new private mount namespace, unmount
 * /sys/fs/cgroup/unified (or cover it with an empty read-only tmpfs where the mount is locked
 * in a user namespace) so that the runtime sees a plain cgroup v1 host. Only system calls
 * (async-signal-safe). Returns 0 or -errno. Never call it in cpod's own process: the engine
 * must keep seeing the host's mounts.
 */
int runtime_hide_cgroup2_unified(void);

#endif
