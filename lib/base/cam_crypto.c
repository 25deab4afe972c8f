/*
 * cam_crypto: see cam_crypto.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>	/* before cms.h: its PEM functions */
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_util.h"

struct cam_trust {
	X509_STORE	*store;
	int		 count;
	int		 ncrl;
	struct cam_crl_info *crl;	/* ncrl descriptions */
};

int
cam_err_ssl(struct cam_err *e, const char *what)
{
	char reason[256];
	unsigned long code = ERR_get_error();

	if (code == 0)
		snprintf(reason, sizeof(reason), "unknown OpenSSL error");
	else
		ERR_error_string_n(code, reason, sizeof(reason));
	ERR_clear_error();
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];
	snprintf(en, sizeof(en), "%s: %s", what, reason);
	snprintf(text, sizeof(text), "%s: %s", _(what), reason);
	return cam_err_pair(e, CAM_NO, 0, en, text);
}

const char *
cam_crypto_ssl_reason(char *buf, size_t len)
{
	const char *data = NULL, *reason;
	int flags = 0;
	unsigned long code = ERR_get_error_all(NULL, NULL, NULL, &data,
	    &flags);

	if (code == 0)
		snprintf(buf, len, "unknown OpenSSL error");
	else {
		reason = ERR_reason_error_string(code);
		/* The detail says more than the reason when there is one:
		 * "Verify error: certificate has expired". */
		if ((flags & ERR_TXT_STRING) && data != NULL && *data != '\0')
			snprintf(buf, len, "%s", data);
		else if (reason != NULL)
			snprintf(buf, len, "%s", reason);
		else
			ERR_error_string_n(code, buf, len);
	}
	ERR_clear_error();
	return buf;
}

int
cam_trust_new(struct cam_trust **tp, struct cam_err *e)
{
	struct cam_trust *t;

	*tp = NULL;
	t = cam_xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	if ((t->store = X509_STORE_new()) == NULL ||
	    !X509_STORE_set_purpose(t->store, X509_PURPOSE_ANY)) {
		cam_trust_free(&t);
		cam_err_ssl(e, "certificate store");
		e->code = CAM_ENV;
		return -1;
	}
	*tp = t;
	return 0;
}

int
cam_trust_add_pem(struct cam_trust *t, const void *data, size_t len,
    const char *label, struct cam_err *e)
{
	char why[256];
	unsigned long code;
	BIO *bio;
	X509 *x;
	int n = 0;

	if (len > INT_MAX)
		return cam_errf(e, CAM_NO, "%s: too large", label);
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		cam_err_ssl(e, label);
		e->code = CAM_ENV;
		return -1;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		int ok = X509_STORE_add_cert(t->store, x);

		X509_free(x);	/* the store took a reference of its own */
		if (!ok) {
			BIO_free(bio);
			return cam_errf(e, CAM_NO, "%s: certificate %d: %s",
			    label, n + 1, cam_crypto_ssl_reason(why,
			    sizeof(why)));
		}
		n++;
	}
	BIO_free(bio);
	/* Running out of certificates shows as "no start line"; anything
	 * else is a certificate that could not be read. */
	code = ERR_peek_last_error();
	if (code != 0 && !(ERR_GET_LIB(code) == ERR_LIB_PEM &&
	    ERR_GET_REASON(code) == PEM_R_NO_START_LINE))
		return cam_errf(e, CAM_NO, "%s: certificate %d: %s", label,
		    n + 1, cam_crypto_ssl_reason(why, sizeof(why)));
	ERR_clear_error();
	if (n == 0)
		return cam_errf(e, CAM_NO, "%s: no PEM certificate "
		    "(-----BEGIN CERTIFICATE-----)", label);
	t->count += n;
	return 0;
}

int
cam_trust_count(const struct cam_trust *t)
{
	return t->count;
}

void
cam_trust_free(struct cam_trust **tp)
{
	if (*tp == NULL)
		return;
	X509_STORE_free((*tp)->store);
	free((*tp)->crl);
	free(*tp);
	*tp = NULL;
}

