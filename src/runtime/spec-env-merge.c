/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --env-merge: a word expanded as a Dockerfile word is (openshift/imagebuilder's ProcessWord,
 * which Podman 4.3 uses) against the default environment, then stored over an existing
 * variable. Supported: quotes ('...' and "..."), backslash escapes, $NAME, ${NAME},
 * ${NAME:-word} and ${NAME:+word}, with the same error messages (an unterminated quote or
 * "${" is an error).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "runtime/spec.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

/* an expanded word is bounded: a few references to long variables at most */
#define WORD_MAX (256 * 1024)
#define END      (-1)

struct word {
	const char *s;
	size_t pos, len;
	char *const *env;
	const char *whole; /* for the messages */
	int depth;
};

static int peek(const struct word *w)
{
	return w->pos < w->len ? (unsigned char)w->s[w->pos] : END;
}

static int next(struct word *w)
{
	return w->pos < w->len ? (unsigned char)w->s[w->pos++] : END;
}

/* the first "NAME=" of env, as imagebuilder's getEnv; "" when absent */
static const char *get_env(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (!eq) {
			if (strcmp(env[i], name) == 0)
				return "";
			continue;
		}
		if ((size_t)(eq - env[i]) == n && strncmp(env[i], name, n) == 0)
			return eq + 1;
	}
	return "";
}

static int put(struct buf *out, const char *s, size_t n, struct cpod_error **err)
{
	if (out->len + n > WORD_MAX)
		return cpod_error_set(err, E2BIG, "the expanded word is longer than %d bytes",
		                      WORD_MAX);
	buf_append(out, s, n);
	return 0;
}

static int put_ch(struct buf *out, int ch, struct cpod_error **err)
{
	char c = (char)ch;
	return put(out, &c, 1, err);
}

/* a name of letters, digits and '_'; one digit alone when it starts with a digit */
static void process_name(struct word *w, struct buf *name)
{
	while (peek(w) != END) {
		int ch = peek(w);
		if (name->len == 0 && isdigit(ch)) {
			char c = (char)next(w);
			buf_append(name, &c, 1);
			return;
		}
		if (!isalnum(ch) && ch != '_')
			return;
		char c = (char)next(w);
		buf_append(name, &c, 1);
	}
}

static int process_stop_on(struct word *w, int stop, struct buf *out, struct cpod_error **err);

static int process_dollar(struct word *w, struct buf *out, struct cpod_error **err)
{
	_cleanup_buf_ struct buf name = BUF_INIT;
	next(w); /* '$' */
	if (peek(w) != '{') {
		process_name(w, &name);
		if (name.len == 0)
			return put(out, "$", 1, err);
		const char *v = get_env(w->env, buf_str(&name));
		return put(out, v, strlen(v), err);
	}
	next(w); /* '{' */
	process_name(w, &name);
	const char *v = get_env(w->env, buf_str(&name));
	int ch = peek(w);
	if (ch == '}') {
		next(w);
		return put(out, v, strlen(v), err);
	}
	if (ch != ':')
		return cpod_error_set(err, EINVAL, "Missing ':' in substitution: %s", w->whole);
	next(w);
	int modifier = next(w);
	_cleanup_buf_ struct buf word = BUF_INIT;
	int r = process_stop_on(w, '}', &word, err);
	if (r < 0)
		return r;
	if (modifier == '+')
		return *v ? put(out, buf_str(&word), word.len, err) : 0;
	if (modifier == '-')
		return *v ? put(out, v, strlen(v), err) : put(out, buf_str(&word), word.len, err);
	return cpod_error_set(err, EINVAL, "Unsupported modifier (%c) in substitution: %s",
	                      modifier, w->whole);
}

static int process_single_quote(struct word *w, struct buf *out, struct cpod_error **err)
{
	next(w);
	for (;;) {
		int ch = next(w);
		if (ch == '\'')
			return 0;
		if (ch == END)
			return cpod_error_set(err, EINVAL,
			                      "unexpected end of statement while looking "
			                      "for matching single-quote");
		int r = put_ch(out, ch, err);
		if (r < 0)
			return r;
	}
}

static int process_double_quote(struct word *w, struct buf *out, struct cpod_error **err)
{
	int r = 0;
	next(w);
	while (r >= 0) {
		int ch = peek(w);
		if (ch == END)
			return cpod_error_set(err, EINVAL,
			                      "unexpected end of statement while looking "
			                      "for matching double-quote");
		if (ch == '"') {
			next(w);
			return 0;
		}
		if (ch == '$') {
			r = process_dollar(w, out, err);
			continue;
		}
		ch = next(w);
		if (ch == '\\') {
			int p = peek(w);
			if (p == END)
				continue;
			if (p == '"' || p == '$' || p == '\\')
				ch = next(w);
		}
		r = put_ch(out, ch, err);
	}
	return r;
}

static int process_stop_on(struct word *w, int stop, struct buf *out, struct cpod_error **err)
{
	int r = 0;
	if (++w->depth > 64)
		return cpod_error_set(err, EINVAL, "substitutions nested too deeply: %s", w->whole);
	bool found = stop == END;
	while (r >= 0 && w->pos < w->len) {
		int ch = peek(w);
		if (stop != END && ch == stop) {
			next(w);
			found = true;
			break;
		}
		if (ch == '\'') {
			r = process_single_quote(w, out, err);
		} else if (ch == '"') {
			r = process_double_quote(w, out, err);
		} else if (ch == '$') {
			r = process_dollar(w, out, err);
		} else {
			ch = next(w);
			if (ch == '\\') {
				ch = next(w);
				if (ch == END)
					break;
			}
			r = put_ch(out, ch, err);
		}
	}
	w->depth--;
	if (r >= 0 && !found)
		return cpod_error_set(err, EINVAL,
		                      "unexpected end of statement while looking for matching %c",
		                      stop);
	return r < 0 ? r : 0;
}

int spec_env_process_word(const char *word, char *const *env, char **ret, struct cpod_error **err)
{
	struct word w = {.s = word, .len = strlen(word), .env = env, .whole = word};
	_cleanup_buf_ struct buf out = BUF_INIT;
	int r = process_stop_on(&w, END, &out, err);
	if (r < 0)
		return r;
	*ret = buf_take(&out);
	return 0;
}

int spec_env_merge(char ***env, const char *entry, struct cpod_error **err)
{
	_cleanup_free_ char *word = NULL;
	int r = spec_env_process_word(entry, *env, &word, err);
	if (r < 0)
		return cpod_error_wrap(err, "unable to process variables for --env-merge %s",
		                       entry);
	/* Podman 4.3 splits at every "=" and keeps the second field, for a variable it has */
	const char *eq = strchr(word, '=');
	size_t klen = eq ? (size_t)(eq - word) : strlen(word);
	for (size_t i = 0; *env && (*env)[i]; i++) {
		const char *ieq = strchr((*env)[i], '=');
		if (!ieq || (size_t)(ieq - (*env)[i]) != klen || strncmp((*env)[i], word, klen))
			continue;
		if (!eq)
			return cpod_error_set(err, EINVAL,
			                      "missing `=` for --env-merge substitution %s", entry);
		size_t vlen = strcspn(eq + 1, "=");
		char *kv = xasprintf("%.*s=%.*s", (int)klen, word, (int)vlen, eq + 1);
		free((*env)[i]);
		(*env)[i] = kv;
		return 0;
	}
	return 0;
}
