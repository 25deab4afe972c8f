/*
 * camview: watching through camkit.  main() parses the global options
 * and dispatches to one function per verb: serve (the HTTPS server of
 * the wall, playback and the access report: lib/view/cam_http), grant
 * (keep a signed view request: evidence/cam_grant) and grants (list
 * them).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "evidence/cam_grant.h"
#include "site/cam_policy.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"
#include "view/cam_cert.h"
#include "view/cam_http.h"

static const char *prog = "camview";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camview [-C dir] serve [--listen addr:port] [--idle-seconds n]\n"
"       camview [-C dir] grant request [--signature file ...]\n"
"       camview [-C dir] grants [--json]\n"
"       camview -h | --help | --version\n");
}

static volatile sig_atomic_t stop, reload;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload = 1;
}

static void
ready(const char *listen)
{
	printf("camview: serving on https://%s\n", listen);
	fflush(stdout);
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "idle-seconds", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_view_opts o;
	struct sigaction sa;
	struct cam_site s;
	struct cam_err e;
	char host[256], cert[4096], key[4096];
	const char *cred;
	int c, rc;

	memset(&o, 0, sizeof o);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'l':
			if (!cam_listen_valid(optarg))
				return cam_cli_usage_error("serve: --listen: "
				    "ADDRESS:PORT");
			o.listen = optarg;
			break;
		case 'i':
			if ((o.idle_s = atoi(optarg)) <= 0)
				return cam_cli_usage_error("serve: "
				    "--idle-seconds: a number of seconds");
			break;
		default:
			return cam_cli_usage_error("serve: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("serve: no arguments");
	cam_err_clear(&e);
	if (cam_site_open(&s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if ((rc = cam_cli_authorize(&s.cfg, dir, CAM_ACT_RECORD)) != 0) {
		cam_site_close(&s);
		return rc;
	}
	cam_site_close(&s);
	cam_cli_host(host, sizeof host);
	/* systemd's credentials directory when it holds them (the unit
	 * passes them so: private/ is root's), else private/. */
	cred = cam_secret_credentials_dir();
	if (cred != NULL && cam_path(key, sizeof key, &e, "%s/view.key",
	    cred) == 0 && access(key, F_OK) == 0) {
		if (cam_path(cert, sizeof cert, &e, "%s/view.crt", cred) == -1)
			return cam_cli_fail(&e);
	} else if (cam_path(cert, sizeof cert, &e, "%s/%s", dir,
	    CAM_VIEW_CERT) == -1 || cam_path(key, sizeof key, &e, "%s/%s",
	    dir, CAM_VIEW_KEY) == -1)
		return cam_cli_fail(&e);
	o.confdir = dir;
	o.host = host;
	o.cert = cert;
	o.key = key;
	o.stop = &stop;
	o.reload = &reload;
	o.ready = ready;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cam_view_serve(&o, &e) == -1) {
		cam_cli_audit(NULL, "failed", e.msg, NULL);
		return cam_cli_fail(&e);
	}
	return 0;
}

static int
cmd_grant(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signature", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char **sigs = NULL;
	struct cam_grant g = { 0 };
	struct cam_site s;
	struct cam_err e;
	char host[256], t1[40], t2[40], t3[40];
	size_t n = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 's':
			sigs = cam_xrealloc(sigs, (n + 1) * sizeof *sigs);
			sigs[n++] = optarg;
			break;
		default:
			free(sigs);
			return cam_cli_usage_error("grant: bad option");
		}
	if (optind + 1 != argc) {
		free(sigs);
		return cam_cli_usage_error("grant: give one request");
	}
	cam_err_clear(&e);
	if (cam_site_open(&s, dir, &e) == -1) {
		free(sigs);
		return cam_cli_fail(&e);
	}
	if ((rc = cam_cli_authorize(&s.cfg, dir, CAM_ACT_EXTRACT)) != 0)
		goto end;
	cam_cli_host(host, sizeof host);
	memset(&g, 0, sizeof g);
	if (cam_grant_add(&s.cfg, dir, s.cfg.root, host, argv[optind], sigs,
	    n, (int64_t)time(NULL) * 1000000, &g, &e) == -1) {
		cam_cli_audit_rc(argv[optind], -1, &e, NULL);
		rc = cam_cli_fail(&e);
		goto end;
	}
	cam_time_format_utc((time_t)(g.from_us / 1000000), t1, sizeof t1);
	cam_time_format_utc((time_t)(g.to_us / 1000000), t2, sizeof t2);
	cam_time_format_utc((time_t)(g.expires_us / 1000000), t3, sizeof t3);
	{
		struct cam_buf d = CAM_BUF_INIT;

		cam_json_begin(&d);
		cam_json_add_str(&d, "account", g.account);
		cam_json_add_str(&d, "from", t1);
		cam_json_add_str(&d, "to", t2);
		cam_json_add_str(&d, "expires", t3);
		cam_json_add_str(&d, "sha256", g.sha256);
		if (g.warning[0] != '\0')
			cam_json_add_str(&d, "warning", g.warning);
		cam_json_end(&d);
		cam_cli_audit(g.id, "granted", NULL, cam_buf_str(&d));
		cam_buf_free(&d);
	}
	if (g.warning[0] != '\0')
		cam_cli_msg("warning: %s", g.warning_text);
	printf("granted\t%s\t%s\t%s\t%s\t%s\n", g.id, g.account, t1, t2, t3);
	rc = fflush(stdout) == 0 ? 0 : CAM_ENV;
