/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pull of one fully-qualified reference: blocked registries, policy, mirrors then the
 * primary location, manifest list to platform, config, layers, and the image record made at
 * the very end (copy.Image of containers/image with a containers-storage destination).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config/registries-conf.h"
#include "pull-image.h"
#include "reference.h"
#include "registry.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

int pull_split_ref(const char *ref, char **ret_host, char **ret_repo, char **ret_ref,
                   struct cpod_error **err)
{
	_cleanup_(image_ref_freep) struct image_ref *r = NULL;
	int res = image_ref_parse(ref, &r, err);
	if (res < 0)
		return res;
	*ret_host = xstrdup(r->domain);
	*ret_repo = xstrdup(r->path);
	*ret_ref = xstrdup(r->digest ? r->digest : r->tag ? r->tag : "latest");
	return 0;
}

/* The manifest of one source, with its client; the list's digest when it came via one. */
struct fetched {
	struct registry_client *client;
	char *repo;
	struct registry_manifest man;
	char *list_digest;
};

static void fetched_release(struct fetched *f)
{
	registry_client_free(f->client);
	free(f->repo);
	registry_manifest_release(&f->man);
	free(f->list_digest);
}

static int fetch_manifest(const struct pull_ctx *pc, const struct registry_pull_source *src,
                          const char *ref, struct fetched *ret, struct cpod_error **err)
{
	_cleanup_free_ char *host = NULL, *tagdig = NULL;
	const char *sref = src ? src->reference : ref;
	int r = pull_split_ref(sref, &host, &ret->repo, &tagdig, err);
	if (r < 0)
		return r;
	struct image_registry_access a = pc->opts->access;
	if (a.tls_verify < 0 && src && src->endpoint && src->endpoint->insecure)
		a.tls_verify = 0;
	_cleanup_free_ char *key = xasprintf("%s/%s", host, ret->repo);
	r = image_registry_client(&a, pc->rc, host, key, &ret->client, err);
	if (r < 0)
		return r;
	r = registry_get_manifest(ret->client, ret->repo, tagdig, &ret->man, err);
	if (r < 0)
		return r;
	if (!manifest_media_type_is_index(ret->man.media_type))
		return 0;
	_cleanup_(manifest_freep) struct manifest *list = NULL;
	r = manifest_parse(ret->man.data, ret->man.len, ret->man.media_type, &list, err);
	if (r < 0)
		return r;
	size_t idx = 0;
	r = manifest_select_platform(list, pc->opts->os, pc->opts->arch, pc->opts->variant, &idx,
	                             err);
	if (r < 0)
		return r;
	_cleanup_free_ char *inst = xstrdup(list->manifests[idx].digest);
	ret->list_digest = TAKE_PTR(ret->man.digest);
	registry_manifest_release(&ret->man);
	return registry_get_manifest(ret->client, ret->repo, inst, &ret->man, err);
}

static int blocked_error(const struct pull_ctx *pc, const char *ref, struct cpod_error **err)
{
	_cleanup_free_ char *host = NULL, *repo = NULL, *t = NULL;
	if (pull_split_ref(ref, &host, &repo, &t, err) < 0)
		return -EINVAL;
	char *const *files = registries_conf_files(pc->rc);
	const char *home = getenv("HOME");
	return cpod_error_set(err, EACCES,
	                      "initializing source docker://%s: registry %s is blocked in %s or "
	                      "%s/.config/containers/registries.conf.d",
	                      ref, host,
	                      files && files[0] ? files[0] : "/etc/containers/registries.conf",
	                      home ? home : "");
}

/* Every source in turn; the last failure is the one reported. */
static int fetch_any(const struct pull_ctx *pc, const char *ref, struct fetched *ret,
                     struct cpod_error **err)
{
	struct registry_pull_source *srcs = NULL;
	size_t n = 0;
	int r = 0;
	if (pc->rc && (r = registries_conf_pull_sources(pc->rc, ref, &srcs, &n, err)) < 0)
		return r;
	if (n == 0)
		return fetch_manifest(pc, NULL, ref, ret, err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		struct fetched f = {0};
		r = fetch_manifest(pc, &srcs[i], ref, &f, &e);
		if (r >= 0) {
			*ret = f;
			break;
		}
		fetched_release(&f);
		if (i + 1 == n)
			cpod_error_move(err, &e);
	}
	registry_pull_sources_free(srcs, n);
	return r;
}

