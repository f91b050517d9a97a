/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "util/banned.h"

_Noreturn void runtime_child_fail(int report_fd, int stage, int errnum)
{
	struct runtime_child_report rep = {stage, errnum};
	ssize_t n = write(report_fd, &rep, sizeof(rep));
	(void)n;
	_exit(127);
}

bool runtime_child_failed(int report_fd, pid_t pid, struct runtime_child_report *ret)
{
	struct runtime_child_report rep;
	ssize_t n;
	do {
		n = read(report_fd, &rep, sizeof(rep));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rep))
		return false;
	runtime_wait_status(pid);
	*ret = rep;
	return true;
}

int runtime_wait_status(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

void runtime_close_pair(int p[2])
{
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
}
