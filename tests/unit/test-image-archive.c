/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image archives: the parsers (pure), and round trips through a real store (root only):
 * import -> save (docker-archive, oci-archive, oci-dir) -> load into a fresh store keeps the
 * image ID and diff IDs; hostile archives fail cleanly and leave no image or layer behind.
 */
#include "store-test-helpers.h"

#include "image/config.h"
#include "image/image-archive.h"
#include "image/image.h"
#include "util/json.h"

/* ---- parsers ---------------------------------------------------------------------------- */

static void test_archive_member_name_ok(void **state)
{
	(void)state;
	assert_true(archive_member_name_ok("manifest.json"));
	assert_true(archive_member_name_ok("./blobs/sha256/ab"));
	assert_true(archive_member_name_ok("a/b.tar"));
	assert_false(archive_member_name_ok(""));
	assert_false(archive_member_name_ok("/etc/passwd"));
	assert_false(archive_member_name_ok("../x"));
	assert_false(archive_member_name_ok("a/../../x"));
	assert_false(archive_member_name_ok("a//b"));
	assert_false(archive_member_name_ok("a/./b"));
	assert_false(archive_member_name_ok("a\nb"));
	assert_false(archive_member_name_ok(NULL));
}

static void test_archive_docker_manifest_parse(void **state)
{
	(void)state;
	const char *good =
	        "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\",\"b\"],\"Layers\":[\"l1.tar\","
	        "\"d/layer.tar\"]},{\"Config\":\"d.json\",\"RepoTags\":null,\"Layers\":[]}]";
	struct archive_docker_item *items = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(archive_docker_manifest_parse(good, strlen(good), &items, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].config, "c.json");
	assert_int_equal(strv_length(items[0].repo_tags), 2);
	assert_string_equal(items[0].layers[1], "d/layer.tar");
	assert_int_equal(strv_length(items[1].repo_tags), 0);
	archive_docker_items_free(items, n);

	static const char *const bad[] = {
	        "{}",
	        "[]",
	        "[1]",
	        "[{\"Layers\":[]}]",
	        "[{\"Config\":\"../c.json\"}]",
	        "[{\"Config\":\"c\",\"Layers\":[\"/etc/shadow\"]}]",
	        "[{\"Config\":\"c\",\"Layers\":[\"../../x\"]}]",
	        "[{\"Config\":\"c\",\"Layers\":[3]}]",
	        "[{\"Config\":\"c\",\"RepoTags\":\"x\"}]",
	        "not json",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		items = NULL;
		assert_true(archive_docker_manifest_parse(bad[i], strlen(bad[i]), &items, &n, &e) <
		            0);
		assert_non_null(e);
		assert_null(items);
	}
}

static void test_archive_docker_manifest_parse_huge(void **state)
{
	(void)state;
	size_t len = IMAGE_CONFIG_MAX + 10;
	char *big = xmalloc(len);
	memset(big, ' ', len);
	big[0] = '[';
	big[len - 1] = ']';
	struct archive_docker_item *items = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(archive_docker_manifest_parse(big, len, &items, &n, &err), -EFBIG);
	free(big);
}

