/*
 * Unit tests for cam_seal, the trust store of cam_crypto and the witness
 * of cam_repo: a CA, a site key and a rogue key made here with OpenSSL,
 * a real git repository; seals made and checked; a forged seal, a bad
 * signature, an edited record, a misplaced seal, a journal cut back and
 * re-sealed, a seal left out of the witness and a key others may read,
 * all refused with their own message.
 *
 *	unit_seal --keep	keep the files (and say where), e.g. to run
 *				the openssl command printed as a comment
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_seal.h"
#include "site/cam_repo.h"
#include "unit.h"

#define HOST	"cam-host1"
#define LOGBOOK	"logbook.journal"
#define MANIFEST "gate/manifest"

static char dir[] = "/tmp/camkit-seal.XXXXXX";
static char repo[512];
static struct cam_err e;
static struct cam_trust *trust;
static struct cam_sealer *site, *rogue;

/* ---- files ---- */

static void
spit(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) == -1 || close(fd) == -1)
		printf("# cannot write %s: %s\n", path, strerror(errno));
}

static void
copy(const char *from, const char *to)
{
	size_t n;
	char *s = unit_slurp(from, &n);

	if (s != NULL)
		spit(to, s, n, 0640);
	free(s);
}

/* Field f (0-5) of line n (1-based) of a journal; caller frees. */
static char *
field(const char *path, int n, int f)
{
	char *s = unit_slurp(path, NULL), *line, *out = NULL;

	if (s == NULL)
		return NULL;
	line = s;
	for (int i = 1; i < n && line != NULL; i++)
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	for (int i = 0; i < f && line != NULL; i++)
		if ((line = strchr(line, '\t')) != NULL)
			line++;
	if (line != NULL)
		out = cam_xstrndup(line, strcspn(line, f == 5 ? "\n" : "\t"));
	free(s);
	return out;
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	cam_crypto_hex(md, len, out);
}

/* The hash of line n, LF included. */
static void
line_hash(const char *path, int n, char out[65])
{
	char *s = unit_slurp(path, NULL), *line = s;

	out[0] = '\0';
	for (int i = 1; i < n && line != NULL; i++)
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	if (line != NULL)
		sha256_hex(line, strcspn(line, "\n") + 1, out);
	free(s);
}

/* Cut a journal back to its first n lines. */
static void
cut(const char *path, int n)
{
	size_t len;
	char *s = unit_slurp(path, &len), *p = s;

	for (int i = 0; i < n && p != NULL; i++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || truncate(path, p - s) == -1)
		printf("# cannot cut %s\n", path);
	free(s);
}

/* Replace the text of field f of line n, then (if relink) recompute
 * every PREV, as someone rewriting a journal would. */
static void
rewrite(const char *path, int n, int f, const char *text, int relink)
{
	struct cam_buf out = CAM_BUF_INIT;
	char *s = unit_slurp(path, NULL), *line = s, prev[65];
	int ln = 0;

	while (line != NULL && *line != '\0') {
		size_t len = strcspn(line, "\n");
		char *l = cam_xstrndup(line, len), *fl[6];
		struct cam_buf nl = CAM_BUF_INIT;

		ln++;
		fl[0] = l;
		for (int i = 1; i < 6; i++) {
			fl[i] = strchr(fl[i - 1], '\t');
			*fl[i]++ = '\0';
		}
		for (int i = 0; i < 6; i++) {
			const char *v = fl[i];
			if (ln == n && i == f)
				v = text;
			else if (relink && ln > 1 && i == 3)
				v = prev;
			cam_buf_addf(&nl, "%s%s", v, i < 5 ? "\t" : "\n");
		}
		sha256_hex(nl.s, nl.len, prev);
		cam_buf_add(&out, nl.s, nl.len);
		cam_buf_free(&nl);
		free(l);
		line += len + 1;
	}
	spit(path, out.s, out.len, 0640);
	cam_buf_free(&out);
	free(s);
}

/* ---- keys and certificates, made with OpenSSL ---- */

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	return ok;
}

