/* SPDX-License-Identifier: Apache-2.0 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "storage/driver.h"
#include "storage/store-internal.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * Regenerate a layer tar from its files, for layers whose blob was not kept. Entries are
 * written in directory order with pax headers; for overlay, 0:0 character devices become
 * ".wh.NAME" and opaque directories get a ".wh..wh..opq" entry, as image tars expect. The
 * result equals the original diff only if the original tar was written the same way, which
 * is why callers compare digests.
 */

DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_read_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_write_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive_entry *, archive_entry_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive_entry_linkresolver *, archive_entry_linkresolver_free)

/* Drop overlay's private xattrs; returns true if the directory was marked opaque. */
static bool strip_overlay_xattrs(struct archive_entry *e)
{
	bool opaque = false;
	struct xa {
		char *name;
		void *value;
		size_t size;
	} *keep = NULL;
	size_t n = 0;
	const char *name;
	const void *value;
	size_t size;
	if (archive_entry_xattr_reset(e) == 0)
		return false;
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (strncmp(name, "trusted.overlay.", 16) == 0) {
			if (strcmp(name, "trusted.overlay.opaque") == 0 && size == 1 &&
			    ((const char *)value)[0] == 'y')
				opaque = true;
			continue;
		}
		keep = xrealloc(keep, (n + 1) * sizeof(*keep));
		keep[n++] = (struct xa){xstrdup(name), xmemdup(value, size ? size : 1), size};
	}
	archive_entry_xattr_clear(e);
	for (size_t i = 0; i < n; i++) {
		archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
		free(keep[i].name);
		free(keep[i].value);
	}
	free(keep);
	return opaque;
}

static int write_entry(struct archive *aw, struct archive *rd, struct archive_entry *e,
                       bool with_data, struct cpod_error **err)
{
	if (archive_write_header(aw, e) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "write tar header: %s", archive_error_string(aw));
	if (!with_data || archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) <= 0)
		return 0;
	char buf[65536];
	for (;;) {
		la_ssize_t n = archive_read_data(rd, buf, sizeof(buf));
		if (n < 0)
			return cpod_error_set(err, EIO, "read %s: %s", archive_entry_pathname(e),
			                      archive_error_string(rd));
		if (n == 0)
			return 0;
		if (archive_write_data(aw, buf, (size_t)n) < 0)
			return cpod_error_set(err, EIO, "write tar: %s", archive_error_string(aw));
	}
}

static void whiteout_entry(struct archive_entry *e, const char *rel, bool opaque)
{
	_cleanup_free_ char *dir = xstrdup(rel);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (slash)
		*slash = '\0';
	_cleanup_free_ char *name =
	        opaque ? xasprintf("%s/.wh..wh..opq", rel)
	               : (slash ? xasprintf("%s/.wh.%s", dir, base) : xasprintf(".wh.%s", base));
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
}

static int generate(struct store *s, const char *root, int fd, struct cpod_error **err)
{
	bool overlay = s->ops->whiteouts == TAR_WHITEOUT_OVERLAY;
	_cleanup_(archive_write_freep) struct archive *aw = archive_write_new();
	_cleanup_(archive_read_freep) struct archive *rd = archive_read_disk_new();
	_cleanup_(archive_entry_linkresolver_freep) struct archive_entry_linkresolver *lr =
	        archive_entry_linkresolver_new();
	if (!aw || !rd || !lr)
		return cpod_error_set(err, ENOMEM, "generate layer tar: out of memory");
	archive_write_set_format_pax_restricted(aw);
	archive_entry_linkresolver_set_strategy(lr, archive_format(aw));
	archive_read_disk_set_symlink_physical(rd);
	archive_read_disk_set_standard_lookup(rd);
	if (archive_write_open_fd(aw, fd) != ARCHIVE_OK ||
	    archive_read_disk_open(rd, root) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "generate layer tar: %s", archive_error_string(rd));
	size_t rootlen = strlen(root);
	for (;;) {
		_cleanup_(archive_entry_freep) struct archive_entry *e = archive_entry_new();
		int rc = archive_read_next_header2(rd, e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN)
			return cpod_error_set(err, EIO, "read %s: %s", root,
			                      archive_error_string(rd));
		archive_read_disk_descend(rd);
		const char *p = archive_entry_pathname(e);
		if (strncmp(p, root, rootlen) != 0 || (p[rootlen] != '/' && p[rootlen] != '\0'))
			continue;
		if (p[rootlen] == '\0')
			continue; /* the layer root itself */
		_cleanup_free_ char *rel = xstrdup(p + rootlen + 1);
		archive_entry_set_pathname(e, rel);
		bool opaque = overlay && strip_overlay_xattrs(e);
		if (overlay && archive_entry_filetype(e) == AE_IFCHR &&
		    archive_entry_rdev(e) == makedev(0, 0))
			whiteout_entry(e, rel, false);
		struct archive_entry *sparse = NULL;
		struct archive_entry *cur = e;
		archive_entry_linkify(lr, &cur, &sparse);
		if (cur) {
			int r = write_entry(aw, rd, cur, cur == e, err);
			if (cur != e)
				archive_entry_free(cur);
			if (r < 0)
				return r;
		}
		if (opaque) {
			_cleanup_(archive_entry_freep) struct archive_entry *w =
			        archive_entry_new();
			whiteout_entry(w, rel, true);
			int r = write_entry(aw, rd, w, false, err);
			if (r < 0)
				return r;
		}
	}
	struct archive_entry *cur = NULL, *sparse = NULL;
	for (archive_entry_linkify(lr, &cur, &sparse); cur;
	     archive_entry_linkify(lr, &cur, &sparse)) {
		int r = write_entry(aw, rd, cur, false, err);
		archive_entry_free(cur);
		cur = NULL;
		if (r < 0)
			return r;
	}
	if (archive_write_close(aw) != ARCHIVE_OK)
		return cpod_error_set(err, EIO, "write tar: %s", archive_error_string(aw));
	return 0;
}

int store_layer_generate_tar(struct store *s, const char *id, struct cpod_error **err)
{
	_cleanup_free_ char *rel = s->ops->diff_path(id);
	_cleanup_free_ char *root = xasprintf("%s/%s", s->graph_root, rel);
	_cleanup_close_ int fd = openat(s->graph_fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return cpod_error_set_errno(err, errno, "create temporary file in %s/tmp",
		                            s->graph_root);
	int r = generate(s, root, fd, err);
	if (r < 0)
		return cpod_error_wrap(err, "generate tar of layer %s", id);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cpod_error_set_errno(err, errno, "seek layer tar");
	return TAKE_FD(fd);
}
