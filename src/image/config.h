/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_CONFIG_H
#define CPOD_IMAGE_CONFIG_H

/*
 * OCI image configurations: the --change instructions (Dockerfile syntax) that import and
 * commit accept, building the config blob of an imported image, and parsing a stored config
 * (untrusted: it may come from a registry) for inspect and list.
 *
 * Config JSON is written the way Go's encoding/json writes containers/image's structs: keys
 * in struct field order, map keys sorted, empty fields omitted, compact. That keeps
 * cpod's configs byte-compatible in shape with Podman's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "util/cleanup.h"
#include "util/error.h"

/* Configs and manifests larger than this are refused (containers/image uses 4 MiB too). */
#define IMAGE_CONFIG_MAX (4u * 1024 * 1024)

/*
 * Apply Dockerfile-style changes ("CMD [\"sh\"]", "ENV=A=b", "EXPOSE 80/udp", ...) as
 * containers/common's ImageConfigFromChanges does: USER, EXPOSE, ENV, ENTRYPOINT, CMD,
 * VOLUME, WORKDIR, LABEL, STOPSIGNAL, ONBUILD. Each change is "KEY VALUE" or "KEY=VALUE".
 * config is an OCI ImageConfig object ("User", "Env", ... ; "OnBuild" for ONBUILD) which
 * is modified in place and left with its keys in Go struct order.
 * Errors (EINVAL) read like Podman's: "invalid change \"X\" - invalid instruction FOO".
 */
int image_config_apply_changes(json_t *config, char *const *changes, struct cpod_error **err);

/* Put the keys of an ImageConfig object into Go's field order, map keys sorted. */
void image_config_normalize(json_t *config);

/* Options for the config of an imported tarball (containers/image's tarball source). */
struct image_import_config_opts {
	json_t *config;          /* ImageConfig (borrowed), or NULL for {} */
	const char *diff_id;     /* "sha256:..." of the uncompressed layer */
	const char *comment;     /* history comment; NULL → "imported from tarball" */
	struct timespec created; /* the tarball's mtime, or now for stdin */
	const char *os;          /* NULL → "linux" */
	const char *arch;        /* NULL → the host's Go arch name */
	const char *variant;     /* may be NULL */
};

/* The config blob (compact JSON, owned string) for an imported layer. */
char *image_config_build_import(const struct image_import_config_opts *opts);

/* The OCI manifest (compact JSON, owned) for a config and one or more layers. */
struct image_manifest_layer {
	const char *media_type;
	const char *digest;
	int64_t size;
};
char *image_manifest_build(const char *config_digest, int64_t config_size,
			   const struct image_manifest_layer *layers, size_t n_layers);

/* The fields of a stored config that inspect and list need. */
struct image_config_info {
	json_t *root;          /* the whole config document (owned reference) */
	json_t *config;        /* its "config" object or NULL (borrowed from root) */
	bool has_created;
	struct timespec created;
	const char *author;    /* "" when absent; borrowed from root */
	const char *arch;
	const char *os;
	const char *variant;   /* NULL when absent */
	const char *comment;   /* Docker "comment" or the last history comment, "" else */
	json_t *history;       /* array or NULL (borrowed) */
	json_t *diff_ids;      /* array of strings or NULL (borrowed) */
};
void image_config_info_release(struct image_config_info *info);

/*
 * Parse a config blob (at most IMAGE_CONFIG_MAX bytes, any JSON checked for types).
 * -EINVAL with "parsing image configuration: ..." on malformed input.
 * Release *ret with image_config_info_release().
 */
int image_config_parse(const char *data, size_t len, struct image_config_info *ret,
		       struct cpod_error **err);

/* Labels of the config ("config"."Labels") or NULL; borrowed. */
json_t *image_config_labels(const struct image_config_info *info);

#endif
