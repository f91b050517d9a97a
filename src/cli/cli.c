/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI driver: global options, command lookup through the tables in commands.c, argument
 * validation with cobra's messages, engine set-up and Podman's exit codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli-internal.h"
#include "engine/engine.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "cpod-config.h"
#include "banned.h"

#define G(field) offsetof(struct cli_global_opts, field)
const struct cli_option cli_global_options[] = {
	{"cgroup-manager", 0, CLI_OPT_STRING, G(cgroup_manager), "string",
	 "Cgroup manager to use (\"cgroupfs\"|\"systemd\")", NULL, 0, NULL},
	{"conmon", 0, CLI_OPT_STRING, G(conmon), "string", "Path of the conmon binary", NULL, 0, NULL},
	{"events-backend", 0, CLI_OPT_STRING, G(events_backend), "string",
	 "Events backend to use (\"file\"|\"journald\"|\"none\")", NULL, 0, NULL},
	{"help", 0, CLI_OPT_BOOL, G(help), NULL, "Help for cpod", NULL, 0, NULL},
	{"hooks-dir", 0, CLI_OPT_STRING_SLICE, G(hooks_dir), "strings",
	 "Set the OCI hooks directory path (may be set multiple times)", NULL, 0, NULL},
	{"log-level", 0, CLI_OPT_STRING, G(log_level), "string",
	 "Log messages above specified level (trace, debug, info, warn, warning, error, fatal, panic)",
	 "\"warn\"", 0, NULL},
	{"network-cmd-path", 0, CLI_OPT_STRING, G(network_cmd_path), "string",
	 "Path to the command for configuring the network", NULL, 0, NULL},
	{"network-config-dir", 0, CLI_OPT_STRING, G(network_config_dir), "string",
	 "Path of the configuration directory for networks", NULL, 0, NULL},
	{"noout", 0, CLI_OPT_BOOL, G(noout), NULL, "do not output to stdout", NULL, 0, NULL},
	{"root", 0, CLI_OPT_STRING, G(root), "string",
	 "Path to the root directory in which data, including images, is stored", NULL, 0, NULL},
	{"runroot", 0, CLI_OPT_STRING, G(runroot), "string",
	 "Path to the 'run directory' where all state information is stored", NULL, 0, NULL},
	{"runtime", 0, CLI_OPT_STRING, G(runtime), "string",
	 "Path to the OCI-compatible binary used to run containers", NULL, 0, NULL},
	{"storage-driver", 0, CLI_OPT_STRING, G(storage_driver), "string",
	 "Select which storage driver is used to manage storage of images and containers", NULL, 0,
	 NULL},
	{"storage-opt", 0, CLI_OPT_STRING_ARRAY, G(storage_opts), "stringArray",
	 "Used to pass an option to the storage driver", NULL, 0, NULL},
	{"tmpdir", 0, CLI_OPT_STRING, G(tmpdir), "string",
	 "Path to the tmp directory for libpod state content", NULL, 0, NULL},
	{"version", 'v', CLI_OPT_BOOL, G(version), NULL, "version for cpod", NULL, 0, NULL},
	CLI_OPT_END,
};
#undef G

static void cli_log_handler(enum log_level level, const char *msg, void *userdata)
{
	/* logrus' text formatter, which is what Podman prints on stderr */
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	const char *name = level == LOG_LEVEL_WARN ? "warning" : log_level_to_string(level);
	fprintf(stderr, "time=\"%s\" level=%s msg=\"", ts, name);
	for (const char *p = msg; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', stderr);
		fputc(*p, stderr);
	}
	fputs("\"\n", stderr);
}

int cli_exit_code(int code)
{
	switch (code) {
	case CPOD_ENOTFOUND_CMD:
		return 127;
	case CPOD_ECANNOT_INVOKE:
		return 126;
	default:
		return 125;
	}
}

int cli_start_exit_code(const struct cpod_error *err)
{
	int code = cli_exit_code(err ? err->code : EIO);
	if (code != 125 || !err)
		return code;
	/* Podman's define.ExitCode(): the message decides */
	if (strcasestr(err->msg, "not found") || strcasestr(err->msg, "no such file") ||
	    strcasestr(err->msg, "executable path is empty"))
		return 127;
	return 126;
}

