/*
 * cam_rec: see cam_rec.h.  Demux (RTSP) to mux (Matroska) by stream copy:
 * no packet is decoded.  FFmpeg failures become messages through
 * cam_err_av; the camera's troubles become manifest records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/time.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "media/cam_live.h"
#include "media/cam_rec.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"
#include "site/cam_sync.h"

#define MAX_STREAMS	2	/* video, and audio if the camera sends it */
#define IO_BUF		65536
/* A DTS step backwards larger than this is a discontinuity: new segment. */
#define JUMP_BACK_US	(1000LL * 1000)
/* A step forwards larger than this too (a camera clock reset). */
#define JUMP_FWD_US	(30LL * 1000 * 1000)

/* The open segment is made durable this often (fdatasync), so that a
 * power cut loses at most this much of it: recovery salvages the rest. */
#define SYNC_US		(5LL * 1000 * 1000)
/* The low-space prune's thread runs this much nicer than the recorder. */
#define PRUNE_NICE	10
/* Untimed video packets held at a connection's start, at most. */
#define HOLD_MAX	256
/*
 * At a connection's start the packets FFmpeg buffered while probing the
 * stream, and any backlog, are read in a burst, each later than it was
 * captured, so the anchor is too late until a read has to wait for the
 * network.  Until then packets are queued, with the time each was read,
 * and only then cut into segments, on the anchor that wait gave.  A read
 * that waits this long, not counting the time spent waiting for a CPU,
 * has caught up; at most this many packets, bytes or microseconds are
 * queued.
 */
#define SETTLE_WAIT_US	(10LL * 1000)
#define PEND_MAX	2048
#define PEND_BYTES	(32 << 20)
#define PEND_US		(10LL * 1000 * 1000)

/* A segment's output: a file the muxer may seek in (to write the
 * Duration, the Cues and the SeekHead at the end), hashed once the last
 * write is done. */
struct hwriter {
	int fd;
	uint64_t bytes;		/* the file's size: the furthest write */
	int64_t pos;		/* where the next write goes */
	int err;		/* errno of the first failed write or seek */
};

struct seg {
	AVFormatContext *oc;
	struct hwriter hw;
	char partial[PATH_MAX];
	char final[PATH_MAX];
	char rel[PATH_MAX];	/* final, relative to the storage root */
	time_t wall_start;
	int64_t base_us;	/* first video DTS, microseconds */
	int64_t end_us;		/* last video DTS + duration, microseconds */
	int64_t frames;		/* video packets */
	int omap[MAX_STREAMS];	/* our stream slot -> output stream, or -1 */
	/* Wall clock of the first picture, microseconds, when the segment
	 * goes on from the previous one without a break in the stream:
	 * it starts where that one ended.  INT64_MIN: from the anchor. */
	int64_t chain_us;
	int64_t next_sync;	/* av_gettime_relative() of the next sync */
	int dir_synced;		/* the .partial's name is durable */
};

/* A segment closed while a prune ran: indexed, still named .partial. */
struct deferred {
	char *partial, *final, *rel;
};

struct rec {
	const struct cam_rec_conf *c;
	struct cam_journal *manifest;
	char camdir[PATH_MAX];
	AVFormatContext *ic;
	int in_index[MAX_STREAMS];	/* slot -> input stream; [0] video */
	int nslots;
	int64_t last_dts[MAX_STREAMS];	/* input time base; INT64_MIN: none */
	int64_t deadline;		/* av_gettime_relative() limit */
	struct seg seg;
	int open;			/* seg is open */
	/* Wall clock (microseconds) where the last segment closed at a
	 * boundary ended, for the next one to start there; INT64_MIN
	 * after anything that breaks the stream's timeline. */
	int64_t chain_us;
	/* Untimed video packets at the start of a connection (FFmpeg's
	 * RTSP demuxer can give the first keyframe no timestamp): held
	 * until the first with a DTS places them on its timeline. */
	AVPacket *held[HOLD_MAX];
	int nheld;
	/* Packets of a connection's first burst, and when each was read
	 * (av_gettime()), until the anchor has settled. */
	AVPacket *pend[PEND_MAX];
	int64_t pend_at[PEND_MAX];
	int npend;
	int64_t pend_bytes;
	int64_t conn_at;		/* av_gettime_relative() at connect */
	int settled;
	int64_t end_at;			/* av_gettime_relative(); 0: no end */
	/* The wall clock against the monotonic one, to see it stepped
	 * (NTP, an operator's date -s): INT64_MIN until the first packet. */
	int64_t skew_us;
	int64_t step_us;		/* stepped by, not yet acted on */
	int down;
	time_t down_since;
	AVBSFContext *xtract;		/* extract_extradata, if needed */
	uint8_t *extradata;		/* parameter sets found in-band */
	int extradata_size;
	int disk_full;
	/* Wall clock = stream time + offset: the smallest (now - DTS) seen
	 * since the connection, since a packet is never read before it was
	 * captured.  Segment times come from this, not from when a packet
	 * happened to be read (the first seconds arrive in a burst). */
	int64_t offset_us;
	/* The longest time between a read from the camera returning and
	 * the next read starting, microseconds (av_gettime_relative). */
	int64_t read_gap_us;
	/* The low-space prune, in a thread of its own while pruning is
	 * set; prune_done is set by that thread as it ends.  pruned (the
	 * deferred segments it deleted) is the prune thread's until it is
	 * joined, deferred the recording thread's. */
	pthread_t prune_thread;
	int pruning;
	atomic_int prune_done;
	char **pruned;
	size_t npruned, pruned_cap;
	struct deferred *deferred;
	size_t ndeferred;
	/* Live view (cam_live.h): the stream's publisher or NULL; its
	 * header is sent at the first keyframe of each connection. */
	struct cam_live_pub *live;
	int live_hdr;
	int64_t live_poll;		/* av_gettime_relative() of the next */
	/* The wall stream's reader: its URL (NULL: the camera's), and
	 * the recorder's signal that it must end. */
	const char *url;
	atomic_int *quit;
	/* For c->status: what was written, and when it was last told
	 * (av_gettime_relative(); at first, the start) and with how many
	 * bytes. */
	struct cam_rec_status st;
	/* The configuration in force read again at each segment boundary
	 * (c->site_dir): CAM_REC_MOVED or CAM_REC_CHANGED once the camera
	 * is no longer this host's as it was; where to and at which
	 * commit. */
	int handover;
	char ho_to[256], ho_rev[41], ho_why[16];
	time_t last_end;		/* of the last segment indexed */
	time_t down_checked;		/* configuration read while down */
	int64_t key_at;		/* last keyframe written, 0: none */
	int64_t st_at;
	uint64_t st_bytes;
};

/* While the camera is down, the configuration in force is read again
 * this often (seconds). */
#define DOWN_CHECK_EVERY	30

/* Subscribers are served this often at least while the camera sends
 * nothing (a connection being made, a camera down). */
#define LIVE_POLL_US	(50LL * 1000)

/* ---- small helpers ---- */

static int
interrupt_cb(void *opaque)
{
	struct rec *r = opaque;
	int64_t now = av_gettime_relative();

	if (r->c->stop != NULL && *r->c->stop)
		return 1;
	if (r->quit != NULL && atomic_load(r->quit))
		return 1;
	if (r->live != NULL && now >= r->live_poll) {
		cam_live_pub_poll(r->live);
		r->live_poll = now + LIVE_POLL_US;
	}
	return now > r->deadline;
}

static void
arm(struct rec *r)
{
	r->deadline = av_gettime_relative() +
	    (int64_t)r->c->io_timeout * 1000000;
}

static int
stopping(const struct rec *r)
{
	return r->handover != 0 || (r->c->stop != NULL && *r->c->stop) ||
	    (r->quit != NULL && atomic_load(r->quit)) ||
	    (r->end_at != 0 && av_gettime_relative() >= r->end_at);
}

/* Tell the program (c->report) what happened to the camera: the library
 * prints nothing itself.  The words are for the person watching the
 * recorder (its standard error, the service's log), in their language:
 * fmt is a msgid (XGETTEXT_KEYWORDS names tell), an inner error is given
 * by its text; what is journaled is written apart, in English. */
static void __attribute__((format(printf, 3, 4)))
tell(const struct cam_rec_conf *c, enum cam_rec_level level,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	if (c->report == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, _(fmt), ap);
	va_end(ap);
	if (n < 0)
		return;
	msg = cam_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, _(fmt), ap);
	va_end(ap);
	c->report(c->report_arg, level, c->cam->id, msg);
	free(msg);
}

/* Journal an event in the camera's manifest.  A failure is reported
 * (tell) and otherwise ignored: the recording goes on. */
static int
event(struct rec *r, const char *kind, struct cam_buf *data)
{
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_journal_append(r->manifest, kind, cam_buf_str(data), NULL,
	    &e) == -1) {
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
		cam_buf_free(data);
		return -1;
	}
	if (r->c->verbose)
		tell(r->c, CAM_REC_INFO, "%s %s", kind, cam_buf_str(data));
	cam_buf_free(data);
	return 0;
}

/* Percent-encode for the userinfo part of a URL (FFmpeg decodes it). */
static void
url_escape(struct cam_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			cam_buf_add(b, p, 1);
		else
			cam_buf_addf(b, "%%%02X", *p);
	}
}

int
cam_rec_camdir(char *buf, size_t len, const char *root, const char *id,
    struct cam_err *e)
{
	struct stat st;

	if (!cam_id_valid(id))
		return cam_errf(e, CAM_NO, "bad camera id \"%s\"", id);
	if (cam_path(buf, len, e, "%s/%s", root, id) == -1)
		return -1;
	/* A camera's directory planted as a symbolic link would send its
	 * segments, lock and manifest out of the storage root. */
	if (lstat(buf, &st) == 0 && !S_ISDIR(st.st_mode))
		return cam_errf(e, CAM_NO, "%s: %s, not a directory: refused",
		    buf, S_ISLNK(st.st_mode) ? "a symbolic link" :
		    "another kind of file");
	return 0;
}

int
cam_rec_manifest(char *buf, size_t len, const char *root, const char *id,
    struct cam_err *e)
{
	if (cam_rec_camdir(buf, len, root, id, e) == -1)
		return -1;
	return cam_path(buf, len, e, "%s/%s/manifest", root, id);
}

static uint64_t
reserve_size(const char *root)
{
	struct statvfs v;
	uint64_t size = 4ULL << 20;

	if (statvfs(root, &v) == 0 &&
	    (uint64_t)v.f_blocks * v.f_frsize / 50 < size)
		size = (uint64_t)v.f_blocks * v.f_frsize / 50;
	return size;
}

int
cam_rec_reserve(const char *root, int take, struct cam_err *e)
{
	char path[PATH_MAX];
	int fd, err;

	if (cam_path(path, sizeof(path), e, "%s/.reserve", root) == -1)
		return -1;
	if (!take) {
		if (unlink(path) == -1 && errno != ENOENT)
			return cam_err_sys(e, "%s", path);
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return cam_err_sys(e, "%s", path);
	err = posix_fallocate(fd, 0, (off_t)reserve_size(root));
	close(fd);
	if (err != 0) {
		unlink(path);
		errno = err;
		return cam_err_sys(e, "%s: reserving space", path);
	}
	return 0;
}

/* Less free space than the reserve again: time to prune. */
static int
low_space(const char *root)
{
	struct statvfs v;

	if (statvfs(root, &v) == -1)
		return 0;
	return (uint64_t)v.f_bavail * v.f_frsize < reserve_size(root);
}

/* ---- the hashing writer ---- */

static int
hw_write(void *opaque, uint8_t *buf, int size)
{
	struct hwriter *h = opaque;
	const uint8_t *p = buf;
	size_t left = (size_t)size;

	if (h->err)
		return AVERROR(h->err);
	while (left > 0) {
		ssize_t n = pwrite(h->fd, p, left, (off_t)h->pos);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			h->err = errno;
			return AVERROR(errno);
		}
		p += n;
		left -= (size_t)n;
		h->pos += n;
	}
	if ((uint64_t)h->pos > h->bytes)
		h->bytes = (uint64_t)h->pos;
	return size;
}

