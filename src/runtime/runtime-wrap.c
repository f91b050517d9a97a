/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpod-runtime-wrap RUNTIME ARGS...: what conmon runs instead of crun on a cgroup hybrid host
 * (conmon_create_opts.runtime_wrapper): hide the cgroup2 tree, then exec the runtime. A
 * static program with no library of cpod's, so that it costs one cheap exec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup-hide.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cpod-runtime-wrap RUNTIME [ARGS...]\n");
		return 125;
	}
	int r = runtime_hide_cgroup2_unified();
	if (r < 0)
		fprintf(stderr, "cpod-runtime-wrap: hiding /sys/fs/cgroup/unified: %s\n",
			strerror(-r));
	execv(argv[1], argv + 1);
	fprintf(stderr, "cpod-runtime-wrap: exec %s: %s\n", argv[1], strerror(errno));
	return 127;
}
