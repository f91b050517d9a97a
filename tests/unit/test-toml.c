/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/toml.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

static struct toml_value *parse_ok(const char *doc)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct toml_value *root = NULL;
	int r = toml_parse(doc, strlen(doc), &root, &err);
	if (r < 0)
		fail_msg("unexpected error for <<%s>>: %s", doc, err->msg);
	assert_non_null(root);
	return root;
}

static void expect_error_len(const char *doc, size_t len, const char *msg)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct toml_value *root = NULL;
	int r = toml_parse(doc, len, &root, &err);
	if (r >= 0) {
		toml_free(root);
		fail_msg("document should fail: <<%s>>", doc);
	}
	assert_int_equal(r, -EINVAL);
	assert_null(root);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
}

static void expect_error(const char *doc, const char *msg)
{
	expect_error_len(doc, strlen(doc), msg);
}

/* walk a dotted path of plain keys (test convenience) */
static const struct toml_value *at(const struct toml_value *t, const char *path)
{
	_cleanup_strv_free_ char **parts = strv_split(path, ".");
	STRV_FOREACH(p, parts)
	t = toml_table_get(t, *p);
	return t;
}

static void test_parse_comments_and_keys(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok("# comment\n"
	                                               "key = \"value\" # trailing\n"
	                                               "bare_key-1 = 1\n"
	                                               "\"quoted key\" = 2\n"
	                                               "'literal.key' = 3\n"
	                                               "\"\" = 4\n"
	                                               "physical.color = \"orange\"\n"
	                                               "physical . shape = 'round'\n"
	                                               "site.\"google.com\" = true\n"
	                                               "1234 = 5\n"
	                                               "3.14 = 6\n"
	                                               "#\tlast comment without newline");
	assert_string_equal(toml_string(toml_table_get(r, "key")), "value");
	assert_int_equal(toml_integer(toml_table_get(r, "bare_key-1")), 1);
	assert_int_equal(toml_integer(toml_table_get(r, "quoted key")), 2);
	assert_int_equal(toml_integer(toml_table_get(r, "literal.key")), 3);
	assert_int_equal(toml_integer(toml_table_get(r, "")), 4);
	assert_string_equal(toml_string(at(r, "physical.color")), "orange");
	assert_string_equal(toml_string(at(r, "physical.shape")), "round");
	assert_true(toml_bool(toml_table_get(toml_table_get(r, "site"), "google.com")));
	assert_int_equal(toml_integer(toml_table_get(r, "1234")), 5);
	assert_int_equal(toml_integer(at(r, "3.14")), 6);
	/* document order is kept */
	assert_string_equal(toml_table_key(r, 0), "key");
	assert_string_equal(toml_table_key(r, 5), "physical");
	assert_string_equal(toml_table_key(r, 7), "1234");
	assert_int_equal(toml_table_size(r), 9);
}

static void test_parse_tables(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok("top = 0\n"
	                                               "[table-1]\n"
	                                               "key1 = \"some string\"\n"
	                                               "[ dog . \"tater.man\" ]\n"
	                                               "type.name = \"pug\"\n"
	                                               "[x.y.z.w]\n"
	                                               "[x]\n"
	                                               "a = 1\n"
	                                               "[fruit]\n"
	                                               "apple.color = \"red\"\n"
	                                               "apple.taste.sweet = true\n"
	                                               "[fruit.apple.texture]\n"
	                                               "smooth = true\n"
	                                               "[empty]\n");
	assert_int_equal(toml_integer(toml_table_get(r, "top")), 0);
	assert_string_equal(toml_string(at(r, "table-1.key1")), "some string");
	const struct toml_value *dog = toml_table_get(toml_table_get(r, "dog"), "tater.man");
	assert_string_equal(toml_string(at(dog, "type.name")), "pug");
	assert_int_equal(toml_type(at(r, "x.y.z.w")), TOML_TABLE);
	assert_int_equal(toml_integer(at(r, "x.a")), 1);
	assert_true(toml_bool(at(r, "fruit.apple.taste.sweet")));
	assert_true(toml_bool(at(r, "fruit.apple.texture.smooth")));
	assert_int_equal(toml_table_size(toml_table_get(r, "empty")), 0);
	assert_int_equal(toml_line(toml_table_get(r, "table-1")), 2);
	assert_int_equal(toml_column(toml_table_get(r, "table-1")), 2);
}

