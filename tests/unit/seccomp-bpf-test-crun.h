/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_TEST_SECCOMP_BPF_CRUN_H
#define CPOD_TEST_SECCOMP_BPF_CRUN_H

/*
 * The crun half of test-seccomp-bpf.c (split for file size): a busybox-static bundle run by
 * the real crun, through runtime_exec_argv() with the hybrid-cgroup workaround when the host
 * needs it. Included once, by test-seccomp-bpf.c, after its helpers (load, compile_ok, SKIP)
 * and the headers this part needs (runtime/exec.h, runtime/probe.h, runtime/spec.h,
 * busybox-test-helpers.h).
 */

static const char *const crun_paths[] = {"/usr/bin/crun", "/usr/local/bin/crun", "/bin/crun"};

struct crun_fixture {
	char *dir;    /* temp dir */
	char *bundle; /* dir/bundle, with rootfs/bin/busybox */
	char *state;  /* dir/state: crun's --root (its own seccomp cache lives below it too) */
	char *log;    /* crun --log file */
	const char *crun;
	unsigned flags; /* RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED on hybrid hosts */
	char *const *default_caps;
};

static struct crun_fixture cfx;

/* A config.json in the shape `crun spec` writes, running `busybox sh -c script`. */
static void crun_write_config(const json_t *seccomp, const char *bpf_b64, char *const *caps,
                              const char *script)
{
	json_t *capv = json_array();
	STRV_FOREACH (c, (char **)caps)
		json_array_append_new(capv, json_string(*c));
	json_t *cfg =
	        json_pack("{s:s, s:{s:b, s:{s:i, s:i}, s:[s, s, s, s], s:[s], s:s, s:b,"
	                  " s:{s:O, s:O, s:O}}, s:{s:s, s:b}, s:s,"
	                  " s:[{s:s, s:s, s:s}, {s:s, s:s, s:s, s:[s, s]}],"
	                  " s:{s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}]}}",
	                  "ociVersion", "1.0.0", "process", "terminal", 0, "user", "uid", 0, "gid",
	                  0, "args", "/bin/busybox", "sh", "-c", script, "env", "PATH=/bin", "cwd",
	                  "/", "noNewPrivileges", 1, "capabilities", "bounding", capv, "effective",
	                  capv, "permitted", capv, "root", "path", "rootfs", "readonly", 1,
	                  "hostname", "cpod-test", "mounts", "destination", "/proc", "type", "proc",
	                  "source", "proc", "destination", "/dev", "type", "tmpfs", "source",
	                  "tmpfs", "options", "nosuid", "mode=755", "linux", "namespaces", "type",
	                  "pid", "type", "ipc", "type", "uts", "type", "mount", "type", "network");
	json_decref(capv);
	assert_non_null(cfg);
	if (seccomp)
		json_object_set(json_object_get(cfg, "linux"), "seccomp", (json_t *)seccomp);
	if (bpf_b64)
		json_object_set_new(cfg, "annotations",
		                    json_pack("{s:s}", SECCOMP_BPF_ANNOTATION, bpf_b64));
	_cleanup_free_ char *text = json_dumps(cfg, JSON_INDENT(2));
	json_decref(cfg);
	_cleanup_free_ char *path = path_join(cfx.bundle, "config.json");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0644, false), 0);
}