struct x509_store_st *
cam_trust_store(const struct cam_trust *t)
{
	return t->store;
}

/* ---- revocation lists ---- */

/* ASN1_TIME as time_t; 0 if absent or unreadable. */
static time_t
crl_time(const ASN1_TIME *a)
{
	struct tm tm;

	if (a == NULL || !ASN1_TIME_to_tm(a, &tm))
		return 0;
	return timegm(&tm);
}

/* What OpenSSL reports while checking a chain against lists: an issuer
 * without a list is not checked, a list issued after the time of the
 * check counts, a stale one passes (this callback) or not
 * (verify_refuse_stale). */
static int
verify_lists(int ok, X509_STORE_CTX *ctx)
{
	if (ok)
		return 1;
	switch (X509_STORE_CTX_get_error(ctx)) {
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return 1;
	}
	return 0;
}

static int
verify_refuse_stale(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CRL_HAS_EXPIRED)
		return 0;
	return verify_lists(ok, ctx);
}

void
cam_crypto_subject(const X509 *x, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	    XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, len, "%.*s", (int)n, p);
	BIO_free(b);
}

static void
crl_describe(X509_CRL *crl, struct cam_crl_info *info)
{
	BIO *b = BIO_new(BIO_s_mem());
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(crl);
	char *p;
	long n;

	memset(info, 0, sizeof(*info));
	if (b != NULL && X509_NAME_print_ex(b, X509_CRL_get_issuer(crl), 0,
	    XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(info->issuer, sizeof(info->issuer), "%.*s", (int)n, p);
	BIO_free(b);
	info->hash = X509_NAME_hash_ex(X509_CRL_get_issuer(crl), NULL, NULL,
	    NULL);
	info->last = crl_time(X509_CRL_get0_lastUpdate(crl));
	info->next = crl_time(X509_CRL_get0_nextUpdate(crl));
	info->nrevoked = rev != NULL ? sk_X509_REVOKED_num(rev) : 0;
}

/* Is crl signed by a certificate of store? */
static int
crl_signed(X509_STORE *store, X509_CRL *crl, int *named)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	int ok = 0;

	*named = 0;
	for (int i = 0; i < sk_X509_OBJECT_num(objs) && !ok; i++) {
		X509 *ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		EVP_PKEY *k;

		if (ca == NULL || X509_NAME_cmp(X509_get_subject_name(ca),
		    X509_CRL_get_issuer(crl)) != 0)
			continue;
		(*named)++;
		if ((k = X509_get0_pubkey(ca)) != NULL &&
		    X509_CRL_verify(crl, k) == 1)
			ok = 1;
	}
	ERR_clear_error();
	return ok;
}

static int
add_one_crl(struct cam_trust *t, X509_CRL *crl, const char *label, int nth,
    struct cam_crl_info *info, struct cam_err *e)
{
	struct cam_crl_info d;
	char why[256];
	int named;

	crl_describe(crl, &d);
	if (!crl_signed(t->store, crl, &named)) {
		if (named == 0)
			return cam_errf(e, CAM_NO, "%s: revocation list %d: "
			    "its issuer (%s) is not a trusted CA (trust.ca)",
			    label, nth, d.issuer);
		return cam_errf(e, CAM_NO, "%s: revocation list %d: its "
		    "signature does not verify with the certificate of its "
		    "issuer (%s): forged or damaged", label, nth, d.issuer);
	}
	if (!X509_STORE_add_crl(t->store, crl))
		return cam_errf(e, CAM_NO, "%s: revocation list %d: %s",
		    label, nth, cam_crypto_ssl_reason(why, sizeof(why)));
	X509_STORE_set_flags(t->store, X509_V_FLAG_CRL_CHECK |
	    X509_V_FLAG_CRL_CHECK_ALL);
	if (X509_STORE_get_verify_cb(t->store) != verify_refuse_stale)
		X509_STORE_set_verify_cb(t->store, verify_lists);
	t->crl = cam_xrealloc(t->crl, (size_t)(t->ncrl + 1) *
	    sizeof(*t->crl));
	t->crl[t->ncrl++] = d;
	if (info != NULL)
		*info = d;
	return 0;
}

int
cam_trust_add_crl(struct cam_trust *t, const void *data, size_t len,
    const char *label, struct cam_crl_info *info, struct cam_err *e)
{
	const unsigned char *p = data;
	char why[256];
	unsigned long code;
	X509_CRL *crl;
	BIO *bio;
	int n = 0, rc;

	if (len > 1024 * 1024 * 64)
		return cam_errf(e, CAM_NO, "%s: too large", label);
	ERR_clear_error();
	if (memmem(data, len, "-----BEGIN X509 CRL-----", 24) == NULL) {
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (crl == NULL || p != (const unsigned char *)data + len) {
			X509_CRL_free(crl);
			ERR_clear_error();
			return cam_errf(e, CAM_NO, "%s: not a certificate "
			    "revocation list (PEM \"-----BEGIN X509 "
			    "CRL-----\" or DER)", label);
		}
		rc = add_one_crl(t, crl, label, 1, info, e);
		X509_CRL_free(crl);
		return rc;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		cam_err_ssl(e, label);
		e->code = CAM_ENV;
		return -1;
	}
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		rc = add_one_crl(t, crl, label, ++n, info, e);
		X509_CRL_free(crl);
		if (rc == -1) {
			BIO_free(bio);
			return -1;
		}
	}
	BIO_free(bio);
	code = ERR_peek_last_error();
	if (code != 0 && !(ERR_GET_LIB(code) == ERR_LIB_PEM &&
	    ERR_GET_REASON(code) == PEM_R_NO_START_LINE))
		return cam_errf(e, CAM_NO, "%s: revocation list %d: %s",
		    label, n + 1, cam_crypto_ssl_reason(why, sizeof(why)));
	ERR_clear_error();
	if (n == 0)
		return cam_errf(e, CAM_NO, "%s: no revocation list "
		    "(-----BEGIN X509 CRL-----)", label);
	return 0;
}

