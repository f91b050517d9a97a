/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/containers-conf.h"
#include "runtime/spec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

struct fixture {
	char dir[64];
	char *rootfs;
	char *userdata;
};

static void write_file(const char *dir, const char *name, const char *content)
{
	_cleanup_free_ char *p = path_join(dir, name);
	_cleanup_free_ char *parent = xstrdup(p);
	*strrchr(parent, '/') = '\0';
	assert_int_equal(mkdir_p(parent, 0755), 0);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, p, content, strlen(content), 0644, false),
	                 0);
}

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cpod-spec-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->rootfs = path_join(f->dir, "rootfs");
	f->userdata = path_join(f->dir, "userdata");
	assert_int_equal(mkdir_p(f->userdata, 0700), 0);
	write_file(f->rootfs, "etc/passwd",
	           "root:x:0:0:root:/root:/bin/sh\n"
	           "# a comment\n"
	           "bob:x:1000:1000:Bob:/home/bob:/bin/sh\n"
	           "nohome:x:1001:1001::\n"
	           "broken:x:notanumber:0::/:\n");
	write_file(
	        f->rootfs, "etc/group",
	        "root:x:0:\nbob:x:1000:\nwheel:x:10:bob\nextra:x:20:alice,bob\nother:x:30:alice\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rm_rf_at(AT_FDCWD, f->dir);
	free(f->rootfs);
	free(f->userdata);
	free(f);
	return 0;
}

static const char *const test_id =
        "3cc5f1138dbc12fff4398eb13942369ef79ffdb8513ab1a04d48a0d0cacad530";

static struct spec_opts base_opts(const struct fixture *f)
{
	static char *const cmd[] = {"sh", NULL};
	return (struct spec_opts){
	        .rootfs = f->rootfs,
	        .id = test_id,
	        .name = "serene_bassi",
	        .command = cmd,
	        .net = SPEC_NS_NONE,
	        .userdata_dir = f->userdata,
	        .created = "2026-11-23T18:23:30.62727178Z",
	        .seccomp_profile = "unconfined",
	        .host_internal_ip = "192.0.2.2",
	};
}

static json_t *generate_ok(const struct spec_opts *o)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	json_t *spec = NULL;
	int r = spec_generate(o, NULL, &spec, &err);
	if (r < 0)
		fail_msg("spec_generate: %s", err->msg);
	assert_non_null(spec);
	return spec;
}

static char *generate_err(const struct spec_opts *o)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	json_t *spec = NULL;
	assert_true(spec_generate(o, NULL, &spec, &err) < 0);
	assert_null(spec);
	return xstrdup(err->msg);
}

/* The string values of an array, joined with ",". */
static char *join_array(const json_t *a, const char *key)
{
	_cleanup_strv_free_ char **v = xnew(char *, 1);
	size_t i;
	json_t *e;
	json_array_foreach (a, i, e) {
		if (key)
			strv_push(&v, json_get_string(e, key));
		else if (json_is_string(e))
			strv_push(&v, json_string_value(e));
		else {
			_cleanup_free_ char *n =
			        xasprintf("%lld", (long long)json_integer_value(e));
			strv_push(&v, n);
		}
	}
	return strv_join(v, ",");
}

static void assert_array(const json_t *a, const char *key, const char *expected)
{
	_cleanup_free_ char *j = join_array(a, key);
	assert_string_equal(j, expected);
}

static const json_t *find_mount(const json_t *spec, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(spec, "mounts"), i, m)
		if (strcmp(json_get_string(m, "destination"), dest) == 0)
			return m;
	return NULL;
}

static char *read_userdata(const struct fixture *f, const char *name)
{
	_cleanup_free_ char *p = path_join(f->userdata, name);
	char *data = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, p, 0, &data, NULL), 0);
	return data;
}

#define DEFAULT_CAPS                                                                               \
	"CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,"          \
	"CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT"

