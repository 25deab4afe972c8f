/*
 * cam_seal: see cam_seal.h.
 *
 * The seal is made inside the journal's append lock (through
 * cam_journal_append_fn), so that the head it signs is the head it
 * follows: nobody can append in between.  The witness is written after
 * the lock is released; a seal without its witness commit is covered by
 * the next one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/cam_crypto.h"
#include "base/cam_time.h"
#include "base/cam_json.h"
#include "base/cam_key.h"
#include "base/cam_util.h"
#include "journal/cam_seal.h"
#include "site/cam_repo.h"

#define SEAL_MAGIC	"camkit-seal-1"
/* A journal's name, as it appears in the signed text and the witness. */
#define NAME_MAX_LEN	1024
/* A PEM key is a few kilobytes; a certificate file may hold a chain. */
#define CERT_FILE_MAX	(1024 * 1024)

struct cam_sealer {
	EVP_PKEY	*key;
	X509		*cert;
	STACK_OF(X509)	*chain;	/* more certificates to carry, or NULL */
};

/*
 * The name goes into the signed text, between spaces, and is a path in
 * the witness tree: relative, of components of [A-Za-z0-9._-], none
 * empty, "." or "..", nor longer than git takes.
 */
static int
valid_name(const char *s)
{
	return cam_relpath_valid(s, NAME_MAX_LEN);
}

static void
signed_text(struct cam_buf *b, const char *host, const char *name,
    uint64_t seq, const char *head)
{
	cam_buf_addf(b, SEAL_MAGIC " %s %s %" PRIu64 " %s", host, name, seq,
	    head);
}

/* ---- the site key ---- */

/* The certificate first, then any others of the file (the chain up to
 * the CA), carried in every seal so that a verifier needs only the CA. */
static int
read_cert(struct cam_sealer *s, const char *path, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char what[PATH_MAX + 64];
	unsigned long code;
	BIO *bio = NULL;
	X509 *x;
	int rc = -1;

	if (cam_file_read(path, CERT_FILE_MAX, &b, e) == -1)
		return -1;
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(b.s, (int)b.len)) == NULL) {
		cam_err_ssl(e, path);
		goto end;
	}
	if ((s->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		snprintf(what, sizeof(what), "%s: not a PEM certificate",
		    path);
		cam_err_ssl(e, what);
		goto end;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (s->chain == NULL)
			s->chain = sk_X509_new_null();
		if (s->chain == NULL || !sk_X509_push(s->chain, x)) {
			X509_free(x);
			cam_err_ssl(e, path);
			goto end;
		}
	}
	code = ERR_peek_last_error();
	if (code != 0 && !(ERR_GET_LIB(code) == ERR_LIB_PEM &&
	    ERR_GET_REASON(code) == PEM_R_NO_START_LINE)) {
		snprintf(what, sizeof(what), "%s: certificate %d", path,
		    2 + (s->chain ? sk_X509_num(s->chain) : 0));
		cam_err_ssl(e, what);
		goto end;
	}
	ERR_clear_error();
	rc = 0;
end:
	BIO_free(bio);
	cam_buf_free(&b);
	return rc;
}

int
cam_sealer_open(struct cam_sealer **sp, const char *key_path,
    const char *cert_path, struct cam_err *e)
{
	struct cam_sealer *s;

	*sp = NULL;
	s = cam_xmalloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	if (cam_key_load(key_path, "site key", NULL, &s->key, NULL, NULL,
	    e) == -1 ||
	    read_cert(s, cert_path, e) == -1)
		goto fail;
	if (!X509_check_private_key(s->cert, s->key)) {
		ERR_clear_error();
		cam_errf(e, CAM_NO, "%s: not the certificate of the key %s",
		    cert_path, key_path);
		goto fail;
	}
	/* A seal made now would never verify: say so now, not later. */
	if (X509_cmp_current_time(X509_get0_notAfter(s->cert)) <= 0) {
		cam_errf(e, CAM_NO, "%s: the site certificate has expired",
		    cert_path);
		goto fail;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(s->cert)) >= 0) {
		cam_errf(e, CAM_NO, "%s: the site certificate is not valid "
		    "yet (is the clock right?)", cert_path);
		goto fail;
	}
	*sp = s;	/* the caller owns it now */
	return 0;
