/*
 * cam_store: what is stored under the storage root, as the journals say:
 * the live segments of every camera (indexed in its manifest and not
 * deleted since), evidence holds, and pruning by retention and capacity.
 *
 * Nothing is deleted without a "delete" record in the camera's manifest
 * first, saying which file, its hash and why.  A segment that overlaps an
 * evidence hold on its camera is never deleted while the hold stands.
 * Holds live in the journal <root>/holds.journal: "hold" records place them,
 * "release" records lift them.
 */
#ifndef CAM_STORE_H
#define CAM_STORE_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "site/cam_config.h"

struct cam_segment {
	char *camera;
	char *file;		/* relative to the storage root */
	char sha256[65];
	uint64_t bytes;
	time_t start, end;	/* UTC wall clock */
	int64_t duration_ms;
	int64_t frames;
	int recovered;
	/* Replication (camrec replicate, camkit-replication(7)): set by a
	 * "replicated" record naming the file (the object uploaded and its
	 * HEAD checked), and by "legal-hold" records after it. */
	int replicated;
	char *repl_version;	/* the object's version id, "" if none */
	int repl_hold;		/* its legal hold is ON */
};

struct cam_segments {
	size_t n;
	struct cam_segment *v;
};

/* Every camera with a manifest under the storage root, in the
 * configuration or not (its footage still counts), sorted; free each
 * and the array.  A root that does not exist has none. */
int cam_store_cameras(const char *root, char ***out, size_t *n,
    struct cam_err *e);

/* The journals of holds, of extractions and of view requests under the
 * storage root (cam_extract's: one record a request used; cam_grant's:
 * one record a view request granted).  None is ever rotated into
 * volumes: each is read whole. */
#define CAM_HOLDS_FILE		"holds.journal"
#define CAM_EXTRACTIONS_FILE	"extractions.journal"
#define CAM_VIEWS_FILE		"views.journal"
/* camrec replicate's records of the journal chunks and archives it sent
 * (cam_replicate.h); rotated like any journal. */
#define CAM_REPLICATION_FILE	"replication.journal"

/*
 * Every journal under the storage root, by its name relative to the root
 * (as seals and the witness name them): audit.journal, logbook.journal,
 * holds.journal, extractions.journal, views.journal, replication.journal
 * if they exist, then
 * CAMERA/manifest of every camera
 * directory, sorted.  cb returning non-zero stops the walk with that
 * value.
 */
int cam_store_journals(const char *root,
    int (*cb)(void *arg, const char *name, const char *path), void *arg,
    struct cam_err *e);

/*
 * Close the current volume of the journal open in j, known as name
 * (relative to the storage root, as cam_store_journals names it), when
 * it is due (cam_journal_rotate: begun in an earlier UTC month, ending
 * with a seal).  A camera's manifest carries its live segments into the
 * new volume ("carry" records, each the DATA of the segment's record);
 * holds.journal, extractions.journal and views.journal are never
 * rotated.  0 rotated
 * (the closed volume's path in closed), 1 not due, -1 error.
 */
struct cam_journal;
int cam_store_rotate(const char *name, struct cam_journal *j, time_t now,
    char *closed, size_t closed_len, struct cam_err *e);

/* Live segments of one camera, in manifest order: what its current
 * volume lists and has not deleted. */
int cam_store_segments(const char *root, const char *camera,
    struct cam_segments *out, struct cam_err *e);
void cam_segments_free(struct cam_segments *s);

struct cam_hold {
	uint64_t id;		/* the seq of its "hold" record */
	char *camera;
	time_t from, to;
	char *reason;
	char *by;
	time_t placed;
	int released;
};

struct cam_holds {
	size_t n;
	struct cam_hold *v;
};

/* Every hold ever placed (released ones marked). */
int cam_store_holds(const char *root, struct cam_holds *out,
    struct cam_err *e);
