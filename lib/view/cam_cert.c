/*
 * cam_cert: a self-signed certificate for camview (cam_cert.h), made
 * with OpenSSL: EC P-256 key, SHA-256 signature, 0600 files written
 * atomically.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_util.h"
#include "view/cam_cert.h"

static int
ossl(struct cam_err *e, const char *what)
{
	return cam_errf(e, CAM_ENV, "certificate: %s failed", what);
}

static int
bio_bytes(BIO *b, struct cam_buf *out)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	if (n <= 0)
		return -1;
	cam_buf_add(out, p, (size_t)n);
	return 0;
}

int
cam_view_cert_make(const char *confdir, const char *host, struct cam_err *e)
{
	char crt[4096], key[4096], san[600];
	struct cam_buf kb = CAM_BUF_INIT, cb = CAM_BUF_INIT;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	X509_NAME *nm;
	X509_EXTENSION *ext = NULL;
	X509V3_CTX v3;
	BIO *bk = NULL, *bc = NULL;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int hc, hk, rc = -1;

	if (cam_path(crt, sizeof crt, e, "%s/%s", confdir, CAM_VIEW_CERT) ==
	    -1 || cam_path(key, sizeof key, e, "%s/%s", confdir,
	    CAM_VIEW_KEY) == -1)
		return -1;
	hc = access(crt, F_OK) == 0;
	hk = access(key, F_OK) == 0;
	if (hc && hk)
		return 0;
	if (hc || hk)
		return cam_errf(e, CAM_NO, "%s is there but not %s: put both "
		    "or neither", hc ? crt : key, hc ? key : crt);
	if ((pk = EVP_EC_gen("P-256")) == NULL)
		return ossl(e, "EC key");
	if ((x = X509_new()) == NULL || X509_set_version(x, 2) != 1)
		goto fail;
	if (RAND_bytes(serial, sizeof serial) != 1)
		goto fail;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof serial, NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto fail;
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), (long)3650 * 86400);
	X509_set_pubkey(x, pk);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	    (const unsigned char *)"camkit camview", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)host, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	snprintf(san, sizeof san, "DNS:%s,DNS:localhost,IP:127.0.0.1", host);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    san)) == NULL || X509_add_ext(x, ext, -1) != 1)
		goto fail;
	X509_EXTENSION_free(ext);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:FALSE")) == NULL || X509_add_ext(x, ext, -1) != 1)
		goto fail;
	X509_EXTENSION_free(ext);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_ext_key_usage,
	    "serverAuth")) == NULL || X509_add_ext(x, ext, -1) != 1)
		goto fail;
	X509_EXTENSION_free(ext);
	ext = NULL;
	if (X509_sign(x, pk, EVP_sha256()) <= 0)
		goto fail;
	if ((bk = BIO_new(BIO_s_mem())) == NULL ||
	    (bc = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bk, pk, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_X509(bc, x) != 1 || bio_bytes(bk, &kb) == -1 ||
	    bio_bytes(bc, &cb) == -1)
		goto fail;
	if (cam_file_write_atomic(key, kb.s, kb.len, 0600, e) == -1 ||
	    cam_file_write_atomic(crt, cb.s, cb.len, 0600, e) == -1) {
		(void)unlink(key);
		goto end;
	}
	rc = 1;
	goto end;
fail:
	ossl(e, "making the self-signed pair");
end:
	X509_EXTENSION_free(ext);
	BIO_free(bk);
	BIO_free(bc);
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pk);
	if (kb.s != NULL)
		OPENSSL_cleanse(kb.s, kb.cap);
	cam_buf_free(&kb);
	cam_buf_free(&cb);
	return rc;
}