static void test_parse_array_of_tables(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok("[[fruits]]\n"
	                                               "name = \"apple\"\n"
	                                               "[fruits.physical]\n"
	                                               "color = \"red\"\n"
	                                               "[[fruits.varieties]]\n"
	                                               "name = \"red delicious\"\n"
	                                               "[[fruits.varieties]]\n"
	                                               "name = \"granny smith\"\n"
	                                               "[[fruits]]\n"
	                                               "name = \"banana\"\n"
	                                               "[[fruits.varieties]]\n"
	                                               "name = \"plantain\"\n"
	                                               "[[empty]]\n"
	                                               "[[empty]]\n");
	const struct toml_value *f = toml_table_get(r, "fruits");
	assert_int_equal(toml_array_size(f), 2);
	const struct toml_value *apple = toml_array_get(f, 0);
	assert_string_equal(toml_string(toml_table_get(apple, "name")), "apple");
	assert_string_equal(toml_string(at(apple, "physical.color")), "red");
	assert_int_equal(toml_array_size(toml_table_get(apple, "varieties")), 2);
	const struct toml_value *v = toml_array_get(toml_table_get(apple, "varieties"), 1);
	assert_string_equal(toml_string(toml_table_get(v, "name")), "granny smith");
	const struct toml_value *banana = toml_array_get(f, 1);
	assert_int_equal(toml_array_size(toml_table_get(banana, "varieties")), 1);
	assert_int_equal(toml_array_size(toml_table_get(r, "empty")), 2);
}

static void test_parse_inline_tables(void **state)
{
	_cleanup_toml_ struct toml_value *r =
	        parse_ok("name = { first = \"Tom\", last = \"Preston-Werner\" }\n"
	                 "point = {x=1,y=2}\n"
	                 "animal = { type.name = \"pug\" }\n"
	                 "empty = {}\n"
	                 "nested = { a = { b = { c = [1, {d = 2}] } } }\n");
	assert_string_equal(toml_string(at(r, "name.last")), "Preston-Werner");
	assert_int_equal(toml_integer(at(r, "point.y")), 2);
	assert_string_equal(toml_string(at(r, "animal.type.name")), "pug");
	assert_int_equal(toml_type(toml_table_get(r, "empty")), TOML_TABLE);
	const struct toml_value *c = at(r, "nested.a.b.c");
	assert_int_equal(toml_array_size(c), 2);
	assert_int_equal(toml_integer(toml_table_get(toml_array_get(c, 1), "d")), 2);
}

static void test_parse_arrays(void **state)
{
	_cleanup_toml_ struct toml_value *r =
	        parse_ok("ints = [ 1, 2, 3 ]\n"
	                 "empty = []\n"
	                 "nested = [ [ 1, 2 ], [\"a\", 'b', \"\"\"c\"\"\"] ]\n"
	                 "mixed = [ 0.1, 0.2, 1, \"x\", true, 1979-05-27, {a = 1} ]\n"
	                 "multi = [\n"
	                 "  \"a\", # comment\n"
	                 "  # another\n"
	                 "  \"b\",\n"
	                 "\n"
	                 "]\n"
	                 "crlf = [\r\n 1,\r\n 2\r\n]\r\n");
	assert_int_equal(toml_array_size(toml_table_get(r, "ints")), 3);
	assert_int_equal(toml_integer(toml_array_get(toml_table_get(r, "ints"), 2)), 3);
	assert_int_equal(toml_array_size(toml_table_get(r, "empty")), 0);
	const struct toml_value *n = toml_table_get(r, "nested");
	assert_string_equal(toml_string(toml_array_get(toml_array_get(n, 1), 2)), "c");
	const struct toml_value *m = toml_table_get(r, "mixed");
	assert_int_equal(toml_array_size(m), 7);
	assert_int_equal(toml_type(toml_array_get(m, 0)), TOML_FLOAT);
	assert_int_equal(toml_type(toml_array_get(m, 2)), TOML_INTEGER);
	assert_int_equal(toml_type(toml_array_get(m, 5)), TOML_LOCAL_DATE);
	assert_int_equal(toml_type(toml_array_get(m, 6)), TOML_TABLE);
	_cleanup_strv_free_ char **l = NULL;
	assert_int_equal(toml_value_to_strv(toml_table_get(r, "multi"), &l), 0);
	assert_int_equal(strv_length(l), 2);
	assert_string_equal(l[1], "b");
	assert_int_equal(toml_array_size(toml_table_get(r, "crlf")), 2);
}

