/*
 * yeargen: the journals and segment files of a site that has recorded
 * for DAYS days, written through libcamkit without recording, for
 * bench/year (and for tests that need an old site quickly).
 *
 *	yeargen -C SITE -o ROOT [-c CAMERAS] [-d DAYS] [-r RETENTION]
 *	    [-j JOBS] [-w WITNESS_DAYS] [-b BYTES] [-e END]
 *	    [-m MEDIA -M CAMERA -F FROM -T TO]
 *
 * SITE is the configuration repository (made with camctl init, its
 * cameras cam01..camNN added with camctl camera add, the URL
 * rtsp://10.0.1.N:554/Streaming/Channels/101 for camera N); its
 * private/site.key and site.crt seal the journals, and its witness ref
 * gets the seals of the last WITNESS_DAYS days (default 2: a year of
 * witness commits, about 200 000, would take longer than the rest).
 * With -w 0 only the seals of holds.journal and extractions.journal
 * are witnessed, and camaudit journals finds the other journals' last
 * seals missing from the witness.
 * ROOT is its storage root.  The history ends at END (RFC 3339, default
 * now to the minute) and starts DAYS days (default 365) before.
 *
 * What a real site would have written, record for record as the
 * programs write them: each camera's manifest (record-start, a
 * "segment" record per 60 s segment aligned on the minute, camera-down
 * and camera-up around outages, record-stop and record-start around the
 * recorder's restarts), the hourly prune at :17 (a "delete" record per
 * segment past the retention, oldest first, held segments kept), the
 * hourly seal run at :47 (every journal with new records sealed with
 * cam_seal, then the configuration, then the run's audit record), the
 * guards' logbook of three shifts a day, a few evidence holds, a few
 * extractions, and the audit trail of all these acts.  Records carry
 * the generator's clock: this program's time() is that clock, for the
 * library and for OpenSSL and libgit2 too (certificate checks, CMS
 * signing times and witness commits are as at the record's time), so
 * the site key must be valid over the whole history.  Journals are
 * written unsynced (cam_journal_set_sync), synced at the end.
 *
 * Only the live segments exist as files: BYTES bytes (default 256) of
 * text naming the camera and start, hashed into their records.  With
 * -m, the segments of CAMERA overlapping [FROM - 60 s, TO + 60 s] hold
 * MEDIA instead (a real 60 s Matroska file), so that camextract can cut
 * a clip there.
 *
 * Cameras are generated in JOBS processes (default 2) up to the
 * witnessed days, which this process then writes for every journal in
 * time order.  Exit 0, 1 on failure, 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "journal/cam_journal.h"
#include "journal/cam_seal.h"
#include "media/cam_store.h"

#define SEG		60		/* segment length, seconds */
#define IO_TIMEOUT	10		/* camrec's seconds without data */
#define PRUNE_AT	(17 * 60 + 1)	/* the timer's minute in the hour */
#define SEAL_AT		(47 * 60)
#define NEVER		((time_t)INT64_MAX)
#define SVC		"camkit"	/* the service account of the timers */
#define SVC_UID		998

/* ---- the clock ---- */

/* The generator's clock: what time() says to camkit, OpenSSL and
 * libgit2 in this process.  Never goes back. */
static time_t gen_clock;

time_t
time(time_t *t)
{
	if (t != NULL)
		*t = gen_clock;
	return gen_clock;
}

/* Set the clock for one journal's next record: a journal's TIME never
 * goes back, though the journals are written in turns. */
static void
clock_at(time_t *last, time_t t)
{
	if (t < *last)
		t = *last;
	*last = t;
	gen_clock = t;
}

static void
die(const char *what, const struct cam_err *e)
{
	fprintf(stderr, "yeargen: %s: %s\n", what, e != NULL ? e->msg :
	    strerror(errno));
	exit(1);
}

/* A small deterministic generator (splitmix64): the same options give
 * the same site. */
static uint64_t
rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) / 9007199254740992.0;
}

/* ---- the plan: what happens when, known before any process forks ---- */

struct outage {
	time_t t;		/* last packet */
	time_t dur;		/* until the camera answers again */
};

struct hold {
	int cam;
	time_t from, to, placed, released;	/* released: NEVER if not */
	uint64_t id;		/* its seq in holds.journal, once written */
	int extraction;		/* index of the extraction, or -1 */
	const char *reason, *by;
};

struct extraction {
	time_t at;
	char id[32];
	int hold[2], nhold;
};

/* One seg of a camera's live queue. */
struct seg {
	time_t start, end;
	unsigned char media;
	unsigned char closed;	/* index into closed_why */
};

static const char *const closed_why[] = { "boundary", "camera-down",
	"stop" };

enum cstate { STOPPED, UP, DOWN };

struct cam {
	int idx;
	char id[16];
	char manifest[PATH_MAX];
	struct cam_journal *j;
	struct outage *out;
	size_t nout, oi;
	size_t ri;		/* next restart */
	enum cstate st;
	time_t seg_start;	/* UP: the open segment's start */
	time_t start_at;	/* STOPPED: when the recorder starts */
	time_t up_at;		/* DOWN: when the camera answers */
	time_t down_since;
	time_t prune_t, seal_t;
	time_t last;		/* TIME of its manifest's last record */
	struct seg *q;		/* live segments, oldest first, from qh */
	size_t qh, qn, qcap;
	struct seg *kept;	/* due but held when last pruned */
	size_t nkept, kcap;
};

/* One camera's part of one hourly prune and seal run. */
struct hstat {
	uint32_t deleted, held;
	uint64_t bytes;
	time_t oldest, newest;
	int sealed;
};

struct gen {
	const char *site, *root;
	int ncams, days, retention, jobs, witness_days;
	size_t bytes;
	char *pad;		/* bytes dots, the padding of every segment */
	time_t start, end, h0, wstart;
	size_t nhours;
	char host[256];
	char key[PATH_MAX], crt[PATH_MAX];
	struct cam_sealer *sealer;
	time_t *restart;
	size_t nrestart;
	struct hold *holds;
	size_t nholds;
	struct extraction *ex;
	size_t nex;
	struct hstat *stat;	/* [hour * ncams + cam], shared with jobs */
	/* -m */
	const char *media_path;
	struct cam_buf media;
	char media_sha[65];
	int media_cam;
	time_t media_from, media_to;
	int dry;		/* advance without writing */
};

