/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart policies (--restart), as Podman 4.3 implements them:
 *
 * - `podman create` splits POLICY[:MAX] (pkg/specgenutil) and libpod accepts only "", "no",
 *   "always", "on-failure" and "unless-stopped" (libpod/options.go WithRestartPolicy); --rm is
 *   refused with any policy but "", "no" and a plain "on-failure" (specgenutil/createparse.go).
 * - When the container's process exits on its own (it was running or paused, and no stop or
 *   SIGKILL from the user recorded the exit first), the exit command's cleanup starts it again
 *   (libpod handleRestartPolicy): always and unless-stopped on any exit, on-failure on a
 *   non-zero exit while RestartCount < MAX (MAX 0: no limit). RestartCount is incremented
 *   before the start and kept by it; any other start (start, restart, init) resets it to 0.
 * - Podman 4.3 has no back-off: a container that keeps exiting restarts at once, every time,
 *   until its limit (on-failure:MAX) or until the user stops it. `stop` and `kill -s KILL`
 *   record the exit themselves under the container's lock, so the cleanup that conmon runs
 *   afterwards finds the container exited already and leaves it alone (Podman's
 *   StoppedByUser).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/container-internal.h"
#include "util/log.h"
#include "util/strutil.h"
#include "util/xalloc.h"
#include "banned.h"

#define RESTART_SPEC_MAX 4096

static const char *const valid_policies[] = {"", "no", "always", "on-failure", "unless-stopped"};

static bool policy_valid(const char *p)
{
	for (size_t i = 0; i < sizeof(valid_policies) / sizeof(valid_policies[0]); i++)
		if (strcmp(p, valid_policies[i]) == 0)
			return true;
	return false;
}

static int atoi_error(const char *s, int code, struct cpod_error **err)
{
	_cleanup_free_ char *q = go_quote(s);
	return cpod_error_set(err, code, "strconv.Atoi: parsing %s: %s", q,
	                      code == ERANGE ? "value out of range" : "invalid syntax");
}

/*
 * Go's strconv.Atoi (64-bit int) and its error texts: an optional sign then decimal digits,
 * read left to right (so an overflow before a bad character is a range error, as in Go).
 */
static int go_atoi(const char *s, long long *ret, struct cpod_error **err)
{
	const char *p = s;
	bool neg = *p == '-';
	unsigned long long v = 0;
	unsigned long long limit = (unsigned long long)LLONG_MAX + (neg ? 1u : 0u);

	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return atoi_error(s, EINVAL, err);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return atoi_error(s, EINVAL, err);
		unsigned d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			return atoi_error(s, ERANGE, err);
		v = v * 10 + d;
	}
	if (!neg)
		*ret = (long long)v;
	else
		*ret = v > (unsigned long long)LLONG_MAX ? LLONG_MIN : -(long long)v;
	return 0;
}

int container_restart_policy_parse(const char *spec, bool remove, char **ret_policy,
                                   uint64_t *ret_retries, struct cpod_error **err)
{
	if (!spec)
		spec = "";
	if (strlen(spec) > RESTART_SPEC_MAX)
		return cpod_error_set(err, EINVAL, "invalid restart policy: too long");
	if (remove && *spec && strcmp(spec, "no") != 0 && strcmp(spec, "on-failure") != 0)
		return cpod_error_set(err, EINVAL,
		                      "the --rm option conflicts with --restart, when the "
		                      "restartPolicy is not \"\" and \"no\"");
	uint64_t retries = 0;
	_cleanup_free_ char *policy = NULL;
	const char *colon = strchr(spec, ':');
	if (!colon) {
		policy = xstrdup(spec);
	} else {
		if (strchr(colon + 1, ':'))
			return cpod_error_set(
			        err, EINVAL,
			        "invalid restart policy: may specify retries at most once");
		policy = xstrndup(spec, (size_t)(colon - spec));
		if (strcasecmp(policy, "on-failure") != 0)
			return cpod_error_set(err, EINVAL,
			                      "restart policy retries can only be specified with "
			                      "on-failure restart policy");
		long long n = 0;
		int r = go_atoi(colon + 1, &n, err);
		if (r < 0)
			return cpod_error_wrap(err, "parsing restart policy retry count");
		if (n < 0)
			return cpod_error_set(err, EINVAL,
			                      "must specify restart policy retry count as a number "
			                      "greater than 0");
		retries = (uint64_t)n;
	}
	if (!policy_valid(policy)) {
		_cleanup_free_ char *q = go_quote(policy);
		return cpod_error_set(err, EINVAL,
		                      "running container create option: %s is not a valid restart "
		                      "policy: invalid argument",
		                      q);
	}
	*ret_policy = TAKE_PTR(policy);
	*ret_retries = retries;
	return 0;
}

/* libpod shouldRestart(), once the exit matched (see container_cleanup). */
static bool should_restart(const struct container *c)
{
	const char *p = c->config.restart_policy;
	if (!p || !*p || strcmp(p, "no") == 0)
		return false;
	if (strcmp(p, "on-failure") == 0) {
		if (c->state.exit_code == 0)
			return false;
		if (c->config.restart_retries > 0 &&
		    (uint64_t)c->state.restart_count >= c->config.restart_retries)
			return false;
	}
	return true;
}

int container_restart_policy_apply(struct engine *e, struct container *c, struct cpod_error **err)
{
	if (c->state.status != CTR_EXITED || !should_restart(c))
		return 0;
	log_debug("restarting container %s due to restart policy %s", c->config.id,
	          c->config.restart_policy);
	/*
	 * libpod counts the attempt before it starts (and saves it, but its readers lock the
	 * container). cpod's readers do not lock, so the count is saved by init with the new
	 * status, never alone beside "exited": "exited with RestartCount N" is final.
	 */
	if (c->state.restart_count < UINT_MAX)
		c->state.restart_count++;
	log_debug("container %s now on retry %u", c->config.id, c->state.restart_count);
	int r = container_start_locked(e, c, true, err);
	if (r < 0) {
		/* keep the attempt counted, whichever step failed */
		struct state_db *db = engine_state(e, NULL);
		if (db)
			(void)state_db_save_state(db, c, NULL);
		return r;
	}
	return 1;
}