fail:
	cam_sealer_free(&s);
	return -1;
}

void
cam_sealer_free(struct cam_sealer **sp)
{
	struct cam_sealer *s = *sp;

	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);	/* OpenSSL wipes the key material */
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
	*sp = NULL;
}

/* ---- sealing ---- */

int
cam_sealer_sign_der(struct cam_sealer *s, const void *data, size_t len,
    struct cam_buf *out, struct cam_err *e)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *der = NULL;
	char *p = NULL;
	long n;
	int rc = -1;

	ERR_clear_error();
	if (len > INT_MAX)
		return cam_errf(e, CAM_NO, "%zu bytes are too many to sign "
		    "in memory", len);
	in = BIO_new_mem_buf(data, (int)len);
	der = BIO_new(BIO_s_mem());
	if (in == NULL || der == NULL ||
	    (cms = CMS_sign(s->cert, s->key, s->chain, in, CMS_DETACHED |
	    CMS_BINARY | CMS_NOSMIMECAP)) == NULL ||
	    i2d_CMS_bio(der, cms) != 1 ||
	    (n = BIO_get_mem_data(der, &p)) <= 0) {
		cam_err_ssl(e, "CMS signature");
		e->code = CAM_ENV;
		goto end;
	}
	cam_buf_add(out, p, (size_t)n);
	rc = 0;
end:
	CMS_ContentInfo_free(cms);
	BIO_free(der);
	BIO_free(in);
	return rc;
}

/*
 * DER CMS SignedData over content, detached and binary (no S/MIME
 * canonical line ends: the bytes are the bytes), in base64 on one line
 * into out.
 */
static int
sign(struct cam_sealer *s, const struct cam_buf *content,
    struct cam_buf *out, struct cam_err *e)
{
	struct cam_buf der = CAM_BUF_INIT;
	unsigned char *b64 = NULL;
	int rc = -1;

	if (cam_sealer_sign_der(s, content->s, content->len, &der, e) == -1)
		goto end;
	if (der.len > INT_MAX / 2) {
		cam_errf(e, CAM_ENV, "seal: CMS signature too long");
		goto end;
	}
	b64 = cam_xmalloc(4 * ((der.len + 2) / 3) + 1);
	int len = EVP_EncodeBlock(b64, (const unsigned char *)der.s,
	    (int)der.len);
	cam_buf_add(out, b64, (size_t)len);
	rc = 0;
end:
	free(b64);
	cam_buf_free(&der);
	return rc;
}

/*
 * Under the journal's lock: is the last record, whose hash is head, a
 * seal?  The handle keeps only its SEQ and hash, so the line is read
 * back from the end of the file and checked against the hash.
 */
static int
last_is_seal(struct cam_journal *j, const char *head, int *yes,
    struct cam_err *e)
{
	const char *path = cam_journal_path(j);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[CAM_JOURNAL_HEX], *buf = NULL, *line, *end;
	struct stat st;
	size_t want;
	off_t base;
	int fd, rc = -1;

