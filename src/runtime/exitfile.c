/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "exitfile.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define EXITFILE_MAX 64
#define POLL_MS      100

static int parse_code(const char *text, int *ret)
{
	while (*text == ' ' || *text == '\n')
		text++;
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || errno || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	while (*end == ' ' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

int exitfile_read(const char *exit_dir, const char *id, int *ret_code, struct cpod_error **err)
{
	if (!id || !*id || strchr(id, '/'))
		return cpod_error_set(err, EINVAL, "invalid container ID \"%s\"", id ? id : "");
	_cleanup_free_ char *path = path_join(exit_dir, id);
	_cleanup_free_ char *text = NULL;
	int r = read_file_at(AT_FDCWD, path, EXITFILE_MAX, &text, NULL);
	if (r == -ENOENT)
		return cpod_error_set(err, ENOENT, "exit file %s does not exist", path);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read exit file %s", path);
	if (parse_code(text, ret_code) < 0)
		return cpod_error_set(err, EINVAL, "invalid exit code \"%s\" in %s", text, path);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int exitfile_wait(const char *exit_dir, const char *id, int timeout_ms, int *ret_code,
                  struct cpod_error **err)
{
	_cleanup_close_ int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ino >= 0 && inotify_add_watch(ino, exit_dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		close(ino);
		ino = -1;
	}
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		_cleanup_error_ struct cpod_error *e = NULL;
		int r = exitfile_read(exit_dir, id, ret_code, &e);
		if (r == 0)
			return 0;
		if (r != -ENOENT) {
			cpod_error_move(err, &e);
			return r;
		}
		int wait = POLL_MS;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return cpod_error_set(err, ETIMEDOUT,
				                      "timed out waiting for the exit file of %s",
				                      id);
			if (left < wait)
				wait = (int)left;
		}
		if (ino < 0) {
			struct timespec ts = {0, (long)wait * 1000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = {ino, POLLIN, 0};
		if (poll(&p, 1, wait) > 0) {
			char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
			while (read(ino, buf, sizeof(buf)) > 0)
				;
		}
	}
}

int exitfile_remove(const char *exit_dir, const char *id)
{
	_cleanup_free_ char *path = path_join(exit_dir, id);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

bool exitfile_oom(const char *dir)
{
	if (!dir)
		return false;
	_cleanup_free_ char *path = path_join(dir, "oom");
	return access(path, F_OK) == 0;
}
