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

LAZY_LIBRARY(CRYPTO_FUNCS, CPOD_CRYPTO_SONAME, CPOD_CRYPTO_PACKAGE)
