/*
 * cam_crypto: see cam_crypto.h.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cam_crypto.h"

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
