/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding, merging and querying registries.conf (c/image v5.23 sysregistriesv2:
 * newConfigWrapperWithHomeDir, dropInConfigs, updateWithConfigurationFrom, FindRegistry,
 * PullSourcesFromReference).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registries-conf-internal.h"
#include "toml.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SYSTEM_FILE "/etc/containers/registries.conf"
#define SYSTEM_DIR  "/etc/containers/registries.conf.d"
#define MAX_DROPINS 1024

static const char *const mode_names[_SHORT_NAME_MODE_MAX] = {
        [SHORT_NAME_MODE_DISABLED] = "disabled",
        [SHORT_NAME_MODE_PERMISSIVE] = "permissive",
        [SHORT_NAME_MODE_ENFORCING] = "enforcing",
};

const char *short_name_mode_to_string(enum short_name_mode m)
{
	return m >= 0 && m < _SHORT_NAME_MODE_MAX ? mode_names[m] : NULL;
}

enum short_name_mode short_name_mode_from_string(const char *s)
{
	for (int i = 0; i < _SHORT_NAME_MODE_MAX; i++)
		if (s && strcmp(s, mode_names[i]) == 0)
			return i;
	return _SHORT_NAME_MODE_INVALID;
}

struct registries_conf *registries_conf_free(struct registries_conf *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n_entries; i++)
		registry_entry_release(&c->entries[i]);
	free(c->entries);
	for (size_t i = 0; i < c->n_aliases; i++) {
		free(c->aliases[i].name);
		free(c->aliases[i].value);
		free(c->aliases[i].origin);
	}
	free(c->aliases);
	strv_free(c->search);
	strv_free(c->files);
	free(c);
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct registry_entry *x = a, *y = b;
	int r = strcmp(x->prefix, y->prefix);
	/* stable for equal prefixes: the earlier entry wins */
	return r ? r : (x < y ? -1 : x > y);
}

void registries_sort_unique(struct registries_conf *c)
{
	size_t out = 0;

	if (c->n_entries == 0)
		return;
	qsort(c->entries, c->n_entries, sizeof(*c->entries), cmp_entry);
	for (size_t i = 0; i < c->n_entries; i++) {
		if (out > 0 && strcmp(c->entries[out - 1].prefix, c->entries[i].prefix) == 0) {
			registry_entry_release(&c->entries[i]);
			continue;
		}
		if (out != i)
			c->entries[out] = c->entries[i];
		out++;
	}
	c->n_entries = out;
}

void registries_conf_merge(struct registries_conf *c, struct registries_conf *upd)
{
	/* entries: a later prefix replaces an earlier one */
	for (size_t i = 0; i < upd->n_entries; i++) {
		struct registry_entry *dst = NULL;
		for (size_t j = 0; j < c->n_entries && !dst; j++)
			if (strcmp(c->entries[j].prefix, upd->entries[i].prefix) == 0)
				dst = &c->entries[j];
		if (dst) {
			registry_entry_release(dst);
		} else {
			c->entries = xrealloc(c->entries, (c->n_entries + 1) * sizeof(*c->entries));
			dst = &c->entries[c->n_entries++];
		}
		*dst = upd->entries[i];
	}
	free(upd->entries);
	upd->entries = NULL;
	upd->n_entries = 0;
	registries_sort_unique(c);

	if (upd->search_set) {
		strv_free(c->search);
		c->search = TAKE_PTR(upd->search);
		c->search_set = true;
	}
	if (upd->mode_set) {
		c->mode = upd->mode;
		c->mode_set = true;
	}
	for (size_t i = 0; i < upd->n_aliases; i++) {
		struct registry_alias *a = &upd->aliases[i], *dst = NULL;
		for (size_t j = 0; j < c->n_aliases && !dst; j++)
			if (strcmp(c->aliases[j].name, a->name) == 0)
				dst = &c->aliases[j];
		if (dst) {
			free(dst->name);
			free(dst->value);
			free(dst->origin);
		} else {
			c->aliases = xrealloc(c->aliases, (c->n_aliases + 1) * sizeof(*c->aliases));
			dst = &c->aliases[c->n_aliases++];
		}
		*dst = *a;
	}
	free(upd->aliases);
	upd->aliases = NULL;
	upd->n_aliases = 0;
	STRV_FOREACH(f, upd->files)
	strv_push(&c->files, *f);
}

