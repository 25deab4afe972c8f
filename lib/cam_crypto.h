/*
 * cam_crypto: X.509 and hashing with OpenSSL 3.  Grows with the
 * signature and archive work; today it only recognises certificates.
 */
#ifndef CAM_CRYPTO_H
#define CAM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "cam_err.h"

/* How many X.509 certificates data holds (PEM, several allowed, or one
 * DER); 0 if it holds none, or anything that is not one. */
int cam_crypto_cert_count(const void *data, size_t len);
/* SHA-256 of a file (not followed if a link), in lower-case hex, and its
 * size. */
int cam_crypto_sha256_file(const char *path, char hex[65], uint64_t *size,
    struct cam_err *e);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void cam_crypto_hex(const unsigned char *d, size_t n, char *out);
/* OpenSSL's error queue as "what: reason"; returns -1. */
int cam_err_ssl(struct cam_err *e, const char *what);

#endif
