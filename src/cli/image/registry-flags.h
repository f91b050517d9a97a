/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_IMAGE_REGISTRY_FLAGS_H
#define CPOD_CLI_IMAGE_REGISTRY_FLAGS_H

/*
 * The registry access flags shared by pull, push, login, logout, search and manifest push
 * (--authfile, --cert-dir, --creds, --tls-verify, --retry, --retry-delay). A verb embeds
 * struct registry_flags in its options struct as the member `reg` and lists the
 * REGISTRY_FLAG_* entries it supports in its table.
 */
#include <stdbool.h>

#include "cli/cli.h"
#include "image/pull.h"

struct registry_flags {
	char *authfile;
	char *cert_dir;
	char *creds;
	bool tls_verify;
	unsigned retry;
	char *retry_delay;
};

#define REGISTRY_FLAG_AUTHFILE(st)                                                                 \
	CLI_STRING("authfile", 0, st, reg.authfile,                                                \
	           "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable " \
	           "to override")
#define REGISTRY_FLAG_CERT_DIR(st, argname)                                                        \
	CLI_OPT("cert-dir", 0, CLI_OPT_STRING, st, reg.cert_dir, argname,                          \
	        "Pathname of a directory containing TLS certificates and keys")
#define REGISTRY_FLAG_CREDS(st)                                                                    \
	CLI_OPT("creds", 0, CLI_OPT_STRING, st, reg.creds, "Credentials",                          \
	        "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
#define REGISTRY_FLAG_TLS_VERIFY(st)                                                               \
	{                                                                                          \
		.long_name = "tls-verify", .type = CLI_OPT_BOOL,                                   \
		.offset = offsetof(st, reg.tls_verify),                                            \
		.help = "Require HTTPS and verify certificates when contacting registries",        \
		.def_help = "true"                                                                 \
	}
#define REGISTRY_FLAG_RETRY(st)                                                                    \
	{.long_name = "retry",                                                                     \
	 .type = CLI_OPT_UINT,                                                                     \
	 .offset = offsetof(st, reg.retry),                                                        \
	 .arg_name = "uint",                                                                       \
	 .help = "number of times to retry in case of failure when performing pull",               \
	 .flags = CLI_OPT_HIDDEN},                                                                 \
	{                                                                                          \
		.long_name = "retry-delay", .type = CLI_OPT_STRING,                                \
		.offset = offsetof(st, reg.retry_delay), .arg_name = "string",                     \
		.help = "delay between retries in case of pull failures", .flags = CLI_OPT_HIDDEN  \
	}

/* Fill *a from the flags (tls_verify -1 unless given); -EINVAL for a bad --retry-delay. */
int registry_flags_access(struct cli_ctx *ctx, const struct registry_flags *f,
                          struct image_registry_access *a, struct cpod_error **err);

/* Parse a Go duration ("500ms", "2s", "1m") into milliseconds. */
int registry_flags_duration_ms(const char *s, unsigned *ret);

#endif
