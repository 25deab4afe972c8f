/*
 * cam_media: footage cut out of a camera's recorded segments (FFmpeg
 * libraries, stream copy, no re-encoding) into one MP4 per camera.
 *
 * The timeline.  camrec writes every segment with its first video frame
 * at time zero, and indexes the wall clock of that frame (UTC, whole
 * seconds) as the segment's start.  So inside segment k a packet was
 * captured at  src[k].start + (its time - the segment's first video PTS)
 * (Matroska keeps presentation times only; with B-frames this is off by
 * their delay, far below the manifest's second).  The cut starts at the
 * video keyframe at or before the window's start (or at the first
 * keyframe, if the footage starts later) and stops before the first
 * packet, in decoding order, at or after its end (or a keyframe shown at
 * or after it: nothing before a keyframe refers to it).
 *
 * The clip's timestamps start at zero on its first picture.  A segment that
 * follows the previous one without a gap (the manifest says it starts at
 * most a second after the other ended: the manifest's resolution) goes on
 * where the previous one's last frame ended, frame-exact; after a gap the
 * clip jumps by the gap's wall-clock length, so that a player shows a
 * still picture for as long as the camera was not recorded, never a
 * shortened time.  DTS stay strictly increasing (a segment that overlaps
 * the previous one is moved after it; only sound that would go back in
 * time is left out).  Audio is copied too
 * when an MP4 may hold its codec (AAC, not G.711), else left out and named
 * in the result.  Memory stays small: packets are streamed, only the GOP
 * before the window's start is held until its end is known.
 */
#ifndef CAM_MEDIA_H
#define CAM_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

/* One source segment, in time order (from the camera's manifest). */
struct cam_media_src {
	const char *path;	/* the Matroska segment file */
	time_t start;		/* wall clock (UTC) of its first picture */
	time_t end;		/* of the end of its last (the manifest's) */
};

/* No footage in [from, to): whole seconds, rounded outward (a gap's edges
 * are known to the manifest's second), clipped to the window. */
struct cam_media_gap {
	time_t from, to;
};

struct cam_media_cut {
	time_t first;		/* wall time of the first packet written (the
				 * keyframe at or before the window start) */
	time_t last;		/* of the last packet written */
	double duration;	/* seconds of the output's video stream */
	int64_t video_packets, audio_packets;
	int64_t keyframes;	/* video keyframes written */
	size_t nused;		/* segments that contributed */
	size_t *used;		/* their indexes into src, increasing */
	/* Inside [from, to): between segments more than 1.5 s apart, before
	 * the first and after the last footage (more than 1.5 s). */
	size_t ngaps;
	struct cam_media_gap *gaps;
	char codec[32];		/* video: "h264", "hevc" */
	char tag[8];		/* its MP4 sample entry: "avc1", "hvc1" */
	char audio[32];		/* audio copied, "" if none */
	/* An audio stream left out because MP4 cannot hold its codec
	 * ("pcm_alaw"), "" if none. */
	char audio_skipped[32];
	uint64_t bytes_read;	/* of the segments */
};

/*
 * Cut [from, to) of the n segments into out (an MP4, created: it must not
 * exist; the caller writes it under a temporary name and renames it; it
 * is fsynced, and removed again on failure).  progress (may be NULL) is
 * called now and then with the bytes of input read so far.  Returns 0;
 * -1 with CAM_NO if there is no footage at all in the window (or the
 * window is empty, or the footage changes codec or picture size inside
 * it; "no footage from A to B", in zone, the site's: NULL is UTC),
 * CAM_ENV for I/O or FFmpeg failures, naming the file.
 */
int cam_media_cut(const struct cam_media_src *src, size_t n, time_t from,
    time_t to, const char *zone, const char *out, struct cam_media_cut *res,
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct cam_err *e);
void cam_media_cut_free(struct cam_media_cut *res);

/*
 * Media lying in a byte range of an open file, such as a member of an
 * uncompressed tar (whose data is contiguous): read in place through a
 * custom AVIOContext with pread(2), seekable, never past the range, so
 * that a multi-gigabyte clip needs no extraction.  fd is not closed
 * nor its offset moved.  name is for messages.
 */
struct AVFormatContext;
int cam_media_open_range(struct AVFormatContext **ic, int fd,
    uint64_t offset, uint64_t len, const char *name, struct cam_err *e);
/* Close what cam_media_open_range opened; *ic becomes NULL. */
void cam_media_close_range(struct AVFormatContext **ic);

/* What a clip holds, from its index (packet data is not read: a
 * fragmented MP4, which has no index up front, shows no packet).
 * Times are decoding times (DTS): with B-frames a frame or two off the
 * presentation times, far below a second. */
struct cam_media_info {
	char codec[32];		/* of the first video stream, "" if none */
	time_t created;		/* its creation_time, (time_t)-1 if none */
	double first, last;	/* earliest and latest packet, seconds */
	double duration;	/* video: the first frame to the end of the
				 * last, seconds */
	int64_t packets;
	/* "" if the DTS of every stream increase, else which one and
	 * where they do not. */
	char disorder[128];
	uint64_t bytes_read;	/* of the range, to open and index it */
};

/* Open the media in [offset, offset + len) of fd and describe it. */
int cam_media_probe_range(int fd, uint64_t offset, uint64_t len,
    const char *name, struct cam_media_info *info, struct cam_err *e);

#endif
