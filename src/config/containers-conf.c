/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding and merging containers.conf files (c/common v0.50 pkg/config: systemConfigs(),
 * addConfigs(), readConfigFromFile(), addCAPPrefix(), ContainersConfig.Validate()).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers-conf-internal.h"
#include "toml.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* c/common's OCIBufSize: the smallest log_size_max that is not "unlimited" */
#define LOG_SIZE_MIN 8192
/* drop-in directories are read one level deep; more entries than this is not a config dir */
#define MAX_DROPINS 1024

enum field_kind {
	F_STR,
	F_STRV,
	F_BOOL,
	F_INT,
	F_UINT,
	F_SIZE, /* unsigned integer, or a string with a decimal unit ("10MB"), like go-units */
};

struct field {
	const char *table;
	const char *key;
	enum field_kind kind;
	bool path; /* expand ~ and $HOME-like prefixes */
	size_t offset;
};

#define FIELD(tab, member, kind, path)                                                             \
	{                                                                                          \
#tab, #member, kind, path, offsetof(struct cpod_config, tab.member)                \
	}

static const struct field fields[] = {
        FIELD(containers, annotations, F_STRV, false),
        FIELD(containers, base_hosts_file, F_STR, true),
        FIELD(containers, cgroupns, F_STR, false),
        FIELD(containers, cgroups, F_STR, false),
        FIELD(containers, default_capabilities, F_STRV, false),
        FIELD(containers, default_sysctls, F_STRV, false),
        FIELD(containers, default_ulimits, F_STRV, false),
        FIELD(containers, devices, F_STRV, false),
        FIELD(containers, dns_options, F_STRV, false),
        FIELD(containers, dns_searches, F_STRV, false),
        FIELD(containers, dns_servers, F_STRV, false),
        FIELD(containers, env, F_STRV, false),
        FIELD(containers, env_host, F_BOOL, false),
        FIELD(containers, http_proxy, F_BOOL, false),
        FIELD(containers, init, F_BOOL, false),
        FIELD(containers, init_path, F_STR, true),
        FIELD(containers, ipcns, F_STR, false),
        FIELD(containers, log_driver, F_STR, false),
        FIELD(containers, log_size_max, F_INT, false),
        FIELD(containers, log_tag, F_STR, false),
        FIELD(containers, netns, F_STR, false),
        FIELD(containers, no_hosts, F_BOOL, false),
        FIELD(containers, pidns, F_STR, false),
        FIELD(containers, pids_limit, F_INT, false),
        FIELD(containers, seccomp_profile, F_STR, true),
        FIELD(containers, shm_size, F_STR, false),
        FIELD(containers, tz, F_STR, false),
        FIELD(containers, umask, F_STR, false),
        FIELD(containers, userns, F_STR, false),
        FIELD(containers, userns_size, F_INT, false),
        FIELD(containers, utsns, F_STR, false),
        FIELD(containers, volumes, F_STRV, false),

        FIELD(engine, cgroup_manager, F_STR, false),
        FIELD(engine, conmon_env_vars, F_STRV, false),
        FIELD(engine, conmon_path, F_STRV, true),
        FIELD(engine, detach_keys, F_STR, false),
        FIELD(engine, env, F_STRV, false),
        FIELD(engine, events_logfile_path, F_STR, true),
        FIELD(engine, events_logfile_max_size, F_SIZE, false),
        FIELD(engine, events_logger, F_STR, false),
        FIELD(engine, exit_command_delay, F_UINT, false),
        FIELD(engine, helper_binaries_dir, F_STRV, true),
        FIELD(engine, hooks_dir, F_STRV, true),
        FIELD(engine, image_build_format, F_STR, false),
        FIELD(engine, image_default_transport, F_STR, false),
        FIELD(engine, image_volume_mode, F_STR, false),
        FIELD(engine, infra_command, F_STR, false),
        FIELD(engine, infra_image, F_STR, false),
        FIELD(engine, init_path, F_STR, true),
        FIELD(engine, num_locks, F_UINT, false),
        FIELD(engine, pull_policy, F_STR, false),
        FIELD(engine, runtime, F_STR, false),
        FIELD(engine, static_dir, F_STR, true),
        FIELD(engine, stop_timeout, F_UINT, false),
        FIELD(engine, tmp_dir, F_STR, true),
        FIELD(engine, volume_path, F_STR, true),

        FIELD(network, cni_plugin_dirs, F_STRV, true),
        FIELD(network, default_network, F_STR, false),
        FIELD(network, default_subnet, F_STR, false),
        FIELD(network, netavark_plugin_dirs, F_STRV, true),
        FIELD(network, network_backend, F_STR, false),
        FIELD(network, network_config_dir, F_STR, true),
};

