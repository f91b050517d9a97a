/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_TOP_H
#define CPOD_RUNTIME_TOP_H

/*
 * `top`: the processes of a container, described with Podman's (psgo's) descriptors,
 * read from the host's /proc: every process that shares the pid namespace of the
 * container's init process. Pids are shown as the container sees them (NSpid), hpid as
 * the host does.
 *
 * Descriptors: args capamb capbnd capeff capinh capprm comm etime group hgroup hpid huser
 * label nice pcpu pgid pid ppid rgroup ruser seccomp state stime time tty user vsz, and
 * the AIX codes %C %G %P %U %a %c %g %n %p %r %t %u %x %y %z. The default set is
 * user pid ppid pcpu etime tty time args. Anything else is a ps(1) option: the caller
 * runs the container's ps in its namespaces instead (top_ps_argv()), as Podman does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/error.h"

/*
 * Split the user's arguments ("pid,user", "-eo", "pid comm") into descriptors. Returns
 * true and *ret (owned strv; the default set when args is empty) when all are known
 * descriptors, false (and *ret NULL) when some are not: then use ps(1).
 */
bool top_parse_descriptors(char *const *args, char ***ret);

/* The header of a descriptor ("pcpu" → "%CPU"); NULL when unknown. Static string. */
const char *top_header(const char *desc);

struct top_options {
	const char *proc_root;       /* NULL: "/proc" */
	const char *host_etc_passwd; /* NULL: /etc/passwd (huser) */
	const char *host_etc_group;  /* NULL: /etc/group (hgroup) */
	int64_t now_ns;              /* CLOCK_REALTIME for etime/pcpu; 0: now */
};

/*
 * user and group names come from the container's /etc/passwd and /etc/group, read
 * through <proc_root>/<init_pid>/root without leaving it.
 * The rows (a header row, then one per process, sorted by pid) for descriptors in the
 * pid namespace of init_pid. *ret is a new JSON array of arrays of strings.
 * Errors: ESRCH when init_pid is gone, the errno of reading /proc.
 */
int top_collect(const struct top_options *o, pid_t init_pid, char *const *descriptors, json_t **ret,
                struct cpod_error **err);

/*
 * The command that runs the container's own ps(1) with the user's arguments in the mount
 * and pid namespaces (and root) of pid, through nsenter, as Podman's exec of ps does.
 * Owned strv.
 */
char **top_ps_argv(pid_t pid, char *const *args);

#endif