static int64_t
hw_seek(void *opaque, int64_t offset, int whence)
{
	struct hwriter *h = opaque;

	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return (int64_t)h->bytes;
	case SEEK_SET:
		break;
	case SEEK_CUR:
		offset += h->pos;
		break;
	case SEEK_END:
		offset += (int64_t)h->bytes;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if (offset < 0)
		return AVERROR(EINVAL);
	h->pos = offset;
	return offset;
}

/* The SHA-256 of the file as written, read back through its descriptor
 * (the muxer went back to fill in the header: a hash of the writes in
 * their order would not be the file's). */
static int
hw_hash(struct hwriter *h, const char *name, char hex[65], struct cam_err *e)
{
	uint64_t size;

	if (cam_crypto_sha256_fd(h->fd, name, hex, &size, e) == -1)
		return -1;
	if (size != h->bytes)
		return cam_errf(e, CAM_ENV, "%s: %llu bytes read back, %llu "
		    "written", name, (unsigned long long)size,
		    (unsigned long long)h->bytes);
	return 0;
}

/* ---- segments ---- */

static void
seg_free(struct seg *s)
{
	if (s->oc != NULL) {
		if (s->oc->pb != NULL) {
			av_freep(&s->oc->pb->buffer);
			avio_context_free(&s->oc->pb);
		}
		avformat_free_context(s->oc);
		s->oc = NULL;
	}
	if (s->hw.fd != -1)
		close(s->hw.fd);
	s->hw.fd = -1;
}

/*
 * Choose names for a segment starting at wall-clock time t: the first of
 * NAME.mkv, NAME-2.mkv, ... for which neither the file nor its .partial
 * exists (own, the caller's current .partial, does not count), so that a
 * clock stepped back never overwrites footage.
 */
static int
seg_names(struct seg *s, const char *root, const char *id, time_t t,
    const char *own, struct cam_err *e)
{
	char dir[PATH_MAX], stamp[32], final[PATH_MAX], partial[PATH_MAX];
	char rel[PATH_MAX];
	struct tm tm;

	gmtime_r(&t, &tm);
	cam_time_format_compact(t, stamp, sizeof(stamp));
	if (cam_path(dir, sizeof(dir), e, "%s/%04d/%02d/%02d", id,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) == -1)
		return -1;
	if (cam_mkdir_under(root, dir, 0750, e) == -1)
		return -1;
	for (int n = 1; n < 1000; n++) {
		char suffix[16] = "";
		if (n > 1)
			snprintf(suffix, sizeof(suffix), "-%d", n);
		if (cam_path(rel, sizeof(rel), e,
		    "%s/%04d/%02d/%02d/%s-%s%s." CAM_SEGMENT_EXT, id,
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, id, stamp,
		    suffix) == -1 ||
		    cam_path(final, sizeof(final), e, "%s/%s", root,
		    rel) == -1 ||
		    cam_path(partial, sizeof(partial), e, "%s.partial",
		    final) == -1)
			return -1;
		if (access(final, F_OK) == 0)
			continue;
		if ((own == NULL || strcmp(own, partial) != 0) &&
		    access(partial, F_OK) == 0)
			continue;
		memcpy(s->rel, rel, sizeof(rel));
		memcpy(s->final, final, sizeof(final));
		if (own == NULL)
			memcpy(s->partial, partial, sizeof(partial));
		return 0;
	}
	return cam_errf(e, CAM_ENV, "%s: no free segment name", dir);
}

/*
 * Open a segment on the input ic, streams in[0..n) (in[0] is video).
 * extradata, if given, replaces an empty video extradata (parameter
 * sets the camera sends only in-band).
 */
static int
seg_open(struct seg *s, AVFormatContext *ic, const int *in, int n,
    const uint8_t *extradata, int extradata_size, const char *title,
    struct cam_err *e)
{
	AVDictionary *opts = NULL;
	uint8_t *buf = NULL;
	int ret;

	s->hw.fd = -1;
	s->oc = NULL;
	s->hw.bytes = 0;
	s->hw.pos = 0;
	s->hw.err = 0;
	/* Read too: the hash is taken from the file once it is done. */
	s->hw.fd = open(s->partial, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640);
	if (s->hw.fd == -1)
		return cam_err_sys(e, "%s", s->partial);
	ret = avformat_alloc_output_context2(&s->oc, NULL, "matroska", NULL);
	if (ret < 0)
		return cam_err_av(e, ret, "matroska muxer");
	if ((buf = av_malloc(IO_BUF)) == NULL)
		return cam_errf(e, CAM_ENV, "out of memory");
	s->oc->pb = avio_alloc_context(buf, IO_BUF, 1, &s->hw, NULL,
	    hw_write, hw_seek);
	if (s->oc->pb == NULL) {
		av_free(buf);
		return cam_errf(e, CAM_ENV, "out of memory");
	}
	/* Seekable, so that the muxer's trailer fills in the Duration and
	 * writes the Cues (players show the length and seek).  Until the
	 * trailer the file is written straight on, clusters of unknown
	 * size inside a segment of unknown size, readable however it is
	 * cut; the trailer only overwrites space the header reserved and
	 * appends the Cues. */
	s->oc->pb->seekable = AVIO_SEEKABLE_NORMAL;
	s->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	for (int i = 0; i < n; i++) {
		AVStream *ist = ic->streams[in[i]], *ost;

		s->omap[i] = -1;
		if (in[i] < 0)
			continue;
		if ((ost = avformat_new_stream(s->oc, NULL)) == NULL)
			return cam_errf(e, CAM_ENV, "out of memory");
		ret = avcodec_parameters_copy(ost->codecpar, ist->codecpar);
		if (ret < 0)
			return cam_err_av(e, ret, "stream parameters");
		ost->codecpar->codec_tag = 0;
		ost->time_base = ist->time_base;
		if (i == 0 && ost->codecpar->extradata_size == 0 &&
		    extradata != NULL) {
			ost->codecpar->extradata = av_mallocz((size_t)
			    extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
			if (ost->codecpar->extradata == NULL)
				return cam_errf(e, CAM_ENV, "out of memory");
			memcpy(ost->codecpar->extradata, extradata,
			    (size_t)extradata_size);
			ost->codecpar->extradata_size = extradata_size;
		}
		s->omap[i] = ost->index;
	}
	av_dict_set(&s->oc->metadata, "title", title, 0);
	/* Clusters of at most a second: a crash loses no more than that. */
	av_dict_set(&opts, "cluster_time_limit", "1000", 0);
	ret = avformat_write_header(s->oc, &opts);
	av_dict_free(&opts);
	if (ret < 0)
		return s->hw.err ? (errno = s->hw.err, cam_err_sys(e, "%s",
		    s->partial)) : cam_err_av(e, ret, "%s: header",
		    s->partial);
	s->frames = 0;
	s->base_us = AV_NOPTS_VALUE;
	s->end_us = AV_NOPTS_VALUE;
	s->chain_us = INT64_MIN;
	s->next_sync = av_gettime_relative() + SYNC_US;
	s->dir_synced = 0;
	return 0;
}

/*
 * Make what was written so far durable: the muxer's open cluster is
 * closed and written out, the file's data synced, and, the first time,
 * its directory, so that a power cut leaves the .partial with all of it
 * for recovery to salvage.
 */
static int
seg_sync(struct seg *s, struct cam_err *e)
{
	int ret;

	/* Not null: only on an open segment. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	ret = av_write_frame(s->oc, NULL);
	avio_flush(s->oc->pb);
	if (s->hw.err)
		return (errno = s->hw.err, cam_err_sys(e, "%s",
		    s->partial));
	if (ret < 0)
		return cam_err_av(e, ret, "%s: flush", s->partial);
	if (fdatasync(s->hw.fd) == -1)
		return cam_err_sys(e, "fdatasync %s", s->partial);
	if (!s->dir_synced) {
		if (cam_dir_sync_of(s->partial, e) == -1)
			return -1;
		s->dir_synced = 1;
	}
	s->next_sync = av_gettime_relative() + SYNC_US;
	return 0;
}

/* Finish writing: trailer, flush, fsync, close; hex gets the SHA-256. */
static int
seg_finish(struct seg *s, char hexout[65], struct cam_err *e)
{
	int ret;

	ret = av_write_trailer(s->oc);
	/* Only after seg_open succeeded, and it fails whenever oc is null
	 * (the analyser does not see that cam_errf returns -1). */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	avio_flush(s->oc->pb);
	if (s->hw.err)
		return (errno = s->hw.err, cam_err_sys(e, "%s",
		    s->partial));
	if (ret < 0)
		return cam_err_av(e, ret, "%s: trailer", s->partial);
	if (fsync(s->hw.fd) == -1)
		return cam_err_sys(e, "fsync %s", s->partial);
	if (hw_hash(&s->hw, s->partial, hexout, e) == -1)
		return -1;
	if (close(s->hw.fd) == -1) {
		s->hw.fd = -1;
		return cam_err_sys(e, "close %s", s->partial);
	}
	s->hw.fd = -1;
	return 0;
}

/* The facts of a closed segment, as its manifest record. */
static void
seg_record(struct cam_buf *b, const struct seg *s, AVFormatContext *oc,
    time_t wall_end, const char *sha, const char *why)
{
	const AVCodecParameters *v = oc->streams[0]->codecpar;
	const AVCodecParameters *a = oc->nb_streams > 1 ?
	    oc->streams[1]->codecpar : NULL;
	int64_t dur_ms = 0;

	if (s->base_us != AV_NOPTS_VALUE && s->end_us != AV_NOPTS_VALUE)
		dur_ms = (s->end_us - s->base_us) / 1000;
	cam_json_begin(b);
	cam_json_add_str(b, "file", s->rel);
	cam_json_add_time(b, "start", s->wall_start);
	cam_json_add_time(b, "end", wall_end);
	cam_json_add_int(b, "duration_ms", dur_ms);
	cam_json_add_int(b, "frames", s->frames);
	cam_json_add_uint(b, "bytes", s->hw.bytes);
	cam_json_add_str(b, "sha256", sha);
	cam_json_add_str(b, "codec", avcodec_get_name(v->codec_id));
	cam_json_add_int(b, "width", v->width);
	cam_json_add_int(b, "height", v->height);
	if (a != NULL)
		cam_json_add_str(b, "audio", avcodec_get_name(a->codec_id));
	else
		cam_json_add_null(b, "audio");
	cam_json_add_str(b, "closed", why);
}

/* Index the segment, then give it its final name (see cam_rec.h for why
 * in that order); with defer, the rename is left to the caller. */
static int
seg_commit(struct cam_journal *manifest, struct seg *s, struct cam_buf *rec,
    int defer, struct cam_err *e)
{
	/* The .partial's name lasts through a power cut only once its
	 * directory is synced: before that, a cut between the index and
	 * the rename would take a segment the manifest indexes. */
	if (cam_dir_sync_of(s->partial, e) == -1)
		return -1;
	if (cam_journal_append(manifest, "segment", cam_buf_str(rec), NULL,
	    e) == -1)
		return -1;
	if (defer)
		return 0;
	if (rename(s->partial, s->final) == -1)
		return cam_err_sys(e, "rename %s", s->partial);
	return cam_dir_sync_of(s->final, e);
}

/* ---- housekeeping beside the recording ---- */

/*
 * Called by the prune, in its thread, for each segment it deleted.  Only
 * a segment closed while it runs can still be named .partial (recovery
 * finished every other before the recording began): such a one is noted,
 * for prune_reap to remove instead of renaming.
 */
static void
prune_gone(void *arg, const char *file)
{
	struct rec *r = arg;
	char partial[PATH_MAX];

	if (snprintf(partial, sizeof(partial), "%s/%s.partial", r->c->root,
	    file) >= (int)sizeof(partial) || access(partial, F_OK) == -1)
		return;
	if (r->npruned == r->pruned_cap) {
		r->pruned_cap = r->pruned_cap ? 2 * r->pruned_cap : 16;
		r->pruned = cam_xrealloc(r->pruned, r->pruned_cap *
		    sizeof(*r->pruned));
	}
	r->pruned[r->npruned++] = cam_xstrdup(file);
}

static void
pruned_free(struct rec *r)
{
	for (size_t i = 0; i < r->npruned; i++)
		free(r->pruned[i]);
	free(r->pruned);
	r->pruned = NULL;
	r->npruned = r->pruned_cap = 0;
}

static void *
prune_main(void *arg)
{
	struct rec *r = arg;
	int nice;

	/* The recording comes first when the CPUs are busy: on Linux a
	 * thread has a nice value of its own. */
	errno = 0;
	nice = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno == 0)
		setpriority(PRIO_PROCESS, (id_t)gettid(), nice + PRUNE_NICE > 19 ?
		    19 : nice + PRUNE_NICE);
	r->c->prune(r->c->prune_arg, prune_gone, r);
	atomic_store(&r->prune_done, 1);
	return NULL;
}

/*
 * Start the prune beside the recording, unless one runs already.  The
 * new thread blocks every signal: a stop is taken by the recording
 * thread, which acts on it, and the prune's system calls are never
 * interrupted halfway through a journaled deletion.
 */
static void
prune_start(struct rec *r)
{
	sigset_t all, old;
	int err;

	if (r->pruning)
		return;
	atomic_store(&r->prune_done, 0);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&r->prune_thread, NULL, prune_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		tell(r->c, CAM_REC_ERROR, "starting the prune: %s",
		    strerror(err));
		return;
	}
	r->pruning = 1;
}

