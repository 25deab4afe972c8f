/*
 * cam_play: see cam_play.h.  Times inside are microseconds:
 *   wall	UTC wall clock since the epoch
 *   rel	a packet's time in its segment less the segment's origin
 *		(its first video PTS; camrec writes it at zero), so that
 *		wall = the manifest's start + rel
 *   line	the playback's timeline: the segment's offset on it + rel
 *   out	line less the line time of the first frame sent
 *
 * The manifest's times are whole seconds.  A segment that starts at most
 * JOIN_S after the one before it ended is the same recording cut in two:
 * it goes on frame-exact from the other's last frame (no stall, no
 * jump).  After a real gap the line jumps by the gap's wall-clock length.
 *
 * The segment camrec is writing (its .partial, not in the manifest yet)
 * is played and shown on the timeline too when it is the latest; its
 * start comes from its name, its end from its modification time, and a
 * torn cluster at its end ends it.  Every file is opened one component
 * at a time without following a symbolic link.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "media/cam_gaps.h"
#include "media/cam_media.h"
#include "media/cam_play.h"
#include "media/cam_store.h"

#define US		1000000LL
#define JOIN_S		1
/* A frame interval to assume when nothing says better (25 fps). */
#define STEP_US		40000LL
/* Recorded spans at most this far apart are one (the timeline). */
#define SPAN_JOIN_S	2
/* Pictures read ahead at the start of a run (a segment, or a seek in
 * it) to know its reordering depth: more than a GOP's B-frames. */
#define LOOKAHEAD	16

/* ---- opening a segment, never through a symlink ---- */

/* A camera's name as a directory: one path component. */
static int
camera_ok(const char *camera)
{
	return camera[0] != '\0' && strchr(camera, '/') == NULL &&
	    strcmp(camera, ".") != 0 && strcmp(camera, "..") != 0;
}

/* Open root/rel for reading, every component below root opened without
 * following a symlink (a directory or file swapped for a link out of the
 * camera's directory is refused).  -1 with e set. */
