/*
 * Unit tests for cam_play: playback of recorded segments and the day's
 * timeline.
 *
 * A storage root is laid out here as camrec lays it out: H.264 segments
 * (libx264, 10 fps, a keyframe every second) in Matroska, first frame at
 * zero, under CAMERA/YYYY/MM/DD/, indexed in the camera's manifest with
 * the events between them (camera-down, camera-up), and a logbook entry
 * naming the camera.  The fragmented MP4 played out is read back with
 * libavformat and every frame decoded: the init segment first, DTS
 * increasing, the first frame a keyframe at or before the instant asked,
 * no jump across a cut, a real gap kept.
 *
 * With  --play ROOT CAMERA FROM TO OUT  it writes what cam_play_stream
 * gives to OUT (FROM and TO in RFC 3339) and prints the result as
 * key=value lines (tests/t92-play.sh, trying by hand); --layout and
 * --seek serve bench/playseek (see each below).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "journal/cam_journal.h"
#include "media/cam_play.h"
#include "unit.h"

#define FPS	10
#define US	1000000LL
/* An instant in 2026, whole seconds (2026-11-23T14:13:20Z). */
#define T0	((time_t)1795443200)

static char root[] = "/tmp/camkit-play.XXXXXX";

/* ---- what the playback wrote ---- */

struct sink {
	uint8_t *buf;
	size_t len, cap;
	size_t stop_after;	/* out says stop past this many bytes, 0 never */
	int calls;
	int64_t first_at_first_call;	/* res->first_us seen by out */
	struct cam_play_result *res;
};

static int
sink_out(void *arg, const uint8_t *buf, size_t len)
{
	struct sink *s = arg;

	if (s->calls++ == 0 && s->res != NULL)
		s->first_at_first_call = s->res->first_us;
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

/* ---- the footage ---- */

/*
 * Write a Matroska segment of frames H.264 pictures at FPS, a keyframe
 * every FPS frames, first frame at zero, as camrec does.
 */
static int
make_segment(const char *path, int frames)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
	AVCodecContext *enc = NULL;
	AVFormatContext *oc = NULL;
	AVFrame *f = NULL;
	AVPacket *pkt = NULL;
	AVDictionary *opts = NULL;
	AVStream *st;
	int rc = -1, ret;

	if (codec == NULL || (enc = avcodec_alloc_context3(codec)) == NULL)
		goto end;
	enc->width = 64;
	enc->height = 48;
	enc->pix_fmt = AV_PIX_FMT_YUV420P;
	enc->time_base = (AVRational){ 1, FPS };
	enc->framerate = (AVRational){ FPS, 1 };
	enc->gop_size = FPS;
	enc->max_b_frames = 0;
	enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	av_dict_set(&opts, "preset", "ultrafast", 0);
	av_dict_set(&opts, "x264-params", "keyint=10:min-keyint=10:"
	    "scenecut=0:log-level=none", 0);
	ret = avcodec_open2(enc, codec, &opts);
	av_dict_free(&opts);
	if (ret < 0)
		goto end;
	if (avformat_alloc_output_context2(&oc, NULL, "matroska", path) < 0)
		goto end;
	if ((st = avformat_new_stream(oc, NULL)) == NULL ||
	    avcodec_parameters_from_context(st->codecpar, enc) < 0)
		goto end;
	st->time_base = (AVRational){ 1, 1000 };
	if (avio_open(&oc->pb, path, AVIO_FLAG_WRITE) < 0)
		goto end;
	if (avformat_write_header(oc, NULL) < 0)
		goto end;
	if ((f = av_frame_alloc()) == NULL || (pkt = av_packet_alloc()) == NULL)
		goto end;
	f->format = enc->pix_fmt;
	f->width = enc->width;
	f->height = enc->height;
	if (av_frame_get_buffer(f, 0) < 0)
		goto end;
	for (int i = 0; i <= frames; i++) {
		if (i < frames) {
			if (av_frame_make_writable(f) < 0)
				goto end;
			for (int y = 0; y < f->height; y++)
				memset(f->data[0] + y * f->linesize[0],
				    (i * 7 + y) & 0xff, (size_t)f->width);
			memset(f->data[1], 128, (size_t)f->linesize[1] *
			    (size_t)f->height / 2);
			memset(f->data[2], 128, (size_t)f->linesize[2] *
			    (size_t)f->height / 2);
			f->pts = i;
			if (avcodec_send_frame(enc, f) < 0)
				goto end;
		} else if (avcodec_send_frame(enc, NULL) < 0)
			goto end;
		while (avcodec_receive_packet(enc, pkt) == 0) {
			av_packet_rescale_ts(pkt, enc->time_base,
			    st->time_base);
			pkt->stream_index = st->index;
			if (av_interleaved_write_frame(oc, pkt) < 0)
				goto end;
		}
	}
	if (av_write_trailer(oc) < 0)
		goto end;
	rc = 0;
end:
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&enc);
	if (oc != NULL) {
		avio_closep(&oc->pb);
		avformat_free_context(oc);
	}
	return rc;
}