/* A segment indexed while the prune runs keeps its .partial name until
 * the prune has ended: the prune may be deleting it. */
static void
defer_rename(struct rec *r, const struct seg *s)
{
	struct deferred *d;

	r->deferred = cam_xrealloc(r->deferred, (r->ndeferred + 1) *
	    sizeof(*r->deferred));
	d = &r->deferred[r->ndeferred++];
	d->partial = cam_xstrdup(s->partial);
	d->final = cam_xstrdup(s->final);
	d->rel = cam_xstrdup(s->rel);
}

/* Give a deferred segment its final name, or remove it if the prune
 * journaled its deletion; each synced as seg_commit and the prune do. */
static void
finish_deferred(struct rec *r, const struct deferred *d, int deleted)
{
	struct cam_err e;

	cam_err_clear(&e);
	if (deleted) {
		if (unlink(d->partial) == -1)
			cam_err_sys(&e, "%s", d->partial);
		else
			cam_dir_sync_of(d->partial, &e);
	} else if (rename(d->partial, d->final) == -1)
		cam_err_sys(&e, "rename %s", d->partial);
	else
		cam_dir_sync_of(d->final, &e);
	if (e.msg[0] != '\0')
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
}

/*
 * Join the prune once it has ended (with wait, wait for it to end), then
 * finish the segments it held back.  Without wait this costs the
 * recording nothing while the prune runs.
 */
static void
prune_reap(struct rec *r, int wait)
{
	if (!r->pruning || (!wait && !atomic_load(&r->prune_done)))
		return;
	pthread_join(r->prune_thread, NULL);
	r->pruning = 0;
	for (size_t i = 0; i < r->ndeferred; i++) {
		struct deferred *d = &r->deferred[i];
		int deleted = 0;

		for (size_t k = 0; k < r->npruned && !deleted; k++)
			deleted = strcmp(r->pruned[k], d->rel) == 0;
		finish_deferred(r, d, deleted);
		free(d->partial);
		free(d->final);
		free(d->rel);
	}
	free(r->deferred);
	r->deferred = NULL;
	r->ndeferred = 0;
	pruned_free(r);
	/* What the prune loaded was freed in its thread's arena: give it
	 * back, the recorder's resident size is what stays. */
	malloc_trim(0);
}

/* ---- recording ---- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

/* The wall clock of the open segment's first picture, microseconds:
 * where the previous segment ended if it goes on from it, else from the
 * anchor as refined so far; INT64_MIN if not known yet. */
static int64_t
seg_start_us(const struct rec *r)
{
	if (r->seg.chain_us != INT64_MIN)
		return r->seg.chain_us;
	if (r->seg.base_us == AV_NOPTS_VALUE || r->offset_us == INT64_MAX)
		return INT64_MIN;
	return r->seg.base_us + r->offset_us;
}

/*
 * Close the open segment, for the reason why.  next_us is the stream
 * time (microseconds) of the keyframe that starts the next segment when
 * it goes on from this one (a boundary), else AV_NOPTS_VALUE: then this
 * segment ends there, and the next starts at this one's end to the
 * microsecond, so that neighbours neither overlap nor leave a hole.
 */
static int
close_segment(struct rec *r, const char *why, int64_t next_us)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err e;
	char sha[65];
	int64_t start_us, end_us = INT64_MIN;
	int rc = 0;

	r->chain_us = INT64_MIN;
	if (!r->open)
		return 0;
	r->open = 0;
	if (next_us != AV_NOPTS_VALUE && r->seg.end_us != AV_NOPTS_VALUE &&
	    next_us > r->seg.end_us)
		r->seg.end_us = next_us;
	cam_err_clear(&e);
	if (seg_finish(&r->seg, sha, &e) == -1) {
		/* The .partial stays; the next start recovers it. */
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
		if (r->seg.hw.err == ENOSPC || r->seg.hw.err == EDQUOT)
			r->disk_full = 1;
		seg_free(&r->seg);
		return -1;
	}
	/* The segment's times, from its stream timestamps and the anchor
	 * as refined by now. */
	time_t end = time(NULL);
	if ((start_us = seg_start_us(r)) != INT64_MIN) {
		end_us = r->seg.end_us + r->offset_us;
		/* The anchor only moves earlier as it is refined: a
		 * segment that starts where the last one ended may come
		 * out a few milliseconds shorter, never before its start. */
		if (end_us < start_us)
			end_us = start_us;
		r->seg.wall_start = (time_t)floor_div(start_us, 1000000);
		end = (time_t)floor_div(end_us, 1000000);
	}
	if (seg_names(&r->seg, r->c->root, r->c->cam->id, r->seg.wall_start,
	    r->seg.partial, &e) == -1) {
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
		seg_free(&r->seg);
		return -1;
	}
	/* The .partial follows the final name before the segment is
	 * indexed, so that recovery finds it under the indexed name. */
	char moved[PATH_MAX];
	if (snprintf(moved, sizeof(moved), "%s.partial", r->seg.final) <
	    (int)sizeof(moved) && strcmp(moved, r->seg.partial) != 0) {
		if (rename(r->seg.partial, moved) == -1) {
			tell(r->c, CAM_REC_ERROR, "rename %s: %s",
			    r->seg.partial, strerror(errno));
			seg_free(&r->seg);
			return -1;
		}
		memcpy(r->seg.partial, moved, sizeof(moved));
	}
	seg_record(&b, &r->seg, r->seg.oc, end, sha, why);
	cam_json_end(&b);
	if (seg_commit(r->manifest, &r->seg, &b, r->pruning, &e) == -1) {
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
		if (strstr(e.msg, "No space") != NULL)
			r->disk_full = 1;
		rc = -1;
	} else {
		if (r->pruning)
			defer_rename(r, &r->seg);
		if (next_us != AV_NOPTS_VALUE && end_us != INT64_MIN)
			r->chain_us = end_us;
		r->last_end = end;
		r->st.segments++;
		if (r->c->verbose)
			tell(r->c, CAM_REC_INFO, "segment %s (%lld frames, "
			    "%s)", r->seg.rel, (long long)r->seg.frames, why);
	}
	cam_buf_free(&b);
	seg_free(&r->seg);
	return rc;
}

static int
open_segment(struct rec *r, time_t pkt_wall, struct cam_err *e)
{
	time_t now = time(NULL);
	int64_t chain = r->chain_us;

	/* Prune before the disk is full, not after, and beside the
	 * recording: it may take long on a site's whole history. */
	if (r->c->prune != NULL && !r->pruning && low_space(r->c->root))
		prune_start(r);
	memset(&r->seg, 0, sizeof(r->seg));
	r->seg.hw.fd = -1;
	/* A first name from what we know now; close_segment renames it
	 * after the segment's real start. */
	r->chain_us = INT64_MIN;
	if (chain != INT64_MIN)
		now = (time_t)floor_div(chain, 1000000);
	else if (pkt_wall != 0)
		now = pkt_wall;
	if (seg_names(&r->seg, r->c->root, r->c->cam->id, now, NULL,
	    e) == -1)
		return -1;
	r->seg.wall_start = now;
	if (seg_open(&r->seg, r->ic, r->in_index, r->nslots, r->extradata,
	    r->extradata_size, r->c->cam->id, e) == -1) {
		if (r->seg.hw.err == ENOSPC || errno == ENOSPC)
			r->disk_full = 1;
		seg_free(&r->seg);
		unlink(r->seg.partial);
		return -1;
	}
	r->seg.chain_us = chain;
	r->open = 1;
	return 0;
}

/*
 * Is the keyframe at wall clock pkt_us past the open segment's boundary:
 * the next multiple of the segment length after its start, so that the
 * segments of all cameras line up on the clock?  Both times come from
 * the anchor as it is now: an anchor still too late (the packets of the
 * first seconds arrive in a burst) moves the two alike, and a segment
 * closes at the first keyframe past its true boundary.
 */
static int
past_boundary(const struct rec *r, int64_t pkt_us)
{
	int64_t len = r->c->cam->segment, start = seg_start_us(r);

	if (start == INT64_MIN || len <= 0)
		return 0;
	return pkt_us >= (floor_div(floor_div(start, 1000000), len) + 1) *
	    len * 1000000;
}

/* Parameter sets only in-band: take them from the first keyframe. */
static void
find_extradata(struct rec *r, AVPacket *pkt)
{
	const AVCodecParameters *par = r->ic->streams[r->in_index[0]]->codecpar;
	const AVBitStreamFilter *f;
	AVPacket *copy;
	uint8_t *side;
	size_t size;

	if (par->extradata_size > 0 || r->extradata != NULL)
		return;
	if (r->xtract == NULL) {
		if ((f = av_bsf_get_by_name("extract_extradata")) == NULL ||
		    av_bsf_alloc(f, &r->xtract) < 0)
			return;
		if (avcodec_parameters_copy(r->xtract->par_in, par) < 0 ||
		    av_bsf_init(r->xtract) < 0) {
			av_bsf_free(&r->xtract);
			return;
		}
	}
	if ((copy = av_packet_clone(pkt)) == NULL)
		return;
	if (av_bsf_send_packet(r->xtract, copy) == 0 &&
	    av_bsf_receive_packet(r->xtract, copy) == 0) {
		side = av_packet_get_side_data(copy, AV_PKT_DATA_NEW_EXTRADATA,
		    &size);
		if (side != NULL && size > 0 && size < (1 << 20)) {
			r->extradata = av_malloc(size);
			if (r->extradata != NULL) {
				memcpy(r->extradata, side, size);
				r->extradata_size = (int)size;
			}
		}
	}
	av_packet_free(&copy);
}

