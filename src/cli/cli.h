/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_H
#define CPOD_CLI_H

/*
 * The command-line front end: a table of commands (one verb per file), each with a table of
 * options from which parsing and --help are generated. A verb parses into its own options
 * struct, calls the engine, formats, and returns an exit code; it holds no engine logic.
 *
 * Adding a verb:
 *   1. write src/cli/<group>/<verb>.c defining `const struct cli_command cmd_<group>_<verb>`
 *      (see src/cli/system/version.c for the smallest complete example);
 *   2. declare it in src/cli/commands.h;
 *   3. list it in its group's table in src/cli/commands.c (and as a top-level alias there if
 *      Podman has one, e.g. `images` for `image list`);
 *   4. add the file to src/cli/meson.build.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

struct engine;
struct cli_ctx;

enum cli_opt_type {
	CLI_OPT_BOOL,   /* bool */
	CLI_OPT_STRING, /* char * (owned by the parser's arena, valid for the whole run) */
	CLI_OPT_STRING_ARRAY, /* char ** NULL-terminated; every occurrence appends (pflag stringArray) */
	CLI_OPT_STRING_SLICE, /* char **; every occurrence appends its comma-separated values (pflag strings) */
	CLI_OPT_INT,    /* int */
	CLI_OPT_UINT,   /* unsigned int */
	CLI_OPT_INT64,  /* int64_t */
};

enum cli_opt_flags {
	CLI_OPT_HIDDEN = 1 << 0,  /* parsed but not shown in --help */
	CLI_OPT_NOOPT = 1 << 1,   /* value optional: `--flag` alone means noopt_value */
};

struct cli_option {
	const char *long_name;
	char short_name; /* 0: none */
	enum cli_opt_type type;
	size_t offset;          /* of the target field in the command's options struct */
	const char *arg_name;   /* shown in help after the flag ("string", "strings", "int", ...) */
	const char *help;
	const char *def_help;   /* shown as (default X) in help, NULL for none */
	unsigned flags;
	const char *noopt_value;
};

#define CLI_OPT(l, s, t, st, field, argname, h)                                                   \
	{ .long_name = (l), .short_name = (s), .type = (t), .offset = offsetof(st, field),        \
	  .arg_name = (argname), .help = (h) }
#define CLI_BOOL(l, s, st, field, h) CLI_OPT(l, s, CLI_OPT_BOOL, st, field, NULL, h)
#define CLI_STRING(l, s, st, field, h) CLI_OPT(l, s, CLI_OPT_STRING, st, field, "string", h)
#define CLI_STRINGS(l, s, st, field, h)                                                           \
	CLI_OPT(l, s, CLI_OPT_STRING_SLICE, st, field, "strings", h)
#define CLI_STRING_ARRAY(l, s, st, field, h)                                                      \
	CLI_OPT(l, s, CLI_OPT_STRING_ARRAY, st, field, "stringArray", h)
#define CLI_INT(l, s, st, field, h) CLI_OPT(l, s, CLI_OPT_INT, st, field, "int", h)
#define CLI_UINT(l, s, st, field, h) CLI_OPT(l, s, CLI_OPT_UINT, st, field, "uint", h)
#define CLI_OPT_END { .long_name = NULL }

enum cli_command_flags {
	CLI_NO_INTERSPERSE = 1 << 0, /* flags end at the first positional (run, exec, create) */
	CLI_NEEDS_ENGINE = 1 << 1,   /* set up the engine context before running */
	CLI_HIDDEN = 1 << 2,         /* not listed in the parent's help */
};

struct cli_command {
	const char *name;
	const char *const *aliases;     /* other names under the same parent, NULL-terminated */
	const char *short_help;         /* one line, listed by the parent */
	const char *long_help;          /* the Description paragraph; short_help when NULL */
	const char *usage;              /* after the command path: "[options] IMAGE [IMAGE...]" */
	const char *examples;           /* lines, without indentation; NULL for none */
	int min_args, max_args;         /* -1: no maximum */
	unsigned flags;
	const struct cli_option *options;
	size_t opts_size;               /* size of the options struct the table points into */
	void (*opts_init)(void *opts);  /* set defaults; NULL: all zero */
	int (*run)(struct cli_ctx *ctx, void *opts, int argc, char **argv);
	const struct cli_command *const *subcommands; /* a group: NULL-terminated */
	const struct cli_command *alias_of; /* a top-level alias: runs that command */
};

/* Global options (Podman's root flags); filled before any command runs. */
struct cli_global_opts {
	char *root;
	char *runroot;
	char *runtime;
	char *conmon;
	char *log_level;
	char *storage_driver;
	char **storage_opts;
	char *cgroup_manager;
	char *events_backend;
	char *tmpdir;
	char **hooks_dir;
	char *network_cmd_path;
	char *network_config_dir;
	bool version;
	bool help;
	bool noout;
};

struct cli_ctx {
	struct cli_global_opts global;
	const char *path;         /* "cpod image list" — the command as the user called it */
	const struct cli_command *cmd;
	struct engine *engine;    /* set for CLI_NEEDS_ENGINE commands */
	char **changed;           /* long names of the flags given on the command line */
	char **argv;              /* the whole command line, as the process got it */
};

/* True if the flag (long name) was given explicitly. */
bool cli_flag_changed(const struct cli_ctx *ctx, const char *long_name);

/*
 * Print "Error: <msg>" on stderr (Podman's form) and return the exit code for it:
 * 125 by default, 126/127 for CPOD_ECANNOT_INVOKE/CPOD_ENOTFOUND_CMD.
 */
int cli_error(struct cli_ctx *ctx, const struct cpod_error *err);
int cli_errorf(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map an error code to Podman's exit code (125 default). */
int cli_exit_code(int code);
/*
 * The exit code of `run` when the container was created but did not start: as Podman's
 * define.ExitCode(), 127 when the message says something was not found, else 126.
 */
int cli_start_exit_code(const struct cpod_error *err);

/*
 * Open the engine on demand (commands that only sometimes need it). Returns NULL with *err
 * set on failure. The engine lives until the process ends.
 */
struct engine *cli_engine(struct cli_ctx *ctx, struct cpod_error **err);

/* Print a JSON value the way Podman prints it (4-space indent) followed by a newline. */
struct json_t;
void cli_print_json(FILE *out, const struct json_t *j);

/* Help: the full --help page of cmd (path is "cpod image list"). */
void cli_print_help(FILE *out, const struct cli_command *cmd, const char *path);

/* Argument parsing, exposed for the unit tests. Returns 0 or a negative errno, with *err. */
int cli_parse_args(const struct cli_command *cmd, void *opts, struct cli_ctx *ctx, int argc,
		   char **argv, int *ret_argc, char ***ret_argv, struct cpod_error **err);

/*
 * --preserve-fds N: 0 if fds 3..3+N-1 were all inherited by this process, else Podman's error
 * printed and 125 returned (cpod's own descriptors must never reach a container).
 */
int cli_check_preserve_fds(unsigned n);

/* Run the CLI as main() does; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
