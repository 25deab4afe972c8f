/*
 * cam_fmp4: see cam_fmp4.h.  libavformat's mp4 muxer in fragmented mode
 * (an empty moov first, then moof+mdat pairs, each moof's offsets from
 * itself: what Media Source Extensions take), writing through a custom
 * AVIOContext into the caller's callback.
 *
 * A fragment is written out when it is complete: with per_frame after
 * every frame (av_write_frame(oc, NULL) flushes it), else when the next
 * keyframe starts a new one, or at cam_fmp4_flush.
 *
 * Timing.  Every fragment's decode time (tfdt) is the DTS given, set
 * through the muxer's frag_discont: so a gap stays a gap and nothing
 * drifts.  The last sample of a fragment needs a duration before the
 * next frame is known; the muxer moves a frame that comes before the
 * end of that duration to its end, so the duration taken is the
 * shortest of the last STEPS intervals (1/60 s at first): never longer
 * than the next interval unless the frame rate rises, at worst a
 * little short (a hole of a few milliseconds between two pictures,
 * which Media Source Extensions bridge).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>

#include "base/cam_util.h"
#include "media/cam_fmp4.h"

#define IO_BUF		65536
#define TIMESCALE	90000
/* The first frame's duration, before an interval is known: 60 fps, not
 * longer than any camera's interval (a longer one would make the muxer
 * move the second frame). */
#define STEP_US		16667LL
/* A sample's duration: the shortest of this many last intervals. */
#define STEPS		8

struct cam_fmp4 {
	AVFormatContext *oc;
	AVPacket *pkt;
	cam_fmp4_out out;
	void *arg;
	int per_frame;
	int stopped;		/* out returned -1 */
	int64_t last_dts;	/* microseconds; INT64_MIN: none yet */
	int64_t gaps[STEPS];	/* the last frame intervals, microseconds */
	int ngaps;
	char mime[96];
};

static int
io_write(void *opaque, uint8_t *buf, int size)
{
	struct cam_fmp4 *m = opaque;

	if (m->stopped)
		return AVERROR(EPIPE);
	if (size > 0 && m->out(m->arg, buf, (size_t)size) == -1) {
		m->stopped = 1;
		return AVERROR(EPIPE);
	}
	return size;
}

/* ---- the RFC 6381 codecs string ---- */

/* The NAL units of Annex B data: calls fn with each (start code taken
 * off) until it returns non-zero; returns that, or 0. */
static int
annexb_each(const uint8_t *p, size_t n,
    int (*fn)(void *, const uint8_t *, size_t), void *arg)
{
	size_t i = 0, start = (size_t)-1;

	while (i + 3 <= n) {
		if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) {
			if (start != (size_t)-1) {
				size_t end = i;
				while (end > start && p[end - 1] == 0)
					end--;
				int r = fn(arg, p + start, end - start);
				if (r != 0)
					return r;
			}
			i += 3;
			start = i;
			continue;
		}
		i++;
	}
	if (start != (size_t)-1 && start < n)
		return fn(arg, p + start, n - start);
	return 0;
}

/* A NAL unit's payload without its emulation prevention bytes, at most
 * cap bytes of it. */
static size_t
unescape(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	size_t k = 0, zeros = 0;

	for (size_t i = 0; i < n && k < cap; i++) {
		if (zeros >= 2 && p[i] == 3) {
			zeros = 0;
			continue;
		}
		zeros = p[i] == 0 ? zeros + 1 : 0;
		out[k++] = p[i];
	}
	return k;
}

struct sps_find {
	int hevc;
	uint8_t rbsp[24];
	size_t len;
};

static int
sps_cb(void *arg, const uint8_t *nal, size_t n)
{
	struct sps_find *f = arg;

	if (n < 1)
		return 0;
	if (!f->hevc && (nal[0] & 0x1f) == 7) {
		f->len = unescape(nal + 1, n - 1, f->rbsp, sizeof(f->rbsp));
		return 1;
	}
	/* H.265: the SPS's profile_tier_level follows a byte of
	 * vps_id, max_sub_layers and temporal_id_nesting. */
	if (f->hevc && n >= 2 && ((nal[0] >> 1) & 0x3f) == 33) {
		f->len = unescape(nal + 2, n - 2, f->rbsp, sizeof(f->rbsp));
		if (f->len > 0) {
			memmove(f->rbsp, f->rbsp + 1, f->len - 1);
			f->len--;
		}
		return 1;
	}
	return 0;
}

/* The general profile_tier_level of H.265 (12 bytes: space, tier and
 * profile; 4 of compatibility flags; 6 of constraint flags; level) in
 * its RFC 6381 form, hvc1.1.6.L93.B0. */