/*
 * Give pkt usable, increasing timestamps.  Returns 0 to write it, 1 to
 * drop it, 2 for a discontinuity (a new segment must start).
 */
static int
fix_timestamps(struct rec *r, int slot, AVPacket *pkt)
{
	AVStream *st = r->ic->streams[pkt->stream_index];
	int64_t last = r->last_dts[slot];

	if (pkt->dts == AV_NOPTS_VALUE)
		pkt->dts = pkt->pts;
	if (pkt->dts == AV_NOPTS_VALUE) {
		/* Neither: continue from the last one if we know the rate. */
		AVRational fr = st->avg_frame_rate;
		if (last == INT64_MIN)
			return 1;
		if (slot == 0 && fr.num > 0 && fr.den > 0)
			pkt->dts = last + av_rescale_q(1, av_inv_q(fr),
			    st->time_base);
		else if (pkt->duration > 0)
			pkt->dts = last + pkt->duration;
		else
			return 1;
		pkt->pts = pkt->dts;
	}
	if (pkt->pts == AV_NOPTS_VALUE)
		pkt->pts = pkt->dts;
	if (last != INT64_MIN) {
		int64_t step = av_rescale_q(pkt->dts - last, st->time_base,
		    AV_TIME_BASE_Q);
		if (slot == 0 && (step < -JUMP_BACK_US || step > JUMP_FWD_US))
			return 2;
		if (pkt->dts <= last) {
			/* Small disorder: nudge forward, the muxer needs
			 * strictly increasing DTS. */
			pkt->dts = last + 1;
			if (pkt->pts < pkt->dts)
				pkt->pts = pkt->dts;
		}
	}
	if (pkt->pts < pkt->dts)
		pkt->pts = pkt->dts;
	return 0;
}

static int
write_packet(struct rec *r, int slot, AVPacket *pkt, struct cam_err *e)
{
	AVStream *ist = r->ic->streams[pkt->stream_index];
	AVStream *ost;
	int64_t dts_us = av_rescale_q(pkt->dts, ist->time_base,
	    AV_TIME_BASE_Q);
	int ret;

	if (r->seg.omap[slot] < 0)
		return 0;
	ost = r->seg.oc->streams[r->seg.omap[slot]];
	if (slot == 0) {
		if (r->seg.base_us == AV_NOPTS_VALUE)
			r->seg.base_us = dts_us;
		int64_t dur = pkt->duration > 0 ? av_rescale_q(pkt->duration,
		    ist->time_base, AV_TIME_BASE_Q) : 0;
		r->seg.end_us = dts_us + dur;
		r->seg.frames++;
	} else if (r->seg.base_us == AV_NOPTS_VALUE ||
	    dts_us < r->seg.base_us)
		return 0;	/* audio from before the segment's first frame */
	/* Each segment starts at zero. */
	int64_t base = av_rescale_q(r->seg.base_us, AV_TIME_BASE_Q,
	    ist->time_base);
	pkt->dts -= base;
	pkt->pts -= base;
	av_packet_rescale_ts(pkt, ist->time_base, ost->time_base);
	pkt->stream_index = ost->index;
	pkt->pos = -1;
	int key = slot == 0 && (pkt->flags & AV_PKT_FLAG_KEY);
	int size = pkt->size;

	ret = av_interleaved_write_frame(r->seg.oc, pkt);
	if (ret >= 0) {
		r->st.bytes += (uint64_t)size;
		if (key)
			r->key_at = av_gettime_relative();
	}
	if (ret < 0) {
		if (r->seg.hw.err == ENOSPC || r->seg.hw.err == EDQUOT)
			r->disk_full = 1;
		if (r->seg.hw.err) {
			errno = r->seg.hw.err;
			return cam_err_sys(e, "%s", r->seg.partial);
		}
		return cam_err_av(e, ret, "%s: write", r->seg.partial);
	}
	return 0;
}

static void
drop_held(struct rec *r)
{
	for (int i = 0; i < r->nheld; i++)
		av_packet_free(&r->held[i]);
	r->nheld = 0;
	for (int i = 0; i < r->npend; i++)
		av_packet_free(&r->pend[i]);
	r->npend = 0;
	r->pend_bytes = 0;
}

static void
close_input(struct rec *r)
{
	drop_held(r);
	avformat_close_input(&r->ic);
	av_bsf_free(&r->xtract);
	av_freep(&r->extradata);
	r->extradata_size = 0;
}

/* Why FFmpeg failed, in English whatever the locale: these reasons go
 * into journal records (camera-down) and --json, and av_strerror says
 * a system error in the reader's language (strerror). */
static void
av_reason(int ret, char *why, size_t len)
{
	const char *d = ret < 0 && ret > -4096 ?
	    strerrordesc_np(AVUNERROR(ret)) : NULL;

	if (d != NULL)
		snprintf(why, len, "%s", d);
	else
		av_strerror(ret, why, len);
}

