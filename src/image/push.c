/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podman push` destinations: a registry ("docker://REF" or a plain reference) or, through
 * the archive writers, "oci:DIR", "oci-archive:FILE" and "docker-archive:FILE[:REF]".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/registries-conf.h"
#include "image-archive.h"
#include "image.h"
#include "pull-internal.h"
#include "reference.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static bool has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);
	if (strncmp(s, p, n) != 0)
		return false;
	*rest = s + n;
	return true;
}

/* "FILE[:REF]": the reference after the last ':' when it parses as a tagged name */
static char *split_archive_ref(const char *spec, char **ret_ref)
{
	*ret_ref = NULL;
	const char *colon = strchr(spec, ':');
	if (!colon)
		return xstrdup(spec);
	*ret_ref = xstrdup(colon + 1);
	return xstrndup(spec, (size_t)(colon - spec));
}

static int push_archive(struct store *s, const char *src, const char *kind, const char *spec,
                        const struct image_push_opts *opts, const struct image_lookup_opts *lo,
                        struct cpod_error **err)
{
	_cleanup_free_ char *ref = NULL;
	_cleanup_free_ char *path = split_archive_ref(spec, &ref);
	char *tags[] = {ref, NULL};
	struct image_export_opts eo = {
	        .progress = opts->progress, .lookup = lo, .additional_tags = ref ? tags : NULL};
	if (!*path)
		return cpod_error_set(err, EINVAL, "invalid destination \"%s:%s\": no path", kind,
		                      spec);
	if (strcmp(kind, "oci") == 0)
		return image_export_oci_dir(s, path, src, &eo, err);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "creating %s", path);
	int r;
	if (strcmp(kind, "oci-archive") == 0) {
		r = image_export_oci_archive(s, fd, src, &eo, err);
	} else {
		char *names[] = {(char *)src, NULL};
		r = image_export_docker_archive(s, fd, names, &eo, err);
	}
	if (r < 0)
		unlink(path);
	return r;
}

int image_push(struct store *s, const char *src, const char *dest,
               const struct image_push_opts *opts, char **ret_digest, struct cpod_error **err)
{
	_cleanup_(registries_conf_freep) struct registries_conf *owned = NULL;
	struct image_push_opts o = *opts;
	int r;
	if (!o.access.registries) {
		if ((r = registries_conf_load(NULL, &owned, err)) < 0)
			return r;
		o.access.registries = owned;
	}
	struct image_lookup_opts lo = {.search_registries =
	                                       registries_conf_search(o.access.registries)};
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_free_ char *resolved = NULL;
	if ((r = image_lookup(s, src, &lo, &img, &resolved, err)) < 0)
		return r;
	if (!dest)
		dest = resolved && strcmp(resolved, img->id) != 0 ? resolved : src;
	const char *rest = NULL;
	if (has_prefix(dest, "oci:", &rest))
		return push_archive(s, src, "oci", rest, &o, &lo, err);
	if (has_prefix(dest, "oci-archive:", &rest))
		return push_archive(s, src, "oci-archive", rest, &o, &lo, err);
	if (has_prefix(dest, "docker-archive:", &rest))
		return push_archive(s, src, "docker-archive", rest, &o, &lo, err);
	if (has_prefix(dest, "dir:", &rest) || has_prefix(dest, "docker-daemon:", &rest) ||
	    has_prefix(dest, "containers-storage:", &rest))
		return cpod_error_set(err, ENOTSUP, "destination \"%s\": transport not supported",
		                      dest);
	has_prefix(dest, "docker://", &dest);
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	if ((r = image_ref_parse(dest, &ref, err)) < 0)
		return r;
	image_ref_with_default_tag(ref);
	_cleanup_free_ char *full = image_ref_string(ref);
	if (registries_conf_is_blocked(o.access.registries, full))
		return cpod_error_set(err, EACCES, "registry %s is blocked in registries.conf",
		                      ref->domain);
	struct pull_progress *progress = pull_progress_new(o.progress, false);
	_cleanup_free_ char *digest = NULL;
	r = push_to_registry(s, img->id, full, &o, progress, &digest, err);
	pull_progress_free(progress);
	if (r < 0)
		return cpod_error_wrap(err, "pushing docker://%s", full);
	if (o.digestfile && digest) {
		r = write_file_atomic_at(AT_FDCWD, o.digestfile, digest, strlen(digest), 0644, 0);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "writing digest file %s",
			                            o.digestfile);
	}
	if (ret_digest)
		*ret_digest = TAKE_PTR(digest);
	return 0;
}
