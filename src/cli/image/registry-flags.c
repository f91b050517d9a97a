/* SPDX-License-Identifier: Apache-2.0 */
/* The registry access flags shared by the registry verbs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry-flags.h"
#include "banned.h"

int registry_flags_duration_ms(const char *s, unsigned *ret)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	double mult;
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "m") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else if (*end == 0 && v == 0)
		mult = 0;
	else
		return -EINVAL;
	v *= mult;
	if (v > 24.0 * 3600000)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

int registry_flags_access(struct cli_ctx *ctx, const struct registry_flags *f,
                          struct image_registry_access *a, struct cpod_error **err)
{
	*a = (struct image_registry_access){
	        .tls_verify = cli_flag_changed(ctx, "tls-verify") ? f->tls_verify : -1,
	        .cert_dir = f->cert_dir,
	        .creds = f->creds,
	        .authfile = f->authfile,
	        .retries = cli_flag_changed(ctx, "retry") ? (int)f->retry : -1,
	};
	if (f->retry_delay && registry_flags_duration_ms(f->retry_delay, &a->retry_delay_ms) < 0)
		return cpod_error_set(err, EINVAL, "time: invalid duration \"%s\"", f->retry_delay);
	if (f->retry_delay && a->retry_delay_ms == 0)
		a->retry_delay_ms = 1;
	return 0;
}
