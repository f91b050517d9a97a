/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_OUTPUT_H
#define CPOD_CLI_OUTPUT_H

/* Output helpers shared by the verbs: --format handling over the format layer. */
#include <jansson.h>

#include "cli.h"

/*
 * Print data with a user's --format, as Podman's report package does:
 *   "json"            → data as indented JSON;
 *   "table TEMPLATE"  → a header row (TEMPLATE executed over headers, or field names
 *                       upper-cased when headers is NULL) then one row per element, aligned;
 *   other templates   → executed once per element of an array, or once for an object,
 *                       with a newline added when the template does not end in one.
 */
int cli_output_format(struct cli_ctx *ctx, const char *format, json_t *data, json_t *headers,
		      struct cpod_error **err);

/*
 * The output of an inspect verb: arr (a JSON array, borrowed) through the template tmpl when
 * tmpl is not NULL, else as Podman prints inspect JSON (indented by five spaces, "[]" when
 * empty); stdout is flushed. Returns 0, or -errno with *err set when the template fails.
 */
int cli_print_inspect(struct cli_ctx *ctx, const char *tmpl, json_t *arr, struct cpod_error **err);

#endif
