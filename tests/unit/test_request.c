/*
 * Unit tests for cam_request: the request file's schema (every error at
 * once, as file:line:col), the template, and signatures: a CA, a
 * director, a unit head, a rogue CA with a "director" of its own, an
 * expired director and a self-signed one, all made here with OpenSSL;
 * requests signed by cam_request_sign and by the calls `openssl cms`
 * makes, then accepted or refused each with its own reason.
 *
 *	unit_request --keep	keep the files (and say where), e.g. to
 *				run the openssl commands printed as comments
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_crypto.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "evidence/cam_request.h"
#include "site/cam_config.h"
#include "unit.h"

#define ZONE	"Asia/Ho_Chi_Minh"
#define DAY	86400L

static char dir[] = "/tmp/camkit-request.XXXXXX";
static struct cam_err e;

static void
spit(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) == -1 || close(fd) == -1)
		printf("# cannot write %s: %s\n", path, strerror(errno));
}

/* ---- requests ---- */

static const char good[] =
    "# camkit extraction request (camkit-request(5))\n"
    "id: YC-2026-012            # single use\n"
    "requester:\n"
    "  name: \"Nguyễn Văn A\"\n"
    "  unit: \"Phòng Tổ chức cán bộ\"\n"
    "purpose: \"Xác minh vụ mất xe máy ngày 20/11\"\n"
    "cameras: [gate, yard]\n"
    "from: \"2026-11-20T08:00\"\n"
    "to: \"2026-11-20T09:00\"\n"
    "expires: \"2026-11-30T17:00\"\n"
    "recipient:\n"
    "  name: \"Công an phường Đông Thành\"\n"
    "  unit: \"Đội điều tra\"\n";

/* The same, current for long: what the signature tests sign. */
static const char current[] =
    "# camkit extraction request (camkit-request(5))\n"
    "id: YC-2026-012            # single use\n"
    "requester:\n"
    "  name: \"Nguyễn Văn A\"\n"
    "  unit: \"Phòng Tổ chức cán bộ\"\n"
    "purpose: \"Xác minh vụ mất xe máy ngày 20/11\"\n"
    "cameras: [gate, yard]\n"
    "from: \"2026-11-20T08:00\"\n"
    "to: \"2026-11-20T09:00\"\n"
    "expires: \"2099-12-31T17:00\"\n"
    "recipient:\n"
    "  name: \"Công an phường Đông Thành\"\n"
    "  unit: \"Đội điều tra\"\n";

static struct cam_request req;

static int
parse(const char *text)
{
	cam_request_free(&req);
	cam_err_clear(&e);
	return cam_request_parse(&req, "r.yaml", text, strlen(text), ZONE, &e);
}

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static void
test_parse_good(void)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char hex[65];

	CHECK(parse(good) == 0, "parse: the example request");
	if (e.count)
		printf("# %s\n", e.msg);
	CHECK_STR(req.id, "YC-2026-012", "parse: id");
	CHECK_STR(req.requester_name, "Nguyễn Văn A", "parse: requester name");
	CHECK_STR(req.requester_unit, "Phòng Tổ chức cán bộ",
	    "parse: requester unit");
	CHECK_STR(req.purpose, "Xác minh vụ mất xe máy ngày 20/11",
	    "parse: purpose");
	CHECK(req.ncameras == 2 && strcmp(req.cameras[0], "gate") == 0 &&
	    strcmp(req.cameras[1], "yard") == 0, "parse: cameras");
	CHECK(req.from == utc(2026, 11, 20, 1, 0) &&
	    req.to == utc(2026, 11, 20, 2, 0) &&
	    req.expires == utc(2026, 11, 30, 10, 0),
	    "parse: local times in the site's zone (+07:00)");
	CHECK_STR(req.recipient_name, "Công an phường Đông Thành",
	    "parse: recipient name");
	CHECK_STR(req.recipient_unit, "Đội điều tra", "parse: recipient unit");
	CHECK(req.recipient_cert == NULL, "parse: no recipient certificate");
	CHECK(req.raw.len == strlen(good) &&
	    memcmp(req.raw.s, good, req.raw.len) == 0,
	    "parse: raw holds the exact bytes");
	EVP_Digest(good, strlen(good), md, &mdlen, EVP_sha256(), NULL);
	cam_crypto_hex(md, mdlen, hex);
	CHECK_STR(req.sha256, hex, "parse: sha256 of the bytes");

	const char *rfc =
	    "id: \"12/QD-UBND\"\n"
	    "requester: {name: A, unit: B}\n"
	    "purpose: |\n  Dòng một\n  Dòng hai\n"
	    "cameras:\n  - gate\n"
	    "from: 2026-11-20T01:00:00Z\n"
	    "to: \"2026-11-20T09:30:00+07:00\"\n"
	    "expires: 2026-11-30\n"
	    "recipient: {name: C}\n";
	CHECK(parse(rfc) == 0, "parse: RFC 3339 times, a block purpose, a "
	    "slash in the id, no recipient unit");
	if (e.count)
		printf("# %s\n", e.msg);
	CHECK(req.from == utc(2026, 11, 20, 1, 0) &&
	    req.to == utc(2026, 11, 20, 2, 30) &&
	    req.expires == utc(2026, 11, 29, 17, 0),
	    "parse: offsets and Z honoured, a date is local midnight");
	CHECK_STR(req.purpose, "Dòng một\nDòng hai\n",
	    "parse: a multi-line purpose");
	CHECK(req.recipient_unit == NULL, "parse: recipient unit optional");
	cam_request_free(&req);
	CHECK(cam_request_parse(&req, "u.yaml", "id: x\n", 6, ZONE, &e) ==
	    -1 && req.id == NULL, "parse: a failure leaves it empty");
	cam_request_free(&req);
}

