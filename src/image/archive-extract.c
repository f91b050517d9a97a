/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podman load`: an archive is unpacked into a private temporary directory (archives need
 * random access: manifest.json usually comes last), then loaded from there. Only regular
 * files and directories are unpacked, and only under names that stay inside the archive;
 * the legacy symlinks of docker-archive are not needed and are skipped.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-internal.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHUNK       65536
#define MAX_MEMBERS 100000

static int extract_file(struct archive *a, int dirfd, const char *name, struct cpod_error **err)
{
	_cleanup_free_ char *copy = xstrdup(name);
	char *slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		int r = mkdirat_p(dirfd, copy, 0700);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "unpacking \"%s\"", name);
	}
	_cleanup_close_ int fd =
	        openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST)
		return cpod_error_set(err, EINVAL, "archive member \"%s\" appears twice", name);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "unpacking \"%s\"", name);
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	for (;;) {
		la_ssize_t n = archive_read_data(a, chunk, CHUNK);
		if (n < 0)
			return cpod_error_set(err, EINVAL, "reading archive member \"%s\": %s",
			                      name, archive_error_string(a));
		if (n == 0)
			return 0;
		int r = write_all(fd, chunk, (size_t)n);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "unpacking \"%s\"", name);
	}
}

static const char *member_path(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

static int extract(int fd, int dirfd, struct cpod_error **err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t count = 0;
	int r = 0, rc;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK) {
		r = cpod_error_set(err, EINVAL, "reading archive: %s", archive_error_string(a));
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (++count > MAX_MEMBERS) {
			r = cpod_error_set(err, EINVAL, "archive has more than %d members",
			                   MAX_MEMBERS);
			goto out;
		}
		_cleanup_free_ char *clean = xstrdup(name ? name : "");
		size_t len = strlen(clean);
		while (len > 1 && clean[len - 1] == '/')
			clean[--len] = '\0';
		if (strcmp(clean, ".") == 0 || strcmp(clean, "./") == 0)
			continue;
		if (!archive_member_name_ok(clean)) {
			r = cpod_error_set(err, EINVAL, "invalid archive member name \"%s\"",
			                   name ? name : "");
			goto out;
		}
		mode_t type = archive_entry_filetype(e);
		if (type == AE_IFDIR) {
			int m = mkdirat_p(dirfd, member_path(clean), 0700);
			if (m < 0) {
				r = cpod_error_set_errno(err, -m, "unpacking \"%s\"", name);
				goto out;
			}
		} else if (type == AE_IFREG && !archive_entry_hardlink(e)) {
			if ((r = extract_file(a, dirfd, member_path(clean), err)) < 0)
				goto out;
		} else {
			log_debug("skipping archive member \"%s\" (not a regular file)", name);
		}
	}
	if (rc != ARCHIVE_EOF)
		r = cpod_error_set(err, EINVAL, "reading archive: %s",
		                   archive_error_string(a) ? archive_error_string(a)
		                                           : "bad header");
out:
	archive_read_free(a);
	return r;
}

/* Podman's name for an image from an OCI directory: "localhost/" + the path as given. */
static char *dir_default_name(const char *path)
{
	while (*path == '/')
		path++;
	_cleanup_free_ char *p = xstrdup(path);
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	return n ? xasprintf("localhost/%s", p) : NULL;
}

static int load_dir(struct store *s, const char *path, FILE *progress, char ***ret,
                    struct cpod_error **err)
{
	_cleanup_close_ int dfd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return cpod_error_set_errno(err, errno, "opening %s", path);
	_cleanup_free_ char *def = dir_default_name(path);
	return image_import_archive_dir(s, dfd, def, progress, ret, err);
}

static int spool(int in, struct cpod_error **err)
{
	_cleanup_close_ int fd = archive_tmpfile(err);
	_cleanup_free_ char *chunk = xmalloc(CHUNK);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(in, chunk, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpod_error_set_errno(err, errno, "reading the archive");
		if (n == 0)
			break;
		int r = write_all(fd, chunk, (size_t)n);
		if (r < 0)
			return cpod_error_set_errno(err, -r, "writing a temporary file");
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "rewinding a temporary file");
	return TAKE_FD(fd);
}

int image_load(struct store *s, const struct image_load_opts *opts, char ***ret_names,
               struct cpod_error **err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (opts->input) {
		if (stat(opts->input, &st) < 0)
			return cpod_error_set_errno(err, errno, "stat %s", opts->input);
		if (S_ISDIR(st.st_mode))
			return load_dir(s, opts->input, opts->progress, ret_names, err);
		fd = open(opts->input, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cpod_error_set_errno(err, errno, "opening %s", opts->input);
	} else {
		fd = spool(opts->in_fd, err);
		if (fd < 0)
			return fd;
	}
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *tmpl =
	        xasprintf("%s/cpod-load-XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
	if (!mkdtemp(tmpl))
		return cpod_error_set_errno(err, errno, "creating a temporary directory");
	_cleanup_close_ int dfd = open(tmpl, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0) {
		r = cpod_error_set_errno(err, errno, "opening %s", tmpl);
	} else {
		r = extract(fd, dfd, err);
		if (r >= 0)
			r = image_import_archive_dir(s, dfd, NULL, opts->progress, ret_names, err);
	}
	rm_rf_at(AT_FDCWD, tmpl);
	return r;
}
