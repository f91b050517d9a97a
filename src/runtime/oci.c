/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "exec.h"
#include "oci.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define OUTPUT_MAX (1024 * 1024)

/* Podman's define.ErrOCIRuntime* texts, which users and scripts grep for. */
#define MSG_NOT_FOUND  "OCI runtime attempted to invoke a command that was not found"
#define MSG_PERMISSION "OCI permission denied"
#define MSG_GENERIC    "OCI runtime error"

int oci_runtime_new(const struct oci_runtime_opts *o, struct oci_runtime **ret,
                    struct cpod_error **err)
{
	if (!o->name || !*o->name || strchr(o->name, '/'))
		return cpod_error_set(err, EINVAL, "invalid OCI runtime name \"%s\"",
		                      o->name ? o->name : "");
	if (!o->path || o->path[0] != '/')
		return cpod_error_set(err, EINVAL, "OCI runtime %s: the path must be absolute",
		                      o->name);
	_cleanup_free_ char *state = NULL;
	if (o->run_root) {
		state = xasprintf("%s/runtime/%s", o->run_root, o->name);
		int r = mkdir_p(state, 0700);
		if (r < 0)
			return cpod_error_set_errno(err, -r,
			                            "create OCI runtime state directory %s", state);
	}
	struct oci_runtime *rt = xnew(struct oci_runtime, 1);
	rt->name = xstrdup(o->name);
	rt->path = xstrdup(o->path);
	rt->state_dir = TAKE_PTR(state);
	rt->needs_cgroup_workaround = o->needs_cgroup_workaround;
	rt->systemd_cgroup = o->systemd_cgroup;
	rt->flags = strv_copy(o->runtime_flags);
	*ret = rt;
	return 0;
}

struct oci_runtime *oci_runtime_free(struct oci_runtime *rt)
{
	if (!rt)
		return NULL;
	free(rt->name);
	free(rt->path);
	free(rt->state_dir);
	strv_free(rt->flags);
	free(rt);
	return NULL;
}

char **oci_runtime_global_args(const struct oci_runtime *rt)
{
	char **v = NULL;
	if (rt->state_dir) {
		strv_push(&v, "--root");
		strv_push(&v, rt->state_dir);
	}
	if (rt->systemd_cgroup)
		strv_push(&v, "--systemd-cgroup");
	STRV_FOREACH(f, rt->flags)
	strv_push(&v, *f);
	if (!v)
		v = xnew(char *, 1);
	return v;
}

unsigned oci_runtime_exec_flags(const struct oci_runtime *rt)
{
	return rt->needs_cgroup_workaround ? RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED : 0;
}

/* The value of a logfmt key="quoted value" (runc's logrus lines); owned or NULL. */
static char *logfmt_value(const char *line, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = line; (p = strstr(p, key)) != NULL; p += klen) {
		if (p != line && p[-1] != ' ')
			continue;
		if (p[klen] != '=')
			continue;
		const char *v = p + klen + 1;
		if (*v != '"') {
			size_t n = strcspn(v, " ");
			return xstrndup(v, n);
		}
		struct buf b = BUF_INIT;
		for (v++; *v && *v != '"'; v++) {
			if (*v == '\\' && v[1]) {
				v++;
				buf_putc(&b, *v == 'n' ? '\n' : *v == 't' ? '\t' : *v);
			} else {
				buf_putc(&b, *v);
			}
		}
		return buf_take(&b);
	}
	return NULL;
}

static bool level_is_quiet(const char *level)
{
	return level && (strcmp(level, "warning") == 0 || strcmp(level, "warn") == 0 ||
	                 strcmp(level, "info") == 0 || strcmp(level, "debug") == 0);
}

/* One output line reduced to its message; owned, NULL to drop the line. */
static char *clean_line(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	size_t len = strlen(line);
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (!len)
		return NULL;
	if (line[0] == '{') {
		json_error_t jerr;
		_cleanup_json_ json_t *j = json_loadb(line, len, 0, &jerr);
		const char *msg = j ? json_get_string(j, "msg") : NULL;
		if (msg) {
			if (level_is_quiet(json_get_string(j, "level")))
				return NULL;
			return xstrdup(msg);
		}
	}
	_cleanup_free_ char *copy = xstrndup(line, len);
	if (strstr(copy, "level=") && strstr(copy, "msg=")) {
		_cleanup_free_ char *level = logfmt_value(copy, "level");
		char *msg = logfmt_value(copy, "msg");
		if (msg && level_is_quiet(level)) {
			free(msg);
			return NULL;
		}
		if (msg)
			return msg;
	}
	return TAKE_PTR(copy);
}

char *runtime_oci_clean_message(const char *output)
{
	struct buf b = BUF_INIT;
	if (!output)
		return buf_take(&b);
	_cleanup_strv_free_ char **lines = strv_split(output, "\n");
	STRV_FOREACH(l, lines)
	{
		_cleanup_free_ char *m = clean_line(*l);
		if (!m)
			continue;
		if (b.len)
			buf_putc(&b, '\n');
		buf_puts(&b, m);
	}
	return buf_take(&b);
}

/* The first line of text containing any of needles (case-insensitive); owned or NULL. */
static char *find_line(const char *text, const char *const *needles)
{
	_cleanup_strv_free_ char **lines = strv_split(text, "\n");
	STRV_FOREACH(l, lines)
	{
		for (size_t i = 0; needles[i]; i++) {
			if (strcasestr(*l, needles[i]))
				return xstrdup(*l);
		}
	}
	return NULL;
}

