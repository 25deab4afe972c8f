/*
 * Unit tests for cam_fmp4: the RFC 6381 codecs string from the
 * parameter sets (avcC, hvcC, Annex B of both), codecs refused, and a
 * stream of H.264 frames (libx264, Annex B as a camera sends them) muxed
 * into
 * fragmented MP4: the init segment first, one fragment a frame or a
 * keyframe, every fragment's decode time (tfdt) the DTS given (a gap
 * stays a gap), read back and decoded by libavformat/libavcodec.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "media/cam_fmp4.h"
#include "unit.h"

#define FPS	25

struct sink {
	uint8_t *buf;
	size_t len, cap;
	int calls;
	size_t stop_after;
};

static int
sink_out(void *arg, const uint8_t *buf, size_t len)
{
	struct sink *s = arg;

	s->calls++;
	if (s->stop_after != 0 && s->len >= s->stop_after)
		return -1;
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = cam_xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	return 0;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The top-level boxes, and each moof's tfdt, in order. */
struct boxes {
	char type[512][5];
	int n;
	uint64_t tfdt[512];
	int ntfdt;
};

static void
walk(const uint8_t *p, size_t len, struct boxes *b, int top)
{
	size_t at = 0;

	while (at + 8 <= len) {
		uint32_t sz = be32(p + at);
		if (sz < 8 || sz > len - at)
			break;
		if (top && b->n < 512) {
			memcpy(b->type[b->n], p + at + 4, 4);
			b->type[b->n++][4] = '\0';
		}
		if (memcmp(p + at + 4, "moof", 4) == 0 ||
		    memcmp(p + at + 4, "traf", 4) == 0)
			walk(p + at + 8, sz - 8, b, 0);
		else if (memcmp(p + at + 4, "tfdt", 4) == 0 && b->ntfdt < 512) {
			const uint8_t *q = p + at + 8;
			b->tfdt[b->ntfdt++] = q[0] == 1 ?
			    (uint64_t)be32(q + 4) << 32 | be32(q + 8) :
			    be32(q + 4);
		}
		at += sz;
	}
}

/* H.264 frames from libx264 in Annex B (no global header), a keyframe
 * every FPS frames: packets and the parameter sets of the first. */
struct frames {
	AVPacket *v[128];
	int n;
	uint8_t extra[256];
	size_t extra_len;
};

static int
encode(struct frames *fr, int n)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
	AVCodecContext *enc = NULL;
	AVDictionary *opts = NULL;
	AVFrame *f = NULL;
	int rc = -1;

	memset(fr, 0, sizeof(*fr));
	if (codec == NULL || (enc = avcodec_alloc_context3(codec)) == NULL)
		goto end;
	enc->width = 320;
	enc->height = 240;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, FPS };
	enc->max_b_frames = 0;
	av_dict_set(&opts, "preset", "ultrafast", 0);
	av_dict_set(&opts, "x264-params", "keyint=25:min-keyint=25:"
	    "scenecut=0:log-level=none", 0);
	if (avcodec_open2(enc, codec, &opts) < 0)
		goto end;
	if ((f = av_frame_alloc()) == NULL)
		goto end;
	f->format = enc->pix_fmt;
	f->width = enc->width;
	f->height = enc->height;
	if (av_frame_get_buffer(f, 0) < 0)
		goto end;
	for (int i = 0; i <= n; i++) {
		if (i < n) {
			if (av_frame_make_writable(f) < 0)
				goto end;
			for (int y = 0; y < f->height; y++)
				memset(f->data[0] + y * f->linesize[0],
				    (i * 5 + y) & 0xff, (size_t)f->width);
			memset(f->data[1], 100, (size_t)f->linesize[1] *
			    (size_t)f->height / 2);
			memset(f->data[2], 150, (size_t)f->linesize[2] *
			    (size_t)f->height / 2);
			f->pts = i;
			if (avcodec_send_frame(enc, f) < 0)
				goto end;
		} else if (avcodec_send_frame(enc, NULL) < 0)
			goto end;
		for (;;) {
			AVPacket *pkt = av_packet_alloc();
			if (avcodec_receive_packet(enc, pkt) != 0) {
				av_packet_free(&pkt);
				break;
			}
			if (fr->n < 128)
				fr->v[fr->n++] = pkt;
			else
				av_packet_free(&pkt);
		}
	}
	/* The parameter sets: the first keyframe up to its first slice
	 * (SPS, PPS; SEI too, harmless). */
	if (fr->n > 0 && fr->v[0]->size > 0) {
		size_t len = (size_t)fr->v[0]->size;
		fr->extra_len = len < sizeof(fr->extra) ? len :
		    sizeof(fr->extra);
		memcpy(fr->extra, fr->v[0]->data, fr->extra_len);
	}
	rc = 0;
