/*
 * cam_http_media: camview's footage: live video over a WebSocket
 * (/live/ID), fragmented MP4 playback (/play/ID), a day's timeline
 * (/api/timeline) and the guard's report (/api/report).
 *
 * Live: each viewer has a thread of its own that reads the recorder's
 * live socket (cam_live), muxes every frame into its own fragment
 * (cam_fmp4, per_frame) and writes it as one binary message; civetweb's
 * connection thread only reads the viewer's close.  A viewer that does
 * not keep up blocks only its own thread; the recorder never waits for
 * it (cam_live.h).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "evidence/cam_grant.h"
#include "media/cam_fmp4.h"
#include "media/cam_live.h"
#include "media/cam_play.h"
#include "site/cam_policy.h"
#include "view/cam_http_int.h"
#include "view/cam_view_rights.h"

#define REPORT_BEFORE_S	300	/* the hold of a guard's report */
#define REPORT_AFTER_S	300

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the live state of a camera, for /api/cameras ---- */

void
view_live_state(const char *run_dir, const char *camera, const char *stream,
    char state[8], int64_t *since, char *reason, size_t rlen,
    char codec[16])
{
	struct cam_live_sub *s;
	struct cam_live_msg m;
	struct cam_err e;
	int i;

	snprintf(state, 8, "off");
	*since = 0;
	reason[0] = '\0';
	codec[0] = '\0';
	cam_err_clear(&e);
	if (cam_live_sub_open(&s, run_dir, camera, stream, &e) == -1)
		return;
	for (i = 0; i < 2; i++) {
		memset(&m, 0, sizeof m);
		if (cam_live_sub_read(s, &m, i == 0 ? 300 : 30, &e) != 1)
			break;
		if (m.type == CAM_LIVE_HEADER) {
			snprintf(state, 8, "up");
			snprintf(codec, 16, "%s", m.codec);
		} else if (m.type == CAM_LIVE_DOWN) {
			snprintf(state, 8, "down");
			*since = m.since;
			snprintf(reason, rlen, "%s", m.reason);
			break;
		} else
			break;
	}
	cam_live_sub_close(s);
}

/* ---- live ---- */

struct live_conn {
	struct view_server *sv;
	struct mg_connection *c;
	pthread_t th;
	int started;
	atomic_int stop;
	char camera[CAM_ID_MAX + 1], stream[16];
	char account[64], client[48], run_dir[128];
	uid_t uid;
	int64_t opened;
	struct cam_buf out;	/* what the muxer wrote since last sent */
};

static int
live_collect(void *arg, const uint8_t *buf, size_t len)
{
	struct live_conn *lc = arg;

	cam_buf_add(&lc->out, buf, len);
	return 0;
}

static int
live_send(struct live_conn *lc, int opcode, const char *data, size_t len)
{
	if (len == 0)
		return 0;
	if (mg_websocket_write(lc->c, opcode, data, len) <= 0) {
		atomic_store(&lc->stop, 1);
		return -1;
	}
	return 0;
}

static int
live_flush(struct live_conn *lc)
{
	int rc = live_send(lc, MG_WEBSOCKET_OPCODE_BINARY, lc->out.s,
	    lc->out.len);

	lc->out.len = 0;
	return rc;
}

static void
live_down(struct live_conn *lc, int64_t since, const char *reason)
{
	struct cam_buf b = CAM_BUF_INIT;

	cam_json_begin(&b);
	cam_json_add_str(&b, "type", "down");
	cam_json_add_time(&b, "since", (time_t)since);
	cam_json_add_str(&b, "reason", reason);
	cam_json_end(&b);
	(void)live_send(lc, MG_WEBSOCKET_OPCODE_TEXT, b.s, b.len);
	cam_buf_free(&b);
}

static void
live_unsupported(struct live_conn *lc, const char *codec, const char *why)
{
	struct cam_buf b = CAM_BUF_INIT;

	cam_json_begin(&b);
	cam_json_add_str(&b, "type", "error");
	cam_json_add_str(&b, "error", "unsupported-codec");
	cam_json_add_str(&b, "codec", codec);
	cam_json_add_str(&b, "message", why);
	cam_json_end(&b);
	(void)live_send(lc, MG_WEBSOCKET_OPCODE_TEXT, b.s, b.len);
	cam_buf_free(&b);
}

