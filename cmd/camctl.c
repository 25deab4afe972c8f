/*
 * camctl: manage a camkit site: its configuration repository, cameras,
 * users and roles.  main() parses the global options and dispatches to one
 * function per verb; the work is done in lib/.
 */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "audit/cam_watch.h"
#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_setid.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "view/cam_cert.h"
#include "journal/cam_seal.h"
#include "journal/cam_trail.h"
#include "media/cam_gaps.h"
#include "media/cam_rec.h"
#include "media/cam_status.h"
#include "media/cam_store.h"
#include "site/cam_account.h"
#include "site/cam_config.h"
#include "site/cam_crl.h"
#include "site/cam_policy.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"
#include "site/cam_sync.h"
#include "site/cam_systemd.h"

static const char *prog = "camctl";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camctl [-C dir] init [--site name] [--host host] [--timezone zone]\n"
"              [--storage dir]\n"
"       camctl [-C dir] check\n"
"       camctl [-C dir] commit -m message\n"
"       camctl [-C dir] history [-n count] [--json]\n"
"       camctl [-C dir] diff [rev]\n"
"       camctl [-C dir] revert rev\n"
"       camctl [-C dir] camera add id --url url [--name name]\n"
"              [--location text] [--host host] [--segment duration]\n"
"              [--transport tcp | udp] [--model model] [--firmware version]\n"
"              [--live-url url] [--disabled]\n"
"              [--username user [--password-file file]]\n"
"       camctl [-C dir] camera rm id\n"
"       camctl [-C dir] camera list [--json]\n"
"       camctl [-C dir] camera show id [--json]\n"
"       camctl [-C dir] camera enable | disable id\n"
"       camctl [-C dir] camera set id [--host host] [key=value ...]\n"
"       camctl [-C dir] user add name --role role [--role role ...]\n"
"              [--no-check]\n"
"       camctl [-C dir] user rm name [--role role ...]\n"
"       camctl [-C dir] user list [--json]\n"
"       camctl [-C dir] units [--output dir] [--cron] [--bindir dir]\n"
"       camctl [-C dir] sync [--json]\n"
"       camctl [-C dir] status [--json]\n"
"       camctl [-C dir] probe camera [--seconds n]\n"
"       camctl [-C dir] seal\n"
"       camctl [-C dir] watch [--digest]\n"
"       camctl [-C dir] cert\n"
"       camctl [-C dir] crl add file\n"
"       camctl [-C dir] crl list\n"
"       camctl [-C dir] crl rm path\n"
"       camctl -h | --help | --version\n");
}


/* getopt_long over argv (argv[0] is the verb); returns -2 on a usage
 * error.  Only long options and the ones given in shortopts. */
static int
next_opt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == '?' || c == ':')
		return -2;
	return c;
}

/*
 * May the caller do act?  Asks the configuration in force; a refusal is
 * audited and printed.  An act whose grant is recorded is refused when
 * the audit trail cannot be written (cam_cli_authorize).  The superuser
 * is let through when the configuration cannot be read, so that it can
 * repair it, but only when root (the data root of the configuration the
 * repair puts in force) names a trail it can write: never unrecorded.
 * root, when not NULL, is also where the act is recorded.
 */
static int
authorize_at(enum cam_action act, const char *root, struct cam_err *e)
{
	struct cam_config cfg;
	struct cam_site s;
	char why[512];
	int rc;

	/* Set-id: only a site nobody but root and the service account can
	 * change, as camlog (cam_setid.h). */
	if (!cam_setid_trusted_dir(dir, why, sizeof(why)))
		return cam_errf(e, CAM_NO, "refused: %s", why);
	if (root != NULL && !cam_setid_trusted_dir(root, why, sizeof(why)))
		return cam_errf(e, CAM_NO, "refused: the data root: %s", why);
	if (cam_site_open(&s, dir, e) == -1) {
		if (getuid() != 0)
			return -1;
		if (act == CAM_ACT_CONFIG_READ) {
			cam_err_clear(e);
			return 0;
		}
		if (root == NULL) {
			cam_err_addf(e, CAM_ENV, "the configuration in force "
			    "cannot be read, so neither can the audit trail "
			    "it names: repair camkit.yaml and commit it");
			return -1;
		}
		cam_err_clear(e);
		cam_cli_audit_root(root, dir);
		if (cam_cli_audit_ready(e) == -1) {
			e->code = CAM_ENV;
			return -1;
		}
		return 0;
	}
	if (root == NULL && s.cfg.root != NULL &&
	    !cam_setid_trusted_dir(s.cfg.root, why,
	    sizeof(why))) {
		cam_site_close(&s);
		return cam_errf(e, CAM_NO, "refused: the data root: %s", why);
	}
	/* The policy in force decides; the trail is the one root names. */
	cfg = s.cfg;
	if (root != NULL)
		cfg.root = (char *)root;
	rc = cam_cli_authorize(&cfg, dir, act);
	cam_site_close(&s);
	if (rc == 0)
		return 0;
	/* Already printed: an empty message prints nothing. */
	cam_err_clear(e);
	e->code = rc;
	return -1;
}

static int
authorize(enum cam_action act, struct cam_err *e)
{
	return authorize_at(act, NULL, e);
}

/* A configuration change for the audit trail; id, the commit made (or
 * NULL), lets camaudit config match the trail against the history. */
static void
audit_change(const char *object, int rc, const struct cam_err *e,
    const char *id)
{
	char detail[64];

	if (rc == 0 && id != NULL && *id != '\0') {
		snprintf(detail, sizeof(detail), "{\"commit\":\"%s\"}", id);
		cam_cli_audit_rc(object, rc, e, detail);
	} else
		cam_cli_audit_rc(object, rc, e, NULL);
}

static int
open_site_for(struct cam_site *s, enum cam_action act, struct cam_err *e)
{
	if (authorize(act, e) == -1)
		return -1;
	return cam_site_open(s, dir, e);
}

static int
open_site(struct cam_site *s, struct cam_err *e)
{
	return open_site_for(s, CAM_ACT_CONFIG_READ, e);
}

