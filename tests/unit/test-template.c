/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go text/template compatibility. Expected outputs and messages were checked against
 * Podman 4.3.1 (Go 1.19) by running the same templates through `podman version --format`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format/template.h"
#include "util/json.h"
#include "util/xalloc.h"

static const char *data_json =
        "{\"ID\":\"abc123\",\"Names\":[\"web\",\"db\"],\"Size\":1500,\"Ratio\":1.5,"
        "\"Running\":true,\"Stopped\":false,\"Nothing\":null,\"Empty\":\"\","
        "\"Labels\":{\"b\":\"2\",\"a\":\"1\"},\"Nested\":{\"Inner\":{\"Value\":\"deep\"}},"
        "\"Nums\":[3,1,2],\"Html\":\"<a&b>\",\"NoLabels\":{}}";

struct tcase {
	const char *tmpl;
	const char *want; /* "ERR:" prefix: the error message that follows */
};

static void run_cases(const struct tcase *cases, size_t n)
{
	json_error_t je;
	_cleanup_json_ json_t *data = json_loads(data_json, 0, &je);
	assert_non_null(data);
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ struct cpod_error *err = NULL;
		_cleanup_free_ char *out = template_render("t", cases[i].tmpl, data, NULL, &err);
		const char *want = cases[i].want;
		if (strncmp(want, "ERR:", 4) == 0) {
			if (out)
				print_error("template %s: want error, got \"%s\"\n", cases[i].tmpl,
				            out);
			assert_null(out);
			assert_non_null(err);
			if (strcmp(err->msg, want + 4) != 0)
				print_error("template %s:\n got  %s\n want %s\n", cases[i].tmpl,
				            err->msg, want + 4);
			assert_string_equal(err->msg, want + 4);
		} else {
			if (!out)
				print_error("template %s: %s\n", cases[i].tmpl, err->msg);
			assert_non_null(out);
			if (strcmp(out, want) != 0)
				print_error("template %s:\n got  \"%s\"\n want \"%s\"\n",
				            cases[i].tmpl, out, want);
			assert_string_equal(out, want);
		}
	}
}

#define RUN(c) run_cases(c, sizeof(c) / sizeof((c)[0]))

static void test_template_text_and_fields(void **state)
{
	static const struct tcase c[] = {
	        {"plain text", "plain text"},
	        {"{{.ID}}", "abc123"},
	        {"{{ .ID }}", "abc123"},
	        {"{{.Nested.Inner.Value}}", "deep"},
	        {"{{.Size}} {{.Ratio}} {{.Running}} {{.Stopped}}", "1500 1.5 true false"},
	        {"{{.Nothing}}", "<no value>"},
	        {"{{.Names}}", "[web db]"},
	        {"{{.Labels}}", "map[a:1 b:2]"},
	        {"{{.Labels.a}}", "1"},
	        {"{{.Labels.zz}}", "<no value>"},
	        {"{{.NoLabels.x}}", "<no value>"},
	        {"{{.Nothing.X}}", "<no value>"},
	        {"{{.}}",
	         "map[Empty: Html:<a&b> ID:abc123 Labels:map[a:1 b:2] Names:[web db] "
	         "Nested:map[Inner:map[Value:deep]] NoLabels:map[] Nothing:<nil> Nums:[3 1 2] "
	         "Ratio:1.5 Running:true Size:1500 Stopped:false]"},
	        {"{{$.ID}}", "abc123"},
	        {"{{/* a comment */}}x", "x"},
	        {"a  {{- /* c */ -}}  b", "ab"},
	        {"x  {{- \"y\" -}}  z", "xyz"},
	        {"x\n\t{{- .ID}}", "xabc123"},
	        {"{{.ID -}}\n  end", "abc123end"},
	        {"{{3 -}} 4", "34"},
	        {"{{-3}}", "-3"},
	};
	RUN(c);
}

static void test_template_literals(void **state)
{
	static const struct tcase c[] = {
	        {"{{1e6}} {{123456789.0}} {{0.1}} {{-2.5}} {{1e-5}} {{1e21}} {{100000.0}}",
	         "1e+06 1.23456789e+08 0.1 -2.5 1e-05 1e+21 100000"},
	        {"{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{'a'}} {{'\\n'}} {{+7}}",
	         "31 15 15 5 1000 97 10 7"},
	        {"{{\"a\\tb\\x41\\u00e9\\101\"}}", "a\tbAéA"},
	        {"{{`raw\\n`}}", "raw\\n"},
	        {"{{true}} {{false}}", "true false"},
	        {"{{\"\\z\"}}", "ERR:template: t:1: invalid syntax"},
	        {"{{'ab'}}", "ERR:template: t:1: malformed character constant: 'ab'"},
	        {"{{1x}}", "ERR:template: t:1: bad number syntax: \"1x\""},
	        {"{{nil}}", "ERR:template: t:1:2: executing \"t\" at <nil>: nil is not a command"},
	        {"{{\"a\" \"b\"}}", "ERR:template: t:1:2: executing \"t\" at <\"a\">: can't give "
	                            "argument to non-function \"a\""},
	};
	RUN(c);
}

