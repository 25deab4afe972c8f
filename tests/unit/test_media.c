/*
 * Unit tests for cam_media, and a driver for tests/t95-cut.sh.
 *
 * Without arguments: segments made here (libavcodec's MPEG-4 part 2
 * encoder, 10 fps, a keyframe every 10 frames, in Matroska as camrec
 * writes them: first frame at zero) are cut, and the result is checked
 * frame-exact: keyframe at or before the window, segment boundaries,
 * gaps, no footage, errors.
 *
 * With  --cut OUT FROM TO SEG START END [SEG START END ...]  (instants
 * in RFC 3339 UTC, as the manifest has them) it cuts real footage and
 * prints the result as key=value lines; exit status the error code.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>

#include "base/cam_time.h"
#include "media/cam_media.h"
#include "unit.h"

/* ---- the driver ---- */

static void
on_progress(void *arg, uint64_t bytes)
{
	*(uint64_t *)arg = bytes;
}

static int
drive(int argc, char **argv)
{
	struct cam_media_src *src;
	struct cam_media_cut res;
	struct cam_err e;
	time_t from, to;
	uint64_t seen = 0;
	size_t n;
	char t[32];

	cam_err_clear(&e);
	if (argc < 8 || (argc - 5) % 3 != 0) {
		fprintf(stderr, "usage: unit_media --cut OUT FROM TO "
		    "SEG START END ...\n");
		return 2;
	}
	if (cam_time_parse(argv[3], NULL, &from, &e) == -1 ||
	    cam_time_parse(argv[4], NULL, &to, &e) == -1) {
		fprintf(stderr, "unit_media: %s\n", e.msg);
		return 2;
	}
	n = (size_t)(argc - 5) / 3;
	src = calloc(n, sizeof(*src));
	for (size_t i = 0; i < n; i++) {
		src[i].path = argv[5 + 3 * i];
		if (cam_time_parse(argv[6 + 3 * i], NULL, &src[i].start,
		    &e) == -1 || cam_time_parse(argv[7 + 3 * i], NULL,
		    &src[i].end, &e) == -1) {
			fprintf(stderr, "unit_media: %s\n", e.msg);
			free(src);
			return 2;
		}
	}
	/* The times in messages in a site's zone. */
	if (cam_media_cut(src, n, from, to, "Asia/Ho_Chi_Minh", argv[2], &res,
	    on_progress, &seen, &e) == -1) {
		fprintf(stderr, "unit_media: %s\n", e.msg);
		free(src);
		return e.code;
	}
	cam_time_format_utc(res.first, t, sizeof(t));
	printf("first=%s\n", t);
	cam_time_format_utc(res.last, t, sizeof(t));
	printf("last=%s\n", t);
	printf("duration=%.3f\n", res.duration);
	printf("video_packets=%lld\n", (long long)res.video_packets);
	printf("audio_packets=%lld\n", (long long)res.audio_packets);
	printf("keyframes=%lld\n", (long long)res.keyframes);
	printf("codec=%s\ntag=%s\naudio=%s\naudio_skipped=%s\n", res.codec,
	    res.tag, res.audio, res.audio_skipped);
	printf("bytes_read=%llu\nprogress=%llu\n",
	    (unsigned long long)res.bytes_read, (unsigned long long)seen);
	printf("used=");
	for (size_t i = 0; i < res.nused; i++)
		printf("%s%zu", i ? "," : "", res.used[i]);
	printf("\n");
	for (size_t i = 0; i < res.ngaps; i++) {
		char a[32], b[32];
		cam_time_format_utc(res.gaps[i].from, a, sizeof(a));
		cam_time_format_utc(res.gaps[i].to, b, sizeof(b));
		printf("gap=%s %s\n", a, b);
	}
	cam_media_cut_free(&res);
	free(src);
	return 0;
}

/* ---- made-up segments ---- */

#define FPS	10
#define GOP	10
/* An instant in 2026, whole seconds. */
#define T0	((time_t)1795000000)

static char dir[] = "/tmp/camkit-media.XXXXXX";

/*
 * Write a Matroska segment of frames pictures at FPS, a keyframe every
 * gop, with up to bframes B-frames in a row (each picture differs from
 * the one before): the layout camrec writes, first frame at time zero.
 */
static int
make_segment(const char *path, int frames, int gop, int bframes)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
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
	enc->gop_size = gop;
	enc->max_b_frames = bframes;
	enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_CLOSED_GOP;
	/* GOPs as asked: no keyframe for a scene change. */
	av_dict_set(&opts, "sc_threshold", "1000000000", 0);
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

/* Packets of the clip: count, keyframes at frame positions (a bit mask
 * of the first 64), first pts (ms), DTS increasing, end of the last
 * picture (ms). */
