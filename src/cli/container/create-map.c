/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The create/run flags kept in per-flag slots (create-flags.c) that the engine implements:
 * networking, mounts, and the isolation options (limits, devices, namespaces, security).
 */
#include <string.h>

#include "cli/container/create-map.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *const handled[] = {"add-host",
                                      "arch",
                                      "blkio-weight",
                                      "blkio-weight-device",
                                      "cap-add",
                                      "cap-drop",
                                      "cgroup-conf",
                                      "cgroup-parent",
                                      "cgroupns",
                                      "cgroups",
                                      "chrootdirs",
                                      "cidfile",
                                      "conmon-pidfile",
                                      "cpu-period",
                                      "cpu-quota",
                                      "cpu-rt-period",
                                      "cpu-rt-runtime",
                                      "cpu-shares",
                                      "cpus",
                                      "cpuset-cpus",
                                      "cpuset-mems",
                                      "device",
                                      "device-cgroup-rule",
                                      "device-read-bps",
                                      "device-read-iops",
                                      "device-write-bps",
                                      "device-write-iops",
                                      "dns",
                                      "dns-option",
                                      "dns-search",
                                      "env-merge",
                                      "expose",
                                      "gidmap",
                                      "group-add",
                                      "health-cmd",
                                      "hostuser",
                                      "http-proxy",
                                      "health-interval",
                                      "health-on-failure",
                                      "health-retries",
                                      "health-start-period",
                                      "health-timeout",
                                      "image-volume",
                                      "ip",
                                      "ip6",
                                      "ipc",
                                      "mac-address",
                                      "memory",
                                      "memory-reservation",
                                      "memory-swap",
                                      "memory-swappiness",
                                      "mount",
                                      "network-alias",
                                      "no-healthcheck",
                                      "no-hosts",
                                      "oom-kill-disable",
                                      "oom-score-adj",
                                      "os",
                                      "passwd",
                                      "pid",
                                      "pidfile",
                                      "passwd-entry",
                                      "personality",
                                      "pids-limit",
                                      "platform",
                                      "privileged",
                                      "publish",
                                      "publish-all",
                                      "read-only-tmpfs",
                                      "replace",
                                      "requires",
                                      "restart",
                                      "rmi",
                                      "rootfs",
                                      "seccomp-policy",
                                      "security-opt",
                                      "shm-size",
                                      "subgidname",
                                      "subuidname",
                                      "sysctl",
                                      "tmpfs",
                                      "uidmap",
                                      "umask",
                                      "unsetenv",
                                      "unsetenv-all",
                                      "userns",
                                      "uts",
                                      "variant",
                                      "volume",
                                      "volumes-from",
                                      NULL};

bool create_flag_handled(const char *name)
{
	return strv_contains((char **)handled, name);
}

static const struct cli_option *find(const struct cli_ctx *ctx, const char *name)
{
	for (const struct cli_option *o = ctx->cmd->options; o && o->long_name; o++)
		if (strcmp(o->long_name, name) == 0)
			return o;
	return NULL;
}

const char *create_flag_str(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                            const char *name)
{
	const struct cli_option *opt = find(ctx, name);
	if (!opt || opt->type != CLI_OPT_STRING || !cli_flag_changed(ctx, name))
		return NULL;
	return *(char *const *)((const char *)o + opt->offset);
}

char *const *create_flag_arr(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                             const char *name)
{
	const struct cli_option *opt = find(ctx, name);
	if (!opt || (opt->type != CLI_OPT_STRING_ARRAY && opt->type != CLI_OPT_STRING_SLICE) ||
	    !cli_flag_changed(ctx, name))
		return NULL;
	return *(char **const *)((const char *)o + opt->offset);
}

bool create_flag_bool(const struct cli_ctx *ctx, const struct create_cli_opts *o, const char *name)
{
	const struct cli_option *opt = find(ctx, name);
	if (!opt || opt->type != CLI_OPT_BOOL)
		return false;
	return *(const bool *)((const char *)o + opt->offset);
}

