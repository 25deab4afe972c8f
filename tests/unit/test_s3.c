/*
 * cam_s3 against a real S3 service on loopback: tests/s3d.py (which
 * checks every request's SigV4 as AWS does), started here on a port of
 * its own with listings in pages of 2.  Uploads of a file range and of
 * a buffer, HEAD, GET, listings with and without a delimiter, keys that
 * need encoding, Object Lock (a locked version not deleted, a legal
 * hold), a body not matching its SHA-256, a wrong secret, the service
 * down and back, a 503, the upload rate limit.  Skipped without
 * python3 or CAMKIT_TOP (set by tests/run).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_crypto.h"
#include "base/cam_s3.h"
#include "unit.h"

#define PYTHON	"/usr/bin/python3"
#define ACCESS	"unit-test-key"
#define SECRET	"unit/Secret+Key0123456789abcdefghijklmnop"

static char dir[] = "/tmp/camkit-unit-s3.XXXXXX";
static char endpoint[64];
static int port;
static pid_t s3d = -1;

static void
sha_hex(const void *d, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(d, n, md, &len, EVP_sha256(), NULL);
	cam_crypto_hex(md, len, out);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Start s3d (on port, 0: a free one) with one more option pair, or
 * none; 0 once it listens. */
static int
s3d_start(const char *opt, const char *val)
{
	char portarg[16], ready[600], script[600], log[600];
	const char *top = getenv("CAMKIT_TOP");

	snprintf(script, sizeof(script), "%s/tests/s3d.py", top);
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	snprintf(log, sizeof(log), "%s/s3d.log", dir);
	snprintf(portarg, sizeof(portarg), "%d", port);
	unlink(ready);
	fflush(stdout);
	if ((s3d = fork()) == -1)
		return -1;
	if (s3d == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1)
			dup2(fd, 2);
		execl(PYTHON, PYTHON, script, "--dir", unit_path(dir, "store"),
		    "--port", portarg, "--access", ACCESS, "--secret", SECRET,
		    "--ready-file", ready, "--max-keys", "2",
		    opt != NULL ? opt : (char *)NULL, val, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(ready, "r");
		if (f != NULL) {
			int ok = fscanf(f, "%d", &port) == 1;
			fclose(f);
			if (ok) {
				snprintf(endpoint, sizeof(endpoint),
				    "http://127.0.0.1:%d", port);
				return 0;
			}
		}
		if (waitpid(s3d, NULL, WNOHANG) == s3d) {
			s3d = -1;
			return -1;
		}
		usleep(50000);
	}
	return -1;
}

static void
s3d_stop(void)
{
	if (s3d > 0) {
		kill(s3d, SIGTERM);
		waitpid(s3d, NULL, 0);
		s3d = -1;
	}
}

static struct cam_s3 *
client(const char *secret, uint64_t rate)
{
	struct cam_s3_conf c;
	struct cam_s3 *s = NULL;
	struct cam_err e;

	memset(&c, 0, sizeof(c));
	c.endpoint = endpoint;
	c.access = ACCESS;
	c.secret = secret;
	c.max_rate = rate;
	c.timeout = 10;
	if (cam_s3_open(&s, &c, &e) == -1)
		printf("# %s\n", e.msg);
	return s;
}

/* Upload len bytes of buf, declared as their SHA-256. */
static int
put(struct cam_s3 *s, const char *bucket, const char *key, const char *buf,
    size_t len, struct cam_s3_put *p, struct cam_s3_obj *o,
    struct cam_err *e)
{
	char sha[65];
	struct cam_s3_put dflt;

	if (p == NULL) {
		memset(&dflt, 0, sizeof(dflt));
		p = &dflt;
	}
	sha_hex(buf, len, sha);
	p->sha256 = sha;
	return cam_s3_put_buf(s, bucket, key, buf, len, p, o, e);
}

struct seen {
	struct cam_buf b;
	int stop_at;
	int n;
};

static int
collect(void *arg, const char *key, uint64_t size, int is_prefix)
{
	struct seen *w = arg;

	cam_buf_addf(&w->b, "%s%s:%llu\n", is_prefix ? "P " : "", key,
	    (unsigned long long)size);
	return ++w->n == w->stop_at ? 7 : 0;
}

