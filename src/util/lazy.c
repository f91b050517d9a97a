/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader behind the lazy shims (lazy.h): one dlopen per library and every symbol
 * resolved at once, so a library missing a function fails on first use as a whole, the way
 * the dynamic linker would have failed at start-up, instead of in the middle of an operation.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lazy.h"
#include "log.h"
#include "banned.h"

int lazy_lib_open(struct lazy_lib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(lib->error, sizeof(lib->error), "cannot load %s: %s; install %s",
		         lib->soname, why ? why : "unknown error", lib->package);
		log_error("%s", lib->error);
		return -ENOENT;
	}
	for (size_t i = 0; i < lib->n_syms; i++) {
		/* RTLD_LOCAL and a handle: the library's own definition, never a shim's */
		lib->syms[i] = dlsym(h, lib->names[i]);
		if (!lib->syms[i]) {
			snprintf(lib->error, sizeof(lib->error),
			         "cannot load %s: undefined symbol %s; install a newer %s",
			         lib->soname, lib->names[i], lib->package);
			log_error("%s", lib->error);
			memset(lib->syms, 0, lib->n_syms * sizeof(*lib->syms));
			dlclose(h);
			return -ENOSYS;
		}
	}
	lib->error[0] = '\0';
	lib->handle = h;
	return 0;
}