static int
print_buf(struct cam_buf *b)
{
	fputs(cam_buf_str(b), stdout);
	cam_buf_free(b);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

/* ---- init, check, commit, history, diff, revert ---- */

/*
 * The new site's first commit, in the trail of its data root when that
 * exists already (make install before camctl init).  Else the first
 * commit is the one that needs no record (camkit-journal(5)), and no
 * other act will be done until the root exists: say so now.
 */
static int
record_init(void)
{
	struct cam_site s;
	struct cam_err e;
	struct stat st;
	char detail[64];
	int rc = 0;

	cam_err_clear(&e);
	if (cam_site_open(&s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if (s.cfg.root == NULL || stat(s.cfg.root, &st) == -1) {
		cam_cli_msg("note: the data root %s does not exist yet: "
		    "create it (\"make install\" as root does), or set "
		    "storage.root and commit, before any other act",
		    s.cfg.root ? s.cfg.root : _("(none)"));
	} else {
		cam_cli_audit_root(s.cfg.root, dir);
		snprintf(detail, sizeof(detail), "{\"commit\":\"%s\"}", s.rev);
		if (cam_cli_audit(s.rev, "granted", NULL, detail) == -1)
			rc = CAM_ENV;
	}
	cam_site_close(&s);
	return rc;
}

/* camview's certificate and key (private/view.crt, view.key): a
 * self-signed pair if there is none; said when made.  0, or -1 printed. */
static int
view_cert(const char *host)
{
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	if ((rc = cam_view_cert_make(dir, host, &e)) == -1) {
		cam_cli_fail(&e);
		return -1;
	}
	if (rc == 1)
		printf(_("made %s/%s (self-signed; camview(1) says how to use "
		    "the office's own)\n"), dir, CAM_VIEW_CERT);
	return 0;
}

/* cert: make camview's self-signed pair if there is none. */
static int
cmd_cert(int argc, char **argv)
{
	struct cam_site s;
	struct cam_err e;
	char host[256];
	int rc;

	(void)argv;
	if (argc != 1)
		return cam_cli_usage_error("cert: no arguments");
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	cam_cli_host(host, sizeof(host));
	rc = cam_view_cert_make(dir, host, &e);
	cam_cli_audit_rc(CAM_VIEW_CERT, rc == -1 ? -1 : 0, &e,
	    rc == 1 ? "{\"made\":true}" : "{\"made\":false}");
	cam_site_close(&s);
	if (rc == -1)
		return cam_cli_fail(&e);
	printf("%s\t%s/%s\n", rc == 1 ? "made" : "kept", dir, CAM_VIEW_CERT);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

/*
 * The superuser's init: the new site and its data root are the service
 * account's (cam_account.h), when there is one: the account camctl is
 * installed set-user-id to, else the owner of an existing data root.
 * Run as the superuser (the files are handed over after), then the
 * first record as the service account.
 */
static int
init_as_root(const char *name, const char *host, const char *zone,
    const char *storage, struct cam_err *e)
{
	struct cam_service svc;
	struct cam_ids ids;
	int have, rc = -1;

	have = cam_account_service(storage, &svc);
	if (cam_account_root_begin(&ids, e) == -1)
		return -1;
	if (storage != NULL && (have ? cam_account_mkdir(storage, &svc, e) :
	    cam_mkdir_p(storage, 0750, e)) == -1)
		goto end;
	if (cam_site_init(dir, name, host, zone, storage, e) == -1)
		goto end;
	printf(_("initialised %s\n"), dir);
	if (view_cert(host ? host : "localhost") == -1) {
		cam_errf(e, CAM_ENV, "camview's certificate: see above");
		goto end;
	}
	if (have && cam_account_give(dir, &svc, e) == -1)
		goto end;
	if (have)
		printf(_("%s and %s are the service account's (%s)\n"), dir,
		    storage ? storage : _("its data root"), svc.user);
	else if (storage != NULL)
		cam_cli_msg("note: no service account found (camctl "
		    "is not installed set-user-id, and %s was not there): "
		    "%s and %s stay root's; \"make install-privileges\" "
		    "hands them over", storage, dir, storage);
	rc = 0;
end:
	cam_account_root_end(&ids);
	return rc;
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "timezone", required_argument, NULL, 'z' },
		{ "storage", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *host = NULL, *zone = NULL, *storage = NULL;
	char hostbuf[256], absstorage[PATH_MAX];
	struct cam_err e;
	int c;

	cam_err_clear(&e);
	while ((c = next_opt(argc, argv, "", opts)) != -1)
		switch (c) {
		case 's': name = optarg; break;
		case 'H': host = optarg; break;
		case 'z': zone = optarg; break;
		case 'S': storage = optarg; break;
		default: return cam_cli_usage_error("init: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("init: unexpected argument \"%s\"",
		    argv[optind]);
	/* storage.root is absolute: a relative one is the working
	 * directory's. */
	if (storage != NULL && storage[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    cam_path(absstorage, sizeof(absstorage), &e, "%s/%s", cwd,
		    storage) == -1) {
			if (e.msg[0] == '\0')
				cam_err_sys(&e, "getcwd");
			return cam_cli_fail(&e);
		}
		storage = absstorage;
	}
	if (host == NULL && gethostname(hostbuf, sizeof(hostbuf)) == 0) {
		hostbuf[sizeof(hostbuf) - 1] = '\0';
		hostbuf[strcspn(hostbuf, ".")] = '\0';
		host = hostbuf;
	}
	if (cam_account_can_root()) {
		if (init_as_root(name, host, zone, storage, &e) == -1)
			return cam_cli_fail(&e);
		return record_init();
	}
	/* Set-id to the service account for someone else: a site is the
	 * administrator's to make (the files would be the service
	 * account's wherever the caller names). */
	if (cam_setid_active()) {
		cam_errf(&e, CAM_NO, "refused: only the superuser makes a site "
		    "with the installed camctl (run camctl init as root, or "
		    "a camctl that is not set-user-id)");
		return cam_cli_fail(&e);
	}
	if (storage != NULL && cam_mkdir_p(storage, 0750, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_site_init(dir, name, host, zone, storage, &e) == -1)
		return cam_cli_fail(&e);
	printf(_("initialised %s\n"), dir);
	if (view_cert(host ? host : "localhost") == -1)
		return CAM_ENV;
	return record_init();
}

static int
cmd_check(int argc, char **argv)
{
	struct cam_buf changes = CAM_BUF_INIT, work = CAM_BUF_INIT;
	struct cam_config wcfg;
	struct cam_site s;
	struct cam_err e;
	char path[PATH_MAX];
	int n, rc = 0;

	(void)argv;
	if (argc != 1)
		return cam_cli_usage_error("check: unexpected argument \"%s\"",
		    argv[1]);
	cam_err_clear(&e);
	if (open_site(&s, &e) == -1)
		return cam_cli_fail(&e);
	printf("in force\t%.12s\t%zu camera%s\t%zu user%s\n", s.rev,
	    s.cfg.ncameras, s.cfg.ncameras == 1 ? "" : "s", s.cfg.nusers,
	    s.cfg.nusers == 1 ? "" : "s");
	/* Under the lock: a change being committed is not an edit. */
	if (cam_repo_lock(&s.repo, &e) == -1 ||
	    (n = cam_repo_changes(&s.repo, &changes, &e)) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	{
		struct cam_buf locks = CAM_BUF_INIT;
		int nl = cam_repo_locks(&s.repo, &locks);
		for (char *p = locks.s, *q; nl > 0 && p && *p; p = q + 1) {
			q = strchr(p, '\n');
			*q = '\0';
			printf("lock\t%s\n", p);
		}
		if (nl > 0) {
			cam_cli_msg("git lock files are left in %s/.git: if "
			    "no git command is running, remove them", dir);
			rc = CAM_NO;
		}
		cam_buf_free(&locks);
	}
	if (n > 0) {
		const char *p = changes.s;
		while (*p) {
			size_t len = strcspn(p, "\n");
			printf("uncommitted\t%.*s\n", (int)len, p);
			p += len + (p[len] == '\n');
		}
		cam_cli_msgn("%s: %d uncommitted change, not in force: "
		    "commit it with camctl commit -m MESSAGE", "%s: %d "
		    "uncommitted changes, not in force: commit them with "
		    "camctl commit -m MESSAGE", (unsigned long)n, dir, n);
		rc = CAM_NO;
		/* Say now whether the edited file would pass. */
		snprintf(path, sizeof(path), "%s/%s", dir, CAM_CONFIG_FILE);
		cam_err_clear(&e);
		if (cam_file_read(path, CAM_CONFIG_MAX, &work, &e) == -1 ||
		    cam_config_parse(&wcfg, path, work.s, work.len, &e) == -1)
			cam_cli_fail(&e);
		cam_config_free(&wcfg);
	}
end:
	cam_buf_free(&changes);
	cam_buf_free(&work);
	cam_site_close(&s);
	return rc;
}

static int
cmd_commit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	const char *msg = NULL;
	struct cam_repo repo;
	struct cam_err e;
	char id[41], newroot[PATH_MAX] = "";
	int c, rc = 0;

	while ((c = next_opt(argc, argv, "m:", opts)) != -1)
		switch (c) {
		case 'm': msg = optarg; break;
		default: return cam_cli_usage_error("commit: bad option");
		}
	if (msg == NULL || *msg == '\0' || optind != argc)
		return cam_cli_usage_error("commit: give a message with -m");
	for (const char *line = msg; *line; ) {
		size_t n = strcspn(line, "\n");
		if (!cam_utf8_clean(line, n, 1))
			return cam_cli_usage_error("commit: the message has control "
			    "characters or invalid UTF-8");
		line += n + (line[n] == '\n');
	}
	cam_err_clear(&e);
	/* A commit is recorded in the trail of the configuration it puts
	 * in force: one that moves the data root starts the new trail. */
	{
		struct cam_buf work = CAM_BUF_INIT;
		struct cam_config wcfg;
		char path[PATH_MAX];
		struct stat st;
		int k;

		memset(&wcfg, 0, sizeof(wcfg));
		if (cam_path(path, sizeof(path), &e, "%s/%s", dir,
		    CAM_CONFIG_FILE) == 0 && lstat(path, &st) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size <= CAM_CONFIG_MAX &&
		    cam_file_read(path, CAM_CONFIG_MAX, &work, &e) == 0 &&
		    cam_config_parse(&wcfg, path, work.s, work.len, &e) == 0 &&
		    wcfg.root != NULL)
			snprintf(newroot, sizeof(newroot), "%s", wcfg.root);
		cam_config_free(&wcfg);
		cam_buf_free(&work);
		cam_err_clear(&e);
		k = authorize_at(CAM_ACT_CONFIG_CHANGE, newroot[0] ? newroot :
		    NULL, &e);
		if (k == -1 || cam_repo_open(&repo, dir, &e) == -1)
			return cam_cli_fail(&e);
	}
	/* Staging would read a huge file whole and store it in the
	 * repository before the check could refuse it. */
	{
		char path[PATH_MAX];
		struct stat st;
		if (cam_path(path, sizeof(path), &e, "%s/camkit.yaml",
		    dir) == 0 && lstat(path, &st) == 0 &&
		    st.st_size > CAM_CONFIG_MAX)
			cam_errf(&e, CAM_NO, "%s: larger than %d bytes", path,
			    CAM_CONFIG_MAX);
		if (e.code != 0) {
			audit_change(NULL, -1, &e, NULL);
			cam_repo_close(&repo);
			return cam_cli_fail(&e);
		}
	}
	if (cam_repo_lock(&repo, &e) == -1 ||
	    cam_repo_commit(&repo, NULL, msg, cam_site_check_tree,
	    (void *)dir, id, &e) == -1) {
		audit_change(NULL, -1, &e, NULL);
		rc = cam_cli_fail(&e);
	} else {
		audit_change(id, 0, &e, id);
		printf("committed\t%.12s\t%.*s\n", id, (int)strcspn(msg, "\n"),
		    msg);
	}
	cam_repo_close(&repo);
	return rc;
}

struct history_ctx {
	struct cam_buf out;
	const char *zone;
	int json;
	int n;
};

static int
history_line(void *arg, const struct cam_commit_info *ci)
{
	struct history_ctx *h = arg;
	char when[40];

	if (cam_time_format_local(ci->when, h->zone, when, sizeof(when)) == -1)
		cam_time_format_utc(ci->when, when, sizeof(when));
	if (!h->json) {
		cam_buf_addf(&h->out, "%.12s\t%s\t%s\t%s\n", ci->id, when,
		    ci->author, ci->summary);
		return 0;
	}
	cam_buf_adds(&h->out, h->n++ ? ",\n  {" : "\n  {");
	cam_buf_adds(&h->out, "\"commit\": ");
	cam_json_str(&h->out, ci->id);
	cam_buf_adds(&h->out, ", \"time\": ");
	cam_json_str(&h->out, when);
	cam_buf_adds(&h->out, ", \"author\": ");
	cam_json_str(&h->out, ci->author);
	cam_buf_adds(&h->out, ", \"email\": ");
	cam_json_str(&h->out, ci->email);
	cam_buf_adds(&h->out, ", \"message\": ");
	cam_json_str(&h->out, ci->summary);
	cam_buf_adds(&h->out, "}");
	return 0;
}

static int
cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct history_ctx h;
	struct cam_site s;
	struct cam_err e;
	long max = 0;
	char *end;
	int c, rc = 0;

	memset(&h, 0, sizeof(h));
	while ((c = next_opt(argc, argv, "n:", opts)) != -1)
		switch (c) {
		case 'j': h.json = 1; break;
		case 'n':
			max = strtol(optarg, &end, 10);
			if (*end || max < 1)
				return cam_cli_usage_error("history: -n wants a "
				    "positive number, not \"%s\"", optarg);
			break;
		default: return cam_cli_usage_error("history: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("history: unexpected argument \"%s\"",
		    argv[optind]);
	cam_err_clear(&e);
	memset(&s, 0, sizeof(s));
	if (authorize(CAM_ACT_CONFIG_READ, &e) == -1)
		return cam_cli_fail(&e);
	/* The history is what one reads to find a bad commit: show it even
	 * when HEAD's configuration is invalid (to the superuser, who alone
	 * gets this far then), in UTC then. */
	if (cam_site_open(&s, dir, &e) == -1) {
		memset(&s, 0, sizeof(s));
		struct cam_err e2;
		cam_err_clear(&e2);
		if (cam_repo_open(&s.repo, dir, &e2) == -1)
			return cam_cli_fail(&e2);
		cam_cli_fail(&e);
		fprintf(stderr, "%s: %s\n", prog, _("the configuration in "
		    "force is invalid; times are shown in UTC"));
		h.zone = "UTC";
	} else
		h.zone = s.cfg.timezone;
	cam_err_clear(&e);
	if (h.json)
		cam_buf_adds(&h.out, "[");
	if (cam_repo_history(&s.repo, (size_t)max, history_line, &h,
	    &e) == -1)
		rc = cam_cli_fail(&e);
	else {
		if (h.json)
			cam_buf_adds(&h.out, h.n ? "\n]\n" : "]\n");
		rc = print_buf(&h.out);
	}
	cam_buf_free(&h.out);
	if (s.dir != NULL)
		cam_site_close(&s);
	else
		cam_repo_close(&s.repo);
	return rc;
}

static int
cmd_diff(int argc, char **argv)
{
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_repo repo;
	struct cam_err e;
	int rc;

	if (argc > 2)
		return cam_cli_usage_error("diff: unexpected argument \"%s\"",
		    argv[2]);
	cam_err_clear(&e);
	if (authorize(CAM_ACT_CONFIG_READ, &e) == -1 ||
	    cam_repo_open(&repo, dir, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_repo_diff(&repo, argc == 2 ? argv[1] : NULL, &out, &e) == -1)
		rc = cam_cli_fail(&e);
	else
		rc = print_buf(&out);
	cam_buf_free(&out);
	cam_repo_close(&repo);
	return rc;
}

static int
print_committed(void *arg, const struct cam_commit_info *ci)
{
	(void)arg;
	printf("committed\t%.12s\t%s\n", ci->id, ci->summary);
	return 0;
}

static int
cmd_revert(int argc, char **argv)
{
	struct cam_buf changes = CAM_BUF_INIT;
	struct cam_repo repo;
	struct cam_err e;
	char id[41] = "";
	int rc = 0, n;

	if (argc != 2)
		return cam_cli_usage_error("revert: give one revision");
	cam_err_clear(&e);
	if (authorize(CAM_ACT_CONFIG_CHANGE, &e) == -1 ||
	    cam_repo_open(&repo, dir, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_repo_lock(&repo, &e) == -1 ||
	    (n = cam_repo_changes(&repo, &changes, &e)) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (n > 0) {
		cam_errf(&e, CAM_NO, "%s has uncommitted changes: commit or "
		    "undo them before a revert", dir);
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (cam_repo_revert(&repo, argv[1], cam_site_check_tree, (void *)dir,
	    id, &e) == -1 ||
	    cam_repo_history(&repo, 1, print_committed, NULL, &e) == -1)
		rc = cam_cli_fail(&e);
end:
	audit_change(argv[1], rc == 0 ? 0 : -1, &e, id);
	cam_buf_free(&changes);
	cam_repo_close(&repo);
	return rc;
}

/* ---- cameras ---- */

/* camera add: the edit, and the credentials it stores. */
struct cam_set {
	struct cam_camera_edit ed;
	const char *user;	/* credentials to store */
	const char *pass;
	int secret_written;	/* what to undo if the commit fails */
	int secret_existed;
	char *old_user, *old_pass;
};

/* Under the change lock, once the camera is known to be new: keep what
 * the credential file held, so that a failed commit can put it back. */
static int
store_secret(void *arg, struct cam_err *e)
{
	struct cam_set *cs = arg;
	struct cam_err ignore;
	int created;

	cs->secret_existed = cam_secret_read(dir, cs->ed.id, &cs->old_user,
	    &cs->old_pass, &ignore) == 0;
	if (cam_secret_write(dir, cs->ed.id, cs->user, cs->pass, &created,
	    e) == -1)
		return -1;
	cs->secret_written = 1;
	return 0;
}

static void
undo_secret(struct cam_set *cs)
{
	struct cam_err e;
	int created;

	cam_err_clear(&e);
	if (cs->secret_written && cs->secret_existed)
		cam_secret_write(dir, cs->ed.id, cs->old_user, cs->old_pass,
		    &created, &e);
	else if (cs->secret_written)
		cam_secret_remove(dir, cs->ed.id, &e);
	if (e.count)
		cam_cli_fail(&e);
	cam_secret_free(&cs->old_user);
	cam_secret_free(&cs->old_pass);
}

static int
commit_edit(cam_site_edit_fn fn, void *arg, const char *msg)
{
	struct cam_site s;
	struct cam_err e;
	char id[41];
	int rc = 0;

	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_site_edit(&s, fn, arg, msg, id, &e) == -1) {
		audit_change(msg, -1, &e, NULL);
		rc = cam_cli_fail(&e);
	} else {
		audit_change(msg, 0, &e, id);
		printf("committed\t%.12s\t%s\n", id, msg);
	}
	cam_site_close(&s);
	return rc;
}

/* camera add --username: the password from pwfile ("-" or none:
 * standard input, asked for on a terminal) into *password. */
static int
read_credentials(const char *username, const char *pwfile, char **password,
    struct cam_err *e)
{
	if (pwfile == NULL)
		pwfile = "-";
	if (strcmp(pwfile, "-") == 0 && isatty(STDIN_FILENO))
		fprintf(stderr, _("password for %s: "), username);
	if (cam_secret_read_line(pwfile, password, e) == -1 ||
	    cam_secret_valid(CAM_SECRET_USER, username, e) == -1 ||
	    cam_secret_valid(CAM_SECRET_PASSWORD, *password, e) == -1)
		return -1;
	return 0;
}

/* Commit the new camera id (its item built), with its credentials if
 * given.  The secret is written to private/ before the commit (so that
 * no committed camera points at missing credentials) and put back as it
 * was if the commit fails. */
static int
camera_add_commit(const char *id, const char *item, const char *username,
    const char *pwfile)
{
	struct cam_buf msg = CAM_BUF_INIT;
	struct cam_set cs;
	struct cam_err e;
	char *password = NULL;
	int rc;

	cam_err_clear(&e);
	memset(&cs, 0, sizeof(cs));
	if (username != NULL) {
		if (read_credentials(username, pwfile, &password, &e) == -1) {
			rc = cam_cli_fail(&e);
			goto end;
		}
		cs.user = username;
		cs.pass = password;
		cs.ed.on_add = store_secret;
		cs.ed.arg = &cs;
	}
	cs.ed.id = id;
	cs.ed.item = item;
	cam_buf_addf(&msg, "camera add %s", id);
	rc = commit_edit(cam_config_edit_camera, &cs.ed, cam_buf_str(&msg));
	if (rc != 0)
		undo_secret(&cs);
	cam_secret_free(&cs.old_user);
	cam_secret_free(&cs.old_pass);
end:
	cam_secret_free(&password);
	cam_buf_free(&msg);
	return rc;
}

static int
camera_add(int argc, char **argv)
{
	/* A camera key's option has the key's name. */
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "location", required_argument, NULL, 'l' },
		{ "host", required_argument, NULL, 'H' },
		{ "segment", required_argument, NULL, 's' },
		{ "transport", required_argument, NULL, 't' },
		{ "model", required_argument, NULL, 'M' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "live-url", required_argument, NULL, 'L' },
		{ "disabled", no_argument, NULL, 'd' },
		{ "username", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vals[CAM_CAMERA_NKEYS] = { NULL };
	const char *username = NULL, *pwfile = NULL;
	struct cam_buf item = CAM_BUF_INIT;
	struct cam_err e;
	int c, li = 0, rc;

	cam_err_clear(&e);
	while ((c = getopt_long(argc, argv, "", opts, &li)) != -1)
		switch (c) {
		case 'd': vals[cam_camera_key("enabled")] = "false"; break;
		case 'L': vals[cam_camera_key("live_url")] = optarg; break;
		case 'U': username = optarg; break;
		case 'P': pwfile = optarg; break;
		case '?': case ':':
			return cam_cli_usage_error("camera add: bad option");
		default: vals[cam_camera_key(opts[li].name)] = optarg; break;
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("camera add: give one camera id");
	const char *id = argv[optind];
	if (!cam_id_valid(id)) {
		cam_errf(&e, CAM_NO, "bad camera id \"%s\": use a-z, 0-9 and "
		    "'-' (not first), at most %d characters", id, CAM_ID_MAX);
		return cam_cli_fail(&e);
	}
	if (vals[cam_camera_key("url")] == NULL)
		return cam_cli_usage_error("camera add: --url is required");
	if (pwfile != NULL && username == NULL)
		return cam_cli_usage_error("camera add: --password-file goes with "
		    "--username");
	if (username != NULL)
		vals[cam_camera_key("credential")] = id;
	if (cam_camera_item(&item, id, vals, &e) == -1)
		rc = cam_cli_fail(&e);
	else
		rc = camera_add_commit(id, cam_buf_str(&item), username,
		    pwfile);
	cam_buf_free(&item);
	return rc;
}

static int
camera_rm(int argc, char **argv)
{
	struct cam_buf msg = CAM_BUF_INIT;
	struct cam_camera_edit ce;
	struct cam_err e;
	char *cred = NULL;
	int rc;

	if (argc != 2)
		return cam_cli_usage_error("camera rm: give one camera id");
	memset(&ce, 0, sizeof(ce));
	ce.id = argv[1];
	ce.remove = 1;
	/* Its credential file goes once the camera is gone from the
	 * configuration in force. */
	{
		struct cam_site s;
		cam_err_clear(&e);
		if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
			return cam_cli_fail(&e);
		const struct cam_camera *c = cam_config_camera(&s.cfg, ce.id);
		if (c != NULL && c->credential != NULL)
			cred = cam_xstrdup(c->credential);
		cam_site_close(&s);
	}
	cam_buf_addf(&msg, "camera rm %s", ce.id);
	rc = commit_edit(cam_config_edit_camera, &ce, cam_buf_str(&msg));
	if (rc == 0 && cred != NULL) {
		struct cam_site s;
		cam_err_clear(&e);
		/* Another camera may share the credential: keep it then. */
		if (open_site(&s, &e) == 0) {
			if (!cam_config_credential_used(&s.cfg, cred) &&
			    cam_secret_remove(dir, cred, &e) == -1)
				cam_cli_fail(&e);
			cam_site_close(&s);
		}
	}
	free(cred);
	cam_buf_free(&msg);
	return rc;
}

/* Apply key=value pairs to camera id and commit with msg. */
static int
camera_set_pairs(const char *id, int n, char **pairs, const char *msg)
{
	struct cam_camera_edit ce;
	struct cam_err e;
	int rc = 0;

	memset(&ce, 0, sizeof(ce));
	cam_err_clear(&e);
	ce.id = id;
	ce.keys = cam_xmalloc((size_t)n * sizeof(char *));
	ce.vals = cam_xmalloc((size_t)n * sizeof(char *));
	for (int i = 0; i < n; i++) {
		char *eq = strchr(pairs[i], '=');

		if (eq == NULL) {
			rc = cam_cli_usage_error("camera set: \"%s\" is not key=value",
			    pairs[i]);
			goto end;
		}
		ce.keys[ce.nkv] = cam_xstrndup(pairs[i],
		    (size_t)(eq - pairs[i]));
		ce.vals[ce.nkv] = NULL;
		ce.nkv++;
		/* Any key but the id. */
		if (cam_camera_key(ce.keys[i]) <= 0) {
			rc = cam_cli_usage_error("camera set: unknown key \"%s\"",
			    ce.keys[i]);
			goto end;
		}
		if (eq[1] == '\0') {	/* key= removes the key */
			if (strcmp(ce.keys[i], "url") == 0) {
				rc = cam_cli_usage_error("camera set: the %s cannot be "
				    "removed", "url");
				goto end;
			}
			continue;
		}
		if (cam_camera_value_check(ce.keys[i], eq + 1, &e) == -1) {
			rc = cam_cli_fail(&e);
			goto end;
		}
		struct cam_buf v = CAM_BUF_INIT;
		cam_camera_value_yaml(&v, ce.keys[i], eq + 1);
		ce.vals[i] = cam_xstrdup(cam_buf_str(&v));
		cam_buf_free(&v);
	}
	rc = commit_edit(cam_config_edit_camera, &ce, msg);
end:
	for (size_t i = 0; i < ce.nkv; i++) {
		free(ce.keys[i]);
		free(ce.vals[i]);
	}
	free(ce.keys);
	free(ce.vals);
	return rc;
}

static int
camera_set(int argc, char **argv)
{
	struct cam_buf msg = CAM_BUF_INIT;
	int rc;

	char **pairs;
	int n = 0;

	if (argc < 3)
		return cam_cli_usage_error("camera set: give a camera id and "
		    "--host host or key=value ...");
	/* --host HOST is host=HOST: moving a camera to another recorder
	 * (camkit-hosts(7)) is one commit. */
	pairs = cam_xmalloc((size_t)argc * sizeof(*pairs));
	cam_buf_addf(&msg, "camera set %s", argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--host=", 7) == 0)
			v = argv[i] + 7;
		else if (strcmp(argv[i], "--host") == 0 ||
		    strncmp(argv[i], "--", 2) == 0) {
			for (int j = 0; j < n; j++)
				free(pairs[j]);
			free(pairs);
			cam_buf_free(&msg);
			return cam_cli_usage_error("camera set: bad option "
			    "\"%s\"", argv[i]);
		}
		if (v != NULL) {
			struct cam_buf p = CAM_BUF_INIT;
			cam_buf_addf(&p, "host=%s", v);
			pairs[n++] = cam_xstrdup(cam_buf_str(&p));
			cam_buf_free(&p);
		} else
			pairs[n++] = cam_xstrdup(argv[i]);
		cam_buf_addf(&msg, " %s", pairs[n - 1]);
	}
	rc = camera_set_pairs(argv[1], n, pairs, cam_buf_str(&msg));
	for (int j = 0; j < n; j++)
		free(pairs[j]);
	free(pairs);
	cam_buf_free(&msg);
	return rc;
}

static int
camera_enable(int argc, char **argv, int on)
{
	struct cam_buf msg = CAM_BUF_INIT;
	char pair[] = "enabled=false", pair_on[] = "enabled=true";
	char *pairs[1] = { on ? pair_on : pair };
	int rc;

	if (argc != 2)
		return cam_cli_usage_error("camera %s: give one camera id", argv[0]);
	cam_buf_addf(&msg, "camera %s %s", argv[0], argv[1]);
	rc = camera_set_pairs(argv[1], 1, pairs, cam_buf_str(&msg));
	cam_buf_free(&msg);
	return rc;
}

static void
camera_json(struct cam_buf *b, const struct cam_camera *c,
    const struct cam_config *cfg)
{
	const char *skeys[] = { "id", "name", "location", "url", "credential",
	    "transport", "model", "firmware", "live_url" };
	const char *svals[] = { c->id, c->name, c->location, c->url,
	    c->credential, c->transport, c->model, c->firmware, c->live_url };

	cam_buf_adds(b, "{");
	for (size_t i = 0; i < sizeof(skeys) / sizeof(skeys[0]); i++) {
		cam_buf_addf(b, "%s\"%s\": ", i ? ", " : "", skeys[i]);
		if (svals[i] == NULL)
			cam_buf_adds(b, "null");
		else
			cam_json_str(b, svals[i]);
	}
	cam_buf_adds(b, ", \"host\": ");
	if (c->host != NULL || cfg->host != NULL)
		cam_json_str(b, c->host ? c->host : cfg->host);
	else
		cam_buf_adds(b, "null");
	cam_buf_addf(b, ", \"enabled\": %s, \"segment\": %lld}",
	    c->enabled ? "true" : "false", (long long)c->segment);
}

/* Tab-separated text must stay one record a line. */
static const char *
field(const char *s)
{
	return s == NULL || *s == '\0' ? "-" : s;
}

static int
camera_list(int argc, char **argv, int show)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf out = CAM_BUF_INIT;
	const char *want = NULL;
	struct cam_site s;
	struct cam_err e;
	int c, json = 0, found = 0, rc;
	char seg[32];

	while ((c = next_opt(argc, argv, "", opts)) != -1)
		switch (c) {
		case 'j': json = 1; break;
		default: return cam_cli_usage_error("camera: bad option");
		}
	if (show && optind + 1 != argc)
		return cam_cli_usage_error("camera show: give one camera id");
	if (!show && optind != argc)
		return cam_cli_usage_error("camera list: unexpected argument \"%s\"",
		    argv[optind]);
	if (show)
		want = argv[optind];
	cam_err_clear(&e);
	if (open_site(&s, &e) == -1)
		return cam_cli_fail(&e);
	if (json && !show)
		cam_buf_adds(&out, "[");
	for (size_t i = 0; i < s.cfg.ncameras; i++) {
		const struct cam_camera *cam = &s.cfg.cameras[i];
		const char *host = cam->host ? cam->host : s.cfg.host;
		if (want != NULL && strcmp(cam->id, want) != 0)
			continue;
		cam_duration_format(cam->segment, seg, sizeof(seg));
		if (json) {
			if (!show)
				cam_buf_adds(&out, found ? ",\n  " : "\n  ");
			camera_json(&out, cam, &s.cfg);
		} else if (show) {
			cam_buf_addf(&out, "id\t%s\nname\t%s\nlocation\t%s\n"
			    "url\t%s\ncredential\t%s\nhost\t%s\nenabled\t%s\n"
			    "segment\t%s\ntransport\t%s\nmodel\t%s\n"
			    "firmware\t%s\nlive_url\t%s\n", cam->id,
			    field(cam->name), field(cam->location), cam->url,
			    field(cam->credential), field(host),
			    cam->enabled ? "true" : "false", seg,
			    cam->transport, field(cam->model),
			    field(cam->firmware), field(cam->live_url));
		} else
			cam_buf_addf(&out, "%s\t%s\t%s\t%s\t%s\t%s\n", cam->id,
			    cam->enabled ? "enabled" : "disabled",
			    field(host), seg, cam->url, field(cam->name));
		found++;
	}
	if (json)
		cam_buf_adds(&out, show ? "\n" : found ? "\n]\n" : "]\n");
	if (show && !found) {
		cam_errf(&e, CAM_NO, "no camera \"%s\"", want);
		rc = cam_cli_fail(&e);
		cam_buf_free(&out);
	} else
		rc = print_buf(&out);
	cam_site_close(&s);
	return rc;
}

static int
cmd_camera(int argc, char **argv)
{
	if (argc < 2)
		return cam_cli_usage_error("camera: give a verb (add, rm, list, show, "
		    "enable, disable, set)");
	const char *v = argv[1];
	argc--;
	argv++;
	if (strcmp(v, "add") == 0)
		return camera_add(argc, argv);
	if (strcmp(v, "rm") == 0)
		return camera_rm(argc, argv);
	if (strcmp(v, "list") == 0)
		return camera_list(argc, argv, 0);
	if (strcmp(v, "show") == 0)
		return camera_list(argc, argv, 1);
	if (strcmp(v, "enable") == 0)
		return camera_enable(argc, argv, 1);
	if (strcmp(v, "disable") == 0)
		return camera_enable(argc, argv, 0);
	if (strcmp(v, "set") == 0)
		return camera_set(argc, argv);
	return cam_cli_usage_error("camera: unknown verb \"%s\"", v);
}

/* ---- users ---- */

/*
 * After a change of name's roles: its memberships of camkit's groups as
 * the roles in force need them (cam_account.h).  The superuser's are
 * changed here; anyone else is told what the administrator must run,
 * the user being recorded all the same.
 */
static int
user_groups(const char *name)
{
	struct cam_buf done = CAM_BUF_INIT, todo = CAM_BUF_INIT;
	const struct cam_user *cu;
	struct cam_service svc;
	struct cam_site s;
	struct cam_err e;
	unsigned roles;
	int have, rc = 0;

	cam_err_clear(&e);
	if (cam_site_open(&s, dir, &e) == -1)
		return cam_cli_fail(&e);
	cu = cam_config_user(&s.cfg, name);
	roles = cu != NULL ? cu->roles : 0;
	/* Only a site with a service account (installed) has groups to
	 * keep: a site of root's own, as a build's tests make, has none. */
	have = cam_account_service(s.cfg.root, &svc);
	cam_site_close(&s);
	if (!have)
		return 0;
	if (cam_account_groups(name, roles, &done, &todo, &e) == -1)
		rc = cam_cli_fail(&e);
	if (done.len > 0)
		printf(_("groups of %s changed:\n%s"), name,
		    cam_buf_str(&done));
	if (todo.len > 0)
		cam_cli_msg("note: %s is recorded, but its groups need the "
		    "superuser: the administrator must run\n%s", name,
		    cam_buf_str(&todo));
	cam_buf_free(&done);
	cam_buf_free(&todo);
	return rc;
}

static int
user_edit(int argc, char **argv, int add)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "no-check", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf msg = CAM_BUF_INIT;
	struct cam_user_edit u;
	struct cam_err e;
	int c, rc, nocheck = 0;

	memset(&u, 0, sizeof(u));
	u.add = add;
	cam_buf_addf(&msg, "user %s", add ? "add" : "rm");
	while ((c = next_opt(argc, argv, "", opts)) != -1) {
		unsigned bit;
		switch (c) {
		case 'r':
			if ((bit = cam_role_parse(optarg)) == 0) {
				cam_buf_free(&msg);
				return cam_cli_usage_error("user: unknown role "
				    "\"%s\" (%s)", optarg, CAM_ROLE_NAMES);
			}
			u.roles |= bit;
			break;
		case 'n':
			if (!add) {
				cam_buf_free(&msg);
				return cam_cli_usage_error("user rm: bad option "
				    "--no-check");
			}
			nocheck = 1;
			break;
		default:
			cam_buf_free(&msg);
			return cam_cli_usage_error("user: bad option");
		}
	}
	if (optind + 1 != argc || (add && u.roles == 0)) {
		cam_buf_free(&msg);
		if (add)
			return cam_cli_usage_error("user add: give a user name and at "
			    "least one --role");
		return cam_cli_usage_error("user rm: give one user name");
	}
	u.name = argv[optind];
	if (!cam_username_valid(u.name)) {
		cam_buf_free(&msg);
		cam_err_clear(&e);
		cam_errf(&e, CAM_NO, "bad user name \"%s\": a Unix user name "
		    "(a-z, 0-9, _ - .)", u.name);
		return cam_cli_fail(&e);
	}
	if (add && !nocheck && !cam_account_exists(u.name)) {
		cam_buf_free(&msg);
		cam_err_clear(&e);
		cam_errf(&e, CAM_NO, "%s is not an account of this host: make "
		    "the account first, or give --no-check for an account of "
		    "another host", u.name);
		return cam_cli_fail(&e);
	}
	cam_buf_addf(&msg, " %s", u.name);
	for (unsigned bit = 1; cam_role_name(bit) != NULL; bit <<= 1)
		if (u.roles & bit)
			cam_buf_addf(&msg, " %s", cam_role_name(bit));
	rc = commit_edit(cam_config_edit_user, &u, cam_buf_str(&msg));
	cam_buf_free(&msg);
	if (rc == 0)
		rc = user_groups(u.name);
	return rc;
}

static int
user_list(int argc, char **argv)
{
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_site s;
	struct cam_err e;
	int json, rc;

	if ((rc = cam_cli_json_only(argc, argv, "user list", &json)) != 0)
		return rc;
	cam_err_clear(&e);
	if (open_site(&s, &e) == -1)
		return cam_cli_fail(&e);
	if (json)
		cam_buf_adds(&out, "[");
	for (size_t i = 0; i < s.cfg.nusers; i++) {
		const struct cam_user *u = &s.cfg.users[i];
		int n = 0;
		if (json) {
			cam_buf_adds(&out, i ? ",\n  {\"user\": " :
			    "\n  {\"user\": ");
			cam_json_str(&out, u->name);
			cam_buf_adds(&out, ", \"roles\": [");
		} else
			cam_buf_addf(&out, "%s\t", u->name);
		for (unsigned bit = 1; cam_role_name(bit) != NULL; bit <<= 1) {
			if (!(u->roles & bit))
				continue;
			if (json) {
				cam_buf_adds(&out, n++ ? ", " : "");
				cam_json_str(&out, cam_role_name(bit));
			} else
				cam_buf_addf(&out, "%s%s", n++ ? "," : "",
				    cam_role_name(bit));
		}
		cam_buf_adds(&out, json ? "]}" : "\n");
	}
	if (json)
		cam_buf_adds(&out, s.cfg.nusers ? "\n]\n" : "]\n");
	cam_site_close(&s);
	return print_buf(&out);
}

static int
cmd_user(int argc, char **argv)
{
	if (argc < 2)
		return cam_cli_usage_error("user: give a verb (add, rm, list)");
	const char *v = argv[1];
	argc--;
	argv++;
	if (strcmp(v, "add") == 0)
		return user_edit(argc, argv, 1);
	if (strcmp(v, "rm") == 0)
		return user_edit(argc, argv, 0);
	if (strcmp(v, "list") == 0)
		return user_list(argc, argv);
	return cam_cli_usage_error("user: unknown verb \"%s\"", v);
}


static int
cmd_units(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "cron", no_argument, NULL, 'c' },
		{ "bindir", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bindir = NULL;
	struct cam_systemd_conf u;
	struct cam_service svc;
	struct cam_ids ids;
	char self[PATH_MAX];
	struct cam_buf written = CAM_BUF_INIT;
	struct cam_site s;
	struct cam_err e;
	char host[256], confdir[PATH_MAX];
	const char *out = NULL;
	int c, cron = 0, n, rc = 0;

	while ((c = next_opt(argc, argv, "", opts)) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		case 'c': cron = 1; break;
		case 'b': bindir = optarg; break;
		default: return cam_cli_usage_error("units: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("units: unexpected argument \"%s\"",
		    argv[optind]);
	cam_err_clear(&e);
	if (realpath(dir, confdir) == NULL) {
		cam_err_sys(&e, "%s", dir);
		return cam_cli_fail(&e);
	}
	/* The installed paths and account, found, not compiled in: the
	 * programs are beside this one, the service account is the one it
	 * is set-user-id to (or the data root's owner). */
	if (bindir == NULL) {
		if (cam_account_bindir(self, sizeof(self), &e) == -1)
			return cam_cli_fail(&e);
		bindir = self;
	}
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	if (!cam_account_service(s.cfg.root, &svc)) {
		memset(&svc, 0, sizeof(svc));
		snprintf(svc.user, sizeof(svc.user), "camkit");
		snprintf(svc.group, sizeof(svc.group), "camkit");
	}
	cam_cli_host(host, sizeof(host));
	memset(&u, 0, sizeof(u));
	u.cfg = &s.cfg;
	u.host = host;
	u.confdir = confdir;
	u.bindir = bindir;
	u.user = svc.user;
	u.group = svc.group;
	u.cron = cron;
	u.outdir = out ? out : cron ? "/etc/cron.d" : "/etc/systemd/system";
	/* The system's unit directory is root's: the superuser writes it as
	 * itself, even through the set-user-id camctl. */
	if (cam_account_can_root()) {
		if (cam_account_root_begin(&ids, &e) == -1) {
			cam_site_close(&s);
			return cam_cli_fail(&e);
		}
		n = cam_systemd_write(&u, &written, &e);
		cam_account_root_end(&ids);
	} else
		n = cam_systemd_write(&u, &written, &e);
	if (n != -1 && view_cert(host) == -1)
		n = -1, cam_errf(&e, CAM_ENV, "camview's certificate: see "
		    "above");
	cam_cli_audit_rc(u.outdir, n == -1 ? -1 : 0, &e, NULL);
	if (n == -1)
		rc = cam_cli_fail(&e);
	else {
		fputs(cam_buf_str(&written), stdout);
		cam_cli_msgn("%d camera recorded on %s",
		    "%d cameras recorded on %s", (unsigned long)n, n, host);
	}
	cam_buf_free(&written);
	cam_site_close(&s);
	return rc;
}

/* ---- sync: the configuration from the central repository ---- */

/* systemctl --no-block VERB UNIT, without a shell, as the superuser
 * when the caller is root (even through the set-user-id camctl): 0, or
 * its status. */
static int
systemctl(const char *verb, const char *unit)
{
	struct cam_ids ids;
	struct cam_err e;
	pid_t pid;
	int st, root = 0;

	fflush(NULL);
	cam_err_clear(&e);
	if (cam_account_can_root()) {
		if (cam_account_root_begin(&ids, &e) == -1) {
			cam_cli_fail(&e);
			return -1;
		}
		root = 1;
	}
	pid = fork();
	if (pid == 0) {
		execlp("systemctl", "systemctl", "--no-block", verb, unit,
		    (char *)NULL);
		_exit(127);
	}
	if (root)
		cam_account_root_end(&ids);
	if (pid == -1)
		return -1;
	while (waitpid(pid, &st, 0) == -1)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The systemd unit directory, and are camkit's units installed there? */
#define UNIT_DIR	"/etc/systemd/system"
#define CRON_FILE	"/etc/cron.d/camkit"

static int
units_installed(int *cron)
{
	*cron = access(CRON_FILE, F_OK) == 0;
	return access(UNIT_DIR "/camrec@.service", F_OK) == 0 || *cron;
}

/* Write this host's units again after a sync (they were installed):
 * 0, or -1 printed. */
static int
sync_units(struct cam_site *s, const char *host, int cron, int quiet)
{
	struct cam_buf written = CAM_BUF_INIT;
	struct cam_systemd_conf u;
	struct cam_service svc;
	struct cam_err e;
	char self[PATH_MAX], confdir[PATH_MAX];
	int n;

	cam_err_clear(&e);
	if (realpath(dir, confdir) == NULL) {
		cam_err_sys(&e, "%s", dir);
		cam_cli_fail(&e);
		return -1;
	}
	if (cam_account_bindir(self, sizeof(self), &e) == -1) {
		cam_cli_fail(&e);
		return -1;
	}
	if (!cam_account_service(s->cfg.root, &svc)) {
		memset(&svc, 0, sizeof(svc));
		snprintf(svc.user, sizeof(svc.user), "camkit");
		snprintf(svc.group, sizeof(svc.group), "camkit");
	}
	memset(&u, 0, sizeof(u));
	u.cfg = &s->cfg;
	u.host = host;
	u.confdir = confdir;
	u.bindir = self;
	u.user = svc.user;
	u.group = svc.group;
	u.cron = cron;
	u.outdir = cron ? "/etc/cron.d" : UNIT_DIR;
	/* The system's unit directory is root's (as in units). */
	if (cam_account_can_root()) {
		struct cam_ids ids;
		if (cam_account_root_begin(&ids, &e) == -1)
			n = -1;
		else {
			n = cam_systemd_write(&u, &written, &e);
			cam_account_root_end(&ids);
		}
	} else
		n = cam_systemd_write(&u, &written, &e);
	if (n == -1)
		cam_cli_fail(&e);
	else if (!quiet)
		fputs(cam_buf_str(&written), stdout);
	cam_buf_free(&written);
	if (n != -1 && !cron && access("/run/systemd/system", F_OK) == 0)
		(void)systemctl("daemon-reload", "camrec@.service");
	return n == -1 ? -1 : 0;
}

/* What a change means for the camera's recorder here, in words. */
static void
sync_say(const struct cam_sync_change *c, int acted, int systemd)
{
	const char *done;

	switch (c->what) {
	case CAM_SYNC_ADDED:
	case CAM_SYNC_ENABLED:
	case CAM_SYNC_MOVED_HERE:
		done = !systemd ? _("start its recorder") : acted == 0 ?
		    _("its recorder started") : _("its recorder could not "
		    "be started");
		break;
	case CAM_SYNC_CHANGED:
		done = !systemd ? _("restart its recorder (it also restarts "
		    "by itself at its next segment)") : acted == 0 ?
		    _("its recorder restarted") : _("its recorder could not "
		    "be restarted");
		break;
	default:
		done = !systemd ? _("stop its recorder (it also stops by "
		    "itself at its next segment)") : acted == 0 ?
		    _("its recorder stopped") : _("its recorder could not be "
		    "stopped");
		break;
	}
	switch (c->what) {
	case CAM_SYNC_ADDED:
		printf(_("camera %s: added, %s\n"), c->id, done);
		break;
	case CAM_SYNC_REMOVED:
		printf(_("camera %s: removed, %s\n"), c->id, done);
		break;
	case CAM_SYNC_MOVED_AWAY:
		printf(_("camera %s: moved to %s, %s\n"), c->id, c->host, done);
		break;
	case CAM_SYNC_MOVED_HERE:
		printf(_("camera %s: moved here from %s, %s\n"), c->id,
		    c->host, done);
		break;
	case CAM_SYNC_CHANGED:
		printf(_("camera %s: changed, %s\n"), c->id, done);
		break;
	case CAM_SYNC_ENABLED:
		printf(_("camera %s: enabled, %s\n"), c->id, done);
		break;
	case CAM_SYNC_DISABLED:
		printf(_("camera %s: disabled, %s\n"), c->id, done);
		break;
	}
}

static int
cmd_sync(int argc, char **argv)
{
	struct cam_buf detail = CAM_BUF_INIT, out = CAM_BUF_INIT;
	struct cam_sync_result res;
	struct cam_site s;
	struct cam_err e;
	char host[256], ref[300];
	int json = 0, rc = 0, cron = 0, installed, systemd, pushed;
	int *acted = NULL;

	if ((rc = cam_cli_json_only(argc, argv, "sync", &json)) != 0)
		return rc;
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	cam_cli_host(host, sizeof(host));
	if (cam_sync_run(&s, host, &res, &e) == -1) {
		cam_buf_addf(&detail, "{\"old\":\"%s\",\"new\":\"%s\"}",
		    res.old_rev, res.new_rev);
		cam_cli_audit_rc(res.remote, -1, &e, cam_buf_str(&detail));
		rc = cam_cli_fail(&e);
		goto end;
	}
	installed = units_installed(&cron);
	systemd = installed && !cron &&
	    access("/run/systemd/system", F_OK) == 0;
	if (res.moved && installed && sync_units(&s, host, cron, json) == -1)
		rc = CAM_ENV;
	/* Only the recorders of the cameras that changed: the others go
	 * on recording (001 Dieu 10.3). */
	acted = cam_xmalloc((res.n + 1) * sizeof(*acted));
	for (size_t i = 0; i < res.n; i++) {
		const struct cam_sync_change *c = &res.v[i];
		char unit[300];

		acted[i] = -1;
		if (!systemd)
			continue;
		snprintf(unit, sizeof(unit), "camrec@%s.service", c->id);
		switch (c->what) {
		case CAM_SYNC_ADDED:
		case CAM_SYNC_ENABLED:
		case CAM_SYNC_MOVED_HERE:
			acted[i] = systemctl("start", unit);
			break;
		case CAM_SYNC_CHANGED:
			acted[i] = systemctl("restart", unit);
			break;
		default:
			acted[i] = systemctl("stop", unit);
			break;
		}
		if (acted[i] != 0)
			rc = CAM_ENV;
	}
	/* This host's witness to the centre, never forced. */
	pushed = cam_seal_witness_ref(ref, sizeof(ref), host, &e) == -1 ? -1 :
	    cam_sync_push(&s, ref, &e);
	if (pushed == -1) {
		cam_cli_fail(&e);
		cam_err_clear(&e);
		rc = rc ? rc : CAM_NO;
	}
	cam_buf_addf(&detail, "{\"old\":\"%s\",\"new\":\"%s\","
	    "\"cameras\":[", res.old_rev, res.new_rev);
	for (size_t i = 0; i < res.n; i++) {
		cam_buf_addf(&detail, "%s{\"id\":", i ? "," : "");
		cam_json_str(&detail, res.v[i].id);
		cam_buf_addf(&detail, ",\"change\":\"%s\"",
		    cam_sync_what_name(res.v[i].what));
		if (res.v[i].host != NULL) {
			cam_buf_adds(&detail, ",\"host\":");
			cam_json_str(&detail, res.v[i].host);
		}
		cam_buf_adds(&detail, "}");
	}
	cam_buf_addf(&detail, "],\"witness\":\"%s\"}", pushed == 0 ?
	    "pushed" : pushed == 1 ? "none" : "refused");
	cam_cli_audit_rc(res.remote, 0, &e, cam_buf_str(&detail));
	if (json) {
		cam_buf_adds(&out, cam_buf_str(&detail));
		cam_buf_adds(&out, "\n");
		if (print_buf(&out) != 0)
			rc = CAM_ENV;
		goto end;
	}
	if (res.moved)
		printf(_("took %.12s from %s %s (was %.12s)\n"), res.new_rev,
		    res.remote, res.branch, res.old_rev);
	else
		printf(_("up to date with %s %s (%.12s)\n"), res.remote,
		    res.branch, res.old_rev);
	for (size_t i = 0; i < res.n; i++)
		sync_say(&res.v[i], acted[i], systemd);
	if (pushed == 0)
		printf(_("witness %s pushed to %s\n"), ref, res.remote);
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
end:
	free(acted);
	cam_buf_free(&detail);
	cam_buf_free(&out);
	cam_sync_result_free(&res);
	cam_site_close(&s);
	return rc;
}

/* One camera's line (or JSON object, the n-th) of camctl status. */
static void
status_line(struct cam_buf *out, int json, int n, const struct cam_status *st,
    time_t now, const char *zone)
{
	const struct cam_camera *cam = st->cam;
	char when[40], age[32];

	if (st->last_end != 0) {
		cam_time_format_local(st->last_end, zone, when, sizeof(when));
		cam_duration_format(now > st->last_end ? now - st->last_end :
		    0, age, sizeof(age));
	}
	if (!json) {
		cam_buf_addf(out, "%s\t%s\t%s\t%s\t%d\t%lld\t%llu\t%.2f\n",
		    cam->id, st->state, st->last_end ? when : "-",
		    st->last_end ? age : "-", st->gaps,
		    (long long)st->gap_seconds,
		    (unsigned long long)st->bytes, st->days);
		return;
	}
	cam_buf_adds(out, n ? ",\n  {\"camera\": " : "\n  {\"camera\": ");
	cam_json_str(out, cam->id);
	cam_buf_addf(out, ", \"state\": \"%s\", \"last_end\": ", st->state);
	if (st->last_end != 0) {
		cam_json_str(out, when);
		cam_buf_addf(out, ", \"age_seconds\": %lld",
		    (long long)(now - st->last_end));
	} else
		cam_buf_adds(out, "null, \"age_seconds\": null");
	cam_buf_addf(out, ", \"gaps_24h\": %d, \"gap_seconds\": %lld, "
	    "\"bytes\": %llu, \"days\": %.2f, \"bytes_per_day\": %.0f, "
	    "\"stale\": %s}", st->gaps, (long long)st->gap_seconds,
	    (unsigned long long)st->bytes, st->days, st->rate,
	    st->stale ? "true" : "false");
}

/* The storage part of camctl status: live bytes kept, room left under
 * the capacity limit and, at the current rate, how many days that is. */
static void
status_storage(struct cam_buf *out, int json, int n,
    const struct cam_config *cfg, uint64_t live, double rate, int stale)
{
	double days_left;
	uint64_t room;

	cam_storage_room(cfg, live, rate, &room, &days_left);
	if (!json) {
		char kept[CAM_SIZE_LEN], free_[CAM_SIZE_LEN];

		cam_fmt_size(kept, sizeof(kept), live);
		cam_fmt_size(free_, sizeof(free_), room);
		cam_buf_addf(out, "storage\t%s\t%s\t%s of room\t", cfg->root,
		    kept, free_);
		if (days_left < 0)
			cam_buf_adds(out, "- days left\n");
		else
			cam_buf_addf(out, "%.1f days left\n", days_left);
		return;
	}
	cam_buf_addf(out, "%s], \"storage\": {\"root\": ", n ? "\n" : "");
	cam_json_str(out, cfg->root);
	cam_buf_addf(out, ", \"bytes\": %llu, \"room_bytes\": %llu, "
	    "\"bytes_per_day\": %.0f, \"days_left\": ",
	    (unsigned long long)live, (unsigned long long)room, rate);
	if (days_left < 0)
		cam_buf_adds(out, "null");
	else
		cam_buf_addf(out, "%.1f", days_left);
	cam_buf_addf(out, ", \"retention_days\": %d}, \"stale\": %d}\n",
	    cfg->retention_days, stale);
}

static int
cmd_status(int argc, char **argv)
{
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_site s;
	struct cam_err e;
	char host[256];
	time_t now = time(NULL);
	double rate = 0;
	uint64_t live = 0;
	int json, stale = 0, n = 0, rc;

	if ((rc = cam_cli_json_only(argc, argv, "status", &json)) != 0)
		return rc;
	cam_err_clear(&e);
	if (open_site(&s, &e) == -1)
		return cam_cli_fail(&e);
	cam_cli_host(host, sizeof(host));
	cam_buf_adds(&out, json ? "{\"cameras\": [" :
	    "camera\tstate\tlast_end\tage\tgaps_24h\tgap_seconds\tbytes\t"
	    "days\n");
	for (size_t i = 0; i < s.cfg.ncameras; i++) {
		const struct cam_camera *cam = &s.cfg.cameras[i];
		const char *h = cam->host ? cam->host : s.cfg.host;
		struct cam_status st;

		if (h != NULL && strcmp(h, host) != 0)
			continue;	/* another recorder's camera */
		if (cam_camera_status(s.cfg.root, cam, now, &st, &e) == -1) {
			rc = cam_cli_fail(&e);
			goto end;
		}
		live += st.bytes;
		rate += st.rate;
		stale += st.stale;
		status_line(&out, json, n++, &st, now, s.cfg.timezone);
	}
	status_storage(&out, json, n, &s.cfg, live, rate, stale);
	rc = print_buf(&out);
	if (rc == 0 && stale > 0) {
		cam_cli_msgn("%d camera without a recent segment",
		    "%d cameras without a recent segment",
		    (unsigned long)stale, stale);
		rc = CAM_NO;
	}
end:
	cam_buf_free(&out);
	cam_site_close(&s);
	return rc;
}

static int
cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_rec_conf conf;
	struct cam_probe p;
	struct cam_site s;
	struct cam_err e;
	const struct cam_camera *cam;
	char host[256];
	double seconds = 3;
	char *end;
	int c, rc = 0;

	while ((c = next_opt(argc, argv, "", opts)) != -1)
		switch (c) {
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || seconds < 1 || seconds > 60)
				return cam_cli_usage_error("probe: --seconds from 1 "
				    "to 60");
			break;
		default: return cam_cli_usage_error("probe: bad option");
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("probe: give one camera id");
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_RECORD, &e) == -1)
		return cam_cli_fail(&e);
	if ((cam = cam_config_camera(&s.cfg, argv[optind])) == NULL) {
		cam_errf(&e, CAM_NO, "no camera \"%s\"", argv[optind]);
		rc = cam_cli_fail(&e);
		goto end;
	}
	cam_cli_host(host, sizeof(host));
	memset(&conf, 0, sizeof(conf));
	conf.site_dir = dir;
	conf.root = s.cfg.root;
	conf.host = host;
	conf.cam = cam;
	conf.io_timeout = 10;
	av_log_set_level(AV_LOG_QUIET);
	/* A probe logs in to the camera with its stored credentials. */
	if (cam_rec_probe(&conf, seconds, &p, &e) == -1) {
		cam_cli_audit_rc(cam->id, -1, &e, NULL);
		rc = cam_cli_fail(&e);
		goto end;
	}
	cam_cli_audit(cam->id, "granted", NULL, NULL);
	printf("camera\t%s\ncodec\t%s\nresolution\t%dx%d\n"
	    "fps\t%.2f\nbitrate\t%lld\naudio\t%s\nkeyframes\t%d in %.1f s\n",
	    cam->id, p.codec, p.width, p.height, p.fps, (long long)p.bitrate,
	    p.audio[0] ? p.audio : "-", p.keyframes, p.seconds);
end:
	cam_site_close(&s);
	return rc;
}

/* ---- seal ---- */

struct seal_ctx {
	struct cam_sealer *sealer;
	const char *host;
	int sealed, current, closed, failed;
};

static int
seal_one(void *arg, const char *name, const char *path)
{
	struct seal_ctx *c = arg;
	struct cam_journal *j = NULL;
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	rc = cam_journal_open(&j, path, c->host, &e);
	if (rc == 0)
		rc = cam_seal(j, name, c->sealer, dir, &e);
	if (rc == 0) {
		printf("sealed\t%s\t%llu\n", name,
		    (unsigned long long)cam_journal_seq(j) - 1);
		c->sealed++;
	} else if (rc == 1) {
		printf("current\t%s\n", name);
		c->current++;
	} else {
		cam_cli_fail(&e);
		c->failed++;
	}
	/* Sealed: close its volume if it began in an earlier month. */
	if (rc != -1) {
		char closed[PATH_MAX];
		const char *b;

		rc = cam_store_rotate(name, j, time(NULL), closed,
		    sizeof(closed), &e);
		if (rc == 0) {
			b = strrchr(closed, '/');
			printf("closed\t%s\t%s\n", name, b ? b + 1 : closed);
			c->closed++;
		} else if (rc == -1) {
			cam_cli_fail(&e);
			c->failed++;
		}
	}
	cam_journal_close(&j);
	return 0;
}

/* The site key, where cam_secret_site_key says it is. */
static int
open_sealer(struct cam_sealer **s, struct cam_err *e)
{
	char key[PATH_MAX], crt[PATH_MAX];

	if (cam_secret_site_key(dir, key, crt, e) == -1)
		return -1;
	return cam_sealer_open(s, key, crt, e);
}

static int
cmd_seal(int argc, char **argv)
{
	struct seal_ctx c;
	struct cam_site s;
	struct cam_err e;
	char host[256], detail[128];
	int rc;

	if (argc != 1)
		return cam_cli_usage_error("seal: unexpected argument \"%s\"",
		    argv[1]);
	memset(&c, 0, sizeof(c));
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_SEAL, &e) == -1)
		return cam_cli_fail(&e);
	cam_cli_host(host, sizeof(host));
	c.host = host;
	rc = open_sealer(&c.sealer, &e);
	if (rc == 0)
		rc = cam_store_journals(s.cfg.root, seal_one, &c, &e);
	/* The configuration in force, witnessed beside the journals. */
	if (rc == 0) {
		int k = cam_seal_config(dir, host, &e);
		if (k == 0)
			printf("witnessed	configuration	%.12s\n", s.rev);
		else if (k == 1)
			printf("current	configuration\n");
		else {
			cam_cli_fail(&e);
			cam_err_clear(&e);
			c.failed++;
		}
	}
	if (rc == -1) {
		cam_cli_audit_rc(NULL, -1, &e, NULL);
		rc = cam_cli_fail(&e);
	} else {
		snprintf(detail, sizeof(detail), "{\"sealed\":%d,"
		    "\"current\":%d,\"closed\":%d,\"failed\":%d}", c.sealed,
		    c.current, c.closed, c.failed);
		cam_cli_audit(NULL, c.failed ? "failed" : "granted", NULL,
		    detail);
		rc = c.failed ? CAM_ENV : 0;
	}
	cam_sealer_free(&c.sealer);
	cam_site_close(&s);
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
	return rc;
}

/* ---- alerts ---- */

/* Each delivery tried: a line on the standard output and a record in
 * the audit trail (kind, event, channel, outcome). */
static void
watch_sent(void *arg, const struct cam_watch_send *d)
{
	struct cam_buf detail = CAM_BUF_INIT;

	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\n", d->ok ? "sent" : "failed", d->kind,
	    d->event, d->object, d->channel);
	cam_buf_adds(&detail, "{\"kind\":");
	cam_json_str(&detail, d->kind);
	cam_buf_adds(&detail, ",\"event\":");
	cam_json_str(&detail, d->event);
	cam_buf_adds(&detail, ",\"channel\":");
	cam_json_str(&detail, d->channel);
	cam_buf_adds(&detail, ",\"message\":");
	cam_json_str(&detail, d->file);
	cam_buf_adds(&detail, "}");
	cam_cli_audit(d->object, d->ok ? "granted" : "failed",
	    d->ok ? NULL : d->why->msg, cam_buf_str(&detail));
	cam_buf_free(&detail);
}

static int
cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "digest", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_watch_opts o;
	struct cam_watch_result res;
	struct cam_site s;
	struct cam_err e;
	char host[256];
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = next_opt(argc, argv, "", opts)) != -1)
		switch (c) {
		case 'd':
			o.digest = 1;
			break;
		default: return cam_cli_usage_error("watch: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("watch: unexpected argument \"%s\"",
		    argv[optind]);
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_SEAL, &e) == -1)
		return cam_cli_fail(&e);
	cam_i18n_default(s.cfg.language);
	cam_cli_host(host, sizeof(host));
	o.host = host;
	o.now = time(NULL);
	rc = cam_watch_run(&s, &o, watch_sent, NULL, &res, &e);
	if (fflush(stdout) != 0 && rc == 0)
		rc = cam_errf(&e, CAM_ENV, "writing the standard output");
	if (rc == -1)
		rc = cam_cli_fail(&e);
	else if (res.queued > 0) {
		/* Nothing is lost: the message waits in the outbox.  An
		 * environment failure all the same, so that the timer's
		 * unit shows it. */
		cam_err_wrap(&e, &e, "watch: not delivered, %d kept in the "
		    "outbox for the next run", res.queued);
		e.code = CAM_ENV;
		rc = cam_cli_fail(&e);
	}
	cam_site_close(&s);
	return rc;
}

