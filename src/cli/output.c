/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cli/output.h"
#include "banned.h"

int cli_output_format(struct cli_ctx *ctx, const char *format, json_t *data, json_t *headers,
		      struct cpod_error **err)
{
	if (strcmp(format, "json") == 0) {
		cli_print_json(stdout, data);
		return 0;
	}
	return cpod_error_set(err, ENOTSUP, "template output is not available in this build");
}
