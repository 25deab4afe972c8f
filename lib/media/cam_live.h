/*
 * cam_live: camrec publishes every stream it reads to local subscribers
 * (camview), and subscribers read it.  DESIGN.md "Watching".
 *
 * One Unix stream socket per camera stream:
 *	<run_dir>/live/<camera>.sock		the recorded stream
 *	<run_dir>/live/<camera>.wall.sock	the camera's live_url stream
 * <run_dir>/live is 0750, the sockets 0660: only the service account and
 * camview's group open them.
 *
 * The publisher keeps the last GOP (from the last keyframe) in memory, so
 * a new subscriber gets the stream header and that GOP at once, then every
 * packet as it is read.  It never waits for a subscriber: its sockets are
 * non-blocking; a subscriber whose queue grows past CAM_LIVE_QUEUE_MAX
 * bytes skips to the next keyframe, and one still behind after that is
 * dropped.  Recording never slows or loses a frame because of a viewer.
 *
 * Wire format (all integers big-endian), one message after another:
 *	u32 length of what follows (type byte included), u8 type, payload
 *	'H' header: JSON {"camera":"gate","stream":"main","codec":"h264",
 *	    "width":1280,"height":720,"time_base":[1,90000],
 *	    "extradata":"<base64>"}; sent first, and again when the recorder
 *	    reconnects to the camera (the codec may change)
 *	'P' packet: u8 flags (1: keyframe), i64 pts, i64 dts (time_base of
 *	    the last header), i64 read_us (CLOCK_REALTIME microseconds when
 *	    camrec read it from the camera), i64 wall_us (the frame's wall
 *	    time, as recorded), then the packet's bytes
 *	'D' down: JSON {"since":"RFC 3339","reason":"..."}: the camera is
 *	    down; the next 'H' says it is back
 * Video only.
 */
#ifndef CAM_LIVE_H
#define CAM_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/cam_err.h"

struct AVCodecParameters;
struct AVPacket;

#define CAM_LIVE_QUEUE_MAX	(8 << 20)
#define CAM_LIVE_MSG_MAX	(16 << 20)	/* a message longer is refused */

/* "main" (recorded) or "wall" (live_url) */
#define CAM_LIVE_MAIN	"main"
#define CAM_LIVE_WALL	"wall"

/* The socket of a camera's stream into buf. */
int cam_live_path(char *buf, size_t len, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e);

/* ---- the publisher (camrec) ---- */
struct cam_live_pub;

/* Listen on the camera stream's socket (a stale socket is replaced).
 * CAM_ENV when run_dir cannot be used: recording goes on without it. */
int cam_live_pub_open(struct cam_live_pub **p, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e);
/* A new stream header (on every connection to the camera). */
int cam_live_pub_header(struct cam_live_pub *p,
    const struct AVCodecParameters *par, int tb_num, int tb_den,
    struct cam_err *e);
/* A video packet, as read; never blocks, never fails the recording. */
void cam_live_pub_packet(struct cam_live_pub *p, const struct AVPacket *pkt,
    int64_t read_us, int64_t wall_us);
/* The camera is down since since (time_t) for reason. */
void cam_live_pub_down(struct cam_live_pub *p, int64_t since,
    const char *reason);
/* Accept new subscribers and write what they can take; called often by
 * the recording loop (also from cam_live_pub_packet). */
void cam_live_pub_poll(struct cam_live_pub *p);
/* Close every subscriber and remove the socket. */
void cam_live_pub_close(struct cam_live_pub *p);

/* ---- the subscriber (camview) ---- */
struct cam_live_sub;

enum cam_live_type { CAM_LIVE_HEADER = 'H', CAM_LIVE_PACKET = 'P',
    CAM_LIVE_DOWN = 'D' };

struct cam_live_msg {
	enum cam_live_type type;
	/* HEADER */
	char codec[16];			/* "h264", "hevc" */
	int width, height;
	int tb_num, tb_den;
	uint8_t *extradata;		/* owned by the subscriber */
	size_t extradata_len;
	/* PACKET */
	int key;
	int64_t pts, dts, read_us, wall_us;
	const uint8_t *data;		/* valid until the next read */
	size_t size;
	/* DOWN */
	int64_t since;
	char reason[256];
};

/* Connect: CAM_NO "not recorded now" when no recorder publishes it. */
int cam_live_sub_open(struct cam_live_sub **s, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e);
/* The socket, for poll(). */
int cam_live_sub_fd(const struct cam_live_sub *s);
/* Next message, waiting at most timeout_ms (-1: forever): 1 one read,
 * 0 timed out, -1 the publisher went away or sent garbage (e says). */
int cam_live_sub_read(struct cam_live_sub *s, struct cam_live_msg *m,
    int timeout_ms, struct cam_err *e);
void cam_live_sub_close(struct cam_live_sub *s);

#endif
