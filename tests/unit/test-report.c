/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Podman report conventions and Go tabwriter alignment. The expected tables are byte-exact
 * copies of what Podman 4.3.1 printed for the same rows (podman ps -a, podman images
 * --format 'table ...') on the reference machine.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format/report.h"
#include "format/tabwriter.h"
#include "util/json.h"
#include "util/xalloc.h"

static const char *ps_rows =
        "[{\"ID\":\"2325f19c0486\",\"Image\":\"localhost/bb:latest\",\"Command\":\"sh -c true\","
        "\"CreatedHuman\":\"6 minutes "
        "ago\",\"State\":\"Created\",\"Ports\":\"\",\"Names\":\"ctr2\"},"
        "{\"ID\":\"b6c952fe582c\",\"Image\":\"localhost/bb:latest\",\"Command\":\"sh -c echo hi; "
        "ex...\",\"CreatedHuman\":\"1 second ago\",\"State\":\"Created\",\"Ports\":\"\","
        "\"Names\":\"engref\"}]";

static const char *ps_headers =
        "{\"ID\":\"CONTAINER ID\",\"Image\":\"IMAGE\",\"Command\":\"COMMAND\",\"CreatedHuman\":"
        "\"CREATED\",\"State\":\"STATUS\",\"Ports\":\"PORTS\",\"Names\":\"NAMES\"}";

/* run a report the way Podman's commands do; returns the output or "Error: msg" */
static char *render(const char *format, enum report_origin origin, const char *rows,
                    const char *headers)
{
	json_error_t je;
	_cleanup_json_ json_t *r = json_loads(rows, 0, &je);
	_cleanup_json_ json_t *h = headers ? json_loads(headers, 0, &je) : NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_report_ struct report *rep = report_new("ps", format, origin, NULL, &err);
	_cleanup_free_ char *out = NULL;
	if (!rep)
		return xasprintf("Error: %s", err->msg);
	if (report_renders_headers(rep) && h && report_headers(rep, h, &err) < 0)
		return xasprintf("Error: %s", err->msg);
	if (report_execute(rep, r, &err) < 0) {
		out = report_take(rep, NULL);
		return xasprintf("%sError: %s", out, err->msg);
	}
	return report_take(rep, &err);
}

static void test_report_podman_default_ps(void **state)
{
	_cleanup_free_ char *out =
	        render("{{range .}}{{.ID}}\\t{{.Image}}\\t{{.Command}}\\t"
	               "{{.CreatedHuman}}\\t{{.State}}\\t{{.Ports}}\\t{{.Names}}\\n"
	               "{{end -}}",
	               REPORT_ORIGIN_PODMAN, ps_rows, ps_headers);
	assert_string_equal(out, "CONTAINER ID  IMAGE                COMMAND               CREATED "
	                         "       STATUS      PORTS       NAMES\n"
	                         "2325f19c0486  localhost/bb:latest  sh -c true            6 "
	                         "minutes ago  Created                 ctr2\n"
	                         "b6c952fe582c  localhost/bb:latest  sh -c echo hi; ex...  1 "
	                         "second ago   Created                 engref\n");
}