static int64_t
to_us(int64_t t, int num, int den)
{
	if (den <= 0)
		return 0;
	return (int64_t)((__int128)t * num * 1000000 / den);
}

static void
wait_stop(struct live_conn *lc, int ms)
{
	for (; ms > 0 && !atomic_load(&lc->stop); ms -= 100)
		usleep(100000);
}

static void *
live_run(void *arg)
{
	struct live_conn *lc = arg;
	struct cam_live_sub *s = NULL;
	struct cam_fmp4 *m = NULL;
	struct cam_live_msg msg;
	struct cam_err e;
	int64_t base = 0;
	int have_base = 0, want_key = 1, down = 0, tb_num = 1, tb_den = 1;
	int r;

	while (!atomic_load(&lc->stop)) {
		cam_err_clear(&e);
		if (s == NULL && cam_live_sub_open(&s, lc->run_dir, lc->camera,
		    lc->stream, &e) == -1) {
			s = NULL;
			if (!down)
				live_down(lc, time(NULL), "not recorded now");
			down = 1;
			wait_stop(lc, 1000);
			continue;
		}
		memset(&msg, 0, sizeof msg);
		if ((r = cam_live_sub_read(s, &msg, 500, &e)) == 0)
			continue;
		if (r < 0) {
			cam_live_sub_close(s);
			s = NULL;
			if (m != NULL)
				cam_fmp4_close(m);
			m = NULL;
			if (!down)
				live_down(lc, time(NULL), "recorder stopped");
			down = 1;
			continue;
		}
		switch (msg.type) {
		case CAM_LIVE_HEADER: {
			struct cam_buf b = CAM_BUF_INIT;

			if (m != NULL)
				cam_fmp4_close(m);
			m = NULL;
			lc->out.len = 0;
			if (cam_fmp4_open(&m, msg.codec, msg.extradata,
			    msg.extradata_len, msg.width, msg.height, 1,
			    live_collect, lc, &e) == -1) {
				m = NULL;
				live_unsupported(lc, msg.codec, e.msg);
				break;
			}
			tb_num = msg.tb_num;
			tb_den = msg.tb_den;
			have_base = 0;
			want_key = 1;
			down = 0;
			cam_json_begin(&b);
			cam_json_add_str(&b, "type", "init");
			cam_json_add_str(&b, "mime", cam_fmp4_mime(m));
			cam_json_add_str(&b, "codec", msg.codec);
			cam_json_add_int(&b, "width", msg.width);
			cam_json_add_int(&b, "height", msg.height);
			cam_json_end(&b);
			if (live_send(lc, MG_WEBSOCKET_OPCODE_TEXT, b.s,
			    b.len) == 0)
				(void)live_flush(lc);
			cam_buf_free(&b);
			break;
		}
		case CAM_LIVE_PACKET:
			if (m == NULL || (want_key && !msg.key))
				break;
			want_key = 0;
			if (!have_base) {
				base = msg.dts;
				have_base = 1;
			}
			if (cam_fmp4_write(m, msg.data, msg.size, msg.key,
			    to_us(msg.pts - base, tb_num, tb_den),
			    to_us(msg.dts - base, tb_num, tb_den), &e) == -1) {
				lc->out.len = 0;
				break;
			}
			(void)live_flush(lc);
			break;
		case CAM_LIVE_DOWN:
			if (m != NULL)
				cam_fmp4_close(m);
			m = NULL;
			live_down(lc, msg.since, msg.reason);
			down = 1;
			break;
		}
	}
	if (m != NULL)
		cam_fmp4_close(m);
	if (s != NULL)
		cam_live_sub_close(s);
	return NULL;
}

/* A refused WebSocket handshake: civetweb's header functions do not
 * apply before the handshake, so the answer is written whole. */