static struct cam_journal *manifest;

/* A segment of camera gate starting at T0 + start (seconds), of frames
 * frames, made and indexed. */
static int
add_segment(int start, int frames)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err e;
	char rel[256], stamp[32];
	struct stat st;
	time_t t = T0 + start;
	int rc;

	cam_time_format_compact(t, stamp, sizeof(stamp));
	snprintf(rel, sizeof(rel), "gate/2026/11/23/gate-%s.mkv", stamp);
	if (make_segment(unit_path(root, rel), frames) == -1 ||
	    stat(unit_path(root, rel), &st) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", rel);
	cam_json_add_time(&b, "start", t);
	cam_json_add_time(&b, "end", t + frames / FPS);
	cam_json_add_int(&b, "duration_ms", frames * 1000 / FPS);
	cam_json_add_int(&b, "frames", frames);
	cam_json_add_uint(&b, "bytes", (uint64_t)st.st_size);
	cam_json_add_str(&b, "sha256", "0000000000000000000000000000000000"
	    "000000000000000000000000000000");
	cam_json_add_str(&b, "codec", "h264");
	cam_json_add_str(&b, "closed", "boundary");
	cam_json_end(&b);
	cam_journal_set_time(manifest, t + frames / FPS);
	rc = cam_journal_append(manifest, "segment", cam_buf_str(&b), NULL,
	    &e);
	cam_buf_free(&b);
	return rc;
}

static int
add_event(int at, const char *kind, const char *data)
{
	struct cam_err e;

	cam_journal_set_time(manifest, T0 + at);
	return cam_journal_append(manifest, kind, data, NULL, &e);
}

/* ---- reading the output back ---- */

struct probe {
	int ok;			/* opened as MP4 */
	int init_first;		/* ftyp then moov before any moof */
	int packets, keys, decoded, decode_errors;
	int first_key;
	int increasing;
	int64_t first_pts_us, last_pts_us;
	int64_t max_step_us;	/* largest DTS step */
	char codec[32];
};

static int
box_is(const uint8_t *p, size_t len, size_t at, const char *type)
{
	return at + 8 <= len && memcmp(p + at + 4, type, 4) == 0;
}

static uint32_t
box_size(const uint8_t *p, size_t at)
{
	return (uint32_t)p[at] << 24 | (uint32_t)p[at + 1] << 16 |
	    (uint32_t)p[at + 2] << 8 | p[at + 3];
}

