/* SPDX-License-Identifier: Apache-2.0 */
/* conmon's command line and environment, the exit command, and sync-pipe messages. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conmon-internal.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

extern char **environ;

/*
 * The script util-linux unshare runs crun with: hide the cgroup2 tree (unmount it, or
 * cover it with an empty tmpfs where the mount is locked in a user namespace), then exec
 * the runtime with the arguments conmon appended.
 */
#define HIDE_SCRIPT                                                                                \
	"umount -l /sys/fs/cgroup/unified 2>/dev/null || "                                         \
	"mount -t tmpfs -o ro,nosuid,nodev,noexec,size=4k,mode=0555 tmpfs "                        \
	"/sys/fs/cgroup/unified 2>/dev/null; exec \"$@\""

static const char *find_first(const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++) {
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	}
	return NULL;
}

const char *conmon_unshare_path(void)
{
	static const char *const c[] = {"/usr/bin/unshare", "/bin/unshare", NULL};
	return find_first(c);
}

static const char *sh_path(void)
{
	static const char *const c[] = {"/bin/sh", "/usr/bin/sh", NULL};
	return find_first(c);
}

static void push_pair(char ***v, const char *flag, const char *value)
{
	strv_push(v, flag);
	strv_push(v, value);
}

static const char *log_level_name(const char *level)
{
	if (!level)
		return "warning";
	if (strcmp(level, "warn") == 0)
		return "warning";
	return level;
}

