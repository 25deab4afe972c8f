/*
 * cam_request: extraction requests (camkit-request(5)) and their
 * signatures.
 *
 * A request is a small YAML file that names who asks for which footage
 * and why; it is approved by detached CMS (PKCS#7) signatures over its
 * exact bytes, made with X.509 keys: the director's always, the unit
 * head's when camkit.yaml's policy says so.  This module owns the
 * file's schema (strict, like camkit.yaml: every error at once, as
 * file:line:col), signing a request, finding its signatures and the
 * decision whether they approve it.  Which certificates are trusted is
 * the caller's to say: it reads them from the configuration in force.
 *
 * Signature files.  Beside a request "DIR/STEM.EXT" (STEM: the base
 * name without its last extension; a name without one is all STEM),
 * every regular file named "STEM.p7s" or "STEM.*.p7s" is a signature of
 * it: "YC-12.p7s", "YC-12.director.p7s", "YC-12.yaml.p7s" for
 * "YC-12.yaml".  The character after STEM must be the dot, so that the
 * signatures of "YC-123.yaml" or "YC-12-b.yaml" are not taken for those
 * of "YC-12.yaml".  Each file is DER or PEM ("-----BEGIN CMS-----" or
 * "-----BEGIN PKCS7-----") and may carry several signers (openssl cms
 * -resign).  Every signer of every file must verify: one bad signature
 * beside a request refuses it.  A signature file may be a symbolic link
 * (it is judged by what it holds; a file reached twice is read once);
 * the request itself may not.  S/MIME output (openssl cms -sign without
 * -outform) is refused with a hint, and so is a signature made without
 * -binary (over CRLF line ends), which is told apart from a forgery.
 * A signer certificate left out of the file (-nocerts) is looked for
 * among the trusted directors and unit heads.  Content carried inside a
 * signature (-nodetach) is ignored: the request's bytes are checked.
 */
#ifndef CAM_REQUEST_H
#define CAM_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "base/cam_crypto.h"
#include "base/cam_err.h"
#include "base/cam_util.h"
#include "site/cam_config.h"	/* CAM_ROLE_* */
#include "site/cam_site.h"

#define CAM_REQUEST_MAX		(1024 * 1024)	/* request and .p7s files */
#define CAM_REQUEST_ID_MAX	64
#define CAM_REQUEST_VIEWER_MAX	32		/* a Unix account name */

/* What a request asks for (its "action"; extract when absent). */
enum cam_request_action {
	CAM_REQUEST_EXTRACT = 0,	/* footage out, as an archive */
	CAM_REQUEST_VIEW,		/* footage watched in camview by
					 * the account named "viewer" */
};

struct cam_request {
	enum cam_request_action action;
	char	*viewer;		/* view: the Unix account; extract: NULL */
	char	*id;			/* [A-Za-z0-9._/-], 1-64; single use */
	char	*requester_name, *requester_unit;
	char	*purpose;
	size_t	 ncameras;
	char	**cameras;		/* camera ids (syntax checked only) */
	time_t	 from, to;		/* the window, from < to */
	time_t	 expires;		/* refused after this instant */
	char	*recipient_name;	/* extract: required; view: NULL */
	char	*recipient_unit;	/* or NULL */
	char	*recipient_cert;	/* one PEM certificate, or NULL */
	struct cam_buf raw;		/* the file's exact bytes: what is signed */
	char	 sha256[65];		/* of raw, lower-case hex */
};

/*
 * Read path (a regular file, not followed if a link, at most
 * CAM_REQUEST_MAX bytes) and parse it.  The text is UTF-8 without a
 * byte-order mark, with LF line ends: a BOM or a carriage return
 * anywhere is refused, with how to save the file, before the YAML is
 * read, so that what is signed is what every reader parses.  Local times are taken in zone
 * (the site's; NULL: UTC).  On failure r is empty (nothing to free) and
 * e holds every error, each as "file:line:col: what".
 */
int cam_request_load(struct cam_request *r, const char *path,
    const char *zone, struct cam_err *e);
/* The same from memory; file names the text in messages. */
int cam_request_parse(struct cam_request *r, const char *file,
    const char *text, size_t len, const char *zone, struct cam_err *e);