struct probe {
	int packets, keys;
	uint64_t keymask;
	int64_t first_pts, end_ms;
	int increasing;
	char codec[32];
};

static int
probe(const char *path, struct probe *p)
{
	AVFormatContext *ic = NULL;
	AVPacket *pkt = av_packet_alloc();
	int64_t last = INT64_MIN;

	memset(p, 0, sizeof(*p));
	p->increasing = 1;
	p->first_pts = INT64_MIN;
	if (pkt == NULL || avformat_open_input(&ic, path, NULL, NULL) < 0 ||
	    avformat_find_stream_info(ic, NULL) < 0) {
		av_packet_free(&pkt);
		avformat_close_input(&ic);
		return -1;
	}
	snprintf(p->codec, sizeof(p->codec), "%s",
	    avcodec_get_name(ic->streams[0]->codecpar->codec_id));
	while (av_read_frame(ic, pkt) >= 0) {
		AVRational tb = ic->streams[pkt->stream_index]->time_base;
		AVRational ms = { 1, 1000 };
		if (pkt->stream_index == 0) {
			if (p->first_pts == INT64_MIN)
				p->first_pts = av_rescale_q(pkt->pts, tb, ms);
			if (pkt->flags & AV_PKT_FLAG_KEY) {
				p->keys++;
				if (p->packets < 64)
					p->keymask |= 1ull << p->packets;
			}
			if (pkt->dts <= last)
				p->increasing = 0;
			last = pkt->dts;
			if (av_rescale_q(pkt->pts + pkt->duration, tb, ms) >
			    p->end_ms)
				p->end_ms = av_rescale_q(pkt->pts +
				    pkt->duration, tb, ms);
			p->packets++;
		}
		av_packet_unref(pkt);
	}
	av_packet_free(&pkt);
	avformat_close_input(&ic);
	return 0;
}

static char seg_a[64], seg_b[64], seg_c[64], seg_d[64], seg_e[64];
static char clip[64];

/* Three segments: A [T0, T0+5) 50 frames, B [T0+5, T0+10) straight
 * after it, then nothing for 10 s, C [T0+20, T0+25). */
static struct cam_media_src segs[3];

static int
cut(time_t from, time_t to, struct cam_media_cut *r, struct cam_err *e)
{
	unlink(clip);
	cam_err_clear(e);
	return cam_media_cut(segs, 3, from, to, NULL, clip, r, NULL, NULL, e);
}

/* B-frames: the Matroska demuxer leaves the DTS of the first frames of
 * each segment unset; they are worked back, the clip starts at 0 on its
 * keyframe and its DTS increase. */
static void
b_frames(void)
{
	struct cam_media_src s[2] = {
		{ seg_d, T0, T0 + 5 }, { seg_e, T0 + 5, T0 + 10 } };
	struct cam_media_cut r;
	struct cam_err e;
	struct probe p;
	struct stat sd, se;
	uint64_t seen = 0;
	int ok;

	ok = make_segment(seg_d, 50, GOP, 2) == 0 &&
	    make_segment(seg_e, 50, GOP, 2) == 0;
	CHECK(ok, "two segments with B-frames");
	if (!ok)
		return;
	unlink(clip);
	cam_err_clear(&e);
	ok = cam_media_cut(s, 2, T0 + 3, T0 + 7, NULL, clip, &r, on_progress,
	    &seen, &e) == 0;
	if (!ok)
		printf("#   %s\n", e.msg);
	CHECK(ok && r.nused == 2 && r.video_packets >= 38 &&
	    r.video_packets <= 42 && r.first == T0 + 3,
	    "B-frames: cut across the boundary");
	CHECK(probe(clip, &p) == 0 && p.first_pts == 0 && (p.keymask & 1) &&
	    p.increasing && p.packets == r.video_packets &&
	    p.end_ms >= 3900 && p.end_ms <= 4100,
	    "B-frames: keyframe at 0, DTS increasing, 4 s");
	if (ok)
		printf("#   %d packets, first pts %lld, end %lld ms\n",
		    p.packets, (long long)p.first_pts, (long long)p.end_ms);
	CHECK(stat(seg_d, &sd) == 0 && stat(seg_e, &se) == 0 &&
	    seen == (uint64_t)(sd.st_size + se.st_size) &&
	    r.bytes_read == seen, "progress: every byte of both segments");
	cam_media_cut_free(&r);
}

/* A clip read in place from the middle of a file, as camaudit reads a
 * tar member: bytes either side are never touched, its index gives the
 * times without its packet data being read. */