static void test_archive_oci_index_parse(void **state)
{
	(void)state;
	const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	_cleanup_free_ char *good = xasprintf(
	        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"%s\","
	        "\"size\":3,"
	        "\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/a:1\"}}]}",
	        d);
	struct archive_descriptor *desc = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(archive_oci_index_parse(good, strlen(good), &desc, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(desc[0].digest, d);
	assert_string_equal(desc[0].ref_name, "localhost/a:1");
	assert_int_equal(desc[0].size, 3);
	archive_descriptors_free(desc, n);

	static const char *const bad[] = {
	        "[]",
	        "{\"schemaVersion\":1,\"manifests\":[]}",
	        "{\"manifests\":[{\"digest\":\"sha256:../../etc\"}]}",
	        "{\"manifests\":[{\"digest\":\"md5:00\"}]}",
	        "{\"manifests\":{}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ struct cpod_error *e = NULL;
		assert_true(archive_oci_index_parse(bad[i], strlen(bad[i]), &desc, &n, &e) < 0);
	}
}

static void test_archive_oci_manifest_parse(void **state)
{
	(void)state;
	const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	_cleanup_free_ char *m = xasprintf("{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},"
	                                   "\"layers\":[{\"digest\":\"%s\",\"size\":1}]}",
	                                   d, d);
	struct archive_descriptor cfg = {0}, *layers = NULL;
	size_t n = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(archive_oci_manifest_parse(m, strlen(m), &cfg, &layers, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cfg.digest, d);
	free(cfg.digest);
	archive_descriptors_free(layers, n);
	const char *bad = "{\"layers\":[]}";
	_cleanup_error_ struct cpod_error *e = NULL;
	assert_true(archive_oci_manifest_parse(bad, strlen(bad), &cfg, &layers, &n, &e) < 0);
}

/* ---- round trips ------------------------------------------------------------------------ */

/* Write a tar with one file into dir/name and import it as ref; returns the ID (owned). */
static char *import_image(struct store *s, const char *dir, const char *file, const char *data,
                          const char *ref)
{
	struct tent e[] = {{file, 'f', data}};
	char hex[65];
	int fd = make_tar(e, 1, hex);
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(read_fd_all(fd, 0, &buf, &len), 0);
	close(fd);
	_cleanup_free_ char *path = xasprintf("%s/%s.tar", dir, file);
	assert_int_equal(write_file_atomic_at(AT_FDCWD, path, buf, len, 0644, false), 0);
	free(buf);
	struct image_import_opts o = {.source = path, .reference = ref};
	char *id = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	if (image_import(s, &o, &id, &err) < 0)
		fail_msg("import: %s", err->msg);
	return id;
}

static struct store *open_second(struct fixture *f, const char *sub, char **ret_graph)
{
	struct fixture g = {.driver = f->driver};
	g.graph = xasprintf("%s/%s/graph", f->root, sub);
	g.run = xasprintf("%s/%s/run", f->root, sub);
	struct store *s = NULL;
	struct cpod_error *err = NULL;
	if (open_store(&g, &s, &err) < 0)
		fail_msg("store_open: %s", err->msg);
	free(g.run);
	*ret_graph = g.graph;
	return s;
}

static char *diff_ids_of(struct store *s, const char *id)
{
	char *cfg = NULL;
	size_t len = 0;
	_cleanup_error_ struct cpod_error *err = NULL;
	assert_int_equal(store_image_config(s, id, &cfg, &len, &err), 0);
	struct image_config_info info;
	assert_int_equal(image_config_parse(cfg, len, &info, &err), 0);
	char *d = json_dumps(info.diff_ids, JSON_COMPACT);
	image_config_info_release(&info);
	free(cfg);
	return d;
}

static void round_trip(void **state, enum image_archive_format fmt)
{
	struct fixture *f = *state;
	_cleanup_free_ char *id = import_image(f->s, f->root, "a", "hello", "localhost/a");
	_cleanup_free_ char *out = xasprintf("%s/out.%d", f->root, fmt);
	char *names[] = {"localhost/a", NULL};
	struct image_save_opts so = {.format = fmt, .output = out};
	_cleanup_error_ struct cpod_error *err = NULL;
	if (image_save(f->s, names, &so, &err) < 0)
		fail_msg("save: %s", err->msg);

	_cleanup_free_ char *graph = NULL;
	struct store *s2 = open_second(f, "second", &graph);
	_cleanup_strv_free_ char **loaded = NULL;
	struct image_load_opts lo = {.input = out};
	if (image_load(s2, &lo, &loaded, &err) < 0)
		fail_msg("load: %s", err->msg);
	assert_int_equal(strv_length(loaded), 1);
	/* an OCI directory is named after its path when that is a valid name (Podman) */
	if (fmt == IMAGE_ARCHIVE_OCI_DIR)
		assert_true(strncmp(loaded[0], "localhost/", 10) == 0);
	else
		assert_string_equal(loaded[0], "localhost/a:latest");
	struct store_image *img = NULL;
	assert_int_equal(store_image_lookup(s2, id + 7, &img, &err), 0);
	_cleanup_free_ char *d1 = diff_ids_of(f->s, id + 7), *d2 = diff_ids_of(s2, id + 7);
	assert_string_equal(d1, d2);
	store_image_free(img);
	store_free(s2);
}

static void test_round_trip_docker(void **state)
{
	round_trip(state, IMAGE_ARCHIVE_DOCKER);
}

static void test_round_trip_oci_archive(void **state)
{
	round_trip(state, IMAGE_ARCHIVE_OCI);
}

static void test_round_trip_oci_dir(void **state)
{
	round_trip(state, IMAGE_ARCHIVE_OCI_DIR);
}

static void test_multi_image_archive(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a = import_image(f->s, f->root, "a", "one", "localhost/a");
	_cleanup_free_ char *b = import_image(f->s, f->root, "b", "two", "localhost/b:2");
	_cleanup_free_ char *out = xasprintf("%s/multi.tar", f->root);
	char *names[] = {"localhost/a", "localhost/b:2", NULL};
	struct image_save_opts so = {.format = IMAGE_ARCHIVE_DOCKER, .output = out, .multi = true};
	_cleanup_error_ struct cpod_error *err = NULL;
	if (image_save(f->s, names, &so, &err) < 0)
		fail_msg("save: %s", err->msg);
	_cleanup_free_ char *graph = NULL;
	struct store *s2 = open_second(f, "multi", &graph);
	_cleanup_strv_free_ char **loaded = NULL;
	struct image_load_opts lo = {.input = out};
	if (image_load(s2, &lo, &loaded, &err) < 0)
		fail_msg("load: %s", err->msg);
	_cleanup_free_ char *j = strv_join(loaded, " ");
	assert_string_equal(j, "localhost/a:latest localhost/b:2");
	struct store_image *img = NULL;
	assert_int_equal(store_image_lookup(s2, b + 7, &img, &err), 0);
	store_image_free(img);
	store_free(s2);

	struct image_save_opts bad = {.format = IMAGE_ARCHIVE_OCI, .output = out, .multi = true};
	_cleanup_error_ struct cpod_error *e2 = NULL;
	assert_int_equal(image_save(f->s, names, &bad, &e2), -EINVAL);
	assert_string_equal(e2->msg, "unsupported format \"oci-archive\" for saving multiple "
	                             "images (only docker-archive)");
}

/* A tar with the given members (name, content) at path. */
static void write_archive(const char *path, const char *const *members, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_fd(a, fd), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, members[2 * i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(members[2 * i + 1]));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, members[2 * i + 1], strlen(members[2 * i + 1]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	close(fd);
}

static void expect_load_fails(struct fixture *f, const char *path, const char *needle)
{
	_cleanup_strv_free_ char **loaded = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct image_load_opts lo = {.input = path};
	assert_true(image_load(f->s, &lo, &loaded, &err) < 0);
	if (!strstr(err->msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err->msg, needle);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM images"), 0);
	assert_int_equal(db_count(f->graph, "SELECT count(*) FROM layers"), 0);
}

static void test_load_hostile(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *p = xasprintf("%s/bad.tar", f->root);
	const char *traversal[] = {"../evil", "x"};
	write_archive(p, traversal, 1);
	expect_load_fails(f, p, "invalid archive member name \"../evil\"");

	const char *abs[] = {"/tmp/evil", "x"};
	write_archive(p, abs, 1);
	expect_load_fails(f, p, "invalid archive member name");

	const char *missing[] = {"manifest.json",
	                         "[{\"Config\":\"c.json\",\"RepoTags\":[],\"Layers\":[\"l.tar\"]}]",
	                         "c.json",
	                         "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
	                         "0000000000000000000000000000000000000000000000000000000000000000"
	                         "\"]}}"};
	write_archive(p, missing, 2);
	expect_load_fails(f, p, "\"l.tar\"");

	const char *none[] = {"hello.txt", "hi"};
	write_archive(p, none, 1);
	expect_load_fails(f, p, "payload does not match");
}

static void test_load_digest_mismatch(void **state)
{
	struct fixture *f = *state;
	/* a real layer whose config names another diff ID: the layer must not stay behind */
	struct tent e[] = {{"f", 'f', "data"}};
	char hex[65];
	int fd = make_tar(e, 1, hex);
	char *tar = NULL;
	size_t len = 0;
	assert_int_equal(read_fd_all(fd, 0, &tar, &len), 0);
	close(fd);
	_cleanup_free_ char *p = xasprintf("%s/mismatch.tar", f->root);
	int out = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_fd(a, out);
	const char *manifest =
	        "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l.tar\"]}]";
	const char *cfg = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
	                  "1111111111111111111111111111111111111111111111111111111111111111\"]}}";
	const char *names[] = {"l.tar", "c.json", "manifest.json"};
	const char *datas[] = {tar, cfg, manifest};
	size_t lens[] = {len, strlen(cfg), strlen(manifest)};
	for (int i = 0; i < 3; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, names[i]);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)lens[i]);
		archive_write_header(a, ae);
		archive_write_data(a, datas[i], lens[i]);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	close(out);
	free(tar);
	expect_load_fails(f, p, "does not match");
}

int main(void)
{
	(void)drv_overlay;
	const struct CMUnitTest pure[] = {
	        cmocka_unit_test(test_archive_member_name_ok),
	        cmocka_unit_test(test_archive_docker_manifest_parse),
	        cmocka_unit_test(test_archive_docker_manifest_parse_huge),
	        cmocka_unit_test(test_archive_oci_index_parse),
	        cmocka_unit_test(test_archive_oci_manifest_parse),
	};
	int failed = cmocka_run_group_tests_name("image-archive-parse", pure, NULL, NULL);
	if (geteuid() != 0) {
		printf("# skip: the archive round trips need root (store)\n");
		return failed ? 1 : 77;
	}
	const struct CMUnitTest store[] = {
	        cmocka_unit_test_prestate_setup_teardown(test_round_trip_docker, setup, teardown,
	                                                 &drv_vfs),
	        cmocka_unit_test_prestate_setup_teardown(test_round_trip_oci_archive, setup,
	                                                 teardown, &drv_vfs),
	        cmocka_unit_test_prestate_setup_teardown(test_round_trip_oci_dir, setup, teardown,
	                                                 &drv_vfs),
	        cmocka_unit_test_prestate_setup_teardown(test_multi_image_archive, setup, teardown,
	                                                 &drv_vfs),
	        cmocka_unit_test_prestate_setup_teardown(test_load_hostile, setup, teardown,
	                                                 &drv_vfs),
	        cmocka_unit_test_prestate_setup_teardown(test_load_digest_mismatch, setup, teardown,
	                                                 &drv_vfs),
	};
	failed += cmocka_run_group_tests_name("image-archive-store", store, NULL, NULL);
	return failed ? 1 : 0;
}