	*yes = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	if (fstat(fd, &st) == -1) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	want = st.st_size < CAM_JOURNAL_LINE_MAX ? (size_t)st.st_size :
	    CAM_JOURNAL_LINE_MAX;
	base = st.st_size - (off_t)want;
	buf = cam_xmalloc(want + 1);
	for (size_t got = 0; got < want; ) {
		ssize_t n = pread(fd, buf + got, want - got,
		    base + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			cam_err_sys(e, "read %s", path);
			goto end;
		}
		got += (size_t)n;
	}
	/* Under the lock the file ends with the last record and its LF. */
	if (want == 0 || buf[want - 1] != '\n')
		goto changed;
	end = buf + want - 1;
	line = memrchr(buf, '\n', want - 1);
	if (line != NULL)
		line++;
	else if (base == 0)
		line = buf;
	else
		goto changed;
	if (!EVP_Digest(line, (size_t)(end - line) + 1, md, &mdlen,
	    EVP_sha256(), NULL)) {
		cam_err_ssl(e, "SHA-256");
		e->code = CAM_ENV;
		goto end;
	}
	cam_crypto_hex(md, mdlen, hex);
	if (strcmp(hex, head) != 0)
		goto changed;
	/* KIND is the fifth field. */
	*end = '\0';
	for (int i = 0; i < 4 && line != NULL; i++)
		if ((line = strchr(line, '\t')) != NULL)
			line++;
	*yes = line != NULL && strncmp(line, CAM_SEAL_KIND "\t",
	    sizeof(CAM_SEAL_KIND)) == 0;
	rc = 0;
	goto end;
changed:
	cam_errf(e, CAM_NO, "%s: the last line is not the record the journal "
	    "handle read: changed behind its back", path);
end:
	free(buf);
	close(fd);
	return rc;
}

struct seal_op {
	struct cam_journal *j;
	const char *name;
	struct cam_sealer *s;
	int nothing;		/* nothing to seal: no record appended */
	struct cam_buf text;	/* the signed text */
};

static int
seal_data(void *arg, uint64_t head_seq, const char *head,
    struct cam_buf *data, struct cam_err *e)
{
	struct seal_op *op = arg;
	struct cam_buf content = CAM_BUF_INIT, cms = CAM_BUF_INIT;
	int seal, rc = -1;

	if (head_seq == 0) {
		op->nothing = 1;
		return -1;
	}
	if (last_is_seal(op->j, head, &seal, e) == -1)
		return -1;
	if (seal) {
		op->nothing = 1;
		return -1;
	}
	signed_text(&op->text, cam_journal_host(op->j), op->name, head_seq,
	    head);
	cam_buf_addf(&content, "%s\n", op->text.s);
	if (sign(op->s, &content, &cms, e) == -1)
		goto end;
	cam_json_begin(data);
	cam_json_add_uint(data, "seq", head_seq);
	cam_json_add_str(data, "head", head);
	cam_json_add_str(data, "signed", op->text.s);
	cam_json_add_str(data, "cms", cms.s);
	cam_json_end(data);
	rc = 0;
end:
	cam_buf_free(&content);
	cam_buf_free(&cms);
	return rc;
}

int
cam_seal_witness_ref(char *buf, size_t len, const char *host,
    struct cam_err *e)
{
	if (host == NULL || *host == '\0' || strchr(host, '/') != NULL ||
	    host[0] == '.' || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(host))
		return cam_errf(e, CAM_NO, "bad host name \"%s\" for a witness "
		    "ref", host ? host : "");
	if (snprintf(buf, len, "%s/%s", CAM_WITNESS_REF, host) >= (int)len)
		return cam_errf(e, CAM_NO, "host name too long: %s", host);
	return 0;
}

int
cam_seal_witness_foreach(struct cam_repo *r,
    int (*cb)(void *arg, const char *message), void *arg,
    struct cam_err *e)
{
	struct cam_buf refs = CAM_BUF_INIT;
	int rc;

	rc = cam_repo_witness_foreach(r, CAM_WITNESS_REF, cb, arg, e);
	if (rc != 0)
		return rc;
	if (cam_repo_refs(r, CAM_WITNESS_REF "/*", &refs, e) == -1)
		return -1;
	for (char *p = refs.s; p != NULL && *p != '\0'; ) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		if ((rc = cam_repo_witness_foreach(r, p, cb, arg, e)) != 0)
			break;
		p = nl + 1;
	}
	cam_buf_free(&refs);
	return rc;
}

/* Add to host's own witness ref, under the change lock; the shared ref
 * of a site sealed before becomes its first part. */
