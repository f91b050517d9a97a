/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container side of mounts at create time, and what inspect and ps show of them.
 *
 * A container's mounts are kept in its config (spec_extra["mounts"], persisted with the
 * record), each as {type, source, destination, options, name, anonymous}: options are the
 * final ones Podman records (volume_process_options), source is the host path (a volume's
 * _data for volumes; for type "image" the image as the user named it, plus a boolean rw).
 * Order: --volumes-from, then -v, --mount, --tmpfs as given, then the image's VOLUMEs not
 * covered by those (anonymous volumes with --image-volume bind, the default; a tmpfs with
 * tmpfs; nothing with ignore).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/containers-conf.h"
#include "engine/volume-internal.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

static json_t *strv_to_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static char **json_to_strv(const json_t *a)
{
	char **v = xnew(char *, 1);
	size_t i;
	json_t *s;
	json_array_foreach(a, i, s) if (json_is_string(s)) strv_push(&v, json_string_value(s));
	return v;
}

static bool have_dest(const json_t *mounts, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach(mounts, i, m)
	{
		const char *d = json_get_string(m, "destination");
		if (d && strcmp(d, dest) == 0)
			return true;
	}
	return false;
}

struct prep {
	struct engine *e;
	json_t *mounts;
	char **anon;
};

static int add_volume(struct prep *p, const struct mount_spec *s, struct cpod_error **err)
{
	_cleanup_(volume_freep) struct volume *v = NULL;
	int r;
	if (!s->source) {
		struct volume_create_opts vo = {.anonymous = true};
		r = volume_create(p->e, &vo, &v, err);
		if (r < 0)
			return r;
		strv_push(&p->anon, v->name);
	} else {
		struct cpod_error *lerr = NULL;
		r = volume_lookup(p->e, s->source, &v, &lerr);
		if (r == -ENOENT) {
			cpod_error_free(lerr);
			struct volume_create_opts vo = {.name = s->source, .ignore_existing = true};
			r = volume_create(p->e, &vo, &v, err);
			if (r < 0)
				return cpod_error_wrap(err, "creating named volume \"%s\"",
				                       s->source);
		} else if (r < 0) {
			cpod_error_move(err, &lerr);
			return r;
		}
	}
	_cleanup_strv_free_ char **opts = NULL;
	r = volume_process_options(s->options, false, NULL, &opts, err);
	if (r < 0)
		return r;
	json_array_append_new(p->mounts, json_pack("{s:s,s:s,s:s,s:s,s:o,s:b}", "type", "volume",
	                                           "name", v->name, "source", v->mountpoint,
	                                           "destination", s->destination, "options",
	                                           strv_to_json(opts), "anonymous", v->anonymous));
	return 0;
}

/*
 * Podman 4.3 keeps the image's name as given and looks it up only when the container is
 * initialised (container_internal_common.go): a missing image fails the start, not the create.
 */
static int add_image(struct prep *p, const struct mount_spec *s)
{
	bool rw = strv_contains(s->options, "rw");
	json_array_append_new(p->mounts,
	                      json_pack("{s:s,s:s,s:s,s:[s],s:b}", "type", "image", "source",
	                                s->source, "destination", s->destination, "options",
	                                rw ? "rw" : "ro", "rw", rw));
	return 0;
}

static int add_spec(struct prep *p, const struct mount_spec *s, struct cpod_error **err)
{
	if (have_dest(p->mounts, s->destination))
		return cpod_error_set(err, EINVAL, "%s: duplicate mount destination",
		                      s->destination);
	_cleanup_strv_free_ char **opts = NULL;
	int r = 0;
	switch (s->type) {
	case MOUNT_VOLUME:
		return add_volume(p, s, err);
	case MOUNT_BIND:
		r = volume_process_options(s->options, false, s->source, &opts, err);
		break;
	case MOUNT_OVERLAY:
		r = volume_process_options((char *const[]){NULL}, false, s->source, &opts, err);
		if (r >= 0) {
			strv_free(opts);
			opts = strv_copy(s->options);
		}
		break;
	case MOUNT_TMPFS:
		r = volume_process_options(s->options, true, NULL, &opts, err);
		break;
	case MOUNT_DEVPTS:
		opts = strv_copy(s->options);
		break;
	case MOUNT_IMAGE:
		return add_image(p, s);
	default:
		return cpod_error_set(err, ENOTSUP,
		                      "mount type \"%s\" is not supported yet: operation not "
		                      "supported",
		                      mount_type_to_string(s->type));
	}
	if (r < 0)
		return r;
	const char *type = mount_type_to_string(s->type);
	json_array_append_new(p->mounts, json_pack("{s:s,s:s?,s:s,s:o}", "type", type, "source",
	                                           s->source, "destination", s->destination,
	                                           "options", strv_to_json(opts)));
	return 0;
}

