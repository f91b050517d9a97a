/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod login`: check credentials against a registry and store them in auth.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "image/pull.h"
#include "registry-flags.h"
#include "banned.h"

struct login_opts {
	bool get_login, password_stdin, verbose;
	char *username, *password;
	struct registry_flags reg;
};

static const struct cli_option login_options[] = {
        REGISTRY_FLAG_AUTHFILE(struct login_opts),
        REGISTRY_FLAG_CERT_DIR(struct login_opts, "string"),
        CLI_BOOL("get-login", 0, struct login_opts, get_login,
                 "Return the current login user for the registry"),
        CLI_STRING("password", 'p', struct login_opts, password, "Password for registry"),
        CLI_BOOL("password-stdin", 0, struct login_opts, password_stdin,
                 "Take the password from stdin"),
        REGISTRY_FLAG_TLS_VERIFY(struct login_opts),
        CLI_STRING("username", 'u', struct login_opts, username, "Username for registry"),
        CLI_BOOL("verbose", 'v', struct login_opts, verbose,
                 "Write more detailed information to stdout"),
        CLI_OPT_END,
};

/* One line of stdin without its newline; owned, NULL at EOF. */
static char *read_line(const char *prompt, bool echo)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	if (prompt && tty) {
		fputs(prompt, stdout);
		fflush(stdout);
	}
	if (!echo && tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	} else {
		echo = true;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (!echo) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stdout);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	return line;
}

static int login_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct login_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *user = NULL, *pass = NULL, *current = NULL;
	if (argc < 1)
		return cli_errorf(ctx, "please provide a registry to login to");
	const char *key = argv[0];
	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	if (opts->get_login) {
		if (image_login_get(key, opts->reg.authfile, &current, &err) < 0)
			return cli_error(ctx, err);
		printf("%s\n", current);
		return 0;
	}
	if (opts->password_stdin && opts->password)
		return cli_errorf(ctx, "can't specify both --password-stdin and --password");
	if (opts->password_stdin && !opts->username)
		return cli_errorf(ctx, "must provide --username with --password-stdin");
	user = opts->username ? strdup(opts->username) : read_line("Username: ", true);
	if (!user)
		return cli_errorf(ctx, "getting username and password: reading username: EOF");
	if (opts->password)
		pass = strdup(opts->password);
	else
		pass = read_line(opts->password_stdin ? NULL : "Password: ", false);
	if (!pass)
		return cli_errorf(ctx, "getting username and password: reading password: EOF");
	struct image_registry_access a;
	if (registry_flags_access(ctx, &opts->reg, &a, &err) < 0)
		return cli_error(ctx, err);
	a.username = user;
	a.password = pass;
	int r = image_login(key, &a, &err);
	explicit_bzero(pass, strlen(pass));
	if (r < 0)
		return cli_error(ctx, err);
	printf("Login Succeeded!\n");
	return 0;
}

const struct cli_command cmd_login = {
        .name = "login",
        .short_help = "Login to a container registry",
        .long_help = "Login to a container registry on a specified server.",
        .usage = "[options] [REGISTRY]",
        .examples = "cpod login quay.io\ncpod login --username ... --password ... quay.io\n"
                    "cpod login --authfile dir/auth.json quay.io",
        .min_args = 0,
        .max_args = 1,
        .options = login_options,
        .opts_size = sizeof(struct login_opts),
        .run = login_run,
};
