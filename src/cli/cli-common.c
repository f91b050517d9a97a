/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli-common.h"
#include "banned.h"

bool cli_confirm(const char *warning, bool any_y)
{
	char line[256] = "";
	if (warning)
		printf("%s\n", warning);
	fputs("Are you sure you want to continue? [y/N] ", stdout);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	if (any_y)
		return line[0] == 'y' || line[0] == 'Y';
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0;
}

void cli_print_lines(char *const *v)
{
	for (; v && *v; v++)
		printf("%s\n", *v);
}

int cli_open_output(struct cli_ctx *ctx, const char *path, const char *stdout_alias,
                    const char *tty_error, int *ret_fd)
{
	if (path && *path && !(stdout_alias && strcmp(path, stdout_alias) == 0)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			char eb[128];
			return cli_errorf(ctx, "open %s: %s", path, errno_string(errno, eb));
		}
		*ret_fd = fd;
		return 0;
	}
	if (isatty(STDOUT_FILENO))
		return cli_errorf(ctx, "%s", tty_error);
	*ret_fd = -1;
	return 0;
}
