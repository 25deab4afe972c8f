/*
 * cam_crypto: see cam_crypto.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
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
cam_crypto_sha256_file(const char *path, char hex[65], uint64_t *size,
    struct cam_err *e)
{
	unsigned char d[EVP_MAX_MD_SIZE], buf[65536];
	unsigned dlen = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ssize_t n;
	int fd, rc = -1;

	*size = 0;
	if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return cam_err_ssl(e, "SHA-256");
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		EVP_MD_CTX_free(md);
		return cam_err_sys(e, "%s", path);
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			cam_err_sys(e, "%s", path);
			goto end;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	EVP_DigestFinal_ex(md, d, &dlen);
	cam_crypto_hex(d, dlen, hex);
	rc = 0;
end:
	close(fd);
	EVP_MD_CTX_free(md);
	return rc;
}