/* crun --root STATE --log file:LOG <verb> ...; *out: stdout+stderr when capture. */
static int crun_exec(const char *verb, const char *id, bool capture, char **out)
{
	_cleanup_free_ char *logopt = xasprintf("--log=file:%s", cfx.log);
	char **argv = NULL;
	strv_push(&argv, cfx.crun);
	strv_push(&argv, "--root");
	strv_push(&argv, cfx.state);
	strv_push(&argv, logopt);
	strv_push(&argv, verb);
	if (strcmp(verb, "delete") == 0) {
		strv_push(&argv, "-f");
	} else {
		strv_push(&argv, "--bundle");
		strv_push(&argv, cfx.bundle);
	}
	strv_push(&argv, id);
	/* create leaves the container holding its stdio: nothing may wait for EOF on it */
	struct runtime_exec_options o = {
	        .path = cfx.crun,
	        .argv = argv,
	        .flags = cfx.flags | RUNTIME_EXEC_NULL_STDIN |
	                 (capture ? RUNTIME_EXEC_CAPTURE_STDOUT | RUNTIME_EXEC_CAPTURE_STDERR
	                          : RUNTIME_EXEC_NULL_OUTPUT),
	        .capture_max = 64 * 1024,
	};
	_cleanup_exec_result_ struct runtime_exec_result res = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	int r = runtime_exec_argv(&o, &res, &err);
	strv_free(argv);
	if (r < 0)
		fail_msg("crun %s: %s", verb, err->msg);
	if (out)
		*out = xasprintf("%s%s", res.stdout_data ? res.stdout_data : "",
		                 res.stderr_data ? res.stderr_data : "");
	return res.status;
}

static void crun_fail(const char *what, int status)
{
	_cleanup_free_ char *log = NULL;
	(void)read_file_at(AT_FDCWD, cfx.log, 64 * 1024, &log, NULL);
	fail_msg("crun %s: exit %d; log: %s", what, status, log ? log : "");
}

/* What crun compiles for seccomp: the seccomp.bpf it leaves in its state directory. */
static char *crun_compiled(const json_t *seccomp, size_t *len)
{
	static unsigned n;
	_cleanup_free_ char *id = xasprintf("cpod-test-seccomp-%u-%d", n++, (int)getpid());
	crun_write_config(seccomp, NULL, cfx.default_caps, "true");
	int st = crun_exec("create", id, false, NULL);
	if (st != 0)
		crun_fail("create", st);
	_cleanup_free_ char *rel = path_join(id, "seccomp.bpf");
	_cleanup_free_ char *file = path_join(cfx.state, rel);
	char *bpf = NULL;
	int r = read_file_at(AT_FDCWD, file, SECCOMP_BPF_MAX_SIZE, &bpf, len);
	st = crun_exec("delete", id, false, NULL);
	if (r < 0)
		fail_msg("read %s: %s", file, strerror(-r));
	if (st != 0)
		crun_fail("delete", st);
	return bpf;
}

static void assert_crun_equal(const json_t *seccomp, const char *what)
{
	size_t ours_len, crun_len;
	_cleanup_free_ char *ours = compile_ok(seccomp, &ours_len);
	_cleanup_free_ char *theirs = crun_compiled(seccomp, &crun_len);
	if (ours_len != crun_len || memcmp(ours, theirs, ours_len) != 0)
		fail_msg("%s: cpod compiled %zu bytes, crun %zu bytes, and they differ", what,
		         ours_len, crun_len);
	print_message("%s: %zu bytes (%zu instructions), identical\n", what, ours_len,
	              ours_len / 8);
}

/* The default profile as spec generation converts it for a capability set. */
static json_t *default_profile(char *const *add, char *const *drop)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, "/usr/share/containers/seccomp.json", SPEC_SECCOMP_MAX_SIZE,
	                     &data, &len);
	if (r < 0)
		fail_msg("read seccomp.json: %s", strerror(-r));
	_cleanup_strv_free_ char **caps = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (spec_caps_merge(cfx.default_caps, add, drop, &caps, &err) < 0)
		fail_msg("caps: %s", err->msg);
	json_t *oci = NULL;
	if (spec_seccomp_convert(data, len, caps, NULL, NULL, &oci, &err) < 0)
		fail_msg("convert: %s", err->msg);
	assert_non_null(oci);
	return oci;
}

