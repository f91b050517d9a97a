/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_REFERENCE_H
#define CPOD_IMAGE_REFERENCE_H

/*
 * Docker/OCI image references, following distribution/reference's grammar:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] component ( "/" component )*      (at most 255 chars)
 *   domain     := label ( "." label )* [ ":" port ]                 (may hold upper case)
 *   component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex                                 (hex: 32+ chars)
 *
 * A first component is a registry (domain) when it contains '.' or ':' or is "localhost";
 * otherwise the name is a "short name" and normalises to docker.io (with "library/" for a
 * one-component path), as ParseNormalizedNamed does.
 *
 * Error messages are the ones Podman prints: "invalid reference format", "repository name
 * must be lowercase", "repository name must have at least one component", "repository name
 * must not be more than 255 characters", all with code EINVAL.
 */
#include <stdbool.h>

#include "util/cleanup.h"
#include "util/error.h"

#define IMAGE_REF_DEFAULT_DOMAIN "docker.io"
#define IMAGE_REF_DEFAULT_TAG "latest"
#define IMAGE_REF_NAME_MAX 255

struct image_ref {
	char *domain; /* "docker.io", "localhost", "quay.io:443"; never NULL */
	char *path;   /* "library/busybox"; never NULL */
	char *tag;    /* NULL when absent */
	char *digest; /* "sha256:..." or NULL when absent */
};

struct image_ref *image_ref_free(struct image_ref *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct image_ref *, image_ref_free)

/*
 * Check s against the grammar only (reference.Parse: no normalisation). 0 or -EINVAL with
 * Podman's message in *err.
 */
int image_ref_validate(const char *s, struct cpod_error **err);

/*
 * Parse and normalise s (ParseNormalizedNamed): "busybox" → docker.io/library/busybox,
 * "index.docker.io/x" → docker.io/library/x. A bare 64-hex string is refused (it is an ID).
 * *ret is freed with image_ref_free(). -EINVAL on bad input.
 */
int image_ref_parse(const char *s, struct image_ref **ret, struct cpod_error **err);

/* A copy of r (never NULL). */
struct image_ref *image_ref_dup(const struct image_ref *r);

/* "domain/path[:tag][@digest]"; owned. */
char *image_ref_string(const struct image_ref *r);
/* "domain/path" without tag and digest; owned. */
char *image_ref_name(const struct image_ref *r);
/* Docker's familiar form: "busybox:latest", "user/app", "quay.io/a/b:1"; owned. */
char *image_ref_familiar(const struct image_ref *r);

/* Add the default tag "latest" when r has neither tag nor digest (TagNameOnly). */
void image_ref_with_default_tag(struct image_ref *r);

/*
 * True when s parses and names no registry ("busybox", "user/app:1"), i.e. registries.conf
 * search and short-name aliases apply. False for qualified or invalid input.
 */
bool image_ref_is_short_name(const char *s);

/*
 * The name Podman gives to a local image (libimage NormalizeName, used by import, tag and
 * commit): an unqualified name goes to "localhost/", the default tag is added, and a tag
 * next to a digest is dropped. "foo" → "localhost/foo:latest", "docker.io/foo" →
 * "docker.io/library/foo:latest". Errors are NormalizeName's (a grammar error is prefixed
 * with "normalizing name \"X\": "); callers such as tag add their own context.
 * *ret is owned. ret_digested (may be NULL) tells whether the result holds a digest.
 */
int image_ref_local_name(const char *s, char **ret, bool *ret_digested, struct cpod_error **err);

/* Grammar pieces, exposed for filters and tests. */
bool image_ref_tag_is_valid(const char *tag);
bool image_ref_component_is_valid(const char *s, size_t len);
bool image_ref_domain_is_valid(const char *s, size_t len);

#endif
