/*
 * cam_audit_crl: see cam_audit_crl.h.
 */
#include <stdio.h>

#include "audit/cam_audit_crl.h"
#include "base/cam_crypto.h"
#include "base/cam_time.h"
#include "base/cam_util.h"

int
cam_audit_crl(struct cam_site *s, time_t now, struct cam_checklist *ck,
    struct cam_err *e)
{
	const struct cam_paths *p = &s->cfg.trust_crl;
	struct cam_trust *t = NULL;
	struct cam_crl_info in;
	char last[64], next[64];

	if (cam_site_trust(s, &t, e) == -1)
		return -1;
	if (p->n == 0)
		cam_checklist_add(ck, 1, "revocation lists", "none in "
		    "trust.crl: revoked certificates are not recognised");
	/* Each file again, to name it (adding a list twice changes no
	 * check). */
	for (size_t i = 0; i < p->n; i++) {
		struct cam_buf b = CAM_BUF_INIT;
		int stale;

		if (cam_site_read(s, p->path[i], &b, e) == -1 ||
		    cam_trust_add_crl(t, b.s, b.len, p->path[i], &in,
		    e) == -1) {
			cam_buf_free(&b);
			cam_trust_free(&t);
			return -1;
		}
		cam_buf_free(&b);
		cam_time_format_human(in.last, s->cfg.timezone, last,
		    sizeof(last));
		if (in.next != 0)
			cam_time_format_human(in.next, s->cfg.timezone, next,
			    sizeof(next));
		stale = in.next != 0 && in.next < now;
		if (in.next == 0)
			cam_checklist_add(ck, 1, p->path[i],
			    cam_checklist_ntr(ck, "%s: issued %s, no next "
			    "update given; %d certificate revoked", "%s: issued "
			    "%s, no next update given; %d certificates revoked",
			    (unsigned long)in.nrevoked), in.issuer, last,
			    in.nrevoked);
		else if (!stale)
			cam_checklist_add(ck, 1, p->path[i],
			    cam_checklist_ntr(ck, "%s: issued %s, next update "
			    "%s; %d certificate revoked", "%s: issued %s, next "
			    "update %s; %d certificates revoked",
			    (unsigned long)in.nrevoked), in.issuer, last, next,
			    in.nrevoked);
		else if (s->cfg.crl_expired_refuse)
			cam_checklist_add(ck, 0, p->path[i],
			    cam_checklist_ntr(ck, "%s: issued %s, OUT OF DATE: "
			    "the next list was due %s (policy crl_expired: "
			    "refuse: every signature its CA vouches for is "
			    "refused); %d certificate revoked", "%s: issued %s, "
			    "OUT OF DATE: the next list was due %s (policy "
			    "crl_expired: refuse: every signature its CA vouches "
			    "for is refused); %d certificates revoked",
			    (unsigned long)in.nrevoked), in.issuer, last, next,
			    in.nrevoked);
		else
			cam_checklist_add(ck, 0, p->path[i],
			    cam_checklist_ntr(ck, "%s: issued %s, OUT OF DATE: "
			    "the next list was due %s (policy crl_expired: "
			    "warn); %d certificate revoked", "%s: issued %s, "
			    "OUT OF DATE: the next list was due %s (policy "
			    "crl_expired: warn); %d certificates revoked",
			    (unsigned long)in.nrevoked), in.issuer, last, next,
			    in.nrevoked);
	}
	cam_trust_free(&t);
	return 0;
}
