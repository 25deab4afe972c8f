/*
 * Unit tests for cam_cert: camview's self-signed certificate and key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "view/cam_cert.h"
#include "unit.h"

static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

int
main(void)
{
	char dir[] = "/tmp/camkit-cert.XXXXXX";
	struct cam_err e;
	X509 *x = NULL;
	EVP_PKEY *k = NULL, *pub;
	FILE *f;
	const char *crt, *key;
	char *before, *after;

	if (mkdtemp(dir) == NULL)
		return 3;
	crt = unit_path(dir, CAM_VIEW_CERT);
	key = unit_path(dir, CAM_VIEW_KEY);
	if (mkdir(unit_path(dir, "private"), 0700) == -1)
		return 3;
	cam_err_clear(&e);
	CHECK(cam_view_cert_make(dir, "rec1", &e) == 1, "no pair: one is made");
	CHECK(mode_of(crt) == 0600 && mode_of(key) == 0600,
	    "both files are 0600");
	if ((f = fopen(crt, "r")) != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if ((f = fopen(key, "r")) != NULL) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	CHECK(x != NULL && k != NULL, "the certificate and the key read back");
	pub = x ? X509_get0_pubkey(x) : NULL;
	CHECK(pub != NULL && k != NULL && EVP_PKEY_eq(pub, k) == 1,
	    "the key is the certificate's");
	CHECK(k != NULL && EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_bits(k) == 256, "EC P-256");
	CHECK(x != NULL && X509_check_host(x, "rec1", 0, 0, NULL) == 1,
	    "the host name is a subject alternative name");
	CHECK(x != NULL && X509_check_host(x, "localhost", 0, 0, NULL) == 1,
	    "so is localhost");
	CHECK(x != NULL && X509_check_ip_asc(x, "127.0.0.1", 0) == 1,
	    "and 127.0.0.1");
	CHECK(x != NULL && X509_check_host(x, "other", 0, 0, NULL) != 1,
	    "and no other name");
	CHECK(x != NULL && X509_verify(x, k) == 1, "self-signed");

	before = unit_slurp(crt, NULL);
	CHECK(cam_view_cert_make(dir, "rec1", &e) == 0,
	    "a pair already there is kept");
	after = unit_slurp(crt, NULL);
	CHECK(before && after && strcmp(before, after) == 0,
	    "and left as it was (an office's own certificate too)");
	free(before);
	free(after);

	unlink(key);
	cam_err_clear(&e);
	CHECK(cam_view_cert_make(dir, "rec1", &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "but not") != NULL,
	    "a certificate without its key is refused, and said so");
	CHECK(access(key, F_OK) != 0, "and no key is made for it");

	X509_free(x);
	EVP_PKEY_free(k);
	unlink(crt);
	rmdir(unit_path(dir, "private"));
	rmdir(dir);
	return UNIT_END();
}
