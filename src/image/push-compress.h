/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_PUSH_COMPRESS_H
#define CPOD_IMAGE_PUSH_COMPRESS_H

/* Layer compression for push (push-compress.c); internal to the image layer. */
#include <stdint.h>

#include "util/error.h"

enum push_compression { PUSH_PLAIN, PUSH_GZIP, PUSH_ZSTD };

/* The compression of the blob in fd, from its magic bytes at offset 0. */
enum push_compression push_sniff(int fd);

/*
 * Decompress the blob in (any of the three) and write it compressed with `to` (gzip or zstd)
 * into out, left at offset 0. *ret_digest ("sha256:...", owned) and *ret_size describe out.
 */
int push_compress(int in, enum push_compression to, int out, char **ret_digest, int64_t *ret_size,
                  struct cpod_error **err);

#endif