static void test_template_variables(void **state)
{
	static const struct tcase c[] = {
	        {"{{$x := 5}}{{$x}} {{$x = 7}}{{$x}}", "5 7"},
	        {"{{$n := .Names}}{{index $n 1}}", "db"},
	        {"{{$v := .Nested}}{{$v.Inner.Value}}", "deep"},
	        {"{{with $v := .ID}}{{$v}}{{end}}", "abc123"},
	        {"{{if true}}{{$x := 1}}{{$x}}{{end}}", "1"},
	        {"{{if true}}{{$x := 1}}{{end}}{{$x}}",
	         "ERR:template: t:1: undefined variable \"$x\""},
	        {"{{$x}}", "ERR:template: t:1: undefined variable \"$x\""},
	        {"{{$x = 1}}", "ERR:template: t:1: undefined variable \"$x\""},
	        {"{{range .Names}}{{$.ID}}{{end}}", "abc123abc123"},
	};
	RUN(c);
}

static void test_template_control(void **state)
{
	static const struct tcase c[] = {
	        {"{{if .Running}}up{{end}}", "up"},
	        {"{{if .Stopped}}up{{else}}down{{end}}", "down"},
	        {"{{if .Stopped}}a{{else if .Empty}}b{{else if .Size}}c{{else}}d{{end}}", "c"},
	        {"{{if .Nothing}}a{{else}}b{{end}} {{if .Missing}}a{{else}}b{{end}}",
	         "ERR:template: t:1:38: executing \"t\" at <.Missing>: can't evaluate field "
	         "Missing in type struct"},
	        {"{{if .NoLabels}}a{{else}}empty{{end}} {{if .Labels}}full{{end}}", "empty full"},
	        {"{{if .Nested}}struct{{end}}", "struct"},
	        {"{{with .Nested.Inner}}{{.Value}}{{end}}", "deep"},
	        {"{{with .Empty}}x{{else}}none{{end}}", "none"},
	        {"{{range .Names}}[{{.}}]{{end}}", "[web][db]"},
	        {"{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}", "0=web 1=db "},
	        {"{{range $e := .Nums}}{{$e}}{{end}}", "312"},
	        {"{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}", "a:1;b:2;"},
	        {"{{range .Labels}}{{.}}{{end}}", "12"},
	        {"{{range .NoLabels}}x{{else}}none{{end}}", "none"},
	        {"{{range .Nothing}}x{{else}}nil{{end}}", "nil"},
	        {"{{range .Nums}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}", "32"},
	        {"{{range .Nums}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}}", "3"},
	        {"{{range .Names}}{{range $.Nums}}{{break}}{{end}}{{.}}{{end}}", "webdb"},
	        {"{{range 5}}{{end}}", "ERR:template: t:1:8: executing \"t\" at <5>: range can't "
	                               "iterate over 5"},
	        {"{{if}}{{end}}", "ERR:template: t:1: missing value for if"},
	        {"{{end}}", "ERR:template: t:1: unexpected {{end}}"},
	        {"{{else}}", "ERR:template: t:1: unexpected {{else}}"},
	        {"{{if 1}}", "ERR:template: t:1: unexpected EOF"},
	        {"{{if 1}}{{else}}{{else}}{{end}}",
	         "ERR:template: t:1: expected end; found {{else}}"},
	        {"{{break}}", "ERR:template: t:1: {{break}} outside {{range}}"},
	        {"{{range .Names}}{{continue 1}}{{end}}",
	         "ERR:template: t:1: unexpected \"1\" in {{continue}}"},
	        {"{{range $a, $b, $c := .Names}}{{end}}",
	         "ERR:template: t:1: too many declarations in range"},
	        {"line1\n{{.ID}\n", "ERR:template: t:2: bad character U+007D '}'"},
	        {"{{.ID } }}", "ERR:template: t:1: unexpected \"}\" in operand"},
	        {"{{abc!}}", "ERR:template: t:1: bad character U+0021 '!'"},
	        {"{{.ID", "ERR:template: t:1: unclosed action"},
	        {"{{/* x", "ERR:template: t:1: unclosed comment"},
	        {"{{(.ID}}", "ERR:template: t:1: unclosed left paren"},
	        {"{{.ID)}}", "ERR:template: t:1: unexpected right paren"},
	        {"{{.ID | 3}}", "ERR:template: t:1: non executable command in pipeline stage 2"},
	        {"{{template \"x\"}}", "ERR:template: t:1: {{template}} is not supported"},
	};
	RUN(c);
}

