/*
 * cam_key: a private key to sign with, from a PEM file or on a PKCS#11
 * token (a smart card, a USB token, an HSM).
 *
 * A key is named by a path or by an RFC 7512 "pkcs11:" URI.  A file
 * whose content is a single line "pkcs11:..." names the key on the
 * token too (private/site.key may be such a file).  Keys on a token are
 * used through OpenSSL's "pkcs11" engine (Debian's
 * libengine-pkcs11-openssl, libp11): they never leave the token, and
 * this file is the only one of camkit that calls the ENGINE API.
 *
 * The PKCS#11 module is the engine's default, the p11-kit proxy, which
 * loads every module registered with p11-kit (SoftHSM2, OpenSC and the
 * vendors' drivers register themselves); the URI's "module-path"
 * attribute names another.
 *
 * The PIN, first found of: the file pin->file (the person's choice on
 * the command line), the URI's pin-value or pin-source (a file), for a
 * key named in a file KEY.key the file KEY.pin next to it
 * (private/site.pin), and last pin->ask (a terminal).  A PIN file
 * readable by others is refused.  The engine stays loaded for the rest
 * of the process: the keys it gives hold no reference to it.
 */
#ifndef CAM_KEY_H
#define CAM_KEY_H

#include <stddef.h>

#include "base/cam_err.h"

struct cam_key_pin {
	const char *file;	/* NULL: none */
	/* Ask for the PIN (prompt names the token) into buf; 0, or -1
	 * with e filled in.  NULL: never ask. */
	int (*ask)(const char *prompt, char *buf, size_t len, void *arg,
	    struct cam_err *e);
	void *arg;
};

/* Whether spec is a PKCS#11 URI rather than a path. */
int cam_key_is_uri(const char *spec);

/*
 * Load the key spec names (what names it in messages: "site key"); pin
 * may be NULL.  A PEM file is read as cam_crypto_read_key reads it.
 * For a key on a token, if cert is not NULL, *cert is the certificate
 * object of the token with the same id and label (the key's URI with
 * the certificate's type); for a file key *cert is left NULL.  *onto
 * (if not NULL) says whether the key is on a token.  The caller frees
 * both (EVP_PKEY_free, X509_free).
 */
struct evp_pkey_st;
struct x509_st;
int cam_key_load(const char *spec, const char *what,
    const struct cam_key_pin *pin, struct evp_pkey_st **key,
    struct x509_st **cert, int *onto, struct cam_err *e);

#endif