static void
in_range(void)
{
	struct cam_media_info mi;
	struct cam_media_cut r;
	struct cam_err e;
	char junk[3000], *buf = NULL, host[80];
	struct stat st;
	FILE *f = NULL;
	int fd = -1, ok;

	ok = cut(T0 + 3, T0 + 7, &r, &e) == 0 && stat(clip, &st) == 0;
	cam_media_cut_free(&r);
	snprintf(host, sizeof(host), "%s/host.bin", dir);
	memset(junk, 0xa5, sizeof(junk));
	if (ok && (buf = malloc((size_t)st.st_size)) != NULL &&
	    (f = fopen(clip, "rb")) != NULL &&
	    fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size &&
	    (fd = open(host, O_RDWR | O_CREAT | O_TRUNC, 0600)) != -1 &&
	    write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk) &&
	    write(fd, buf, (size_t)st.st_size) == st.st_size &&
	    write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk)) {
		cam_err_clear(&e);
		ok = cam_media_probe_range(fd, sizeof(junk),
		    (uint64_t)st.st_size, "clip", &mi, &e) == 0;
		if (!ok)
			printf("#   %s\n", e.msg);
		CHECK(ok && strcmp(mi.codec, "mpeg4") == 0 &&
		    mi.created == T0 + 3 && mi.packets == 40 &&
		    mi.first == 0 && mi.last > 3.8 && mi.last < 4.0 &&
		    mi.duration > 3.99 && mi.duration < 4.01 &&
		    mi.disorder[0] == '\0',
		    "a clip in a byte range: codec, creation time, 40 packets, "
		    "4 s, in order");
		CHECK(ok && mi.bytes_read <= (uint64_t)st.st_size &&
		    mi.bytes_read < (uint64_t)st.st_size / 2 + 65536,
		    "nothing outside the range is read");
		printf("#   %llu of %lld bytes read\n",
		    (unsigned long long)mi.bytes_read, (long long)st.st_size);
		cam_err_clear(&e);
		CHECK(cam_media_probe_range(fd, 0, (uint64_t)st.st_size,
		    "clip", &mi, &e) == -1 && strstr(e.msg, "clip") != NULL,
		    "the wrong range: an error naming the clip");
	} else
		CHECK(0, "a clip in a byte range of a file");
	if (fd != -1)
		close(fd);
	if (f != NULL)
		fclose(f);
	free(buf);
	unlink(host);
}

