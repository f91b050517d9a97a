/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container engine's state: database (create, lookup by ID/name/prefix, name
 * collisions, list, remove, rename, migrations, reboot reset, crash repair, 50 concurrent
 * creators) against a real store with a busybox image built here from /bin/busybox; and,
 * as root with conmon and crun/runc, the lifecycle of real containers.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/container-internal.h"
#include "engine/engine.h"
#include "storage/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

#include "engine-test-image.h"

static char *tmp_root;

static void check(int r, struct cpod_error *err)
{
	if (r < 0)
		fail_msg("%s", err ? err->msg : "(no message)");
}

/* A fresh engine over tmp_root (the image is already in the store). */
static struct engine *new_engine(const char *runtime)
{
	_cleanup_free_ char *g = path_join(tmp_root, "graph");
	_cleanup_free_ char *r = path_join(tmp_root, "run");
	struct engine_options o = {
	        .root = g, .runroot = r, .runtime = runtime, .storage_driver = "vfs"};
	struct engine *e = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(engine_new(&o, &e, &err), err);
	return e;
}

static int run_sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Build a busybox rootfs tar and import it as localhost/bb:latest. */
static int make_image(void)
{
	_cleanup_free_ char *cmd = xasprintf(
	        "set -e; d=%s/rootfs; mkdir -p $d/bin $d/etc $d/tmp $d/proc $d/sys $d/dev; "
	        "cp /bin/busybox $d/bin/busybox; for a in sh echo sleep true false cat; do "
	        "ln -sf busybox $d/bin/$a; done; echo 'root:x:0:0:root:/root:/bin/sh' > "
	        "$d/etc/passwd; echo 'root:x:0:' > $d/etc/group; tar -C $d -cf %s/rootfs.tar .",
	        tmp_root, tmp_root);
	if (run_sh(cmd) != 0)
		return -1;
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct store *s = engine_store(e, &err);
	check(s ? 0 : -1, err);
	_cleanup_free_ char *tar = path_join(tmp_root, "rootfs.tar");
	check(engine_test_import_image(s, tar, "localhost/bb:latest",
	                               "{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],"
	                               "\"WorkingDir\":\"/\"}",
	                               &err),
	      err);
	return 0;
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/cpod-engine-test-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	tmp_root = xstrdup(tmpl);
	return make_image();
}

static int teardown(void **state)
{
	_cleanup_free_ char *cmd =
	        xasprintf("umount -R %s/graph/vfs 2>/dev/null; rm -rf %s", tmp_root, tmp_root);
	(void)run_sh(cmd);
	free(tmp_root);
	return 0;
}

static struct container *create(struct engine *e, const char *name, char **cmd)
{
	struct container_create_opts o = {
	        .image = "bb", .name = name, .command = cmd, .stop_timeout = -1, .network = "none"};
	struct container *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_create(e, &o, &c, &err), err);
	return c;
}

static void rm_all(struct engine *e)
{
	_cleanup_strv_free_ char **removed = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_prune(e, &removed, &err), err);
}

/* ---- database ------------------------------------------------------------------------------ */

static void test_container_create_lookup(void **state)
{
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_(container_freep) struct container *c = create(e, "alpha", NULL);
	assert_int_equal(strlen(c->config.id), 64);
	assert_string_equal(c->config.image_name, "localhost/bb:latest");
	assert_string_equal(c->config.command[0], "sh");
	assert_int_equal(c->state.status, CTR_CONFIGURED);

	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *byname = NULL;
	check(container_lookup(e, "alpha", &byname, &err), err);
	assert_string_equal(byname->config.id, c->config.id);
	_cleanup_(container_freep) struct container *byid = NULL;
	check(container_lookup(e, c->config.id, &byid, &err), err);
	assert_string_equal(byid->config.name, "alpha");
	_cleanup_free_ char *prefix = xstrndup(c->config.id, 12);
	_cleanup_(container_freep) struct container *bypre = NULL;
	check(container_lookup(e, prefix, &bypre, &err), err);
	assert_string_equal(bypre->config.name, "alpha");

	_cleanup_(container_freep) struct container *none = NULL;
	assert_int_equal(container_lookup(e, "nope", &none, &err), -ENOENT);
	assert_string_equal(err->msg,
	                    "no container with name or ID \"nope\" found: no such container");
	rm_all(e);
}

