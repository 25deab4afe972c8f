/*
 * cam_media: see cam_media.h.  Demux (Matroska segments) to mux (MP4) by
 * stream copy: no packet is decoded.  Times inside are microseconds:
 *   wall	UTC wall clock, microseconds since the epoch
 *   rel	a packet's time in its segment, less the segment's origin
 *		(its first video PTS: the manifest's start, give or take
 *		the B-frame delay, well below the manifest's second)
 *   line	the clip's timeline: the segment's offset in it plus rel
 *   out	line less the line time of the first packet written
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "base/cam_time.h"
#include "base/cam_util.h"
#include "media/cam_media.h"

#define US		1000000LL
#define IO_BUF		65536
/* Segments the manifest places at most this far apart (seconds, its
 * resolution) are one recording: the clip goes on frame-exact. */
#define JOIN_S		1
/* Footage further apart than this is a gap in the custody record. */
#define GAP_US		1500000LL
/* Packets held at a segment's start until a video DTS is known (the
 * Matroska demuxer leaves the DTS of the first frames of a stream with
 * B-frames unset; they are worked back from the first one it knows). */
#define MAX_PENDING	256
/* A frame interval to assume when nothing says better (25 fps). */
#define STEP_US		40000LL
#define PROGRESS_STEP	(1u << 20)

enum { BEFORE, WRITING, DONE };

struct held {
	AVPacket *pkt;
	int video;
};

/* A list of packets the cut owns. */
struct queue {
	struct held *v;
	size_t n, cap;
};

struct cut {
	const struct cam_media_src *src;
	size_t n;
	time_t from, to;
	struct cam_media_cut *res;
	struct cam_err *e;
	void (*progress)(void *, uint64_t);
	void *arg;
	uint64_t done_bytes, reported;

	/* The output. */
	const char *out;
	int fd;
	int werr;		/* errno of the first failed write */
	AVFormatContext *oc;
	int ovideo, oaudio;	/* output stream indexes; -1: none */
	int64_t last_out[2];	/* last DTS written, video and audio */
	int started;		/* a packet was written */
	int64_t t0;		/* line time of the first packet */
	int64_t vfirst_out, vend_out;	/* video extent in out time */
	int64_t first_wall, last_wall;	/* of the first and last written */
	int state;			/* BEFORE, WRITING, DONE */

	/* The segment being read. */
	size_t k;
	AVFormatContext *ic;
	int vin, ain;		/* input stream indexes; ain -1: not copied */
	int ready;		/* origin known: pending is drained */
	int64_t origin;		/* first video PTS, microseconds */
	int64_t seg_off;	/* line time of the origin */
	int64_t step;		/* video frame interval */
	int64_t last_vdts;	/* input time base; INT64_MIN: none */
	int need_key;		/* drop video up to the next keyframe */
	int seg_used;		/* it contributed a picture */
	int64_t seg_wfirst, seg_wend;	/* wall extent of its footage */
	int64_t seg_lend;		/* line end of its pictures */
	int64_t seg_ldts;		/* line DTS of its last video packet */
	struct queue pending;	/* read before the origin was known */
	struct queue gop;	/* from the last keyframe before `from` */

	/* The segment used before it. */
	int have_prev;
	size_t prev_k;
	int64_t prev_off, prev_lend, prev_ldts;

	/* Footage extents, to find the gaps: one per used segment. */
	int64_t *wfirst, *wend;
};

/* ---- small helpers ---- */

static void
queue_push(struct queue *q, AVPacket *pkt, int video)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 32;
		q->v = cam_xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n].pkt = pkt;
	q->v[q->n].video = video;
	q->n++;
}

static void
queue_clear(struct queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		av_packet_free(&q->v[i].pkt);
	q->n = 0;
}

static void
queue_free(struct queue *q)
{
	queue_clear(q);
	free(q->v);
	q->v = NULL;
	q->cap = 0;
}

static int64_t
to_us(int64_t ts, AVRational tb)
{
	return av_rescale_q(ts, tb, AV_TIME_BASE_Q);
}

static time_t
floor_s(int64_t us)
{
	return (time_t)(us >= 0 ? us / US : -((-us + US - 1) / US));
}

static time_t
ceil_s(int64_t us)
{
	return -floor_s(-us);
}

static void
report(struct cut *c, int force)
{
	uint64_t b = c->done_bytes;

	if (c->ic != NULL && c->ic->pb != NULL && avio_tell(c->ic->pb) > 0)
		b += (uint64_t)avio_tell(c->ic->pb);
	c->res->bytes_read = b;
	if (c->progress != NULL &&
	    (force || b - c->reported >= PROGRESS_STEP)) {
		c->reported = b;
		c->progress(c->arg, b);
	}
}