static void
ws_refuse(struct mg_connection *c, int status, const char *code,
    const char *msg)
{
	struct cam_buf b = CAM_BUF_INIT;

	view_error_body(&b, code, msg);
	mg_printf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n%s\r\n%s", status,
	    mg_get_response_code_text(c, status), b.len, view_sec_headers(),
	    cam_buf_str(&b));
	cam_buf_free(&b);
}

static int
live_connect(const struct mg_connection *cc, void *arg)
{
	struct mg_connection *c = (struct mg_connection *)cc;
	const struct cam_camera *cam;
	struct live_conn *lc;
	struct view_req q;
	char why[256], stream[16];
	const char *id;
	int status = 0;

	view_req_begin(&q, arg, c);
	id = q.ri->local_uri + 6;
	if (!q.have_session) {
		ws_refuse(c, 401, "unauthenticated", "log in first");
		status = 401;
	} else if (!view_same_origin(&q)) {
		view_audit(&q, NULL, "live", id, "refused", "foreign origin",
		    NULL);
		ws_refuse(c, 403, "forbidden", "foreign origin");
		status = 403;
	} else if (!cam_id_valid(id) ||
	    (cam = cam_config_camera(q.cfg, id)) == NULL) {
		ws_refuse(c, 404, "no-camera", "no such camera");
		status = 404;
	} else if (!cam_view_may_live(q.cfg, q.s.account, id, why,
	    sizeof why)) {
		const char *msg = strncmp(why, "forbidden: ", 11) == 0 ?
		    why + 11 : why;

		view_audit(&q, NULL, "live", id, "refused", msg, NULL);
		ws_refuse(c, 403, "forbidden", msg);
		status = 403;
	} else {
		if (view_query(&q, "stream", stream, sizeof stream) == -1 ||
		    strcmp(stream, CAM_LIVE_WALL) != 0 ||
		    cam->live_url == NULL)
			snprintf(stream, sizeof stream, "%s", CAM_LIVE_MAIN);
		lc = cam_xmalloc(sizeof *lc);
		memset(lc, 0, sizeof *lc);
		lc->sv = arg;
		lc->c = c;
		atomic_init(&lc->stop, 0);
		snprintf(lc->camera, sizeof lc->camera, "%s", id);
		snprintf(lc->stream, sizeof lc->stream, "%s", stream);
		snprintf(lc->account, sizeof lc->account, "%s", q.s.account);
		snprintf(lc->client, sizeof lc->client, "%s", q.client);
		snprintf(lc->run_dir, sizeof lc->run_dir, "%s",
		    view_run_dir(&q));
		lc->uid = q.s.uid;
		lc->opened = now_us();
		mg_set_user_connection_data(c, lc);
	}
	view_req_end(&q);
	return status != 0;
}

static void
live_ready(struct mg_connection *c, void *arg)
{
	struct live_conn *lc = mg_get_user_connection_data(c);

	(void)arg;
	if (lc != NULL && pthread_create(&lc->th, NULL, live_run, lc) == 0)
		lc->started = 1;
}

static int
live_data(struct mg_connection *c, int bits, char *data, size_t len,
    void *arg)
{
	struct live_conn *lc = mg_get_user_connection_data(c);

	(void)data;
	(void)len;
	(void)arg;
	if ((bits & 0x0f) == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) {
		if (lc != NULL)
			atomic_store(&lc->stop, 1);
		return 0;
	}
	return 1;
}

static void
live_close(const struct mg_connection *cc, void *arg)
{
	struct mg_connection *c = (struct mg_connection *)cc;
	struct live_conn *lc = mg_get_user_connection_data(c);
	struct cam_buf d = CAM_BUF_INIT;
	struct view_req q;
	char t1[40], t2[40];
	int64_t closed = now_us();

	if (lc == NULL)
		return;
	atomic_store(&lc->stop, 1);
	if (lc->started)
		pthread_join(lc->th, NULL);
	mg_set_user_connection_data(c, NULL);
	view_req_begin(&q, arg, c);
	view_time_us(lc->opened, t1, sizeof t1);
	view_time_us(closed, t2, sizeof t2);
	cam_json_begin(&d);
	cam_json_add_str(&d, "stream", lc->stream);
	cam_json_add_str(&d, "opened", t1);
	cam_json_add_str(&d, "closed", t2);
	cam_json_add_int(&d, "seconds", (closed - lc->opened + 500000) /
	    1000000);
	cam_json_end(&d);
	q.client = lc->client;
	view_audit(&q, lc->account, "live", lc->camera, "granted", NULL,
	    cam_buf_str(&d));
	view_req_end(&q);
	cam_buf_free(&d);
	cam_buf_free(&lc->out);
	free(lc);
}