static void test_spec_generate_default_shape(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *proc = json_object_get(spec, "process");
	json_t *lx = json_object_get(spec, "linux");

	assert_string_equal(json_get_string(spec, "ociVersion"), "1.0.2-dev");
	assert_string_equal(json_get_string(spec, "hostname"), "3cc5f1138dbc");
	assert_null(json_object_get(proc, "terminal"));
	assert_array(json_object_get(proc, "args"), NULL, "sh");
	assert_string_equal(json_get_string(proc, "cwd"), "/");
	json_t *user = json_object_get(proc, "user");
	assert_int_equal(json_integer_value(json_object_get(user, "uid")), 0);
	assert_int_equal(json_integer_value(json_object_get(user, "umask")), 18);
	assert_null(json_object_get(user, "additionalGids"));
	assert_array(json_object_get(proc, "env"), NULL,
	             "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin,TERM=xterm,"
	             "container=podman,HOME=/root,HOSTNAME=3cc5f1138dbc");

	json_t *caps = json_object_get(proc, "capabilities");
	assert_array(json_object_get(caps, "bounding"), NULL, DEFAULT_CAPS);
	assert_array(json_object_get(caps, "effective"), NULL, DEFAULT_CAPS);
	assert_array(json_object_get(caps, "permitted"), NULL, DEFAULT_CAPS);
	assert_null(json_object_get(caps, "inheritable"));
	assert_null(json_object_get(caps, "ambient"));

	assert_string_equal(json_get_string(json_object_get(spec, "root"), "path"), f->rootfs);
	assert_null(json_object_get(json_object_get(spec, "root"), "readonly"));
	assert_array(json_object_get(spec, "mounts"), "destination",
	             "/proc,/dev,/sys,/dev/pts,/dev/mqueue,/dev/shm,/etc/hosts,/etc/hostname,"
	             "/run/.containerenv,/sys/fs/cgroup");
	const json_t *m = find_mount(spec, "/dev/pts");
	assert_array(json_object_get(m, "options"), NULL,
	             "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
	m = find_mount(spec, "/dev");
	assert_array(json_object_get(m, "options"), NULL,
	             "nosuid,noexec,strictatime,mode=755,size=65536k");
	m = find_mount(spec, "/sys/fs/cgroup");
	assert_string_equal(json_get_string(m, "type"), "cgroup");
	assert_array(json_object_get(m, "options"), NULL,
	             "rprivate,nosuid,noexec,nodev,relatime,ro");
	m = find_mount(spec, "/dev/shm");
	assert_array(json_object_get(m, "options"), NULL,
	             "nosuid,noexec,nodev,mode=1777,size=67108864");
	m = find_mount(spec, "/etc/hosts");
	_cleanup_free_ char *hosts_path = path_join(f->userdata, "hosts");
	assert_string_equal(json_get_string(m, "source"), hosts_path);
	assert_array(json_object_get(m, "options"), NULL, "bind,rprivate");

	json_t *ann = json_object_get(spec, "annotations");
	assert_string_equal(json_get_string(ann, "io.container.manager"), "cpod");
	assert_string_equal(json_get_string(ann, "io.kubernetes.cri-o.Created"),
	                    "2026-11-23T18:23:30.62727178Z");
	assert_string_equal(json_get_string(ann, "io.kubernetes.cri-o.TTY"), "false");
	assert_string_equal(json_get_string(ann, "io.podman.annotations.init"), "FALSE");
	assert_string_equal(json_get_string(ann, "org.opencontainers.image.stopSignal"), "15");

	assert_string_equal(
	        json_get_string(json_object_get(lx, "sysctl"), "net.ipv4.ping_group_range"), "0 0");
	json_t *res = json_object_get(lx, "resources");
	json_t *dev = json_array_get(json_object_get(res, "devices"), 0);
	assert_true(json_is_false(json_object_get(dev, "allow")));
	assert_string_equal(json_get_string(dev, "access"), "rwm");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "pids"), "limit")),
	                 2048);
	_cleanup_free_ char *cg = xasprintf("/cpod_parent/cpod-%s", test_id);
	assert_string_equal(json_get_string(lx, "cgroupsPath"), cg);
	assert_array(json_object_get(lx, "namespaces"), "type", "pid,network,ipc,uts,mount");
	assert_null(json_object_get(lx, "seccomp"));
	assert_array(json_object_get(lx, "maskedPaths"), NULL,
	             "/proc/acpi,/proc/kcore,/proc/keys,/proc/latency_stats,/proc/timer_list,"
	             "/proc/timer_stats,/proc/sched_debug,/proc/scsi,/sys/firmware,/sys/fs/selinux,"
	             "/sys/dev/block");
	assert_array(json_object_get(lx, "readonlyPaths"), NULL,
	             "/proc/asound,/proc/bus,/proc/fs,/proc/irq,/proc/sys,/proc/sysrq-trigger");

	/* the generated files, as Podman writes them for --network none */
	_cleanup_free_ char *hostname = read_userdata(f, "hostname");
	assert_string_equal(hostname, "3cc5f1138dbc");
	_cleanup_free_ char *containerenv = read_userdata(f, ".containerenv");
	assert_string_equal(containerenv, "");
	_cleanup_free_ char *hosts = read_userdata(f, "hosts");
	assert_non_null(strstr(hosts, "192.0.2.2\thost.containers.internal\n"));
	assert_non_null(strstr(hosts, "127.0.0.1\t3cc5f1138dbc serene_bassi\n"));
	assert_null(find_mount(spec, "/etc/resolv.conf"));
}

