/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Podman's report.Formatter: format normalisation, header names, and template output
 * aligned through the tabwriter for tables (containers/common v0.50 pkg/report).
 */
#include <errno.h>
#include <string.h>

#include "report.h"
#include "tabwriter.h"
#include "util/json.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct report {
	struct template *tmpl;
	struct template_options opts;
	bool table;   /* "table " prefix */
	bool aligned; /* through the tabwriter, with headers */
	struct buf out;
};

static bool re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static const char *skip_ws(const char *p)
{
	while (re_space(*p))
		p++;
	return p;
}

static bool eat(const char **p, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

bool format_is_json(const char *format)
{
	/* ^\s*(json|{{\s*json\s*(\.)?\s*}})\s*$ */
	const char *p = skip_ws(format);
	if (eat(&p, "json"))
		return *skip_ws(p) == '\0';
	if (!eat(&p, "{{"))
		return false;
	p = skip_ws(p);
	if (!eat(&p, "json"))
		return false;
	p = skip_ws(p);
	eat(&p, ".");
	p = skip_ws(p);
	if (!eat(&p, "}}"))
		return false;
	return *skip_ws(p) == '\0';
}

bool format_is_table(const char *format)
{
	return strncmp(format, "table ", 6) == 0;
}

char *format_normalize(const char *format)
{
	struct buf b = BUF_INIT;
	bool table = format_is_table(format);
	for (const char *p = format; *p;) {
		if (table && strncmp(p, "table ", 6) == 0) {
			p += 6;
		} else if (p[0] == '\\' && p[1] == 't') {
			buf_putc(&b, '\t');
			p += 2;
		} else if (p[0] == '\\' && p[1] == 'n') {
			buf_putc(&b, '\n');
			p += 2;
		} else if (table && *p == ' ') {
			buf_putc(&b, '\t');
			p++;
		} else {
			buf_putc(&b, *p++);
		}
	}
	if (b.len == 0 || b.data[b.len - 1] != '\n')
		buf_putc(&b, '\n');
	return buf_take(&b);
}

/* (?s){{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}} */
static bool has_range(const char *s)
{
	for (const char *p = strstr(s, "{{"); p; p = strstr(p + 1, "{{")) {
		const char *q = skip_ws(p + 2);
		if (!eat(&q, "range"))
			continue;
		q = skip_ws(q);
		if (!eat(&q, "."))
			continue;
		q = skip_ws(q);
		if (!eat(&q, "}}"))
			continue;
		for (const char *e = strstr(q, "{{"); e; e = strstr(e + 1, "{{")) {
			const char *r = skip_ws(e + 2);
			if (!eat(&r, "end"))
				continue;
			r = skip_ws(r);
			eat(&r, "-");
			r = skip_ws(r);
			if (eat(&r, "}}"))
				return true;
		}
	}
	return false;
}

char *format_enforce_range(const char *format)
{
	if (has_range(format))
		return xstrdup(format);
	return xasprintf("{{range .}}%s{{end -}}", format);
}

static int char_class(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return 1;
	if (c >= 'A' && c <= 'Z')
		return 2;
	if (c >= '0' && c <= '9')
		return 3;
	return 4;
}

char *format_header_name(const char *field)
{
	/* fatih/camelcase.Split as vendored in containers/common, then upper-cased */
	size_t len = strlen(field), nw = 0;
	_cleanup_free_ size_t *starts = xnew(size_t, len + 2);
	struct buf b = BUF_INIT;
	int last = 0;
	for (size_t i = 0; i < len; i++) {
		int c = char_class((unsigned char)field[i]);
		if (i == 0 || c != last)
			starts[nw++] = i;
		last = c;
	}
	starts[nw] = len;
	/* "PDFL" "oader" -> "PDF" "Loader": the last upper-case letter starts the next word */
	for (size_t w = 0; w + 1 < nw; w++) {
		if (char_class((unsigned char)field[starts[w]]) == 2 &&
		    char_class((unsigned char)field[starts[w + 1]]) == 1)
			starts[w + 1]--;
	}
	for (size_t w = 0; w < nw; w++) {
		size_t s = starts[w], e = starts[w + 1];
		if (e <= s)
			continue;
		if (b.len)
			buf_putc(&b, ' ');
		for (size_t i = s; i < e; i++) {
			char c = field[i];
			buf_putc(&b, c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
		}
	}
	return buf_take(&b);
}

json_t *format_headers(const char *const *fields, const json_t *overrides)
{
	json_t *h = json_object();
	const char *key;
	json_t *val;
	for (size_t i = 0; fields && fields[i]; i++) {
		_cleanup_free_ char *name = format_header_name(fields[i]);
		json_object_set_new(h, fields[i], json_string(name));
	}
	json_object_foreach((json_t *)overrides, key, val)
	{
		_cleanup_free_ char *up =
		        xstrdup(json_string_value(val) ? json_string_value(val) : "");
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
		json_object_set_new(h, key, json_string(up));
	}
	return h;
}

struct report *report_new(const char *name, const char *format, enum report_origin origin,
                          const struct template_options *opts, struct cpod_error **err)
{
	_cleanup_free_ char *norm = format_normalize(format);
	_cleanup_free_ char *norm_text = NULL, *text = NULL;
	_cleanup_error_ struct cpod_error *first = NULL;
	struct report *r = xnew(struct report, 1);
	if (opts)
		r->opts = *opts;
	if (format_is_table(format)) {
		r->table = true;
		norm_text = xasprintf("{{range .}}%s{{end -}}", norm);
		text = xasprintf("{{range .}}%s{{end -}}", format);
	} else if (origin == REPORT_ORIGIN_USER) {
		norm_text = format_enforce_range(norm);
		text = format_enforce_range(format);
	} else {
		norm_text = TAKE_PTR(norm);
		text = xstrdup(format);
	}
	r->aligned = r->table || origin == REPORT_ORIGIN_PODMAN;
	buf_init(&r->out, 0);
	r->tmpl = template_parse(name, norm_text, &first);
	if (!r->tmpl) {
		/* Podman retries with the text as given (e.g. for {{printf "\n"}}) */
		r->tmpl = template_parse(name, text, err);
		if (!r->tmpl)
			return report_free(r);
	}
	return r;
}

struct report *report_free(struct report *r)
{
	if (!r)
		return NULL;
	template_free(r->tmpl);
	buf_release(&r->out);
	free(r);
	return NULL;
}

bool report_renders_headers(const struct report *r)
{
	return r->aligned;
}

bool report_is_table(const struct report *r)
{
	return r->aligned;
}

int report_headers(struct report *r, json_t *headers, struct cpod_error **err)
{
	_cleanup_json_ json_t *arr = json_array();
	struct template_options o = r->opts;
	o.flags |= TEMPLATE_OBJECTS_ARE_MAPS;
	json_array_append(arr, headers);
	return template_execute(r->tmpl, arr, &o, &r->out, err);
}

int report_execute(struct report *r, json_t *data, struct cpod_error **err)
{
	return template_execute(r->tmpl, data, &r->opts, &r->out, err);
}

int report_row(struct report *r, json_t *row, struct cpod_error **err)
{
	_cleanup_json_ json_t *arr = json_array();
	json_array_append(arr, row);
	return report_execute(r, arr, err);
}

char *report_take(struct report *r, struct cpod_error **err)
{
	struct tabwriter tw;
	struct buf out = BUF_INIT;
	if (!r->aligned)
		return buf_take(&r->out);
	tabwriter_init_podman(&tw);
	tabwriter_write(&tw, r->out.data ? r->out.data : "", r->out.len);
	buf_reset(&r->out);
	if (tabwriter_flush(&tw, &out) < 0) {
		tabwriter_release(&tw);
		buf_release(&out);
		cpod_error_set(err, E2BIG, "report output too large");
		return NULL;
	}
	tabwriter_release(&tw);
	return buf_take(&out);
}

int report_flush(struct report *r, FILE *out, struct cpod_error **err)
{
	_cleanup_free_ char *s = report_take(r, err);
	size_t len;
	if (!s)
		return -E2BIG;
	len = strlen(s);
	if ((len && fwrite(s, 1, len, out) != len) || fflush(out) != 0)
		return cpod_error_set_errno(err, EIO, "write report");
	return 0;
}