/*
 * --image-volume tmpfs: a tmpfs at an image VOLUME (Podman's rprivate,rw,nodev,exec), kept
 * out of inspect's Mounts and HostConfig.Tmpfs as Podman 4.3 does
 */
static int add_image_tmpfs(struct prep *p, const char *dest, struct cpod_error **err)
{
	char *const base[] = {"rprivate", "rw", "nodev", "exec", NULL};
	_cleanup_strv_free_ char **opts = NULL;
	int r = volume_process_options(base, true, NULL, &opts, err);
	if (r < 0)
		return r;
	json_array_append_new(p->mounts,
	                      json_pack("{s:s,s:s,s:s,s:o,s:b}", "type", "tmpfs", "source", "tmpfs",
	                                "destination", dest, "options", strv_to_json(opts),
	                                "image_volume", true));
	return 0;
}

/* --volumes-from: the other container's volumes and binds, with ro/rw replaced if asked */
static int add_volumes_from(struct prep *p, const char *arg, struct cpod_error **err)
{
	_cleanup_free_ char *key = NULL;
	int rw = -1;
	int r = volume_parse_volumes_from(arg, &key, &rw, err);
	if (r < 0)
		return r;
	_cleanup_(container_freep) struct container *src = NULL;
	r = container_lookup(p->e, key, &src, err);
	if (r < 0)
		return cpod_error_wrap(err, "looking up container \"%s\" for volumes-from", key);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(src->config.spec_extra, "mounts"), i, m)
	{
		const char *type = json_get_string(m, "type");
		const char *dest = json_get_string(m, "destination");
		if (!type || !dest || (strcmp(type, "volume") && strcmp(type, "bind")))
			continue;
		if (have_dest(p->mounts, dest))
			continue;
		json_t *copy = json_deep_copy(m);
		if (rw >= 0) {
			_cleanup_strv_free_ char **opts =
			        json_to_strv(json_object_get(m, "options"));
			strv_remove(opts, "ro");
			strv_remove(opts, "rw");
			char **nopts = NULL;
			strv_push(&nopts, rw ? "rw" : "ro");
			STRV_FOREACH(o, opts)
			strv_push(&nopts, *o);
			json_object_set_new(copy, "options", strv_to_json(nopts));
			strv_free(nopts);
		}
		json_array_append_new(p->mounts, copy);
	}
	return 0;
}

static int parse_all(struct prep *p, const struct container_create_opts *o, json_t *user,
                     struct cpod_error **err)
{
	int (*parsers[3])(const char *, struct mount_spec *, struct cpod_error **) = {
	        volume_parse_volume_flag, volume_parse_mount_flag, volume_parse_tmpfs_flag};
	char *const *lists[3] = {o->volumes, o->mounts, o->tmpfs};
	/* the first n_from mounts came from --volumes-from */
	size_t n_from = json_array_size(p->mounts);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; lists[k] && lists[k][i]; i++) {
			struct mount_spec s;
			int r = parsers[k](lists[k][i], &s, err);
			if (r < 0)
				return r;
			/* the same mount twice is accepted, as Podman does */
			json_t *key = json_pack("{s:i,s:s?,s:s,s:o}", "t", s.type, "s", s.source,
			                        "d", s.destination, "o", strv_to_json(s.options));
			bool dup = false;
			size_t j;
			json_t *prev;
			/* not for image mounts: Podman refuses any second one at a destination */
			json_array_foreach(user, j, prev) dup |=
			        json_equal(prev, key) && s.type != MOUNT_IMAGE;
			if (!dup) {
				json_array_append(user, key);
				/*
				 * user mounts win over --volumes-from at the same place; two user
				 * mounts there are refused by add_spec
				 */
				for (size_t n = n_from; n-- > 0;) {
					const char *d = json_get_string(
					        json_array_get(p->mounts, n), "destination");
					if (d && !strcmp(d, s.destination)) {
						json_array_remove(p->mounts, n);
						n_from--;
					}
				}
				r = add_spec(p, &s, err);
			}
			json_decref(key);
			mount_spec_release(&s);
			if (r < 0)
				return r;
		}
	return 0;
}