static void test_crun_default_profile_identical(void **state)
{
	char *none[] = {NULL};
	char *sys_admin[] = {(char *)"SYS_ADMIN", NULL};
	char *many[] = {(char *)"SYS_PTRACE",      (char *)"SYS_MODULE",  (char *)"SYS_TIME",
	                (char *)"SYS_PACCT",       (char *)"SYS_RAWIO",   (char *)"SYS_TTY_CONFIG",
	                (char *)"DAC_READ_SEARCH", (char *)"AUDIT_WRITE", NULL};
	char *chroot[] = {(char *)"SYS_CHROOT", NULL};
	char *all[] = {(char *)"ALL", NULL};
	static const struct {
		const char *what;
		int add, drop;
	} variants[] = {
	        {"default capabilities", 0, 0},
	        {"--cap-add SYS_ADMIN", 1, 0},
	        {"--cap-add of every capability with a group", 2, 0},
	        {"--cap-drop SYS_CHROOT", 0, 3},
	        {"--cap-add ALL", 4, 0},
	};
	char *const *sets[] = {none, sys_admin, many, chroot, all};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		_cleanup_json_ json_t *p =
		        default_profile(sets[variants[i].add], sets[variants[i].drop]);
		assert_crun_equal(p, variants[i].what);
	}
}

static const char custom_oci[] =
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
        " \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
        " \"syscalls\": ["
        "  {\"names\": [\"read\", \"write\", \"exit\", \"exit_group\", \"no_such_call\"],"
        "   \"action\": \"SCMP_ACT_ALLOW\"},"
        "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
        "   [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22, \"args\":"
        "   [{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"},"
        "    {\"index\": 2, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"}]},"
        "  {\"names\": [\"getsockopt\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
        "   [{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},"
        "    {\"index\": 1, \"value\": 6, \"op\": \"SCMP_CMP_EQ\"},"
        "    {\"index\": 2, \"value\": 2, \"op\": \"SCMP_CMP_GE\"}]},"
        "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
        "   [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0,"
        "     \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
        "  {\"names\": [\"mmap\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
        "   [{\"index\": 2, \"value\": 7, \"op\": \"SCMP_CMP_LT\"},"
        "    {\"index\": 3, \"value\": 4096, \"op\": \"SCMP_CMP_LE\"},"
        "    {\"index\": 4, \"value\": 1, \"op\": \"SCMP_CMP_GT\"}]},"
        "  {\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\","
        "   \"errnoRet\": 13},"
        "  {\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
        "  {\"names\": [\"unlink\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
        "  {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5},"
        "  {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_LOG\"},"
        "  {\"names\": [\"reboot\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
        "  {\"names\": [\"swapon\"], \"action\": \"SCMP_ACT_KILL\"},"
        "  {\"names\": [\"swapoff\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
        "  {\"names\": [\"acct\"], \"action\": \"SCMP_ACT_TRAP\"}"
        " ]}";