static int
host_witness_add(struct cam_repo *r, const char *host, const char *path,
    const char *text, struct cam_err *e)
{
	char ref[256];
	int held = r->lockfd != -1, rc = -1;

	if (cam_seal_witness_ref(ref, sizeof(ref), host, e) == -1)
		return -1;
	if (cam_repo_lock(r, e) == -1)
		return -1;
	if (cam_repo_ref_rename(r, CAM_WITNESS_REF, ref, e) == -1)
		goto end;
	rc = cam_repo_witness_add(r, ref, path, text, e);
end:
	if (!held)
		cam_repo_unlock(r);
	return rc;
}

static int
witness_add(const char *repo_dir, const char *host, const char *name,
    const char *text, struct cam_err *e)
{
	struct cam_buf path = CAM_BUF_INIT, file = CAM_BUF_INIT;
	struct cam_repo r;
	int rc;

	if (cam_repo_open(&r, repo_dir, e) == -1)
		return -1;
	cam_buf_addf(&path, "%s/%s", host, name);
	cam_buf_addf(&file, "%s\n", text);
	rc = host_witness_add(&r, host, path.s, file.s, e);
	cam_repo_close(&r);
	cam_buf_free(&path);
	cam_buf_free(&file);
	return rc;
}

int
cam_seal(struct cam_journal *j, const char *name, struct cam_sealer *s,
    const char *repo_dir, struct cam_err *e)
{
	struct seal_op op = { j, name, s, 0, CAM_BUF_INIT };
	struct cam_journal_rec rec;
	int rc;

	if (!valid_name(name))
		return cam_errf(e, CAM_NO, "%s: bad journal name \"%.64s\"",
		    cam_journal_path(j), name);
	rc = cam_journal_append_fn(j, CAM_SEAL_KIND, seal_data, &op, &rec, e);
	if (rc == -1 && op.nothing)
		rc = 1;
	if (rc != 0 || repo_dir == NULL)
		goto end;
	if (witness_add(repo_dir, cam_journal_host(j), name, op.text.s,
	    e) == -1) {
		cam_err_addf(e, e->code, "%s: seal appended as record %" PRIu64
		    ", but the witness in %s was not written: the next seal's "
		    "witness covers it", cam_journal_path(j), rec.seq,
		    repo_dir);
		rc = -1;
	}
end:
	cam_buf_free(&op.text);
	return rc;
}

/* ---- verifying ---- */

/* A witness entry for the journal's name. */
struct went {
	char	*host;
	uint64_t seq;
	char	 head[CAM_JOURNAL_HEX];
	char	 got[CAM_JOURNAL_HEX];	/* hash of the journal's record seq */
	int	 seen;			/* got is set */
};

/* A valid seal of the journal. */
struct vseal {
	uint64_t line;
	uint64_t seq;		/* the record it covers */
	int	 witnessed;
};

struct verify {
	const char	*name;
	const char	*zone;	/* of the times in messages */
	X509_STORE	*store;
	struct went	*w;	/* sorted by seq */
	size_t		 nw, capw, wi;	/* wi: first entry not behind */
	struct vseal	*s;
	size_t		 ns, caps;
	char		**hosts;	/* that wrote the journal's records */
	size_t		 nh;
	uint64_t	 records;	/* handed over by the walk */
	uint64_t	 first;		/* the first record handed over */
	uint64_t	 bad_line;	/* first bad seal, 0 if none */
	struct cam_msg	 why;		/* why it is bad, in both languages */
};

static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
valid_hex(const char *s)
{
	return strlen(s) == 64 &&
	    strspn(s, "0123456789abcdef") == 64;
}

/* A witness commit: "camkit-seal-1 HOST NAME N HEX" and LF.  Messages
 * of another form (a merge) are none of ours. */