static void test_spec_generate_from_containers_conf(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	_cleanup_config_ struct cpod_config *cfg = config_new_default(NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_json_ json_t *spec = NULL;

	free(cfg->containers.umask);
	cfg->containers.umask = xstrdup("0077");
	cfg->containers.pids_limit = 100;
	free(cfg->containers.shm_size);
	cfg->containers.shm_size = xstrdup("1m");
	if (spec_generate(&o, cfg, &spec, &err) < 0)
		fail_msg("spec_generate: %s", err->msg);
	json_t *proc = json_object_get(spec, "process");
	assert_array(json_object_get(json_object_get(proc, "capabilities"), "bounding"), NULL,
	             DEFAULT_CAPS);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(proc, "user"), "umask")), 077);
	json_t *res = json_object_get(json_object_get(spec, "linux"), "resources");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "pids"), "limit")),
	                 100);
	const json_t *shm = find_mount(spec, "/dev/shm");
	assert_array(json_object_get(shm, "options"), NULL,
	             "nosuid,noexec,nodev,mode=1777,size=1048576");
	/* containers.conf default_ulimits (nproc as Podman computes it) come through, clamped */
	if (cfg->containers.default_ulimits && cfg->containers.default_ulimits[0]) {
		struct spec_rlimit want;
		struct rlimit host;
		assert_int_equal(spec_ulimit_parse(cfg->containers.default_ulimits[0], &want, NULL),
		                 0);
		assert_int_equal(getrlimit(want.resource, &host), 0);
		uint64_t hard = want.hard < host.rlim_max ? want.hard : host.rlim_max;
		json_t *rl = json_array_get(json_object_get(proc, "rlimits"), 0);
		assert_string_equal(json_get_string(rl, "type"), spec_rlimit_name(want.resource));
		assert_true((uint64_t)json_integer_value(json_object_get(rl, "hard")) == hard);
	}
}

static void test_spec_generate_rlimits_clamped(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	char *const ulimits[] = {"nofile=100:200", "core=-1", NULL};
	struct rlimit nofile, nproc, core;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &nofile), 0);
	assert_int_equal(getrlimit(RLIMIT_NPROC, &nproc), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &core), 0);

	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		json_t *rl = json_object_get(json_object_get(spec, "process"), "rlimits");
		assert_array(rl, "type", "RLIMIT_NOFILE,RLIMIT_NPROC");
		size_t i;
		json_t *e;
		json_array_foreach (rl, i, e) {
			const struct rlimit *host = i == 0 ? &nofile : &nproc;
			uint64_t hard = (uint64_t)json_integer_value(json_object_get(e, "hard"));
			uint64_t soft = (uint64_t)json_integer_value(json_object_get(e, "soft"));
			uint64_t want = host->rlim_max < 1048576 ? host->rlim_max : 1048576;
			assert_true(hard == want);
			assert_true(soft <= hard);
		}
	}
	o.ulimits = ulimits;
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *rl = json_object_get(json_object_get(spec, "process"), "rlimits");
	assert_array(rl, "type", "RLIMIT_NOFILE,RLIMIT_CORE,RLIMIT_NPROC");
	json_t *nf = json_array_get(rl, 0);
	uint64_t want_hard = nofile.rlim_max < 200 ? nofile.rlim_max : 200;
	assert_true((uint64_t)json_integer_value(json_object_get(nf, "hard")) == want_hard);
	assert_int_equal(json_integer_value(json_object_get(nf, "soft")), 100);
	json_t *c = json_array_get(rl, 1);
	uint64_t core_hard = (uint64_t)json_integer_value(json_object_get(c, "hard"));
	if (core.rlim_max != RLIM_INFINITY)
		assert_true(core_hard == core.rlim_max);
	else
		assert_true(core_hard == (uint64_t)INT64_MAX);
}

