/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount flag parsers (-v, --mount, --tmpfs, --volumes-from) and the option rules Podman 4.3
 * applies to them. Messages are Podman's, since scripts match on them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "engine/volume-opts.h"
#include "runtime/idmap-mount.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define MAX_FLAG_LEN 4096

static const char *const type_names[_MOUNT_TYPE_MAX] = {
        [MOUNT_BIND] = "bind",   [MOUNT_VOLUME] = "volume", [MOUNT_TMPFS] = "tmpfs",
        [MOUNT_IMAGE] = "image", [MOUNT_DEVPTS] = "devpts", [MOUNT_OVERLAY] = "overlay",
};

const char *mount_type_to_string(enum mount_type t)
{
	return t >= 0 && t < _MOUNT_TYPE_MAX ? type_names[t] : NULL;
}

enum mount_type mount_type_from_string(const char *s)
{
	for (int i = 0; s && i < _MOUNT_TYPE_MAX; i++)
		if (strcmp(type_names[i], s) == 0)
			return (enum mount_type)i;
	return _MOUNT_TYPE_INVALID;
}

void mount_spec_release(struct mount_spec *m)
{
	if (!m)
		return;
	free(m->source);
	free(m->destination);
	strv_free(m->options);
	*m = (struct mount_spec){0};
}

char *volume_path_clean(const char *path)
{
	/* absolute paths only: drop empty and "." components, resolve ".." lexically */
	_cleanup_strv_free_ char **parts = strv_split(path, "/");
	char **out = xnew(char *, 1);
	size_t n = 0;
	STRV_FOREACH(p, parts)
	{
		if (!**p || strcmp(*p, ".") == 0)
			continue;
		if (strcmp(*p, "..") == 0) {
			if (n > 0) {
				free(out[--n]);
				out[n] = NULL;
			}
			continue;
		}
		strv_push(&out, *p);
		n++;
	}
	_cleanup_free_ char *joined = strv_join(out, "/");
	strv_free(out);
	return xasprintf("/%s", joined);
}

static int check_ctr_dir(const char *dest, struct cpod_error **err)
{
	if (!dest || dest[0] != '/')
		return cpod_error_set(err, EINVAL,
		                      "invalid container path \"%s\", must be an absolute path",
		                      dest ? dest : "");
	return 0;
}

/* Podman prints the option list of these errors as strings.Join(opts, ", ") in %q */
static int once_error(char *const *opts, const char *what, struct cpod_error **err)
{
	_cleanup_free_ char *joined = strv_join((char **)opts, ", ");
	return cpod_error_set(err, EINVAL, "invalid options \"%s\", can only specify 1 %s option",
	                      joined, what);
}

static bool is_propagation(const char *o)
{
	static const char *const props[] = {"private", "rprivate", "shared",     "rshared",
	                                    "slave",   "rslave",   "unbindable", "runbindable"};
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (strcmp(o, props[i]) == 0)
			return true;
	return false;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

int volume_opts_validate(char *const *opts, char ***ret, struct cpod_error **err)
{
	int exec = 0, dev = 0, suid = 0, rwro = 0, prop = 0, bind = 0, label = 0, chown = 0,
	    copy = 0;
	char **out = xnew(char *, 1);
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		const char *what = NULL;
		if (!strcmp(o, "noexec") || !strcmp(o, "exec"))
			what = ++exec > 1 ? "'noexec' or 'exec'" : NULL;
		else if (!strcmp(o, "nodev") || !strcmp(o, "dev"))
			what = ++dev > 1 ? "'dev' or 'nodev'" : NULL;
		else if (!strcmp(o, "nosuid") || !strcmp(o, "suid"))
			what = ++suid > 1 ? "'suid' or 'nosuid'" : NULL;
		else if (!strcmp(o, "rw") || !strcmp(o, "ro"))
			what = ++rwro > 1 ? "'rw' or 'ro'" : NULL;
		else if (is_propagation(o))
			what = ++prop > 1
			               ? "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'"
			               : NULL;
		else if (!strcmp(o, "bind") || !strcmp(o, "rbind"))
			what = ++bind > 1 ? "'[r]bind'" : NULL;
		else if (!strcmp(o, "z") || !strcmp(o, "Z") || !strcmp(o, "O"))
			what = ++label > 1 ? "'z', 'Z', or 'O'" : NULL;
		else if (!strcmp(o, "U"))
			what = ++chown > 1 ? "'U'" : NULL;
		else if (!strcmp(o, "copy") || !strcmp(o, "nocopy"))
			what = ++copy > 1 ? "'copy' or 'nocopy'" : NULL;
		else if (has_prefix(o, "idmap") || has_prefix(o, "upperdir=") ||
		         has_prefix(o, "workdir="))
			; /* ValidateVolumeOpts takes every "idmap..." as given */
		else {
			strv_free(out);
			return cpod_error_set(err, EINVAL, "invalid option type \"%s\"", o);
		}
		if (what) {
			strv_free(out);
			return once_error(opts, what, err);
		}
		strv_push(&out, o);
	}
	*ret = out;
	return 0;
}

