/* SPDX-License-Identifier: Apache-2.0 */
/* Volumes: create, lookup, list, inspect data, remove, prune (see volume.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/volume-internal.h"
#include "format/units.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

struct volume *volume_free(struct volume *v)
{
	if (!v)
		return NULL;
	free(v->name);
	free(v->driver);
	free(v->mountpoint);
	strv_free(v->labels);
	strv_free(v->options);
	free(v);
	return NULL;
}

void volume_list_free(struct volume **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		volume_free(v[i]);
	free(v);
}

bool volume_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9');
		if (!alnum && (p == name || !strchr("_.-", *p)))
			return false;
	}
	return true;
}

char *volume_dir(struct engine *e, const char *name)
{
	return xasprintf("%s/volumes/%s", e->graph_root, name);
}

int volume_lock(struct engine *e, const char *name, struct cpod_error **err)
{
	_cleanup_free_ char *lock = xasprintf("volume-%s", name);
	return container_lock(e, lock, false, err);
}

static void fill_mountpoint(struct engine *e, struct volume *v)
{
	if (!v->mountpoint)
		v->mountpoint = xasprintf("%s/volumes/%s/_data", e->graph_root, v->name);
}

int volume_get_locked(struct engine *e, const char *key, struct volume **ret, int *ret_fd,
                      struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *name = NULL;
	int r = volume_db_resolve(db, key, &name, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = volume_lock(e, name, err);
	if (fd < 0)
		return fd;
	r = volume_db_get(db, name, ret, err);
	if (r < 0)
		return r;
	fill_mountpoint(e, *ret);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int check_options(struct volume *v, struct cpod_error **err)
{
	static const char *const keys[] = {"device", "o",      "type",    "uid",  "gid",
	                                   "size",   "inodes", "noquota", "copy", "nocopy"};
	STRV_FOREACH(kv, v->options)
	{
		const char *eq = strchr(*kv, '=');
		_cleanup_free_ char *k = eq ? xstrndup(*kv, (size_t)(eq - *kv)) : xstrdup(*kv);
		const char *val = eq ? eq + 1 : "";
		bool known = false;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			known |= strcasecmp(k, keys[i]) == 0;
		if (!known)
			return cpod_error_set(err, EINVAL,
			                      "invalid mount option %s for driver 'local': invalid "
			                      "argument",
			                      k);
		if (!strcasecmp(k, "uid") || !strcasecmp(k, "gid")) {
			char *end = NULL;
			errno = 0;
			long id = strtol(val, &end, 10);
			if (!*val || *end || errno || id < 0 || id > 0x7fffffff)
				return cpod_error_set(err, EINVAL,
				                      "cannot convert %s %s to integer: invalid "
				                      "argument",
				                      !strcasecmp(k, "uid") ? "UID" : "GID", val);
			if (!strcasecmp(k, "uid"))
				v->uid = (uid_t)id;
			else
				v->gid = (gid_t)id;
		} else if (!strcasecmp(k, "size") || !strcasecmp(k, "inodes")) {
			return cpod_error_set(err, EINVAL,
			                      "volume options size and inodes not supported. "
			                      "Filesystem does not support Project Quota");
		} else if (!strcasecmp(k, "nocopy")) {
			v->needs_copy_up = false;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v" list keyed uniquely (the last value wins, like a Go map), sorted */
static char **kv_normalize(char *const *in)
{
	char **out = xnew(char *, 1);
	for (size_t i = 0; in && in[i]; i++) {
		size_t klen = strcspn(in[i], "=");
		size_t k = 0;
		for (size_t j = 0; out[j]; j++) {
			if (strncmp(out[j], in[i], klen) == 0 && out[j][klen] == '=')
				free(out[j]);
			else
				out[k++] = out[j];
		}
		out[k] = NULL;
		if (strchr(in[i], '='))
			strv_push(&out, in[i]);
		else
			strv_consume(&out, xasprintf("%s=", in[i]));
	}
	qsort(out, strv_length(out), sizeof(char *), cmp_str);
	return out;
}

