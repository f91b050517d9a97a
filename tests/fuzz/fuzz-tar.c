/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arbitrary bytes as a layer blob: tar_apply_blob() into a fresh directory, which is then
 * removed. It may fail, but must not crash, leak, or create anything beside its destination
 * (the destination sits alone in a private parent directory, checked after each run).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/tar-apply.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/banned.h"

static void check_alone(const char *parent)
{
	_cleanup_closedir_ DIR *d = opendir(parent);
	if (!d)
		abort();
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "dest"))
			abort(); /* something was written outside the destination */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char parent[] = "/tmp/cpod-fuzz-tar-XXXXXX";
	if (!mkdtemp(parent))
		return 0;
	_cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int blob = memfd_create("blob", MFD_CLOEXEC);
	if (pfd < 0 || blob < 0 || mkdirat(pfd, "dest", 0755) < 0 ||
	    write_all(blob, data, size) < 0 || lseek(blob, 0, SEEK_SET) < 0) {
		rm_rf_at(AT_FDCWD, parent);
		return 0;
	}
	_cleanup_close_ int dest = openat(pfd, "dest", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* the last byte picks the whiteout mode, so both are explored */
	struct tar_apply_opts opts = {
	        .whiteouts = size > 0 && (data[size - 1] & 1) ? TAR_WHITEOUT_DELETE
	                                                      : TAR_WHITEOUT_OVERLAY,
	        .no_devices = true,
	};
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *digest = NULL, *diff_id = NULL;
	int64_t n, diff_n;
	if (dest >= 0)
		(void)tar_apply_blob(blob, dest, &opts, &digest, &n, &diff_id, &diff_n, &err);

	check_alone(parent);
	rm_rf_at(AT_FDCWD, parent);
	return 0;
}
