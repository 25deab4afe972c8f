/*
 * cam_live: see cam_live.h.  The publisher runs in the recorder's thread
 * and never blocks: each message is built once, shared by reference
 * between the held GOP and every subscriber's queue, and written with
 * non-blocking sends as far as each socket takes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/base64.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "media/cam_live.h"

/* A new subscriber's socket buffer: a keyframe or two at once. */
#define SUB_SNDBUF	(1 << 20)
/* The held GOP, at most (a camera with very long GOPs). */
#define GOP_MAX_BYTES	(CAM_LIVE_QUEUE_MAX / 2)
#define GOP_MAX_MSGS	1024
/* New subscribers are accepted this often at most (microseconds): a
 * syscall per packet saved, a new viewer's start delayed that much. */
#define ACCEPT_US	20000
/* Messages written by one sendmsg, at most. */
#define IOV_N		64
/* The fixed part of a packet message after the length: type, flags,
 * pts, dts, read_us, wall_us. */
#define PKT_HEAD	(1 + 1 + 4 * 8)

/* ---- messages, shared by reference (one thread) ---- */

struct lmsg {
	int refs;
	char type;
	int key;
	size_t len;		/* of b, the length prefix included */
	uint8_t b[];
};

static struct lmsg *
lmsg_new(char type, size_t payload)
{
	struct lmsg *m;
	size_t body = 1 + payload;

	if (body > CAM_LIVE_MSG_MAX ||
	    (m = malloc(sizeof(*m) + 4 + body)) == NULL)
		return NULL;
	m->refs = 1;
	m->type = type;
	m->key = 0;
	m->len = 4 + body;
	m->b[0] = (uint8_t)(body >> 24);
	m->b[1] = (uint8_t)(body >> 16);
	m->b[2] = (uint8_t)(body >> 8);
	m->b[3] = (uint8_t)body;
	m->b[4] = (uint8_t)type;
	return m;
}

static struct lmsg *
lmsg_ref(struct lmsg *m)
{
	m->refs++;
	return m;
}

static void
lmsg_unref(struct lmsg *m)
{
	if (m != NULL && --m->refs == 0)
		free(m);
}

static void
put64(uint8_t *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)u;
		u >>= 8;
	}
}

static int64_t
get64(const uint8_t *p)
{
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (int64_t)u;
}

/* ---- the publisher ---- */

struct sub {
	int fd;
	struct lmsg **q;	/* q[head..n) waiting; q[head] sent up to off */
	size_t head, n, cap;
	size_t off;
	size_t bytes;		/* waiting, not yet sent */
	int skipping;		/* until the next keyframe */
	int skipped;		/* skipped once since its queue was empty */
	int dead;
};

