/* SPDX-License-Identifier: Apache-2.0 */
/* Detach keys: Podman's syntax (moby/term ToBytes) and matching over a byte stream. */
#include <errno.h>
#include <string.h>

#include "attach.h"
#include "util/strv.h"
#include "util/banned.h"

/* "ctrl-@" is 0, "ctrl-a" 1 ... "ctrl-z" 26, then [ \ ] ^ _ (27..31), as moby/term's ASCII */
static int ctrl_code(const char *key)
{
	static const char tail[] = "[\\]^_";
	if (strncmp(key, "ctrl-", 5) != 0 || strlen(key) != 6)
		return -1;
	char c = key[5];
	if (c == '@')
		return 0;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	const char *t = strchr(tail, c);
	if (t && c)
		return 27 + (int)(t - tail);
	return -1;
}

int attach_parse_detach_keys(const char *spec, struct attach_detach_keys *ret,
                             struct cpod_error **err)
{
	struct attach_detach_keys k = {.len = 0};
	if (!spec)
		spec = ATTACH_DEFAULT_DETACH_KEYS;
	if (!*spec) {
		*ret = k;
		return 0;
	}
	_cleanup_strv_free_ char **keys = strv_split(spec, ",");
	STRV_FOREACH(key, keys)
	{
		int code;
		if (strlen(*key) == 1)
			code = (unsigned char)(*key)[0];
		else if (strcmp(*key, "DEL") == 0)
			code = 127;
		else
			code = ctrl_code(*key);
		if (code < 0)
			return cpod_error_set(err, EINVAL,
			                      "invalid detach keys: Unknown character: '%s'", *key);
		if (k.len == ATTACH_DETACH_KEYS_MAX)
			return cpod_error_set(err, EINVAL, "invalid detach keys: too many keys");
		k.seq[k.len++] = (unsigned char)code;
	}
	*ret = k;
	return 0;
}

bool attach_detach_matcher_feed(struct attach_detach_matcher *m, const unsigned char *in,
                                size_t len, unsigned char *out, size_t *ret_out_len)
{
	const struct attach_detach_keys *k = m->keys;
	size_t n = 0;
	if (!k || k->len == 0) {
		memcpy(out, in, len);
		*ret_out_len = len;
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		if (c == k->seq[m->matched]) {
			if (++m->matched == k->len) {
				m->matched = 0;
				*ret_out_len = n;
				return true;
			}
			continue;
		}
		/* the held bytes were not the sequence after all: forward them */
		memcpy(out + n, k->seq, m->matched);
		n += m->matched;
		m->matched = 0;
		if (c == k->seq[0])
			m->matched = 1;
		else
			out[n++] = c;
	}
	*ret_out_len = n;
	return false;
}

size_t attach_detach_matcher_flush(struct attach_detach_matcher *m, unsigned char *out)
{
	size_t n = m->matched;
	if (n && m->keys)
		memcpy(out, m->keys->seq, n);
	m->matched = 0;
	return n;
}