end:
	av_dict_free(&opts);
	av_frame_free(&f);
	avcodec_free_context(&enc);
	return rc;
}

static void
frames_free(struct frames *fr)
{
	for (int i = 0; i < fr->n; i++)
		av_packet_free(&fr->v[i]);
}

struct readback {
	int ok, packets, decoded, errors, increasing;
	int64_t dts_ms[128];
};

static void
read_back(const struct sink *s, struct readback *r)
{
	char path[] = "/tmp/camkit-fmp4.XXXXXX";
	AVFormatContext *ic = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *f = av_frame_alloc();
	int64_t last = INT64_MIN;
	int fd = mkstemp(path);
	const AVCodec *c;

	memset(r, 0, sizeof(*r));
	r->increasing = 1;
	if (fd == -1 || write(fd, s->buf, s->len) != (ssize_t)s->len) {
		if (fd != -1)
			close(fd);
		goto end;
	}
	close(fd);
	if (avformat_open_input(&ic, path, NULL, NULL) < 0 ||
	    avformat_find_stream_info(ic, NULL) < 0)
		goto end;
	c = avcodec_find_decoder(ic->streams[0]->codecpar->codec_id);
	if (c == NULL || (dec = avcodec_alloc_context3(c)) == NULL ||
	    avcodec_parameters_to_context(dec, ic->streams[0]->codecpar) < 0 ||
	    avcodec_open2(dec, c, NULL) < 0)
		goto end;
	r->ok = 1;
	while (av_read_frame(ic, pkt) >= 0) {
		int64_t d = av_rescale_q(pkt->dts,
		    ic->streams[0]->time_base, (AVRational){ 1, 1000 });
		if (last != INT64_MIN && d <= last)
			r->increasing = 0;
		last = d;
		if (r->packets < 128)
			r->dts_ms[r->packets] = d;
		r->packets++;
		if (avcodec_send_packet(dec, pkt) < 0)
			r->errors++;
		while (avcodec_receive_frame(dec, f) == 0)
			r->decoded++;
		av_packet_unref(pkt);
	}
	avcodec_send_packet(dec, NULL);
	while (avcodec_receive_frame(dec, f) == 0)
		r->decoded++;
end:
	unlink(path);
	avcodec_free_context(&dec);
	avformat_close_input(&ic);
	av_frame_free(&f);
	av_packet_free(&pkt);
}

