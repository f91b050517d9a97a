/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry client against real docker-registry instances on 127.0.0.1 (plain HTTP,
 * htpasswd basic auth, TLS with certs.d) and against a scripted server for the faults
 * (corrupt, short and dropped blobs, 429, 500, oversize manifests, bad JSON, redirects,
 * pagination, a bearer-token issuer). Skips (77) without /usr/bin/docker-registry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/auth-json.h"
#include "image/manifest.h"
#include "image/registry-internal.h"
#include "image/registry.h"
#include "registry-test-fake.h"
#include "registry-test-helpers.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/strv.h"

static struct test_registry plain_reg;

/* ---- small helpers -------------------------------------------------------------------- */

static struct registry_client *client_for(const char *host, bool insecure, const char *user,
                                          const char *pass)
{
	struct registry_opts o = {.host = host,
	                          .insecure = insecure,
	                          .username = user,
	                          .password = pass,
	                          .retry_delay_ms = 10};
	char *no_certs[] = {NULL};
	struct registry_client *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	o.certs_d = no_certs;
	if (registry_client_new(&o, &c, &err) < 0)
		fail_msg("client: %s", err->msg);
	return c;
}

struct mem {
	struct buf b;
	int resets;
};

static int mem_write(void *u, const void *d, size_t len)
{
	struct mem *m = u;
	return buf_append(&m->b, d, len);
}

static int mem_reset(void *u)
{
	struct mem *m = u;
	buf_reset(&m->b);
	m->resets++;
	return 0;
}

/* A one-file ustar archive (header, data padded to 512, two zero blocks). */
static char *make_tar(const char *name, const char *content, size_t *ret_len)
{
	size_t clen = strlen(content);
	size_t len = 512 + (clen + 511) / 512 * 512 + 1024;
	char *t = xzalloc(len);
	unsigned sum = 0;

	snprintf(t, 100, "%s", name);
	snprintf(t + 100, 8, "%07o", 0644);
	snprintf(t + 108, 8, "%07o", 0);
	snprintf(t + 116, 8, "%07o", 0);
	snprintf(t + 124, 12, "%011zo", clen);
	snprintf(t + 136, 12, "%011o", 1700000000);
	t[156] = '0';
	memcpy(t + 257, "ustar", 6);
	memcpy(t + 263, "00", 2);
	memset(t + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += (unsigned char)t[i];
	snprintf(t + 148, 8, "%06o", sum);
	memcpy(t + 512, content, clen);
	*ret_len = len;
	return t;
}

struct stream {
	const char *data;
	size_t len, pos;
};

static ssize_t stream_read(void *u, void *buf, size_t len)
{
	struct stream *s = u;
	size_t n = s->len - s->pos < len ? s->len - s->pos : len;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static void expect_error(int r, int code, struct cpod_error *err, const char *want)
{
	if (r != -code)
		fail_msg("got %d (%s), want %d", r, err ? err->msg : "no error", -code);
	if (!strstr(err->msg, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err->msg, want);
}

/* ---- pushing and pulling with a real registry ------------------------------------------ */

struct pushed {
	char *layer1, *layer2, *config;
	size_t len1, len2, cfg_len;
	char *d1, *d2, *dcfg, *manifest, *dman;
};

static void pushed_release(struct pushed *p)
{
	free(p->layer1);
	free(p->layer2);
	free(p->config);
	free(p->d1);
	free(p->d2);
	free(p->dcfg);
	free(p->manifest);
	free(p->dman);
}

/* Push a two-layer image to repo:tag, each blob by another upload path. */
static void push_image(struct registry_client *c, const char *repo, const char *tag,
                       struct pushed *p)
{
	_cleanup_error_ struct cpod_error *err = NULL;
	char tmpl[] = "/tmp/cpod-layer-XXXXXX";
	bool mounted = true;

	p->layer1 = make_tar("hello.txt", "hello from a cpod test layer\n", &p->len1);
	p->len2 = 10000;
	p->layer2 = random_bytes(p->len2);
	p->config = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
	                      "{\"type\":\"layers\",\"diff_ids\":[]},\"n\":%d}",
	                      rand());
	p->cfg_len = strlen(p->config);
	_cleanup_free_ char *want1 = digest_sha256_string(p->layer1, p->len1);

	/* monolithic from memory */
	struct registry_blob_source s1 = {.data = p->layer1, .fd = -1, .size = (int64_t)p->len1};
	if (registry_upload_blob(c, repo, want1, &s1, NULL, &mounted, &p->d1, &err) < 0)
		fail_msg("upload 1: %s", err->msg);
	assert_string_equal(p->d1, want1);
	assert_false(mounted);

	/* chunked from a file, digest computed by the client */
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, p->layer2, p->len2), 0);
	unlink(tmpl);
	struct registry_blob_source s2 = {.fd = fd, .size = (int64_t)p->len2};
	struct registry_upload_opts chunked = {.chunk_size = 4096};
	if (registry_upload_blob(c, repo, NULL, &s2, &chunked, NULL, &p->d2, &err) < 0)
		fail_msg("upload 2: %s", err->msg);
	close(fd);
	_cleanup_free_ char *want2 = digest_sha256_string(p->layer2, p->len2);
	assert_string_equal(p->d2, want2);

	/* streamed with an unknown digest */
	struct stream st = {p->config, p->cfg_len, 0};
	struct registry_blob_source s3 = {
	        .fd = -1, .read = stream_read, .userdata = &st, .size = -1};
	if (registry_upload_blob(c, repo, NULL, &s3, NULL, NULL, &p->dcfg, &err) < 0)
		fail_msg("upload config: %s", err->msg);
	_cleanup_free_ char *want3 = digest_sha256_string(p->config, p->cfg_len);
	assert_string_equal(p->dcfg, want3);

	struct manifest_build_desc cfg = {MEDIA_TYPE_OCI_CONFIG, p->dcfg, (int64_t)p->cfg_len};
	struct manifest_build_desc layers[] = {
	        {MEDIA_TYPE_OCI_LAYER_GZIP, p->d1, (int64_t)p->len1},
	        {MEDIA_TYPE_OCI_LAYER_GZIP, p->d2, (int64_t)p->len2},
	};
	p->manifest = manifest_build_image(MEDIA_TYPE_OCI_MANIFEST, &cfg, layers, 2, NULL);
	if (registry_put_manifest(c, repo, tag, MEDIA_TYPE_OCI_MANIFEST, p->manifest,
	                          strlen(p->manifest), &p->dman, &err) < 0)
		fail_msg("put manifest: %s", err->msg);
}

