/*
 * camextract: footage out only against a director-signed request, as a
 * signed archive.  main() parses the global options and dispatches to
 * one function per verb; the request is lib/evidence/cam_request, the
 * extraction lib/evidence/cam_extract.
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_key.h"
#include "base/cam_setid.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "cli/cam_cli_meter.h"
#include "evidence/cam_extract.h"
#include "evidence/cam_request.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"

static const char *prog = "camextract";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camextract [-C dir] request new [-o file]\n"
"       camextract [-C dir] sign --key key [--cert cert] [--pin-file file]\n"
"              [-o file] request\n"
"       camextract [-C dir] run request -o archive [--signature file ...]\n"
"              [--encrypt-to cert]\n"
"       camextract -h | --help | --version\n");
}

/* ---- request new, sign ---- */

static int
cmd_request(int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf b = CAM_BUF_INIT;
	const char *out = NULL, *zone = CAM_DEFAULT_ZONE;
	struct cam_site s;
	struct cam_err e;
	int c, rc = 0, have_site;

	if (argc < 2 || strcmp(argv[1], "new") != 0)
		return cam_cli_usage_error("request: only \"request new\"");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		default: return cam_cli_usage_error("request new: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("request new: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	/* The site's zone if there is a site here; a template needs none. */
	have_site = cam_site_open(&s, dir, &e) == 0;
	if (have_site)
		zone = s.cfg.timezone;
	cam_request_template(&b, zone, time(NULL));
	if (out == NULL)
		fputs(cam_buf_str(&b), stdout);
	else if (access(out, F_OK) == 0)
		rc = cam_errf(&e, CAM_NO, "%s already exists", out);
	else if (cam_file_write_atomic(out, b.s, b.len, 0644, &e) == -1)
		rc = -1;
	if (rc != 0)
		rc = cam_cli_fail(&e);
	else if (out != NULL)
		printf("%s\n", out);
	cam_buf_free(&b);
	if (have_site)
		cam_site_close(&s);
	return rc == 0 && fflush(stdout) != 0 ? CAM_ENV : rc;
}

/* The PIN of a token, typed at the controlling terminal, not shown. */
static int
ask_pin(const char *prompt, char *buf, size_t len, void *arg,
    struct cam_err *e)
{
	char *typed = NULL;
	int fd;

	(void)arg;
	if ((fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return cam_errf(e, CAM_NO, "the key is on a token and there is "
		    "no terminal to ask its PIN on: give --pin-file");
	(void)!write(fd, prompt, strlen(prompt));
	close(fd);
	if (cam_secret_read_line("/dev/tty", &typed, e) == -1)
		return -1;
	if (typed[0] == '\0' || strlen(typed) >= len) {
		cam_secret_free(&typed);
		return cam_errf(e, CAM_NO, "no PIN typed, or longer than %zu "
		    "bytes", len - 1);
	}
	memcpy(buf, typed, strlen(typed) + 1);
	cam_secret_free(&typed);
	return 0;
}

static int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "pin-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *cert = NULL, *out = NULL;
	struct cam_key_pin pin = { NULL, ask_pin, NULL };
	char def[PATH_MAX];
	struct cam_err e;
	int c;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'k': key = optarg; break;
		case 'c': cert = optarg; break;
		case 'p': pin.file = optarg; break;
		case 'o': out = optarg; break;
		default: return cam_cli_usage_error("sign: bad option");
		}
	/* Without --cert, a key on a token signs with the token's own
	 * certificate; a key file needs its certificate file. */
	if (key == NULL || (cert == NULL && !cam_key_is_uri(key)) ||
	    optind + 1 != argc)
		return cam_cli_usage_error("sign: give --key, --cert (unless "
		    "the key is a pkcs11: URI) and one request");
	cam_err_clear(&e);
	if (out == NULL) {
		/* REQUEST.p7s, or the next free REQUEST.N.p7s: one file a
		 * signer, all found beside the request. */
		snprintf(def, sizeof(def), "%s.p7s", argv[optind]);
		for (int i = 2; access(def, F_OK) == 0 && i < 100; i++)
			snprintf(def, sizeof(def), "%s.%d.p7s", argv[optind], i);
		out = def;
	}
	/* A signature is never replaced: it may be someone else's. */
	if (access(out, F_OK) == 0) {
		cam_errf(&e, CAM_NO, "%s already exists", out);
		return cam_cli_fail(&e);
	}
	if (cam_request_sign_key(argv[optind], key, &pin, cert, out,
	    &e) == -1)
		return cam_cli_fail(&e);
	printf("%s\n", out);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

/* ---- run ---- */

/* A refusal: audited, printed, exit 1; nothing written. */
static int
refuse(const char *object, const char *reason, const struct cam_err *e)
{
	char why[CAM_ERR_MAX + 64];
	const char *p = e->text[0] != '\0' ? e->text : e->msg;

	snprintf(why, sizeof(why), "%s: %s", reason, e->msg);
	cam_cli_audit(object, "refused", why, NULL);
	/* reason is the refusal's name (bad-request, expired...), as in
	 * the audit trail */
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, _("refused (%s): "), reason);
	for (int first = 1; *p; first = 0) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "%s%.*s\n", first ? "" : "  ", (int)n, p);
		p += n + (p[n] == '\n');
	}
	return CAM_NO;
}

