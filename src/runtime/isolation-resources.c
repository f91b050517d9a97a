/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limit flags → OCI linux.resources, checked against what the host can apply.
 * The checks, their order and their texts follow Podman 4.3 (pkg/specgenutil
 * getMemoryLimits/getCPULimits, pkg/specgen/generate/validate.go verifyContainerResources).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/isolation-internal.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static int size_opt(const char *what, const char *s, bool minus_one, int64_t *ret,
                    struct cpod_error **err)
{
	if (isolation_parse_size(s, minus_one, ret) < 0)
		return cpod_error_set(err, EINVAL, "invalid value for %s: invalid size: '%s'", what,
		                      s);
	return 0;
}

static int int_opt(const char *flag, const char *s, int64_t min, int64_t max, int64_t *ret,
                   struct cpod_error **err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return cpod_error_set(err, EINVAL, "invalid argument \"%s\" for \"%s\" flag", s,
		                      flag);
	*ret = v;
	return 0;
}

static json_t *sub(json_t *res, const char *key)
{
	json_t *o = json_object_get(res, key);
	if (!o) {
		o = json_object();
		json_object_set_new(res, key, o);
	}
	return o;
}

static void warn(char ***w, const char *msg)
{
	strv_push(w, msg);
}

static int build_memory(const struct isolation_opts *o, const struct isolation_host *h, bool update,
                        json_t *res, json_t *cfg, char ***w, struct cpod_error **err)
{
	int64_t limit = 0, swap = 0, resv = 0, swappiness = -1;
	bool has_limit = o->memory && *o->memory, has_swap = o->memory_swap && *o->memory_swap;
	int r;

	if (has_limit && (r = size_opt("memory", o->memory, false, &limit, err)) < 0)
		return r;
	if (has_swap && (r = size_opt("memory-swap", o->memory_swap, true, &swap, err)) < 0)
		return r;
	if (o->memory_reservation && *o->memory_reservation &&
	    (r = size_opt("memory-reservation", o->memory_reservation, false, &resv, err)) < 0)
		return r;
	if (o->memory_swappiness && *o->memory_swappiness) {
		if ((r = int_opt("--memory-swappiness", o->memory_swappiness, INT32_MIN, INT32_MAX,
		                 &swappiness, err)) < 0)
			return r;
		if (swappiness != -1 && (swappiness < 0 || swappiness > 100))
			return cpod_error_set(err, EINVAL,
			                      "invalid value: %" PRId64
			                      ", valid memory swappiness range is 0-100",
			                      swappiness);
	}
	if (has_swap && swap != -1 && !has_limit && !update)
		return cpod_error_set(
		        err, EINVAL,
		        "you should always set a memory limit when using a memoryswap "
		        "limit, see usage");
	if (has_swap && swap > 0 && swap < limit)
		return cpod_error_set(
		        err, EINVAL,
		        "minimum memoryswap limit should be larger than memory limit, "
		        "see usage");
	if (has_limit && resv > limit)
		return cpod_error_set(
		        err, EINVAL,
		        "minimum memory limit can not be less than memory reservation "
		        "limit, see usage");
	if (o->kernel_memory && *o->kernel_memory)
		warn(w, "The --kernel-memory flag is no longer supported. This flag is a noop.");

	if ((has_limit || resv) && !h->memory) {
		warn(w, "Your kernel does not support memory limit capabilities or the cgroup is "
		        "not mounted. Limitation discarded.");
		has_limit = has_swap = false;
		resv = 0;
	}
	if (has_limit && !has_swap && !update) {
		/* Podman: a memory limit alone allows as much swap again */
		swap = 2 * limit;
		has_swap = h->swap;
	}
	if (has_swap && !h->swap) {
		warn(w, "Your kernel does not support swap limit capabilities,or the cgroup is not "
		        "mounted. Memory limited without swap.");
		has_swap = false;
	}
	if (swappiness != -1 && !h->memory)
		swappiness = -1;

	json_t *m = NULL;
	if (has_limit)
		json_object_set_new((m = sub(res, "memory")), "limit", json_integer(limit));
	if (resv)
		json_object_set_new((m = sub(res, "memory")), "reservation", json_integer(resv));
	if (has_swap)
		json_object_set_new((m = sub(res, "memory")), "swap", json_integer(swap));
	if (swappiness >= 0) {
		json_object_set_new((m = sub(res, "memory")), "swappiness",
		                    json_integer(swappiness));
		json_object_set_new(cfg, "memorySwappiness", json_integer(swappiness));
	}
	if (o->oom_kill_disable)
		json_object_set_new(sub(res, "memory"), "disableOOMKiller", json_true());
	return 0;
}

