/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CONTAINER_H
#define CPOD_CONTAINER_H

/*
 * Containers: records in the state database (graph_root/cpod.db), per-container locks
 * (run_root/locks/<id>.lock, flock), and the lifecycle driven through conmon and the OCI
 * runtime (src/runtime). Every function that changes a container takes its lock; reads
 * without the lock see a consistent (possibly slightly old) record.
 *
 * Status values and their names are Podman's (libpod/define/containerstate.go):
 *   configured ("created" in ps), created (runtime created = "initialized"), running,
 *   stopped, paused, exited, removing, stopping, unknown.
 *
 * Errors: ENOENT "no such container" (message names the key, as Podman:
 * `no container with name or ID "x" found: no such container`), EEXIST (name in use, message
 * as Podman: `the container name "x" is already in use by ID. You have to remove that
 * container to be able to reuse that name: that name is already in use`), EBUSY (running
 * container removed without force, with Podman's message), EINVAL, and runtime errors
 * (CPOD_ENOTFOUND_CMD / CPOD_ECANNOT_INVOKE when the command cannot be found / executed).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "engine/healthcheck.h"
#include "util/cleanup.h"
#include "util/error.h"

struct engine;
struct isolation_opts;

enum container_status {
	CTR_UNKNOWN,
	CTR_CONFIGURED,
	CTR_CREATED,
	CTR_RUNNING,
	CTR_STOPPED,
	CTR_PAUSED,
	CTR_EXITED,
	CTR_REMOVING,
	CTR_STOPPING,
	_CTR_STATUS_MAX,
	_CTR_STATUS_INVALID = -22,
};
const char *container_status_to_string(enum container_status s); /* "running", ... */
enum container_status container_status_from_string(const char *s);

/*
 * What the user asked for at create time; persisted as JSON (config column) and never
 * changed afterwards except by rename. Strings and arrays owned.
 */
struct container_config {
	char *id;            /* 64 hex */
	char *name;
	char *image_id;      /* NULL for a rootfs container (later) */
	char *image_name;    /* as resolved, e.g. "localhost/hello:latest" */
	char *raw_image_name; /* as the user typed it */
	char **command;      /* final process args after entrypoint/cmd merge */
	char **user_command; /* the CMD the user gave (for inspect Config.Cmd) */
	char **entrypoint;   /* effective entrypoint (inspect Config.Entrypoint) */
	char **env;          /* final environment */
	char *workdir;
	char *user;
	char *hostname;
	char **labels;       /* "k=v" */
	char **annotations;  /* "k=v" */
	bool terminal;       /* -t */
	bool stdin_open;     /* -i */
	bool remove;         /* --rm */
	bool init;           /* --init */
	char *init_path;
	int stop_signal;
	unsigned stop_timeout;
	char *tz;
	char *network_mode;  /* "none", "host", "bridge" later, ... */
	char *log_driver;    /* "k8s-file" (default), "none", "passthrough" */
	char *log_path;
	char *runtime;       /* the runtime name or path chosen at create time */
	char **ulimits;
	bool read_only;
	int64_t created;     /* unix nanoseconds */
	char *created_command; /* the command line that created it (inspect .Config.CreateCommand) */
	char *restart_policy;  /* "" (none), "no", "always", "on-failure", "unless-stopped" */
	uint64_t restart_retries; /* on-failure's maximum; 0: no limit */
	struct healthcheck_config *healthcheck; /* NULL: none (healthcheck.h) */
	char *health_on_failure; /* --health-on-failure: NULL ("none"), "kill", "restart", "stop" */
	json_t *spec_extra;  /* anything else the spec generator needs (kept for later issues) */
};

/* Runtime state; persisted in the state column and reset after a reboot. */
struct container_state {
	enum container_status status;
	pid_t pid;            /* container init pid (0 when not running) */
	pid_t conmon_pid;
	int exit_code;
	bool oom_killed;
	int64_t started_at;   /* unix nanoseconds, 0 if never */
	int64_t finished_at;
	char *mountpoint;     /* merged rootfs while mounted */
	unsigned restart_count;
	char *error;          /* last start error, inspect State.Error */
};

struct container {
	struct container_config config;
	struct container_state state;
};
struct container *container_free(struct container *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct container *, container_free)
void container_list_free(struct container **v, size_t n);

/* ---- create, lookup, list, remove ------------------------------------------------------ */