/* A certificate for key, signed by issuer (NULL: self-signed); eku, if
 * not NULL, its extended key usage. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    int ca, const char *eku)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_NAME *n;

	if (x == NULL)
		return NULL;
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (!add_ext(x, &ctx, NID_basic_constraints, ca ?
	    "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    !add_ext(x, &ctx, NID_key_usage, ca ?
	    "critical,keyCertSign,cRLSign" : "critical,digitalSignature") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    (eku != NULL && !add_ext(x, &ctx, NID_ext_key_usage, eku)) ||
	    !X509_sign(x, ikey ? ikey : key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void
write_key(const char *path, EVP_PKEY *key, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	FILE *f = fd == -1 ? NULL : fdopen(fd, "w");

	if (f == NULL || fchmod(fd, mode) == -1 ||
	    !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL))
		printf("# cannot write %s\n", path);
	if (f != NULL)
		fclose(f);
}

static void
write_cert(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || !PEM_write_X509(f, x))
		printf("# cannot write %s\n", path);
	if (f != NULL)
		fclose(f);
}

/* CA, site key under it; rogue CA and a key under that. */
static int
make_keys(void)
{
	EVP_PKEY *cakey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *sitekey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rcakey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	X509 *ca = NULL, *cert = NULL, *rca = NULL, *rcert = NULL, *tls = NULL;
	int ok = 0;

	if (cakey == NULL || sitekey == NULL || rcakey == NULL || rkey == NULL)
		goto end;
	ca = make_cert(cakey, "Test Office CA", NULL, NULL, 1, NULL);
	cert = make_cert(sitekey, "site gate-1", ca, cakey, 0, NULL);
	/* Not for S/MIME: seals take certificates for any purpose. */
	tls = make_cert(sitekey, "gate-1.example", ca, cakey, 0,
	    "serverAuth");
	/* The rogue's CA has the same name as the real one. */
	rca = make_cert(rcakey, "Test Office CA", NULL, NULL, 1, NULL);
	rcert = make_cert(rkey, "site gate-1", rca, rcakey, 0, NULL);
	if (ca == NULL || cert == NULL || tls == NULL || rca == NULL ||
	    rcert == NULL)
		goto end;
	write_cert(unit_path(dir, "ca.pem"), ca);
	write_key(unit_path(dir, "site.key"), sitekey, 0600);
	write_cert(unit_path(dir, "site.crt"), cert);
	write_cert(unit_path(dir, "tls.crt"), tls);
	write_key(unit_path(dir, "rogue.key"), rkey, 0600);
	write_cert(unit_path(dir, "rogue.crt"), rcert);
	ok = 1;
end:
	X509_free(ca);
	X509_free(cert);
	X509_free(tls);
	X509_free(rca);
	X509_free(rcert);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(sitekey);
	EVP_PKEY_free(rcakey);
	EVP_PKEY_free(rkey);
	return ok;
}

/* ---- witness helpers ---- */

struct count {
	int n;
	char last[512];
};

static int
count_cb(void *arg, const char *msg)
{
	struct count *c = arg;

	c->n++;
	snprintf(c->last, sizeof(c->last), "%s", msg);
	return 0;
}

static int
witness_count(const char *ref, char *last, size_t len)
{
	struct cam_repo r;
	struct count c = { 0, "" };

	if (cam_repo_open(&r, repo, &e) == -1 ||
	    cam_repo_witness_foreach(&r, ref, count_cb, &c, &e) != 0) {
		printf("# %s\n", e.msg);
		c.n = -1;
	}
	cam_repo_close(&r);
	if (last != NULL)
		snprintf(last, len, "%s", c.last);
	return c.n;
}

/* A file of the witness tree at ref; "" if there is none. */
static void
witness_file(const char *ref, const char *path, struct cam_buf *out)
{
	struct cam_repo r;
	struct cam_tree t;
	git_object *o = NULL;
	char spec[256];

	memset(&t, 0, sizeof(t));
	if (cam_repo_open(&r, repo, &e) == -1)
		return;
	snprintf(spec, sizeof(spec), "%s^{tree}", ref);
	if (git_revparse_single(&o, r.git, spec) == 0) {
		t.git = r.git;
		t.tree = (git_tree *)o;
		if (cam_tree_read(&t, path, out, &e) != 0)
			cam_buf_adds(out, "");
	}
	git_object_free(o);
	cam_repo_close(&r);
}

static void
head_rev(char rev[41])
{
	struct cam_repo r;
	struct cam_tree t;

	rev[0] = '\0';
	if (cam_repo_open(&r, repo, &e) == -1)
		return;
	if (cam_repo_head(&r, &t, &e) == 0) {
		snprintf(rev, 41, "%s", t.rev);
		cam_tree_free(&t);
	}
	cam_repo_close(&r);
}

static int
repo_changes(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_repo r;
	int n = -1;

	if (cam_repo_open(&r, repo, &e) == 0) {
		n = cam_repo_changes(&r, &b, &e);
		if (n > 0)
			printf("# %s", b.s);
	}
	cam_repo_close(&r);
	cam_buf_free(&b);
	return n;
}

