/*
 * cam_crypto: X.509 and hashing with OpenSSL 3: recognising
 * certificates, the set of CA certificates signatures are checked
 * against, and OpenSSL's errors as messages.
 */
#ifndef CAM_CRYPTO_H
#define CAM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

/* How many X.509 certificates data holds (PEM, several allowed, or one
 * DER); 0 if it holds none, or anything that is not one. */
int cam_crypto_cert_count(const void *data, size_t len);
/* Does data hold a PEM private key, of any kind ("-----BEGIN RSA
 * PRIVATE KEY-----", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY")?
 * The one test of what may never be committed or handed around. */
int cam_crypto_has_key(const void *data, size_t len);
/* SHA-256 of a file (not followed if a link), in lower-case hex, and its
 * size. */
int cam_crypto_sha256_file(const char *path, char hex[65], uint64_t *size,
    struct cam_err *e);
/* The same of the file open at fd, read from its start whatever its
 * offset (name for messages). */
int cam_crypto_sha256_fd(int fd, const char *name, char hex[65],
    uint64_t *size, struct cam_err *e);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void cam_crypto_hex(const unsigned char *d, size_t n, char *out);
/* OpenSSL's error queue as "what: reason"; returns -1. */
int cam_err_ssl(struct cam_err *e, const char *what);
/* The reason for the first error in OpenSSL's queue, with its detail
 * when it has one (why a certificate was refused), into buf; the queue
 * is cleared.  Returns buf. */
const char *cam_crypto_ssl_reason(char *buf, size_t len);

/*
 * Trusted CA certificates, for checking signatures.  Certificates are
 * accepted for any purpose: site and official certificates are often
 * not marked for S/MIME signing.
 */
struct cam_trust;
int cam_trust_new(struct cam_trust **t, struct cam_err *e);
/* Add every certificate of a PEM text (one at least; other PEM blocks
 * are skipped); label names the text in messages, e.g. its path. */
int cam_trust_add_pem(struct cam_trust *t, const void *data, size_t len,
    const char *label, struct cam_err *e);
/* How many certificates were added. */
int cam_trust_count(const struct cam_trust *t);
void cam_trust_free(struct cam_trust **t);
/*
 * Certificate revocation lists.  Once a list is added, every chain
 * checked against t is checked for revocation, at every level, but
 * only against the issuers that have a list in t: a CA with none is
 * not checked (not refused either; sites add the lists they get).  A
 * list newer than the time of the check counts (what is known now of
 * a certificate is what counts).  A list past its nextUpdate is
 * accepted unless cam_trust_refuse_stale was called.
 */
struct cam_crl_info {
	char		issuer[256];	/* one line, OpenSSL's form */
	unsigned long	hash;		/* the issuer's, as openssl rehash */
	time_t		last, next;	/* thisUpdate, nextUpdate (0: none) */
	int		nrevoked;
};
/* Add the CRL of data (PEM or DER; a PEM text may hold several) after
 * checking that it is signed by a certificate of t (add the CA
 * certificates first): refused (CAM_NO) if its issuer is not among
 * them or the signature does not verify.  info (may be NULL) describes
 * the last list added. */
int cam_trust_add_crl(struct cam_trust *t, const void *data, size_t len,
    const char *label, struct cam_crl_info *info, struct cam_err *e);
/* How many CRLs were added; the i-th one's description. */
int cam_trust_crl_count(const struct cam_trust *t);
void cam_trust_crl_info(const struct cam_trust *t, int i,
    struct cam_crl_info *info);
/* A list past its nextUpdate fails the check
 * (X509_V_ERR_CRL_HAS_EXPIRED) rather than being accepted. */
void cam_trust_refuse_stale(struct cam_trust *t);
/* How many of t's lists are past their nextUpdate at now; the first
 * one's description into info (may be NULL). */
int cam_trust_stale(const struct cam_trust *t, time_t now,
    struct cam_crl_info *info);
/* Is certificate x revoked by a list of store (a cam_trust_store)? 1
 * with the revocation date in *when, 0 if not. */
struct x509_st;
struct x509_store_st;
int cam_crypto_revoked(struct x509_store_st *store, const struct x509_st *x,
    time_t *when);
/* The signers of a CMS signature sig (DER or PEM), whether verified
 * or not: for each (at most max) its subject and whether a list of t
 * revokes it (with the date).  The number of signers, or -1 if sig is
 * no CMS signature. */
struct cam_signer_status {
	char	subject[256];
	int	revoked;
	time_t	when;
};
int cam_trust_signers(const struct cam_trust *t, const void *sig,
    size_t len, struct cam_signer_status *out, int max);
/* Is the certificate of data (PEM or DER; the first one) revoked by a
 * list of t?  1 with its subject and the revocation date, 0 if not, -1
 * if data holds no certificate. */
int cam_trust_cert_revoked(const struct cam_trust *t, const void *data,
    size_t len, char *subject, size_t sl, time_t *when);
/* The subject of x, one line, into buf. */
void cam_crypto_subject(const struct x509_st *x, char *buf, size_t len);

/* For the signature checkers in lib/ only: OpenSSL's own store behind
 * t, owned by t.  Declared this way so that this header does not need
 * OpenSSL's. */
struct x509_store_st;
struct x509_store_st *cam_trust_store(const struct cam_trust *t);

/*
 * Read a PEM private key without passphrase (never asks at a terminal):
 * refused if the file is a link, not regular, or readable by group or
 * others (what_key names it in that message, "site key"); the bytes are
 * read into one buffer and wiped.
 */
/*
 * Check a DER detached CMS signature over data against t, certificates
 * as at time at: 0 with the first signer's subject in signer, or -1
 * with why (OpenSSL's reason).
 */
int cam_crypto_verify_detached(const struct cam_trust *t, const void *sig,
    size_t siglen, const void *data, size_t len, time_t at, char *signer,
    size_t sl, char *why, size_t wl);

/*
 * For the signature checkers in lib/ only: CMS_verify, binary, of the
 * detached signature cms over data[0..len) against store (NULL with
 * CMS_NO_SIGNER_CERT_VERIFY in flags: the signature alone).  1 if it
 * verifies, 0 if not (OpenSSL's queue says why), -1 if OpenSSL could
 * not be set up.  Use it rather than CMS_verify itself (see there).
 */
struct CMS_ContentInfo_st;
int cam_crypto_cms_verify(struct CMS_ContentInfo_st *cms,
    struct x509_store_st *store, const void *data, size_t len,
    unsigned int flags);

struct evp_pkey_st;
int cam_crypto_read_key(const char *path, const char *what_key,
    struct evp_pkey_st **key, struct cam_err *e);

#endif
