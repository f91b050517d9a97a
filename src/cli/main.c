/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "cli.h"
#include "runtime/exec.h"

int main(int argc, char **argv)
{
	/*
	 * conmon runs cpod as the wrapper of a runtime that needs the cgroup workaround
	 * (runtime/exec.h): nothing else of cpod may run first.
	 */
	if (argc > 2 && strcmp(argv[1], CONMON_RUNTIME_WRAP_ARG) == 0)
		return runtime_wrap_exec(argv + 2);
	return cli_main(argc, argv);
}