static int
witness_entry(void *arg, const char *msg)
{
	struct verify *v = arg;
	char *copy, *f[6] = { NULL };
	size_t len = strlen(msg);
	int n = 0;

	if (len > 0 && msg[len - 1] == '\n')
		len--;
	copy = cam_xstrndup(msg, len);
	for (char *p = copy, *sp; n < 6 && p != NULL; p = sp) {
		if ((sp = strchr(p, ' ')) != NULL)
			*sp++ = '\0';
		f[n++] = p;
	}
	uint64_t seq;
	if (n == 5 && strcmp(f[0], SEAL_MAGIC) == 0 &&
	    strcmp(f[2], v->name) == 0 && parse_u64(f[3], &seq) == 0 &&
	    seq > 0 && valid_hex(f[4])) {
		if (v->nw == v->capw) {
			v->capw = v->capw ? 2 * v->capw : 16;
			v->w = cam_xrealloc(v->w, v->capw * sizeof(*v->w));
		}
		struct went *w = &v->w[v->nw++];
		memset(w, 0, sizeof(*w));
		w->host = cam_xstrdup(f[1]);
		w->seq = seq;
		memcpy(w->head, f[4], CAM_JOURNAL_HEX);
	}
	free(copy);
	return 0;
}

static int
went_cmp(const void *a, const void *b)
{
	const struct went *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
read_witness(struct verify *v, const char *repo_dir, struct cam_err *e)
{
	struct cam_repo r;
	int rc;

	if (cam_repo_open(&r, repo_dir, e) == -1)
		return -1;
	rc = cam_seal_witness_foreach(&r, witness_entry, v, e);
	cam_repo_close(&r);
	if (rc == 0 && v->nw > 1)
		qsort(v->w, v->nw, sizeof(*v->w), went_cmp);
	return rc;
}

/*
 * Check the CMS in base64 against content and trust: 0, or -1 with why
 * (in both languages).
 * Certificates are checked as at when.  A failure is looked at again
 * without the chain, to tell a signature
 * that does not verify from a signer nobody trusts.
 */
static int
verify_cms(X509_STORE *store, const char *zone, time_t when,
    const struct cam_buf *content, const char *b64, struct cam_msg *why)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	unsigned char *der = NULL;
	char reason[200];
	size_t n = strlen(b64);
	int len, k, rc = -1;

	ERR_clear_error();
	if (n == 0 || n % 4 != 0 || n > INT_MAX / 2) {
		cam_msg_format(why, "seal cms is not base64");
		goto end;
	}
	der = cam_xmalloc(n / 4 * 3);
	if ((len = EVP_DecodeBlock(der, (const unsigned char *)b64,
	    (int)n)) < 0) {
		cam_msg_format(why, "seal cms is not base64");
		goto end;
	}
	/* EVP_DecodeBlock counts the padding as bytes. */
	len -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
	if ((in = BIO_new_mem_buf(der, len)) == NULL ||
	    (cms = d2i_CMS_bio(in, NULL)) == NULL) {
		cam_msg_format(why, "seal cms is not a DER CMS signature: %s",
		    cam_crypto_ssl_reason(reason, sizeof(reason)));
		goto end;
	}
	/* Certificates as they were when the seal was made: a site
	 * certificate that expired since does not void its old seals. */
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), when);
	if ((k = cam_crypto_cms_verify(cms, store, content->s, content->len,
	    0)) == 1) {
		rc = 0;
		goto end;
	}
	if (k == -1) {
		cam_msg_format(why, "seal not checked: %s",
		    cam_crypto_ssl_reason(reason, sizeof(reason)));
		goto end;
	}
	cam_crypto_ssl_reason(reason, sizeof(reason));
	if (cam_crypto_cms_verify(cms, NULL, content->s, content->len,
	    CMS_NO_SIGNER_CERT_VERIFY) == 1) {
		/* OpenSSL's detail reads "Verify error: <why>". */
		const char *r = reason;
		STACK_OF(X509) *signers = CMS_get0_signers(cms);
		X509 *sx = signers != NULL && sk_X509_num(signers) > 0 ?
		    sk_X509_value(signers, 0) : NULL;
		char subj[160], date[CAM_TIME_HUMAN_LEN];
		time_t rev;

		if (strncmp(r, "Verify error:", 13) == 0)
			r += 13 + strspn(r + 13, " ");
		if (sx != NULL && cam_crypto_revoked(store, sx, &rev)) {
			cam_crypto_subject(sx, subj, sizeof(subj));
			cam_time_format_human(rev, zone, date, sizeof(date));
			/* A long subject is cut: the date goes first. */
			cam_msg_format(why, "seal signer revoked on %s "
			    "(trust.crl): %s", date, subj);
		} else
			cam_msg_format(why, "seal signer does not chain to a "
			    "trusted CA: %s", r);
		sk_X509_free(signers);
	} else
		cam_msg_format(why, "seal signature does not verify");
end:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	free(der);
	return rc;
}

/* Is the seal record r, which covers record seq, good?  0, or -1 with
 * why. */
static int
check_seal(struct verify *v, const struct cam_journal_rec *r,
    uint64_t *covers, struct cam_msg *why)
{
	struct cam_buf want = CAM_BUF_INIT;
	size_t dl = strlen(r->data) + 1;
	char head[CAM_JOURNAL_HEX], *sig = cam_xmalloc(dl),
	    *cms = cam_xmalloc(dl);
	int64_t seq;
	int rc = -1;

	if (cam_json_get_int(r->data, "seq", &seq) == -1 || seq < 0 ||
	    cam_json_get_str(r->data, "head", head, sizeof(head)) == -1 ||
	    cam_json_get_str(r->data, "signed", sig, dl) == -1 ||
	    cam_json_get_str(r->data, "cms", cms, dl) == -1) {
		cam_msg_format(why, "seal DATA needs \"seq\", \"head\", "
		    "\"signed\" and \"cms\"");
		goto end;
	}
	*covers = (uint64_t)seq;
	if ((uint64_t)seq != r->seq - 1) {
		cam_msg_format(why, "seal names record %" PRId64 " but follows "
		    "record %" PRIu64, seq, r->seq - 1);
		goto end;
	}
	if (strcmp(head, r->prev) != 0) {
		cam_msg_format(why, "seal head does not match record %" PRIu64,
		    r->seq - 1);
		goto end;
	}
	signed_text(&want, r->host, v->name, (uint64_t)seq, r->prev);
	if (strcmp(sig, want.s) != 0) {
		cam_msg_format(why, "seal signed text is not \"%.150s\"",
		    want.s);
		goto end;
	}
	cam_buf_add(&want, "\n", 1);
	rc = verify_cms(v->store, v->zone, r->time, &want, cms, why);
end:
	cam_buf_free(&want);
	free(sig);
	free(cms);
	return rc;
}