void cam_request_free(struct cam_request *r);

/*
 * A request to fill in, as YAML with comments: an id from now, the
 * hour before now as the window and seven days from now as the expiry,
 * all in zone (NULL: UTC).  It parses as it is.
 */
void cam_request_template(struct cam_buf *out, const char *zone,
    time_t now);

/*
 * Sign the exact bytes of the request at request_path: DER, detached,
 * binary CMS (what `openssl cms -sign -binary -outform DER` makes) with
 * the signer's certificate and any further certificates of cert_path's
 * file (its chain).  The request must parse (its local times are taken
 * as UTC for this check only).  The key must be an unencrypted PEM key
 * that only its owner can read (mode 0600 or 0400), the certificate
 * its own, valid now and for signatures (key usage digitalSignature or
 * nonRepudiation, or no keyUsage extension).  A request with CRLF line
 * ends or a byte-order mark does not parse (cam_request_parse): it is
 * refused with how to save it, never signed as it is nor rewritten.  out_path NULL means "DIR/STEM.F.p7s" beside
 * the request, F the first 16 hex digits of the certificate's SHA-256,
 * so that two signers never overwrite each other.  The file is
 * replaced atomically, mode 0644.
 */
int cam_request_sign(const char *request_path, const char *key_path,
    const char *cert_path, const char *out_path, struct cam_err *e);
/*
 * The same with a key cam_key_load reads (a PEM file, or a "pkcs11:"
 * URI or a file holding one: a key on a token, its PIN found as pin
 * says).  cert_path NULL with a key on a token: the token's certificate
 * of the same label and id signs, without a chain.
 */
struct cam_key_pin;
int cam_request_sign_key(const char *request_path, const char *key_path,
    const struct cam_key_pin *pin, const char *cert_path,
    const char *out_path, struct cam_err *e);

struct cam_request_signer {
	char	*file;		/* the .p7s it came from */
	char	*subject;	/* RFC 2253 in UTF-8 (\XX escapes where
				 * the name is not clean UTF-8) */
	char	 sha256[65];	/* of the certificate's DER */
	unsigned roles;		/* CAM_ROLE_DIRECTOR, CAM_ROLE_UNIT_HEAD:
				 * the certificate is one of trust.director,
				 * trust.unit_head */
	time_t	 signed_at;	/* signingTime attribute, 0 if none */
	time_t	 not_after;	/* of the certificate */
};

struct cam_request_sigs {
	size_t	 n;		/* signers that verified */
	struct cam_request_signer *v;
	size_t	 nfiles;	/* signature files looked at */
	char	**files;
	char	*warning;	/* cam_request_check: a stale revocation
				 * list accepted by policy, or NULL;
				 * English (--json, records) */
	char	*warning_text;	/* the same in the reader's language */
};

enum cam_request_refusal {
	CAM_REQ_OK = 0,
	CAM_REQ_UNSIGNED,	/* no signature file at all */
	CAM_REQ_BAD_SIGNATURE,	/* does not verify over these bytes:
				 * forged, or the request changed since;
				 * or a file that is no signature */
	CAM_REQ_UNTRUSTED,	/* signer does not chain to trust.ca */
	CAM_REQ_CERT_EXPIRED,	/* a certificate of the chain expired */
	CAM_REQ_NOT_DIRECTOR,	/* no valid signer is a director */
	CAM_REQ_NO_UNIT_HEAD,	/* policy wants a unit head; none signed */
	CAM_REQ_EXPIRED,	/* the request's own expiry has passed */
	CAM_REQ_WRONG_UNIT,	/* a signer is the head of another unit
				 * than the requester's, and nothing more */
	CAM_REQ_SAME_SIGNER,	/* the director's and the unit head's
				 * signatures are one certificate or key */
	CAM_REQ_KEY_USAGE,	/* a signer's certificate is not for
				 * signatures (keyUsage without
				 * digitalSignature or nonRepudiation) */
	CAM_REQ_EDITED,		/* saved by an editor with CRLF line ends
				 * or a byte-order mark after signing
				 * (cam_request_check only) */
	CAM_REQ_REVOKED,	/* a certificate of the chain is revoked
				 * (a list of trust.crl names it) */
	CAM_REQ_CRL_EXPIRED,	/* a revocation list is past its
				 * nextUpdate and policy.crl_expired is
				 * refuse */
};