static void test_report_user_table(void **state)
{
	_cleanup_free_ char *a = render("table {{.ID}} {{.Names}} {{.Image}}", REPORT_ORIGIN_USER,
	                                ps_rows, ps_headers);
	_cleanup_free_ char *b =
	        render("table {{.Names}}\\t{{.Command}}", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	_cleanup_free_ char *c = render("table {{.ID}}:{{.Names}} x {{.State}}", REPORT_ORIGIN_USER,
	                                ps_rows, ps_headers);
	assert_string_equal(a, "CONTAINER ID  NAMES       IMAGE\n"
	                       "2325f19c0486  ctr2        localhost/bb:latest\n"
	                       "b6c952fe582c  engref      localhost/bb:latest\n");
	assert_string_equal(b, "NAMES       COMMAND\n"
	                       "ctr2        sh -c true\n"
	                       "engref      sh -c echo hi; ex...\n");
	assert_string_equal(c, "CONTAINER ID:NAMES   x           STATUS\n"
	                       "2325f19c0486:ctr2    x           Created\n"
	                       "b6c952fe582c:engref  x           Created\n");
}

static void test_report_user_plain(void **state)
{
	_cleanup_free_ char *a =
	        render("{{.ID}}\\t{{.Names}}", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	_cleanup_free_ char *b =
	        render("{{range .}}{{.Names}},{{end}}", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	_cleanup_free_ char *c = render("{{.Names}}\\n", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	/* a template that does not parse once "\n" is interpreted is parsed as given (Podman) */
	_cleanup_free_ char *d =
	        render("{{printf \"%s\\n\" .Names}}", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	assert_string_equal(a, "2325f19c0486\tctr2\nb6c952fe582c\tengref\n");
	assert_string_equal(b, "ctr2,engref,\n");
	assert_string_equal(c, "ctr2\nengref\n");
	assert_string_equal(d, "ctr2\nengref\n");
}

static void test_report_missing_field(void **state)
{
	_cleanup_free_ char *out =
	        render("table {{.Foo}}", REPORT_ORIGIN_USER, ps_rows, ps_headers);
	/* Podman prints the header (<no value>) then fails on the first row */
	assert_string_equal(out,
	                    "<no value>\nError: template: ps:1:13: executing \"ps\" at <.Foo>: "
	                    "can't evaluate field Foo in type struct");
}

static void test_report_parse_error(void **state)
{
	_cleanup_free_ char *out = render("{{.ID", REPORT_ORIGIN_USER, ps_rows, NULL);
	/* the error of the second attempt (the text as given), as Podman reports it */
	assert_string_equal(out, "Error: template: ps:1: bad character U+007B '{'");
}

static void test_report_row_by_row(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_report_ struct report *r =
	        report_new("x", "table {{.A}}\\t{{.B}}", REPORT_ORIGIN_USER, NULL, &err);
	_cleanup_json_ json_t *h = json_pack("{s:s,s:s}", "A", "A", "B", "B");
	_cleanup_json_ json_t *r1 = json_pack("{s:s,s:s}", "A", "short", "B", "1");
	_cleanup_json_ json_t *r2 = json_pack("{s:s,s:s}", "A", "a-rather-long-value", "B", "2");
	_cleanup_free_ char *out = NULL;
	assert_non_null(r);
	assert_true(report_is_table(r));
	assert_int_equal(report_headers(r, h, &err), 0);
	assert_int_equal(report_row(r, r1, &err), 0);
	assert_int_equal(report_row(r, r2, &err), 0);
	out = report_take(r, &err);
	assert_string_equal(out, "A                    B\n"
	                         "short                1\n"
	                         "a-rather-long-value  2\n");
}

static void test_format_is_json(void **state)
{
	assert_true(format_is_json("json"));
	assert_true(format_is_json("  json "));
	assert_true(format_is_json("{{json .}}"));
	assert_true(format_is_json("{{ json }}"));
	assert_true(format_is_json("{{json.}}"));
	assert_false(format_is_json("{{json .ID}}"));
	assert_false(format_is_json("jsonx"));
	assert_false(format_is_json("table json"));
	assert_true(format_is_table("table {{.ID}}"));
	assert_false(format_is_table("table"));
	assert_false(format_is_table("{{.ID}}"));
}

static void test_format_normalize(void **state)
{
	_cleanup_free_ char *a = format_normalize("table {{.ID}} {{.Names}}");
	_cleanup_free_ char *b = format_normalize("{{.ID}}\\t{{.Names}}\\n");
	_cleanup_free_ char *c = format_normalize("{{.ID}} {{.Names}}");
	_cleanup_free_ char *d = format_enforce_range("{{.ID}}\n");
	_cleanup_free_ char *e = format_enforce_range("{{ range . }}{{.ID}}{{ end }}");
	_cleanup_free_ char *f = format_enforce_range("{{range .Names}}{{.}}{{end}}");
	assert_string_equal(a, "{{.ID}}\t{{.Names}}\n");
	assert_string_equal(b, "{{.ID}}\t{{.Names}}\n");
	assert_string_equal(c, "{{.ID}} {{.Names}}\n");
	assert_string_equal(d, "{{range .}}{{.ID}}\n{{end -}}");
	assert_string_equal(e, "{{ range . }}{{.ID}}{{ end }}");
	assert_string_equal(f, "{{range .}}{{range .Names}}{{.}}{{end}}{{end -}}");
}

static void test_format_header_name(void **state)
{
	static const char *const cases[][2] = {
	        {"ID", "ID"},
	        {"CreatedAt", "CREATED AT"},
	        {"CreatedHuman", "CREATED HUMAN"},
	        {"PDFLoader", "PDF LOADER"},
	        {"SimpleXMLParser", "SIMPLE XML PARSER"},
	        {"GL11Version", "GL 11 VERSION"},
	        {"ReadOnly", "READ ONLY"},
	        {"Names", "NAMES"},
	        {"lowercase", "LOWERCASE"},
	        {"", ""},
	};
	const char *const fields[] = {"ID", "CreatedAt", "Size", NULL};
	_cleanup_json_ json_t *ov = json_pack("{s:s}", "ID", "image id");
	_cleanup_json_ json_t *h = format_headers(fields, ov);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *got = format_header_name(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
	}
	assert_string_equal(json_string_value(json_object_get(h, "ID")), "IMAGE ID");
	assert_string_equal(json_string_value(json_object_get(h, "CreatedAt")), "CREATED AT");
	assert_string_equal(json_string_value(json_object_get(h, "Size")), "SIZE");
}

static char *tw(const char *in, int minwidth, int padding, char padchar, unsigned flags)
{
	struct tabwriter w;
	struct buf out = BUF_INIT;
	tabwriter_init(&w, minwidth, padding, padchar, flags);
	assert_int_equal(tabwriter_write(&w, in, strlen(in)), 0);
	assert_int_equal(tabwriter_flush(&w, &out), 0);
	tabwriter_release(&w);
	return buf_take(&out);
}

static void test_tabwriter_rules(void **state)
{
	/* column blocks: a line without the column ends the block */
	_cleanup_free_ char *a = tw("a\tb\tc\naa\tbbbbb\tc\nno tabs here\nx\ty\n", 0, 1, '.', 0);
	/* the last cell of a line is not padded; empty cells are padded */
	_cleanup_free_ char *b = tw("\tx\nlong\t\n", 0, 2, ' ', 0);
	/* minwidth; runes count as one */
	_cleanup_free_ char *c = tw("é\tb\nab\tc\n", 4, 1, '-', 0);
	/* escaped text keeps its tabs; text without a final newline is written as is */
	_cleanup_free_ char *d = tw("\xff"
	                            "a\tb"
	                            "\xff\tc\nd",
	                            0, 1, ' ', TABWRITER_STRIP_ESCAPE);
	/* Go's elastic example: b's and d's belong to different columns */
	_cleanup_free_ char *e = tw("a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n", 0, 1, '.', 0);
	assert_string_equal(a, "a..b.....c\naa.bbbbb.c\nno tabs here\nx.y\n");
	assert_string_equal(b, "      x\nlong  \n");
	assert_string_equal(c, "é---b\nab--c\n");
	assert_string_equal(d, "a\tb c\nd");
	assert_string_equal(e, "a....b..c\naa...bb.cc\naaa..\naaaa.dddd.eeee\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_report_podman_default_ps),
	        cmocka_unit_test(test_report_user_table),
	        cmocka_unit_test(test_report_user_plain),
	        cmocka_unit_test(test_report_missing_field),
	        cmocka_unit_test(test_report_parse_error),
	        cmocka_unit_test(test_report_row_by_row),
	        cmocka_unit_test(test_format_is_json),
	        cmocka_unit_test(test_format_normalize),
	        cmocka_unit_test(test_format_header_name),
	        cmocka_unit_test(test_tabwriter_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