static void test_container_name_collision(void **state)
{
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_(container_freep) struct container *c = create(e, "dup", NULL);
	struct container_create_opts o = {.image = "bb", .name = "dup", .stop_timeout = -1};
	struct container *c2 = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(container_create(e, &o, &c2, &err), -EEXIST);
	_cleanup_free_ char *want = xasprintf(
	        "the container name \"dup\" is already in use by %s. You have to remove that "
	        "container to be able to reuse that name: that name is already in use",
	        c->config.id);
	assert_string_equal(err->msg, want);
	cpod_error_free(TAKE_PTR(err));
	o.name = "-bad";
	assert_int_equal(container_create(e, &o, &c2, &err), -EINVAL);
	assert_string_equal(err->msg,
	                    "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	cpod_error_free(TAKE_PTR(err));
	o.name = NULL;
	o.image = "nosuchimage";
	assert_int_equal(container_create(e, &o, &c2, &err), -ENOENT);
	rm_all(e);
}

static void test_container_list_rename_remove(void **state)
{
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_(container_freep) struct container *a = create(e, "one", NULL);
	_cleanup_(container_freep) struct container *b = create(e, NULL, NULL);
	assert_true(container_name_valid(b->config.name));
	assert_non_null(strchr(b->config.name, '_'));

	struct container **v = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_list(e, &v, &n, &err), err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->config.id, b->config.id); /* newest first */
	container_list_free(v, n);

	check(container_rename(e, "one", "uno", &err), err);
	_cleanup_(container_freep) struct container *r = NULL;
	check(container_lookup(e, "uno", &r, &err), err);
	assert_string_equal(r->config.id, a->config.id);
	assert_int_equal(container_rename(e, "uno", b->config.name, &err), -EEXIST);
	cpod_error_free(TAKE_PTR(err));

	struct container_remove_opts ro = {.timeout = -1};
	check(container_remove(e, "uno", &ro, &err), err);
	_cleanup_(container_freep) struct container *gone = NULL;
	assert_int_equal(container_lookup(e, a->config.id, &gone, &err), -ENOENT);
	cpod_error_free(TAKE_PTR(err));
	_cleanup_free_ char *ud = container_userdata_dir(e, a->config.id, false);
	assert_false(path_exists(ud));

	/* ps rows and inspect */
	_cleanup_json_ json_t *rows = NULL;
	struct container_ps_opts po = {.all = true};
	check(container_ps(e, &po, &rows, &err), err);
	assert_int_equal(json_array_size(rows), 1);
	json_t *row = json_array_get(rows, 0);
	assert_string_equal(json_get_string(row, "State"), "created");
	assert_string_equal(json_get_string(row, "Status"), "Created");
	char *filters[] = {"status=exited", NULL};
	struct container_ps_opts pf = {.filters = filters};
	_cleanup_json_ json_t *none = NULL;
	check(container_ps(e, &pf, &none, &err), err);
	assert_int_equal(json_array_size(none), 0);
	char *bad[] = {"color=red", NULL};
	struct container_ps_opts pb = {.filters = bad};
	_cleanup_json_ json_t *x = NULL;
	assert_int_equal(container_ps(e, &pb, &x, &err), -EINVAL);
	cpod_error_free(TAKE_PTR(err));

	_cleanup_json_ json_t *ins = NULL;
	check(container_inspect_json(e, b, false, &ins, &err), err);
	assert_string_equal(json_get_string(ins, "Id"), b->config.id);
	assert_string_equal(json_get_string(ins, "Path"), "sh");
	assert_string_equal(json_get_string(json_object_get(ins, "State"), "Status"), "created");
	assert_string_equal(json_get_string(json_object_get(ins, "State"), "StartedAt"),
	                    "0001-01-01T00:00:00Z");
	rm_all(e);
}