/* Connect; on failure why says what happened, in words for the journal. */
static int
open_input(struct rec *r, char *why, size_t whylen)
{
	const struct cam_camera *cam = r->c->cam;
	struct cam_buf url = CAM_BUF_INIT;
	AVDictionary *opts = NULL;
	char *user = NULL, *pass = NULL, timeout[32];
	struct cam_err e;
	int ret, v, a;

	cam_err_clear(&e);
	if (cam->credential != NULL) {
		/* Under systemd the unit hands the credentials over
		 * (LoadCredential=camera:...), so that the recorder's user
		 * need not read private/. */
		if (cam_secret_read_loaded(r->c->site_dir, cam->credential,
		    "camera", &user, &pass, &e) == -1) {
			snprintf(why, whylen, "credentials: %.400s", e.msg);
			return -1;
		}
		const char *u = r->url != NULL ? r->url : cam->url;
		const char *rest = strstr(u, "://") + 3;
		cam_buf_add(&url, u, (size_t)(rest - u));
		url_escape(&url, user);
		cam_buf_adds(&url, ":");
		url_escape(&url, pass);
		cam_buf_adds(&url, "@");
		cam_buf_adds(&url, rest);
		cam_secret_free(&user);
		cam_secret_free(&pass);
	} else
		cam_buf_adds(&url, r->url != NULL ? r->url : cam->url);

	if ((r->ic = avformat_alloc_context()) == NULL) {
		cam_buf_free(&url);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	r->ic->interrupt_callback.callback = interrupt_cb;
	r->ic->interrupt_callback.opaque = r;
	av_dict_set(&opts, "rtsp_transport", cam->transport, 0);
	snprintf(timeout, sizeof(timeout), "%lld",
	    (long long)r->c->io_timeout * 1000000);
	av_dict_set(&opts, "timeout", timeout, 0);
	av_dict_set(&opts, "allowed_media_types", "video+audio", 0);
	arm(r);
	ret = avformat_open_input(&r->ic, url.s, NULL, &opts);
	av_dict_free(&opts);
	cam_buf_free(&url);	/* wipes the password */
	if (ret < 0) {
		av_reason(ret, why, whylen);
		if (interrupt_cb(r) && !stopping(r))
			snprintf(why, whylen, "no answer in %d s",
			    r->c->io_timeout);
		return -1;
	}
	arm(r);
	r->ic->probesize = 2 * 1024 * 1024;
	r->ic->max_analyze_duration = 5 * AV_TIME_BASE;
	if ((ret = avformat_find_stream_info(r->ic, NULL)) < 0) {
		av_reason(ret, why, whylen);
		close_input(r);
		return -1;
	}
	v = av_find_best_stream(r->ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (v < 0) {
		snprintf(why, whylen, "no video stream");
		close_input(r);
		return -1;
	}
	a = av_find_best_stream(r->ic, AVMEDIA_TYPE_AUDIO, -1, v, NULL, 0);
	r->in_index[0] = v;
	r->in_index[1] = a >= 0 ? a : -1;
	r->nslots = a >= 0 ? 2 : 1;
	for (int i = 0; i < MAX_STREAMS; i++)
		r->last_dts[i] = INT64_MIN;
	r->offset_us = INT64_MAX;
	r->chain_us = INT64_MIN;
	r->nheld = 0;
	r->npend = 0;
	r->pend_bytes = 0;
	r->settled = 0;
	r->live_hdr = 0;
	r->conn_at = av_gettime_relative();
	for (unsigned i = 0; i < r->ic->nb_streams; i++)
		if ((int)i != v && (int)i != a)
			r->ic->streams[i]->discard = AVDISCARD_ALL;
	return 0;
}

/*
 * At a segment boundary: is the camera still this host's, with the
 * same settings, in the configuration in force (HEAD; camctl sync moves
 * it)?  Sets r->handover when not.  A configuration that cannot be read
 * now is told and the recording goes on: only a committed change ends
 * it (001 Dieu 10.3: maintenance must not interrupt recording).
 */
static void
config_check(struct rec *r)
{
	const struct cam_rec_conf *c = r->c;
	const struct cam_camera *cam;
	const char *h;
	struct cam_site s;
	struct cam_err e;

	if (c->site_dir == NULL || r->quit != NULL)
		return;
	cam_err_clear(&e);
	if (cam_site_open(&s, c->site_dir, &e) == -1) {
		tell(c, CAM_REC_ERROR, "%s", e.text);
		return;
	}
	cam = cam_config_camera(&s.cfg, c->cam->id);
	h = cam ? cam_camera_host(&s.cfg, cam) : NULL;
	if (cam == NULL) {
		r->handover = CAM_REC_MOVED;
		snprintf(r->ho_why, sizeof(r->ho_why), "removed");
	} else if (h != NULL && c->host != NULL && strcmp(h, c->host) != 0) {
		r->handover = CAM_REC_MOVED;
		snprintf(r->ho_why, sizeof(r->ho_why), "moved");
		snprintf(r->ho_to, sizeof(r->ho_to), "%s", h);
	} else if (!cam->enabled) {
		r->handover = CAM_REC_MOVED;
		snprintf(r->ho_why, sizeof(r->ho_why), "disabled");
	} else if (!cam_camera_same(cam, c->cam))
		r->handover = CAM_REC_CHANGED;
	if (r->handover != 0)
		snprintf(r->ho_rev, sizeof(r->ho_rev), "%s", s.rev);
	cam_site_close(&s);
}

static int
slot_of(const struct rec *r, int stream)
{
	for (int i = 0; i < r->nslots; i++)
		if (r->in_index[i] == stream)
			return i;
	return -1;
}

/* A step of the wall clock larger than this is journaled. */
#define CLOCK_STEP_US	(2LL * 1000 * 1000)

/* Has the wall clock moved against the monotonic clock? */
static void
watch_clock(struct rec *r)
{
	int64_t skew = av_gettime() - av_gettime_relative();

	if (r->skew_us == INT64_MIN)
		r->skew_us = skew;
	else if (llabs(skew - r->skew_us) > CLOCK_STEP_US) {
		r->step_us += skew - r->skew_us;
		r->skew_us = skew;
	}
}

/*
 * The wall clock was stepped: at this keyframe, close the segment on
 * the old clock (its times stay true to the footage), journal the step,
 * and take the stream's anchor from the new clock.  No packet is lost;
 * a step back cannot overwrite a segment (seg_names).
 */
static void
clock_stepped(struct rec *r)
{
	struct cam_buf b = CAM_BUF_INIT;

	if (r->open)
		close_segment(r, "clock-step", AV_NOPTS_VALUE);
	cam_json_begin(&b);
	cam_json_add_int(&b, "seconds", r->step_us / 1000000);
	cam_json_add_time(&b, "now", time(NULL));
	cam_json_end(&b);
	event(r, "clock-step", &b);
	r->offset_us = INT64_MAX;
	r->step_us = 0;
}

/*
 * A video packet, its timestamps fixed, to the live viewers (cam_live.h),
 * read at read_at (av_gettime()), wall_us its wall clock.  The stream's
 * header goes first, at the connection's first keyframe: the parameter
 * sets may come only in-band (find_extradata has run on it).
 */
static void
publish(struct rec *r, const AVPacket *pkt, int key, int64_t read_at,
    int64_t wall_us)
{
	if (r->live == NULL)
		return;
	if (!r->live_hdr) {
		const AVStream *st = r->ic->streams[r->in_index[0]];
		AVCodecParameters par = *st->codecpar;
		struct cam_err e;
		if (!key)
			return;
		if (par.extradata_size == 0 && r->extradata != NULL) {
			par.extradata = r->extradata;
			par.extradata_size = r->extradata_size;
		}
		if (cam_live_pub_header(r->live, &par, st->time_base.num,
		    st->time_base.den, &e) == -1)
			return;
		r->live_hdr = 1;
	}
	cam_live_pub_packet(r->live, pkt, read_at, wall_us);
	r->live_poll = av_gettime_relative() + LIVE_POLL_US;
}

/*
 * The rest of a packet's way once its timestamps are fixed: the clock,
 * the anchor, the segment boundary, and the write.  Takes pkt's data.
 * Returns -1 when recording on this connection must stop (why says why).
 */
static int
take(struct rec *r, int slot, AVPacket *pkt, int64_t read_at, char *why,
    size_t whylen)
{
	struct cam_err e;
	int key = slot == 0 && (pkt->flags & AV_PKT_FLAG_KEY);
	time_t pkt_wall = 0;
	int64_t dts_us = AV_NOPTS_VALUE, pkt_us = INT64_MIN;
	int rc = -1;

	r->last_dts[slot] = pkt->dts;
	prune_reap(r, 0);
	watch_clock(r);
	if (key && r->step_us != 0)
		clock_stepped(r);
	if (slot == 0) {
		AVStream *st = r->ic->streams[pkt->stream_index];
		dts_us = av_rescale_q(pkt->dts, st->time_base, AV_TIME_BASE_Q);
		int64_t o = read_at - dts_us;
		if (o < r->offset_us)
			r->offset_us = o;
		pkt_us = dts_us + r->offset_us;
		pkt_wall = (time_t)floor_div(pkt_us, 1000000);
		publish(r, pkt, key, read_at, pkt_us);
	}
	cam_err_clear(&e);
	if (r->open && key && past_boundary(r, pkt_us)) {
		close_segment(r, "boundary", dts_us);
		config_check(r);
		if (r->handover != 0) {
			snprintf(why, whylen, "stop");
			goto end;
		}
	}
	if (r->disk_full) {
		snprintf(why, whylen, "disk full");
		goto end;
	}
	if (!r->open) {
		if (!key) {	/* a segment starts with a keyframe */
			rc = 0;
			goto end;
		}
		if (open_segment(r, pkt_wall, &e) == -1) {
			snprintf(why, whylen, "%.400s", e.msg);
			goto end;
		}
	}
	if (write_packet(r, slot, pkt, &e) == -1) {
		snprintf(why, whylen, "%.400s", e.msg);
		close_segment(r, r->disk_full ? "disk-full" : "error",
		    AV_NOPTS_VALUE);
		goto end;
	}
	if (av_gettime_relative() >= r->seg.next_sync &&
	    seg_sync(&r->seg, &e) == -1) {
		/* What was written stays; the next sync tries again. */
		tell(r->c, CAM_REC_ERROR, "%s", e.text);
		if (r->seg.hw.err == ENOSPC || r->seg.hw.err == EDQUOT ||
		    errno == ENOSPC) {
			r->disk_full = 1;
			snprintf(why, whylen, "%.400s", e.msg);
			close_segment(r, "disk-full", AV_NOPTS_VALUE);
			goto end;
		}
		r->seg.next_sync = av_gettime_relative() + SYNC_US;
	}
	rc = 0;
end:
	av_packet_unref(pkt);
	return rc;
}

/*
 * The first video packet of a connection with a decoding timestamp has
 * come: those held before it go on its timeline, one frame apart in
 * decoding order just before it (they came before it), then on their
 * way.  A held packet keeps its presentation time if it has one (with
 * B-frames FFmpeg gives the first few a PTS and no DTS); one without
 * takes its DTS plus the first packet's reordering delay.
 */
static int
place_held(struct rec *r, const AVPacket *first, int64_t read_at, char *why,
    size_t whylen)
{
	AVStream *st = r->ic->streams[first->stream_index];
	AVRational fr = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den >
	    0 ? st->avg_frame_rate : st->r_frame_rate;
	int64_t step = first->duration > 0 ? first->duration : 0;
	int64_t delay = first->pts != AV_NOPTS_VALUE && first->pts >
	    first->dts ? first->pts - first->dts : 0;
	int n = r->nheld, rc = 0;

	if (step == 0 && fr.num > 0 && fr.den > 0)
		step = av_rescale_q(1, av_inv_q(fr), st->time_base);
	if (step <= 0)		/* no rate known: 25 frames a second */
		step = av_rescale_q(40000, AV_TIME_BASE_Q, st->time_base);
	if (step <= 0)
		step = 1;
	r->nheld = 0;
	for (int i = 0; i < n; i++) {
		AVPacket *p = r->held[i];
		p->dts = first->dts - (int64_t)(n - i) * step;
		if (p->pts == AV_NOPTS_VALUE)
			p->pts = p->dts + delay;
		if (p->pts < p->dts)
			p->pts = p->dts;
		if (p->duration <= 0)
			p->duration = step;
		if (rc == 0 && take(r, 0, p, read_at, why, whylen) == -1)
			rc = -1;
		av_packet_free(&r->held[i]);
	}
	return rc;
}

/*
 * Nanoseconds this thread has waited for a CPU while it could run
 * (/proc/thread-self/schedstat, second field), or -1 if unknown.  A read
 * that took long because the machine was busy, not because the network
 * had nothing, does not show that the recorder has caught up.
 */
static int64_t
run_delay(void)
{
	char buf[128];
	long long on, wait;
	ssize_t n;
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld", &on, &wait) != 2)
		return -1;
	return (int64_t)wait;
}

/*
 * One packet read from the camera at read_at (av_gettime()), on its way
 * to a segment.  Takes pkt's data.  Returns -1 when recording on this
 * connection must stop (why says why).
 */
static int
handle(struct rec *r, AVPacket *pkt, int64_t read_at, char *why,
    size_t whylen)
{
	int slot = slot_of(r, pkt->stream_index);

	if (slot < 0) {
		av_packet_unref(pkt);
		return 0;
	}
	int key = slot == 0 && (pkt->flags & AV_PKT_FLAG_KEY);
	if (key)
		find_extradata(r, pkt);
	/* Video without a timestamp before any with one: held, from a
	 * keyframe on, until one with a decoding timestamp places it on
	 * the timeline; so are those with only a presentation time that
	 * follow it (B-frames). */
	if (slot == 0 && pkt->dts == AV_NOPTS_VALUE &&
	    r->last_dts[0] == INT64_MIN && (r->nheld > 0 ||
	    pkt->pts == AV_NOPTS_VALUE)) {
		if ((key || r->nheld > 0) && r->nheld < HOLD_MAX &&
		    (r->held[r->nheld] = av_packet_clone(pkt)) != NULL)
			r->nheld++;
		else if (r->nheld == HOLD_MAX) {
			/* A stream with none: let them go. */
			for (int i = 0; i < r->nheld; i++)
				av_packet_free(&r->held[i]);
			r->nheld = 0;
		}
		av_packet_unref(pkt);
		return 0;
	}
	switch (fix_timestamps(r, slot, pkt)) {
	case 1:
		av_packet_unref(pkt);
		return 0;
	case 2: {
		struct cam_buf b = CAM_BUF_INIT;
		close_segment(r, "timestamp-jump", AV_NOPTS_VALUE);
		cam_json_begin(&b);
		cam_json_add_str(&b, "stream", "video");
		cam_json_end(&b);
		event(r, "timestamp-jump", &b);
		for (int i = 0; i < MAX_STREAMS; i++)
			r->last_dts[i] = INT64_MIN;
		r->offset_us = INT64_MAX;
		r->live_hdr = 0;	/* a new timeline for the viewers */
		if (!key) {
			av_packet_unref(pkt);
			return 0;
		}
		break;
	}
	}
	if (slot == 0 && r->nheld > 0 &&
	    place_held(r, pkt, read_at, why, whylen) == -1) {
		av_packet_unref(pkt);
		return -1;
	}
	return take(r, slot, pkt, read_at, why, whylen);
}

/*
 * The anchor has settled: seed it with the best of the queued packets
 * (the smallest time between capture and read), then send them on their
 * way in the order they came.
 */
static int
settle(struct rec *r, char *why, size_t whylen)
{
	int n = r->npend, rc = 0;

	r->settled = 1;
	for (int i = 0; i < n; i++) {
		const AVPacket *p = r->pend[i];
		if (p->stream_index != r->in_index[0] ||
		    p->dts == AV_NOPTS_VALUE)
			continue;
		int64_t o = r->pend_at[i] - av_rescale_q(p->dts,
		    r->ic->streams[p->stream_index]->time_base, AV_TIME_BASE_Q);
		if (o < r->offset_us)
			r->offset_us = o;
	}
	r->npend = 0;
	r->pend_bytes = 0;
	for (int i = 0; i < n; i++) {
		if (rc == 0 && handle(r, r->pend[i], r->pend_at[i], why,
		    whylen) == -1)
			rc = -1;
		av_packet_free(&r->pend[i]);
	}
	return rc;
}

/* Read and write until the camera stops sending, we are asked to stop,
 * or the disk is full.  why says which. */
/* Tell c->status what was written, if status_every seconds have gone
 * by since it was last told. */
static void
status_tick(struct rec *r, int connected)
{
	const struct cam_rec_conf *c = r->c;
	int64_t now = av_gettime_relative();

	if (c->status == NULL || c->status_every <= 0 || r->quit != NULL)
		return;
	if (now - r->st_at < (int64_t)c->status_every * 1000000)
		return;
	r->st.bitrate = (double)(r->st.bytes - r->st_bytes) * 8 * 1e6 /
	    (double)(now - r->st_at);
	r->st.key_age_ms = r->key_at ? (now - r->key_at) / 1000 : -1;
	r->st.connected = connected;
	r->st_at = now;
	r->st_bytes = r->st.bytes;
	c->status(c->status_arg, &r->st);
}

static void
pump(struct rec *r, char *why, size_t whylen)
{
	AVPacket *pkt = av_packet_alloc();
	int64_t read_end = INT64_MIN;
	int ret;

	if (pkt == NULL) {
		snprintf(why, whylen, "out of memory");
		return;
	}
	for (;;) {
		/* Since the last read returned, the camera's packets have
		 * waited in the connection's buffers (a stop too counts the
		 * work done after the last read). */
		int64_t t0 = av_gettime_relative();
		if (read_end != INT64_MIN && t0 - read_end > r->read_gap_us)
			r->read_gap_us = t0 - read_end;
		if (stopping(r)) {
			snprintf(why, whylen, "stop");
			break;
		}
		arm(r);
		int64_t d0 = r->settled ? -1 : run_delay();
		t0 = av_gettime_relative();
		ret = av_read_frame(r->ic, pkt);
		int64_t t1 = av_gettime_relative(), read_at = av_gettime();
		read_end = t1;
		int64_t waited = t1 - t0;
		if (d0 >= 0) {
			int64_t d1 = run_delay();
			if (d1 >= d0)
				waited -= (d1 - d0) / 1000;
		}
		if (ret < 0) {
			if (stopping(r))
				snprintf(why, whylen, "stop");
			else if (interrupt_cb(r))
				snprintf(why, whylen, "no data for %d s",
				    r->c->io_timeout);
			else if (ret == AVERROR_EOF)
				snprintf(why, whylen, "stream ended");
			else
				av_reason(ret, why, whylen);
			break;
		}
		if (!r->settled) {
			if (slot_of(r, pkt->stream_index) >= 0 &&
			    (r->pend[r->npend] = av_packet_clone(pkt)) !=
			    NULL) {
				r->pend_at[r->npend++] = read_at;
				r->pend_bytes += pkt->size;
			}
			av_packet_unref(pkt);
			if ((waited >= SETTLE_WAIT_US && r->npend > 0) ||
			    r->npend == PEND_MAX ||
			    r->pend_bytes >= PEND_BYTES ||
			    t1 - r->conn_at >= PEND_US) {
				if (settle(r, why, whylen) == -1)
					break;
			}
			continue;
		}
		if (handle(r, pkt, read_at, why, whylen) == -1)
			break;
		status_tick(r, 1);
	}
	/* What was queued is recorded, whatever ended the reading. */
	if (r->npend > 0) {
		char why2[512];
		settle(r, why2, sizeof(why2));
	}
	av_packet_free(&pkt);
}

static void
nap(struct rec *r, int seconds)
{
	for (int i = 0; i < seconds * 10 && !stopping(r); i++) {
		status_tick(r, 0);
		cam_live_pub_poll(r->live);
		usleep(100 * 1000);
	}
}

/* The live_url stream's reader gives up between tries at most this
 * long: it is only the wall's. */
#define WALL_BACKOFF_MAX	10

/*
 * The camera's wall stream (live_url): read in a thread of its own and
 * published on <camera>.wall.sock, never recorded.  It reconnects by
 * itself, and nothing it meets reaches the recording.
 */
static void *
wall_main(void *arg)
{
	struct rec *w = arg;
	AVPacket *pkt = av_packet_alloc();
	char why[512];
	int backoff = 1, down = 0, told = 0;

	if (pkt == NULL)
		return NULL;
	while (!stopping(w)) {
		why[0] = '\0';
		if (open_input(w, why, sizeof(why)) == 0) {
			/* Video only: the wall has no sound. */
			if (w->in_index[1] >= 0)
				w->ic->streams[w->in_index[1]]->discard =
				    AVDISCARD_ALL;
			if (down && w->c->verbose)
				tell(w->c, CAM_REC_INFO, "wall stream: back");
			backoff = 1;
			down = 0;
			for (;;) {
				arm(w);
				int ret = av_read_frame(w->ic, pkt);
				int64_t read_at = av_gettime();
				if (ret < 0) {
					if (stopping(w))
						break;
					if (interrupt_cb(w))
						snprintf(why, sizeof(why),
						    "no data for %d s",
						    w->c->io_timeout);
					else
						av_reason(ret, why,
						    sizeof(why));
					break;
				}
				if (pkt->stream_index != w->in_index[0]) {
					av_packet_unref(pkt);
					continue;
				}
				int key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
				if (key)
					find_extradata(w, pkt);
				switch (fix_timestamps(w, 0, pkt)) {
				case 1:
					av_packet_unref(pkt);
					continue;
				case 2:
					w->last_dts[0] = INT64_MIN;
					w->offset_us = INT64_MAX;
					w->live_hdr = 0;
					break;
				}
				w->last_dts[0] = pkt->dts;
				AVRational tb = w->ic->streams[
				    pkt->stream_index]->time_base;
				int64_t dts_us = av_rescale_q(pkt->dts, tb,
				    AV_TIME_BASE_Q);
				if (read_at - dts_us < w->offset_us)
					w->offset_us = read_at - dts_us;
				publish(w, pkt, key, read_at,
				    dts_us + w->offset_us);
				av_packet_unref(pkt);
			}
		}
		close_input(w);
		if (stopping(w))
			break;
		if (!down) {
			cam_live_pub_down(w->live, (int64_t)time(NULL),
			    why[0] ? why : "unknown");
			/* Not journaled (it is not recorded): told the first
			 * time, and every time when verbose. */
			if (!told || w->c->verbose)
				tell(w->c, CAM_REC_ERROR, "wall stream: %s",
				    why[0] ? why : "unknown");
			told = 1;
			down = 1;
		}
		nap(w, backoff);
		backoff = backoff * 2 > WALL_BACKOFF_MAX ? WALL_BACKOFF_MAX :
		    backoff * 2;
	}
	av_packet_free(&pkt);
	return NULL;
}

/* The wall stream's reader, beside the recorder. */
struct wall {
	struct rec w;
	atomic_int quit;
	pthread_t thread;
};

/* Publish the camera's streams, if c->live_dir says where: a failure is
 * told once, and the recording goes on without. */
static void
live_start(struct rec *r, struct wall **wp)
{
	const struct cam_rec_conf *c = r->c;
	struct cam_live_pub *pub;
	struct wall *wl;
	struct cam_err e;

	*wp = NULL;
	if (c->live_dir == NULL)
		return;
	if (cam_live_pub_open(&r->live, c->live_dir, c->cam->id,
	    CAM_LIVE_MAIN, &e) == -1) {
		tell(c, CAM_REC_ERROR, "live view: %s; recording goes on "
		    "without it", e.text);
		return;
	}
	if (c->cam->live_url == NULL)
		return;
	if (cam_live_pub_open(&pub, c->live_dir, c->cam->id, CAM_LIVE_WALL,
	    &e) == -1) {
		tell(c, CAM_REC_ERROR, "live view: %s", e.text);
		return;
	}
	wl = cam_xmalloc(sizeof(*wl));
	memset(wl, 0, sizeof(*wl));
	atomic_init(&wl->quit, 0);
	wl->w.c = c;
	wl->w.url = c->cam->live_url;
	wl->w.quit = &wl->quit;
	wl->w.live = pub;
	wl->w.skew_us = INT64_MIN;
	if (pthread_create(&wl->thread, NULL, wall_main, &wl->w) != 0) {
		tell(c, CAM_REC_ERROR, "live view: no thread for the wall "
		    "stream");
		cam_live_pub_close(pub);
		free(wl);
		return;
	}
	*wp = wl;
}

static void
live_stop(struct rec *r, struct wall *wl)
{
	if (wl != NULL) {
		atomic_store(&wl->quit, 1);
		pthread_join(wl->thread, NULL);
		cam_live_pub_close(wl->w.live);
		free(wl);
	}
	cam_live_pub_close(r->live);
	r->live = NULL;
}

int
cam_rec_lock(const char *root, const char *id, int *fd, struct cam_err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];

	*fd = -1;
	if (cam_rec_camdir(dir, sizeof(dir), root, id, e) == -1 ||
	    cam_mkdir_p(root, 0750, e) == -1 ||
	    cam_mkdir_under(root, id, 0750, e) == -1 ||
	    cam_path(path, sizeof(path), e, "%s/.lock", dir) == -1)
		return -1;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (*fd == -1)
		return cam_err_sys(e, "%s", path);
	if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		close(*fd);
		*fd = -1;
		return cam_errf(e, CAM_NO, "camera %s is being recorded on this "
		    "host (%s is locked)", id, path);
	}
	return 0;
}