static void test_template_pipelines(void **state)
{
	static const struct tcase c[] = {
	        {"{{.ID | printf \"%s!\"}}", "abc123!"},
	        {"{{\"x\" | printf \"%s-%s\" \"y\"}}", "y-x"},
	        {"{{.Names | len}}", "2"},
	        {"{{(index .Names 0) | upper}}", "WEB"},
	        {"{{(.Nested.Inner).Value}}", "deep"},
	        {"{{(index .Names 1)}}", "db"},
	        {"{{len (print .ID)}}", "6"},
	        {"{{.ID | len | printf \"%03d\"}}", "006"},
	};
	RUN(c);
}

static void test_template_missing_fields(void **state)
{
	static const struct tcase c[] = {
	        {"{{.Foo}}", "ERR:template: t:1:2: executing \"t\" at <.Foo>: can't evaluate field "
	                     "Foo in type struct"},
	        {"x\n  {{.Nested.Nope}}",
	         "ERR:template: t:2:4: executing \"t\" at <.Nested.Nope>: can't evaluate field "
	         "Nope in type struct"},
	        {"{{.ID.Foo}}", "ERR:template: t:1:2: executing \"t\" at <.ID.Foo>: can't evaluate "
	                        "field Foo in type string"},
	        {"{{.ID \"x\"}}", "ERR:template: t:1:2: executing \"t\" at <.ID>: ID has arguments "
	                          "but cannot be invoked as function"},
	        {"{{nope}}", "ERR:template: t:1: function \"nope\" not defined"},
	};
	RUN(c);
}

static void test_template_builtins(void **state)
{
	static const struct tcase c[] = {
	        {"{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{or 0 \"\"}}", "0 2 x "},
	        {"{{not 0}} {{not \"a\"}} {{not .Names}}", "true false false"},
	        {"{{and .Stopped .Foo}}", "false"},
	        {"{{or .Running .Foo}}", "true"},
	        {"{{len \"héllo\"}} {{len .Names}} {{len .Labels}}", "6 2 2"},
	        {"{{index .Names 0}} {{index .Labels \"b\"}} {{index .Labels \"zz\"}}",
	         "web 2 <no value>"},
	        {"{{index \"abc\" 1}} {{index .Nested \"Inner\" \"Value\"}}", "98 deep"},
	        {"{{slice \"abcdef\" 1 3}} {{slice \"abc\" 1}} {{slice .Nums 1}} {{slice .Nums 0 "
	         "1}}",
	         "bc bc [1 2] [3]"},
	        {"{{print 1 2 \"a\" 3 \"b\" \"c\" 4.5 true nil}}", "1 2a3bc4.5 true <nil>"},
	        {"{{println \"a\" 1 nil}}", "a 1 <nil>\n"},
	        {"{{html \"<a href='x'>&\\\"</a>\"}}",
	         "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"},
	        {"{{js \"it's <b> \\\"x\\\" = \\\\ \\n\"}}",
	         "it\\'s \\u003Cb\\u003E \\\"x\\\" \\u003D \\\\ \\u000A"},
	        {"{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"},
	        {"{{eq 1 1}} {{eq 1 2 3 1}} {{ne \"a\" \"b\"}} {{eq .ID \"abc123\"}}",
	         "true true true true"},
	        {"{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}} {{lt 2 1}}",
	         "true true true false false"},
	        {"{{eq .Nothing .Foo2}}", "ERR:template: t:1:14: executing \"t\" at <.Foo2>: can't "
	                                  "evaluate field Foo2 in type struct"},
	        {"{{eq 1 1.0}}",
	         "ERR:template: t:1:2: executing \"t\" at <eq 1 1.0>: error calling "
	         "eq: incompatible types for comparison"},
	        {"{{lt true false}}",
	         "ERR:template: t:1:2: executing \"t\" at <lt true false>: error "
	         "calling lt: invalid type for comparison"},
	        {"{{index \"abc\" 5}}",
	         "ERR:template: t:1:2: executing \"t\" at <index \"abc\" 5>: "
	         "error calling index: index out of range: 5"},
	        {"{{len 3}}", "ERR:template: t:1:2: executing \"t\" at <len 3>: error calling len: "
	                      "len of type int"},
	        {"{{printf}}", "ERR:template: t:1:2: executing \"t\" at <printf>: wrong number of "
	                       "args for printf: want at least 1 got 0"},
	        {"{{not 1 2}}",
	         "ERR:template: t:1:2: executing \"t\" at <not 1 2>: wrong number of "
	         "args for not: want 1 got 2"},
	};
	RUN(c);
}