struct merge_ctx {
	struct cpod_config *cfg;
	const char *file;
	const char *home;
	struct cpod_error **err;
};

static int type_error(const struct merge_ctx *m, const struct toml_value *v, const char *table,
                      const char *key, const char *expected, const char *got)
{
	return cpod_error_set(m->err, EINVAL, "%s: line %u, column %u: %s.%s: expected %s, got %s",
	                      m->file, toml_line(v), toml_column(v), table, key, expected,
	                      got ? got : toml_type_name(toml_type(v)));
}

static int get_strv(const struct merge_ctx *m, const struct toml_value *v, const char *table,
                    const char *key, bool path, char ***ret)
{
	char **l = NULL;
	if (toml_value_to_strv(v, &l) < 0) {
		if (toml_type(v) != TOML_ARRAY)
			return type_error(m, v, table, key, "array of strings", NULL);
		for (size_t i = 0; i < toml_array_size(v); i++) {
			const struct toml_value *e = toml_array_get(v, i);
			if (toml_type(e) != TOML_STRING)
				return type_error(m, e, table, key, "array of strings",
				                  toml_type_name(toml_type(e)));
		}
	}
	if (path)
		for (char **s = l; *s; s++) {
			char *x = config_expand_path(*s, m->home);
			free(*s);
			*s = x;
		}
	*ret = l;
	return 0;
}

/* go-units FromHumanSize: decimal multipliers, optional "b"/"B" suffix */
static int parse_human_size(const char *s, uint64_t *ret)
{
	char *end = NULL;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || errno || d < 0)
		return -EINVAL;
	double mult = 1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1e3, end++;
		break;
	case 'm':
		mult = 1e6, end++;
		break;
	case 'g':
		mult = 1e9, end++;
		break;
	case 't':
		mult = 1e12, end++;
		break;
	case 'p':
		mult = 1e15, end++;
		break;
	default:
		break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end || d * mult >= 18446744073709551615.0)
		return -EINVAL;
	*ret = (uint64_t)(d * mult);
	return 0;
}

static int set_field(const struct merge_ctx *m, const struct field *f, const struct toml_value *v)
{
	char *base = (char *)m->cfg + f->offset;
	enum toml_type t = toml_type(v);
	switch (f->kind) {
	case F_STR: {
		if (t != TOML_STRING)
			return type_error(m, v, f->table, f->key, "string", NULL);
		char **dst = (char **)base;
		free(*dst);
		*dst = f->path ? config_expand_path(toml_string(v), m->home)
		               : xstrdup(toml_string(v));
		return 0;
	}
	case F_STRV: {
		char **l = NULL;
		int r = get_strv(m, v, f->table, f->key, f->path, &l);
		if (r < 0)
			return r;
		strv_free(*(char ***)base);
		*(char ***)base = l;
		return 0;
	}
	case F_BOOL:
		if (t != TOML_BOOL)
			return type_error(m, v, f->table, f->key, "boolean", NULL);
		*(bool *)base = toml_bool(v);
		return 0;
	case F_INT:
		if (t != TOML_INTEGER)
			return type_error(m, v, f->table, f->key, "integer", NULL);
		*(int64_t *)base = toml_integer(v);
		return 0;
	case F_UINT:
		if (t != TOML_INTEGER || toml_integer(v) < 0)
			return type_error(m, v, f->table, f->key, "non-negative integer",
			                  t == TOML_INTEGER ? "negative integer" : NULL);
		*(uint64_t *)base = (uint64_t)toml_integer(v);
		return 0;
	case F_SIZE:
		if (t == TOML_INTEGER && toml_integer(v) >= 0) {
			*(uint64_t *)base = (uint64_t)toml_integer(v);
			return 0;
		}
		if (t == TOML_STRING && parse_human_size(toml_string(v), (uint64_t *)base) == 0)
			return 0;
		return type_error(m, v, f->table, f->key, "size", NULL);
	}
	return 0;
}