static void
probe_mp4(const struct sink *s, struct probe *p)
{
	AVFormatContext *ic = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	const char *path = unit_path(root, "out.mp4");
	int64_t last = INT64_MIN;
	FILE *fp;

	memset(p, 0, sizeof(*p));
	p->increasing = 1;
	p->first_pts_us = INT64_MIN;
	/* The init segment: ftyp, moov, then fragments. */
	if (box_is(s->buf, s->len, 0, "ftyp")) {
		size_t at = box_size(s->buf, 0);
		p->init_first = box_is(s->buf, s->len, at, "moov");
	}
	if ((fp = fopen(path, "wb")) == NULL)
		goto end;
	fwrite(s->buf, 1, s->len, fp);
	fclose(fp);
	if (pkt == NULL || fr == NULL ||
	    avformat_open_input(&ic, path, NULL, NULL) < 0 ||
	    avformat_find_stream_info(ic, NULL) < 0)
		goto end;
	p->ok = 1;
	snprintf(p->codec, sizeof(p->codec), "%s",
	    avcodec_get_name(ic->streams[0]->codecpar->codec_id));
	const AVCodec *c = avcodec_find_decoder(
	    ic->streams[0]->codecpar->codec_id);
	if (c == NULL || (dec = avcodec_alloc_context3(c)) == NULL ||
	    avcodec_parameters_to_context(dec, ic->streams[0]->codecpar) < 0 ||
	    avcodec_open2(dec, c, NULL) < 0)
		goto end;
	while (av_read_frame(ic, pkt) >= 0) {
		AVRational tb = ic->streams[pkt->stream_index]->time_base;
		int64_t d = av_rescale_q(pkt->dts, tb, AV_TIME_BASE_Q);
		int64_t pt = av_rescale_q(pkt->pts, tb, AV_TIME_BASE_Q);

		if (p->packets == 0) {
			p->first_key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
			p->first_pts_us = pt;
		}
		if (pkt->flags & AV_PKT_FLAG_KEY)
			p->keys++;
		if (last != INT64_MIN) {
			if (d <= last)
				p->increasing = 0;
			if (d - last > p->max_step_us)
				p->max_step_us = d - last;
		}
		last = d;
		p->last_pts_us = pt;
		p->packets++;
		if (avcodec_send_packet(dec, pkt) < 0)
			p->decode_errors++;
		while (avcodec_receive_frame(dec, fr) == 0) {
			if (fr->decode_error_flags != 0)
				p->decode_errors++;
			p->decoded++;
		}
		av_packet_unref(pkt);
	}
	avcodec_send_packet(dec, NULL);
	while (avcodec_receive_frame(dec, fr) == 0)
		p->decoded++;
end:
	avcodec_free_context(&dec);
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avformat_close_input(&ic);
}

/* ---- the tests ---- */

struct pacer {
	int calls;
	int64_t first, last;
	int monotonic;
	int stop_at;		/* stop at this call, 0 never */
};

static int
pace(void *arg, int64_t wall_us)
{
	struct pacer *p = arg;

	if (p->calls == 0)
		p->first = wall_us;
	else if (wall_us < p->last)
		p->monotonic = 0;
	p->last = wall_us;
	p->calls++;
	return p->stop_at != 0 && p->calls >= p->stop_at ? -1 : 0;
}

static int
play(int64_t from_us, int64_t to_us, struct sink *s,
    struct cam_play_result *res, struct pacer *pc, struct cam_err *e)
{
	struct cam_play_req r = {
		.root = root, .camera = "gate", .from_us = from_us,
		.to_us = to_us, .pace = pc != NULL ? pace : NULL,
		.pace_arg = pc,
	};

	s->res = res;
	cam_err_clear(e);
	return cam_play_stream(&r, sink_out, s, res, e);
}

