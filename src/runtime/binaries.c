/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-glue.h"
#include "exec.h"
#include "probe-internal.h"
#include "probe.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CACHE_FILE   "runtime-versions.json"
#define CACHE_MAX    (256 * 1024)
#define VERSION_MAX  (16 * 1024)
#define PATH_ENV_MAX 16

/* The runtimes cpod knows how to drive, in order of preference (crun is ~3x faster). */
static const char *const known_runtimes[] = {"crun", "runc"};

static bool is_executable_file(const char *path)
{
	struct stat st;
	return path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

char *probe_find_executable(const char *name, char *const *candidates, const char *path_env)
{
	if (name[0] == '/')
		return is_executable_file(name) ? xstrdup(name) : NULL;
	STRV_FOREACH(c, (char **)candidates)
	{
		if (is_executable_file(*c))
			return xstrdup(*c);
	}
	if (strchr(name, '/'))
		return NULL;
	if (!path_env)
		path_env = getenv("PATH");
	_cleanup_strv_free_ char **dirs = strv_split(path_env ? path_env : "", ":");
	STRV_FOREACH(d, dirs)
	{
		if ((*d)[0] != '/')
			continue;
		_cleanup_free_ char *p = path_join(*d, name);
		if (is_executable_file(p))
			return TAKE_PTR(p);
	}
	return NULL;
}

/* Key of a cache entry: the binary changes when its mtime or size does. */
static char *binary_stamp(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return NULL;
	return xasprintf("%lld.%09ld:%lld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	                 (long long)st.st_size);
}

static json_t *cache_load(const char *dir)
{
	if (!dir)
		return json_object();
	_cleanup_free_ char *path = path_join(dir, CACHE_FILE);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_file_at(AT_FDCWD, path, CACHE_MAX, &text, &len) < 0)
		return json_object();
	json_t *j = json_loadb(text, len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return json_object();
	}
	return j;
}

static void cache_store(const char *dir, const json_t *cache)
{
	if (!dir)
		return;
	_cleanup_free_ char *text = json_dumps(cache, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return;
	int r = mkdir_p(dir, 0700);
	if (r >= 0) {
		_cleanup_free_ char *path = path_join(dir, CACHE_FILE);
		r = write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	}
	if (r < 0)
		log_debug("cannot write the runtime version cache in %s: %s, ignoring", dir,
		          strerror(-r));
}

static char *trim_trailing_newlines(char *s)
{
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		s[--len] = '\0';
	return s;
}

static char *run_version(const char *path)
{
	char *argv[] = {(char *)path, (char *)"--version", NULL};
	struct runtime_exec_options o = {
	        .path = path,
	        .argv = argv,
	        .flags = RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_NULL_STDIN |
	                 RUNTIME_EXEC_NULL_OUTPUT,
	        .capture_max = VERSION_MAX,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	if (runtime_exec_argv(&o, &res, &err) < 0) {
		log_debug("%s --version: %s", path, err->msg);
		return NULL;
	}
	if (res.status != 0 || !res.stdout_data[0])
		return NULL;
	return trim_trailing_newlines(TAKE_PTR(res.stdout_data));
}

/* "Package: crun" stanza of <root>/var/lib/dpkg/status → "crun_1.8.1-1+deb12u1_amd64". */
static char *dpkg_package_version(const char *pkg)
{
	_cleanup_fclose_ FILE *f = fopen("/var/lib/dpkg/status", "re");
	if (!f)
		return NULL;
	_cleanup_free_ char *line = NULL, *version = NULL, *arch = NULL;
	size_t cap = 0;
	bool in = false;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 4096)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "Package: ", 9) == 0) {
			if (in)
				break;
			in = strcmp(line + 9, pkg) == 0;
		} else if (in && strncmp(line, "Version: ", 9) == 0) {
			free(version);
			version = xstrdup(line + 9);
		} else if (in && strncmp(line, "Architecture: ", 14) == 0) {
			free(arch);
			arch = xstrdup(line + 14);
		}
	}
	if (!version || !arch)
		return NULL;
	return xasprintf("%s_%s_%s", pkg, version, arch);
}

/*
 * Podman asks rpm/dpkg which package owns the binary (`dpkg -S`); cpod checks the file list
 * of the package named like the binary, which is how every distribution ships crun, runc and
 * conmon, without executing anything. "Unknown" otherwise, as Podman says.
 */
static char *binary_package(const char *name, const char *path)
{
	_cleanup_free_ char *list = xasprintf("/var/lib/dpkg/info/%s.list", name);
	_cleanup_fclose_ FILE *f = fopen(list, "re");
	if (f) {
		_cleanup_free_ char *line = NULL;
		size_t cap = 0;
		bool found = false;
		while (!found && getline(&line, &cap, f) >= 0) {
			line[strcspn(line, "\n")] = '\0';
			found = strcmp(line, path) == 0;
		}
		if (found) {
			char *pkg = dpkg_package_version(name);
			if (pkg)
				return pkg;
		}
	}
	return xstrdup("Unknown");
}