static void test_container_prefix_ambiguous(void **state)
{
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct state_db *db = engine_state(e, &err);
	check(db ? 0 : -1, err);
	/* two records whose IDs share "abc" */
	const char *ids[] = {"abc1", "abc2"};
	for (int i = 0; i < 2; i++) {
		struct container c = {0};
		_cleanup_free_ char *id = xasprintf("%s%060d", ids[i], 0);
		c.config.id = id;
		c.config.name = (char *)ids[i];
		check(state_db_insert(db, &c, NULL, &err), err);
		check(state_db_set_pending(db, id, false, &err), err);
	}
	_cleanup_free_ char *found = NULL;
	assert_int_equal(state_db_lookup_id(db, "abc", &found, &err), -EINVAL);
	assert_string_equal(err->msg,
	                    "more than one result for container ID abc: container already exists");
	cpod_error_free(TAKE_PTR(err));
	check(state_db_lookup_id(db, "abc2", &found, &err), err); /* a name wins over a prefix */
	assert_string_equal(found,
	                    "abc2000000000000000000000000000000000000000000000000000000000000");
	free(TAKE_PTR(found));
	check(state_db_lookup_id(db, "abc10", &found, &err), err);
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *id = xasprintf("%s%060d", ids[i], 0);
		check(state_db_delete(db, id, &err), err);
	}
}

static void test_state_db_migration_from_v0(void **state)
{
	_cleanup_free_ char *dir = path_join(tmp_root, "mig");
	_cleanup_free_ char *cmd =
	        xasprintf("mkdir -p %s && sqlite3 %s/cpod.db 'CREATE TABLE "
	                  "schema_version (version INTEGER NOT NULL); INSERT INTO "
	                  "schema_version VALUES (0);' 2>/dev/null",
	                  dir, dir);
	if (run_sh(cmd) != 0) {
		/* no sqlite3 tool: an empty file is version 0 as well */
		_cleanup_free_ char *p = path_join(dir, "cpod.db");
		(void)mkdir_p(dir, 0700);
		close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	}
	_cleanup_(state_db_closep) struct state_db *db = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(state_db_open(dir, &db, &err), err);
	int v = -1;
	check(state_db_schema_version(db, &v, &err), err);
	assert_int_equal(v, STATE_DB_VERSION);
	/* the pending column from migration 2 exists */
	assert_int_equal(sqlite3_exec(db->db, "SELECT pending FROM containers", NULL, NULL, NULL),
	                 SQLITE_OK);
	state_db_close(TAKE_PTR(db));
	/* reopening does not migrate again; a newer schema is refused */
	check(state_db_open(dir, &db, &err), err);
	assert_int_equal(
	        sqlite3_exec(db->db, "UPDATE schema_version SET version = 99", NULL, NULL, NULL),
	        SQLITE_OK);
	state_db_close(TAKE_PTR(db));
	assert_int_equal(state_db_open(dir, &db, &err), -EPROTO);
}

static void test_state_reboot_reset(void **state)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_free_ char *exited_id = NULL;
	{
		_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
		_cleanup_(container_freep) struct container *c = create(e, "booted", NULL);
		_cleanup_(container_freep) struct container *x = create(e, "exited1", NULL);
		_cleanup_error_ struct cpod_error *err = NULL;
		struct state_db *db = engine_state(e, &err);
		c->state.status = CTR_RUNNING;
		c->state.pid = 4242;
		c->state.conmon_pid = 4241;
		c->state.restart_count = 3;
		check(state_db_save_state(db, c, &err), err);
		x->state.status = CTR_EXITED;
		x->state.exit_code = 3;
		check(state_db_save_state(db, x, &err), err);
		id = xstrdup(c->config.id);
		exited_id = xstrdup(x->config.id);
	}
	/* a different boot ID in the run root: the next open resets */
	_cleanup_free_ char *bootf = xasprintf("%s/run/boot-id", tmp_root);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, bootf, "fake\n", 5, 0600, false), 0);
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(container_freep) struct container *c = NULL;
	check(container_lookup(e, id, &c, &err), err);
	assert_int_equal(c->state.status, CTR_CONFIGURED);
	assert_int_equal(c->state.pid, 0);
	assert_int_equal(c->state.conmon_pid, 0);
	assert_int_equal(c->state.restart_count, 0);
	_cleanup_(container_freep) struct container *x = NULL;
	check(container_lookup(e, exited_id, &x, &err), err);
	assert_int_equal(x->state.status, CTR_EXITED);
	assert_int_equal(x->state.exit_code, 3);
	_cleanup_free_ char *boot = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, bootf, 128, &boot, NULL), 0);
	assert_string_not_equal(boot, "fake\n");
	rm_all(e);
}

