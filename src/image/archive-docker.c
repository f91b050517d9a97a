/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docker-archive output as containers/image's docker/internal/tarfile Writer makes it:
 * members with mode 0444 and mtime 0, layers as <diffid-hex>.tar (uncompressed), the config
 * as <config-hex>.json, per-layer legacy directories (<v1 id>/layer.tar symlink, VERSION,
 * json) and finally manifest.json and `repositories`.
 */
#include <errno.h>
#include <string.h>

#include "archive-internal.h"
#include "reference.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct docker_writer {
	struct archive_sink sink;
	char **written;   /* member names already sent */
	json_t *manifest; /* array of items */
	json_t *repos;    /* repositories: name -> {tag -> v1 id} */
	FILE *progress;
};

/* Go's encoding/json escapes <, > and & even inside raw messages */
static char *go_json_compact(json_t *v)
{
	_cleanup_free_ char *s =
	        v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
	struct buf b = BUF_INIT;
	if (!s)
		return xstrdup("null");
	for (const char *p = s; *p; p++) {
		if (*p == '<')
			buf_puts(&b, "\\u003c");
		else if (*p == '>')
			buf_puts(&b, "\\u003e");
		else if (*p == '&')
			buf_puts(&b, "\\u0026");
		else
			buf_putc(&b, *p);
	}
	return buf_take(&b);
}

/*
 * The legacy (v1) layer config; keys sorted as Go marshals a map. key_id is "id" or
 * "layer_id" (the latter only to compute the ID).
 */
static char *legacy_json(json_t *config, bool top, const char *key_id, const char *id,
                         const char *parent)
{
	static const char *const attrs[] = {"architecture",     "config",  "container",
	                                    "container_config", "created", "docker_version"};
	struct buf b = BUF_INIT;
	bool first = true;

	buf_putc(&b, '{');
	for (size_t i = 0; top && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		_cleanup_free_ char *v = go_json_compact(json_object_get(config, attrs[i]));
		buf_printf(&b, "%s\"%s\":%s", first ? "" : ",", attrs[i], v);
		first = false;
	}
	buf_printf(&b, "%s\"%s\":\"%s\"", first ? "" : ",", key_id, id);
	if (top) {
		_cleanup_free_ char *v = go_json_compact(json_object_get(config, "os"));
		buf_printf(&b, ",\"os\":%s", v);
	}
	if (parent)
		buf_printf(&b, ",\"parent\":\"%s\"", parent);
	buf_putc(&b, '}');
	return buf_take(&b);
}

static int write_legacy(struct docker_writer *w, const struct export_image *e, char **ret_top_id,
                        struct cpod_error **err)
{
	_cleanup_json_ json_t *config = json_loadb(e->config, e->config_len, JSON_DECODE_ANY, NULL);
	_cleanup_free_ char *chain = NULL, *last = NULL;
	int r;

	for (size_t i = 0; i < e->n_layers; i++) {
		const char *diff = e->layers[i]->diff_id;
		bool top = i == e->n_layers - 1;
		if (!chain) {
			chain = xstrdup(diff);
		} else {
			_cleanup_free_ char *in = xasprintf("%s %s", chain, diff);
			free(chain);
			chain = digest_sha256_string(in, strlen(in));
		}
		_cleanup_free_ char *for_id = legacy_json(config, top, "layer_id", chain, last);
		char id[65];
		digest_sha256_hex(for_id, strlen(for_id), id);
		_cleanup_free_ char *js = legacy_json(config, top, "id", id, last);
		_cleanup_free_ char *link = xasprintf("%s/layer.tar", id);
		if (!strv_contains(w->written, link)) {
			_cleanup_free_ char *target = xasprintf("../%s.tar", diff + 7);
			_cleanup_free_ char *ver = xasprintf("%s/VERSION", id);
			_cleanup_free_ char *jpath = xasprintf("%s/json", id);
			if ((r = archive_sink_symlink(&w->sink, link, target, err)) < 0 ||
			    (r = archive_sink_put_bytes(&w->sink, ver, "1.0", 3, err)) < 0 ||
			    (r = archive_sink_put_bytes(&w->sink, jpath, js, strlen(js), err)) < 0)
				return r;
			strv_push(&w->written, link);
		}
		free(last);
		last = xstrdup(id);
	}
	*ret_top_id = TAKE_PTR(last);
	return 0;
}

