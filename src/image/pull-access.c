/* SPDX-License-Identifier: Apache-2.0 */
/* A registry client set up from the command line's access flags, auth files and registries.conf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/auth-json.h"
#include "config/registries-conf.h"
#include "pull.h"
#include "registry.h"
#include "util/xalloc.h"
#include "util/banned.h"

int image_registry_client(const struct image_registry_access *a, const struct registries_conf *rc,
                          const char *host, const char *auth_key, struct registry_client **ret,
                          struct cpod_error **err)
{
	_cleanup_free_ char *user = NULL, *pass = NULL;
	struct auth_creds creds = {0};
	int r;

	if (a->username) {
		user = xstrdup(a->username);
		pass = xstrdup(a->password ? a->password : "");
	} else if (a->creds && *a->creds) {
		const char *colon = strchr(a->creds, ':');
		if (colon == a->creds)
			return cpod_error_set(err, EINVAL, "username can't be empty");
		if (!colon)
			return cpod_error_set(err, EINVAL,
			                      "--creds without a password needs a terminal to "
			                      "prompt, give \"USERNAME:PASSWORD\"");
		user = xstrndup(a->creds, (size_t)(colon - a->creds));
		pass = xstrdup(colon + 1);
	} else {
		struct auth_json_opts ao = {.authfile = a->authfile};
		r = auth_json_get(&ao, auth_key ? auth_key : host, &creds, err);
		if (r < 0)
			return r;
		if (r > 0) {
			user = TAKE_PTR(creds.username);
			pass = TAKE_PTR(creds.password);
		}
		auth_creds_release(&creds);
	}
	bool insecure = false;
	if (a->tls_verify == 0)
		insecure = true;
	else if (a->tls_verify < 0 && rc)
		insecure = registries_conf_is_insecure(rc, host);
	struct registry_opts o = {
	        .host = host,
	        .insecure = insecure,
	        .cert_dir = a->cert_dir,
	        .username = user,
	        .password = pass,
	        .max_retries = a->retries < 0 ? REGISTRY_DEFAULT_RETRIES : (unsigned)a->retries,
	        .retry_delay_ms =
	                a->retry_delay_ms ? a->retry_delay_ms : REGISTRY_DEFAULT_RETRY_DELAY_MS,
	};
	r = registry_client_new(&o, ret, err);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	return r;
}