int
cam_trust_crl_count(const struct cam_trust *t)
{
	return t->ncrl;
}

void
cam_trust_crl_info(const struct cam_trust *t, int i,
    struct cam_crl_info *info)
{
	*info = t->crl[i];
}

void
cam_trust_refuse_stale(struct cam_trust *t)
{
	X509_STORE_set_verify_cb(t->store, verify_refuse_stale);
}

int
cam_trust_stale(const struct cam_trust *t, time_t now,
    struct cam_crl_info *info)
{
	int n = 0;

	for (int i = 0; i < t->ncrl; i++)
		if (t->crl[i].next != 0 && t->crl[i].next < now) {
			if (n++ == 0 && info != NULL)
				*info = t->crl[i];
		}
	return n;
}

int
cam_crypto_revoked(X509_STORE *store, const X509 *x, time_t *when)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	int found = 0;

	*when = 0;
	for (int i = 0; i < sk_X509_OBJECT_num(objs) && !found; i++) {
		X509_CRL *crl = X509_OBJECT_get0_X509_CRL(
		    sk_X509_OBJECT_value(objs, i));
		X509_REVOKED *r = NULL;

		if (crl == NULL || X509_NAME_cmp(X509_CRL_get_issuer(crl),
		    X509_get_issuer_name(x)) != 0)
			continue;
		/* The lookup takes no const certificate; it changes none. */
		if (X509_CRL_get0_by_cert(crl, &r, (X509 *)(uintptr_t)x) == 1 &&
		    r != NULL) {
			*when = crl_time(X509_REVOKED_get0_revocationDate(r));
			found = 1;
		}
	}
	ERR_clear_error();
	return found;
}

int
cam_crypto_has_key(const void *data, size_t len)
{
	return memmem(data, len, "PRIVATE KEY-----", 16) != NULL;
}