static void test_template_printf(void **state)
{
	static const struct tcase c[] = {
	        {"{{printf \"%q %v %d %s %t %x %X %o %b %c %U\" \"hi\" 1.5 42 \"s\" true 255 255 8 "
	         "5 "
	         "65 65}}",
	         "\"hi\" 1.5 42 s true ff FF 10 101 A U+0041"},
	        {"{{printf \"%5d|%-5d|%05d|%+d|% d|%.3d|%x\" 42 42 -42 42 42 7 \"hello\"}}",
	         "   42|42   |-0042|+42| 42|007|68656c6c6f"},
	        {"{{printf \"%10.3f|%-10.2e|%g|%G|%.2g|%e\" 3.14159 1234.5 0.000001234 1e21 123.0 "
	         "0.0}}",
	         "     3.142|1.23e+03  |1.234e-06|1E+21|1.2e+02|0.000000e+00"},
	        {"{{printf \"%s\" 5}} {{printf \"%d\" \"x\"}} {{printf \"%d %d\" 1}} {{printf "
	         "\"%d\" 1 "
	         "\"a\" 2.5}}",
	         "%!s(int=5) %!d(string=x) 1 %!d(MISSING) 1%!(EXTRA string=a, float64=2.5)"},
	        {"{{printf \"%6.2v|%-8q|%#x|%#o|%x\" 3.14159 \"a\" 255 8 -255}}",
	         "   3.1|\"a\"     |0xff|010|-ff"},
	        {"{{printf \"%s %v\" .Names .Names}} {{printf \"%q\" .Names}} {{printf \"%v\" "
	         ".Labels}}",
	         "[web db] [web db] [\"web\" \"db\"] map[a:1 b:2]"},
	        {"{{printf \"%08.3f|%-08d|%+.1e\" -3.14159 5 12345.678}}",
	         "-003.142|5       |+1.2e+04"},
	        {"{{printf \"%-10s|%10s|%.2s\" .ID .ID .ID}}", "abc123    |    abc123|ab"},
	        {"{{printf \"%v %s %d\" nil .Nothing .Nothing}}", "<nil> %!s(<nil>) %!d(<nil>)"},
	        {"{{printf \"%T %T %T %T\" 1 1.5 \"s\" true}}", "int float64 string bool"},
	        {"{{printf \"100%%\"}} {{printf \"%\"}} {{printf \"%z\" 1}}",
	         "100% %!(NOVERB) %!z(int=1)"},
	        {"{{printf \"%*d|%-*d|%.*f\" 5 1 4 2 1 3.14159}}", "    1|2   |3.1"},
	        {"{{printf \"%5t|%q|%c\" true 'x' 0x263A}}", " true|'x'|☺"},
	};
	RUN(c);
}

