/* SPDX-License-Identifier: Apache-2.0 */
/* create/run flags: environment parsing, label files, entrypoint, unsupported flags, mapping. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/commands.h"
#include "cli/container/create-opts.h"
#include "cli-create-test-helpers.h"
#include "util/strv.h"

static void test_create_env_parse_forms(void **state)
{
	char **env = NULL;
	struct cpod_error *err = NULL;
	setenv("CPOD_UT_A", "1", 1);
	setenv("CPOD_UT_B", "2", 1);
	unsetenv("CPOD_UT_UNSET");
	assert_int_equal(create_env_parse(&env, "X=y=z", &err), 0);
	assert_int_equal(create_env_parse(&env, "CPOD_UT_A", &err), 0);
	assert_int_equal(create_env_parse(&env, "CPOD_UT_UNSET", &err), 0);
	assert_int_equal(create_env_parse(&env, "CPOD_UT_*", &err), 0);
	assert_int_equal(create_env_parse(&env, "X=again", &err), 0);
	assert_int_equal(create_env_parse(&env, "  LEAD=1", &err), 0);
	assert_string_equal(env[0], "X=again");
	assert_string_equal(env[1], "CPOD_UT_A=1");
	assert_string_equal(env[2], "CPOD_UT_B=2");
	assert_string_equal(env[3], "LEAD=1");
	assert_null(env[4]);
	assert_true(create_env_parse(&env, "=x", &err) < 0);
	assert_string_equal(err->msg, "invalid environment variable: \"=x\"");
	cpod_error_free(err);
	strv_free(env);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/test-cli-create.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_create_env_and_label_files(void **state)
{
	char **env = NULL, **labels = NULL;
	struct cpod_error *err = NULL;
	char *ef = write_tmp("# comment\n\n  A=1\r\nB=two words\n");
	char *lf = write_tmp("k=v\n#x=y\nbare\n");
	assert_int_equal(create_env_file(&env, ef, &err), 0);
	assert_int_equal(create_label_file(&labels, lf, &err), 0);
	assert_int_equal(strv_length(env), 2);
	assert_string_equal(env[0], "A=1");
	assert_string_equal(env[1], "B=two words");
	assert_int_equal(strv_length(labels), 2);
	assert_string_equal(labels[1], "bare=");
	assert_true(create_env_file(&env, "/nonexistent/env", &err) < 0);
	assert_string_equal(err->msg, "parsing env file \"/nonexistent/env\": open "
	                              "/nonexistent/env: no such file or directory");
	cpod_error_free(err);
	unlink(ef);
	unlink(lf);
	free(ef);
	free(lf);
	strv_free(env);
	strv_free(labels);
}

static void test_create_cli_build_maps_flags(void **state)
{
	struct built p;
	char *args[] = {"-d",
	                "--name",
	                "web",
	                "-e",
	                "A=1",
	                "-l",
	                "x",
	                "--entrypoint",
	                "[\"/bin/sh\",\"-c\"]",
	                "--stop-timeout",
	                "3",
	                "-t",
	                "-i",
	                "--network",
	                "none",
	                "--log-opt",
	                "path=/tmp/l",
	                "img",
	                "echo",
	                "--not-a-flag",
	                NULL};
	build(&p, &cmd_container_run, args);
	assert_int_equal(p.r, 0);
	assert_true(p.o.detach);
	assert_string_equal(p.b.opts.image, "img");
	assert_string_equal(p.b.opts.name, "web");
	assert_string_equal(p.b.opts.env[0], "A=1");
	assert_string_equal(p.b.opts.labels[0], "x=");
	assert_true(p.b.opts.entrypoint_set);
	assert_string_equal(p.b.opts.entrypoint[1], "-c");
	assert_int_equal(p.b.opts.stop_timeout, 3);
	assert_true(p.b.opts.terminal && p.b.opts.stdin_open);
	assert_string_equal(p.b.opts.network, "none");
	assert_string_equal(p.b.opts.log_path, "/tmp/l");
	assert_string_equal(p.b.opts.command[1], "--not-a-flag");
	assert_true(p.b.attach_stdin && p.b.attach_stdout && p.b.attach_stderr);
	release(&p);

	char *args2[] = {"--entrypoint", "", "img", NULL};
	build(&p, &cmd_container_create, args2);
	assert_int_equal(p.r, 0);
	assert_true(p.b.opts.entrypoint_set);
	assert_null(p.b.opts.entrypoint[0]);
	assert_int_equal(p.b.opts.stop_timeout, -1);
	assert_null(p.b.opts.command);
	release(&p);
}

static void test_create_cli_build_refuses_unsupported(void **state)
{
	struct built p;
	char *a1[] = {"--pod", "p1", "img", NULL};
	build(&p, &cmd_container_run, a1);
	assert_int_equal(p.err->code, ENOTSUP);
	assert_string_equal(p.err->msg, "--pod is not supported yet");
	release(&p);
	/* Podman's default values are accepted */
	char *a2[] = {"--systemd", "true", "--http-proxy=true", "--umask", "0022", "img", NULL};
	build(&p, &cmd_container_run, a2);
	assert_int_equal(p.r, 0);
	release(&p);
	char *a3[] = {"--http-proxy=false", "--env-merge", "PATH=/x:$PATH", "--personality",
	              "LINUX32", "img", NULL};
	build(&p, &cmd_container_run, a3);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.b.opts.http_proxy, -1);
	assert_string_equal(p.b.opts.env_merge[0], "PATH=/x:$PATH");
	assert_string_equal(p.b.opts.personality, "LINUX32");
	release(&p);
	char *a4[] = {"--pull", "always", "img", NULL};
	build(&p, &cmd_container_run, a4);
	assert_non_null(strstr(p.err->msg, "pulling is not available yet"));
	release(&p);
	char *a5[] = {"-a", "stdin", "-a", "bogus", "img", NULL};
	build(&p, &cmd_container_run, a5);
	assert_non_null(strstr(p.err->msg, "invalid stream \"bogus\" for --attach"));
	release(&p);
	/* -d is run's own flag */
	char *a6[] = {"-d", "img", NULL};
	build(&p, &cmd_container_create, a6);
	assert_string_equal(p.err->msg, "unknown shorthand flag: 'd' in -d");
	release(&p);
}

