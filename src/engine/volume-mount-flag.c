/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --mount type=TYPE,key[=value],... as Podman 4.3 parses it (pkg/specgenutil/volumes.go:
 * getBindMount, getTmpfsMount, getDevptsMount, getNamedVolume, getImageVolume).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/volume-opts.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define MAX_FLAG_LEN 4096

struct mount_parse {
	struct mount_spec m;
	bool set_dest, set_src, set_rwro, seen_type;
};

static int need_value(const char *key, const char *val, struct cpod_error **err)
{
	if (!val)
		return cpod_error_set(err, EINVAL, "%s: must provide an argument for option", key);
	return 0;
}

static int parse_bool_value(const char *key, const char *val, bool *ret, struct cpod_error **err)
{
	if (!val || !strcasecmp(val, "true") || !strcmp(val, "1")) {
		*ret = true;
		return 0;
	}
	if (!strcasecmp(val, "false") || !strcmp(val, "0")) {
		*ret = false;
		return 0;
	}
	return cpod_error_set(err, EINVAL,
	                      "'%s' must be set to true or false, instead received \"%s\": must "
	                      "provide an argument for option",
	                      key, val);
}

static int opt_rwro(struct mount_parse *p, const char *key, const char *val,
                    struct cpod_error **err)
{
	if (p->set_rwro)
		return cpod_error_set(err, EINVAL,
		                      "cannot pass 'readonly', 'ro', or 'rw' options more than "
		                      "once: must provide an argument for option");
	p->set_rwro = true;
	bool on;
	int r = parse_bool_value(key, val, &on, err);
	if (r < 0)
		return r;
	bool rw = strcmp(key, "rw") == 0;
	/* ro=false and readonly=false leave the default; rw=false means ro */
	if (on)
		strv_push(&p->m.options, rw ? "rw" : "ro");
	else if (rw)
		strv_push(&p->m.options, "ro");
	return 0;
}

static int opt_dest(struct mount_parse *p, const char *key, const char *val,
                    struct cpod_error **err)
{
	int r = need_value(key, val, err);
	if (r < 0)
		return r;
	if (!*val)
		return cpod_error_set(err, EINVAL, "container directory cannot be empty");
	if (val[0] != '/')
		return cpod_error_set(err, EINVAL,
		                      "invalid container path \"%s\", must be an absolute path",
		                      val);
	free(p->m.destination);
	p->m.destination = volume_path_clean(val);
	p->set_dest = true;
	return 0;
}

/* Options every type but image understands; 1 when handled, 0 when not, <0 on error. */
static int common_option(struct mount_parse *p, const char *key, const char *val,
                         struct cpod_error **err)
{
	if (!strcmp(key, "readonly") || !strcmp(key, "ro") || !strcmp(key, "rw"))
		return opt_rwro(p, key, val, err) < 0 ? -EINVAL : 1;
	if (!strcmp(key, "target") || !strcmp(key, "dst") || !strcmp(key, "destination"))
		return opt_dest(p, key, val, err) < 0 ? -EINVAL : 1;
	if (!strcmp(key, "U") || !strcmp(key, "chown")) {
		bool on;
		if (parse_bool_value(key, val, &on, err) < 0)
			return -EINVAL;
		if (on)
			strv_push(&p->m.options, "U");
		return 1;
	}
	if (!strcmp(key, "consistency"))
		return 1; /* Docker's macOS option, ignored as Podman does */
	return 0;
}