static void
hevc_string(char *buf, size_t len, const uint8_t *ptl)
{
	static const char *const space[] = { "", "A", "B", "C" };
	uint32_t compat = (uint32_t)ptl[1] << 24 | (uint32_t)ptl[2] << 16 |
	    (uint32_t)ptl[3] << 8 | ptl[4];
	uint32_t rev = 0;
	int last = 5;
	size_t k;

	/* The compatibility flags, bit-reversed, in hex. */
	for (int i = 0; i < 32; i++)
		if (compat & (1u << i))
			rev |= 1u << (31 - i);
	k = (size_t)snprintf(buf, len, "hvc1.%s%d.%X.%c%d",
	    space[ptl[0] >> 6], ptl[0] & 0x1f, rev, ptl[0] & 0x20 ? 'H' : 'L',
	    ptl[11]);
	/* The constraint bytes up to the last non-zero one. */
	while (last >= 0 && ptl[5 + last] == 0)
		last--;
	for (int i = 0; i <= last && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, ".%X", ptl[5 + i]);
}

static int
codecs_string(char *buf, size_t len, int hevc, const uint8_t *x, size_t n)
{
	struct sps_find f;

	memset(&f, 0, sizeof(f));
	f.hevc = hevc;
	if (!hevc && n >= 4 && x[0] == 1) {
		/* avcC: version, profile, compatibility, level. */
		snprintf(buf, len, "avc1.%02X%02X%02X", x[1], x[2], x[3]);
		return 0;
	}
	if (hevc && n >= 13 && x[0] == 1) {
		/* hvcC: version, then the general profile_tier_level. */
		hevc_string(buf, len, x + 1);
		return 0;
	}
	if (annexb_each(x, n, sps_cb, &f) == 1 && f.len >= (hevc ? 12 : 3)) {
		if (hevc)
			hevc_string(buf, len, f.rbsp);
		else
			snprintf(buf, len, "avc1.%02X%02X%02X", f.rbsp[0],
			    f.rbsp[1], f.rbsp[2]);
		return 0;
	}
	return -1;
}

/* ---- the stream ---- */