end:
	cam_grant_free(&g);
	free(sigs);
	cam_site_close(&s);
	return rc;
}

static int
cmd_grants(int argc, char **argv)
{
	struct cam_grants gs = { 0 };
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_site s;
	struct cam_err e;
	char t1[40], t2[40], t3[40];
	int json, rc;
	size_t i, k;

	if ((rc = cam_cli_json_only(argc, argv, "grants", &json)) != 0)
		return rc;
	cam_err_clear(&e);
	if (cam_site_open(&s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if ((rc = cam_cli_authorize(&s.cfg, dir, CAM_ACT_CONFIG_READ)) != 0)
		goto end;
	if (cam_grant_list(s.cfg.root, &gs, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	cam_buf_adds(&b, json ? "[" : "");
	for (i = 0; i < gs.n; i++) {
		const struct cam_grant *g = &gs.v[i];

		cam_time_format_utc((time_t)(g->from_us / 1000000), t1,
		    sizeof t1);
		cam_time_format_utc((time_t)(g->to_us / 1000000), t2,
		    sizeof t2);
		cam_time_format_utc((time_t)(g->expires_us / 1000000), t3,
		    sizeof t3);
		if (json) {
			cam_buf_adds(&b, i ? "," : "");
			cam_json_begin(&b);
			cam_json_add_str(&b, "request", g->id);
			cam_json_add_str(&b, "account", g->account);
			cam_buf_adds(&b, ",\"cameras\":[");
			for (k = 0; k < g->ncameras; k++) {
				cam_buf_adds(&b, k ? "," : "");
				cam_json_str(&b, g->cameras[k]);
			}
			cam_buf_adds(&b, "]");
			cam_json_add_str(&b, "from", t1);
			cam_json_add_str(&b, "to", t2);
			cam_json_add_str(&b, "expires", t3);
			cam_json_add_str(&b, "sha256", g->sha256);
			cam_json_end(&b);
			continue;
		}
		cam_buf_addf(&b, "%s\t%s\t", g->id, g->account);
		for (k = 0; k < g->ncameras; k++)
			cam_buf_addf(&b, "%s%s", k ? "," : "", g->cameras[k]);
		cam_buf_addf(&b, "\t%s\t%s\t%s\n", t1, t2, t3);
	}
	cam_buf_adds(&b, json ? "]\n" : "");
	fputs(cam_buf_str(&b), stdout);
	cam_buf_free(&b);
	cam_grants_free(&gs);
	cam_cli_audit(NULL, "granted", NULL, NULL);
	rc = fflush(stdout) == 0 ? 0 : CAM_ENV;
end:
	cam_site_close(&s);
	return rc;
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "serve", N_("serve the guard-room screen and playback (HTTPS)") },
	{ "grant", N_("take in a signed view request") },
	{ "grants", N_("list the view requests in force") },
};

static const struct cam_cli_verb verbs[] = {
	{ "serve", cmd_serve, 0 },
	{ "grant", cmd_grant, 0 },
	{ "grants", cmd_grants, 0 },
};

int
main(int argc, char **argv)
{
	cam_cli_setup(prog, usage);
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
