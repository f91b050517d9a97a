/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container process's environment and arguments (Podman's specgen env merge and
 * makeCommand()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

extern char **environ;

char **spec_json_strv(const json_t *arr)
{
	size_t i;
	json_t *v;
	char **out = NULL;

	if (!json_is_array(arr))
		return NULL;
	out = xnew(char *, 1);
	json_array_foreach (arr, i, v)
		if (json_is_string(v))
			strv_push(&out, json_string_value(v));
	return out;
}

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

static ssize_t env_find(char **env, const char *key, size_t klen)
{
	for (size_t i = 0; env && env[i]; i++)
		if (key_len(env[i]) == klen && strncmp(env[i], key, klen) == 0)
			return (ssize_t)i;
	return -1;
}

/* Set "K=V": replace in place (keeping the first position, as Podman's env.Join), or append. */
static void env_set(char ***env, const char *kv)
{
	ssize_t i = env_find(*env, kv, key_len(kv));
	if (i >= 0) {
		free((*env)[i]);
		(*env)[i] = xstrdup(kv);
	} else {
		strv_push(env, kv);
	}
}

/* One user entry: "K=V", "K" (the host's value, skipped when unset), "PREFIX*" (all matching). */
static void env_apply_user(char ***env, const char *e)
{
	if (strchr(e, '=')) {
		env_set(env, e);
		return;
	}
	size_t n = strlen(e);
	if (n > 0 && e[n - 1] == '*') {
		for (char **h = environ; h && *h; h++)
			if (strncmp(*h, e, n - 1) == 0 && strchr(*h, '='))
				env_set(env, *h);
		return;
	}
	const char *v = getenv(e);
	if (v) {
		_cleanup_free_ char *kv = xasprintf("%s=%s", e, v);
		env_set(env, kv);
	}
}

/* --unsetenv NAME / --unsetenv-all: Podman drops the defaults before adding the user's env. */
static void drop_defaults(char **env, const struct spec_opts *opts)
{
	size_t w = 0;
	for (size_t i = 0; env[i]; i++) {
		bool drop = opts->unsetenv_all;
		for (size_t j = 0; !drop && opts->unsetenv && opts->unsetenv[j]; j++)
			drop = key_len(env[i]) == strlen(opts->unsetenv[j]) &&
			       strncmp(env[i], opts->unsetenv[j], key_len(env[i])) == 0;
		if (drop)
			free(env[i]);
		else
			env[w++] = env[i];
	}
	env[w] = NULL;
}

int spec_build_env(const struct spec_opts *opts, const struct spec_defaults *defs,
                   const char *hostname, const char *home, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **env = xnew(char *, 1);
	_cleanup_strv_free_ char **image_env = NULL;

	STRV_FOREACH (e, (char **)defs->env)
		env_apply_user(&env, *e);
	env_set(&env, "container=podman");
	if (opts->image_config)
		image_env = spec_json_strv(json_object_get(opts->image_config, "Env"));
	STRV_FOREACH (e, image_env)
		if (strchr(*e, '='))
			env_set(&env, *e);
	if (opts->env_host)
		for (char **h = environ; h && *h; h++)
			if (strchr(*h, '='))
				env_set(&env, *h);
	STRV_FOREACH (e, (char **)opts->env_merge)
		if (spec_env_merge(&env, *e, err) < 0)
			return -EINVAL;
	drop_defaults(env, opts);
	/* Podman copies the host's proxy variables after --unsetenv, before -e */
	if (!opts->env_host)
		STRV_FOREACH (e, (char **)opts->proxy_env)
			env_set(&env, *e);
	STRV_FOREACH (e, (char **)opts->env) {
		if (!**e || **e == '=')
			return cpod_error_set(err, EINVAL, "invalid environment variable: \"%s\"",
			                      *e);
		env_apply_user(&env, *e);
	}
	/*
	 * Podman adds HOSTNAME at spec generation when --hostname was given, and only after
	 * HOME (in libpod) otherwise: keep its order.
	 */
	bool explicit_host = opts->hostname && *opts->hostname;
	for (int pass = 0; pass < 2; pass++) {
		bool do_host = explicit_host ? pass == 0 : pass == 1;
		if (do_host && hostname && env_find(env, "HOSTNAME", 8) < 0) {
			_cleanup_free_ char *kv = xasprintf("HOSTNAME=%s", hostname);
			strv_push(&env, kv);
		}
		if (!do_host && home && *home && env_find(env, "HOME", 4) < 0) {
			_cleanup_free_ char *kv = xasprintf("HOME=%s", home);
			strv_push(&env, kv);
		}
	}
	*ret = TAKE_PTR(env);
	return 0;
}

int spec_build_args(const struct spec_opts *opts, const char *init_path, char ***ret,
                    struct cpod_error **err)
{
	_cleanup_strv_free_ char **image_ep = NULL, **image_cmd = NULL;
	_cleanup_strv_free_ char **out = xnew(char *, 1);
	char *const *ep;

	if (opts->image_config) {
		image_ep = spec_json_strv(json_object_get(opts->image_config, "Entrypoint"));
		image_cmd = spec_json_strv(json_object_get(opts->image_config, "Cmd"));
	}
	ep = opts->entrypoint_set ? opts->entrypoint : image_ep;
	/* An entrypoint of [""] means none (Podman's --entrypoint "") */
	if (!(ep && ep[0] && !ep[1] && !*ep[0]))
		STRV_FOREACH (s, (char **)ep)
			strv_push(&out, *s);

	/* The image's Cmd only applies when the user set neither a command nor an entrypoint */
	char *const *cmd = opts->command;
	if ((!cmd || !cmd[0]) && !opts->entrypoint_set)
		cmd = image_cmd;
	STRV_FOREACH (s, (char **)cmd)
		strv_push(&out, *s);

	if (!out[0])
		return cpod_error_set(err, EINVAL,
		                      "no command or entrypoint provided, and no CMD or ENTRYPOINT "
		                      "from image");
	if (opts->init) {
		if (!init_path || !*init_path)
			return cpod_error_set(err, EINVAL,
			                      "no path to init binary found but container "
			                      "requested an init");
		_cleanup_strv_free_ char **with = xnew(char *, 1);
		strv_push(&with, SPEC_INIT_DEST);
		strv_push(&with, "--");
		STRV_FOREACH (s, out)
			strv_push(&with, *s);
		strv_free(out);
		out = TAKE_PTR(with);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

char **spec_proxy_env(void)
{
	static const char *const names[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
	                                    "HTTPS_PROXY", "ftp_proxy",  "FTP_PROXY",
	                                    "no_proxy",    "NO_PROXY",   NULL};
	char **out = xnew(char *, 1);
	for (size_t i = 0; names[i]; i++) {
		const char *v = getenv(names[i]);
		if (v)
			strv_consume(&out, xasprintf("%s=%s", names[i], v));
	}
	return out;
}
