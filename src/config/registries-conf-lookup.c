/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prefix matching and pull sources (c/image v5.23 sysregistriesv2: refMatchingPrefix,
 * refMatchingSubdomainPrefix, FindRegistry, PullSourcesFromReference, rewriteReference).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registries-conf-internal.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* "*.example.com": the host part of ref must end with ".example.com" */
static int matching_subdomain(const char *ref, const char *suffix)
{
	const char *p = strstr(ref, suffix);
	if (!p)
		return -1;
	if (memchr(ref, '/', (size_t)(p - ref)))
		return -1;
	size_t idx = (size_t)(p - ref) + strlen(suffix);
	if (ref[idx] == '\0' || ref[idx] == ':' || ref[idx] == '/' || ref[idx] == '@')
		return (int)idx;
	return -1;
}

int registries_ref_matching_prefix(const char *ref, const char *prefix)
{
	size_t rl = strlen(ref), pl = strlen(prefix);

	if (strncmp(prefix, "*.", 2) == 0)
		return matching_subdomain(ref, prefix + 1);
	if (rl < pl || strncmp(ref, prefix, pl) != 0)
		return -1;
	if (rl == pl)
		return (int)pl;
	/* as in c/image, "example.com:5000" matches "example.com" (do not rely on it) */
	if (ref[pl] != ':' && ref[pl] != '/' && ref[pl] != '@')
		return -1;
	return (int)pl;
}

const struct registry_entry *registries_conf_find(const struct registries_conf *c, const char *ref)
{
	const struct registry_entry *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < c->n_entries; i++) {
		const struct registry_entry *e = &c->entries[i];
		size_t len = strlen(e->prefix);
		if (registries_ref_matching_prefix(ref, e->prefix) >= 0 && len > best_len) {
			best = e;
			best_len = len;
		}
	}
	return best;
}

bool registries_conf_is_insecure(const struct registries_conf *c, const char *host)
{
	const struct registry_entry *e = registries_conf_find(c, host);
	return e && e->endpoint.insecure;
}

bool registries_conf_is_blocked(const struct registries_conf *c, const char *ref)
{
	const struct registry_entry *e = registries_conf_find(c, ref);
	return e && e->blocked;
}

void registry_pull_sources_free(struct registry_pull_source *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].reference);
	free(s);
}

static int rewrite(const struct registry_endpoint *ep, const char *ref, const char *prefix,
                   char **ret, struct cpod_error **err)
{
	int len = registries_ref_matching_prefix(ref, prefix);
	if (len < 0)
		return cpod_error_set(err, EINVAL, "invalid prefix '%s' for reference '%s'", prefix,
		                      ref);
	if (!*ep->location) {
		if (strncmp(prefix, "*.", 2) != 0)
			return cpod_error_set(
			        err, EINVAL,
			        "invalid prefix '%s' for empty location, should be in "
			        "the format: *.example.com",
			        prefix);
		*ret = xstrdup(ref);
		return 0;
	}
	char *out = xasprintf("%s%s", ep->location, ref + len);
	/* the result must still name a repository: "host/path..." */
	const char *slash = strchr(out, '/');
	if (!slash || slash == out || !slash[1] || slash[1] == ':' || slash[1] == '@' ||
	    strstr(out, "//")) {
		cpod_error_set(err, EINVAL, "rewriting reference: invalid reference format: %s",
		               out);
		free(out);
		return -EINVAL;
	}
	log_debug("reference rewritten from '%s' to '%s'", ref, out);
	*ret = out;
	return 0;
}

static bool has_digest(const char *ref)
{
	return strchr(ref, '@') != NULL;
}

int registries_conf_pull_sources(const struct registries_conf *c, const char *ref,
                                 struct registry_pull_source **ret, size_t *ret_n,
                                 struct cpod_error **err)
{
	/* match by name, as c/image does (FindRegistry(ref.Name())) */
	const char *at = strchr(ref, '@');
	const char *last = strrchr(ref, '/');
	const char *colon = last ? strchr(last, ':') : NULL;
	size_t name_len = colon ? (size_t)(colon - ref) : at ? (size_t)(at - ref) : strlen(ref);
	_cleanup_free_ char *name = xstrndup(ref, name_len);
	const struct registry_entry *e = c ? registries_conf_find(c, name) : NULL;
	struct registry_pull_source *out;
	bool digested = has_digest(ref);
	size_t n = 0;

	if (!e) {
		out = xnew(struct registry_pull_source, 1);
		out[0].reference = xstrdup(ref);
		*ret = out;
		*ret_n = 1;
		return 0;
	}
	out = xnew(struct registry_pull_source, e->n_mirrors + 1);
	for (size_t i = 0; i < e->n_mirrors; i++) {
		const struct registry_endpoint *m = &e->mirrors[i];
		if (e->mirror_by_digest_only
		            ? !digested
		            : (m->pull_from_mirror == PULL_FROM_MIRROR_DIGEST_ONLY && !digested) ||
		                      (m->pull_from_mirror == PULL_FROM_MIRROR_TAG_ONLY &&
		                       digested))
			continue;
		out[n].endpoint = m;
		if (rewrite(m, ref, e->prefix, &out[n].reference, err) < 0) {
			registry_pull_sources_free(out, n);
			return -EINVAL;
		}
		n++;
	}
	out[n].endpoint = &e->endpoint;
	if (rewrite(&e->endpoint, ref, e->prefix, &out[n].reference, err) < 0) {
		registry_pull_sources_free(out, n);
		return -EINVAL;
	}
	*ret = out;
	*ret_n = n + 1;
	return 0;
}
