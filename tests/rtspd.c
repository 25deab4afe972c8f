/*
 * rtspd: a small RTSP server on 127.0.0.1 that plays the part of an IP
 * camera in the camkit shell tests.  It is a test fixture, not part of
 * camkit: it is built with GStreamer's RTSP server library so that the
 * recorder is tested against an RTSP implementation that camkit's own
 * code (FFmpeg) did not write.
 *
 * One mount point serves one shared media (a single pipeline for all
 * clients), over RTP/UDP and RTP interleaved in the RTSP TCP connection,
 * either encoded live from videotestsrc or read from a clip that loops
 * forever.  Each loop restarts the RTP timestamps of the clip from the
 * beginning, so the tests see timestamps jump backwards.  Optional Basic
 * or Digest authentication, and optional TLS (rtsps://).
 *
 * Start-up contract with the tests: once the socket is listening the
 * pidfile and the ready file (holding the port) are written, then one
 * line "rtspd: listening on rtsp://127.0.0.1:PORT/PATH" (rtsps:// with
 * TLS) goes to stdout.
 * SIGTERM and SIGINT make it exit 0.  See usage() for the options.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

enum codec {
	CODEC_H264,
	CODEC_H265
};

enum audio {
	AUDIO_NONE,
	AUDIO_AAC,
	AUDIO_PCMA
};

struct options {
	int		 port;		/* -1 until given; 0 picks one */
	const char	*path;
	enum codec	 codec;
	int		 live;
	int		 clock;		/* burn the UTC time in, large */
	const char	*file;
	int		 width, height, fps, gop, bframes;
	enum audio	 audio;
	const char	*user, *password;
	int		 digest;
	const char	*tls_cert, *tls_key;
	const char	*pidfile, *readyfile;
};

static void	 usage(int) __attribute__((noreturn));
static void	 die(const char *, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
static int	 parse_int(const char *, const char *, int, int);
static void	 parse_size(const char *, int *, int *);
static void	 parse_args(int, char **, struct options *);
static void	 need(const char *);
static const char *pick(const char *, const char *);
static char	*live_launch(const struct options *);
static char	*file_launch(const struct options *);
static GstPadProbeReturn on_clip_buffer(GstPad *, GstPadProbeInfo *,
		    gpointer);
static GstPadProbeReturn on_clip_event(GstPad *, GstPadProbeInfo *,
		    gpointer);
static void	 rewind_clip(GstElement *, gpointer);
static GstPadProbeReturn on_pay_query(GstPad *, GstPadProbeInfo *,
		    gpointer);
static void	 on_media_configure(GstRTSPMediaFactory *, GstRTSPMedia *,
		    gpointer);
static void	 setup_auth(GstRTSPServer *, GstRTSPMediaFactory *,
		    const struct options *);
static void	 setup_tls(GstRTSPAuth *, const struct options *);
static void	 write_file(const char *, const char *);
static gboolean	 on_signal(gpointer);
static gboolean	 on_cleanup(gpointer);
static GstRTSPFilterResult drop_client(GstRTSPServer *, GstRTSPClient *,
		    gpointer);

static const char *progname = "rtspd";

#if defined(__SANITIZE_ADDRESS__)
#define RTSPD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTSPD_ASAN 1
#endif
#endif

#ifdef RTSPD_ASAN
/*
 * Built with -fsanitize=address, LeakSanitizer reports at exit what the
 * libraries leak and nobody here can fix: GLib's quark table, which its
 * ELF constructor starts and which it leaks on purpose as it grows,
 * fontconfig's configuration (under clockoverlay), and libx265, which
 * loses some of its buffers every time x265enc opens an encoder.  Those
 * are suppressed here, in the program, so that the tests need no
 * LSAN_OPTIONS for it and a leak from anywhere else still fails them.
 * The first suppression must see the constructor's frame: GLib has no
 * frame pointers, so the fast unwinder stops at g_malloc(); the slow one
 * costs about 0.5% of a core here.  The environment's options still win.
 */
const char	*__asan_default_options(void);
const char	*__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:_dl_init\n"
	    "leak:libfontconfig.so\n"
	    "leak:libx265.so\n";
}
#endif

