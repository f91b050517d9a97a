/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kept alone in its file: an archive member is linked only when a symbol in it is needed,
 * so a caller's own fallback of the same name does not clash with this one.
 */
#include <string.h>

#include "containers-conf-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

char **config_runtime_paths(const struct cpod_config *cfg, const char *name)
{
	if (!name)
		return xnew(char *, 1);
	if (cfg) {
		for (size_t i = 0; i < cfg->engine.n_runtimes; i++)
			if (strcmp(cfg->engine.runtimes[i].name, name) == 0)
				return strv_copy(cfg->engine.runtimes[i].paths);
		return xnew(char *, 1);
	}
	for (const struct default_runtime *r = config_default_runtimes; r->name; r++)
		if (strcmp(r->name, name) == 0)
			return strv_copy((char *const *)r->paths);
	return xnew(char *, 1);
}