/* ---- revocation lists ---- */

static int
crl_add(int argc, char **argv)
{
	struct cam_buf desc = CAM_BUF_INIT;
	struct cam_crl_added add;
	struct cam_site s;
	struct cam_err e;
	char when[64];
	int rc;

	if (argc != 2)
		return cam_cli_usage_error("crl add: give one revocation list "
		    "file");
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_crl_add(&s, argv[1], &add, &e) == -1) {
		if (add.msg[0] != '\0')
			audit_change(add.msg, -1, &e, NULL);
		rc = cam_cli_fail(&e);
		cam_site_close(&s);
		return rc;
	}
	audit_change(add.msg, 0, &e, add.id);
	if (add.stale) {
		cam_time_format_human(add.info.next, s.cfg.timezone, when,
		    sizeof(when));
		cam_cli_msg("warning: %s: this list is already out of date "
		    "(a new one was due on %s); get the current one from "
		    "the CA", argv[1], when);
	}
	cam_crl_describe(&add.info, s.cfg.timezone, &desc);
	printf("committed\t%.12s\t%s\n%s\t%s\n", add.id, add.msg, add.rel,
	    cam_buf_str(&desc));
	cam_buf_free(&desc);
	cam_site_close(&s);
	return 0;
}

static int
crl_list(int argc, char **argv)
{
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_trust *t = NULL;
	struct cam_crl_info info;
	struct cam_site s;
	struct cam_err e;
	time_t now = time(NULL);
	int rc = 0;

	(void)argv;
	if (argc != 1)
		return cam_cli_usage_error("crl list: no arguments");
	cam_err_clear(&e);
	if (open_site(&s, &e) == -1)
		return cam_cli_fail(&e);
	if (cam_site_trust(&s, &t, &e) == -1) {
		cam_site_close(&s);
		return cam_cli_fail(&e);
	}
	/* Each file again, to name it: a list added twice is one. */
	for (size_t i = 0; i < s.cfg.trust_crl.n; i++) {
		struct cam_buf b = CAM_BUF_INIT;

		if (cam_site_read(&s, s.cfg.trust_crl.path[i], &b, &e) == -1 ||
		    cam_trust_add_crl(t, b.s, b.len, s.cfg.trust_crl.path[i],
		    &info, &e) == -1) {
			cam_buf_free(&b);
			rc = cam_cli_fail(&e);
			break;
		}
		cam_buf_free(&b);
		cam_buf_addf(&out, "%s\t", s.cfg.trust_crl.path[i]);
		cam_crl_describe(&info, s.cfg.timezone, &out);
		cam_buf_adds(&out, info.next != 0 && info.next < now ?
		    "\tout of date\n" : "\n");
	}
	cam_trust_free(&t);
	cam_site_close(&s);
	if (rc != 0) {
		cam_buf_free(&out);
		return rc;
	}
	return print_buf(&out);
}