static struct hstat *
hstat(struct gen *g, time_t t, int cam)
{
	size_t h = (size_t)((t - g->h0) / 3600);

	if (h >= g->nhours)
		h = g->nhours - 1;
	return &g->stat[h * (size_t)g->ncams + (size_t)cam];
}

static int
overlaps(time_t a0, time_t a1, time_t b0, time_t b1)
{
	return a0 < b1 && b0 < a1;
}

static void
plan(struct gen *g)
{
	uint64_t s = 42;

	/* The recorder restarts every 47 days (an upgrade, a reboot). */
	for (time_t t = g->start + 13 * 86400 + 2 * 3600; t < g->end;
	    t += 47 * 86400) {
		g->restart = cam_xrealloc(g->restart, (g->nrestart + 1) *
		    sizeof(*g->restart));
		g->restart[g->nrestart++] = t;
	}
	/* Extractions every 75 days back from 10 days ago, of a window two
	 * days before, on one or two cameras; each holds its footage
	 * until 60 days later.  Manual holds every 120 days back from 20
	 * days ago, never released. */
	for (int k = 0; ; k++) {
		time_t x = g->end - 10 * 86400 - (time_t)k * 75 * 86400 +
		    (time_t)(rnd_next(&s) % 3600);
		if (x < g->start + 3 * 86400)
			break;
		g->ex = cam_xrealloc(g->ex, (g->nex + 1) * sizeof(*g->ex));
		struct extraction *x1 = &g->ex[g->nex];
		memset(x1, 0, sizeof(*x1));
		x1->at = x;
		snprintf(x1->id, sizeof(x1->id), "YC-%03d", 100 - k);
		for (int c = 0; c < (k % 2 == 0 && g->ncams > 1 ? 2 : 1);
		    c++) {
			g->holds = cam_xrealloc(g->holds, (g->nholds + 1) *
			    sizeof(*g->holds));
			struct hold *h = &g->holds[g->nholds];
			h->cam = (k + c) % g->ncams;
			h->from = x - 2 * 86400 + 9 * 3600 + k * 37 * 60;
			h->from -= h->from % 60;
			h->to = h->from + 20 * 60;
			h->placed = x + 20 + c;
			h->released = x + 60 * 86400 < g->end ?
			    x + 60 * 86400 : NEVER;
			h->extraction = (int)g->nex;
			h->reason = NULL;	/* "request ID" */
			h->by = "vuvanf";
			h->id = 0;
			x1->hold[x1->nhold++] = (int)g->nholds++;
		}
		g->nex++;
	}
	for (int k = 0; ; k++) {
		time_t m = g->end - 20 * 86400 - (time_t)k * 120 * 86400 +
		    (time_t)(rnd_next(&s) % 3600);
		if (m < g->start + 6 * 86400)
			break;
		g->holds = cam_xrealloc(g->holds, (g->nholds + 1) *
		    sizeof(*g->holds));
		struct hold *h = &g->holds[g->nholds++];
		h->cam = (k * 5 + 1) % g->ncams;
		h->from = m - 5 * 86400 + 14 * 3600;
		h->from -= h->from % 60;
		h->to = h->from + 2 * 3600;
		h->placed = m;
		h->released = NEVER;
		h->extraction = -1;
		h->reason = "Báo mất trộm tại nhà xe, chờ công an xác minh";
		h->by = "hoangthie";
		h->id = 0;
	}
}

/* A camera's outages: on about one day in twelve, from a minute to
 * four hours; camera 3 is down for two days once.  None near a restart
 * nor near the -m window. */
static void
plan_outages(struct gen *g, struct cam *c)
{
	uint64_t s = 1000 + (uint64_t)c->idx;

	for (time_t d = g->start + 86400; d + 86400 < g->end; d += 86400) {
		double p = rnd_unit(&s), at = rnd_unit(&s),
		    len = rnd_unit(&s);
		struct outage o;

		if (p >= 1.0 / 12)
			continue;
		o.t = d + (time_t)(at * 80000);
		o.dur = (time_t)(60.0 * exp(len * log(240.0)));
		if (c->idx == 2 && c->nout == 3)
			o.dur = 2 * 86400;
		int bad = 0;
		for (size_t i = 0; i < g->nrestart; i++)
			bad |= overlaps(o.t - 7200, o.t + o.dur + 7200,
			    g->restart[i], g->restart[i] + 60);
		if (g->media_path != NULL && c->idx == g->media_cam)
			bad |= overlaps(o.t - 86400, o.t + o.dur + 86400,
			    g->media_from, g->media_to);
		if (o.t + o.dur + 120 >= g->end ||
		    (c->nout > 0 && o.t < c->out[c->nout - 1].t +
		    c->out[c->nout - 1].dur + 3600))
			bad = 1;
		if (bad)
			continue;
		c->out = cam_xrealloc(c->out, (c->nout + 1) * sizeof(*c->out));
		c->out[c->nout++] = o;
		if (o.dur >= 86400)
			d += (o.dur / 86400) * 86400;
	}
}

/* ---- segments ---- */

static void
seg_rel(const struct cam *c, time_t start, char *buf, size_t len)
{
	char stamp[32];
	struct tm tm;

	gmtime_r(&start, &tm);
	cam_time_format_compact(start, stamp, sizeof(stamp));
	snprintf(buf, len, "%s/%04d/%02d/%02d/%s-%s.mkv", c->id,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, c->id, stamp);
}

/* The bytes of a synthetic segment: text naming it, padded. */
static void
seg_content(const struct gen *g, const struct cam *c, const struct seg *s,
    struct cam_buf *b)
{
	char ts[40];

	b->len = 0;
	if (s->media) {
		cam_buf_add(b, g->media.s, g->media.len);
		return;
	}
	cam_time_format_utc(s->start, ts, sizeof(ts));
	cam_buf_addf(b, "camkit bench/year synthetic segment\ncamera %s\n"
	    "start %s\n", c->id, ts);
	if (b->len + 1 < g->bytes) {
		size_t pad = g->bytes - 1 - b->len;
		cam_buf_add(b, g->pad, pad);
	}
	cam_buf_add(b, "\n", 1);
}

static void
sha_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "yeargen: SHA-256 failed\n");
		exit(1);
	}
	for (unsigned i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[64] = '\0';
}

static void
seg_sha(const struct gen *g, const struct cam *c, const struct seg *s,
    char hex[65], uint64_t *bytes)
{
	static struct cam_buf b = CAM_BUF_INIT;

	if (s->media) {
		memcpy(hex, g->media_sha, 65);
		*bytes = g->media.len;
		return;
	}
	seg_content(g, c, s, &b);
	sha_hex(b.s, b.len, hex);
	*bytes = b.len;
}