static int load_file(const char *path, bool dropin, bool must_exist, struct registries_conf **ret,
                     struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, path, TOML_MAX_INPUT, &data, &len);
	const char *what = dropin ? "loading drop-in registries configuration"
	                          : "loading registries configuration";
	if (r == -ENOENT && !must_exist)
		return 0;
	if (r < 0)
		return cpod_error_set_errno(err, -r, "%s \"%s\": open %s", what, path, path);
	r = registries_conf_parse(path, data, len, ret, err);
	if (r < 0)
		return cpod_error_wrap(err, "%s \"%s\"", what, path);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dropins(const char *dir, char ***files)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	_cleanup_strv_free_ char **found = NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return;
	while ((de = readdir(d)) && n < MAX_DROPINS) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		_cleanup_free_ char *p = path_join(dir, de->d_name);
		struct stat st;
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		strv_consume(&found, TAKE_PTR(p));
		n++;
	}
	if (n)
		qsort(found, n, sizeof(char *), cmp_str);
	STRV_FOREACH(f, found)
	strv_push(files, *f);
}

int registries_conf_load(const struct registries_conf_opts *opts, struct registries_conf **ret,
                         struct cpod_error **err)
{
	_cleanup_(registries_conf_freep) struct registries_conf *c = NULL;
	_cleanup_free_ char *user_file = NULL, *user_dir = NULL, *main_file = NULL;
	_cleanup_strv_free_ char **dropins = NULL;
	const char *home = opts && opts->home ? opts->home : getenv("HOME");
	const char *sys_dir = opts && opts->system_dir ? opts->system_dir : SYSTEM_DIR;
	const char *env = opts && opts->ignore_env ? NULL : getenv("CONTAINERS_REGISTRIES_CONF");
	bool explicit = false, use_sys_dir = true;
	int r;

	if (home && *home) {
		user_file = path_join(home, ".config/containers/registries.conf");
		user_dir = path_join(home, ".config/containers/registries.conf.d");
	}
	if (opts && opts->path) {
		main_file = xstrdup(opts->path);
		explicit = true;
	} else if (env && *env) {
		main_file = xstrdup(env);
		explicit = true;
	} else if (user_file && path_exists(user_file)) {
		/* c/image: a user registries.conf replaces the system file and its drop-ins */
		main_file = xstrdup(user_file);
		use_sys_dir = false;
	} else {
		main_file = xstrdup(opts && opts->system_file ? opts->system_file : SYSTEM_FILE);
	}

	r = load_file(main_file, false, explicit, &c, err);
	if (r < 0)
		return r;
	if (r == 0) {
		c = xnew(struct registries_conf, 1);
		c->mode = SHORT_NAME_MODE_PERMISSIVE;
		c->search = xnew(char *, 1);
		c->files = xnew(char *, 1);
	}
	if (use_sys_dir)
		add_dropins(sys_dir, &dropins);
	if (user_dir)
		add_dropins(user_dir, &dropins);
	STRV_FOREACH(f, dropins)
	{
		_cleanup_(registries_conf_freep) struct registries_conf *d = NULL;
		r = load_file(*f, true, false, &d, err);
		if (r < 0)
			return r;
		if (r > 0)
			registries_conf_merge(c, d);
	}
	*ret = TAKE_PTR(c);
	return 0;
}

char *const *registries_conf_files(const struct registries_conf *c)
{
	return c->files;
}

char *const *registries_conf_search(const struct registries_conf *c)
{
	return c->search;
}

enum short_name_mode registries_conf_short_name_mode(const struct registries_conf *c)
{
	return c->mode;
}

const char *registries_conf_alias(const struct registries_conf *c, const char *name,
                                  const char **ret_origin)
{
	for (size_t i = 0; i < c->n_aliases; i++)
		if (strcmp(c->aliases[i].name, name) == 0) {
			if (!c->aliases[i].value)
				return NULL;
			if (ret_origin)
				*ret_origin = c->aliases[i].origin;
			return c->aliases[i].value;
		}
	return NULL;
}

const struct registry_entry *registries_conf_entries(const struct registries_conf *c, size_t *ret_n)
{
	*ret_n = c->n_entries;
	return c->entries;
}
