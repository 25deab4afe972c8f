/*
 * cam_crl: the site's certificate revocation lists (trust.crl): adding
 * one the way camctl crl add does, and describing one for people.
 * Checking chains against them is cam_crypto's (cam_trust).
 */
#ifndef CAM_CRL_H
#define CAM_CRL_H

#include "base/cam_crypto.h"
#include "base/cam_err.h"
#include "base/cam_util.h"
#include "site/cam_site.h"

#define CAM_CRL_MAX	(64 * 1024 * 1024)	/* one list file */

struct cam_crl_added {
	struct cam_crl_info info;	/* the list added */
	char	rel[64];	/* trust/crl/HASH.crl, as committed */
	char	msg[96];	/* the commit message; "" if no commit was
				 * tried (refused before) */
	char	id[41];		/* the commit */
	int	stale;		/* already past its next update */
};

/*
 * Add the revocation list in file (PEM or DER, one list) to s: refused
 * (CAM_NO, nothing written) unless trust.ca holds the CA that signed it
 * and its signature verifies, or if the list in force for that CA is as
 * new or newer.  It is kept as trust/crl/HASH.crl (the issuer's hash, as
 * openssl rehash names it: the CA's next list replaces the file) and
 * named in trust.crl, both in one commit; a failed commit puts back the
 * file that was there.  out says what was added and committed.
 */
int cam_crl_add(struct cam_site *s, const char *file,
    struct cam_crl_added *out, struct cam_err *e);

/* "ISSUER<TAB>issued TIME<TAB>next update TIME<TAB>N revoked", times
 * in zone. */
void cam_crl_describe(const struct cam_crl_info *in, const char *zone,
    struct cam_buf *out);

#endif