/* ---- appending ---- */

static void
put(struct cam_journal *j, time_t *last, time_t t, const char *kind,
    struct cam_buf *b, uint64_t *seq)
{
	struct cam_journal_rec rec;
	struct cam_err e;

	clock_at(last, t);
	cam_err_clear(&e);
	if (cam_journal_append(j, kind, cam_buf_str(b), &rec, &e) == -1)
		die(kind, &e);
	if (seq != NULL)
		*seq = rec.seq;
	b->len = 0;
	b->s[0] = '\0';
}

static struct cam_journal *
jopen(struct gen *g, const char *path)
{
	struct cam_journal *j = NULL;
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_journal_open(&j, path, g->host, &e) == -1)
		die(path, &e);
	cam_journal_set_sync(j, 0);
	return j;
}

/* cam_seal as camctl seal calls it, then cam_store_rotate: a journal
 * begun in an earlier UTC month is closed as a volume NAME.YYYY-MM.
 * 1 sealed, 0 already current. */
static int
seal(struct gen *g, struct cam_journal *j, time_t *last, const char *name,
    time_t t, int witness)
{
	struct cam_err e;
	char closed[PATH_MAX];
	int rc;

	clock_at(last, t);
	cam_err_clear(&e);
	rc = cam_seal(j, name, g->sealer, witness ? g->site : NULL, &e);
	if (rc == -1)
		die(name, &e);
	cam_err_clear(&e);
	if (cam_store_rotate(name, j, *last, closed, sizeof(closed),
	    &e) == -1)
		die(name, &e);
	return rc == 0;
}

/* ---- one camera ---- */

static void
manifest_put(struct gen *g, struct cam *c, time_t t, const char *kind,
    struct cam_buf *b)
{
	if (g->dry) {
		b->len = 0;
		return;
	}
	put(c->j, &c->last, t, kind, b, NULL);
}

static void
close_seg(struct gen *g, struct cam *c, time_t end, int why)
{
	static struct cam_buf b = CAM_BUF_INIT;
	struct seg s;
	char rel[PATH_MAX], sha[65];
	uint64_t bytes;

	s.start = c->seg_start;
	s.end = end;
	s.closed = (unsigned char)why;
	s.media = g->media_path != NULL && c->idx == g->media_cam &&
	    overlaps(s.start, s.end, g->media_from - SEG, g->media_to + SEG);
	if (c->qn == c->qcap) {
		if (c->qh > c->qn / 2) {
			memmove(c->q, c->q + c->qh, (c->qn - c->qh) *
			    sizeof(*c->q));
			c->qn -= c->qh;
			c->qh = 0;
		} else {
			c->qcap = c->qcap ? 2 * c->qcap : 4096;
			c->q = cam_xrealloc(c->q, c->qcap * sizeof(*c->q));
		}
	}
	c->q[c->qn++] = s;
	if (g->dry)
		return;
	seg_rel(c, s.start, rel, sizeof(rel));
	seg_sha(g, c, &s, sha, &bytes);
	int64_t ms = (int64_t)(end - s.start) * 1000;
	if (!s.media && why == 0 && end - s.start == SEG)
		ms -= 40 * (int64_t)(s.start / 60 % 3 == 0);
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", rel);
	cam_json_add_time(&b, "start", s.start);
	cam_json_add_time(&b, "end", end);
	cam_json_add_int(&b, "duration_ms", ms);
	cam_json_add_int(&b, "frames", ms / 40);
	cam_json_add_uint(&b, "bytes", bytes);
	cam_json_add_str(&b, "sha256", sha);
	cam_json_add_str(&b, "codec", "h264");
	cam_json_add_int(&b, "width", 1920);
	cam_json_add_int(&b, "height", 1080);
	cam_json_add_null(&b, "audio");
	cam_json_add_str(&b, "closed", closed_why[why]);
	cam_json_end(&b);
	put(c->j, &c->last, end, "segment", &b, NULL);
}

static void
record_start(struct gen *g, struct cam *c, time_t t)
{
	struct cam_buf b = CAM_BUF_INIT;
	char url[128];

	snprintf(url, sizeof(url), "rtsp://10.0.1.%d:554/Streaming/Channels/101",
	    c->idx + 1);
	cam_json_begin(&b);
	cam_json_add_str(&b, "url", url);
	cam_json_add_str(&b, "transport", "tcp");
	cam_json_add_int(&b, "segment", SEG);
	cam_json_add_int(&b, "pid", 700 + (int64_t)(t % 30000) + c->idx);
	cam_json_end(&b);
	manifest_put(g, c, t, "record-start", &b);
	cam_buf_free(&b);
}

static int
held(const struct gen *g, const struct cam *c, const struct seg *s,
    time_t now)
{
	for (size_t i = 0; i < g->nholds; i++) {
		const struct hold *h = &g->holds[i];
		if (h->cam == c->idx && h->placed <= now &&
		    h->released > now && s->start <= h->to &&
		    s->end >= h->from)
			return 1;
	}
	return 0;
}

static void
delete_seg(struct gen *g, struct cam *c, const struct seg *s, time_t t,
    struct hstat *hs)
{
	static struct cam_buf b = CAM_BUF_INIT;
	char rel[PATH_MAX], sha[65];
	uint64_t bytes;

	if (g->dry) {
		if (hs != NULL)
			hs->deleted++;
		return;
	}
	seg_rel(c, s->start, rel, sizeof(rel));
	seg_sha(g, c, s, sha, &bytes);
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", rel);
	cam_json_add_str(&b, "sha256", sha);
	cam_json_add_uint(&b, "bytes", bytes);
	cam_json_add_time(&b, "start", s->start);
	cam_json_add_time(&b, "end", s->end);
	cam_json_add_str(&b, "reason", "retention");
	cam_json_end(&b);
	put(c->j, &c->last, t, "delete", &b, NULL);
	hs->deleted++;
	hs->bytes += bytes;
	if (hs->oldest == 0 || s->start < hs->oldest)
		hs->oldest = s->start;
	if (s->end > hs->newest)
		hs->newest = s->end;
}

/* The hourly prune's part for this camera: what cam_prune deletes,
 * oldest first: segments that ended before the retention's cutoff,
 * those under a standing hold kept (and counted). */
