/* SPDX-License-Identifier: Apache-2.0 */
/* `logs`: the k8s-file log of each container, printed by the runtime layer's reader. */
#include <errno.h>
#include <string.h>

#include "engine/container-internal.h"
#include "runtime/k8s-log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

struct follow_ctx {
	struct engine *e;
	const char *id;
};

/* Follow ends when the container is no longer running (or is gone). */
static bool still_running(void *userdata)
{
	struct follow_ctx *f = userdata;
	_cleanup_(container_freep) struct container *c = NULL;
	if (container_lookup(f->e, f->id, &c, NULL) < 0)
		return false;
	return container_status_active(c->state.status);
}

int container_logs(struct engine *e, char *const *keys, const struct container_logs_opts *opts,
		   struct cpod_error **err)
{
	size_t n = strv_length(keys);
	int ret = 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_(container_freep) struct container *c = NULL;
		struct cpod_error *lerr = NULL;
		if (container_lookup(e, keys[i], &c, &lerr) < 0) {
			cpod_error_move(err, &lerr);
			ret = ret ? ret : -ENOENT;
			continue;
		}
		if (c->config.log_driver && strcmp(c->config.log_driver, "none") == 0)
			continue;
		const char *path = container_log_path(c);
		if (!path)
			continue;
		_cleanup_free_ char *prefix = NULL;
		if (opts->names)
			prefix = xasprintf("%s ", c->config.name);
		else if (n > 1)
			prefix = xasprintf("%.12s ", c->config.id);
		struct follow_ctx fc = {.e = e, .id = c->config.id};
		struct k8s_log_opts ko = {
			.out_fd = opts->out_fd,
			.err_fd = opts->err_fd,
			.timestamps = opts->timestamps,
			.tail = opts->tail,
			.since_ns = opts->since_ns,
			.until_ns = opts->until_ns,
			.prefix = prefix,
			.follow = opts->follow,
			.running = still_running,
			.userdata = &fc,
		};
		int r = k8s_log_print(path, &ko, &lerr);
		if (r == -ENOENT) {
			/* a container that never ran has no log yet */
			cpod_error_free(lerr);
			continue;
		}
		if (r < 0) {
			cpod_error_wrap(&lerr, "reading the log of %s", keys[i]);
			cpod_error_move(err, &lerr);
			ret = ret ? ret : r;
		}
	}
	return ret;
}
