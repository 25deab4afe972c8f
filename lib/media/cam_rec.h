/*
 * cam_rec: record one camera into crash-safe segments (FFmpeg libraries,
 * stream copy), index every closed segment in the camera's manifest
 * journal, and recover what a crash left behind.
 *
 * Layout under the storage root, all names in UTC:
 *	<root>/<camera>/manifest		the manifest journal
 *	<root>/<camera>/YYYY/MM/DD/<camera>-YYYYMMDDTHHMMSSZ.mkv
 *	<root>/<camera>/YYYY/MM/DD/<...>.mkv.partial	being written
 *	<root>/<camera>/quarantine/		partials nothing could be read from
 *
 * A segment is written as .partial, synced every 5 s while it is open
 * (its directory too, the first time), and when it closes: Duration and
 * Cues filled in, fsynced, hashed by reading it back, indexed in the
 * manifest (its SHA-256), then renamed to its final name and the
 * directory fsynced again; a directory is synced into its parent when it
 * is made.
 * A crash leaves a .partial that is either already indexed (the rename
 * is finished on the next start) or not (its readable packets are copied
 * to a new segment, indexed as recovered, or it is quarantined).
 * While a low-space prune runs beside the recorder, a closed segment is
 * indexed and keeps its .partial name until the prune ends: then it is
 * renamed, or removed if the prune journaled its deletion meanwhile (a
 * crash in between leaves recovery to do either).
 * The recorder keeps the longest time it spent between two reads from the
 * camera (its "read gap") and journals it when it stops.
 * Recovery syncs every .partial before it syncs any directory, and knows
 * a crashed file that a power cut brought back beside its indexed copy
 * (by the copy's original_sha256): it removes it rather than quarantine.
 */
#ifndef CAM_REC_H
#define CAM_REC_H

#include <signal.h>
#include <stdint.h>

#include "base/cam_err.h"
#include "site/cam_config.h"

#define CAM_SEGMENT_EXT		"mkv"

/* What the recorder tells its program (cam_rec_conf.report). */
enum cam_rec_level {
	CAM_REC_ERROR,		/* a failure it goes on past */
	CAM_REC_INFO,		/* progress, only when verbose */
};

/* What the recorder has done so far, for a person watching it. */
struct cam_rec_status {
	uint64_t segments;	/* closed and indexed since the start */
	uint64_t bytes;		/* of media written since the start */
	double bitrate;		/* bits/s over the last interval */
	int64_t key_age_ms;	/* since the last keyframe; -1: none */
	int connected;		/* reading from the camera now */
};

struct cam_rec_conf {
	const char *site_dir;		/* for private/credentials */
	const char *root;		/* storage root */
	const char *host;		/* this host, for journal records */
	const struct cam_camera *cam;
	int64_t duration;		/* seconds; 0: until stopped */
	int io_timeout;			/* seconds without data = camera down */
	int backoff_max;		/* seconds between reconnects, at most */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	int verbose;			/* report progress too */
	/*
	 * Live view (media/cam_live.h): the directory of the sockets the
	 * recorder publishes its streams on (<live_dir>/live/), and the
	 * camera's live_url stream too, read beside the recording and not
	 * recorded.  NULL: nothing is published.
	 */
	const char *live_dir;
	/*
	 * What went wrong while recording (and, when verbose, progress),
	 * one message at a time for the camera named: the library prints
	 * nothing.  NULL: not told.  Called from the recorder's thread,
	 * and from its wall stream's reader (live_url) when there is one.
	 */
	void (*report)(void *arg, enum cam_rec_level level,
	    const char *camera, const char *msg);
	void *report_arg;
	/*
	 * The prune by capacity, or NULL.  The recorder calls it when free
	 * space runs low as a segment opens, in a thread of its own (at
	 * most one at a time; the recording goes on meanwhile and waits
	 * for it only as it stops), and when the disk is full, in its own
	 * thread before recording is retried.  It must open journal
	 * handles of its own, report its own failures, and call
	 * gone(garg, file) for every segment it deletes (file relative to
	 * the storage root), from the thread it runs in.
	 */
	void (*prune)(void *arg, void (*gone)(void *garg, const char *file),
	    void *garg);
	void *prune_arg;
	/*
	 * Called from the recorder's thread about every status_every
	 * seconds (whether the camera sends or not), with what it has
	 * written: the program shows it to a person at a terminal.  NULL
	 * or status_every 0: not called.
	 */
	void (*status)(void *arg, const struct cam_rec_status *st);
	void *status_arg;
	int status_every;
};

