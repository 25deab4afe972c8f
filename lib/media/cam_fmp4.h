/*
 * cam_fmp4: stream copy of H.264/H.265 video into fragmented MP4 for a
 * browser's Media Source Extensions (libavformat's mp4 muxer, writing
 * through a callback; no file, no transcoding).
 *
 * Timestamps are given in microseconds from a base the caller chooses
 * (camview: the first frame it sends); the output's time scale is
 * 90 kHz.  Every cam_fmp4_write of a keyframe starts a new fragment;
 * with per_frame set, every frame is its own fragment (live: lowest
 * latency).
 */
#ifndef CAM_FMP4_H
#define CAM_FMP4_H

#include <stddef.h>
#include <stdint.h>

#include "base/cam_err.h"

/* Where the bytes go: returns 0, or -1 to stop (the viewer went). */
typedef int (*cam_fmp4_out)(void *arg, const uint8_t *buf, size_t len);

struct cam_fmp4;

/*
 * Start a stream of codec ("h264" or "hevc") with its extradata (avcC /
 * hvcC or Annex B parameter sets), width and height.  The init segment
 * (ftyp, moov) is written through out at once; *m is set before that, so
 * that out may call cam_fmp4_mime.  CAM_NO for a codec the
 * browser cannot take in MP4.
 */
int cam_fmp4_open(struct cam_fmp4 **m, const char *codec,
    const uint8_t *extradata, size_t extradata_len, int width, int height,
    int per_frame, cam_fmp4_out out, void *arg, struct cam_err *e);
/* The MIME type with the RFC 6381 codecs string, for
 * MediaSource.isTypeSupported: video/mp4; codecs="avc1.64001f". */
const char *cam_fmp4_mime(const struct cam_fmp4 *m);
/* One frame; pts and dts in microseconds from the caller's base. */
int cam_fmp4_write(struct cam_fmp4 *m, const uint8_t *data, size_t size,
    int key, int64_t pts_us, int64_t dts_us, struct cam_err *e);
/* Write out what is held (the open fragment). */
int cam_fmp4_flush(struct cam_fmp4 *m, struct cam_err *e);
void cam_fmp4_close(struct cam_fmp4 *m);

#endif