static void
prune(struct gen *g, struct cam *c, time_t t)
{
	time_t cutoff = t - (time_t)g->retention * 86400;
	struct hstat *hs = g->dry ? NULL : hstat(g, t, c->idx);
	size_t k = 0;

	/* Kept ones are older than the queue's. */
	for (size_t i = 0; i < c->nkept; i++) {
		if (held(g, c, &c->kept[i], t)) {
			if (hs != NULL)
				hs->held++;
			c->kept[k++] = c->kept[i];
		} else
			delete_seg(g, c, &c->kept[i], t, hs);
	}
	c->nkept = k;
	while (c->qh < c->qn && c->q[c->qh].end < cutoff) {
		struct seg *s = &c->q[c->qh++];
		if (held(g, c, s, t)) {
			if (hs != NULL)
				hs->held++;
			if (c->nkept == c->kcap) {
				c->kcap = c->kcap ? 2 * c->kcap : 64;
				c->kept = cam_xrealloc(c->kept, c->kcap *
				    sizeof(*c->kept));
			}
			c->kept[c->nkept++] = *s;
		} else
			delete_seg(g, c, s, t, hs);
	}
}

static time_t
next_boundary(time_t t)
{
	return (t / SEG + 1) * SEG;
}

/*
 * Advance camera c through every event before until: segment closes,
 * outages, restarts, prunes and (self_seal) its hourly seal.
 */
static void
cam_run(struct gen *g, struct cam *c, time_t until, int self_seal)
{
	struct cam_buf b = CAM_BUF_INIT;

	for (;;) {
		time_t tb = NEVER, to = NEVER, tr = NEVER, tu = NEVER,
		    ts = NEVER;
		if (c->st == UP)
			tb = next_boundary(c->seg_start);
		if (c->oi < c->nout)
			to = c->out[c->oi].t;
		if (c->ri < g->nrestart)
			tr = g->restart[c->ri] + c->idx;
		if (c->st == DOWN)
			tu = c->up_at;
		if (c->st == STOPPED)
			ts = c->start_at;
		time_t t = tb;
		if (to < t) t = to;
		if (tr < t) t = tr;
		if (tu < t) t = tu;
		if (ts < t) t = ts;
		if (c->prune_t < t) t = c->prune_t;
		if (c->seal_t < t) t = c->seal_t;
		if (t >= until || t >= g->end)
			break;
		if (t == c->prune_t) {
			prune(g, c, t);
			c->prune_t += 3600;
		} else if (t == c->seal_t) {
			if (self_seal && !g->dry)
				hstat(g, t, c->idx)->sealed = seal(g, c->j,
				    &c->last, c->manifest + strlen(g->root) + 1, t + 5 +
				    c->idx / 4, 0);
			c->seal_t += 3600;
		} else if (t == ts) {
			record_start(g, c, t);
			c->st = UP;
			c->seg_start = t + 2;
		} else if (t == tu) {
			cam_json_begin(&b);
			cam_json_add_time(&b, "down_since", c->down_since);
			cam_json_add_int(&b, "down_seconds",
			    (int64_t)(t - c->down_since));
			cam_json_end(&b);
			manifest_put(g, c, t, "camera-up", &b);
			c->st = UP;
			c->seg_start = t + 1;
		} else if (t == tr) {
			c->ri++;
			if (c->st == UP)
				close_seg(g, c, t, 2);
			cam_json_begin(&b);
			cam_json_add_str(&b, "reason", "signal");
			cam_json_end(&b);
			manifest_put(g, c, t, "record-stop", &b);
			if (c->st == DOWN) {
				/* Still down when the new recorder starts. */
				record_start(g, c, t + 4);
				cam_json_begin(&b);
				cam_json_add_str(&b, "reason",
				    "Connection timed out");
				cam_json_end(&b);
				manifest_put(g, c, t + 4 + IO_TIMEOUT,
				    "camera-down", &b);
				c->down_since = t + 4 + IO_TIMEOUT;
				if (c->up_at < c->down_since + 1)
					c->up_at = c->down_since + 1;
			} else {
				c->st = STOPPED;
				c->start_at = t + 4;
			}
		} else if (t == to) {
			const struct outage *o = &c->out[c->oi++];
			if (c->st != UP)
				continue;
			close_seg(g, c, o->t, 1);
			cam_json_begin(&b);
			cam_json_add_str(&b, "reason", "no data for 10 s");
			cam_json_end(&b);
			manifest_put(g, c, o->t + IO_TIMEOUT, "camera-down", &b);
			c->st = DOWN;
			c->down_since = o->t + IO_TIMEOUT;
			c->up_at = o->t + o->dur;
		} else {
			close_seg(g, c, tb, 0);
			c->seg_start = tb;
		}
	}
	cam_buf_free(&b);
}

static void
cam_init(struct gen *g, struct cam *c, int idx)
{
	struct cam_err e;

	memset(c, 0, sizeof(*c));
	c->idx = idx;
	snprintf(c->id, sizeof(c->id), "cam%02d", idx + 1);
	cam_err_clear(&e);
	if (cam_path(c->manifest, sizeof(c->manifest), &e, "%s/%s/manifest",
	    g->root, c->id) == -1)
		die(c->id, &e);
	plan_outages(g, c);
	c->st = STOPPED;
	c->start_at = g->start + 30 + idx;
	c->prune_t = g->h0 + PRUNE_AT;
	while (c->prune_t < g->start)
		c->prune_t += 3600;
	c->seal_t = g->h0 + SEAL_AT;
	while (c->seal_t < g->start)
		c->seal_t += 3600;
}

static void
cam_open(struct gen *g, struct cam *c)
{
	char dir[PATH_MAX];
	struct cam_err e;

	cam_err_clear(&e);
	snprintf(dir, sizeof(dir), "%s/%s", g->root, c->id);
	if (cam_mkdir_p(dir, 0750, &e) == -1)
		die(dir, &e);
	c->j = jopen(g, c->manifest);
}

static void
jclose_synced(struct cam_journal **j)
{
	int fd;

	if (*j == NULL)
		return;
	if ((fd = open(cam_journal_path(*j), O_RDONLY)) != -1) {
		fsync(fd);
		close(fd);
	}
	cam_journal_close(j);
}