/* ---- journals ---- */

static struct cam_journal *
jopen(const char *path)
{
	struct cam_journal *j = NULL;

	if (cam_journal_open(&j, path, HOST, &e) == -1)
		printf("# %s\n", e.msg);
	else
		cam_journal_set_sync(j, 0);
	return j;
}

static void
note(struct cam_journal *j, int n)
{
	char data[64];

	snprintf(data, sizeof(data), "{\"n\":%d}", n);
	if (cam_journal_append(j, "note", data, NULL, &e) == -1)
		printf("# %s\n", e.msg);
}

static int
verify(const char *path, const char *name, const char *repo_dir,
    struct cam_seal_report *rep)
{
	int rc;

	cam_err_clear(&e);
	rc = cam_seal_verify(path, name, trust, repo_dir, NULL, rep, &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	return rc;
}

/* ---- the tests ---- */

static void
test_trust(void)
{
	struct cam_trust *t = NULL;
	char *ca;
	size_t n;

	CHECK(cam_trust_new(&t, &e) == 0, "trust: new");
	CHECK(cam_trust_add_pem(t, "hello\n", 6, "junk.pem", &e) == -1 &&
	    strstr(e.msg, "junk.pem: no PEM certificate") != NULL,
	    "trust: text without a certificate refused");
	const char bad[] = "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n"
	    "-----END CERTIFICATE-----\n";
	CHECK(cam_trust_add_pem(t, bad, sizeof(bad) - 1, "bad.pem", &e) == -1 &&
	    strstr(e.msg, "bad.pem: certificate 1: ") != NULL,
	    "trust: a broken certificate refused");
	printf("# %s\n", e.msg);
	ca = unit_slurp(unit_path(dir, "ca.pem"), &n);
	CHECK(ca != NULL && cam_trust_add_pem(t, ca, n, "ca.pem", &e) == 0 &&
	    cam_trust_count(t) == 1, "trust: the CA added");
	cam_trust_free(&t);
	CHECK(t == NULL, "trust: freed");
	/* The one the other tests use. */
	if (cam_trust_new(&trust, &e) == -1 || ca == NULL ||
	    cam_trust_add_pem(trust, ca, n, "ca.pem", &e) == -1)
		printf("# %s\n", e.msg);
	free(ca);
}

static void
test_sealer(void)
{
	struct cam_sealer *s = NULL;

	chmod(unit_path(dir, "site.key"), 0644);
	CHECK(cam_sealer_open(&s, unit_path(dir, "site.key"), unit_path(dir, "site.crt"),
	    &e) == -1 && e.code == CAM_NO && strstr(e.msg, "mode 0644") &&
	    s == NULL, "sealer: a key others may read is refused");
	printf("# %s\n", e.msg);
	chmod(unit_path(dir, "site.key"), 0640);
	CHECK(cam_sealer_open(&s, unit_path(dir, "site.key"), unit_path(dir, "site.crt"),
	    &e) == -1, "sealer: a key the group may read is refused");
	chmod(unit_path(dir, "site.key"), 0600);
	CHECK(cam_sealer_open(&s, unit_path(dir, "site.key"), unit_path(dir, "rogue.crt"),
	    &e) == -1 && strstr(e.msg, "not the certificate of the key"),
	    "sealer: a certificate of another key is refused");
	printf("# %s\n", e.msg);
	CHECK(cam_sealer_open(&s, unit_path(dir, "site.crt"), unit_path(dir, "site.crt"),
	    &e) == -1 && e.code == CAM_NO, "sealer: a certificate is not "
	    "a key");
	CHECK(cam_sealer_open(&s, unit_path(dir, "nokey"), unit_path(dir, "site.crt"),
	    &e) == -1 && e.code == CAM_ENV, "sealer: a missing key");
	CHECK(cam_sealer_open(&site, unit_path(dir, "site.key"), unit_path(dir, "site.crt"),
	    &e) == 0, "sealer: the site key");
	CHECK(cam_sealer_open(&rogue, unit_path(dir, "rogue.key"), unit_path(dir, "rogue.crt"),
	    &e) == 0, "sealer: the rogue key");
	if (site == NULL || rogue == NULL)
		printf("# %s\n", e.msg);
}

/* Write the last seal of path as content and sig.der for openssl. */
static void
export_seal(const char *path, int line)
{
	char *data = field(path, line, 5), sig[1024], *b64;
	struct cam_buf content = CAM_BUF_INIT;
	size_t n;
	int len;

	if (data == NULL)
		return;
	b64 = cam_xmalloc(strlen(data) + 1);
	if (cam_json_get_str(data, "signed", sig, sizeof(sig)) == -1 ||
	    cam_json_get_str(data, "cms", b64, strlen(data) + 1) == -1) {
		printf("# no seal at %s:%d\n", path, line);
		goto end;
	}
	cam_buf_addf(&content, "%s\n", sig);
	spit(unit_path(dir, "content"), content.s, content.len, 0644);
	n = strlen(b64);
	unsigned char *der = cam_xmalloc(n);
	len = EVP_DecodeBlock(der, (unsigned char *)b64, (int)n);
	len -= (n > 0 && b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
	CHECK(len > 0, "export: the cms is base64");
	if (len > 0)
		spit(unit_path(dir, "sig.der"), der, (size_t)len, 0644);
	free(der);
	printf("# cross-check: openssl cms -verify -binary -inform DER "
	    "-in %s -content %s -CAfile %s -purpose any -out /dev/null\n",
	    unit_path(dir, "sig.der"), unit_path(dir, "content"), unit_path(dir, "ca.pem"));
end:
	cam_buf_free(&content);
	free(b64);
	free(data);
}

static void
test_seal(void)
{
	struct cam_seal_report rep;
	struct cam_journal *j;
	struct cam_buf b = CAM_BUF_INIT;
	char rev0[41], rev1[41], h[65], want[512], last[512];
	const char *jp = unit_path(dir, "data/" LOGBOOK);
	char *data;

	head_rev(rev0);
	CHECK(witness_count(CAM_WITNESS_REF "/" HOST, NULL, 0) == 0,
	    "witness: none before the first seal");
	if ((j = jopen(jp)) == NULL)
		return;
	CHECK(cam_seal(j, LOGBOOK, site, repo, &e) == 1,
	    "seal: an empty journal has nothing to seal");
	for (int i = 1; i <= 3; i++)
		note(j, i);
	CHECK(cam_seal(j, LOGBOOK, site, repo, &e) == 0 &&
	    cam_journal_seq(j) == 4, "seal: records 1-3 sealed as record 4");
	CHECK(cam_seal(j, LOGBOOK, site, repo, &e) == 1 &&
	    cam_journal_seq(j) == 4, "seal: nothing new after a seal");
	note(j, 5);
	note(j, 6);
	CHECK(cam_seal(j, LOGBOOK, site, repo, &e) == 0 &&
	    cam_journal_seq(j) == 7, "seal: records 5-6 sealed as record 7");
	CHECK(cam_seal(j, "../x", site, repo, &e) == -1 &&
	    strstr(e.msg, "bad journal name"), "seal: a bad name refused");
	cam_journal_close(&j);

	/* What the record holds, checked against the file itself. */
	line_hash(jp, 6, h);
	snprintf(want, sizeof(want), "camkit-seal-1 " HOST " " LOGBOOK " 6 %s",
	    h);
	data = field(jp, 7, 5);
	char sig[512];
	int64_t seq = 0;
	CHECK(data != NULL && cam_json_get_str(data, "signed", sig,
	    sizeof(sig)) == 0 && strcmp(sig, want) == 0 &&
	    cam_json_get_int(data, "seq", &seq) == 0 && seq == 6,
	    "seal: the signed text names host, name, SEQ and head");
	char *prev = field(jp, 7, 3), *kind = field(jp, 7, 4);
	CHECK_STR(prev, h, "seal: PREV is the head sealed");
	CHECK_STR(kind, "seal", "seal: KIND seal");
	free(prev);
	free(kind);
	free(data);

	memset(&rep, 0, sizeof(rep));
	CHECK(verify(jp, LOGBOOK, repo, &rep) == 0 && rep.records == 7 &&
	    rep.seals == 2 && rep.sealed == 6 && rep.witnessed == 2 &&
	    rep.bad_line == 0, "verify: good, with the witness");
	printf("# %" PRIu64 " records, %" PRIu64 " seals, last covers %"
	    PRIu64 ", %" PRIu64 " witnessed\n", rep.records, rep.seals,
	    rep.sealed, rep.witnessed);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == 0 && rep.witnessed == 0 &&
	    rep.seals == 2, "verify: good, without the witness");
	CHECK(cam_seal_verify(jp, "audit.journal", trust, NULL, NULL, &rep,
	    &e) == -1 && rep.bad_line == 4 &&
	    strstr(e.msg, ":4: seal signed text is not"),
	    "verify: the name is part of what is signed");

	/* The witness. */
	snprintf(want, sizeof(want), "camkit-seal-1 " HOST " " LOGBOOK
	    " 6 %s\n", h);
	CHECK(witness_count(CAM_WITNESS_REF "/" HOST, last, sizeof(last)) == 2 &&
	    strcmp(last, want) == 0,
	    "witness: a commit per seal, the signed text as message");
	witness_file(CAM_WITNESS_REF "/" HOST, HOST "/" LOGBOOK, &b);
	CHECK_STR(cam_buf_str(&b), want, "witness: HOST/NAME holds the last "
	    "seal's text");
	cam_buf_free(&b);
	head_rev(rev1);
	CHECK(rev0[0] != '\0' && strcmp(rev0, rev1) == 0,
	    "witness: HEAD did not move");
	CHECK(repo_changes() == 0, "witness: index and working tree "
	    "untouched");
	export_seal(jp, 7);
}

static void
test_nested(void)
{
	struct cam_seal_report rep;
	struct cam_journal *j;
	struct cam_buf b = CAM_BUF_INIT;
	const char *jp = unit_path(dir, "data/gate/manifest");

	if (cam_mkdir_p(unit_path(dir, "data/gate"), 0755, &e) == -1 ||
	    (j = jopen(jp)) == NULL)
		return;
	note(j, 1);
	note(j, 2);
	CHECK(cam_seal(j, MANIFEST, site, repo, &e) == 0,
	    "nested: gate/manifest sealed");
	witness_file(CAM_WITNESS_REF "/" HOST, HOST "/" MANIFEST, &b);
	CHECK(strncmp(cam_buf_str(&b), "camkit-seal-1 " HOST " " MANIFEST
	    " 2 ", 40) == 0, "nested: HOST/gate/manifest in the witness");
	cam_buf_free(&b);
	witness_file(CAM_WITNESS_REF "/" HOST, HOST "/" LOGBOOK, &b);
	CHECK(strstr(cam_buf_str(&b), " " LOGBOOK " 6 ") != NULL,
	    "nested: the logbook's entry kept");
	cam_buf_free(&b);

	/* A seal whose witness was not written... */
	note(j, 4);
	CHECK(cam_seal(j, MANIFEST, site, NULL, &e) == 0,
	    "nested: sealed without the witness");
	CHECK(verify(jp, MANIFEST, repo, &rep) == -1 && rep.bad_line == 5 &&
	    strstr(e.msg, "manifest:5: seal not in the witness") &&
	    rep.seals == 1 && rep.witnessed == 1,
	    "verify: a seal not in the witness");
	/* ...is covered by the next one's. */
	note(j, 6);
	CHECK(cam_seal(j, MANIFEST, site, repo, &e) == 0,
	    "nested: sealed again with the witness");
	CHECK(verify(jp, MANIFEST, repo, &rep) == 0 && rep.seals == 3 &&
	    rep.witnessed == 2 && rep.sealed == 6,
	    "verify: the next witnessed seal covers it");
	cam_journal_close(&j);
}

static void
test_forged(void)
{
	struct cam_seal_report rep;
	struct cam_journal *j;
	const char *jp = unit_path(dir, "forged.journal");

	copy(unit_path(dir, "data/" LOGBOOK), jp);
	if ((j = jopen(jp)) == NULL)
		return;
	note(j, 8);
	CHECK(cam_seal(j, LOGBOOK, rogue, NULL, &e) == 0,
	    "forged: sealed with a key under another CA");
	cam_journal_close(&j);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && e.code == CAM_NO &&
	    rep.bad_line == 9 && strstr(e.msg, "forged.journal:9: seal "
	    "signer does not chain to a trusted CA: ") && rep.seals == 2 &&
	    rep.records == 8, "verify: a forged seal is refused");
	CHECK_STR(rep.why, "seal signer does not chain to a trusted CA: "
	    "unable to get local issuer certificate", "verify: and says why");
}

