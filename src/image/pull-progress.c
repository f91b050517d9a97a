/* SPDX-License-Identifier: Apache-2.0 */
/* Progress output of pull and push: Podman's plain lines, or live lines on a terminal. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pull-internal.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct blob_line {
	char *kind;
	char *digest;
	int64_t size;
	int64_t bytes;
	bool done;
};

struct pull_progress {
	FILE *out;
	bool tty;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stop;
	struct blob_line *lines;
	size_t n, alloc;
	size_t drawn; /* lines drawn last time */
	struct timespec start;
};

static double elapsed(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void human(char *buf, size_t len, double v)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s" : "%.0f%s", v, units[u]);
}

/* with the lock held */
static void draw(struct pull_progress *p)
{
	if (p->drawn)
		fprintf(p->out, "\033[%zuA", p->drawn);
	double secs = elapsed(&p->start);
	for (size_t i = 0; i < p->n; i++) {
		struct blob_line *l = &p->lines[i];
		const char *hex = strchr(l->digest, ':') ? strchr(l->digest, ':') + 1 : l->digest;
		fprintf(p->out, "\r\033[KCopying %s %.12s", l->kind, hex);
		if (l->done) {
			fputs(" done\n", p->out);
			continue;
		}
		char got[32], total[32], rate[32];
		human(got, sizeof(got), (double)l->bytes);
		human(total, sizeof(total), (double)(l->size > 0 ? l->size : 0));
		human(rate, sizeof(rate), secs > 0 ? (double)l->bytes / secs : 0);
		fprintf(p->out, " %s / %s (%s/s)\n", got, l->size >= 0 ? total : "?", rate);
	}
	p->drawn = p->n;
	fflush(p->out);
}

static void *redraw_thread(void *arg)
{
	struct pull_progress *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		draw(p);
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 200 * 1000 * 1000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &t);
	}
	draw(p);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pull_progress *pull_progress_new(FILE *out, bool tty)
{
	if (!out)
		return NULL;
	struct pull_progress *p = xnew(struct pull_progress, 1);
	p->out = out;
	p->tty = tty;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	return p;
}

void pull_progress_finish(struct pull_progress *p)
{
	if (!p || !p->running)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	p->running = false;
	p->stop = false;
	for (size_t i = 0; i < p->n; i++) {
		free(p->lines[i].kind);
		free(p->lines[i].digest);
	}
	p->n = 0;
	p->drawn = 0;
}

void pull_progress_free(struct pull_progress *p)
{
	if (!p)
		return;
	pull_progress_finish(p);
	for (size_t i = 0; i < p->n; i++) {
		free(p->lines[i].kind);
		free(p->lines[i].digest);
	}
	free(p->lines);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	fflush(p->out);
	free(p);
}

size_t pull_progress_add(struct pull_progress *p, const char *kind, const char *digest,
                         int64_t size)
{
	if (!p)
		return 0;
	if (!p->tty) {
		fprintf(p->out, "Copying %s %s\n", kind, digest);
		fflush(p->out);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	if (p->n == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 8;
		p->lines = xrealloc(p->lines, p->alloc * sizeof(*p->lines));
	}
	size_t idx = p->n++;
	p->lines[idx] =
	        (struct blob_line){.kind = xstrdup(kind), .digest = xstrdup(digest), .size = size};
	if (!p->running)
		p->running = pthread_create(&p->thread, NULL, redraw_thread, p) == 0;
	pthread_mutex_unlock(&p->lock);
	return idx;
}

void pull_progress_bytes(struct pull_progress *p, size_t idx, int64_t n)
{
	if (!p || !p->tty)
		return;
	pthread_mutex_lock(&p->lock);
	if (idx < p->n) {
		if (n < 0)
			p->lines[idx].bytes = 0;
		else
			p->lines[idx].bytes += n;
	}
	pthread_mutex_unlock(&p->lock);
}

void pull_progress_done(struct pull_progress *p, size_t idx)
{
	if (!p || !p->tty)
		return;
	pthread_mutex_lock(&p->lock);
	if (idx < p->n)
		p->lines[idx].done = true;
	pthread_mutex_unlock(&p->lock);
}

void pull_progress_line(struct pull_progress *p, const char *fmt, ...)
{
	if (!p)
		return;
	pull_progress_finish(p);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
}
