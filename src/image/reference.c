/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "image-internal.h"
#include "util/xalloc.h"
#include "util/strutil.h"
#include "util/banned.h"

/* Spans of one reference string as distribution/reference's ReferenceRegexp splits it. */
struct ref_parts {
	size_t name_len;   /* s[0, name_len) */
	size_t domain_len; /* first component when the regexp takes it as a domain, else 0 */
	const char *tag;   /* NULL or start of the tag, tag_len chars */
	size_t tag_len;
	const char *digest; /* NULL or start of the digest (to the end of the string) */
};

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool image_ref_component_is_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < len) {
		while (i < len && is_lower_alnum(s[i]))
			i++;
		if (i == len)
			return true;
		/* separator: "." | "_" | "__" | "-"+ , then at least one alphanumeric */
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < len && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == len || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool domain_label_is_valid(const char *s, size_t len)
{
	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

bool image_ref_domain_is_valid(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t host_len = colon ? (size_t)(colon - s) : len;

	if (colon) {
		size_t plen = len - host_len - 1;
		if (plen == 0)
			return false;
		for (size_t i = 0; i < plen; i++)
			if (!isdigit((unsigned char)colon[1 + i]))
				return false;
	}
	size_t start = 0;
	for (size_t i = 0; i <= host_len; i++) {
		if (i == host_len || s[i] == '.') {
			if (!domain_label_is_valid(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool tag_is_valid(const char *s, size_t len)
{
	if (len == 0 || len > 128 || !is_word(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

bool image_ref_tag_is_valid(const char *tag)
{
	return tag && tag_is_valid(tag, strlen(tag));
}

static bool digest_grammar_ok(const char *s)
{
	size_t i = 0;

	/* algorithm := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )* */
	for (;;) {
		if (!isalpha((unsigned char)s[i]))
			return false;
		while (isalnum((unsigned char)s[i]))
			i++;
		if (s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.') {
			i++;
			continue;
		}
		break;
	}
	if (s[i] != ':')
		return false;
	i++;
	size_t n = 0;
	for (; s[i]; i++, n++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n >= 32;
}

static bool name_grammar_ok(const char *s, size_t len, size_t *ret_domain_len)
{
	size_t ncomp = 0, first_len = 0;
	bool all_components = true, rest_components = true;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		size_t clen = i - start;
		bool ok = image_ref_component_is_valid(s + start, clen);
		if (ncomp == 0)
			first_len = clen;
		else
			rest_components = rest_components && ok;
		all_components = all_components && ok;
		ncomp++;
		start = i + 1;
	}
	/* the regexp's optional domain group is tried first (leftmost-first matching) */
	if (ncomp >= 2 && rest_components && image_ref_domain_is_valid(s, first_len)) {
		*ret_domain_len = first_len;
		return true;
	}
	*ret_domain_len = 0;
	return all_components;
}

static bool grammar_match(const char *s, struct ref_parts *p)
{
	const char *at = strchr(s, '@');
	size_t left_len = at ? (size_t)(at - s) : strlen(s);

	memset(p, 0, sizeof(*p));
	if (at) {
		if (!digest_grammar_ok(at + 1))
			return false;
		p->digest = at + 1;
	}
	const char *slash = memrchr(s, '/', left_len);
	const char *colon = memrchr(s, ':', left_len);
	size_t name_len = left_len;
	if (colon && (!slash || colon > slash)) {
		p->tag = colon + 1;
		p->tag_len = left_len - (size_t)(colon + 1 - s);
		if (!tag_is_valid(p->tag, p->tag_len))
			return false;
		name_len = (size_t)(colon - s);
	}
	p->name_len = name_len;
	return name_grammar_ok(s, name_len, &p->domain_len);
}

static int digest_validate(const char *d, struct cpod_error **err)
{
	const char *colon = strchr(d, ':');
	size_t alg_len = (size_t)(colon - d);
	size_t want;

	if (alg_len == 6 && strncmp(d, "sha256", 6) == 0)
		want = 64;
	else if (alg_len == 6 && strncmp(d, "sha384", 6) == 0)
		want = 96;
	else if (alg_len == 6 && strncmp(d, "sha512", 6) == 0)
		want = 128;
	else
		return cpod_error_set(err, EINVAL, "unsupported digest algorithm");
	if (strlen(colon + 1) != want)
		return cpod_error_set(err, EINVAL, "invalid checksum digest length");
	for (const char *c = colon + 1; *c; c++)
		if (!is_lower_alnum(*c))
			return cpod_error_set(err, EINVAL, "invalid checksum digest format");
	return 0;
}

/* reference.Parse */
static int parse_raw(const char *s, struct ref_parts *p, struct cpod_error **err)
{
	if (!grammar_match(s, p)) {
		if (*s == '\0')
			return cpod_error_set(err, EINVAL,
					      "repository name must have at least one component");
		_cleanup_free_ char *lower = xstrdup(s);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		struct ref_parts ignored;
		if (grammar_match(lower, &ignored))
			return cpod_error_set(err, EINVAL, "repository name must be lowercase");
		return cpod_error_set(err, EINVAL, "invalid reference format");
	}
	if (p->name_len > IMAGE_REF_NAME_MAX)
		return cpod_error_set(err, EINVAL,
				      "repository name must not be more than %d characters",
				      IMAGE_REF_NAME_MAX);
	if (p->digest)
		return digest_validate(p->digest, err);
	return 0;
}

int image_ref_validate(const char *s, struct cpod_error **err)
{
	struct ref_parts p;
	return parse_raw(s, &p, err);
}

static bool is_registry(const char *s, size_t len)
{
	return memchr(s, '.', len) || memchr(s, ':', len) ||
	       (len == 9 && strncmp(s, "localhost", 9) == 0);
}

bool image_ref_is_short_name(const char *s)
{
	struct ref_parts p;
	_cleanup_error_ struct cpod_error *err = NULL;

	if (parse_raw(s, &p, &err) < 0)
		return false;
	return !(p.domain_len > 0 && is_registry(s, p.domain_len));
}

struct image_ref *image_ref_free(struct image_ref *r)
{
	if (!r)
		return NULL;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	free(r);
	return NULL;
}

struct image_ref *image_ref_dup(const struct image_ref *r)
{
	struct image_ref *n = xnew(struct image_ref, 1);
	n->domain = xstrdup(r->domain);
	n->path = xstrdup(r->path);
	n->tag = xstrdup_or_null(r->tag);
	n->digest = xstrdup_or_null(r->digest);
	return n;
}

static bool is_full_hex_id(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'f') || (s[n] >= '0' && s[n] <= '9')))
			return false;
	return n == 64;
}

int image_ref_parse(const char *s, struct image_ref **ret, struct cpod_error **err)
{
	_cleanup_free_ char *domain = NULL, *remainder = NULL, *full = NULL;
	const char *slash = strchr(s, '/');
	struct ref_parts p;
	int r;

	if (is_full_hex_id(s))
		return cpod_error_set(err, EINVAL,
				      "invalid repository name (%s), cannot specify 64-byte hexadecimal strings",
				      s);
	/* splitDockerDomain */
	if (!slash || !is_registry(s, (size_t)(slash - s))) {
		domain = xstrdup(IMAGE_REF_DEFAULT_DOMAIN);
		remainder = xstrdup(s);
	} else {
		domain = xstrndup(s, (size_t)(slash - s));
		remainder = xstrdup(slash + 1);
	}
	if (strcmp(domain, "index.docker.io") == 0) {
		free(domain);
		domain = xstrdup(IMAGE_REF_DEFAULT_DOMAIN);
	}
	if (strcmp(domain, IMAGE_REF_DEFAULT_DOMAIN) == 0 && !strchr(remainder, '/')) {
		char *t = xasprintf("library/%s", remainder);
		free(remainder);
		remainder = t;
	}
	size_t remote_len = strcspn(remainder, ":");
	for (size_t i = 0; i < remote_len; i++)
		if (isupper((unsigned char)remainder[i]))
			return cpod_error_set(err, EINVAL,
					      "invalid reference format: repository name must be lowercase");

	full = xasprintf("%s/%s", domain, remainder);
	r = parse_raw(full, &p, err);
	if (r < 0)
		return r;

	struct image_ref *ref = xnew(struct image_ref, 1);
	size_t dlen = strlen(domain);
	ref->domain = TAKE_PTR(domain);
	ref->path = xstrndup(full + dlen + 1, p.name_len - dlen - 1);
	if (p.tag)
		ref->tag = xstrndup(p.tag, p.tag_len);
	if (p.digest)
		ref->digest = xstrdup(p.digest);
	*ret = ref;
	return 0;
}

char *image_ref_name(const struct image_ref *r)
{
	return xasprintf("%s/%s", r->domain, r->path);
}

char *image_ref_string(const struct image_ref *r)
{
	return xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
			 r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

char *image_ref_familiar(const struct image_ref *r)
{
	_cleanup_free_ char *name = NULL;

	if (strcmp(r->domain, IMAGE_REF_DEFAULT_DOMAIN) == 0) {
		const char *path = r->path;
		if (strncmp(path, "library/", 8) == 0 && !strchr(path + 8, '/'))
			path += 8;
		name = xstrdup(path);
	} else {
		name = image_ref_name(r);
	}
	return xasprintf("%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

void image_ref_with_default_tag(struct image_ref *r)
{
	if (!r->tag && !r->digest)
		r->tag = xstrdup(IMAGE_REF_DEFAULT_TAG);
}

int image_ref_local_name(const char *s, char **ret, bool *ret_digested, struct cpod_error **err)
{
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	_cleanup_free_ char *name = NULL;
	struct ref_parts p;
	int r;

	r = parse_raw(s, &p, err);
	if (r < 0) {
		_cleanup_free_ char *q = go_quote(s);
		return cpod_error_wrap(err, "normalizing name %s", q);
	}
	if (p.domain_len > 0 && is_registry(s, p.domain_len))
		name = xstrdup(s);
	else
		name = xasprintf("localhost/%s", s);

	r = image_ref_parse(name, &ref, err);
	if (r < 0)
		return r;
	if (ref->tag && ref->digest)
		ref->tag = (free(ref->tag), NULL);
	image_ref_with_default_tag(ref);
	if (ret_digested)
		*ret_digested = ref->digest != NULL;
	*ret = image_ref_string(ref);
	return 0;
}