static void
test_purpose(void)
{
	struct cam_seal_report rep;
	struct cam_sealer *s = NULL;
	struct cam_journal *j;
	const char *jp = unit_path(dir, "tls.journal");

	CHECK(cam_sealer_open(&s, unit_path(dir, "site.key"), unit_path(dir, "tls.crt"),
	    &e) == 0, "purpose: a TLS server certificate of the site key");
	if (s == NULL || (j = jopen(jp)) == NULL) {
		cam_sealer_free(&s);
		return;
	}
	note(j, 1);
	CHECK(cam_seal(j, "tls.journal", s, NULL, &e) == 0,
	    "purpose: sealed with it");
	cam_journal_close(&j);
	cam_sealer_free(&s);
	CHECK(verify(jp, "tls.journal", NULL, &rep) == 0 && rep.seals == 1,
	    "verify: a certificate not marked for S/MIME is accepted");
}

static void
test_bad_signature(void)
{
	struct cam_seal_report rep;
	const char *jp = unit_path(dir, "swapped.journal");
	char *d4 = field(unit_path(dir, "data/" LOGBOOK), 4, 5);
	char *d7 = field(unit_path(dir, "data/" LOGBOOK), 7, 5);
	char *c4 = NULL, *c7 = NULL, *p;

	if (d4 == NULL || d7 == NULL)
		goto end;
	/* Seal 7 with seal 4's signature: the last record, so the chain
	 * cannot tell; only the signature can. */
	c4 = strstr(d4, "\"cms\":\"");
	c7 = cam_xstrdup(d7);
	if (c4 == NULL || (p = strstr(c7, "\"cms\":\"")) == NULL)
		goto end;
	*p = '\0';
	struct cam_buf nd = CAM_BUF_INIT;
	cam_buf_addf(&nd, "%s%s", c7, c4);
	copy(unit_path(dir, "data/" LOGBOOK), jp);
	rewrite(jp, 7, 5, nd.s, 0);
	cam_buf_free(&nd);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && rep.bad_line == 7 &&
	    strstr(e.msg, "swapped.journal:7: seal signature does not verify"),
	    "verify: another record's signature is refused");

	/* A cms that is not base64, and one that is not CMS. */
	copy(unit_path(dir, "data/" LOGBOOK), jp);
	cam_buf_addf(&nd, "%s\"cms\":\"!!!!\"}", c7);
	rewrite(jp, 7, 5, nd.s, 0);
	cam_buf_free(&nd);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 &&
	    strstr(e.msg, ":7: seal cms is not base64"),
	    "verify: a cms that is not base64");
	copy(unit_path(dir, "data/" LOGBOOK), jp);
	cam_buf_addf(&nd, "%s\"cms\":\"aGVsbG8K\"}", c7);
	rewrite(jp, 7, 5, nd.s, 0);
	cam_buf_free(&nd);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 &&
	    strstr(e.msg, ":7: seal cms is not a DER CMS signature"),
	    "verify: a cms that is not CMS");
