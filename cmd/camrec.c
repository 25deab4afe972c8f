/*
 * camrec: record the cameras of this host into crash-safe segments, and
 * recover what a crash left.  main() names the global -v and leaves
 * the dispatch to cam_cli_run, one function per verb; the work is done
 * in lib/.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "cli/cam_cli_meter.h"
#include "evidence/cam_replicate.h"
#include "media/cam_rec.h"
#include "media/cam_remote.h"
#include "media/cam_store.h"
#include "site/cam_site.h"

static const char *prog = "camrec";
/* camrec record: the camera's settings changed, start it again. */
#define CAMREC_EXIT_RESTART	75
static const char *dir;
static volatile sig_atomic_t stop;
static int verbose;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camrec [-C dir] [-v] record camera [--for duration]\n"
"       camrec [-C dir] [-v] recover camera\n"
"       camrec [-C dir] [-v] verify [camera ...]\n"
"       camrec [-C dir] [-v] prune [--dry-run] [--json] [--now time]\n"
"       camrec [-C dir] [-v] hold add camera --from time --to time\n"
"              --reason text\n"
"       camrec [-C dir] [-v] hold list [--all] [--json]\n"
"       camrec [-C dir] [-v] hold release id [--reason text]\n"
"       camrec [-C dir] [-v] replicate [--once] [--dry-run] [--json]\n"
"              [--max-rate bytes]\n"
"       camrec -h | --help | --version\n");
}


/* The verbs that take no option: getopt_long still parses their
 * arguments, so that an option is a usage error, not a camera id. */
