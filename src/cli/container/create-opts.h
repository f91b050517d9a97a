/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_CREATE_OPTS_H
#define CPOD_CLI_CREATE_OPTS_H

/*
 * The flags `cpod create` and `cpod run` share (every flag `podman run --help` lists), and
 * their mapping to struct container_create_opts. Flags whose feature is not implemented yet
 * are parsed like Podman's and fail with "--X is not supported yet" only when used with a
 * value other than Podman's default.
 */
#include <stdbool.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "runtime/isolation.h"

#define CREATE_UNSUPPORTED_MAX 100

struct create_cli_opts {
	/* run only */
	bool detach;
	char *detach_keys;
	bool sig_proxy;
	/* create and run */
	char **annotation;
	char **attach;
	char *authfile;
	bool disable_content_trust;
	char *entrypoint;
	char **env;
	char **env_file;
	bool env_host;
	char *hostname;
	bool init;
	char *init_path;
	bool interactive;
	char **label;
	char **label_file;
	char *log_driver;
	char **log_opt;
	char *name;
	char **network;
	char *pull;
	bool quiet;
	bool read_only;
	bool rm;
	char *stop_signal;
	unsigned stop_timeout;
	unsigned timeout;      /* --timeout (its slot 86 is unused) */
	unsigned preserve_fds; /* run's --preserve-fds (its slot 1 is unused) */
	bool tls_verify;
	bool tty;
	char *tz;
	char **ulimit;
	char *user;
	char *workdir;
	/*
	 * one slot per flag of the second part of the table: read by name (create_flag_*), or
	 * refused when used if cpod does not implement it yet
	 */
	char *unsupported_str[CREATE_UNSUPPORTED_MAX];
	char **unsupported_arr[CREATE_UNSUPPORTED_MAX];
	bool unsupported_bool[CREATE_UNSUPPORTED_MAX];
};

/* The option tables: run's has -d, --detach-keys, --sig-proxy, --preserve-fds, --rmi. */
extern const struct cli_option create_cli_run_options[];
/* create's table: the same array without run's own first entries */
#define CREATE_RUN_ONLY_COUNT     6
#define create_cli_create_options (create_cli_run_options + CREATE_RUN_ONLY_COUNT)
/* Per unsupported slot: the value that is accepted because it is Podman's default, or NULL. */
extern const char *const create_unsupported_default[CREATE_UNSUPPORTED_MAX];

void create_cli_opts_init(void *opts);

/* The value of a slot flag by long name (NULL when not given), and whether it was used. */
const char *create_flag_str(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                            const char *name);
char *const *create_flag_arr(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                             const char *name);
bool create_flag_bool(const struct cli_ctx *ctx, const struct create_cli_opts *o, const char *name);

/* What create_cli_build() made; the arrays behind opts are owned here. */
struct create_build {
	struct container_create_opts opts;
	char **env;
	char **labels;
	char **annotations;
	char **entrypoint;
	char **command;
	char *log_path;
	/* attach streams for run (Podman: stdout+stderr, stdin with -i, or exactly --attach) */
	bool attach_stdin, attach_stdout, attach_stderr;
	struct isolation_opts *isolation;
	char *network;
	char **warnings; /* the engine's warnings, printed on stderr after create */
	char *platform_os, *platform_arch, *platform_variant; /* --platform, split */
	int cid_fd; /* --cidfile, opened (O_EXCL) before create when cid_open */
	bool cid_open;
};
void create_build_release(struct create_build *b);

/* --platform OS[/ARCH[/VARIANT]] into b->opts (create-extra.c); EINVAL with --os/--arch. */
int create_cli_platform(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                        struct create_build *b, struct cpod_error **err);
/*
 * Before container_create: check --replace has --name, open --cidfile (EEXIST with
 * Podman's message when it exists), and with --replace force-remove the container of that
 * name (printing the name on stdout as Podman does when one was removed).
 */
int create_cli_before(struct cli_ctx *ctx, const struct create_cli_opts *o, struct create_build *b,
                      struct cpod_error **err);
/* After container_create: write the ID (no newline, as Podman) to the --cidfile. */
int create_cli_after(struct create_build *b, const char *id, struct cpod_error **err);
/*
 * create_cli_before(), container_create() and create_cli_after() in turn: the new container
 * in *ret (free with container_free), or a negative errno with *err set.
 */
int create_cli_create(struct cli_ctx *ctx, const struct create_cli_opts *o, struct create_build *b,
                      struct container **ret, struct cpod_error **err);
/* Print the engine's warnings (Podman prints them on stderr, one a line). */
void create_build_print_warnings(const struct create_build *b);

/*
 * Check the flags and fill b from them and the positional arguments (IMAGE [COMMAND...]).
 * Errors are Podman's messages (EINVAL), or "--X is not supported yet" (ENOTSUP), or
 * "pulling is not available yet" for --pull always/newer. The strings in b->opts borrow from o
 * and argv, which must outlive b.
 */
int create_cli_build(struct cli_ctx *ctx, const struct create_cli_opts *o, int argc, char **argv,
                     struct create_build *b, struct cpod_error **err);

/* Podman's environment parsing (pkg/env): "K=V", "K" from the host, "K*" host globs. */
int create_env_parse(char ***env, const char *entry, struct cpod_error **err);
/* An --env-file: lines, blank and "#" lines skipped, each parsed as above. */
int create_env_file(char ***env, const char *path, struct cpod_error **err);
/* A --label-file: lines, blank and "#" lines skipped, "K" alone meaning "K=". */
int create_label_file(char ***labels, const char *path, struct cpod_error **err);

#endif
