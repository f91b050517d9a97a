/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image-internal.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * json.Marshal output: compact, and '<', '>', '&', U+2028, U+2029 escaped as \u00XX. They
 * can only occur inside strings, so escaping the dumped text is safe.
 */
static char *go_json_marshal(const json_t *j)
{
	_cleanup_free_ char *raw = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
							 JSON_ENCODE_ANY);
	struct buf b = BUF_INIT;

	if (!raw)
		return xstrdup("null");
	for (const char *p = raw; *p; p++) {
		if (*p == '<')
			buf_puts(&b, "\\u003c");
		else if (*p == '>')
			buf_puts(&b, "\\u003e");
		else if (*p == '&')
			buf_puts(&b, "\\u0026");
		else if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
			 ((unsigned char)p[2] == 0xa8 || (unsigned char)p[2] == 0xa9)) {
			buf_puts(&b, (unsigned char)p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else
			buf_putc(&b, *p);
	}
	return buf_take(&b);
}

char *image_config_build_import(const struct image_import_config_opts *opts)
{
	_cleanup_json_ json_t *root = json_object();
	_cleanup_free_ char *created = image_time_rfc3339nano(&opts->created);
	const char *diff_hex = strncmp(opts->diff_id, "sha256:", 7) == 0 ? opts->diff_id + 7
									 : opts->diff_id;

	json_object_set_new(root, "created", json_string(created));
	json_object_set_new(root, "architecture",
			    json_string(opts->arch ? opts->arch : image_host_arch()));
	if (opts->variant && *opts->variant)
		json_object_set_new(root, "variant", json_string(opts->variant));
	json_object_set_new(root, "os", json_string(opts->os ? opts->os : "linux"));
	json_t *cfg = opts->config ? json_deep_copy(opts->config) : json_object();
	/* ONBUILD is not part of the OCI ImageConfig: import drops it like Podman does */
	json_object_del(cfg, "OnBuild");
	image_config_normalize(cfg);
	json_object_set_new(root, "config", cfg);

	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "type", json_string("layers"));
	json_t *diff_ids = json_array();
	json_array_append_new(diff_ids, json_string(opts->diff_id));
	json_object_set_new(rootfs, "diff_ids", diff_ids);
	json_object_set_new(root, "rootfs", rootfs);

	json_t *h = json_object();
	_cleanup_free_ char *created_by = xasprintf("/bin/sh -c #(nop) ADD file:%s in /", diff_hex);
	json_object_set_new(h, "created", json_string(created));
	json_object_set_new(h, "created_by", json_string(created_by));
	json_object_set_new(h, "comment",
			    json_string(opts->comment && *opts->comment ? opts->comment
									 : "imported from tarball"));
	json_t *history = json_array();
	json_array_append_new(history, h);
	json_object_set_new(root, "history", history);
	return go_json_marshal(root);
}

char *image_manifest_build(const char *config_digest, int64_t config_size,
			   const struct image_manifest_layer *layers, size_t n_layers)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *cfg = json_object();
	json_t *arr = json_array();

	json_object_set_new(root, "schemaVersion", json_integer(2));
	json_object_set_new(cfg, "mediaType", json_string("application/vnd.oci.image.config.v1+json"));
	json_object_set_new(cfg, "digest", json_string(config_digest));
	json_object_set_new(cfg, "size", json_integer(config_size));
	json_object_set_new(root, "config", cfg);
	for (size_t i = 0; i < n_layers; i++) {
		json_t *l = json_object();
		json_object_set_new(l, "mediaType", json_string(layers[i].media_type));
		json_object_set_new(l, "digest", json_string(layers[i].digest));
		json_object_set_new(l, "size", json_integer(layers[i].size));
		json_array_append_new(arr, l);
	}
	json_object_set_new(root, "layers", arr);
	return go_json_marshal(root);
}

void image_config_info_release(struct image_config_info *info)
{
	json_decref(info->root);
	memset(info, 0, sizeof(*info));
}

static const char *opt_string(json_t *o, const char *key, const char *def)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : def;
}

/* Fail when key is present with another type than want (Go's Unmarshal would). */
static bool bad_type(json_t *o, const char *key, json_type want)
{
	json_t *v = json_object_get(o, key);
	return v && !json_is_null(v) && json_typeof(v) != want;
}

int image_config_parse(const char *data, size_t len, struct image_config_info *ret,
		       struct cpod_error **err)
{
	struct image_config_info info = {0};
	json_error_t jerr;
	size_t i;
	json_t *v;

