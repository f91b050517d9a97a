/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl, loaded on first use (lazy.h says why: libcurl alone drags gnutls, krb5, ldap, ssh2,
 * rtmp, psl, idn2, nghttp2, brotli... into every cpod process, which mostly never speaks HTTP).
 *
 * Every libcurl function cpod calls is defined here under its own name; a function missing
 * from CURL_FUNCS is an undefined reference when cpod links, and tests/unit/lazy-symbols.sh
 * names it. To add one, add a line (the compiler checks it against <curl/curl.h>).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <curl/curl.h>

#include "lazy.h"
#include "banned.h"

#define CURL_FUNCS(F, V, H)                                                                        \
	F(curl_global_init, CURLcode, CURLE_FAILED_INIT, (long flags), (flags))                    \
	F(curl_easy_init, CURL *, NULL, (void), ())                                                \
	V(curl_easy_cleanup, (CURL * h), (h))                                                      \
	F(curl_easy_perform, CURLcode, CURLE_FAILED_INIT, (CURL * h), (h))                         \
	F(curl_easy_strerror, const char *, lib.error, (CURLcode code), (code))                    \
	F(curl_easy_escape, char *, NULL, (CURL * h, const char *s, int len), (h, s, len))         \
	V(curl_free, (void *p), (p))                                                               \
	F(curl_slist_append, struct curl_slist *, NULL, (struct curl_slist * l, const char *s),    \
	  (l, s))                                                                                  \
	V(curl_slist_free_all, (struct curl_slist * l), (l))                                       \
	F(curl_share_init, CURLSH *, NULL, (void), ())                                             \
	F(curl_share_cleanup, CURLSHcode, CURLSHE_NOT_BUILT_IN, (CURLSH * sh), (sh))               \
	H(curl_easy_setopt)                                                                        \
	H(curl_easy_getinfo)                                                                       \
	H(curl_share_setopt)

LAZY_LIBRARY(CURL_FUNCS, CPOD_CURL_SONAME, CPOD_CURL_PACKAGE)

/*
 * curl_easy_setopt() takes exactly one more argument, whose type the option number encodes
 * (curl.h: CURLOPTTYPE_* bases, 10000 apart): read it as that type and pass it on as such.
 * Function pointers go through one generic function pointer type, as libcurl itself reads
 * each callback type back.
 */
CURLcode(curl_easy_setopt)(CURL *h, CURLoption opt, ...)
{
	if (!lazy_ready())
		return CURLE_FAILED_INIT;
	va_list ap;
	CURLcode rc;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = LAZY_REAL(curl_easy_setopt)(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = LAZY_REAL(curl_easy_setopt)(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = LAZY_REAL(curl_easy_setopt)(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = LAZY_REAL(curl_easy_setopt)(h, opt, va_arg(ap, curl_off_t));
	else
		rc = LAZY_REAL(curl_easy_setopt)(h, opt, va_arg(ap, struct curl_blob *));
	va_end(ap);
	return rc;
}

/* every CURLINFO_* takes one pointer (to a long, char *, double, curl_off_t, slist...) */
CURLcode(curl_easy_getinfo)(CURL *h, CURLINFO info, ...)
{
	if (!lazy_ready())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	void *p = va_arg(ap, void *);
	va_end(ap);
	return LAZY_REAL(curl_easy_getinfo)(h, info, p);
}

/* libcurl's share.c reads an int for (UN)SHARE, a callback for (UN)LOCKFUNC, else a pointer */
CURLSHcode(curl_share_setopt)(CURLSH *sh, CURLSHoption opt, ...)
{
	if (!lazy_ready())
		return CURLSHE_NOT_BUILT_IN;
	va_list ap;
	CURLSHcode rc;
	va_start(ap, opt);
	switch (opt) {
	case CURLSHOPT_SHARE:
	case CURLSHOPT_UNSHARE:
		rc = LAZY_REAL(curl_share_setopt)(sh, opt, va_arg(ap, int));
		break;
	case CURLSHOPT_LOCKFUNC:
	case CURLSHOPT_UNLOCKFUNC:
		rc = LAZY_REAL(curl_share_setopt)(sh, opt, va_arg(ap, void (*)(void)));
		break;
	case CURLSHOPT_USERDATA:
		rc = LAZY_REAL(curl_share_setopt)(sh, opt, va_arg(ap, void *));
		break;
	default:
		/* unknown to us: libcurl answers CURLSHE_BAD_OPTION without reading an argument */
		rc = LAZY_REAL(curl_share_setopt)(sh, opt);
		break;
	}
	va_end(ap);
	return rc;
}