static int pull_content(const struct pull_ctx *pc, const char *ref, struct fetched *f,
                        char **ret_id, struct cpod_error **err)
{
	_cleanup_(manifest_freep) struct manifest *m = NULL;
	int r = manifest_parse(f->man.data, f->man.len, f->man.media_type, &m, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *config = NULL;
	size_t config_len = 0;
	r = registry_get_blob_mem(f->client, f->repo, m->config.digest, IMAGE_CONFIG_MAX, &config,
	                          &config_len, err);
	if (r < 0)
		return cpod_error_wrap(err, "reading config %s", m->config.digest);
	struct image_config_info info = {0};
	r = image_config_parse(config, config_len, &info, err);
	if (r < 0)
		return r;
	struct pull_layer *layers = xnew(struct pull_layer, m->n_layers + 1);
	_cleanup_free_ char *top = NULL;
	if (json_array_size(info.diff_ids) != m->n_layers) {
		r = cpod_error_set(
		        err, EINVAL,
		        "image config lists %zu diff IDs, but the manifest has %zu layers",
		        json_array_size(info.diff_ids), m->n_layers);
		goto out;
	}
	pull_progress_line(pc->progress, "Getting image source signatures");
	const char *parent = NULL;
	for (size_t i = 0; i < m->n_layers; i++) {
		struct pull_layer *l = &layers[i];
		l->desc = &m->layers[i];
		l->diff_id = json_string_value(json_array_get(info.diff_ids, i));
		if (!l->diff_id || !digest_is_valid(l->diff_id)) {
			r = cpod_error_set(err, EINVAL, "image config: invalid diff ID %zu", i);
			goto out;
		}
		l->chain_id = pull_chain_id(parent, l->diff_id);
		_cleanup_(store_layer_freep) struct store_layer *sl = NULL;
		_cleanup_error_ struct cpod_error *ignored = NULL;
		l->present = store_layer_get(pc->store, l->chain_id, &sl, &ignored) == 0;
		l->progress_idx =
		        pull_progress_add(pc->progress, "blob", l->desc->digest, l->desc->size);
		if (l->present)
			pull_progress_done(pc->progress, l->progress_idx);
		parent = l->chain_id;
	}
	r = pull_layers(pc->store, f->client, f->repo, layers, m->n_layers, pc->opts->parallel,
	                pc->progress, &top, err);
	if (r < 0)
		goto out;
	size_t ci = pull_progress_add(pc->progress, "config", m->config.digest, m->config.size);
	pull_progress_done(pc->progress, ci);
	pull_progress_line(pc->progress, "Writing manifest to image destination");
	const char *id = m->config.digest + strlen("sha256:");
	char *names[] = {(char *)ref, NULL};
	struct store_image_create_opts io = {
	        .id = id,
	        .top_layer = top,
	        .names = names,
	        .config = config,
	        .config_len = config_len,
	        .manifest = f->man.data,
	        .manifest_len = f->man.len,
	        .manifest_digest = f->man.digest,
	        .created = info.has_created ? info.created.tv_sec : 0,
	};
	r = store_image_create(pc->store, &io, err);
	if (r >= 0 && f->list_digest) {
		/* RepoDigests holds the list's digest too, as with Podman */
		io.manifest_digest = f->list_digest;
		r = store_image_create(pc->store, &io, err);
	}
	if (r < 0)
		goto out;
	pull_progress_line(pc->progress, "Storing signatures");
	*ret_id = xstrdup(id);
out:
	for (size_t i = 0; i < m->n_layers; i++)
		free(layers[i].chain_id);
	free(layers);
	image_config_info_release(&info);
	return r;
}

int pull_one(const struct pull_ctx *pc, const char *ref, char **ret_id, struct cpod_error **err)
{
	if (pc->rc && registries_conf_is_blocked(pc->rc, ref))
		return blocked_error(pc, ref, err);
	int r = image_policy_check(pc->policy, "docker", ref, err);
	if (r < 0)
		return r;
	struct fetched f = {0};
	r = fetch_any(pc, ref, &f, err);
	if (r < 0) {
		fetched_release(&f);
		return cpod_error_wrap(err, "initializing source docker://%s", ref);
	}
	r = pull_content(pc, ref, &f, ret_id, err);
	fetched_release(&f);
	if (r < 0) {
		pull_progress_finish(pc->progress);
		return cpod_error_wrap(err, "pulling docker://%s", ref);
	}
	return 0;
}
