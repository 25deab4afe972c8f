/*
 * cam_crypto: X.509 and hashing with OpenSSL 3.  Grows with the
 * signature and archive work; today it only recognises certificates.
 */
#ifndef CAM_CRYPTO_H
#define CAM_CRYPTO_H

#include <stddef.h>

#include "cam_err.h"

/* How many X.509 certificates data holds (PEM, several allowed, or one
 * DER); 0 if it holds none, or anything that is not one. */
int cam_crypto_cert_count(const void *data, size_t len);
/* OpenSSL's error queue as "what: reason"; returns -1. */
int cam_err_ssl(struct cam_err *e, const char *what);

#endif