static void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: %s --port N [--path /cam] [--codec h264|h265]\n"
	    "\t[--live [--size WxH] [--fps N] [--gop N] [--bframes N]\n"
	    "\t [--audio[=aac|pcma]] [--clock] | --file CLIP]\n"
	    "\t[--user U --password P [--auth digest|basic]]\n"
	    "\t[--tls-cert PEM --tls-key PEM]\n"
	    "\t[--pidfile F] [--ready-file F]\n", progname);
	exit(status);
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int
parse_int(const char *what, const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: bad %s '%s' (want %d..%d)\n", progname,
		    what, s, min, max);
		usage(2);
	}
	return (int)v;
}

static void
parse_size(const char *s, int *w, int *h)
{
	char buf[32], *x;

	if (strlen(s) >= sizeof(buf))
		usage(2);
	strcpy(buf, s);
	if ((x = strchr(buf, 'x')) == NULL)
		usage(2);
	*x = '\0';
	/* Even sizes only: the encoders want 4:2:0 chroma. */
	*w = parse_int("width", buf, 16, 4096);
	*h = parse_int("height", x + 1, 16, 4096);
	if (*w % 2 != 0 || *h % 2 != 0)
		die("size %s: width and height must be even", s);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	enum {
		OPT_PORT = 256, OPT_PATH, OPT_CODEC, OPT_LIVE, OPT_FILE,
		OPT_SIZE, OPT_FPS, OPT_GOP, OPT_BFRAMES, OPT_AUDIO, OPT_USER,
		OPT_PASSWORD, OPT_AUTH, OPT_TLS_CERT, OPT_TLS_KEY, OPT_PIDFILE,
		OPT_READY, OPT_CLOCK, OPT_HELP
	};
	static const struct option longopts[] = {
		{ "port",	required_argument,	NULL, OPT_PORT },
		{ "path",	required_argument,	NULL, OPT_PATH },
		{ "codec",	required_argument,	NULL, OPT_CODEC },
		{ "live",	no_argument,		NULL, OPT_LIVE },
		{ "file",	required_argument,	NULL, OPT_FILE },
		{ "size",	required_argument,	NULL, OPT_SIZE },
		{ "fps",	required_argument,	NULL, OPT_FPS },
		{ "gop",	required_argument,	NULL, OPT_GOP },
		{ "bframes",	required_argument,	NULL, OPT_BFRAMES },
		{ "audio",	optional_argument,	NULL, OPT_AUDIO },
		{ "user",	required_argument,	NULL, OPT_USER },
		{ "password",	required_argument,	NULL, OPT_PASSWORD },
		{ "auth",	required_argument,	NULL, OPT_AUTH },
		{ "tls-cert",	required_argument,	NULL, OPT_TLS_CERT },
		{ "tls-key",	required_argument,	NULL, OPT_TLS_KEY },
		{ "pidfile",	required_argument,	NULL, OPT_PIDFILE },
		{ "ready-file",	required_argument,	NULL, OPT_READY },
		{ "clock",	no_argument,		NULL, OPT_CLOCK },
		{ "help",	no_argument,		NULL, OPT_HELP },
		{ NULL,		0,			NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->port = -1;
	o->path = "/cam";
	o->width = 320;
	o->height = 240;
	o->fps = 10;
	o->digest = 1;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_PORT:
			o->port = parse_int("port", optarg, 0, 65535);
			break;
		case OPT_PATH:
			o->path = optarg;
			break;
		case OPT_CODEC:
			if (strcmp(optarg, "h264") == 0)
				o->codec = CODEC_H264;
			else if (strcmp(optarg, "h265") == 0)
				o->codec = CODEC_H265;
			else
				die("unknown codec '%s'", optarg);
			break;
		case OPT_LIVE:
			o->live = 1;
			break;
		case OPT_FILE:
			o->file = optarg;
			break;
		case OPT_SIZE:
			parse_size(optarg, &o->width, &o->height);
			break;
		case OPT_FPS:
			o->fps = parse_int("fps", optarg, 1, 120);
			break;
		case OPT_GOP:
			o->gop = parse_int("gop", optarg, 1, 10000);
			break;
		case OPT_BFRAMES:
			o->bframes = parse_int("bframes", optarg, 0, 16);
			break;
		case OPT_AUDIO:
			if (optarg == NULL || strcmp(optarg, "aac") == 0)
				o->audio = AUDIO_AAC;
			else if (strcmp(optarg, "pcma") == 0)
				o->audio = AUDIO_PCMA;
			else
				die("unknown audio codec '%s'", optarg);
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_PASSWORD:
			o->password = optarg;
			break;
		case OPT_AUTH:
			if (strcmp(optarg, "digest") == 0)
				o->digest = 1;
			else if (strcmp(optarg, "basic") == 0)
				o->digest = 0;
			else
				die("unknown auth method '%s'", optarg);
			break;
		case OPT_TLS_CERT:
			o->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			o->tls_key = optarg;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg;
			break;
		case OPT_READY:
			o->readyfile = optarg;
			break;
		case OPT_CLOCK:
			o->clock = 1;
			break;
		case OPT_HELP:
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc || o->port < 0)
		usage(2);
	if (o->path[0] != '/')
		die("--path must start with '/'");
	if (o->live && o->file != NULL)
		die("--live and --file exclude each other");
	if (o->file == NULL)
		o->live = 1;
	if (o->file != NULL && o->audio != AUDIO_NONE)
		die("--audio needs --live");
	if (o->file != NULL && o->clock)
		die("--clock needs --live");
	if (o->gop == 0)
		o->gop = o->fps;
	if (o->bframes > 0 && o->codec != CODEC_H264)
		die("--bframes needs --codec h264");
	if ((o->user == NULL) != (o->password == NULL))
		die("--user and --password go together");
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		die("--tls-cert and --tls-key go together");
}

/*
 * The media is built lazily on the first DESCRIBE, where a missing
 * plugin would only show as a 503 to the client: check up front so that
 * a test fails with a message that names the Debian package to install.
 */
static void
need(const char *name)
{
	GstElementFactory *f;

	if ((f = gst_element_factory_find(name)) == NULL)
		die("GStreamer element '%s' is missing (see RTSPD_DEBS in "
		    "tests/rtspd.mk)", name);
	gst_object_unref(f);
}

/* The first of two elements that is installed, or NULL. */
static const char *
pick(const char *a, const char *b)
{
	GstElementFactory *f;

	if ((f = gst_element_factory_find(a)) != NULL) {
		gst_object_unref(f);
		return a;
	}
	if (b != NULL && (f = gst_element_factory_find(b)) != NULL) {
		gst_object_unref(f);
		return b;
	}
	return NULL;
}

/*
 * The live camera.  videotestsrc is-live=true paces frames on the clock
 * as a sensor would, so a client joining the shared media gets the
 * present, not a backlog.  The ball moves and the clock overlay (the
 * pango plugin, if installed) changes every second, so frames differ and
 * the encoder produces real P-frames.  rtph26xpay config-interval=-1
 * repeats the parameter sets before every keyframe: clients joining the
 * shared stream mid-GOP can start at the next keyframe.
 */
static char *
live_launch(const struct options *o)
{
	GString *s;
	const char *overlay, *aacenc;

	need("videotestsrc");
	overlay = pick("clockoverlay", NULL);
	s = g_string_new("( videotestsrc is-live=true pattern=ball ! ");
	g_string_append_printf(s,
	    "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! ",
	    o->width, o->height, o->fps);
	if (o->clock) {
		/*
		 * The wall-clock time each frame was made, in UTC (main sets
		 * TZ), large enough to read on a wall tile and to compare
		 * with what a player says the picture's time is.
		 */
		need("clockoverlay");
		g_string_append_printf(s, "clockoverlay shaded-background=true "
		    "halignment=left valignment=top "
		    "time-format=\"%%Y-%%m-%%dT%%H:%%M:%%SZ\" "
		    "font-desc=\"Monospace Bold %d\" ! ",
		    o->height / 16 > 8 ? o->height / 16 : 8);
	} else if (overlay != NULL)
		g_string_append(s, "clockoverlay shaded-background=true "
		    "font-desc=\"Sans 10\" ! ");
	if (o->codec == CODEC_H264) {
		need("x264enc");
		need("h264parse");
		need("rtph264pay");
		/*
		 * zerolatency turns off B-frames and lookahead; bframes is
		 * applied after the tune, so --bframes still gets them, but
		 * only in the Main profile: left alone, x264enc settles on
		 * Constrained Baseline, the first that rtph264pay lists.
		 */
		g_string_append_printf(s, "x264enc tune=zerolatency "
		    "speed-preset=ultrafast key-int-max=%d bframes=%d "
		    "threads=1 ! %sh264parse ! rtph264pay name=pay0 pt=96 "
		    "config-interval=-1 ", o->gop, o->bframes,
		    o->bframes > 0 ? "video/x-h264,profile=main ! " : "");
	} else {
		need("x265enc");
		need("h265parse");
		need("rtph265pay");
		/*
		 * A closed GOP makes every keyframe an IDR, where a client
		 * joining mid-stream can start to decode.
		 */
		g_string_append_printf(s, "x265enc tune=zerolatency "
		    "speed-preset=ultrafast key-int-max=%d "
		    "option-string=\"open-gop=0:pools=1:frame-threads=1\" ! "
		    "h265parse ! rtph265pay name=pay0 pt=96 "
		    "config-interval=-1 ", o->gop);
	}
	switch (o->audio) {
	case AUDIO_NONE:
		break;
	case AUDIO_AAC:
		/* FFmpeg's encoder if gst-libav is there, else vo-aacenc. */
		need("audiotestsrc");
		need("rtpmp4gpay");
		if ((aacenc = pick("avenc_aac", "voaacenc")) == NULL)
			die("no AAC encoder: install gstreamer1.0-libav");
		g_string_append_printf(s, "audiotestsrc is-live=true "
		    "wave=sine freq=440 volume=0.3 samplesperbuffer=1024 ! "
		    "audio/x-raw,rate=16000,channels=1 ! audioconvert ! "
		    "%s ! rtpmp4gpay name=pay1 pt=97 ", aacenc);
		break;
	case AUDIO_PCMA:
		/* 20 ms packets at 8 kHz, as G.711 cameras send them. */
		need("audiotestsrc");
		need("alawenc");
		need("rtppcmapay");
		g_string_append(s, "audiotestsrc is-live=true wave=sine "
		    "freq=440 volume=0.3 samplesperbuffer=160 ! "
		    "audio/x-raw,rate=8000,channels=1 ! alawenc ! "
		    "rtppcmapay name=pay1 ");
		break;
	}
	g_string_append(s, ")");
	return g_string_free(s, FALSE);
}

/*
 * A clip made by ffmpeg, MPEG-TS or Matroska, told apart by its first
 * bytes rather than by its name.  Only the video track is served, and
 * --codec must name its codec.  on_media_configure() finds the source by
 * its name "file" to give it the file name (a property, unlike the
 * launch line, needs no quoting) and the parser by its name "clip" to
 * loop the clip (see there).
 */
static char *
file_launch(const struct options *o)
{
	unsigned char magic[189];
	const char *demux, *parse, *pay;
	FILE *fp;
	size_t n;

	if ((fp = fopen(o->file, "rb")) == NULL)
		die("%s: %s", o->file, strerror(errno));
	n = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	if (n >= 4 && magic[0] == 0x1a && magic[1] == 0x45 &&
	    magic[2] == 0xdf && magic[3] == 0xa3)
		demux = "matroskademux";
	else if (n == sizeof(magic) && magic[0] == 0x47 && magic[188] == 0x47)
		demux = "tsdemux";
	else
		die("%s: neither MPEG-TS nor Matroska", o->file);
	if (o->codec == CODEC_H264) {
		parse = "h264parse";
		pay = "rtph264pay";
	} else {
		parse = "h265parse";
		pay = "rtph265pay";
	}
	need("filesrc");
	need(demux);
	need(parse);
	need(pay);
	return g_strdup_printf("( filesrc name=file ! %s ! %s name=clip ! "
	    "%s name=pay0 pt=96 config-interval=-1 )", demux, parse, pay);
}

/*
 * Loop the clip.  The end of the clip shows as EOS on the parser's
 * source pad: a probe there drops it, so that the RTP sinks never see
 * EOS, and has another thread (a streaming thread cannot seek itself)
 * send a flushing seek back to the start to the whole pipeline.  The
 * flush restarts the pipeline's running time, from which the payloader
 * makes RTP timestamps: each loop starts again at the RTP timestamp of
 * the first one, the backwards jump that the tests want, while the sinks
 * keep pacing the frames in real time.
 *
 * The demuxer reaches the end of the file while the last frames still
 * wait in the queues before the sinks, and a flush would drop them: the
 * seek waits until the last frame is due (the end of its running time)
 * on the pipeline's clock.
 *
 * multifilesrc loop=true would loop a TS too, but tsdemux then makes the
 * timestamps continuous, and it cannot loop Matroska.
 */
struct clip {
	GstClockTime	 end;	/* running time the last frame ends at */
};

static GstPadProbeReturn
on_clip_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct clip *clip = data;
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	const GstSegment *seg;
	GstClockTime t;
	GstEvent *ev;

	if (!GST_BUFFER_PTS_IS_VALID(buf))
		return GST_PAD_PROBE_OK;
	if ((ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) == NULL)
		return GST_PAD_PROBE_OK;
	gst_event_parse_segment(ev, &seg);
	t = gst_segment_to_running_time(seg, GST_FORMAT_TIME,
	    GST_BUFFER_PTS(buf));
	if (GST_CLOCK_TIME_IS_VALID(t)) {
		if (GST_BUFFER_DURATION_IS_VALID(buf))
			t += GST_BUFFER_DURATION(buf);
		clip->end = t;
	}
	gst_event_unref(ev);
	return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_clip_event(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct clip *clip = data;
	GstClockTime *end;
	GstObject *top, *up;

	if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS)
		return GST_PAD_PROBE_OK;
	/* The pipeline is the parser's outermost parent. */
	top = gst_pad_get_parent(pad);
	while ((up = gst_object_get_parent(top)) != NULL) {
		gst_object_unref(top);
		top = up;
	}
	end = g_new(GstClockTime, 1);
	*end = clip->end;
	gst_element_call_async(GST_ELEMENT(top), rewind_clip, end, g_free);
	gst_object_unref(top);
	return GST_PAD_PROBE_DROP;
}