static const struct option no_opts[] = {
	{ NULL, 0, NULL, 0 },
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * FFmpeg's messages, with any user:password@ taken out of URLs: camkit
 * hands FFmpeg the credentials inside the URL, and they must never reach
 * a log.
 */
static void
av_logger(void *avcl, int level, const char *fmt, va_list ap)
{
	char line[4096], *p, *at;
	int n;

	(void)avcl;
	if (level > av_log_get_level())
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	/* Cut short, the '@' that ends a user:password might be lost: show
	 * nothing from the first URL on. */
	if (n >= (int)sizeof(line) && (p = strstr(line, "://")) != NULL)
		*p = '\0';
	for (p = line; (p = strstr(p, "://")) != NULL; p += 3) {
		size_t auth = strcspn(p + 3, "/?# \t\n");
		at = memchr(p + 3, '@', auth);
		if (at != NULL)
			memmove(p + 3, at + 1, strlen(at + 1) + 1);
	}
	line[strcspn(line, "\n")] = '\0';
	if (line[0] != '\0')
		fprintf(stderr, "%s: ffmpeg: %s\n", prog, line);
}


/* The configuration in force, if the caller may do act under it. */
static int
open_site(struct cam_site *s, enum cam_action act)
{
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	if (cam_site_open(s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if ((rc = cam_cli_authorize(&s->cfg, dir, act)) != 0)
		cam_site_close(s);
	return rc;
}

/* The configuration in force, and the camera, which this host records. */
static int
find_camera(struct cam_site *s, const char *id, const struct cam_camera **cam,
    char *host, size_t hostlen)
{
	struct cam_err e;
	const char *want;
	int rc;

	if ((rc = open_site(s, CAM_ACT_RECORD)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((*cam = cam_config_camera(&s->cfg, id)) == NULL) {
		cam_errf(&e, CAM_NO, "no camera \"%s\" in %s", id, dir);
		cam_cli_audit_rc(id, -1, &e, NULL);
		cam_site_close(s);
		return cam_cli_fail(&e);
	}
	cam_cli_host(host, hostlen);
	want = (*cam)->host ? (*cam)->host : s->cfg.host;
	if (want != NULL && strcmp(want, host) != 0) {
		cam_errf(&e, CAM_NO, "camera %s is recorded by host %s, and "
		    "this is %s", id, want, host);
		cam_cli_audit_rc(id, -1, &e, NULL);
		cam_site_close(s);
		return cam_cli_fail(&e);
	}
	return 0;
}

/* The recorder's messages (cam_rec_conf.report). */
static void
report(void *arg, enum cam_rec_level level, const char *camera,
    const char *msg)
{
	(void)arg;
	(void)level;
	fprintf(stderr, "%s: %s: %s\n", prog, camera, msg);
}

/* A foreground recorder's status line (cam_rec_conf.status), on a
 * terminal only: arg is the camera's id. */
static void
status_line(void *arg, const struct cam_rec_status *st)
{
	char size[CAM_SIZE_LEN], rate[64], key[160];

	cam_fmt_size(size, sizeof(size), st->bytes);
	if (st->bitrate >= 1e6)
		snprintf(rate, sizeof(rate), _("%.1f Mbit/s"),
		    st->bitrate / 1e6);
	else
		snprintf(rate, sizeof(rate), _("%.0f kbit/s"),
		    st->bitrate / 1e3);
	if (st->key_age_ms < 0)
		snprintf(key, sizeof(key), "%s", _("no keyframe yet"));
	else
		snprintf(key, sizeof(key), _("last keyframe %.1f s ago"),
		    (double)st->key_age_ms / 1000);
	fprintf(stderr, _("%s: %s: %s: %llu segments, %s, %s, %s\n"), prog,
	    (const char *)arg, st->connected ? _("recording") :
	    _("no picture"), (unsigned long long)st->segments, size, rate,
	    key);
}

/* How often a foreground recorder on a terminal says how it goes. */
#define STATUS_EVERY	5

static void
conf_init(struct cam_rec_conf *c, const struct cam_site *s,
    const struct cam_camera *cam, const char *host)
{
	memset(c, 0, sizeof(*c));
	c->site_dir = dir;
	c->root = s->cfg.root;
	c->host = host;
	c->cam = cam;
	c->io_timeout = 10;
	/* A retry is one connection attempt: cheap for the camera, and
	 * the wait after the camera comes back is footage lost. */
	c->backoff_max = 2;
	c->stop = &stop;
	c->verbose = verbose;
	c->report = report;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct prune_out {
	struct cam_buf b;
	int json;
	int n;
	const struct cam_prune_result *res;	/* counts so far */
	struct cam_cli_meter meter;
};

static void
prune_line(void *arg, const struct cam_segment *s, const char *why)
{
	struct prune_out *o = arg;
	/* res counts the segment after this call: one more. */
	struct cam_progress p = { o->res->deleted + 1, o->res->due,
	    o->res->deleted_bytes + s->bytes, o->res->due_bytes };
	char start[40];

	cam_cli_meter_show(&o->meter, &p);

	cam_time_format_utc(s->start, start, sizeof(start));
	if (o->json) {
		cam_buf_adds(&o->b, o->n++ ? ",\n  " : "\n  ");
		cam_buf_adds(&o->b, "{\"camera\": ");
		cam_json_str(&o->b, s->camera);
		cam_buf_adds(&o->b, ", \"file\": ");
		cam_json_str(&o->b, s->file);
		cam_buf_addf(&o->b, ", \"start\": \"%s\", \"bytes\": %llu, "
		    "\"reason\": \"%s\"}", start, (unsigned long long)s->bytes,
		    why);
	} else
		cam_buf_addf(&o->b, "deleted\t%s\t%s\t%s\t%s\n", s->camera,
		    start, why, s->file);
}

/* Prune across every stored camera; each (may be NULL) is told of
 * every segment deleted. */
static int
run_prune(const struct cam_site *s, const char *host, int dry_run,
    time_t now, void (*each)(void *, const struct cam_segment *,
    const char *), void *arg, struct cam_prune_result *res,
    struct cam_err *e)
{
	char **cams;
	size_t n;
	int rc;

	if (cam_store_cameras(s->cfg.root, &cams, &n, e) == -1)
		return -1;
	rc = cam_prune(&s->cfg, host, (const char *const *)cams, n, now,
	    dry_run, each, arg, res, e);
	free_list(cams, n);
	return rc;
}

struct full_ctx {
	const struct cam_site *s;
	const char *host;
};

struct gone_ctx {
	void (*gone)(void *, const char *);
	void *arg;
};

static void
prune_gone(void *arg, const struct cam_segment *s, const char *why)
{
	const struct gone_ctx *g = arg;

	(void)why;
	g->gone(g->arg, s->file);
}

/*
 * The recorder is low on space (or out of it): free space by the
 * capacity rule.  It runs in a thread of the recorder's beside the
 * recording: it reads the configuration, never changes it, and opens
 * its own journal handles (cam_prune does).
 */
static void
on_low_space(void *arg, void (*gone)(void *, const char *), void *garg)
{
	struct full_ctx *f = arg;
	struct gone_ctx g = { gone, garg };
	struct cam_prune_result res;
	struct cam_err e;
	struct timespec t0, t1;

	cam_err_clear(&e);
	if (verbose)
		cam_cli_msg("low on space: pruning");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (run_prune(f->s, f->host, 0, time(NULL), prune_gone, &g, &res,
	    &e) == -1) {
		cam_cli_fail(&e);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose) {
		char size[CAM_SIZE_LEN];

		cam_fmt_size(size, sizeof(size), res.deleted_bytes);
		cam_cli_msg("low on space: pruned %llu segments (%s) in %.1f s",
		    (unsigned long long)res.deleted, size,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
}

/* The summary of a prune for the audit trail: counts and the window of
 * what went (each deletion is in its camera's manifest). */
static void
audit_prune(const struct cam_prune_result *res, const char *oldest,
    const char *newest)
{
	struct cam_buf d = CAM_BUF_INIT;

	cam_json_begin(&d);
	cam_json_add_uint(&d, "deleted", res->deleted);
	cam_json_add_uint(&d, "bytes", res->deleted_bytes);
	cam_json_add_uint(&d, "by_age", res->by_age);
	cam_json_add_uint(&d, "by_capacity", res->by_capacity);
	cam_json_add_uint(&d, "held", res->held);
	cam_json_add_uint(&d, "waiting", res->waiting);
	if (res->deleted) {
		cam_json_add_str(&d, "oldest", oldest);
		cam_json_add_str(&d, "newest", newest);
	}
	cam_json_add_bool(&d, "still_over", res->still_over);
	cam_json_end(&d);
	cam_cli_audit(NULL, "granted", NULL, cam_buf_str(&d));
	cam_buf_free(&d);
}

/* What cmd_prune prints: each deletion (out) and the totals, between
 * the oldest and newest segment deleted (a, b). */
static void
print_prune(const struct prune_out *out, const struct cam_prune_result *res,
    int dry, const char *a, const char *b)
{
	if (out->json) {
		printf("{\"dry_run\": %s, \"deleted\": [%s%s], "
		    "\"count\": %llu, \"bytes\": %llu, \"by_age\": %llu, "
		    "\"by_capacity\": %llu, \"held\": %llu, "
		    "\"waiting_replication\": %llu, "
		    "\"waiting_bytes\": %llu, "
		    "\"still_over\": %s}\n", dry ? "true" : "false",
		    cam_buf_str(&out->b), out->n ? "\n" : "",
		    (unsigned long long)res->deleted,
		    (unsigned long long)res->deleted_bytes,
		    (unsigned long long)res->by_age,
		    (unsigned long long)res->by_capacity,
		    (unsigned long long)res->held,
		    (unsigned long long)res->waiting,
		    (unsigned long long)res->waiting_bytes,
		    res->still_over ? "true" : "false");
	} else {
		char size[CAM_SIZE_LEN];

		cam_fmt_size(size, sizeof(size), res->deleted_bytes);
		fputs(cam_buf_str(&out->b), stdout);
		printf("%s\t%llu segments\t%s\t%llu by age\t"
		    "%llu by capacity\t%llu held\t%s\t%s\n",
		    dry ? "would delete" : "pruned",
		    (unsigned long long)res->deleted, size,
		    (unsigned long long)res->by_age,
		    (unsigned long long)res->by_capacity,
		    (unsigned long long)res->held,
		    res->deleted ? a : "-", res->deleted ? b : "-");
		if (res->waiting > 0) {
			cam_fmt_size(size, sizeof(size), res->waiting_bytes);
			printf("waiting for replication\t%llu segments\t%s\n",
			    (unsigned long long)res->waiting, size);
		}
	}
}

static int
cmd_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "now", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *when = NULL;
	time_t now = time(NULL);
	struct prune_out out;
	struct cam_prune_result res;
	struct cam_site s;
	struct cam_err e;
	char host[256], a[40], b[40];
	int c, k, dry = 0, rc = 0;

	memset(&out, 0, sizeof(out));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'n': dry = 1; break;
		case 'j': out.json = 1; break;
		case 't': when = optarg; break;
		default: return cam_cli_usage_error("prune: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("prune: unexpected argument \"%s\"",
		    argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s, CAM_ACT_RECORD)) != 0)
		return rc;
	cam_cli_host(host, sizeof(host));
	/* --now: judge ages as at another time (to see what a day will
	 * prune, or to test retention without waiting for it). */
	if (when != NULL && cam_time_parse(when, s.cfg.timezone, &now,
	    &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	out.res = &res;
	cam_cli_meter_start(&out.meter, dry ? _("listing") : _("pruning"),
	    _("segments"));
	k = run_prune(&s, host, dry, now, prune_line, &out, &res, &e);
	cam_cli_meter_end(&out.meter);
	if (k == -1) {
		if (!dry)
			cam_cli_audit_rc(NULL, -1, &e, NULL);
		rc = cam_cli_fail(&e);
		goto end;
	}
	cam_time_format_utc(res.oldest_deleted, a, sizeof(a));
	cam_time_format_utc(res.newest_deleted, b, sizeof(b));
	if (!dry)
		audit_prune(&res, a, b);
	print_prune(&out, &res, dry, a, b);
	if (res.waiting > 0)
		cam_cli_msg("%llu segments due for deletion are kept until "
		    "they are replicated (replication: keep_until_replicated)",
		    (unsigned long long)res.waiting);
	if (res.still_over) {
		if (res.waiting > 0)
			cam_cli_msg("%s is still over its capacity limit: "
			    "footage waits for replication (camrec "
			    "replicate)", s.cfg.root);
		else
			cam_cli_msg("%s is still over its capacity limit (held "
			    "footage, or files camkit did not write)",
			    s.cfg.root);
		rc = CAM_NO;
	}
end:
	cam_buf_free(&out.b);
	cam_site_close(&s);
	return rc;
}

static int
hold_add(int argc, char **argv, struct cam_site *s, const char *host)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *reason = NULL, *user;
	time_t tf, tt;
	struct cam_err e;
	uint64_t id;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'r': reason = optarg; break;
		default: return cam_cli_usage_error("hold add: bad option");
		}
	if (optind + 1 != argc || from == NULL || to == NULL || reason == NULL)
		return cam_cli_usage_error("hold add: give a camera, --from, --to and "
		    "--reason");
	cam_err_clear(&e);
	if (cam_time_parse(from, s->cfg.timezone, &tf, &e) == -1 ||
	    cam_time_parse(to, s->cfg.timezone, &tt, &e) == -1)
		return cam_cli_fail(&e);
	user = cam_user_name();
	if (cam_store_hold_add(s->cfg.root, host, argv[optind], tf, tt, reason,
	    user ? user : "?", &id, &e) == -1) {
		cam_cli_audit_rc(argv[optind], -1, &e, NULL);
		return cam_cli_fail(&e);
	}
	{
		char obj[64];
		snprintf(obj, sizeof(obj), "%s hold %llu", argv[optind],
		    (unsigned long long)id);
		cam_cli_audit(obj, "granted", reason, NULL);
	}
	printf("hold\t%llu\n", (unsigned long long)id);
	return 0;
}

static int
hold_list(int argc, char **argv, struct cam_site *s)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_holds h;
	struct cam_err e;
	char f[40], t[40];
	int c, all = 0, json = 0, n = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		default: return cam_cli_usage_error("hold list: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("hold list: unexpected argument");
	cam_err_clear(&e);
	if (cam_store_holds(s->cfg.root, &h, &e) == -1)
		return cam_cli_fail(&e);
	if (json)
		cam_buf_adds(&b, "[");
	for (size_t i = 0; i < h.n; i++) {
		const struct cam_hold *x = &h.v[i];
		if (x->released && !all)
			continue;
		cam_time_format_local(x->from, s->cfg.timezone, f, sizeof(f));
		cam_time_format_local(x->to, s->cfg.timezone, t, sizeof(t));
		if (json) {
			cam_buf_addf(&b, "%s{\"id\": %llu, \"camera\": ",
			    n++ ? ",\n  " : "\n  ", (unsigned long long)x->id);
			cam_json_str(&b, x->camera);
			cam_buf_addf(&b, ", \"from\": \"%s\", \"to\": \"%s\", "
			    "\"released\": %s, \"by\": ", f, t,
			    x->released ? "true" : "false");
			cam_json_str(&b, x->by);
			cam_buf_adds(&b, ", \"reason\": ");
			cam_json_str(&b, x->reason);
			cam_buf_adds(&b, "}");
		} else
			cam_buf_addf(&b, "%llu\t%s\t%s\t%s\t%s\t%s\t%s\n",
			    (unsigned long long)x->id, x->camera, f, t,
			    x->released ? "released" : "held", x->by,
			    x->reason);
	}
	if (json)
		cam_buf_adds(&b, n ? "\n]\n" : "]\n");
	fputs(cam_buf_str(&b), stdout);
	cam_buf_free(&b);
	cam_holds_free(&h);
	return 0;
}

static int
hold_release(int argc, char **argv, struct cam_site *s, const char *host)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = "", *user;
	struct cam_err e;
	char *end;
	unsigned long long id;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'r': reason = optarg; break;
		default: return cam_cli_usage_error("hold release: bad option");
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("hold release: give one hold id");
	id = strtoull(argv[optind], &end, 10);
	if (*end != '\0' || id == 0)
		return cam_cli_usage_error("hold release: bad id \"%s\"", argv[optind]);
	cam_err_clear(&e);
	user = cam_user_name();
	if (cam_store_hold_release(s->cfg.root, host, id, reason,
	    user ? user : "?", &e) == -1) {
		cam_cli_audit_rc(argv[optind], -1, &e, NULL);
		return cam_cli_fail(&e);
	}
	cam_cli_audit(argv[optind], "granted", reason[0] ? reason : NULL,
	    NULL);
	printf("released\t%llu\n", id);
	return 0;
}

static int
cmd_hold(int argc, char **argv)
{
	struct cam_site s;
	struct cam_err e;
	char host[256];
	int rc;

	if (argc < 2)
		return cam_cli_usage_error("hold: give a verb (add, list, release)");
	cam_err_clear(&e);
	if ((rc = open_site(&s, strcmp(argv[1], "list") == 0 ?
	    CAM_ACT_CONFIG_READ : CAM_ACT_HOLD)) != 0)
		return rc;
	cam_cli_host(host, sizeof(host));
	argc--;
	argv++;
	optind = 0;
	if (strcmp(argv[0], "add") == 0)
		rc = hold_add(argc, argv, &s, host);
	else if (strcmp(argv[0], "list") == 0)
		rc = hold_list(argc, argv, &s);
	else if (strcmp(argv[0], "release") == 0)
		rc = hold_release(argc, argv, &s, host);
	else
		rc = cam_cli_usage_error("hold: unknown verb \"%s\"", argv[0]);
	cam_site_close(&s);
	return rc;
}

static int
cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cam_camera *cam;
	struct cam_rec_conf conf;
	struct cam_site s;
	struct cam_err e;
	struct sigaction sa;
	struct full_ctx full;
	int64_t duration = 0;
	char host[256];
	int c, rc;

	cam_err_clear(&e);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'f':
			if (cam_duration_parse(optarg, &duration, &e) == -1)
				return cam_cli_usage_error("record: --for: %s", e.text);
			break;
		default:
			return cam_cli_usage_error("record: bad option");
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("record: give one camera id");
	if ((rc = find_camera(&s, argv[optind], &cam, host,
	    sizeof(host))) != 0)
		return rc;
	if (!cam->enabled) {
		cam_errf(&e, CAM_NO, "camera %s is disabled in %s", cam->id,
		    dir);
		cam_cli_audit_rc(cam->id, -1, &e, NULL);
		cam_site_close(&s);
		return cam_cli_fail(&e);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	conf_init(&conf, &s, cam, host);
	conf.duration = duration;
	full.s = &s;
	full.host = host;
	conf.prune = on_low_space;
	conf.prune_arg = &full;
	/* camview's live view: the streams are published in view.run_dir
	 * (a failure there is told, and the recording goes on). */
	conf.live_dir = s.cfg.view_run_dir;
	/* In the foreground, on a terminal: a status line now and then
	 * (never in a pipe, a file or a service's journal). */
	if (isatty(STDERR_FILENO)) {
		conf.status = status_line;
		conf.status_arg = (void *)cam->id;
		conf.status_every = STATUS_EVERY;
	}
	cam_cli_verb("record start");
	/* The recorder makes the root anyway: make it first, so that the
	 * start has its place in the audit trail. */
	if (cam_mkdir_p(s.cfg.root, 0750, &e) == -1) {
		cam_site_close(&s);
		return cam_cli_fail(&e);
	}
	cam_cli_audit(cam->id, "granted", NULL, NULL);
	rc = cam_rec_record(&conf, &e);
	cam_cli_verb("record stop");
	cam_cli_audit_rc(cam->id, rc == -1 ? -1 : 0, &e, rc == CAM_REC_MOVED ?
	    "{\"handover\":true}" : rc == CAM_REC_CHANGED ?
	    "{\"config_changed\":true}" : NULL);
	if (rc == CAM_REC_MOVED)
		cam_cli_msg("camera %s: no longer recorded on this host (see "
		    "its handover record): stopped", cam->id);
	else if (rc == CAM_REC_CHANGED)
		cam_cli_msg("camera %s: its settings changed: stopped, to be "
		    "started again with them", cam->id);
	/* A changed camera's unit starts it again on this status
	 * (conf/camrec@.service); a moved one's does not. */
	rc = rc == -1 ? cam_cli_fail(&e) : rc == CAM_REC_CHANGED ?
	    CAMREC_EXIT_RESTART : 0;
	cam_site_close(&s);
	return rc;
}

static int
cmd_recover(int argc, char **argv)
{
	const struct cam_camera *cam;
	struct cam_rec_conf conf;
	struct cam_site s;
	struct cam_err e;
	char host[256];
	int rc, n, lockfd = -1;

	if (getopt_long(argc, argv, "", no_opts, NULL) != -1)
		return cam_cli_usage_error("recover: bad option");
	if (optind + 1 != argc)
		return cam_cli_usage_error("recover: give one camera id");
	if ((rc = find_camera(&s, argv[optind], &cam, host,
	    sizeof(host))) != 0)
		return rc;
	cam_err_clear(&e);
	conf_init(&conf, &s, cam, host);
	/* Never under a running recorder: its .partial is not a crash. */
	if (cam_rec_lock(s.cfg.root, cam->id, &lockfd, &e) == -1 ||
	    cam_rec_recover(&conf, &n, &e) == -1) {
		cam_cli_audit_rc(cam->id, -1, &e, NULL);
		rc = cam_cli_fail(&e);
	} else {
		if (n > 0)
			cam_cli_audit(cam->id, "granted", NULL, NULL);
		printf("recovered\t%s\t%d\n", cam->id, n);
	}
	if (lockfd != -1)
		close(lockfd);
	cam_site_close(&s);
	return rc;
}

static void
verify_line(void *arg, const char *what, const struct cam_err *finding)
{
	const char *camera = arg;

	/* TSV, for scripts: English, as the journal says it. */
	printf("FAIL\t%s\t%s\t%s\n", camera, what, finding->msg);
}

static int
cmd_verify(int argc, char **argv)
{
	struct cam_site s;
	struct cam_err e;
	char **cams = NULL;
	size_t n = 0;
	int rc = 0, bad = 0;

	if (getopt_long(argc, argv, "", no_opts, NULL) != -1)
		return cam_cli_usage_error("verify: bad option");
	cam_err_clear(&e);
	if ((rc = open_site(&s, CAM_ACT_AUDIT)) != 0)
		return rc;
	if (optind < argc) {
		cams = cam_xmalloc((size_t)(argc - optind) * sizeof(char *));
		for (int i = optind; i < argc; i++)
			cams[n++] = cam_xstrdup(argv[i]);
	} else if (cam_store_cameras(s.cfg.root, &cams, &n, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t checked;
		int found = cam_store_verify(s.cfg.root, cams[i], verify_line,
		    cams[i], &checked, &e);
		if (found == -1) {
			rc = cam_cli_fail(&e);
			cam_err_clear(&e);
			continue;
		}
		printf("%s\t%s\t%llu segments\t%d problem%s\n",
		    found ? "FAIL" : "ok", cams[i],
		    (unsigned long long)checked, found, found == 1 ? "" : "s");
		bad += found;
	}
	if (rc == 0 && bad)
		rc = CAM_NO;
	{
		char why[64];
		snprintf(why, sizeof(why), "%d problem%s", bad,
		    bad == 1 ? "" : "s");
		cam_cli_audit(n == 1 ? cams[0] : NULL, rc == 0 ? "granted" :
		    "failed", rc == 0 ? NULL : why, NULL);
	}
end:
	free_list(cams, n);
	cam_site_close(&s);
	return rc;
}

/* ---- replicate ---- */

struct repl_out {
	struct cam_buf b;
	int json;
	int n;
};

static const char *const repl_state[] = {
	[CAM_REPL_SENT] = "sent",
	[CAM_REPL_PRESENT] = "present",
	[CAM_REPL_WOULD] = "would send",
	[CAM_REPL_HOLD_ON] = "legal hold on",
	[CAM_REPL_HOLD_OFF] = "legal hold off",
	[CAM_REPL_GONE] = "gone",
	[CAM_REPL_REFUSED] = "refused",
};

static void
repl_line(void *arg, const struct cam_repl_item *it)
{
	struct repl_out *o = arg;

	if (o->json) {
		cam_buf_adds(&o->b, o->n++ ? ",\n  " : "\n  ");
		cam_buf_addf(&o->b, "{\"state\": \"%s\", \"kind\": \"%s\", "
		    "\"what\": ", repl_state[it->state],
		    cam_repl_kinds[it->kind]);
		cam_json_str(&o->b, it->what);
		cam_buf_adds(&o->b, ", \"bucket\": ");
		cam_json_str(&o->b, it->bucket);
		cam_buf_adds(&o->b, ", \"key\": ");
		cam_json_str(&o->b, it->key);
		cam_buf_adds(&o->b, ", \"version\": ");
		cam_json_str(&o->b, it->version);
		cam_buf_addf(&o->b, ", \"bytes\": %llu",
		    (unsigned long long)it->bytes);
		if (it->err != NULL) {
			cam_buf_adds(&o->b, ", \"error\": ");
			cam_json_str(&o->b, it->err->msg);
		}
		cam_buf_adds(&o->b, "}");
	} else {
		printf("%s\t%s\t%s\t%s\n", repl_state[it->state],
		    cam_repl_kinds[it->kind], it->key, it->what);
		fflush(stdout);
	}
	/* A refusal or a missing archive is said at once, in words. */
	if (it->err != NULL)
		cam_cli_msg("%s", it->err->text);
}

/* One run of replicate: 0, or the exit status it asks for. */
static int
replicate_run(int dry, int json, const uint64_t *rate, int *unconfigured)
{
	struct cam_replicate_opts ro;
	struct cam_replicate_result res;
	struct repl_out out;
	struct cam_s3 *s3 = NULL;
	struct cam_site s;
	struct cam_err e;
	char host[256], size[CAM_SIZE_LEN];
	int k, rc;
	uint64_t bytes = 0, sent = 0, present = 0;

	memset(&out, 0, sizeof(out));
	memset(&ro, 0, sizeof(ro));
	out.json = json;
	ro.dry_run = dry;
	cam_err_clear(&e);
	if ((rc = open_site(&s, CAM_ACT_RECORD)) != 0)
		return rc;
	if (rate != NULL)	/* instead of replication: max_rate */
		s.cfg.repl.max_rate = *rate;
	*unconfigured = s.cfg.repl.endpoint == NULL;
	cam_cli_host(host, sizeof(host));
	ro.cfg = &s.cfg;
	ro.host = host;
	ro.now = time(NULL);
	ro.each = repl_line;
	ro.arg = &out;
	if (!ro.dry_run && s.cfg.repl.endpoint != NULL &&
	    cam_replicate_in_window(&s.cfg, ro.now) &&
	    cam_remote_open(&s3, &s.cfg, s.dir, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	k = cam_replicate(&ro, s3, &res, &e);
	for (int i = 0; i < CAM_REPL_NKINDS; i++) {
		sent += res.sent[i];
		bytes += res.sent_bytes[i];
		present += res.present[i];
	}
	if (!ro.dry_run && k != -1 && (sent > 0 || present > 0 ||
	    res.holds > 0)) {
		struct cam_buf d = CAM_BUF_INIT;

		cam_json_begin(&d);
		cam_json_add_uint(&d, "evidence", res.sent[CAM_REPL_EVIDENCE]);
		cam_json_add_uint(&d, "chunks", res.sent[CAM_REPL_JOURNALS]);
		cam_json_add_uint(&d, "segments", res.sent[CAM_REPL_FOOTAGE]);
		cam_json_add_uint(&d, "bytes", bytes);
		cam_json_add_uint(&d, "present", present);
		cam_json_add_uint(&d, "holds", res.holds);
		cam_json_add_bool(&d, "left", k == 1);
		cam_json_end(&d);
		cam_cli_audit(NULL, "granted", NULL, cam_buf_str(&d));
		cam_buf_free(&d);
	}
	if (out.json && (k != -1 || res.refused > 0))
		printf("{\"dry_run\": %s, \"objects\": [%s%s], "
		    "\"sent\": {\"evidence\": %llu, \"journals\": %llu, "
		    "\"footage\": %llu}, \"bytes\": %llu, \"present\": %llu, "
		    "\"holds\": %llu, \"gone\": %llu, \"refused\": %llu, "
		    "\"left\": %s, \"outside_window\": %s}\n",
		    ro.dry_run ? "true" : "false", cam_buf_str(&out.b),
		    out.n ? "\n" : "",
		    (unsigned long long)res.sent[CAM_REPL_EVIDENCE],
		    (unsigned long long)res.sent[CAM_REPL_JOURNALS],
		    (unsigned long long)res.sent[CAM_REPL_FOOTAGE],
		    (unsigned long long)bytes, (unsigned long long)present,
		    (unsigned long long)res.holds,
		    (unsigned long long)res.gone,
		    (unsigned long long)res.refused,
		    k == 1 ? "true" : "false",
		    res.outside_window ? "true" : "false");
	else if (!out.json && (k != -1 || res.refused > 0)) {
		cam_fmt_size(size, sizeof(size), bytes);
		printf("%s\t%llu archives\t%llu journal chunks\t"
		    "%llu segments\t%s\t%llu already there\t"
		    "%llu legal holds changed\n",
		    ro.dry_run ? "would send" : "replicated",
		    (unsigned long long)res.sent[CAM_REPL_EVIDENCE],
		    (unsigned long long)res.sent[CAM_REPL_JOURNALS],
		    (unsigned long long)res.sent[CAM_REPL_FOOTAGE], size,
		    (unsigned long long)present,
		    (unsigned long long)res.holds);
	}
	fflush(stdout);
	/* 3 (CAM_ENV): some is left for the next run, nothing lost. */
	if (k != 0)
		rc = cam_cli_fail(&e);
end:
	cam_s3_close(&s3);
	cam_buf_free(&out.b);
	cam_site_close(&s);
	return rc;
}

/*
 * replicate --once: one run.  Without it, a run at the start of every
 * minute until SIGTERM or SIGINT, the configuration read anew each time
 * (a long-running service instead of the timer: no program start each
 * minute); a run that leaves some, or fails, is said and the next one
 * tries again.
 */
static int
cmd_replicate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-rate", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rate = NULL;
	uint64_t max_rate = 0;
	struct sigaction sa;
	int c, once = 0, dry = 0, json = 0, rc, unconf = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'o': once = 1; break;
		case 'n': dry = 1; break;
		case 'j': json = 1; break;
		case 'r': rate = optarg; break;
		default: return cam_cli_usage_error("replicate: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("replicate: unexpected argument "
		    "\"%s\"", argv[optind]);
	if (rate != NULL) {
		int pct = 0;
		if (cam_size_parse(rate, &max_rate, &pct) == -1 || pct != 0)
			return cam_cli_usage_error("replicate: --max-rate must "
			    "be bytes per second (\"2MB\", \"500K\"), not "
			    "\"%s\"", rate);
	}
	if (once || dry)
		return replicate_run(dry, json, rate ? &max_rate : NULL,
		    &unconf);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop) {
		rc = replicate_run(0, json, rate ? &max_rate : NULL, &unconf);
		if (rc == CAM_USAGE || unconf)
			return rc;	/* no use trying again */
		while (!stop && time(NULL) % 60 != 0)
			sleep(1);
		if (!stop)
			sleep(1);	/* past the minute's first second */
	}
	return 0;
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "record", N_("record a camera (what the recording service runs)") },
	{ "recover", N_("repair a camera's last segment after a crash") },
	{ "verify", N_("check every stored segment against its manifest") },
	{ "prune", N_("delete footage past retention; free room when the disk is full") },
	{ "hold", N_("keep footage from deletion as evidence: add, list, release") },
	{ "replicate", N_("send evidence, journals and footage to the object store") },
};

static const struct cam_cli_verb verbs[] = {
	{ "record", cmd_record, 0 },
	{ "recover", cmd_recover, 0 },
	{ "verify", cmd_verify, 0 },
	{ "prune", cmd_prune, 0 },
	{ "hold", cmd_hold, CAM_CLI_SUB_ANY },
	{ "replicate", cmd_replicate, 0 },
};

/* FFmpeg says nothing unless -v. */
static void
start(void)
{
	av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_QUIET);
	av_log_set_callback(av_logger);
}

int
main(int argc, char **argv)
{
	cam_cli_setup(prog, usage);
	cam_cli_flag('v', &verbose);
	cam_cli_start(start);
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
