/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/output.h"
#include "format/report.h"
#include "util/xalloc.h"
#include "banned.h"

/* Headers named after the fields of the first row, for tables without explicit headers. */
static json_t *headers_from_rows(json_t *data)
{
	json_t *row = json_is_array(data) ? json_array_get(data, 0) : data;
	if (!json_is_object(row))
		return json_object();
	size_t n = json_object_size(row), i = 0;
	const char **fields = xnew(const char *, n + 1);
	const char *key;
	json_t *v;
	json_object_foreach(row, key, v)
		fields[i++] = key;
	json_t *h = format_headers(fields, NULL);
	free(fields);
	return h;
}

int cli_output_format(struct cli_ctx *ctx, const char *format, json_t *data, json_t *headers,
		      struct cpod_error **err)
{
	if (format_is_json(format)) {
		cli_print_json(stdout, data);
		return 0;
	}
	/* a verb's own default format is Podman's: a table with headers */
	enum report_origin origin = ctx && ctx->cmd && !cli_flag_changed(ctx, "format")
					    ? REPORT_ORIGIN_PODMAN
					    : REPORT_ORIGIN_USER;
	const char *name = ctx && ctx->cmd ? ctx->cmd->name : "cpod";
	_cleanup_report_ struct report *r = report_new(name, format, origin, NULL, err);
	if (!r)
		return -EINVAL;
	if (report_renders_headers(r)) {
		json_t *h = headers ? json_incref(headers) : headers_from_rows(data);
		int k = report_headers(r, h, err);
		json_decref(h);
		if (k < 0)
			return k;
	}
	int k = json_is_array(data) ? report_execute(r, data, err) : report_row(r, data, err);
	if (k < 0) {
		/* what was rendered before the error is printed, as Go's writer does */
		report_flush(r, stdout, NULL);
		return k;
	}
	return report_flush(r, stdout, err);
}

int cli_print_inspect(struct cli_ctx *ctx, const char *tmpl, json_t *arr, struct cpod_error **err)
{
	if (tmpl) {
		if (cli_output_format(ctx, tmpl, arr, NULL, err) < 0)
			return -(*err)->code;
	} else {
		_cleanup_free_ char *s = json_dumps(arr, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
		printf("%s\n", json_array_size(arr) ? s : "[]");
	}
	fflush(stdout);
	return 0;
}