int
cam_fmp4_open(struct cam_fmp4 **mp, const char *codec,
    const uint8_t *extradata, size_t extradata_len, int width, int height,
    int per_frame, cam_fmp4_out out, void *arg, struct cam_err *e)
{
	struct cam_fmp4 *m;
	AVDictionary *opts = NULL;
	AVStream *st;
	uint8_t *buf;
	char cs[64];
	int hevc, ret;

	*mp = NULL;
	if (strcmp(codec, "h264") == 0)
		hevc = 0;
	else if (strcmp(codec, "hevc") == 0)
		hevc = 1;
	else
		return cam_errf(e, CAM_NO, "%s video cannot be streamed to a "
		    "browser (only H.264 and H.265)", codec);
	if (extradata == NULL || extradata_len == 0 || extradata_len > INT_MAX)
		return cam_errf(e, CAM_NO, "%s video without its parameter "
		    "sets: cannot start a stream", codec);
	if (codecs_string(cs, sizeof(cs), hevc, extradata, extradata_len) ==
	    -1)
		return cam_errf(e, CAM_NO, "%s video: no sequence parameter "
		    "set in its parameters", codec);
	if (width <= 0 || height <= 0)
		return cam_errf(e, CAM_NO, "%s video of no size", codec);

	m = cam_xmalloc(sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->out = out;
	m->arg = arg;
	m->per_frame = per_frame;
	m->last_dts = INT64_MIN;
	snprintf(m->mime, sizeof(m->mime), "video/mp4; codecs=\"%s\"", cs);
	if ((m->pkt = av_packet_alloc()) == NULL)
		goto nomem;
	ret = avformat_alloc_output_context2(&m->oc, NULL, "mp4", NULL);
	if (ret < 0) {
		cam_err_av(e, ret, "MP4 muxer");
		goto fail;
	}
	if ((buf = av_malloc(IO_BUF)) == NULL)
		goto nomem;
	m->oc->pb = avio_alloc_context(buf, IO_BUF, 1, m, NULL, io_write,
	    NULL);
	if (m->oc->pb == NULL) {
		av_free(buf);
		goto nomem;
	}
	m->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	if ((st = avformat_new_stream(m->oc, NULL)) == NULL)
		goto nomem;
	st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
	st->codecpar->codec_id = hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264;
	/* hvc1: the parameter sets in the sample description, as browsers
	 * want them (hev1 leaves them in the stream). */
	st->codecpar->codec_tag = hevc ? MKTAG('h', 'v', 'c', '1') : 0;
	st->codecpar->width = width;
	st->codecpar->height = height;
	st->codecpar->extradata = av_mallocz(extradata_len +
	    AV_INPUT_BUFFER_PADDING_SIZE);
	if (st->codecpar->extradata == NULL)
		goto nomem;
	memcpy(st->codecpar->extradata, extradata, extradata_len);
	st->codecpar->extradata_size = (int)extradata_len;
	st->time_base = (AVRational){ 1, TIMESCALE };

	/* Set before the init segment goes out: out may ask the MIME. */
	*mp = m;
	av_dict_set(&opts, "movflags", per_frame ?
	    "frag_keyframe+empty_moov+default_base_moof+frag_custom" :
	    "frag_keyframe+empty_moov+default_base_moof", 0);
	av_dict_set(&opts, "video_track_timescale", "90000", 0);
	/* Timestamps are the caller's, from its base: never shifted. */
	av_dict_set(&opts, "avoid_negative_ts", "disabled", 0);
	ret = avformat_write_header(m->oc, &opts);
	av_dict_free(&opts);
	if (ret < 0) {
		if (m->stopped)
			cam_errf(e, CAM_ENV, "the viewer went");
		else
			cam_err_av(e, ret, "MP4 header");
		goto fail;
	}
	/* The init segment now, not with the first fragment. */
	avio_flush(m->oc->pb);
	if (m->stopped) {
		cam_errf(e, CAM_ENV, "the viewer went");
		goto fail;
	}
	*mp = m;
	return 0;
nomem:
	cam_errf(e, CAM_ENV, "out of memory");
fail:
	*mp = NULL;
	cam_fmp4_close(m);
	return -1;
}

const char *
cam_fmp4_mime(const struct cam_fmp4 *m)
{
	return m->mime;
}

int
cam_fmp4_write(struct cam_fmp4 *m, const uint8_t *data, size_t size,
    int key, int64_t pts_us, int64_t dts_us, struct cam_err *e)
{
	AVPacket *pkt = m->pkt;
	AVRational us = { 1, 1000000 }, tb;
	int64_t step;
	int ret;

	if (m->stopped)
		return cam_errf(e, CAM_ENV, "the viewer went");
	if (size == 0 || size > INT_MAX)
		return cam_errf(e, CAM_NO, "a frame of %zu bytes", size);
	if (m->last_dts != INT64_MIN && dts_us <= m->last_dts)
		return cam_errf(e, CAM_NO, "frame at %lld us after one at "
		    "%lld us: decoding times must increase",
		    (long long)dts_us, (long long)m->last_dts);
	if (pts_us < dts_us)
		pts_us = dts_us;
	if (m->last_dts != INT64_MIN)
		m->gaps[m->ngaps++ % STEPS] = dts_us - m->last_dts;
	m->last_dts = dts_us;
	step = STEP_US;
	for (int i = 0; i < STEPS && i < m->ngaps; i++)
		if (i == 0 || m->gaps[i] < step)
			step = m->gaps[i];
	tb = m->oc->streams[0]->time_base;
	if ((ret = av_new_packet(pkt, (int)size)) < 0)
		return cam_err_av(e, ret, "frame");
	memcpy(pkt->data, data, size);
	pkt->stream_index = 0;
	pkt->pts = av_rescale_q(pts_us, us, tb);
	pkt->dts = av_rescale_q(dts_us, us, tb);
	pkt->duration = av_rescale_q(step, us, tb);
	if (pkt->duration < 1)
		pkt->duration = 1;
	if (key)
		pkt->flags |= AV_PKT_FLAG_KEY;
	/* A frame that starts a fragment: its decode time (tfdt) is its
	 * own DTS, not the sum of the durations the muxer has written
	 * (frag_discont, which the muxer clears once taken). */
	if ((m->per_frame || key) && (ret = av_opt_set(m->oc->priv_data,
	    "movflags", "+frag_discont", 0)) < 0) {
		av_packet_unref(pkt);
		return cam_err_av(e, ret, "MP4 fragment");
	}
	/* av_write_frame: no interleaving queue (one stream), the packet
	 * goes to the muxer now. */
	ret = av_write_frame(m->oc, pkt);
	av_packet_unref(pkt);
	if (ret < 0) {
		if (m->stopped)
			return cam_errf(e, CAM_ENV, "the viewer went");
		return cam_err_av(e, ret, "MP4 fragment");
	}
	if (m->per_frame)
		return cam_fmp4_flush(m, e);
	return 0;
}

int
cam_fmp4_flush(struct cam_fmp4 *m, struct cam_err *e)
{
	int ret;

	if (m->stopped)
		return cam_errf(e, CAM_ENV, "the viewer went");
	if ((ret = av_write_frame(m->oc, NULL)) < 0 && !m->stopped)
		return cam_err_av(e, ret, "MP4 fragment");
	avio_flush(m->oc->pb);
	if (m->stopped)
		return cam_errf(e, CAM_ENV, "the viewer went");
	return 0;
}

void
cam_fmp4_close(struct cam_fmp4 *m)
{
	if (m == NULL)
		return;
	if (m->oc != NULL) {
		if (m->oc->pb != NULL) {
			av_freep(&m->oc->pb->buffer);
			avio_context_free(&m->oc->pb);
		}
		avformat_free_context(m->oc);
	}
	av_packet_free(&m->pkt);
	free(m);
}