static void
test_parse_bad(void)
{
	const char *bad =
	    "id: YC-0123456789012345678901234567890123456789"
	    "0123456789012345678901234\n"		/* 68 characters */
	    "requester:\n"
	    "  name: \"A\"\n"
	    "  rank: \"B\"\n"
	    "purpose: [a]\n"
	    "cameras: [gate, Gate, gate]\n"
	    "from: \"2026-11-20T09:00\"\n"
	    "to: \"2026-11-20T08:00\"\n"
	    "expires: \"2026-02-30T17:00\"\n"
	    "recipent:\n"
	    "  name: x\n";

	CHECK(parse(bad) == -1 && e.code == CAM_NO, "bad: refused");
	printf("# %s\n", e.msg);
	CHECK(strstr(e.msg, "r.yaml:10:1: unknown key \"recipent\" in the "
	    "request") != NULL, "bad: unknown key, at its place");
	CHECK(strstr(e.msg, "r.yaml:1:5: bad id ") != NULL,
	    "bad: an id longer than 64");
	CHECK(strstr(e.msg, "r.yaml:4:3: unknown key \"rank\" in requester") !=
	    NULL, "bad: unknown key in requester");
	CHECK(strstr(e.msg, "r.yaml:3:3: requester: \"unit\" is required") !=
	    NULL || strstr(e.msg, "requester: \"unit\" is required") != NULL,
	    "bad: the requester's unit is required");
	CHECK(strstr(e.msg, "r.yaml:5:10: \"purpose\" must be a string, "
	    "not a list") != NULL, "bad: wrong type");
	CHECK(strstr(e.msg, "r.yaml:6:17: cameras: bad camera id \"Gate\"") &&
	    strstr(e.msg, "r.yaml:6:23: cameras: \"gate\" given twice"),
	    "bad: camera ids checked, duplicates refused");
	CHECK(strstr(e.msg, "r.yaml:8:5: \"to\" must be after \"from\"") !=
	    NULL, "bad: to <= from");
	CHECK(strstr(e.msg, "r.yaml:9:10: \"expires\": bad time "
	    "\"2026-02-30T17:00\": day out of range") != NULL,
	    "bad: a time that does not exist");
	CHECK(strstr(e.msg, "r.yaml: \"recipient\" is required") != NULL,
	    "bad: missing recipient");
	CHECK(e.count == 10, "bad: every error at once");

	CHECK(parse("id: a\nrequester: &p {name: A, unit: B}\npurpose: x\n"
	    "cameras: [gate]\nfrom: 2026-01-01\nto: 2026-01-02\n"
	    "expires: 2026-01-03\nrecipient: *p\n") == -1 &&
	    strstr(e.msg, "r.yaml:2:12: anchors and aliases are not allowed"),
	    "bad: anchors and aliases refused, at their place");
	printf("# %s\n", e.msg);
	CHECK(parse("") == -1 && strcmp(e.msg, "r.yaml: empty request") == 0,
	    "bad: empty");
	CHECK(parse("- a\n") == -1 && strstr(e.msg, "r.yaml:1:1: the request "
	    "must be a mapping, not a list"), "bad: not a mapping");
	CHECK(parse("id: [a\n") == -1 && strncmp(e.msg, "r.yaml:", 7) == 0,
	    "bad: YAML syntax");

	/* Ids. */
	static const char *const ids[] = { "\"-x\"", "\"/x\"", "\"a//b\"",
	    "\"a/../b\"", "\"a/.\"", "\"x y\"", "\"Đ\"", "\"a/\"", NULL };
	int refused = 0;
	for (int i = 0; ids[i] != NULL; i++) {
		char text[512];
		snprintf(text, sizeof(text), "id: %s\nrequester: {name: A, "
		    "unit: B}\npurpose: x\ncameras: [gate]\nfrom: 2026-01-01\n"
		    "to: 2026-01-02\nexpires: 2026-01-03\nrecipient: {name: C}"
		    "\n", ids[i]);
		if (parse(text) == -1 && strstr(e.msg, "bad id") &&
		    e.count == 1)
			refused++;
		else
			printf("# id %s: %s\n", ids[i], e.msg);
	}
	CHECK(refused == 8, "bad: ids with '-' or '/' first, empty, \".\" or "
	    "\"..\" parts, spaces, non-ASCII");

	/* A private key, control characters, a camera list that is not. */
	CHECK(parse("id: a\nrequester: {name: \"A\\u0007\", unit: B}\n"
	    "purpose: \"-----BEGIN PRIVATE KEY-----\"\ncameras: gate\n"
	    "from: 2026-01-01\nto: 2026-01-02\nexpires: 2026-01-03\n"
	    "recipient: {name: C}\n") == -1 &&
	    strstr(e.msg, "r.yaml:2:19: requester: \"name\" has control "
	    "characters") && strstr(e.msg, "r.yaml:3:10: a private key in a "
	    "request") && strstr(e.msg, "r.yaml:4:10: \"cameras\" must be a "
	    "list"), "bad: control characters, a key, a scalar camera list");
	printf("# %s\n", e.msg);
	cam_request_free(&req);
}

/* ---- keys and certificates, made with OpenSSL ---- */

struct ident {
	EVP_PKEY *key;
	X509 *cert;
	char crt[512], keyf[512];	/* file names */
};

