/* SPDX-License-Identifier: Apache-2.0 */
/* Lookup, list, remove, rename and prune. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "engine/container-internal.h"
#include "engine/volume-internal.h"
#include "runtime/oci.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int container_lookup(struct engine *e, const char *key, struct container **ret,
                     struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	_cleanup_free_ char *id = NULL;
	int r = state_db_lookup_id(db, key, &id, err);
	if (r < 0)
		return r;
	return state_db_get(db, id, false, ret, NULL, err);
}

int container_list(struct engine *e, struct container ***ret, size_t *ret_n,
                   struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	struct container **v = NULL;
	bool *pend = NULL;
	size_t n = 0;
	int r = state_db_list(db, &v, &pend, &n, err);
	if (r < 0)
		return r;
	/* leftovers of killed cpods are finished here; pending records are never shown */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if ((pend[i] || v[i]->state.status == CTR_REMOVING) &&
		    (container_repair(e, v[i], pend[i], NULL) != 0 || pend[i])) {
			container_free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	free(pend);
	*ret = v;
	*ret_n = k;
	return 0;
}

int container_remove_locked(struct engine *e, struct container *c, struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	struct store *s = engine_store(e, err);
	if (!db || !s)
		return -EIO;
	const char *id = c->config.id;
	/* a cleaned-up container is gone from the runtime: no exec of the runtime needed */
	bool in_runtime = container_status_active(c->state.status) ||
			  c->state.status == CTR_REMOVING || c->state.status == CTR_UNKNOWN;
	if (c->state.status != CTR_REMOVING) {
		c->state.status = CTR_REMOVING;
		int r = state_db_save_state(db, c, err);
		if (r < 0)
			return r;
	}
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	if (in_runtime && container_oci_runtime(e, &rt, NULL) >= 0)
		(void)runtime_oci_delete(rt, id, true, NULL);
	int r = store_container_delete(s, id, err);
	if (r < 0 && r != -ENOENT)
		return cpod_error_wrap(err, "removing the storage of container %s", id);
	if (r == -ENOENT && err && *err) {
		cpod_error_free(*err);
		*err = NULL;
	}
	_cleanup_free_ char *ud = container_userdata_dir(e, id, false);
	_cleanup_free_ char *rd = container_userdata_dir(e, id, true);
	(void)rm_rf_at(AT_FDCWD, ud);
	(void)rm_rf_at(AT_FDCWD, rd);
	/* userdata's parents, containers/<id>, made by the store */
	_cleanup_free_ char *up = xasprintf("%s/containers/%s", e->graph_root, id);
	_cleanup_free_ char *rp = xasprintf("%s/containers/%s", e->run_root, id);
	(void)rmdir(up);
	(void)rmdir(rp);
	r = state_db_delete(db, id, err);
	if (r < 0)
		return r;
	container_lock_unlink(e, id);
	log_debug("removed container %s", id);
	return 0;
}

int container_remove(struct engine *e, const char *key, const struct container_remove_opts *opts,
                     struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (container_status_active(c->state.status)) {
		_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
		r = container_oci_runtime(e, &rt, err);
		if (r < 0)
			return r;
		/* it may have exited without its cleanup having run yet */
		(void)container_cleanup_locked(e, c, rt, NULL);
		if ((c->state.status == CTR_RUNNING || c->state.status == CTR_PAUSED ||
		     c->state.status == CTR_STOPPING) &&
		    !(opts && opts->force))
			return cpod_error_set(err, EBUSY,
			                      "cannot remove container %s as it is %s - running or "
			                      "paused containers cannot be removed without force: "
			                      "container state improper",
			                      c->config.id,
			                      container_status_to_string(c->state.status));
		r = container_deps_check_remove(e, c, opts, err);
		if (r < 0)
			return r;
		r = container_stop_locked(e, c, rt, opts ? opts->timeout : -1, err);
		if (r < 0)
			return r;
	} else if ((r = container_deps_check_remove(e, c, opts, err)) < 0) {
		return r;
	}
	r = container_remove_locked(e, c, err);
	if (r >= 0 && opts && opts->volumes) {
		/* after the container's lock is released: volume locks come after it */
		close(TAKE_FD(lock));
		container_volumes_remove_anonymous(e, c);
	}
	return r;
}

int container_rename(struct engine *e, const char *key, const char *new_name,
                     struct cpod_error **err)
{
	if (!container_name_valid(new_name))
		return cpod_error_set(
		        err, EINVAL,
		        "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (strcmp(c->config.name, new_name) == 0)
		return 0;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	return state_db_rename(db, c, new_name, err);
}

int container_prune(struct engine *e, char ***ret_removed, struct cpod_error **err)
{
	struct container **v = NULL;
	size_t n = 0;
	int r = container_list(e, &v, &n, err);
	if (r < 0)
		return r;
	char **removed = xnew(char *, 1);
	for (size_t i = 0; i < n && r >= 0; i++) {
		enum container_status st = v[i]->state.status;
		if (st == CTR_RUNNING || st == CTR_PAUSED || st == CTR_STOPPING)
			continue;
		struct container_remove_opts ro = {.force = false, .timeout = -1};
		struct cpod_error *rerr = NULL;
		int rr = container_remove(e, v[i]->config.id, &ro, &rerr);
		if (rr == -ENOENT || rr == -EBUSY) {
			/* gone meanwhile, or started meanwhile: not prunable */
			cpod_error_free(rerr);
			continue;
		}
		if (rr < 0) {
			cpod_error_move(err, &rerr);
			r = rr;
			break;
		}
		strv_push(&removed, v[i]->config.id);
	}
	container_list_free(v, n);
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