static int build_cpu(const struct isolation_opts *o, const struct isolation_host *h, json_t *res,
                     json_t *cfg, char ***w, struct cpod_error **err)
{
	int64_t nano = 0, shares = 0, period = 0, quota = 0;
	int r;

	if (o->cpus && *o->cpus) {
		if (isolation_parse_cpus(o->cpus, &nano) < 0)
			return cpod_error_set(err, EINVAL,
			                      "invalid argument \"%s\" for \"--cpus\" flag",
			                      o->cpus);
		if (nano && (nano < 10000000 || nano > (int64_t)h->cpus * 1000000000))
			return cpod_error_set(
			        err, EINVAL,
			        "range of CPUs is from 0.01 to %ld.00, as there are only "
			        "%ld CPUs available",
			        h->cpus, h->cpus);
	}
	if (o->cpu_shares && *o->cpu_shares &&
	    (r = int_opt("-c, --cpu-shares", o->cpu_shares, 0, INT64_MAX, &shares, err)) < 0)
		return r;
	if (o->cpu_period && *o->cpu_period &&
	    (r = int_opt("--cpu-period", o->cpu_period, 0, INT64_MAX, &period, err)) < 0)
		return r;
	if (o->cpu_quota && *o->cpu_quota &&
	    (r = int_opt("--cpu-quota", o->cpu_quota, -1, INT64_MAX, &quota, err)) < 0)
		return r;
	if (nano && (period || quota))
		return cpod_error_set(err, EINVAL,
		                      "--cpus and --cpu-period/--cpu-quota cannot be set together");
	if (nano) {
		period = 100000;
		quota = nano * period / 1000000000;
		json_object_set_new(cfg, "nanoCpus", json_integer(nano));
	}
	if (shares && !h->cpu_shares) {
		warn(w, "Your kernel does not support CPU shares or the cgroup is not mounted. "
		        "Shares discarded.");
		shares = 0;
	}
	if ((period || quota) && !h->cpu_cfs) {
		warn(w, "Your kernel does not support CPU CFS scheduler. CPU period/quota "
		        "discarded.");
		period = quota = 0;
	}
	if (period && period < 1000)
		return cpod_error_set(err, EINVAL,
		                      "CPU cfs period can not be less than 1ms (i.e. "
		                      "1000) or larger than 1s (i.e. 1000000)");
	if (quota > 0 && quota < 1000)
		return cpod_error_set(err, EINVAL,
		                      "CPU cfs quota can not be less than 1ms (i.e. 1000)");
	if (shares)
		json_object_set_new(sub(res, "cpu"), "shares", json_integer(shares));
	if (quota)
		json_object_set_new(sub(res, "cpu"), "quota", json_integer(quota));
	if (period)
		json_object_set_new(sub(res, "cpu"), "period", json_integer(period));

	const char *sets[2] = {o->cpuset_cpus, o->cpuset_mems};
	const char *avail[2] = {h->cpuset_cpus_available, h->cpuset_mems_available};
	static const char *const what[2] = {"cpus", "mems"};
	static const char *const kind[2] = {"CPUs", "memory nodes"};
	for (int i = 0; i < 2; i++) {
		if (!sets[i] || !*sets[i])
			continue;
		if (isolation_parse_cpuset(sets[i]) < 0)
			return cpod_error_set(err, EINVAL, "invalid value %s for cpuset %s",
			                      sets[i], what[i]);
		if (!h->cpuset) {
			warn(w, "Your kernel does not support cpuset or the cgroup is not mounted. "
			        "Cpuset discarded.");
			continue;
		}
		if (!isolation_cpuset_subset(sets[i], avail[i]))
			return cpod_error_set(err, EINVAL,
			                      "requested %s are not available - requested %s, "
			                      "available: %s",
			                      kind[i], sets[i], avail[i]);
		json_object_set_new(sub(res, "cpu"), what[i], json_string(sets[i]));
	}
	return 0;
}

