/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_JSON_H
#define CPOD_JSON_H

/* jansson helpers: cleanup and the few accessors every layer repeats. */
#include <jansson.h>

#include "cleanup.h"

/* jansson >= 2.9 provides json_decrefp() */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* The string at key, or NULL when absent or not a string. Borrowed. */
const char *json_get_string(const json_t *obj, const char *key);

/* Serialise j as Podman prints JSON: 4-space indent, keys in insertion order; owned string. */
char *json_dump_pretty(const json_t *j);

#endif