static void
stream_tests(void)
{
	struct cam_play_result res;
	struct cam_err e;
	struct probe p;
	struct pacer pc;
	struct sink s;

	/* Inside a segment: from the keyframe at or before the instant. */
	memset(&s, 0, sizeof(s));
	memset(&pc, 0, sizeof(pc));
	pc.monotonic = 1;
	CHECK(play((T0 + 3) * US + 500000, (T0 + 5) * US, &s, &res, &pc,
	    &e) == 0, "play 3.5 s to 5 s into a segment");
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK(res.first_us == (T0 + 3) * US,
	    "first frame: the keyframe at 3 s");
	CHECK(s.first_at_first_call == res.first_us,
	    "first_us known when out is first called");
	CHECK(res.frames == 20, "20 frames, 3.0 s to 4.9 s");
	CHECK(res.last_us == (T0 + 4) * US + 900000, "last frame at 4.9 s");
	CHECK(strcmp(res.mime, "video/mp4; codecs=\"avc1.F4000A\"") == 0 ||
	    strncmp(res.mime, "video/mp4; codecs=\"avc1.", 24) == 0,
	    "mime names avc1");
	printf("# mime %s\n", res.mime);
	CHECK(res.bytes == (int64_t)s.len, "bytes counted");
	CHECK(pc.calls == 20 && pc.first == res.first_us && pc.monotonic,
	    "pace called before every frame with its wall time");
	probe_mp4(&s, &p);
	CHECK(p.ok && p.init_first, "init segment (ftyp, moov) first");
	CHECK_STR(p.codec, "h264", "H.264 out");
	CHECK(p.packets == 20 && p.first_key && p.increasing,
	    "20 packets from a keyframe, DTS increasing");
	CHECK(p.decoded == 20 && p.decode_errors == 0, "every frame decodes");
	CHECK(p.first_pts_us == 0, "timestamps from the first frame");
	CHECK(p.last_pts_us == 1900000, "the last at 1.9 s");
	free(s.buf);

	/* Across a cut between two segments: no stall, no jump. */
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 + 4) * US, (T0 + 9) * US, &s, &res, NULL, &e) == 0,
	    "play across a segment boundary");
	probe_mp4(&s, &p);
	CHECK(res.frames == 50 && p.packets == 50 && p.decoded == 50 &&
	    p.decode_errors == 0, "50 frames, all decode");
	printf("# max step %lld\n", (long long)p.max_step_us);
	CHECK(p.increasing && p.max_step_us == 100000,
	    "DTS steps of one frame across the cut");
	CHECK(res.first_us == (T0 + 4) * US &&
	    res.last_us == (T0 + 8) * US + 900000, "wall times of the ends");
	free(s.buf);

	/* Across a gap: kept in the timestamps. */
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 + 11) * US, (T0 + 23) * US, &s, &res, NULL, &e) == 0,
	    "play across a gap");
	probe_mp4(&s, &p);
	CHECK(res.frames == 30 && p.packets == 30 && p.decode_errors == 0,
	    "10 frames before the gap, 20 after");
	printf("# max step %lld last %lld first %lld\n", (long long)p.max_step_us,
	    (long long)p.last_pts_us, (long long)res.first_us);
	CHECK(p.max_step_us == 9100000, "the gap of 9 s is in the "
	    "timestamps");
	CHECK(p.last_pts_us == (T0 + 22) * US + 900000 - res.first_us,
	    "currentTime + first_us is the wall time after the gap");
	free(s.buf);

	/* From inside a gap: the footage after it. */
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 + 15) * US, (T0 + 22) * US, &s, &res, NULL, &e) == 0 &&
	    res.first_us == (T0 + 21) * US && res.frames == 10,
	    "from a gap: starts where the footage resumes");
	free(s.buf);

	/* Nothing in the window. */
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 + 14) * US, (T0 + 20) * US, &s, &res, NULL,
	    &e) == -1 && e.code == CAM_NO && s.len == 0,
	    "no recording in the window: CAM_NO, nothing written");
	printf("# %s\n", e.msg);
	CHECK(strstr(e.msg, "no recording of gate") != NULL,
	    "the message says so");
	free(s.buf);

	/* The viewer goes: stops, 0, what was served. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2000;
	CHECK(play(T0 * US, (T0 + 27) * US, &s, &res, NULL, &e) == 0,
	    "a viewer that goes: 0");
	CHECK(res.frames > 0 && res.frames < 270, "part of it served");
	free(s.buf);

	/* The pace stops it. */
	memset(&s, 0, sizeof(s));
	memset(&pc, 0, sizeof(pc));
	pc.stop_at = 15;
	CHECK(play(T0 * US, (T0 + 27) * US, &s, &res, &pc, &e) == 0 &&
	    res.frames == 14, "pace -1 stops before the frame");
	free(s.buf);

	/* A whole day asked: everything, in order. */
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 - 3600) * US, (T0 + 3600) * US, &s, &res, NULL,
	    &e) == 0 && res.frames == 180 && res.first_us == T0 * US,
	    "a long window: all 180 frames from the first");
	probe_mp4(&s, &p);
	CHECK(p.packets == 180 && p.increasing && p.decode_errors == 0,
	    "all decode, DTS increasing");
	free(s.buf);

	/* A segment gone since the manifest listed it (pruned, lost): a
	 * gap, the playback goes on after it. */
	char seg_b[512], away[512];
	snprintf(seg_b, sizeof(seg_b), "%s/gate/2026/11/23/gate-%s.mkv", root,
	    "20261123T141326Z");
	snprintf(away, sizeof(away), "%s/away.mkv", root);
	memset(&s, 0, sizeof(s));
	CHECK(rename(seg_b, away) == 0, "second segment taken away");
	CHECK(play((T0 + 4) * US, (T0 + 23) * US, &s, &res, NULL, &e) == 0 &&
	    res.frames == 40, "its time is a gap: 20 frames before, 20 after");
	probe_mp4(&s, &p);
	CHECK(p.packets == 40 && p.increasing && p.decode_errors == 0 &&
	    p.max_step_us == 15100000, "the gap (15 s) in the timestamps");
	CHECK(rename(away, seg_b) == 0, "put back");
	free(s.buf);

	/* Names. */
	struct cam_play_req r = { .root = root, .camera = "..",
	    .from_us = T0 * US, .to_us = (T0 + 1) * US };
	memset(&s, 0, sizeof(s));
	CHECK(cam_play_stream(&r, sink_out, &s, &res, &e) == -1 &&
	    e.code == CAM_NO, "camera \"..\" refused");
	r.camera = "nosuch";
	CHECK(cam_play_stream(&r, sink_out, &s, &res, &e) == -1 &&
	    e.code == CAM_NO, "a camera never recorded: CAM_NO");
	free(s.buf);
}

