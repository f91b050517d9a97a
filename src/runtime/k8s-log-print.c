/* SPDX-License-Identifier: Apache-2.0 */
/* `podman logs` over a k8s-file log: joining partial lines, tail, since/until, follow. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "k8s-log.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define FOLLOW_CHECK_MS 250
#define READ_CHUNK      65536

/* A logical line ready to print (owned text). */
struct record {
	int64_t time_ns;
	int tz_offset;
	enum k8s_stream stream;
	char *msg;
	size_t len;
	bool newline; /* false: trailing partial parts without their full line (at EOF) */
};

struct printer {
	const struct k8s_log_opts *o;
	/* partial parts waiting for their full line, per stream */
	struct buf pending[_K8S_STREAM_MAX];
	int64_t pending_time[_K8S_STREAM_MAX];
	int pending_offset[_K8S_STREAM_MAX];
	bool has_pending[_K8S_STREAM_MAX];
	/* tail: a ring of the last o->tail records (NULL when not tailing) */
	struct record *ring;
	size_t ring_size, ring_start, ring_len;
	bool tailing; /* still collecting the tail (before the first follow wait) */
	int error;    /* first write error, -errno */
};

static void record_release(struct record *r)
{
	free(r->msg);
	r->msg = NULL;
}

static bool in_window(const struct k8s_log_opts *o, int64_t t)
{
	if (o->since_ns && t <= o->since_ns)
		return false;
	if (o->until_ns && t >= o->until_ns)
		return false;
	return true;
}

static void emit(struct printer *p, const struct record *r)
{
	const struct k8s_log_opts *o = p->o;
	int fd = r->stream == K8S_STREAM_STDOUT ? o->out_fd : o->err_fd;
	if (fd < 0 || p->error)
		return;
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (o->prefix)
		buf_puts(&b, o->prefix);
	if (o->timestamps) {
		char ts[64];
		buf_puts(&b, k8s_log_format_time(r->time_ns, r->tz_offset, ts, sizeof(ts)));
		buf_putc(&b, ' ');
	}
	buf_append(&b, r->msg, r->len);
	if (r->newline)
		buf_putc(&b, '\n');
	int w = write_all(fd, b.data, b.len);
	if (w < 0)
		p->error = w;
}

/* A complete logical line: print it, or keep it in the tail ring. */
static void deliver(struct printer *p, struct record *r)
{
	if (!in_window(p->o, r->time_ns)) {
		record_release(r);
		return;
	}
	if (!p->tailing || !p->ring) {
		if (!p->tailing || p->o->tail < 0)
			emit(p, r);
		record_release(r);
		return;
	}
	size_t slot;
	if (p->ring_len < p->ring_size) {
		slot = (p->ring_start + p->ring_len++) % p->ring_size;
	} else {
		slot = p->ring_start;
		record_release(&p->ring[slot]);
		p->ring_start = (p->ring_start + 1) % p->ring_size;
	}
	p->ring[slot] = *r;
	r->msg = NULL;
}

static void flush_tail(struct printer *p)
{
	for (size_t i = 0; p->ring && i < p->ring_len; i++) {
		struct record *r = &p->ring[(p->ring_start + i) % p->ring_size];
		emit(p, r);
		record_release(r);
	}
	p->ring_len = 0;
	p->tailing = false;
}

static void handle_line(struct printer *p, const char *line, size_t len)
{
	struct k8s_log_line l;
	if (k8s_log_parse_line(line, len, &l) < 0) {
		log_debug("skipping a malformed container log line");
		return;
	}
	enum k8s_stream s = l.stream;
	if (!p->has_pending[s]) {
		p->pending_time[s] = l.time_ns;
		p->pending_offset[s] = l.tz_offset;
	}
	if (buf_append(&p->pending[s], l.msg, l.msg_len) < 0)
		log_debug("container log line too long, truncated");
	p->has_pending[s] = true;
	if (l.partial)
		return;
	struct record r = {
	        .time_ns = p->pending_time[s],
	        .tz_offset = p->pending_offset[s],
	        .stream = s,
	        .len = p->pending[s].len,
	        .newline = true,
	};
	r.msg = buf_take(&p->pending[s]);
	p->has_pending[s] = false;
	deliver(p, &r);
}