static void test_parse_basic_strings(void **state)
{
	_cleanup_toml_ struct toml_value *r =
	        parse_ok("esc = \"tab\\t nl\\n cr\\r bs\\\\ q\\\" b\\b f\\f\"\n"
	                 "u = \"\\u00e9\\U0001F600\\u0041\"\n"
	                 "nul = \"a\\u0000b\"\n"
	                 "utf8 = \"caf\xc3\xa9 \xe2\x82\xac\"\n"
	                 "tab = \"a\tb\"\n"
	                 "lit = 'C:\\Users\\nodejs\\templates'\n"
	                 "litq = '<\\i\\c*\\s*>'\n");
	assert_string_equal(toml_string(toml_table_get(r, "esc")),
	                    "tab\t nl\n cr\r bs\\ q\" b\b f\f");
	assert_string_equal(toml_string(toml_table_get(r, "u")), "\xc3\xa9\xf0\x9f\x98\x80"
	                                                         "A");
	assert_int_equal(toml_string_len(toml_table_get(r, "nul")), 3);
	assert_memory_equal(toml_string(toml_table_get(r, "nul")), "a\0b", 3);
	assert_string_equal(toml_string(toml_table_get(r, "utf8")), "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(toml_string(toml_table_get(r, "tab")), "a\tb");
	assert_string_equal(toml_string(toml_table_get(r, "lit")), "C:\\Users\\nodejs\\templates");
	assert_string_equal(toml_string(toml_table_get(r, "litq")), "<\\i\\c*\\s*>");
}

static void test_parse_multiline_strings(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok(
	        "a = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n"
	        "b = \"\"\"\n"
	        "The quick brown \\\n"
	        "\n"
	        "\n"
	        "  fox jumps over \\   \n"
	        "    the lazy dog.\"\"\"\n"
	        "c = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n"
	        "d = \"\"\"Here are fifteen quotation marks: "
	        "\"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\".\"\"\"\n"
	        "e = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n"
	        "f = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n"
	        "   is preserved.\n'''\n"
	        "g = '''I [dw]on't need \\d{2} apples'''\n"
	        "h = ''''That,' she said, 'is still pointless.''''\n"
	        "i = \"\"\"crlf\r\nline\"\"\"\n"
	        "j = \"\"\"\"\"\"\n");
	assert_string_equal(toml_string(toml_table_get(r, "a")), "Roses are red\nViolets are blue");
	assert_string_equal(toml_string(toml_table_get(r, "b")),
	                    "The quick brown fox jumps over the lazy dog.");
	assert_string_equal(toml_string(toml_table_get(r, "c")),
	                    "Here are two quotation marks: \"\". Simple enough.");
	assert_string_equal(toml_string(toml_table_get(r, "d")),
	                    "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\".");
	assert_string_equal(toml_string(toml_table_get(r, "e")),
	                    "\"This,\" she said, \"is just a pointless statement.\"");
	assert_string_equal(toml_string(toml_table_get(r, "f")),
	                    "The first newline is\ntrimmed in raw strings.\n   All other "
	                    "whitespace\n   is preserved.\n");
	assert_string_equal(toml_string(toml_table_get(r, "g")), "I [dw]on't need \\d{2} apples");
	assert_string_equal(toml_string(toml_table_get(r, "h")),
	                    "'That,' she said, 'is still pointless.'");
	assert_string_equal(toml_string(toml_table_get(r, "i")), "crlf\nline");
	assert_string_equal(toml_string(toml_table_get(r, "j")), "");
}

static void test_parse_integers(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok(
	        "a = +99\nb = 42\nc = 0\nd = -17\ne = 1_000\nf = 5_349_221\ng = 1_2_3_4_5\n"
	        "h = 0xDEADBEEF\ni = 0xdead_beef\nj = 0o01234567\nk = 0o755\nl = 0b11010110\n"
	        "m = 9223372036854775807\nn = -9223372036854775808\no = 0x7FFFFFFFFFFFFFFF\n"
	        "p = +0\nq = -0\nr = 0x00ff\n");
	assert_int_equal(toml_integer(toml_table_get(r, "a")), 99);
	assert_int_equal(toml_integer(toml_table_get(r, "d")), -17);
	assert_int_equal(toml_integer(toml_table_get(r, "e")), 1000);
	assert_int_equal(toml_integer(toml_table_get(r, "f")), 5349221);
	assert_int_equal(toml_integer(toml_table_get(r, "g")), 12345);
	assert_int_equal(toml_integer(toml_table_get(r, "h")), 0xDEADBEEF);
	assert_int_equal(toml_integer(toml_table_get(r, "i")), 0xdeadbeef);
	assert_int_equal(toml_integer(toml_table_get(r, "j")), 01234567);
	assert_int_equal(toml_integer(toml_table_get(r, "k")), 0755);
	assert_int_equal(toml_integer(toml_table_get(r, "l")), 214);
	assert_true(toml_integer(toml_table_get(r, "m")) == INT64_MAX);
	assert_true(toml_integer(toml_table_get(r, "n")) == INT64_MIN);
	assert_true(toml_integer(toml_table_get(r, "o")) == INT64_MAX);
	assert_int_equal(toml_integer(toml_table_get(r, "q")), 0);
	assert_int_equal(toml_integer(toml_table_get(r, "r")), 255);
	assert_int_equal(toml_type(toml_table_get(r, "p")), TOML_INTEGER);
}

static void test_parse_floats(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok(
	        "a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34\n"
	        "h = 224_617.445_991_228\ni = inf\nj = +inf\nk = -inf\nl = nan\nm = +nan\n"
	        "n = -nan\no = 0.0\np = -0.0\nq = 0e0\nr = 1e1_0\n");
	assert_int_equal(toml_type(toml_table_get(r, "a")), TOML_FLOAT);
	assert_true(toml_float(toml_table_get(r, "b")) == 3.1415);
	assert_true(toml_float(toml_table_get(r, "c")) == -0.01);
	assert_true(toml_float(toml_table_get(r, "d")) == 5e22);
	assert_true(toml_float(toml_table_get(r, "e")) == 1e6);
	assert_true(toml_float(toml_table_get(r, "f")) == -2e-2);
	assert_true(toml_float(toml_table_get(r, "h")) == 224617.445991228);
	assert_true(isinf(toml_float(toml_table_get(r, "i"))));
	assert_true(toml_float(toml_table_get(r, "k")) < 0);
	assert_true(isnan(toml_float(toml_table_get(r, "l"))));
	assert_true(isnan(toml_float(toml_table_get(r, "n"))));
	assert_true(signbit(toml_float(toml_table_get(r, "p"))));
	assert_int_equal(toml_type(toml_table_get(r, "q")), TOML_FLOAT);
	assert_true(toml_float(toml_table_get(r, "r")) == 1e10);
}

static void test_parse_bools_and_datetimes(void **state)
{
	_cleanup_toml_ struct toml_value *r = parse_ok("t = true\nf = false\n"
	                                               "odt1 = 1979-05-27T07:32:00Z\n"
	                                               "odt2 = 1979-05-27T00:32:00-07:00\n"
	                                               "odt3 = 1979-05-27T00:32:00.999999+07:00\n"
	                                               "odt4 = 1979-05-27 07:32:00z\n"
	                                               "ldt1 = 1979-05-27T07:32:00\n"
	                                               "ldt2 = 1979-05-27t00:32:00.999999\n"
	                                               "ld = 2000-02-29\n"
	                                               "lt1 = 07:32:00\n"
	                                               "lt2 = 00:32:00.999999\n"
	                                               "leap = 1990-12-31T23:59:60Z\n"
	                                               "arr = [1979-05-27 07:32:00Z, 07:32:00]\n");
	assert_true(toml_bool(toml_table_get(r, "t")));
	assert_int_equal(toml_type(toml_table_get(r, "f")), TOML_BOOL);
	assert_false(toml_bool(toml_table_get(r, "f")));
	assert_int_equal(toml_type(toml_table_get(r, "odt1")), TOML_OFFSET_DATETIME);
	assert_string_equal(toml_datetime(toml_table_get(r, "odt2")), "1979-05-27T00:32:00-07:00");
	assert_string_equal(toml_datetime(toml_table_get(r, "odt3")),
	                    "1979-05-27T00:32:00.999999+07:00");
	assert_string_equal(toml_datetime(toml_table_get(r, "odt4")), "1979-05-27 07:32:00z");
	assert_int_equal(toml_type(toml_table_get(r, "ldt1")), TOML_LOCAL_DATETIME);
	assert_int_equal(toml_type(toml_table_get(r, "ldt2")), TOML_LOCAL_DATETIME);
	assert_int_equal(toml_type(toml_table_get(r, "ld")), TOML_LOCAL_DATE);
	assert_string_equal(toml_datetime(toml_table_get(r, "ld")), "2000-02-29");
	assert_int_equal(toml_type(toml_table_get(r, "lt1")), TOML_LOCAL_TIME);
	assert_string_equal(toml_datetime(toml_table_get(r, "lt2")), "00:32:00.999999");
	assert_int_equal(toml_type(toml_table_get(r, "leap")), TOML_OFFSET_DATETIME);
	const struct toml_value *a = toml_table_get(r, "arr");
	assert_int_equal(toml_type(toml_array_get(a, 0)), TOML_OFFSET_DATETIME);
	assert_int_equal(toml_type(toml_array_get(a, 1)), TOML_LOCAL_TIME);
	assert_null(toml_string(toml_table_get(r, "ld")));
}

static void test_parse_edge_documents(void **state)
{
	_cleanup_toml_ struct toml_value *empty = parse_ok("");
	assert_int_equal(toml_table_size(empty), 0);
	_cleanup_toml_ struct toml_value *ws = parse_ok("  \n\t\n# only a comment\n\r\n");
	assert_int_equal(toml_table_size(ws), 0);
	_cleanup_toml_ struct toml_value *bom = parse_ok("\xef\xbb\xbf"
	                                                 "a = 1\n");
	assert_int_equal(toml_integer(toml_table_get(bom, "a")), 1);
	_cleanup_toml_ struct toml_value *crlf = parse_ok("[t]\r\na = 1 # c\r\nb = 'x'\r\n");
	assert_string_equal(toml_string(at(crlf, "t.b")), "x");
	_cleanup_toml_ struct toml_value *noeol = parse_ok("a = \"x\"");
	assert_string_equal(toml_string(toml_table_get(noeol, "a")), "x");
	/* a table large enough for the hash index */
	_cleanup_free_ char *big = NULL;
	{
		_cleanup_strv_free_ char **lines = NULL;
		for (int i = 0; i < 500; i++)
			strv_consume(&lines, xasprintf("k%d = %d", i, i));
		big = strv_join(lines, "\n");
	}
	_cleanup_toml_ struct toml_value *b = parse_ok(big);
	assert_int_equal(toml_table_size(b), 500);
	assert_int_equal(toml_integer(toml_table_get(b, "k377")), 377);
	assert_null(toml_table_get(b, "k500"));
	expect_error("k1 = 1\nk2 = 2\nk3 = 3\nk4 = 4\nk5 = 5\nk6 = 6\nk7 = 7\nk8 = 8\nk9 = 9\n"
	             "k10 = 10\nk3 = 0\n",
	             "line 11, column 1: duplicate key \"k3\"");
}

static void test_getters(void **state)
{
	_cleanup_toml_ struct toml_value *r =
	        parse_ok("[engine]\nruntime = \"crun\"\nnum = 3\nflag = true\n"
	                 "paths = [\"/a\", \"/b\"]\nbad = [\"/a\", 1]\n");
	_cleanup_error_ struct cpod_error *err = NULL;
	const struct toml_value *e = NULL;
	assert_int_equal(toml_get_table(r, "engine", &e, &err), 1);
	const char *s = NULL;
	assert_int_equal(toml_get_string(e, "runtime", &s, &err), 1);
	assert_string_equal(s, "crun");
	assert_int_equal(toml_get_string(e, "absent", &s, &err), 0);
	int64_t n = 0;
	assert_int_equal(toml_get_int(e, "num", &n, &err), 1);
	assert_int_equal(n, 3);
	bool b = false;
	assert_int_equal(toml_get_bool(e, "flag", &b, &err), 1);
	assert_true(b);
	_cleanup_strv_free_ char **l = NULL;
	assert_int_equal(toml_get_strv(e, "paths", &l, &err), 1);
	assert_string_equal(l[1], "/b");
	assert_null(err);
	assert_int_equal(toml_get_string(e, "num", &s, &err), -EINVAL);
	assert_string_equal(err->msg,
	                    "line 3, column 7: key \"num\": expected string, got integer");
	cpod_error_free(TAKE_PTR(err));
	char **bad = NULL;
	assert_int_equal(toml_get_strv(e, "bad", &bad, &err), -EINVAL);
	assert_null(bad);
	assert_string_equal(err->msg,
	                    "line 6, column 7: key \"bad\": expected array of strings, got array");
}

static void test_error_duplicates(void **state)
{
	expect_error("a = 1\nb = 2\n    a = 3\n", "line 3, column 5: duplicate key \"a\"");
	expect_error("[engine]\nruntime = \"crun\"\nruntime = \"runc\"\n",
	             "line 3, column 1: duplicate key \"runtime\"");
	expect_error("\"a\" = 1\na = 2\n", "line 2, column 1: duplicate key \"a\"");
	expect_error("a.b = 1\na.b.c = 2\n", "line 2, column 1: duplicate key \"a.b\"");
	expect_error("a.b = 1\na.b = 2\n", "line 2, column 1: duplicate key \"a.b\"");
	expect_error("[a]\nx = 1\n[a]\n", "line 3, column 1: table \"a\" already defined");
	expect_error("[a.b]\n[a]\nb = 1\n", "line 3, column 1: duplicate key \"b\"");
	expect_error("[fruit]\napple.color = \"red\"\n[fruit.apple]\n",
	             "line 3, column 1: table \"fruit.apple\" already defined");
	expect_error("[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]\n",
	             "line 3, column 1: table \"fruit.apple.taste\" already defined");
	expect_error("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n",
	             "line 4, column 1: table \"b.c\" already defined");
	expect_error("a = 1\n[a]\n", "line 2, column 1: duplicate key \"a\"");
	expect_error("a = 1\n[a.b]\n",
	             "line 2, column 1: cannot define table \"a.b\": \"a\" is not a table");
	expect_error("[[a]]\n[a]\n",
	             "line 2, column 1: table \"a\" already defined as an array of tables");
	expect_error("[a]\n[[a]]\n",
	             "line 2, column 1: cannot define array of tables \"a\": already defined as "
	             "table");
	expect_error("a = []\n[[a]]\n", "line 2, column 1: cannot append to static array \"a\"");
	expect_error("[[a.b]]\n[a]\nb.y = 2\n", "line 3, column 1: duplicate key \"b\"");
	expect_error("p = {x = 1, x = 2}\n", "line 1, column 13: duplicate key \"x\"");
}

static void test_error_inline_tables(void **state)
{
	expect_error("a = {b = 1}\n[a.c]\n", "line 2, column 1: cannot extend inline table \"a\"");
	expect_error("a = {b = 1}\n[a]\n", "line 2, column 1: cannot extend inline table \"a\"");
	expect_error("a = {b = 1}\na.c = 2\n",
	             "line 2, column 1: cannot extend inline table \"a\"");
	expect_error("a = {b.c = 1}\n[a.b]\n",
	             "line 2, column 1: cannot extend inline table \"a\"");
	expect_error("a = {b = {c = 1}, b.d = 2}\n",
	             "line 1, column 19: cannot extend inline table \"b\"");
	expect_error("a = {b = 1,}\n",
	             "line 1, column 12: trailing comma is not allowed in inline tables");
	expect_error("a = {b = 1,\nc = 2}\n", "line 1, column 12: expected a key, found newline");
	expect_error("a = {b = 1\n}\n",
	             "line 1, column 11: newlines are not allowed in inline tables");
	expect_error("a = {b = 1 c = 2}\n",
	             "line 1, column 12: expected ',' or '}' in inline table, found 'c'");
	expect_error("a = {b = 1", "line 1, column 5: unterminated inline table");
	expect_error("a = [{b = 1}]\n[a.c]\n",
	             "line 2, column 1: cannot define table \"a.c\": \"a\" is not a table");
}

static void test_error_strings(void **state)
{
	expect_error("s = \"\\x41\"\n", "line 1, column 6: invalid escape sequence \"\\x\"");
	expect_error("s = \"a\\ b\"\n", "line 1, column 7: invalid escape sequence \"\\ \"");
	expect_error("s = \"\\u12\"\n",
	             "line 1, column 6: invalid unicode escape: expected 4 hex digits");
	expect_error("s = \"\\uD800\"\n",
	             "line 1, column 6: invalid unicode escape: U+D800 is not a scalar value");
	expect_error("s = \"\\U00110000\"\n",
	             "line 1, column 6: invalid unicode escape: U+110000 is not a scalar value");
	expect_error("s = \"abc\n", "line 1, column 5: unterminated string");
	expect_error("s = 'abc\n", "line 1, column 5: unterminated string");
	expect_error("s = \"\"\"abc\n", "line 1, column 5: unterminated multi-line string");
	expect_error("s = '''abc''''''\n",
	             "line 1, column 16: expected newline after value, found '''");
	expect_error("s = \"a\x01"
	             "b\"\n",
	             "line 1, column 7: control character U+0001 is not allowed in a string");
	expect_error("s = 'a\x7f'\n",
	             "line 1, column 7: control character U+007F is not allowed in a string");
	expect_error("s = \"\"\"a\x1b\"\"\"\n",
	             "line 1, column 9: control character U+001B is not allowed in a string");
	expect_error("s = \"\"\"a\rb\"\"\"\n",
	             "line 1, column 9: carriage return not followed by a newline in a string");
	expect_error("\"\"\"k\"\"\" = 1\n",
	             "line 1, column 1: multi-line strings are not allowed as keys");
	expect_error("s = \"\xc3\xa9\xff\"\n", "line 1, column 7: invalid UTF-8");
	expect_error("s = \"\xc0\xaf\"\n", "line 1, column 6: invalid UTF-8");
	expect_error("s = \"\xed\xa0\x80\"\n", "line 1, column 6: invalid UTF-8");
	expect_error("# \xf4\x90\x80\x80\n", "line 1, column 3: invalid UTF-8");
	expect_error_len("s = \"a\0b\"\n", 10,
	                 "line 1, column 7: control character U+0000 is not allowed in a string");
}

static void test_error_numbers(void **state)
{
	expect_error("a = 012\n", "line 1, column 5: leading zeros are not allowed in \"012\"");
	expect_error("a = -01\n", "line 1, column 5: leading zeros are not allowed in \"-01\"");
	expect_error("a = 00.5\n", "line 1, column 5: leading zeros are not allowed in \"00.5\"");
	expect_error("a = 9223372036854775808\n",
	             "line 1, column 5: integer out of range: \"9223372036854775808\"");
	expect_error("a = -9223372036854775809\n",
	             "line 1, column 5: integer out of range: \"-9223372036854775809\"");
	expect_error("a = 0x8000000000000000\n",
	             "line 1, column 5: integer out of range: \"0x8000000000000000\"");
	expect_error("a = 1__2\n", "line 1, column 5: invalid value \"1__2\"");
	expect_error("a = _1\n", "line 1, column 5: invalid value \"_1\"");
	expect_error("a = 1_\n", "line 1, column 5: invalid value \"1_\"");
	expect_error("a = +0x10\n", "line 1, column 5: invalid value \"+0x10\"");
	expect_error("a = 0x\n", "line 1, column 5: invalid integer \"0x\"");
	expect_error("a = 0b102\n", "line 1, column 5: invalid integer \"0b102\"");
	expect_error("a = 0o8\n", "line 1, column 5: invalid integer \"0o8\"");
	expect_error("a = 0X10\n", "line 1, column 5: invalid value \"0X10\"");
	expect_error("a = 1.\n", "line 1, column 5: invalid float \"1.\"");
	expect_error("a = .5\n", "line 1, column 5: invalid value \".5\"");
	expect_error("a = 1e\n", "line 1, column 5: invalid float \"1e\"");
	expect_error("a = 1.e5\n", "line 1, column 5: invalid float \"1.e5\"");
	expect_error("a = 1.5_\n", "line 1, column 5: invalid float \"1.5_\"");
	expect_error("a = infinity\n", "line 1, column 5: invalid value \"infinity\"");
	expect_error("a = NaN\n", "line 1, column 5: invalid value \"NaN\"");
	expect_error("a = TRUE\n", "line 1, column 5: invalid value \"TRUE\"");
	expect_error("runtime = crun\n", "line 1, column 11: invalid value \"crun\"");
}

static void test_error_datetimes(void **state)
{
	expect_error("d = 1979-02-30\n", "line 1, column 5: invalid date-time \"1979-02-30\"");
	expect_error("d = 2001-02-29\n", "line 1, column 5: invalid date-time \"2001-02-29\"");
	expect_error("d = 1979-13-01\n", "line 1, column 5: invalid date-time \"1979-13-01\"");
	expect_error("d = 1979-05-27T\n", "line 1, column 5: invalid date-time \"1979-05-27T\"");
	expect_error("d = 24:00:00\n", "line 1, column 5: invalid date-time \"24:00:00\"");
	expect_error("d = 07:32\n", "line 1, column 5: invalid date-time \"07:32\"");
	expect_error("d = 07:32:00Z\n", "line 1, column 5: invalid date-time \"07:32:00Z\"");
	expect_error("d = 1979-05-27T07:32:00+7:00\n",
	             "line 1, column 5: invalid date-time \"1979-05-27T07:32:00+7:00\"");
	expect_error("d = 1979-05-27T07:32:00.\n",
	             "line 1, column 5: invalid date-time \"1979-05-27T07:32:00.\"");
	expect_error("d = 1979-5-27\n", "line 1, column 5: invalid value \"1979-5-27\"");
}

static void test_error_structure(void **state)
{
	expect_error("a = 1 b = 2\n", "line 1, column 7: expected newline after value, found 'b'");
	expect_error("a\n", "line 1, column 2: expected '=' after key, found newline");
	expect_error("a =\n", "line 1, column 4: expected a value, found newline");
	expect_error("a = ", "line 1, column 5: expected a value, found end of file");
	expect_error("= 1\n", "line 1, column 1: expected a key, found '='");
	expect_error("a. = 1\n", "line 1, column 4: expected a key, found '='");
	expect_error("[a\nb = 1\n", "line 1, column 3: expected ']' to close the table header, "
	                            "found newline");
	expect_error("[[a]\n", "line 1, column 5: expected ']]' to close the table header, "
	                       "found newline");
	expect_error("[a] b = 1\n",
	             "line 1, column 5: expected newline after table header, found 'b'");
	expect_error("[]\n", "line 1, column 2: expected a key, found ']'");
	expect_error("a = [1, 2\n", "line 1, column 5: unterminated array");
	expect_error("a = [1 2]\n", "line 1, column 8: expected ',' or ']' in array, found '2'");
	expect_error("a = [,]\n", "line 1, column 6: expected a value, found ','");
	expect_error("a = [1,,]\n", "line 1, column 8: expected a value, found ','");
	expect_error("# bad \x01 comment\n",
	             "line 1, column 7: control character U+0001 is not allowed in a comment");
	expect_error("a = 1\rb = 2\n",
	             "line 1, column 6: carriage return not followed by a newline");
	expect_error("a = 1 # x\ry\n",
	             "line 1, column 10: carriage return not followed by a newline in a comment");
	expect_error("\n\n  x = \xc3\xa9\n",
	             "line 3, column 7: expected a value, found '\xc3\xa9'");
	expect_error("k = \"\xc3\xa9\" \xc3\xa9\n",
	             "line 1, column 9: expected newline after value, found '\xc3\xa9'");
}

static void test_error_limits(void **state)
{
	_cleanup_free_ char *deep = xmalloc(300);
	memcpy(deep, "a = ", 4);
	memset(deep + 4, '[', 200);
	deep[204] = 0;
	expect_error(deep, "line 1, column 133: nesting deeper than 128 levels");

	_cleanup_strv_free_ char **parts = NULL;
	for (int i = 0; i < 130; i++)
		strv_push(&parts, "k");
	_cleanup_free_ char *keys = strv_join(parts, ".");
	_cleanup_free_ char *doc = xasprintf("%s = 1\n", keys);
	expect_error(doc, "line 1, column 257: key has too many parts");
	_cleanup_free_ char *hdr = xasprintf("[[%s]]\n", keys + 2 * 2);
	expect_error(hdr, "line 1, column 257: nesting deeper than 128 levels");

	_cleanup_error_ struct cpod_error *err = NULL;
	struct toml_value *root = NULL;
	_cleanup_free_ char *huge = xzalloc(TOML_MAX_INPUT + 1);
	assert_int_equal(toml_parse(huge, TOML_MAX_INPUT + 1, &root, &err), -EFBIG);
	assert_null(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_comments_and_keys),
	        cmocka_unit_test(test_parse_tables),
	        cmocka_unit_test(test_parse_array_of_tables),
	        cmocka_unit_test(test_parse_inline_tables),
	        cmocka_unit_test(test_parse_arrays),
	        cmocka_unit_test(test_parse_basic_strings),
	        cmocka_unit_test(test_parse_multiline_strings),
	        cmocka_unit_test(test_parse_integers),
	        cmocka_unit_test(test_parse_floats),
	        cmocka_unit_test(test_parse_bools_and_datetimes),
	        cmocka_unit_test(test_parse_edge_documents),
	        cmocka_unit_test(test_getters),
	        cmocka_unit_test(test_error_duplicates),
	        cmocka_unit_test(test_error_inline_tables),
	        cmocka_unit_test(test_error_strings),
	        cmocka_unit_test(test_error_numbers),
	        cmocka_unit_test(test_error_datetimes),
	        cmocka_unit_test(test_error_structure),
	        cmocka_unit_test(test_error_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