void cam_holds_free(struct cam_holds *h);
int cam_store_hold_add(const char *root, const char *host,
    const char *camera, time_t from, time_t to, const char *reason,
    const char *by, uint64_t *id, struct cam_err *e);
int cam_store_hold_release(const char *root, const char *host, uint64_t id,
    const char *reason, const char *by, struct cam_err *e);
/* Is [start, end] of camera under a standing hold? */
int cam_holds_cover(const struct cam_holds *h, const char *camera,
    time_t start, time_t end);

struct cam_prune_result {
	/* What is due, counted before the first deletion (held footage
	 * not counted): each call of each may show deleted of due. */
	uint64_t due, due_bytes;
	uint64_t deleted, deleted_bytes;
	uint64_t by_age, by_capacity;
	uint64_t held;			/* due for deletion but held */
	time_t oldest_deleted, newest_deleted;
	int still_over;			/* capacity limit still exceeded */
	/* With replication.keep_until_replicated: due for deletion but not
	 * yet replicated and checked (never deleted, over capacity too). */
	uint64_t waiting, waiting_bytes;
};

/*
 * Delete, oldest first across the given cameras, the segments older than
 * the retention, then as many more as it takes to bring the storage under
 * its capacity limit.  With replication.keep_until_replicated, a segment
 * not replicated (no "replicated" record) is counted as waiting and kept.
 * dry_run lists without deleting.  each (if not
 * NULL) is called for every segment deleted (or that would be).
 */
int cam_prune(const struct cam_config *cfg, const char *host,
    const char *const *cameras, size_t ncameras, time_t now, int dry_run,
    void (*each)(void *, const struct cam_segment *, const char *why),
    void *arg, struct cam_prune_result *res, struct cam_err *e);

/*
 * Check a camera's recordings against its manifest: the chain, then every
 * live segment (present, same size, same SHA-256), then every segment
 * file on disk that the manifest does not list.  report is called once
 * per finding with what ("missing", "altered", "unlisted", "journal")
 * and the finding, in both languages (its msg in English for machines,
 * its text in the reader's language); returns the number of findings,
 * or -1 if the check itself could not run.
 */
typedef void (*cam_store_report)(void *arg, const char *what,
    const struct cam_err *finding);
int cam_store_verify(const char *root, const char *camera,
    cam_store_report report, void *arg, uint64_t *checked,
    struct cam_err *e);
/* The same, the chain checked from the volume that holds time since on
 * (CAM_JOURNAL_ALL: whole); every live segment is checked all the same. */
int cam_store_verify_since(const char *root, const char *camera, time_t since,
    cam_store_report report, void *arg, uint64_t *checked,
    struct cam_err *e);

/*
 * Where the segments' bytes come from when they are not the files under
 * root (camaudit --store: root holds the manifests rebuilt from the
 * store, the segments are its objects).  hash: the SHA-256 and size of
 * the bytes of file (relative to the storage root), 0, 1 if there is no
 * such file, -1 (CAM_ENV: the check cannot go on).  walk: every file
 * there is of camera, fn(fnarg, FILE) each.  pending (may be NULL): a
 * file no manifest record lists but whose name (without directories:
 * CAMERA-START) sorts after every one listed (recorded after the last
 * copy of the manifest) goes there instead of being a finding.
 */
struct cam_store_source {
	int (*hash)(void *arg, const char *file, char sha[65],
	    uint64_t *size, struct cam_err *e);
	int (*walk)(void *arg, const char *camera,
	    int (*fn)(void *fnarg, const char *file), void *fnarg,
	    struct cam_err *e);
	void (*pending)(void *arg, const char *file);
	void *arg;
};
/* cam_store_verify_since with the segments read from src (NULL: the
 * files under root). */
int cam_store_verify_from(const char *root, const char *camera, time_t since,
    const struct cam_store_source *src, cam_store_report report, void *arg,
    uint64_t *checked, struct cam_err *e);

#endif