static void
codecs_tests(void)
{
	static const uint8_t avcc[] = { 1, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0,
	    4, 0x67, 0x64, 0x00, 0x1f, 1, 0, 1, 0x68 };
	static const uint8_t annexb[] = { 0, 0, 0, 1, 0x67, 0x4d, 0x40, 0x28,
	    0xaa, 0, 0, 0, 1, 0x68, 0xce };
	/* hvcC of a Main profile, level 4.1 (123), Main tier stream. */
	static const uint8_t hvcc[23] = { 1, 0x01, 0x60, 0, 0, 0, 0x90, 0,
	    0, 0, 0, 0, 123, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0 };
	struct cam_fmp4 *m;
	struct cam_err e;
	struct sink s;

	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "h264", avcc, sizeof(avcc), 1920, 1080, 0,
	    sink_out, &s, &e) == 0, "open with avcC");
	if (m != NULL) {
		CHECK_STR(cam_fmp4_mime(m), "video/mp4; codecs=\"avc1.64001F\"",
		    "avc1.PPCCLL from avcC");
		cam_fmp4_close(m);
	}
	CHECK(s.len > 0 && s.calls > 0, "init segment written at open");
	CHECK(s.len > 8 && memcmp(s.buf + 4, "ftyp", 4) == 0,
	    "it begins with ftyp");
	free(s.buf);
	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "h264", annexb, sizeof(annexb), 1280, 720, 1,
	    sink_out, &s, &e) == 0, "open with Annex B parameter sets");
	if (m != NULL) {
		CHECK_STR(cam_fmp4_mime(m), "video/mp4; codecs=\"avc1.4D4028\"",
		    "avc1 from the SPS");
		cam_fmp4_close(m);
	}
	free(s.buf);
	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "hevc", hvcc, sizeof(hvcc), 1920, 1080, 1,
	    sink_out, &s, &e) == 0, "open H.265 with hvcC");
	if (m != NULL) {
		CHECK_STR(cam_fmp4_mime(m),
		    "video/mp4; codecs=\"hvc1.1.6.L123.90\"",
		    "hvc1 string from hvcC");
		cam_fmp4_close(m);
	}
	CHECK(s.len > 0 && memmem(s.buf, s.len, "hvc1", 4) != NULL,
	    "sample entry hvc1, not hev1");
	free(s.buf);
	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "mpeg4", avcc, sizeof(avcc), 640, 480, 0,
	    sink_out, &s, &e) == -1 && e.code == CAM_NO && m == NULL &&
	    s.len == 0, "MPEG-4 part 2 refused (CAM_NO), nothing written");
	printf("# %s\n", e.msg);
	CHECK(cam_fmp4_open(&m, "h264", NULL, 0, 640, 480, 0, sink_out, &s,
	    &e) == -1 && e.code == CAM_NO, "no parameter sets: CAM_NO");
	s.stop_after = 1;
	s.len = 1;
	CHECK(cam_fmp4_open(&m, "h264", avcc, sizeof(avcc), 640, 480, 0,
	    sink_out, &s, &e) == -1 && m == NULL,
	    "a viewer gone before the init segment: -1");
}

