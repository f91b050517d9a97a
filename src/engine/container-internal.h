/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CONTAINER_INTERNAL_H
#define CPOD_CONTAINER_INTERNAL_H

/*
 * The engine's container internals: the state database (db.c), locks and reboot handling
 * (state.c), record JSON (container-model.c), names (names.c). See state.c for the crash
 * safety design.
 */
#include <sqlite3.h>

#include "engine/container.h"
#include "engine/engine-internal.h"
#include "runtime/conmon.h"

/* ---- records (container-model.c) --------------------------------------------------------- */

void container_config_release(struct container_config *c);
void container_state_release(struct container_state *s);
/* Compact JSON, owned. */
char *container_config_to_json(const struct container_config *c);
char *container_state_to_json(const struct container_state *s);
/* Fill *c / *s from JSON (EIO when malformed). */
int container_config_from_json(const char *text, struct container_config *c,
			       struct cpod_error **err);
int container_state_from_json(const char *text, struct container_state *s,
			      struct cpod_error **err);

/* ---- the database (db.c) ------------------------------------------------------------------ */

#define STATE_DB_VERSION 3

struct state_db {
	sqlite3 *db;
	char *path;
};

/* Open graph_root/cpod.db, applying migrations. Free with state_db_close(). */
int state_db_open(const char *graph_root, struct state_db **ret, struct cpod_error **err);
struct state_db *state_db_close(struct state_db *db);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct state_db *, state_db_close)
int state_db_schema_version(struct state_db *db, int *ret, struct cpod_error **err);

int state_db_begin(struct state_db *db, struct cpod_error **err);
int state_db_commit(struct state_db *db, struct cpod_error **err);
void state_db_rollback(struct state_db *db);

/*
 * Insert a record with pending = 1 (invisible to lookups and lists until
 * state_db_set_pending(false)). EEXIST when the name or ID is taken: the message is Podman's
 * for a name; *ret_name_taken tells the two apart.
 */
int state_db_insert(struct state_db *db, const struct container *c, bool *ret_name_taken,
		    struct cpod_error **err);
int state_db_set_pending(struct state_db *db, const char *id, bool pending,
			 struct cpod_error **err);
/* Exact ID; pending records too when include_pending. ENOENT when absent. */
int state_db_get(struct state_db *db, const char *id, bool include_pending,
		 struct container **ret, bool *ret_pending, struct cpod_error **err);
/* Full ID, exact name, then unique ID prefix. ENOENT / EINVAL (ambiguous). */
int state_db_lookup_id(struct state_db *db, const char *key, char **ret_id,
		       struct cpod_error **err);
/* Every record (pending ones too, flagged), newest first. */
int state_db_list(struct state_db *db, struct container ***ret, bool **ret_pending,
		  size_t *ret_n, struct cpod_error **err);
int state_db_save_state(struct state_db *db, const struct container *c, struct cpod_error **err);
int state_db_save_config(struct state_db *db, const struct container *c,
			 struct cpod_error **err);
/* Rename inside one transaction (EEXIST with Podman's message when taken). */
int state_db_rename(struct state_db *db, struct container *c, const char *new_name,
		    struct cpod_error **err);
int state_db_delete(struct state_db *db, const char *id, struct cpod_error **err);
/* Reset every container after a reboot (see state.c). Returns how many were reset. */
int state_db_reset_all(struct state_db *db, struct cpod_error **err);

/* ---- engine glue, locks, reboot (state.c) -------------------------------------------------- */

/* The state database, opened (and checked for a reboot) on first use; borrowed. */
struct state_db *engine_state(struct engine *e, struct cpod_error **err);

/*
 * Take container id's lock (run_root/locks/<id>.lock); returns the fd (close to unlock).
 * nonblock: -EWOULDBLOCK (no error set) when another process holds it.
 */
int container_lock(struct engine *e, const char *id, bool nonblock, struct cpod_error **err);
void container_lock_unlink(struct engine *e, const char *id);

/*
 * Resolve key and lock it, then read the record again under the lock: the record returned
 * is current. *ret_fd holds the lock. ENOENT when it vanished meanwhile.
 */
int container_get_locked(struct engine *e, const char *key, struct container **ret,
			 int *ret_fd, struct cpod_error **err);

/*
 * Finish what a killed cpod left behind for record c (pending create, "removing"), when
 * nobody holds its lock. Returns 1 when the record was removed, 0 when left, <0 on error.
 */
int container_repair(struct engine *e, const struct container *c, bool pending,
		     struct cpod_error **err);

/* Remove storage, userdata, record and lock file of a stopped container (lock held). */
int container_remove_locked(struct engine *e, struct container *c, struct cpod_error **err);