static void test_state_repair_killed_create_and_rm(void **state)
{
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	/* a create killed after claiming: pending record + storage, lock free */
	_cleanup_(container_freep) struct container *c = create(e, "halfmade", NULL);
	struct state_db *db = engine_state(e, &err);
	check(state_db_set_pending(db, c->config.id, true, &err), err);
	/* its name is reserved until repaired; a create with that name repairs and succeeds */
	_cleanup_(container_freep) struct container *c2 = create(e, "halfmade", NULL);
	assert_string_not_equal(c2->config.id, c->config.id);
	struct store *s = engine_store(e, &err);
	_cleanup_(store_container_freep) struct store_container *sc = NULL;
	assert_int_equal(store_container_get(s, c->config.id, &sc, &err), -ENOENT);
	cpod_error_free(TAKE_PTR(err));

	/* a killed rm: status "removing", lock free: the next list finishes it */
	c2->state.status = CTR_REMOVING;
	check(state_db_save_state(db, c2, &err), err);
	struct container **v = NULL;
	size_t n = 0;
	check(container_list(e, &v, &n, &err), err);
	assert_int_equal(n, 0);
	container_list_free(v, n);
	_cleanup_(container_freep) struct container *gone = NULL;
	bool pending = false;
	assert_int_equal(state_db_get(db, c2->config.id, true, &gone, &pending, &err), -ENOENT);
}

#define N_PARALLEL 50

/* many processes opening a database that does not exist yet: all must get it (CI once saw
 * "database is locked" from the switch to WAL, which SQLite does not retry by itself) */
static void test_state_db_open_fresh_parallel(void **state)
{
	for (int round = 0; round < 5; round++) {
		_cleanup_free_ char *dir = xasprintf("%s/fresh%d", tmp_root, round);
		pid_t pids[24];
		for (int i = 0; i < 24; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0) {
				struct state_db *db = NULL;
				struct cpod_error *err = NULL;
				int r = state_db_open(dir, &db, &err);
				if (r < 0)
					fprintf(stderr, "open: %s\n", err->msg);
				state_db_close(db);
				_exit(r < 0 ? 1 : 0);
			}
		}
		int failed = 0;
		for (int i = 0; i < 24; i++) {
			int st = 0;
			assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failed++;
		}
		assert_int_equal(failed, 0);
	}
}

static void test_container_create_parallel(void **state)
{
	pid_t pids[N_PARALLEL];
	for (int i = 0; i < N_PARALLEL; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct engine *e = new_engine(NULL);
			struct container_create_opts o = {.image = "bb", .stop_timeout = -1};
			struct container *c = NULL;
			struct cpod_error *err = NULL;
			int r = container_create(e, &o, &c, &err);
			if (r < 0)
				fprintf(stderr, "create: %s\n", err->msg);
			_exit(r < 0 ? 1 : 0);
		}
	}
	int failed = 0;
	for (int i = 0; i < N_PARALLEL; i++) {
		int st = 0;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	assert_int_equal(failed, 0);
	_cleanup_(engine_freep) struct engine *e = new_engine(NULL);
	struct container **v = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_list(e, &v, &n, &err), err);
	assert_int_equal(n, N_PARALLEL);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(v[i]->config.name, v[j]->config.name);
	container_list_free(v, n);
	rm_all(e);
}