static struct ident ca, director, head, rca, rogue, expired, selfsigned,
    other_ca_signer;

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	return ok;
}

/* A certificate for key, valid from now+nb to now+na, signed by issuer
 * (NULL: self-signed); cn in UTF-8. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const struct ident *issuer, int ca_,
    long nb, long na)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_NAME *n;

	if (x == NULL)
		return NULL;
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), nb);
	X509_gmtime_adj(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"VN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Văn phòng Demo", -1, -1, 0);
	/* The unit head's unit, as their certificate names it (OU). */
	if (strncmp(cn, "Trưởng phòng", strlen("Trưởng phòng")) == 0)
		X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8,
		    (const unsigned char *)"Phòng Tổ chức cán bộ", -1, -1,
		    0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert) :
	    n);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer->cert : x, x, NULL, NULL, 0);
	if (!add_ext(x, &ctx, NID_basic_constraints, ca_ ?
	    "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    !add_ext(x, &ctx, NID_key_usage, ca_ ?
	    "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature,nonRepudiation") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(x, issuer ? issuer->key : key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
make_ident(struct ident *id, const char *name, const char *cn,
    const struct ident *issuer, int ca_, long nb, long na, int rsa)
{
	FILE *f;
	int fd;

	id->key = rsa ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048) :
	    EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (id->key == NULL ||
	    (id->cert = make_cert(id->key, cn, issuer, ca_, nb, na)) == NULL)
		return 0;
	snprintf(id->crt, sizeof(id->crt), "%s/%s.crt", dir, name);
	snprintf(id->keyf, sizeof(id->keyf), "%s/%s.key", dir, name);
	if ((f = fopen(id->crt, "w")) == NULL ||
	    !PEM_write_X509(f, id->cert) || fclose(f) != 0)
		return 0;
	if ((fd = open(id->keyf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL ||
	    !PEM_write_PrivateKey(f, id->key, NULL, NULL, 0, NULL, NULL) ||
	    fclose(f) != 0)
		return 0;
	return 1;
}

static void
ident_free(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
}

static int
make_keys(void)
{
	return make_ident(&ca, "ca", "Demo camkit CA", NULL, 1, -DAY,
	    3650 * DAY, 0) &&
	    make_ident(&director, "director", "Giám đốc Demo", &ca, 0, -DAY,
	    365 * DAY, 0) &&
	    make_ident(&head, "unit-head", "Trưởng phòng Demo", &ca, 0, -DAY,
	    365 * DAY, 1) &&
	    /* The rogue's CA and "director" have the real ones' names. */
	    make_ident(&rca, "rogue-ca", "Demo camkit CA", NULL, 1, -DAY,
	    3650 * DAY, 0) &&
	    make_ident(&rogue, "rogue", "Giám đốc Demo", &rca, 0, -DAY,
	    365 * DAY, 0) &&
	    make_ident(&expired, "director-expired", "Giám đốc Demo", &ca, 0,
	    -730 * DAY, -365 * DAY, 0) &&
	    make_ident(&selfsigned, "director-selfsigned", "Giám đốc Demo",
	    NULL, 0, -DAY, 365 * DAY, 0) &&
	    make_ident(&other_ca_signer, "clerk", "Văn thư Demo", &ca, 0,
	    -DAY, 365 * DAY, 0);
}

/* ---- signing as openssl does ---- */

/*
 * Sign file with id into out: CMS_sign(flags) as `openssl cms -sign`
 * does (default attributes: contentType, signingTime, messageDigest,
 * SMIMECapabilities); DER, or PEM if pem ("CMS", or "PKCS7" if pem ==
 * 2).
 */
static int
api_sign(const char *file, const struct ident *id, unsigned flags,
    const char *out, int pem)
{
	size_t len;
	char *data = unit_slurp(file, &len);
	BIO *in = NULL, *o = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = NULL;
	char *p;
	long n;
	int ok = 0;

	if (data == NULL || o == NULL ||
	    (in = BIO_new_mem_buf(data, (int)len)) == NULL ||
	    (cms = CMS_sign(id->cert, id->key, NULL, in, flags)) == NULL)
		goto end;
	if (pem ? !PEM_write_bio_CMS(o, cms) : !i2d_CMS_bio(o, cms))
		goto end;
	n = BIO_get_mem_data(o, &p);
	if (pem == 2) {
		/* What `openssl smime -outform PEM` or cms -outform PEM of
		 * older tools write: the same bytes, labelled PKCS7. */
		struct cam_buf b = CAM_BUF_INIT;
		cam_buf_add(&b, p, (size_t)n);
		char *s;
		while ((s = strstr(b.s, "CMS-----")) != NULL)
			cam_buf_splice(&b, (size_t)(s - b.s), 3, "PKCS7");
		spit(out, b.s, b.len, 0644);
		cam_buf_free(&b);
	} else
		spit(out, p, (size_t)n, 0644);
	ok = 1;
end:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(o);
	free(data);
	return ok;
}

/* `openssl cms -resign`: add id as a signer of the DER file sig, over
 * the digest already there. */
static int
api_resign(const char *sig, const struct ident *id, const char *out)
{
	size_t len;
	char *data = unit_slurp(sig, &len), *p;
	const unsigned char *q = (const unsigned char *)data;
	CMS_ContentInfo *cms = NULL;
	BIO *o = BIO_new(BIO_s_mem());
	long n;
	int ok = 0;

	if (data == NULL || o == NULL ||
	    (cms = d2i_CMS_ContentInfo(NULL, &q, (long)len)) == NULL ||
	    CMS_add1_signer(cms, id->cert, id->key, NULL, CMS_BINARY |
	    CMS_REUSE_DIGEST) == NULL || !i2d_CMS_bio(o, cms))
		goto end;
	n = BIO_get_mem_data(o, &p);
	spit(out, p, (size_t)n, 0644);
	ok = 1;
end:
	CMS_ContentInfo_free(cms);
	BIO_free(o);
	free(data);
	return ok;
}

/* ---- verifying ---- */

static struct cam_trust *trust;
static struct cam_buf dirs[3], heads[1];
static struct cam_request_sigs sigs;

/* A directory of its own for a case, with the request as YC-12.yaml. */
static const char *
request_in(const char *sub, const char *text)
{
	static char path[512];
	struct cam_err me;

	if (cam_mkdir_p(unit_path(dir, sub), 0755, &me) == -1)
		printf("# %s\n", me.msg);
	snprintf(path, sizeof(path), "%s/%s/YC-12.yaml", dir, sub);
	spit(path, text ? text : current, strlen(text ? text : current),
	    0644);
	return path;
}

static int
vfy(const char *path, const char *const *extra, size_t nextra, int need,
    time_t now, const struct cam_trust *ca_)
{
	struct cam_request r;
	struct cam_request_trust t = { ca_, dirs, 3, heads, 1, need };
	int rc;

	cam_request_sigs_free(&sigs);
	if (cam_request_load(&r, path, ZONE, &e) == -1) {
		printf("# %s\n", e.msg);
		return -2;
	}
	rc = cam_request_verify(&r, path, extra, nextra, &t, now, &sigs, &e);
	printf("# -> %s%s%s\n", rc == -1 ? "error" :
	    cam_request_refusal_name(rc), e.count ? ": " : "",
	    e.count ? e.msg : "");
	cam_request_free(&r);
	return rc;
}

/* The certificates are made valid around the real clock. */
#define NOW	time(NULL)

static void
test_sign(void)
{
	char p[512], *sub = NULL;
	struct stat st;
	time_t t0 = time(NULL);

	snprintf(p, sizeof(p), "%s", request_in("sign", NULL));
	chmod(director.keyf, 0644);
	CHECK(cam_request_sign(p, director.keyf, director.crt, NULL, &e) ==
	    -1 && e.code == CAM_NO && strstr(e.msg, "mode 0644 lets others "
	    "read the signing key"), "sign: a key others may read is refused");
	printf("# %s\n", e.msg);
	chmod(director.keyf, 0600);
	CHECK(cam_request_sign(p, director.keyf, head.crt, NULL, &e) == -1 &&
	    strstr(e.msg, "not the certificate of the key"),
	    "sign: another key's certificate is refused");
	CHECK(cam_request_sign(p, expired.keyf, expired.crt, NULL, &e) == -1 &&
	    strstr(e.msg, "the certificate is expired"),
	    "sign: an expired certificate is refused");
	spit(unit_path(dir, "sign/bad.yaml"), "id: x\n", 6, 0644);
	CHECK(cam_request_sign(unit_path(dir, "sign/bad.yaml"), director.keyf,
	    director.crt, NULL, &e) == -1 && strstr(e.msg, "bad.yaml: "),
	    "sign: a request that does not parse is refused");
	CHECK(cam_request_sign(p, director.keyf, director.crt, NULL, &e) == 0,
	    "sign: the director signs, the signature named after the "
	    "certificate");
	if (e.count)
		printf("# %s\n", e.msg);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK && sigs.n == 1 &&
	    sigs.nfiles == 1, "verify: signed by the director: accepted");
	if (sigs.n == 1) {
		char fp[65];
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;

		X509_digest(director.cert, EVP_sha256(), md, &mdlen);
		cam_crypto_hex(md, mdlen, fp);
		CHECK(sigs.v[0].roles == CAM_ROLE_DIRECTOR,
		    "verify: the signer is the director");
		CHECK_STR(sigs.v[0].subject, "CN=Giám đốc Demo,O=Văn phòng "
		    "Demo,C=VN", "verify: the subject in RFC 2253, UTF-8");
		CHECK_STR(sigs.v[0].sha256, fp, "verify: the fingerprint");
		sub = cam_xstrdup(sigs.v[0].file);
		char want[600];
		snprintf(want, sizeof(want), "%s/sign/YC-12.%.16s.p7s", dir,
		    fp);
		CHECK_STR(sub, want, "sign: default name STEM.FP16.p7s");
		CHECK(sigs.v[0].signed_at >= t0 - 5 &&
		    sigs.v[0].signed_at <= time(NULL) + 5,
		    "verify: signingTime read");
		struct tm tm;
		CHECK(ASN1_TIME_to_tm(X509_get0_notAfter(director.cert),
		    &tm) && sigs.v[0].not_after == timegm(&tm),
		    "verify: notAfter read");
	}
	CHECK(sub != NULL && stat(sub, &st) == 0 && (st.st_mode & 0777) ==
	    0644, "sign: the signature is mode 0644");
	printf("# cross-check: openssl cms -verify -binary -inform DER -in %s "
	    "-content %s -CAfile %s -purpose any -out /dev/null\n",
	    sub ? sub : "?", p, ca.crt);

	/* Needs a unit head by policy: not there yet, then there. */
	CHECK(vfy(p, NULL, 0, 1, NOW, trust) == CAM_REQ_NO_UNIT_HEAD &&
	    strstr(e.msg, "YC-12.yaml: the policy requires a unit head's "
	    "signature"), "verify: policy wants a unit head: refused");
	CHECK(cam_request_sign(p, head.keyf, head.crt, unit_path(dir, "sign/YC-12."
	    "unit-head.p7s"), &e) == 0, "sign: the unit head signs (RSA)");
	CHECK(vfy(p, NULL, 0, 1, NOW, trust) == CAM_REQ_OK && sigs.n == 2 &&
	    sigs.nfiles == 2 && (sigs.v[0].roles | sigs.v[1].roles) ==
	    (CAM_ROLE_DIRECTOR | CAM_ROLE_UNIT_HEAD),
	    "verify: director and unit head in two files: accepted");

	/* Expiry, ten days on: the last second still counts. */
	{
		struct cam_buf t = CAM_BUF_INIT;
		char when[64];
		time_t exp = time(NULL) / 60 * 60 + 10 * DAY;
		const char *q;

		cam_time_format_utc(exp, when, sizeof(when));
		cam_buf_adds(&t, current);
		q = strstr(t.s, "2099-12-31T17:00");
		cam_buf_splice(&t, (size_t)(q - t.s), 16, when);
		q = request_in("expiry", t.s);
		cam_buf_free(&t);
		CHECK(cam_request_sign(q, director.keyf, director.crt, NULL,
		    &e) == 0, "sign: a request that expires in ten days");
		CHECK(vfy(q, NULL, 0, 0, exp, trust) == CAM_REQ_OK,
		    "verify: at its expiry: accepted");
		char want[128], shown[CAM_TIME_HUMAN_LEN];
		/* Told in the one human form (the trust names no zone:
		 * UTC, +00). */
		cam_time_format_human(exp, NULL, shown, sizeof(shown));
		snprintf(want, sizeof(want), "YC-12.yaml: request YC-2026-012 "
		    "expired at %s", shown);
		CHECK(vfy(q, NULL, 0, 0, exp + 1, trust) == CAM_REQ_EXPIRED &&
		    strstr(e.msg, want), "verify: a second after: refused as "
		    "expired");
	}

	/* Changed after signing: one byte, a comment even. */
	size_t n;
	char *s = unit_slurp(p, &n);
	if (s != NULL) {
		struct cam_buf b = CAM_BUF_INIT;
		cam_buf_add(&b, s, n);
		cam_buf_adds(&b, "# thêm\n");
		spit(p, b.s, b.len, 0644);
		cam_buf_free(&b);
	}
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "the signature does not match the request: it was "
	    "changed after signing"), "verify: edited after signing: refused");
	if (s != NULL)
		spit(p, s, n, 0644);
	free(s);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK,
	    "verify: put back: accepted again");
	free(sub);
}