end:
	free(c7);
	free(d4);
	free(d7);
}

static void
test_edited(void)
{
	struct cam_seal_report rep;
	const char *jp = unit_path(dir, "edited.journal");

	copy(unit_path(dir, "data/" LOGBOOK), jp);
	rewrite(jp, 2, 5, "{\"n\":9}", 0);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && rep.bad_line == 2 &&
	    strstr(e.msg, "edited.journal:2: ") && rep.records == 1 &&
	    rep.seals == 0, "verify: an edited record breaks the chain");
	/* Rewritten with the chain made good again: the seal says no. */
	copy(unit_path(dir, "data/" LOGBOOK), jp);
	rewrite(jp, 2, 5, "{\"n\":9}", 1);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && rep.bad_line == 4 &&
	    strstr(e.msg, "edited.journal:4: seal head does not match "
	    "record 3"), "verify: a rewritten journal fails its seal");
	/* The signed text changed to match: the signature says no. */
	copy(unit_path(dir, "data/" LOGBOOK), jp);
	char *d7 = field(jp, 7, 5), *d4 = field(jp, 4, 5);
	char h3[65], nd[8192], *p;
	if (d4 != NULL && d7 != NULL) {
		rewrite(jp, 2, 5, "{\"n\":9}", 1);
		line_hash(jp, 3, h3);
		/* d4 with head and signed naming the new record 3 */
		char *old = field(unit_path(dir, "data/" LOGBOOK), 4, 3);
		snprintf(nd, sizeof(nd), "%s", d4);
		while (old != NULL && (p = strstr(nd, old)) != NULL)
			memcpy(p, h3, 64);
		free(old);
		rewrite(jp, 4, 5, nd, 1);
		CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 &&
		    rep.bad_line == 4 && strstr(e.msg, "edited.journal:4: "
		    "seal signature does not verify"),
		    "verify: a re-sealed text without the key fails");
	}
	free(d4);
	free(d7);
}