static int
open_under(const char *root, const char *rel, struct cam_err *e)
{
	char part[PATH_MAX];
	const char *p = rel;
	int dfd, fd;

	if ((dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", root);
	for (;;) {
		size_t k = strcspn(p, "/");
		int last = p[k] == '\0';

		if (k == 0 || k >= sizeof(part) ||
		    (k == 1 && p[0] == '.') ||
		    (k == 2 && p[0] == '.' && p[1] == '.')) {
			close(dfd);
			return cam_errf(e, CAM_NO, "%s: not a path inside the "
			    "storage root", rel);
		}
		memcpy(part, p, k);
		part[k] = '\0';
		fd = openat(dfd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    (last ? 0 : O_DIRECTORY));
		if (fd == -1) {
			int err = errno;
			close(dfd);
			errno = err;
			if (err == ELOOP || err == ENOTDIR)
				return cam_errf(e, CAM_NO, "%s/%s: a symbolic "
				    "link or not a directory: refused", root,
				    rel);
			return cam_err_sys(e, "%s/%s", root, rel);
		}
		close(dfd);
		if (last)
			break;
		dfd = fd;
		p += k + 1;
	}
	struct stat st;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cam_errf(e, CAM_NO, "%s/%s: not a regular file", root,
		    rel);
	}
	return fd;
}

/* ---- the segment being written ---- */

/*
 * The segment camrec is writing (CAMERA-YYYYMMDDTHHMMSSZ[-N].mkv.partial
 * under the day's directory, its name from its start), if it starts at
 * or after after (the end of the last indexed segment, less a second):
 * appended to segs with its start from the name and its end from its
 * modification time, partial set.  Only the days from after's to now's
 * (UTC) are looked at.  0 whether found or not.
 */
static int
add_partial(const char *root, const char *camera, time_t after,
    struct cam_segments *segs, int *partial)
{
	time_t now = time(NULL), best = (time_t)-1;
	char bestrel[PATH_MAX] = "";
	struct stat st;
	size_t cl = strlen(camera);

	*partial = 0;
	if (after > now)
		return 0;
	for (time_t day = after - after % 86400; day <= now; day += 86400) {
		char dir[PATH_MAX];
		struct tm tm;
		struct dirent *de;
		DIR *d;

		gmtime_r(&day, &tm);
		if (snprintf(dir, sizeof(dir), "%s/%s/%04d/%02d/%02d", root,
		    camera, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) >=
		    (int)sizeof(dir) || (d = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			struct tm t;
			const char *n = de->d_name;
			size_t len = strlen(n);
			int c;

			memset(&t, 0, sizeof(t));
			if (len < 8 || strcmp(n + len - 8, ".partial") != 0 ||
			    strncmp(n, camera, cl) != 0 || n[cl] != '-' ||
			    sscanf(n + cl + 1, "%4d%2d%2dT%2d%2d%2dZ%n",
			    &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour,
			    &t.tm_min, &t.tm_sec, &c) != 6)
				continue;
			t.tm_year -= 1900;
			t.tm_mon -= 1;
			time_t start = timegm(&t);
			if (start == (time_t)-1 || start + 1 < after ||
			    start <= best)
				continue;
			best = start;
			snprintf(bestrel, sizeof(bestrel), "%s/%04d/%02d/%02d/%s",
			    camera, tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, n);
		}
		closedir(d);
	}
	if (best == (time_t)-1)
		return 0;
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", root, bestrel);
	if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	segs->v = cam_xrealloc(segs->v, (segs->n + 1) * sizeof(*segs->v));
	struct cam_segment *x = &segs->v[segs->n++];
	memset(x, 0, sizeof(*x));
	x->camera = cam_xstrdup(camera);
	x->file = cam_xstrdup(bestrel);
	x->bytes = (uint64_t)st.st_size;
	x->start = best;
	x->end = st.st_mtime > best ? st.st_mtime : best;
	*partial = 1;
	return 0;
}

/* ---- the playback ---- */

struct play {
	const struct cam_play_req *r;
	struct cam_play_result *res;
	struct cam_err *e;
	cam_fmp4_out out;
	void *arg;
	struct cam_fmp4 *m;
	int stopped;		/* out or pace said stop */
	int fatal;		/* the output failed: no going on */

	/* The stream, from the first segment read. */
	enum AVCodecID codec;
	int width, height;

	/* The segment being read. */
	const struct cam_segment *seg;
	AVFormatContext *ic;
	int fd;
	int vin;
	int64_t origin;		/* first video PTS, microseconds */
	int64_t seg_off;	/* line time of the origin */
	int64_t step;
	int64_t last_dts_in;	/* input time base; INT64_MIN: none */
	AVPacket *pend[LOOKAHEAD];	/* read ahead, DTS not known yet */
	int npend, ipend;
	int settled;		/* the run's delay is known */
	int run;		/* pictures of the run so far */
	int delay;		/* reordering depth, pictures */
	int64_t lowest;		/* lowest presentation time seen ahead */
	int64_t step_tb;	/* frame interval, input time base */
	int64_t sp[LOOKAHEAD + 1];	/* PTS not given out as DTS, sorted */
	int nsp;

	/* What was sent. */
	int started;
	int64_t t0;		/* line time of the first frame */
	int64_t last_out_dts;	/* out; INT64_MIN: none */
	int64_t line_end;	/* line end of the last frame sent */
	int have_prev;
	time_t prev_start, prev_end;	/* the last segment used, manifest */
	size_t partial_k;	/* index of the segment being written, or -1 */
	int in_partial;		/* reading it: a torn end is its end */
	int64_t prev_off;
};

static int
play_out(void *arg, const uint8_t *buf, size_t len)
{
	struct play *p = arg;

	if (p->res->mime[0] == '\0' && p->m != NULL)
		snprintf(p->res->mime, sizeof(p->res->mime), "%s",
		    cam_fmp4_mime(p->m));
	if (p->out(p->arg, buf, len) == -1) {
		p->stopped = 1;
		return -1;
	}
	p->res->bytes += (int64_t)len;
	return 0;
}

static int64_t
to_us(int64_t ts, AVRational tb)
{
	return av_rescale_q(ts, tb, AV_TIME_BASE_Q);
}

static void drop_ahead(struct play *p);

static void
seg_close(struct play *p)
{
	drop_ahead(p);
	if (p->ic != NULL)
		cam_media_close_range(&p->ic);
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
}

/*
 * The first pictures of the segment, read ahead into pend: the origin
 * is the lowest presentation time among them (camrec writes the first
 * picture at zero, later with B-frames), the frame interval the
 * smallest step between their presentation times (the header need not
 * say).  They start the first run unless the caller seeks.
 */
static int
read_ahead(struct play *p)
{
	AVRational tb = p->ic->streams[p->vin]->time_base;
	int64_t pts[LOOKAHEAD], best = INT64_MAX;
	AVPacket *pkt;
	int ret = 0, n = 0;

	if ((pkt = av_packet_alloc()) == NULL)
		return cam_errf(p->e, CAM_ENV, "out of memory");
	while (p->npend < LOOKAHEAD) {
		if ((ret = av_read_frame(p->ic, pkt)) < 0)
			break;
		if (pkt->stream_index != p->vin || pkt->pts == AV_NOPTS_VALUE) {
			av_packet_unref(pkt);
			continue;
		}
		if ((p->pend[p->npend] = av_packet_alloc()) == NULL) {
			ret = AVERROR(ENOMEM);
			break;
		}
		av_packet_move_ref(p->pend[p->npend++], pkt);
	}
	av_packet_free(&pkt);
	if (ret < 0 && ret != AVERROR_EOF && !p->in_partial)
		return cam_err_av(p->e, ret, "%s", p->seg->file);
	for (int i = 0; i < p->npend; i++) {
		int k = n++;
		while (k > 0 && pts[k - 1] > p->pend[i]->pts) {
			pts[k] = pts[k - 1];
			k--;
		}
		pts[k] = p->pend[i]->pts;
	}
	for (int i = 1; i < n; i++)
		if (pts[i] > pts[i - 1] && pts[i] - pts[i - 1] < best)
			best = pts[i] - pts[i - 1];
	if (best != INT64_MAX && to_us(best, tb) > 0)
		p->step = to_us(best, tb);
	p->origin = n > 0 ? to_us(pts[0], tb) : 0;
	return 0;
}

/* Drop what was read ahead (before a seek). */
static void
drop_ahead(struct play *p)
{
	for (int i = p->ipend; i < p->npend; i++)
		av_packet_free(&p->pend[i]);
	p->npend = p->ipend = p->settled = p->run = p->nsp = 0;
}

static int
seg_open(struct play *p, const struct cam_segment *s)
{
	const struct cam_play_req *r = p->r;
	AVCodecParameters *par;
	struct stat st;
	AVStream *v;

	p->seg = s;
	p->last_dts_in = INT64_MIN;
	if ((p->fd = open_under(r->root, s->file, p->e)) == -1)
		return -1;
	if (fstat(p->fd, &st) == -1)
		return cam_err_sys(p->e, "%s", s->file);
	if (cam_media_open_range(&p->ic, p->fd, 0, (uint64_t)st.st_size,
	    s->file, p->e) == -1)
		return -1;
	p->vin = -1;
	for (unsigned i = 0; i < p->ic->nb_streams; i++)
		if (p->ic->streams[i]->codecpar->codec_type ==
		    AVMEDIA_TYPE_VIDEO) {
			p->vin = (int)i;
			break;
		}
	if (p->vin < 0)
		return cam_errf(p->e, CAM_ENV, "%s: no video stream", s->file);
	for (unsigned i = 0; i < p->ic->nb_streams; i++)
		if ((int)i != p->vin)
			p->ic->streams[i]->discard = AVDISCARD_ALL;
	v = p->ic->streams[p->vin];
	par = v->codecpar;
	if (p->m != NULL && (par->codec_id != p->codec ||
	    par->width != p->width || par->height != p->height))
		return 1;	/* another stream: the playback ends here */
	p->step = STEP_US;
	if (v->avg_frame_rate.num > 0 && v->avg_frame_rate.den > 0)
		p->step = av_rescale_q(1, av_inv_q(v->avg_frame_rate),
		    AV_TIME_BASE_Q);
	if (p->step <= 0)
		p->step = STEP_US;
	return read_ahead(p);
}

/* The segment's place on the line (its first video DTS less the origin
 * known: first_rel_dts). */
static void
place(struct play *p, int64_t first_rel_dts)
{
	const struct cam_segment *s = p->seg;

	if (!p->have_prev)
		p->seg_off = 0;
	else if (s->start - p->prev_end <= JOIN_S)
		p->seg_off = p->line_end;
	else {
		p->seg_off = p->prev_off + (int64_t)(s->start -
		    p->prev_start) * US;
		if (p->seg_off < p->line_end)
			p->seg_off = p->line_end;
	}
	/* Decoded after the last frame sent, whatever the delays. */
	if (p->last_out_dts != INT64_MIN &&
	    p->seg_off + first_rel_dts - p->t0 <= p->last_out_dts)
		p->seg_off = p->last_out_dts + p->t0 + 1000 - first_rel_dts;
}

static int
start_stream(struct play *p)
{
	AVCodecParameters *par = p->ic->streams[p->vin]->codecpar;
	const char *codec = par->codec_id == AV_CODEC_ID_H264 ? "h264" :
	    par->codec_id == AV_CODEC_ID_HEVC ? "hevc" :
	    avcodec_get_name(par->codec_id);

	p->codec = par->codec_id;
	p->width = par->width;
	p->height = par->height;
	if (cam_fmp4_open(&p->m, codec, par->extradata, par->extradata_size >
	    0 ? (size_t)par->extradata_size : 0, par->width, par->height, 1,
	    play_out, p, p->e) == -1)
		return p->stopped ? 1 : -1;
	if (p->res->mime[0] == '\0')
		snprintf(p->res->mime, sizeof(p->res->mime), "%s",
		    cam_fmp4_mime(p->m));
	return 0;
}

/* Insert pts into the sorted array of pts not yet given out as DTS. */
static void
sorted_push(struct play *p, int64_t pts)
{
	int i = p->nsp;

	while (i > 0 && p->sp[i - 1] > pts) {
		p->sp[i] = p->sp[i - 1];
		i--;
	}
	p->sp[i] = pts;
	p->nsp++;
}

static int64_t
sorted_pop(struct play *p)
{
	int64_t v = p->sp[0];

	memmove(p->sp, p->sp + 1, (size_t)(p->nsp - 1) * sizeof(*p->sp));
	p->nsp--;
	return v;
}

/* A packet's DTS from the presentation times so far (see next_packet);
 * i: its place in the segment's run, counted from 0. */
static void
give_dts(struct play *p, AVPacket *q, int i)
{
	sorted_push(p, q->pts);
	if (p->nsp > p->delay)
		q->dts = sorted_pop(p);
	else
		q->dts = p->lowest - (int64_t)(p->delay - i) * p->step_tb;
}

/*
 * The next video packet of the segment with a decoding time.  Matroska
 * keeps presentation times only.  Pictures come in decoding order, so
 * the decoding times are the presentation times in increasing order,
 * DELAY pictures later: DELAY, the reordering depth (0 without
 * B-frames), is the most pictures shown after one that were decoded
 * before it, in the first LOOKAHEAD pictures of the run; the first
 * DELAY pictures are given times a frame apart before the lowest.
 * Nothing is decoded.  0, AVERROR_EOF, or another AVERROR.
 */
static int
next_packet(struct play *p, AVPacket *pkt)
{
	int ret;

	for (;;) {
		if (p->settled && p->ipend < p->npend) {
			av_packet_move_ref(pkt, p->pend[p->ipend]);
			av_packet_free(&p->pend[p->ipend]);
			if (++p->ipend == p->npend)
				p->npend = p->ipend = 0;
			return 0;
		}
		if (!p->settled && p->npend >= LOOKAHEAD)
			goto settle;
		ret = av_read_frame(p->ic, pkt);
		if (ret >= 0 && (pkt->stream_index != p->vin ||
		    pkt->pts == AV_NOPTS_VALUE)) {
			av_packet_unref(pkt);
			continue;
		}
		if (p->settled) {
			if (ret >= 0)
				give_dts(p, pkt, p->run++);
			return ret;
		}
		if (ret >= 0) {
			/* Looking ahead. */
			if ((p->pend[p->npend] = av_packet_alloc()) == NULL) {
				av_packet_unref(pkt);
				return AVERROR(ENOMEM);
			}
			av_packet_move_ref(p->pend[p->npend++], pkt);
			if (p->npend < LOOKAHEAD)
				continue;
		} else if (ret != AVERROR_EOF || p->npend == 0)
			return ret;
settle:
		/* The run's reordering depth and lowest time, then the held
		 * pictures' decoding times. */
		p->delay = 0;
		p->lowest = INT64_MAX;
		for (int i = 0; i < p->npend; i++) {
			int later = 0;
			for (int j = 0; j < i; j++)
				later += p->pend[j]->pts > p->pend[i]->pts;
			if (later > p->delay)
				p->delay = later;
			if (p->pend[i]->pts < p->lowest)
				p->lowest = p->pend[i]->pts;
		}
		p->step_tb = av_rescale_q(p->step, AV_TIME_BASE_Q,
		    p->ic->streams[p->vin]->time_base);
		if (p->step_tb < 1)
			p->step_tb = 1;
		p->nsp = 0;
		for (int i = 0; i < p->npend; i++)
			give_dts(p, p->pend[i], p->run++);
		p->settled = 1;
		p->ipend = 0;
	}
}

/*
 * Read the open segment from where it stands; from_us: the first frame
 * sent is the keyframe at or before it (the caller sought there).
 * Returns 0 at the segment's end, 1 when the playback is over (to
 * reached, stopped), -1 on error.
 */
static int
seg_play(struct play *p, AVPacket *pkt)
{
	const struct cam_play_req *r = p->r;
	AVRational tb;
	int64_t wstart = (int64_t)p->seg->start * US;
	int placed = 0, need_key = 1;
	int ret;

	if (p->ic == NULL)
		return -1;
	tb = p->ic->streams[p->vin]->time_base;

	for (;;) {
		int64_t rd, rp, wd, wp, od, op;
		int key;

		ret = next_packet(p, pkt);
		if (ret == AVERROR_EOF || (ret < 0 && p->in_partial))
			return 0;
		if (ret < 0)
			return cam_err_av(p->e, ret, "%s", p->seg->file);
		key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
		if (need_key && !key) {
			av_packet_unref(pkt);
			continue;
		}
		need_key = 0;
		/* Matroska keeps presentation times only: without B-frames
		 * (cameras' streams) they are the decoding times too; a
		 * picture shown before the last one decoded (a B-frame) is
		 * decoded just after it. */
		if (pkt->dts == AV_NOPTS_VALUE)
			pkt->dts = p->last_dts_in == INT64_MIN ||
			    pkt->pts > p->last_dts_in ? pkt->pts :
			    p->last_dts_in + 1;
		if (pkt->pts == AV_NOPTS_VALUE || pkt->pts < pkt->dts)
			pkt->pts = pkt->dts;
		if (p->last_dts_in != INT64_MIN && pkt->dts > p->last_dts_in)
			p->step = to_us(pkt->dts - p->last_dts_in, tb);
		p->last_dts_in = pkt->dts;
		rd = to_us(pkt->dts, tb) - p->origin;
		rp = to_us(pkt->pts, tb) - p->origin;
		wd = wstart + rd;
		wp = wstart + rp;
		if (wd >= r->to_us || (key && wp >= r->to_us)) {
			av_packet_unref(pkt);
			return 1;
		}
		if (!placed) {
			place(p, rd);
			placed = 1;
		}
		if (!p->started) {
			/* Time zero at the first frame's decoding time, so
			 * that no DTS is negative: with B-frames the first
			 * picture shows a frame or two later, and first_us
			 * + currentTime is still its wall time. */
			p->t0 = p->seg_off + rd;
			p->res->first_us = wd;
			p->started = 1;
			if ((ret = start_stream(p)) != 0) {
				av_packet_unref(pkt);
				p->fatal = 1;
				return ret == 1 ? 1 : -1;
			}
		}
		od = p->seg_off + rd - p->t0;
		op = p->seg_off + rp - p->t0;
		if (p->last_out_dts != INT64_MIN && od <= p->last_out_dts) {
			/* Overlapping the last segment: skip to a keyframe. */
			need_key = 1;
			av_packet_unref(pkt);
			continue;
		}
		if (r->pace != NULL && r->pace(r->pace_arg, wp) == -1) {
			p->stopped = 1;
			av_packet_unref(pkt);
			return 1;
		}
		if (cam_fmp4_write(p->m, pkt->data, (size_t)pkt->size, key, op,
		    od, p->e) == -1) {
			av_packet_unref(pkt);
			p->fatal = 1;
			return p->stopped ? 1 : -1;
		}
		p->last_out_dts = od;
		int64_t dur = pkt->duration > 0 ? to_us(pkt->duration, tb) :
		    p->step;
		if (p->seg_off + rp + dur > p->line_end)
			p->line_end = p->seg_off + rp + dur;
		p->res->frames++;
		if (wp > p->res->last_us)
			p->res->last_us = wp;
		av_packet_unref(pkt);
	}
}

/* The first segment to read: the last one starting at or before from
 * (if from is inside it or it is the last), else the first after it. */
static size_t
find_segment(const struct cam_segments *s, int64_t from_us)
{
	size_t lo = 0, hi = s->n;

	/* The first segment whose start is after from. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((int64_t)s->v[mid].start * US <= from_us)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	/* Segments may overlap (a clock stepped back): the one before
	 * holds from if it ends after it. */
	if ((int64_t)s->v[lo - 1].end * US + US > from_us)
		return lo - 1;
	return lo;
}

int
cam_play_stream(const struct cam_play_req *r, cam_fmp4_out out, void *arg,
    struct cam_play_result *res, struct cam_err *e)
{
	struct cam_segments segs;
	struct play p;
	AVPacket *pkt = NULL;
	char a[CAM_TIME_HUMAN_LEN], b[CAM_TIME_HUMAN_LEN];
	int rc = -1, partial = 0, failed = 0;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.res = res;
	p.e = e;
	p.out = out;
	p.arg = arg;
	p.fd = -1;
	p.last_out_dts = INT64_MIN;
	p.partial_k = (size_t)-1;
	if (!camera_ok(r->camera))
		return cam_errf(e, CAM_NO, "\"%s\": not a camera", r->camera);
	if (r->to_us <= r->from_us)
		return cam_errf(e, CAM_NO, "an empty window");
	if (cam_store_segments(r->root, r->camera, &segs, e) == -1)
		return -1;
	/* The segment being written, when the window reaches past the
	 * last one indexed. */
	if ((segs.n == 0 || (int64_t)segs.v[segs.n - 1].end * US < r->to_us) &&
	    add_partial(r->root, r->camera, segs.n > 0 ?
	    segs.v[segs.n - 1].end : (time_t)(r->from_us / US), &segs,
	    &partial) == 0 && partial)
		p.partial_k = segs.n - 1;
	if ((pkt = av_packet_alloc()) == NULL) {
		cam_errf(e, CAM_ENV, "out of memory");
		goto end;
	}
	for (size_t k = find_segment(&segs, r->from_us); k < segs.n; k++) {
		const struct cam_segment *s = &segs.v[k];
		int ret;

		if ((int64_t)s->start * US >= r->to_us)
			break;
		if ((int64_t)s->end * US + US <= r->from_us)
			continue;
		p.in_partial = k == p.partial_k;
		if ((ret = seg_open(&p, s)) == -1) {
			/* A segment that cannot be read (pruned since the
			 * manifest was read, damaged) is a gap. */
			seg_close(&p);
			failed = 1;
			continue;
		}
		if (ret == 1)
			break;
		if (!p.started && p.ic != NULL &&
		    (int64_t)s->start * US < r->from_us) {
			/* The keyframe at or before from. */
			AVRational tb = p.ic->streams[p.vin]->time_base;
			int64_t target = p.origin + r->from_us -
			    (int64_t)s->start * US;
			drop_ahead(&p);
			if (av_seek_frame(p.ic, p.vin, av_rescale_q(target,
			    AV_TIME_BASE_Q, tb), AVSEEK_FLAG_BACKWARD) < 0)
				/* Past the end, or no index: from the start. */
				(void)av_seek_frame(p.ic, p.vin, 0,
				    AVSEEK_FLAG_BACKWARD);
		}
		ret = seg_play(&p, pkt);
		if (ret == -1) {
			if (p.stopped || p.fatal)
				goto end;
			failed = 1;
			ret = 0;
		}
		if (p.started) {
			p.have_prev = 1;
			p.prev_start = s->start;
			p.prev_end = s->end;
			p.prev_off = p.seg_off;
		}
		seg_close(&p);
		if (ret == 1)
			break;
	}
	if (!p.started && failed)
		goto end;	/* e says why */
	if (!p.started) {
		cam_time_format_human((time_t)(r->from_us / US), r->zone, a,
		    sizeof(a));
		cam_time_format_human((time_t)((r->to_us + US - 1) / US),
		    r->zone, b, sizeof(b));
		cam_errf(e, CAM_NO, "no recording of %s from %s to %s",
		    r->camera, a, b);
		goto end;
	}
	if (!p.stopped && p.m != NULL && cam_fmp4_flush(p.m, e) == -1 &&
	    !p.stopped)
		goto end;
	cam_err_clear(e);
	rc = 0;
end:
	seg_close(&p);
	cam_fmp4_close(p.m);
	av_packet_free(&pkt);
	cam_segments_free(&segs);
	return rc;
}

/* ---- the timeline ---- */

struct events {
	struct ev {
		time_t at;
		int kind;	/* 0 down, 1 up, 2 other gap event */
		char reason[96];
		struct cam_journal_rec rec;	/* kind and data copied */
		char *k, *d;
	} *v;
	size_t n, cap;
	time_t from, to;
};

static int
events_cb(void *arg, const struct cam_journal_rec *r)
{
	struct events *ev = arg;
	struct cam_gap_events probe;
	struct ev *x;

	memset(&probe, 0, sizeof(probe));
	if (!cam_gaps_event(&probe, r) || r->time > ev->to)
		return 0;
	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 32;
		ev->v = cam_xrealloc(ev->v, ev->cap * sizeof(*ev->v));
	}
	x = &ev->v[ev->n++];
	memset(x, 0, sizeof(*x));
	x->at = r->time;
	x->kind = strcmp(r->kind, "camera-down") == 0 ? 0 :
	    strcmp(r->kind, "camera-up") == 0 ? 1 : 2;
	if (cam_json_get_str(r->data, "reason", x->reason,
	    sizeof(x->reason)) == -1)
		x->reason[0] = '\0';
	x->k = cam_xstrdup(r->kind);
	x->d = cam_xstrdup(r->data);
	x->rec = *r;
	x->rec.kind = x->k;
	x->rec.data = x->d;
	x->rec.host = NULL;
	x->rec.file = NULL;
	return 0;
}

static void
events_free(struct events *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		free(ev->v[i].k);
		free(ev->v[i].d);
	}
	free(ev->v);
}