static void
symlink_tests(void)
{
	struct cam_play_result res;
	struct cam_err e;
	struct sink s;
	char real[512], link[512];

	/* The day's directory swapped for a link to a copy elsewhere. */
	snprintf(real, sizeof(real), "%s/elsewhere", root);
	snprintf(link, sizeof(link), "%s/gate/2026/11/23", root);
	CHECK(rename(link, real) == 0 && symlink(real, link) == 0,
	    "day directory replaced by a symlink");
	memset(&s, 0, sizeof(s));
	CHECK(play(T0 * US, (T0 + 5) * US, &s, &res, NULL, &e) == -1 &&
	    e.code == CAM_NO && s.len == 0,
	    "a symlink in the path: refused, nothing written");
	printf("# %s\n", e.msg);
	CHECK(unlink(link) == 0 && rename(real, link) == 0, "put back");
	free(s.buf);
}

static void
timeline_tests(void)
{
	struct cam_timeline t;
	struct cam_err e;
	static const struct {
		enum cam_span_kind kind;
		int from, to;
		const char *reason;
	} want[] = {
		{ CAM_SPAN_GAP, -10, 0, "not recorded" },
		{ CAM_SPAN_RECORDED, 0, 12, "" },
		{ CAM_SPAN_GAP, 12, 13, "camera down" },
		{ CAM_SPAN_DOWN, 13, 20, "read timeout" },
		{ CAM_SPAN_GAP, 20, 21, "camera down" },
		{ CAM_SPAN_RECORDED, 21, 27, "" },
		{ CAM_SPAN_GAP, 27, 40, "not recorded" },
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	int same = 1;

	cam_err_clear(&e);
	CHECK(cam_play_timeline(root, "gate", (T0 - 10) * US, (T0 + 40) * US,
	    &t, &e) == 0, "timeline");
	if (e.msg[0])
		printf("# %s\n", e.msg);
	for (size_t i = 0; i < t.nspans; i++)
		printf("# span %d %lld %lld %s\n", (int)t.spans[i].kind,
		    (long long)(t.spans[i].from_us / US - T0),
		    (long long)(t.spans[i].to_us / US - T0),
		    t.spans[i].reason);
	if (t.nspans != n)
		same = 0;
	for (size_t i = 0; same && i < n; i++)
		if (t.spans[i].kind != want[i].kind ||
		    t.spans[i].from_us != (T0 + want[i].from) * US ||
		    t.spans[i].to_us != (T0 + want[i].to) * US ||
		    strcmp(t.spans[i].reason, want[i].reason) != 0)
			same = 0;
	CHECK(same, "spans: recorded merged across the cut, gaps, the "
	    "outage with its reason, covering the window");
	CHECK(t.nmarks == 1 && t.nmarks > 0 &&
	    t.marks[0].at_us == (T0 + 16) * US &&
	    strcmp(t.marks[0].author, "nguyenvana") == 0 &&
	    strcmp(t.marks[0].kind, "suspicious") == 0 &&
	    strcmp(t.marks[0].text, "người lạ ở cổng") == 0,
	    "the logbook entry naming the camera is a mark; the other not");
	cam_play_timeline_free(&t);

	/* A window inside the outage. */
	CHECK(cam_play_timeline(root, "gate", (T0 + 14) * US, (T0 + 18) * US,
	    &t, &e) == 0 && t.nspans == 1 &&
	    t.spans[0].kind == CAM_SPAN_DOWN, "inside the outage: down");
	cam_play_timeline_free(&t);
	CHECK(cam_play_timeline(root, "nosuch", T0 * US, (T0 + 60) * US, &t,
	    &e) == 0 && t.nspans == 1 && t.spans[0].kind == CAM_SPAN_GAP,
	    "a camera never recorded: one gap");
	cam_play_timeline_free(&t);
}

/* The segment being written: a .partial after the last indexed one. */
static void
partial_tests(void)
{
	struct cam_play_result res;
	struct cam_timeline t;
	struct cam_err e;
	struct sink s;
	struct timespec ts[2];
	char src[512], part[512];

	snprintf(src, sizeof(src), "%s/gate/2026/11/23/gate-%s.mkv", root,
	    "20261123T141341Z");
	snprintf(part, sizeof(part), "%s/gate/2026/11/23/gate-%s.mkv.partial",
	    root, "20261123T141350Z");
	/* A copy of the third segment (6 s) written from 30 s on, last
	 * written at 36 s. */
	CHECK(link(src, part) == 0, "a .partial from 30 s on");
	ts[0].tv_sec = ts[1].tv_sec = T0 + 36;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, part, ts, 0) == 0, "written until 36 s");
	memset(&s, 0, sizeof(s));
	CHECK(play((T0 + 31) * US + 500000, (T0 + 33) * US, &s, &res, NULL,
	    &e) == 0 && res.first_us == (T0 + 31) * US && res.frames == 20,
	    "played from the .partial: the keyframe at 31 s, 20 frames");
	free(s.buf);
	CHECK(cam_play_timeline(root, "gate", (T0 + 20) * US, (T0 + 40) * US,
	    &t, &e) == 0 && t.nspans == 5 &&
	    t.spans[2].kind == CAM_SPAN_GAP &&
	    t.spans[3].kind == CAM_SPAN_RECORDED &&
	    t.spans[3].from_us == (T0 + 30) * US &&
	    t.spans[3].to_us == (T0 + 36) * US,
	    "the timeline shows it recorded, 30 s to 36 s");
	cam_play_timeline_free(&t);
	CHECK(unlink(part) == 0, "taken away");
}