int container_mounts_prepare(struct engine *e, const struct container_create_opts *o,
                             const json_t *img, struct container_config *cc, char ***ret_anon,
                             struct cpod_error **err)
{
	struct prep p = {.e = e, .mounts = json_array(), .anon = xnew(char *, 1)};
	_cleanup_json_ json_t *user = json_array();
	int r = 0;
	for (size_t i = 0; r >= 0 && o->volumes_from && o->volumes_from[i]; i++)
		r = add_volumes_from(&p, o->volumes_from[i], err);
	if (r >= 0)
		r = parse_all(&p, o, user, err);
	const char *dest;
	json_t *unused;
	int mode = IMAGE_VOLUME_BIND;
	/* --image-volume, else containers.conf's image_volume_mode */
	const char *ivm = o->image_volume;
	const struct cpod_config *cfg = ivm ? NULL : engine_config(e, NULL);
	if (cfg && cfg->engine.image_volume_mode && *cfg->engine.image_volume_mode)
		ivm = cfg->engine.image_volume_mode;
	if (r >= 0)
		r = mode = container_image_volume_mode(ivm, err);
	json_object_foreach((json_t *)json_object_get(img, "Volumes"), dest, unused)
	{
		if (r < 0 || !dest || dest[0] != '/' || mode == IMAGE_VOLUME_IGNORE)
			continue;
		_cleanup_free_ char *clean = volume_path_clean(dest);
		if (have_dest(p.mounts, clean))
			continue;
		struct mount_spec s = {.type = MOUNT_VOLUME, .destination = clean};
		r = mode == IMAGE_VOLUME_TMPFS ? add_image_tmpfs(&p, clean, err)
		                               : add_volume(&p, &s, err);
	}
	if (r < 0) {
		STRV_FOREACH(n, p.anon)
		(void)volume_remove(e, *n, NULL, NULL);
		strv_free(p.anon);
		json_decref(p.mounts);
		return r;
	}
	json_object_set_new(cc->spec_extra, "mounts", p.mounts);
	if (o->no_read_only_tmpfs)
		json_object_set_new(cc->spec_extra, "read_only_tmpfs", json_false());
	*ret_anon = p.anon;
	return 0;
}

int container_mounts_link(struct engine *e, const struct container_config *cc,
                          struct cpod_error **err)
{
	struct state_db *db = engine_state(e, err);
	if (!db)
		return -EIO;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(cc->spec_extra, "mounts"), i, m)
	{
		const char *name = json_get_string(m, "name");
		if (!name || strcmp(json_get_string(m, "type") ?: "", "volume"))
			continue;
		int r = volume_db_link(db, cc->id, name, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void container_volumes_remove_anonymous(struct engine *e, const struct container *c)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(c->config.spec_extra, "mounts"), i, m)
	{
		const char *name = json_get_string(m, "name");
		if (!name || !json_is_true(json_object_get(m, "anonymous")))
			continue;
		struct cpod_error *rerr = NULL;
		/* still used by another container (--volumes-from): kept, as Podman does */
		if (volume_remove(e, name, NULL, &rerr) < 0) {
			log_debug("not removing anonymous volume %s: %s", name, rerr->msg);
			cpod_error_free(rerr);
		}
	}
}

/* ---- inspect and ps ---------------------------------------------------------------------- */

static bool inspect_option(const char *o)
{
	/* ro/rw, propagation and the label mode have fields of their own */
	return strcmp(o, "ro") && strcmp(o, "rw") && strcmp(o, "z") && strcmp(o, "Z") &&
	       strcmp(volume_opts_propagation((char *const[]){(char *)o, NULL}), o);
}