static void
span_add(struct cam_timeline *t, size_t *cap, enum cam_span_kind kind,
    int64_t from, int64_t to, const char *reason)
{
	struct cam_span *s;

	if (to <= from)
		return;
	/* Spans of one kind and reason that meet are one. */
	if (t->nspans > 0) {
		s = &t->spans[t->nspans - 1];
		if (s->kind == kind && s->to_us >= from &&
		    strcmp(s->reason, reason) == 0) {
			if (to > s->to_us)
				s->to_us = to;
			return;
		}
	}
	if (t->nspans == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		t->spans = cam_xrealloc(t->spans, *cap * sizeof(*t->spans));
	}
	s = &t->spans[t->nspans++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->from_us = from;
	s->to_us = to;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
}

static const char *
cause_text(enum cam_gap_cause c, const struct cam_gap_events *g, char *buf,
    size_t len)
{
	switch (c) {
	case CAM_GAP_DOWN:
	case CAM_GAP_BEFORE_DOWN:
	case CAM_GAP_AFTER_UP:
		return "camera down";
	case CAM_GAP_DISK_FULL:
		return "disk full";
	case CAM_GAP_CLOCK_STEP:
		return "clock stepped forwards";
	case CAM_GAP_STOPPED:
		snprintf(buf, len, "recording stopped: %s", g->stop_why);
		return buf;
	case CAM_GAP_MOVED:
		snprintf(buf, len, "moved %s %s", g->moved_to[0] ? "to" :
		    "from", g->moved_to[0] ? g->moved_to : g->moved_from);
		return buf;
	case CAM_GAP_UNEXPLAINED:
		break;
	}
	return "not recorded";
}

/*
 * The hole [a, b) (wall, microseconds) between footage that ended at
 * prev_end and resumed at start (manifest seconds; 0: none): outages
 * where the manifest's camera-down and camera-up say so, gaps for the
 * rest with the cause of cam_gaps_classify.
 */
static void
hole(struct cam_timeline *t, size_t *cap, const struct events *ev,
    int64_t a, int64_t b, time_t prev_end, time_t start)
{
	struct cam_gap_events g;
	char buf[128], why[128];
	int64_t at = a, down_from = INT64_MIN;
	const char *down_why = "";

	if (b <= a)
		return;
	/* The cause of the gap, from the events between the footage. */
	memset(&g, 0, sizeof(g));
	for (size_t i = 0; i < ev->n; i++) {
		time_t lo = prev_end;
		time_t hi = start != 0 ? start : (time_t)(b / US);
		if (ev->v[i].at >= lo && ev->v[i].at <= hi)
			(void)cam_gaps_event(&g, &ev->v[i].rec);
	}
	snprintf(why, sizeof(why), "%s", cause_text(cam_gaps_classify(&g,
	    prev_end != 0 ? prev_end : (time_t)(a / US),
	    start != 0 ? start : (time_t)(b / US)), &g, buf, sizeof(buf)));
	/* The outages inside it: down from each camera-down (a camera
	 * down before the hole is down from its start) to its camera-up. */
	for (size_t i = 0; i < ev->n; i++) {
		int64_t x = (int64_t)ev->v[i].at * US;
		/* An outage begins after the footage before it ended. */
		if (ev->v[i].kind == 0 && down_from == INT64_MIN &&
		    ev->v[i].at >= prev_end) {
			down_from = x < a ? a : x;
			down_why = ev->v[i].reason;
		} else if (ev->v[i].kind == 1 && down_from != INT64_MIN) {
			int64_t y = x > b ? b : x;
			if (y > a && down_from < b) {
				span_add(t, cap, CAM_SPAN_GAP, at, down_from,
				    why);
				span_add(t, cap, CAM_SPAN_DOWN, down_from, y,
				    down_why);
				if (y > at)
					at = y;
			}
			down_from = INT64_MIN;
		}
		if (x >= b)
			break;
	}
	if (down_from != INT64_MIN && down_from < b) {
		/* Not up again before the footage resumed. */
		span_add(t, cap, CAM_SPAN_GAP, at, down_from, why);
		span_add(t, cap, CAM_SPAN_DOWN, down_from > at ? down_from :
		    at, b, down_why);
		at = b;
	}
	span_add(t, cap, CAM_SPAN_GAP, at, b, why);
}

static int
marks(const char *root, const char *camera, int64_t from_us, int64_t to_us,
    struct cam_timeline *t, struct cam_err *e)
{
	struct cam_logbook lb;
	char path[PATH_MAX];
	size_t cap = 0;

	if (cam_path(path, sizeof(path), e, "%s/%s", root,
	    CAM_LOGBOOK_FILE) == -1)
		return -1;
	if (cam_logbook_load_since(&lb, path, (time_t)(from_us / US),
	    e) == -1)
		return -1;
	for (size_t i = 0; i < lb.n; i++) {
		const struct cam_logbook_entry *x = &lb.e[i];
		int64_t at = (int64_t)x->time * US;
		struct cam_mark *m;

		if (x->camera == NULL || strcmp(x->camera, camera) != 0 ||
		    at < from_us || at >= to_us)
			continue;
		if (t->nmarks == cap) {
			cap = cap ? cap * 2 : 8;
			t->marks = cam_xrealloc(t->marks, cap *
			    sizeof(*t->marks));
		}
		m = &t->marks[t->nmarks++];
		memset(m, 0, sizeof(*m));
		m->at_us = at;
		m->seq = x->seq;
		snprintf(m->author, sizeof(m->author), "%s",
		    x->author != NULL ? x->author : "");
		snprintf(m->kind, sizeof(m->kind), "%s", x->kind);
		snprintf(m->text, sizeof(m->text), "%s",
		    x->text != NULL ? x->text : "");
	}
	cam_logbook_free(&lb);
	return 0;
}

int
cam_play_timeline(const char *root, const char *camera, int64_t from_us,
    int64_t to_us, struct cam_timeline *t, struct cam_err *e)
{
	struct cam_segments segs;
	struct events ev;
	char path[PATH_MAX];
	size_t cap = 0;
	int64_t at = from_us;
	time_t prev_end = 0;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	memset(&ev, 0, sizeof(ev));
	if (!camera_ok(camera))
		return cam_errf(e, CAM_NO, "\"%s\": not a camera", camera);
	if (to_us <= from_us)
		return cam_errf(e, CAM_NO, "an empty window");
	if (cam_store_segments(root, camera, &segs, e) == -1)
		return -1;
	/* The segment being written is footage too. */
	int partial;
	if (segs.n == 0 || (int64_t)segs.v[segs.n - 1].end * US < to_us)
		(void)add_partial(root, camera, segs.n > 0 ?
		    segs.v[segs.n - 1].end : (time_t)(from_us / US), &segs,
		    &partial);
	ev.from = (time_t)(from_us / US);
	ev.to = (time_t)(to_us / US) + 1;
	if (cam_path(path, sizeof(path), e, "%s/%s/manifest", root,
	    camera) == -1)
		goto end;
	/* From a day before: a camera down since then is down now. */
	if (access(path, F_OK) == 0 && cam_journal_foreach_since(path,
	    ev.from - 86400, events_cb, &ev, e) == -1)
		goto end;
	for (size_t k = 0; k < segs.n; k++) {
		const struct cam_segment *s = &segs.v[k];
		int64_t a = (int64_t)s->start * US, b = (int64_t)s->end * US;

		if (b <= from_us) {
			prev_end = s->end > prev_end ? s->end : prev_end;
			continue;
		}
		if (a >= to_us)
			break;
		if (a < from_us)
			a = from_us;
		if (b > to_us)
			b = to_us;
		/* Footage within SPAN_JOIN_S of the last is the same span. */
		if (a - at <= SPAN_JOIN_S * US && t->nspans > 0 &&
		    t->spans[t->nspans - 1].kind == CAM_SPAN_RECORDED)
			a = at;
		else if (a > at)
			hole(t, &cap, &ev, at, a, prev_end, s->start);
		span_add(t, &cap, CAM_SPAN_RECORDED, a, b, "");
		if (b > at)
			at = b;
		if (s->end > prev_end)
			prev_end = s->end;
	}
	if (at < to_us)
		hole(t, &cap, &ev, at, to_us, prev_end, 0);
	if (marks(root, camera, from_us, to_us, t, e) == -1)
		goto end;
	rc = 0;
end:
	if (rc == -1)
		cam_play_timeline_free(t);
	events_free(&ev);
	cam_segments_free(&segs);
	return rc;
}

void
cam_play_timeline_free(struct cam_timeline *t)
{
	free(t->spans);
	free(t->marks);
	memset(t, 0, sizeof(*t));
}