struct container_create_opts {
	const char *image;      /* required: name or ID of a local image */
	const char *name;       /* NULL: a generated adjective_surname name as Podman does */
	char *const *command;   /* NULL: the image's Cmd */
	char *const *entrypoint; /* NULL: the image's; an empty array clears it */
	bool entrypoint_set;
	char *const *env;       /* -e after --env-file, in order */
	bool env_host;
	const char *workdir;
	const char *user;
	const char *hostname;
	char *const *labels;
	char *const *annotations;
	bool terminal, stdin_open, remove, init;
	const char *init_path;
	const char *stop_signal; /* "SIGTERM", "15", "TERM" */
	int stop_timeout;        /* -1: containers.conf default */
	const char *tz;
	const char *network;     /* NULL: "bridge" (the default network); "none", "host", NAME[,NAME],
	                          * "ns:PATH", "container:ID", "private" */
	/* networking (container-network-create.c) */
	char *const *publish;         /* -p specs */
	bool publish_all;             /* -P: the image's exposed ports on random host ports */
	char *const *expose;          /* --expose "80", "80/udp", "8000-8010" */
	char *const *network_aliases; /* --network-alias */
	const char *static_ip;        /* --ip */
	const char *static_ip6;       /* --ip6 */
	const char *static_mac;       /* --mac-address */
	char *const *dns_servers;     /* --dns */
	char *const *add_hosts;       /* --add-host name:ip */
	char *const *dns_search;      /* --dns-search */
	char *const *dns_options;     /* --dns-option */
	bool no_hosts;                /* --no-hosts: no /etc/hosts from cpod */
	const char *log_driver;
	const char *log_path;
	char *const *ulimits;
	bool read_only;
	/* limits, devices, namespaces, security options (runtime/isolation.h); may be NULL */
	const struct isolation_opts *isolation;
	char ***ret_warnings; /* may be NULL: receives Podman's warnings (owned strv) */
	const char *pull;        /* "never", "missing" (registries issue adds always/newer) */
	const char *created_command;
	char *const *create_argv; /* the whole command line, for inspect .Config.CreateCommand */
	/* mounts (volume-opts.h parses them; volume.h has the volumes) */
	char *const *volumes;      /* -v [SRC:]DST[:OPTS] */
	char *const *mounts;       /* --mount type=...,... */
	char *const *tmpfs;        /* --tmpfs DST[:OPTS] */
	char *const *volumes_from; /* --volumes-from CTR[:ro|rw] */
	bool no_read_only_tmpfs;   /* --read-only-tmpfs=false */
	const char *umask;         /* --umask: octal, 1 to 4 digits; NULL: containers.conf */
	char *const *unsetenv;     /* --unsetenv: drop these image/containers.conf defaults */
	bool unsetenv_all;         /* --unsetenv-all: no default environment at all */
	const char *os, *arch, *variant; /* platform of the pull for a missing image */
	const char *pidfile;        /* --pidfile: conmon writes the container's pid there */
	const char *conmon_pidfile; /* --conmon-pidfile: conmon writes its own pid there */
	unsigned timeout;           /* --timeout: seconds before conmon kills it; 0: none */
	const char *restart;        /* --restart POLICY[:MAX] as typed (NULL: none) */
	unsigned preserve_fds;      /* --preserve-fds: the caller's fds 3..3+n-1 (run only) */
	struct healthcheck_cli health; /* --health-* flags (healthcheck.h); zeroed: none */
	int http_proxy;              /* --http-proxy: 1 yes, -1 no, 0 containers.conf http_proxy */
	char *const *env_merge;      /* --env-merge K=WORD ($VAR of the default environment) */
	const char *personality;     /* --personality: OCI linux.personality domain */
	char *const *requires;       /* --requires: containers started before this one */
	const char *seccomp_policy;  /* --seccomp-policy default|image; NULL: default */
	char *const *chroot_dirs;    /* --chrootdirs: hosts/resolv.conf mounted there too */
	const char *passwd_entry;    /* --passwd-entry: template of the added passwd lines */
	char *const *host_users;     /* --hostuser: host accounts added to /etc/passwd */
	const char *image_volume;    /* --image-volume bind|tmpfs|ignore; NULL: bind */
	bool rootfs;                 /* --rootfs: image is a directory PATH[:O], no image */
	bool no_passwd;              /* run --passwd=false: no passwd/group entries added */
};

/* Create a container (storage + record + userdata); *ret freed with container_free(). */
int container_create(struct engine *e, const struct container_create_opts *opts,
		     struct container **ret, struct cpod_error **err);

/* By full ID, unique ID prefix, or name. */
int container_lookup(struct engine *e, const char *key, struct container **ret,
		     struct cpod_error **err);

/* All containers, newest first, in one query. */
int container_list(struct engine *e, struct container ***ret, size_t *ret_n,
		   struct cpod_error **err);

struct container_remove_opts {
	bool force;   /* stop a running container first */
	bool volumes; /* -v (volumes issue) */
	bool depend;
	int timeout;  /* seconds for the stop; -1: the container's stop timeout */
};
int container_remove(struct engine *e, const char *key, const struct container_remove_opts *opts,
		     struct cpod_error **err);