static const char *
listing(struct cam_s3 *s, const char *bucket, const char *prefix,
    const char *delim, int stop_at, int *rc)
{
	static struct seen w;
	struct cam_err e;

	cam_buf_free(&w.b);
	w.n = 0;
	w.stop_at = stop_at;
	cam_buf_adds(&w.b, "");
	*rc = cam_s3_list(s, bucket, prefix, delim, collect, &w, &e);
	if (*rc == -1)
		printf("# %s\n", e.msg);
	return cam_buf_str(&w.b);
}

static void
test_objects(struct cam_s3 *s)
{
	struct cam_err e;
	struct cam_s3_obj o, h;
	struct cam_s3_put p;
	struct cam_buf got = CAM_BUF_INIT;
	char file[10000], sha[65];
	const char *path = unit_path(dir, "segment.mkv");
	int fd, rc;

	CHECK(cam_s3_bucket_create(s, "footage", 0, &e) == 0,
	    "a bucket is made");
	CHECK(cam_s3_bucket_create(s, "footage", 0, &e) == 1,
	    "made again: it exists (1)");

	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (char)(i * 7 + i / 13);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd != -1 && write(fd, file, sizeof(file)) ==
	    (ssize_t)sizeof(file) && close(fd) == 0, "a file to upload");
	sha_hex(file + 1000, 3000, sha);
	memset(&p, 0, sizeof(p));
	p.sha256 = sha;
	rc = cam_s3_put_file(s, "footage", "rec1/gate/2026/a.mkv", path, 1000,
	    3000, &p, &o, &e);
	CHECK(rc == 0, "put_file of bytes 1000 to 3999");
	if (rc != 0)
		printf("# %s\n", e.msg);
	CHECK(o.size == 3000 && strcmp(o.sha256, sha) == 0, "after the "
	    "PUT, the object's size and SHA-256 are the range's");
	CHECK(o.etag[0] == '"', "and its ETag");
	rc = cam_s3_head(s, "footage", "rec1/gate/2026/a.mkv", NULL, &h, &e);
	CHECK(rc == 0 && h.size == 3000, "HEAD: the size of the range");
	CHECK_STR(h.sha256, sha, "HEAD: x-amz-meta-sha256 is the range's");
	CHECK(h.modified > time(NULL) - 60 && h.modified <= time(NULL) + 1,
	    "HEAD: Last-Modified");
	rc = cam_s3_get_buf(s, "footage", "rec1/gate/2026/a.mkv", NULL, &got,
	    NULL, &e);
	CHECK(rc == 0 && got.len == 3000 &&
	    memcmp(got.s, file + 1000, 3000) == 0, "GET: the range's bytes");
	cam_buf_free(&got);
	rc = cam_s3_get_file(s, "footage", "rec1/gate/2026/a.mkv", NULL,
	    unit_path(dir, "back.mkv"), &h, &e);
	{
		size_t n = 0;
		char *b = unit_slurp(unit_path(dir, "back.mkv"), &n);
		CHECK(rc == 0 && b != NULL && n == 3000 &&
		    memcmp(b, file + 1000, 3000) == 0,
		    "GET into a file: the range's bytes");
		free(b);
	}

	rc = put(s, "footage", "rec1/buf", "hello", 5, NULL, &o, &e);
	CHECK(rc == 0, "put_buf");
	rc = cam_s3_get_buf(s, "footage", "rec1/buf", NULL, &got, NULL, &e);
	CHECK(rc == 0 && got.len == 5 && memcmp(got.s, "hello", 5) == 0,
	    "GET of a buffer put");
	cam_buf_free(&got);

	/* A key with bytes that SigV4 wants percent-encoded. */
	static const char odd[] = "rec1/odd key+:=&?~@#%\xc3\xa9.mkv";
	rc = put(s, "footage", odd, "odd", 3, NULL, &o, &e);
	CHECK(rc == 0, "put of a key with space + : = & ? @ # % and UTF-8");
	if (rc != 0)
		printf("# %s\n", e.msg);
	rc = cam_s3_get_buf(s, "footage", odd, NULL, &got, NULL, &e);
	CHECK(rc == 0 && got.len == 3 && memcmp(got.s, "odd", 3) == 0,
	    "GET of that key");
	cam_buf_free(&got);

	CHECK(cam_s3_head(s, "footage", "rec1/none", NULL, &h, &e) == 1,
	    "HEAD of a key not there: 1");
	CHECK(cam_s3_get_buf(s, "footage", "rec1/none", NULL, &got, NULL,
	    &e) == 1 && got.len == 0, "GET of a key not there: 1");
	cam_buf_free(&got);

	/* A body that is not what its SHA-256 says. */
	sha_hex("other", 5, sha);
	memset(&p, 0, sizeof(p));
	p.sha256 = sha;
	rc = cam_s3_put_buf(s, "footage", "rec1/bad", "hello", 5, &p, NULL,
	    &e);
	CHECK(rc == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "XAmzContentSHA256Mismatch") != NULL,
	    "a body not matching its SHA-256: CAM_NO, "
	    "XAmzContentSHA256Mismatch");
	if (rc != -1 || strstr(e.msg, "XAmzContentSHA256Mismatch") == NULL)
		printf("# %s\n", e.msg);
	CHECK(cam_s3_head(s, "footage", "rec1/bad", NULL, &h, &e) == 1,
	    "and nothing stored");
	p.sha256 = "not-hex";
	CHECK(cam_s3_put_buf(s, "footage", "rec1/bad", "hello", 5, &p, NULL,
	    &e) == -1 && e.code == CAM_USAGE, "a SHA-256 not in hex: "
	    "CAM_USAGE");
	rc = put(s, "nobucket", "x", "x", 1, NULL, NULL, &e);
	CHECK(rc == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "NoSuchBucket") != NULL,
	    "a bucket not there: CAM_NO, NoSuchBucket");
}

