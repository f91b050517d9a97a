/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The program of the localhost/hello test image: a static binary, no libc at run time,
 * so the image is a single file. It prints a banner and exits 0, like docker's
 * hello-world image.
 */
#include <stdio.h>

static const char banner[] =
	"\n"
	"Hello from cpod!\n"
	"This message shows that your installation appears to be working correctly.\n"
	"\n"
	"To generate this message, cpod took the following steps:\n"
	" 1. The cpod client read the image \"localhost/hello\" from its local store\n"
	"    (tests/images/build.sh built it from tests/images/hello/hello.c and\n"
	"    \"cpod import\" added it to the store).\n"
	" 2. cpod created a new container from that image, with an overlay mount of\n"
	"    its single layer as the root filesystem.\n"
	" 3. The OCI runtime (crun or runc), watched by conmon, started this program\n"
	"    in new namespaces, and cpod streamed its output to your terminal.\n"
	"\n"
	"To try something more ambitious, you can run a busybox shell with:\n"
	" $ cpod run -it localhost/busybox sh\n"
	"\n"
	"For more, see the README.md of the cpod repository.\n"
	"\n";

int main(void)
{
	if (fputs(banner, stdout) == EOF || fflush(stdout) == EOF)
		return 1;
	return 0;
}
