/* SPDX-License-Identifier: Apache-2.0 */
/* go-units sizes and durations, Go time layouts (see units.h). */
#include <stdio.h>
#include <string.h>

#include "units.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include "util/banned.h"

static const char *const decimal_units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
static const char *const binary_units[] = {"B",   "KiB", "MiB", "GiB", "TiB",
                                           "PiB", "EiB", "ZiB", "YiB"};

static const char *scale(double *size, double base, const char *const *units)
{
	int i = 0;
	while (*size >= base && i < 8) {
		*size /= base;
		i++;
	}
	return units[i];
}

/*
 * C's %.*g matches Go's here: go-units only formats values below 1000 (or 1024), where both
 * print the shortest fixed form with trailing zeros removed.
 */
char *units_human_size_prec(double size, int precision)
{
	const char *unit = scale(&size, 1000.0, decimal_units);
	return xasprintf("%.*g%s", precision, size, unit);
}

char *units_human_size(double size)
{
	return units_human_size_prec(size, 4);
}

char *units_bytes_size(double size)
{
	const char *unit = scale(&size, 1024.0, binary_units);
	return xasprintf("%.4g%s", size, unit);
}

char *units_podman_size(double size)
{
	const char *unit = scale(&size, 1000.0, decimal_units);
	return xasprintf("%.*g %s", 3, size, unit);
}

char *units_human_duration(int64_t ns)
{
	int64_t seconds = ns / 1000000000, minutes = ns / 60000000000LL, hours;
	if (seconds < 1)
		return xstrdup("Less than a second");
	if (seconds == 1)
		return xstrdup("1 second");
	if (seconds < 60)
		return xasprintf("%lld seconds", (long long)seconds);
	if (minutes == 1)
		return xstrdup("About a minute");
	if (minutes < 60)
		return xasprintf("%lld minutes", (long long)minutes);
	/* go-units rounds hours: int(d.Hours() + 0.5) */
	hours = (int64_t)((double)ns / 3.6e12 + 0.5);
	if (hours == 1)
		return xstrdup("About an hour");
	if (hours < 48)
		return xasprintf("%lld hours", (long long)hours);
	if (hours < 24 * 7 * 2)
		return xasprintf("%lld days", (long long)(hours / 24));
	if (hours < 24 * 30 * 2)
		return xasprintf("%lld weeks", (long long)(hours / 24 / 7));
	if (hours < 24 * 365 * 2)
		return xasprintf("%lld months", (long long)(hours / 24 / 30));
	return xasprintf("%lld years", (long long)(ns / 3600000000000LL / 24 / 365));
}

char *units_time_ago(const struct timespec *now, const struct timespec *then)
{
	int64_t ns = ((int64_t)now->tv_sec - (int64_t)then->tv_sec) * 1000000000LL +
	             ((int64_t)now->tv_nsec - (int64_t)then->tv_nsec);
	_cleanup_free_ char *d = units_human_duration(ns);
	return xasprintf("%s ago", d);
}

/* ".123456789" with trailing zeros removed; "" when the fraction is zero */
static void fraction(char out[12], long nsec)
{
	int len;
	if (nsec <= 0 || nsec >= 1000000000) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 12, ".%09ld", nsec);
	len = (int)strlen(out);
	while (len > 1 && out[len - 1] == '0')
		out[--len] = '\0';
}

static bool break_down(const struct timespec *ts, bool utc, struct tm *tm)
{
	time_t t = ts->tv_sec;
	return utc ? gmtime_r(&t, tm) != NULL : localtime_r(&t, tm) != NULL;
}

static char *rfc3339(const struct timespec *ts, bool utc, bool nano)
{
	struct tm tm;
	char frac[12] = "", zone[32];
	long off;
	if (!break_down(ts, utc, &tm))
		return xstrdup("");
	if (nano)
		fraction(frac, ts->tv_nsec);
	off = utc ? 0 : tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
		         (off < 0 ? -off : off) / 3600, ((off < 0 ? -off : off) % 3600) / 60);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%s%s", tm.tm_year + 1900, tm.tm_mon + 1,
	                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone);
}

char *units_time_rfc3339nano(const struct timespec *ts, bool utc)
{
	return rfc3339(ts, utc, true);
}

char *units_time_rfc3339(const struct timespec *ts, bool utc)
{
	return rfc3339(ts, utc, false);
}

char *units_time_string(const struct timespec *ts, bool utc)
{
	struct tm tm;
	char frac[12];
	long off;
	if (!break_down(ts, utc, &tm))
		return xstrdup("");
	fraction(frac, ts->tv_nsec);
	off = utc ? 0 : tm.tm_gmtoff;
	return xasprintf("%04d-%02d-%02d %02d:%02d:%02d%s %c%02ld%02ld %s", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac,
	                 off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	                 ((off < 0 ? -off : off) % 3600) / 60,
	                 utc ? "UTC" : (tm.tm_zone ? tm.tm_zone : "UTC"));
}