static char *make_absolute(const char *src)
{
	if (src[0] == '/')
		return volume_path_clean(src);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	_cleanup_free_ char *joined = xasprintf("%s/%s", cwd ? cwd : "/", src);
	return volume_path_clean(joined);
}

int volume_parse_volume_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err)
{
	*ret = (struct mount_spec){0};
	if (strlen(arg) > MAX_FLAG_LEN)
		return cpod_error_set(err, EINVAL, "volume specification too long");
	_cleanup_strv_free_ char **parts = strv_split(arg, ":");
	size_t n = strv_length(parts);
	if (n == 0 || n > 3)
		return cpod_error_set(err, EINVAL,
		                      "%s: incorrect volume format, should be "
		                      "[host-dir:]ctr-dir[:option]",
		                      arg);
	const char *src = n > 1 ? parts[0] : NULL;
	const char *dst = n > 1 ? parts[1] : parts[0];
	if (n > 1 && !*src)
		return cpod_error_set(err, EINVAL, "host directory cannot be empty");
	int r = check_ctr_dir(dst, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **opts = NULL;
	if (n > 2) {
		_cleanup_strv_free_ char **given = strv_split(parts[2], ",");
		r = volume_opts_validate(given, &opts, err);
		if (r < 0)
			return r;
	} else {
		opts = xnew(char *, 1);
	}
	struct mount_spec m = {.destination = volume_path_clean(dst)};
	if (strv_contains(opts, "O")) {
		STRV_FOREACH(o, opts)
		if (strcmp(*o, "O") && strcmp(*o, "U") && strcmp(*o, "z") && strcmp(*o, "Z") &&
		    !has_prefix(*o, "upperdir=") && !has_prefix(*o, "workdir=")) {
			free(m.destination);
			return cpod_error_set(err, EINVAL, "can't use 'O' with other options");
		}
		if (!src || (src[0] != '/' && src[0] != '.')) {
			free(m.destination);
			return cpod_error_set(err, EINVAL,
			                      "overlay mounts need a host directory as source: %s",
			                      arg);
		}
		m.type = MOUNT_OVERLAY;
		m.source = make_absolute(src);
	} else if (src && (src[0] == '/' || src[0] == '.')) {
		m.type = MOUNT_BIND;
		m.source = make_absolute(src);
	} else {
		m.type = MOUNT_VOLUME;
		m.source = src ? xstrdup(src) : NULL;
	}
	m.options = TAKE_PTR(opts);
	*ret = m;
	return 0;
}

int volume_parse_tmpfs_flag(const char *arg, struct mount_spec *ret, struct cpod_error **err)
{
	*ret = (struct mount_spec){0};
	if (strlen(arg) > MAX_FLAG_LEN)
		return cpod_error_set(err, EINVAL, "tmpfs specification too long");
	const char *colon = strchr(arg, ':');
	_cleanup_free_ char *dst = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	int r = check_ctr_dir(dst, err);
	if (r < 0)
		return r;
	ret->type = MOUNT_TMPFS;
	ret->destination = volume_path_clean(dst);
	ret->options = colon && colon[1] ? strv_split(colon + 1, ",") : xnew(char *, 1);
	return 0;
}

int volume_parse_volumes_from(const char *arg, char **ret_ctr, int *ret_rw, struct cpod_error **err)
{
	const char *colon = strchr(arg, ':');
	*ret_rw = -1;
	if (!colon) {
		*ret_ctr = xstrdup(arg);
		return 0;
	}
	_cleanup_strv_free_ char **given = strv_split(colon + 1, ",");
	STRV_FOREACH(o, given)
	{
		if (!strcmp(*o, "ro") || !strcmp(*o, "rw")) {
			if (*ret_rw >= 0)
				return cpod_error_set(err, EINVAL,
				                      "cannot set ro or rw options more than once");
			*ret_rw = strcmp(*o, "rw") == 0;
		} else if (strcmp(*o, "z") != 0) {
			return cpod_error_set(err, EINVAL,
			                      "invalid options %s, can only specify "
			                      "'ro', 'rw', and 'z",
			                      colon + 1);
		}
	}
	*ret_ctr = xstrndup(arg, (size_t)(colon - arg));
	return 0;
}

int volume_process_options(char *const *opts, bool tmpfs, const char *source, char ***ret,
                           struct cpod_error **err)
{
	bool write = false, prop = false, exec = false, suid = false, dev = false, copyup = false,
	     bind = false, idmap = false;
	char **out = xnew(char *, 1);
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		_cleanup_free_ char *key = xstrndup(o, strcspn(o, "="));
		if (has_prefix(key, "idmap")) {
			/* ProcessOptions: any "idmap..." key, once; the runtime reads it */
			if (idmap) {
				strv_free(out);
				return cpod_error_set(err, EINVAL,
				                      "the 'idmap' option can only be set once: "
				                      "duplicate mount option passed");
			}
			idmap = true;
			/* Podman leaves a bad mapping to crun at start: refuse it at create */
			struct idmap_mount_option io;
			if (idmap_mount_option_parse(o, &io, err) < 0) {
				strv_free(out);
				return -EINVAL;
			}
		} else if (!strcmp(key, "rw") || !strcmp(key, "ro"))
			write = true;
		else if (is_propagation(key))
			prop = true;
		else if (!strcmp(key, "exec") || !strcmp(key, "noexec"))
			exec = true;
		else if (!strcmp(key, "suid") || !strcmp(key, "nosuid"))
			suid = true;
		else if (!strcmp(key, "dev") || !strcmp(key, "nodev"))
			dev = true;
		else if (!strcmp(key, "tmpcopyup"))
			copyup = true;
		else if (!strcmp(key, "notmpcopyup")) {
			copyup = true;
			continue; /* Podman drops it: it only suppresses the default */
		} else if (!strcmp(key, "bind") || !strcmp(key, "rbind"))
			bind = true;
		else if ((!strcmp(key, "size") || !strcmp(key, "mode") || !strcmp(key, "uid") ||
		          !strcmp(key, "gid") || !strcmp(key, "nr_inodes")) &&
		         tmpfs)
			;
		else if (!strcmp(key, "z") || !strcmp(key, "Z") || !strcmp(key, "U") ||
		         !strcmp(key, "O") || !strcmp(key, "copy") || !strcmp(key, "nocopy") ||
		         !strcmp(key, "upperdir") || !strcmp(key, "workdir") ||
		         !strcmp(key, "volume-opt"))
			;
		else {
			strv_free(out);
			return cpod_error_set(err, EINVAL,
			                      "unknown mount option \"%s\": invalid mount option",
			                      o);
		}
		strv_push(&out, o);
	}
	bool d_noexec = false, d_nosuid = true, d_nodev = true;
	if (source) {
		struct statvfs st;
		if (statvfs(source, &st) < 0) {
			int e = errno;
			strv_free(out);
			return cpod_error_set_errno(err, e, "statfs %s", source);
		}
		d_noexec = st.f_flag & ST_NOEXEC;
		d_nosuid = st.f_flag & ST_NOSUID;
		d_nodev = st.f_flag & ST_NODEV;
	}
	if (!write)
		strv_push(&out, "rw");
	if (!prop)
		strv_push(&out, "rprivate");
	if (!exec && d_noexec)
		strv_push(&out, "noexec");
	if (!suid && d_nosuid)
		strv_push(&out, "nosuid");
	if (!dev && d_nodev)
		strv_push(&out, "nodev");
	if (tmpfs && !copyup)
		strv_push(&out, "tmpcopyup");
	if (!tmpfs && !bind)
		strv_push(&out, "rbind");
	*ret = out;
	return 0;
}

static bool spec_only_option(const char *o)
{
	return !strcmp(o, "z") || !strcmp(o, "Z") || !strcmp(o, "U") || !strcmp(o, "O") ||
	       !strcmp(o, "copy") || !strcmp(o, "nocopy") || has_prefix(o, "upperdir=") ||
	       has_prefix(o, "workdir=");
}

char **volume_spec_options(char *const *processed)
{
	char **out = xnew(char *, 1);
	for (size_t i = 0; processed && processed[i]; i++)
		if (!spec_only_option(processed[i]))
			strv_push(&out, processed[i]);
	return out;
}

const char *volume_opts_propagation(char *const *opts)
{
	for (size_t i = 0; opts && opts[i]; i++)
		if (is_propagation(opts[i]))
			return opts[i];
	return "rprivate";
}

bool volume_opts_rw(char *const *opts)
{
	return !strv_contains(opts, "ro");
}

const char *volume_opts_mode(char *const *opts)
{
	for (size_t i = 0; opts && opts[i]; i++)
		if (!strcmp(opts[i], "z") || !strcmp(opts[i], "Z"))
			return opts[i];
	return "";
}
