/* SPDX-License-Identifier: Apache-2.0 */
/* Option parsing with pflag's rules, and help generation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "util/strv.h"

struct t_opts {
	bool all;
	bool quiet;
	const char *format;
	char **filter;
	char **env;
	int last;
	unsigned watch;
};

static const struct cli_option t_options[] = {
	CLI_BOOL("all", 'a', struct t_opts, all, "Show all"),
	CLI_BOOL("quiet", 'q', struct t_opts, quiet, "Quiet"),
	CLI_STRING("format", 0, struct t_opts, format, "Format"),
	CLI_STRINGS("filter", 'f', struct t_opts, filter, "Filter"),
	CLI_STRING_ARRAY("env", 'e', struct t_opts, env, "Env"),
	CLI_INT("last", 'n', struct t_opts, last, "Last"),
	CLI_UINT("watch", 'w', struct t_opts, watch, "Watch"),
	CLI_OPT_END,
};

static struct cli_command t_cmd = {
	.name = "t",
	.short_help = "Test command",
	.usage = "[options] ARGS",
	.max_args = -1,
	.options = t_options,
	.opts_size = sizeof(struct t_opts),
};

struct parsed {
	struct t_opts o;
	struct cli_ctx ctx;
	int argc;
	char **argv;
	struct cpod_error *err;
	int r;
};

static void parse(struct parsed *p, unsigned flags, char **args)
{
	memset(p, 0, sizeof(*p));
	p->o.last = -1;
	t_cmd.flags = flags;
	p->r = cli_parse_args(&t_cmd, &p->o, &p->ctx, (int)strv_length(args), args, &p->argc,
			      &p->argv, &p->err);
}

static void release(struct parsed *p)
{
	strv_free(p->o.filter);
	strv_free(p->o.env);
	strv_free(p->ctx.changed);
	strv_free(p->ctx.global.storage_opts);
	strv_free(p->ctx.global.hooks_dir);
	free(p->argv);
	cpod_error_free(p->err);
}

static void test_long_forms(void **state)
{
	struct parsed p;
	char *args[] = {"--all", "--format={{.ID}}", "--last", "3", "x", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_true(p.o.all);
	assert_string_equal(p.o.format, "{{.ID}}");
	assert_int_equal(p.o.last, 3);
	assert_int_equal(p.argc, 1);
	assert_string_equal(p.argv[0], "x");
	assert_true(cli_flag_changed(&p.ctx, "last"));
	assert_false(cli_flag_changed(&p.ctx, "quiet"));
	release(&p);
}

static void test_short_combined_and_attached_values(void **state)
{
	struct parsed p;
	char *args[] = {"-aq", "-n5", "-f", "a=1,b=2", "-fc=3", "-w=7", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_true(p.o.all);
	assert_true(p.o.quiet);
	assert_int_equal(p.o.last, 5);
	assert_int_equal(p.o.watch, 7);
	assert_int_equal(strv_length(p.o.filter), 3);
	assert_string_equal(p.o.filter[2], "c=3");
	release(&p);
}

static void test_string_array_keeps_commas(void **state)
{
	struct parsed p;
	char *args[] = {"-e", "A=1,2", "--env", "B=3", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_int_equal(strv_length(p.o.env), 2);
	assert_string_equal(p.o.env[0], "A=1,2");
	release(&p);
}

static void test_bool_explicit_false(void **state)
{
	struct parsed p;
	char *args[] = {"--all=false", "--quiet=true", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_false(p.o.all);
	assert_true(p.o.quiet);
	release(&p);
}

static void test_interspersed_and_double_dash(void **state)
{
	struct parsed p;
	char *args[] = {"a", "-a", "b", "--", "-q", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_true(p.o.all);
	assert_false(p.o.quiet);
	assert_int_equal(p.argc, 3);
	assert_string_equal(p.argv[2], "-q");
	release(&p);
}

static void test_no_intersperse_stops_at_first_positional(void **state)
{
	struct parsed p;
	char *args[] = {"-a", "image", "sh", "-q", "-c", NULL};
	parse(&p, CLI_NO_INTERSPERSE, args);
	assert_int_equal(p.r, 0);
	assert_true(p.o.all);
	assert_false(p.o.quiet);
	assert_int_equal(p.argc, 4);
	assert_string_equal(p.argv[2], "-q");
	release(&p);
}

static void test_global_flags_after_command(void **state)
{
	struct parsed p;
	char *args[] = {"--root", "/tmp/r", "--log-level=debug", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_string_equal(p.ctx.global.root, "/tmp/r");
	assert_string_equal(p.ctx.global.log_level, "debug");
	release(&p);
}

static void test_errors_match_pflag(void **state)
{
	struct parsed p;
	char *a1[] = {"--foo", NULL};
	parse(&p, 0, a1);
	assert_int_equal(p.r, -EINVAL);
	assert_string_equal(p.err->msg, "unknown flag: --foo");
	release(&p);

	char *a2[] = {"-x", NULL};
	parse(&p, 0, a2);
	assert_string_equal(p.err->msg, "unknown shorthand flag: 'x' in -x");
	release(&p);

	char *a3[] = {"--format", NULL};
	parse(&p, 0, a3);
	assert_string_equal(p.err->msg, "flag needs an argument: --format");
	release(&p);

	char *a4[] = {"-n", "abc", NULL};
	parse(&p, 0, a4);
	assert_string_equal(p.err->msg, "invalid argument \"abc\" for \"-n, --last\" flag: "
					"strconv.ParseInt: parsing \"abc\": invalid syntax");
	release(&p);

	char *a5[] = {"-w", "-1", NULL};
	parse(&p, 0, a5);
	assert_int_equal(p.r, -EINVAL);
	release(&p);
}

static void test_help_flag(void **state)
{
	struct parsed p;
	char *args[] = {"x", "--help", NULL};
	parse(&p, 0, args);
	assert_int_equal(p.r, 0);
	assert_true(p.ctx.global.help);
	release(&p);
	char *args2[] = {"-h", NULL};
	parse(&p, 0, args2);
	assert_true(p.ctx.global.help);
	release(&p);
}

static void test_help_layout(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cli_print_help(f, &t_cmd, "cpod t");
	fclose(f);
	assert_non_null(strstr(buf, "Test command\n\nDescription:\n  Test command\n\nUsage:\n"
				    "  cpod t [options] ARGS\n\nOptions:\n"));
	/* sorted by long name; usage column at the longest left column (-e, --env stringArray) + 3 */
	assert_non_null(strstr(buf, "  -a, --all               Show all\n"));
	assert_non_null(strstr(buf, "  -f, --filter strings    Filter\n"));
	assert_non_null(strstr(buf, "      --format string     Format\n"));
	assert_true(strstr(buf, "--all") < strstr(buf, "--env"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_forms),
		cmocka_unit_test(test_short_combined_and_attached_values),
		cmocka_unit_test(test_string_array_keeps_commas),
		cmocka_unit_test(test_bool_explicit_false),
		cmocka_unit_test(test_interspersed_and_double_dash),
		cmocka_unit_test(test_no_intersperse_stops_at_first_positional),
		cmocka_unit_test(test_global_flags_after_command),
		cmocka_unit_test(test_errors_match_pflag),
		cmocka_unit_test(test_help_flag),
		cmocka_unit_test(test_help_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