static const char custom_denylist[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
        "  {\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\","
        "   \"errnoRet\": 42},"
        "  {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
        "  {\"names\": [\"fchmodat\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\":"
        "   [{\"index\": 2, \"value\": 2048, \"valueTwo\": 2048, \"op\": \"SCMP_CMP_MASKED_EQ\"},"
        "    {\"index\": 2, \"value\": 1024, \"valueTwo\": 1024, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"
        " ]}";

/* A containers-format (seccomp.json) profile through cpod's conversion: errno names */
static const char custom_containers[] =
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": \"ENOSYS\","
        " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
        "   \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}],"
        " \"syscalls\": ["
        "  {\"names\": [\"read\", \"write\", \"execve\"], \"action\": \"SCMP_ACT_ALLOW\"},"
        "  {\"names\": [\"open\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EACCES\"},"
        "  {\"names\": [\"sethostname\"], \"action\": \"SCMP_ACT_ALLOW\","
        "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
        "  {\"names\": [\"sethostname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
        "   \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}"
        " ]}";

static void test_crun_custom_profiles_identical(void **state)
{
	_cleanup_json_ json_t *oci = load(custom_oci), *deny = load(custom_denylist);
	assert_crun_equal(oci, "custom profile: arguments, errnoRet, every action");
	assert_crun_equal(deny, "custom deny list: repeated index, MASKED_EQ");
	_cleanup_json_ json_t *conv = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (spec_seccomp_convert(custom_containers, strlen(custom_containers), cfx.default_caps,
	                         NULL, NULL, &conv, &err) < 0)
		fail_msg("convert: %s", err->msg);
	assert_crun_equal(conv, "custom containers profile: errno names, archMap");
}

/* What libseccomp refuses (two actions for one argument chain), crun refuses too */
static void test_crun_refuses_what_cpod_refuses(void **state)
{
	_cleanup_json_ json_t *p =
	        load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
	             " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\":"
	             "  [{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}]},"
	             " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_KILL\", \"args\":"
	             "  [{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	_cleanup_error_ struct cpod_error *err = NULL;
	char *bpf = NULL;
	size_t len;
	assert_true(seccomp_bpf_compile(p, 0, &bpf, &len, &err) < 0);
	assert_null(bpf);
	crun_write_config(p, NULL, cfx.default_caps, "true");
	assert_int_not_equal(crun_exec("create", "cpod-test-seccomp-refused", false, NULL), 0);
	(void)crun_exec("delete", "cpod-test-seccomp-refused", false, NULL);
}

static char *annotation_of(const json_t *seccomp)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	char *b64 = NULL;
	if (seccomp_bpf_annotation(seccomp, NULL, &b64, &err) < 0)
		fail_msg("annotation: %s", err->msg);
	return b64;
}

static char *crun_run(const json_t *seccomp, const char *b64, char *const *caps, const char *script)
{
	static unsigned n;
	_cleanup_free_ char *id = xasprintf("cpod-test-seccomp-run-%u-%d", n++, (int)getpid());
	crun_write_config(seccomp, b64, caps, script);
	char *out = NULL;
	int st = crun_exec("run", id, true, &out);
	if (st != 0) {
		print_message("%s\n", out);
		crun_fail("run", st);
	}
	return out;
}

#define PROBE_SCRIPT                                                                               \
	"/bin/busybox grep '^Seccomp:' /proc/self/status;"                                         \
	" /bin/busybox hostname cpod-renamed 2>&1; echo \"hostname=$?\";"                          \
	" /bin/busybox swapoff /nonexistent 2>&1; echo \"swapoff=$?\"; echo allowed-ok"

static void test_crun_annotation_keeps_denials(void **state)
{
	char *sys_admin[] = {(char *)"SYS_ADMIN", NULL};
	_cleanup_strv_free_ char **caps = NULL;
	assert_int_equal(spec_caps_merge(cfx.default_caps, sys_admin, NULL, &caps, NULL), 0);
	char *none[] = {NULL};
	_cleanup_json_ json_t *def = default_profile(none, none);
	_cleanup_json_ json_t *admin = default_profile(sys_admin, none);
	_cleanup_free_ char *def_b64 = annotation_of(def), *admin_b64 = annotation_of(admin);

	/* control: CAP_SYS_ADMIN without seccomp may rename and reaches swapoff's lookup */
	_cleanup_free_ char *open = crun_run(NULL, NULL, caps, PROBE_SCRIPT);
	assert_non_null(strstr(open, "Seccomp:\t0"));
	assert_non_null(strstr(open, "hostname=0"));
	assert_non_null(strstr(open, "No such file or directory"));

	/* the default-caps filter via the annotation: denied although the capability is there */
	_cleanup_free_ char *denied = crun_run(def, def_b64, caps, PROBE_SCRIPT);
	assert_non_null(strstr(denied, "Seccomp:\t2"));
	assert_non_null(strstr(denied, "hostname=1"));
	assert_non_null(strstr(denied, "swapoff=1"));
	assert_null(strstr(denied, "No such file or directory"));
	assert_non_null(strstr(denied, "Operation not permitted"));
	assert_non_null(strstr(denied, "allowed-ok"));

	/* the SYS_ADMIN variant allows sethostname; swapoff stays denied */
	_cleanup_free_ char *allowed = crun_run(admin, admin_b64, caps, PROBE_SCRIPT);
	assert_non_null(strstr(allowed, "Seccomp:\t2"));
	assert_non_null(strstr(allowed, "hostname=0"));
	assert_non_null(strstr(allowed, "swapoff=1"));
	assert_non_null(strstr(allowed, "allowed-ok"));
}