static void
test_misplaced(void)
{
	struct cam_seal_report rep;
	struct cam_journal *j;
	const char *jp = unit_path(dir, "moved.journal");
	char *d4;

	copy(unit_path(dir, "data/" LOGBOOK), jp);
	d4 = field(jp, 4, 5);
	if (d4 == NULL || (j = jopen(jp)) == NULL) {
		free(d4);
		return;
	}
	note(j, 8);
	CHECK(cam_journal_append(j, "seal", d4, NULL, &e) == 0,
	    "misplaced: seal 4 copied as record 9");
	cam_journal_close(&j);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && rep.bad_line == 9 &&
	    strstr(e.msg, "moved.journal:9: seal names record 3 but follows "
	    "record 8"), "verify: a seal in the wrong place");
	free(d4);

	cam_journal_open(&j, jp, HOST, &e);
	cam_journal_append(j, "seal", "{\"seq\":9}", NULL, &e);
	cam_journal_close(&j);
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == -1 && rep.bad_line == 9,
	    "verify: the first bad seal is named");
}

/* Last: it rewrites the sealed logbook itself. */
static void
test_truncated(void)
{
	struct cam_seal_report rep;
	struct cam_journal *j;
	const char *jp = unit_path(dir, "data/" LOGBOOK);
	char h6[65], want[512];

	line_hash(jp, 6, h6);
	cut(jp, 4);
	snprintf(want, sizeof(want), LOGBOOK ":5: witness sealed record 6 "
	    "(%.16s...) but the journal has only 4 records", h6);
	CHECK(verify(jp, LOGBOOK, repo, &rep) == -1 && rep.bad_line == 5 &&
	    strstr(e.msg, want) && rep.records == 4 && rep.seals == 1,
	    "verify: a journal cut back after a witnessed seal");
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == 0,
	    "verify: which the journal alone cannot tell");

	if ((j = jopen(jp)) == NULL)
		return;
	note(j, 55);
	CHECK(cam_seal(j, LOGBOOK, site, repo, &e) == 0,
	    "truncated: re-sealed with the real key");
	cam_journal_close(&j);
	char h6b[65];
	line_hash(jp, 6, h6b);
	snprintf(want, sizeof(want), LOGBOOK ":6: witness sealed record 6 "
	    "with head %s but the journal's record 6 hashes to %s", h6, h6b);
	CHECK(verify(jp, LOGBOOK, repo, &rep) == -1 && rep.bad_line == 6 &&
	    strstr(e.msg, want) && rep.records == 5,
	    "verify: the witness remembers the head sealed before");
	CHECK(verify(jp, LOGBOOK, NULL, &rep) == 0 && rep.seals == 2,
	    "verify: a rewrite re-sealed with the key passes without it");
	/* Another host's journal of the same name is not this one. */
	CHECK(verify(unit_path(dir, "data/gate/manifest"), MANIFEST, repo, &rep) == 0,
	    "verify: other journals' entries are not mixed in");
}

