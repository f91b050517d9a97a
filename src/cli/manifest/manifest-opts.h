/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_CLI_MANIFEST_OPTS_H
#define CPOD_CLI_MANIFEST_OPTS_H

/*
 * The platform and annotation flags of `manifest add` and `manifest annotate`. A verb embeds
 * struct manifest_platform_opts in its options struct as the member `plat` and lists the
 * MANIFEST_OPT_* entries in its table (sorted with its other flags).
 */
#include "cli/cli.h"
#include "image/manifest-list.h"

struct manifest_platform_opts {
	char **annotations, **features;
	char *arch, *os, *os_version, *variant;
};

/* --NAME overriding WHAT of the entry (f: a field of plat) */
#define MANIFEST_OPT_OVERRIDE(name, type, st, f, arg, what)                                        \
	CLI_OPT(name, 0, type, st, plat.f, arg, "override the " what " of the specified image")

#define MANIFEST_OPT_ANNOTATION(st)                                                                \
	CLI_OPT("annotation", 0, CLI_OPT_STRING_ARRAY, st, plat.annotations, "annotation",         \
	        "set an annotation for the specified image")
#define MANIFEST_OPT_ARCH(st)                                                                      \
	MANIFEST_OPT_OVERRIDE("arch", CLI_OPT_STRING, st, arch, "architecture", "architecture")
#define MANIFEST_OPT_FEATURES(st)                                                                  \
	MANIFEST_OPT_OVERRIDE("features", CLI_OPT_STRING_SLICE, st, features, "features",          \
	                      "features")
#define MANIFEST_OPT_OS(st) MANIFEST_OPT_OVERRIDE("os", CLI_OPT_STRING, st, os, "OS", "OS")
#define MANIFEST_OPT_OS_VERSION(st)                                                                \
	MANIFEST_OPT_OVERRIDE("os-version", CLI_OPT_STRING, st, os_version, "version", "OS version")
#define MANIFEST_OPT_VARIANT(st)                                                                   \
	MANIFEST_OPT_OVERRIDE("variant", CLI_OPT_STRING, st, variant, "Variant", "Variant")

/* Copy the flags into o (the strings stay borrowed from p). */
static inline void manifest_platform_apply(const struct manifest_platform_opts *p,
                                           struct image_manifest_add_opts *o)
{
	o->os = p->os;
	o->arch = p->arch;
	o->variant = p->variant;
	o->os_version = p->os_version;
	o->features = p->features;
	o->annotations = p->annotations;
}

#endif
