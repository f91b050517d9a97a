/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"
#include "banned.h"

int cpod_error_setv(struct cpod_error **err, int code, const char *fmt, va_list ap)
{
	if (code <= 0)
		code = EIO;
	if (err && !*err) {
		struct cpod_error *e = xnew(struct cpod_error, 1);
		e->code = code;
		e->msg = xvasprintf(fmt, ap);
		*err = e;
	}
	return -code;
}

int cpod_error_set(struct cpod_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cpod_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

const char *errno_string(int code, char buf[static 128])
{
	/* Go's syscall.Errno texts are libc's with a lowercase first letter */
	snprintf(buf, 128, "%s", strerror(code > 0 && code < CPOD_ENOTFOUND_CMD ? code : EIO));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

int cpod_error_set_errno(struct cpod_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *m = xvasprintf(fmt, ap);
	va_end(ap);
	char tmp[128];
	return cpod_error_set(err, code, "%s: %s", m, errno_string(code, tmp));
}

int cpod_error_wrap(struct cpod_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return -EIO;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *ctx = xvasprintf(fmt, ap);
	va_end(ap);
	char *m = xasprintf("%s: %s", ctx, (*err)->msg);
	free((*err)->msg);
	(*err)->msg = m;
	return -(*err)->code;
}

struct cpod_error *cpod_error_free(struct cpod_error *e)
{
	if (e) {
		free(e->msg);
		free(e);
	}
	return NULL;
}

void cpod_error_move(struct cpod_error **dst, struct cpod_error **src)
{
	if (!src || !*src)
		return;
	if (dst && !*dst)
		*dst = *src;
	else
		cpod_error_free(*src);
	*src = NULL;
}
