/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod info`: the host probe, the runtime choice and the store's facts in Podman's shape. */
#include <errno.h>
#include <stdlib.h>

#include "config/containers-conf.h"
#include "engine/engine-internal.h"
#include "runtime/info.h"
#include "runtime/probe.h"
#include "runtime/select.h"
#include "storage/store.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int engine_info(struct engine *e, json_t **ret, struct cpod_error **err)
{
	const struct cpod_config *cfg = engine_config(e, err);
	if (!cfg)
		return -EINVAL;
	const struct host_probe *probe = engine_probe(e, err);
	if (!probe)
		return -EINVAL;
	/* a missing runtime is reported inside info, not as a failure of info */
	struct cpod_error *rt_err = NULL;
	const struct runtime_choice *rt = engine_runtime(e, &rt_err);
	cpod_error_free(rt_err);

	struct store *s = engine_store(e, err);
	if (!s)
		return -EIO;
	struct store_image **images = NULL;
	size_t nimages = 0;
	if (store_image_list(s, &images, &nimages, err) < 0)
		return -EIO;
	store_image_list_free(images, nimages);

	_cleanup_strv_free_ char **status = NULL;
	strv_push(&status, "Backing Filesystem");
	strv_push(&status, store_backing_fs(s));

	struct info_facts f = {
		.graph_driver = store_driver_to_string(store_get_driver(s)),
		.graph_driver_reason = store_driver_reason(s),
		.graph_root = store_graph_root(s),
		.run_root = store_run_root(s),
		.graph_options = e->opts.storage_opts,
		.graph_status = status,
		.images_total = nimages,
	};
	info_facts_from_config(&f, cfg);
	if (e->opts.cgroup_manager)
		f.cgroup_manager = e->opts.cgroup_manager;
	if (e->opts.events_backend)
		f.event_logger = e->opts.events_backend;
	_cleanup_free_ char *volumes = xasprintf("%s/volumes", e->graph_root);
	f.volume_path = volumes;
	*ret = info_build(probe, rt, &f);
	return 0;
}