/* Take camera id's recorder lock (<root>/<id>/.lock), without waiting:
 * CAM_NO if a recorder holds it.  *fd is closed to release it. */
int cam_rec_lock(const char *root, const char *id, int *fd,
    struct cam_err *e);

/* Record until *stop, or for duration.  Returns 0 when stopped as asked;
 * camera failures are journaled, not returned.  At each segment
 * boundary the configuration in force (c->site_dir's HEAD) is read
 * again: a camera moved to another host, removed or disabled ends with
 * a "handover" record and CAM_REC_MOVED; one whose settings changed
 * ends with CAM_REC_CHANGED (its program exits for its unit to start
 * it again with them).  As it starts, a camera the history moved here
 * from another host gets a "handover" record naming that host. */
#define CAM_REC_MOVED		1
#define CAM_REC_CHANGED		2
int cam_rec_record(const struct cam_rec_conf *c, struct cam_err *e);
/* Finish or recover the .partial files of a camera (run by record too);
 * the caller holds the camera's lock. */
int cam_rec_recover(const struct cam_rec_conf *c, int *recovered,
    struct cam_err *e);

/* What a camera sends, measured over a few seconds. */
struct cam_probe {
	char codec[32];
	int width, height;
	double fps;		/* from the stream's timestamps */
	int64_t bitrate;	/* bits per second, video and audio */
	char audio[32];		/* "" without audio */
	double seconds;		/* how long it was measured */
	int64_t frames;
	int keyframes;
};

/* Connect to c->cam and measure it for seconds; CAM_NO with the reason
 * when it cannot be reached or sends no video. */
int cam_rec_probe(const struct cam_rec_conf *c, double seconds,
    struct cam_probe *p, struct cam_err *e);

/*
 * Does the camera stream to anybody?  Opens its URL with no credentials
 * at all (whatever private/ holds), over its transport, and reads the
 * answer to DESCRIBE within timeout seconds; nothing is played.  why
 * gets the error in words for all but CAM_RTSP_OPEN.
 */
enum cam_rtsp_auth {
	CAM_RTSP_OPEN,		/* 200: the stream is described to anybody */
	CAM_RTSP_AUTH,		/* 401: credentials asked for */
	CAM_RTSP_FORBIDDEN,	/* 403: refused without asking */
	CAM_RTSP_UNPROBED,	/* no answer, no RTSP, TLS failed, 404... */
};
enum cam_rtsp_auth cam_rec_probe_auth(const struct cam_camera *cam,
    int timeout, char *why, size_t len);

/* Is a recorder running for camera id (its lock is held)? */
int cam_rec_running(const char *root, const char *id);

/*
 * The space reserve: <root>/.reserve, a preallocated file (4 MiB, or 2%
 * of a small filesystem) given back when the disk is full, so that the
 * journals can still record the event and prune can still journal its
 * deletions; taken again once space is free.
 */
int cam_rec_reserve(const char *root, int take, struct cam_err *e);

/* Paths of a camera under a root. */
int cam_rec_camdir(char *buf, size_t len, const char *root, const char *id,
    struct cam_err *e);
int cam_rec_manifest(char *buf, size_t len, const char *root, const char *id,
    struct cam_err *e);

#endif
