/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `manifest push` and the registry side of `manifest inspect`. With --all each entry that is
 * a local image is pushed first, in the list's format, to the destination repository; the
 * entry then takes the digest, size and media type the registry holds, and the list is put
 * last under the destination's tag (so the tag names each image in turn before the list).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "config/registries-conf.h"
#include "manifest-list-internal.h"
#include "manifest.h"
#include "pull-internal.h"
#include "reference.h"
#include "registry.h"
#include "storage/store.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct push_target {
	char *full, *host, *repo, *tag;
	struct registries_conf *owned;
	struct registry_client *client;
};

static void push_target_release(struct push_target *t)
{
	free(t->full);
	free(t->host);
	free(t->repo);
	free(t->tag);
	registries_conf_free(t->owned);
	registry_client_free(t->client);
}

static int push_target_open(const char *dest, const struct image_registry_access *a,
                            struct push_target *t, struct cpod_error **err)
{
	if (strncmp(dest, "docker://", 9) == 0)
		dest += 9;
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	int r = image_ref_parse(dest, &ref, err);
	if (r < 0)
		return r;
	image_ref_with_default_tag(ref);
	t->full = image_ref_string(ref);
	if ((r = pull_split_ref(t->full, &t->host, &t->repo, &t->tag, err)) < 0)
		return r;
	const struct registries_conf *rc = a->registries;
	if (!rc) {
		if ((r = registries_conf_load(NULL, &t->owned, err)) < 0)
			return r;
		rc = t->owned;
	}
	if (registries_conf_is_blocked(rc, t->full))
		return cpod_error_set(err, EACCES, "registry %s is blocked in registries.conf",
		                      t->host);
	_cleanup_free_ char *key = xasprintf("%s/%s", t->host, t->repo);
	return image_registry_client(a, rc, t->host, key, &t->client, err);
}

static int push_instances(struct store *s, json_t *doc, const struct push_target *t,
                          const struct image_manifest_push_opts *o, bool oci,
                          struct cpod_error **err)
{
	struct image_push_opts po = o->push;
	po.format = oci ? IMAGE_PUSH_FORMAT_OCI : IMAGE_PUSH_FORMAT_V2S2;
	po.digestfile = NULL;
	if (!po.access.registries)
		po.access.registries = t->owned;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "manifests"), i, e)
	{
		const char *id = json_string_value(json_object_get(e, MLIST_LOCAL_KEY));
		if (!id)
			continue;
		struct pull_progress *progress = pull_progress_new(po.progress, false);
		_cleanup_free_ char *digest = NULL;
		int r = push_to_registry(s, id, t->full, &po, progress, &digest, err);
		pull_progress_free(progress);
		if (r < 0)
			return cpod_error_wrap(err, "pushing image %s to docker://%s", id, t->full);
		struct registry_descriptor d = {0};
		if ((r = registry_head_manifest(t->client, t->repo, digest, &d, err)) < 0)
			return r;
		json_object_set_new(
		        e, "mediaType",
		        json_string(oci ? MEDIA_TYPE_OCI_MANIFEST : MEDIA_TYPE_DOCKER_MANIFEST));
		json_object_set_new(e, "digest", json_string(digest));
		if (d.size >= 0)
			json_object_set_new(e, "size", json_integer(d.size));
		registry_descriptor_release(&d);
	}
	return 0;
}

int image_manifest_push(struct store *s, const char *list, const char *dest,
                        const struct image_manifest_push_opts *o, char **ret_digest,
                        struct cpod_error **err)
{
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_(push_target_release) struct push_target t = {0};
	bool oci = o->push.format == IMAGE_PUSH_FORMAT_OCI;
	int r = mlist_load(s, list, &img, &doc, err);
	if (r < 0)
		return r;
	if (!dest)
		dest = img->names && img->names[0] ? img->names[0] : list;
	if ((r = push_target_open(dest, &o->push.access, &t, err)) < 0)
		return cpod_error_wrap(err, "pushing manifest list to docker://%s",
		                       t.full ? t.full : dest);
	if (o->all && (r = push_instances(s, doc, &t, o, oci, err)) < 0)
		return r;
	_cleanup_free_ char *data = manifest_list_render(doc, oci, false);
	_cleanup_free_ char *digest = NULL;
	if (o->push.progress)
		fprintf(o->push.progress, "Writing manifest list to image destination\n");
	r = registry_put_manifest(t.client, t.repo, t.tag,
	                          oci ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST, data,
	                          strlen(data), &digest, err);
	if (r < 0)
		return cpod_error_wrap(err, "writing manifest list to docker://%s", t.full);
	if (o->push.progress)
		fprintf(o->push.progress, "Storing list signatures\n");
	if (o->push.digestfile) {
		r = write_file_atomic_at(AT_FDCWD, o->push.digestfile, digest, strlen(digest), 0644,
		                         0);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "writing digest file %s",
			                            o->push.digestfile);
	}
	if (o->rm && (r = store_image_delete(s, img->id, err)) < 0)
		return r;
	if (ret_digest)
		*ret_digest = TAKE_PTR(digest);
	return 0;
}

int mlist_inspect_remote(const char *name, const struct image_registry_access *a, char **ret,
                         struct cpod_error **err)
{
	_cleanup_(push_target_release) struct push_target t = {0};
	struct registry_manifest m = {0};
	int r = push_target_open(name, a, &t, err);
	if (r >= 0)
		r = registry_get_manifest(t.client, t.repo, t.tag, &m, err);
	if (r < 0)
		return cpod_error_wrap(err, "reading image \"docker://%s\"",
		                       t.full ? t.full : name);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(m.data, m.len, 0, &je);
	registry_manifest_release(&m);
	if (!j)
		return cpod_error_set(err, EINVAL, "parsing manifest: %s", je.text);
	*ret = json_dump_pretty(j);
	return 0;
}
