/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podman container inspect` data, with Podman 4.3's key order (libpod/define
 * InspectContainerData) and Go's time formats (RFC3339Nano in the local zone; the zero time
 * is "0001-01-01T00:00:00Z").
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "engine/container-internal.h"
#include "engine/healthcheck.h"
#include "engine/exec.h"
#include "engine/network-internal.h"
#include "engine/isolation-internal.h"
#include "engine/volume-internal.h"
#include "format/units.h"
#include "runtime/select.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static json_t *time_json(int64_t ns)
{
	if (ns <= 0)
		return json_string("0001-01-01T00:00:00Z");
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	char *s = units_time_rfc3339nano(&ts, false);
	json_t *j = json_string(s);
	free(s);
	return j;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *kv_object(char *const *v)
{
	if (!v || !v[0])
		return json_null();
	json_t *o = json_object();
	for (size_t i = 0; v[i]; i++) {
		const char *eq = strchr(v[i], '=');
		_cleanup_free_ char *k = eq ? xstrndup(v[i], (size_t)(eq - v[i])) : xstrdup(v[i]);
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

static json_t *state_json(struct engine *e, const struct container *c)
{
	const struct container_state *s = &c->state;
	json_t *o = json_object();
	json_object_set_new(o, "OciVersion", json_string("1.0.2-dev"));
	/* as Podman's inspect: a container never initialised shows Docker's "created" */
	enum container_status st = s->status == CTR_CONFIGURED ? CTR_CREATED : s->status;
	json_object_set_new(o, "Status", json_string(container_status_to_string(st)));
	json_object_set_new(o, "Running", json_boolean(s->status == CTR_RUNNING));
	json_object_set_new(o, "Paused", json_boolean(s->status == CTR_PAUSED));
	json_object_set_new(o, "Restarting", json_false());
	json_object_set_new(o, "OOMKilled", json_boolean(s->oom_killed));
	json_object_set_new(o, "Dead", json_false());
	json_object_set_new(o, "Pid", json_integer(s->pid));
	if (s->conmon_pid)
		json_object_set_new(o, "ConmonPid", json_integer(s->conmon_pid));
	json_object_set_new(o, "ExitCode", json_integer(s->exit_code));
	json_object_set_new(o, "Error", json_string(s->error ? s->error : ""));
	json_object_set_new(o, "StartedAt", time_json(s->started_at));
	json_object_set_new(o, "FinishedAt", time_json(s->finished_at));
	json_object_set_new(o, "Health", container_health_json(e, c));
	json_object_set_new(o, "CheckpointedAt", time_json(0));
	json_object_set_new(o, "RestoredAt", time_json(0));
	return o;
}

static json_t *config_json(const struct container *c, const char *entrypoint)
{
	const struct container_config *cc = &c->config;
	json_t *o = json_object();
	json_object_set_new(o, "Hostname", json_string(cc->hostname ? cc->hostname : ""));
	json_object_set_new(o, "Domainname", json_string(""));
	json_object_set_new(o, "User", json_string(cc->user ? cc->user : ""));
	json_object_set_new(o, "AttachStdin", json_false());
	json_object_set_new(o, "AttachStdout", json_false());
	json_object_set_new(o, "AttachStderr", json_false());
	json_object_set_new(o, "Tty", json_boolean(cc->terminal));
	json_object_set_new(o, "OpenStdin", json_boolean(cc->stdin_open));
	json_object_set_new(o, "StdinOnce", json_false());
	json_object_set_new(o, "Env", strv_json(cc->env));
	json_object_set_new(o, "Cmd", cc->user_command ? strv_json(cc->user_command) : json_null());
	json_object_set_new(o, "Image", json_string(cc->image_name ? cc->image_name : ""));
	json_object_set_new(o, "Volumes", json_null());
	json_object_set_new(o, "WorkingDir", json_string(cc->workdir ? cc->workdir : "/"));
	json_object_set_new(o, "Entrypoint", json_string(entrypoint));
	json_object_set_new(o, "OnBuild", json_null());
	json_object_set_new(o, "Labels", kv_object(cc->labels));
	json_object_set_new(o, "Annotations", kv_object(cc->annotations));
	json_object_set_new(o, "StopSignal", json_integer(cc->stop_signal));
	if (cc->healthcheck)
		json_object_set_new(o, "Healthcheck", healthcheck_config_to_json(cc->healthcheck));
	json_object_set_new(o, "HealthcheckOnFailureAction",
	                    json_string(cc->health_on_failure ? cc->health_on_failure : "none"));
	json_t *argv = json_object_get(cc->spec_extra, "create_argv");
	json_object_set_new(o, "CreateCommand",
	                    json_is_array(argv) ? json_incref(argv) : json_null());
	const char *umask = json_string_value(json_object_get(cc->spec_extra, "umask"));
	json_object_set_new(o, "Umask", json_string(umask ? umask : "0022"));
	json_int_t timeout = json_integer_value(json_object_get(cc->spec_extra, "timeout"));
	json_object_set_new(o, "Timeout", json_integer(timeout));
	json_object_set_new(o, "StopTimeout", json_integer(cc->stop_timeout));
	json_object_set_new(o, "Passwd",
	                    json_boolean(!json_is_false(json_object_get(cc->spec_extra, "passwd"))));
	json_t *chroots = container_chroot_dirs_json(c);
	if (chroots)
		json_object_set_new(o, "ChrootDirs", chroots);
	json_object_set_new(o, "sdNotifyMode", json_string("container"));
	return o;
}

static json_t *host_config_json(const struct container *c)
{
	const struct container_config *cc = &c->config;
	json_t *o = json_object();
	json_object_set_new(o, "Binds", container_mounts_binds(c));
	json_object_set_new(o, "CgroupManager", json_string("cgroupfs"));
	json_object_set_new(o, "CgroupMode", json_string("host"));
	json_object_set_new(o, "ContainerIDFile", json_string(""));
	json_t *log = json_object();
	json_object_set_new(log, "Type", json_string(cc->log_driver ? cc->log_driver : "k8s-file"));
	json_object_set_new(log, "Config", json_null());
	json_object_set_new(log, "Path", json_string(cc->log_path ? cc->log_path : ""));
	json_object_set_new(log, "Tag", json_string(""));
	json_object_set_new(log, "Size", json_string("0B"));
	json_object_set_new(o, "LogConfig", log);
	json_object_set_new(o, "NetworkMode",
	                    json_string(cc->network_mode ? cc->network_mode : ""));
	json_object_set_new(o, "PortBindings", json_object());
	json_t *rp = json_object();
	json_object_set_new(rp, "Name",
	                    json_string(cc->restart_policy ? cc->restart_policy : ""));
	json_object_set_new(rp, "MaximumRetryCount", json_integer((json_int_t)cc->restart_retries));
	json_object_set_new(o, "RestartPolicy", rp);
	json_object_set_new(o, "AutoRemove", json_boolean(cc->remove));
	json_object_set_new(o, "VolumeDriver", json_string(""));
	json_object_set_new(o, "VolumesFrom", json_null());
	json_object_set_new(o, "CapAdd", json_array());
	json_object_set_new(o, "CapDrop", json_array());
	json_object_set_new(o, "Dns", json_array());
	json_object_set_new(o, "DnsOptions", json_array());
	json_object_set_new(o, "DnsSearch", json_array());
	json_object_set_new(o, "ExtraHosts", json_array());
	json_object_set_new(o, "GroupAdd", json_array());
	json_object_set_new(o, "IpcMode", json_string("shareable"));
	json_object_set_new(o, "Cgroup", json_string(""));
	json_object_set_new(o, "Cgroups", json_string("default"));
	json_object_set_new(o, "Links", json_null());
	json_object_set_new(o, "OomScoreAdj", json_integer(0));
	json_object_set_new(o, "PidMode", json_string("private"));
	json_object_set_new(o, "Privileged", json_false());
	json_object_set_new(o, "PublishAllPorts",
	                    json_boolean(json_is_true(json_object_get(cc->spec_extra, "publish_all"))));
	json_object_set_new(o, "ReadonlyRootfs", json_boolean(cc->read_only));
	json_object_set_new(o, "SecurityOpt", json_array());
	json_object_set_new(o, "Tmpfs", container_mounts_tmpfs(c));
	json_object_set_new(o, "UTSMode", json_string("private"));
	json_object_set_new(o, "UsernsMode", json_string(""));
	json_object_set_new(o, "ShmSize", json_integer(65536000));
	json_object_set_new(o, "Runtime", json_string("oci"));
	json_t *cs = json_array();
	json_array_append_new(cs, json_integer(0));
	json_array_append_new(cs, json_integer(0));
	json_object_set_new(o, "ConsoleSize", cs);
	json_object_set_new(o, "Isolation", json_string(""));
	static const char *const zero_ints[] = {"CpuShares", "Memory", "NanoCpus"};
	for (size_t i = 0; i < 3; i++)
		json_object_set_new(o, zero_ints[i], json_integer(0));
	json_object_set_new(o, "CgroupParent", json_string(""));
	json_object_set_new(o, "BlkioWeight", json_integer(0));
	static const char *const nulls[] = {"BlkioWeightDevice", "BlkioDeviceReadBps",
	                                    "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
	                                    "BlkioDeviceWriteIOps"};
	for (size_t i = 0; i < 5; i++)
		json_object_set_new(o, nulls[i], json_null());
	static const char *const ints2[] = {"CpuPeriod", "CpuQuota", "CpuRealtimePeriod",
	                                    "CpuRealtimeRuntime"};
	for (size_t i = 0; i < 4; i++)
		json_object_set_new(o, ints2[i], json_integer(0));
	json_object_set_new(o, "CpusetCpus", json_string(""));
	json_object_set_new(o, "CpusetMems", json_string(""));
	json_object_set_new(o, "Devices", json_array());
	static const char *const ints3[] = {"DiskQuota", "KernelMemory", "MemoryReservation",
	                                    "MemorySwap", "MemorySwappiness"};
	for (size_t i = 0; i < 5; i++)
		json_object_set_new(o, ints3[i], json_integer(0));
	json_object_set_new(o, "OomKillDisable", json_false());
	json_object_set_new(o, "PidsLimit", json_integer(2048));
	json_object_set_new(o, "Ulimits", json_array());
	static const char *const ints4[] = {"CpuCount", "CpuPercent", "IOMaximumIOps",
	                                    "IOMaximumBandwidth"};
	for (size_t i = 0; i < 4; i++)
		json_object_set_new(o, ints4[i], json_integer(0));
	json_object_set_new(o, "CgroupConf", json_null());
	container_isolation_inspect(c, o);
	return o;
}

/* The effective capabilities as the spec's process has them; Podman's defaults otherwise. */
static json_t *caps_json(const char *static_dir)
{
	_cleanup_free_ char *path = path_join(static_dir, "config.json");
	_cleanup_json_ json_t *spec = json_load_file(path, 0, NULL);
	json_t *eff = json_object_get(
	        json_object_get(json_object_get(spec, "process"), "capabilities"), "effective");
	if (json_is_array(eff))
		return json_incref(eff);
	static char *const defaults[] = {
	        "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
	        "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
	        "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
	};
	return strv_json(defaults);
}

int container_inspect_json(struct engine *e, const struct container *c, bool size, json_t **ret,
                           struct cpod_error **err)
{
	const struct container_config *cc = &c->config;
	_cleanup_free_ char *static_dir = container_userdata_dir(e, cc->id, false);
	_cleanup_free_ char *run_dir = container_userdata_dir(e, cc->id, true);
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(cc->id));
	json_object_set_new(o, "Created", time_json(cc->created));
	json_object_set_new(o, "Path",
	                    json_string(cc->command && cc->command[0] ? cc->command[0] : ""));
	json_object_set_new(o, "Args",
	                    strv_json(cc->command && cc->command[0] ? cc->command + 1 : NULL));
	json_object_set_new(o, "State", state_json(e, c));
	json_object_set_new(o, "Image", json_string(cc->image_id ? cc->image_id : ""));
	_cleanup_free_ char *digest = NULL;
	struct store *s = engine_store(e, NULL);
	if (s && cc->image_id) {
		_cleanup_(store_image_freep) struct store_image *img = NULL;
		if (store_image_lookup(s, cc->image_id, &img, NULL) == 0 && img->digests &&
		    img->digests[0])
			digest = xstrdup(img->digests[0]);
	}
	if (!digest && cc->image_id)
		digest = xasprintf("sha256:%s", cc->image_id);
	json_object_set_new(o, "ImageDigest", json_string(digest ? digest : ""));
	json_object_set_new(o, "ImageName", json_string(cc->image_name ? cc->image_name : ""));
	json_object_set_new(o, "Rootfs", json_string(container_rootfs_path(cc) ?: ""));
	json_object_set_new(o, "Pod", json_string(""));
	_cleanup_free_ char *resolv = path_join(run_dir, "resolv.conf");
	json_object_set_new(o, "ResolvConfPath", json_string(path_exists(resolv) ? resolv : ""));
	_cleanup_free_ char *hostname = path_join(run_dir, "hostname");
	json_object_set_new(o, "HostnamePath", json_string(hostname));
	_cleanup_free_ char *hosts = path_join(run_dir, "hosts");
	json_object_set_new(o, "HostsPath", json_string(hosts));
	json_object_set_new(o, "StaticDir", json_string(static_dir));
	_cleanup_free_ char *ocfg = path_join(static_dir, "config.json");
	json_object_set_new(o, "OCIConfigPath", json_string(ocfg));
	const char *rtname = cc->runtime;
	if (!rtname && e->runtime)
		rtname = e->runtime->name;
	json_object_set_new(o, "OCIRuntime", json_string(rtname ? rtname : ""));
	const char *ucpid = json_string_value(json_object_get(cc->spec_extra, "conmon_pidfile"));
	_cleanup_free_ char *cpid = ucpid ? xstrdup(ucpid) : path_join(run_dir, "conmon.pid");
	json_object_set_new(o, "ConmonPidFile", json_string(cpid));
	const char *upid = json_string_value(json_object_get(cc->spec_extra, "pidfile"));
	_cleanup_free_ char *pidfile = upid ? xstrdup(upid) : path_join(run_dir, "pidfile");
	json_object_set_new(o, "PidFile", json_string(pidfile));
	json_object_set_new(o, "Name", json_string(cc->name));
	json_object_set_new(o, "RestartCount", json_integer(c->state.restart_count));
	const char *drv = s ? store_driver_to_string(store_get_driver(s)) : "";
	json_object_set_new(o, "Driver", json_string(drv));
	json_object_set_new(o, "MountLabel", json_string(""));
	json_object_set_new(o, "ProcessLabel", json_string(""));
	json_object_set_new(o, "AppArmorProfile", json_string(""));
	json_t *caps = caps_json(static_dir);
	json_object_set_new(o, "EffectiveCaps", json_incref(caps));
	json_object_set_new(o, "BoundingCaps", caps);
	json_object_set_new(o, "ExecIDs", container_exec_ids(e, c));
	json_t *gd = json_object();
	json_object_set_new(gd, "Name", json_string(drv));
	json_object_set_new(gd, "Data", json_object());
	json_object_set_new(o, "GraphDriver", gd);
	json_object_set_new(o, "Mounts", container_mounts_inspect(c));
	json_object_set_new(o, "Dependencies", container_deps_json(c));
	json_object_set_new(o, "NetworkSettings", container_network_settings(e, c));
	json_object_set_new(o, "Namespace", json_string(""));
	json_object_set_new(o, "IsInfra", json_false());
	json_object_set_new(o, "IsService", json_false());
	_cleanup_free_ char *ep = strv_join(cc->entrypoint, " ");
	json_object_set_new(o, "Config", config_json(c, ep));
	json_object_set_new(o, "HostConfig", host_config_json(c));
	if (size) {
		json_object_set_new(o, "SizeRw", json_integer(0));
		json_object_set_new(o, "SizeRootFs", json_integer(0));
	}
	*ret = o;
	(void)err;
	return 0;
}
