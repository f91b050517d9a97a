/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "config-glue.h"
#include "exec.h"
#include "probe-internal.h"
#include "select.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define HYBRID_WORKAROUND                                                                          \
	"cgroup hybrid mode: runs in a private mount namespace without /sys/fs/cgroup/unified"

struct runtime_choice *runtime_choice_free(struct runtime_choice *c)
{
	if (!c)
		return NULL;
	free(c->name);
	free(c->path);
	free(c->version);
	free(c->package);
	free(c->reason);
	free(c);
	return NULL;
}

unsigned runtime_choice_exec_flags(const struct runtime_choice *c)
{
	return c->needs_private_cgroup_ns_workaround ? RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED : 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool is_crun(const char *name, const char *path)
{
	return strcmp(name, "crun") == 0 || strcmp(base_name(path), "crun") == 0;
}

static struct runtime_choice *make_choice(const char *name, const char *path,
                                          const struct host_probe *probe, const char *why)
{
	struct runtime_choice *c = xnew(struct runtime_choice, 1);
	c->name = xstrdup(name);
	c->path = xstrdup(path);
	for (size_t i = 0; i < probe->n_runtimes; i++) {
		if (strcmp(probe->runtimes[i].path, path) == 0) {
			c->version = xstrdup_or_null(probe->runtimes[i].version);
			c->package = xstrdup_or_null(probe->runtimes[i].package);
			break;
		}
	}
	if (!c->package)
		c->package = xstrdup("Unknown");
	c->needs_private_cgroup_ns_workaround =
	        is_crun(name, path) && probe->cgroup_mode == CGROUP_MODE_HYBRID;
	if (c->needs_private_cgroup_ns_workaround)
		c->reason = xasprintf("%s (%s; " HYBRID_WORKAROUND ")", name, why);
	else
		c->reason = xasprintf("%s (%s)", name, why);
	return c;
}

/* A runtime named by the user (--runtime or containers.conf): name or absolute path. */
static int select_explicit(const struct cpod_config *cfg, const char *value, const char *why,
                           const struct host_probe *probe, struct runtime_choice **ret,
                           struct cpod_error **err)
{
	if (value[0] == '/') {
		_cleanup_free_ char *path = probe_find_executable(value, NULL, NULL);
		if (!path)
			return cpod_error_set(err, EINVAL,
			                      "no valid executable found for OCI runtime %s: "
			                      "invalid argument",
			                      value);
		*ret = make_choice(base_name(path), path, probe, why);
		return 0;
	}

	const struct probe_binary *b = host_probe_find_runtime(probe, value);
	if (b) {
		*ret = make_choice(value, b->path, probe, why);
		return 0;
	}
	_cleanup_strv_free_ char **cands = rtconf_runtime_paths(cfg, value);
	_cleanup_free_ char *path = probe_find_executable(value, cands, NULL);
	if (!path)
		return cpod_error_set(err, EINVAL,
		                      "default OCI runtime \"%s\" not found: invalid argument",
		                      value);
	*ret = make_choice(value, path, probe, why);
	return 0;
}

int runtime_select_with(const struct cpod_config *cfg, const char *cli_runtime,
                        const char *configured, const struct host_probe *probe,
                        struct runtime_choice **ret, struct cpod_error **err)
{
	if (cli_runtime && *cli_runtime)
		return select_explicit(cfg, cli_runtime, "from --runtime", probe, ret, err);
	if (configured && *configured)
		return select_explicit(cfg, configured, "from containers.conf", probe, ret, err);

	const struct probe_binary *crun = host_probe_find_runtime(probe, "crun");
	const struct probe_binary *runc = host_probe_find_runtime(probe, "runc");
	bool crun_works =
	        crun && (probe->cgroup_mode != CGROUP_MODE_HYBRID || probe->cap_sys_admin);
	if (crun_works) {
		*ret = make_choice("crun", crun->path, probe, "preferred");
		return 0;
	}
	if (runc) {
		/*
		 * Hiding /sys/fs/cgroup/unified needs a mount namespace of our own, hence
		 * CAP_SYS_ADMIN (root, or rootless inside cpod's user namespace).
		 */
		*ret = make_choice("runc", runc->path, probe,
		                   crun ? "crun cannot run on this cgroup hybrid host without "
		                          "CAP_SYS_ADMIN to hide /sys/fs/cgroup/unified"
		                        : "crun not found");
		return 0;
	}
	if (crun) {
		*ret = make_choice("crun", crun->path, probe, "the only runtime found");
		return 0;
	}
	return cpod_error_set(err, ENOENT, "no OCI runtime found: install crun or runc");
}

int runtime_select(const struct cpod_config *cfg, const char *cli_runtime,
                   const struct host_probe *probe, struct runtime_choice **ret,
                   struct cpod_error **err)
{
	_cleanup_free_ char *configured = rtconf_default_runtime(cfg);
	return runtime_select_with(cfg, cli_runtime, configured, probe, ret, err);
}
