/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/containers-conf.h"
#include "engine/engine-internal.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static char *default_graph_root(void)
{
	if (geteuid() == 0)
		return xstrdup("/var/lib/cpod");
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/cpod", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/cpod", home && *home ? home : "/tmp");
}

static char *default_run_root(void)
{
	if (geteuid() == 0)
		return xstrdup("/run/cpod");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg == '/')
		return xasprintf("%s/cpod", xdg);
	return xasprintf("/tmp/cpod-run-%u", (unsigned)geteuid());
}

int engine_new(const struct engine_options *opts, struct engine **ret, struct cpod_error **err)
{
	struct engine *e = xnew(struct engine, 1);
	e->opts.root = xstrdup_or_null(opts->root);
	e->opts.runroot = xstrdup_or_null(opts->runroot);
	e->opts.storage_driver = xstrdup_or_null(opts->storage_driver);
	e->opts.storage_opts = opts->storage_opts ? strv_copy(opts->storage_opts) : NULL;
	e->opts.runtime = xstrdup_or_null(opts->runtime);
	e->opts.conmon = xstrdup_or_null(opts->conmon);
	e->opts.cgroup_manager = xstrdup_or_null(opts->cgroup_manager);
	e->opts.events_backend = xstrdup_or_null(opts->events_backend);
	e->opts.tmpdir = xstrdup_or_null(opts->tmpdir);
	e->graph_root = opts->root ? xstrdup(opts->root) : default_graph_root();
	e->run_root = opts->runroot ? xstrdup(opts->runroot) : default_run_root();
	if (e->graph_root[0] != '/' || e->run_root[0] != '/') {
		engine_free(e);
		return cpod_error_set(err, EINVAL, "--root and --runroot must be absolute paths");
	}
	*ret = e;
	return 0;
}

struct engine *engine_free(struct engine *e)
{
	if (!e)
		return NULL;
	state_db_close(e->state);
	store_free(e->store);
	config_free(e->config);
	host_probe_free(e->probe);
	runtime_choice_free(e->runtime);
	free((char *)e->opts.root);
	free((char *)e->opts.runroot);
	free((char *)e->opts.storage_driver);
	strv_free((char **)e->opts.storage_opts);
	free((char *)e->opts.runtime);
	free((char *)e->opts.conmon);
	free((char *)e->opts.cgroup_manager);
	free((char *)e->opts.events_backend);
	free((char *)e->opts.tmpdir);
	free(e->graph_root);
	free(e->run_root);
	free(e);
	return NULL;
}

const char *engine_graph_root(const struct engine *e)
{
	return e->graph_root;
}

const char *engine_run_root(const struct engine *e)
{
	return e->run_root;
}

const struct engine_options *engine_options(const struct engine *e)
{
	return &e->opts;
}

struct store *engine_store(struct engine *e, struct cpod_error **err)
{
	if (e->store)
		return e->store;
	enum store_driver d = STORE_DRIVER_AUTO;
	if (e->opts.storage_driver) {
		d = store_driver_from_string(e->opts.storage_driver);
		if (d == _STORE_DRIVER_INVALID) {
			cpod_error_set(err, EINVAL,
				       "unknown storage driver \"%s\": use overlay or vfs",
				       e->opts.storage_driver);
			return NULL;
		}
	}
	struct store_options so = {
		.graph_root = e->graph_root,
		.run_root = e->run_root,
		.driver = d,
		.driver_opts = e->opts.storage_opts,
	};
	if (store_open(&so, &e->store, err) < 0)
		return NULL;
	return e->store;
}

const struct cpod_config *engine_config(struct engine *e, struct cpod_error **err)
{
	if (!e->config && config_load(NULL, &e->config, err) < 0)
		return NULL;
	return e->config;
}

const struct host_probe *engine_probe(struct engine *e, struct cpod_error **err)
{
	if (e->probe)
		return e->probe;
	const struct cpod_config *cfg = engine_config(e, err);
	if (!cfg)
		return NULL;
	_cleanup_free_ char *cache = path_join(e->run_root, "cache");
	(void)mkdir_p(cache, 0700);
	struct host_probe_options po = {.config = cfg, .cache_dir = cache};
	if (host_probe_run(&po, &e->probe, err) < 0)
		return NULL;
	return e->probe;
}

const char *engine_conmon_path(struct engine *e, struct cpod_error **err)
{
	if (e->opts.conmon)
		return e->opts.conmon;
	const struct host_probe *p = engine_probe(e, err);
	if (!p)
		return NULL;
	if (!p->conmon.path) {
		cpod_error_set(err, ENOENT,
		               "could not find a working conmon binary (configured options: "
		               "conmon_path): install conmon");
		return NULL;
	}
	return p->conmon.path;
}

const struct runtime_choice *engine_runtime(struct engine *e, struct cpod_error **err)
{
	if (e->runtime)
		return e->runtime;
	const struct host_probe *p = engine_probe(e, err);
	if (!p)
		return NULL;
	if (runtime_select(e->config, e->opts.runtime, p, &e->runtime, err) < 0)
		return NULL;
	return e->runtime;
}