int cli_error(struct cli_ctx *ctx, const struct cpod_error *err)
{
	fflush(stdout);
	fprintf(stderr, "Error: %s\n", err ? err->msg : "unknown error");
	return cli_exit_code(err ? err->code : EIO);
}

int cli_errorf(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 125;
}

void cli_print_json(FILE *out, const json_t *j)
{
	_cleanup_free_ char *s = json_dump_pretty(j);
	fprintf(out, "%s\n", s);
}

struct engine *cli_engine(struct cli_ctx *ctx, struct cpod_error **err)
{
	if (ctx->engine)
		return ctx->engine;
	struct engine_options o = {
		.root = ctx->global.root,
		.runroot = ctx->global.runroot,
		.storage_driver = ctx->global.storage_driver,
		.storage_opts = ctx->global.storage_opts,
		.runtime = ctx->global.runtime,
		.conmon = ctx->global.conmon,
		.cgroup_manager = ctx->global.cgroup_manager,
		.events_backend = ctx->global.events_backend,
		.tmpdir = ctx->global.tmpdir,
	};
	if (engine_new(&o, &ctx->engine, err) < 0)
		return NULL;
	return ctx->engine;
}

const struct cli_command *cli_find_subcommand(const struct cli_command *group, const char *name)
{
	for (size_t i = 0; group->subcommands && group->subcommands[i]; i++) {
		const struct cli_command *c = group->subcommands[i];
		if (strcmp(c->name, name) == 0)
			return c;
		const struct cli_command *t = c->alias_of ? c->alias_of : c;
		for (size_t k = 0; t->aliases && t->aliases[k]; k++)
			if (strcmp(t->aliases[k], name) == 0 && !c->alias_of)
				return c;
	}
	return NULL;
}

static int check_arg_count(const struct cli_command *c, const char *path, int argc)
{
	if (c->max_args == 0 && argc > 0)
		return cli_errorf(NULL, "`%s` takes no arguments", path);
	if (c->min_args == c->max_args && argc != c->min_args)
		return cli_errorf(NULL, "accepts %d arg(s), received %d", c->min_args, argc);
	if (argc < c->min_args) {
		if (c->max_args < 0)
			return cli_errorf(NULL, "requires at least %d arg(s), only received %d",
					  c->min_args, argc);
		return cli_errorf(NULL, "accepts between %d and %d arg(s), received %d",
				  c->min_args, c->max_args, argc);
	}
	if (c->max_args >= 0 && argc > c->max_args) {
		if (c->min_args == 0)
			return cli_errorf(NULL, "accepts at most %d arg(s), received %d", c->max_args,
					  argc);
		return cli_errorf(NULL, "accepts between %d and %d arg(s), received %d",
				  c->min_args, c->max_args, argc);
	}
	return 0;
}

static int apply_global(struct cli_ctx *ctx)
{
	if (ctx->global.log_level) {
		enum log_level l = log_level_from_string(ctx->global.log_level);
		if (l == _LOG_LEVEL_INVALID) {
			fprintf(stderr,
				"Log Level \"%s\" is not supported, choose from: trace, debug, info, "
				"warn, warning, error, fatal, panic\n",
				ctx->global.log_level);
			return 1;
		}
		log_set_level(l);
	}
	return 0;
}

static int run_leaf(struct cli_ctx *ctx, const struct cli_command *entry, const char *path,
		    int argc, char **argv)
{
	const struct cli_command *c = entry->alias_of ? entry->alias_of : entry;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ void *opts = xzalloc(c->opts_size ? c->opts_size : 1);
	_cleanup_free_ char **args = NULL;
	int nargs = 0;

	if (c->opts_init)
		c->opts_init(opts);
	ctx->cmd = c;
	ctx->path = path;
	if (cli_parse_args(c, opts, ctx, argc, argv, &nargs, &args, &err) < 0) {
		fprintf(stderr, "Error: %s\nSee '%s --help'\n", err->msg, path);
		cli_opts_release(c->options, opts);
		return 125;
	}
	int r = apply_global(ctx);
	if (r == 0 && ctx->global.help) {
		cli_print_help(stdout, entry, path);
	} else if (r == 0 && (r = check_arg_count(c, path, nargs)) == 0) {
		if ((c->flags & CLI_NEEDS_ENGINE) && !cli_engine(ctx, &err))
			r = cli_error(ctx, err);
		else
			r = c->run(ctx, opts, nargs, args);
	}
	cli_opts_release(c->options, opts);
	return r;
}

