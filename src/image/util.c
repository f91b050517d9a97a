/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "image-internal.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"


char *image_time_rfc3339nano(const struct timespec *ts)
{
	struct tm tm;
	char date[64];
	char frac[32] = "";
	time_t t = ts->tv_sec;

	if (!gmtime_r(&t, &tm))
		return xstrdup("0001-01-01T00:00:00Z");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts->tv_nsec > 0) {
		snprintf(frac, sizeof(frac), ".%09ld", ts->tv_nsec);
		size_t n = strlen(frac);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = '\0';
	}
	return xasprintf("%s%sZ", date, frac);
}

static int parse_digits(const char **p, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

int image_time_parse_rfc3339(const char *s, struct timespec *ret)
{
	struct tm tm = {0};
	int year, mon, day, hour, min, sec;
	long nsec = 0;
	const char *p = s;

	if (parse_digits(&p, 4, &year) < 0 || *p++ != '-' || parse_digits(&p, 2, &mon) < 0 ||
	    *p++ != '-' || parse_digits(&p, 2, &day) < 0 || (*p != 'T' && *p != 't'))
		return -EINVAL;
	p++;
	if (parse_digits(&p, 2, &hour) < 0 || *p++ != ':' || parse_digits(&p, 2, &min) < 0 ||
	    *p++ != ':' || parse_digits(&p, 2, &sec) < 0)
		return -EINVAL;
	if (*p == '.') {
		p++;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (digits < 9) {
				nsec = nsec * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		if (digits == 0)
			return -EINVAL;
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (parse_digits(&p, 2, &oh) < 0 || *p++ != ':' || parse_digits(&p, 2, &om) < 0)
			return -EINVAL;
		offset = sign * (oh * 3600L + om * 60L);
	} else {
		return -EINVAL;
	}
	if (*p || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return -EINVAL;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	ret->tv_sec = timegm(&tm) - offset;
	ret->tv_nsec = nsec;
	return 0;
}

static const char *const arch_map[][2] = {
	{"x86_64", "amd64"}, {"aarch64", "arm64"}, {"armv7l", "arm"},     {"armv6l", "arm"},
	{"i686", "386"},     {"i386", "386"},      {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
	{"riscv64", "riscv64"}, {"mips64", "mips64"},
};

const char *image_host_arch(void)
{
	struct utsname u;

	if (uname(&u) == 0)
		for (size_t i = 0; i < sizeof(arch_map) / sizeof(arch_map[0]); i++)
			if (strcmp(u.machine, arch_map[i][0]) == 0)
				return arch_map[i][1];
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#else
	return "unknown";
#endif
}

const char *image_host_variant(void)
{
	struct utsname u;

	if (uname(&u) == 0) {
		if (strcmp(u.machine, "armv7l") == 0)
			return "v7";
		if (strcmp(u.machine, "armv6l") == 0)
			return "v6";
	}
	return NULL;
}
