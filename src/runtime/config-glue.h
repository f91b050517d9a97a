/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_CONFIG_GLUE_H
#define CPOD_RUNTIME_CONFIG_GLUE_H

/*
 * The few containers.conf settings the runtime layer reads, in one place, with
 * containers-common's built-in defaults when there is no config at all (cfg NULL).
 */
struct cpod_config;

/* [engine] runtime: the configured OCI runtime name or path; owned, NULL when unset. */
char *rtconf_default_runtime(const struct cpod_config *cfg);

/* [engine.runtimes] <name>: candidate paths, in order; owned strv (may be empty). */
char **rtconf_runtime_paths(const struct cpod_config *cfg, const char *name);

/* [engine] conmon_path: candidate paths for conmon; owned strv. */
char **rtconf_conmon_paths(const struct cpod_config *cfg);

/* [engine] helper_binaries_dir: where slirp4netns and friends may live; owned strv. */
char **rtconf_helper_dirs(const struct cpod_config *cfg);

#endif