static void test_spec_ulimit_parse(void **state)
{
	struct spec_rlimit rl;
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	assert_int_equal(spec_ulimit_parse("nofile=1024:2048", &rl, NULL), 0);
	assert_int_equal(rl.resource, RLIMIT_NOFILE);
	assert_true(rl.soft == 1024 && rl.hard == 2048);
	assert_int_equal(spec_ulimit_parse("nproc=50", &rl, NULL), 0);
	assert_true(rl.soft == 50 && rl.hard == 50);
	assert_int_equal(spec_ulimit_parse("nofile=10:5", &rl, &e1), -EINVAL);
	assert_string_equal(e1->msg, "ulimit soft limit must be less than or equal to hard limit: "
	                             "10 > 5");
	assert_int_equal(spec_ulimit_parse("bogus=1", &rl, &e2), -EINVAL);
	assert_string_equal(e2->msg, "invalid ulimit type: bogus");
	assert_int_equal(spec_ulimit_parse("nofile", &rl, &e3), -EINVAL);
	assert_string_equal(e3->msg, "invalid ulimit argument: nofile");
	assert_int_equal(spec_ulimit_parse("nofile=x", &rl, &e4), -EINVAL);
	assert_string_equal(spec_rlimit_name(RLIMIT_MEMLOCK), "RLIMIT_MEMLOCK");
}

static void test_spec_env_merge_order(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	_cleanup_json_ json_t *img = json_pack(
	        "{s:[s,s,s], s:[s], s:[s], s:s}", "Env", "PATH=/image/bin", "A=image", "B=image",
	        "Entrypoint", "/entry", "Cmd", "image-cmd", "StopSignal", "SIGKILL");
	char *const env[] = {"B=user",          "C=user", "HOME=/custom", "CPOD_TEST_FROM_HOST",
	                     "CPOD_TEST_UNSET", NULL};
	setenv("CPOD_TEST_FROM_HOST", "hostval", 1);
	unsetenv("CPOD_TEST_UNSET");
	o.image_config = img;
	o.command = NULL;
	o.env = env;
	o.hostname = "myhost";
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *proc = json_object_get(spec, "process");
	assert_array(json_object_get(proc, "env"), NULL,
	             "PATH=/image/bin,TERM=xterm,container=podman,A=image,B=user,C=user,"
	             "HOME=/custom,CPOD_TEST_FROM_HOST=hostval,HOSTNAME=myhost");
	assert_array(json_object_get(proc, "args"), NULL, "/entry,image-cmd");
	assert_string_equal(json_get_string(spec, "hostname"), "myhost");
	assert_string_equal(json_get_string(json_object_get(spec, "annotations"),
	                                    "org.opencontainers.image.stopSignal"),
	                    "9");
}

static void test_spec_args_entrypoint_rules(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	_cleanup_json_ json_t *img =
	        json_pack("{s:[s], s:[s,s]}", "Entrypoint", "/entry", "Cmd", "a", "b");
	char *const user_cmd[] = {"x", NULL};
	char *const empty_ep[] = {"", NULL};
	o.image_config = img;
	o.command = user_cmd;
	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		assert_array(json_object_get(json_object_get(spec, "process"), "args"), NULL,
		             "/entry,x");
	}
	/* --entrypoint "" drops the image entrypoint and its Cmd */
	o.entrypoint_set = true;
	o.entrypoint = empty_ep;
	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		assert_array(json_object_get(json_object_get(spec, "process"), "args"), NULL, "x");
	}
	o.command = NULL;
	_cleanup_free_ char *msg = generate_err(&o);
	assert_string_equal(msg, "no command or entrypoint provided, and no CMD or ENTRYPOINT "
	                         "from image");
}