void
view_register_media(struct mg_context *ctx, struct view_server *sv)
{
	mg_set_websocket_handler(ctx, "/live/", live_connect, live_ready,
	    live_data, live_close, sv);
}

/* ---- rights to stored footage ---- */

/* May the request's account play camera over [from, to)?  1 with r, or
 * 0 answered (403) and audited as verb. */
static int
may_play(struct view_req *q, const struct cam_grants *gs, const char *camera,
    int64_t from, int64_t to, struct cam_view_right *r)
{
	int64_t now = now_us();
	char why[256];
	size_t i;
	int any = 0;

	memset(r, 0, sizeof *r);
	why[0] = '\0';
	if (cam_view_may_play(q->cfg, gs, q->s.account, camera, from, to, now,
	    r, why, sizeof why))
		return 1;
	for (i = 0; i < gs->n; i++)
		if (strcmp(gs->v[i].account, q->s.account) == 0 &&
		    gs->v[i].expires_us > now)
			any = 1;
	view_refuse(q, 403, any ? "outside-request" : "no-request", "play",
	    camera, why);
	return 0;
}

static int
camera_of(struct view_req *q, const char *id)
{
	if (!cam_id_valid(id) || cam_config_camera(q->cfg, id) == NULL) {
		view_error(q->c, 404, "no-camera", "no such camera");
		return -1;
	}
	return 0;
}

/* An instant of the query: RFC 3339 (fraction kept) or site local. */
static int
query_time(struct view_req *q, const char *name, int64_t *us)
{
	char s[64], *dot, *end;
	struct cam_err e;
	long frac = 0;
	int digits = 0;
	time_t t;

	if (view_query(q, name, s, sizeof s) == -1 || s[0] == '\0')
		return -1;
	if ((dot = strchr(s, '.')) != NULL) {
		for (end = dot + 1; *end >= '0' && *end <= '9'; end++)
			if (digits < 6) {
				frac = frac * 10 + (*end - '0');
				digits++;
			}
		while (digits < 6) {
			frac *= 10;
			digits++;
		}
		memmove(dot, end, strlen(end) + 1);
	}
	cam_err_clear(&e);
	if (cam_time_parse(s, q->cfg->timezone, &t, &e) == -1)
		return -2;
	*us = (int64_t)t * 1000000 + frac;
	return 0;
}

/* ---- playback ---- */

struct play_ctx {
	struct view_req *q;
	struct cam_play_result *res;
	int sent;
};

static int
play_out(void *arg, const uint8_t *buf, size_t len)
{
	struct play_ctx *p = arg;

	if (!p->sent) {
		char first[40];
		const char *extra[] = { "X-Camkit-First", first,
		    "X-Camkit-Mime", p->res->mime, "Cache-Control",
		    "no-store", NULL };

		view_time_us(p->res->first_us, first, sizeof first);
		view_head(p->q->c, 200, p->res->mime[0] ? p->res->mime :
		    "video/mp4", -1, extra);
		p->sent = 1;
	}
	if (len > 0 && mg_send_chunk(p->q->c, (const char *)buf,
	    (unsigned)len) < 0)
		return -1;
	return 0;
}

/* Is camera recorded by another host than this one?  1 with why in e. */
static int
other_host(struct view_req *q, const char *camera, struct cam_err *e)
{
	const struct cam_camera *c = cam_config_camera(q->cfg, camera);
	const char *h = c != NULL ? cam_camera_host(q->cfg, c) : NULL;
	const char *me = view_opts(q)->host;

	if (h == NULL || me == NULL || strcmp(h, me) == 0)
		return 0;
	cam_errf(e, CAM_NO, "camera %s is recorded on host %s: camview plays "
	    "back only the footage of this host (%s); play it in camview on "
	    "%s, or extract it with camextract, which takes it from the "
	    "store", camera, h, me, h);
	return 1;
}

