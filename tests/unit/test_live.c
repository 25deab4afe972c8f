/*
 * Unit tests for cam_live: camrec's live publisher and camview's
 * subscriber, both in this process over a socket in a temporary run
 * directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>

#include "media/cam_live.h"
#include "unit.h"

static char dir[] = "/tmp/camkit-live.XXXXXX";
static AVCodecParameters *par;

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Serve new subscribers: they are accepted every 20 ms at most. */
static void
serve(struct cam_live_pub *p)
{
	usleep(25 * 1000);
	cam_live_pub_poll(p);
}

static AVPacket *
packet(int key, int64_t dts, size_t size)
{
	AVPacket *p = av_packet_alloc();

	if (p == NULL || av_new_packet(p, (int)size) < 0)
		abort();
	for (size_t i = 0; i < size; i++)
		p->data[i] = (uint8_t)(dts + (int64_t)i);
	p->dts = dts;
	p->pts = dts + 2;
	p->flags = key ? AV_PKT_FLAG_KEY : 0;
	return p;
}

static void
send_pkt(struct cam_live_pub *p, int key, int64_t dts, size_t size)
{
	AVPacket *k = packet(key, dts, size);

	cam_live_pub_packet(p, k, 1000000 + dts, 2000000 + dts);
	av_packet_free(&k);
}

/* The next message, within a second: its type, or 0 / -1. */
static int
next(struct cam_live_sub *s, struct cam_live_msg *m)
{
	struct cam_err e;
	int r = cam_live_sub_read(s, m, 1000, &e);

	if (r == -1)
		printf("# read: %s\n", e.msg);
	return r == 1 ? (int)m->type : r;
}

static void
test_paths(void)
{
	char buf[512];
	struct cam_err e;
	char longdir[200];

	CHECK(cam_live_path(buf, sizeof(buf), "/run/camkit", "gate",
	    CAM_LIVE_MAIN, &e) == 0, "main's path");
	CHECK_STR(buf, "/run/camkit/live/gate.sock", "main: <camera>.sock");
	CHECK(cam_live_path(buf, sizeof(buf), "/run/camkit", "gate",
	    CAM_LIVE_WALL, &e) == 0, "wall's path");
	CHECK_STR(buf, "/run/camkit/live/gate.wall.sock",
	    "wall: <camera>.wall.sock");
	CHECK(cam_live_path(buf, sizeof(buf), "/run", "../x", CAM_LIVE_MAIN,
	    &e) == -1, "a camera id with a slash names no socket");
	CHECK(cam_live_path(buf, sizeof(buf), "/run", "gate", "side",
	    &e) == -1 && strstr(e.msg, "main or wall") != NULL,
	    "an unknown stream is refused");
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	CHECK(cam_live_path(buf, sizeof(buf), longdir, "gate", CAM_LIVE_MAIN,
	    &e) == -1 && strstr(e.msg, "too long for a socket") != NULL,
	    "a path longer than sun_path is refused");
}