static void
stream_tests(int per_frame)
{
	struct frames fr;
	struct readback rb;
	struct boxes b;
	struct cam_fmp4 *m = NULL;
	struct cam_err e;
	struct sink s;
	int rc = 0, moofs = 0, ordered = 1;
	char what[128];

	memset(&s, 0, sizeof(s));
	memset(&b, 0, sizeof(b));
	if (encode(&fr, 75) == -1 || fr.n != 75) {
		CHECK(0, "75 frames encoded");
		frames_free(&fr);
		return;
	}
	CHECK(cam_fmp4_open(&m, "h264", fr.extra, fr.extra_len, 320, 240,
	    per_frame, sink_out, &s, &e) == 0, "open");
	if (m == NULL) {
		frames_free(&fr);
		return;
	}
	printf("# %s\n", cam_fmp4_mime(m));
	CHECK(strncmp(cam_fmp4_mime(m), "video/mp4; codecs=\"avc1.42C0", 28) ==
	    0, "profile and level from the Annex B SPS");
	/* 1 s, then a gap of 2 s, then 2 s: frame i at 40 ms each. */
	for (int i = 0; i < fr.n && rc == 0; i++) {
		int64_t t = (int64_t)i * 40000 + (i >= 25 ? 2000000 : 0);
		rc = cam_fmp4_write(m, fr.v[i]->data, (size_t)fr.v[i]->size,
		    (fr.v[i]->flags & AV_PKT_FLAG_KEY) != 0, t, t, &e);
	}
	CHECK(rc == 0, "75 frames written");
	if (rc != 0)
		printf("# %s\n", e.msg);
	CHECK(cam_fmp4_flush(m, &e) == 0, "flushed");
	CHECK(cam_fmp4_write(m, fr.v[0]->data, (size_t)fr.v[0]->size, 1,
	    1000, 1000, &e) == -1 && e.code == CAM_NO,
	    "a DTS going back: refused");
	cam_fmp4_close(m);
	walk(s.buf, s.len, &b, 1);
	for (int i = 0; i < b.n; i++) {
		if (strcmp(b.type[i], "moof") == 0)
			moofs++;
		if (i >= 2 && strcmp(b.type[i], i % 2 == 0 ? "moof" :
		    "mdat") != 0)
			ordered = 0;
	}
	CHECK(b.n >= 2 && strcmp(b.type[0], "ftyp") == 0 &&
	    strcmp(b.type[1], "moov") == 0 && ordered,
	    "ftyp, moov, then moof+mdat pairs");
	snprintf(what, sizeof(what), "%s fragments", per_frame ?
	    "75 (one a frame)" : "3 (one a keyframe)");
	CHECK(moofs == (per_frame ? 75 : 3), what);
	printf("# %d fragments\n", moofs);
	if (per_frame && b.ntfdt == 75)
		CHECK(b.tfdt[0] == 0 && b.tfdt[24] == 24 * 3600 &&
		    b.tfdt[25] == 25 * 3600 + 180000 &&
		    b.tfdt[74] == 74 * 3600 + 180000,
		    "tfdt of every fragment: its DTS, the gap kept");
	else if (!per_frame && b.ntfdt == 3)
		CHECK(b.tfdt[0] == 0 && b.tfdt[1] == 25 * 3600 + 180000 &&
		    b.tfdt[2] == 50 * 3600 + 180000,
		    "tfdt of every fragment: its DTS, the gap kept");
	else
		CHECK(0, "one tfdt a fragment");
	for (int i = 0; i < b.ntfdt && i < 30; i++)
		printf("# tfdt %d %llu\n", i, (unsigned long long)b.tfdt[i]);
	read_back(&s, &rb);
	CHECK(rb.ok && rb.packets == 75 && rb.decoded == 75 &&
	    rb.errors == 0 && rb.increasing, "read back: 75 frames decode, "
	    "DTS increasing");
	CHECK(rb.dts_ms[24] == 960 && rb.dts_ms[25] == 3000 &&
	    rb.dts_ms[74] == 4960, "read back: the frames' times, the gap "
	    "kept");
	free(s.buf);

	/* A viewer that goes mid-stream: -1, then -1 again, no crash. */
	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "h264", fr.extra, fr.extra_len, 320, 240,
	    per_frame, sink_out, &s, &e) == 0, "open again");
	s.stop_after = s.len + 1;
	rc = 0;
	for (int i = 0; i < fr.n && rc == 0; i++)
		rc = cam_fmp4_write(m, fr.v[i]->data, (size_t)fr.v[i]->size,
		    (fr.v[i]->flags & AV_PKT_FLAG_KEY) != 0, i * 40000LL,
		    i * 40000LL, &e);
	if (rc == 0)
		rc = cam_fmp4_flush(m, &e);
	CHECK(rc == -1 && e.code == CAM_ENV, "the viewer went: -1");
	CHECK(cam_fmp4_flush(m, &e) == -1, "and stays gone");
	cam_fmp4_close(m);
	free(s.buf);
	frames_free(&fr);
}

/* H.265 parameter sets in Annex B, as a camera sends them (VPS, SPS and
 * PPS that libx265 wrote for 320x240 Main 4:2:0, level 2, constraint
 * bytes escaped): the codecs string from the SPS, hvc1 with its hvcC.
 * (libx265 itself is not run here: it leaks, and the sanitized build
 * would count that against this test.) */
