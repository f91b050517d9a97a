/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_LAZY_H
#define CPOD_LAZY_H

/*
 * Libraries loaded on first use (DESIGN.md §8: start-up costs what it must).
 *
 * cpod runs several times per container (the command, then conmon's exit command
 * `cpod container cleanup`), and most runs never touch the network or a tarball. Linking
 * libcurl and libarchive directly made every run map ~46 shared objects (gnutls, krb5, ldap,
 * ssh2, libxml2, icu, ...). Instead cpod is linked with their headers only, and with shims
 * (lazy-curl.c, lazy-archive.c, lazy-crypto.c) that define every function cpod calls under its own name: the
 * first call dlopen()s the library and resolves all its symbols, later calls jump straight to
 * the real function. Call sites keep including <curl/curl.h> and <archive.h>.
 *
 * If the library can't be loaded, the failure is logged once at error level
 * ("cannot load libcurl.so.4: ...; install libcurl4") and every shimmed function returns its
 * library's own failure value from then on: NULL from constructors, CURLE_FAILED_INIT,
 * CURLSHE_NOT_BUILT_IN, ARCHIVE_FATAL, and the load error from curl_easy_strerror() and
 * archive_error_string(), so callers' usual error paths report it. Nothing exits the process.
 *
 * tests/unit/lazy-symbols.sh fails the unit suite when cpod uses a curl_ or archive_ function
 * that no shim provides (the link would fail as well: cpod has no -lcurl or -larchive).
 */
#include <stddef.h>

struct lazy_lib {
	const char *soname;       /* what to dlopen, e.g. "libcurl.so.4" (from the build) */
	const char *package;      /* named in the error, e.g. "libcurl4" */
	const char *const *names; /* the symbols to resolve, in the order of syms */
	void **syms;              /* filled by lazy_lib_open() */
	size_t n_syms;
	/* set by lazy_lib_open() */
	void *handle;    /* NULL if loading failed */
	char error[512]; /* the failure, "" on success */
};

/*
 * dlopen() lib->soname (RTLD_NOW | RTLD_LOCAL) and resolve every name into lib->syms. Returns 0,
 * or -ENOENT when the library can't be loaded, -ENOSYS when a symbol is missing (then nothing
 * stays loaded); lib->error holds the message and it is logged at error level. Not thread-safe
 * by itself: each shim calls it under its own pthread_once.
 */
int lazy_lib_open(struct lazy_lib *lib);

/*
 * Shim generators. A shim lists its library's functions once, as an X-macro of three kinds:
 *   F(name, return type, failure value, (parameters), (arguments))
 *   V(name, (parameters), (arguments))          for functions returning void
 *   H(name)                                     for hand-written (variadic) wrappers
 * and defines, before using LAZY_WRAP*, `static void *lazy_syms[]` and
 * `static bool lazy_ready(void)` (the library's pthread_once + lazy_lib_open()).
 * Function names are parenthesized so that libcurl's type-checking macros don't expand.
 */
#define LAZY_ENUM_F(name, ...) LAZY_SYM_##name,
#define LAZY_ENUM_V(name, ...) LAZY_SYM_##name,
#define LAZY_ENUM_H(name)      LAZY_SYM_##name,
#define LAZY_NAME_F(name, ...) #name,
#define LAZY_NAME_V(name, ...) #name,
#define LAZY_NAME_H(name)      #name,
#define LAZY_WRAP_H(name)
/* the real function, typed by the library's own prototype */
#define LAZY_REAL(name) ((__typeof__(&name))lazy_syms[LAZY_SYM_##name])

/*
 * The loader state of one library and its wrappers: LAZY_LIBRARY(FUNCS, soname, package)
 * declares lazy_syms[], `static struct lazy_lib lib` and lazy_ready() (pthread_once +
 * lazy_lib_open()), then defines every F and V wrapper of the FUNCS X-macro. The H entries
 * are written by hand after it, with LAZY_REAL() and lazy_ready().
 */
#define LAZY_LIBRARY(FUNCS, soname_, package_)                                                     \
	enum { FUNCS(LAZY_ENUM_F, LAZY_ENUM_V, LAZY_ENUM_H) N_SYMS };                              \
	static const char *const names[N_SYMS] = {FUNCS(LAZY_NAME_F, LAZY_NAME_V, LAZY_NAME_H)};   \
	static void *lazy_syms[N_SYMS];                                                            \
	static struct lazy_lib lib = {                                                             \
		.soname = (soname_),                                                               \
		.package = (package_),                                                             \
		.names = names,                                                                    \
		.syms = lazy_syms,                                                                 \
		.n_syms = N_SYMS,                                                                  \
	};                                                                                         \
	static pthread_once_t once = PTHREAD_ONCE_INIT;                                            \
	static void load(void)                                                                     \
	{                                                                                          \
		(void)lazy_lib_open(&lib);                                                         \
	}                                                                                          \
	static bool lazy_ready(void)                                                               \
	{                                                                                          \
		pthread_once(&once, load);                                                         \
		return lib.handle != NULL;                                                         \
	}                                                                                          \
	FUNCS(LAZY_WRAP_F, LAZY_WRAP_V, LAZY_WRAP_H)

#define LAZY_WRAP_F(name, ret, fail, params, args)                                                 \
	ret(name) params                                                                           \
	{                                                                                          \
		if (!lazy_ready())                                                                 \
			return fail;                                                               \
		return LAZY_REAL(name) args;                                                       \
	}
#define LAZY_WRAP_V(name, params, args)                                                            \
	void(name) params                                                                          \
	{                                                                                          \
		if (lazy_ready())                                                                  \
			LAZY_REAL(name) args;                                                      \
	}

#endif