static json_t *inspect_one(const json_t *m, bool volume)
{
	_cleanup_strv_free_ char **opts = json_to_strv(json_object_get(m, "options"));
	json_t *o = json_object();
	json_object_set_new(o, "Type", json_string(volume ? "volume" : "bind"));
	if (volume)
		json_object_set_new(o, "Name", json_string(json_get_string(m, "name")));
	json_object_set_new(o, "Source", json_string(json_get_string(m, "source") ?: ""));
	json_object_set_new(o, "Destination", json_string(json_get_string(m, "destination")));
	json_object_set_new(o, "Driver", json_string(volume ? "local" : ""));
	json_object_set_new(o, "Mode", json_string(volume_opts_mode(opts)));
	json_t *a = json_array();
	STRV_FOREACH(p, opts)
	if (inspect_option(*p))
		json_array_append_new(a, json_string(*p));
	json_object_set_new(o, "Options", a);
	json_object_set_new(o, "RW", json_boolean(volume_opts_rw(opts)));
	json_object_set_new(o, "Propagation", json_string(volume_opts_propagation(opts)));
	return o;
}

/* GetMounts: the source as the user gave it, no options, no propagation */
static json_t *inspect_image(const json_t *m)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:n,s:b,s:s}", "Type", "image", "Source",
	                 json_get_string(m, "source") ?: "", "Destination",
	                 json_get_string(m, "destination") ?: "", "Driver", "", "Mode", "",
	                 "Options", "RW", json_is_true(json_object_get(m, "rw")), "Propagation",
	                 "");
}

json_t *container_mounts_inspect(const struct container *c)
{
	json_t *out = json_array();
	const json_t *mounts = json_object_get(c->config.spec_extra, "mounts");
	/* Podman lists the named volumes first, then the image mounts, then the bind mounts */
	for (int pass = 0; pass < 3; pass++) {
		size_t i;
		json_t *m;
		json_array_foreach(mounts, i, m)
		{
			const char *t = json_get_string(m, "type") ?: "";
			bool vol = !strcmp(t, "volume");
			if (pass == 1 && !strcmp(t, "image"))
				json_array_append_new(out, inspect_image(m));
			if ((pass == 0 && vol) ||
			    (pass == 2 && (!strcmp(t, "bind") || !strcmp(t, "overlay"))))
				json_array_append_new(out, inspect_one(m, vol));
		}
	}
	return out;
}

json_t *container_mounts_binds(const struct container *c)
{
	json_t *out = json_array();
	const json_t *mounts = json_object_get(c->config.spec_extra, "mounts");
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *m;
		json_array_foreach(mounts, i, m)
		{
			const char *t = json_get_string(m, "type") ?: "";
			bool vol = !strcmp(t, "volume");
			if (!((pass == 0 && vol) || (pass == 1 && !strcmp(t, "bind"))))
				continue;
			_cleanup_strv_free_ char **opts =
			        json_to_strv(json_object_get(m, "options"));
			_cleanup_free_ char *joined = strv_join(opts, ",");
			_cleanup_free_ char *s = xasprintf(
			        "%s:%s:%s",
			        vol ? json_get_string(m, "name") : json_get_string(m, "source"),
			        json_get_string(m, "destination"), joined);
			json_array_append_new(out, json_string(s));
		}
	}
	return out;
}

json_t *container_mounts_tmpfs(const struct container *c)
{
	json_t *out = json_object();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(c->config.spec_extra, "mounts"), i, m)
	{
		if (strcmp(json_get_string(m, "type") ?: "", "tmpfs") ||
		    json_is_true(json_object_get(m, "image_volume")))
			continue;
		_cleanup_strv_free_ char **opts = json_to_strv(json_object_get(m, "options"));
		_cleanup_free_ char *joined = strv_join(opts, ",");
		json_object_set_new(out, json_get_string(m, "destination"), json_string(joined));
	}
	return out;
}

json_t *container_mounts_destinations(const struct container *c)
{
	json_t *out = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(c->config.spec_extra, "mounts"), i, m)
	        json_array_append_new(out, json_string(json_get_string(m, "destination")));
	return out;
}