int
view_play(struct view_req *q, const char *camera)
{
	struct cam_grants gs = { 0 };
	struct cam_view_right r;
	struct cam_play_result res;
	struct cam_play_req req;
	struct play_ctx p = { q, &res, 0 };
	struct cam_buf d = CAM_BUF_INIT;
	struct cam_err e;
	char sp[8], t1[40], t2[40];
	int64_t from, to;
	int speed = 1, rc, status = 200;

	if (camera_of(q, camera) == -1)
		return 404;
	if (query_time(q, "from", &from) != 0) {
		view_error(q->c, 400, "bad-request", "from: give a time");
		return 400;
	}
	if ((rc = query_time(q, "to", &to)) == -2 ||
	    (rc == 0 && to <= from)) {
		view_error(q->c, 400, "bad-request", "to: a time after from");
		return 400;
	}
	if (rc == -1)
		to = from + (int64_t)24 * 3600 * 1000000;
	if (view_query(q, "speed", sp, sizeof sp) == 0) {
		speed = atoi(sp);
		if (speed != 1 && speed != 2 && speed != 4 && speed != 8) {
			view_error(q->c, 400, "bad-request",
			    "speed: 1, 2, 4 or 8");
			return 400;
		}
	}
	cam_err_clear(&e);
	if (cam_grant_list(q->cfg->root, &gs, &e) == -1)
		memset(&gs, 0, sizeof gs);
	if (!may_play(q, &gs, camera, from, rc == -1 ? from + 1 : to, &r)) {
		cam_grants_free(&gs);
		return 403;
	}
	cam_grants_free(&gs);
	if (r.request[0] != '\0') {
		if (from < r.from_us)
			from = r.from_us;
		if (rc == -1 || to > r.to_us)
			to = r.to_us;
	}
	memset(&res, 0, sizeof res);
	memset(&req, 0, sizeof req);
	req.root = q->cfg->root;
	req.camera = camera;
	req.from_us = from;
	req.to_us = to;
	req.zone = q->cfg->timezone;
	cam_err_clear(&e);
	rc = cam_play_stream(&req, play_out, &p, &res, &e);
	if (p.sent)
		mg_send_chunk(q->c, "", 0);
	else if (rc == -1 && e.code == CAM_NO && other_host(q, camera, &e)) {
		/* Nothing here of a camera another host records: say
		 * where its footage is (camextract(1), "Requests across
		 * hosts"). */
		view_error(q->c, 404, "other-host", e.msg);
		status = 404;
	} else if (rc == -1 && e.code == CAM_NO) {
		view_error(q->c, 404, "no-footage", e.msg);
		status = 404;
	} else if (rc == -1) {
		view_error(q->c, 500, "internal", e.msg);
		status = 500;
	}
	if (!p.sent)
		return status;
	view_time_us(res.first_us, t1, sizeof t1);
	view_time_us(res.last_us, t2, sizeof t2);
	cam_json_begin(&d);
	cam_json_add_str(&d, "from", t1);
	cam_json_add_str(&d, "to", t2);
	cam_json_add_int(&d, "speed", speed);
	if (r.request[0])
		cam_json_add_str(&d, "request", r.request);
	else
		cam_json_add_null(&d, "request");
	cam_json_add_int(&d, "frames", res.frames);
	cam_json_end(&d);
	view_audit(q, NULL, "play", camera, "granted", NULL, cam_buf_str(&d));
	cam_buf_free(&d);
	return 200;
}

/* ---- the day's timeline ---- */

static const char *
span_kind(enum cam_span_kind k)
{
	return k == CAM_SPAN_RECORDED ? "recorded" : k == CAM_SPAN_GAP ?
	    "gap" : "down";
}

