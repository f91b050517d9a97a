/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parse arbitrary bytes as a Go template and execute it against a fixed document, both as
 * given and through Podman's report conventions (normalisation, table, headers, tabwriter).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/report.h"
#include "format/template.h"
#include "util/json.h"

static const char *doc =
        "[{\"ID\":\"abc\",\"Names\":[\"a\",\"b\"],\"Size\":12,\"Ratio\":0.5,\"On\":true,"
        "\"Nil\":null,\"Labels\":{\"k\":\"v\",\"z\":\"1\"},\"Sub\":{\"X\":{\"Y\":\"deep\"}}},"
        "{\"ID\":\"d\",\"Names\":[],\"Size\":-3,\"Ratio\":1e300,\"On\":false,\"Nil\":null,"
        "\"Labels\":{},\"Sub\":{\"X\":{\"Y\":\"\"}}}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template_options opts = {.max_output = 1 << 16, .max_steps = 1 << 16};
	_cleanup_json_ json_t *d = NULL, *h = NULL;
	_cleanup_free_ char *text = NULL;
	json_error_t je;
	if (size > 1 << 16)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	d = json_loads(doc, 0, &je);
	h = json_pack("{s:s,s:s}", "ID", "ID", "Names", "NAMES");
	{
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_template_ struct template *t = template_parse("fuzz", text, &err);
		_cleanup_buf_ struct buf out = BUF_INIT;
		if (t) {
			template_execute(t, d, &opts, &out, &err);
			template_execute(t, json_array_get(d, 0), &opts, &out, NULL);
		}
	}
	{
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_report_ struct report *r =
		        report_new("fuzz", text, REPORT_ORIGIN_USER, &opts, &err);
		_cleanup_free_ char *out = NULL;
		if (r) {
			if (report_renders_headers(r))
				report_headers(r, h, NULL);
			report_execute(r, d, NULL);
			out = report_take(r, NULL);
		}
	}
	format_is_json(text);
	return 0;
}
