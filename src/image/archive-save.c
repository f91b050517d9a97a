/* SPDX-License-Identifier: Apache-2.0 */
/* `podman save`: the format switch, output files, and resolving the images to export. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-internal.h"
#include "util/digest.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const format_names[_IMAGE_ARCHIVE_MAX] = {
        [IMAGE_ARCHIVE_DOCKER] = "docker-archive",
        [IMAGE_ARCHIVE_OCI] = "oci-archive",
        [IMAGE_ARCHIVE_OCI_DIR] = "oci-dir",
        [IMAGE_ARCHIVE_DOCKER_DIR] = "docker-dir",
};

enum image_archive_format image_archive_format_from_string(const char *s)
{
	for (int i = 0; i < _IMAGE_ARCHIVE_MAX; i++)
		if (s && strcmp(s, format_names[i]) == 0)
			return (enum image_archive_format)i;
	return _IMAGE_ARCHIVE_INVALID;
}

const char *image_archive_format_to_string(enum image_archive_format f)
{
	return f >= 0 && f < _IMAGE_ARCHIVE_MAX ? format_names[f] : NULL;
}

void export_image_release(struct export_image *e)
{
	store_image_free(e->img);
	free(e->config);
	free(e->config_digest);
	free(e->name);
	for (size_t i = 0; i < e->n_layers; i++)
		store_layer_free(e->layers[i]);
	free(e->layers);
	*e = (struct export_image){0};
}

int export_image_resolve(struct store *s, const char *name, const struct image_lookup_opts *lookup,
                         struct export_image *ret, struct cpod_error **err)
{
	struct export_image e = {0};
	_cleanup_free_ char *resolved = NULL;
	int r = image_lookup(s, name, lookup, &e.img, &resolved, err);
	if (r < 0)
		return r;
	/* libimage records the name only when the image was looked up by one, not by ID */
	if (resolved && strv_contains(e.img->names, resolved) && !strchr(resolved, '@'))
		e.name = TAKE_PTR(resolved);
	r = store_image_config(s, e.img->id, &e.config, &e.config_len, err);
	if (r < 0)
		goto fail;
	e.config_digest = xasprintf("sha256:%s", e.img->id);
	e.n_layers = strv_length(e.img->layers);
	e.layers = xnew(struct store_layer *, e.n_layers + 1);
	for (size_t i = 0; i < e.n_layers; i++) {
		r = store_layer_get(s, e.img->layers[i], &e.layers[i], err);
		if (r < 0)
			goto fail;
	}
	*ret = e;
	return 0;
fail:
	export_image_release(&e);
	return r;
}

static int open_output(const char *path, struct cpod_error **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "opening %s", path);
	return fd;
}

static int check_dir_output(const char *path, struct cpod_error **err)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return cpod_error_set(err, EEXIST, "%s: file exists and is not a directory", path);
	return 0;
}

int image_save(struct store *s, char *const *names, const struct image_save_opts *opts,
               struct cpod_error **err)
{
	size_t n = strv_length(names);
	const char *fmt = image_archive_format_to_string(opts->format);
	int r;

	if (n == 0)
		return cpod_error_set(err, EINVAL, "need at least 1 argument");
	if (!fmt)
		return cpod_error_set(err, EINVAL, "unknown format");
	if (opts->compress && opts->format != IMAGE_ARCHIVE_OCI_DIR &&
	    opts->format != IMAGE_ARCHIVE_DOCKER_DIR)
		return cpod_error_set(err, EINVAL,
		                      "--compress can only be set when --format is "
		                      "either 'oci-dir' or 'docker-dir'");
	if (opts->multi && n > 1 && opts->format != IMAGE_ARCHIVE_DOCKER)
		return cpod_error_set(err, EINVAL,
		                      "unsupported format \"%s\" for saving multiple images (only "
		                      "docker-archive)",
		                      fmt);
	if (opts->format == IMAGE_ARCHIVE_DOCKER_DIR)
		return cpod_error_set(err, ENOTSUP,
		                      "saving in the docker-dir format is not supported");

	struct image_export_opts eo = {.progress = opts->progress, .lookup = opts->lookup};
	if (opts->format == IMAGE_ARCHIVE_OCI_DIR) {
		if (!opts->output)
			return cpod_error_set(err, EINVAL,
			                      "oci-dir needs an output directory (-o)");
		if ((r = check_dir_output(opts->output, err)) < 0)
			return r;
		return image_export_oci_dir(s, opts->output, names[0], &eo, err);
	}

	_cleanup_close_ int fd = -1;
	int out = opts->out_fd;
	if (opts->output) {
		fd = open_output(opts->output, err);
		if (fd < 0)
			return fd;
		out = fd;
	}
	if (opts->format == IMAGE_ARCHIVE_OCI) {
		r = image_export_oci_archive(s, out, names[0], &eo, err);
	} else if (opts->multi) {
		r = image_export_docker_archive(s, out, names, &eo, err);
	} else {
		/* `podman save IMAGE TAG...`: the other arguments tag the one image */
		char *one[] = {names[0], NULL};
		eo.additional_tags = names + 1;
		r = image_export_docker_archive(s, out, one, &eo, err);
	}
	if (r < 0 && opts->output)
		unlink(opts->output);
	return r;
}