static int
setup(void)
{
	struct cam_journal *lb = NULL;
	struct cam_err e;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/gate/2026/11/23", root);
	if (cam_mkdir_p(dir, 0750, &e) == -1 ||
	    cam_journal_open(&manifest, unit_path(root, "gate/manifest"),
	    "test", &e) == -1)
		return -1;
	cam_journal_set_sync(manifest, 0);
	/* 0-6 s and 6-12 s: one recording cut in two; the camera down at
	 * 13 s, up at 20 s; 21-27 s. */
	if (add_event(0, "record-start", "{}") == -1 ||
	    add_segment(0, 60) == -1 || add_segment(6, 60) == -1 ||
	    add_event(13, "camera-down", "{\"reason\":\"read timeout\"}") ==
	    -1 || add_event(20, "camera-up", "{\"down_seconds\":7}") == -1 ||
	    add_segment(21, 60) == -1)
		return -1;
	cam_journal_close(&manifest);
	if (cam_journal_open(&lb, unit_path(root, "logbook.journal"), "test",
	    &e) == -1)
		return -1;
	cam_journal_set_sync(lb, 0);
	cam_journal_set_time(lb, T0 + 16);
	if (cam_journal_append(lb, "suspicious", "{\"author\":\"nguyenvana\","
	    "\"uid\":1000,\"camera\":\"gate\",\"text\":\"người lạ ở cổng\"}",
	    NULL, &e) == -1 ||
	    cam_journal_append(lb, "fault", "{\"author\":\"nguyenvana\","
	    "\"uid\":1000,\"camera\":\"yard\",\"text\":\"mờ\"}", NULL,
	    &e) == -1)
		return -1;
	cam_journal_close(&lb);
	return 0;
}