/* Is there a handover record of rev in the manifest already? */
static int
handover_seen(void *arg, const struct cam_journal_rec *rec)
{
	const char *rev = arg;
	char got[41];

	if (strcmp(rec->kind, "handover") == 0 &&
	    cam_json_get_str(rec->data, "rev", got, sizeof(got)) == 0 &&
	    strcmp(got, rev) == 0)
		return 1;
	return 0;
}

/*
 * As the recorder starts: if the history in force moved the camera here
 * from another host, a handover record naming that host and the commit
 * (once per commit), so that this host's manifest says where the
 * footage before its first segment is.
 */
static void
came_from(struct rec *r)
{
	const struct cam_rec_conf *c = r->c;
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_repo repo;
	struct cam_err e;
	char from[256], rev[41], path[PATH_MAX];
	time_t when = 0;
	int k;

	if (c->site_dir == NULL || c->host == NULL)
		return;
	cam_err_clear(&e);
	if (cam_repo_open(&repo, c->site_dir, &e) == -1) {
		tell(c, CAM_REC_ERROR, "%s", e.text);
		return;
	}
	k = cam_sync_came_from(&repo, c->cam->id, c->host, from, rev, &when,
	    &e);
	cam_repo_close(&repo);
	if (k == -1)
		tell(c, CAM_REC_ERROR, "%s", e.text);
	if (k != 1 || cam_rec_manifest(path, sizeof(path), c->root,
	    c->cam->id, &e) == -1)
		return;
	k = cam_journal_foreach_since(path, CAM_JOURNAL_ALL, handover_seen,
	    rev, &e);
	if (k != 0)
		return;
	cam_json_begin(&b);
	cam_json_add_str(&b, "reason", "moved");
	cam_json_add_str(&b, "from", from);
	cam_json_add_str(&b, "rev", rev);
	cam_json_add_time(&b, "moved_at", when);
	cam_json_end(&b);
	event(r, "handover", &b);
}

