/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root file system flags of create/run kept for the spec made at init: --chrootdirs,
 * --passwd-entry, --hostuser, run's --passwd (the runtime's spec-files.c and spec-passwd.c
 * use them), and
 * the check of --image-volume (volume-container.c applies it), as Podman 4.3 keeps them in
 * its container config.
 */
#include <errno.h>
#include <string.h>

#include "engine/container-internal.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

int container_image_volume_mode(const char *mode, struct cpod_error **err)
{
	if (!mode || strcmp(mode, "bind") == 0)
		return IMAGE_VOLUME_BIND;
	if (strcmp(mode, "tmpfs") == 0)
		return IMAGE_VOLUME_TMPFS;
	if (strcmp(mode, "ignore") == 0)
		return IMAGE_VOLUME_IGNORE;
	return cpod_error_set(
	        err, EINVAL, "invalid image volume mode \"%s\" required value: bind, tmpfs, ignore",
	        mode);
}

static json_t *strv_array(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int container_fs_flags_save(json_t *extra, const struct container_create_opts *o,
                            struct cpod_error **err)
{
	int r = container_image_volume_mode(o->image_volume, err);
	if (r < 0)
		return r;
	if (o->chroot_dirs && o->chroot_dirs[0])
		json_object_set_new(extra, "chroot_dirs", strv_array(o->chroot_dirs));
	if (o->host_users && o->host_users[0])
		json_object_set_new(extra, "host_users", strv_array(o->host_users));
	if (o->passwd_entry && *o->passwd_entry)
		json_object_set_new(extra, "passwd_entry", json_string(o->passwd_entry));
	if (o->no_passwd)
		json_object_set_new(extra, "passwd", json_false());
	return 0;
}

json_t *container_chroot_dirs_json(const struct container *c)
{
	json_t *a = json_object_get(c->config.spec_extra, "chroot_dirs");
	return json_array_size(a) > 0 ? json_deep_copy(a) : NULL;
}