static void
test_refusals(void)
{
	const char *p;
	char sig[600];

	/* Nothing beside it; another request's signatures do not count. */
	p = request_in("unsigned", NULL);
	spit(unit_path(dir, "unsigned/YC-123.yaml"), current, strlen(current), 0644);
	api_sign(unit_path(dir, "unsigned/YC-123.yaml"), &director, CMS_BINARY |
	    CMS_DETACHED, unit_path(dir, "unsigned/YC-123.yaml.p7s"), 0);
	api_sign(unit_path(dir, "unsigned/YC-123.yaml"), &director, CMS_BINARY |
	    CMS_DETACHED, unit_path(dir, "unsigned/YC-12-b.p7s"), 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_UNSIGNED &&
	    sigs.nfiles == 0 && strstr(e.msg, "not signed"),
	    "verify: no signature: unsigned (YC-123*.p7s, YC-12-b.p7s not "
	    "taken for YC-12's)");

	/* Forged: a key certified by a CA nobody trusts, same names. */
	p = request_in("forged", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &rogue, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_UNTRUSTED &&
	    strstr(e.msg, "YC-12.yaml.p7s: signer CN=Giám đốc Demo,O=Văn "
	    "phòng Demo,C=VN does not chain to a trusted CA: unable to get "
	    "local issuer certificate"), "verify: a rogue CA's director: "
	    "untrusted");

	/* The unit head alone. */
	p = request_in("head-only", NULL);
	snprintf(sig, sizeof(sig), "%s.unit-head.p7s", p);
	api_sign(p, &head, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_NOT_DIRECTOR &&
	    sigs.n == 1 && sigs.v[0].roles == CAM_ROLE_UNIT_HEAD &&
	    strstr(e.msg, "no director signed it: signed by CN=Trưởng phòng "
	    "Demo"), "verify: a unit head only: not-director");
	/* Someone the CA certified who is neither. */
	snprintf(sig, sizeof(sig), "%s.unit-head.p7s", p);
	unlink(sig);
	snprintf(sig, sizeof(sig), "%s.clerk.p7s", p);
	api_sign(p, &other_ca_signer, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_NOT_DIRECTOR &&
	    sigs.n == 1 && sigs.v[0].roles == 0,
	    "verify: a clerk under the CA: not-director");

	/* An expired director (listed in trust.director too). */
	p = request_in("expired", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &expired, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_CERT_EXPIRED &&
	    strstr(e.msg, "does not chain to a trusted CA: certificate has "
	    "expired (the signer's own, valid until "),
	    "verify: an expired director certificate: cert-expired");
	/* And a good one checked at a time past its end. */
	p = request_in("late", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, time(NULL) + 400 * DAY, trust) ==
	    CAM_REQ_CERT_EXPIRED, "verify: certificates checked at the time "
	    "given, not at signing");

	/* Self-signed, even when trust.director names it. */
	p = request_in("selfsigned", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &selfsigned, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_UNTRUSTED &&
	    strstr(e.msg, "does not chain to a trusted CA: self-signed "
	    "certificate"), "verify: a self-signed director: untrusted");

	/* No trust.ca at all. */
	p = request_in("noca", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, NULL) == CAM_REQ_UNTRUSTED,
	    "verify: without trusted CAs nothing chains");

	/* A signature whose value was tampered with. */
	p = request_in("tampered", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0);
	size_t n;
	unsigned char *d = (unsigned char *)unit_slurp(sig, &n);
	if (d != NULL && n > 0) {
		d[n - 1] ^= 0x01;	/* the last byte of s in ECDSA (r, s) */
		spit(sig, d, n, 0644);
	}
	free(d);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "the signature is forged or damaged"),
	    "verify: a tampered signature value: bad-signature");

	/* Another request's signature under this one's name. */
	p = request_in("swapped", NULL);
	spit(unit_path(dir, "swapped/other.yaml"), "id: x\n", 6, 0644);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(unit_path(dir, "swapped/other.yaml"), &director, CMS_BINARY |
	    CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "or made for another file"),
	    "verify: another file's signature: bad-signature");

	/* A good director's signature and a bad one beside it. */
	p = request_in("mixed", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0);
	snprintf(sig, sizeof(sig), "%s.x.p7s", p);
	spit(sig, "not a signature\n", 16, 0644);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "YC-12.yaml.x.p7s: not a CMS signature"),
	    "verify: every file counts: garbage beside a good one refused");
	spit(sig, "-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n", 42, 0644);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "not a PEM CMS signature"), "verify: broken PEM");
	unlink(sig);
	/* A signature is checked for what it holds, so a link to one
	 * is followed (and the file it names read once); a link to what
	 * is no file is refused. */
	CHECK(symlink("YC-12.yaml.p7s", sig) == 0 &&
	    vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK && sigs.nfiles == 1,
	    "verify: a link to a signature is followed, the file read once");
	unlink(sig);
	CHECK(symlink("/dev/zero", sig) == 0 &&
	    vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "YC-12.yaml.x.p7s: not a regular file"),
	    "verify: a link to a device is refused");
	unlink(sig);
	const char *missing[] = { unit_path(dir, "mixed/nosuch.p7s") };
	CHECK(vfy(p, missing, 1, 0, NOW, trust) == -1 && e.code == CAM_ENV,
	    "verify: a given signature that cannot be read: an error");

	/* Without -binary, openssl signs CRLF line ends: said so. */
	p = request_in("text", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_DETACHED, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "made without -binary"),
	    "verify: signed without -binary: bad-signature, and why");

	/* S/MIME output (openssl cms -sign without -outform): its
	 * headers are enough to tell. */
	p = request_in("smime", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	const char smime[] = "MIME-Version: 1.0\nContent-Type: multipart/"
	    "signed; protocol=\"application/pkcs7-signature\"; micalg="
	    "\"sha-256\"; boundary=\"----B\"\n\nThis is an S/MIME signed "
	    "message\n\n------B\n";
	spit(sig, smime, sizeof(smime) - 1, 0644);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_BAD_SIGNATURE &&
	    strstr(e.msg, "an S/MIME message"), "verify: S/MIME: said so");
}