int
cam_rec_record(const struct cam_rec_conf *c, struct cam_err *e)
{
	struct rec r;
	struct wall *wall = NULL;
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX], why[512];
	int backoff = 1, lockfd = -1, rc = -1, recovered = 0;

	memset(&r, 0, sizeof(r));
	r.skew_us = INT64_MIN;
	r.c = c;
	r.st_at = av_gettime_relative();	/* the first status interval */
	if (c->duration > 0)
		r.end_at = av_gettime_relative() +
		    (int64_t)c->duration * 1000000;
	if (cam_rec_camdir(r.camdir, sizeof(r.camdir), c->root, c->cam->id,
	    e) == -1 || cam_mkdir_p(c->root, 0750, e) == -1 ||
	    cam_mkdir_under(c->root, c->cam->id, 0750, e) == -1)
		return -1;
	/* One recorder per camera. */
	if (cam_rec_lock(c->root, c->cam->id, &lockfd, e) == -1)
		return -1;
	if (cam_rec_recover(c, &recovered, e) == -1)
		goto end;
	{
		struct cam_err re;
		if (cam_rec_reserve(c->root, 1, &re) == -1)
			tell(c, CAM_REC_ERROR, "%s", re.text);
	}
	if (cam_rec_manifest(path, sizeof(path), c->root, c->cam->id,
	    e) == -1 || cam_journal_open(&r.manifest, path, c->host, e) == -1)
		goto end;
	came_from(&r);
	cam_json_begin(&b);
	cam_json_add_str(&b, "url", c->cam->url);
	cam_json_add_str(&b, "transport", c->cam->transport);
	cam_json_add_int(&b, "segment", c->cam->segment);
	cam_json_add_int(&b, "pid", (int64_t)getpid());
	cam_json_end(&b);
	event(&r, "record-start", &b);
	live_start(&r, &wall);

	while (!stopping(&r)) {
		why[0] = '\0';
		if (open_input(&r, why, sizeof(why)) == 0) {
			if (r.down) {
				cam_json_begin(&b);
				cam_json_add_time(&b, "down_since", r.down_since);
				cam_json_add_int(&b, "down_seconds",
				    (int64_t)(time(NULL) - r.down_since));
				cam_json_end(&b);
				event(&r, "camera-up", &b);
				r.down = 0;
			}
			backoff = 1;
			pump(&r, why, sizeof(why));
			close_segment(&r, strcmp(why, "stop") == 0 ? "stop" :
			    "camera-down", AV_NOPTS_VALUE);
			close_input(&r);
			if (stopping(&r))
				break;
		} else
			close_input(&r);
		if (r.disk_full) {
			/* The reserve makes room to journal this, and for
			 * prune to journal its deletions. */
			struct cam_err re;
			cam_rec_reserve(c->root, 0, &re);
			cam_json_begin(&b);
			cam_json_add_str(&b, "path", r.camdir);
			cam_json_end(&b);
			event(&r, "disk-full", &b);
			/* Nothing is recorded until there is room: the prune
			 * runs now, after any that ran beside the recording. */
			prune_reap(&r, 1);
			if (c->prune != NULL) {
				c->prune(c->prune_arg, prune_gone, &r);
				pruned_free(&r);
			}
			r.disk_full = 0;
			if (cam_rec_reserve(c->root, 1, &re) == -1)
				tell(c, CAM_REC_ERROR, "%s", re.text);
			/* What the full disk cut short is recovered now. */
			cam_journal_close(&r.manifest);
			cam_err_clear(e);
			if (cam_rec_recover(c, &recovered, e) == -1)
				tell(c, CAM_REC_ERROR, "%s", e->text);
			cam_err_clear(e);
			if (cam_journal_open(&r.manifest, path, c->host,
			    e) == -1)
				goto end;
		} else if (!r.down) {
			cam_json_begin(&b);
			cam_json_add_str(&b, "reason", why[0] ? why :
			    "unknown");
			cam_json_end(&b);
			event(&r, "camera-down", &b);
			r.down = 1;
			r.down_since = time(NULL);
			cam_live_pub_down(r.live, (int64_t)r.down_since,
			    why[0] ? why : "unknown");
		}
		/* No segment boundary comes while the camera is down: the
		 * configuration in force is read again every so often
		 * instead, so that a camera moved away meanwhile is handed
		 * over all the same. */
		if (r.down && time(NULL) - r.down_checked >= DOWN_CHECK_EVERY) {
			r.down_checked = time(NULL);
			config_check(&r);
			if (r.handover != 0)
				break;
		}
		nap(&r, backoff);
		backoff = backoff * 2 > c->backoff_max ? c->backoff_max :
		    backoff * 2;
	}
	/* The prune's records come before the stop's, each whole. */
	prune_reap(&r, 1);
	/* Stopped by a signal: by camctl sync (systemctl stop) after the
	 * camera was moved away, the handover is journaled all the same.
	 * A changed camera stopped so is being restarted by whoever
	 * stopped it. */
	if (r.handover == 0 && c->stop != NULL && *c->stop) {
		config_check(&r);
		if (r.handover != CAM_REC_MOVED)
			r.handover = 0;
	}
	if (r.handover == CAM_REC_MOVED) {
		/* Where the footage of this camera goes on (or why it
		 * does not), for the gap to be explained on both hosts. */
		cam_json_begin(&b);
		cam_json_add_str(&b, "reason", r.ho_why);
		if (*r.ho_to != '\0')
			cam_json_add_str(&b, "to", r.ho_to);
		cam_json_add_str(&b, "rev", r.ho_rev);
		if (r.last_end != 0)
			cam_json_add_time(&b, "last_end", r.last_end);
		cam_json_end(&b);
		event(&r, "handover", &b);
	}
	cam_json_begin(&b);
	cam_json_add_str(&b, "reason", r.handover == CAM_REC_MOVED ?
	    "handover" : r.handover == CAM_REC_CHANGED ? "config-changed" :
	    c->stop != NULL && *c->stop ? "signal" : "duration");
	cam_json_add_int(&b, "read_gap_ms", (r.read_gap_us + 999) / 1000);
	cam_json_end(&b);
	event(&r, "record-stop", &b);
	rc = r.handover;
end:
	live_stop(&r, wall);
	close_segment(&r, "stop", AV_NOPTS_VALUE);
	close_input(&r);
	prune_reap(&r, 1);	/* r is on this stack: never left running */
	cam_journal_close(&r.manifest);
	cam_buf_free(&b);
	if (lockfd != -1)
		close(lockfd);
	return rc;
}

/* ---- recovery ---- */

struct partials {
	char **path;
	size_t n;
};

static struct partials *walk_found;

static int
walk_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 8 && strcmp(path + n - 8, ".partial") == 0 &&
	    strstr(path, "/quarantine/") == NULL) {
		walk_found->path = cam_xrealloc(walk_found->path,
		    (walk_found->n + 1) * sizeof(char *));
		walk_found->path[walk_found->n++] = cam_xstrdup(path);
	}
	return 0;
}

struct lookup {
	const char *rel;
	char sha[65];
	char orig[65];		/* original_sha256 of a recovered copy, or "" */
	int found;
	int deleted;		/* a "delete" record came after the index */
};

static int
lookup_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct lookup *l = arg;
	char file[PATH_MAX];

	/* A prune beside the recorder may delete a segment indexed while
	 * it ran, which keeps its .partial name until the prune ends. */
	if (l->found && strcmp(rec->kind, "delete") == 0 &&
	    cam_json_get_str(rec->data, "file", file, sizeof(file)) == 0 &&
	    strcmp(file, l->rel) == 0)
		l->deleted = 1;
	/* A segment indexed before the manifest's volume was closed is
	 * carried into the next one with the same DATA. */
	if ((strcmp(rec->kind, "segment") == 0 ||
	    strcmp(rec->kind, "carry") == 0) &&
	    cam_json_get_str(rec->data, "file", file, sizeof(file)) == 0 &&
	    strcmp(file, l->rel) == 0 &&
	    cam_json_get_str(rec->data, "sha256", l->sha, sizeof(l->sha)) == 0) {
		l->found = 1;
		l->deleted = 0;
		if (cam_json_get_str(rec->data, "original_sha256", l->orig,
		    sizeof(l->orig)) == -1)
			l->orig[0] = '\0';
	}
	return 0;
}

