/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/containers-conf.h"
#include "config/toml.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define REAL_CONF "/usr/share/containers/containers.conf"

struct fixture {
	char root[64];
	char *usr, *etc, *home;
	struct config_load_opts opts;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	memcpy(f->root, "/tmp/cpod-conf-XXXXXX", sizeof("/tmp/cpod-conf-XXXXXX"));
	if (!mkdtemp(f->root))
		return -1;
	f->usr = path_join(f->root, "usr");
	f->etc = path_join(f->root, "etc");
	f->home = path_join(f->root, "home");
	mkdir_p(f->usr, 0755);
	mkdir_p(f->etc, 0755);
	mkdir_p(f->home, 0755);
	f->opts = (struct config_load_opts){
	        .usr_dir = f->usr,
	        .etc_dir = f->etc,
	        .home = f->home,
	        .xdg_config_home = NULL,
	        .ignore_env = true,
	        .set_euid = true,
	        .euid = 0,
	        .cgroup_v2 = 1,
	};
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("CONTAINERS_CONF");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rm_rf_at(AT_FDCWD, f->root);
	free(f->usr);
	free(f->etc);
	free(f->home);
	free(f);
	return 0;
}

static char *put_path(const char *dir, const char *name, const char *content)
{
	char *p = path_join(dir, name);
	_cleanup_free_ char *copy = xstrdup(p);
	char *slash = strrchr(copy, '/');
	*slash = 0;
	assert_int_equal(mkdir_p(copy, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, content, strlen(content), 0644, false),
	                 0);
	return p;
}

static void put(const char *dir, const char *name, const char *content)
{
	free(put_path(dir, name, content));
}

static struct cpod_config *load_ok(const struct config_load_opts *opts)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct cpod_config *cfg = NULL;
	if (config_load(opts, &cfg, &err) < 0)
		fail_msg("config_load: %s", err->msg);
	return cfg;
}

static void expect_load_error(const struct config_load_opts *opts, int code, const char *msg)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	struct cpod_config *cfg = NULL;
	assert_int_equal(config_load(opts, &cfg, &err), -code);
	assert_null(cfg);
	assert_string_equal(err->msg, msg);
}