static void
rewind_clip(GstElement *pipeline, gpointer data)
{
	GstClockTime *end = data;
	GstClockID id;
	GstClock *clock;

	if (GST_CLOCK_TIME_IS_VALID(*end) &&
	    (clock = gst_element_get_clock(pipeline)) != NULL) {
		id = gst_clock_new_single_shot_id(clock,
		    gst_element_get_base_time(pipeline) + *end);
		gst_clock_id_wait(id, NULL);
		gst_clock_id_unref(id);
		gst_object_unref(clock);
	}
	/* This fails, harmlessly, if the last client left meanwhile. */
	if (!gst_element_seek_simple(pipeline, GST_FORMAT_TIME,
	    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, 0))
		g_printerr("%s: could not rewind the clip\n", progname);
}

/*
 * A PLAY with a Range (FFmpeg always sends one) makes a seekable shared
 * media seek, with a flush, for every client: a second client would
 * restart the timestamps of the first one.  videotestsrc can seek even
 * when live, and Matroska can.  A camera cannot: each payloader answers
 * that its stream cannot seek, so the media ignores the Range.  (The
 * loop's seek is an event and asks nobody.)
 */
static GstPadProbeReturn
on_pay_query(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	GstQuery *q = GST_PAD_PROBE_INFO_QUERY(info);
	GstFormat fmt;

	(void)pad;
	(void)data;
	if (GST_QUERY_TYPE(q) != GST_QUERY_SEEKING)
		return GST_PAD_PROBE_OK;
	gst_query_parse_seeking(q, &fmt, NULL, NULL, NULL);
	gst_query_set_seeking(q, fmt, FALSE, 0, -1);
	return GST_PAD_PROBE_HANDLED;
}

