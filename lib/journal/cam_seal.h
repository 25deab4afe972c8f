/*
 * cam_seal: seals over journal heads, and the witness that keeps a copy
 * of every seal outside the journal.
 *
 * A seal is a record of KIND "seal" appended to the journal it seals.
 * Its DATA is
 *	{"seq":N,"head":"HEX","signed":"camkit-seal-1 HOST NAME N HEX",
 *	 "cms":"BASE64"}
 * where N and HEX are the SEQ and hash of the record the seal follows
 * (so the seal's PREV is HEX), HOST is the journal handle's host, NAME
 * the journal's name relative to the data root ("logbook.journal",
 * "audit.journal", "gate/manifest"), and cms the base64 (one line, no
 * breaks) of a DER CMS SignedData, detached, binary, made with the site
 * key and carrying the site certificate, over the bytes of "signed"
 * followed by one LF.  By hand:
 *	printf '%s\n' "$signed" > content
 *	printf '%s' "$cms" | base64 -d > sig.der
 *	openssl cms -verify -binary -inform DER -in sig.der \
 *	    -content content -CAfile ca.pem -purpose any -out /dev/null
 *
 * The witness: each seal is also committed on refs/camkit/witness/HOST
 * of the configuration repository (a ref outside the branches, one per
 * host so that hosts sharing a central repository never write the same
 * ref; camctl sync pushes it to the central remote): a commit whose
 * parent is the previous witness commit, whose message is the seal's
 * "signed" text, and whose tree holds one file per journal, HOST/NAME,
 * with that text and LF (the latest seal of that journal).  Someone who
 * later steals the site key can sign anything, but cannot make the
 * witness copies held elsewhere forget the heads sealed before.
 */
#ifndef CAM_SEAL_H
#define CAM_SEAL_H

#include <stdint.h>

#include "base/cam_err.h"
#include "journal/cam_journal.h"

/* The witness refs: CAM_WITNESS_REF "/" HOST, each host's own.  Sites
 * sealed before there was one per host have CAM_WITNESS_REF itself:
 * still read, and it becomes the first part of the host's own ref the
 * first time that host writes its witness. */
#define CAM_WITNESS_REF		"refs/camkit/witness"
struct cam_repo;
/* HOST's witness ref into buf; -1 if host is not a plain name. */
int cam_seal_witness_ref(char *buf, size_t len, const char *host,
    struct cam_err *e);
/* The message of every witness commit: of the shared ref of old sites,
 * then of each host's ref (in the order of their names), each oldest
 * first; cb as cam_repo_witness_foreach. */
int cam_seal_witness_foreach(struct cam_repo *r,
    int (*cb)(void *arg, const char *message), void *arg,
    struct cam_err *e);

struct cam_sealer;	/* the site key and certificate, loaded */
struct cam_trust;	/* trusted CA certificates (cam_crypto.h) */

/* Load the site key (PEM, refused if group or others may read it) and
 * certificate (PEM); the key is wiped when freed. */
int cam_sealer_open(struct cam_sealer **s, const char *key_path,
    const char *cert_path, struct cam_err *e);
void cam_sealer_free(struct cam_sealer **s);
/* The site's signature over data: a DER CMS SignedData, detached and
 * binary, carrying the site certificate (archives' SHA256SUMS.p7s). */
struct cam_buf;
int cam_sealer_sign_der(struct cam_sealer *s, const void *data, size_t len,
    struct cam_buf *der, struct cam_err *e);

/*
 * Seal the journal open in j, known as name, then record the seal in
 * the witness of the repository at repo_dir (NULL: no witness).
 * Returns 0, or 1 when there is nothing to seal (the journal is empty
 * or its last record already is a seal).  When the seal was appended
 * but the witness could not be written, returns -1 and says so: the
 * seal stands, and the next seal's witness commit covers it.
 */
int cam_seal(struct cam_journal *j, const char *name, struct cam_sealer *s,
    const char *repo_dir, struct cam_err *e);

struct cam_seal_report {
	uint64_t records;	/* records checked */
	uint64_t seals;		/* valid seals */
	uint64_t sealed;	/* SEQ covered by the last valid seal */
	uint64_t witnessed;	/* seals found in the witness */
	uint64_t bad_line;	/* first bad record, 0 if none */
	char	 why[256];
};

/*
 * Check a journal: its chain (cam_journal_foreach), every seal (the
 * record it names is the one it follows, its signed text matches, the
 * CMS signature verifies over it and its signer chains to trust), and,
 * when repo_dir is not NULL, the witness: every seal of the journal is
 * in the witness, and every witness entry for HOST/NAME matches the
 * journal's record at its SEQ (a journal cut back, or rewritten and
 * re-sealed, after a witnessed seal fails here).  Returns 0, or -1 with
 * CAM_NO and "PATH:LINE: why" naming the first bad record (rep says the
 * same), CAM_ENV when something cannot be read.  zone (the site's, NULL:
 * UTC) is the zone of the times in the message ("signer revoked on ...").
 */
int cam_seal_verify(const char *path, const char *name,
    const struct cam_trust *trust, const char *repo_dir, const char *zone,
    struct cam_seal_report *rep, struct cam_err *e);
/* The same from the volume that holds time since on (its first record
 * taken as it is, see cam_journal_foreach_since; CAM_JOURNAL_ALL: the
 * whole journal): rep counts what was checked. */
int cam_seal_verify_since(const char *path, const char *name, time_t since,
    const struct cam_trust *trust, const char *repo_dir, const char *zone,
    struct cam_seal_report *rep, struct cam_err *e);

/*
 * The configuration's history in the witness: "camkit-config-1 HOST ID"
 * committed on the witness ref (file HOST/config.head) whenever HOST's
 * seal run finds HEAD of the configuration repository at another commit
 * than it last witnessed.  A later history that no longer contains a
 * witnessed commit was rewritten (camaudit config).  Returns 0, or 1
 * when HEAD was already witnessed.
 */
#define CAM_CONFIG_WITNESS	"camkit-config-1"
int cam_seal_config(const char *repo_dir, const char *host,
    struct cam_err *e);

#endif
