/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "config-glue.h"
#include "config/containers-conf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* containers-common's defaults for [engine.runtimes] and conmon_path (containers.conf(5)) */
static const char *const crun_paths[] = {
        "/usr/bin/crun",
        "/usr/sbin/crun",
        "/usr/local/bin/crun",
        "/usr/local/sbin/crun",
        "/sbin/crun",
        "/bin/crun",
        "/run/current-system/sw/bin/crun",
        NULL,
};
static const char *const runc_paths[] = {
        "/usr/bin/runc",
        "/usr/sbin/runc",
        "/usr/local/bin/runc",
        "/usr/local/sbin/runc",
        "/sbin/runc",
        "/bin/runc",
        "/usr/lib/cri-o-runc/sbin/runc",
        "/run/current-system/sw/bin/runc",
        NULL,
};
static const char *const conmon_paths[] = {
        "/usr/libexec/podman/conmon",
        "/usr/local/libexec/podman/conmon",
        "/usr/local/lib/podman/conmon",
        "/usr/bin/conmon",
        "/usr/sbin/conmon",
        "/usr/local/bin/conmon",
        "/usr/local/sbin/conmon",
        "/run/current-system/sw/bin/conmon",
        NULL,
};
static const char *const helper_dirs[] = {
        "/usr/local/libexec/podman",
        "/usr/local/lib/podman",
        "/usr/libexec/podman",
        "/usr/lib/podman",
        NULL,
};

char *rtconf_default_runtime(const struct cpod_config *cfg)
{
	if (!cfg || !cfg->engine.runtime || !cfg->engine.runtime[0])
		return NULL;
	return xstrdup(cfg->engine.runtime);
}

char **rtconf_runtime_paths(const struct cpod_config *cfg, const char *name)
{
	if (cfg) {
		for (size_t i = 0; i < cfg->engine.n_runtimes; i++) {
			const struct config_runtime *r = &cfg->engine.runtimes[i];
			if (r->name && strcmp(r->name, name) == 0)
				return r->paths ? strv_copy(r->paths) : xnew(char *, 1);
		}
		return xnew(char *, 1);
	}
	if (strcmp(name, "crun") == 0)
		return strv_copy((char *const *)crun_paths);
	if (strcmp(name, "runc") == 0)
		return strv_copy((char *const *)runc_paths);
	return xnew(char *, 1);
}

char **rtconf_conmon_paths(const struct cpod_config *cfg)
{
	if (cfg && cfg->engine.conmon_path)
		return strv_copy(cfg->engine.conmon_path);
	return strv_copy((char *const *)conmon_paths);
}

char **rtconf_helper_dirs(const struct cpod_config *cfg)
{
	if (cfg && cfg->engine.helper_binaries_dir)
		return strv_copy(cfg->engine.helper_binaries_dir);
	return strv_copy((char *const *)helper_dirs);
}
