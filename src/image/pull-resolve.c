/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Short-name resolution for pulls, after containers/image 5.23 pkg/shortnames Resolve as
 * libimage uses it: aliases first, then the unqualified-search registries in order, with
 * short-name-mode deciding whether several candidates are acceptable without a prompt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/registries-conf.h"
#include "pull.h"
#include "reference.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *main_file(const struct registries_conf *rc)
{
	char *const *files = rc ? registries_conf_files(rc) : NULL;
	return files && files[0] ? files[0] : "/etc/containers/registries.conf";
}

/* name (domain/path) plus the tag or digest of r; "latest" when it has neither */
static char *with_suffix(const char *name, const struct image_ref *r, struct cpod_error **err)
{
	_cleanup_(image_ref_freep) struct image_ref *q = NULL;
	_cleanup_free_ char *s = r->digest ? xasprintf("%s@%s", name, r->digest)
	                                   : xasprintf("%s:%s", name, r->tag ? r->tag : "latest");
	if (image_ref_parse(s, &q, err) < 0)
		return NULL;
	return image_ref_string(q);
}

int image_pull_candidates(const struct registries_conf *rc, const char *name, bool can_prompt,
                          char ***ret, char **ret_note, struct cpod_error **err)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	_cleanup_strv_free_ char **v = NULL;
	int res = image_ref_parse(name, &r, err);
	if (res < 0)
		return res;
	if (r->tag && r->digest)
		r->tag = (free(r->tag), NULL);
	if (ret_note)
		*ret_note = NULL;
	if (!image_ref_is_short_name(name)) {
		image_ref_with_default_tag(r);
		strv_consume(&v, image_ref_string(r));
		*ret = TAKE_PTR(v);
		return 0;
	}
	/* the short name without tag or digest, as the user wrote it */
	_cleanup_free_ char *bare = xstrdup(name);
	char *cut = strchr(bare, '@');
	if (cut)
		*cut = 0;
	cut = strrchr(bare, ':');
	if (cut)
		*cut = 0;
	const char *alias = rc ? registries_conf_alias(rc, bare, NULL) : NULL;
	if (alias) {
		char *c = with_suffix(alias, r, err);
		if (!c)
			return cpod_error_wrap(err, "alias of \"%s\"", bare);
		strv_consume(&v, c);
		*ret = TAKE_PTR(v);
		return 0;
	}
	char *const *search = rc ? registries_conf_search(rc) : NULL;
	size_t n = strv_length(search);
	if (n == 0)
		return cpod_error_set(err, ENOENT,
		                      "short-name \"%s\" did not resolve to an alias and no "
		                      "unqualified-search registries are defined in \"%s\"",
		                      name, main_file(rc));
	enum short_name_mode mode =
	        rc ? registries_conf_short_name_mode(rc) : SHORT_NAME_MODE_PERMISSIVE;
	if (mode == SHORT_NAME_MODE_ENFORCING && n > 1 && !can_prompt)
		return cpod_error_set(err, EINVAL,
		                      "short-name resolution enforced but cannot prompt without a "
		                      "TTY");
	STRV_FOREACH(reg, (char **)search)
	{
		_cleanup_free_ char *q = xasprintf("%s/%s", *reg, bare);
		char *c = with_suffix(q, r, err);
		if (!c)
			return cpod_error_wrap(err, "short name \"%s\" in registry \"%s\"", name,
			                       *reg);
		if (!strv_contains(v, c))
			strv_consume(&v, c);
		else
			free(c);
	}
	if (ret_note)
		*ret_note = xasprintf("Resolving \"%s\" using unqualified-search registries (%s)",
		                      bare, main_file(rc));
	*ret = TAKE_PTR(v);
	return 0;
}