static void test_spec_user_resolve(void **state)
{
	struct fixture *f = *state;
	struct spec_user u = {0};
	assert_int_equal(spec_user_resolve(f->rootfs, "bob", &u, NULL), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_string_equal(u.home, "/home/bob");
	assert_int_equal(u.n_sgids, 2);
	assert_int_equal(u.sgids[0], 10);
	assert_int_equal(u.sgids[1], 20);
	spec_user_release(&u);

	assert_int_equal(spec_user_resolve(f->rootfs, "bob:wheel", &u, NULL), 0);
	assert_int_equal(u.gid, 10);
	assert_int_equal(u.n_sgids, 0);
	spec_user_release(&u);

	assert_int_equal(spec_user_resolve(f->rootfs, "1000:555", &u, NULL), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 555);
	spec_user_release(&u);

	assert_int_equal(spec_user_resolve(f->rootfs, "4321", &u, NULL), 0);
	assert_int_equal(u.uid, 4321);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/");
	spec_user_release(&u);

	assert_int_equal(spec_user_resolve(f->rootfs, "nohome", &u, NULL), 0);
	assert_string_equal(u.home, "/");
	spec_user_release(&u);

	assert_int_equal(spec_user_resolve(f->rootfs, "", &u, NULL), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(u.home, "/root");
	spec_user_release(&u);

	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(spec_user_resolve(f->rootfs, "foo", &u, &e1), -ENOENT);
	assert_string_equal(e1->msg, "unable to find user foo: no matching entries in passwd file");
	assert_int_equal(spec_user_resolve(f->rootfs, "bob:nogroup", &u, &e2), -ENOENT);
	assert_string_equal(e2->msg,
	                    "unable to find group nogroup: no matching entries in group file");
	assert_int_equal(spec_user_resolve(f->rootfs, "99999999999", &u, &e3), -EINVAL);
}

static void test_spec_user_hostile_symlink_stays_inside(void **state)
{
	struct fixture *f = *state;
	struct spec_user u = {0};
	_cleanup_error_ struct cpod_error *err = NULL;
	/* a "host" passwd outside the rootfs, and the image's passwd pointing at it */
	write_file(f->dir, "host/passwd", "evil:x:666:666::/evil:/bin/sh\n");
	_cleanup_free_ char *pw = path_join(f->rootfs, "etc/passwd");
	assert_int_equal(unlink(pw), 0);
	assert_int_equal(symlink("/etc/../../../../../../host/passwd", pw), 0);
	assert_int_equal(spec_user_resolve(f->rootfs, "evil", &u, &err), -ENOENT);
	assert_string_equal(err->msg,
	                    "unable to find user evil: no matching entries in passwd file");

	/* the same path resolved inside the rootfs is found */
	write_file(f->rootfs, "host/passwd", "inside:x:77:78::/in:/bin/sh\n");
	assert_int_equal(spec_user_resolve(f->rootfs, "inside", &u, NULL), 0);
	assert_int_equal(u.uid, 77);
	assert_int_equal(u.gid, 78);
	spec_user_release(&u);
}

static void test_spec_generate_user_bob(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	char *const add[] = {"net_admin", NULL};
	o.user = "bob";
	o.cap_add = add;
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *proc = json_object_get(spec, "process");
	json_t *user = json_object_get(proc, "user");
	assert_int_equal(json_integer_value(json_object_get(user, "uid")), 1000);
	assert_array(json_object_get(user, "additionalGids"), NULL, "1000,10,20");
	json_t *caps = json_object_get(proc, "capabilities");
	_cleanup_free_ char *bounding = join_array(json_object_get(caps, "bounding"), NULL);
	assert_non_null(strstr(bounding, "CAP_NET_ADMIN"));
	assert_array(json_object_get(caps, "effective"), NULL, "CAP_NET_ADMIN");
	assert_array(json_object_get(caps, "ambient"), NULL, "CAP_NET_ADMIN");
	_cleanup_free_ char *env = join_array(json_object_get(proc, "env"), NULL);
	assert_non_null(strstr(env, ",HOME=/home/bob,HOSTNAME=3cc5f1138dbc"));
}

static void test_spec_caps_merge(void **state)
{
	char *const base[] = {"CHOWN", "KILL", "SETUID", NULL};
	char *const add[] = {"cap_net_raw", "sys_admin", NULL};
	char *const drop[] = {"kill", NULL};
	char *const all[] = {"ALL", NULL};
	char *const bad[] = {"NOT_A_CAP", NULL};
	_cleanup_strv_free_ char **r1 = NULL, **r2 = NULL;
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL;

	assert_int_equal(spec_caps_merge(base, add, drop, &r1, NULL), 0);
	_cleanup_free_ char *j1 = strv_join(r1, ",");
	assert_string_equal(j1, "CAP_CHOWN,CAP_NET_RAW,CAP_SETUID,CAP_SYS_ADMIN");
	assert_int_equal(spec_caps_merge(base, add, all, &r2, NULL), 0);
	_cleanup_free_ char *j2 = strv_join(r2, ",");
	assert_string_equal(j2, "CAP_NET_RAW,CAP_SYS_ADMIN");
	assert_int_equal(spec_caps_merge(base, bad, NULL, &r1, &e1), -EINVAL);
	assert_string_equal(e1->msg, "\"CAP_NOT_A_CAP\": unknown capability");
	assert_int_equal(spec_caps_merge(base, drop, drop, &r1, &e2), -EINVAL);
	assert_string_equal(e2->msg, "capability \"CAP_KILL\" cannot be dropped and added");
}

static void test_spec_workdir(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	_cleanup_json_ json_t *img = json_pack("{s:s}", "WorkingDir", "/app/data");
	struct stat st;
	o.image_config = img;
	o.user = "bob";
	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		assert_string_equal(json_get_string(json_object_get(spec, "process"), "cwd"),
		                    "/app/data");
		_cleanup_free_ char *p = path_join(f->rootfs, "app/data");
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		if (geteuid() == 0)
			assert_int_equal(st.st_uid, 1000);
	}
	/* an explicit --workdir must exist, as in Podman */
	o.workdir = "/missing";
	_cleanup_free_ char *msg = generate_err(&o);
	_cleanup_free_ char *want =
	        xasprintf("workdir \"/missing\" does not exist on container %s", test_id);
	assert_string_equal(msg, want);

	/* a symlink in the image cannot make cpod create directories on the host */
	_cleanup_free_ char *link = path_join(f->rootfs, "escape");
	assert_int_equal(symlink("/../../../outside", link), 0);
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(spec_workdir_prepare(f->rootfs, "/escape/sub", true, 0, 0, test_id, &err),
	                 0);
	_cleanup_free_ char *inside = path_join(f->rootfs, "outside/sub");
	_cleanup_free_ char *outside = path_join(f->dir, "outside");
	assert_int_equal(stat(inside, &st), 0);
	assert_int_equal(stat(outside, &st), -1);
}

static void test_spec_init_and_tz(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	o.init = true;
	o.init_path = "/usr/bin/true";
	o.tz = access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0 ? "Europe/Paris" : "";
	o.terminal = true;
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *proc = json_object_get(spec, "process");
	assert_true(json_is_true(json_object_get(proc, "terminal")));
	assert_array(json_object_get(proc, "args"), NULL, "/run/podman-init,--,sh");
	const json_t *m = find_mount(spec, "/run/podman-init");
	assert_non_null(m);
	assert_string_equal(json_get_string(m, "source"), "/usr/bin/true");
	assert_array(json_object_get(m, "options"), NULL, "bind,ro,rprivate");
	json_t *ann = json_object_get(spec, "annotations");
	assert_string_equal(json_get_string(ann, "io.podman.annotations.init"), "TRUE");
	assert_string_equal(json_get_string(ann, "io.kubernetes.cri-o.TTY"), "true");
	if (*o.tz) {
		m = find_mount(spec, "/etc/localtime");
		assert_non_null(m);
		_cleanup_free_ char *lt = path_join(f->userdata, "localtime");
		assert_string_equal(json_get_string(m, "source"), lt);
	}

	o.tz = "../../etc/shadow";
	_cleanup_free_ char *msg = generate_err(&o);
	assert_non_null(strstr(msg, "invalid location name"));
	o.tz = "Nowhere/City";
	_cleanup_free_ char *msg2 = generate_err(&o);
	assert_non_null(strstr(msg2, "unknown time zone Nowhere/City"));
}

static void test_spec_network_modes(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	o.net = SPEC_NS_HOST;
	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		json_t *lx = json_object_get(spec, "linux");
		assert_array(json_object_get(lx, "namespaces"), "type", "pid,ipc,uts,mount");
		assert_null(json_object_get(lx, "sysctl"));
		assert_non_null(find_mount(spec, "/etc/resolv.conf"));
		_cleanup_free_ char *hosts = read_userdata(f, "hosts");
		assert_null(strstr(hosts, "serene_bassi"));
	}
	o.net = SPEC_NS_PATH;
	o.netns_path = "/run/netns/cpod-test";
	o.cgroup_v2 = true;
	o.cgroup_systemd = true;
	{
		_cleanup_json_ json_t *spec = generate_ok(&o);
		json_t *lx = json_object_get(spec, "linux");
		json_t *net = json_array_get(json_object_get(lx, "namespaces"), 1);
		assert_string_equal(json_get_string(net, "type"), "network");
		assert_string_equal(json_get_string(net, "path"), "/run/netns/cpod-test");
		assert_array(json_object_get(lx, "namespaces"), "type",
		             "pid,network,ipc,uts,mount,cgroup");
		_cleanup_free_ char *cg = xasprintf("machine.slice:cpod:%s", test_id);
		if (geteuid() == 0)
			assert_string_equal(json_get_string(lx, "cgroupsPath"), cg);
		_cleanup_free_ char *resolv = read_userdata(f, "resolv.conf");
		assert_null(strstr(resolv, "nameserver 127."));
	}
	char *const bad_sysctl[] = {"net.ipv4.ip_forward=1", NULL};
	o.net = SPEC_NS_HOST;
	o.sysctls = bad_sysctl;
	_cleanup_free_ char *msg = generate_err(&o);
	assert_non_null(strstr(msg, "net.ipv4.ip_forward=1"));
}

