/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_YAML_H
#define CPOD_FORMAT_YAML_H

/*
 * JSON values printed as YAML the way Go's gopkg.in/yaml.v2 marshals them, which is what
 * `podman info` prints by default: two-space indented mappings in insertion order,
 * sequences not indented below their key ("key:\n- a"), "[]" and "{}" for empty ones,
 * scalars plain unless they would read back as something else, then single-quoted.
 */
#include <jansson.h>

#include "util/buf.h"

void yaml_emit_json(struct buf *out, const json_t *value);

#endif