void create_map_extra(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                      struct container_create_opts *c, struct isolation_opts *iso)
{
#define S(n) create_flag_str(ctx, o, n)
#define A(n) create_flag_arr(ctx, o, n)
#define B(n) create_flag_bool(ctx, o, n)
	c->publish = A("publish");
	c->publish_all = B("publish-all");
	c->expose = A("expose");
	c->network_aliases = A("network-alias");
	c->static_ip = S("ip");
	c->static_ip6 = S("ip6");
	c->static_mac = S("mac-address");
	c->dns_servers = A("dns");
	c->add_hosts = A("add-host");
	c->dns_search = A("dns-search");
	c->dns_options = A("dns-option");
	c->no_hosts = B("no-hosts");
	c->volumes = A("volume");
	c->mounts = A("mount");
	c->tmpfs = A("tmpfs");
	c->volumes_from = A("volumes-from");
	c->no_read_only_tmpfs = !B("read-only-tmpfs");
	c->umask = S("umask");
	c->unsetenv = A("unsetenv");
	c->unsetenv_all = B("unsetenv-all");
	c->os = S("os");
	c->arch = S("arch");
	c->variant = S("variant");
	c->pidfile = S("pidfile");
	c->conmon_pidfile = S("conmon-pidfile");
	c->health.cmd = S("health-cmd");
	c->health.interval = S("health-interval");
	c->health.retries = S("health-retries");
	c->health.timeout = S("health-timeout");
	c->health.start_period = S("health-start-period");
	c->health.on_failure = S("health-on-failure");
	c->health.no_healthcheck = B("no-healthcheck");
	c->restart = S("restart");
	c->env_merge = A("env-merge");
	c->http_proxy = cli_flag_changed(ctx, "http-proxy") ? (B("http-proxy") ? 1 : -1) : 0;
	c->personality = S("personality");
	c->requires = A("requires");
	c->seccomp_policy = S("seccomp-policy");
	c->chroot_dirs = A("chrootdirs");
	c->passwd_entry = S("passwd-entry");
	c->host_users = A("hostuser");
	c->image_volume = S("image-volume");
	c->rootfs = B("rootfs");
	/* run only: create has no --passwd */
	c->no_passwd = cli_flag_changed(ctx, "passwd") && !B("passwd");

	iso->memory = S("memory");
	iso->memory_reservation = S("memory-reservation");
	iso->memory_swap = S("memory-swap");
	iso->memory_swappiness = S("memory-swappiness");
	iso->oom_kill_disable = B("oom-kill-disable");
	iso->oom_score_adj = S("oom-score-adj");
	iso->cpus = S("cpus");
	iso->cpu_shares = S("cpu-shares");
	iso->cpu_period = S("cpu-period");
	iso->cpu_quota = S("cpu-quota");
	iso->cpuset_cpus = S("cpuset-cpus");
	iso->cpuset_mems = S("cpuset-mems");
	iso->pids_limit = S("pids-limit");
	iso->cpu_rt_period = S("cpu-rt-period");
	iso->cpu_rt_runtime = S("cpu-rt-runtime");
	iso->cgroup_conf = A("cgroup-conf");
	iso->blkio_weight = S("blkio-weight");
	iso->blkio_weight_device = A("blkio-weight-device");
	iso->device_read_bps = A("device-read-bps");
	iso->device_write_bps = A("device-write-bps");
	iso->device_read_iops = A("device-read-iops");
	iso->device_write_iops = A("device-write-iops");
	iso->devices = A("device");
	iso->device_cgroup_rules = A("device-cgroup-rule");
	iso->shm_size = S("shm-size");
	iso->cgroup_parent = S("cgroup-parent");
	iso->cgroups = S("cgroups");
	iso->cgroupns = S("cgroupns");
	iso->privileged = B("privileged");
	iso->cap_add = A("cap-add");
	iso->cap_drop = A("cap-drop");
	iso->security_opts = A("security-opt");
	iso->group_add = A("group-add");
	iso->sysctls = A("sysctl");
	iso->userns = S("userns");
	iso->uidmap = A("uidmap");
	iso->gidmap = A("gidmap");
	iso->subuidname = S("subuidname");
	iso->subgidname = S("subgidname");
	iso->pid = S("pid");
	iso->ipc = S("ipc");
	iso->uts = S("uts");
	iso->network = c->network;
	c->isolation = iso;
#undef S
#undef A
#undef B
}