int
view_timeline(struct view_req *q)
{
	struct cam_grants gs = { 0 };
	struct cam_timeline tl = { 0 };
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err e;
	char camera[64], day[16], next[16], t[40], why[256];
	int64_t now = now_us(), from, to;
	time_t tf, tt;
	struct tm tm;
	int role, first = 1;
	size_t i, j;

	if (view_query(q, "camera", camera, sizeof camera) == -1) {
		view_error(q->c, 400, "bad-request", "camera: give one");
		return 400;
	}
	if (camera_of(q, camera) == -1)
		return 404;
	cam_err_clear(&e);
	memset(&tm, 0, sizeof tm);
	if (view_query(q, "day", day, sizeof day) == -1 ||
	    strptime(day, "%Y-%m-%d", &tm) == NULL ||
	    cam_time_parse(day, q->cfg->timezone, &tf, &e) == -1) {
		view_error(q->c, 400, "bad-request", "day: YYYY-MM-DD");
		return 400;
	}
	tm.tm_mday++;
	tm.tm_hour = 12;
	{
		time_t n = timegm(&tm);

		gmtime_r(&n, &tm);
	}
	strftime(next, sizeof next, "%Y-%m-%d", &tm);
	if (cam_time_parse(next, q->cfg->timezone, &tt, &e) == -1) {
		view_error(q->c, 400, "bad-request", "day: YYYY-MM-DD");
		return 400;
	}
	from = (int64_t)tf * 1000000;
	to = (int64_t)tt * 1000000;
	/* The roles of the login, as cam_view_may_play asks them. */
	role = cam_policy_may_account(q->cfg, q->s.account, CAM_ACT_VIEW,
	    why, sizeof why);
	if (cam_grant_list(q->cfg->root, &gs, &e) == -1)
		memset(&gs, 0, sizeof gs);
	cam_buf_adds(&b, ",\"allowed\":[");
	if (role) {
		cam_json_begin(&b);
		cam_json_add_time(&b, "from", tf);
		cam_json_add_time(&b, "to", tt);
		cam_json_add_null(&b, "request");
		cam_json_end(&b);
		first = 0;
	} else
		for (i = 0; i < gs.n; i++) {
			const struct cam_grant *g = &gs.v[i];

			if (strcmp(g->account, q->s.account) != 0 ||
			    g->expires_us <= now || g->to_us <= from ||
			    g->from_us >= to)
				continue;
			for (j = 0; j < g->ncameras; j++)
				if (strcmp(g->cameras[j], camera) == 0)
					break;
			if (j == g->ncameras)
				continue;
			cam_buf_adds(&b, first ? "" : ",");
			first = 0;
			cam_json_begin(&b);
			view_time_short(g->from_us > from ? g->from_us : from, t,
			    sizeof t);
			cam_json_add_str(&b, "from", t);
			view_time_short(g->to_us < to ? g->to_us : to, t,
			    sizeof t);
			cam_json_add_str(&b, "to", t);
			cam_json_add_str(&b, "request", g->id);
			cam_json_end(&b);
		}
	cam_buf_adds(&b, "]}");
	cam_grants_free(&gs);
	if (first) {
		snprintf(why, sizeof why, "%s may not view stored footage of "
		    "%s on %s", q->s.account, camera, day);
		view_audit(q, NULL, "play", camera, "refused", why, NULL);
		view_error(q->c, 403, "no-request", why);
		cam_buf_free(&b);
		return 403;
	}
	if (cam_play_timeline(q->cfg->root, camera, from, to, &tl, &e) == -1) {
		view_error(q->c, 500, "internal", e.msg);
		cam_buf_free(&b);
		return 500;
	}
	{
		struct cam_buf o = CAM_BUF_INIT;

		cam_json_begin(&o);
		cam_json_add_str(&o, "camera", camera);
		cam_json_add_time(&o, "from", tf);
		cam_json_add_time(&o, "to", tt);
		cam_buf_adds(&o, ",\"spans\":[");
		for (i = 0; i < tl.nspans; i++) {
			cam_buf_adds(&o, i ? "," : "");
			cam_json_begin(&o);
			cam_json_add_str(&o, "kind", span_kind(
			    tl.spans[i].kind));
			view_time_short(tl.spans[i].from_us, t, sizeof t);
			cam_json_add_str(&o, "from", t);
			view_time_short(tl.spans[i].to_us, t, sizeof t);
			cam_json_add_str(&o, "to", t);
			if (tl.spans[i].reason[0])
				cam_json_add_str(&o, "reason",
				    tl.spans[i].reason);
			else
				cam_json_add_null(&o, "reason");
			cam_json_end(&o);
		}
		cam_buf_adds(&o, "],\"marks\":[");
		for (i = 0; i < tl.nmarks; i++) {
			cam_buf_adds(&o, i ? "," : "");
			cam_json_begin(&o);
			view_time_short(tl.marks[i].at_us, t, sizeof t);
			cam_json_add_str(&o, "at", t);
			cam_json_add_uint(&o, "seq", tl.marks[i].seq);
			cam_json_add_str(&o, "author", tl.marks[i].author);
			cam_json_add_str(&o, "kind", tl.marks[i].kind);
			cam_json_add_str(&o, "text", tl.marks[i].text);
			cam_json_end(&o);
		}
		cam_buf_adds(&o, "]");
		/* o ends before its closing brace: allowed follows */
		cam_buf_adds(&o, cam_buf_str(&b));
		view_json(q->c, 200, cam_buf_str(&o));
		cam_buf_free(&o);
	}
	cam_play_timeline_free(&tl);
	cam_buf_free(&b);
	return 200;
}