	if (len > IMAGE_CONFIG_MAX)
		return cpod_error_set(err, EFBIG, "parsing image configuration: larger than %u bytes",
				      IMAGE_CONFIG_MAX);
	_cleanup_json_ json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cpod_error_set(err, EINVAL, "parsing image configuration: %s", jerr.text);
	if (!json_is_object(root))
		return cpod_error_set(err, EINVAL, "parsing image configuration: not an object");
	static const struct {
		const char *key;
		json_type type;
	} fields[] = {
		{"created", JSON_STRING}, {"author", JSON_STRING}, {"architecture", JSON_STRING},
		{"os", JSON_STRING},      {"variant", JSON_STRING}, {"config", JSON_OBJECT},
		{"rootfs", JSON_OBJECT},  {"history", JSON_ARRAY},  {"comment", JSON_STRING},
	};
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (bad_type(root, fields[i].key, fields[i].type))
			return cpod_error_set(err, EINVAL,
					      "parsing image configuration: %s has the wrong type",
					      fields[i].key);

	const char *created = opt_string(root, "created", NULL);
	if (created) {
		if (image_time_parse_rfc3339(created, &info.created) < 0)
			return cpod_error_set(err, EINVAL,
					      "parsing image configuration: invalid created time");
		info.has_created = true;
	}
	json_t *config = json_object_get(root, "config");
	info.config = json_is_object(config) ? config : NULL;
	if (info.config) {
		static const char *const strv_keys[] = {"Env", "Entrypoint", "Cmd", "OnBuild"};
		static const char *const map_keys[] = {"ExposedPorts", "Volumes", "Labels"};
		for (i = 0; i < 4; i++) {
			json_t *a = json_object_get(info.config, strv_keys[i]);
			size_t k;
			if (bad_type(info.config, strv_keys[i], JSON_ARRAY))
				return cpod_error_set(err, EINVAL,
						      "parsing image configuration: %s has the wrong type",
						      strv_keys[i]);
			json_array_foreach(a, k, v)
				if (!json_is_string(v))
					return cpod_error_set(err, EINVAL,
							      "parsing image configuration: %s must hold strings",
							      strv_keys[i]);
		}
		for (i = 0; i < 3; i++)
			if (bad_type(info.config, map_keys[i], JSON_OBJECT))
				return cpod_error_set(err, EINVAL,
						      "parsing image configuration: %s has the wrong type",
						      map_keys[i]);
		const char *k;
		json_object_foreach(json_object_get(info.config, "Labels"), k, v)
			if (!json_is_string(v))
				return cpod_error_set(err, EINVAL,
						      "parsing image configuration: labels must be strings");
	}
	json_t *rootfs = json_object_get(root, "rootfs");
	json_t *diff_ids = json_object_get(rootfs, "diff_ids");
	if (diff_ids) {
		if (!json_is_array(diff_ids))
			return cpod_error_set(err, EINVAL,
					      "parsing image configuration: diff_ids is not an array");
		json_array_foreach(diff_ids, i, v)
			if (!json_is_string(v))
				return cpod_error_set(err, EINVAL,
						      "parsing image configuration: invalid diff ID");
		info.diff_ids = diff_ids;
	}
	json_t *history = json_object_get(root, "history");
	if (json_is_array(history)) {
		json_array_foreach(history, i, v)
			if (!json_is_object(v))
				return cpod_error_set(err, EINVAL,
						      "parsing image configuration: invalid history entry");
		info.history = history;
	}

	info.author = opt_string(root, "author", "");
	info.arch = opt_string(root, "architecture", "");
	info.os = opt_string(root, "os", "");
	info.variant = opt_string(root, "variant", NULL);
	/* libimage: Docker's top-level comment, else the comment of the last history entry */
	info.comment = opt_string(root, "comment", NULL);
	if (!info.comment && info.history && json_array_size(info.history) > 0)
		info.comment = opt_string(json_array_get(info.history,
							 json_array_size(info.history) - 1),
					  "comment", NULL);
	if (!info.comment)
		info.comment = "";
	info.root = TAKE_PTR(root);
	*ret = info;
	return 0;
}

json_t *image_config_labels(const struct image_config_info *info)
{
	json_t *l = info->config ? json_object_get(info->config, "Labels") : NULL;
	return json_is_object(l) ? l : NULL;
}