static void
test_openssl_forms(void)
{
	const char *p;
	char sig[600], sig2[600];

	/* What `openssl cms -sign -binary ... -outform DER` makes. */
	p = request_in("openssl", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	CHECK(api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0),
	    "openssl: CMS_sign(BINARY|DETACHED), default attributes");
	printf("# the same with the tool: openssl cms -sign -binary -in %s "
	    "-signer %s -inkey %s -outform DER -out %s\n", p, director.crt,
	    director.keyf, sig);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK && sigs.n == 1 &&
	    sigs.v[0].roles == CAM_ROLE_DIRECTOR,
	    "verify: openssl cms -sign -binary -outform DER: accepted");

	/* -resign: the unit head added to the same file. */
	snprintf(sig2, sizeof(sig2), "%s.both.p7s", p);
	CHECK(api_resign(sig, &head, sig2), "openssl: CMS_add1_signer with "
	    "REUSE_DIGEST, as -resign");
	printf("# the same with the tool: openssl cms -resign -binary "
	    "-inform DER -in %s -signer %s -inkey %s -outform DER -out %s\n",
	    sig, head.crt, head.keyf, sig2);
	unlink(sig);
	CHECK(vfy(p, NULL, 0, 1, NOW, trust) == CAM_REQ_OK && sigs.n == 2 &&
	    sigs.nfiles == 1 && sigs.v[0].roles == CAM_ROLE_DIRECTOR &&
	    sigs.v[1].roles == CAM_ROLE_UNIT_HEAD,
	    "verify: two signers in one file: accepted with both roles");
	/* The second signer forged: the first does not save the file. */
	snprintf(sig, sizeof(sig), "%s.both2.p7s", p);
	unlink(sig2);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig2, 0);
	api_resign(sig2, &rogue, sig);
	unlink(sig2);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_UNTRUSTED &&
	    strstr(e.msg, "YC-12.yaml.both2.p7s: signer CN=Giám đốc Demo"),
	    "verify: a rogue second signer in one file: untrusted");
	unlink(sig);

	/* PEM, labelled CMS or PKCS7. */
	p = request_in("pem", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 1);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK,
	    "verify: PEM (-----BEGIN CMS-----): accepted");
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 2);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK,
	    "verify: PEM (-----BEGIN PKCS7-----): accepted");

	/* -nocerts: the signer found among trust.director. */
	p = request_in("nocerts", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED | CMS_NOCERTS, sig,
	    0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK && sigs.n == 1 &&
	    sigs.v[0].roles == CAM_ROLE_DIRECTOR,
	    "verify: -nocerts by a known director: accepted");
	api_sign(p, &other_ca_signer, CMS_BINARY | CMS_DETACHED |
	    CMS_NOCERTS, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_UNTRUSTED &&
	    strstr(e.msg, "its certificate is neither in the file"),
	    "verify: -nocerts by someone unknown: untrusted");

	/* -nodetach: the content inside is ignored, the file's bytes
	 * are what is checked. */
	p = request_in("nodetach", NULL);
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY, sig, 0);
	CHECK(vfy(p, NULL, 0, 0, NOW, trust) == CAM_REQ_OK,
	    "verify: a signature with the content inside: checked over the "
	    "file's bytes");

	/* --signature: elsewhere, and once only when also found. */
	p = request_in("extra", NULL);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED,
	    unit_path(dir, "extra-director.der"), 0);
	const char *ex[] = { unit_path(dir, "extra-director.der") };
	CHECK(vfy(p, ex, 1, 0, NOW, trust) == CAM_REQ_OK && sigs.nfiles == 1,
	    "verify: a signature given from elsewhere: accepted");
	snprintf(sig, sizeof(sig), "%s.p7s", p);
	api_sign(p, &director, CMS_BINARY | CMS_DETACHED, sig, 0);
	const char *ex2[] = { sig };
	CHECK(vfy(p, ex2, 1, 0, NOW, trust) == CAM_REQ_OK && sigs.nfiles == 1,
	    "verify: a file found and given is read once");
}