static int bind_option(struct mount_parse *p, const char *key, const char *val, const char *tok,
                       struct cpod_error **err)
{
	if (!strcmp(key, "bind-nonrecursive")) {
		strv_push(&p->m.options, "bind");
	} else if (!strcmp(key, "bind-propagation")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		strv_push(&p->m.options, val);
	} else if (!strcmp(key, "nosuid") || !strcmp(key, "suid") || !strcmp(key, "nodev") ||
	           !strcmp(key, "dev") || !strcmp(key, "noexec") || !strcmp(key, "exec") ||
	           !strcmp(key, "z") || !strcmp(key, "Z") || !strcmp(key, "idmap")) {
		strv_push(&p->m.options, tok);
	} else if (!strcmp(key, "relabel")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		if (!strcmp(val, "shared"))
			strv_push(&p->m.options, "z");
		else if (!strcmp(val, "private"))
			strv_push(&p->m.options, "Z");
		else
			return cpod_error_set(err, EINVAL,
			                      "%s mount option must be 'private' or 'shared': "
			                      "invalid mount option",
			                      key);
	} else if (!strcmp(key, "src") || !strcmp(key, "source")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		if (!*val)
			return cpod_error_set(err, EINVAL, "host directory cannot be empty");
		free(p->m.source);
		p->m.source = xstrdup(val);
		p->set_src = true;
	} else {
		return 0;
	}
	return 1;
}

static int tmpfs_option(struct mount_parse *p, const char *key, const char *val, const char *tok,
                        struct cpod_error **err)
{
	if (!strcmp(key, "tmpcopyup") || !strcmp(key, "notmpcopyup") || !strcmp(key, "nosuid") ||
	    !strcmp(key, "suid") || !strcmp(key, "nodev") || !strcmp(key, "dev") ||
	    !strcmp(key, "noexec") || !strcmp(key, "exec")) {
		strv_push(&p->m.options, tok);
	} else if (!strcmp(key, "tmpfs-mode") || !strcmp(key, "tmpfs-size")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		_cleanup_free_ char *o = xasprintf("%s=%s", key[6] == 'm' ? "mode" : "size", val);
		strv_push(&p->m.options, o);
	} else if (!strcmp(key, "src") || !strcmp(key, "source")) {
		return cpod_error_set(err, EINVAL, "source is not supported with tmpfs mounts");
	} else {
		return 0;
	}
	return 1;
}

static int devpts_option(struct mount_parse *p, const char *key, const char *val, const char *tok,
                         struct cpod_error **err)
{
	if (!strcmp(key, "uid") || !strcmp(key, "gid") || !strcmp(key, "mode") ||
	    !strcmp(key, "max")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		strv_push(&p->m.options, tok);
		return 1;
	}
	return 0;
}

static int volume_option(struct mount_parse *p, const char *key, const char *val, const char *tok,
                         struct cpod_error **err)
{
	if (!strcmp(key, "volume-nocopy")) {
		strv_push(&p->m.options, "nocopy");
		return 1;
	}
	if (!strcmp(key, "volume-label") || !strcmp(key, "volume-opt"))
		return 1; /* accepted and not used, as in Podman 4.3 */
	if (!strcmp(key, "src") || !strcmp(key, "source")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		free(p->m.source);
		p->m.source = *val ? xstrdup(val) : NULL;
		p->set_src = true;
		return 1;
	}
	if (!strcmp(key, "bind-propagation") || !strcmp(key, "relabel") ||
	    !strcmp(key, "bind-nonrecursive"))
		return 0;
	return bind_option(p, key, val, tok, err);
}

/* getImageVolume: rw takes exactly "true" or "false"; a later rw=false keeps an earlier true */
static int image_option(struct mount_parse *p, const char *key, const char *val,
                        struct cpod_error **err)
{
	if (!strcmp(key, "src") || !strcmp(key, "source")) {
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		free(p->m.source);
		p->m.source = xstrdup(val);
		p->set_src = *val != '\0';
		return 1;
	}
	if (!strcmp(key, "rw") || !strcmp(key, "readwrite")) {
		/* Podman 4.3 crashes on a bare "rw" here; an error says more */
		if (need_value(key, val, err) < 0)
			return -EINVAL;
		if (!strcmp(val, "true")) {
			if (!strv_contains(p->m.options, "rw"))
				strv_push(&p->m.options, "rw");
		} else if (strcmp(val, "false")) {
			return cpod_error_set(err, EINVAL,
			                      "invalid rw value \"%s\": invalid mount option", val);
		}
		return 1;
	}
	if (!strcmp(key, "target") || !strcmp(key, "dst") || !strcmp(key, "destination"))
		return opt_dest(p, key, val, err) < 0 ? -EINVAL : 1;
	if (!strcmp(key, "consistency"))
		return 1; /* ignored, as Podman does */
	return 0;
}