struct cam_live_pub {
	int lfd;
	char path[PATH_MAX];
	struct lmsg *hdr;	/* the last header, NULL before the first */
	struct lmsg *down;	/* the camera is down: why; NULL when up */
	struct lmsg **gop;	/* from the last keyframe */
	size_t ngop, gopcap, gopbytes;
	int gopfull;		/* stopped holding: too long a GOP */
	struct sub *subs;
	size_t nsubs, subcap;
	int64_t next_accept;	/* CLOCK_MONOTONIC microseconds */
	char camera[128];
	const char *stream;	/* CAM_LIVE_MAIN or CAM_LIVE_WALL */
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
cam_live_path(char *buf, size_t len, const char *run_dir, const char *camera,
    const char *stream, struct cam_err *e)
{
	struct sockaddr_un sa;
	int wall;

	if (camera[0] == '\0' || camera[0] == '.' || strchr(camera, '/'))
		return cam_errf(e, CAM_USAGE, "camera id \"%s\" cannot name a "
		    "socket", camera);
	wall = strcmp(stream, CAM_LIVE_WALL) == 0;
	if (!wall && strcmp(stream, CAM_LIVE_MAIN) != 0)
		return cam_errf(e, CAM_USAGE, "no stream \"%s\" (main or wall)",
		    stream);
	if (cam_path(buf, len, e, "%s/live/%s%s.sock", run_dir, camera,
	    wall ? ".wall" : "") == -1)
		return -1;
	if (strlen(buf) >= sizeof(sa.sun_path))
		return cam_errf(e, CAM_ENV, "%s: too long for a socket (%zu "
		    "bytes at most)", buf, sizeof(sa.sun_path) - 1);
	return 0;
}

static void
sub_free(struct sub *s)
{
	for (size_t i = s->head; i < s->n; i++)
		lmsg_unref(s->q[i]);
	free(s->q);
	if (s->fd != -1)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static void
sub_push(struct sub *s, struct lmsg *m)
{
	if (s->n == s->cap) {
		if (s->head > 0) {
			memmove(s->q, s->q + s->head,
			    (s->n - s->head) * sizeof(struct lmsg *));
			s->n -= s->head;
			s->head = 0;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 64;
			struct lmsg **q = realloc(s->q,
			    cap * sizeof(struct lmsg *));
			if (q == NULL) {
				s->dead = 1;
				return;
			}
			s->q = q;
			s->cap = cap;
		}
	}
	s->q[s->n++] = lmsg_ref(m);
	s->bytes += m->len;
}

/*
 * Behind by more than the queue's limit: let go every packet not yet
 * begun (headers and downs stay: what follows depends on them) and wait
 * for the next keyframe.  A second time before the queue has emptied:
 * the subscriber is dropped.
 */
static void
sub_skip(struct sub *s)
{
	size_t keep = s->head;

	if (s->skipped) {
		s->dead = 1;
		return;
	}
	s->skipped = 1;
	s->skipping = 1;
	for (size_t i = s->head; i < s->n; i++) {
		struct lmsg *m = s->q[i];
		if ((i == s->head && s->off > 0) || m->type != 'P')
			s->q[keep++] = m;
		else {
			s->bytes -= m->len;
			lmsg_unref(m);
		}
	}
	s->n = keep;
}

static void
sub_send(struct sub *s, struct lmsg *m)
{
	if (s->dead)
		return;
	if (m->type == 'P') {
		if (s->skipping && !m->key)
			return;
		s->skipping = 0;
	} else if (m->type == 'H')
		s->skipping = 1;	/* its stream starts at a keyframe */
	if (s->bytes + m->len > CAM_LIVE_QUEUE_MAX) {
		sub_skip(s);
		if (s->dead || (m->type == 'P' && !m->key))
			return;
		s->skipping = 0;
	}
	sub_push(s, m);
}

/* Write what the socket takes now. */
static void
sub_flush(struct sub *s)
{
	struct iovec iov[IOV_N];
	struct msghdr mh;
	ssize_t w;

	while (!s->dead && s->head < s->n) {
		int k = 0;
		for (size_t i = s->head; i < s->n && k < IOV_N; i++, k++) {
			size_t off = i == s->head ? s->off : 0;
			iov[k].iov_base = s->q[i]->b + off;
			iov[k].iov_len = s->q[i]->len - off;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)k;
		w = sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				s->dead = 1;
			return;
		}
		s->bytes -= (size_t)w;
		while (w > 0) {
			struct lmsg *m = s->q[s->head];
			size_t rest = m->len - s->off;
			if ((size_t)w < rest) {
				s->off += (size_t)w;
				break;
			}
			w -= (ssize_t)rest;
			s->off = 0;
			lmsg_unref(m);
			s->head++;
		}
	}
	if (s->head == s->n) {
		s->head = s->n = 0;
		s->skipped = 0;
	}
}

static void
gop_clear(struct cam_live_pub *p)
{
	for (size_t i = 0; i < p->ngop; i++)
		lmsg_unref(p->gop[i]);
	p->ngop = 0;
	p->gopbytes = 0;
	p->gopfull = 0;
}

static void
gop_add(struct cam_live_pub *p, struct lmsg *m)
{
	if (p->gopfull)
		return;
	if (p->ngop == GOP_MAX_MSGS || p->gopbytes + m->len > GOP_MAX_BYTES) {
		/* What is held still starts at a keyframe: new subscribers
		 * get its beginning and wait for the next one. */
		p->gopfull = 1;
		return;
	}
	if (p->ngop == p->gopcap) {
		size_t cap = p->gopcap ? 2 * p->gopcap : 128;
		struct lmsg **g = realloc(p->gop, cap * sizeof(struct lmsg *));
		if (g == NULL) {
			p->gopfull = 1;
			return;
		}
		p->gop = g;
		p->gopcap = cap;
	}
	p->gop[p->ngop++] = lmsg_ref(m);
	p->gopbytes += m->len;
}

static void
broadcast(struct cam_live_pub *p, struct lmsg *m)
{
	for (size_t i = 0; i < p->nsubs; i++)
		sub_send(&p->subs[i], m);
}

static void
accept_new(struct cam_live_pub *p)
{
	for (;;) {
		int fd = accept4(p->lfd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		if (p->nsubs == p->subcap) {
			size_t cap = p->subcap ? 2 * p->subcap : 8;
			struct sub *v = realloc(p->subs, cap * sizeof(*v));
			if (v == NULL) {
				close(fd);
				return;
			}
			p->subs = v;
			p->subcap = cap;
		}
		int sz = SUB_SNDBUF;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		struct sub *s = &p->subs[p->nsubs++];
		memset(s, 0, sizeof(*s));
		s->fd = fd;
		s->skipping = 1;
		if (p->hdr != NULL)
			sub_send(s, p->hdr);
		if (p->down != NULL)
			sub_send(s, p->down);
		else
			for (size_t i = 0; i < p->ngop; i++)
				sub_send(s, p->gop[i]);
	}
}

void
cam_live_pub_poll(struct cam_live_pub *p)
{
	size_t j = 0;

	if (p == NULL)
		return;
	int64_t now = mono_us();
	if (now >= p->next_accept) {
		accept_new(p);
		p->next_accept = now + ACCEPT_US;
	}
	for (size_t i = 0; i < p->nsubs; i++) {
		sub_flush(&p->subs[i]);
		if (p->subs[i].dead)
			sub_free(&p->subs[i]);
		else
			p->subs[j++] = p->subs[i];
	}
	p->nsubs = j;
}

int
cam_live_pub_open(struct cam_live_pub **pp, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e)
{
	struct cam_live_pub *p;
	struct sockaddr_un sa;
	struct stat st;
	char dir[PATH_MAX];
	int fd;

	*pp = NULL;
	if (cam_path(dir, sizeof(dir), e, "%s/live", run_dir) == -1)
		return -1;
	if (cam_mkdir_p(run_dir, 0750, e) == -1) {
		e->code = CAM_ENV;
		return -1;
	}
	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		return cam_err_sys(e, "%s", dir);
	if (lstat(dir, &st) == -1)
		return cam_err_sys(e, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return cam_errf(e, CAM_ENV, "%s: not a directory", dir);
	if (st.st_uid == geteuid() && (st.st_mode & 07777) != 0750)
		chmod(dir, 0750);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return cam_errf(e, CAM_ENV, "out of memory");
	p->lfd = -1;
	snprintf(p->camera, sizeof(p->camera), "%s", camera);
	p->stream = strcmp(stream, CAM_LIVE_WALL) == 0 ? CAM_LIVE_WALL :
	    CAM_LIVE_MAIN;
	if (cam_live_path(p->path, sizeof(p->path), run_dir, camera, stream,
	    e) == -1) {
		free(p);
		return -1;
	}
	/* A socket left by a recorder that died; the camera's lock says
	 * that none runs now. */
	if (lstat(p->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			cam_errf(e, CAM_ENV, "%s: not a socket", p->path);
			free(p);
			return -1;
		}
		unlink(p->path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		cam_err_sys(e, "socket");
		free(p);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, p->path, strlen(p->path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(p->path, 0660) == -1 || listen(fd, 16) == -1) {
		cam_err_sys(e, "%s", p->path);
		close(fd);
		unlink(p->path);
		free(p);
		return -1;
	}
	p->lfd = fd;
	*pp = p;
	return 0;
}

int
cam_live_pub_header(struct cam_live_pub *p,
    const struct AVCodecParameters *par, int tb_num, int tb_den,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	const char *name;
	char tb[64];
	struct lmsg *m;

	if (p == NULL)
		return 0;
	name = par->codec_id == AV_CODEC_ID_H264 ? "h264" :
	    par->codec_id == AV_CODEC_ID_HEVC ? "hevc" :
	    avcodec_get_name(par->codec_id);
	cam_json_begin(&b);
	cam_json_add_str(&b, "camera", p->camera);
	cam_json_add_str(&b, "stream", p->stream);
	cam_json_add_str(&b, "codec", name);
	cam_json_add_int(&b, "width", par->width);
	cam_json_add_int(&b, "height", par->height);
	snprintf(tb, sizeof(tb), "[%d,%d]", tb_num, tb_den);
	cam_json_add_raw(&b, "time_base", tb);
	if (par->extradata_size > 0) {
		size_t n = AV_BASE64_SIZE((size_t)par->extradata_size);
		char *s = malloc(n);
		if (s == NULL) {
			cam_buf_free(&b);
			return cam_errf(e, CAM_ENV, "out of memory");
		}
		av_base64_encode(s, (int)n, par->extradata,
		    par->extradata_size);
		cam_json_add_str(&b, "extradata", s);
		free(s);
	} else
		cam_json_add_str(&b, "extradata", "");
	cam_json_end(&b);
	if ((m = lmsg_new('H', b.len)) == NULL) {
		cam_buf_free(&b);
		return cam_errf(e, CAM_ENV, "out of memory");
	}
	memcpy(m->b + 5, b.s, b.len);
	cam_buf_free(&b);
	lmsg_unref(p->hdr);
	p->hdr = m;
	lmsg_unref(p->down);
	p->down = NULL;
	gop_clear(p);
	broadcast(p, m);
	cam_live_pub_poll(p);
	return 0;
}

void
cam_live_pub_packet(struct cam_live_pub *p, const struct AVPacket *pkt,
    int64_t read_us, int64_t wall_us)
{
	struct lmsg *m;
	int key;

	if (p == NULL || p->hdr == NULL || pkt->size <= 0)
		return;
	if ((m = lmsg_new('P', PKT_HEAD - 1 + (size_t)pkt->size)) == NULL)
		return;
	key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
	m->key = key;
	m->b[5] = key ? 1 : 0;
	put64(m->b + 6, pkt->pts);
	put64(m->b + 14, pkt->dts);
	put64(m->b + 22, read_us);
	put64(m->b + 30, wall_us);
	memcpy(m->b + 4 + PKT_HEAD, pkt->data, (size_t)pkt->size);
	if (key) {
		gop_clear(p);
		gop_add(p, m);
	} else if (p->ngop > 0)
		gop_add(p, m);
	broadcast(p, m);
	lmsg_unref(m);
	cam_live_pub_poll(p);
}

void
cam_live_pub_down(struct cam_live_pub *p, int64_t since, const char *reason)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct lmsg *m;

	if (p == NULL)
		return;
	cam_json_begin(&b);
	cam_json_add_time(&b, "since", (time_t)since);
	cam_json_add_str(&b, "reason", reason ? reason : "unknown");
	cam_json_end(&b);
	if ((m = lmsg_new('D', b.len)) != NULL) {
		memcpy(m->b + 5, b.s, b.len);
		lmsg_unref(p->down);
		p->down = m;
		gop_clear(p);
		broadcast(p, m);
	}
	cam_buf_free(&b);
	cam_live_pub_poll(p);
}

void
cam_live_pub_close(struct cam_live_pub *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nsubs; i++)
		sub_free(&p->subs[i]);
	free(p->subs);
	gop_clear(p);
	free(p->gop);
	lmsg_unref(p->hdr);
	lmsg_unref(p->down);
	if (p->lfd != -1) {
		close(p->lfd);
		unlink(p->path);
	}
	free(p);
}

/* ---- the subscriber ---- */

struct cam_live_sub {
	int fd;
	uint8_t *buf;
	size_t have, cap;
	size_t used;		/* the message returned last, to drop */
	uint8_t *extradata;
};

int
cam_live_sub_open(struct cam_live_sub **ss, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e)
{
	struct cam_live_sub *s;
	struct sockaddr_un sa;
	char path[PATH_MAX];
	int fd;

	*ss = NULL;
	if (cam_live_path(path, sizeof(path), run_dir, camera, stream,
	    e) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return cam_err_sys(e, "socket");
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		int err = errno;
		close(fd);
		if (err == ENOENT || err == ECONNREFUSED)
			return cam_errf(e, CAM_NO, "camera %s (%s): not "
			    "recorded now", camera, stream);
		errno = err;
		return cam_err_sys(e, "%s", path);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		return cam_errf(e, CAM_ENV, "out of memory");
	}
	s->fd = fd;
	*ss = s;
	return 0;
}

int
cam_live_sub_fd(const struct cam_live_sub *s)
{
	return s->fd;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
parse_header(struct cam_live_sub *s, struct cam_live_msg *m, const char *json,
    struct cam_err *e)
{
	struct cam_json_field f[] = {
		{ "codec", NULL, 0 }, { "width", NULL, 0 },
		{ "height", NULL, 0 }, { "time_base", NULL, 0 },
		{ "extradata", NULL, 0 },
	};
	int64_t w, h;
	char *tb, *x;
	int num = 0, den = 0;

	if (cam_json_fields(json, f, 5) == -1 ||
	    cam_json_field_str(&f[0], m->codec, sizeof(m->codec)) == -1 ||
	    cam_json_field_int(&f[1], &w) == -1 ||
	    cam_json_field_int(&f[2], &h) == -1 ||
	    w < 0 || h < 0 || w > 65535 || h > 65535)
		return cam_errf(e, CAM_ENV, "live: a bad header");
	tb = cam_json_field_dup(&f[3]);
	if (tb == NULL || sscanf(tb, "[%d,%d]", &num, &den) != 2 ||
	    num <= 0 || den <= 0) {
		free(tb);
		return cam_errf(e, CAM_ENV, "live: a bad time base");
	}
	free(tb);
	if ((x = cam_json_field_dup(&f[4])) == NULL)
		return cam_errf(e, CAM_ENV, "live: a bad header");
	/* x is the JSON string, quotes included; base64 has no escapes. */
	size_t xl = strlen(x);
	free(s->extradata);
	s->extradata = NULL;
	m->extradata_len = 0;
	if (xl > 2) {
		x[xl - 1] = '\0';
		size_t cap = xl / 4 * 3 + 3;
		if ((s->extradata = malloc(cap)) == NULL) {
			free(x);
			return cam_errf(e, CAM_ENV, "out of memory");
		}
		int n = av_base64_decode(s->extradata, x + 1, (int)cap);
		if (n < 0) {
			free(x);
			return cam_errf(e, CAM_ENV, "live: bad extradata");
		}
		m->extradata_len = (size_t)n;
	}
	free(x);
	m->extradata = s->extradata;
	m->width = (int)w;
	m->height = (int)h;
	m->tb_num = num;
	m->tb_den = den;
	return 0;
}

/* The message at the start of the buffer, whole: 1, or -1. */
static int
parse(struct cam_live_sub *s, struct cam_live_msg *m, size_t body,
    struct cam_err *e)
{
	const uint8_t *p = s->buf + 4;
	char *json;
	int rc = 1;

	memset(m, 0, sizeof(*m));
	m->type = (enum cam_live_type)p[0];
	switch (p[0]) {
	case 'P':
		if (body < PKT_HEAD)
			return cam_errf(e, CAM_ENV, "live: a short packet");
		m->key = p[1] & 1;
		m->pts = get64(p + 2);
		m->dts = get64(p + 10);
		m->read_us = get64(p + 18);
		m->wall_us = get64(p + 26);
		m->data = p + PKT_HEAD;
		m->size = body - PKT_HEAD;
		return 1;
	case 'H':
	case 'D':
		if ((json = malloc(body)) == NULL)
			return cam_errf(e, CAM_ENV, "out of memory");
		memcpy(json, p + 1, body - 1);
		json[body - 1] = '\0';
		if (p[0] == 'H')
			rc = parse_header(s, m, json, e) == -1 ? -1 : 1;
		else {
			int64_t t;
			m->since = (t = cam_json_get_time(json, "since")) ==
			    (time_t)-1 ? 0 : t;
			if (cam_json_get_str(json, "reason", m->reason,
			    sizeof(m->reason)) == -1)
				snprintf(m->reason, sizeof(m->reason),
				    "unknown");
		}
		free(json);
		return rc;
	default:
		return cam_errf(e, CAM_ENV, "live: unknown message type %u",
		    p[0]);
	}
}

int
cam_live_sub_read(struct cam_live_sub *s, struct cam_live_msg *m,
    int timeout_ms, struct cam_err *e)
{
	int64_t end = timeout_ms < 0 ? INT64_MAX : mono_ms() + timeout_ms;

	if (s->used > 0) {
		memmove(s->buf, s->buf + s->used, s->have - s->used);
		s->have -= s->used;
		s->used = 0;
	}
	for (;;) {
		if (s->have >= 4) {
			size_t body = (size_t)s->buf[0] << 24 |
			    (size_t)s->buf[1] << 16 | (size_t)s->buf[2] << 8 |
			    s->buf[3];
			if (body < 1 || body > CAM_LIVE_MSG_MAX)
				return cam_errf(e, CAM_ENV, "live: a message "
				    "of %zu bytes", body);
			if (s->have >= 4 + body) {
				s->used = 4 + body;
				return parse(s, m, body, e);
			}
			if (s->cap < 4 + body) {
				uint8_t *nb = realloc(s->buf, 4 + body);
				if (nb == NULL)
					return cam_errf(e, CAM_ENV,
					    "out of memory");
				s->buf = nb;
				s->cap = 4 + body;
			}
		}
		if (s->cap - s->have < 65536) {
			size_t cap = s->cap < 65536 ? 262144 : 2 * s->cap;
			uint8_t *nb = realloc(s->buf, cap);
			if (nb == NULL)
				return cam_errf(e, CAM_ENV, "out of memory");
			s->buf = nb;
			s->cap = cap;
		}
		int64_t left = end == INT64_MAX ? -1 : end - mono_ms();
		if (end != INT64_MAX && left < 0)
			left = 0;
		struct pollfd pf = { s->fd, POLLIN, 0 };
		int r = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return cam_err_sys(e, "poll");
		}
		if (r == 0)
			return 0;
		ssize_t n = read(s->fd, s->buf + s->have, s->cap - s->have);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return cam_err_sys(e, "live");
		}
		if (n == 0)
			return cam_errf(e, CAM_NO, "live: the recorder "
			    "went away");
		s->have += (size_t)n;
	}
}

void
cam_live_sub_close(struct cam_live_sub *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s->buf);
	free(s->extradata);
	free(s);
}
