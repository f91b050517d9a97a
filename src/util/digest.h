/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_DIGEST_H
#define CPOD_DIGEST_H

/*
 * SHA-256 digests (OpenSSL libcrypto) and random IDs.
 * A digest string is "sha256:" + 64 lowercase hex characters.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

struct digester;

/* Start a streaming SHA-256; free with digester_free(). */
struct digester *digester_new(void);
void digester_update(struct digester *d, const void *data, size_t len);
/* Finish and write 64 hex characters plus NUL into hex[65]. The digester can't be reused. */
void digester_final_hex(struct digester *d, char hex[65]);
struct digester *digester_free(struct digester *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct digester *, digester_free)

/* One-shot: "sha256:<hex>" of data, owned string. */
char *digest_sha256_string(const void *data, size_t len);
/* Hex only (64 chars + NUL). */
void digest_sha256_hex(const void *data, size_t len, char hex[65]);

/* True for "sha256:" followed by 64 lowercase hex characters. */
bool digest_is_valid(const char *digest);
/* True for 64 lowercase hex characters exactly. */
bool id_is_full_hex(const char *s);
/* True for 1..64 lowercase hex characters (a possibly truncated ID). */
bool id_is_hex_prefix(const char *s);

/* A new random 64-hex-character ID (from getrandom), written into id[65]. */
void id_random(char id[65]);

#endif
