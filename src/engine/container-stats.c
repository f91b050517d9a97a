/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stats, top, pause/unpause and update of running containers (Podman's libpod
 * GetContainerStats, Top, Pause, Unpause and Update).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container-isolation.h"
#include "engine/isolation-internal.h"
#include "runtime/cgroup-stats.h"
#include "runtime/exec.h"
#include "runtime/oci.h"
#include "runtime/probe.h"
#include "runtime/top.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

void container_stats_release(struct container_stats *s)
{
	free(s->name);
	s->name = NULL;
}

int container_stats(struct engine *e, const char *key, const struct container_stats *prev,
                    struct container_stats *ret, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	if ((c->state.status != CTR_RUNNING && c->state.status != CTR_PAUSED) || c->state.pid <= 0)
		return cpod_error_set(err, EINVAL, "container is stopped");
	const struct host_probe *p = engine_probe(e, err);
	if (!p)
		return -EIO;
	struct cgroup_stats cs;
	if ((r = cgroup_stats_read(NULL, p->cgroup_mode, c->state.pid, &cs, err)) < 0)
		return r;

	struct container_stats s = {0};
	memcpy(s.id, c->config.id, strnlen(c->config.id, 64));
	s.name = xstrdup(c->config.name);
	s.cpu_ns = cs.cpu_ns;
	s.system_ns = cs.sampled_ns;
	s.up_ns = cs.sampled_ns - c->state.started_at;
	/* Podman: the first sample is measured against the start of the container */
	uint64_t prev_cpu = 0;
	int64_t prev_ns = c->state.started_at;
	if (prev && strcmp(prev->id, s.id) == 0) {
		prev_cpu = prev->cpu_ns;
		prev_ns = prev->system_ns;
	}
	s.cpu_percent = stats_cpu_percent(cs.cpu_ns, cs.sampled_ns, prev_cpu, prev_ns);
	s.avg_cpu = stats_cpu_percent(cs.cpu_ns, cs.sampled_ns, 0, c->state.started_at);
	s.mem_usage = cs.mem_usage;
	/* Podman's getMemLimit: no limit, or one above the host's memory, is the host's */
	s.mem_limit = cs.mem_limit && cs.mem_limit < p->mem_total ? cs.mem_limit : p->mem_total;
	s.mem_percent = stats_mem_percent(s.mem_usage, s.mem_limit);
	s.net_input = cs.net_rx;
	s.net_output = cs.net_tx;
	s.block_input = cs.blk_read;
	s.block_output = cs.blk_write;
	s.pids = cs.pids;
	*ret = s;
	return 0;
}