static void
test_template(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	time_t now = utc(2026, 11, 20, 1, 37);	/* 08:37 in Hanoi */

	cam_request_template(&b, ZONE, now);
	CHECK(parse(b.s) == 0, "template: parses as it is");
	if (e.count)
		printf("# %s\n%s", e.msg, b.s);
	CHECK_STR(req.id, "YC-20261120-0837", "template: id from now, local");
	CHECK(req.from == utc(2026, 11, 20, 0, 0) &&
	    req.to == utc(2026, 11, 20, 1, 0),
	    "template: the last whole hour, local");
	CHECK(req.expires == utc(2026, 11, 27, 10, 0),
	    "template: expires a week on, at 17:00 local");
	CHECK(strstr(b.s, "from: \"2026-11-20T07:00\"\n") &&
	    strstr(b.s, "local time in Asia/Ho_Chi_Minh"),
	    "template: local times, the zone named");
	cam_buf_free(&b);
	cam_request_template(&b, NULL, now);
	cam_request_free(&req);
	CHECK(cam_request_parse(&req, "t.yaml", b.s, b.len, NULL, &e) == 0 &&
	    req.to == utc(2026, 11, 20, 1, 0), "template: UTC without zone");
	cam_buf_free(&b);
	cam_request_free(&req);
}