static void
test_list(struct cam_s3 *s)
{
	struct cam_err e;
	int rc, ok = 1;
	const char *l;
	static const char *keys[] = { "h1/a", "h1/b", "h2/a", "h3/x/y",
	    "top", "to/p" };

	CHECK(cam_s3_bucket_create(s, "journals", 0, &e) == 0,
	    "a second bucket");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ok &= put(s, "journals", keys[i], keys[i], strlen(keys[i]),
		    NULL, NULL, &e) == 0;
	CHECK(ok, "six objects");
	l = listing(s, "journals", NULL, NULL, 0, &rc);
	CHECK_STR(l, "h1/a:4\nh1/b:4\nh2/a:4\nh3/x/y:6\nto/p:4\ntop:3\n",
	    "every key, in order, across pages of 2");
	CHECK(rc == 0, "the walk ends with 0");
	l = listing(s, "journals", NULL, "/", 0, &rc);
	CHECK_STR(l, "P h1/:0\nP h2/:0\nP h3/:0\nP to/:0\ntop:3\n",
	    "with the delimiter /: the common prefixes, then top");
	l = listing(s, "journals", "h3/", "/", 0, &rc);
	CHECK_STR(l, "P h3/x/:0\n", "under h3/ with /");
	l = listing(s, "journals", "h1/", NULL, 0, &rc);
	CHECK_STR(l, "h1/a:4\nh1/b:4\n", "under h1/");
	l = listing(s, "journals", "nothing/", NULL, 0, &rc);
	CHECK(rc == 0 && l[0] == '\0', "under a prefix with nothing: none");
	l = listing(s, "journals", NULL, NULL, 3, &rc);
	CHECK(rc == 7 && strcmp(l, "h1/a:4\nh1/b:4\nh2/a:4\n") == 0,
	    "fn's non-zero stops the walk with that value");
	l = listing(s, "nobucket", NULL, NULL, 0, &rc);
	CHECK(rc == -1, "listing a bucket not there fails");
}