/* The live segments' files, as the recorder left them. */
static void
cam_files(struct gen *g, struct cam *c)
{
	struct cam_buf b = CAM_BUF_INIT;
	char rel[PATH_MAX], path[PATH_MAX], last[PATH_MAX] = "";
	struct cam_err e;

	for (size_t pass = 0; pass < 2; pass++) {
		struct seg *v = pass == 0 ? c->kept : c->q + c->qh;
		size_t n = pass == 0 ? c->nkept : c->qn - c->qh;
		for (size_t i = 0; i < n; i++) {
			seg_rel(c, v[i].start, rel, sizeof(rel));
			char *slash = strrchr(rel, '/');
			*slash = '\0';
			if (strcmp(rel, last) != 0) {
				cam_err_clear(&e);
				if (cam_mkdir_under(g->root, rel, 0750,
				    &e) == -1)
					die(rel, &e);
				snprintf(last, sizeof(last), "%s", rel);
			}
			*slash = '/';
			if (cam_path(path, sizeof(path), &e, "%s/%s", g->root,
			    rel) == -1)
				die(rel, &e);
			seg_content(g, c, &v[i], &b);
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC,
			    0640);
			if (fd == -1 || write(fd, b.s, b.len) !=
			    (ssize_t)b.len || close(fd) == -1)
				die(path, NULL);
		}
	}
	cam_buf_free(&b);
}

/* ---- the site's own journals ---- */

struct top {
	struct cam_journal *audit, *logbook, *holds, *extractions;
	time_t audit_t, logbook_t, holds_t, extractions_t;
	char audit_p[PATH_MAX], logbook_p[PATH_MAX], holds_p[PATH_MAX],
	    extractions_p[PATH_MAX];
	uint64_t last_end;	/* the last shift-end, for the handover */
	uint64_t start_seq;	/* the open shift's start */
};

static void
audit(struct top *tp, time_t t, const char *actor, unsigned uid,
    const char *program, const char *verb, const char *object,
    const char *reason, const char *detail)
{
	static struct cam_buf b = CAM_BUF_INIT;

	cam_json_begin(&b);
	cam_json_add_str(&b, "actor", actor);
	cam_json_add_uint(&b, "uid", uid);
	cam_json_add_str(&b, "program", program);
	cam_json_add_str(&b, "verb", verb);
	if (object != NULL)
		cam_json_add_str(&b, "object", object);
	cam_json_add_str(&b, "outcome", "granted");
	if (reason != NULL)
		cam_json_add_str(&b, "reason", reason);
	if (detail != NULL)
		cam_json_add_raw(&b, "detail", detail);
	cam_json_end(&b);
	put(tp->audit, &tp->audit_t, t, "audit", &b, NULL);
}

static const struct { const char *name; unsigned uid; } guards[] = {
	{ "nguyenvana", 1001 }, { "tranvanb", 1002 }, { "lethic", 1003 },
	{ "phamvand", 1004 },
};
#define NGUARDS	4

static const char *const notes[] = {
	"Tuần tra khuôn viên, không có gì bất thường.",
	"Kiểm tra màn hình giám sát, các camera hoạt động bình thường.",
	"Xe giao văn phòng phẩm vào cổng phụ, đã ghi sổ khách.",
	"Khóa cửa các phòng làm việc tầng 1 và tầng 2.",
	"Đoàn khách của Sở đến làm việc, đã hướng dẫn vào phòng họp.",
	"Mất điện 5 phút, máy phát điện đã chạy, ghi hình bình thường.",
};
#define NNOTES	(sizeof(notes) / sizeof(notes[0]))

static const char *const events[][2] = {
	{ "suspicious", "Người lạ đứng lâu trước cổng, đã hỏi và mời đi." },
	{ "fault", "Hình ảnh bị mờ do mưa, đã lau kính camera." },
	{ "incident", "Va chạm nhẹ giữa hai xe máy ở bãi xe, không ai bị "
	    "thương, đã lập biên bản." },
	{ "maintenance", "Kỹ thuật viên kiểm tra nguồn camera theo lịch." },
};

/* A guard's act: the logbook record, then camlog's audit record. */
static void
logbook_act(struct top *tp, time_t t, int guard, const char *kind,
    struct cam_buf *data, const char *verb, const char *camera,
    uint64_t *seq_out)
{
	uint64_t seq;
	char obj[32];

	put(tp->logbook, &tp->logbook_t, t, kind, data, &seq);
	snprintf(obj, sizeof(obj), "%" PRIu64, seq);
	audit(tp, t, guards[guard].name, guards[guard].uid, "camlog", verb,
	    camera != NULL ? camera : obj, NULL, NULL);
	if (seq_out != NULL)
		*seq_out = seq;
}

static void
hold_add(struct gen *g, struct top *tp, struct hold *h, const char *reason)
{
	struct cam_buf b = CAM_BUF_INIT;
	char cam[16];

	snprintf(cam, sizeof(cam), "cam%02d", h->cam + 1);
	cam_json_begin(&b);
	cam_json_add_str(&b, "camera", cam);
	cam_json_add_time(&b, "from", h->from);
	cam_json_add_time(&b, "to", h->to);
	cam_json_add_str(&b, "reason", reason);
	cam_json_add_str(&b, "by", h->by);
	cam_json_end(&b);
	if (tp->holds == NULL)
		tp->holds = jopen(g, tp->holds_p);
	put(tp->holds, &tp->holds_t, h->placed, "hold", &b, &h->id);
	cam_buf_free(&b);
}

/* The site's own acts, in time order. */
enum act_kind { A_START, A_RESTART, A_SHIFT_START, A_ENTRY, A_SHIFT_END,
	A_HOLD, A_EXTRACT, A_RELEASE };

struct act {
	time_t t;
	enum act_kind kind;
	int i;			/* hold, extraction; entry: note or event */
	int guard, cam;		/* entry: camera or -1 */
};