static void test_config_load_defaults_without_files(void **state)
{
	struct fixture *f = *state;
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	assert_int_equal(strv_length(config_files(cfg)), 0);
	const struct config_containers *c = &cfg->containers;
	assert_int_equal(strv_length(c->default_capabilities), 11);
	assert_string_equal(c->default_capabilities[0], "CAP_CHOWN");
	assert_string_equal(c->default_capabilities[10], "CAP_SYS_CHROOT");
	assert_int_equal(strv_length(c->env), 2);
	assert_string_equal(c->env[0],
	                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(c->env[1], "TERM=xterm");
	assert_string_equal(c->log_driver, "k8s-file");
	assert_int_equal(c->pids_limit, 2048);
	assert_int_equal(c->log_size_max, -1);
	assert_false(c->init);
	assert_true(c->http_proxy);
	assert_string_equal(c->umask, "0022");
	assert_string_equal(c->shm_size, "65536k");
	assert_string_equal(c->netns, "private");
	assert_string_equal(c->ipcns, "private");
	assert_string_equal(c->cgroupns, "private");
	assert_string_equal(c->cgroups, "enabled");
	assert_int_equal(strv_length(c->default_sysctls), 0);
	_cleanup_free_ char *seccomp = path_join(f->usr, "seccomp.json");
	assert_string_equal(c->seccomp_profile, seccomp);

	const struct config_engine *e = &cfg->engine;
	assert_string_equal(e->runtime, "");
	assert_string_equal(e->events_logger, "file");
	assert_string_equal(e->cgroup_manager, "cgroupfs");
	assert_string_equal(e->detach_keys, "ctrl-p,ctrl-q");
	assert_int_equal(e->stop_timeout, 10);
	assert_int_equal(e->exit_command_delay, 300);
	assert_int_equal(e->num_locks, 2048);
	assert_string_equal(e->image_default_transport, "docker://");
	assert_true(strv_contains(e->conmon_path, "/usr/bin/conmon"));
	assert_true(strv_contains(e->conmon_path, "/usr/libexec/podman/conmon"));
	assert_null(e->tmp_dir);
	_cleanup_strv_free_ char **crun = config_runtime_paths(cfg, "crun");
	assert_string_equal(crun[0], "/usr/bin/crun");
	_cleanup_strv_free_ char **runc = config_runtime_paths(cfg, "runc");
	assert_true(strv_contains(runc, "/usr/sbin/runc"));
	_cleanup_strv_free_ char **none = config_runtime_paths(cfg, "nope");
	assert_int_equal(strv_length(none), 0);

	const struct config_network *n = &cfg->network;
	assert_string_equal(n->network_backend, "netavark");
	assert_string_equal(n->default_network, "podman");
	assert_string_equal(n->default_subnet, "10.88.0.0/16");
	assert_true(strv_contains(n->cni_plugin_dirs, "/usr/lib/cni"));

	f->opts.cgroup_v2 = -1;
	_cleanup_config_ struct cpod_config *v1 = load_ok(&f->opts);
	assert_string_equal(v1->containers.cgroupns, "host");
}

static void test_config_load_precedence_and_dropins(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a =
	        put_path(f->usr, "containers.conf",
	                 "[containers]\nlog_driver = \"journald\"\npids_limit = 1\n"
	                 "[engine]\nruntime = \"runc\"\nstop_timeout = 3\n");
	_cleanup_free_ char *b =
	        put_path(f->etc, "containers.conf", "[engine]\nruntime = \"crun\"\n");
	_cleanup_free_ char *d2 =
	        put_path(f->etc, "containers.conf.d/20-b.conf", "[containers]\npids_limit = 200\n");
	_cleanup_free_ char *d1 = put_path(f->etc, "containers.conf.d/10-a.conf",
	                                   "[containers]\npids_limit = 100\ntz = \"UTC\"\n");
	_cleanup_free_ char *ign =
	        put_path(f->etc, "containers.conf.d/30-c.txt", "[containers]\npids_limit = 300\n");
	_cleanup_free_ char *sub = put_path(f->etc, "containers.conf.d/40-d.conf/x.conf",
	                                    "[containers]\npids_limit = 400\n");
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	char *const *files = config_files(cfg);
	assert_int_equal(strv_length(files), 4);
	assert_string_equal(files[0], a);
	assert_string_equal(files[1], b);
	assert_string_equal(files[2], d1);
	assert_string_equal(files[3], d2);
	assert_string_equal(cfg->containers.log_driver, "journald");
	assert_int_equal(cfg->containers.pids_limit, 200);
	assert_string_equal(cfg->containers.tz, "UTC");
	assert_string_equal(cfg->engine.runtime, "crun");
	assert_int_equal(cfg->engine.stop_timeout, 3);
}

static void test_config_load_rootless_user_files(void **state)
{
	struct fixture *f = *state;
	put(f->etc, "containers.conf", "[engine]\nevents_logger = \"none\"\nnum_locks = 7\n");
	_cleanup_free_ char *u = put_path(f->home, ".config/containers/containers.conf",
	                                  "[engine]\nevents_logger = \"journald\"\n");
	_cleanup_free_ char *ud = put_path(f->home, ".config/containers/containers.conf.d/1.conf",
	                                   "[engine]\nnum_locks = 9\n");

	_cleanup_config_ struct cpod_config *root = load_ok(&f->opts);
	assert_string_equal(root->engine.events_logger, "none");
	assert_int_equal(root->engine.num_locks, 7);

	f->opts.euid = 1000;
	_cleanup_config_ struct cpod_config *user = load_ok(&f->opts);
	assert_int_equal(strv_length(config_files(user)), 3);
	assert_string_equal(config_files(user)[1], u);
	assert_string_equal(config_files(user)[2], ud);
	assert_string_equal(user->engine.events_logger, "journald");
	assert_int_equal(user->engine.num_locks, 9);

	/* $XDG_CONFIG_HOME moves the user files */
	_cleanup_free_ char *xdg = path_join(f->root, "xdg");
	put(xdg, "containers/containers.conf", "[engine]\nevents_logger = \"file\"\n");
	f->opts.xdg_config_home = xdg;
	_cleanup_config_ struct cpod_config *x = load_ok(&f->opts);
	assert_string_equal(x->engine.events_logger, "file");
	assert_int_equal(x->engine.num_locks, 7);
}

static void test_config_load_containers_conf_env(void **state)
{
	struct fixture *f = *state;
	put(f->usr, "containers.conf", "[engine]\nruntime = \"runc\"\n");
	put(f->etc, "containers.conf.d/a.conf", "[containers]\ninit = true\n");
	put(f->home, ".config/containers/containers.conf", "[containers]\ntz = \"local\"\n");
	_cleanup_free_ char *only =
	        put_path(f->root, "only.conf", "[containers]\numask = \"0077\"\n");
	f->opts.ignore_env = false;
	f->opts.euid = 1000;
	setenv("CONTAINERS_CONF", only, 1);
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	assert_int_equal(strv_length(config_files(cfg)), 1);
	assert_string_equal(config_files(cfg)[0], only);
	assert_string_equal(cfg->containers.umask, "0077");
	assert_string_equal(cfg->engine.runtime, "");
	assert_false(cfg->containers.init);
	assert_string_equal(cfg->containers.tz, "");

	_cleanup_free_ char *missing = path_join(f->root, "missing.conf");
	setenv("CONTAINERS_CONF", missing, 1);
	_cleanup_free_ char *msg = xasprintf(
	        "finding config on system: CONTAINERS_CONF file: stat %s: no such file or "
	        "directory",
	        missing);
	expect_load_error(&f->opts, ENOENT, msg);
	unsetenv("CONTAINERS_CONF");
}

static void test_config_load_arrays_replaced_and_runtimes_merged(void **state)
{
	struct fixture *f = *state;
	put(f->usr, "containers.conf",
	    "[containers]\ndefault_capabilities = [\"CHOWN\", \"KILL\", \"NET_RAW\"]\n"
	    "default_sysctls = [\"net.ipv4.ping_group_range=0 0\"]\n"
	    "[engine.runtimes]\ncrun = [\"/opt/crun\"]\nmyrt = [\"/opt/myrt\", "
	    "\"/usr/bin/myrt\"]\n");
	put(f->etc, "containers.conf",
	    "[containers]\ndefault_capabilities = [\"cap_sys_admin\", \"setuid\"]\n"
	    "[engine]\nruntimes.runc = [\"~/bin/runc\"]\n"
	    "conmon_path = [\"$HOME/conmon\"]\n");
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	char **caps = cfg->containers.default_capabilities;
	assert_int_equal(strv_length(caps), 2);
	assert_string_equal(caps[0], "cap_sys_admin");
	assert_string_equal(caps[1], "CAP_SETUID");
	assert_string_equal(cfg->containers.default_sysctls[0], "net.ipv4.ping_group_range=0 0");

	_cleanup_strv_free_ char **crun = config_runtime_paths(cfg, "crun");
	assert_int_equal(strv_length(crun), 1);
	assert_string_equal(crun[0], "/opt/crun");
	_cleanup_strv_free_ char **myrt = config_runtime_paths(cfg, "myrt");
	assert_int_equal(strv_length(myrt), 2);
	_cleanup_strv_free_ char **runc = config_runtime_paths(cfg, "runc");
	_cleanup_free_ char *want = path_join(f->home, "bin/runc");
	assert_string_equal(runc[0], want);
	_cleanup_strv_free_ char **kata = config_runtime_paths(cfg, "kata");
	assert_string_equal(kata[0], "/usr/bin/kata-runtime");
	_cleanup_free_ char *conmon = path_join(f->home, "conmon");
	assert_int_equal(strv_length(cfg->engine.conmon_path), 1);
	assert_string_equal(cfg->engine.conmon_path[0], conmon);

	_cleanup_strv_free_ char **dflt = config_runtime_paths(NULL, "crun");
	assert_string_equal(dflt[0], "/usr/bin/crun");
}

static void test_config_load_ignores_unknown(void **state)
{
	struct fixture *f = *state;
	put(f->etc, "containers.conf",
	    "[containers]\nno_such_key = 1\nlabel = true\n"
	    "[engine]\nactive_service = \"x\"\n[engine.service_destinations.x]\nuri = \"ssh://a\"\n"
	    "[engine.volume_plugins]\n[machine]\ncpus = 2\n[secrets]\ndriver = \"file\"\n"
	    "[secrets.opts]\n[network]\nnetwork_backend = \"cni\"\n"
	    "[[network.default_subnet_pools]]\nbase = \"10.89.0.0/16\"\nsize = 24\n"
	    "[future]\nx = 1\n");
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	assert_string_equal(cfg->network.network_backend, "cni");
}

static void test_config_load_type_errors(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *p =
	        put_path(f->etc, "containers.conf", "[containers]\n\nenv = \"A=b\"\n");
	_cleanup_free_ char *m1 = xasprintf(
	        "%s: line 3, column 7: containers.env: expected array of strings, got string", p);
	expect_load_error(&f->opts, EINVAL, m1);

	put(f->etc, "containers.conf", "[containers]\nenv = [\"A=b\", 1]\n");
	_cleanup_free_ char *m2 = xasprintf(
	        "%s: line 2, column 15: containers.env: expected array of strings, got integer", p);
	expect_load_error(&f->opts, EINVAL, m2);

	put(f->etc, "containers.conf", "[engine]\nstop_timeout = -1\n");
	_cleanup_free_ char *m3 = xasprintf("%s: line 2, column 16: engine.stop_timeout: expected "
	                                    "non-negative integer, got negative integer",
	                                    p);
	expect_load_error(&f->opts, EINVAL, m3);

	put(f->etc, "containers.conf", "[engine]\nruntime = [\"crun\"]\n");
	_cleanup_free_ char *m4 =
	        xasprintf("%s: line 2, column 11: engine.runtime: expected string, got array", p);
	expect_load_error(&f->opts, EINVAL, m4);

	put(f->etc, "containers.conf", "containers = 1\n");
	_cleanup_free_ char *m5 =
	        xasprintf("%s: line 1, column 14: containers: expected table, got integer", p);
	expect_load_error(&f->opts, EINVAL, m5);

	put(f->etc, "containers.conf", "[engine.runtimes]\ncrun = \"/usr/bin/crun\"\n");
	_cleanup_free_ char *m6 = xasprintf(
	        "%s: line 2, column 8: engine.runtimes.crun: expected array of strings, got string",
	        p);
	expect_load_error(&f->opts, EINVAL, m6);

	put(f->etc, "containers.conf", "[containers]\ninit = \"yes\"\n");
	_cleanup_free_ char *m7 =
	        xasprintf("%s: line 2, column 8: containers.init: expected boolean, got string", p);
	expect_load_error(&f->opts, EINVAL, m7);
}

static void test_config_load_syntax_and_value_errors(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *p = put_path(f->etc, "containers.conf",
	                                  "[engine]\nruntime = \"crun\"\n    runtime = \"runc\"\n");
	_cleanup_free_ char *m1 = xasprintf("%s: line 3, column 5: duplicate key \"runtime\"", p);
	expect_load_error(&f->opts, EINVAL, m1);

	put(f->etc, "containers.conf", "[containers]\numask = \"0999\"\n");
	expect_load_error(&f->opts, EINVAL, "validating containers config: not a valid umask 0999");

	put(f->etc, "containers.conf", "[containers]\nlog_size_max = 100\n");
	expect_load_error(&f->opts, EINVAL,
	                  "validating containers config: log size max should be negative or "
	                  ">= 8192");

	put(f->etc, "containers.conf", "[engine]\nevents_logfile_max_size = \"2MB\"\n");
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	assert_int_equal(cfg->engine.events_logfile_max_size, 2000000);

	_cleanup_free_ char *missing = path_join(f->root, "nope.conf");
	char *files[] = {missing, NULL};
	f->opts.files = files;
	_cleanup_free_ char *m2 = xasprintf("reading %s: no such file or directory", missing);
	expect_load_error(&f->opts, ENOENT, m2);
}

static void test_config_load_real_containers_conf(void **state)
{
	if (!path_exists(REAL_CONF))
		skip();
	struct fixture *f = *state;
	char *files[] = {(char *)REAL_CONF, NULL};
	f->opts.files = files;
	_cleanup_config_ struct cpod_config *cfg = load_ok(&f->opts);
	assert_string_equal(config_files(cfg)[0], REAL_CONF);
	assert_true(strv_length(cfg->containers.default_capabilities) > 0);
	assert_true(strv_contains(cfg->containers.default_capabilities, "CAP_CHOWN"));

	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(read_file_at(AT_FDCWD, REAL_CONF, TOML_MAX_INPUT, &data, &len), 0);
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_toml_ struct toml_value *root = NULL;
	assert_int_equal(toml_parse(data, len, &root, &err), 0);
	assert_non_null(toml_table_get(root, "containers"));
	assert_non_null(toml_table_get(root, "engine"));
}

static void test_config_expand_path(void **state)
{
	unsetenv("XDG_DATA_HOME");
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	const struct {
		const char *in, *out;
	} cases[] = {
	        {"~", "/h"},
	        {"~/x", "/h/x"},
	        {"~user/x", "~user/x"},
	        {"$HOME/a", "/h/a"},
	        {"${HOME}/a", "/h/a"},
	        {"$HOMER/a", "$HOMER/a"},
	        {"$XDG_DATA_HOME/containers", "/h/.local/share/containers"},
	        {"$XDG_RUNTIME_DIR/libpod", "/run/user/1000/libpod"},
	        {"$XDG_CONFIG_HOME", "/h/.config"},
	        {"/usr/bin/crun", "/usr/bin/crun"},
	        {"a/~/b", "a/~/b"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *o = config_expand_path(cases[i].in, "/h");
		assert_string_equal(o, cases[i].out);
	}
	unsetenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *kept = config_expand_path("$XDG_RUNTIME_DIR/x", "/h");
	assert_string_equal(kept, "$XDG_RUNTIME_DIR/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_config_load_defaults_without_files, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_precedence_and_dropins, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_rootless_user_files, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_containers_conf_env, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(
	                test_config_load_arrays_replaced_and_runtimes_merged, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_ignores_unknown, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_type_errors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_syntax_and_value_errors, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_load_real_containers_conf, setup,
	                                        teardown),
	        cmocka_unit_test(test_config_expand_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
