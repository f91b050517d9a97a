/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_EXEC_H
#define CPOD_ENGINE_EXEC_H

/*
 * Exec sessions: running a process in a running container through conmon, as Podman 4.3
 * does (libpod/container_exec.go, oci_conmon_exec_linux.go). A session lives in
 * run_root/containers/<id>/userdata/exec/<session id>/ (the OCI process file, conmon's
 * attach socket and exit file, session.json): runtime state that vanishes at reboot, as
 * the container does. An attached session is removed once its process exits; a detached
 * one (-d, or detach keys) stays listed in inspect's ExecIDs while the container runs.
 *
 * Errors: ENOENT no such container; EINVAL "can only create exec sessions on running
 * containers: container state improper"; CPOD_ENOTFOUND_CMD / CPOD_ECANNOT_INVOKE when
 * the command cannot be found / executed (exit 127 / 126); EIO and others from conmon and
 * the runtime.
 */
#include <stdbool.h>

#include <jansson.h>

#include "util/error.h"

struct engine;

struct container_exec_opts {
	char *const *command;    /* required, non-empty */
	char *const *env;        /* "K=V" (after --env-file, in order); override the container's */
	const char *user;        /* NULL: the container's user */
	const char *workdir;     /* NULL: the container's */
	bool terminal;           /* -t */
	bool interactive;        /* -i: relay in_fd */
	bool detach;             /* -d: return once the process runs */
	bool privileged;         /* every capability of the bounding set */
	unsigned preserve_fds;   /* pass the caller's fds 3..3+N-1 */
	const char *detach_keys; /* NULL: containers.conf's default; "": none */
	int in_fd, out_fd, err_fd;
	const char *session_id;    /* NULL: a random one; else 64 hex chosen by the caller */
};

/*
 * Run a process in the container key. Attached: relay the streams until the process exits
 * and store its exit code in *ret_exit_code (or until the user detaches: *ret_exit_code is
 * 0 and the session keeps running). Detached: *ret_session_id (owned; may be NULL) names the
 * session. Errors as above.
 */
int container_exec(struct engine *e, const char *key, const struct container_exec_opts *o,
                   int *ret_exit_code, char **ret_session_id, struct cpod_error **err);

/*
 * IDs of the exec sessions of container c in its current run (running ones, and finished
 * detached ones) as a new JSON array; [] when the container does not run.
 */
struct container;
json_t *container_exec_ids(struct engine *e, const struct container *c);

/*
 * Attach to the running container key (`cpod attach`) until it exits (*ret_exit_code) or
 * the user detaches (*ret_detached). Errors: EINVAL "you can only attach to running
 * containers" when it does not run, and those of the attach client.
 */
struct container_attach_io;
int container_attach(struct engine *e, const char *key, const struct container_attach_io *io,
                     int *ret_exit_code, bool *ret_detached, struct cpod_error **err);

/* ---- the process spec (exec-spec.c), pure ------------------------------------------------- */

struct exec_spec_opts {
	char *const *command; /* args */
	char *const *env;     /* "K=V", override / extend the container's */
	bool terminal;
	const char *cwd; /* NULL: the container's */
	bool set_user;   /* uid/gid/sgids/home come from a -u lookup */
	unsigned uid, gid;
	const unsigned *sgids;
	size_t n_sgids;
	const char *home; /* HOME when the environment has none */
	bool privileged;
	char *const *all_caps; /* the bounding set (for privileged); may be NULL */
};

/*
 * The OCI process object for an exec session, from the container's config.json process
 * (borrowed) as Podman's prepareProcessExec builds it: args, terminal, env merged (exec's
 * values win, HOME added when missing), cwd, user, capabilities (bounding from the
 * container or everything with privileged; effective/permitted = bounding for uid 0,
 * cleared for other users unless it is the container's own user; inheritable cleared),
 * noNewPrivileges, rlimits, apparmor and selinux as the container's. *ret is new.
 * Errors: EINVAL when the container's process is not an object or command is empty.
 */
int exec_spec_build(json_t *ctr_process, const struct exec_spec_opts *o, json_t **ret,
                    struct cpod_error **err);

#endif
