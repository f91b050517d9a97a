/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_INTERNAL_H
#define CPOD_IMAGE_INTERNAL_H

/* Helpers shared by the image layer's files; not part of its API. */
#include <stdint.h>
#include <time.h>


/*
 * Format a time as Go's RFC3339Nano in UTC: "2026-11-23T18:17:06.123456789Z", trailing zeros
 * of the fraction dropped (and the fraction with them). Owned.
 */
char *image_time_rfc3339nano(const struct timespec *ts);

/*
 * Parse an RFC 3339 time ("...Z" or "...+02:00", optional fraction) into *ret. 0 or -EINVAL.
 */
int image_time_parse_rfc3339(const char *s, struct timespec *ret);

/* Go's GOARCH name for the host ("amd64", "arm64", "386", ...) and its variant or NULL. */
const char *image_host_arch(void);
const char *image_host_variant(void);

struct store_image;
struct json_t;

/* RepoTags of an image: its names without a digest; new JSON array. */
struct json_t *image_repo_tags(const struct store_image *img);

/* One image as list.c sees it, filled from the store (or by tests). */
struct image_list_entry {
	const struct store_image *img;
	struct json_t *labels;  /* borrowed object or NULL */
	struct timespec created;
	size_t containers;
};

/*
 * Filters resolved against the store (before=/since= name images). Pure: builds the rows
 * of `images` from entries. before_ts/since_ts are the creation times the before= and
 * since= filters refer to (ignored when those filters are absent).
 */
struct image_list_opts;
struct cpod_error;
int image_list_rows(const struct image_list_entry *entries, size_t n,
		    const struct image_list_opts *opts, const struct timespec *before_ts,
		    const struct timespec *since_ts, struct json_t **ret, struct cpod_error **err);

#endif