static void
test_load(void)
{
	struct cam_request r;
	struct cam_buf big = CAM_BUF_INIT;

	spit(unit_path(dir, "real.yaml"), good, strlen(good), 0644);
	CHECK(cam_request_load(&r, unit_path(dir, "real.yaml"), ZONE, &e) == 0 &&
	    r.raw.len == strlen(good), "load: a request file");
	cam_request_free(&r);
	CHECK(symlink("real.yaml", unit_path(dir, "link.yaml")) == 0 &&
	    cam_request_load(&r, unit_path(dir, "link.yaml"), ZONE, &e) == -1 &&
	    strstr(e.msg, "a symbolic link"), "load: a link is not followed");
	CHECK(cam_request_load(&r, dir, ZONE, &e) == -1 &&
	    strstr(e.msg, "not a regular file"), "load: a directory");
	for (int i = 0; i < 1500; i++)
		cam_buf_adds(&big, "# 0123456789012345678901234567890123456789"
		    "01234567890123456789012345678901234567890123456789\n"
		    "########################################################"
		    "################################################\n"
		    "# abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd"
		    "efghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n"
		    "#################################################"
		    "#######################################################\n"
		    "########################################################"
		    "##################################################\n"
		    "#########################################################"
		    "################################################\n"
		    "########################################################"
		    "######################################################\n"
		    "######################################################\n");
	spit(unit_path(dir, "big.yaml"), big.s, big.len, 0644);
	CHECK(big.len > CAM_REQUEST_MAX &&
	    cam_request_load(&r, unit_path(dir, "big.yaml"), ZONE, &e) == -1 &&
	    strstr(e.msg, "larger than"), "load: more than 1 MiB refused");
	cam_buf_free(&big);
	CHECK(cam_request_load(&r, unit_path(dir, "nosuch.yaml"), ZONE, &e) == -1 &&
	    e.code == CAM_ENV, "load: a missing file is an error");
}