static void
test_stream(void)
{
	struct cam_live_pub *p = NULL;
	struct cam_live_sub *s = NULL, *t = NULL;
	struct cam_live_msg m;
	struct cam_err e;
	struct stat st;
	char run[600];
	int ok;

	snprintf(run, sizeof(run), "%s/run", dir);
	CHECK(cam_live_sub_open(&s, run, "gate", CAM_LIVE_MAIN, &e) == -1 &&
	    e.code == CAM_NO && strstr(e.msg, "not recorded now") != NULL,
	    "no publisher: CAM_NO, not recorded now");
	CHECK(cam_live_pub_open(&p, run, "gate", CAM_LIVE_MAIN, &e) == 0,
	    "the publisher listens");
	if (p == NULL) {
		printf("# %s\n", e.msg);
		return;
	}
	CHECK(stat(unit_path(run, "live"), &st) == 0 &&
	    (st.st_mode & 07777) == 0750, "live/ is 0750");
	CHECK(stat(unit_path(run, "live/gate.sock"), &st) == 0 &&
	    S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0660,
	    "the socket is 0660");

	/* Packets before any header go nowhere. */
	send_pkt(p, 1, 0, 10);
	CHECK(cam_live_pub_header(p, par, 1, 90000, &e) == 0, "a header");
	send_pkt(p, 0, 3000, 50);	/* before the first keyframe */
	send_pkt(p, 1, 6000, 400);
	send_pkt(p, 0, 9000, 60);
	send_pkt(p, 0, 12000, 70);

	CHECK(cam_live_sub_open(&s, run, "gate", CAM_LIVE_MAIN, &e) == 0,
	    "a subscriber connects");
	serve(p);
	CHECK(next(s, &m) == 'H', "the header first");
	CHECK_STR(m.codec, "h264", "its codec");
	CHECK(m.width == 640 && m.height == 360 && m.tb_num == 1 &&
	    m.tb_den == 90000, "its size and time base");
	CHECK(m.extradata_len == 5 && m.extradata != NULL &&
	    memcmp(m.extradata, "\x01\x64\x00\x1f\xff", 5) == 0,
	    "its extradata, whole");
	CHECK(next(s, &m) == 'P' && m.key && m.dts == 6000 && m.pts == 6002 &&
	    m.read_us == 1006000 && m.wall_us == 2006000 && m.size == 400,
	    "then the held GOP's keyframe, with its times");
	ok = 1;
	for (size_t i = 0; i < m.size; i++)
		if (m.data[i] != (uint8_t)(6000 + i))
			ok = 0;
	CHECK(ok, "its bytes, as sent");
	CHECK(next(s, &m) == 'P' && !m.key && m.dts == 9000,
	    "the GOP's next packet");
	CHECK(next(s, &m) == 'P' && m.dts == 12000, "and the last");
	CHECK(cam_live_sub_read(s, &m, 50, &e) == 0,
	    "nothing more: the read times out");
	send_pkt(p, 0, 15000, 80);
	CHECK(next(s, &m) == 'P' && m.dts == 15000 && m.size == 80,
	    "a packet as it is published");

	/* A new keyframe: a new subscriber starts there. */
	send_pkt(p, 1, 18000, 300);
	send_pkt(p, 0, 21000, 30);
	CHECK(cam_live_sub_open(&t, run, "gate", CAM_LIVE_MAIN, &e) == 0,
	    "a second subscriber");
	serve(p);
	CHECK(next(t, &m) == 'H' && next(t, &m) == 'P' && m.key &&
	    m.dts == 18000 && next(t, &m) == 'P' && m.dts == 21000,
	    "it gets the header and the last GOP only");
	CHECK(next(s, &m) == 'P' && m.dts == 18000 && next(s, &m) == 'P' &&
	    m.dts == 21000, "the first gets the same, in turn");

	/* The camera goes down, and comes back. */
	cam_live_pub_down(p, 1700000000, "no data for 10 s");
	CHECK(next(s, &m) == 'D' && m.since == 1700000000 &&
	    strcmp(m.reason, "no data for 10 s") == 0,
	    "down: since and the reason");
	cam_live_sub_close(t);
	CHECK(cam_live_sub_open(&t, run, "gate", CAM_LIVE_MAIN, &e) == 0,
	    "a subscriber while it is down");
	serve(p);
	CHECK(next(t, &m) == 'H' && next(t, &m) == 'D' &&
	    cam_live_sub_read(t, &m, 50, &e) == 0,
	    "gets the last header, the down, and no footage");
	par->width = 1280;
	par->height = 720;
	CHECK(cam_live_pub_header(p, par, 1, 90000, &e) == 0, "back");
	send_pkt(p, 0, 100, 20);	/* not a keyframe: skipped */
	send_pkt(p, 1, 3100, 200);
	CHECK(next(t, &m) == 'H' && m.width == 1280 && next(t, &m) == 'P' &&
	    m.key && m.dts == 3100, "the new header, then a keyframe");
	CHECK(next(s, &m) == 'H' && next(s, &m) == 'P' && m.key &&
	    m.dts == 3100, "for every subscriber");

	/* A subscriber that goes away is forgotten; the others go on. */
	cam_live_sub_close(t);
	send_pkt(p, 0, 6100, 20);
	send_pkt(p, 0, 9100, 20);
	CHECK(next(s, &m) == 'P' && m.dts == 6100 && next(s, &m) == 'P' &&
	    m.dts == 9100, "one gone: the other is served");

	cam_live_pub_close(p);
	CHECK(cam_live_sub_read(s, &m, 1000, &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "went away") != NULL,
	    "the publisher closed: the recorder went away");
	CHECK(access(unit_path(run, "live/gate.sock"), F_OK) == -1,
	    "its socket is removed");
	cam_live_sub_close(s);
}

/* A subscriber that never reads: the publisher never waits, skips it to
 * a keyframe, then drops it. */
