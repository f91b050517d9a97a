/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "config-glue.h"
#include "config/containers-conf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * With no configuration at all (cfg NULL), the config layer's built-in defaults
 * (containers-common's lists) answer, so the lists live in one place.
 */
static const struct cpod_config *or_defaults(const struct cpod_config *cfg,
					     struct cpod_config **tmp)
{
	if (cfg)
		return cfg;
	*tmp = config_new_default(NULL);
	return *tmp;
}

char *rtconf_default_runtime(const struct cpod_config *cfg)
{
	if (!cfg || !cfg->engine.runtime || !cfg->engine.runtime[0])
		return NULL;
	return xstrdup(cfg->engine.runtime);
}

char **rtconf_runtime_paths(const struct cpod_config *cfg, const char *name)
{
	return config_runtime_paths(cfg, name);
}

char **rtconf_conmon_paths(const struct cpod_config *cfg)
{
	_cleanup_(config_freep) struct cpod_config *tmp = NULL;
	const struct cpod_config *c = or_defaults(cfg, &tmp);
	return c->engine.conmon_path ? strv_copy(c->engine.conmon_path) : xnew(char *, 1);
}

char **rtconf_helper_dirs(const struct cpod_config *cfg)
{
	_cleanup_(config_freep) struct cpod_config *tmp = NULL;
	const struct cpod_config *c = or_defaults(cfg, &tmp);
	return c->engine.helper_binaries_dir ? strv_copy(c->engine.helper_binaries_dir)
					     : xnew(char *, 1);
}