static int
act_cmp(const void *a, const void *b)
{
	const struct act *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static void
do_act(struct gen *g, struct top *tp, const struct act *a)
{
	struct cam_buf b = CAM_BUF_INIT;
	char obj[64], detail[256], cam[16];
	const char *who = guards[a->guard].name;

	switch (a->kind) {
	case A_START:
	case A_RESTART:
		for (int c = 0; c < g->ncams; c++) {
			snprintf(obj, sizeof(obj), "cam%02d", c + 1);
			if (a->kind == A_RESTART)
				audit(tp, a->t + c, SVC, SVC_UID, "camrec",
				    "record stop", obj, NULL, NULL);
			audit(tp, a->t + c + (a->kind == A_RESTART ? 4 : 30),
			    SVC, SVC_UID, "camrec", "record start", obj, NULL,
			    NULL);
		}
		break;
	case A_SHIFT_START:
		cam_json_begin(&b);
		cam_json_add_str(&b, "author", who);
		cam_json_add_uint(&b, "uid", guards[a->guard].uid);
		if (tp->last_end != 0) {
			cam_json_add_uint(&b, "acknowledges", tp->last_end);
			cam_json_add_str(&b, "from",
			    guards[(a->guard + NGUARDS - 1) % NGUARDS].name);
		}
		cam_json_end(&b);
		logbook_act(tp, a->t, a->guard, "shift-start", &b,
		    "shift start", NULL, &tp->start_seq);
		break;
	case A_ENTRY:
		cam_json_begin(&b);
		cam_json_add_str(&b, "author", who);
		cam_json_add_uint(&b, "uid", guards[a->guard].uid);
		if (a->cam >= 0) {
			snprintf(cam, sizeof(cam), "cam%02d", a->cam + 1);
			cam_json_add_str(&b, "camera", cam);
			cam_json_add_str(&b, "text", events[a->i][1]);
			cam_json_end(&b);
			logbook_act(tp, a->t, a->guard, events[a->i][0], &b,
			    "add", cam, NULL);
		} else {
			cam_json_add_str(&b, "text", notes[a->i]);
			cam_json_end(&b);
			logbook_act(tp, a->t, a->guard, "note", &b, "add", NULL,
			    NULL);
		}
		break;
	case A_SHIFT_END:
		cam_json_begin(&b);
		cam_json_add_str(&b, "author", who);
		cam_json_add_uint(&b, "uid", guards[a->guard].uid);
		cam_json_add_uint(&b, "shift", tp->start_seq);
		cam_json_add_str(&b, "handover_to",
		    guards[(a->guard + 1) % NGUARDS].name);
		cam_json_add_str(&b, "note", "Bàn giao ca, các camera hoạt "
		    "động bình thường.");
		cam_json_end(&b);
		logbook_act(tp, a->t, a->guard, "shift-end", &b, "shift end",
		    NULL, &tp->last_end);
		break;
	case A_HOLD: {
		struct hold *h = &g->holds[a->i];
		hold_add(g, tp, h, h->reason);
		snprintf(obj, sizeof(obj), "cam%02d hold %" PRIu64, h->cam + 1,
		    h->id);
		audit(tp, h->placed, h->by, 1010, "camrec", "hold add", obj,
		    h->reason, NULL);
		break;
	}
	case A_EXTRACT: {
		struct extraction *x = &g->ex[a->i];
		char reason[64], sha[65], archive[64];
		snprintf(reason, sizeof(reason), "request %s", x->id);
		for (int k = 0; k < x->nhold; k++)
			hold_add(g, tp, &g->holds[x->hold[k]], reason);
		sha_hex(x->id, strlen(x->id), sha);
		snprintf(archive, sizeof(archive), "%s.tar", x->id);
		cam_json_begin(&b);
		cam_json_add_str(&b, "id", x->id);
		cam_json_add_str(&b, "request_sha256", sha);
		cam_json_add_str(&b, "archive", archive);
		cam_json_add_str(&b, "by", "vuvanf");
		cam_json_end(&b);
		if (tp->extractions == NULL)
			tp->extractions = jopen(g, tp->extractions_p);
		put(tp->extractions, &tp->extractions_t, x->at + 40,
		    "extraction", &b, NULL);
		snprintf(detail, sizeof(detail), "{\"archive\":\"%s\","
		    "\"cameras\":%d,\"encrypted\":false}", archive, x->nhold);
		audit(tp, x->at + 41, "vuvanf", 1011, "camextract", "run",
		    x->id, NULL, detail);
		break;
	}
	case A_RELEASE: {
		struct hold *h = &g->holds[a->i];
		const char *why = "Đã bàn giao bản trích xuất, hồ sơ khép lại";
		cam_json_begin(&b);
		cam_json_add_uint(&b, "hold", h->id);
		cam_json_add_str(&b, "reason", why);
		cam_json_add_str(&b, "by", "hoangthie");
		cam_json_end(&b);
		put(tp->holds, &tp->holds_t, h->released, "release", &b, NULL);
		snprintf(obj, sizeof(obj), "%" PRIu64, h->id);
		audit(tp, h->released, "hoangthie", 1010, "camrec",
		    "hold release", obj, why, NULL);
		break;
	}
	}
	cam_buf_free(&b);
}

static struct act *
acts_plan(struct gen *g, size_t *n)
{
	struct act *v = NULL;
	size_t k = 0;
	uint64_t rs = 7;
	int guard = 0;

#define ADD(T, K, I, G, C) do { \
	v = cam_xrealloc(v, (k + 1) * sizeof(*v)); \
	v[k].t = (T); v[k].kind = (K); v[k].i = (I); v[k].guard = (G); \
	v[k].cam = (C); k++; \
} while (0)
	ADD(g->start, A_START, 0, 0, -1);
	/* Shifts at 06:00, 14:00, 22:00 in Asia/Ho_Chi_Minh (UTC+7): one
	 * to three entries each, one in fifteen about a camera. */
	for (time_t t = (g->start / 86400) * 86400 - 3600; t < g->end;
	    t += 8 * 3600) {
		if (t < g->start || t + 8 * 3600 >= g->end)
			continue;
		ADD(t + 120 + (time_t)(rnd_next(&rs) % 240), A_SHIFT_START, 0,
		    guard, -1);
		int ne = 1 + (int)(rnd_next(&rs) % 3);
		for (int i = 0; i < ne; i++) {
			time_t at = t + 1800 + (time_t)i * 8000 +
			    (time_t)(rnd_next(&rs) % 5000);
			if (rnd_next(&rs) % 15 == 0)
				ADD(at, A_ENTRY, (int)(rnd_next(&rs) % 4),
				    guard, (int)(rnd_next(&rs) %
				    (uint64_t)g->ncams));
			else
				ADD(at, A_ENTRY, (int)(rnd_next(&rs) % NNOTES),
				    guard, -1);
		}
		ADD(t + 8 * 3600 - 300, A_SHIFT_END, 0, guard, -1);
		guard = (guard + 1) % NGUARDS;
	}
	for (size_t i = 0; i < g->nholds; i++) {
		if (g->holds[i].extraction == -1)
			ADD(g->holds[i].placed, A_HOLD, (int)i, 0, -1);
		if (g->holds[i].released != NEVER)
			ADD(g->holds[i].released, A_RELEASE, (int)i, 0, -1);
	}
	for (size_t i = 0; i < g->nex; i++)
		ADD(g->ex[i].at, A_EXTRACT, (int)i, 0, -1);
	for (size_t i = 0; i < g->nrestart; i++)
		ADD(g->restart[i], A_RESTART, 0, 0, -1);
#undef ADD
	qsort(v, k, sizeof(*v), act_cmp);
	*n = k;
	return v;
}