static void
unit_tests(void)
{
	struct cam_media_cut r;
	struct cam_media_src none[1];
	struct cam_err e;
	struct probe p;
	int ok;

	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(3);
	}
	snprintf(seg_a, sizeof(seg_a), "%s/a.mkv", dir);
	snprintf(seg_b, sizeof(seg_b), "%s/b.mkv", dir);
	snprintf(seg_c, sizeof(seg_c), "%s/c.mkv", dir);
	snprintf(seg_d, sizeof(seg_d), "%s/d.mkv", dir);
	snprintf(seg_e, sizeof(seg_e), "%s/e.mkv", dir);
	snprintf(clip, sizeof(clip), "%s/clip.mp4", dir);
	ok = make_segment(seg_a, 50, GOP, 0) == 0 &&
	    make_segment(seg_b, 50, GOP, 0) == 0 &&
	    make_segment(seg_c, 50, 30, 0) == 0;
	CHECK(ok, "three Matroska segments made with libavcodec");
	if (!ok)
		goto end;
	segs[0] = (struct cam_media_src){ seg_a, T0, T0 + 5 };
	segs[1] = (struct cam_media_src){ seg_b, T0 + 5, T0 + 10 };
	segs[2] = (struct cam_media_src){ seg_c, T0 + 20, T0 + 25 };

	/* Inside one segment: [T0+2.0, ...) starts on the keyframe at 2.0. */
	ok = cut(T0 + 2, T0 + 4, &r, &e) == 0;
	CHECK(ok, "a cut inside one segment");
	if (!ok)
		printf("#   %s\n", e.msg);
	CHECK(r.first == T0 + 2 && r.last == T0 + 3,
	    "it starts on the keyframe at the window's start");
	CHECK(r.video_packets == 20 && r.keyframes == 2,
	    "it stops before the first frame at the window's end");
	CHECK(r.nused == 1 && r.used[0] == 0 && r.ngaps == 0,
	    "one segment used, no gap");
	CHECK(r.duration > 1.99 && r.duration < 2.01, "two seconds");
	CHECK(probe(clip, &p) == 0 && p.packets == 20 && p.first_pts == 0 &&
	    (p.keymask & 1) && p.increasing && strcmp(p.codec, "mpeg4") == 0,
	    "the MP4 starts on a keyframe at 0 and has 20 frames");
	cam_media_cut_free(&r);

	ok = cut(T0 + 3, T0 + 4, &r, &e) == 0;
	CHECK(ok && r.first == T0 + 3 && r.video_packets == 10,
	    "a one-second window: one GOP");
	cam_media_cut_free(&r);

	/* A window starting between keyframes (C has one every 3 s) takes
	 * the GOP before. */
	ok = cut(T0 + 22, T0 + 24, &r, &e) == 0;
	CHECK(ok && r.first == T0 + 20 && r.video_packets == 40 &&
	    r.keyframes == 2 && r.ngaps == 0,
	    "the clip starts at the keyframe before the window");
	CHECK(probe(clip, &p) == 0 && p.first_pts == 0 && (p.keymask & 1) &&
	    (p.keymask & (1ull << 30)), "that keyframe is at 0");
	cam_media_cut_free(&r);

	/* Across the boundary of A and B: one recording, frame-exact. */
	ok = cut(T0 + 3, T0 + 7, &r, &e) == 0;
	CHECK(ok && r.nused == 2 && r.used[0] == 0 && r.used[1] == 1 &&
	    r.ngaps == 0 && r.video_packets == 40,
	    "across a segment boundary: both segments, 40 frames, no gap");
	CHECK(probe(clip, &p) == 0 && p.packets == 40 && p.increasing &&
	    p.end_ms == 4000 && p.keys == 4 && (p.keymask & (1ull << 20)),
	    "the boundary is seamless: 4.0 s, keyframes every 10 frames");
	cam_media_cut_free(&r);

	/* Across the gap between B and C (C's keyframes: 20, 23): the jump
	 * stays, the gap is listed. */
	ok = cut(T0 + 8, T0 + 22, &r, &e) == 0;
	CHECK(ok && r.nused == 2 && r.used[0] == 1 && r.used[1] == 2 &&
	    r.video_packets == 40, "across a gap: the footage either side");
	CHECK(r.ngaps == 1 && r.gaps[0].from == T0 + 10 &&
	    r.gaps[0].to == T0 + 20, "the gap is listed");
	if (r.ngaps > 0)
		printf("#   gap %lld..%lld\n", (long long)(r.gaps[0].from - T0),
		    (long long)(r.gaps[0].to - T0));
	CHECK(probe(clip, &p) == 0 && p.increasing && p.end_ms == 14000,
	    "and shown as a jump in time, as long as it was");
	cam_media_cut_free(&r);

	/* A window reaching past the end and before the start. */
	ok = cut(T0 - 10, T0 + 1, &r, &e) == 0;
	CHECK(ok && r.first == T0 && r.ngaps == 1 && r.gaps[0].from == T0 - 10
	    && r.gaps[0].to == T0, "footage starting late: a gap before it");
	cam_media_cut_free(&r);
	ok = cut(T0 + 23, T0 + 40, &r, &e) == 0;
	CHECK(ok && r.ngaps == 1 && r.gaps[0].from == T0 + 25 &&
	    r.gaps[0].to == T0 + 40, "footage ending early: a gap after it");
	cam_media_cut_free(&r);

	/* No footage. */
	CHECK(cut(T0 + 12, T0 + 18, &r, &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "no footage") != NULL && access(clip, F_OK) == -1,
	    "a window inside the gap: CAM_NO, no file left");
	CHECK(cut(T0 + 100, T0 + 200, &r, &e) == -1 && e.code == CAM_NO,
	    "a window after everything: CAM_NO");
	CHECK(cut(T0 + 5, T0 + 5, &r, &e) == -1 && e.code == CAM_NO,
	    "an empty window: CAM_NO");
	cam_err_clear(&e);
	CHECK(cam_media_cut(segs, 0, T0, T0 + 5, NULL, clip, &r, NULL, NULL,
	    &e) == -1 && e.code == CAM_NO, "no segments: CAM_NO");

	/* Errors name the file. */
	none[0] = (struct cam_media_src){ "/nonexistent/x.mkv", T0, T0 + 4 };
	cam_err_clear(&e);
	unlink(clip);
	CHECK(cam_media_cut(none, 1, T0, T0 + 5, NULL, clip, &r, NULL, NULL,
	    &e) == -1 && e.code == CAM_ENV && strstr(e.msg, "/nonexistent/x.mkv") &&
	    access(clip, F_OK) == -1,
	    "a missing segment: CAM_ENV naming it, no file left");
	ok = cut(T0, T0 + 2, &r, &e) == 0;
	cam_media_cut_free(&r);
	cam_err_clear(&e);
	CHECK(ok && cam_media_cut(segs, 3, T0, T0 + 2, NULL, clip, &r, NULL,
	    NULL, &e) == -1 && e.code == CAM_ENV && strstr(e.msg, clip) != NULL,
	    "an existing output is never replaced");

	b_frames();
	in_range();
end:
	unlink(seg_a);
	unlink(seg_b);
	unlink(seg_c);
	unlink(seg_d);
	unlink(seg_e);
	unlink(clip);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	av_log_set_level(AV_LOG_ERROR);
	if (argc > 1 && strcmp(argv[1], "--cut") == 0)
		return drive(argc, argv);
	unit_tests();
	return UNIT_END();
}