static int
crl_rm(int argc, char **argv)
{
	struct cam_buf msg = CAM_BUF_INIT;
	struct cam_crl_edit ed;
	struct cam_site s;
	struct cam_err e;
	char id[41];
	int rc = 0;

	if (argc != 2)
		return cam_cli_usage_error("crl rm: give the path of one list "
		    "of trust.crl");
	cam_err_clear(&e);
	if (open_site_for(&s, CAM_ACT_CONFIG_CHANGE, &e) == -1)
		return cam_cli_fail(&e);
	ed.path = argv[1];
	ed.add = 0;
	cam_buf_addf(&msg, "crl rm %s", argv[1]);
	if (cam_site_edit(&s, cam_config_edit_crl, &ed, cam_buf_str(&msg), id,
	    &e) == -1) {
		audit_change(cam_buf_str(&msg), -1, &e, NULL);
		rc = cam_cli_fail(&e);
	} else {
		audit_change(cam_buf_str(&msg), 0, &e, id);
		printf("committed\t%.12s\t%s\n", id, cam_buf_str(&msg));
	}
	cam_buf_free(&msg);
	cam_site_close(&s);
	return rc;
}

static int
cmd_crl(int argc, char **argv)
{
	if (argc < 2)
		return cam_cli_usage_error("crl: give a verb (add, list, rm)");
	const char *v = argv[1];
	argc--;
	argv++;
	if (strcmp(v, "add") == 0)
		return crl_add(argc, argv);
	if (strcmp(v, "list") == 0)
		return crl_list(argc, argv);
	if (strcmp(v, "rm") == 0)
		return crl_rm(argc, argv);
	return cam_cli_usage_error("crl: unknown verb \"%s\"", v);
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "init", N_("make a new site: the configuration repository and the data root") },
	{ "check", N_("validate the configuration (exit 1 if edits are not committed)") },
	{ "commit", N_("validate the edited configuration and commit it") },
	{ "history", N_("who changed the configuration, and when") },
	{ "diff", N_("what changed in the configuration") },
	{ "revert", N_("undo a committed change with a new commit") },
	{ "camera", N_("add, remove, list, show, enable, disable or change cameras") },
	{ "user", N_("add, remove or list the site's users and their roles") },
	{ "units", N_("write the systemd units (or a cron file) for this host's cameras") },
	{ "sync", N_("take the configuration from the central repository (fast-forward only)") },
	{ "status", N_("which cameras record, and the storage (exit 1 if one has stopped)") },
	{ "probe", N_("connect to a camera and show its stream") },
	{ "seal", N_("seal the journals with the site key") },
	{ "cert", N_("make camview's certificate and key") },
	{ "crl", N_("add, list or remove certificate revocation lists") },
};