static void
test_recipient_cert(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	size_t n;
	char *pem = unit_slurp(director.crt, &n), *two = NULL;

	if (pem == NULL)
		return;
	cam_buf_adds(&b, good);
	cam_buf_adds(&b, "  certificate: |\n");
	for (char *l = pem; *l != '\0'; ) {
		size_t len = strcspn(l, "\n");
		cam_buf_addf(&b, "    %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
	CHECK(parse(b.s) == 0 && req.recipient_cert != NULL &&
	    strcmp(req.recipient_cert, pem) == 0,
	    "recipient: a PEM certificate as a block");
	cam_buf_free(&b);
	cam_buf_adds(&b, good);
	cam_buf_adds(&b, "  certificate: \"not a certificate\"\n");
	CHECK(parse(b.s) == -1 && strstr(e.msg, "r.yaml:14:16: recipient: "
	    "\"certificate\" must be a PEM certificate"),
	    "recipient: not a certificate");
	cam_buf_free(&b);
	cam_buf_adds(&b, good);
	cam_buf_adds(&b, "  certificate: |\n");
	two = cam_xmalloc(2 * n + 1);
	snprintf(two, 2 * n + 1, "%s%s", pem, pem);
	for (char *l = two; *l != '\0'; ) {
		size_t len = strcspn(l, "\n");
		cam_buf_addf(&b, "    %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
	CHECK(parse(b.s) == -1 && strstr(e.msg, "holds 2 certificates"),
	    "recipient: two certificates refused");
	cam_buf_free(&b);
	cam_request_free(&req);
	free(two);
	free(pem);
}

/* What Windows editors write: refused before the YAML is read, with
 * where and what to do. */
static void
test_windows_text(void)
{
	CHECK(parse("id: YC-1\r\nrequester:\r\n") == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "r.yaml:1:9: Windows (CRLF) line ends (a carriage "
	    "return): save it as UTF-8 without BOM with LF line ends, or run: "
	    "sed -i 's/\\r$//' r.yaml") != NULL, "CRLF: refused at the "
	    "first CR, with the fix");
	CHECK(parse("id: YC-1\nrequester: x\r\n") == -1 &&
	    strstr(e.msg, "r.yaml:2:13: Windows (CRLF)") != NULL,
	    "CRLF: the line and column of the first CR");
	CHECK(parse("\xef\xbb\xbfid: YC-1\n") == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "r.yaml:1:1: the file begins with a byte-order mark "
	    "(BOM)") != NULL && strstr(e.msg, "save it as UTF-8 without BOM "
	    "with LF line ends") != NULL && strstr(e.msg, "CRLF") == NULL,
	    "BOM: refused, with the fix");
}

static void
test_names(void)
{
	CHECK_STR(cam_request_refusal_name(CAM_REQ_OK), "ok", "names: ok");
	CHECK(strcmp(cam_request_refusal_name(CAM_REQ_UNSIGNED), "unsigned") ==
	    0 && strcmp(cam_request_refusal_name(CAM_REQ_BAD_SIGNATURE),
	    "bad-signature") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_UNTRUSTED), "untrusted") ==
	    0 && strcmp(cam_request_refusal_name(CAM_REQ_CERT_EXPIRED),
	    "cert-expired") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_NOT_DIRECTOR),
	    "not-director") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_NO_UNIT_HEAD),
	    "no-unit-head") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_EXPIRED), "expired") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_WRONG_UNIT),
	    "wrong-unit") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_SAME_SIGNER),
	    "same-signer") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_KEY_USAGE),
	    "key-usage") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_EDITED), "edited") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_REVOKED), "revoked") == 0 &&
	    strcmp(cam_request_refusal_name(CAM_REQ_CRL_EXPIRED),
	    "crl-expired") == 0 &&
	    cam_request_refusal_name(CAM_REQ_CRL_EXPIRED + 1) == NULL &&
	    cam_request_refusal_name(-1) == NULL, "names: every refusal");
	CHECK(cam_relpath_valid("12/QD-UBND", 64) &&
	    cam_relpath_valid("-a", 2) && !cam_relpath_valid("a//b", 64) &&
	    !cam_relpath_valid("a/..", 64) && !cam_relpath_valid("abc", 2) &&
	    !cam_relpath_valid("", 64), "relative paths: parts and limits");
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void
read_pem(struct cam_buf *b, const struct ident *id)
{
	size_t n;
	char *s = unit_slurp(id->crt, &n);

	if (s != NULL)
		cam_buf_add(b, s, n);
	free(s);
}

int
main(int argc, char **argv)
{
	int keep = argc == 2 && strcmp(argv[1], "--keep") == 0;
	struct cam_buf cab = CAM_BUF_INIT;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);
	test_parse_good();
	test_parse_bad();
	test_template();
	test_windows_text();
	test_names();

	CHECK(make_keys(), "setup: CA, director, unit head, rogue, expired, "
	    "self-signed");
	read_pem(&cab, &ca);
	if (cam_trust_new(&trust, &e) == -1 ||
	    cam_trust_add_pem(trust, cab.s, cab.len, "ca.crt", &e) == -1)
		printf("# %s\n", e.msg);
	cam_buf_free(&cab);
	read_pem(&dirs[0], &director);
	read_pem(&dirs[1], &expired);
	read_pem(&dirs[2], &selfsigned);
	read_pem(&heads[0], &head);

	test_load();
	test_recipient_cert();
	test_sign();
	test_refusals();
	test_openssl_forms();

	cam_request_sigs_free(&sigs);
	cam_trust_free(&trust);
	for (int i = 0; i < 3; i++)
		cam_buf_free(&dirs[i]);
	cam_buf_free(&heads[0]);
	ident_free(&ca);
	ident_free(&director);
	ident_free(&head);
	ident_free(&rca);
	ident_free(&rogue);
	ident_free(&expired);
	ident_free(&selfsigned);
	ident_free(&other_ca_signer);
	if (unit_failed == 0 && !keep) {
		if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			printf("# could not remove %s\n", dir);
	} else
		printf("# files kept in %s\n", dir);
	return UNIT_END();
}