static void
on_media_configure(GstRTSPMediaFactory *factory, GstRTSPMedia *media,
    gpointer data)
{
	GstElement *bin, *el;
	struct clip *clip;
	char name[16];
	GstPad *pad;
	int i;

	(void)factory;
	bin = gst_rtsp_media_get_element(media);
	if ((el = gst_bin_get_by_name(GST_BIN(bin), "file")) != NULL) {
		g_object_set(el, "location", data, NULL);
		gst_object_unref(el);
	}
	for (i = 0; ; i++) {
		snprintf(name, sizeof(name), "pay%d", i);
		if ((el = gst_bin_get_by_name(GST_BIN(bin), name)) == NULL)
			break;
		pad = gst_element_get_static_pad(el, "src");
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM,
		    on_pay_query, NULL, NULL);
		gst_object_unref(pad);
		gst_object_unref(el);
	}
	if ((el = gst_bin_get_by_name(GST_BIN(bin), "clip")) != NULL) {
		/* The probes go with the pad; the last one frees the state. */
		clip = g_new(struct clip, 1);
		clip->end = GST_CLOCK_TIME_NONE;
		pad = gst_element_get_static_pad(el, "src");
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER,
		    on_clip_buffer, clip, NULL);
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
		    on_clip_event, clip, g_free);
		gst_object_unref(pad);
		gst_object_unref(el);
	}
	gst_object_unref(bin);
}