static void test_create_cli_build_handled_slots(void **state)
{
	struct built p;
	char *args[] = {"-v",           "/a:/b",    "-v",        "/c:/d",     "-p",
	                "8080:80",      "--memory", "64m",       "--cap-add", "NET_ADMIN,SYS_TIME",
	                "--network",    "a",        "--network", "b",         "--restart",
	                "on-failure:2", "img",      NULL};
	build(&p, &cmd_container_run, args);
	assert_int_equal(p.r, 0);
	assert_string_equal(p.b.opts.restart, "on-failure:2"); /* checked by the engine */
	assert_int_equal(strv_length(p.b.opts.volumes), 2);
	assert_string_equal(p.b.opts.publish[0], "8080:80");
	assert_string_equal(p.b.opts.isolation->memory, "64m");
	assert_string_equal(p.b.opts.isolation->cap_add[1], "SYS_TIME");
	assert_string_equal(p.b.opts.network, "a,b");
	release(&p);
}

static void test_create_cli_build_run_flags(void **state)
{
	struct built p;
	char *a1[] = {"--umask",
	              "0077",
	              "--unsetenv",
	              "PATH",
	              "--unsetenv-all",
	              "--platform",
	              "linux/arm64/v8",
	              "--replace",
	              "--cidfile",
	              "/x",
	              "img",
	              NULL};
	build(&p, &cmd_container_run, a1);
	assert_int_equal(p.r, 0);
	assert_string_equal(p.b.opts.umask, "0077");
	assert_string_equal(p.b.opts.unsetenv[0], "PATH");
	assert_true(p.b.opts.unsetenv_all);
	assert_string_equal(p.b.opts.os, "linux");
	assert_string_equal(p.b.opts.arch, "arm64");
	assert_string_equal(p.b.opts.variant, "v8");
	release(&p);
	char *a2[] = {"--platform", "linux", "--variant", "v7", "img", NULL};
	build(&p, &cmd_container_create, a2);
	assert_int_equal(p.r, 0);
	assert_string_equal(p.b.opts.os, "linux");
	assert_null(p.b.opts.arch);
	assert_string_equal(p.b.opts.variant, "v7");
	release(&p);
	char *a3[] = {"--arch", "arm", "--platform", "linux/arm", "img", NULL};
	build(&p, &cmd_container_create, a3);
	assert_string_equal(p.err->msg,
	                    "--platform option can not be specified with --arch or --os");
	release(&p);
	char *a4[] = {"--platform", "a/b/c/d", "img", NULL};
	build(&p, &cmd_container_create, a4);
	assert_int_equal(p.err->code, EINVAL);
	assert_non_null(strstr(p.err->msg, "invalid platform syntax for \"a/b/c/d\""));
	release(&p);
	/* without the flags nothing is set */
	char *a5[] = {"img", NULL};
	build(&p, &cmd_container_create, a5);
	assert_int_equal(p.r, 0);
	assert_null(p.b.opts.umask);
	assert_null(p.b.opts.unsetenv);
	assert_false(p.b.opts.unsetenv_all);
	assert_null(p.b.opts.os);
	assert_false(p.b.cid_open);
	release(&p);
}

static void test_run_table_layout(void **state)
{
	/* create's table is run's without run's own first entries */
	assert_string_equal(create_cli_run_options[0].long_name, "detach");
	assert_string_equal(create_cli_create_options[0].long_name, "annotation");
	for (const struct cli_option *o = create_cli_create_options; o->long_name; o++) {
		assert_string_not_equal(o->long_name, "detach");
		assert_string_not_equal(o->long_name, "sig-proxy");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create_env_parse_forms),
	        cmocka_unit_test(test_create_env_and_label_files),
	        cmocka_unit_test(test_create_cli_build_maps_flags),
	        cmocka_unit_test(test_create_cli_build_refuses_unsupported),
	        cmocka_unit_test(test_create_cli_build_handled_slots),
	        cmocka_unit_test(test_create_cli_build_run_flags),
	        cmocka_unit_test(test_run_table_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