static void
test_witness_concurrent(void)
{
	const char *ref = "refs/camkit/test";
	char text[64], path[64];
	int ok = 1;
	pid_t pid[4];

	CHECK(witness_count(ref, NULL, 0) == 0, "witness: an absent ref has "
	    "no entries");
	for (int c = 0; c < 4; c++) {
		if ((pid[c] = fork()) == 0) {
			struct cam_repo r;
			struct cam_err ce;
			int rc = 0;

			if (cam_repo_open(&r, repo, &ce) == -1)
				_exit(1);
			for (int i = 0; i < 5 && rc == 0; i++) {
				snprintf(path, sizeof(path), "h%d/j", c);
				snprintf(text, sizeof(text), "entry %d %d\n", c,
				    i);
				rc = cam_repo_witness_add(&r, ref, path, text,
				    &ce);
			}
			if (rc != 0)
				fprintf(stderr, "%s\n", ce.msg);
			cam_repo_close(&r);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (int c = 0; c < 4; c++) {
		int st;
		if (pid[c] == -1 || waitpid(pid[c], &st, 0) == -1 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = 0;
	}
	CHECK(ok, "witness: four processes adding at once");
	CHECK(witness_count(ref, NULL, 0) == 20, "witness: none lost");
	for (int c = 0; c < 4; c++) {
		struct cam_buf b = CAM_BUF_INIT;
		char want[64];

		snprintf(path, sizeof(path), "h%d/j", c);
		snprintf(want, sizeof(want), "entry %d 4\n", c);
		witness_file(ref, path, &b);
		CHECK_STR(cam_buf_str(&b), want, "witness: each file's last");
		cam_buf_free(&b);
	}

	struct cam_repo r;
	if (cam_repo_open(&r, repo, &e) == 0) {
		CHECK(cam_repo_witness_add(&r, ref, "../x", "x\n", &e) == -1 &&
		    cam_repo_witness_add(&r, ref, "a//b", "x\n", &e) == -1 &&
		    cam_repo_witness_add(&r, ref, ".git/x", "x\n", &e) == -1 &&
		    cam_repo_witness_add(&r, "HEAD", "a", "x\n", &e) == -1,
		    "witness: bad paths and refs refused");
		CHECK(cam_repo_witness_add(&r, ref, "h0/j/k", "x\n", &e) == -1 &&
		    strstr(e.msg, "is a file"),
		    "witness: a file is not replaced by a directory");
		cam_repo_close(&r);
	}
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* A site sealed before the witness had one ref per host: its shared
 * ref is read, and becomes the first part of the host's own ref at the
 * next witness it writes. */
static void
test_witness_legacy(void)
{
	static const char *const names[] = { "README", NULL };
	static const char *const texts[] = { "legacy\n", NULL };
	const char *ldir = unit_path(dir, "legacy");
	struct count c = { 0, "" };
	struct cam_repo r;
	char id[41];
	int k;

	if (cam_repo_create(&r, ldir, names, texts, "first", &e) == -1) {
		printf("# %s\n", e.msg);
		CHECK(0, "witness: a legacy site made");
		return;
	}
	CHECK(cam_repo_witness_add(&r, CAM_WITNESS_REF, "old/a", "one\n",
	    &e) == 0 && cam_repo_witness_add(&r, CAM_WITNESS_REF, "old/a",
	    "two\n", &e) == 0, "witness: the shared ref of a legacy site");
	CHECK(cam_seal_witness_foreach(&r, count_cb, &c, &e) == 0 &&
	    c.n == 2, "witness: the shared ref is read");
	cam_repo_close(&r);
	CHECK(cam_seal_config(ldir, "old", &e) == 0,
	    "witness: the host's first witness after the change");
	if (cam_repo_open(&r, ldir, &e) == -1)
		return;
	k = cam_repo_ref_id(&r, CAM_WITNESS_REF, id, &e);
	CHECK(k == 1, "witness: the shared ref is gone");
	c.n = 0;
	CHECK(cam_repo_witness_foreach(&r, CAM_WITNESS_REF "/old", count_cb,
	    &c, &e) == 0 && c.n == 3 && strncmp(c.last,
	    CAM_CONFIG_WITNESS " old ", strlen(CAM_CONFIG_WITNESS) + 5) == 0,
	    "witness: its commits begin the host's own ref");
	c.n = 0;
	CHECK(cam_seal_witness_foreach(&r, count_cb, &c, &e) == 0 &&
	    c.n == 3, "witness: none read twice");
	CHECK(cam_seal_witness_ref(id, sizeof(id), "a/b", &e) == -1 &&
	    cam_seal_witness_ref(id, sizeof(id), "..x", &e) == -1,
	    "witness: a host name with / or a leading dot is refused");
	cam_repo_close(&r);
}

int
main(int argc, char **argv)
{
	int keep = argc == 2 && strcmp(argv[1], "--keep") == 0;
	const char *names[] = { "camkit.yaml", NULL };
	const char *texts[] = { "site: test\n", NULL };
	struct cam_repo r;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(repo, sizeof(repo), "%s/conf", dir);
	CHECK(make_keys(), "setup: CA, site and rogue keys");
	CHECK(cam_repo_create(&r, repo, names, texts, "init", &e) == 0,
	    "setup: configuration repository");
	cam_repo_close(&r);
	CHECK(cam_mkdir_p(unit_path(dir, "data"), 0755, &e) == 0, "setup: data");

	test_trust();
	test_sealer();
	test_seal();
	test_nested();
	test_forged();
	test_purpose();
	test_bad_signature();
	test_edited();
	test_misplaced();
	test_truncated();
	test_witness_concurrent();
	test_witness_legacy();

	cam_sealer_free(&site);
	cam_sealer_free(&rogue);
	cam_trust_free(&trust);
	if (unit_failed == 0 && !keep) {
		if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			printf("# could not remove %s\n", dir);
	} else
		printf("# files kept in %s\n", dir);
	return UNIT_END();
}