/* stat a device node below the host's dev root (tests point it at fixtures). */
static int stat_device(const struct isolation_host *h, const char *path, struct stat *st,
                       struct cpod_error **err)
{
	_cleanup_free_ char *p = h->dev_root ? xasprintf("%s%s", h->dev_root, path) : NULL;
	if (stat(p ? p : path, st) < 0)
		return cpod_error_set_errno(err, errno, "stat %s", path);
	return 0;
}

static int throttle_list(const struct isolation_host *h, char *const *list, bool bytes,
                         const char *key, json_t *blkio, struct cpod_error **err)
{
	STRV_FOREACH(d, (char **)list)
	{
		const char *colon = strrchr(*d, ':');
		if (!colon || colon == *d)
			return cpod_error_set(err, EINVAL, "bad format: %s", *d);
		_cleanup_free_ char *path = xstrndup(*d, (size_t)(colon - *d));
		int64_t rate;
		char *end;
		if (bytes) {
			if (isolation_parse_size(colon + 1, false, &rate) < 0)
				goto bad_rate;
		} else {
			errno = 0;
			rate = strtoll(colon + 1, &end, 10);
			if (!colon[1] || *end || errno || rate < 0)
				goto bad_rate;
		}
		struct stat st;
		int r = stat_device(h, path, &st, err);
		if (r < 0)
			return r;
		json_t *e = json_object();
		json_object_set_new(e, "major", json_integer(major(st.st_rdev)));
		json_object_set_new(e, "minor", json_integer(minor(st.st_rdev)));
		json_object_set_new(e, "rate", json_integer(rate));
		json_t *arr = json_object_get(blkio, key);
		if (!arr)
			json_object_set_new(blkio, key, (arr = json_array()));
		json_array_append_new(arr, e);
		continue;
	bad_rate:
		return cpod_error_set(err, EINVAL,
		                      "invalid rate for device: %s. The correct format is "
		                      "<device-path>:<number>[<unit>]. Number must be a positive "
		                      "integer. Unit is optional and can be kb, mb, or gb",
		                      *d);
	}
	return 0;
}

static int build_blkio(const struct isolation_opts *o, const struct isolation_host *h, json_t *res,
                       char ***w, struct cpod_error **err)
{
	json_t *blkio = json_object();
	int r = 0;
	if (o->blkio_weight && *o->blkio_weight) {
		int64_t weight;
		if ((r = int_opt("--blkio-weight", o->blkio_weight, 0, 65535, &weight, err)) < 0)
			goto out;
		if (weight && (weight < 10 || weight > 1000)) {
			r = cpod_error_set(err, EINVAL, "range of blkio weight is from 10 to 1000");
			goto out;
		}
		if (!h->blkio_weight)
			warn(w,
			     "Your kernel does not support Block I/O weight or the cgroup is not "
			     "mounted. Weight discarded.");
		else if (weight)
			json_object_set_new(blkio, "weight", json_integer(weight));
	}
	if (o->blkio_weight_device && o->blkio_weight_device[0])
		warn(w, "Your kernel does not support Block I/O weight_device or the cgroup is not "
		        "mounted. Weight-device discarded.");
	struct {
		char *const *list;
		bool bytes;
		const char *key, *warning;
	} t[] = {
	        {o->device_read_bps, true, "throttleReadBpsDevice",
	         "Your kernel does not support BPS Block I/O read limit or the cgroup is not "
	         "mounted. Block I/O BPS read limit discarded."},
	        {o->device_write_bps, true, "throttleWriteBpsDevice",
	         "Your kernel does not support BPS Block I/O write limit or the cgroup is not "
	         "mounted. Block I/O BPS write limit discarded."},
	        {o->device_read_iops, false, "throttleReadIOPSDevice",
	         "Your kernel does not support IOPS Block read limit or the cgroup is not "
	         "mounted. Block I/O IOPS read limit discarded."},
	        {o->device_write_iops, false, "throttleWriteIOPSDevice",
	         "Your kernel does not support IOPS Block write limit or the cgroup is not "
	         "mounted. Block I/O IOPS write limit discarded."},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!t[i].list || !t[i].list[0])
			continue;
		if ((r = throttle_list(h, t[i].list, t[i].bytes, t[i].key, blkio, err)) < 0)
			goto out;
		if (!h->blkio_throttle) {
			warn(w, t[i].warning);
			json_object_del(blkio, t[i].key);
		}
	}
	if (json_object_size(blkio) > 0)
		json_object_set(res, "blockIO", blkio);
