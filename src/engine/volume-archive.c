/* SPDX-License-Identifier: Apache-2.0 */
/*
 * volume export / import: a tar of the volume's data (paths relative to _data, symlinks
 * stored, never followed) and its extraction into _data. Extraction refuses entries that
 * would land outside the volume: absolute paths are skipped here (the names are made
 * absolute below _data), ".." and paths through symlinks are refused by libarchive's secure
 * extraction flags.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>

#include "engine/volume-internal.h"
#include "util/xalloc.h"
#include "banned.h"

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_free(*a);
}
#define _cleanup_archive_ _cleanup_(archive_freep)

/* The volume, mounted for the duration when its driver needs it (lock held). */
static int open_volume(struct engine *e, const char *name, struct volume **ret, int *ret_lock,
                       struct cpod_error **err)
{
	int r = volume_get_locked(e, name, ret, ret_lock, err);
	if (r < 0)
		return r;
	return volume_mount_locked(e, *ret, err);
}

static void close_volume(struct engine *e, struct volume *v)
{
	struct cpod_error *uerr = NULL;
	if (volume_unmount_locked(e, v, &uerr) < 0)
		cpod_error_free(uerr);
}

static int write_tree(struct volume *v, int fd, struct cpod_error **err)
{
	_cleanup_archive_ struct archive *disk = archive_read_disk_new();
	_cleanup_archive_ struct archive *out = archive_write_new();
	archive_read_disk_set_symlink_physical(disk);
	archive_read_disk_set_standard_lookup(disk);
	archive_write_set_format_pax_restricted(out);
	if (archive_write_open_fd(out, fd) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "writing the export: %s",
		                      archive_error_string(out));
	if (archive_read_disk_open(disk, v->mountpoint) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "reading volume %s: %s", v->name,
		                      archive_error_string(disk));
	size_t plen = strlen(v->mountpoint);
	int r = 0;
	for (;;) {
		struct archive_entry *ent = archive_entry_new();
		int rc = archive_read_next_header2(disk, ent);
		if (rc == ARCHIVE_EOF) {
			archive_entry_free(ent);
			break;
		}
		if (rc < ARCHIVE_WARN) {
			archive_entry_free(ent);
			r = cpod_error_set(err, EIO, "reading volume %s: %s", v->name,
			                   archive_error_string(disk));
			break;
		}
		archive_read_disk_descend(disk);
		const char *p = archive_entry_sourcepath(ent);
		if (!p || strlen(p) <= plen + 1) {
			archive_entry_free(ent);
			continue; /* the root itself */
		}
		archive_entry_set_pathname(ent, p + plen + 1);
		rc = archive_write_header(out, ent);
		if (rc < ARCHIVE_WARN) {
			archive_entry_free(ent);
			r = cpod_error_set(err, EIO, "writing the export: %s",
			                   archive_error_string(out));
			break;
		}
		if (archive_entry_filetype(ent) == AE_IFREG && archive_entry_size(ent) > 0) {
			char buf[65536];
			la_ssize_t n;
			while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0)
				if (archive_write_data(out, buf, (size_t)n) < 0) {
					n = -1;
					break;
				}
			if (n < 0)
				r = cpod_error_set(err, EIO, "exporting %s: %s", p,
				                   archive_error_string(out));
		}
		archive_entry_free(ent);
		if (r < 0)
			break;
	}
	archive_read_close(disk);
	if (archive_write_close(out) != ARCHIVE_OK && r >= 0)
		r = cpod_error_set(err, EIO, "writing the export: %s", archive_error_string(out));
	return r;
}

int volume_export(struct engine *e, const char *name, int fd, struct cpod_error **err)
{
	_cleanup_(volume_freep) struct volume *v = NULL;
	_cleanup_close_ int lock = -1;
	int r = open_volume(e, name, &v, &lock, err);
	if (r < 0)
		return r;
	r = write_tree(v, fd, err);
	close_volume(e, v);
	return r;
}

static int prefix_path(struct archive_entry *ent, const char *root, bool hardlink)
{
	const char *p = hardlink ? archive_entry_hardlink(ent) : archive_entry_pathname(ent);
	if (!p)
		return 0;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (p[0] == '/' || !*p || !strcmp(p, "."))
		return -1; /* absolute paths and the root entry are not extracted */
	_cleanup_free_ char *full = xasprintf("%s/%s", root, p);
	if (hardlink)
		archive_entry_set_hardlink(ent, full);
	else
		archive_entry_set_pathname(ent, full);
	return 0;
}

static int read_tree(struct volume *v, int fd, struct cpod_error **err)
{
	_cleanup_archive_ struct archive *in = archive_read_new();
	_cleanup_archive_ struct archive *disk = archive_write_disk_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	                                             ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	                                             ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
	                                             ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK);
	if (archive_read_open_fd(in, fd, 65536) != ARCHIVE_OK)
		return cpod_error_set(err, EINVAL, "reading the tarball: %s",
		                      archive_error_string(in));
	struct archive_entry *ent;
	int rc;
	while ((rc = archive_read_next_header(in, &ent)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		if (prefix_path(ent, v->mountpoint, false) < 0)
			continue;
		if (prefix_path(ent, v->mountpoint, true) < 0)
			return cpod_error_set(err, EINVAL, "invalid hard link in the tarball: %s",
			                      archive_entry_pathname(ent));
		rc = archive_write_header(disk, ent);
		if (rc < ARCHIVE_WARN)
			return cpod_error_set(err, EIO, "importing %s: %s",
			                      archive_entry_pathname(ent),
			                      archive_error_string(disk));
		const void *buf;
		size_t len;
		la_int64_t off;
		while ((rc = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data_block(disk, buf, len, off) < ARCHIVE_WARN)
				return cpod_error_set(err, EIO, "importing %s: %s",
				                      archive_entry_pathname(ent),
				                      archive_error_string(disk));
		if (rc != ARCHIVE_EOF)
			return cpod_error_set(err, EIO, "reading the tarball: %s",
			                      archive_error_string(in));
		if (archive_write_finish_entry(disk) < ARCHIVE_WARN)
			return cpod_error_set(err, EIO, "importing %s: %s",
			                      archive_entry_pathname(ent),
			                      archive_error_string(disk));
	}
	if (rc != ARCHIVE_EOF)
		return cpod_error_set(err, EINVAL, "reading the tarball: %s",
		                      archive_error_string(in));
	archive_write_close(disk);
	return 0;
}

int volume_import(struct engine *e, const char *name, int fd, struct cpod_error **err)
{
	_cleanup_(volume_freep) struct volume *v = NULL;
	_cleanup_close_ int lock = -1;
	int r = open_volume(e, name, &v, &lock, err);
	if (r < 0)
		return r;
	r = read_tree(v, fd, err);
	close_volume(e, v);
	return r;
}
