/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading images from a docker-archive or an OCI layout (directory). Every blob is checked
 * against its digest (the config against the image ID, OCI blobs against their
 * descriptors, layers against the config's diff IDs). The store stages each layer; when an
 * image cannot be completed, the layers this load created are removed again, so a failed
 * load leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "archive-internal.h"
#include "config.h"
#include "reference.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct load_layer {
	const char *member;
	const char *expected_digest; /* OCI descriptor digest, or NULL */
};

struct load_image {
	const char *config_member;
	const char *expected_config_digest; /* OCI, or NULL */
	const struct load_layer *layers;
	size_t n_layers;
	const char *manifest; /* OCI manifest bytes, or NULL to build one */
	size_t manifest_len;
	char **names; /* full names to give */
};

static char *chain_next(const char *parent, const char *diff_id)
{
	if (!parent)
		return xstrdup(diff_id + 7);
	_cleanup_free_ char *in = xasprintf("sha256:%s %s", parent, diff_id);
	char hex[65];
	digest_sha256_hex(in, strlen(in), hex);
	return xstrdup(hex);
}

/* Remove layers this load created, through a throw-away image holding them. */
static void forget_new_layers(struct store *s, const char *top)
{
	_cleanup_error_ struct cpod_error *e = NULL;
	char id[65];
	id_random(id);
	struct store_image_create_opts o = {
	        .id = id, .top_layer = top, .config = "{}", .config_len = 2};
	if (store_image_create(s, &o, &e) < 0 || store_image_delete(s, id, &e) < 0)
		log_debug("removing the layers of a failed load: %s", e ? e->msg : "");
}

static int read_member(int dirfd, const char *member, char **ret, size_t *ret_len,
                       struct cpod_error **err)
{
	int r = read_file_at(dirfd, member, IMAGE_CONFIG_MAX, ret, ret_len);
	if (r == -EFBIG)
		return cpod_error_set(err, EFBIG, "%s: larger than %u bytes", member,
		                      IMAGE_CONFIG_MAX);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "reading archive member \"%s\"", member);
	return 0;
}