out:
	json_decref(blkio);
	return r;
}

static json_t *linux_device(const char *dst, const struct stat *st)
{
	json_t *d = json_object();
	json_object_set_new(d, "path", json_string(dst));
	json_object_set_new(d, "type", json_string(S_ISBLK(st->st_mode) ? "b" : "c"));
	json_object_set_new(d, "major", json_integer(major(st->st_rdev)));
	json_object_set_new(d, "minor", json_integer(minor(st->st_rdev)));
	json_object_set_new(d, "fileMode", json_integer(st->st_mode & 07777));
	json_object_set_new(d, "uid", json_integer(st->st_uid));
	json_object_set_new(d, "gid", json_integer(st->st_gid));
	return d;
}

json_t *isolation_device_rule(const struct stat *st, const char *access)
{
	json_t *o = json_object();
	json_object_set_new(o, "allow", json_true());
	json_object_set_new(o, "type", json_string(S_ISBLK(st->st_mode) ? "b" : "c"));
	json_object_set_new(o, "major", json_integer(major(st->st_rdev)));
	json_object_set_new(o, "minor", json_integer(minor(st->st_rdev)));
	json_object_set_new(o, "access", json_string(access));
	return o;
}

static int build_devices(const struct isolation_opts *o, const struct isolation_host *h,
                         json_t *res, json_t *cfg, struct cpod_error **err)
{
	json_t *devs = json_array(), *rules = json_array();
	int r = 0;
	STRV_FOREACH(s, (char **)o->devices)
	{
		struct isolation_device d = {0};
		struct stat st;
		if ((r = isolation_parse_device(*s, &d, err)) < 0)
			break;
		r = stat_device(h, d.src, &st, err);
		if (r >= 0 && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			r = cpod_error_set(err, EINVAL,
			                   "%s is not a valid device: not a device node", d.src);
		if (r >= 0) {
			json_array_append_new(devs, linux_device(d.dst, &st));
			json_array_append_new(rules, isolation_device_rule(&st, d.perms));
		}
		isolation_device_release(&d);
		if (r < 0)
			break;
	}
	STRV_FOREACH(s, (char **)o->device_cgroup_rules)
	{
		if (r < 0)
			break;
		json_t *rule;
		if ((r = isolation_parse_cgroup_rule(*s, &rule, err)) < 0)
			break;
		json_array_append_new(rules, rule);
	}
	if (r >= 0 && json_array_size(devs) > 0)
		json_object_set(cfg, "devices", devs);
	if (r >= 0 && json_array_size(rules) > 0)
		json_object_set(res, "devices", rules);
	json_decref(devs);
	json_decref(rules);
	return r;
}

static int build_pids(const struct isolation_opts *o, const struct isolation_host *h, json_t *res,
                      json_t *cfg, char ***w, struct cpod_error **err)
{
	int64_t pids;
	int r;
	if (!o->pids_limit || !*o->pids_limit)
		return 0;
	if ((r = int_opt("--pids-limit", o->pids_limit, INT64_MIN, INT64_MAX, &pids, err)) < 0)
		return r;
	if (!h->pids) {
		warn(w, "Your kernel does not support pids limit capabilities or the cgroup is not "
		        "mounted. PIDs limit discarded.");
		return 0;
	}
	/* Podman: 0 and -1 both mean unlimited */
	if (pids <= 0)
		pids = -1;
	json_object_set_new(cfg, "pidsLimit", json_integer(pids));
	json_object_set_new(sub(res, "pids"), "limit", json_integer(pids > 0 ? pids : 0));
	return 0;
}

int isolation_build_resources(const struct isolation_opts *o, const struct isolation_host *h,
                              bool update, json_t *cfg, char ***w, struct cpod_error **err)
{
	_cleanup_json_ json_t *res = json_object();
	int r;
	if ((r = build_memory(o, h, update, res, cfg, w, err)) < 0 ||
	    (r = build_cpu(o, h, res, cfg, w, err)) < 0 ||
	    (r = isolation_build_cgroup_extra(o, h, res, w, err)) < 0 ||
	    (r = build_blkio(o, h, res, w, err)) < 0 ||
	    (r = build_pids(o, h, res, cfg, w, err)) < 0)
		return r;
	if (!update && (r = build_devices(o, h, res, cfg, err)) < 0)
		return r;
	if (o->oom_score_adj && *o->oom_score_adj) {
		int64_t adj;
		if ((r = int_opt("--oom-score-adj", o->oom_score_adj, INT32_MIN, INT32_MAX, &adj,
		                 err)) < 0)
			return r;
		if (adj < -1000 || adj > 1000)
			return cpod_error_set(
			        err, EINVAL,
			        "invalid value %" PRId64
			        " for oom-score-adj: it must be between -1000 and 1000",
			        adj);
		json_object_set_new(cfg, "oomScoreAdj", json_integer(adj));
	}
	if (json_object_size(res) > 0)
		json_object_set(cfg, "resources", res);
	return 0;
}

int isolation_update_resources(const struct isolation_opts *o, const struct isolation_host *h,
                               json_t **ret, char ***ret_warnings, struct cpod_error **err)
{
	_cleanup_json_ json_t *cfg = json_object();
	_cleanup_strv_free_ char **w = xnew(char *, 1);
	int r = isolation_build_resources(o, h, true, cfg, &w, err);
	if (r < 0)
		return r;
	json_t *res = json_object_get(cfg, "resources");
	*ret = res ? json_incref(res) : json_object();
	if (ret_warnings)
		*ret_warnings = TAKE_PTR(w);
	return 0;
}

static bool file_in(const char *root, const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/sys/fs/cgroup/%s/%s", root, dir, name);
	return path_exists(p);
}

static char *read_trim(const char *root, const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s%s", root, rel);
	char *text = NULL;
	if (read_file_at(AT_FDCWD, p, 4096, &text, NULL) < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	return text;
}

void isolation_host_detect(const char *root, enum cgroup_mode mode, bool rootless,
                           struct isolation_host *ret)
{
	const char *r = root && strcmp(root, "/") != 0 ? root : "";
	*ret = (struct isolation_host){.mode = mode, .rootless = rootless};
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	ret->cpus = n > 0 ? n : 1;
	if (mode == CGROUP_MODE_UNIFIED) {
		_cleanup_free_ char *ctrl = read_trim(r, "/sys/fs/cgroup/cgroup.controllers");
		_cleanup_strv_free_ char **c = strv_split(ctrl ? ctrl : "", " ");
		ret->memory = ret->swap = strv_contains(c, "memory");
		ret->cpu_shares = ret->cpu_cfs = strv_contains(c, "cpu");
		ret->cpuset = strv_contains(c, "cpuset");
		ret->pids = strv_contains(c, "pids");
		ret->blkio_weight = ret->blkio_throttle = strv_contains(c, "io");
		ret->cpuset_cpus_available = read_trim(r, "/sys/fs/cgroup/cpuset.cpus.effective");
		ret->cpuset_mems_available = read_trim(r, "/sys/fs/cgroup/cpuset.mems.effective");
		return;
	}
	ret->memory = file_in(r, "memory", "memory.limit_in_bytes");
	ret->swap = file_in(r, "memory", "memory.memsw.limit_in_bytes");
	ret->kernel_memory = file_in(r, "memory", "memory.kmem.limit_in_bytes");
	ret->cpu_shares = file_in(r, "cpu", "cpu.shares");
	ret->cpu_cfs = file_in(r, "cpu", "cpu.cfs_quota_us");
	ret->cpuset = file_in(r, "cpuset", "cpuset.cpus");
	ret->pids = file_in(r, "pids", "pids.max") || file_in(r, "pids", "cgroup.procs");
	ret->blkio_weight = file_in(r, "blkio", "blkio.weight");
	ret->blkio_throttle = file_in(r, "blkio", "blkio.throttle.read_bps_device");
	ret->cpuset_cpus_available = read_trim(r, "/sys/fs/cgroup/cpuset/cpuset.effective_cpus");
	if (!ret->cpuset_cpus_available)
		ret->cpuset_cpus_available = read_trim(r, "/sys/fs/cgroup/cpuset/cpuset.cpus");
	ret->cpuset_mems_available = read_trim(r, "/sys/fs/cgroup/cpuset/cpuset.effective_mems");
	if (!ret->cpuset_mems_available)
		ret->cpuset_mems_available = read_trim(r, "/sys/fs/cgroup/cpuset/cpuset.mems");
}

void isolation_host_release(struct isolation_host *h)
{
	free(h->cpuset_cpus_available);
	free(h->cpuset_mems_available);
	h->cpuset_cpus_available = h->cpuset_mems_available = NULL;
}
