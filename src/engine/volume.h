/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_VOLUME_H
#define CPOD_VOLUME_H

/*
 * Volumes: records in the state database (table volumes, and container_volumes linking
 * each container to the volumes it uses), data under graph_root/volumes/<name>/_data as
 * Podman lays it out, and the "local" driver: a plain directory, or, with -o type=/device=/o=,
 * a file system mounted on _data at first use and unmounted when its last user stops (the
 * count of users is the volume's MountCount, reset after a reboot).
 *
 * A new volume is empty and marked NeedsCopyUp and NeedsChown: the first container that
 * mounts it copies the image's content at the mount destination into it (owners, modes,
 * times kept) and gives it the owner and mode of that directory, as Podman does.
 *
 * Errors: ENOENT `no volume with name "x" found: no such volume`, EEXIST `volume with name
 * x already exists: volume already exists`, EBUSY `volume x is being used by the following
 * container(s): ID: volume is being used`, EINVAL for bad names, drivers, options, filters.
 * Every change to a volume takes its lock (run_root/locks/volume-<name>.lock).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

struct engine;

struct volume {
	char *name;
	char *driver;     /* "local" */
	char *mountpoint; /* graph_root/volumes/<name>/_data */
	int64_t created;  /* unix nanoseconds */
	char **labels;    /* "k=v", sorted by key */
	char **options;   /* "k=v" (-o), sorted by key */
	bool anonymous;
	uid_t uid; /* -o uid= / gid=: owner of _data; (uid_t)-1 when unset */
	gid_t gid;
	/* state */
	bool needs_copy_up;
	bool needs_chown;
	unsigned mount_count; /* users of a mounted (device) volume */
};
struct volume *volume_free(struct volume *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct volume *, volume_free)
void volume_list_free(struct volume **v, size_t n);

/* [a-zA-Z0-9][a-zA-Z0-9_.-]* (Podman's name rule). */
bool volume_name_valid(const char *name);

struct volume_create_opts {
	const char *name;     /* NULL or "": a random 64-hex name */
	const char *driver;   /* NULL: "local" (the only driver) */
	char *const *labels;  /* "k=v" or "k" */
	char *const *options; /* "k=v": type, device, o, uid, gid, size, inodes, noquota, copy,
	                         nocopy */
	bool anonymous;       /* created for a container's -v /path or image VOLUME */
	bool ignore_existing; /* --ignore: return the existing volume */
};

/* Create a volume (record and directories). *ret (may be NULL): volume_free(). */
int volume_create(struct engine *e, const struct volume_create_opts *opts, struct volume **ret,
                  struct cpod_error **err);

/* By exact name, then unique name prefix (Podman's LookupVolume). ENOENT, EINVAL (ambiguous). */
int volume_lookup(struct engine *e, const char *name, struct volume **ret, struct cpod_error **err);

/* 1 when a volume of that name exists, 0 when not, <0 on error. */
int volume_exists(struct engine *e, const char *name, struct cpod_error **err);

/*
 * Volumes sorted by name matching every filter ("key=value": name, label, driver, dangling,
 * opt, scope, until, anonymous; same key ORed, different keys ANDed). EINVAL for an unknown
 * filter: `"x" is an invalid volume filter`.
 */
int volume_list(struct engine *e, char *const *filters, struct volume ***ret, size_t *ret_n,
                struct cpod_error **err);

/* IDs of the containers using the volume (owned strv, possibly empty). */
int volume_users(struct engine *e, const char *name, char ***ret, struct cpod_error **err);

/* Podman's `volume inspect` object (new reference). */
json_t *volume_inspect_json(const struct volume *v);

struct volume_remove_opts {
	bool force;  /* remove the containers using it first */
	int timeout; /* stop timeout for those containers; -1: theirs */
};
/* Remove a volume (EBUSY when in use without force). */
int volume_remove(struct engine *e, const char *name, const struct volume_remove_opts *opts,
                  struct cpod_error **err);

/* Remove every volume no container uses and that matches filters. *ret_removed: owned strv. */
int volume_prune(struct engine *e, char *const *filters, char ***ret_removed,
                 struct cpod_error **err);

/* Write a tar of the volume's data to fd / extract a tar (possibly compressed) from fd. */
int volume_export(struct engine *e, const char *name, int fd, struct cpod_error **err);
int volume_import(struct engine *e, const char *name, int fd, struct cpod_error **err);

#endif