/* Make a file's bytes durable, as they are now. */
static int
file_sync(const char *path, struct cam_err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd == -1)
		return cam_err_sys(e, "%s", path);
	if (fsync(fd) == -1) {
		cam_err_sys(e, "fsync %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
quarantine(struct cam_journal *j, const char *camdir, const char *root,
    const char *partial, const char *why, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char qdir[PATH_MAX], dest[PATH_MAX], sha[65];
	const char *base = strrchr(partial, '/') + 1;
	uint64_t size;
	int rc = -1;

	if (cam_path(qdir, sizeof(qdir), e, "%s/quarantine", camdir) == -1 ||
	    cam_mkdir_under(root, qdir + strlen(root) + 1, 0750, e) == -1 ||
	    cam_path(dest, sizeof(dest), e, "%s/%s", qdir, base) == -1 ||
	    cam_crypto_sha256_file(partial, sha, &size, e) == -1)
		return -1;
	/* The same name may come again (the clock stepped back): never
	 * replace what an earlier recovery put here.  Recovery holds the
	 * camera's lock, so nothing else names files here meanwhile. */
	for (int n = 2; access(dest, F_OK) == 0 || errno != ENOENT; n++)
		if (n > 999 || cam_path(dest, sizeof(dest), e, "%s/%s.%d",
		    qdir, base, n) == -1)
			return n > 999 ? cam_errf(e, CAM_ENV, "%s: no free "
			    "name for %s", qdir, base) : -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", partial + strlen(root) + 1);
	cam_json_add_str(&b, "moved_to", dest + strlen(root) + 1);
	cam_json_add_uint(&b, "bytes", size);
	cam_json_add_str(&b, "sha256", sha);
	cam_json_add_str(&b, "reason", why);
	cam_json_end(&b);
	if (cam_journal_append(j, "quarantine", cam_buf_str(&b), NULL,
	    e) == -1)
		goto end;
	if (rename(partial, dest) == -1) {
		cam_err_sys(e, "rename %s", partial);
		goto end;
	}
	/* The new name first, then the old one's removal: a cut between
	 * leaves the file in both places, never in none. */
	if (cam_dir_sync(qdir, e) == -1)
		goto end;
	rc = cam_dir_sync_of(partial, e);
end:
	cam_buf_free(&b);
	return rc;
}

/* Copy every readable packet of a crashed segment into a new one. */
static int
salvage(const struct cam_rec_conf *c, struct cam_journal *j,
    const char *partial, int *copied, struct cam_err *e)
{
	AVFormatContext *ic = NULL;
	AVPacket *pkt = NULL;
	struct seg s;
	struct cam_buf b = CAM_BUF_INIT;
	char sha[65], osha[65];
	int in[MAX_STREAMS] = { -1, -1 }, n = 1, rc = -1;
	int64_t last[MAX_STREAMS] = { INT64_MIN, INT64_MIN };
	uint64_t osize;
	struct stat st;

	*copied = 0;
	memset(&s, 0, sizeof(s));
	s.hw.fd = -1;
	if (cam_crypto_sha256_file(partial, osha, &osize, e) == -1)
		return -1;
	if (avformat_open_input(&ic, partial, NULL, NULL) < 0 ||
	    avformat_find_stream_info(ic, NULL) < 0 ||
	    (in[0] = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL,
	    0)) < 0) {
		rc = 0;		/* nothing readable: the caller quarantines */
		goto end;
	}
	in[1] = av_find_best_stream(ic, AVMEDIA_TYPE_AUDIO, -1, in[0], NULL,
	    0);
	if (in[1] >= 0)
		n = 2;
	/* The recovered copy takes the final name; the crashed file is
	 * replaced only once the copy is indexed. */
	snprintf(s.final, sizeof(s.final), "%.*s",
	    (int)(strlen(partial) - 8), partial);
	if (cam_path(s.partial, sizeof(s.partial), e, "%s.recovering",
	    s.final) == -1)
		goto end;
	unlink(s.partial);	/* a salvage cut short before: redo it */
	snprintf(s.rel, sizeof(s.rel), "%s", s.final + strlen(c->root) + 1);
	/* The start time is in the name (the file's mtime if the name
	 * was not ours). */
	if (stat(partial, &st) == 0)
		s.wall_start = st.st_mtime;
	{
		const char *stamp = strrchr(s.final, '/') + 1 +
		    strlen(c->cam->id) + 1;
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		if (strptime(stamp, "%Y%m%dT%H%M%SZ", &tm) != NULL)
			s.wall_start = timegm(&tm);
	}
	if (seg_open(&s, ic, in, n, NULL, 0, c->cam->id, e) == -1)
		goto end;
	if ((pkt = av_packet_alloc()) == NULL) {
		cam_errf(e, CAM_ENV, "out of memory");
		goto end;
	}
	while (av_read_frame(ic, pkt) >= 0) {
		int slot = pkt->stream_index == in[0] ? 0 :
		    pkt->stream_index == in[1] ? 1 : -1;
		AVStream *ist = ic->streams[pkt->stream_index];
		if (slot < 0 || s.omap[slot] < 0 || pkt->dts == AV_NOPTS_VALUE ||
		    (last[slot] != INT64_MIN && pkt->dts <= last[slot])) {
			av_packet_unref(pkt);
			continue;
		}
		last[slot] = pkt->dts;
		if (pkt->pts == AV_NOPTS_VALUE || pkt->pts < pkt->dts)
			pkt->pts = pkt->dts;
		if (slot == 0) {
			int64_t us = av_rescale_q(pkt->dts, ist->time_base,
			    AV_TIME_BASE_Q);
			if (s.base_us == AV_NOPTS_VALUE)
				s.base_us = us;
			s.end_us = us + (pkt->duration > 0 ?
			    av_rescale_q(pkt->duration, ist->time_base,
			    AV_TIME_BASE_Q) : 0);
			s.frames++;
		}
		/* Not null: as in seg_finish. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		AVStream *ost = s.oc->streams[s.omap[slot]];
		av_packet_rescale_ts(pkt, ist->time_base, ost->time_base);
		pkt->stream_index = ost->index;
		pkt->pos = -1;
		if (av_interleaved_write_frame(s.oc, pkt) < 0) {
			if (s.hw.err) {
				errno = s.hw.err;
				cam_err_sys(e, "%s", s.partial);
			} else
				cam_errf(e, CAM_ENV, "%s: write failed",
				    s.partial);
			goto end;
		}
		av_packet_unref(pkt);
	}
	if (s.frames == 0) {
		rc = 0;
		goto end;
	}
	if (seg_finish(&s, sha, e) == -1)
		goto end;
	seg_record(&b, &s, s.oc, s.wall_start + (time_t)((s.end_us - s.base_us) /
	    1000000), sha, "recovered");
	cam_json_add_bool(&b, "recovered", 1);
	cam_json_add_uint(&b, "original_bytes", osize);
	cam_json_add_str(&b, "original_sha256", osha);
	cam_json_end(&b);
	if (seg_commit(j, &s, &b, 0, e) == -1)
		goto end;
	/* The crashed file is now replaced by its indexed copy.  The
	 * removal is synced too: a power cut would bring the file back
	 * (empty, if it was never synced) beside its copy, and the next
	 * recovery would quarantine it as "indexed with another hash". */
	if (unlink(partial) == -1) {
		cam_err_sys(e, "%s", partial);
		goto end;
	}
	if (cam_dir_sync_of(partial, e) == -1)
		goto end;
	*copied = (int)s.frames;
	rc = 0;
end:
	if (rc == -1 || *copied == 0)
		unlink(s.partial);
	cam_buf_free(&b);
	av_packet_free(&pkt);
	seg_free(&s);
	avformat_close_input(&ic);
	return rc;
}

/*
 * partial is the crashed original of a salvaged copy that the manifest
 * indexes under final with SHA-256 sha: a power cut came after the copy
 * was indexed and before the original's removal was durable (or before
 * the copy left its .recovering name).  Give the copy its name if it
 * still has the other, then remove the original, each synced.  *done
 * is 1 if so, 2 if the copy had to be renamed too, 0 if the copy is not
 * there whole (the original is then left for the caller).
 */
static int
finish_salvage(const char *partial, const char *final, const char *sha,
    int *done, struct cam_err *e)
{
	char copy[PATH_MAX], hex[65];
	uint64_t size;

	*done = 0;
	if (access(final, F_OK) == 0) {
		if (cam_crypto_sha256_file(final, hex, &size, e) == -1)
			return -1;
		if (strcmp(hex, sha) != 0)
			return 0;
		*done = 1;
	} else {
		if (cam_path(copy, sizeof(copy), e, "%s.recovering",
		    final) == -1)
			return -1;
		if (access(copy, F_OK) == -1)
			return 0;
		if (cam_crypto_sha256_file(copy, hex, &size, e) == -1)
			return -1;
		if (strcmp(hex, sha) != 0)
			return 0;
		if (rename(copy, final) == -1)
			return cam_err_sys(e, "rename %s", copy);
		if (cam_dir_sync_of(final, e) == -1)
			return -1;
		*done = 2;
	}
	if (unlink(partial) == -1)
		return cam_err_sys(e, "%s", partial);
	return cam_dir_sync_of(partial, e);
}

int
cam_rec_recover(const struct cam_rec_conf *c, int *recovered,
    struct cam_err *e)
{
	struct partials found = { NULL, 0 };
	struct cam_journal *j = NULL;
	char camdir[PATH_MAX], manifest[PATH_MAX];
	int rc = -1;

	*recovered = 0;
	if (cam_rec_camdir(camdir, sizeof(camdir), c->root, c->cam->id,
	    e) == -1 || cam_rec_manifest(manifest, sizeof(manifest), c->root,
	    c->cam->id, e) == -1)
		return -1;
	walk_found = &found;
	if (nftw(camdir, walk_cb, 16, FTW_PHYS) == -1 && errno != ENOENT) {
		cam_err_sys(e, "%s", camdir);
		goto end;
	}
	if (found.n == 0) {
		rc = 0;
		goto end;
	}
	/* A crashed recorder leaves what it wrote after its last sync (or
	 * all of it, if it never synced) only in the page cache, while
	 * the file's name may not be durable yet either.  The first
	 * directory sync below (a salvaged copy's, a quarantine's) makes
	 * the names of every .partial in that directory durable: their
	 * bytes must be durable before, or a power cut brings a file back
	 * empty beside the copy indexed from what was read, and the next
	 * recovery can only quarantine it. */
	for (size_t i = 0; i < found.n; i++)
		if (file_sync(found.path[i], e) == -1)
			goto end;
	if (cam_journal_open(&j, manifest, c->host, e) == -1)
		goto end;
	for (size_t i = 0; i < found.n; i++) {
		const char *p = found.path[i];
		struct lookup l;
		char final[PATH_MAX], sha[65];
		uint64_t size;
		int copied, done;

		memset(&l, 0, sizeof(l));
		snprintf(final, sizeof(final), "%.*s", (int)(strlen(p) - 8),
		    p);
		l.rel = final + strlen(c->root) + 1;
		/* Its record, and any deletion, are in the volumes from the
		 * one that holds the day before its last write. */
		struct stat pst;
		time_t since = stat(p, &pst) == 0 && pst.st_mtime > 86400 ?
		    pst.st_mtime - 86400 : CAM_JOURNAL_ALL;
		if (access(manifest, F_OK) == 0 &&
		    cam_journal_foreach_since(manifest, since, lookup_cb, &l,
		    e) == -1)
			goto end;
		if (l.found) {
			/* Indexed, then the crash came before the rename. */
			if (cam_crypto_sha256_file(p, sha, &size, e) == -1)
				goto end;
			if (strcmp(sha, l.sha) == 0 && l.deleted) {
				/* Its deletion is journaled: finish it. */
				if (unlink(p) == -1) {
					cam_err_sys(e, "%s", p);
					goto end;
				}
				if (cam_dir_sync_of(p, e) == -1)
					goto end;
				continue;
			}
			if (strcmp(sha, l.sha) == 0) {
				if (rename(p, final) == -1) {
					cam_err_sys(e, "rename %s", p);
					goto end;
				}
				(*recovered)++;
				continue;
			}
			if (l.orig[0] != '\0' && strcmp(sha, l.orig) == 0) {
				if (finish_salvage(p, final, l.sha, &done,
				    e) == -1)
					goto end;
				if (done == 2)
					(*recovered)++;
				if (done > 0)
					continue;
			}
			if (quarantine(j, camdir, c->root, p, "indexed with "
			    "another hash", e) == -1)
				goto end;
			continue;
		}
		if (salvage(c, j, p, &copied, e) == -1)
			goto end;
		if (copied > 0)
			(*recovered)++;
		else if (quarantine(j, camdir, c->root, p, "no readable video",
		    e) == -1)
			goto end;
	}
	rc = 0;
end:
	for (size_t i = 0; i < found.n; i++)
		free(found.path[i]);
	free(found.path);
	walk_found = NULL;
	cam_journal_close(&j);
	return rc;
}

/* ---- probing ---- */

int
cam_rec_probe(const struct cam_rec_conf *c, double seconds,
    struct cam_probe *p, struct cam_err *e)
{
	struct rec r;
	AVPacket *pkt = NULL;
	char why[512];
	int64_t bytes = 0, first = INT64_MIN, last = INT64_MIN;
	int64_t stop_at;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.skew_us = INT64_MIN;
	memset(p, 0, sizeof(*p));
	r.c = c;
	if (open_input(&r, why, sizeof(why)) == -1) {
		close_input(&r);
		return cam_errf(e, CAM_NO, "camera %s: %s", c->cam->id, why);
	}
	const AVStream *v = r.ic->streams[r.in_index[0]];
	snprintf(p->codec, sizeof(p->codec), "%s",
	    avcodec_get_name(v->codecpar->codec_id));
	p->width = v->codecpar->width;
	p->height = v->codecpar->height;
	if (r.in_index[1] >= 0)
		snprintf(p->audio, sizeof(p->audio), "%s", avcodec_get_name(
		    r.ic->streams[r.in_index[1]]->codecpar->codec_id));
	if ((pkt = av_packet_alloc()) == NULL) {
		cam_errf(e, CAM_ENV, "out of memory");
		goto end;
	}
	stop_at = av_gettime_relative() + (int64_t)(seconds * 1e6);
	while (av_gettime_relative() < stop_at && !stopping(&r)) {
		arm(&r);
		if (av_read_frame(r.ic, pkt) < 0)
			break;
		if (slot_of(&r, pkt->stream_index) >= 0)
			bytes += pkt->size;
		if (pkt->stream_index == r.in_index[0] &&
		    pkt->dts != AV_NOPTS_VALUE) {
			int64_t us = av_rescale_q(pkt->dts, v->time_base,
			    AV_TIME_BASE_Q);
			if (first == INT64_MIN)
				first = us;
			last = us;
			p->frames++;
			if (pkt->flags & AV_PKT_FLAG_KEY)
				p->keyframes++;
		}
		av_packet_unref(pkt);
	}
	if (p->frames < 2 || last <= first) {
		cam_errf(e, CAM_NO, "camera %s: no video arrived in %.0f s",
		    c->cam->id, seconds);
		goto end;
	}
	p->seconds = (double)(last - first) / 1e6;
	p->fps = (double)(p->frames - 1) / p->seconds;
	p->bitrate = (int64_t)((double)bytes * 8 / p->seconds);
	rc = 0;
end:
	av_packet_free(&pkt);
	close_input(&r);
	return rc;
}

static int
deadline_cb(void *opaque)
{
	return av_gettime_relative() > *(const int64_t *)opaque;
}

enum cam_rtsp_auth
cam_rec_probe_auth(const struct cam_camera *cam, int timeout, char *why,
    size_t len)
{
	AVFormatContext *ic;
	AVDictionary *opts = NULL;
	char us[32];
	int64_t deadline;
	int ret;

	snprintf(why, len, "?");
	if ((ic = avformat_alloc_context()) == NULL) {
		snprintf(why, len, "out of memory");
		return CAM_RTSP_UNPROBED;
	}
	/* The socket timeout covers each read; the deadline covers the
	 * whole exchange, a TLS handshake that stalls included. */
	deadline = av_gettime_relative() + (int64_t)timeout * 1000000;
	ic->interrupt_callback.callback = deadline_cb;
	ic->interrupt_callback.opaque = &deadline;
	av_dict_set(&opts, "rtsp_transport", cam->transport ? cam->transport :
	    "tcp", 0);
	snprintf(us, sizeof(us), "%lld", (long long)timeout * 1000000);
	av_dict_set(&opts, "timeout", us, 0);
	/* DESCRIBE and SETUP answer the question; no PLAY. */
	av_dict_set(&opts, "initial_pause", "1", 0);
	ret = avformat_open_input(&ic, cam->url, NULL, &opts);
	av_dict_free(&opts);
	if (ret >= 0) {
		avformat_close_input(&ic);
		return CAM_RTSP_OPEN;
	}
	/* avformat_open_input freed ic. */
	av_reason(ret, why, len);
	if (ret == AVERROR_HTTP_UNAUTHORIZED)
		return CAM_RTSP_AUTH;
	if (ret == AVERROR_HTTP_FORBIDDEN)
		return CAM_RTSP_FORBIDDEN;
	if (av_gettime_relative() > deadline)
		snprintf(why, len, "no answer in %d s", timeout);
	return CAM_RTSP_UNPROBED;
}

int
cam_rec_running(const char *root, const char *id)
{
	char path[PATH_MAX];
	int fd, running = 0;

	if (!cam_id_valid(id) || snprintf(path, sizeof(path), "%s/%s/.lock",
	    root, id) >= (int)sizeof(path))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		running = 1;
	close(fd);
	return running;
}