static void test_template_podman_funcs(void **state)
{
	static const struct tcase c[] = {
	        {"{{json .Names}}", "[\"web\",\"db\"]"},
	        {"{{json .Labels}}", "{\"a\":\"1\",\"b\":\"2\"}"},
	        {"{{json .Nested}}", "{\"Inner\":{\"Value\":\"deep\"}}"},
	        {"{{json .Html}}", "\"<a&b>\""},
	        {"{{json \"\\u2028\\n\\t\\x01\\\"\"}}", "\"\\u2028\\n\\t\\u0001\\\"\""},
	        {"{{json 1.5}} {{json 1e21}} {{json 0.0000001}} {{json 100.0}} {{json 1e20}}",
	         "1.5 1e+21 1e-7 100 100000000000000000000"},
	        {"{{json .Nothing}} {{json .Running}} {{json .Size}}", "null true 1500"},
	        {"{{lower \"ABC\"}} {{upper .ID}} {{title \"hello world-foo_bar\"}}",
	         "abc ABC123 Hello World-Foo_bar"},
	        {"{{join .Names \", \"}} {{join (split \"a b c\" \" \") \"-\"}}", "web, db a-b-c"},
	        {"{{range $i, $e := split \"a,b,c\" \",\"}}{{$i}}:{{$e}} {{end}}", "0:a 1:b 2:c "},
	        {"{{split \"abc\" \"\"}} {{len (split \"\" \",\")}}", "[a b c] 1"},
	        {"{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|{{truncate \"abcdef\" 3}}|{{truncate \"ab\" "
	         "3}}",
	         "  x   ||abc|ab"},
	        {"{{lower 3}}",
	         "ERR:template: t:1:8: executing \"t\" at <3>: expected string; found 3"},
	        {"{{lower .Size}}",
	         "ERR:template: t:1:8: executing \"t\" at <.Size>: wrong type for "
	         "value; expected string; got int"},
	        {"{{join .Nums \",\"}}",
	         "ERR:template: t:1:7: executing \"t\" at <.Nums>: wrong type "
	         "for value; expected []string; got []interface {}"},
	        {"{{pad \"x\" -1 0}}", "ERR:template: t:1:2: executing \"t\" at <pad \"x\" -1 0>: "
	                               "error calling pad: strings: negative Repeat count"},
	        {"{{.Size | upper}}",
	         "ERR:template: t:1:10: executing \"t\" at <upper>: wrong type "
	         "for value; expected string; got int"},
	};
	RUN(c);
}

static void test_template_object_modes(void **state)
{
	json_error_t je;
	_cleanup_json_ json_t *data = json_loads("{\"ID\":\"x\"}", 0, &je);
	struct template_options maps = {.flags = TEMPLATE_OBJECTS_ARE_MAPS};
	struct template_options named = {.type_name = "images.imageReporter"};
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *out = template_render("t", "{{.Foo}}", data, &maps, &err);
	assert_string_equal(out, "<no value>");
	assert_null(template_render("images", "{{.Foo}}", data, &named, &err));
	assert_string_equal(err->msg, "template: images:1:2: executing \"images\" at <.Foo>: "
	                              "can't evaluate field Foo in type images.imageReporter");
	assert_int_equal(err->code, EINVAL);
}

static void test_template_limits(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL, *err2 = NULL, *err3 = NULL;
	_cleanup_json_ json_t *arr = json_array();
	struct template_options small = {.max_output = 10};
	struct template_options few_steps = {.max_steps = 100000};
	_cleanup_free_ char *deep = NULL;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		json_array_append_new(arr, json_integer(i));
	assert_null(template_render("t", "{{range .}}{{.}}{{end}}", arr, &small, &err));
	assert_int_equal(err->code, E2BIG);
	for (int i = 0; i < 500; i++)
		buf_puts(&b, "(");
	buf_puts(&b, "1");
	for (int i = 0; i < 500; i++)
		buf_puts(&b, ")");
	deep = xasprintf("{{%s}}", buf_str(&b));
	buf_release(&b);
	assert_null(template_render("t", deep, NULL, NULL, &err2));
	assert_non_null(strstr(err2->msg, "nested too deeply"));
	/* nested ranges that print nothing still stop */
	assert_null(template_render("t",
	                            "{{range $}}{{range $}}{{range $}}{{range $}}{{end}}{{end}}"
	                            "{{end}}{{end}}",
	                            arr, &few_steps, &err3));
	assert_int_equal(err3->code, E2BIG);
}

static void test_template_execute_appends(void **state)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_template_ struct template *t = template_parse("t", "[{{.}}]", &err);
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_json_ json_t *one = json_integer(1);
	_cleanup_json_ json_t *s = json_string("x");
	assert_non_null(t);
	assert_int_equal(template_execute(t, one, NULL, &b, &err), 0);
	assert_int_equal(template_execute(t, s, NULL, &b, &err), 0);
	assert_int_equal(template_execute(t, NULL, NULL, &b, &err), 0);
	assert_string_equal(buf_str(&b), "[1][x][<no value>]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_template_text_and_fields),
	        cmocka_unit_test(test_template_literals),
	        cmocka_unit_test(test_template_variables),
	        cmocka_unit_test(test_template_control),
	        cmocka_unit_test(test_template_pipelines),
	        cmocka_unit_test(test_template_missing_fields),
	        cmocka_unit_test(test_template_builtins),
	        cmocka_unit_test(test_template_printf),
	        cmocka_unit_test(test_template_podman_funcs),
	        cmocka_unit_test(test_template_object_modes),
	        cmocka_unit_test(test_template_limits),
	        cmocka_unit_test(test_template_execute_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