static int write_layers(struct docker_writer *w, struct store *s, const struct export_image *e,
                        json_t *layer_paths, struct cpod_error **err)
{
	for (size_t i = 0; i < e->n_layers; i++) {
		const struct store_layer *l = e->layers[i];
		_cleanup_free_ char *member = xasprintf("%s.tar", l->diff_id + 7);
		json_array_append_new(layer_paths, json_string(member));
		if (strv_contains(w->written, member))
			continue;
		if (w->progress)
			fprintf(w->progress, "Copying blob %s\n", l->diff_id);
		_cleanup_close_ int fd = store_layer_open_blob(s, l->id, err);
		if (fd < 0)
			return fd;
		int r = archive_sink_put_layer_tar(&w->sink, member, fd, l->diff_id, l->diff_size,
		                                   err);
		if (r < 0)
			return r;
		strv_push(&w->written, member);
	}
	return 0;
}

/* "name:tag" entries for RepoTags, with the legacy `repositories` map updated. */
static void add_repo_tag(struct docker_writer *w, json_t *tags, const char *name,
                         const char *legacy_id)
{
	_cleanup_(image_ref_freep) struct image_ref *ref = NULL;
	if (image_ref_parse(name, &ref, NULL) < 0 || !ref->tag)
		return;
	_cleanup_free_ char *repo = image_ref_name(ref);
	_cleanup_free_ char *full = xasprintf("%s:%s", repo, ref->tag);
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t) if (strcmp(json_string_value(t), full) == 0) return;
	json_array_append_new(tags, json_string(full));
	if (!legacy_id)
		return;
	json_t *m = json_object_get(w->repos, repo);
	if (!m) {
		m = json_object();
		json_object_set_new(w->repos, repo, m);
	}
	json_object_set_new(m, ref->tag, json_string(legacy_id));
}

static int write_image(struct docker_writer *w, struct store *s, const char *name,
                       const struct image_export_opts *opts, struct cpod_error **err)
{
	struct export_image e = {0};
	_cleanup_free_ char *legacy_id = NULL;
	_cleanup_json_ json_t *layer_paths = json_array();
	int r = export_image_resolve(s, name, opts->lookup, &e, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *cfg_member = xasprintf("%s.json", e.img->id);
	if ((r = write_layers(w, s, &e, layer_paths, err)) < 0)
		goto out;
	if (!strv_contains(w->written, cfg_member)) {
		if (w->progress)
			fprintf(w->progress, "Copying config %s\n", e.config_digest);
		r = archive_sink_put_bytes(&w->sink, cfg_member, e.config, e.config_len, err);
		if (r < 0)
			goto out;
		strv_push(&w->written, cfg_member);
	}
	if ((r = write_legacy(w, &e, &legacy_id, err)) < 0)
		goto out;
	if (w->progress)
		fputs("Writing manifest to image destination\nStoring signatures\n", w->progress);

	json_t *item = NULL, *it;
	size_t i;
	json_array_foreach(w->manifest, i, it) if (strcmp(json_get_string(it, "Config"),
	                                                  cfg_member) == 0) item = it;
	if (!item) {
		item = json_pack("{s:s,s:[],s:O}", "Config", cfg_member, "RepoTags", "Layers",
		                 layer_paths);
		json_array_append_new(w->manifest, item);
	}
	json_t *tags = json_object_get(item, "RepoTags");
	for (char *const *t = opts->additional_tags; t && *t; t++) {
		_cleanup_free_ char *norm = NULL;
		if (image_ref_local_name(*t, &norm, NULL, err) < 0) {
			r = cpod_error_wrap(err, "normalizing name \"%s\"", *t);
			goto out;
		}
		add_repo_tag(w, tags, norm, legacy_id);
	}
	if (e.name)
		add_repo_tag(w, tags, e.name, legacy_id);
out:
	export_image_release(&e);
	return r;
}

int image_export_docker_archive(struct store *s, int fd, char *const *names,
                                const struct image_export_opts *opts, struct cpod_error **err)
{
	struct docker_writer w = {
	        .manifest = json_array(), .repos = json_object(), .progress = opts->progress};
	_cleanup_json_ json_t *manifest = w.manifest, *repos = w.repos;
	int r = archive_sink_open_tar(&w.sink, fd, err);
	if (r < 0)
		return r;
	w.sink.docker_modes = true;
	_cleanup_free_ char *m = NULL, *rp = NULL;
	for (char *const *n = names; n && *n; n++)
		if ((r = write_image(&w, s, *n, opts, err)) < 0)
			goto out;
	m = json_dumps(manifest, JSON_COMPACT | JSON_PRESERVE_ORDER);
	rp = json_dumps(repos, JSON_COMPACT | JSON_SORT_KEYS);
	if ((r = archive_sink_put_bytes(&w.sink, "manifest.json", m, strlen(m), err)) < 0 ||
	    (r = archive_sink_put_bytes(&w.sink, "repositories", rp, strlen(rp), err)) < 0)
		goto out;
	r = archive_sink_close(&w.sink, err);
out:
	if (w.sink.aw)
		archive_sink_close(&w.sink, NULL);
	strv_free(w.written);
	if (opts->progress)
		fflush(opts->progress);
	return r;
}
