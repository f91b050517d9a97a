/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Environment and label input of create/run, parsed as Podman's pkg/env and
 * pkg/util.ReadKVStrings do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli/container/create-opts.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* env and label files are small; refuse anything absurd rather than reading it whole */
#define KV_FILE_MAX (4 * 1024 * 1024)

extern char **environ;

/* set or replace name=value, keeping the first position of name (later wins, like a map) */
static void env_set(char ***env, const char *name, size_t name_len, const char *value)
{
	char *entry = xasprintf("%.*s=%s", (int)name_len, name, value);
	for (char **p = *env; p && *p; p++)
		if (strncmp(*p, name, name_len) == 0 && (*p)[name_len] == '=') {
			free(*p);
			*p = entry;
			return;
		}
	strv_consume(env, entry);
}

int create_env_parse(char ***env, const char *entry, struct cpod_error **err)
{
	const char *eq = strchr(entry, '=');
	size_t len = eq ? (size_t)(eq - entry) : strlen(entry);
	if (len == 0)
		return cpod_error_set(err, EINVAL, "invalid environment variable: \"%s\"", entry);
	/* Podman trims leading white space of the name, nothing else */
	while (len > 0 && strchr(" \t\n\v\f\r", *entry)) {
		entry++;
		len--;
	}
	if (eq) {
		env_set(env, entry, len, eq + 1);
		return 0;
	}
	if (len > 0 && entry[len - 1] == '*') {
		for (char **h = environ; h && *h; h++) {
			const char *heq = strchr(*h, '=');
			if (heq && (size_t)(heq - *h) >= len - 1 &&
			    strncmp(*h, entry, len - 1) == 0)
				env_set(env, *h, (size_t)(heq - *h), heq + 1);
		}
		return 0;
	}
	_cleanup_free_ char *name = xstrndup(entry, len);
	const char *v = getenv(name);
	if (v) /* a name alone passes the host's value, and nothing when unset */
		env_set(env, name, len, v);
	return 0;
}

static int read_kv_file(const char *path, char **ret, struct cpod_error **err)
{
	size_t n = 0;
	int r = read_file_at(AT_FDCWD, path, KV_FILE_MAX, ret, &n);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "open %s", path);
	if (memchr(*ret, '\0', n)) {
		free(*ret);
		*ret = NULL;
		return cpod_error_set(err, EINVAL, "%s: contains a NUL byte", path);
	}
	return 0;
}

/* each non-blank line not starting with "#" (after leading white space) */
static int for_each_line(char *text, int (*fn)(const char *line, void *ud), void *ud)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		if (l > 0 && line[l - 1] == '\r')
			line[--l] = '\0';
		const char *t = line + strspn(line, " \t");
		if (!*t || *t == '#')
			continue;
		int r = fn(t, ud);
		if (r < 0)
			return r;
	}
	return 0;
}

struct env_ud {
	char ***env;
	struct cpod_error **err;
};

static int env_line(const char *line, void *ud_)
{
	struct env_ud *ud = ud_;
	return create_env_parse(ud->env, line, ud->err);
}

int create_env_file(char ***env, const char *path, struct cpod_error **err)
{
	_cleanup_free_ char *text = NULL;
	int r = read_kv_file(path, &text, err);
	if (r < 0)
		return cpod_error_wrap(err, "parsing env file \"%s\"", path);
	struct env_ud ud = {env, err};
	return for_each_line(text, env_line, &ud);
}

static int label_line(const char *line, void *ud)
{
	char ***labels = ud;
	if (strchr(line, '='))
		strv_push(labels, line);
	else
		strv_consume(labels, xasprintf("%s=", line));
	return 0;
}

int create_label_file(char ***labels, const char *path, struct cpod_error **err)
{
	_cleanup_free_ char *text = NULL;
	int r = read_kv_file(path, &text, err);
	if (r < 0)
		return r;
	return for_each_line(text, label_line, labels);
}