/* ---- lifecycle internals (container-start.c, container-stop.c, container-cleanup.c) ------- */

struct oci_runtime;

/* The OCI runtime to drive for this engine (owned, oci_runtime_free). */
int container_oci_runtime(struct engine *e, struct oci_runtime **ret, struct cpod_error **err);
/*
 * How cpod runs itself for a container from outside (conmon's exit command, health checks):
 * this engine's global flags and id, for conmon_exit_command() (runtime/conmon.h).
 */
struct conmon_exit_command_opts container_self_command_opts(struct engine *e, const char *id);
/* Mount, generate config.json, create through conmon: status created (lock held). */
int container_init_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
			  struct cpod_error **err);
/*
 * Start c (initialising it first unless created), lock held. retain_retries: a restart by
 * the restart policy, which keeps state.restart_count (any other start resets it to 0).
 */
int container_start_locked(struct engine *e, struct container *c, bool retain_retries,
			   struct cpod_error **err);
/*
 * After the exit of c was recorded by its cleanup (status exited, lock held): start it again
 * when its restart policy says so (container-restart.c). 1 when restarted, 0 when not.
 */
int container_restart_policy_apply(struct engine *e, struct container *c,
				   struct cpod_error **err);
/* Stop signal, wait timeout seconds, SIGKILL, wait, cleanup (lock held). */
int container_stop_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
			  int timeout, struct cpod_error **err);
/*
 * If the container's process is gone: record the exit (exit file, oom file), delete it from
 * the runtime, unmount. Returns 1 when it recorded an exit, 0 when the container still runs
 * or was not running (lock held).
 */
int container_cleanup_locked(struct engine *e, struct container *c, const struct oci_runtime *rt,
			     struct cpod_error **err);
/* run_root/exits/<id> (owned). */
char *container_exit_file(struct engine *e, const char *id);
/* True when the status means a runtime container exists. */
bool container_status_active(enum container_status s);

/* --requires (container-deps.c): resolve names to IDs into extra "dependencies". */
int container_deps_resolve(struct engine *e, char *const *requires, json_t *extra,
                           struct cpod_error **err);
/* inspect .Dependencies (a new reference). */
json_t *container_deps_json(const struct container *c);
/* Start the dependencies of container key (recursively) that are not running. */
int container_deps_start(struct engine *e, const char *key, struct cpod_error **err);
/* Refuse removing c while others depend on it; with opts->depend remove them first. */
int container_deps_check_remove(struct engine *e, const struct container *c,
                                const struct container_remove_opts *opts,
                                struct cpod_error **err);

/* ---- root file system flags (container-fs-flags.c) ----------------------------------------- */

enum image_volume_mode { IMAGE_VOLUME_BIND, IMAGE_VOLUME_TMPFS, IMAGE_VOLUME_IGNORE };
/* --image-volume: NULL is "bind"; Podman's message for others (EINVAL). */
int container_image_volume_mode(const char *mode, struct cpod_error **err);
/* Check --image-volume, keep --chrootdirs, --hostuser, --passwd-entry in extra. */
int container_fs_flags_save(json_t *extra, const struct container_create_opts *o,
                            struct cpod_error **err);
/* inspect .Config.ChrootDirs (a new reference), NULL when there are none. */
json_t *container_chroot_dirs_json(const struct container *c);

/* --rootfs PATH[:O] (container-rootfs.c): check PATH and keep it in extra. */
int container_rootfs_parse(const char *arg, json_t *extra, struct cpod_error **err);
/* The --rootfs directory of the container, NULL for one made from an image. */
const char *container_rootfs_path(const struct container_config *cc);
/*
 * The verbs that read or write the container's files through the store (cp, mount, export,
 * commit, diff) do not handle a --rootfs container yet: ENOTSUP naming it, 0 otherwise.
 */
int container_rootfs_refuse(const struct container *c, const char *verb, struct cpod_error **err);
/* Mount the root file system: the store's, the --rootfs directory, or its overlay. */
int container_rootfs_mount(struct store *s, const struct container_config *cc, char **ret_path,
                           struct cpod_error **err);
/* Undo container_rootfs_mount (force: every store mount reference). */
int container_rootfs_unmount(struct store *s, const struct container_config *cc, bool force,
                             struct cpod_error **err);

/* ---- names (names.c) ---------------------------------------------------------------------- */

/* A random "adjective_surname" name (owned). */
char *container_name_generate(void);
bool container_name_valid(const char *name);

/* ---- paths -------------------------------------------------------------------------------- */

/* graph_root side userdata directory (StaticDir), owned; run side when run. */
char *container_userdata_dir(struct engine *e, const char *id, bool run);

/* Unix nanoseconds now (CLOCK_REALTIME). */
int64_t container_now_ns(void);

#endif