static void test_spec_privileged_and_read_only(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	o.privileged = true;
	o.read_only = true;
	o.seccomp_profile = NULL;
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *lx = json_object_get(spec, "linux");
	assert_null(json_object_get(lx, "maskedPaths"));
	assert_null(json_object_get(lx, "seccomp"));
	assert_true(json_is_true(json_object_get(json_object_get(spec, "root"), "readonly")));
	assert_non_null(find_mount(spec, "/tmp"));
	const json_t *m = find_mount(spec, "/etc/hosts");
	assert_array(json_object_get(m, "options"), NULL, "bind,rprivate,ro,nosuid,noexec,nodev");
	_cleanup_free_ char *env = read_userdata(f, ".containerenv");
	assert_non_null(strstr(env, "engine=\"cpod-"));
	assert_non_null(strstr(env, "name=\"serene_bassi\"\n"));
	_cleanup_strv_free_ char **bset = spec_caps_bounding_set();
	_cleanup_free_ char *bj = strv_join(bset, ",");
	assert_array(
	        json_object_get(json_object_get(json_object_get(spec, "process"), "capabilities"),
	                        "bounding"),
	        NULL, bj);
}

static char *default_profile(size_t *len)
{
	char *data = NULL;
	if (read_file_at(AT_FDCWD, "/usr/share/containers/seccomp.json", 0, &data, len) < 0)
		return NULL;
	return data;
}

