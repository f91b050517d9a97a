/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running netavark as containers/common libnetwork/netavark/exec.go does: the network
 * options as JSON (here through --file, a private file in the run dir), the aardvark-dns
 * config directory (--config), and netavark's JSON answer or error object on stdout.
 *
 * systemd: netavark 1.4 starts aardvark-dns through `systemd-run --scope` whenever
 * /run/systemd/system exists and systemd-run is in $PATH (src/dns/aardvark.rs), the test
 * sd_booted(3) makes. On hosts where that directory exists but systemd is not PID 1 (a
 * package created it), systemd-run fails and DNS never comes up. cpod checks PID 1 itself
 * and then runs netavark with the directories holding systemd-run removed from $PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "network/net-internal.h"
#include "runtime/exec.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

extern char **environ;

bool net_systemd_fake(const char *root_prefix)
{
	_cleanup_free_ char *dir = xasprintf("%s/run/systemd/system", root_prefix);
	if (!path_exists(dir))
		return false;
	_cleanup_free_ char *comm_path = xasprintf("%s/proc/1/comm", root_prefix);
	_cleanup_free_ char *comm = NULL;
	if (read_file_at(AT_FDCWD, comm_path, 256, &comm, NULL) < 0)
		return true;
	return strcmp(comm, "systemd\n") != 0 && strcmp(comm, "systemd") != 0;
}

char *net_find_binary(const struct net_env *env, const char *name)
{
	static const char *const defaults[] = {"/usr/local/libexec/podman", "/usr/local/lib/podman",
	                                       "/usr/libexec/podman", "/usr/lib/podman", NULL};
	STRV_FOREACH(d, (char **)env->plugin_dirs)
	{
		_cleanup_free_ char *p = path_join(*d, name);
		if (access(p, X_OK) == 0)
			return TAKE_PTR(p);
	}
	for (size_t i = 0; defaults[i]; i++) {
		_cleanup_free_ char *p = path_join(defaults[i], name);
		if (access(p, X_OK) == 0)
			return TAKE_PTR(p);
	}
	return NULL;
}

/* The environment for netavark: $PATH without systemd-run when systemd is not running. */
static char **netavark_env(void)
{
	char **env = strv_copy(environ);
	if (!net_systemd_fake(""))
		return env;
	const char *path = getenv("PATH");
	_cleanup_strv_free_ char **dirs =
	        strv_split(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin", ":");
	_cleanup_strv_free_ char **keep = xnew(char *, 1);
	STRV_FOREACH(d, dirs)
	{
		_cleanup_free_ char *p = path_join(*d, "systemd-run");
		if (access(p, X_OK) != 0)
			strv_push(&keep, *d);
	}
	_cleanup_free_ char *joined = strv_join(keep, ":");
	for (char **e = env; *e; e++) {
		if (strncmp(*e, "PATH=", 5) == 0) {
			free(*e);
			*e = xasprintf("PATH=%s", joined);
			return env;
		}
	}
	strv_consume(&env, xasprintf("PATH=%s", joined));
	return env;
}

static int netavark_error(const char *verb, const struct runtime_exec_result *res,
                          struct cpod_error **err)
{
	_cleanup_json_ json_t *j = json_loads(res->stdout_data ? res->stdout_data : "", 0, NULL);
	const char *msg = json_get_string(j, "error");
	if (msg)
		return cpod_error_set(err, EIO, "netavark: %s", msg);
	const char *e = res->stderr_data && *res->stderr_data ? res->stderr_data : "";
	_cleanup_free_ char *trim = xstrdup(e);
	size_t l = strlen(trim);
	while (l && (trim[l - 1] == '\n' || trim[l - 1] == ' '))
		trim[--l] = '\0';
	return cpod_error_set(err, EIO, "netavark (exit code %d): %s: %s", res->status, verb, trim);
}

int net_netavark_run(const struct net_env *env, const char *verb, const char *netns_path,
                     const json_t *options, json_t **ret, struct cpod_error **err)
{
	_cleanup_free_ char *bin =
	        env->netavark ? xstrdup(env->netavark) : net_find_binary(env, "netavark");
	if (!bin)
		return cpod_error_set(
		        err, ENOENT,
		        "could not find \"netavark\" in one of [/usr/local/libexec/podman "
		        "/usr/local/lib/podman /usr/libexec/podman /usr/lib/podman]: "
		        "install netavark");
	_cleanup_free_ char *aardvark =
	        env->aardvark ? xstrdup(env->aardvark) : net_find_binary(env, "aardvark-dns");
	int r = mkdir_p(env->run_dir, 0700);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "create %s", env->run_dir);
	char id[65];
	id_random(id);
	_cleanup_free_ char *file = xasprintf("netavark-%.16s.json", id);
	_cleanup_free_ char *path = path_join(env->run_dir, file);
	_cleanup_free_ char *text = json_dumps(options, JSON_COMPACT);
	r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "write %s", path);
	_cleanup_strv_free_ char **argv = xnew(char *, 1);
	strv_push(&argv, bin);
	strv_consume(&argv, xasprintf("--config=%s", env->run_dir));
	strv_push(&argv, "--rootless=false");
	if (aardvark)
		strv_consume(&argv, xasprintf("--aardvark-binary=%s", aardvark));
	strv_consume(&argv, xasprintf("--file=%s", path));
	strv_push(&argv, verb);
	strv_push(&argv, netns_path);
	_cleanup_strv_free_ char **envp = netavark_env();
	struct runtime_exec_options o = {
	        .path = bin,
	        .argv = argv,
	        .envp = envp,
	        .flags = RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_CAPTURE_STDERR |
	                 RUNTIME_EXEC_NULL_STDIN,
	        .capture_max = NET_CONFIG_MAX,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	log_debug("netavark %s %s", verb, netns_path);
	r = runtime_exec_argv(&o, &res, err);
	(void)unlink(path);
	if (r < 0)
		return r;
	if (res.status != 0)
		return netavark_error(verb, &res, err);
	if (ret) {
		json_error_t jerr;
		json_t *j = json_loads(res.stdout_data ? res.stdout_data : "", 0, &jerr);
		if (!json_is_object(j)) {
			json_decref(j);
			return cpod_error_set(err, EIO, "netavark %s: unexpected output: %s", verb,
			                      jerr.text);
		}
		*ret = j;
	}
	return 0;
}