static void
test_lock(struct cam_s3 *s)
{
	struct cam_err e;
	struct cam_s3_obj o, h;
	struct cam_s3_put p;
	char v1[256], v2[256];
	time_t until = time(NULL) + 3600;
	int rc;

	CHECK(cam_s3_bucket_create(s, "evidence", 1, &e) == 0,
	    "a bucket with Object Lock");
	memset(&p, 0, sizeof(p));
	p.lock_mode = "COMPLIANCE";
	p.lock_until = until;
	rc = put(s, "evidence", "rec1/evidence/A.tar", "archive", 7, &p, &o,
	    &e);
	CHECK(rc == 0 && o.version[0] != '\0', "a COMPLIANCE upload has a "
	    "version id");
	if (rc != 0)
		printf("# %s\n", e.msg);
	snprintf(v1, sizeof(v1), "%s", o.version);
	rc = cam_s3_head(s, "evidence", "rec1/evidence/A.tar", NULL, &h, &e);
	CHECK(rc == 0 && strcmp(h.lock_mode, "COMPLIANCE") == 0 &&
	    h.lock_until == until && !h.legal_hold &&
	    strcmp(h.version, v1) == 0, "HEAD: its mode, date and version");
	rc = cam_s3_delete(s, "evidence", "rec1/evidence/A.tar", v1, &e);
	CHECK(rc == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "AccessDenied") != NULL,
	    "deleting the locked version: CAM_NO, AccessDenied");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/A.tar", v1, &h,
	    &e) == 0 && h.size == 7, "the version is still there");
	CHECK(cam_s3_delete(s, "evidence", "rec1/evidence/A.tar", NULL,
	    &e) == 0, "a delete without a version: a delete marker");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/A.tar", NULL, &h,
	    &e) == 1, "then the key has no current version");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/A.tar", v1, &h,
	    &e) == 0, "but the locked version is still there");

	/* A legal hold, at the upload and put and lifted after. */
	memset(&p, 0, sizeof(p));
	p.legal_hold = 1;
	rc = put(s, "evidence", "rec1/evidence/B.tar", "held", 4, &p, &o, &e);
	CHECK(rc == 0 && cam_s3_head(s, "evidence", "rec1/evidence/B.tar",
	    NULL, &h, &e) == 0 && h.legal_hold, "an upload under legal hold");
	snprintf(v2, sizeof(v2), "%s", o.version);
	CHECK(cam_s3_delete(s, "evidence", "rec1/evidence/B.tar", v2,
	    &e) == -1 && strstr(e.msg, "AccessDenied") != NULL,
	    "deleting it: AccessDenied");
	CHECK(cam_s3_legal_hold(s, "evidence", "rec1/evidence/B.tar", v2, 0,
	    &e) == 0, "the hold lifted");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/B.tar", NULL, &h,
	    &e) == 0 && !h.legal_hold, "HEAD: no hold");
	CHECK(cam_s3_legal_hold(s, "evidence", "rec1/evidence/B.tar", NULL,
	    1, &e) == 0, "a hold put on the newest version");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/B.tar", v2, &h,
	    &e) == 0 && h.legal_hold, "HEAD of that version: held");
	CHECK(cam_s3_delete(s, "evidence", "rec1/evidence/B.tar", v2,
	    &e) == -1 && strstr(e.msg, "AccessDenied") != NULL,
	    "deleting it: AccessDenied again");
	CHECK(cam_s3_legal_hold(s, "evidence", "rec1/evidence/B.tar", v2, 0,
	    &e) == 0 && cam_s3_delete(s, "evidence", "rec1/evidence/B.tar",
	    v2, &e) == 0, "lifted, the version can be deleted");
	CHECK(cam_s3_head(s, "evidence", "rec1/evidence/B.tar", NULL, &h,
	    &e) == 1, "and is gone");
	CHECK(cam_s3_legal_hold(s, "footage", "rec1/buf", NULL, 1, &e) == -1 &&
	    e.code == CAM_NO, "a hold in a bucket without Object Lock: CAM_NO");
	memset(&p, 0, sizeof(p));
	p.lock_mode = "COMPLIANCE";
	p.lock_until = until;
	CHECK(put(s, "footage", "rec1/l", "x", 1, &p, NULL, &e) == -1 &&
	    e.code == CAM_NO && strstr(e.msg, "InvalidRequest") != NULL,
	    "a retention in a bucket without Object Lock: CAM_NO");
}