/* [engine.runtimes]: merged name by name, each list replaced whole (BurntSushi into a map) */
static int merge_runtimes(const struct merge_ctx *m, const struct toml_value *t)
{
	if (toml_type(t) != TOML_TABLE)
		return type_error(m, t, "engine", "runtimes", "table", NULL);
	for (size_t i = 0; i < toml_table_size(t); i++) {
		const char *name = toml_table_key(t, i);
		_cleanup_free_ char *what = xasprintf("runtimes.%s", name);
		char **paths = NULL;
		int r = get_strv(m, toml_table_value(t, i), "engine", what, true, &paths);
		if (r < 0)
			return r;
		config_set_runtime(m->cfg, name, paths);
	}
	return 0;
}

static const struct field *find_field(const char *table, const char *key)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].table, table) == 0 && strcmp(fields[i].key, key) == 0)
			return &fields[i];
	return NULL;
}

static int merge_section(const struct merge_ctx *m, const char *table, const struct toml_value *t)
{
	if (toml_type(t) != TOML_TABLE)
		return cpod_error_set(
		        m->err, EINVAL, "%s: line %u, column %u: %s: expected table, got %s",
		        m->file, toml_line(t), toml_column(t), table, toml_type_name(toml_type(t)));
	for (size_t i = 0; i < toml_table_size(t); i++) {
		const char *key = toml_table_key(t, i);
		const struct toml_value *v = toml_table_value(t, i);
		const struct field *f = find_field(table, key);
		int r = 0;
		if (f)
			r = set_field(m, f, v);
		else if (strcmp(table, "engine") == 0 && strcmp(key, "runtimes") == 0)
			r = merge_runtimes(m, v);
		else
			log_debug("%s: ignoring key \"%s.%s\" (not used by cpod)", m->file, table,
			          key);
		if (r < 0)
			return r;
	}
	return 0;
}

static int merge_file(struct cpod_config *cfg, const char *file, const char *home,
                      struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, file, TOML_MAX_INPUT, &data, &len);
	if (r == -EFBIG)
		return cpod_error_set(err, EFBIG, "%s: file larger than %d bytes", file,
		                      TOML_MAX_INPUT);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "reading %s", file);
	_cleanup_toml_ struct toml_value *root = NULL;
	if ((r = toml_parse(data, len, &root, err)) < 0)
		return cpod_error_wrap(err, "%s", file);
	struct merge_ctx m = {.cfg = cfg, .file = file, .home = home, .err = err};
	for (size_t i = 0; i < toml_table_size(root); i++) {
		const char *key = toml_table_key(root, i);
		if (strcmp(key, "containers") == 0 || strcmp(key, "engine") == 0 ||
		    strcmp(key, "network") == 0)
			r = merge_section(&m, key, toml_table_value(root, i));
		else
			log_debug("%s: ignoring table \"%s\" (not used by cpod)", file, key);
		if (r < 0)
			return r;
	}
	strv_push(&cfg->files, file);
	log_debug("merged config %s", file);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* c/common addConfigs(): *.conf directly in dir, sorted; a missing dir adds nothing */
static int add_dropins(const char *dir, char ***files, struct cpod_error **err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return cpod_error_set_errno(err, errno, "reading %s", dir);
	}
	_cleanup_strv_free_ char **found = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' && (len == 1 || (len == 2 && de->d_name[1] == '.')))
			continue;
		if (len < 5 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		bool is_dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			is_dir = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			         S_ISDIR(st.st_mode);
		}
		if (is_dir)
			continue;
		if (++n > MAX_DROPINS)
			return cpod_error_set(err, E2BIG, "%s: more than %d drop-in files", dir,
			                      MAX_DROPINS);
		strv_consume(&found, path_join(dir, de->d_name));
	}
	if (n == 0)
		return 0;
	qsort(found, n, sizeof(char *), cmp_str);
	STRV_FOREACH(f, found)
	strv_push(files, *f);
	return 0;
}

static bool is_rootless(const struct config_load_opts *opts)
{
	return (opts && opts->set_euid ? opts->euid : geteuid()) != 0;
}