static int
fail(const char *object, const struct cam_err *e)
{
	cam_cli_audit(object, e->code == CAM_NO ? "refused" : "failed", e->msg,
	    NULL);
	return cam_cli_fail(e);
}

/* Extracted: the grant audited, each clip and the archive printed. */
static int
granted(const struct cam_extract *x, const char *out)
{
	struct cam_buf d = CAM_BUF_INIT;

	cam_json_begin(&d);
	cam_json_add_str(&d, "archive", out);
	cam_json_add_uint(&d, "cameras", x->nclips);
	cam_json_add_bool(&d, "encrypted", x->encrypted);
	cam_extract_hosts(x, &d);
	if (x->sigs.warning != NULL)
		cam_json_add_str(&d, "warning", x->sigs.warning);
	cam_json_end(&d);
	cam_cli_audit(x->req.id, "granted", NULL, cam_buf_str(&d));
	cam_buf_free(&d);
	for (size_t i = 0; i < x->nclips; i++) {
		const struct cam_extract_clip *c = &x->clips[i];
		printf("%s\t%s\t%.1f s\t%zu segments\t%zu gaps\thold %" PRIu64
		    "\n", c->member, c->cut.codec, c->cut.duration,
		    c->cut.nused, c->cut.ngaps, c->hold);
	}
	printf("%s\n", out);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

/* Under the site in force, once the caller may extract. */
static int
run(struct cam_site *site, const struct cam_extract_opts *o,
    struct cam_cli_meter *m)
{
	struct cam_extract x;
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	rc = cam_extract_run(&x, site, o, &e);
	cam_cli_meter_end(m);
	if (rc == 0) {
		if (x.sigs.warning != NULL)
			cam_cli_msg("warning: %s", x.sigs.warning_text);
		rc = granted(&x, o->out);
	}
	else if (x.refusal != NULL)
		rc = refuse(x.req.id != NULL ? x.req.id : o->request,
		    x.refusal, &e);
	else
		rc = fail(x.req.id != NULL ? x.req.id : o->request, &e);
	cam_extract_free(&x);
	return rc;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signature", required_argument, NULL, 's' },
		{ "encrypt-to", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	const char **extra = cam_xmalloc((size_t)argc * sizeof(*extra));
	struct cam_extract_opts o;
	struct cam_site site;
	struct cam_err e;
	char host[256];
	struct cam_cli_meter m;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'o': o.out = optarg; break;
		case 's': extra[o.nsignatures++] = optarg; break;
		case 'E': o.encrypt_to = optarg; break;
		default:
			free(extra);
			return cam_cli_usage_error("run: bad option");
		}
	if (o.out == NULL || optind + 1 != argc) {
		free(extra);
		return cam_cli_usage_error("run: give one request and -o "
		    "archive");
	}
	o.request = argv[optind];
	o.signatures = extra;
	o.confdir = dir;
	o.program = "camextract " CAMKIT_VERSION;
	o.now = time(NULL);
	cam_cli_host(host, sizeof(host));
	o.host = host;
	o.actor = cam_cli_actor();	/* filled in by cam_cli_authorize */
	cam_cli_meter_start(&m, _("extracting"), _("segments"));
	o.progress = cam_cli_meter_show;
	o.arg = &m;
	cam_err_clear(&e);
	if (cam_site_open(&site, dir, &e) == -1) {
		free(extra);
		return cam_cli_fail(&e);
	}
	rc = cam_cli_authorize(&site.cfg, dir, CAM_ACT_EXTRACT);
	if (rc == 0)
		rc = run(&site, &o, &m);
	free(extra);
	cam_site_close(&site);
	return rc;
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "request", N_("write a blank extraction request form") },
	{ "sign", N_("sign a request (the director, the head of the requester's unit)") },
	{ "run", N_("extract the footage a signed request names, into a signed archive") },
};

static const struct cam_cli_verb verbs[] = {
	{ "request", cmd_request, 0 },
	{ "sign", cmd_sign, 0 },
	{ "run", cmd_run, 0 },
};

int
main(int argc, char **argv)
{
	const char *verb = NULL;
	struct cam_err e;
	int rc;

	av_log_set_level(AV_LOG_QUIET);
	cam_cli_setup(prog, usage);
	/*
	 * Installed set-user-id and set-group-id to the service account
	 * (README, "Accounts and groups"), for run alone, which writes the
	 * data root: it goes on in the service account's child
	 * (cam_setid.h), the superuser with its effective ids.  request
	 * and sign are the caller's own work, with the caller's files and
	 * keys: every set id is given back first.
	 */
	for (int i = 1; i < argc && verb == NULL; i++)
		if (strcmp(argv[i], "-C") == 0)
			i++;
		else if (argv[i][0] != '-')
			verb = argv[i];
	cam_err_clear(&e);
	if (verb != NULL && strcmp(verb, "run") == 0) {
		if (getuid() != 0 && (rc = cam_cli_setid()) != 0)
			return rc;
	} else if (setresgid(getgid(), getgid(), getgid()) == -1 ||
	    setresuid(getuid(), getuid(), getuid()) == -1) {
		cam_err_sys(&e, "cannot give up the service account's ids");
		return cam_cli_fail(&e);
	}
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
