/* SPDX-License-Identifier: Apache-2.0 */
/* login / logout after containers/common pkg/auth (Podman 4.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/auth-json.h"
#include "config/registries-conf.h"
#include "pull.h"
#include "registry.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The host of a login key ("host/ns/repo" → "host"); owned. */
static char *key_host(const char *key)
{
	const char *slash = strchr(key, '/');
	return slash ? xstrndup(key, (size_t)(slash - key)) : xstrdup(key);
}

int image_login(const char *key, const struct image_registry_access *a, struct cpod_error **err)
{
	if (!a->username || !*a->username)
		return cpod_error_set(err, EINVAL, "username can't be empty");
	_cleanup_free_ char *host = key_host(key);
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	/* registries.conf decides insecure registries for login too, as it does for pull */
	_cleanup_(registries_conf_freep) struct registries_conf *owned = NULL;
	const struct registries_conf *rc = a->registries;
	if (!rc) {
		int k = registries_conf_load(NULL, &owned, err);
		if (k < 0)
			return k;
		rc = owned;
	}
	int r = image_registry_client(a, rc, host, key, &c, err);
	if (r < 0)
		return r;
	r = registry_check_login(c, err);
	if (r < 0)
		return cpod_error_wrap(err, "logging into \"%s\"", key);
	struct auth_json_opts ao = {.authfile = a->authfile};
	return auth_json_set(&ao, key, a->username, a->password ? a->password : "", err);
}

int image_logout(const char *key, const char *authfile, struct cpod_error **err)
{
	struct auth_json_opts ao = {.authfile = authfile};
	if (!key)
		return auth_json_remove_all(&ao, err);
	_cleanup_error_ struct cpod_error *e = NULL;
	int r = auth_json_remove(&ao, key, &e);
	if (r == -ENOENT)
		return cpod_error_set(err, ENOENT, "not logged into %s", key);
	if (r < 0)
		cpod_error_move(err, &e);
	return r;
}

int image_login_get(const char *key, const char *authfile, char **ret, struct cpod_error **err)
{
	struct auth_json_opts ao = {.authfile = authfile};
	struct auth_creds creds = {0};
	int r = auth_json_get(&ao, key, &creds, err);
	if (r < 0)
		return r;
	if (r == 0 || !creds.username) {
		auth_creds_release(&creds);
		return cpod_error_set(err, ENOENT, "not logged into %s", key);
	}
	*ret = TAKE_PTR(creds.username);
	auth_creds_release(&creds);
	return 0;
}
