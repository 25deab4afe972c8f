/*
 * cam_replicate: one run of camrec replicate (camkit-replication(7)):
 * this host's evidence archives, then its journals as sealed chunks,
 * then its closed segments, sent to the S3 store of camkit.yaml's
 * replication: section (keys from cam_remote.h), each upload carrying
 * the SHA-256 camkit knows, then HEADed (size and x-amz-meta-sha256
 * checked) and journaled as a "replicated" record:
 *
 *   footage   in the camera's manifest, DATA {"file", "kind", "bucket",
 *	"key", "version", "sha256", "bytes", "lock", "retain_until",
 *	"legal_hold"}: prune reads it there (cam_store_segments), and a
 *	rotation carries it with its segment.  "legal-hold" {"file",
 *	"bucket", "key", "version", "on"} when a hold placed or released
 *	later puts or lifts the object's legal hold.
 *   journal chunks and evidence archives  in the storage root's
 *	CAM_REPLICATION_FILE, DATA {"kind":"journal", "name", "first",
 *	"last", ...} or {"kind":"evidence", "archive", ...}.
 *
 * Every object not yet journaled is HEADed before it is sent: one that
 * is there with the right size and hash (a run killed between the
 * upload and its record) is journaled, not sent again.  Nothing local
 * is changed but the records.  A journal's chunk is the records after
 * the last one replicated up to the next seal, read from the volume
 * file that holds them (a volume is closed only after a seal, so a
 * chunk never spans two); records after the last seal wait for the
 * next one.
 */
#ifndef CAM_REPLICATE_H
#define CAM_REPLICATE_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_s3.h"
#include "media/cam_store.h"
#include "site/cam_config.h"

#define CAM_REPLICATE_LOCK	".replicate.lock"

/* What happened to one object, told to the caller's each. */
enum cam_repl_state {
	CAM_REPL_SENT,		/* uploaded and checked */
	CAM_REPL_PRESENT,	/* already in the store, checked: journaled */
	CAM_REPL_WOULD,		/* --dry-run: would be sent */
	CAM_REPL_HOLD_ON,	/* legal hold put on */
	CAM_REPL_HOLD_OFF,	/* legal hold lifted */
	CAM_REPL_GONE,		/* an archive no longer where it was written */
	CAM_REPL_REFUSED,	/* the store refused it (err says why) */
};

struct cam_repl_item {
	enum cam_repl_kind kind;
	enum cam_repl_state state;
	const char *what;	/* segment file, journal name, archive path */
	const char *bucket;
	const char *key;
	const char *version;	/* "" if none or not known */
	uint64_t bytes;
	const struct cam_err *err;	/* CAM_REPL_REFUSED, GONE */
};

struct cam_replicate_opts {
	const struct cam_config *cfg;
	const char *host;	/* this host, as the keys and records name it */
	time_t now;		/* the locks' dates count from it */
	int dry_run;		/* list, send nothing, write nothing */
	int ignore_window;	/* send outside the upload window too */
	void (*each)(void *arg, const struct cam_repl_item *it);
	void *arg;
};

struct cam_replicate_result {
	uint64_t sent[CAM_REPL_NKINDS], sent_bytes[CAM_REPL_NKINDS];
	uint64_t present[CAM_REPL_NKINDS];
	uint64_t holds;		/* legal holds put on or lifted */
	uint64_t gone;		/* archives no longer there */
	uint64_t refused;	/* objects the store refused */
	int outside_window;
};

/* Is t inside cfg's upload window (or is there none)? */
int cam_replicate_in_window(const struct cam_config *cfg, time_t t);

/*
 * One run against the open store s.  0: everything due was sent (or is
 * waiting for a seal); 1: some is left for a later run, e says why
 * (the store unreachable, CAM_ENV; the upload window closed; another
 * run holds the lock), nothing lost; -1: an error (CAM_NO when the
 * store refused objects: each was told with CAM_REPL_REFUSED, and the
 * others were sent).  s may be NULL with dry_run.
 */
int cam_replicate(const struct cam_replicate_opts *o, struct cam_s3 *s,
    struct cam_replicate_result *r, struct cam_err *e);

#endif
