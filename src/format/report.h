/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_REPORT_H
#define CPOD_FORMAT_REPORT_H

/*
 * Podman's report conventions (containers/common v0.50 pkg/report, as Podman 4.3 uses them):
 *
 *  - "--format json" (or "{{json .}}", "{{ json }}"...) means "print the JSON": the CLI checks
 *    format_is_json() and prints the objects itself.
 *  - A format starting with "table " renders a header row and aligns columns: "table " is
 *    removed, "\t" and "\n" escapes are interpreted, spaces become tabs, a newline is added,
 *    and the text is wrapped in {{range .}}...{{end -}}.
 *  - Any other user format gets "\t"/"\n" interpreted, a newline appended, and is wrapped in
 *    {{range .}}...{{end -}} unless it already has a {{range .}}...{{end}}; no header, no
 *    alignment.
 *  - Podman's own default formats (REPORT_ORIGIN_PODMAN) are aligned and have headers.
 *  If the normalised text does not parse, the original text is tried, as Podman does.
 *
 * Usage, as Podman's commands do it:
 *	r = report_new("images", format, REPORT_ORIGIN_USER, NULL, &err);
 *	if (report_renders_headers(r)) report_headers(r, headers_obj, &err);
 *	report_execute(r, rows_array, &err);   (or report_row() per row)
 *	report_flush(r, stdout, &err);
 * Output is buffered in the report until report_flush()/report_take(), so columns align over
 * all rows, like Go's tabwriter that is flushed at the end.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "format/template.h"
#include "util/buf.h"
#include "util/error.h"

enum report_origin {
	REPORT_ORIGIN_PODMAN, /* a default format from cpod's code: always a table */
	REPORT_ORIGIN_USER,   /* --format from the user */
};

struct report;

/* true for "json" and "{{json .}}"-like formats (containers/common report.IsJSON) */
bool format_is_json(const char *format);
/* true when the format starts with "table " (report.HasTable) */
bool format_is_table(const char *format);

/*
 * Podman's NormalizeFormat: for a "table " format, drop "table ", turn "\t" escapes and
 * spaces into tabs and "\n" escapes into newlines; otherwise only interpret "\t" and "\n";
 * then make sure the text ends with a newline. Returns an owned string.
 */
char *format_normalize(const char *format);

/* Podman's EnforceRange: wrap in {{range .}}...{{end -}} unless a range over dot exists. */
char *format_enforce_range(const char *format);

/*
 * Podman's report.Headers: the column header of a Go field name, CamelCase split into words
 * and upper-cased ("CreatedAt" -> "CREATED AT", "ID" -> "ID"). Owned string.
 */
char *format_header_name(const char *field);

/*
 * A headers object for fields (NULL-terminated list of field names), each given
 * format_header_name() unless overrides (object field -> text, may be NULL) names it, in which
 * case the override upper-cased is used. Returns a new reference.
 */
json_t *format_headers(const char *const *fields, const json_t *overrides);

/*
 * Parse a format. name is the template name used in errors (Podman uses the command name).
 * opts (may be NULL) are passed to template execution for rows. Returns a report to free
 * with report_free(), or NULL with *err set (EINVAL: template syntax).
 */
struct report *report_new(const char *name, const char *format, enum report_origin origin,
                          const struct template_options *opts, struct cpod_error **err);
struct report *report_free(struct report *r);

/* whether headers should be rendered (table formats and Podman's own formats) */
bool report_renders_headers(const struct report *r);
/* whether the output is aligned through the tabwriter */
bool report_is_table(const struct report *r);

/*
 * Render the header row: executes the template over [headers] with objects taken as maps
 * (a field without a header prints <no value>, as in Podman). headers is borrowed.
 */
int report_headers(struct report *r, json_t *headers, struct cpod_error **err);

/* Execute the template over data (normally the array of rows; borrowed). */
int report_execute(struct report *r, json_t *data, struct cpod_error **err);
/* Execute the template over a single row (wrapped in a one-element array). */
int report_row(struct report *r, json_t *row, struct cpod_error **err);

/* Align (tables) and return everything rendered so far; owned string. */
char *report_take(struct report *r, struct cpod_error **err);
/* Align (tables) and write everything rendered so far to out (EIO on write errors). */
int report_flush(struct report *r, FILE *out, struct cpod_error **err);

static inline void report_freep(struct report **r)
{
	if (*r)
		report_free(*r);
}
#define _cleanup_report_ _cleanup_(report_freep)

#endif
