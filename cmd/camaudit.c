/*
 * camaudit: the compliance officer's verifier.  It reads; it never
 * changes anything.  main() parses the global options and dispatches to
 * one function per verb: verify (an archive made by camextract),
 * journals (every journal of the site: chain, seals, witness),
 * recordings, access, config (the configuration's git history), cameras
 * (the security of each camera) and report (the month, for the
 * director).  The checks themselves are in lib/: cam_audit_archive,
 * cam_audit_journals, cam_trail, cam_audit_config, cam_audit_cameras,
 * cam_audit_report; here are the options, the authorization, the output
 * and the audit record of each run.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/log.h>

#include "base/cam_i18n.h"
#include "audit/cam_audit_archive.h"
#include "audit/cam_audit_cameras.h"
#include "audit/cam_audit_config.h"
#include "audit/cam_audit_crl.h"
#include "audit/cam_audit_journals.h"
#include "audit/cam_audit_recordings.h"
#include "audit/cam_audit_report.h"
#include "audit/cam_audit_store.h"
#include "audit/cam_report_pdf.h"
#include "base/cam_i18n.h"
#include "base/cam_checklist.h"
#include "base/cam_i18n.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "cli/cam_cli_meter.h"
#include "journal/cam_journal.h"
#include "journal/cam_trail.h"
#include "site/cam_config.h"
#include "site/cam_site.h"

static const char *prog = "camaudit";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camaudit [-C dir] verify archive [--trust dir | file] [--crl file]\n"
"              [--key file] [--json]\n"
"       camaudit [-C dir] journals [--json] [--store url [--host host]\n"
"              [--credential file]]\n"
"       camaudit [-C dir] recordings [--camera id] [--from time] [--to time]\n"
"              [--json] [--store url [--host host] [--credential file]]\n"
"       camaudit [-C dir] access [--since time] [--json]\n"
"       camaudit [-C dir] config [--since time] [--json]\n"
"       camaudit [-C dir] cameras [--camera id] [--defaults file] [--json]\n"
"       camaudit [-C dir] report [--month yyyy-mm] [--json] [--store url\n"
"              [--host host] [--credential file]]\n"
"       camaudit [-C dir] report [--month yyyy-mm] --pdf file [--sign]\n"
"              [--store url [--host host] [--credential file]]\n"
"       camaudit [-C dir] report [--month yyyy-mm] --save\n"
"       camaudit [-C dir] crl [--json]\n"
"       camaudit -h | --help | --version\n");
}

/* The configuration in force, if the caller may audit under it;
 * else the exit status (printed, and a refusal audited). */