/* The hourly prune's audit record: the cameras' parts summed. */
static void
prune_audit(struct gen *g, struct top *tp, time_t t)
{
	struct hstat sum;
	char a[40], b[40], detail[512];

	memset(&sum, 0, sizeof(sum));
	for (int c = 0; c < g->ncams; c++) {
		const struct hstat *h = hstat(g, t, c);
		sum.deleted += h->deleted;
		sum.bytes += h->bytes;
		sum.held += h->held;
		if (h->deleted && (sum.oldest == 0 || h->oldest < sum.oldest))
			sum.oldest = h->oldest;
		if (h->newest > sum.newest)
			sum.newest = h->newest;
	}
	cam_time_format_utc(sum.oldest, a, sizeof(a));
	cam_time_format_utc(sum.newest, b, sizeof(b));
	if (sum.deleted)
		snprintf(detail, sizeof(detail), "{\"deleted\":%u,\"bytes\":%"
		    PRIu64 ",\"by_age\":%u,\"by_capacity\":0,\"held\":%u,"
		    "\"oldest\":\"%s\",\"newest\":\"%s\",\"still_over\":false}",
		    sum.deleted, sum.bytes, sum.deleted, sum.held, a, b);
	else
		snprintf(detail, sizeof(detail), "{\"deleted\":0,\"bytes\":0,"
		    "\"by_age\":0,\"by_capacity\":0,\"held\":%u,"
		    "\"still_over\":false}", sum.held);
	audit(tp, t + 1 + (time_t)(sum.deleted / 3000), SVC, SVC_UID,
	    "camrec", "prune", NULL, NULL, detail);
}

/* The hourly seal run, in camctl seal's order: audit, logbook, holds,
 * extractions, then the manifests (sealed by their jobs before the
 * witnessed days, here after), the configuration, and its own audit
 * record. */
static void
seal_run(struct gen *g, struct top *tp, struct cam *cams, time_t t,
    int witness)
{
	int sealed = 0, current = 0;
	char detail[128];
	struct cam_err e;

	struct { struct cam_journal *j; time_t *last; const char *name; }
	    top[] = {
		{ tp->audit, &tp->audit_t, "audit.journal" },
		{ tp->logbook, &tp->logbook_t, "logbook.journal" },
		{ tp->holds, &tp->holds_t, "holds.journal" },
		{ tp->extractions, &tp->extractions_t, "extractions.journal" },
	};
	for (size_t i = 0; i < 4; i++) {
		if (top[i].j == NULL)
			continue;
		/* holds and extractions are sealed a few times a year:
		 * all their seals are witnessed, so that their last one
		 * is, as on a real site. */
		if (seal(g, top[i].j, top[i].last, top[i].name, t + 1,
		    witness || i >= 2))
			sealed++;
		else
			current++;
	}
	for (int c = 0; c < g->ncams; c++) {
		int k;
		if (witness) {
			k = seal(g, cams[c].j, &cams[c].last, cams[c].manifest +
			    strlen(g->root) + 1, t + 5 + c / 4, 1);
			hstat(g, t, c)->sealed = k;
		} else
			k = hstat(g, t, c)->sealed;
		if (k)
			sealed++;
		else
			current++;
	}
	if (witness) {
		cam_err_clear(&e);
		if (cam_seal_config(g->site, g->host, &e) == -1)
			die("witness of the configuration", &e);
	}
	snprintf(detail, sizeof(detail), "{\"sealed\":%d,\"current\":%d,"
	    "\"failed\":0}", sealed, current);
	audit(tp, t + 6 + g->ncams / 4, SVC, SVC_UID, "camctl", "seal",
	    NULL, NULL, detail);
}

/* ---- main ---- */

static void
usage(void)
{
	fprintf(stderr, "usage: yeargen -C site -o root [-c cameras] "
	    "[-d days] [-r retention] [-j jobs]\n"
	    "       [-w witness-days] [-b bytes] [-e end] "
	    "[-m media -M camera -F from -T to]\n");
	exit(2);
}

static long
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static time_t
when(const char *s)
{
	struct cam_err e;
	time_t t;

	cam_err_clear(&e);
	if (cam_time_parse(s, "UTC", &t, &e) == -1) {
		fprintf(stderr, "yeargen: %s\n", e.msg);
		exit(2);
	}
	return t;
}

