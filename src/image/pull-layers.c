/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layers of a pull: downloaded in parallel (the registry client verifies each digest while
 * the bytes arrive) into unnamed files on the store's file system, and handed to the store
 * base first, each as soon as it is complete, so extraction of layer N overlaps the
 * downloads of the layers above it. Unnamed (O_TMPFILE) files vanish with the process, so a
 * killed pull leaves no temporary file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pull-internal.h"
#include "registry.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

char *pull_chain_id(const char *parent, const char *diff_id)
{
	if (!parent)
		return xstrdup(diff_id + strlen("sha256:"));
	_cleanup_free_ char *in = xasprintf("sha256:%s %s", parent, diff_id);
	char hex[65];
	digest_sha256_hex(in, strlen(in), hex);
	return xstrdup(hex);
}

int pull_tmpfile(const char *dir, struct cpod_error **err)
{
	int fd = dir ? open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
	if (fd >= 0)
		return fd;
	const char *t = getenv("TMPDIR");
	if (!t || !*t)
		t = "/var/tmp";
	fd = open(t, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "creating a temporary file in %s", t);
	return fd;
}

struct fetch {
	struct registry_client *client;
	const char *repo;
	struct pull_layer *layers;
	size_t n;
	size_t next;
	bool abort;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pull_progress *progress;
};

struct sink_ctx {
	struct fetch *f;
	struct pull_layer *l;
};

static int sink_write(void *userdata, const void *data, size_t len)
{
	struct sink_ctx *sc = userdata;
	if (__atomic_load_n(&sc->f->abort, __ATOMIC_RELAXED))
		return -ECANCELED;
	int r = write_all(sc->l->fd, data, len);
	if (r < 0)
		return r;
	pull_progress_bytes(sc->f->progress, sc->l->progress_idx, (int64_t)len);
	return 0;
}

static int sink_reset(void *userdata)
{
	struct sink_ctx *sc = userdata;
	if (ftruncate(sc->l->fd, 0) < 0 || lseek(sc->l->fd, 0, SEEK_SET) < 0)
		return -errno;
	pull_progress_bytes(sc->f->progress, sc->l->progress_idx, -1);
	return 0;
}

static void *worker(void *arg)
{
	struct fetch *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (f->next < f->n && f->layers[f->next].present)
			f->next++;
		if (f->abort || f->next >= f->n) {
			pthread_mutex_unlock(&f->lock);
			return NULL;
		}
		struct pull_layer *l = &f->layers[f->next++];
		pthread_mutex_unlock(&f->lock);

		struct sink_ctx sc = {f, l};
		struct registry_sink sink = {sink_write, sink_reset, &sc};
		struct cpod_error *e = NULL;
		int r = registry_get_blob(f->client, f->repo, l->desc->digest, l->desc->size, &sink,
		                          &e);
		pthread_mutex_lock(&f->lock);
		l->state = r < 0 ? -1 : 1;
		l->error = e;
		if (r < 0)
			f->abort = true;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->lock);
		if (r >= 0)
			pull_progress_done(f->progress, l->progress_idx);
	}
}

static int apply_one(struct store *s, struct pull_layer *l, const char *parent,
                     struct store_layer **ret, struct cpod_error **err)
{
	if (lseek(l->fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "rewinding blob %s", l->desc->digest);
	struct store_layer_create_opts o = {
	        .parent = parent,
	        .fd = l->fd,
	        .expected_digest = l->desc->digest,
	        .expected_diff_id = l->diff_id,
	        .keep_blob = true,
	};
	int r = store_layer_create(s, &o, ret, err);
	if (r < 0)
		return cpod_error_wrap(err, "writing blob %s", l->desc->digest);
	return 0;
}

int pull_layers(struct store *s, struct registry_client *c, const char *repo,
                struct pull_layer *layers, size_t n, unsigned parallel,
                struct pull_progress *progress, char **ret_top, struct cpod_error **err)
{
	struct fetch f = {
	        .client = c, .repo = repo, .layers = layers, .n = n, .progress = progress};
	_cleanup_free_ char *parent = NULL;
	size_t missing = 0;
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		layers[i].fd = -1;
		if (layers[i].present)
			continue;
		missing++;
		layers[i].fd = pull_tmpfile(store_graph_root(s), err);
		if (layers[i].fd < 0) {
			r = layers[i].fd;
			goto out_close;
		}
	}
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cond, NULL);
	size_t nthreads = parallel ? parallel : 6;
	if (nthreads > missing)
		nthreads = missing;
	pthread_t *threads = xnew(pthread_t, nthreads + 1);
	size_t started = 0;
	for (; started < nthreads; started++) {
		if (pthread_create(&threads[started], NULL, worker, &f) != 0)
			break;
	}
	if (missing && started == 0) {
		r = cpod_error_set(err, EAGAIN, "cannot start a download thread");
		goto out_join;
	}
	for (size_t i = 0; i < n; i++) {
		struct pull_layer *l = &layers[i];
		if (!l->present) {
			pthread_mutex_lock(&f.lock);
			while (l->state == 0)
				pthread_cond_wait(&f.cond, &f.lock);
			pthread_mutex_unlock(&f.lock);
			if (l->state < 0) {
				cpod_error_move(err, &l->error);
				r = -(*err)->code;
				break;
			}
			_cleanup_(store_layer_freep) struct store_layer *sl = NULL;
			r = apply_one(s, l, parent, &sl, err);
			close(l->fd);
			l->fd = -1;
			if (r < 0)
				break;
		}
		free(parent);
		parent = xstrdup(l->chain_id);
	}
	if (r >= 0)
		*ret_top = TAKE_PTR(parent);
out_join:
	pthread_mutex_lock(&f.lock);
	if (r < 0)
		f.abort = true;
	pthread_mutex_unlock(&f.lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_destroy(&f.lock);
	pthread_cond_destroy(&f.cond);
out_close:
	for (size_t i = 0; i < n; i++) {
		if (layers[i].fd >= 0)
			close(layers[i].fd);
		layers[i].fd = -1;
		layers[i].error = cpod_error_free(layers[i].error);
	}
	return r;
}