/* Partial parts left at the end: print them as they are, without a newline (as Podman). */
static void flush_pending(struct printer *p)
{
	for (int s = 0; s < _K8S_STREAM_MAX; s++) {
		if (!p->has_pending[s])
			continue;
		struct record r = {
		        .time_ns = p->pending_time[s],
		        .tz_offset = p->pending_offset[s],
		        .stream = s,
		        .len = p->pending[s].len,
		        .newline = false,
		};
		r.msg = buf_take(&p->pending[s]);
		p->has_pending[s] = false;
		deliver(p, &r);
	}
}

static void printer_init(struct printer *p, const struct k8s_log_opts *o)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	for (int s = 0; s < _K8S_STREAM_MAX; s++)
		buf_init(&p->pending[s], K8S_LOG_LINE_MAX);
	p->tailing = true;
	if (o->tail > 0) {
		p->ring_size = (size_t)(o->tail < 100000 ? o->tail : 100000);
		p->ring = xnew(struct record, p->ring_size);
	}
}

static void printer_release(struct printer *p)
{
	for (size_t i = 0; p->ring && i < p->ring_len; i++)
		record_release(&p->ring[(p->ring_start + i) % p->ring_size]);
	free(p->ring);
	for (int s = 0; s < _K8S_STREAM_MAX; s++)
		buf_release(&p->pending[s]);
}

/* Split data into lines; returns how many bytes were consumed (up to the last newline). */
static size_t feed(struct printer *p, const char *data, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		if (!nl)
			break;
		handle_line(p, data + pos, (size_t)(nl - data - pos));
		pos = (size_t)(nl - data) + 1;
	}
	return pos;
}

int k8s_log_print_buffer(const char *data, size_t len, const struct k8s_log_opts *o)
{
	struct printer p;
	printer_init(&p, o);
	size_t used = feed(&p, data, len);
	if (used < len && len - used <= K8S_LOG_LINE_MAX)
		handle_line(&p, data + used, len - used);
	flush_pending(&p);
	flush_tail(&p);
	int r = p.error;
	printer_release(&p);
	return r;
}

/* Read what is in the file now; *carry keeps an incomplete last line. */
static int read_more(int fd, struct printer *p, struct buf *carry)
{
	char *chunk = xmalloc(READ_CHUNK);
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if (buf_append(carry, chunk, (size_t)n) < 0) {
			/* one line longer than the cap: drop what we have of it */
			log_debug("container log line too long, skipped");
			buf_reset(carry);
			continue;
		}
		size_t used = feed(p, carry->data, carry->len);
		if (used) {
			memmove(carry->data, carry->data + used, carry->len - used);
			carry->len -= used;
			carry->data[carry->len] = '\0';
		}
	}
	free(chunk);
	return r;
}

static bool still_running(const struct k8s_log_opts *o)
{
	return o->running && o->running(o->userdata);
}

int k8s_log_print(const char *path, const struct k8s_log_opts *o, struct cpod_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "open container log %s", path);
	_cleanup_close_ int ino = -1;
	if (o->follow) {
		ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ino >= 0 && inotify_add_watch(ino, path, IN_MODIFY) < 0) {
			close(ino);
			ino = -1;
		}
	}
	struct printer p;
	printer_init(&p, o);
	_cleanup_buf_ struct buf carry = BUF_INIT;
	buf_init(&carry, K8S_LOG_LINE_MAX);
	int r = read_more(fd, &p, &carry);
	if (r == 0 && o->follow)
		flush_tail(&p);
	while (r == 0 && !p.error && o->follow) {
		/* check before the last read, so that nothing written before the exit is lost */
		bool alive = still_running(o);
		if (alive && ino >= 0) {
			struct pollfd pf = {ino, POLLIN, 0};
			if (poll(&pf, 1, FOLLOW_CHECK_MS) > 0) {
				char ev[4096]
				        __attribute__((aligned(__alignof__(struct inotify_event))));
				while (read(ino, ev, sizeof(ev)) > 0)
					;
			}
		} else if (alive) {
			poll(NULL, 0, FOLLOW_CHECK_MS);
		}
		r = read_more(fd, &p, &carry);
		if (!alive)
			break;
	}
	if (r == 0 && carry.len)
		handle_line(&p, carry.data, carry.len);
	flush_pending(&p);
	flush_tail(&p);
	int werr = p.error;
	printer_release(&p);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "read container log %s", path);
	if (werr < 0)
		return cpod_error_set_errno(err, -werr, "write container log");
	return 0;
}
