/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "strv.h"
#include "xalloc.h"
#include "banned.h"

char **strv_free(char **v)
{
	if (v) {
		for (char **p = v; *p; p++)
			free(*p);
		free(v);
	}
	return NULL;
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_push(char ***v, const char *s)
{
	strv_consume(v, xstrdup(s));
}

size_t strv_remove(char **v, const char *s)
{
	size_t removed = 0, j = 0;
	if (!v)
		return 0;
	for (size_t i = 0; v[i]; i++) {
		if (strcmp(v[i], s) == 0) {
			free(v[i]);
			removed++;
		} else {
			v[j++] = v[i];
		}
	}
	v[j] = NULL;
	return removed;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **c = xnew(char *, n + 1);
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

char **strv_split(const char *s, const char *sep)
{
	char **v = xnew(char *, 1);
	const char *start = s;
	for (;;) {
		size_t len = strcspn(start, sep);
		strv_consume(&v, xstrndup(start, len));
		if (start[len] == '\0')
			break;
		start += len + 1;
	}
	return v;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t n = strv_length(v), total = 1, seplen = strlen(sep);
	for (size_t i = 0; i < n; i++)
		total += strlen(v[i]) + (i ? seplen : 0);
	char *out = xmalloc(total), *p = out;
	for (size_t i = 0; i < n; i++) {
		if (i) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		size_t l = strlen(v[i]);
		memcpy(p, v[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}
