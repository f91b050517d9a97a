/* SPDX-License-Identifier: Apache-2.0 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "digest.h"
#include "xalloc.h"
#include "banned.h"

struct digester {
	EVP_MD_CTX *ctx;
};

struct digester *digester_new(void)
{
	struct digester *d = xnew(struct digester, 1);
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
		abort();
	return d;
}

void digester_update(struct digester *d, const void *data, size_t len)
{
	EVP_DigestUpdate(d->ctx, data, len);
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void digester_final_hex(struct digester *d, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_DigestFinal_ex(d->ctx, md, &len);
	to_hex(md, len, hex);
}

struct digester *digester_free(struct digester *d)
{
	if (d) {
		EVP_MD_CTX_free(d->ctx);
		free(d);
	}
	return NULL;
}

void digest_sha256_hex(const void *data, size_t len, char hex[65])
{
	_cleanup_(digester_freep) struct digester *d = digester_new();
	digester_update(d, data, len);
	digester_final_hex(d, hex);
}

char *digest_sha256_string(const void *data, size_t len)
{
	char hex[65];
	digest_sha256_hex(data, len, hex);
	return xasprintf("sha256:%s", hex);
}

static bool is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool id_is_full_hex(const char *s)
{
	return strlen(s) == 64 && is_lower_hex(s, 64);
}

bool id_is_hex_prefix(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 64 && is_lower_hex(s, n);
}

bool digest_is_valid(const char *digest)
{
	return strncmp(digest, "sha256:", 7) == 0 && id_is_full_hex(digest + 7);
}

void id_random(char id[65])
{
	unsigned char raw[32];
	size_t got = 0;
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0)
			abort();
		got += (size_t)n;
	}
	to_hex(raw, sizeof(raw), id);
}