int
cam_crypto_cert_count(const void *data, size_t len)
{
	const unsigned char *p = data;
	int n = 0;

	if (len > 1024 * 1024)
		return 0;
	if (memmem(data, len, "-----BEGIN CERTIFICATE-----", 27) != NULL) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);
		X509 *x;

		if (bio == NULL)
			return 0;
		while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			X509_free(x);
			n++;
		}
		BIO_free(bio);
		ERR_clear_error();	/* the end of the list is an "error" */
		return n;
	}
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p == (const unsigned char *)data + len)
		n = 1;
	X509_free(x);
	ERR_clear_error();
	return n;
}

void
cam_crypto_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int
cam_crypto_sha256_fd(int fd, const char *name, char hex[65], uint64_t *size,
    struct cam_err *e)
{
	unsigned char d[EVP_MAX_MD_SIZE], buf[65536];
	unsigned dlen = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ssize_t n;
	int rc = -1;

	*size = 0;
	if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return cam_err_ssl(e, "SHA-256");
	}
	while ((n = pread(fd, buf, sizeof(buf), (off_t)*size)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			cam_err_sys(e, "%s", name);
			goto end;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	EVP_DigestFinal_ex(md, d, &dlen);
	cam_crypto_hex(d, dlen, hex);
	rc = 0;
end:
	EVP_MD_CTX_free(md);
	return rc;
}

int
cam_crypto_sha256_file(const char *path, char hex[65], uint64_t *size,
    struct cam_err *e)
{
	int fd, rc;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return cam_err_sys(e, "%s", path);
	rc = cam_crypto_sha256_fd(fd, path, hex, size, e);
	close(fd);
	return rc;
}

static int
no_passphrase(char *buf, int size, int rw, void *arg)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)arg;
	return -1;	/* never ask on the terminal */
}

/*
 * One buffer of its final size (a
 * growing one would leave copies of the key behind), wiped after; a
 * key others may read is refused rather than fixed, it may have leaked.
 */
int
cam_crypto_read_key(const char *path, const char *what_key, EVP_PKEY **key,
    struct cam_err *e)
{
	char what[PATH_MAX + 64];
	struct stat st;
	char *buf = NULL;
	size_t len = 0, size = 0;
	BIO *bio = NULL;
	int fd, rc = -1;

	*key = NULL;
	if ((fd = cam_file_open_plain(path, 0, "key file", &st, e)) == -1)
		return -1;
	if ((st.st_mode & 077) != 0) {
		cam_errf(e, CAM_NO, "%s: mode %04o lets others read the "
		    "%s; it must be 0600 or 0400 (chmod 600 %s)", path,
		    (unsigned)(st.st_mode & 07777), what_key, path);
		goto end;
	}
	if (st.st_size <= 0 || st.st_size > (64 * 1024)) {
		cam_errf(e, CAM_NO, "%s: %lld bytes: not a PEM key", path,
		    (long long)st.st_size);
		goto end;
	}
	size = (size_t)st.st_size;
	buf = cam_xmalloc(size);
	while (len < size) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cam_err_sys(e, "read %s", path);
			goto end;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		cam_err_ssl(e, path);
		goto end;
	}
	if ((*key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
	    NULL)) == NULL) {
		snprintf(what, sizeof(what), "%s: not a PEM private key "
		    "without passphrase", path);
		cam_err_ssl(e, what);
		goto end;
	}
	rc = 0;
end:
	BIO_free(bio);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, size);
		free(buf);
	}
	close(fd);
	return rc;
}