static const struct cam_cli_verb verbs[] = {
	{ "init", cmd_init, 0 },
	{ "check", cmd_check, 0 },
	{ "commit", cmd_commit, 0 },
	{ "history", cmd_history, 0 },
	{ "diff", cmd_diff, 0 },
	{ "revert", cmd_revert, 0 },
	{ "camera", cmd_camera, 1 },
	{ "user", cmd_user, 1 },
	{ "units", cmd_units, 0 },
	{ "sync", cmd_sync, 0 },
	{ "status", cmd_status, 0 },
	{ "probe", cmd_probe, 0 },
	{ "seal", cmd_seal, 0 },
	{ "watch", cmd_watch, 0 },
	{ "cert", cmd_cert, 0 },
	{ "crl", cmd_crl, 1 },
};

int
main(int argc, char **argv)
{
	int rc;

	cam_cli_setup(prog, usage);
	/*
	 * Installed set-user-id and set-group-id to the service account
	 * (README, "Accounts and groups"): anyone but the superuser works in
	 * the service account's child (cam_setid.h), where the policy
	 * decides by the caller's account.  The superuser keeps its real
	 * ids, so that it may act as root where it must (init, units,
	 * groups: cam_account.h), and makes every other file as the
	 * service account (its effective ids), which must own them.
	 */
	if (getuid() != 0 && (rc = cam_cli_setid()) != 0)
		return rc;
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