/*
 * Fill version and package of b, from the cache when the binary has not changed. Returns
 * true when the cache was updated.
 */
static bool describe_binary(struct probe_binary *b, json_t *cache, unsigned flags)
{
	if (flags & HOST_PROBE_NO_VERSIONS) {
		b->package = xstrdup("Unknown");
		return false;
	}
	_cleanup_free_ char *stamp = binary_stamp(b->path);
	json_t *entry = json_object_get(cache, b->path);
	const char *cached_stamp = json_get_string(entry, "stamp");
	bool valid = stamp && cached_stamp && strcmp(stamp, cached_stamp) == 0;
	const char *cached_version = valid ? json_get_string(entry, "version") : NULL;
	const char *cached_package = valid ? json_get_string(entry, "package") : NULL;
	bool fresh = false;

	if (cached_version) {
		b->version = xstrdup(cached_version);
	} else {
		b->version = run_version(b->path);
		fresh = true;
	}
	if (flags & HOST_PROBE_NO_PACKAGES) {
		b->package = xstrdup("Unknown");
	} else if (cached_package) {
		b->package = xstrdup(cached_package);
	} else {
		b->package = binary_package(b->name, b->path);
		fresh = true;
	}
	if (!fresh || !stamp || !b->version)
		return false;
	json_t *e = json_pack("{s:s, s:s}", "stamp", stamp, "version", b->version);
	if (!e)
		return false;
	if (!(flags & HOST_PROBE_NO_PACKAGES))
		json_object_set_new(e, "package", json_string(b->package));
	else if (cached_package)
		json_object_set_new(e, "package", json_string(cached_package));
	json_object_set_new(cache, b->path, e);
	return true;
}

static void add_runtime(struct host_probe *p, const char *name, const char *path)
{
	for (size_t i = 0; i < p->n_runtimes; i++) {
		if (strcmp(p->runtimes[i].name, name) == 0)
			return;
	}
	p->runtimes = xrealloc(p->runtimes, (p->n_runtimes + 1) * sizeof(*p->runtimes));
	p->runtimes[p->n_runtimes++] = (struct probe_binary){
	        .name = xstrdup(name),
	        .path = xstrdup(path),
	};
}

static void find_runtime(const struct host_probe_options *opts, struct host_probe *p,
                         const char *name)
{
	_cleanup_strv_free_ char **cands = (opts->flags & HOST_PROBE_PATH_ONLY)
	                                           ? NULL
	                                           : rtconf_runtime_paths(opts->config, name);
	_cleanup_free_ char *path = probe_find_executable(name, cands, opts->path_env);
	if (path)
		add_runtime(p, name, path);
}

void probe_binaries(const struct host_probe_options *opts, struct host_probe *p)
{
	_cleanup_free_ char *configured = rtconf_default_runtime(opts->config);
	if (configured && configured[0] != '/')
		find_runtime(opts, p, configured);
	for (size_t i = 0; i < sizeof(known_runtimes) / sizeof(known_runtimes[0]); i++)
		find_runtime(opts, p, known_runtimes[i]);

	_cleanup_strv_free_ char **conmon =
	        (opts->flags & HOST_PROBE_PATH_ONLY) ? NULL : rtconf_conmon_paths(opts->config);
	p->conmon.name = xstrdup("conmon");
	p->conmon.path = probe_find_executable("conmon", conmon, opts->path_env);

	_cleanup_strv_free_ char **helpers = rtconf_helper_dirs(opts->config);
	_cleanup_strv_free_ char **slirp = NULL;
	STRV_FOREACH(d, helpers)
	strv_consume(&slirp, path_join(*d, "slirp4netns"));
	p->slirp4netns.name = xstrdup("slirp4netns");
	p->slirp4netns.path = probe_find_executable(
	        "slirp4netns", (opts->flags & HOST_PROBE_PATH_ONLY) ? NULL : slirp, opts->path_env);

	_cleanup_json_ json_t *cache = (opts->flags & HOST_PROBE_NO_VERSIONS)
	                                       ? json_object()
	                                       : cache_load(opts->cache_dir);
	bool dirty = false;
	for (size_t i = 0; i < p->n_runtimes; i++)
		dirty |= describe_binary(&p->runtimes[i], cache, opts->flags);
	if (p->conmon.path) {
		dirty |= describe_binary(&p->conmon, cache, opts->flags);
		/* Podman prints conmon's two version lines joined by ", " */
		if (p->conmon.version) {
			_cleanup_strv_free_ char **lines = strv_split(p->conmon.version, "\n");
			free(p->conmon.version);
			p->conmon.version = strv_join(lines, ", ");
		}
	} else {
		p->conmon.package = xstrdup("Unknown");
	}
	if (p->slirp4netns.path)
		dirty |= describe_binary(&p->slirp4netns, cache, opts->flags);
	else
		p->slirp4netns.package = xstrdup("Unknown");
	if (dirty)
		cache_store(opts->cache_dir, cache);
}