static int parse_token(struct mount_parse *p, const char *tok, struct cpod_error **err)
{
	const char *eq = strchr(tok, '=');
	_cleanup_free_ char *key = eq ? xstrndup(tok, (size_t)(eq - tok)) : xstrdup(tok);
	const char *val = eq ? eq + 1 : NULL;
	/* Podman takes the first type=X as the type; any other "type" is an unknown option */
	if (!strcmp(key, "type") && !p->seen_type && val && !strchr(val, '=')) {
		p->seen_type = true;
		return 0;
	}
	int r = 0;
	if (p->m.type != MOUNT_IMAGE) {
		r = common_option(p, key, val, err);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	switch (p->m.type) {
	case MOUNT_BIND:
		r = bind_option(p, key, val, tok, err);
		break;
	case MOUNT_TMPFS:
		r = tmpfs_option(p, key, val, tok, err);
		break;
	case MOUNT_DEVPTS:
		r = devpts_option(p, key, val, tok, err);
		break;
	case MOUNT_VOLUME:
		r = volume_option(p, key, val, tok, err);
		break;
	case MOUNT_IMAGE:
		r = image_option(p, key, val, err);
		break;
	default:
		break;
	}
	if (r < 0)
		return r;
	if (r == 0)
		return cpod_error_set(err, EINVAL, "%s: invalid mount option", key);
	return 0;
}

int volume_parse_mount_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err)
{
	*ret = (struct mount_spec){0};
	if (strlen(arg) > MAX_FLAG_LEN)
		return cpod_error_set(err, EINVAL, "mount specification too long");
	_cleanup_strv_free_ char **toks = strv_split(arg, ",");
	const char *type = NULL;
	STRV_FOREACH(t, toks)
	if (!type && !strncmp(*t, "type=", 5) && !strchr(*t + 5, '='))
		type = *t + 5;
	if (!type)
		return cpod_error_set(err, EINVAL,
		                      "incorrect mount format: should be --mount "
		                      "type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]"
		                      "target=<ctr-dir>[,options]");
	struct mount_parse p = {0};
	p.m.type = mount_type_from_string(type);
	if ((int)p.m.type < 0 || p.m.type == MOUNT_OVERLAY)
		return cpod_error_set(err, EINVAL, "invalid filesystem type \"%s\"", type);
	p.m.options = xnew(char *, 1);
	int r = 0;
	STRV_FOREACH(t, toks)
	{
		r = parse_token(&p, *t, err);
		if (r < 0)
			break;
	}
	if (r >= 0 && p.m.type == MOUNT_IMAGE && (!p.set_src || !p.set_dest))
		r = cpod_error_set(err, EINVAL, "must set source and destination for image volume");
	if (r >= 0 && !p.set_dest)
		r = cpod_error_set(err, EINVAL, "must set volume destination");
	if (r >= 0 && p.m.type == MOUNT_BIND) {
		/* Podman: a bind without source binds the destination's host path */
		const char *src = p.set_src ? p.m.source : p.m.destination;
		char *abs;
		if (src[0] == '/') {
			abs = volume_path_clean(src);
		} else {
			_cleanup_free_ char *cwd = getcwd(NULL, 0);
			_cleanup_free_ char *j = xasprintf("%s/%s", cwd ? cwd : "", src);
			abs = volume_path_clean(j);
		}
		free(p.m.source);
		p.m.source = abs;
	}
	if (r >= 0 && p.m.type == MOUNT_VOLUME && p.m.source) {
		_cleanup_strv_free_ char **checked = NULL;
		r = volume_opts_validate(p.m.options, &checked, err);
	}
	if (r < 0) {
		mount_spec_release(&p.m);
		return r;
	}
	*ret = p.m;
	return 0;
}
