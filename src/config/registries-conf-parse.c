/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding one registries.conf document (c/image v5.23 sysregistriesv2: loadConfigFile,
 * postProcessRegistries, the V1 conversion and shortnames.go's alias validation).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registries-conf-internal.h"
#include "toml.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

void registry_endpoint_release(struct registry_endpoint *ep)
{
	free(ep->location);
	ep->location = NULL;
}

void registry_entry_release(struct registry_entry *e)
{
	free(e->prefix);
	registry_endpoint_release(&e->endpoint);
	for (size_t i = 0; i < e->n_mirrors; i++)
		registry_endpoint_release(&e->mirrors[i]);
	free(e->mirrors);
	memset(e, 0, sizeof(*e));
}

int registries_parse_location(const char *in, char **ret, struct cpod_error **err)
{
	size_t len = strlen(in);
	while (len > 0 && in[len - 1] == '/')
		len--;
	if (strncmp(in, "http://", 7) == 0 || strncmp(in, "https://", 8) == 0)
		return cpod_error_set(err, EINVAL,
		                      "invalid location '%s': URI schemes are not supported", in);
	*ret = xstrndup(in, len);
	return 0;
}

static struct registry_entry *add_entry(struct registries_conf *c)
{
	c->entries = xrealloc(c->entries, (c->n_entries + 1) * sizeof(*c->entries));
	struct registry_entry *e = &c->entries[c->n_entries++];
	memset(e, 0, sizeof(*e));
	return e;
}

static int parse_pull_from_mirror(const char *s, enum pull_from_mirror *ret,
                                  struct cpod_error **err)
{
	if (!*s || strcmp(s, "all") == 0)
		*ret = PULL_FROM_MIRROR_ALL;
	else if (strcmp(s, "digest-only") == 0)
		*ret = PULL_FROM_MIRROR_DIGEST_ONLY;
	else if (strcmp(s, "tag-only") == 0)
		*ret = PULL_FROM_MIRROR_TAG_ONLY;
	else
		return cpod_error_set(err, EINVAL, "unsupported pull-from-mirror value %s", s);
	return 0;
}

static int parse_mirror(const struct toml_value *t, struct registry_endpoint *m,
                        struct cpod_error **err)
{
	const char *loc = "", *pfm = "";
	int r;

	if (toml_type(t) != TOML_TABLE)
		return cpod_error_set(err, EINVAL, "line %u: mirror: expected a table",
		                      toml_line(t));
	if ((r = toml_get_string(t, "location", &loc, err)) < 0 ||
	    (r = toml_get_bool(t, "insecure", &m->insecure, err)) < 0 ||
	    (r = toml_get_string(t, "pull-from-mirror", &pfm, err)) < 0)
		return r;
	if ((r = registries_parse_location(loc, &m->location, err)) < 0)
		return r;
	if (!*m->location)
		return cpod_error_set(err, EINVAL, "invalid condition: mirror location is unset");
	return parse_pull_from_mirror(pfm, &m->pull_from_mirror, err);
}

static int parse_registry(const struct toml_value *t, struct registries_conf *c,
                          struct cpod_error **err)
{
	const char *prefix = "", *loc = "", *pfm = "";
	const struct toml_value *mirrors = NULL;
	int r;

	if (toml_type(t) != TOML_TABLE)
		return cpod_error_set(err, EINVAL, "line %u: registry: expected a table",
		                      toml_line(t));
	struct registry_entry *e = add_entry(c);
	if ((r = toml_get_string(t, "prefix", &prefix, err)) < 0 ||
	    (r = toml_get_string(t, "location", &loc, err)) < 0 ||
	    (r = toml_get_bool(t, "insecure", &e->endpoint.insecure, err)) < 0 ||
	    (r = toml_get_bool(t, "blocked", &e->blocked, err)) < 0 ||
	    (r = toml_get_bool(t, "mirror-by-digest-only", &e->mirror_by_digest_only, err)) < 0 ||
	    (r = toml_get_string(t, "pull-from-mirror", &pfm, err)) < 0)
		return r;
	if ((r = registries_parse_location(loc, &e->endpoint.location, err)) < 0)
		return r;
	if (!*prefix) {
		if (!*e->endpoint.location)
			return cpod_error_set(
			        err, EINVAL,
			        "invalid condition: both location and prefix are unset");
		e->prefix = xstrdup(e->endpoint.location);
	} else {
		if ((r = registries_parse_location(prefix, &e->prefix, err)) < 0)
			return r;
		/* a wildcard prefix keeps an empty location: the reference is used as it is */
		if (!*e->endpoint.location && strncmp(e->prefix, "*.", 2) != 0) {
			free(e->endpoint.location);
			e->endpoint.location = xstrdup(e->prefix);
		}
	}
	if (strncmp(e->prefix, "*.", 2) == 0 && strpbrk(e->prefix, "/@:"))
		return cpod_error_set(err, EINVAL,
		                      "Wildcarded prefix should be in the format: *.example.com. "
		                      "Current prefix %s is incorrectly formatted",
		                      e->prefix);
	if (*pfm)
		return cpod_error_set(
		        err, EINVAL,
		        "pull-from-mirror must not be set for a non-mirror registry %s", e->prefix);

	mirrors = toml_table_get(t, "mirror");
	if (mirrors) {
		if (toml_type(mirrors) != TOML_ARRAY)
			return cpod_error_set(err, EINVAL,
			                      "line %u, column %u: key \"mirror\": expected array, "
			                      "got %s",
			                      toml_line(mirrors), toml_column(mirrors),
			                      toml_type_name(toml_type(mirrors)));
		size_t n = toml_array_size(mirrors);
		e->mirrors = xnew(struct registry_endpoint, n ? n : 1);
		for (size_t i = 0; i < n; i++) {
			e->n_mirrors++;
			if ((r = parse_mirror(toml_array_get(mirrors, i), &e->mirrors[i], err)) < 0)
				return r;
		}
	}
	return 0;
}

/* shortnames.go validateShortName: a name without registry, tag or digest */
static int validate_short_name(const char *name, struct cpod_error **err)
{
	const char *slash = strchr(name, '/');
	const char *last = strrchr(name, '/');
	size_t first = slash ? (size_t)(slash - name) : strlen(name);

	if (!*name || strchr(name, ' '))
		return cpod_error_set(err, EINVAL, "cannot parse short name: \"%s\"", name);
	if (strchr(name, '@'))
		return cpod_error_set(err, EINVAL,
		                      "invalid short name \"%s\": must not contain digest", name);
	if (strchr(last ? last : name, ':'))
		return cpod_error_set(err, EINVAL,
		                      "invalid short name \"%s\": must not contain tag", name);
	if (slash && (memchr(name, '.', first) || memchr(name, ':', first) ||
	              (first == 9 && strncmp(name, "localhost", 9) == 0)))
		return cpod_error_set(err, EINVAL,
		                      "invalid short name \"%s\": must not contain registry", name);
	return 0;
}

/* shortnames.go parseShortNameValue: a fully-qualified name without tag or digest */
static int validate_alias_value(const char *v, struct cpod_error **err)
{
	const char *slash = strchr(v, '/');
	if (strchr(v, '@'))
		return cpod_error_set(err, EINVAL, "invalid alias \"%s\": must not contain digest",
		                      v);
	const char *colon = strrchr(v, ':');
	if (colon && slash && colon > strrchr(v, '/'))
		return cpod_error_set(err, EINVAL, "invalid alias \"%s\": must not contain tag", v);
	size_t first = slash ? (size_t)(slash - v) : 0;
	if (!slash || !slash[1] ||
	    !(memchr(v, '.', first) || memchr(v, ':', first) ||
	      (first == 9 && strncmp(v, "localhost", 9) == 0)))
		return cpod_error_set(err, EINVAL,
		                      "invalid alias \"%s\": must contain registry and repository",
		                      v);
	return 0;
}

static int parse_aliases(const char *name, const struct toml_value *t, struct registries_conf *c,
                         struct cpod_error **err)
{
	if (toml_type(t) != TOML_TABLE)
		return cpod_error_set(err, EINVAL, "line %u: aliases: expected a table",
		                      toml_line(t));
	size_t n = toml_table_size(t);
	c->aliases = xnew(struct registry_alias, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		const char *key = toml_table_key(t, i);
		const struct toml_value *v = toml_table_value(t, i);
		int r;
		if (toml_type(v) != TOML_STRING)
			return cpod_error_set(
			        err, EINVAL,
			        "line %u, column %u: key \"%s\": expected string, got %s",
			        toml_line(v), toml_column(v), key, toml_type_name(toml_type(v)));
		if ((r = validate_short_name(key, err)) < 0)
			return r;
		const char *val = toml_string(v);
		if (*val && (r = validate_alias_value(val, err)) < 0)
			return r;
		struct registry_alias *a = &c->aliases[c->n_aliases++];
		a->name = xstrdup(key);
		a->value = *val ? xstrdup(val) : NULL;
		a->origin = xstrdup(name);
	}
	return 0;
}

/* V1: [registries.search] registries = [...], likewise insecure and block */
static int parse_v1(const struct toml_value *v1, struct registries_conf *c, struct cpod_error **err)
{
	static const char *const kinds[] = {"search", "insecure", "block"};
	for (size_t k = 0; k < 3; k++) {
		const struct toml_value *t = NULL;
		_cleanup_strv_free_ char **list = NULL;
		int r = toml_get_table(v1, kinds[k], &t, err);
		if (r < 0)
			return r;
		if (r > 0 && (r = toml_get_strv(t, "registries", &list, err)) < 0)
			return r;
		STRV_FOREACH(s, list)
		{
			if (k == 0) {
				strv_push(&c->search, *s);
				c->search_set = true;
				continue;
			}
			struct registry_entry *e = NULL;
			for (size_t i = 0; i < c->n_entries; i++)
				if (strcmp(c->entries[i].prefix, *s) == 0)
					e = &c->entries[i];
			if (!e) {
				e = add_entry(c);
				if ((r = registries_parse_location(*s, &e->endpoint.location,
				                                   err)) < 0)
					return r;
				e->prefix = xstrdup(e->endpoint.location);
			}
			if (k == 1)
				e->endpoint.insecure = true;
			else
				e->blocked = true;
		}
	}
	return 0;
}

/* Conflicting insecure/blocked settings for one location (postProcessRegistries). */
static int check_conflicts(const struct registries_conf *c, struct cpod_error **err)
{
	for (size_t i = 0; i < c->n_entries; i++)
		for (size_t j = i + 1; j < c->n_entries; j++) {
			const struct registry_entry *a = &c->entries[i], *b = &c->entries[j];
			if (strcmp(a->endpoint.location, b->endpoint.location) != 0)
				continue;
			if (a->endpoint.insecure != b->endpoint.insecure)
				return cpod_error_set(
				        err, EINVAL,
				        "registry '%s' is defined multiple times with "
				        "conflicting 'insecure' setting",
				        a->endpoint.location);
			if (a->blocked != b->blocked)
				return cpod_error_set(
				        err, EINVAL,
				        "registry '%s' is defined multiple times with "
				        "conflicting 'blocked' setting",
				        a->endpoint.location);
		}
	return 0;
}

static int parse_root(const char *name, const struct toml_value *root, struct registries_conf *c,
                      struct cpod_error **err)
{
	const struct toml_value *v;
	const char *mode = NULL;
	int r;

	r = toml_get_strv(root, "unqualified-search-registries", &c->search, err);
	if (r < 0)
		return r;
	c->search_set = r > 0;
	if ((r = toml_get_string(root, "short-name-mode", &mode, err)) < 0)
		return r;
	if (r > 0 && *mode) {
		c->mode = short_name_mode_from_string(mode);
		if (c->mode < 0)
			return cpod_error_set(err, EINVAL, "invalid short-name mode: \"%s\"", mode);
		c->mode_set = true;
	}
	v = toml_table_get(root, "registries");
	if (v &&
	    (toml_type(v) != TOML_TABLE || (toml_table_get(root, "registry") || c->search_set)))
		return cpod_error_set(err, EINVAL, "mixing sysregistry v1/v2 is not supported");
	if (v && (r = parse_v1(v, c, err)) < 0)
		return r;
	v = toml_table_get(root, "registry");
	if (v) {
		if (toml_type(v) != TOML_ARRAY)
			return cpod_error_set(
			        err, EINVAL,
			        "line %u, column %u: key \"registry\": expected array "
			        "of tables, got %s",
			        toml_line(v), toml_column(v), toml_type_name(toml_type(v)));
		for (size_t i = 0; i < toml_array_size(v); i++)
			if ((r = parse_registry(toml_array_get(v, i), c, err)) < 0)
				return r;
	}
	v = toml_table_get(root, "aliases");
	if (v && (r = parse_aliases(name, v, c, err)) < 0)
		return r;
	for (size_t i = 0; i < toml_table_size(root); i++) {
		const char *k = toml_table_key(root, i);
		if (strcmp(k, "unqualified-search-registries") && strcmp(k, "short-name-mode") &&
		    strcmp(k, "registries") && strcmp(k, "registry") && strcmp(k, "aliases") &&
		    strcmp(k, "credential-helpers"))
			log_debug("%s: unknown key \"%s\", ignoring", name, k);
	}
	STRV_FOREACH(s, c->search)
	{
		char *loc = NULL;
		if ((r = registries_parse_location(*s, &loc, err)) < 0)
			return r;
		free(*s);
		*s = loc;
		if (!*loc || strpbrk(loc, "/@ "))
			return cpod_error_set(err, EINVAL,
			                      "Invalid unqualified-search-registries entry \"%s\"",
			                      loc);
	}
	if (!c->search)
		c->search = xnew(char *, 1);
	if ((r = check_conflicts(c, err)) < 0)
		return r;
	registries_sort_unique(c);
	return 0;
}

int registries_conf_parse(const char *name, const char *data, size_t len,
                          struct registries_conf **ret, struct cpod_error **err)
{
	_cleanup_toml_ struct toml_value *root = NULL;
	_cleanup_(registries_conf_freep) struct registries_conf *c =
	        xnew(struct registries_conf, 1);
	int r;

	c->mode = SHORT_NAME_MODE_PERMISSIVE;
	c->files = xnew(char *, 1);
	if ((r = toml_parse(data, len, &root, err)) < 0 || (r = parse_root(name, root, c, err)) < 0)
		return r;
	strv_push(&c->files, name);
	*ret = TAKE_PTR(c);
	return 0;
}
