/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The containers.conf values spec generation reads, in one place, so the rest of the spec
 * code never looks at struct cpod_config directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/containers-conf.h"
#include "runtime/spec-internal.h"
#include "banned.h"

/* containers/common pkg/config default.go: DefaultCapabilities */
static char *const default_caps[] = {
        "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "NET_BIND_SERVICE",
        "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

static char *const default_env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=xterm",
        NULL,
};

static char *const default_sysctls[] = {
        "net.ipv4.ping_group_range=0 0",
        NULL,
};

static char *const empty_strv[] = {NULL};

void spec_defaults_load(const struct cpod_config *cfg, struct spec_defaults *ret)
{
	*ret = (struct spec_defaults){
	        .capabilities = default_caps,
	        .env = default_env,
	        .ulimits = empty_strv,
	        .sysctls = default_sysctls,
	        .seccomp_profile = SPEC_DEFAULT_SECCOMP,
	        .init_path = NULL,
	        .tz = "",
	        .umask = "0022",
	        .base_hosts_file = "",
	        .host_internal_ip = "",
	        .shm_size = 65536 * 1024,
	        .pids_limit = 2048,
	};
	if (!cfg)
		return;
	const struct config_containers *c = &cfg->containers;
	if (c->default_capabilities)
		ret->capabilities = c->default_capabilities;
	if (c->env)
		ret->env = c->env;
	if (c->default_ulimits)
		ret->ulimits = c->default_ulimits;
	if (c->default_sysctls)
		ret->sysctls = c->default_sysctls;
	if (c->seccomp_profile && *c->seccomp_profile)
		ret->seccomp_profile = c->seccomp_profile;
	if (c->init_path && *c->init_path)
		ret->init_path = c->init_path;
	else if (cfg->engine.init_path && *cfg->engine.init_path)
		ret->init_path = cfg->engine.init_path;
	if (c->tz)
		ret->tz = c->tz;
	if (c->umask && *c->umask)
		ret->umask = c->umask;
	if (c->base_hosts_file)
		ret->base_hosts_file = c->base_hosts_file;
	int64_t shm;
	if (c->shm_size && spec_parse_size(c->shm_size, &shm) == 0)
		ret->shm_size = shm;
	ret->pids_limit = c->pids_limit;
}

int spec_parse_size(const char *s, int64_t *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return -EINVAL;
	int64_t mult = 1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1024;
		end++;
		break;
	case 'm':
		mult = 1024 * 1024;
		end++;
		break;
	case 'g':
		mult = 1024 * 1024 * 1024;
		end++;
		break;
	default:
		break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end || v * (double)mult > (double)INT64_MAX)
		return -EINVAL;
	*ret = (int64_t)(v * (double)mult);
	return 0;
}