/* Whether some syscall group with action names syscall. */
static bool has_rule(const json_t *sc, const char *syscall, const char *action)
{
	size_t i, j;
	json_t *g, *n;
	json_array_foreach (json_object_get(sc, "syscalls"), i, g) {
		if (strcmp(json_get_string(g, "action"), action) != 0)
			continue;
		json_array_foreach (json_object_get(g, "names"), j, n)
			if (strcmp(json_string_value(n), syscall) == 0)
				return true;
	}
	return false;
}

static void test_spec_seccomp_default_profile(void **state)
{
	size_t len = 0;
	_cleanup_free_ char *data = default_profile(&len);
	if (!data) {
		print_message("skipped: /usr/share/containers/seccomp.json is missing\n");
		skip();
	}
	char *const caps[] = {"CAP_CHOWN", "CAP_SYS_CHROOT", NULL};
	char *const admin[] = {"CAP_SYS_ADMIN", NULL};
	_cleanup_json_ json_t *sc = NULL, *sc_admin = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;

	assert_int_equal(spec_seccomp_convert(data, len, caps, "amd64", "5.10.0", &sc, &err), 0);
	assert_string_equal(json_get_string(sc, "defaultAction"), "SCMP_ACT_ERRNO");
	assert_int_equal(json_integer_value(json_object_get(sc, "defaultErrnoRet")), 38);
	assert_array(json_object_get(sc, "architectures"), NULL,
	             "SCMP_ARCH_X86_64,SCMP_ARCH_X86,SCMP_ARCH_X32");
	assert_true(has_rule(sc, "read", "SCMP_ACT_ALLOW"));
	assert_true(has_rule(sc, "chroot", "SCMP_ACT_ALLOW"));
	assert_true(has_rule(sc, "arch_prctl", "SCMP_ACT_ALLOW"));
	assert_false(has_rule(sc, "bpf", "SCMP_ACT_ALLOW"));
	assert_true(has_rule(sc, "bpf", "SCMP_ACT_ERRNO"));
	assert_false(has_rule(sc, "s390_runtime_instr", "SCMP_ACT_ALLOW"));
	/* groups keep names/action/errnoRet/args only */
	json_t *g0 = json_array_get(json_object_get(sc, "syscalls"), 0);
	assert_null(json_object_get(g0, "includes"));
	assert_null(json_object_get(g0, "comment"));

	assert_int_equal(spec_seccomp_convert(data, len, admin, "arm64", "5.10.0", &sc_admin, NULL),
	                 0);
	assert_true(has_rule(sc_admin, "bpf", "SCMP_ACT_ALLOW"));
	assert_false(has_rule(sc_admin, "bpf", "SCMP_ACT_ERRNO"));
	assert_false(has_rule(sc_admin, "arch_prctl", "SCMP_ACT_ALLOW"));
	assert_array(json_object_get(sc_admin, "architectures"), NULL,
	             "SCMP_ARCH_AARCH64,SCMP_ARCH_ARM");
}

