/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenSSL's libcrypto, loaded on first use (lazy.h says why). cpod only hashes (digest.c):
 * most commands never do, and mapping libcrypto costs every process ~3 MiB of resident pages
 * (its relocations touch them) — a third of a `cpod run`'s peak memory. Without the library
 * the constructors return NULL and digest.c aborts with the load error already logged.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>

#include "lazy.h"
#include "banned.h"

#define CRYPTO_FUNCS(F, V, H)                                                                      \
	F(EVP_MD_CTX_new, EVP_MD_CTX *, NULL, (void), ())                                          \
	V(EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))                                              \
	F(EVP_sha256, const EVP_MD *, NULL, (void), ())                                            \
	F(EVP_DigestInit_ex, int, 0, (EVP_MD_CTX * ctx, const EVP_MD *type, ENGINE *impl),          \
	  (ctx, type, impl))                                                                       \
	F(EVP_DigestUpdate, int, 0, (EVP_MD_CTX * ctx, const void *d, size_t cnt), (ctx, d, cnt))  \
	F(EVP_DigestFinal_ex, int, 0, (EVP_MD_CTX * ctx, unsigned char *md, unsigned int *s),      \
	  (ctx, md, s))                                                                            \
	F(EVP_Digest, int, 0,                                                                      \
	  (const void *data, size_t count, unsigned char *md, unsigned int *size,                  \
	   const EVP_MD *type, ENGINE *impl),                                                      \
	  (data, count, md, size, type, impl))

enum { CRYPTO_FUNCS(LAZY_ENUM_F, LAZY_ENUM_V, LAZY_ENUM_H) N_SYMS };
static const char *const names[N_SYMS] = {CRYPTO_FUNCS(LAZY_NAME_F, LAZY_NAME_V, LAZY_NAME_H)};
static void *lazy_syms[N_SYMS];
static struct lazy_lib lib = {
	.soname = CPOD_CRYPTO_SONAME,
	.package = CPOD_CRYPTO_PACKAGE,
	.names = names,
	.syms = lazy_syms,
	.n_syms = N_SYMS,
};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	(void)lazy_lib_open(&lib);
}

static bool lazy_ready(void)
{
	pthread_once(&once, load);
	return lib.handle != NULL;
}

CRYPTO_FUNCS(LAZY_WRAP_F, LAZY_WRAP_V, LAZY_WRAP_H)