/*
 * One user with the role "user", the only role allowed to see and build
 * the media.  There is no default token, so a client without (good)
 * credentials has no role and gets 401 Unauthorized.  With TLS but no
 * user, everybody gets the role: the camera speaks rtsps:// only, and
 * asks for no password.
 */
static void
setup_auth(GstRTSPServer *server, GstRTSPMediaFactory *factory,
    const struct options *o)
{
	GstRTSPAuth *auth;
	GstRTSPToken *token;
	gchar *basic;

	auth = gst_rtsp_auth_new();
	gst_rtsp_auth_set_realm(auth, "rtspd");
	token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE,
	    G_TYPE_STRING, "user", NULL);
	if (o->user == NULL)
		gst_rtsp_auth_set_default_token(auth, token);
	else if (o->digest) {
		gst_rtsp_auth_set_supported_methods(auth, GST_RTSP_AUTH_DIGEST);
		gst_rtsp_auth_add_digest(auth, o->user, o->password, token);
	} else {
		gst_rtsp_auth_set_supported_methods(auth, GST_RTSP_AUTH_BASIC);
		basic = gst_rtsp_auth_make_basic(o->user, o->password);
		gst_rtsp_auth_add_basic(auth, basic, token);
		g_free(basic);
	}
	gst_rtsp_token_unref(token);
	if (o->tls_cert != NULL)
		setup_tls(auth, o);
	gst_rtsp_media_factory_add_role(factory, "user",
	    GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
	    GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, NULL);
	gst_rtsp_server_set_auth(server, auth);
	g_object_unref(auth);
}