static void test_spec_seccomp_small_profiles(void **state)
{
	const char *p1 =
	        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
	        "\"syscalls\":[{\"name\":\"mkdir\",\"action\":\"SCMP_ACT_ERRNO\","
	        "\"errno\":\"EACCES\"},{\"names\":[\"new\"],\"action\":\"SCMP_ACT_ERRNO\","
	        "\"includes\":{\"minKernel\":\"99.0\"}},{\"names\":[\"kill\"],"
	        "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":1,"
	        "\"value\":9,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}";
	_cleanup_json_ json_t *sc = NULL, *none = NULL, *x = NULL;
	_cleanup_error_ struct cpod_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

	assert_int_equal(spec_seccomp_convert(p1, strlen(p1), NULL, "amd64", "5.10", &sc, NULL), 0);
	_cleanup_free_ char *dump = json_dumps(sc, JSON_COMPACT);
	assert_string_equal(
	        dump, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_"
	              "X86_64\"],\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_"
	              "ERRNO\",\"errnoRet\":13},{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_"
	              "ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_"
	              "CMP_EQ\"}]}]}");

	assert_int_equal(spec_seccomp_convert("{}", 2, NULL, "amd64", "5.10", &none, NULL), 0);
	assert_null(none);

	const char *bad1 = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"a\","
	                   "\"names\":[\"b\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
	assert_int_equal(spec_seccomp_convert(bad1, strlen(bad1), NULL, "amd64", NULL, &x, &e1),
	                 -EINVAL);
	assert_non_null(strstr(e1->msg, "use either 'name' or 'names'"));
	const char *bad2 = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"ENOPE\"}";
	assert_int_equal(spec_seccomp_convert(bad2, strlen(bad2), NULL, "amd64", NULL, &x, &e2),
	                 -EINVAL);
	assert_string_equal(e2->msg, "unknown errno ENOPE");
	assert_int_equal(spec_seccomp_convert("[1,2", 4, NULL, "amd64", NULL, &x, &e3), -EINVAL);
	assert_non_null(strstr(e3->msg, "decoding seccomp profile failed"));
	const char *bad4 = "{\"defaultAction\":5}";
	assert_int_equal(spec_seccomp_convert(bad4, strlen(bad4), NULL, "amd64", NULL, &x, &e4),
	                 -EINVAL);
}

static void test_spec_generate_with_default_seccomp(void **state)
{
	struct fixture *f = *state;
	struct spec_opts o = base_opts(f);
	if (access("/usr/share/containers/seccomp.json", R_OK) < 0) {
		print_message("skipped: /usr/share/containers/seccomp.json is missing\n");
		skip();
	}
	o.seccomp_profile = NULL;
	_cleanup_json_ json_t *spec = generate_ok(&o);
	json_t *sc = json_object_get(json_object_get(spec, "linux"), "seccomp");
	assert_non_null(sc);
	/* CAP_SYS_CHROOT is a default capability, CAP_SYS_ADMIN is not */
	assert_true(has_rule(sc, "chroot", "SCMP_ACT_ALLOW"));
	assert_true(has_rule(sc, "bpf", "SCMP_ACT_ERRNO"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_spec_generate_default_shape, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_generate_from_containers_conf, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_spec_generate_rlimits_clamped, setup,
	                                        teardown),
	        cmocka_unit_test(test_spec_ulimit_parse),
	        cmocka_unit_test_setup_teardown(test_spec_env_merge_order, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_args_entrypoint_rules, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_user_resolve, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_user_hostile_symlink_stays_inside, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_spec_generate_user_bob, setup, teardown),
	        cmocka_unit_test(test_spec_caps_merge),
	        cmocka_unit_test_setup_teardown(test_spec_workdir, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_init_and_tz, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_network_modes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_spec_privileged_and_read_only, setup,
	                                        teardown),
	        cmocka_unit_test(test_spec_seccomp_default_profile),
	        cmocka_unit_test(test_spec_seccomp_small_profiles),
	        cmocka_unit_test_setup_teardown(test_spec_generate_with_default_seccomp, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
