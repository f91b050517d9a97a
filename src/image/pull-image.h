/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_PULL_IMAGE_H
#define CPOD_IMAGE_PULL_IMAGE_H

/* One pull's context, shared by pull.c and pull-image.c. */
#include "pull-internal.h"

struct pull_ctx {
	struct store *store;
	const struct image_pull_opts *opts;
	const struct registries_conf *rc; /* may be NULL */
	const struct image_policy *policy;
	struct pull_progress *progress;
};

/* Pull the fully-qualified ref ("host/repo:tag" or "@digest"); *ret_id is the image ID hex. */
int pull_one(const struct pull_ctx *pc, const char *ref, char **ret_id, struct cpod_error **err);

#endif