static int add_layers(struct store *s, int dirfd, const struct load_image *li, json_t *diff_ids,
                      FILE *progress, char **ret_top, char **ret_new_top,
                      struct image_manifest_layer *ml, char **owned, struct cpod_error **err)
{
	_cleanup_free_ char *parent = NULL;
	for (size_t i = 0; i < li->n_layers; i++) {
		const char *diff = json_string_value(json_array_get(diff_ids, i));
		if (!diff || !digest_is_valid(diff))
			return cpod_error_set(err, EINVAL, "image config: invalid diff ID %zu", i);
		_cleanup_free_ char *cid = chain_next(parent, diff);
		_cleanup_(store_layer_freep) struct store_layer *l = NULL;
		_cleanup_error_ struct cpod_error *ignored = NULL;
		bool existed = store_layer_get(s, cid, &l, &ignored) == 0;
		store_layer_free(TAKE_PTR(l));
		_cleanup_close_ int fd =
		        openat(dirfd, li->layers[i].member, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return cpod_error_set_errno(err, errno, "opening archive member \"%s\"",
			                            li->layers[i].member);
		if (progress)
			fprintf(progress, "Copying blob %s\n",
			        li->layers[i].expected_digest ? li->layers[i].expected_digest
			                                      : diff);
		struct store_layer_create_opts o = {
		        .parent = parent,
		        .fd = fd,
		        .expected_digest = li->layers[i].expected_digest,
		        .expected_diff_id = diff,
		        .keep_blob = true,
		};
		int r = store_layer_create(s, &o, &l, err);
		if (r < 0)
			return cpod_error_wrap(err, "archive member \"%s\"", li->layers[i].member);
		if (!existed) {
			free(*ret_new_top);
			*ret_new_top = xstrdup(l->id);
		}
		enum blob_compression c = archive_blob_compression(fd);
		ml[i].media_type = c == BLOB_GZIP   ? "application/vnd.oci.image.layer.v1.tar+gzip"
		                   : c == BLOB_ZSTD ? "application/vnd.oci.image.layer.v1.tar+zstd"
		                                    : "application/vnd.oci.image.layer.v1.tar";
		owned[i] = xstrdup(l->compressed_digest);
		ml[i].digest = owned[i];
		ml[i].size = l->compressed_size;
		free(parent);
		parent = xstrdup(l->id);
	}
	*ret_top = TAKE_PTR(parent);
	return 0;
}

static int load_one(struct store *s, int dirfd, const struct load_image *li, FILE *progress,
                    char ***names_out, struct cpod_error **err)
{
	_cleanup_free_ char *config = NULL, *top = NULL, *new_top = NULL, *built = NULL;
	_cleanup_free_ char *man_digest = NULL, *cfg_digest = NULL;
	struct image_manifest_layer *ml = NULL;
	char **owned = NULL;
	size_t config_len = 0;
	char id[65];
	struct image_config_info info = {0};
	int r = read_member(dirfd, li->config_member, &config, &config_len, err);
	if (r < 0)
		return r;
	digest_sha256_hex(config, config_len, id);
	if (li->expected_config_digest && strcmp(li->expected_config_digest + 7, id) != 0)
		return cpod_error_set(err, EINVAL, "config blob digest sha256:%s does not match %s",
		                      id, li->expected_config_digest);
	if ((r = image_config_parse(config, config_len, &info, err)) < 0)
		return r;
	if (json_array_size(info.diff_ids) != li->n_layers) {
		r = cpod_error_set(
		        err, EINVAL,
		        "image config lists %zu diff IDs, but the archive has %zu layers",
		        json_array_size(info.diff_ids), li->n_layers);
		goto out;
	}
	if (progress)
		fputs("Getting image source signatures\n", progress);
	ml = xnew(struct image_manifest_layer, li->n_layers + 1);
	owned = xnew(char *, li->n_layers + 1);
	r = add_layers(s, dirfd, li, info.diff_ids, progress, &top, &new_top, ml, owned, err);
	if (r >= 0 && progress)
		fprintf(progress,
		        "Copying config sha256:%s\nWriting manifest to image "
		        "destination\nStoring signatures\n",
		        id);
	cfg_digest = xasprintf("sha256:%s", id);
	if (r >= 0 && !li->manifest)
		built = image_manifest_build(cfg_digest, (int64_t)config_len, ml, li->n_layers);
	strv_free(owned);
	free(ml);
	if (r < 0)
		goto out;
	const char *manifest = li->manifest ? li->manifest : built;
	size_t manifest_len = li->manifest ? li->manifest_len : strlen(built);
	man_digest = digest_sha256_string(manifest, manifest_len);
	struct store_image_create_opts io = {
	        .id = id,
	        .top_layer = top,
	        .names = li->names,
	        .config = config,
	        .config_len = config_len,
	        .manifest = manifest,
	        .manifest_len = manifest_len,
	        .manifest_digest = man_digest,
	        .created = info.has_created ? info.created.tv_sec : 0,
	};
	r = store_image_create(s, &io, err);
	if (r < 0)
		goto out;
	if (strv_length(li->names) == 0)
		strv_consume(names_out, xasprintf("sha256:%s", id));
	STRV_FOREACH(n, li->names)
	strv_push(names_out, *n);
out:
	if (r < 0 && new_top)
		forget_new_layers(s, new_top);
	image_config_info_release(&info);
	if (progress)
		fflush(progress);
	return r;
}

static int normalize_names(char *const *in, char ***ret, struct cpod_error **err)
{
	_cleanup_strv_free_ char **v = xnew(char *, 1);
	for (char *const *t = in; t && *t; t++) {
		_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
		if (image_ref_parse(*t, &ref, err) < 0)
			return cpod_error_wrap(err, "invalid RepoTags entry \"%s\"", *t);
		image_ref_with_default_tag(ref);
		_cleanup_free_ char *full = image_ref_string(ref);
		if (!strv_contains(v, full))
			strv_push(&v, full);
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int load_docker(struct store *s, int dirfd, FILE *progress, char ***names_out,
                       struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0, n = 0;
	struct archive_docker_item *items = NULL;
	int r = read_member(dirfd, "manifest.json", &data, &len, err);
	if (r < 0)
		return r;
	if ((r = archive_docker_manifest_parse(data, len, &items, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		size_t nl = strv_length(items[i].layers);
		struct load_layer *layers = xnew(struct load_layer, nl + 1);
		for (size_t j = 0; j < nl; j++)
			layers[j].member = items[i].layers[j];
		_cleanup_strv_free_ char **names = NULL;
		r = normalize_names(items[i].repo_tags, &names, err);
		if (r >= 0) {
			struct load_image li = {.config_member = items[i].config,
			                        .layers = layers,
			                        .n_layers = nl,
			                        .names = names};
			r = load_one(s, dirfd, &li, progress, names_out, err);
		}
		free(layers);
	}
	archive_docker_items_free(items, n);
	return r;
}

static char *blob_member(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + 7);
}

static int oci_names(const struct archive_descriptor *d, const char *default_name, char ***ret)
{
	_cleanup_free_ char *norm = NULL;
	*ret = xnew(char *, 1);
	/* Podman names an image loaded from an OCI directory after the directory's path */
	if (default_name && image_ref_local_name(default_name, &norm, NULL, NULL) == 0) {
		strv_push(ret, norm);
		return 0;
	}
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	if (d->ref_name && image_ref_parse(d->ref_name, &ref, NULL) == 0) {
		image_ref_with_default_tag(ref);
		strv_consume(ret, image_ref_string(ref));
	}
	return 0;
}

static int load_oci_manifest(struct store *s, int dirfd, const struct archive_descriptor *d,
                             const char *default_name, FILE *progress, char ***names_out,
                             struct cpod_error **err)
{
	_cleanup_free_ char *member = blob_member(d->digest), *data = NULL;
	size_t len = 0, nl = 0;
	struct archive_descriptor cfg = {0}, *layers = NULL;
	int r = read_member(dirfd, member, &data, &len, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *got = digest_sha256_string(data, len);
	if (strcmp(got, d->digest) != 0)
		return cpod_error_set(err, EINVAL, "manifest blob digest %s does not match %s", got,
		                      d->digest);
	if ((r = archive_oci_manifest_parse(data, len, &cfg, &layers, &nl, err)) < 0)
		return r;
	_cleanup_free_ char *cfg_member = blob_member(cfg.digest);
	struct load_layer *ll = xnew(struct load_layer, nl + 1);
	char **members = xnew(char *, nl + 1);
	for (size_t i = 0; i < nl; i++) {
		members[i] = blob_member(layers[i].digest);
		ll[i].member = members[i];
		ll[i].expected_digest = layers[i].digest;
	}
	_cleanup_strv_free_ char **names = NULL;
	oci_names(d, default_name, &names);
	struct load_image li = {.config_member = cfg_member,
	                        .expected_config_digest = cfg.digest,
	                        .layers = ll,
	                        .n_layers = nl,
	                        .manifest = data,
	                        .manifest_len = len,
	                        .names = names};
	r = load_one(s, dirfd, &li, progress, names_out, err);
	strv_free(members);
	free(ll);
	archive_descriptors_free(layers, nl);
	free(cfg.digest);
	free(cfg.media_type);
	free(cfg.ref_name);
	return r;
}

static int load_oci(struct store *s, int dirfd, const char *default_name, FILE *progress,
                    char ***names_out, struct cpod_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0, n = 0;
	struct archive_descriptor *d = NULL;
	int r = read_member(dirfd, "index.json", &data, &len, err);
	if (r < 0)
		return r;
	if ((r = archive_oci_index_parse(data, len, &d, &n, err)) < 0)
		return r;
	if (n == 0)
		r = cpod_error_set(err, EINVAL, "index.json: no image manifests");
	for (size_t i = 0; i < n && r >= 0; i++)
		r = load_oci_manifest(s, dirfd, &d[i], n == 1 ? default_name : NULL, progress,
		                      names_out, err);
	archive_descriptors_free(d, n);
	return r;
}

int image_import_archive_dir(struct store *s, int dirfd, const char *oci_default_name,
                             FILE *progress, char ***ret_names, struct cpod_error **err)
{
	_cleanup_strv_free_ char **names = xnew(char *, 1);
	int r;

	if (faccessat(dirfd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		r = load_docker(s, dirfd, progress, &names, err);
	else if (faccessat(dirfd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		r = load_oci(s, dirfd, oci_default_name, progress, &names, err);
	else
		r = cpod_error_set(err, EINVAL,
		                   "payload does not match any of the supported image formats "
		                   "(oci, oci-archive, docker-archive): neither manifest.json nor "
		                   "index.json found");
	if (r < 0)
		return r;
	*ret_names = TAKE_PTR(names);
	return 0;
}