static int
open_site(struct cam_site *s)
{
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	if (cam_site_open(s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if ((rc = cam_cli_authorize(&s->cfg, dir, CAM_ACT_AUDIT)) != 0)
		cam_site_close(s);
	return rc;
}

/* Print the checks; the exit status they call for. */
static int
finish(struct cam_checklist *ck)
{
	struct cam_buf out = CAM_BUF_INIT;
	int rc;

	cam_checklist_render(ck, &out);
	fputs(cam_buf_str(&out), stdout);
	cam_buf_free(&out);
	rc = cam_checklist_status(ck);
	cam_checklist_free(ck);
	return fflush(stdout) == 0 ? rc : CAM_ENV;
}

/* ---- --store: a host's data read from the object store ---- */

/* The options --store, --host and --credential, as getopt_long codes. */
#define STORE_OPTS \
	{ "store", required_argument, NULL, 'U' }, \
	{ "host", required_argument, NULL, 'H' }, \
	{ "credential", required_argument, NULL, 'K' }

struct store_opts {
	const char *url, *host, *cred;
};

/* One of the store options in c: 1 taken, 0 not one of them. */
static int
store_opt(struct store_opts *o, int c)
{
	switch (c) {
	case 'U': o->url = optarg; return 1;
	case 'H': o->host = optarg; return 1;
	case 'K': o->cred = optarg; return 1;
	default: return 0;
	}
}

static int
store_usage(const char *verb, const struct store_opts *o)
{
	if (o->url == NULL && (o->host != NULL || o->cred != NULL))
		return cam_cli_usage_error("%s: --host and --credential go "
		    "with --store", verb);
	if (o->url != NULL && strcmp(o->url, "configured") != 0 &&
	    strncmp(o->url, "s3://", 5) != 0)
		return cam_cli_usage_error("%s: --store: \"%s\" is neither "
		    "s3://BUCKET/PREFIX nor \"configured\"", verb, o->url);
	return 0;
}

/* Open the store and list the hosts to audit (--host, or every host
 * with data under the prefix): 0, or -1 with e set. */
static int
store_open(struct cam_audit_store *st, struct cam_site *s,
    const struct store_opts *o, char ***hosts, size_t *n, struct cam_err *e)
{
	const char *tmp = getenv("TMPDIR");

	*hosts = NULL;
	*n = 0;
	if (cam_audit_store_open(st, &s->cfg, s->dir, o->url, o->cred,
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", e) == -1)
		return -1;
	if (o->host != NULL) {
		*hosts = cam_xmalloc(sizeof(**hosts));
		(*hosts)[(*n)++] = cam_xstrdup(o->host);
		return 0;
	}
	if (cam_audit_store_hosts(st, hosts, n, e) == -1)
		return -1;
	if (*n == 0)
		return cam_errf(e, CAM_NO, "%s: no host has data in the store",
		    st->url);
	return 0;
}

static void
hosts_free(char **hosts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(hosts[i]);
	free(hosts);
}

/* journals or recordings (rec) from the store, host by host. */
static int
store_checks(struct cam_site *s, const struct store_opts *o, int rec,
    const char *camera, time_t from, time_t to, struct cam_checklist *ck,
    struct cam_err *e)
{
	struct cam_audit_store st;
	char **hosts = NULL;
	size_t n = 0;
	int rc = store_open(&st, s, o, &hosts, &n, e);

	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = cam_audit_store_fetch(&st, hosts[i], e);
		if (rc == 0)
			rc = rec ? cam_audit_recordings_store(s, &st, camera,
			    from, to, ck, e) : cam_audit_journals_store(s, &st,
			    CAM_JOURNAL_ALL, ck, e);
	}
	hosts_free(hosts, n);
	cam_audit_store_close(&st);
	return rc;
}

/* ---- verify: an archive ---- */

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "crl", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_checklist ck = { 0 };
	struct cam_audit_archive_trust t;
	struct cam_err e;
	const char *tdir = NULL, *key = NULL, *crl = NULL, *path;
	time_t at = time(NULL);
	struct cam_cli_meter m;
	int c, k, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 't': tdir = optarg; break;
		case 'r': crl = optarg; break;
		case 'k': key = optarg; break;
		case 'j': ck.json = 1; break;
		default: return cam_cli_usage_error("verify: bad option");
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("verify: give one archive");
	path = argv[optind];
	cam_err_clear(&e);
	if (cam_audit_archive_trust_load(&t, dir, tdir, crl, &e) == -1) {
		cam_audit_archive_trust_free(&t);
		return cam_cli_fail(&e);
	}
	if (t.have_site && (rc = cam_cli_authorize(&t.site.cfg, dir,
	    CAM_ACT_AUDIT)) != 0) {
		cam_audit_archive_trust_free(&t);
		return rc;
	}
	cam_cli_meter_start(&m, _("verifying"), _("files"));
	k = cam_audit_archive(path, key, &t, getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp", at, cam_cli_meter_show, &m, &ck, &e);
	cam_cli_meter_end(&m);
	if (k == -1) {
		cam_checklist_free(&ck);
		rc = cam_cli_fail(&e);
		goto end;
	}
	rc = finish(&ck);
	cam_cli_audit(path, rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "verification failed", NULL);
end:
	cam_audit_archive_trust_free(&t);
	return rc;
}

/* ---- journals ---- */

static int
cmd_journals(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		STORE_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cam_checklist ck = { 0 };
	struct store_opts so = { NULL, NULL, NULL };
	struct cam_site s;
	struct cam_err e;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c == 'j')
			ck.json = 1;
		else if (!store_opt(&so, c))
			return cam_cli_usage_error("journals: bad option");
	if (optind != argc)
		return cam_cli_usage_error("journals: unexpected argument "
		    "\"%s\"", argv[optind]);
	if ((rc = store_usage("journals", &so)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if ((so.url != NULL ? store_checks(&s, &so, 0, NULL, 0, 0, &ck, &e) :
	    cam_audit_journals(&s, &ck, &e)) == -1) {
		cam_site_close(&s);
		cam_checklist_free(&ck);
		return cam_cli_fail(&e);
	}
	rc = finish(&ck);
	cam_cli_audit("journals", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "a journal failed", NULL);
	cam_site_close(&s);
	return rc;
}

/* ---- crl: the revocation lists ---- */

static int
cmd_crl(int argc, char **argv)
{
	struct cam_checklist ck = { 0 };
	struct cam_site s;
	struct cam_err e;
	int rc;

	if ((rc = cam_cli_json_only(argc, argv, "crl", &ck.json)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if (cam_audit_crl(&s, time(NULL), &ck, &e) == -1) {
		cam_site_close(&s);
		cam_checklist_free(&ck);
		return cam_cli_fail(&e);
	}
	rc = finish(&ck);
	cam_cli_audit("crl", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "a revocation list is out of date", NULL);
	cam_site_close(&s);
	return rc;
}

/* ---- recordings ---- */

static int
cmd_recordings(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		STORE_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *camera = NULL, *from = NULL, *to = NULL;
	struct store_opts so = { NULL, NULL, NULL };
	struct cam_checklist ck = { 0 };
	struct cam_site s;
	struct cam_err e;
	time_t tfrom = 0, tto = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'c': camera = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'j': ck.json = 1; break;
		default:
			if (store_opt(&so, ch))
				break;
			return cam_cli_usage_error("recordings: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("recordings: unexpected argument "
		    "\"%s\"", argv[optind]);
	if ((rc = store_usage("recordings", &so)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if ((from != NULL && cam_time_parse(from, s.cfg.timezone, &tfrom,
	    &e) == -1) ||
	    (to != NULL && cam_time_parse(to, s.cfg.timezone, &tto,
	    &e) == -1)) {
		cam_site_close(&s);
		return cam_cli_usage_error("recordings: %s", e.text);
	}
	if ((so.url != NULL ? store_checks(&s, &so, 1, camera, tfrom, tto, &ck,
	    &e) : cam_audit_recordings(&s, camera, tfrom, tto, &ck,
	    &e)) == -1) {
		cam_site_close(&s);
		cam_checklist_free(&ck);
		return cam_cli_fail(&e);
	}
	rc = finish(&ck);
	cam_cli_audit("recordings", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "findings", NULL);
	cam_site_close(&s);
	return rc;
}

/* ---- access ---- */

static int
cmd_access(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL;
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_site s;
	struct cam_err e;
	time_t tsince = 0;
	int c, json = 0, rc = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 's': since = optarg; break;
		case 'j': json = 1; break;
		default: return cam_cli_usage_error("access: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("access: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if (since != NULL && cam_time_parse(since, s.cfg.timezone, &tsince,
	    &e) == -1) {
		rc = cam_cli_usage_error("access: --since: %s", e.text);
		goto end;
	}
	if (cam_trail_access(s.cfg.root, s.cfg.timezone, tsince, json, &out,
	    &e) == -1) {
		/* A broken trail is itself a finding: say where. */
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (json)
		printf("[%s\n]\n", cam_buf_str(&out));
	else
		fputs(cam_buf_str(&out), stdout);
	cam_cli_audit("access", "granted", NULL, NULL);
	rc = fflush(stdout) == 0 ? 0 : CAM_ENV;
end:
	cam_buf_free(&out);
	cam_site_close(&s);
	return rc;
}

/* ---- config: who changed the configuration, and was it sound ---- */

static int
cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL;
	struct cam_checklist ck = { 0 };
	struct cam_site s;
	struct cam_err e;
	struct cam_audit_config c;
	int k, rc;

	memset(&c, 0, sizeof(c));
	while ((k = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (k) {
		case 's': since = optarg; break;
		case 'j': ck.json = c.json = 1; break;
		default: return cam_cli_usage_error("config: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("config: unexpected argument "
		    "\"%s\"", argv[optind]);
	if ((rc = open_site(&s)) != 0)
		return rc;
	cam_err_clear(&e);
	c.ck = &ck;
	c.s = &s;
	if (since != NULL && cam_time_parse(since, s.cfg.timezone, &c.since,
	    &e) == -1) {
		rc = cam_cli_usage_error("config: --since: %s", e.text);
		goto end;
	}
	if (cam_audit_config_check(&c, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (c.json) {
		printf("{\"ok\": %s, \"changes\": [%s\n], \"checks\": "
		    "[%s\n]}\n", ck.failed || ck.skipped ? "false" : "true",
		    cam_buf_str(&c.changes), cam_buf_str(&ck.out));
		rc = cam_checklist_status(&ck);
	} else {
		fputs(cam_buf_str(&c.changes), stdout);
		rc = finish(&ck);
	}
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
	cam_cli_audit("config", rc == 0 ? "granted" : "failed", rc == 0 ?
	    NULL : "findings", NULL);
end:
	cam_checklist_free(&ck);
	cam_audit_config_free(&c);
	cam_site_close(&s);
	return rc;
}

/* ---- cameras: the security of each camera (directive 004) ---- */

static int
cmd_cameras(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "defaults", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *camera = NULL, *dpath = NULL;
	struct cam_checklist ck = { 0 };
	struct cam_factory_creds defs;
	struct cam_site s;
	struct cam_err e;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'c': camera = optarg; break;
		case 'd': dpath = optarg; break;
		case 'j': ck.json = 1; break;
		default: return cam_cli_usage_error("cameras: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("cameras: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if (cam_audit_cameras_defaults(dpath, &defs, &e) == -1) {
		cam_site_close(&s);
		rc = cam_cli_fail(&e);
		cam_cli_audit("cameras", "failed", "bad defaults list", NULL);
		return rc;
	}
	if (camera != NULL && cam_config_camera(&s.cfg, camera) == NULL) {
		cam_errf(&e, CAM_NO, "cameras: no camera \"%s\" in the "
		    "configuration in force", camera);
		rc = cam_cli_fail(&e);
		cam_cli_audit(camera, "failed", e.msg, NULL);
		goto end;
	}
	cam_audit_cameras(&s, camera, &defs, &ck);
	rc = finish(&ck);
	cam_cli_audit(camera != NULL ? camera : "cameras", rc == 0 ?
	    "granted" : "failed", rc == 0 ? NULL : "findings", NULL);
end:
	cam_checklist_free(&ck);
	cam_factory_creds_free(&defs);
	cam_site_close(&s);
	return rc;
}

/* ---- report: the month, for the director (001 Đ14.2) ---- */

static int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "pdf", required_argument, NULL, 'p' },
		{ "sign", no_argument, NULL, 's' },
		{ "save", no_argument, NULL, 'S' },
		STORE_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL, *pdf = NULL;
	struct store_opts so = { NULL, NULL, NULL };
	struct cam_audit_store st;
	char **hosts = NULL;
	size_t nhosts = 0;
	int have_st = 0;
	struct cam_buf doc = CAM_BUF_INIT;
	struct cam_audit_report p;
	struct cam_site s;
	struct cam_err e;
	char host[256], path[PATH_MAX];
	int k, rc, json = 0, sign = 0, save = 0, y = 0, m = 0;

	while ((k = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (k) {
		case 'm': month = optarg; break;
		case 'j': json = 1; break;
		case 'p': pdf = optarg; break;
		case 's': sign = 1; break;
		case 'S': save = 1; break;
		default:
			if (store_opt(&so, k))
				break;
			return cam_cli_usage_error("report: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("report: unexpected argument "
		    "\"%s\"", argv[optind]);
	if (json + (pdf != NULL) + save > 1)
		return cam_cli_usage_error("report: give one of --json, --pdf "
		    "and --save");
	if (sign && pdf == NULL)
		return cam_cli_usage_error("report: --sign signs the file of "
		    "--pdf");
	if ((rc = store_usage("report", &so)) != 0)
		return rc;
	if (so.url != NULL && save)
		return cam_cli_usage_error("report: --save keeps the site's "
		    "own report: not with --store");
	if (pdf != NULL && *pdf == '\0')
		return cam_cli_usage_error("report: --pdf: no file named");
	if (month != NULL && (strlen(month) != 7 || month[4] != '-' ||
	    sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 ||
	    y < 1970 || strspn(month, "0123456789-") != 7))
		return cam_cli_usage_error("report: --month: \"%s\" is not "
		    "YYYY-MM", month);
	if ((rc = open_site(&s)) != 0)
		return rc;
	cam_err_clear(&e);
	cam_cli_host(host, sizeof(host));
	/* The document speaks the site's language, whoever makes it. */
	if (pdf != NULL || save)
		cam_i18n_use(s.cfg.language);
	memset(&st, 0, sizeof(st));
	memset(&p, 0, sizeof(p));
	/* From the store: one host's report (--host, or the only one). */
	if (so.url != NULL) {
		have_st = 1;
		if (store_open(&st, &s, &so, &hosts, &nhosts, &e) == -1 ||
		    (nhosts > 1 && cam_errf(&e, CAM_USAGE, "report: the store "
		    "holds several hosts: give --host") == -1) ||
		    cam_audit_store_fetch(&st, hosts[0], &e) == -1) {
			cam_i18n_use(NULL);
			rc = cam_cli_fail(&e);
			goto end;
		}
	}
	if (cam_audit_report_open(&p, &s, json, y, m, time(NULL), host,
	    cam_cli_actor() ? cam_cli_actor()->name : "?", &e) == -1) {
		cam_i18n_use(NULL);
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (have_st)
		p.st = &st;
	p.chart = pdf != NULL || save;
	cam_audit_report_recording(&p);
	cam_audit_report_storage(&p);
	cam_audit_report_logbook(&p);
	cam_audit_report_access(&p);
	cam_audit_report_config(&p);
	cam_audit_report_cameras(&p);
	cam_audit_report_verification(&p);
	if (p.chart) {
		/* --save: the month's report where the monthly job keeps
		 * them, always signed. */
		if (save && (cam_path(path, sizeof(path), &e, "%s/reports",
		    s.cfg.root) == -1 || cam_mkdir_p(path, 0750, &e) == -1 ||
		    cam_path(path, sizeof(path), &e, "%s/reports/report-%s.pdf",
		    s.cfg.root, p.month) == -1))
			rc = -1;
		else
			rc = cam_report_pdf(&p, &doc, &e);
		/* Messages from here on in the reader's language. */
		cam_i18n_use(NULL);
		if (rc == 0)
			rc = cam_report_pdf_save(s.dir, &doc, save ? path :
			    pdf, save || sign, &e);
		if (rc == -1) {
			rc = cam_cli_fail(&e);
			cam_cli_audit("report", "failed", e.msg, NULL);
			goto end;
		}
	} else
		fputs(cam_audit_report_text(&p), stdout);
	rc = cam_audit_report_status(&p);
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
	cam_cli_audit("report", rc == 0 ? "granted" : "failed", rc == 0 ?
	    NULL : "findings", NULL);
end:
	cam_buf_free(&doc);
	cam_audit_report_free(&p);
	if (have_st) {
		hosts_free(hosts, nhosts);
		cam_audit_store_close(&st);
	}
	cam_site_close(&s);
	return rc;
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "verify", N_("verify an extraction archive") },
	{ "journals", N_("verify the journals' chains and seals") },
	{ "recordings", N_("find recordings altered, missing, deleted, and gaps") },
	{ "access", N_("who extracted or viewed footage, and what was refused") },
	{ "config", N_("who changed the configuration, and changes made outside camctl") },
	{ "cameras", N_("cameras with default passwords or without authentication") },
	{ "report", N_("the month's report for the director") },
	{ "crl", N_("the certificate revocation lists in force") },
};

static const struct cam_cli_verb verbs[] = {
	{ "verify", cmd_verify, 0 },
	{ "journals", cmd_journals, 0 },
	{ "recordings", cmd_recordings, 0 },
	{ "access", cmd_access, 0 },
	{ "config", cmd_config, 0 },
	{ "cameras", cmd_cameras, 0 },
	{ "report", cmd_report, 0 },
	{ "crl", cmd_crl, 0 },
};

int
main(int argc, char **argv)
{
	cam_cli_setup(prog, usage);
	/* The camera probe's failures are reported as findings. */
	av_log_set_level(AV_LOG_QUIET);
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