static void
test_stalled(void)
{
	struct cam_live_pub *p = NULL;
	struct cam_live_sub *s = NULL;
	struct cam_live_msg m;
	struct cam_err e;
	char run[600];
	int64_t t0, worst = 0, last = -1;
	int n = 0, r, order = 1, first_key = 0;
	const int64_t step = 3000;

	snprintf(run, sizeof(run), "%s/run", dir);
	if (cam_live_pub_open(&p, run, "yard", CAM_LIVE_MAIN, &e) == -1 ||
	    cam_live_pub_header(p, par, 1, 90000, &e) == -1 ||
	    cam_live_sub_open(&s, run, "yard", CAM_LIVE_MAIN, &e) == -1) {
		CHECK(0, "a publisher and a subscriber");
		printf("# %s\n", e.msg);
		return;
	}
	serve(p);
	/* 48 MiB in 512 KiB packets, a keyframe every 8: six times the
	 * queue's limit. */
	for (int i = 0; i < 96; i++) {
		t0 = mono_us();
		send_pkt(p, i % 8 == 0, i * step, 512 << 10);
		if (mono_us() - t0 > worst)
			worst = mono_us() - t0;
	}
	printf("# slowest publish: %lld us\n", (long long)worst);
	CHECK(worst < 200000, "publishing never waits for the subscriber");
	/* What it was sent is a stream a decoder can follow: after any
	 * packets skipped, a keyframe; then the end. */
	while ((r = cam_live_sub_read(s, &m, 1000, &e)) == 1) {
		if (m.type != CAM_LIVE_PACKET)
			continue;
		if (n++ == 0)
			first_key = m.key;
		if (last >= 0 && m.dts != last + step && !m.key)
			order = 0;
		last = m.dts;
	}
	CHECK(n > 0 && first_key, "it got a keyframe first");
	CHECK(order, "a skip always ends at a keyframe");
	CHECK(n < 96, "it was not sent everything");
	CHECK(r == -1 && e.code == CAM_NO,
	    "still behind after the skip: dropped");
	cam_live_sub_close(s);
	cam_live_pub_close(p);
}

/* A publisher that sends garbage is refused, not believed. */
static void
test_garbage(void)
{
	struct cam_live_sub *s = NULL;
	struct cam_live_msg m;
	struct cam_err e;
	struct sockaddr_un sa;
	char run[64];
	int lfd, c;

	snprintf(run, sizeof(run), "%s/bad", dir);
	mkdir(run, 0750);
	mkdir(unit_path(run, "live"), 0750);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (cam_live_path(sa.sun_path, sizeof(sa.sun_path), run, "x",
	    CAM_LIVE_MAIN, &e) == -1) {
		CHECK(0, e.msg);
		return;
	}
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 4) == -1) {
		CHECK(0, "a fake publisher");
		return;
	}
	static const struct {
		const char *bytes;
		size_t len;
		const char *what;
	} cases[] = {
		{ "\x7f\xff\xff\xff" "P", 5, "a message too long" },
		{ "\x00\x00\x00\x00", 4, "an empty message" },
		{ "\x00\x00\x00\x03" "P\x01\x00", 7, "a short packet" },
		{ "\x00\x00\x00\x02" "Z\x00", 6, "an unknown type" },
		{ "\x00\x00\x00\x05" "H{x}x", 9, "a header not JSON" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cam_live_sub_open(&s, run, "x", CAM_LIVE_MAIN, &e) == -1 ||
		    (c = accept(lfd, NULL, NULL)) == -1) {
			CHECK(0, cases[i].what);
			continue;
		}
		if (write(c, cases[i].bytes, cases[i].len) !=
		    (ssize_t)cases[i].len)
			printf("# short write\n");
		CHECK(cam_live_sub_read(s, &m, 1000, &e) == -1 &&
		    e.code == CAM_ENV, cases[i].what);
		close(c);
		cam_live_sub_close(s);
	}
	close(lfd);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	par = avcodec_parameters_alloc();
	par->codec_type = AVMEDIA_TYPE_VIDEO;
	par->codec_id = AV_CODEC_ID_H264;
	par->width = 640;
	par->height = 360;
	par->extradata = av_mallocz(5 + AV_INPUT_BUFFER_PADDING_SIZE);
	memcpy(par->extradata, "\x01\x64\x00\x1f\xff", 5);
	par->extradata_size = 5;
	test_paths();
	test_stream();
	test_stalled();
	test_garbage();
	avcodec_parameters_free(&par);
	if (unit_failed == 0) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return UNIT_END();
}
