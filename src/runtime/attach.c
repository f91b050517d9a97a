/* SPDX-License-Identifier: Apache-2.0 */
/* The attach client: connect, resize, relay with detach keys. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* conmon sends at most STDIO_BUF_SIZE (8192) bytes plus the prefix; keep room to spare */
#define SOCK_READ_MAX (32 * 1024 + 1)
#define STDIN_READ    8192

int attach_connect(const char *path, int *ret_fd, struct cpod_error **err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int dirfd = -1;
	if (strlen(path) < sizeof(addr.sun_path)) {
		memcpy(addr.sun_path, path, strlen(path) + 1);
	} else {
		/* too long for sun_path: go through the directory's /proc/self/fd entry */
		const char *slash = strrchr(path, '/');
		_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : NULL;
		const char *name = slash ? slash + 1 : path;
		dirfd = open(dir && *dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return cpod_error_set_errno(
			        err, errno,
			        "failed to connect to container's attach socket: "
			        "%s",
			        path);
		int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dirfd,
		                 name);
		if (n < 0 || (size_t)n >= sizeof(addr.sun_path))
			return cpod_error_set(err, ENAMETOOLONG,
			                      "failed to connect to container's attach socket: %s: "
			                      "name too long",
			                      path);
	}
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "create attach socket");
	int r;
	do {
		r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return cpod_error_set_errno(
		        err, errno, "failed to connect to container's attach socket: %s", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int attach_resize(const char *ctl_path, unsigned rows, unsigned cols, struct cpod_error **err)
{
	_cleanup_close_ int fd = open(ctl_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(
		        err, errno, "could not open ctl file %s for terminal resize", ctl_path);
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %u %u\n", 1, rows, cols);
	int r = write_all(fd, line, (size_t)n);
	if (r < 0)
		return cpod_error_set_errno(err, -r,
		                            "failed to write to ctl file to resize terminal");
	return 0;
}

/* Resize from the terminal's size, if in_fd is one; failures are not worth an error. */
static void sync_size(const struct attach_opts *o)
{
	struct winsize ws;
	if (!o->ctl_path || ioctl(o->in_fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
		return;
	attach_resize(o->ctl_path, ws.ws_row, ws.ws_col, NULL);
}

struct relay {
	const struct attach_opts *o;
	int sock;
	int in_fd; /* -1 once stdin reached EOF */
	int sigfd; /* SIGWINCH, or -1 */
	struct attach_detach_matcher matcher;
	bool detached;
};

/* Send stdin bytes in messages conmon reads whole. */
static int send_all(int sock, const unsigned char *data, size_t len)
{
	while (len) {
		size_t chunk = len < STDIN_READ ? len : STDIN_READ;
		ssize_t n = send(sock, data, chunk, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One message from conmon; 1 when the output ended, 0 to go on, -errno. */
static int on_socket(struct relay *r, unsigned char *buf)
{
	ssize_t n = recv(r->sock, buf, SOCK_READ_MAX, 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0 && errno == ECONNRESET)
		return 1;
	if (n < 0)
		return -errno;
	if (n == 0)
		return 1;
	int fd = -1;
	if (buf[0] == ATTACH_PIPE_STDOUT)
		fd = r->o->out_fd;
	else if (buf[0] == ATTACH_PIPE_STDERR)
		fd = r->o->err_fd;
	if (fd < 0 || n == 1)
		return 0;
	return write_all(fd, buf + 1, (size_t)n - 1);
}

/* Stdin bytes; 1 on detach, 0 to go on, -errno. */
static int on_stdin(struct relay *r)
{
	unsigned char in[STDIN_READ], out[STDIN_READ + ATTACH_DETACH_KEYS_MAX];
	ssize_t n = read(r->in_fd, in, sizeof(in));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		/* EOF (or a broken input): hand over what was held back, then end stdin */
		size_t held = attach_detach_matcher_flush(&r->matcher, out);
		int w = send_all(r->sock, out, held);
		r->in_fd = -1;
		shutdown(r->sock, SHUT_WR);
		return w;
	}
	size_t out_len;
	bool detach = attach_detach_matcher_feed(&r->matcher, in, (size_t)n, out, &out_len);
	int w = send_all(r->sock, out, out_len);
	if (w < 0)
		return w;
	if (detach) {
		r->detached = true;
		return 1;
	}
	return 0;
}

static int relay_loop(struct relay *r)
{
	_cleanup_free_ unsigned char *buf = xmalloc(SOCK_READ_MAX);
	for (;;) {
		struct pollfd p[3] = {
		        {r->sock, POLLIN, 0}, {r->in_fd, POLLIN, 0}, {r->sigfd, POLLIN, 0}};
		int n = poll(p, 3, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			sync_size(r->o);
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int s = on_socket(r, buf);
			if (s != 0)
				return s < 0 ? s : 0;
		}
		if (r->in_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			int s = on_stdin(r);
			if (s < 0 && s != -EPIPE)
				return s;
			if (s == 1) {
				shutdown(r->sock, SHUT_WR);
				return 0;
			}
		}
	}
}

int attach_run(const struct attach_opts *o, bool *ret_detached, struct cpod_error **err)
{
	struct attach_detach_keys keys;
	int r = attach_parse_detach_keys(o->detach_keys, &keys, err);
	if (r < 0)
		return r;
	bool tty = o->terminal && o->in_fd >= 0 && isatty(o->in_fd);
	if (tty)
		sync_size(o);
	_cleanup_close_ int sock = -1;
	r = attach_connect(o->socket_path, &sock, err);
	if (r < 0)
		return r;
	if (o->start) {
		r = o->start(o->userdata, err);
		if (r < 0)
			return r;
	}

	struct termios saved;
	bool raw = false;
	if (tty && tcgetattr(o->in_fd, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(o->in_fd, TCSANOW, &t) == 0;
	}
	sigset_t winch, old;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	_cleanup_close_ int sigfd = -1;
	if (tty && o->ctl_path && sigprocmask(SIG_BLOCK, &winch, &old) == 0) {
		sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sigfd < 0)
			sigprocmask(SIG_SETMASK, &old, NULL);
	}

	struct relay rl = {
	        .o = o,
	        .sock = sock,
	        .in_fd = o->in_fd,
	        .sigfd = sigfd,
	        .matcher = {.keys = &keys},
	};
	r = relay_loop(&rl);

	if (sigfd >= 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (raw)
		tcsetattr(o->in_fd, TCSANOW, &saved);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "attach");
	if (ret_detached)
		*ret_detached = rl.detached;
	return 0;
}