int conmon_build_argv(const struct conmon_create_opts *o, const char *conmon_pidfile,
                      bool wrap_runtime, char ***ret, struct cpod_error **err)
{
	const struct oci_runtime *rt = o->runtime;
	_cleanup_strv_free_ char **v = NULL;
	strv_push(&v, o->conmon_path);
	push_pair(&v, "--api-version", "1");
	push_pair(&v, "-c", o->id);
	push_pair(&v, "-u", o->id);

	_cleanup_strv_free_ char **rt_args = NULL;
	if (wrap_runtime && o->runtime_wrapper) {
		push_pair(&v, "-r", o->runtime_wrapper);
		strv_push(&rt_args, rt->path);
	} else if (wrap_runtime) {
		const char *unshare = conmon_unshare_path();
		const char *sh = sh_path();
		if (!unshare || !sh)
			return cpod_error_set(err, ENOENT, "unshare or sh not found");
		push_pair(&v, "-r", unshare);
		const char *pre[] = {"--mount", "--propagation", "private", "--",     sh,
		                     "-c",      HIDE_SCRIPT,     "sh",      rt->path, NULL};
		for (size_t i = 0; pre[i]; i++)
			strv_push(&rt_args, pre[i]);
	} else {
		push_pair(&v, "-r", rt->path);
	}
	/* --systemd-cgroup is among the global args: conmon's -s would put it before them */
	_cleanup_strv_free_ char **global = oci_runtime_global_args(rt);
	STRV_FOREACH(g, global)
	strv_push(&rt_args, *g);

	push_pair(&v, "-b", o->bundle);
	push_pair(&v, "-p", o->pidfile);
	push_pair(&v, "-n", o->name);
	push_pair(&v, "--exit-dir", o->exit_dir);
	strv_push(&v, "--full-attach");
	if (o->socket_dir)
		push_pair(&v, "--socket-dir-path", o->socket_dir);
	if (o->persist_dir)
		push_pair(&v, "--persist-dir", o->persist_dir);
	STRV_FOREACH(a, rt_args)
	strv_consume(&v, xasprintf("--runtime-arg=%s", *a));

	const char *driver = o->log_driver ? o->log_driver : "k8s-file";
	if (strcmp(driver, "k8s-file") == 0 || strcmp(driver, "json-file") == 0 || !*driver) {
		if (!o->log_path)
			return cpod_error_set(err, EINVAL, "conmon: k8s-file logging needs a path");
		strv_push(&v, "-l");
		strv_consume(&v, xasprintf("k8s-file:%s", o->log_path));
	} else if (strcmp(driver, "none") == 0 || strcmp(driver, "passthrough") == 0 ||
	           strcmp(driver, "journald") == 0) {
		push_pair(&v, "-l", driver);
	} else {
		return cpod_error_set(err, EINVAL, "unsupported log driver \"%s\"", driver);
	}
	push_pair(&v, "--log-level", log_level_name(o->log_level));
	if (o->log_size_max > 0) {
		strv_push(&v, "--log-size-max");
		strv_consume(&v, xasprintf("%lld", (long long)o->log_size_max));
	}
	if (o->log_tag && *o->log_tag)
		push_pair(&v, "--log-tag", o->log_tag);
	if (o->terminal)
		strv_push(&v, "-t");
	else if (o->stdin_open)
		strv_push(&v, "-i");
	if (o->leave_stdin_open)
		strv_push(&v, "--leave-stdin-open");
	push_pair(&v, "--conmon-pidfile", conmon_pidfile);
	if (o->no_pivot)
		strv_push(&v, "--no-pivot");
	if (o->preserve_fds > 0) {
		strv_push(&v, "--runtime-opt");
		strv_consume(&v, xasprintf("--preserve-fds=%u", o->preserve_fds));
	}
	if (o->ctr_timeout > 0)
		strv_consume(&v, xasprintf("--timeout=%u", o->ctr_timeout));
	if (o->exit_command && o->exit_command[0]) {
		push_pair(&v, "--exit-command", o->exit_command[0]);
		for (size_t i = 1; o->exit_command[i]; i++)
			push_pair(&v, "--exit-command-arg", o->exit_command[i]);
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static bool wanted_env(const char *e)
{
	static const char *const keep[] = {"PATH=",
	                                   "HOME=",
	                                   "CONTAINERS_CONF=",
	                                   "CONTAINERS_HELPER_BINARY_DIR=",
	                                   "CONTAINERS_STORAGE_CONF=",
	                                   "CONTAINERS_REGISTRIES_CONF=",
	                                   "_CONTAINERS_USERNS_CONFIGURED=",
	                                   "_CONTAINERS_ROOTLESS_UID=",
	                                   NULL};
	if (strncmp(e, "LC_", 3) == 0 || strncmp(e, "CPOD_", 5) == 0)
		return true;
	for (size_t i = 0; keep[i]; i++) {
		if (strncmp(e, keep[i], strlen(keep[i])) == 0)
			return true;
	}
	return false;
}

char **conmon_build_env(const struct conmon_create_opts *o, int sync_fd, int start_fd)
{
	/* Podman's configureConmonEnv(): a few variables, not the whole environment */
	char **v = NULL;
	for (size_t i = 0; o->env && o->env[i]; i++)
		strv_push(&v, o->env[i]);
	strv_consume(&v, xasprintf("_OCI_SYNCPIPE=%d", sync_fd));
	strv_consume(&v, xasprintf("_OCI_STARTPIPE=%d", start_fd));
	for (char **e = environ; e && *e; e++) {
		if (wanted_env(*e))
			strv_push(&v, *e);
	}
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	strv_consume(&v, xasprintf("XDG_RUNTIME_DIR=%s", xdg ? xdg : ""));
	if (!getenv("PATH"))
		strv_push(&v, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	return v;
}

int conmon_exit_command(const struct conmon_exit_command_opts *o, char ***ret,
                        struct cpod_error **err)
{
	if (!o->id || !*o->id)
		return cpod_error_set(err, EINVAL, "exit command: a container ID is required");
	_cleanup_free_ char *self = NULL;
	if (o->self) {
		self = xstrdup(o->self);
	} else {
		char buf[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n < 0)
			return cpod_error_set_errno(err, errno, "readlink /proc/self/exe");
		self = xstrndup(buf, (size_t)n);
	}
	_cleanup_strv_free_ char **v = NULL;
	strv_consume(&v, TAKE_PTR(self));
	const struct {
		const char *flag, *value;
	} pairs[] = {
	        {"--root", o->root},
	        {"--runroot", o->run_root},
	        {"--log-level", o->log_level},
	        {"--cgroup-manager", o->cgroup_manager},
	        {"--tmpdir", o->tmpdir},
	        {"--runtime", o->runtime},
	        {"--storage-driver", o->storage_driver},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (pairs[i].value)
			push_pair(&v, pairs[i].flag, pairs[i].value);
	}
	for (size_t i = 0; o->storage_opts && o->storage_opts[i]; i++)
		push_pair(&v, "--storage-opt", o->storage_opts[i]);
	if (o->events_backend)
		push_pair(&v, "--events-backend", o->events_backend);
	static const char *const cleanup[] = {"container", "cleanup", NULL};
	for (const char *const *w = o->verb ? o->verb : cleanup; *w; w++)
		strv_push(&v, *w);
	if (o->remove)
		strv_push(&v, "--rm");
	strv_push(&v, o->id);
	*ret = TAKE_PTR(v);
	return 0;
}

/* The value after "key": in text, for the lenient parse; NULL when absent. */
static const char *after_key(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int conmon_parse_sync_message(const char *text, int *ret_data, char **ret_msg)
{
	json_error_t jerr;
	_cleanup_json_ json_t *j = json_loads(text, JSON_DISABLE_EOF_CHECK, &jerr);
	if (j && json_is_object(j) && json_is_integer(json_object_get(j, "data"))) {
		json_int_t d = json_integer_value(json_object_get(j, "data"));
		if (d < INT_MIN || d > INT_MAX)
			return -EINVAL;
		*ret_data = (int)d;
		*ret_msg = xstrdup_or_null(json_get_string(j, "message"));
		return 0;
	}
	/* conmon before 2.1.8 printed the message unescaped: {"data": -1, "message": "..."} */
	const char *p = after_key(text, "\"data\"");
	if (!p)
		return -EINVAL;
	char *end;
	errno = 0;
	long d = strtol(p, &end, 10);
	if (end == p || errno || d < INT_MIN || d > INT_MAX)
		return -EINVAL;
	char *msg = NULL;
	const char *m = after_key(end, "\"message\"");
	if (m && *m == '"') {
		m++;
		const char *close = strrchr(m, '}');
		size_t n = close ? (size_t)(close - m) : strlen(m);
		while (n && isspace((unsigned char)m[n - 1]))
			n--;
		if (n && m[n - 1] == '"')
			n--;
		msg = xstrndup(m, n);
	}
	*ret_data = (int)d;
	*ret_msg = msg;
	return 0;
}