/* ---- the driver ---- */

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * US + ts.tv_nsec / 1000;
}

static int
drive_play(int argc, char **argv)
{
	struct cam_play_result res;
	struct cam_play_req r;
	struct cam_err e;
	struct sink s;
	int64_t t0, t1;
	time_t from, to;
	FILE *fp;

	cam_err_clear(&e);
	if (argc != 7) {
		fprintf(stderr, "usage: unit_play --play ROOT CAMERA FROM TO "
		    "OUT\n");
		return 2;
	}
	if (cam_time_parse(argv[4], NULL, &from, &e) == -1 ||
	    cam_time_parse(argv[5], NULL, &to, &e) == -1) {
		fprintf(stderr, "unit_play: %s\n", e.msg);
		return 2;
	}
	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	r.root = argv[2];
	r.camera = argv[3];
	r.from_us = (int64_t)from * US;
	r.to_us = (int64_t)to * US;
	r.zone = "Asia/Ho_Chi_Minh";	/* the times in messages */
	t0 = now_us();
	if (cam_play_stream(&r, sink_out, &s, &res, &e) == -1) {
		fprintf(stderr, "unit_play: %s\n", e.msg);
		free(s.buf);
		return e.code;
	}
	t1 = now_us();
	if ((fp = fopen(argv[6], "wb")) == NULL ||
	    fwrite(s.buf, 1, s.len, fp) != s.len || fclose(fp) != 0) {
		fprintf(stderr, "unit_play: %s: %s\n", argv[6],
		    strerror(errno));
		free(s.buf);
		return 3;
	}
	printf("first_us=%lld\nlast_us=%lld\nframes=%lld\nbytes=%lld\n"
	    "mime=%s\nseconds=%.6f\n", (long long)res.first_us,
	    (long long)res.last_us, (long long)res.frames,
	    (long long)res.bytes, res.mime, (double)(t1 - t0) / 1e6);
	free(s.buf);
	return 0;
}

/*
 * --layout ROOT CAMERA CLIP START N SECONDS: N segments of SECONDS each
 * from START (RFC 3339) on, each a hard link to CLIP (a Matroska file
 * of that length), indexed in CAMERA's manifest as camrec indexes its
 * segments: a synthetic day of footage for bench/playseek.
 */