/* Reap n jobs: -1 (said) if one failed. */
static int
wait_jobs(int n)
{
	for (int k = 0; k < n; k++) {
		int status;
		if (wait(&status) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "yeargen: a job failed\n");
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen g;
	struct top tp;
	struct cam_err e;
	struct cam *cams;
	const char *mcam = NULL, *mfrom = NULL, *mto = NULL, *end = NULL;
	int ch;

	memset(&g, 0, sizeof(g));
	memset(&tp, 0, sizeof(tp));
	g.ncams = 16;
	g.days = 365;
	g.retention = 30;
	g.jobs = 2;
	g.witness_days = 2;
	g.bytes = 256;
	g.media_cam = -1;
	while ((ch = getopt(argc, argv, "C:o:c:d:r:j:w:b:e:m:M:F:T:")) != -1)
		switch (ch) {
		case 'C': g.site = optarg; break;
		case 'o': g.root = optarg; break;
		case 'c': g.ncams = (int)num(optarg, 1, 99); break;
		case 'd': g.days = (int)num(optarg, 1, 3650); break;
		case 'r': g.retention = (int)num(optarg, 1, 3650); break;
		case 'j': g.jobs = (int)num(optarg, 1, 64); break;
		case 'w': g.witness_days = (int)num(optarg, 0, 3650); break;
		case 'b': g.bytes = (size_t)num(optarg, 128, 1 << 20); break;
		case 'e': end = optarg; break;
		case 'm': g.media_path = optarg; break;
		case 'M': mcam = optarg; break;
		case 'F': mfrom = optarg; break;
		case 'T': mto = optarg; break;
		default: usage();
		}
	if (optind != argc || g.site == NULL || g.root == NULL ||
	    (g.media_path != NULL && (mcam == NULL || mfrom == NULL ||
	    mto == NULL)))
		usage();
	/* The real clock, read once, before time() becomes ours. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	g.end = end != NULL ? when(end) : now.tv_sec - now.tv_sec % 60;
	g.start = g.end - (time_t)g.days * 86400;
	g.h0 = g.start - g.start % 3600;
	g.nhours = (size_t)((g.end - g.h0) / 3600 + 2);
	g.wstart = g.end - (time_t)g.witness_days * 86400;
	g.wstart -= g.wstart % 3600;
	if (g.wstart < g.h0)
		g.wstart = g.h0;
	gen_clock = g.start;
	cam_cli_host(g.host, sizeof(g.host));
	cam_err_clear(&e);
	if (g.media_path != NULL) {
		if (sscanf(mcam, "cam%d", &g.media_cam) != 1 ||
		    g.media_cam < 1 || g.media_cam > g.ncams)
			usage();
		g.media_cam--;
		g.media_from = when(mfrom);
		g.media_to = when(mto);
		if (cam_file_read(g.media_path, 64 << 20, &g.media, &e) == -1)
			die(g.media_path, &e);
		sha_hex(g.media.s, g.media.len, g.media_sha);
	}
	if (cam_path(g.key, sizeof(g.key), &e, "%s/private/site.key",
	    g.site) == -1 || cam_path(g.crt, sizeof(g.crt), &e,
	    "%s/private/site.crt", g.site) == -1 ||
	    cam_path(tp.audit_p, sizeof(tp.audit_p), &e, "%s/audit.journal",
	    g.root) == -1 ||
	    cam_path(tp.logbook_p, sizeof(tp.logbook_p), &e,
	    "%s/logbook.journal", g.root) == -1 ||
	    cam_path(tp.holds_p, sizeof(tp.holds_p), &e, "%s/holds.journal",
	    g.root) == -1 ||
	    cam_path(tp.extractions_p, sizeof(tp.extractions_p), &e,
	    "%s/extractions.journal", g.root) == -1 ||
	    cam_mkdir_p(g.root, 0750, &e) == -1)
		die("paths", &e);
	g.pad = cam_xmalloc(g.bytes);
	memset(g.pad, '.', g.bytes);
	plan(&g);
	g.stat = mmap(NULL, g.nhours * (size_t)g.ncams * sizeof(*g.stat),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g.stat == MAP_FAILED)
		die("mmap", NULL);
	cams = cam_xmalloc((size_t)g.ncams * sizeof(*cams));
	for (int c = 0; c < g.ncams; c++)
		cam_init(&g, &cams[c], c);

	/* 1. Every manifest up to the witnessed days, in jobs. */
	for (int k = 0; k < g.jobs; k++) {
		pid_t pid = fork();
		if (pid == -1)
			die("fork", NULL);
		if (pid > 0)
			continue;
		if (cam_sealer_open(&g.sealer, g.key, g.crt, &e) == -1)
			die("site key", &e);
		for (int c = k; c < g.ncams; c += g.jobs) {
			gen_clock = g.start;
			cam_open(&g, &cams[c]);
			cam_run(&g, &cams[c], g.wstart, 1);
			jclose_synced(&cams[c].j);
		}
		_exit(0);
	}
	if (wait_jobs(g.jobs) == -1)
		return 1;
	/* Where the jobs stopped, again in this process, without writing. */
	g.dry = 1;
	for (int c = 0; c < g.ncams; c++)
		cam_run(&g, &cams[c], g.wstart, 0);
	g.dry = 0;

	/* 2. The site's journals through the same hours, then every
	 * journal together, witnessed. */
	gen_clock = g.start;
	if (cam_sealer_open(&g.sealer, g.key, g.crt, &e) == -1)
		die("site key", &e);
	tp.audit = jopen(&g, tp.audit_p);
	tp.logbook = jopen(&g, tp.logbook_p);
	size_t nacts, ai = 0;
	struct act *acts = acts_plan(&g, &nacts);
	for (time_t h = g.h0; h < g.end; h += 3600) {
		int witness = h >= g.wstart;
		if (witness)
			for (int c = 0; c < g.ncams; c++) {
				if (cams[c].j == NULL)
					cam_open(&g, &cams[c]);
				cam_run(&g, &cams[c], h + SEAL_AT, 0);
			}
		time_t marks[2] = { h + PRUNE_AT, h + SEAL_AT };
		for (int m = 0; m < 2; m++) {
			while (ai < nacts && acts[ai].t < marks[m])
				do_act(&g, &tp, &acts[ai++]);
			if (marks[m] < g.start || marks[m] >= g.end)
				continue;
			if (m == 0)
				prune_audit(&g, &tp, marks[m]);
			else
				seal_run(&g, &tp, cams, marks[m], witness);
		}
		if (witness)
			for (int c = 0; c < g.ncams; c++)
				cam_run(&g, &cams[c], h + 3600, 0);
	}
	while (ai < nacts && acts[ai].t < g.end)
		do_act(&g, &tp, &acts[ai++]);
	for (int c = 0; c < g.ncams; c++) {
		if (cams[c].j == NULL)
			cam_open(&g, &cams[c]);
		cam_run(&g, &cams[c], g.end, 0);
		jclose_synced(&cams[c].j);
	}
	jclose_synced(&tp.audit);
	jclose_synced(&tp.logbook);
	jclose_synced(&tp.holds);
	jclose_synced(&tp.extractions);
	cam_sealer_free(&g.sealer);

	/* 3. The live segments' files, in jobs. */
	for (int k = 0; k < g.jobs; k++) {
		pid_t pid = fork();
		if (pid == -1)
			die("fork", NULL);
		if (pid > 0)
			continue;
		for (int c = k; c < g.ncams; c += g.jobs)
			cam_files(&g, &cams[c]);
		_exit(0);
	}
	if (wait_jobs(g.jobs) == -1)
		return 1;
	sync();
	size_t live = 0;
	for (int c = 0; c < g.ncams; c++)
		live += cams[c].qn - cams[c].qh + cams[c].nkept;
	printf("cameras=%d days=%d live=%zu holds=%zu extractions=%zu "
	    "restarts=%zu\n", g.ncams, g.days, live, g.nholds, g.nex,
	    g.nrestart);
	return 0;
}