int runtime_oci_error(const char *name, const char *output, struct cpod_error **err)
{
	static const char *const denied[] = {"permission denied", "operation not permitted", NULL};
	static const char *const missing[] = {"executable file not found in",
	                                      "no such file or directory", NULL};
	_cleanup_free_ char *msg = runtime_oci_clean_message(output);
	_cleanup_free_ char *line = find_line(msg, denied);
	if (line)
		return cpod_error_set(err, CPOD_ECANNOT_INVOKE, "%s: %s: %s", name, line,
		                      MSG_PERMISSION);
	line = find_line(msg, missing);
	if (line)
		return cpod_error_set(err, CPOD_ENOTFOUND_CMD, "%s: %s: %s", name, line,
		                      MSG_NOT_FOUND);
	if (!*msg)
		return cpod_error_set(err, EIO, "%s: %s", name, MSG_GENERIC);
	return cpod_error_set(err, EIO, "%s: %s: %s", name, msg, MSG_GENERIC);
}

/* Run the runtime; fills in its exit status and its captured stdout and stderr. */
static int run_capture(const struct oci_runtime *rt, const char *const *args, int *ret_status,
                       char **ret_out, char **ret_errout, struct cpod_error **err)
{
	_cleanup_strv_free_ char **argv = NULL;
	strv_push(&argv, rt->path);
	_cleanup_strv_free_ char **global = oci_runtime_global_args(rt);
	STRV_FOREACH(g, global)
	strv_push(&argv, *g);
	for (size_t i = 0; args[i]; i++)
		strv_push(&argv, args[i]);

	if (log_get_level() <= LOG_LEVEL_DEBUG) {
		_cleanup_free_ char *line = strv_join(argv, " ");
		log_debug("running %s", line);
	}
	struct runtime_exec_options o = {
	        .path = rt->path,
	        .argv = argv,
	        .flags = oci_runtime_exec_flags(rt) | RUNTIME_EXEC_CAPTURE_STDOUT |
	                 RUNTIME_EXEC_CAPTURE_STDERR | RUNTIME_EXEC_NULL_STDIN,
	        .capture_max = OUTPUT_MAX,
	};
	struct runtime_exec_result res = {0};
	int r = runtime_exec_argv(&o, &res, err);
	if (r < 0)
		return cpod_error_wrap(err, "%s %s", rt->name, args[0]);
	*ret_status = res.status;
	*ret_out = res.stdout_data;
	*ret_errout = res.stderr_data;
	return 0;
}

int runtime_oci_run(const struct oci_runtime *rt, const char *const *args, char **ret_stdout,
                    struct cpod_error **err)
{
	int status;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int r = run_capture(rt, args, &status, &out, &errout, err);
	if (r < 0)
		return r;
	if (status != 0) {
		if (errout && *errout)
			return runtime_oci_error(rt->name, errout, err);
		return cpod_error_set(err, EIO, "%s %s: exit status %d: %s", rt->name, args[0],
		                      status, MSG_GENERIC);
	}
	if (ret_stdout)
		*ret_stdout = TAKE_PTR(out);
	return 0;
}

int runtime_oci_start(const struct oci_runtime *rt, const char *id, struct cpod_error **err)
{
	const char *args[] = {"start", id, NULL};
	return runtime_oci_run(rt, args, NULL, err);
}

int runtime_oci_kill(const struct oci_runtime *rt, const char *id, int signal, bool all,
                     struct cpod_error **err)
{
	char sig[16];
	snprintf(sig, sizeof(sig), "%d", signal);
	const char *with_all[] = {"kill", "--all", id, sig, NULL};
	const char *plain[] = {"kill", id, sig, NULL};
	int r = runtime_oci_run(rt, all ? with_all : plain, NULL, err);
	if (r < 0)
		return cpod_error_wrap(err, "sending signal to container %s", id);
	return 0;
}

/* Does the runtime say that it does not know the container? */
static bool says_unknown(const char *errout)
{
	return errout && (strstr(errout, "does not exist") || strstr(errout, "not exist") ||
	                  strcasestr(errout, "no such file or directory"));
}

int runtime_oci_delete(const struct oci_runtime *rt, const char *id, bool force,
                       struct cpod_error **err)
{
	const char *with_force[] = {"delete", "--force", id, NULL};
	const char *plain[] = {"delete", id, NULL};
	int status;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int r = run_capture(rt, force ? with_force : plain, &status, &out, &errout, err);
	if (r < 0)
		return r;
	if (status == 0 || says_unknown(errout))
		return 0;
	return runtime_oci_error(rt->name, errout, err);
}

int runtime_oci_state(const struct oci_runtime *rt, const char *id, json_t **ret,
                      struct cpod_error **err)
{
	const char *args[] = {"state", id, NULL};
	int status;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int r = run_capture(rt, args, &status, &out, &errout, err);
	if (r < 0)
		return r;
	if (status != 0) {
		if (says_unknown(errout)) {
			_cleanup_free_ char *m = runtime_oci_clean_message(errout);
			return cpod_error_set(err, ENOENT, "%s: %s", rt->name, m);
		}
		return runtime_oci_error(rt->name, errout, err);
	}
	json_error_t jerr;
	json_t *j = json_loads(out, 0, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return cpod_error_set(err, EIO, "%s state %s: invalid JSON output", rt->name, id);
	}
	*ret = j;
	return 0;
}

int runtime_oci_pause(const struct oci_runtime *rt, const char *id, struct cpod_error **err)
{
	const char *args[] = {"pause", id, NULL};
	return runtime_oci_run(rt, args, NULL, err);
}

int runtime_oci_resume(const struct oci_runtime *rt, const char *id, struct cpod_error **err)
{
	const char *args[] = {"resume", id, NULL};
	return runtime_oci_run(rt, args, NULL, err);
}
