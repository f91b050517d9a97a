/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_ENGINE_INTERNAL_H
#define CPOD_ENGINE_INTERNAL_H

/* The engine context's inside, shared by the engine's own files only. */
#include "engine/engine.h"

struct state_db;
struct state_db *state_db_close(struct state_db *db);

struct engine {
	struct engine_options opts; /* strings owned */
	char *graph_root;
	char *run_root;
	struct store *store;            /* lazily opened */
	struct cpod_config *config;     /* lazily loaded */
	struct host_probe *probe;       /* lazily probed */
	struct runtime_choice *runtime; /* lazily chosen */
	struct state_db *state;         /* lazily opened (container-internal.h) */
};

#endif