/*
 * The trusted sets: ca is trust.ca (NULL: none); directors and
 * unit_heads hold the PEM texts of the trust.director and
 * trust.unit_head files (several certificates per text allowed).
 * unit_head_units[i] is the unit whose head unit_heads[i] holds
 * (cam_config's trust_unit_head_unit); a unit head counts only for a
 * request whose requester.unit is that unit (cam_unit_same).  When
 * unit_head_units[i] is NULL (trust.unit_head's list form), or
 * unit_head_units is (trust read from a bare directory), the units of
 * those heads are the organizationalUnitName (OU) values of each
 * certificate's subject, read as UTF-8, under the same comparison; a
 * certificate without an OU is the head of no unit.
 */
struct cam_request_trust {
	const struct cam_trust	*ca;
	const struct cam_buf	*directors;
	size_t			 ndirectors;
	const struct cam_buf	*unit_heads;
	size_t			 nunit_heads;
	int			 need_unit_head;
	const char *const	*unit_head_units;
	const char		*zone;	/* dates in messages (NULL: UTC) */
};

/*
 * Is the request r, read from path, approved at now?  Its signature
 * files (see the top of this header) and extra[0..nextra) are read,
 * every signer of each is checked over r->raw (signature, then its
 * certificate chained to t->ca at now, for any purpose), in the order
 * of the files (found ones sorted by name, then extra), signers in
 * file order; then the certificate's key usage (digitalSignature or
 * nonRepudiation when it has a keyUsage extension; one without allows
 * any use) and its role: a unit head of another unit than
 * r->requester_unit, or of none (no OU where the unit is the OU), who
 * is no director, is refused (wrong-unit).
 * Returns CAM_REQ_OK, or the first refusal with "FILE: signer SUBJECT:
 * why" (CAM_NO) in e; then no director among the signers, no unit head
 * when t->need_unit_head, the director's and the unit head's signature
 * by one certificate or key when t->need_unit_head (same-signer: one
 * person is not two signers), and now past r->expires, in that
 * order.  -1 with CAM_ENV when something cannot
 * be read (an unreadable extra file, a broken trusted certificate).
 * sigs is always filled with what was checked; free it either way.
 */
int cam_request_verify(const struct cam_request *r, const char *path,
    const char *const *extra, size_t nextra,
    const struct cam_request_trust *t, time_t now,
    struct cam_request_sigs *sigs, struct cam_err *e);
void cam_request_sigs_free(struct cam_request_sigs *s);

/*
 * The whole check of a request, one for extraction and viewing alike:
 * read path (local times in the site's zone), that it asks for action,
 * its signatures (beside it, plus extra) against the trust of site's
 * configuration in force (trust.ca, trust.director, trust.unit_head,
 * and policy's unit head signature) at now, then that each of its
 * cameras is in that configuration.  A file that does not parse only
 * because an editor saved it with CRLF line ends or a byte-order mark,
 * and whose signatures match it without them, is refused as "edited"
 * with that said in plain words (never accepted).  0 when it is approved; else -1
 * with e, and *refusal naming the refusal when the answer is no:
 * "bad-request" (does not parse), "wrong-action" (an extraction
 * request where a view is asked, or the other way), a
 * cam_request_refusal_name, "unknown-camera"; *refusal NULL when the
 * check itself failed.  r and sigs are filled with what was read and
 * checked; free them either way.
 */
int cam_request_check(struct cam_site *site, const char *path,
    const char *const *extra, size_t nextra,
    enum cam_request_action action, time_t now, struct cam_request *r,
    struct cam_request_sigs *sigs, const char **refusal,
    struct cam_err *e);

/* "extract" or "view". */
const char *cam_request_action_name(enum cam_request_action a);

/* "ok", "unsigned", "bad-signature", "untrusted", "cert-expired",
 * "not-director", "no-unit-head", "expired", "wrong-unit",
 * "same-signer", "key-usage", "edited", "revoked", "crl-expired"; NULL
 * for other codes. */
const char *cam_request_refusal_name(int code);

#endif