int container_rename(struct engine *e, const char *key, const char *new_name,
		     struct cpod_error **err);

/*
 * Remove every container that is not running, paused or stopping (`podman container
 * prune`). *ret_removed: owned strv of the removed IDs (may be NULL).
 */
int container_prune(struct engine *e, char ***ret_removed, struct cpod_error **err);

/* Parse "SIGKILL", "KILL", "kill", "9", "RTMIN+3" into a signal number (EINVAL otherwise). */
int container_signal_parse(const char *s, int *ret, struct cpod_error **err);

/* ---- lifecycle ------------------------------------------------------------------------- */

/* Create the container in the runtime through conmon (status created), without starting. */
int container_init(struct engine *e, const char *key, struct cpod_error **err);

struct container_attach_io {
	int in_fd, out_fd, err_fd; /* -1 for none */
	bool attach_stdin, attach_stdout, attach_stderr;
	const char *detach_keys;   /* NULL: containers.conf default ("ctrl-p,ctrl-q"), "" none */
	bool sig_proxy;
};

/*
 * Start the container; with io, attach first and relay until the container exits (returning
 * its exit code in *ret_exit_code) or the user detaches (*ret_detached). Without io, return
 * once the container runs.
 */
int container_start(struct engine *e, const char *key, const struct container_attach_io *io,
		    int *ret_exit_code, bool *ret_detached, struct cpod_error **err);

int container_stop(struct engine *e, const char *key, int timeout, struct cpod_error **err);
int container_kill(struct engine *e, const char *key, int signal, struct cpod_error **err);
int container_restart(struct engine *e, const char *key, int timeout, struct cpod_error **err);

/* Wait for one of the conditions (bitmask of 1 << status), return the exit code. */
int container_wait(struct engine *e, const char *key, unsigned conditions, int *ret_exit_code,
		   struct cpod_error **err);

/*
 * The exit command conmon runs: read the exit file, unmount, record the exit, then apply the
 * restart policy (returning 1 when it started the container again) or else --rm.
 * Idempotent: running it twice, or after the container was removed, is not an error.
 */
int container_cleanup(struct engine *e, const char *key, struct cpod_error **err);

/*
 * --restart POLICY[:MAX] checked and split as `podman create` does (container-restart.c):
 * with remove (--rm) only "no" and a plain "on-failure" are accepted, MAX only with
 * on-failure, and the policy must be one of Podman's. *ret_policy owned (free()).
 */
int container_restart_policy_parse(const char *spec, bool remove, char **ret_policy,
				   uint64_t *ret_retries, struct cpod_error **err);

/* ---- data for ps and inspect ----------------------------------------------------------- */

/* Podman's `podman inspect` object for one container (with sizes when size is true). */
int container_inspect_json(struct engine *e, const struct container *c, bool size,
			   json_t **ret, struct cpod_error **err);

/*
 * Rows for `ps`: one object per container with Podman's `ps --format json` keys
 * (AutoRemove, Command, CreatedAt, Exited, ExitedAt, ExitCode, Id, Image, ImageID, IsInfra,
 * Labels, Mounts, Names, Namespaces, Networks, Pid, Pod, PodName, Ports, Size, StartedAt,
 * State, Status, Created), newest first. all: include stopped ones; filters: "key=value"
 * with id, name, status, label, ancestor, exited (same key ORed, different keys ANDed).
 * *ret is a new array reference. EINVAL for an unknown filter.
 */
struct container_ps_opts {
	bool all;
	char *const *filters;
	int last;  /* > 0: only the newest n */
	bool size; /* Size {RwSize, RootFsSize} (0 until storage reports sizes) */
};
int container_ps(struct engine *e, const struct container_ps_opts *opts, json_t **ret,
		 struct cpod_error **err);

/* Podman's human Status column: "Up 2 seconds", "Exited (0) 3 seconds ago", "Created". */
char *container_status_human(const struct container *c, int64_t now_ns);

/* The k8s-file log of the container (borrowed path in the record, or NULL without one). */
const char *container_log_path(const struct container *c);

struct container_logs_opts {
	int out_fd, err_fd;  /* where the container's stdout / stderr records go */
	bool follow;         /* -f: keep printing until the container stops */
	bool timestamps;     /* -t */
	bool names;          /* -n: prefix each line with the container's name */
	int64_t tail;        /* < 0: all */
	int64_t since_ns;    /* 0: no bound */
	int64_t until_ns;
};

/*
 * Print the logs of the containers named by keys (k8s-file driver), one container after the
 * other as Podman does. Containers with the "none" log driver print nothing. With several
 * containers every line is prefixed with the container's ID (12 characters) as Podman does,
 * or its name with opts->names.
 */
int container_logs(struct engine *e, char *const *keys, const struct container_logs_opts *opts,
		   struct cpod_error **err);

#endif
