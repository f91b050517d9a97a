/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_REGISTRIES_CONF_H
#define CPOD_REGISTRIES_CONF_H

/*
 * containers-registries.conf(5), version 2, loaded as containers/image v5.23
 * (pkg/sysregistriesv2) loads it for Podman 4.3.
 *
 * Files:
 *   main file: $CONTAINERS_REGISTRIES_CONF if set, else ~/.config/containers/registries.conf
 *     if it exists, else /etc/containers/registries.conf. A missing main file is an empty one.
 *   drop-ins: *.conf in /etc/containers/registries.conf.d, then in
 *     ~/.config/containers/registries.conf.d, each directory sorted by name. When the user's
 *     registries.conf is the main file, the system drop-in directory is not read.
 *   Each drop-in overrides what it sets: [[registry]] entries replace those with the same
 *   prefix, unqualified-search-registries and short-name-mode replace the earlier value when
 *   present, [aliases] are merged alias by alias (an empty value removes an alias).
 *
 * Registries are kept sorted by prefix; the first of several with one prefix wins.
 * Lookup is by longest prefix: "example.com/foo" matches "example.com/foo/bar:1" (the
 * prefix must be followed by '/', ':', '@' or the end), and "*.example.com" matches any
 * subdomain of example.com (not example.com itself).
 *
 * V1 tables ([registries.search] ...) are not supported and are reported as an error.
 * Everything returned by the lookups is borrowed from the struct registries_conf.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/cleanup.h"

struct cpod_error;

enum short_name_mode {
	SHORT_NAME_MODE_DISABLED,
	SHORT_NAME_MODE_PERMISSIVE,
	SHORT_NAME_MODE_ENFORCING,
	_SHORT_NAME_MODE_MAX,
	_SHORT_NAME_MODE_INVALID = -22,
};

enum pull_from_mirror {
	PULL_FROM_MIRROR_ALL, /* "" or "all" */
	PULL_FROM_MIRROR_DIGEST_ONLY,
	PULL_FROM_MIRROR_TAG_ONLY,
};

/* A registry location: the primary one of a [[registry]] or one of its mirrors. */
struct registry_endpoint {
	char *location; /* "mirror.example.com:5000/ns"; "" only for a wildcard prefix */
	bool insecure;  /* plain HTTP allowed, TLS not verified */
	enum pull_from_mirror pull_from_mirror; /* mirrors only */
};

struct registry_entry {
	char *prefix; /* "example.com/foo", "*.example.com" */
	struct registry_endpoint endpoint;
	bool blocked;
	bool mirror_by_digest_only;
	struct registry_endpoint *mirrors;
	size_t n_mirrors;
};

/* One place to try a pull from, in order (mirrors, then the primary location). */
struct registry_pull_source {
	const struct registry_endpoint *endpoint; /* borrowed from the config */
	char *reference;                          /* the rewritten reference; owned */
};

struct registries_conf;

struct registries_conf_opts {
	const char *path;        /* instead of the main file search (CONTAINERS_REGISTRIES_CONF) */
	const char *system_file; /* instead of /etc/containers/registries.conf */
	const char *system_dir;  /* instead of /etc/containers/registries.conf.d */
	const char *home;        /* instead of $HOME */
	bool ignore_env;         /* do not look at $CONTAINERS_REGISTRIES_CONF */
};

/*
 * Load registries.conf and its drop-ins (see the top of this file); opts may be NULL.
 * *ret is freed with registries_conf_free(). Errors: -EINVAL for TOML errors, wrong types
 * and invalid values (message starts with the file name: "FILE: ..."), -EFBIG for a file over
 * the TOML size cap, other -errno from reading.
 */
int registries_conf_load(const struct registries_conf_opts *opts, struct registries_conf **ret,
                         struct cpod_error **err);

/* Parse one document as if it were the only file (tests, fuzzing). name is for messages. */
int registries_conf_parse(const char *name, const char *data, size_t len,
                          struct registries_conf **ret, struct cpod_error **err);

struct registries_conf *registries_conf_free(struct registries_conf *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct registries_conf *, registries_conf_free)

/* The files that were read, in order; borrowed, never NULL. */
char *const *registries_conf_files(const struct registries_conf *c);

/* unqualified-search-registries (may be empty, never NULL); borrowed. */
char *const *registries_conf_search(const struct registries_conf *c);

/* short-name-mode; permissive when no file sets it (c/image's default). */
enum short_name_mode registries_conf_short_name_mode(const struct registries_conf *c);
const char *short_name_mode_to_string(enum short_name_mode m);
enum short_name_mode short_name_mode_from_string(const char *s);

/*
 * The fully-qualified name the short name `name` (no tag or digest, e.g. "fedora" or
 * "opensuse/leap") is an alias of, or NULL. ret_origin (may be NULL) receives the file that
 * defined it. Borrowed.
 */
const char *registries_conf_alias(const struct registries_conf *c, const char *name,
                                  const char **ret_origin);

/* The entries, sorted by prefix; borrowed. */
const struct registry_entry *registries_conf_entries(const struct registries_conf *c,
                                                     size_t *ret_n);

/*
 * The [[registry]] whose prefix matches ref best (longest prefix), or NULL.
 * ref is a normalised reference or a part of one: "example.com/a/b:tag", "example.com:5000".
 */
const struct registry_entry *registries_conf_find(const struct registries_conf *c, const char *ref);

/* Whether host ("example.com:5000") is marked insecure / blocked by its entry. */
bool registries_conf_is_insecure(const struct registries_conf *c, const char *host);
bool registries_conf_is_blocked(const struct registries_conf *c, const char *ref);

/*
 * Where to pull ref from, in order: the mirrors (all, none unless ref holds a digest when
 * mirror-by-digest-only, or as each mirror's pull-from-mirror says) then the primary
 * location, each with the reference rewritten (location + what follows the prefix).
 * ref must be a normalised reference ("domain/path:tag" or "domain/path@sha256:..."); with
 * no matching entry the result is one source: ref itself, with endpoint NULL.
 * *ret is an array of *ret_n sources freed with registry_pull_sources_free().
 * -EINVAL when a rewritten reference is not valid.
 */
int registries_conf_pull_sources(const struct registries_conf *c, const char *ref,
                                 struct registry_pull_source **ret, size_t *ret_n,
                                 struct cpod_error **err);
void registry_pull_sources_free(struct registry_pull_source *s, size_t n);

/* c/image's refMatchingPrefix: length of the match of prefix in ref, or -1. For tests. */
int registries_ref_matching_prefix(const char *ref, const char *prefix);

#endif