static void
test_faults(struct cam_s3 *s)
{
	struct cam_err e;
	struct cam_s3_obj h;
	struct cam_s3 *bad;
	char big[150000];
	double t0;
	int rc;

	bad = client("not the secret", 0);
	rc = cam_s3_head(bad, "footage", "rec1/buf", NULL, &h, &e);
	CHECK(rc == -1 && e.code == CAM_NO, "a wrong secret: CAM_NO");
	rc = put(bad, "footage", "rec1/w", "x", 1, NULL, NULL, &e);
	CHECK(rc == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "SignatureDoesNotMatch") != NULL,
	    "its upload: SignatureDoesNotMatch in the message");
	cam_s3_close(&bad);
	CHECK(bad == NULL, "close clears the handle");

	memset(big, 'v', sizeof(big));
	{
		struct cam_s3 *slow = client(SECRET, 100000);
		t0 = now_s();
		rc = put(slow, "footage", "rec1/slow", big, sizeof(big), NULL,
		    NULL, &e);
		double took = now_s() - t0;
		CHECK(rc == 0 && took >= 0.8, "150 kB at 100 kB/s take "
		    "about 1.5 s");
		printf("# 150000 bytes at max_rate 100000: %.2f s\n", took);
		cam_s3_close(&slow);
	}

	s3d_stop();
	rc = cam_s3_head(s, "footage", "rec1/buf", NULL, &h, &e);
	CHECK(rc == -1 && e.code == CAM_ENV, "the service down: CAM_ENV");
	rc = put(s, "footage", "rec1/later", "x", 1, NULL, NULL, &e);
	CHECK(rc == -1 && e.code == CAM_ENV, "an upload then: CAM_ENV");
	if (s3d_start("--fail-puts", "1") == -1) {
		CHECK(0, "s3d back on its port");
		return;
	}
	rc = put(s, "footage", "rec1/later", "x", 1, NULL, NULL, &e);
	CHECK(rc == -1 && e.code == CAM_ENV && strstr(e.msg, "503") != NULL,
	    "back, a 503 SlowDown: CAM_ENV");
	rc = put(s, "footage", "rec1/later", "x", 1, NULL, NULL, &e);
	CHECK(rc == 0, "the same connection works again");
	CHECK(cam_s3_head(s, "footage", "rec1/gate/2026/a.mkv", NULL, &h,
	    &e) == 0 && h.size == 3000, "the objects stored before are there");
}

static void
test_url(void)
{
	struct cam_err e;
	char *b, *p;

	CHECK(cam_s3_url_parse("s3://camkit-evidence/so-x/", &b, &p,
	    &e) == 0 && strcmp(b, "camkit-evidence") == 0 &&
	    strcmp(p, "so-x/") == 0, "s3://BUCKET/PREFIX/");
	free(b);
	free(p);
	CHECK(cam_s3_url_parse("s3://bkt/pre", &b, &p, &e) == 0 &&
	    strcmp(p, "pre/") == 0, "a prefix gets its '/'");
	free(b);
	free(p);
	CHECK(cam_s3_url_parse("s3://bkt", &b, &p, &e) == 0 &&
	    strcmp(p, "") == 0, "no prefix");
	free(b);
	free(p);
	CHECK(cam_s3_url_parse("http://bkt/x", &b, &p, &e) == -1 &&
	    e.code == CAM_USAGE, "not s3://: CAM_USAGE");
	CHECK(cam_s3_url_parse("s3://B_d/x", &b, &p, &e) == -1,
	    "not a bucket name");
}

int
main(void)
{
	struct cam_s3 *s;
	char cmd[600];

	test_url();
	if (getenv("CAMKIT_TOP") == NULL || access(PYTHON, X_OK) != 0) {
		printf("ok %d - S3 client against s3d # SKIP needs CAMKIT_TOP "
		    "and " PYTHON "\n", ++unit_n);
		return UNIT_END();
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (s3d_start(NULL, NULL) == -1) {
		CHECK(0, "tests/s3d.py starts");
		return UNIT_END();
	}
	s = client(SECRET, 0);
	test_objects(s);
	test_list(s);
	test_lock(s);
	test_faults(s);
	cam_s3_close(&s);
	s3d_stop();
	if (unit_failed == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	} else {
		printf("# kept %s (s3d.log: the requests)\n", dir);
	}
	return UNIT_END();
}