static const char *find_program(const char *name)
{
	static const char *const dirs[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin", NULL};
	static __thread char buf[64];
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

int container_top(struct engine *e, const char *key, char *const *args, json_t **ret,
                  char ***ret_lines, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = container_lookup(e, key, &c, err);
	if (r < 0)
		return r;
	if (c->state.status != CTR_RUNNING && c->state.status != CTR_PAUSED)
		return cpod_error_set(err, EINVAL,
		                      "top can only be used on running containers: "
		                      "container state improper");
	_cleanup_strv_free_ char **descs = NULL;
	if (top_parse_descriptors(args, &descs)) {
		struct top_options o = {0};
		*ret_lines = NULL;
		return top_collect(&o, c->state.pid, descs, ret, err);
	}
	/* Podman runs ps(1) for options psgo does not know */
	const char *nsenter = find_program("nsenter");
	if (!nsenter)
		return cpod_error_set(err, ENOENT,
		                      "ps(1) fallback needs nsenter: install util-linux");
	_cleanup_strv_free_ char **argv = top_ps_argv(c->state.pid, args);
	struct runtime_exec_options eo = {
	        .path = nsenter,
	        .argv = argv,
	        .flags = RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_CAPTURE_STDERR |
	                 RUNTIME_EXEC_NULL_STDIN,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	if ((r = runtime_exec_argv(&eo, &res, err)) < 0)
		return r;
	if (res.status != 0) {
		_cleanup_free_ char *msg = xstrdup(res.stderr_data ? res.stderr_data : "");
		msg[strcspn(msg, "\n")] = '\0';
		return cpod_error_set(err, EINVAL, "ps(1) failed with exit code %d: %s", res.status,
		                      msg);
	}
	char **lines = strv_split(res.stdout_data ? res.stdout_data : "", "\n");
	size_t n = strv_length(lines);
	if (n > 0 && !*lines[n - 1]) {
		free(lines[n - 1]);
		lines[n - 1] = NULL;
	}
	*ret = NULL;
	*ret_lines = lines;
	return 0;
}

static int pause_or_resume(struct engine *e, const char *key, bool pause, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	if (pause && c->state.status == CTR_PAUSED)
		return cpod_error_set(err, EINVAL,
		                      "\"%s\" is already paused: container state "
		                      "improper",
		                      c->config.id);
	if (pause && c->state.status != CTR_RUNNING)
		return cpod_error_set(
		        err, EINVAL, "\"%s\" is not running, can't pause: container state improper",
		        container_status_to_string(c->state.status));
	if (!pause && c->state.status != CTR_PAUSED)
		return cpod_error_set(
		        err, EINVAL,
		        "\"%s\" is not paused, can't unpause: container state improper",
		        c->config.id);
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	if ((r = container_oci_runtime(e, &rt, err)) < 0)
		return r;
	r = pause ? runtime_oci_pause(rt, c->config.id, err)
	          : runtime_oci_resume(rt, c->config.id, err);
	if (r < 0)
		return r;
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	c->state.status = pause ? CTR_PAUSED : CTR_RUNNING;
	return state_db_save_state(db, c, err);
}

int container_pause(struct engine *e, const char *key, struct cpod_error **err)
{
	return pause_or_resume(e, key, true, err);
}

int container_unpause(struct engine *e, const char *key, struct cpod_error **err)
{
	return pause_or_resume(e, key, false, err);
}

/* Merge the given resources into the persisted ones, one level deep. */
static void merge_persisted(json_t *cfg, const json_t *upd)
{
	json_t *res = json_object_get(cfg, "resources");
	if (!res) {
		res = json_object();
		json_object_set_new(cfg, "resources", res);
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)upd, k, v)
	{
		json_t *cur = json_object_get(res, k);
		if (json_is_object(cur) && json_is_object(v))
			json_object_update(cur, v);
		else
			json_object_set(res, k, v);
	}
	json_t *pids = json_object_get(json_object_get(upd, "pids"), "limit");
	if (pids)
		json_object_set_new(
		        cfg, "pidsLimit",
		        json_integer(json_integer_value(pids) > 0 ? json_integer_value(pids) : -1));
}

static int runtime_update(struct engine *e, struct container *c, const json_t *res,
                          struct cpod_error **err)
{
	_cleanup_(oci_runtime_freep) struct oci_runtime *rt = NULL;
	int r = container_oci_runtime(e, &rt, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *run_dir = container_userdata_dir(e, c->config.id, true);
	_cleanup_free_ char *file = path_join(run_dir, "resources-update.json");
	_cleanup_free_ char *text = json_dumps(res, JSON_COMPACT);
	r = write_file_atomic_at(AT_FDCWD, file, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", file);
	const char *args[] = {"update", "--resources", file, c->config.id, NULL};
	r = runtime_oci_run(rt, args, NULL, err);
	(void)unlink(file);
	return r;
}

int container_update(struct engine *e, const char *key, const struct isolation_opts *o,
                     char ***ret_warnings, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	_cleanup_close_ int lock = -1;
	int r = container_get_locked(e, key, &c, &lock, err);
	if (r < 0)
		return r;
	const struct host_probe *p = engine_probe(e, err);
	struct state_db *db = engine_state(e, err);
	if (!p || !db)
		return -EIO;
	struct isolation_host h;
	isolation_host_detect(NULL, p->cgroup_mode, p->rootless, &h);
	_cleanup_json_ json_t *res = NULL;
	r = isolation_update_resources(o, &h, &res, ret_warnings, err);
	isolation_host_release(&h);
	if (r < 0)
		return r;
	if (json_object_size(res) == 0)
		return 0;
	if (container_status_active(c->state.status) && c->state.status != CTR_CREATED &&
	    (r = runtime_update(e, c, res, err)) < 0)
		return r;
	json_t *cfg = json_object_get(c->config.spec_extra, "isolation");
	if (!cfg) {
		cfg = json_object();
		json_object_set_new(c->config.spec_extra, "isolation", cfg);
	}
	merge_persisted(cfg, res);
	int64_t nano;
	if (o->cpus && *o->cpus && isolation_parse_cpus(o->cpus, &nano) == 0)
		json_object_set_new(cfg, "nanoCpus", json_integer(nano));
	return state_db_save_config(db, c, err);
}