static void test_container_signal_parse(void **state)
{
	int s = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	check(container_signal_parse("SIGKILL", &s, &err), err);
	assert_int_equal(s, SIGKILL);
	check(container_signal_parse("term", &s, &err), err);
	assert_int_equal(s, SIGTERM);
	check(container_signal_parse("9", &s, &err), err);
	assert_int_equal(s, 9);
	check(container_signal_parse("RTMIN+2", &s, &err), err);
	assert_int_equal(s, SIGRTMIN + 2);
	assert_int_equal(container_signal_parse("FOO", &s, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid signal: FOO");
}

/* ---- lifecycle with a real runtime ---------------------------------------------------------- */

static void lifecycle(const char *runtime)
{
	if (geteuid() != 0 || access("/usr/bin/conmon", X_OK) != 0)
		skip();
	_cleanup_free_ char *which = xasprintf("command -v %s >/dev/null", runtime);
	if (run_sh(which) != 0)
		skip();
	/* conmon's exit command would run this test binary: make it harmless */
	setenv("CPOD_SELF", "/bin/true", 1);
	_cleanup_(engine_freep) struct engine *e = new_engine(runtime);
	_cleanup_error_ struct cpod_error *err = NULL;
	char *cmd[] = {"sh", "-c", "echo hello; exit 3", NULL};
	_cleanup_(container_freep) struct container *c = create(e, NULL, cmd);
	int code = -1;
	struct container_attach_io io = {.in_fd = -1, .out_fd = -1, .err_fd = -1};
	int r = container_start(e, c->config.id, &io, &code, NULL, &err);
	if (r < 0)
		fail_msg("%s start: %s", runtime, err->msg);
	assert_int_equal(code, 3);
	_cleanup_(container_freep) struct container *x = NULL;
	check(container_lookup(e, c->config.id, &x, &err), err);
	assert_int_equal(x->state.status, CTR_EXITED);
	assert_int_equal(x->state.exit_code, 3);
	assert_true(x->state.finished_at >= x->state.started_at);
	_cleanup_free_ char *log = NULL;
	assert_int_equal(read_file_at(AT_FDCWD, x->config.log_path, 1 << 20, &log, NULL), 0);
	assert_non_null(strstr(log, "stdout F hello"));
	check(container_cleanup(e, c->config.id, &err), err); /* idempotent */

	/* a long-running one: stop (SIGTERM ignored by sh as PID 1 -> SIGKILL after 1 s) */
	char *sleeper[] = {"sleep", "100", NULL};
	_cleanup_(container_freep) struct container *s = create(e, "sleeper", sleeper);
	check(container_start(e, "sleeper", NULL, NULL, NULL, &err), err);
	_cleanup_(container_freep) struct container *run = NULL;
	check(container_lookup(e, "sleeper", &run, &err), err);
	assert_int_equal(run->state.status, CTR_RUNNING);
	assert_true(run->state.pid > 0);
	struct container_remove_opts ro = {.timeout = -1};
	assert_int_equal(container_remove(e, "sleeper", &ro, &err), -EBUSY);
	cpod_error_free(TAKE_PTR(err));
	_cleanup_json_ json_t *rows = NULL;
	struct container_ps_opts po = {0};
	check(container_ps(e, &po, &rows, &err), err);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(json_get_string(json_array_get(rows, 0), "State"), "running");
	check(container_stop(e, "sleeper", 1, &err), err);
	_cleanup_(container_freep) struct container *st = NULL;
	check(container_lookup(e, "sleeper", &st, &err), err);
	assert_int_equal(st->state.status, CTR_EXITED);
	assert_int_equal(st->state.exit_code, 137);

	/* kill, then wait; then rm -f of a running one */
	check(container_start(e, "sleeper", NULL, NULL, NULL, &err), err);
	check(container_kill(e, "sleeper", SIGKILL, &err), err);
	check(container_wait(e, "sleeper", 0, &code, &err), err);
	assert_int_equal(code, 137);
	check(container_start(e, "sleeper", NULL, NULL, NULL, &err), err);
	ro.force = true;
	ro.timeout = 0;
	check(container_remove(e, "sleeper", &ro, &err), err);
	rm_all(e);
	struct container **v = NULL;
	size_t n = 0;
	check(container_list(e, &v, &n, &err), err);
	assert_int_equal(n, 0);
	container_list_free(v, n);
}

static void test_container_lifecycle_crun(void **state)
{
	lifecycle("crun");
}

static void test_container_lifecycle_runc(void **state)
{
	lifecycle("runc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_container_signal_parse),
	        cmocka_unit_test(test_container_create_lookup),
	        cmocka_unit_test(test_container_name_collision),
	        cmocka_unit_test(test_container_list_rename_remove),
	        cmocka_unit_test(test_container_prefix_ambiguous),
	        cmocka_unit_test(test_state_db_migration_from_v0),
	        cmocka_unit_test(test_state_reboot_reset),
	        cmocka_unit_test(test_state_repair_killed_create_and_rm),
	        cmocka_unit_test(test_state_db_open_fresh_parallel),
	        cmocka_unit_test(test_container_create_parallel),
	        cmocka_unit_test(test_container_lifecycle_crun),
	        cmocka_unit_test(test_container_lifecycle_runc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