int volume_create(struct engine *e, const struct volume_create_opts *opts, struct volume **ret,
                  struct cpod_error **err)
{
	const char *driver = opts->driver && *opts->driver ? opts->driver : "local";
	if (strcmp(driver, "local") != 0)
		return cpod_error_set(err, EINVAL,
		                      "volume plugin %s (needed by volume %s) not found: no such "
		                      "volume plugin",
		                      driver, opts->name && *opts->name ? opts->name : "");
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_(volume_freep) struct volume *v = xnew(struct volume, 1);
	if (opts->name && *opts->name) {
		if (!volume_name_valid(opts->name))
			return cpod_error_set(err, EINVAL,
			                      "running volume create option: names must match "
			                      "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
		v->name = xstrdup(opts->name);
	} else {
		char id[65];
		id_random(id);
		v->name = xstrdup(id);
	}
	v->driver = xstrdup(driver);
	v->labels = kv_normalize(opts->labels);
	v->options = kv_normalize(opts->options);
	v->anonymous = opts->anonymous;
	v->uid = (uid_t)-1;
	v->gid = (gid_t)-1;
	v->needs_copy_up = true;
	v->needs_chown = true;
	v->created = container_now_ns();
	int r = check_options(v, err);
	if (r < 0)
		return r;
	fill_mountpoint(e, v);

	_cleanup_close_ int lock = volume_lock(e, v->name, err);
	if (lock < 0)
		return lock;
	struct cpod_error *ierr = NULL;
	r = volume_db_insert(db, v, &ierr);
	if (r == -EEXIST && opts->ignore_existing) {
		cpod_error_free(ierr);
		if (!ret)
			return 0;
		r = volume_db_get(db, v->name, ret, err);
		if (r >= 0)
			fill_mountpoint(e, *ret);
		return r;
	}
	if (r < 0) {
		cpod_error_move(err, &ierr);
		return r;
	}
	_cleanup_free_ char *dir = volume_dir(e, v->name);
	r = mkdir_p(dir, 0700);
	if (r >= 0 && mkdir(v->mountpoint, 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r >= 0 && (v->uid != (uid_t)-1 || v->gid != (gid_t)-1) &&
	    lchown(v->mountpoint, v->uid, v->gid) < 0)
		r = -errno;
	if (r < 0) {
		(void)rm_rf_at(AT_FDCWD, dir);
		(void)volume_db_delete(db, v->name, NULL);
		return cpod_error_set_errno(err, -r, "creating volume directory %s", v->mountpoint);
	}
	log_debug("created volume %s", v->name);
	if (ret)
		*ret = TAKE_PTR(v);
	return 0;
}

int volume_lookup(struct engine *e, const char *name, struct volume **ret, struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *full = NULL;
	int r = volume_db_resolve(db, name, &full, err);
	if (r < 0)
		return r;
	r = volume_db_get(db, full, ret, err);
	if (r >= 0)
		fill_mountpoint(e, *ret);
	return r;
}

int volume_exists(struct engine *e, const char *name, struct cpod_error **err)
{
	_cleanup_(volume_freep) struct volume *v = NULL;
	struct cpod_error *lerr = NULL;
	int r = volume_lookup(e, name, &v, &lerr);
	if (r == -ENOENT) {
		cpod_error_free(lerr);
		return 0;
	}
	if (r < 0) {
		cpod_error_move(err, &lerr);
		return r;
	}
	return 1;
}

int volume_users(struct engine *e, const char *name, char ***ret, struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	return volume_db_users(db, name, ret, err);
}

static json_t *kv_json(char *const *kv)
{
	json_t *o = json_object();
	STRV_FOREACH(p, (char **)kv)
	{
		const char *eq = strchr(*p, '=');
		_cleanup_free_ char *k = eq ? xstrndup(*p, (size_t)(eq - *p)) : xstrdup(*p);
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

json_t *volume_inspect_json(const struct volume *v)
{
	struct timespec ts = {.tv_sec = v->created / 1000000000,
	                      .tv_nsec = v->created % 1000000000};
	_cleanup_free_ char *created = units_time_rfc3339nano(&ts, false);
	json_t *o = json_object();
	json_object_set_new(o, "Name", json_string(v->name));
	json_object_set_new(o, "Driver", json_string(v->driver));
	json_object_set_new(o, "Mountpoint", json_string(v->mountpoint ? v->mountpoint : ""));
	json_object_set_new(o, "CreatedAt", json_string(created));
	json_object_set_new(o, "Labels", kv_json(v->labels));
	json_object_set_new(o, "Scope", json_string("local"));
	json_object_set_new(o, "Options", kv_json(v->options));
	if (v->anonymous)
		json_object_set_new(o, "Anonymous", json_true());
	json_object_set_new(o, "MountCount", json_integer(v->mount_count));
	/* omitempty in Podman's InspectVolumeData */
	if (v->needs_copy_up)
		json_object_set_new(o, "NeedsCopyUp", json_true());
	if (v->needs_chown)
		json_object_set_new(o, "NeedsChown", json_true());
	return o;
}

/* ---- remove and prune ------------------------------------------------------------------- */

static int remove_users(struct engine *e, const char *name, const struct volume_remove_opts *o,
                        struct cpod_error **err)
{
	_cleanup_strv_free_ char **users = NULL;
	int r = volume_users(e, name, &users, err);
	if (r < 0)
		return r;
	STRV_FOREACH(id, users)
	{
		struct container_remove_opts ro = {.force = true, .timeout = o->timeout};
		struct cpod_error *rerr = NULL;
		r = container_remove(e, *id, &ro, &rerr);
		if (r == -ENOENT) {
			cpod_error_free(rerr);
			continue;
		}
		if (r < 0) {
			cpod_error_move(err, &rerr);
			return cpod_error_wrap(err, "removing container %s that uses volume %s",
			                       *id, name);
		}
	}
	return 0;
}

int volume_remove(struct engine *e, const char *key, const struct volume_remove_opts *opts,
                  struct cpod_error **err)
{
	struct volume_remove_opts def = {.timeout = -1};
	if (!opts)
		opts = &def;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *name = NULL;
	int r = volume_db_resolve(db, key, &name, err);
	if (r < 0)
		return r;
	/* the users first, without the volume's lock (lock order: container, then volume) */
	if (opts->force) {
		r = remove_users(e, name, opts, err);
		if (r < 0)
			return r;
	}
	_cleanup_(volume_freep) struct volume *v = NULL;
	_cleanup_close_ int lock = -1;
	r = volume_get_locked(e, name, &v, &lock, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **users = NULL;
	r = volume_db_users(db, v->name, &users, err);
	if (r < 0)
		return r;
	if (users[0]) {
		_cleanup_free_ char *list = strv_join(users, ", ");
		return cpod_error_set(err, EBUSY,
		                      "volume %s is being used by the following container(s): %s: "
		                      "volume is being used",
		                      v->name, list);
	}
	if (v->mount_count > 0 || volume_needs_mount(v)) {
		v->mount_count = v->mount_count ? 1 : 0;
		struct cpod_error *uerr = NULL;
		if (v->mount_count && volume_unmount_locked(e, v, &uerr) < 0) {
			log_debug("unmounting volume %s: %s", v->name, uerr->msg);
			cpod_error_free(uerr);
		}
	}
	_cleanup_free_ char *dir = volume_dir(e, v->name);
	r = rm_rf_at(AT_FDCWD, dir);
	if (r < 0 && r != -ENOENT)
		return cpod_error_set_errno(err, -r, "removing volume %s: removing %s", v->name,
		                            dir);
	r = volume_db_delete(db, v->name, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *lockname = xasprintf("volume-%s", v->name);
	container_lock_unlink(e, lockname);
	log_debug("removed volume %s", v->name);
	return 0;
}

int volume_prune(struct engine *e, char *const *filters, char ***ret_removed,
                 struct cpod_error **err)
{
	/* dangling=true in addition to the user's filters: only unused volumes */
	_cleanup_strv_free_ char **all = strv_copy(filters ? filters : (char *const[]){NULL});
	strv_push(&all, "dangling=true");
	struct volume **v = NULL;
	size_t n = 0;
	int r = volume_list(e, all, &v, &n, err);
	if (r < 0)
		return r;
	char **removed = xnew(char *, 1);
	for (size_t i = 0; i < n; i++) {
		struct cpod_error *rerr = NULL;
		int rr = volume_remove(e, v[i]->name, NULL, &rerr);
		if (rr == -ENOENT || rr == -EBUSY) {
			cpod_error_free(rerr);
			continue; /* gone, or taken meanwhile */
		}
		if (rr < 0) {
			cpod_error_move(err, &rerr);
			r = rr;
			break;
		}
		strv_push(&removed, v[i]->name);
	}
	volume_list_free(v, n);
	if (r < 0) {
		strv_free(removed);
		return r;
	}
	if (ret_removed)
		*ret_removed = removed;
	else
		strv_free(removed);
	return 0;
}