int
cam_crypto_cms_verify(CMS_ContentInfo *cms, X509_STORE *store,
    const void *data, size_t len, unsigned int flags)
{
	BIO *mem, *dc;
	int ok;

	if (len > INT_MAX || (mem = BIO_new_mem_buf(len ? data : "",
	    (int)len)) == NULL)
		return -1;
	/* CMS_verify reads a memory BIO through a copy of its own, and
	 * leaks that copy when the signature names a digest it cannot
	 * compute (OpenSSL 3.0; later versions read the same).  Behind a
	 * null filter the content is no memory BIO: it is read as it is,
	 * and freed here. */
	if ((dc = BIO_new(BIO_f_null())) == NULL) {
		BIO_free(mem);
		return -1;
	}
	BIO_push(dc, mem);
	ok = CMS_verify(cms, NULL, store, dc, NULL, flags | CMS_BINARY) == 1;
	BIO_free_all(dc);
	return ok;
}

int
cam_crypto_verify_detached(const struct cam_trust *t, const void *sig,
    size_t siglen, const void *data, size_t len, time_t at, char *signer,
    size_t sl, char *why, size_t wl)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	X509_STORE *store = cam_trust_store(t);
	BIO *in = NULL;
	char reason[256];
	int rc = -1;

	ERR_clear_error();
	signer[0] = '\0';
	if (siglen > INT_MAX || len > INT_MAX) {
		snprintf(why, wl, "too large to check in memory");
		return -1;
	}
	if ((in = BIO_new_mem_buf(sig, (int)siglen)) == NULL ||
	    (cms = d2i_CMS_bio(in, NULL)) == NULL) {
		snprintf(why, wl, "not a DER CMS signature: %s",
		    cam_crypto_ssl_reason(reason, sizeof(reason)));
		goto end;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), at);
	if (cam_crypto_cms_verify(cms, store, data, len, 0) != 1) {
		snprintf(why, wl, "%s",
		    cam_crypto_ssl_reason(reason, sizeof(reason)));
		goto end;
	}
	if ((signers = CMS_get0_signers(cms)) != NULL &&
	    sk_X509_num(signers) > 0)
		X509_NAME_oneline(X509_get_subject_name(sk_X509_value(signers,
		    0)), signer, (int)sl);
	rc = 0;
end:
	sk_X509_free(signers);
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return rc;
}

int
cam_trust_signers(const struct cam_trust *t, const void *sig, size_t len,
    struct cam_signer_status *out, int max)
{
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *in;
	int n = 0;

	if (len > INT_MAX || (in = BIO_new_mem_buf(sig, (int)len)) == NULL)
		return -1;
	if (memmem(sig, len, "-----BEGIN ", 11) != NULL)
		cms = PEM_read_bio_CMS(in, NULL, NULL, NULL);
	else
		cms = d2i_CMS_bio(in, NULL);
	BIO_free(in);
	if (cms == NULL || (sis = CMS_get0_SignerInfos(cms)) == NULL) {
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return -1;
	}
	certs = CMS_get1_certs(cms);
	for (int i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		X509 *x = NULL;

		for (int j = 0; j < sk_X509_num(certs) && x == NULL; j++)
			if (CMS_SignerInfo_cert_cmp(si,
			    sk_X509_value(certs, j)) == 0)
				x = sk_X509_value(certs, j);
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			if (x != NULL) {
				cam_crypto_subject(x, out[n].subject,
				    sizeof(out[n].subject));
				out[n].revoked = cam_crypto_revoked(t->store,
				    x, &out[n].when);
			} else
				snprintf(out[n].subject,
				    sizeof(out[n].subject), "(certificate "
				    "not included)");
		}
		n++;
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return n;
}

int
cam_trust_cert_revoked(const struct cam_trust *t, const void *data,
    size_t len, char *subject, size_t sl, time_t *when)
{
	const unsigned char *p = data;
	X509 *x = NULL;
	BIO *bio;
	int r;

	*when = 0;
	subject[0] = '\0';
	if (len > INT_MAX)
		return -1;
	if (memmem(data, len, "-----BEGIN ", 11) != NULL) {
		if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL)
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else
		x = d2i_X509(NULL, &p, (long)len);
	ERR_clear_error();
	if (x == NULL)
		return -1;
	cam_crypto_subject(x, subject, sl);
	r = cam_crypto_revoked(t->store, x, when);
	X509_free(x);
	return r;
}