/* ---- the output: an MP4 through our own descriptor (created, never
 * replacing a file, fsynced before it is handed over) ---- */

static int
out_write(void *opaque, uint8_t *buf, int size)
{
	struct cut *c = opaque;
	const uint8_t *p = buf;
	size_t left = (size_t)size;

	if (c->werr)
		return AVERROR(c->werr);
	while (left > 0) {
		ssize_t n = write(c->fd, p, left);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			c->werr = errno;
			return AVERROR(errno);
		}
		p += n;
		left -= (size_t)n;
	}
	return size;
}

static int64_t
out_seek(void *opaque, int64_t offset, int whence)
{
	struct cut *c = opaque;
	struct stat st;
	off_t r;

	if (whence & AVSEEK_SIZE) {
		if (fstat(c->fd, &st) == -1)
			return AVERROR(errno);
		return (int64_t)st.st_size;
	}
	r = lseek(c->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
	return r == -1 ? AVERROR(errno) : (int64_t)r;
}

/* The streams of the clip, from the segment its first packet comes from. */
static int
out_open(struct cut *c, int64_t first_wall)
{
	const AVOutputFormat *of;
	AVStream *ist, *ost;
	uint8_t *buf;
	char when[32];
	int ret;

	ret = avformat_alloc_output_context2(&c->oc, NULL, "mp4", NULL);
	if (ret < 0)
		return cam_err_av(c->e, ret, "MP4 muxer");
	of = c->oc->oformat;
	if ((buf = av_malloc(IO_BUF)) == NULL)
		return cam_errf(c->e, CAM_ENV, "out of memory");
	c->oc->pb = avio_alloc_context(buf, IO_BUF, 1, c, NULL, out_write,
	    out_seek);
	if (c->oc->pb == NULL) {
		av_free(buf);
		return cam_errf(c->e, CAM_ENV, "out of memory");
	}
	c->oc->flags |= AVFMT_FLAG_CUSTOM_IO;

	ist = c->ic->streams[c->vin];
	if ((ost = avformat_new_stream(c->oc, NULL)) == NULL)
		return cam_errf(c->e, CAM_ENV, "out of memory");
	if ((ret = avcodec_parameters_copy(ost->codecpar, ist->codecpar)) < 0)
		return cam_err_av(c->e, ret, "%s: video parameters",
		    c->src[c->k].path);
	/* An MP4 names H.265 hev1 (parameter sets in the stream) by default;
	 * QuickTime, Safari and many players accept only hvc1 (parameter
	 * sets in the sample description, which the segments carry as
	 * hvcC).  Anything else: the muxer's own tag (avc1 for H.264). */
	if (ost->codecpar->codec_id == AV_CODEC_ID_HEVC)
		ost->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
	else
		ost->codecpar->codec_tag = 0;
	ost->time_base = ist->time_base;
	c->ovideo = ost->index;
	snprintf(c->res->codec, sizeof(c->res->codec), "%s",
	    avcodec_get_name(ost->codecpar->codec_id));
	{
		unsigned tag = ost->codecpar->codec_tag ?
		    ost->codecpar->codec_tag :
		    av_codec_get_tag(of->codec_tag, ost->codecpar->codec_id);
		char fourcc[AV_FOURCC_MAX_STRING_SIZE];

		if (tag != 0)
			snprintf(c->res->tag, sizeof(c->res->tag), "%s",
			    av_fourcc_make_string(fourcc, tag));
	}

	if (c->ain >= 0) {
		ist = c->ic->streams[c->ain];
		if (avformat_query_codec(of, ist->codecpar->codec_id,
		    FF_COMPLIANCE_NORMAL) != 1) {
			/* G.711 and the like: an MP4 has no place for them.
			 * The clip is video only, and says so. */
			snprintf(c->res->audio_skipped,
			    sizeof(c->res->audio_skipped), "%s",
			    avcodec_get_name(ist->codecpar->codec_id));
			c->ain = -1;
		} else {
			if ((ost = avformat_new_stream(c->oc, NULL)) == NULL)
				return cam_errf(c->e, CAM_ENV, "out of memory");
			ret = avcodec_parameters_copy(ost->codecpar,
			    ist->codecpar);
			if (ret < 0)
				return cam_err_av(c->e, ret,
				    "%s: audio parameters", c->src[c->k].path);
			ost->codecpar->codec_tag = 0;
			ost->time_base = ist->time_base;
			c->oaudio = ost->index;
			snprintf(c->res->audio, sizeof(c->res->audio), "%s",
			    avcodec_get_name(ost->codecpar->codec_id));
		}
	}
	/* The capture time of the first frame, to the second. */
	cam_time_format_utc(floor_s(first_wall), when, sizeof(when));
	av_dict_set(&c->oc->metadata, "creation_time", when, 0);
	/* No +faststart: it would rewrite the whole file at the end; the
	 * index (moov) simply follows the media. */
	ret = avformat_write_header(c->oc, NULL);
	if (ret < 0)
		return c->werr ? (errno = c->werr, cam_err_sys(c->e, "%s",
		    c->out)) : cam_err_av(c->e, ret, "%s: header", c->out);
	return 0;
}

/* Finish the MP4: index, flush, fsync, close. */
static int
out_finish(struct cut *c)
{
	int ret = av_write_trailer(c->oc);

	avio_flush(c->oc->pb);
	if (c->werr)
		return (errno = c->werr, cam_err_sys(c->e, "%s",
		    c->out));
	if (ret < 0)
		return cam_err_av(c->e, ret, "%s: trailer", c->out);
	if (fsync(c->fd) == -1)
		return cam_err_sys(c->e, "fsync %s", c->out);
	ret = close(c->fd);
	c->fd = -1;
	if (ret == -1)
		return cam_err_sys(c->e, "close %s", c->out);
	return 0;
}

static void
out_free(struct cut *c)
{
	if (c->oc != NULL) {
		if (c->oc->pb != NULL) {
			av_freep(&c->oc->pb->buffer);
			avio_context_free(&c->oc->pb);
		}
		avformat_free_context(c->oc);
		c->oc = NULL;
	}
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

/* ---- writing ---- */

/* The wall and line times of a packet of the current segment. */
static void
times(const struct cut *c, const AVPacket *pkt, int64_t *wall_dts,
    int64_t *wall_pts, int64_t *line_dts, int64_t *line_pts)
{
	AVRational tb = c->ic->streams[pkt->stream_index]->time_base;
	int64_t rd = to_us(pkt->dts, tb) - c->origin;
	int64_t rp = to_us(pkt->pts, tb) - c->origin;
	int64_t w = (int64_t)c->src[c->k].start * US;

	*wall_dts = w + rd;
	*wall_pts = w + rp;
	*line_dts = c->seg_off + rd;
	*line_pts = c->seg_off + rp;
}

/* Write one packet (ownership stays with the caller; it is left blank). */
static int
emit(struct cut *c, AVPacket *pkt, int video)
{
	AVStream *ist = c->ic->streams[pkt->stream_index], *ost;
	int64_t wd, wp, ld, lp, od, op, dur;
	int slot = video ? 0 : 1;
	int ret;

	if (!video && (c->ain < 0 || c->oaudio < 0))
		goto drop;
	if (video && c->need_key) {
		if (!(pkt->flags & AV_PKT_FLAG_KEY))
			goto drop;
		c->need_key = 0;
	}
	times(c, pkt, &wd, &wp, &ld, &lp);
	if (!c->started) {
		if (!video)
			goto drop;	/* the clip starts on its keyframe */
		if (c->oc == NULL && out_open(c, wp) == -1)
			return -1;
		/* The keyframe is shown at zero. */
		c->t0 = lp;
		c->first_wall = wp;
		c->started = 1;
	}
	od = ld - c->t0;
	op = lp - c->t0;
	if (!video && op < 0)
		goto drop;	/* sound from before the first picture */
	if (c->last_out[slot] != INT64_MIN && od <= c->last_out[slot]) {
		/* A segment overlapping the one before: what would go back in
		 * time is left out (and for video the rest of its GOP). */
		if (video)
			c->need_key = 1;
		goto drop;
	}
	c->last_out[slot] = od;

	dur = pkt->duration > 0 ? to_us(pkt->duration, ist->time_base) :
	    video ? c->step : 0;
	if (video) {
		if (c->res->video_packets == 0 || op < c->vfirst_out)
			c->vfirst_out = op;
		if (op + dur > c->vend_out)
			c->vend_out = op + dur;
		if (lp + dur > c->seg_lend)
			c->seg_lend = lp + dur;
		c->seg_ldts = ld;
		if (!c->seg_used || wp < c->seg_wfirst)
			c->seg_wfirst = wp;
		if (wp + dur > c->seg_wend)
			c->seg_wend = wp + dur;
		c->res->video_packets++;
		if (pkt->flags & AV_PKT_FLAG_KEY)
			c->res->keyframes++;
		if (!c->seg_used) {
			c->seg_used = 1;
			c->res->used[c->res->nused++] = c->k;
		}
	} else
		c->res->audio_packets++;
	if (wp > c->last_wall)
		c->last_wall = wp;

	ost = c->oc->streams[video ? c->ovideo : c->oaudio];
	pkt->dts = av_rescale_q(od, AV_TIME_BASE_Q, ost->time_base);
	pkt->pts = av_rescale_q(op, AV_TIME_BASE_Q, ost->time_base);
	pkt->duration = av_rescale_q(dur, AV_TIME_BASE_Q, ost->time_base);
	pkt->stream_index = ost->index;
	pkt->pos = -1;
	/* av_interleaved_write_frame takes the packet's reference. */
	ret = av_interleaved_write_frame(c->oc, pkt);
	if (ret < 0)
		return c->werr ? (errno = c->werr, cam_err_sys(c->e, "%s",
		    c->out)) : cam_err_av(c->e, ret, "%s: write", c->out);
	return 0;
drop:
	av_packet_unref(pkt);
	return 0;
}

static int
flush_gop(struct cut *c)
{
	int rc = 0;

	for (size_t i = 0; i < c->gop.n && rc == 0; i++)
		rc = emit(c, c->gop.v[i].pkt, c->gop.v[i].video);
	queue_clear(&c->gop);
	return rc;
}

/* One packet with its timestamps settled: where does it go?  pkt is
 * taken (written, held or freed). */
static int
route(struct cut *c, AVPacket *pkt, int video)
{
	int64_t wd, wp, ld, lp;
	int key = video && (pkt->flags & AV_PKT_FLAG_KEY);
	int rc = 0;

	times(c, pkt, &wd, &wp, &ld, &lp);
	if (c->state == DONE) {
		av_packet_free(&pkt);
		return 0;
	}
	/* In decoding order: what follows may refer to what came before,
	 * never the other way (and nothing before a keyframe refers to it:
	 * one shown at or after the end ends the clip too). */
	if (wd >= (int64_t)c->to * US ||
	    (key && wp >= (int64_t)c->to * US)) {
		if (video) {
			rc = flush_gop(c);
			c->state = DONE;
		}
		av_packet_free(&pkt);
		return rc;
	}
	if (c->state == WRITING) {
		rc = emit(c, pkt, video);
		av_packet_free(&pkt);
		return rc;
	}
	/* BEFORE: hold the GOP of the last keyframe at or before `from`. */
	if (key && wp <= (int64_t)c->from * US) {
		queue_clear(&c->gop);
		queue_push(&c->gop, pkt, 1);
		return 0;
	}
	if (video && wp > (int64_t)c->from * US &&
	    (c->gop.n > 0 || key)) {
		rc = flush_gop(c);
		c->state = WRITING;
		if (rc == 0)
			rc = emit(c, pkt, video);
		av_packet_free(&pkt);
		return rc;
	}
	if (c->gop.n > 0) {
		queue_push(&c->gop, pkt, video);
		return 0;
	}
	av_packet_free(&pkt);
	return 0;
}

/* The current segment's place on the clip's line, once its origin is
 * known; first_dts: its first video DTS, less the origin (negative with
 * B-frames: decoded before it is shown). */
static void
place_segment(struct cut *c, int64_t first_dts)
{
	const struct cam_media_src *s = &c->src[c->k], *p;

	c->seg_off = 0;
	if (!c->have_prev)
		return;
	p = &c->src[c->prev_k];
	if (s->start - p->end <= JOIN_S)
		/* One recording cut in two: its first picture follows the
		 * other's last, frame-exact. */
		c->seg_off = c->prev_lend;
	else {
		/* After a gap: as long as the gap was. */
		c->seg_off = c->prev_off + (int64_t)(s->start - p->start) * US;
		if (c->seg_off < c->prev_lend)
			c->seg_off = c->prev_lend;
	}
	/* Decoded after the other's last packet, whatever the reordering
	 * delays of the two. */
	if (c->seg_off + first_dts <= c->prev_ldts)
		c->seg_off = c->prev_ldts + 1000 - first_dts;
}

/* Settle the DTS of the held video packets back from the first known one
 * (known, microseconds; AV_NOPTS_VALUE if none came: then presentation
 * times stand in), then route everything held. */
static int
drain_pending(struct cut *c, int64_t known)
{
	int64_t next = known, first_dts = 0;
	int have_origin = 0;
	int rc = 0;

	for (size_t i = c->pending.n; known != AV_NOPTS_VALUE && i-- > 0;) {
		AVPacket *p = c->pending.v[i].pkt;
		AVRational tb = c->ic->streams[p->stream_index]->time_base;

		if (!c->pending.v[i].video)
			continue;
		if (p->dts != AV_NOPTS_VALUE) {
			next = to_us(p->dts, tb);
			continue;
		}
		next -= c->step;
		p->dts = av_rescale_q(next, AV_TIME_BASE_Q, tb);
		if (p->pts != AV_NOPTS_VALUE && p->dts > p->pts)
			p->dts = p->pts;
	}
	c->origin = 0;
	for (size_t i = 0; i < c->pending.n; i++) {
		AVPacket *p = c->pending.v[i].pkt;
		AVRational tb = c->ic->streams[p->stream_index]->time_base;

		if (p->dts == AV_NOPTS_VALUE)
			p->dts = p->pts;
		if (p->pts == AV_NOPTS_VALUE || p->pts < p->dts)
			p->pts = p->dts;
		if (!c->pending.v[i].video)
			continue;
		c->last_vdts = p->dts;
		if (!have_origin) {
			/* The origin: the first picture's time (Matroska
			 * stores presentation times; decoding times are
			 * the demuxer's guess). */
			c->origin = to_us(p->pts, tb);
			first_dts = to_us(p->dts, tb) - c->origin;
			have_origin = 1;
		}
	}
	c->ready = 1;
	place_segment(c, first_dts);
	for (size_t i = 0; i < c->pending.n; i++) {
		struct held h = c->pending.v[i];

		c->pending.v[i].pkt = NULL;
		if (rc == 0)
			rc = route(c, h.pkt, h.video);
		else
			av_packet_free(&h.pkt);
	}
	c->pending.n = 0;
	return rc;
}

/* A packet as read: settle its timestamps, hold it or route it. */
static int
take(struct cut *c, AVPacket *pkt, int video)
{
	AVRational tb = c->ic->streams[pkt->stream_index]->time_base;

	if (pkt->dts == AV_NOPTS_VALUE && pkt->pts == AV_NOPTS_VALUE) {
		av_packet_free(&pkt);	/* nowhere to place it */
		return 0;
	}
	if (video && pkt->dts != AV_NOPTS_VALUE && pkt->duration > 0)
		c->step = to_us(pkt->duration, tb);
	if (!c->ready) {
		int known = video && pkt->dts != AV_NOPTS_VALUE;
		queue_push(&c->pending, pkt, video);
		if (known)
			return drain_pending(c, to_us(pkt->dts, tb));
		if (c->pending.n >= MAX_PENDING)
			/* No DTS in sight: take the presentation times. */
			return drain_pending(c, AV_NOPTS_VALUE);
		return 0;
	}
	if (pkt->dts == AV_NOPTS_VALUE) {
		if (video && c->last_vdts != INT64_MIN)
			pkt->dts = c->last_vdts + av_rescale_q(c->step,
			    AV_TIME_BASE_Q, tb);
		else
			pkt->dts = pkt->pts;
	}
	if (pkt->pts == AV_NOPTS_VALUE || pkt->pts < pkt->dts)
		pkt->pts = pkt->dts;
	if (video)
		c->last_vdts = pkt->dts;
	return route(c, pkt, video);
}

/* ---- segments ---- */

static void
seg_close(struct cut *c)
{
	if (c->seg_used) {
		size_t u = c->res->nused - 1;
		c->wfirst[u] = c->seg_wfirst;
		c->wend[u] = c->seg_wend;
		c->have_prev = 1;
		c->prev_k = c->k;
		c->prev_off = c->seg_off;
		c->prev_lend = c->seg_lend;
		c->prev_ldts = c->seg_ldts;
	}
	if (c->ic != NULL) {
		int64_t size = c->ic->pb != NULL ? avio_size(c->ic->pb) : 0;
		if (size > 0)
			c->done_bytes += (uint64_t)size;
		avformat_close_input(&c->ic);
	}
	queue_clear(&c->pending);
	report(c, 1);
}

static int
seg_open(struct cut *c, size_t k)
{
	const char *path = c->src[k].path;
	AVStream *v;
	int ret;

	c->k = k;
	c->ready = 0;
	c->origin = 0;
	c->seg_off = 0;
	c->last_vdts = INT64_MIN;
	c->need_key = 1;	/* a segment starts on a keyframe */
	c->seg_used = 0;
	c->seg_wfirst = c->seg_wend = 0;
	c->seg_lend = INT64_MIN;
	if ((ret = avformat_open_input(&c->ic, path, NULL, NULL)) < 0)
		return cam_err_av(c->e, ret, "%s", path);
	if ((ret = avformat_find_stream_info(c->ic, NULL)) < 0)
		return cam_err_av(c->e, ret, "%s", path);
	c->vin = av_find_best_stream(c->ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL,
	    0);
	if (c->vin < 0)
		return cam_errf(c->e, CAM_ENV, "%s: no video stream", path);
	c->ain = av_find_best_stream(c->ic, AVMEDIA_TYPE_AUDIO, -1, c->vin,
	    NULL, 0);
	if (c->ain < 0)
		c->ain = -1;
	v = c->ic->streams[c->vin];
	c->step = STEP_US;
	if (v->avg_frame_rate.num > 0 && v->avg_frame_rate.den > 0)
		c->step = av_rescale_q(1, av_inv_q(v->avg_frame_rate),
		    AV_TIME_BASE_Q);
	else if (v->r_frame_rate.num > 0 && v->r_frame_rate.den > 0)
		c->step = av_rescale_q(1, av_inv_q(v->r_frame_rate),
		    AV_TIME_BASE_Q);
	if (c->step <= 0)
		c->step = STEP_US;
	if (c->oc == NULL)
		return 0;
	/* The clip's streams are set: this segment must fit them. */
	const AVCodecParameters *o = c->oc->streams[c->ovideo]->codecpar;
	if (v->codecpar->codec_id != o->codec_id ||
	    v->codecpar->width != o->width || v->codecpar->height != o->height)
		return cam_errf(c->e, CAM_NO, "%s: the video changes from %s "
		    "%dx%d to %s %dx%d inside the window: one MP4 cannot hold "
		    "both", path, avcodec_get_name(o->codec_id), o->width,
		    o->height, avcodec_get_name(v->codecpar->codec_id),
		    v->codecpar->width, v->codecpar->height);
	if (c->ain >= 0 && (c->oaudio < 0 ||
	    c->ic->streams[c->ain]->codecpar->codec_id !=
	    c->oc->streams[c->oaudio]->codecpar->codec_id))
		c->ain = -1;	/* the clip has no such audio track */
	return 0;
}

static int
seg_read(struct cut *c)
{
	AVPacket *pkt = NULL;
	int ret;

	for (;;) {
		if (c->state == DONE)
			return 0;
		if ((pkt = av_packet_alloc()) == NULL)
			return cam_errf(c->e, CAM_ENV, "out of memory");
		ret = av_read_frame(c->ic, pkt);
		if (ret == AVERROR_EOF) {
			av_packet_free(&pkt);
			break;
		}
		if (ret < 0) {
			av_packet_free(&pkt);
			return cam_err_av(c->e, ret, "%s", c->src[c->k].path);
		}
		report(c, 0);
		if (pkt->stream_index != c->vin &&
		    pkt->stream_index != c->ain) {
			av_packet_free(&pkt);
			continue;
		}
		if (take(c, pkt, pkt->stream_index == c->vin) == -1)
			return -1;
	}
	/* The end of the segment. */
	if (!c->ready && c->pending.n > 0 &&
	    drain_pending(c, AV_NOPTS_VALUE) == -1)
		return -1;
	/* The GOP before `from` holds the last keyframe at or before it:
	 * where the clip starts, even if the next segment starts later. */
	if (c->state == BEFORE && c->gop.n > 0) {
		if (flush_gop(c) == -1)
			return -1;
		c->state = WRITING;
	}
	return 0;
}

/* ---- the gaps ---- */

/* No footage from a to b (wall, microseconds).  Our wall times of a
 * segment run early by the fraction of a second the manifest's start
 * drops, so a gap after footage starts no earlier than the second the
 * manifest gives as that segment's end (after, if given). */
static void
add_gap(struct cut *c, int64_t a, int64_t b, const struct cam_media_src *after)
{
	struct cam_media_cut *r = c->res;
	time_t from = floor_s(a), to = ceil_s(b);

	if (b - a <= GAP_US)
		return;
	if (after != NULL && after->end > from)
		from = after->end;
	if (from < c->from)
		from = c->from;
	if (to > c->to)
		to = c->to;
	if (from >= to)
		return;
	r->gaps[r->ngaps].from = from;
	r->gaps[r->ngaps].to = to;
	r->ngaps++;
}

static void
find_gaps(struct cut *c)
{
	struct cam_media_cut *r = c->res;

	r->gaps = cam_xmalloc((r->nused + 1) * sizeof(*r->gaps));
	r->ngaps = 0;
	add_gap(c, (int64_t)c->from * US, c->wfirst[0], NULL);
	for (size_t i = 1; i < r->nused; i++)
		add_gap(c, c->wend[i - 1], c->wfirst[i],
		    &c->src[r->used[i - 1]]);
	add_gap(c, c->wend[r->nused - 1], (int64_t)c->to * US,
	    &c->src[r->used[r->nused - 1]]);
}

/* ---- the cut ---- */

void
cam_media_cut_free(struct cam_media_cut *res)
{
	if (res == NULL)
		return;
	free(res->used);
	free(res->gaps);
	memset(res, 0, sizeof(*res));
}

int
cam_media_cut(const struct cam_media_src *src, size_t n, time_t from,
    time_t to, const char *zone, const char *out, struct cam_media_cut *res,
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct cam_err *e)
{
	struct cut c;
	size_t first = n, k;
	int rc = -1, created = 0;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.src = src;
	c.n = n;
	c.from = from;
	c.to = to;
	c.res = res;
	c.e = e;
	c.progress = progress;
	c.arg = arg;
	c.out = out;
	c.fd = -1;
	c.ovideo = c.oaudio = -1;
	c.last_out[0] = c.last_out[1] = INT64_MIN;
	c.state = BEFORE;

	if (from >= to)
		return cam_errf(e, CAM_NO, "empty window: it ends before it "
		    "starts");
	/* The segments with footage in [from, to): a segment's end is the
	 * second of its last packet, so it reaches into end + 1. */
	for (k = 0; k < n; k++) {
		if (src[k].end < from || src[k].start >= to)
			continue;
		/* The last one that starts at or before `from` holds the
		 * keyframe at or before it. */
		if (first == n || src[k].start <= from)
			first = k;
	}
	if (first == n) {
		char a[CAM_TIME_HUMAN_LEN], b[CAM_TIME_HUMAN_LEN];

		cam_time_format_human(from, zone, a, sizeof(a));
		cam_time_format_human(to, zone, b, sizeof(b));
		return cam_errf(e, CAM_NO, "no footage from %s to %s", a, b);
	}
	c.fd = open(out, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0640);
	if (c.fd == -1)
		return cam_err_sys(e, "%s", out);
	created = 1;
	res->used = cam_xmalloc(n * sizeof(*res->used));
	c.wfirst = cam_xmalloc(n * sizeof(*c.wfirst));
	c.wend = cam_xmalloc(n * sizeof(*c.wend));

	for (k = first; k < n && c.state != DONE; k++) {
		if (src[k].end < from || src[k].start >= to)
			continue;
		if (seg_open(&c, k) == -1 || seg_read(&c) == -1) {
			seg_close(&c);
			goto end;
		}
		seg_close(&c);
	}
	if (!c.started) {
		char a[CAM_TIME_HUMAN_LEN], b[CAM_TIME_HUMAN_LEN];

		cam_time_format_human(from, zone, a, sizeof(a));
		cam_time_format_human(to, zone, b, sizeof(b));
		cam_errf(e, CAM_NO, "no footage from %s to %s", a, b);
		goto end;
	}
	if (out_finish(&c) == -1)
		goto end;
	res->first = floor_s(c.first_wall);
	res->last = floor_s(c.last_wall);
	res->duration = (double)(c.vend_out - c.vfirst_out) / US;
	find_gaps(&c);
	report(&c, 1);
	rc = 0;
end:
	queue_free(&c.gop);
	queue_free(&c.pending);
	if (c.ic != NULL)
		avformat_close_input(&c.ic);
	out_free(&c);
	free(c.wfirst);
	free(c.wend);
	if (rc == -1) {
		if (created)
			unlink(out);
		cam_media_cut_free(res);
	}
	return rc;
}

/* ---- media in a byte range of a file ---- */

struct range {
	int fd;
	uint64_t off, len;	/* the range in the file */
	uint64_t pos;		/* relative to off */
	uint64_t bytes_read;
};

static int
range_read(void *opaque, uint8_t *buf, int size)
{
	struct range *r = opaque;
	ssize_t n;

	if (r->pos >= r->len)
		return AVERROR_EOF;
	if ((uint64_t)size > r->len - r->pos)
		size = (int)(r->len - r->pos);
	do
		n = pread(r->fd, buf, (size_t)size, (off_t)(r->off + r->pos));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return AVERROR(errno);
	if (n == 0)
		return AVERROR_EOF;	/* the file is shorter than said */
	r->pos += (uint64_t)n;
	r->bytes_read += (uint64_t)n;
	return (int)n;
}

static int64_t
range_seek(void *opaque, int64_t offset, int whence)
{
	struct range *r = opaque;
	int64_t to;

	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return (int64_t)r->len;
	case SEEK_SET:
		to = offset;
		break;
	case SEEK_CUR:
		to = (int64_t)r->pos + offset;
		break;
	case SEEK_END:
		to = (int64_t)r->len + offset;
		break;
	default:
		return AVERROR(EINVAL);
	}
	/* Up to the end, not beyond: the next member is not ours. */
	if (to < 0 || (uint64_t)to > r->len)
		return AVERROR(EINVAL);
	r->pos = (uint64_t)to;
	return to;
}

int
cam_media_open_range(AVFormatContext **icp, int fd, uint64_t offset,
    uint64_t len, const char *name, struct cam_err *e)
{
	AVFormatContext *ic = NULL;
	AVIOContext *pb;
	struct range *r;
	uint8_t *buf;
	int ret;

	*icp = NULL;
	r = cam_xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->off = offset;
	r->len = len;
	if ((ic = avformat_alloc_context()) == NULL ||
	    (buf = av_malloc(IO_BUF)) == NULL) {
		avformat_free_context(ic);
		free(r);
		return cam_errf(e, CAM_ENV, "out of memory");
	}
	/* From here on cam_media_close_range frees r and buf with ic. */
	ic->pb = avio_alloc_context(buf, IO_BUF, 0, r, range_read, NULL,
	    range_seek);
	if (ic->pb == NULL) {
		av_free(buf);
		avformat_free_context(ic);
		free(r);
		return cam_errf(e, CAM_ENV, "out of memory");
	}
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	pb = ic->pb;
	*icp = ic;
	if ((ret = avformat_open_input(icp, name, NULL, NULL)) < 0) {
		/* It freed the context (and nulled *icp), not our I/O. */
		free(pb->opaque);
		av_freep(&pb->buffer);
		avio_context_free(&pb);
		return cam_err_av(e, ret, "%s", name);
	}
	return 0;
}

void
cam_media_close_range(AVFormatContext **icp)
{
	AVFormatContext *ic = *icp;
	AVIOContext *pb;

	if (ic == NULL)
		return;
	pb = ic->pb;
	avformat_close_input(icp);
	if (pb != NULL) {
		free(pb->opaque);
		av_freep(&pb->buffer);
		avio_context_free(&pb);
	}
}

/* One stream's timestamps from the demuxer's index (an MP4's sample
 * tables: no packet data is read), in microseconds. */
static void
index_times(AVStream *st, int index, struct cam_media_info *info,
    int64_t *first, int64_t *last)
{
	int n = avformat_index_get_entries_count(st);
	int64_t prev = INT64_MIN;

	for (int i = 0; i < n; i++) {
		const AVIndexEntry *ie = avformat_index_get_entry(st, i);
		int64_t t;

		if (ie == NULL || ie->timestamp == AV_NOPTS_VALUE)
			continue;
		t = av_rescale_q(ie->timestamp, st->time_base, AV_TIME_BASE_Q);
		if (t <= prev && info->disorder[0] == '\0')
			snprintf(info->disorder, sizeof(info->disorder),
			    "stream %d: packet %d at %.3f s after %.3f s",
			    index, i + 1, (double)t / US, (double)prev / US);
		prev = t;
		if (t < *first)
			*first = t;
		if (t > *last)
			*last = t;
		info->packets++;
	}
}

int
cam_media_probe_range(int fd, uint64_t offset, uint64_t len,
    const char *name, struct cam_media_info *info, struct cam_err *e)
{
	AVFormatContext *ic = NULL;
	AVDictionaryEntry *ct;
	int64_t first = INT64_MAX, last = INT64_MIN;
	int vin = -1;

	memset(info, 0, sizeof(*info));
	info->created = (time_t)-1;
	if (cam_media_open_range(&ic, fd, offset, len, name, e) == -1)
		return -1;
	/* A context avformat_open_input opened is not null. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		AVStream *st = ic->streams[i];

		if (vin == -1 && st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
			vin = (int)i;
		index_times(st, (int)i, info, &first, &last);
	}
	if (vin >= 0) {
		AVStream *st = ic->streams[vin];

		snprintf(info->codec, sizeof(info->codec), "%s",
		    avcodec_get_name(st->codecpar->codec_id));
		/* The sample tables' total: first frame to the end of the
		 * last. */
		if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
			info->duration = (double)av_rescale_q(st->duration,
			    st->time_base, AV_TIME_BASE_Q) / US;
	}
	if ((ct = av_dict_get(ic->metadata, "creation_time", NULL, 0)) !=
	    NULL) {
		struct cam_err e2;
		char s[32];
		time_t t;

		/* "2026-11-23T09:14:30.000000Z": the second is enough. */
		snprintf(s, sizeof(s), "%.19sZ", ct->value);
		if (cam_time_parse(s, NULL, &t, &e2) == 0)
			info->created = t;
	}
	if (info->packets > 0) {
		info->first = (double)first / US;
		info->last = (double)last / US;
	}
	info->bytes_read = ((struct range *)ic->pb->opaque)->bytes_read;
	cam_media_close_range(&ic);
	return 0;
}
