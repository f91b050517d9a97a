/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Several blobs at once: pull fetches every layer of an image in parallel, as c/image's
 * copy does (up to 6 at a time by default). Worker threads take the next job from a shared
 * counter; every request goes through the client's shared connection cache.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "registry-internal.h"
#include "util/error.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_PARALLEL 6
#define MAX_PARALLEL     64

struct pool {
	struct registry_client *c;
	const char *repo;
	struct registry_blob_job *jobs;
	size_t n;
	size_t next;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		struct registry_blob_job *j = &p->jobs[i];
		j->error = NULL;
		j->result =
		        registry_get_blob(p->c, p->repo, j->digest, j->size, &j->sink, &j->error);
	}
}

int registry_fetch_blobs(struct registry_client *c, const char *repo,
                         struct registry_blob_job *jobs, size_t n, unsigned parallel,
                         struct cpod_error **err)
{
	struct pool p = {c, repo, jobs, n, 0, PTHREAD_MUTEX_INITIALIZER};
	size_t n_threads = parallel ? parallel : DEFAULT_PARALLEL;
	pthread_t *threads;
	size_t started = 0;
	int r;

	if (n_threads > MAX_PARALLEL)
		n_threads = MAX_PARALLEL;
	if (n_threads > n)
		n_threads = n;
	/* ping once, before the workers race for it */
	if (n && (r = registry_ping(c, err)) < 0)
		return r;
	threads = xnew(pthread_t, n_threads ? n_threads : 1);
	for (size_t i = 0; i < n_threads; i++) {
		if (pthread_create(&threads[i], NULL, worker, &p) != 0)
			break;
		started++;
	}
	if (started == 0)
		worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_destroy(&p.lock);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].result < 0) {
			int code = jobs[i].error ? jobs[i].error->code : -jobs[i].result;
			return cpod_error_set(err, code, "%s",
			                      jobs[i].error ? jobs[i].error->msg : strerror(code));
		}
	return 0;
}
