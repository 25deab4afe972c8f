/*
 * cam_custody: custody.json, the record an archive carries of who took
 * which footage out, when, where, under which configuration and on
 * whose request, with each clip's source segments and their manifest
 * hashes.  Its writer (the extraction) and its reader (the archive
 * verifier) share one struct, so that the format lives here only
 * (camextract(1), "The custody record").
 *
 * Every string of a struct cam_custody is owned by it: cam_custody_free
 * frees them, whether cam_custody_read or the caller filled it in
 * (with cam_xstrdup).  The reader is lenient member by member: a member
 * that is absent, repeated, of another type or too long is NULL (a
 * string), (time_t)-1 (a time), and the verifier says which; only text
 * that is not valid JSON fails as a whole (valid JSON that is no
 * object reads as an empty record).
 */
#ifndef CAM_CUSTODY_H
#define CAM_CUSTODY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

#define CAM_CUSTODY_FILE	"custody.json"
#define CAM_CUSTODY_FORMAT	"camkit-custody-1"

struct cam_custody_signer {
	char	*subject, *sha256;
	int	 director, unit_head;
	time_t	 signed_at;		/* 0: the signature names no time */
};

struct cam_custody_source {
	char	*file;			/* a segment, as the manifest names it */
	char	*sha256;
	int64_t	 bytes;			/* -1 if not given */
	time_t	 start, end;
	char	*host;			/* the host that recorded it; NULL:
					 * not given (archives before it was) */
};

struct cam_custody_gap {
	time_t	 from, to;
};

struct cam_custody_clip {
	char	*file;			/* the member, "clips/CAMERA.mp4" */
	char	*camera;
	char	*sha256;
	char	*codec, *tag;
	char	*audio;			/* NULL: none */
	char	*audio_left_out;	/* NULL: none */
	time_t	 first, last;
	double	 duration;
	int	 have_duration;
	uint64_t hold;			/* the hold placed on its window */
	size_t	 nsources;
	struct cam_custody_source *sources;
	size_t	 ngaps;
	struct cam_custody_gap *gaps;
};

struct cam_custody {
	int	 have_request;		/* a "request" object */
	char	*req_id, *req_sha256, *requester, *unit, *purpose;
	time_t	 from, to, expires;
	size_t	 nsigners;
	struct cam_custody_signer *signers;
	char	*by;			/* the extraction: the person who
					 * logged in (cam_actor) */
	uint64_t uid;
	char	*as;			/* the account it ran as when another
					 * (root under sudo), else NULL */
	uint64_t as_uid;
	char	*host;
	time_t	 at;
	char	*site, *config_commit, *program;
	char	*recipient, *recipient_unit;	/* recipient_unit: NULL */
	int	 encrypted;
	size_t	 nclips;
	struct cam_custody_clip *clips;
};

/* c as custody.json, appended to out. */
void cam_custody_write(const struct cam_custody *c, struct cam_buf *out);

/*
 * Read custody.json's text (len bytes).  Returns 0, or -1 with CAM_NO
 * when it is not valid JSON (c is then empty).
 */
int cam_custody_read(struct cam_custody *c, const char *text, size_t len,
    struct cam_err *e);

/* The arrays of c, allocated zeroed (times not yet set). */
void cam_custody_alloc(struct cam_custody *c, size_t nsigners,
    size_t nclips);
void cam_custody_clip_alloc(struct cam_custody_clip *k, size_t nsources,
    size_t ngaps);
void cam_custody_free(struct cam_custody *c);

#endif
