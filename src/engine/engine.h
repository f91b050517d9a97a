/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_H
#define CPOD_ENGINE_H

/*
 * The engine context: configuration, store and (later) state database of one cpod
 * invocation or one API request. Everything is opened lazily, so a command pays only for
 * what it uses. No global state: the REST server may hold several contexts.
 */
#include <stdbool.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

struct engine;
struct store;
struct cpod_config;
struct host_probe;
struct runtime_choice;

struct engine_options {
	const char *root;           /* graph root; NULL: /var/lib/cpod, or rootless default */
	const char *runroot;        /* run root; NULL: /run/cpod, or rootless default */
	const char *storage_driver; /* NULL: auto */
	char *const *storage_opts;
	const char *runtime;        /* --runtime; NULL: containers.conf, then probing */
	const char *conmon;
	const char *cgroup_manager;
	const char *events_backend;
	const char *tmpdir;
};

/* Copy the options; opens nothing. Free with engine_free(). */
int engine_new(const struct engine_options *opts, struct engine **ret, struct cpod_error **err);
struct engine *engine_free(struct engine *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct engine *, engine_free)

const char *engine_graph_root(const struct engine *e);
const char *engine_run_root(const struct engine *e);
const struct engine_options *engine_options(const struct engine *e);

/* The store, opened on first use (borrowed; lives as long as the engine). */
struct store *engine_store(struct engine *e, struct cpod_error **err);

/* containers.conf as loaded with Podman's precedence, on first use (borrowed). */
const struct cpod_config *engine_config(struct engine *e, struct cpod_error **err);

/* The host probe (cgroups, runtimes, conmon, ...), on first use (borrowed). */
const struct host_probe *engine_probe(struct engine *e, struct cpod_error **err);
/* conmon to run: --conmon, else the probed one; ENOENT with Podman's message when none. */
const char *engine_conmon_path(struct engine *e, struct cpod_error **err);

/* The OCI runtime to use: --runtime, containers.conf, or the probe's choice (borrowed). */
const struct runtime_choice *engine_runtime(struct engine *e, struct cpod_error **err);

/* `cpod info`: Podman's info object (new reference). */
int engine_info(struct engine *e, json_t **ret, struct cpod_error **err);

#endif
