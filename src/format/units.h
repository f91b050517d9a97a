/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_UNITS_H
#define CPOD_FORMAT_UNITS_H

/*
 * Human-readable sizes, durations and Go-style timestamps, as Podman 4.3 prints them
 * (docker/go-units v0.5.0 and Go's time package). Pure functions; every string returned is
 * owned by the caller (free()).
 */
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* go-units HumanSizeWithPrecision: decimal units, "%.*g%s" ("1.5kB", "4.194MB", "999B") */
char *units_human_size_prec(double size, int precision);
/* go-units HumanSize: precision 4 */
char *units_human_size(double size);
/* go-units BytesSize: binary units, "%.4g%s" ("1KiB", "1.5MiB") */
char *units_bytes_size(double size);
/*
 * Podman's listing size (images, ps --size, system df): HumanSizeWithPrecision(size, 3) with
 * a space before the unit ("2 MB", "11.5 kB", "0 B").
 */
char *units_podman_size(double size);

/*
 * go-units HumanDuration of a duration in nanoseconds: "Less than a second", "1 second",
 * "5 seconds", "About a minute", "5 minutes", "About an hour", "2 hours", "3 days",
 * "2 weeks", "3 months", "2 years".
 */
char *units_human_duration(int64_t ns);
/* HumanDuration(now - then) + " ago", as Podman's CREATED columns */
char *units_time_ago(const struct timespec *now, const struct timespec *then);

/*
 * Go's time.RFC3339Nano: "2026-11-23T18:17:06.123456789Z", fraction without trailing
 * zeros (none at all when zero), "Z" for UTC or "+01:00". utc: format in UTC, otherwise in
 * the local time zone (TZ).
 */
char *units_time_rfc3339nano(const struct timespec *ts, bool utc);
/* Go's time.RFC3339: as above without the fraction */
char *units_time_rfc3339(const struct timespec *ts, bool utc);
/*
 * Go's Time.String(): "2026-11-23 18:17:06.123456789 +0000 UTC" (fraction trimmed as above,
 * numeric offset, zone abbreviation).
 */
char *units_time_string(const struct timespec *ts, bool utc);

#endif
