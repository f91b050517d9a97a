/* SPDX-License-Identifier: Apache-2.0 */
/* k8s-file records: parsing and time formatting (pure functions). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "k8s-log.h"
#include "util/banned.h"

#define NS_PER_SEC 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at s; -1 if any is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int k8s_log_parse_time(const char *s, size_t len, int64_t *ret_ns, int *ret_offset)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -EINVAL;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
	    se > 59)
		return -EINVAL;
	unsigned maxd = mdays[mo - 1] + (mo == 2 && leap(y));
	if ((unsigned)d > maxd)
		return -EINVAL;
	size_t i = 19;
	int64_t frac = 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 9)
			frac = frac * 10 + (s[i++] - '0');
		size_t nd = i - start;
		if (nd == 0 || (i < len && s[i] >= '0' && s[i] <= '9'))
			return -EINVAL;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int offset;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		offset = 0;
		i++;
	} else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -EINVAL;
		offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return -EINVAL;
	}
	if (i != len)
		return -EINVAL;
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
	               se - offset;
	/* int64 nanoseconds cover 1677..2262 */
	if (secs > INT64_MAX / NS_PER_SEC - 1 || secs < INT64_MIN / NS_PER_SEC + 1)
		return -EINVAL;
	*ret_ns = secs * NS_PER_SEC + frac;
	if (ret_offset)
		*ret_offset = offset;
	return 0;
}

char *k8s_log_format_time(int64_t time_ns, int tz_offset, char *buf, size_t size)
{
	int64_t secs = time_ns / NS_PER_SEC;
	int64_t ns = time_ns % NS_PER_SEC;
	if (ns < 0) {
		ns += NS_PER_SEC;
		secs--;
	}
	secs += tz_offset;
	int64_t days = secs / 86400;
	int64_t rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%09lld", (long long)y, m, d,
	                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (long long)ns);
	if (n < 0 || (size_t)n >= size)
		return buf;
	if (tz_offset == 0) {
		snprintf(buf + n, size - (size_t)n, "Z");
	} else {
		int off = tz_offset < 0 ? -tz_offset : tz_offset;
		snprintf(buf + n, size - (size_t)n, "%c%02d:%02d", tz_offset < 0 ? '-' : '+',
		         off / 3600, off / 60 % 60);
	}
	return buf;
}

int k8s_log_parse_line(const char *line, size_t len, struct k8s_log_line *ret)
{
	if (len && line[len - 1] == '\n')
		len--;
	const char *sp1 = memchr(line, ' ', len);
	if (!sp1)
		return -EINVAL;
	struct k8s_log_line l = {0};
	if (k8s_log_parse_time(line, (size_t)(sp1 - line), &l.time_ns, &l.tz_offset) < 0)
		return -EINVAL;
	const char *p = sp1 + 1;
	size_t left = len - (size_t)(p - line);
	if (left >= 7 && memcmp(p, "stdout ", 7) == 0)
		l.stream = K8S_STREAM_STDOUT;
	else if (left >= 7 && memcmp(p, "stderr ", 7) == 0)
		l.stream = K8S_STREAM_STDERR;
	else
		return -EINVAL;
	p += 7;
	left -= 7;
	/* the tag and its space; an empty full line may end right after the tag */
	if (left < 1 || (p[0] != 'F' && p[0] != 'P') || (left > 1 && p[1] != ' '))
		return -EINVAL;
	l.partial = p[0] == 'P';
	l.msg = left > 1 ? p + 2 : p + 1;
	l.msg_len = left > 1 ? left - 2 : 0;
	*ret = l;
	return 0;
}
