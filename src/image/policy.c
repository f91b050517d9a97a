/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy.json (containers-policy.json(5)) as containers/image 5.23's signature package reads
 * and evaluates it for a pull. Only the requirement types that need no signature can accept;
 * signature requirements are refused, since cpod verifies no signatures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <jansson.h>

#include "pull.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define POLICY_MAX (1024 * 1024)

struct image_policy {
	json_t *root;
};

struct image_policy *image_policy_free(struct image_policy *p)
{
	if (p) {
		json_decref(p->root);
		free(p);
	}
	return NULL;
}

static bool type_known(const char *t)
{
	static const char *const known[] = {"insecureAcceptAnything", "reject",          "signedBy",
	                                    "sigstoreSigned",         "signedBaseLayer", NULL};
	for (size_t i = 0; known[i]; i++)
		if (strcmp(known[i], t) == 0)
			return true;
	return false;
}

static int check_reqs(const char *name, json_t *reqs, struct cpod_error **err)
{
	if (!json_is_array(reqs) || json_array_size(reqs) == 0)
		return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": %s", name,
		                      "policy requirements must be a non-empty array");
	size_t i;
	json_t *req;
	json_array_foreach(reqs, i, req)
	{
		const char *t = json_get_string(req, "type");
		if (!json_is_object(req) || !t)
			return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": %s", name,
			                      "policy requirement has no \"type\"");
		if (!type_known(t))
			return cpod_error_set(
			        err, EINVAL,
			        "invalid policy in \"%s\": Unknown policy requirement "
			        "type \"%s\"",
			        name, t);
	}
	return 0;
}

int image_policy_parse(const char *name, const char *data, size_t len, struct image_policy **ret,
                       struct cpod_error **err)
{
	json_error_t je;
	_cleanup_json_ json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": %s", name, je.text);
	if (!json_is_object(root))
		return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": not a JSON object",
		                      name);
	json_t *def = json_object_get(root, "default");
	if (!def)
		return cpod_error_set(err, EINVAL,
		                      "invalid policy in \"%s\": Default policy is "
		                      "missing",
		                      name);
	int r = check_reqs(name, def, err);
	if (r < 0)
		return r;
	json_t *transports = json_object_get(root, "transports");
	if (transports && !json_is_object(transports))
		return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": %s", name,
		                      "\"transports\" is not an object");
	const char *tname;
	json_t *scopes;
	json_object_foreach(transports, tname, scopes)
	{
		if (!json_is_object(scopes))
			return cpod_error_set(err, EINVAL, "invalid policy in \"%s\": %s", name,
			                      "a transport's scopes are not an object");
		const char *scope;
		json_t *reqs;
		json_object_foreach(scopes, scope, reqs)
		{
			if ((r = check_reqs(name, reqs, err)) < 0)
				return r;
		}
	}
	struct image_policy *p = xnew(struct image_policy, 1);
	p->root = TAKE_PTR(root);
	*ret = p;
	return 0;
}

int image_policy_load(const char *path, struct image_policy **ret, struct cpod_error **err)
{
	_cleanup_free_ char *user = NULL;
	const char *home = getenv("HOME");
	if (!path && home && *home) {
		user = xasprintf("%s/.config/containers/policy.json", home);
		if (access(user, F_OK) == 0)
			path = user;
	}
	if (!path)
		path = "/etc/containers/policy.json";
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, path, POLICY_MAX, &data, &len);
	if (r < 0)
		return cpod_error_set_errno(err, -r, "open %s", path);
	return image_policy_parse(path, data, len, ret, err);
}

/* The scopes c/image's docker transport tries after the full reference, longest first. */
static char **docker_namespaces(const char *ref)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *name = xstrdup(ref);
	char *at = strchr(name, '@');
	if (at)
		*at = 0;
	char *slash = strchr(name, '/');
	char *colon = strrchr(name, ':');
	if (colon && slash && colon > slash)
		*colon = 0;
	for (;;) {
		strv_push(&v, name);
		char *last = strrchr(name, '/');
		if (!last)
			break;
		*last = 0;
	}
	/* wildcards for the host name: "*.example.com", "*.com" */
	if (!strchr(name, ':')) {
		for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.'))
			strv_consume(&v, xasprintf("*%s", dot));
	}
	return TAKE_PTR(v);
}

static json_t *requirements_for(const struct image_policy *p, const char *transport,
                                const char *ref)
{
	json_t *scopes = json_object_get(json_object_get(p->root, "transports"), transport);
	if (scopes) {
		json_t *reqs = json_object_get(scopes, ref);
		if (reqs)
			return reqs;
		_cleanup_strv_free_ char **ns =
		        strcmp(transport, "docker") == 0 ? docker_namespaces(ref) : NULL;
		STRV_FOREACH(n, ns)
		{
			if ((reqs = json_object_get(scopes, *n)))
				return reqs;
		}
		if ((reqs = json_object_get(scopes, "")))
			return reqs;
	}
	return json_object_get(p->root, "default");
}

int image_policy_check(const struct image_policy *p, const char *transport, const char *ref,
                       struct cpod_error **err)
{
	json_t *reqs = requirements_for(p, transport, ref);
	size_t i;
	json_t *req;
	json_array_foreach(reqs, i, req)
	{
		const char *t = json_get_string(req, "type");
		if (strcmp(t, "insecureAcceptAnything") == 0)
			continue;
		if (strcmp(t, "reject") == 0)
			return cpod_error_set(err, EACCES,
			                      "Source image rejected: Running image %s://%s is "
			                      "rejected by policy.",
			                      transport, ref);
		return cpod_error_set(err, ENOTSUP,
		                      "Source image rejected: signature verification is not "
		                      "supported: the policy requires \"%s\" for %s://%s",
		                      t, transport, ref);
	}
	return 0;
}