static void
hevc_tests(void)
{
	static const uint8_t ps[] = {
		0x00, 0x00, 0x00, 0x01, 0x40, 0x01, 0x0c, 0x01, 0xff, 0xff,
		0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03,
		0x00, 0x00, 0x03, 0x00, 0x3c, 0x95, 0x98, 0x09, 0x00, 0x00,
		0x00, 0x01, 0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03,
		0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3c,
		0xa0, 0x0a, 0x08, 0x0f, 0x16, 0x59, 0x59, 0xa4, 0x93, 0x2b,
		0xc0, 0x5a, 0x02, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00,
		0x03, 0x00, 0x32, 0x10, 0x00, 0x00, 0x00, 0x01, 0x44, 0x01,
		0xc1, 0x72, 0xb4, 0x62, 0x40,
	};
	struct cam_fmp4 *m = NULL;
	struct cam_err e;
	struct sink s;

	memset(&s, 0, sizeof(s));
	CHECK(cam_fmp4_open(&m, "hevc", ps, sizeof(ps), 320, 240, 1,
	    sink_out, &s, &e) == 0, "H.265 with Annex B parameter sets");
	if (m == NULL) {
		printf("# %s\n", e.msg);
		return;
	}
	CHECK_STR(cam_fmp4_mime(m), "video/mp4; codecs=\"hvc1.1.6.L60.90\"",
	    "hvc1 string from the Annex B SPS (escapes taken out)");
	cam_fmp4_close(m);
	CHECK(memmem(s.buf, s.len, "hvc1", 4) != NULL &&
	    memmem(s.buf, s.len, "hvcC", 4) != NULL,
	    "sample entry hvc1 with its hvcC");
	free(s.buf);
}

/* Live timestamps jitter: frames 30 and 50 ms apart in turn.  Every
 * fragment's decode time is still the frame's own (the muxer moved
 * none), and the muxing cost per frame is printed. */
static void
jitter_tests(void)
{
	struct frames fr;
	struct boxes b;
	struct cam_fmp4 *m = NULL;
	struct cam_err e;
	struct sink s;
	struct timespec t0, t1;
	int rc = 0, exact = 1;
	int64_t t = 0, want[75];

	memset(&s, 0, sizeof(s));
	memset(&b, 0, sizeof(b));
	if (encode(&fr, 75) == -1 || fr.n != 75) {
		CHECK(0, "75 frames encoded");
		frames_free(&fr);
		return;
	}
	CHECK(cam_fmp4_open(&m, "h264", fr.extra, fr.extra_len, 320, 240, 1,
	    sink_out, &s, &e) == 0, "open, a fragment a frame");
	if (m == NULL) {
		frames_free(&fr);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < fr.n && rc == 0; i++) {
		want[i] = t;
		rc = cam_fmp4_write(m, fr.v[i]->data, (size_t)fr.v[i]->size,
		    (fr.v[i]->flags & AV_PKT_FLAG_KEY) != 0, t, t, &e);
		t += i % 2 ? 50000 : 30000;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(rc == 0, "75 frames written");
	printf("# %.1f us of muxing a frame (a fragment each, 320x240)\n",
	    ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / fr.n);
	cam_fmp4_close(m);
	walk(s.buf, s.len, &b, 1);
	for (int i = 0; i < b.ntfdt && i < 75; i++)
		if (b.tfdt[i] != (uint64_t)(want[i] * 9 / 100))
			exact = 0;
	CHECK(b.ntfdt == 75 && exact,
	    "every fragment's decode time its frame's, jitter and all");
	free(s.buf);
	frames_free(&fr);
}

int
main(void)
{
	av_log_set_level(AV_LOG_ERROR);
	codecs_tests();
	CHECK(avcodec_find_encoder_by_name("libx264") != NULL,
	    "libx264 encoder (libavcodec's, as Debian builds it)");
	stream_tests(1);
	stream_tests(0);
	hevc_tests();
	jitter_tests();
	return UNIT_END();
}
