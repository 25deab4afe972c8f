/*
 * cam_remote: a site's data in an S3 store (replication: in camkit.yaml,
 * camkit-replication(7)): where each object goes, and reading a host's
 * journals and footage back for camaudit --store and for requests that
 * span hosts.
 *
 * Keys, P being the prefix (replication.prefix or an s3:// URL's, "" or
 * ending in '/') and HOST the recording host:
 *
 *   footage   bucket: P HOST/FILE
 *	FILE is the segment's file relative to the storage root, as its
 *	manifest names it (CAMERA/...).
 *   journals  bucket: P HOST/journals/NAME/FIRST-LAST
 *	NAME is the journal's name relative to the storage root, as
 *	cam_store_journals and the seals name it (audit.journal,
 *	CAMERA/manifest); FIRST and LAST are the SEQ of the chunk's first
 *	and last record, 20 decimal digits.  A chunk is exactly those
 *	records' lines, its last one a seal; read in key order, a
 *	journal's chunks concatenated are the journal (its volumes in
 *	order) up to its last seal replicated.
 *   evidence  bucket: P HOST/evidence/FILE
 *	FILE is the archive's file name.
 *
 * Every object carries x-amz-meta-sha256; footage also x-amz-meta-camera.
 */
#ifndef CAM_REMOTE_H
#define CAM_REMOTE_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_s3.h"
#include "base/cam_util.h"
#include "site/cam_config.h"

/* The keys above, appended to out. */
void cam_remote_key_footage(struct cam_buf *out, const char *prefix,
    const char *host, const char *file);
void cam_remote_key_chunk(struct cam_buf *out, const char *prefix,
    const char *host, const char *name, uint64_t first, uint64_t last);
void cam_remote_key_evidence(struct cam_buf *out, const char *prefix,
    const char *host, const char *file);
/* A chunk's key (under P HOST/journals/NAME/) back to FIRST and LAST:
 * 0, or -1 if the last component is not FIRST-LAST. */
int cam_remote_chunk_parse(const char *key, uint64_t *first,
    uint64_t *last);

/* A connection to the store of cfg's replication: section, with the
 * credential from private/credentials/<name> of the configuration
 * directory confdir (or systemd's credentials directory).  CAM_USAGE
 * if replication is not configured. */
int cam_remote_open(struct cam_s3 **s, const struct cam_config *cfg,
    const char *confdir, struct cam_err *e);

/*
 * Reading back (lib/media/cam_remote_read.c).
 */
/* The hosts that have objects under prefix in bucket, sorted. */
int cam_remote_hosts(struct cam_s3 *s, const char *bucket,
    const char *prefix, char ***hosts, size_t *n, struct cam_err *e);
/* The names of host's journals in the journals bucket, sorted. */
int cam_remote_journals(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, char ***names, size_t *n,
    struct cam_err *e);
/* Journal name of host rebuilt from its chunks into the file at path
 * (created or truncated): each chunk's hash checked against its
 * x-amz-meta-sha256, and each chunk's FIRST one past the previous
 * LAST (a chunk missing is CAM_NO naming the SEQs that are absent).
 * *last gets the SEQ of the last record (0: no chunk). */
int cam_remote_journal_fetch(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *name,
    const char *path, uint64_t *last, struct cam_err *e);

/*
 * Added for camaudit --store and requests across hosts
 * (lib/media/cam_remote_read.c).
 */
/* Free a list from cam_remote_hosts or cam_remote_journals. */
void cam_remote_list_free(char **v, size_t n);
/* Every footage object of camera of host: fn gets FILE (relative to the
 * storage root, as a manifest names it) and its size, in key order;
 * fn returning non-zero stops the walk with that value. */
typedef int (*cam_remote_footage_fn)(void *arg, const char *file,
    uint64_t size);
int cam_remote_footage(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *camera,
    cam_remote_footage_fn fn, void *arg, struct cam_err *e);
/* The SHA-256 and size of the bytes of host's footage object FILE, as
 * the store sends them (never its metadata): GET into the scratch file
 * tmp, hashed, removed.  0, 1 if there is no such object, -1. */
int cam_remote_footage_hash(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *file,
    const char *tmp, char sha[65], uint64_t *size, struct cam_err *e);
/* A connection to the store of cfg's replication: section with the
 * credential in the file credfile (the format of private/credentials:
 * username= the access key id, password= the secret), e.g. the
 * centre's read-only key. */
int cam_remote_open_with(struct cam_s3 **s, const struct cam_config *cfg,
    const char *credfile, struct cam_err *e);
/* A journal rebuilt by cam_remote_journal_fetch is its volumes one
 * after the other (cam_journal.h, Volumes): cut the file at path back
 * into them, in place, so that a scratch root is laid out as the data
 * root is and the same code reads it.  Each "volume" record after the
 * first line begins a new file; the lines before it become the closed
 * volume it names (the journal's file name and a suffix, in the same
 * directory; a name used twice is CAM_NO); a record that names no such
 * volume stays in, for the chain check to report.  *newest (if not
 * NULL) gets the TIME of the last record. */
int cam_remote_journal_split(const char *path, time_t *newest,
    struct cam_err *e);

#endif
