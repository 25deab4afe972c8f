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
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_crypto.h"
#include "base/cam_util.h"

struct cam_trust {
	X509_STORE	*store;
	int		 count;
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
	return cam_errf(e, CAM_NO, "%s: %s", what, reason);
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
	free(*tp);
	*tp = NULL;
}

struct x509_store_st *
cam_trust_store(const struct cam_trust *t)
{
	return t->store;
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