static int
drive_layout(int argc, char **argv)
{
	struct cam_journal *j = NULL;
	struct cam_err e;
	struct stat st;
	time_t start;
	int n, len;

	cam_err_clear(&e);
	if (argc != 8 || (n = atoi(argv[6])) <= 0 ||
	    (len = atoi(argv[7])) <= 0) {
		fprintf(stderr, "usage: unit_play --layout ROOT CAMERA CLIP "
		    "START N SECONDS\n");
		return 2;
	}
	char mdir[1024], mpath[1100];
	snprintf(mdir, sizeof(mdir), "%s/%s", argv[2], argv[3]);
	snprintf(mpath, sizeof(mpath), "%s/manifest", mdir);
	if (cam_time_parse(argv[5], NULL, &start, &e) == -1 ||
	    stat(argv[4], &st) == -1 || cam_mkdir_p(mdir, 0750, &e) == -1 ||
	    cam_journal_open(&j, mpath, "bench", &e) == -1) {
		fprintf(stderr, "unit_play: %s\n", e.msg[0] ? e.msg :
		    strerror(errno));
		return 2;
	}
	cam_journal_set_sync(j, 0);
	for (int i = 0; i < n; i++) {
		struct cam_buf b = CAM_BUF_INIT;
		char rel[512], dir[1024], path[1200], stamp[32];
		time_t t = start + (time_t)i * len;
		struct tm tm;

		gmtime_r(&t, &tm);
		cam_time_format_compact(t, stamp, sizeof(stamp));
		snprintf(rel, sizeof(rel), "%s/%04d/%02d/%02d/%s-%s.mkv",
		    argv[3], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    argv[3], stamp);
		snprintf(dir, sizeof(dir), "%s/%s/%04d/%02d/%02d", argv[2],
		    argv[3], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		snprintf(path, sizeof(path), "%s/%s", argv[2], rel);
		if (cam_mkdir_p(dir, 0750, &e) == -1 ||
		    link(argv[4], path) == -1) {
			fprintf(stderr, "unit_play: %s: %s\n", path,
			    e.msg[0] ? e.msg : strerror(errno));
			cam_journal_close(&j);
			return 3;
		}
		cam_json_begin(&b);
		cam_json_add_str(&b, "file", rel);
		cam_json_add_time(&b, "start", t);
		cam_json_add_time(&b, "end", t + len);
		cam_json_add_int(&b, "duration_ms", (int64_t)len * 1000);
		cam_json_add_int(&b, "frames", (int64_t)len * 25);
		cam_json_add_uint(&b, "bytes", (uint64_t)st.st_size);
		cam_json_add_str(&b, "sha256", "00000000000000000000000000"
		    "00000000000000000000000000000000000000");
		cam_json_add_str(&b, "codec", "h264");
		cam_json_add_str(&b, "closed", "boundary");
		cam_json_end(&b);
		cam_journal_set_time(j, t + len);
		int rc = cam_journal_append(j, "segment", cam_buf_str(&b),
		    NULL, &e);
		cam_buf_free(&b);
		if (rc == -1) {
			fprintf(stderr, "unit_play: %s\n", e.msg);
			cam_journal_close(&j);
			return 3;
		}
	}
	cam_journal_close(&j);
	return 0;
}

/* Until the first frame: the time of the first byte (the init segment)
 * and of the first frame's fragment, then stop. */
struct first {
	int64_t t0, byte_us, frame_us;
	int calls;
};

static int
first_out(void *arg, const uint8_t *buf, size_t len)
{
	struct first *f = arg;

	(void)buf;
	(void)len;
	if (f->calls++ == 0) {
		f->byte_us = now_us() - f->t0;
		return 0;
	}
	f->frame_us = now_us() - f->t0;
	return -1;
}

/*
 * --seek ROOT CAMERA INSTANT...: for each instant (RFC 3339), start a
 * playback there and stop at its first frame; print the instant, the
 * microseconds to the first byte and to the first frame's fragment, and
 * the wall time of that frame.
 */
static int
drive_seek(int argc, char **argv)
{
	struct cam_play_result res;
	struct cam_err e;

	if (argc < 5) {
		fprintf(stderr, "usage: unit_play --seek ROOT CAMERA "
		    "INSTANT...\n");
		return 2;
	}
	for (int i = 4; i < argc; i++) {
		struct cam_play_req r;
		struct first f;
		time_t at;

		cam_err_clear(&e);
		if (cam_time_parse(argv[i], NULL, &at, &e) == -1) {
			fprintf(stderr, "unit_play: %s\n", e.msg);
			return 2;
		}
		memset(&r, 0, sizeof(r));
		memset(&f, 0, sizeof(f));
		r.root = argv[2];
		r.camera = argv[3];
		r.from_us = (int64_t)at * US;
		r.to_us = r.from_us + 3600 * US;
		f.t0 = now_us();
		if (cam_play_stream(&r, first_out, &f, &res, &e) == -1) {
			fprintf(stderr, "unit_play: %s\n", e.msg);
			return e.code;
		}
		printf("%s %lld %lld %lld\n", argv[i], (long long)f.byte_us,
		    (long long)f.frame_us, (long long)res.first_us);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char cmd[600];

	av_log_set_level(AV_LOG_ERROR);
	if (argc > 1 && strcmp(argv[1], "--play") == 0)
		return drive_play(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--layout") == 0)
		return drive_layout(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--seek") == 0)
		return drive_seek(argc, argv);
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	CHECK(avcodec_find_encoder_by_name("libx264") != NULL,
	    "libx264 encoder (libavcodec's, as Debian builds it)");
	CHECK(setup() == 0, "storage root with three segments, an outage "
	    "and a logbook");
	stream_tests();
	symlink_tests();
	timeline_tests();
	partial_tests();
	if (getenv("UNIT_PLAY_KEEP") != NULL)
		return UNIT_END();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
	return UNIT_END();
}