/* ---- the guard's report ---- */

int
view_report(struct view_req *q)
{
	struct cam_buf body = CAM_BUF_INIT, b = CAM_BUF_INIT;
	struct cam_err e;
	char camera[64], kind[32], note[2048], hold[128];
	uint64_t seq = 0;
	char buf[4096];
	int n;

	if (q->ri->content_length > 16384) {
		view_error(q->c, 413, "too-large", "request body too large");
		return 413;
	}
	while ((n = mg_read(q->c, buf, sizeof buf)) > 0) {
		if (body.len + (size_t)n > 16384) {
			cam_buf_free(&body);
			view_error(q->c, 413, "too-large",
			    "request body too large");
			return 413;
		}
		cam_buf_add(&body, buf, (size_t)n);
	}
	cam_err_clear(&e);
	if (body.s == NULL || cam_json_check(body.s, body.len, &e) == -1 ||
	    cam_json_get_str(body.s, "camera", camera, sizeof camera) == -1 ||
	    cam_json_get_str(body.s, "kind", kind, sizeof kind) == -1) {
		cam_buf_free(&body);
		view_error(q->c, 400, "bad-request",
		    "give camera, kind and note as JSON");
		return 400;
	}
	if (cam_json_get_str(body.s, "note", note, sizeof note) == -1)
		note[0] = '\0';
	cam_buf_free(&body);
	if (strcmp(kind, "suspicious") != 0 && strcmp(kind, "fault") != 0) {
		view_error(q->c, 400, "bad-request",
		    "kind: suspicious or fault");
		return 400;
	}
	if (camera_of(q, camera) == -1)
		return 404;
	hold[0] = '\0';
	if (cam_view_report(q->cfg, view_opts(q)->confdir, q->cfg->root,
	    view_opts(q)->host, q->s.account, camera, kind, note, now_us(),
	    REPORT_BEFORE_S, REPORT_AFTER_S, &seq, hold, sizeof hold,
	    &e) == -1) {
		int code = e.code == CAM_NO ? 403 : 500;

		view_audit(q, NULL, "report", camera, code == 403 ?
		    "refused" : "failed", e.msg, NULL);
		view_error(q->c, code, code == 403 ? "forbidden" : "internal",
		    e.msg);
		return code;
	}
	cam_json_begin(&b);
	cam_json_add_str(&b, "kind", kind);
	cam_json_add_uint(&b, "seq", seq);
	cam_json_add_str(&b, "hold", hold);
	cam_json_end(&b);
	view_audit(q, NULL, "report", camera, "granted", NULL, cam_buf_str(&b));
	cam_buf_free(&b);
	cam_json_begin(&b);
	cam_json_add_uint(&b, "seq", seq);
	cam_json_add_str(&b, "hold", hold);
	cam_json_end(&b);
	view_json(q->c, 200, cam_buf_str(&b));
	cam_buf_free(&b);
	return 200;
}