static void test_registry_push_pull(void **state)
{
	_cleanup_(registry_client_freep) struct registry_client *c =
	        client_for(plain_reg.host, true, NULL, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct pushed p = {0};
	int64_t size = 0;

	push_image(c, "test/img", "v1", &p);
	_cleanup_free_ char *base = xasprintf("http://%s", plain_reg.host);
	assert_string_equal(registry_base_url(c), base);

	assert_int_equal(registry_head_blob(c, "test/img", p.d2, &size, &err), 1);
	assert_int_equal(size, (int64_t)p.len2);
	assert_int_equal(registry_head_blob(c, "test/img",
	                                    "sha256:0000000000000000000000000000000000000000000000"
	                                    "000000000000000000",
	                                    NULL, &err),
	                 0);

	struct registry_descriptor d = {0};
	assert_int_equal(registry_head_manifest(c, "test/img", "v1", &d, &err), 0);
	assert_string_equal(d.digest, p.dman);
	assert_string_equal(d.media_type, MEDIA_TYPE_OCI_MANIFEST);
	assert_int_equal(d.size, (int64_t)strlen(p.manifest));
	registry_descriptor_release(&d);

	/* by tag, then by digest */
	struct registry_manifest m = {0};
	assert_int_equal(registry_get_manifest(c, "test/img", "v1", &m, &err), 0);
	assert_string_equal(m.data, p.manifest);
	assert_string_equal(m.digest, p.dman);
	assert_string_equal(m.media_type, MEDIA_TYPE_OCI_MANIFEST);
	registry_manifest_release(&m);
	assert_int_equal(registry_get_manifest(c, "test/img", p.dman, &m, &err), 0);
	assert_string_equal(m.data, p.manifest);
	_cleanup_(manifest_freep) struct manifest *parsed = NULL;
	assert_int_equal(manifest_parse(m.data, m.len, m.media_type, &parsed, &err), 0);
	assert_int_equal(parsed->n_layers, 2);
	registry_manifest_release(&m);

	_cleanup_free_ char *cfg = NULL;
	size_t cfg_len = 0;
	assert_int_equal(
	        registry_get_blob_mem(c, "test/img", p.dcfg, 1 << 20, &cfg, &cfg_len, &err), 0);
	assert_int_equal(cfg_len, p.cfg_len);
	assert_memory_equal(cfg, p.config, cfg_len);

	/* both layers at once */
	struct mem m1 = {BUF_INIT, 0}, m2 = {BUF_INIT, 0};
	struct registry_blob_job jobs[] = {
	        {p.d1, (int64_t)p.len1, {mem_write, mem_reset, &m1}, 0, NULL},
	        {p.d2, (int64_t)p.len2, {mem_write, mem_reset, &m2}, 0, NULL},
	};
	if (registry_fetch_blobs(c, "test/img", jobs, 2, 4, &err) < 0)
		fail_msg("fetch: %s", err->msg);
	assert_int_equal(m1.b.len, p.len1);
	assert_memory_equal(m1.b.data, p.layer1, p.len1);
	assert_memory_equal(m2.b.data, p.layer2, p.len2);
	buf_release(&m1.b);
	buf_release(&m2.b);

	/* cross-repository mount */
	bool mounted = false;
	struct registry_blob_source src = {.data = p.layer1, .fd = -1, .size = (int64_t)p.len1};
	struct registry_upload_opts mo = {.mount_from = "test/img"};
	assert_int_equal(
	        registry_upload_blob(c, "other/repo", p.d1, &src, &mo, &mounted, NULL, &err), 0);
	assert_true(mounted);
	assert_int_equal(registry_head_blob(c, "other/repo", p.d1, NULL, &err), 1);

	/* tags and catalog */
	assert_int_equal(registry_put_manifest(c, "test/img", "v2", MEDIA_TYPE_OCI_MANIFEST,
	                                       p.manifest, strlen(p.manifest), NULL, &err),
	                 0);
	_cleanup_strv_free_ char **tags = NULL;
	assert_int_equal(registry_list_tags(c, "test/img", &tags, &err), 0);
	assert_int_equal(strv_length(tags), 2);
	assert_true(strv_contains(tags, "v1") && strv_contains(tags, "v2"));
	_cleanup_strv_free_ char **repos = NULL;
	assert_int_equal(registry_catalog(c, &repos, &err), 0);
	assert_true(strv_contains(repos, "test/img"));
	assert_true(strv_contains(repos, "other/repo"));
	pushed_release(&p);
}

static void test_registry_errors_from_registry(void **state)
{
	_cleanup_(registry_client_freep) struct registry_client *c =
	        client_for(plain_reg.host, true, NULL, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct pushed p = {0};
	struct registry_manifest m = {0};
	struct registry_descriptor d = {0};
	int r;

	push_image(c, "errs/img", "latest", &p);
	/* podman 4.3.1 prints the code and the message, both "manifest unknown" */
	_cleanup_free_ char *want = xasprintf("reading manifest nope in %s/errs/img: manifest "
	                                      "unknown: manifest unknown",
	                                      plain_reg.host);
	r = registry_get_manifest(c, "errs/img", "nope", &m, &err);
	expect_error(r, ENOENT, err, want);
	assert_string_equal(err->msg, want);
	err = cpod_error_free(err);
	r = registry_head_manifest(c, "errs/img", "nope", &d, &err);
	expect_error(r, ENOENT, err, "manifest unknown");
	err = cpod_error_free(err);
	r = registry_get_manifest(c, "no/such", "latest", &m, &err);
	expect_error(r, ENOENT, err, "reading manifest latest in");
	err = cpod_error_free(err);

	struct mem sink = {BUF_INIT, 0};
	struct registry_sink s = {mem_write, mem_reset, &sink};
	r = registry_get_blob(
	        c, "errs/img",
	        "sha256:00000000000000000000000000000000000000000000000000000000000000"
	        "00",
	        -1, &s, &err);
	expect_error(r, ENOENT, err, "blob unknown to registry");
	err = cpod_error_free(err);
	/* the registry's blob is not the size the manifest claims */
	r = registry_get_blob(c, "errs/img", p.d1, (int64_t)p.len1 + 1, &s, &err);
	expect_error(r, EIO, err, "Size mismatch when copying");
	err = cpod_error_free(err);
	r = registry_get_blob(c, "errs/img", p.d1, (int64_t)p.len1 - 1, &s, &err);
	expect_error(r, EIO, err, "Size mismatch when copying");
	err = cpod_error_free(err);
	buf_release(&sink.b);

	/* an upload whose bytes do not match the digest given */
	struct registry_blob_source src = {.data = "abc", .fd = -1, .size = 3};
	r = registry_upload_blob(c, "errs/img", p.d1, &src, NULL, NULL, NULL, &err);
	expect_error(r, EINVAL, err, "provided digest did not match uploaded content");
	err = cpod_error_free(err);

	/* a manifest naming a blob the registry does not have */
	struct manifest_build_desc cfg = {MEDIA_TYPE_OCI_CONFIG,
	                                  "sha256:1111111111111111111111111111111111111111111111111"
	                                  "111111111111111",
	                                  1};
	_cleanup_free_ char *bad =
	        manifest_build_image(MEDIA_TYPE_OCI_MANIFEST, &cfg, NULL, 0, NULL);
	r = registry_put_manifest(c, "errs/img", "bad", MEDIA_TYPE_OCI_MANIFEST, bad, strlen(bad),
	                          NULL, &err);
	assert_true(r < 0);
	assert_non_null(strstr(err->msg, "uploading manifest bad to"));
	assert_non_null(strstr(err->msg, "blob unknown to registry"));
	pushed_release(&p);
}

static void test_registry_basic_auth(void **state)
{
	struct test_registry reg;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct registry_manifest m = {0};
	struct pushed p = {0};
	int r;

	if (test_registry_start(&reg, true, false) < 0) {
		test_registry_stop(&reg);
		fail_msg("cannot start docker-registry with htpasswd");
	}
	struct registry_client *anon = client_for(reg.host, true, NULL, NULL);
	r = registry_get_manifest(anon, "a/b", "latest", &m, &err);
	_cleanup_free_ char *want = xasprintf("reading manifest latest in %s/a/b: unauthorized: "
	                                      "authentication required",
	                                      reg.host);
	expect_error(r, EACCES, err, want);
	assert_string_equal(err->msg, want);
	err = cpod_error_free(err);
	registry_client_free(anon);

	struct registry_client *bad = client_for(reg.host, true, reg.user, "wrong");
	r = registry_check_login(bad, &err);
	expect_error(r, EACCES, err, "invalid username/password");
	assert_string_equal(err->msg, "invalid username/password");
	err = cpod_error_free(err);
	registry_client_free(bad);

	struct registry_client *good = client_for(reg.host, true, reg.user, reg.pass);
	assert_int_equal(registry_check_login(good, &err), 0);
	push_image(good, "auth/img", "v1", &p);
	assert_int_equal(registry_get_manifest(good, "auth/img", "v1", &m, &err), 0);
	assert_string_equal(m.digest, p.dman);
	registry_manifest_release(&m);
	registry_client_free(good);
	pushed_release(&p);
	test_registry_stop(&reg);
}

static void test_registry_tls(void **state)
{
	struct test_registry reg;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct registry_client *c = NULL;
	int r;

	if (test_registry_start(&reg, false, true) < 0) {
		test_registry_stop(&reg);
		fail_msg("cannot start docker-registry with TLS");
	}
	/* the CA from certs.d/HOST:PORT/ca.crt */
	char *roots[] = {reg.certs_d, NULL};
	struct registry_opts o = {.host = reg.host, .certs_d = roots};
	assert_int_equal(registry_client_new(&o, &c, &err), 0);
	if (registry_ping(c, &err) < 0)
		fail_msg("ping: %s", err->msg);
	_cleanup_free_ char *https = xasprintf("https://%s", reg.host);
	assert_string_equal(registry_base_url(c), https);
	struct pushed p = {0};
	push_image(c, "tls/img", "v1", &p);
	/* a download over TLS (HTTP/2 when the registry offers it) */
	_cleanup_free_ char *blob = NULL;
	size_t blob_len = 0;
	if (registry_get_blob_mem(c, "tls/img", p.d2, 1 << 20, &blob, &blob_len, &err) < 0)
		fail_msg("get blob: %s", err->msg);
	assert_int_equal(blob_len, p.len2);
	assert_memory_equal(blob, p.layer2, p.len2);
	/* bounded in memory */
	r = registry_get_blob_mem(c, "tls/img", p.d2, 100, &blob, &blob_len, &err);
	expect_error(r, EFBIG, err, "exceeded maximum allowed size of 100 bytes");
	err = cpod_error_free(err);
	pushed_release(&p);
	c = registry_client_free(c);

	/* --cert-dir */
	struct registry_opts o2 = {.host = reg.host, .cert_dir = reg.cert_dir};
	assert_int_equal(registry_client_new(&o2, &c, &err), 0);
	assert_int_equal(registry_ping(c, &err), 0);
	c = registry_client_free(c);

	/* no CA: refused, and http is not tried for a secure registry */
	c = client_for(reg.host, false, NULL, NULL);
	r = registry_ping(c, &err);
	_cleanup_free_ char *want = xasprintf(
	        "pinging container registry %s: Get \"https://%s/v2/\"", reg.host, reg.host);
	expect_error(r, EIO, err, want);
	assert_non_null(strstr(err->msg, "certificate"));
	err = cpod_error_free(err);
	c = registry_client_free(c);

	/* insecure: https without verification */
	c = client_for(reg.host, true, NULL, NULL);
	assert_int_equal(registry_ping(c, &err), 0);
	assert_string_equal(registry_base_url(c), https);
	c = registry_client_free(c);

	/* a client certificate without its key */
	_cleanup_free_ char *hostdir = path_join(reg.certs_d, reg.host);
	_cleanup_free_ char *cert = path_join(hostdir, "client.cert");
	assert_int_equal(write_file_atomic_at(AT_FDCWD, cert, "x", 1, 0600, false), 0);
	r = registry_client_new(&o, &c, &err);
	expect_error(r, ENOENT, err, "missing key client.key for client certificate client.cert");
	test_registry_stop(&reg);
}

/* ---- faults from a scripted server ------------------------------------------------------ */

static struct registry_client *fake_client(struct fake_fixture *f, unsigned retries,
                                           const char *user, const char *pass)
{
	struct registry_opts o = {.host = f->main.host,
	                          .insecure = true,
	                          .max_retries = retries,
	                          .retry_delay_ms = 5,
	                          .username = user,
	                          .password = pass};
	char *none[] = {NULL};
	struct registry_client *c = NULL;
	_cleanup_error_ struct cpod_error *err = NULL;
	o.certs_d = none;
	assert_int_equal(registry_client_new(&o, &c, &err), 0);
	return c;
}

static int get_blob(struct registry_client *c, struct fake_fixture *f, const char *repo,
                    bool resettable, struct mem *m, struct cpod_error **err)
{
	struct registry_sink s = {mem_write, resettable ? mem_reset : NULL, m};
	return registry_get_blob(c, repo, f->st.digest, (int64_t)f->st.blob_len, &s, err);
}

static void test_registry_fake_blob_faults(void **state)
{
	struct fake_fixture *f = *state;
	_cleanup_(registry_client_freep) struct registry_client *c = fake_client(f, 2, NULL, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct mem m = {BUF_INIT, 0};
	int r;

	assert_int_equal(get_blob(c, f, "t/good", true, &m, &err), 0);
	assert_memory_equal(m.b.data, f->st.blob, f->st.blob_len);
	buf_reset(&m.b);

	r = get_blob(c, f, "t/corrupt", true, &m, &err);
	_cleanup_free_ char *want =
	        xasprintf("Digest did not match, expected %s, got sha256:", f->st.digest);
	expect_error(r, EIO, err, want);
	err = cpod_error_free(err);
	buf_reset(&m.b);

	r = get_blob(c, f, "t/short", true, &m, &err);
	expect_error(r, EIO, err, "Size mismatch when copying");
	err = cpod_error_free(err);
	buf_reset(&m.b);

	/* dropped mid-body: retried from byte 0 with a sink that can start again */
	r = get_blob(c, f, "t/drop", true, &m, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(f->st.count[SC_DROP], 2);
	assert_int_equal(m.resets, 1);
	assert_int_equal(m.b.len, f->st.blob_len);
	assert_memory_equal(m.b.data, f->st.blob, f->st.blob_len);
	buf_reset(&m.b);

	/* ... and not retried when the sink cannot */
	f->st.count[SC_DROP] = 0;
	r = get_blob(c, f, "t/drop", false, &m, &err);
	expect_error(r, EIO, err, "reading blob");
	assert_int_equal(f->st.count[SC_DROP], 1);
	err = cpod_error_free(err);
	buf_release(&m.b);
}

static void test_registry_fake_retries(void **state)
{
	struct fake_fixture *f = *state;
	_cleanup_(registry_client_freep) struct registry_client *c = fake_client(f, 2, NULL, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct registry_manifest m = {0};
	struct mem mem = {BUF_INIT, 0};
	int r;

	/* 429 then success */
	assert_int_equal(get_blob(c, f, "t/retry", true, &mem, &err), 0);
	assert_int_equal(f->st.count[SC_RETRY], 2);
	buf_release(&mem.b);

	/* 500 forever: 1 + 2 retries, then the error */
	r = registry_get_manifest(c, "t/fail", "x", &m, &err);
	_cleanup_free_ char *want =
	        xasprintf("reading manifest x in %s/t/fail: received unexpected "
	                  "HTTP status: 500 Internal Server Error",
	                  f->main.host);
	expect_error(r, EIO, err, want);
	assert_string_equal(err->msg, want);
	assert_int_equal(f->st.count[SC_FAIL], 3);
	err = cpod_error_free(err);

	/* 404 is never retried */
	r = registry_get_manifest(c, "t/missing", "x", &m, &err);
	_cleanup_free_ char *want404 = xasprintf("reading manifest x in %s/t/missing: manifest "
	                                         "unknown: manifest unknown",
	                                         f->main.host);
	expect_error(r, ENOENT, err, want404);
	assert_string_equal(err->msg, want404);
	assert_int_equal(f->st.count[SC_MISSING], 1);
	err = cpod_error_free(err);

	/* connection refused: retried, then named */
	int port = free_port();
	_cleanup_free_ char *host = xasprintf("127.0.0.1:%d", port);
	struct registry_opts o = {.host = host, .max_retries = 1, .retry_delay_ms = 5};
	char *none[] = {NULL};
	o.certs_d = none;
	struct registry_client *dead = NULL;
	assert_int_equal(registry_client_new(&o, &dead, &err), 0);
	r = registry_ping(dead, &err);
	_cleanup_free_ char *want_dead = xasprintf("pinging container registry %s: Get "
	                                           "\"https://%s/v2/\": dial tcp %s: connect: "
	                                           "connection refused",
	                                           host, host, host);
	expect_error(r, ECONNREFUSED, err, want_dead);
	assert_string_equal(err->msg, want_dead);
	err = cpod_error_free(err);
	registry_client_free(dead);

	/* a plain-HTTP registry that is not marked insecure */
	o.host = f->main.host;
	assert_int_equal(registry_client_new(&o, &dead, &err), 0);
	r = registry_ping(dead, &err);
	_cleanup_free_ char *want_http = xasprintf("pinging container registry %s: Get "
	                                           "\"https://%s/v2/\": http: server gave HTTP "
	                                           "response to HTTPS client",
	                                           f->main.host, f->main.host);
	expect_error(r, EIO, err, want_http);
	registry_client_free(dead);
}

static void test_registry_fake_bad_answers(void **state)
{
	struct fake_fixture *f = *state;
	_cleanup_(registry_client_freep) struct registry_client *c = fake_client(f, 0, NULL, NULL);
	_cleanup_error_ struct cpod_error *err = NULL;
	struct registry_manifest m = {0};
	char **tags = NULL;
	int r;

	r = registry_get_manifest(c, "t/big", "x", &m, &err);
	expect_error(r, EFBIG, err, "exceeded maximum allowed size of 4194304 bytes");
	err = cpod_error_free(err);

	r = registry_list_tags(c, "t/badjson", &tags, &err);
	expect_error(r, EIO, err, "fetching tags list: ");
	err = cpod_error_free(err);

	/* a digest reference must hash to itself */
	const char *d = "sha256:4444444444444444444444444444444444444444444444444444444444444444";
	r = registry_get_manifest(c, "t/baddigest", d, &m, &err);
	expect_error(r, EIO, err, "Manifest does not match provided manifest digest");
	err = cpod_error_free(err);

	/* pagination through Link */
	assert_int_equal(registry_list_tags(c, "t/paged", &tags, &err), 0);
	assert_int_equal(strv_length(tags), 3);
	assert_string_equal(tags[2], "c");
	strv_free(tags);

	/* the good manifest by its own digest */
	_cleanup_free_ char *md = digest_sha256_string(f->st.manifest, strlen(f->st.manifest));
	assert_int_equal(registry_get_manifest(c, "t/good", md, &m, &err), 0);
	assert_string_equal(m.media_type, MEDIA_TYPE_OCI_MANIFEST);
	registry_manifest_release(&m);
}

static void test_registry_fake_redirect_drops_auth(void **state)
{
	struct fake_fixture *f = *state;
	_cleanup_(registry_client_freep) struct registry_client *c = fake_client(f, 0, "u", "p");
	_cleanup_error_ struct cpod_error *err = NULL;
	struct mem m = {BUF_INIT, 0};

	f->st.auth = FAKE_BASIC;
	snprintf(f->st.expect_basic, sizeof(f->st.expect_basic), "Basic dTpw");
	if (get_blob(c, f, "t/redirect", true, &m, &err) < 0)
		fail_msg("%s", err->msg);
	assert_memory_equal(m.b.data, f->st.blob, f->st.blob_len);
	assert_int_equal(f->other.hits, 1);
	assert_string_equal(f->other.last_auth, "");
	assert_string_equal(f->other.last_path, "/storage/blob");
	assert_string_equal(f->main.last_auth, "Basic dTpw");
	buf_release(&m.b);
}

static void test_registry_fake_bearer(void **state)
{
	struct fake_fixture *f = *state;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct registry_manifest m = {0};
	struct mem mem = {BUF_INIT, 0};
	int r;

	f->st.auth = FAKE_BEARER;
	snprintf(f->st.expect_basic, sizeof(f->st.expect_basic), "Basic dTpw");
	struct registry_client *c = fake_client(f, 0, "u", "p");
	assert_int_equal(registry_get_manifest(c, "t/good", "latest", &m, &err), 0);
	registry_manifest_release(&m);
	assert_int_equal(f->main.token_hits, 1);
	assert_non_null(strstr(f->st.token_query, "service=fake-registry"));
	assert_non_null(strstr(f->st.token_query, "scope=repository%3At%2Fgood%3Apull"));
	assert_non_null(strstr(f->st.token_query, "account=u"));
	/* same scope: the cached token */
	assert_int_equal(get_blob(c, f, "t/good", true, &mem, &err), 0);
	assert_int_equal(f->main.token_hits, 1);
	/* another scope: a new token */
	buf_reset(&mem.b);
	assert_int_equal(registry_check_login(c, &err), 0);
	assert_int_equal(f->main.token_hits, 2);
	registry_client_free(c);

	/* access_token instead of token */
	f->st.access_token = true;
	c = fake_client(f, 0, "u", "p");
	assert_int_equal(get_blob(c, f, "t/good", true, &mem, &err), 0);
	registry_client_free(c);

	/* wrong credentials: the token endpoint says no */
	c = fake_client(f, 0, "u", "wrong");
	r = registry_get_manifest(c, "t/good", "latest", &m, &err);
	expect_error(r, EACCES, err,
	             "unable to retrieve auth token: invalid username/password: unauthorized: "
	             "incorrect username or password");
	err = cpod_error_free(err);
	r = registry_check_login(c, &err);
	expect_error(r, EACCES, err, "invalid username/password");
	registry_client_free(c);
	buf_release(&mem.b);
}

static int plain_setup(void **state)
{
	if (test_registry_start(&plain_reg, false, false) < 0) {
		test_registry_stop(&plain_reg);
		return -1;
	}
	return 0;
}

static int plain_teardown(void **state)
{
	test_registry_stop(&plain_reg);
	return 0;
}

static void test_registry_internal_helpers(void **state)
{
	_cleanup_free_ char *a = reg_resolve_url("http://h:1/v2/x/blobs/uploads/", "/v2/up/1?s=2");
	assert_string_equal(a, "http://h:1/v2/up/1?s=2");
	_cleanup_free_ char *b = reg_resolve_url("http://h:1/v2/x/blobs/uploads/", "https://o/p");
	assert_string_equal(b, "https://o/p");
	_cleanup_free_ char *c = reg_resolve_url("http://h:1/v2/x/uploads/abc?q=/z", "def?x=1");
	assert_string_equal(c, "http://h:1/v2/x/uploads/def?x=1");
	_cleanup_free_ char *d = reg_resolve_url("http://h:1", "rel");
	assert_string_equal(d, "http://h:1/rel");
	assert_true(reg_same_origin("http://h:1/a", "http://H:1/b?c"));
	assert_false(reg_same_origin("http://h:1/a", "http://h:2/a"));
	assert_false(reg_same_origin("http://h:1/a", "https://h:1/a"));
	assert_false(reg_same_origin("http://h.evil/a", "http://h/a"));

	struct reg_challenge ch = {0};
	assert_int_equal(reg_parse_challenge("Bearer realm=\"https://auth.example.com/token\","
	                                     "service=\"registry.example.com\",scope=\"repository:"
	                                     "a/b:pull,push\",error=\"insufficient_scope\"",
	                                     &ch),
	                 0);
	assert_string_equal(ch.scheme, "bearer");
	assert_string_equal(ch.realm, "https://auth.example.com/token");
	assert_string_equal(ch.service, "registry.example.com");
	assert_string_equal(ch.scope, "repository:a/b:pull,push");
	assert_string_equal(ch.error, "insufficient_scope");
	reg_challenge_release(&ch);
	assert_int_equal(reg_parse_challenge("Basic realm=cpod-test", &ch), 0);
	assert_string_equal(ch.scheme, "basic");
	assert_string_equal(ch.realm, "cpod-test");
	reg_challenge_release(&ch);
	assert_int_equal(reg_parse_challenge("  ", &ch), -EINVAL);

	/* error bodies as Podman words them */
	struct reg_response r = {.status = 404, .body = BUF_INIT};
	buf_puts(&r.body, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository "
	                  "name not known to registry\"}]}");
	_cleanup_free_ char *e1 = reg_error_cause(&r);
	assert_string_equal(e1, "name unknown: repository name not known to registry");
	buf_reset(&r.body);
	buf_puts(&r.body, "{\"errors\":[{\"code\":\"DENIED\"},{\"code\":\"UNSUPPORTED\","
	                  "\"message\":\"no\"}]}");
	_cleanup_free_ char *e2 = reg_error_cause(&r);
	assert_string_equal(e2, "errors:\ndenied: requested access to the resource is denied\n"
	                        "unsupported: no\n");
	buf_reset(&r.body);
	buf_puts(&r.body,
	         "<html>this is not a registry error body at all, but a proxy page</html>");
	_cleanup_free_ char *e3 = reg_error_cause(&r);
	assert_string_equal(e3, "StatusCode: 404, <html>this is not a registry error body at all, "
	                        "bu...");
	r.status = 502;
	_cleanup_free_ char *e4 = reg_error_cause(&r);
	assert_string_equal(e4, "received unexpected HTTP status: 502 Bad Gateway");
	buf_release(&r.body);
}

int main(void)
{
	if (access(DOCKER_REGISTRY, X_OK) < 0) {
		printf("SKIP: %s is not installed\n", DOCKER_REGISTRY);
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)getpid());
	unsetenv("HOME"); /* no ~/.config/containers/certs.d of the caller's */
	const struct CMUnitTest real[] = {
	        cmocka_unit_test(test_registry_internal_helpers),
	        cmocka_unit_test(test_registry_push_pull),
	        cmocka_unit_test(test_registry_errors_from_registry),
	        cmocka_unit_test(test_registry_basic_auth),
	        cmocka_unit_test(test_registry_tls),
	};
	const struct CMUnitTest fake[] = {
	        cmocka_unit_test_setup_teardown(test_registry_fake_blob_faults, fake_setup,
	                                        fake_teardown),
	        cmocka_unit_test_setup_teardown(test_registry_fake_retries, fake_setup,
	                                        fake_teardown),
	        cmocka_unit_test_setup_teardown(test_registry_fake_bad_answers, fake_setup,
	                                        fake_teardown),
	        cmocka_unit_test_setup_teardown(test_registry_fake_redirect_drops_auth, fake_setup,
	                                        fake_teardown),
	        cmocka_unit_test_setup_teardown(test_registry_fake_bearer, fake_setup,
	                                        fake_teardown),
	};
	int r = cmocka_run_group_tests_name("fake", fake, NULL, NULL);
	r += cmocka_run_group_tests_name("docker-registry", real, plain_setup, plain_teardown);
	return r;
}