static size_t
went_lower(const struct verify *v, uint64_t seq)
{
	size_t lo = 0, hi = v->nw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->w[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
verify_rec(void *arg, const struct cam_journal_rec *r)
{
	struct verify *v = arg;
	uint64_t covers = 0;
	size_t i;

	v->records = r->seq;
	if (v->first == 0)
		v->first = r->seq;
	for (i = 0; i < v->nh && strcmp(v->hosts[i], r->host) != 0; i++)
		;
	if (i == v->nh) {
		v->hosts = cam_xrealloc(v->hosts, (v->nh + 1) *
		    sizeof(*v->hosts));
		v->hosts[v->nh++] = cam_xstrdup(r->host);
	}
	/* What the witness says of this record is checked at the end,
	 * once the journal's hosts are known. */
	while (v->wi < v->nw && v->w[v->wi].seq < r->seq)
		v->wi++;
	for (i = v->wi; i < v->nw && v->w[i].seq == r->seq; i++) {
		memcpy(v->w[i].got, r->hash, CAM_JOURNAL_HEX);
		v->w[i].seen = 1;
	}
	/* After a bad seal, later ones cannot be the first bad record. */
	if (strcmp(r->kind, CAM_SEAL_KIND) != 0 || v->bad_line != 0)
		return 0;
	if (check_seal(v, r, &covers, &v->why) == -1) {
		v->bad_line = r->seq;
		return 0;
	}
	if (v->ns == v->caps) {
		v->caps = v->caps ? 2 * v->caps : 16;
		v->s = cam_xrealloc(v->s, v->caps * sizeof(*v->s));
	}
	struct vseal *s = &v->s[v->ns++];
	s->line = r->seq;
	s->seq = covers;
	s->witnessed = 0;
	for (i = went_lower(v, covers); i < v->nw && v->w[i].seq == covers;
	    i++)
		if (strcmp(v->w[i].host, r->host) == 0 &&
		    strcmp(v->w[i].head, r->prev) == 0)
			s->witnessed = 1;
	return 0;
}

static int
known_host(const struct verify *v, const char *host)
{
	for (size_t i = 0; i < v->nh; i++)
		if (strcmp(v->hosts[i], host) == 0)
			return 1;
	return 0;
}

/* The first witness entry the journal contradicts: its line, or 0. */
static uint64_t
witness_bad(const struct verify *v, int chain_ok, struct cam_msg *why)
{
	for (size_t i = 0; i < v->nw; i++) {
		const struct went *w = &v->w[i];

		/* Before the volume a check from a time starts at. */
		if (!known_host(v, w->host) || w->seq < v->first)
			continue;
		if (w->seen && strcmp(w->got, w->head) != 0) {
			cam_msg_format(why, "witness sealed record %" PRIu64
			    " with head %s but the journal's record %" PRIu64
			    " hashes to %s", w->seq, w->head, w->seq, w->got);
			return w->seq;
		}
		/* Past a broken chain, the chain's error comes first. */
		if (!w->seen && chain_ok) {
			cam_msg_format(why, "witness sealed record %" PRIu64
			    " (%.16s...) but the journal has only %" PRIu64
			    " records", w->seq, w->head, v->records);
			return v->records + 1;
		}
	}
	return 0;
}

/* The first seal that neither is in the witness nor is followed by one
 * that is (whose witness commit covers it): its line, or 0. */
static uint64_t
witness_missing(const struct verify *v)
{
	size_t i = v->ns;

	if (v->ns == 0 || v->s[v->ns - 1].witnessed)
		return 0;
	while (i > 0 && !v->s[i - 1].witnessed)
		i--;
	return v->s[i].line;
}

int
cam_seal_verify(const char *path, const char *name,
    const struct cam_trust *trust, const char *repo_dir, const char *zone,
    struct cam_seal_report *rep, struct cam_err *e)
{
	return cam_seal_verify_since(path, name, CAM_JOURNAL_ALL, trust,
	    repo_dir, zone, rep, e);
}

int
cam_seal_verify_since(const char *path, const char *name, time_t since,
    const struct cam_trust *trust, const char *repo_dir, const char *zone,
    struct cam_seal_report *rep, struct cam_err *e)
{
	struct cam_seal_report mine;
	struct cam_journal_verify jv;
	struct verify v;
	const char *chain_why = NULL;
	const struct cam_msg *why = NULL;	/* what is bad, not the chain */
	struct cam_msg wwhy, miss;
	uint64_t bad = 0, line;
	int k, from_chain = 0, rc = -1;

	if (rep == NULL)
		rep = &mine;
	memset(rep, 0, sizeof(*rep));
	memset(&v, 0, sizeof(v));
	if (!valid_name(name))
		return cam_errf(e, CAM_NO, "%s: bad journal name \"%.64s\"",
		    path, name);
	if (trust == NULL)
		return cam_errf(e, CAM_ENV, "%s: no trusted CA certificates "
		    "to check seals with", path);
	v.name = name;
	v.zone = zone;
	v.store = cam_trust_store(trust);
	if (repo_dir != NULL && read_witness(&v, repo_dir, e) == -1)
		goto end;

	k = cam_journal_foreach_since_v(path, since, verify_rec, &v, &jv, e);
	if (k == -1 && e->code != CAM_NO)
		goto end;
	if (k == -1) {
		/* The SEQ of the bad record (its line, but for volumes). */
		if ((bad = jv.bad_line) != 0)
			chain_why = jv.why;
		if (bad == 0) {
			/* Not about a line (not a regular file): as it is. */
			snprintf(rep->why, sizeof(rep->why), "%.255s", e->msg);
			goto end;
		}
		from_chain = 1;
		snprintf(rep->why, sizeof(rep->why), "%.255s", chain_why);
	}
	/* The first bad record wins; on the same line, the chain, then the
	 * seal, then the witness. */
	if (v.bad_line != 0 && (bad == 0 || v.bad_line < bad)) {
		bad = v.bad_line;
		from_chain = 0;
		snprintf(rep->why, sizeof(rep->why), "%.255s", v.why.en);
		why = &v.why;
	}
	if (repo_dir != NULL) {
		line = witness_bad(&v, k == 0, &wwhy);
		if (line != 0 && (bad == 0 || line < bad)) {
			bad = line;
			from_chain = 0;
			snprintf(rep->why, sizeof(rep->why), "%.255s", wwhy.en);
			why = &wwhy;
		}
		line = witness_missing(&v);
		if (line != 0 && (bad == 0 || line < bad)) {
			bad = line;
			from_chain = 0;
			cam_msg_format(&miss, "seal not in the witness");
			snprintf(rep->why, sizeof(rep->why), "%.255s", miss.en);
			why = &miss;
		}
	}
	rep->records = v.records;
	if (bad != 0 && bad - 1 < rep->records)
		rep->records = bad - 1;
	for (size_t i = 0; i < v.ns && (bad == 0 || v.s[i].line < bad);
	    i++) {
		rep->seals++;
		rep->sealed = v.s[i].seq;
		rep->witnessed += v.s[i].witnessed != 0;
	}
	if (bad != 0) {
		rep->bad_line = bad;
		/* The chain's own message is already in e, whole. */
		if (!from_chain && why != NULL) {
			char en[CAM_ERR_MAX], text[CAM_ERR_MAX];

			snprintf(en, sizeof(en), "%.2048s:%" PRIu64 ": %s",
			    path, bad, why->en);
			snprintf(text, sizeof(text), "%.2048s:%" PRIu64 ": %s",
			    path, bad, why->text);
			cam_err_pair(e, CAM_NO, 0, en, text);
		}
		goto end;
	}
	rc = 0;
end:
	for (size_t i = 0; i < v.nw; i++)
		free(v.w[i].host);
	free(v.w);
	free(v.s);
	for (size_t i = 0; i < v.nh; i++)
		free(v.hosts[i]);
	free(v.hosts);
	return rc;
}

struct last_config {
	const char *host;
	char id[41];
};

static int
last_config(void *arg, const char *msg)
{
	struct last_config *l = arg;
	size_t m = strlen(CAM_CONFIG_WITNESS), h = strlen(l->host);

	if (strncmp(msg, CAM_CONFIG_WITNESS " ", m + 1) == 0 &&
	    strncmp(msg + m + 1, l->host, h) == 0 && msg[m + 1 + h] == ' ' &&
	    strspn(msg + m + 2 + h, "0123456789abcdef") == 40)
		memcpy(l->id, msg + m + 2 + h, 40);
	return 0;
}

int
cam_seal_config(const char *repo_dir, const char *host, struct cam_err *e)
{
	struct last_config l;
	struct cam_buf path = CAM_BUF_INIT, text = CAM_BUF_INIT;
	struct cam_repo r;
	char head[41];
	int rc = -1;

	memset(&l, 0, sizeof(l));
	l.host = host;
	if (cam_repo_open(&r, repo_dir, e) == -1)
		return -1;
	if (cam_repo_head_id(&r, head, e) == -1 ||
	    cam_seal_witness_foreach(&r, last_config, &l, e) < 0)
		goto end;
	if (strcmp(l.id, head) == 0) {
		rc = 1;
		goto end;
	}
	cam_buf_addf(&path, "%s/config.head", host);
	cam_buf_addf(&text, "%s %s %s\n", CAM_CONFIG_WITNESS, host, head);
	rc = host_witness_add(&r, host, path.s, text.s, e);
end:
	cam_repo_close(&r);
	cam_buf_free(&path);
	cam_buf_free(&text);
	return rc;
}