static void test_crun_uses_the_annotation(void **state)
{
	/* linux.seccomp allows everything; only the annotation's program denies mkdir */
	_cleanup_json_ json_t *allow = load("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	_cleanup_json_ json_t *deny = load(custom_denylist);
	_cleanup_free_ char *b64 = annotation_of(deny);
	const char *script = "/bin/busybox mkdir /dev/cpod-x 2>&1; echo \"mkdir=$?\";"
	                     " /bin/busybox echo allowed-ok";
	_cleanup_free_ char *out = crun_run(allow, b64, cfx.default_caps, script);
	assert_non_null(strstr(out, "No message of desired type")); /* errnoRet 42, ENOMSG */
	assert_non_null(strstr(out, "mkdir=1"));
	assert_non_null(strstr(out, "allowed-ok"));
	_cleanup_free_ char *plain = crun_run(allow, NULL, cfx.default_caps, script);
	assert_non_null(strstr(plain, "mkdir=0"));
}

static int crun_setup(void)
{
	if (geteuid() != 0) {
		printf("SKIP: running crun needs root\n");
		return SKIP;
	}
	for (size_t i = 0; i < sizeof(crun_paths) / sizeof(crun_paths[0]) && !cfx.crun; i++)
		if (access(crun_paths[i], X_OK) == 0)
			cfx.crun = crun_paths[i];
	if (!cfx.crun) {
		printf("SKIP: crun is not installed\n");
		return SKIP;
	}
	const char *busybox = busybox_find();
	if (!busybox) {
		printf("SKIP: busybox-static is not installed\n");
		return SKIP;
	}
	if (access("/usr/share/containers/seccomp.json", R_OK) != 0) {
		printf("SKIP: /usr/share/containers/seccomp.json is missing\n");
		return SKIP;
	}
	enum cgroup_mode mode;
	if (cgroup_detect_mode(NULL, NULL, NULL, &mode, NULL) == 0 && mode == CGROUP_MODE_HYBRID)
		cfx.flags = RUNTIME_EXEC_HIDE_CGROUP2_UNIFIED;
	char tmpl[] = "/tmp/cpod-test-seccomp-crun-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	cfx.dir = xstrdup(tmpl);
	cfx.bundle = path_join(cfx.dir, "bundle");
	cfx.state = path_join(cfx.dir, "state");
	cfx.log = path_join(cfx.dir, "crun.log");
	_cleanup_free_ char *bin = path_join(cfx.bundle, "rootfs/bin");
	_cleanup_free_ char *dst = path_join(bin, "busybox");
	if (mkdir_p(bin, 0755) < 0 || mkdir_p(cfx.state, 0700) < 0 ||
	    busybox_copy_file(busybox, dst, 0755) < 0) {
		printf("cannot set up the bundle in %s\n", cfx.dir);
		return 1;
	}
	return 0;
}

static int crun_tests_run(const char *const *default_caps)
{
	cfx.default_caps = (char *const *)default_caps;
	int r = crun_setup();
	if (r != 0)
		return r;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_crun_default_profile_identical),
	        cmocka_unit_test(test_crun_custom_profiles_identical),
	        cmocka_unit_test(test_crun_refuses_what_cpod_refuses),
	        cmocka_unit_test(test_crun_annotation_keeps_denials),
	        cmocka_unit_test(test_crun_uses_the_annotation),
	};
	r = cmocka_run_group_tests_name("seccomp-bpf-crun", tests, NULL, NULL);
	(void)rm_rf_at(AT_FDCWD, cfx.dir);
	free(cfx.dir);
	free(cfx.bundle);
	free(cfx.state);
	free(cfx.log);
	return r;
}

#endif