/*
 * rtsps://: the auth object hands its certificate to every connection
 * as it is accepted, so that the whole RTSP session, and the RTP
 * interleaved in it, runs inside TLS.  GLib's TLS backend
 * (glib-networking) reads the PEM files.
 */
static void
setup_tls(GstRTSPAuth *auth, const struct options *o)
{
	GTlsCertificate *cert;
	GError *err = NULL;

	cert = g_tls_certificate_new_from_files(o->tls_cert, o->tls_key,
	    &err);
	if (cert == NULL)
		die("TLS certificate %s, key %s: %s", o->tls_cert, o->tls_key,
		    err->message);
	gst_rtsp_auth_set_tls_certificate(auth, cert);
	g_object_unref(cert);
}

/*
 * Write through a temporary file and rename(2), so that a test polling
 * for the file never reads it empty or half written.
 */
static void
write_file(const char *path, const char *text)
{
	char *tmp;
	FILE *fp;

	tmp = g_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	if ((fp = fopen(tmp, "w")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	if (fputs(text, fp) == EOF || fclose(fp) == EOF)
		die("%s: %s", tmp, strerror(errno));
	if (rename(tmp, path) == -1)
		die("%s: %s", path, strerror(errno));
	g_free(tmp);
}

static gboolean
on_signal(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_CONTINUE;
}

/*
 * The server does not expire sessions by itself: a UDP client that went
 * away without TEARDOWN would keep its session, and the shared media,
 * forever.
 */
static gboolean
on_cleanup(gpointer data)
{
	GstRTSPSessionPool *pool;

	pool = gst_rtsp_server_get_session_pool(data);
	gst_rtsp_session_pool_cleanup(pool);
	g_object_unref(pool);
	return G_SOURCE_CONTINUE;
}

static GstRTSPFilterResult
drop_client(GstRTSPServer *server, GstRTSPClient *client, gpointer data)
{
	(void)server;
	(void)data;
	gst_rtsp_client_close(client);
	return GST_RTSP_FILTER_REMOVE;
}

int
main(int argc, char **argv)
{
	struct options o;
	GMainLoop *loop;
	GstRTSPServer *server;
	GstRTSPMountPoints *mounts;
	GstRTSPMediaFactory *factory;
	char *launch, port[16], line[32];
	guint id, sigterm, sigint, cleanup;
	int bound;

	parse_args(argc, argv, &o);
	if (o.clock) {
		/* clockoverlay shows local time: make it UTC. */
		setenv("TZ", "UTC", 1);
		tzset();
	}
	/* A ready file left by a killed instance must not fool a test. */
	if (o.readyfile != NULL)
		unlink(o.readyfile);
	gst_init(NULL, NULL);

	launch = o.live ? live_launch(&o) : file_launch(&o);
	factory = gst_rtsp_media_factory_new();
	gst_rtsp_media_factory_set_launch(factory, launch);
	gst_rtsp_media_factory_set_shared(factory, TRUE);
	gst_rtsp_media_factory_set_protocols(factory,
	    GST_RTSP_LOWER_TRANS_UDP | GST_RTSP_LOWER_TRANS_TCP);
	g_signal_connect(factory, "media-configure",
	    G_CALLBACK(on_media_configure), (gpointer)o.file);
	g_free(launch);

	server = gst_rtsp_server_new();
	gst_rtsp_server_set_address(server, "127.0.0.1");
	snprintf(port, sizeof(port), "%d", o.port);
	gst_rtsp_server_set_service(server, port);
	if (o.user != NULL || o.tls_cert != NULL)
		setup_auth(server, factory, &o);
	mounts = gst_rtsp_server_get_mount_points(server);
	gst_rtsp_mount_points_add_factory(mounts, o.path, factory);
	g_object_unref(mounts);

	/*
	 * attach() binds and listens.  GStreamer binds with SO_REUSEADDR,
	 * so a restarted camera gets its port back at once even while the
	 * connections of the killed one linger in TIME_WAIT.
	 */
	loop = g_main_loop_new(NULL, FALSE);
	if ((id = gst_rtsp_server_attach(server, NULL)) == 0)
		die("cannot listen on 127.0.0.1:%d", o.port);
	bound = gst_rtsp_server_get_bound_port(server);
	sigterm = g_unix_signal_add(SIGTERM, on_signal, loop);
	sigint = g_unix_signal_add(SIGINT, on_signal, loop);
	cleanup = g_timeout_add_seconds(2, on_cleanup, server);

	if (o.pidfile != NULL) {
		snprintf(line, sizeof(line), "%ld\n", (long)getpid());
		write_file(o.pidfile, line);
	}
	if (o.readyfile != NULL) {
		snprintf(line, sizeof(line), "%d\n", bound);
		write_file(o.readyfile, line);
	}
	printf("rtspd: listening on %s://127.0.0.1:%d%s\n",
	    o.tls_cert != NULL ? "rtsps" : "rtsp", bound, o.path);
	fflush(stdout);

	g_main_loop_run(loop);

	/*
	 * Close the clients so that their sessions unprepare the shared
	 * media and stop its threads before GStreamer is torn down.
	 */
	g_source_remove(cleanup);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	g_source_remove(id);
	gst_rtsp_server_client_filter(server, drop_client, NULL);
	g_object_unref(server);
	g_main_loop_unref(loop);
	if (o.pidfile != NULL)
		unlink(o.pidfile);
	if (o.readyfile != NULL)
		unlink(o.readyfile);
	gst_deinit();
	return 0;
}
