/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_INTERNAL_H
#define CPOD_IMAGE_INTERNAL_H

/* Helpers shared by the image layer's files; not part of its API. */
#include <stdint.h>
#include <time.h>

/*
 * Quote s the way Go's %q does (strconv.Quote), so messages match Podman's byte for byte:
 * "a\"b", "\n", "\x01". Owned.
 */
char *image_go_quote(const char *s);

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

#endif