/* c/common systemConfigs() */
static int system_configs(const struct config_load_opts *opts, const char *home, char ***ret,
                          struct cpod_error **err)
{
	_cleanup_strv_free_ char **files = xnew(char *, 1);
	const char *cc = opts && opts->ignore_env ? NULL : getenv("CONTAINERS_CONF");
	if (cc && *cc) {
		struct stat st;
		if (stat(cc, &st) < 0) {
			/* Podman's wording, with Go's lowercase errno text */
			int e = errno;
			_cleanup_free_ char *cause = xstrdup(strerror(e));
			cause[0] = (char)tolower((unsigned char)cause[0]);
			return cpod_error_set(
			        err, e,
			        "finding config on system: CONTAINERS_CONF file: stat "
			        "%s: %s",
			        cc, cause);
		}
		strv_push(&files, cc);
		*ret = TAKE_PTR(files);
		return 0;
	}
	const char *usr = opts && opts->usr_dir ? opts->usr_dir : "/usr/share/containers";
	const char *etc = opts && opts->etc_dir ? opts->etc_dir : "/etc/containers";
	_cleanup_free_ char *usr_conf = path_join(usr, "containers.conf");
	_cleanup_free_ char *etc_conf = path_join(etc, "containers.conf");
	_cleanup_free_ char *etc_d = path_join(etc, "containers.conf.d");
	if (path_exists(usr_conf))
		strv_push(&files, usr_conf);
	if (path_exists(etc_conf))
		strv_push(&files, etc_conf);
	int r = add_dropins(etc_d, &files, err);
	if (r < 0)
		return r;

	if (is_rootless(opts)) {
		_cleanup_free_ char *user_conf = NULL;
		const char *xdg = opts && opts->xdg_config_home ? opts->xdg_config_home
		                                                : getenv("XDG_CONFIG_HOME");
		if (xdg && *xdg)
			user_conf = path_join(xdg, "containers/containers.conf");
		else if (home)
			user_conf = path_join(home, ".config/containers/containers.conf");
		else
			return cpod_error_set(err, ENOENT, "cannot find the home directory");
		_cleanup_free_ char *user_d = xasprintf("%s.d", user_conf);
		if (path_exists(user_conf))
			strv_push(&files, user_conf);
		if ((r = add_dropins(user_d, &files, err)) < 0)
			return r;
	}
	*ret = TAKE_PTR(files);
	return 0;
}

/* c/common addCAPPrefix(): "chown" and "CHOWN" both mean CAP_CHOWN */
static void add_cap_prefix(char **caps)
{
	for (char **c = caps; c && *c; c++) {
		if (strncasecmp(*c, "cap_", 4) == 0)
			continue;
		char *n = xasprintf("CAP_%s", *c);
		for (char *s = n; *s; s++)
			*s = (char)toupper((unsigned char)*s);
		free(*c);
		*c = n;
	}
}

/* the checks of c/common ContainersConfig.Validate() that are about values, not the host */
static int validate(const struct cpod_config *cfg, struct cpod_error **err)
{
	const struct config_containers *c = &cfg->containers;
	size_t n = strlen(c->umask);
	bool umask_ok = n >= 1 && n <= 4;
	for (size_t i = 0; i < n; i++)
		umask_ok = umask_ok && c->umask[i] >= '0' && c->umask[i] <= '7';
	if (!umask_ok)
		return cpod_error_set(err, EINVAL,
		                      "validating containers config: not a valid umask %s",
		                      c->umask);
	if (c->log_size_max >= 0 && c->log_size_max < LOG_SIZE_MIN)
		return cpod_error_set(err, EINVAL,
		                      "validating containers config: log size max should be "
		                      "negative or >= %d",
		                      LOG_SIZE_MIN);
	return 0;
}

int config_load(const struct config_load_opts *opts, struct cpod_config **ret,
                struct cpod_error **err)
{
	_cleanup_free_ char *home = config_home_dir(opts);
	_cleanup_strv_free_ char **files = NULL;
	int r;
	if (opts && opts->files)
		files = strv_copy(opts->files);
	else if ((r = system_configs(opts, home, &files, err)) < 0)
		return r;

	_cleanup_config_ struct cpod_config *cfg = config_new_default(opts);
	STRV_FOREACH(f, files)
	if ((r = merge_file(cfg, *f, home, err)) < 0)
		return r;
	add_cap_prefix(cfg->containers.default_capabilities);
	if ((r = validate(cfg, err)) < 0)
		return r;
	*ret = TAKE_PTR(cfg);
	return 0;
}