/*
 * The file descriptors (3 and up) this process inherited, taken before cpod opens anything:
 * --preserve-fds may only hand those to a container, never one of cpod's own (its state
 * database...), as Podman checks too. Process-wide by nature; written once at start-up.
 */
#define INHERITED_FDS_MAX 1024
static unsigned char inherited_fds[INHERITED_FDS_MAX / 8];

static void snapshot_inherited_fds(void)
{
	for (int fd = 3; fd < INHERITED_FDS_MAX; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			inherited_fds[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

int cli_check_preserve_fds(unsigned n)
{
	for (unsigned fd = 3; fd < 3 + n; fd++)
		if (fd >= INHERITED_FDS_MAX || !(inherited_fds[fd / 8] & (1u << (fd % 8))))
			return cli_errorf(NULL,
					  "file descriptor %u is not available - the preserve-fds "
					  "option requires that all file descriptors must be passed",
					  fd);
	return 0;
}

/* bench/: the engine's own peak memory, without the runtime processes it waits for */
static void report_peak_rss(void)
{
	_cleanup_free_ char *status = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/status", 65536, &status, NULL) < 0)
		return;
	const char *hwm = strstr(status, "VmHWM:");
	if (hwm)
		fprintf(stderr, "cpod: peak rss %ld kB\n", strtol(hwm + 6, NULL, 10));
}

int cli_main(int argc, char **argv)
{
	struct cli_ctx ctx = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char **rest = NULL;
	int nrest = 0, r;

	snapshot_inherited_fds();
	ctx.argv = argv;
	log_set_handler(cli_log_handler, NULL);
	if (getenv("CPOD_LOG_LEVEL"))
		ctx.global.log_level = getenv("CPOD_LOG_LEVEL");

	/* global options up to the command name */
	if (cli_parse_args(&cli_root_command, NULL, &ctx, argc - 1, argv + 1, &nrest, &rest,
			   &err) < 0) {
		fprintf(stderr, "Error: %s\nSee 'cpod --help'\n", err->msg);
		r = 125;
		goto out;
	}
	if ((r = apply_global(&ctx)))
		goto out;
	if (ctx.global.version) {
		printf("cpod version %s\n", CPOD_VERSION);
		goto out;
	}

	const struct cli_command *cmd = &cli_root_command;
	_cleanup_buf_ struct buf path = BUF_INIT;
	buf_puts(&path, "cpod");
	int i = 0;
	while (cmd->subcommands) {
		if (i >= nrest) {
			cli_print_help(stdout, cmd, buf_str(&path));
			if (ctx.global.help)
				goto out;
			fflush(stdout);
			fprintf(stderr, "Error: missing command '%s COMMAND'\n", buf_str(&path));
			r = 125;
			goto out;
		}
		const char *word = rest[i];
		if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
			cli_print_help(stdout, cmd, buf_str(&path));
			goto out;
		}
		const struct cli_command *sub = cli_find_subcommand(cmd, word);
		if (!sub) {
			fprintf(stderr,
				"Error: unrecognized command `%s %s`\nTry '%s --help' for more "
				"information\n",
				buf_str(&path), word, buf_str(&path));
			r = 125;
			goto out;
		}
		buf_printf(&path, " %s", sub->name);
		cmd = sub;
		i++;
		if (cmd->alias_of && cmd->alias_of->subcommands)
			cmd = cmd->alias_of;
	}
	/* the root's non-interspersed parse stops at the command; the rest belongs to the verb */
	int first = 0;
	for (int k = 1, seen = 0; k < argc; k++)
		if (argv[k] == rest[i - 1] && ++seen) {
			first = k + 1;
			break;
		}
	r = run_leaf(&ctx, cmd, buf_str(&path), argc - first, argv + first);
out:
	if (getenv("CPOD_REPORT_RSS"))
		report_peak_rss();
	strv_free(ctx.changed);
	cli_opts_release(cli_global_options, &ctx.global);
	if (ctx.engine)
		engine_free(ctx.engine);
	fflush(stdout);
	return r;
}
