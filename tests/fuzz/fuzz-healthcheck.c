/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health check input (untrusted: --health-* flags or a create request of the REST API, and
 * an image's config "Healthcheck"): the --health-cmd parser with the duration flags, Go's
 * duration syntax, and the check's JSON. The first byte picks which flag the rest feeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/healthcheck-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void check_config(const struct healthcheck_config *hc)
{
	if (!hc->test || !hc->test[0])
		abort();
	json_t *j = healthcheck_config_to_json(hc);
	struct healthcheck_config *back = healthcheck_config_from_json(j);
	if (!back || strv_length(back->test) != strv_length(hc->test) ||
	    back->interval_ns != hc->interval_ns || back->retries != hc->retries)
		abort();
	healthcheck_config_free(back);
	json_decref(j);
	char **cmd = healthcheck_command(hc);
	if (cmd && (!cmd[0] || !*cmd[0]))
		abort();
	strv_free(cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 16)
		return 0;
	char *text = xstrndup((const char *)data + 1, size - 1);
	struct healthcheck_cli o = {.cmd = "true"};
	switch (data[0] % 6) {
	case 0:
		o.cmd = text;
		break;
	case 1:
		o.interval = text;
		break;
	case 2:
		o.timeout = text;
		break;
	case 3:
		o.retries = text;
		break;
	case 4:
		o.start_period = text;
		break;
	default: {
		json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
		struct healthcheck_config *hc = healthcheck_from_image(j);
		if (hc)
			check_config(hc);
		healthcheck_config_free(hc);
		json_decref(j);
		break;
	}
	}
	struct healthcheck_config *hc = NULL;
	char *action = NULL;
	struct cpod_error *err = NULL;
	int r = healthcheck_from_cli(&o, &hc, &action, &err);
	if (r < 0 && (!err || !err->msg || hc || action))
		abort();
	if (r == 0 && (err || !action))
		abort();
	if (hc)
		check_config(hc);
	healthcheck_config_free(hc);
	free(action);
	cpod_error_free(err);
	size_t olen = 0;
	char *out = utf8_sanitize((const char *)data, size, &olen);
	json_t *js = json_stringn(out, olen);
	if (!js)
		abort();
	json_decref(js);
	free(out);
	int64_t ns = 0;
	err = NULL;
	if (go_duration_parse(text, &ns, &err) == 0) {
		char *s = go_duration_string(ns);
		int64_t back = 0;
		if (go_duration_parse(s, &back, NULL) < 0 || back != ns)
			abort();
		free(s);
	} else if (!err) {
		abort();
	}
	cpod_error_free(err);
	free(text);
	return 0;
}
