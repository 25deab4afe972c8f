/*
 * cam_cli: see cam_cli.h.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
#include <sys/stat.h>

#include <limits.h>

#include "base/cam_setid.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "base/cam_i18n.h"
#include "journal/cam_journal.h"
#include "journal/cam_trail.h"
#include "site/cam_account.h"
#include "site/cam_config.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"

/* Set once by main, before anything can fail. */
static const char *cli_prog = "camkit";
static void (*cli_usage)(FILE *);

#if defined(__SANITIZE_ADDRESS__)
/*
 * Sanitizer builds only.  The superuser running a program set-user-id to
 * the service account keeps its real uid and works with the service
 * account's effective ids (camctl, camextract): LeakSanitizer's check
 * at exit traces the process's threads, which needs the capability the
 * effective uid took away.  Taken back for the exit alone, when every
 * file is made.
 */
static void
sanitizer_root_at_exit(void)
{
	/* Nothing to do if it cannot: the check then says why. */
	if (seteuid(0) == 0 && setegid(0) == 0)
		return;
}
#endif

void
cam_cli_setup(const char *prog, void (*usage)(FILE *))
{
	cli_prog = prog;
	cli_usage = usage;
	/* A set-id program reads no catalogue its caller names: a
	 * translation is a format string. */
	struct cam_i18n_env env = {
		.language = getenv("LANGUAGE"),
		.lc_all = getenv("LC_ALL"),
		.lc_messages = getenv("LC_MESSAGES"),
		.lang = getenv("LANG"),
		.localedir = getauxval(AT_SECURE) ? NULL :
		    getenv("CAMKIT_LOCALEDIR"),
	};
	cam_i18n_init(&env);
#if defined(__SANITIZE_ADDRESS__)
	if (getuid() == 0 && geteuid() != 0)
		(void)atexit(sanitizer_root_at_exit);
#endif
}

const char *
cam_cli_prog(void)
{
	return cli_prog;
}

int
cam_cli_fail(const struct cam_err *e)
{
	const char *p = e->text[0] != '\0' ? e->text : e->msg;

	while (*p) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "%s: %.*s\n", cli_prog, (int)n, p);
		p += n + (p[n] == '\n');
	}
	return e->code ? e->code : CAM_ENV;
}

/* The synopsis and where to read more, after a usage error. */
static int
usage_hint(void)
{
	if (cli_usage != NULL)
		cli_usage(stderr);
	fprintf(stderr, _("Try '%s --help'."), cli_prog);
	fputc('\n', stderr);
	return CAM_USAGE;
}

/* "prog: message" on stderr, the message in the reader's language. */
static void vmsg(const char *, va_list) __attribute__((format(printf, 1, 0)));

static void
vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_prog);
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
}

int
cam_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return usage_hint();
}

void
cam_cli_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cam_cli_msgn(const char *one, const char *many, unsigned long n, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, n);
	/* Two formats, so no format attribute: the msgids' conversions
	 * are checked by xgettext's c-format flags and msgfmt -c. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vfprintf(stderr, dngettext(CAM_TEXTDOMAIN, one, many, n), ap);
#pragma GCC diagnostic pop
	va_end(ap);
	fputc('\n', stderr);
}

void
cam_cli_host(char *buf, size_t len)
{
	if (gethostname(buf, len) == -1)
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
	buf[strcspn(buf, ".")] = '\0';
}

int
cam_cli_json_only(int argc, char **argv, const char *verb, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cam_cli_usage_error("%s: bad option", verb);
		*json = 1;
	}
	if (optind != argc)
		return cam_cli_usage_error("%s: unexpected argument \"%s\"",
		    verb, argv[optind]);
	return 0;
}

/* ---- roles and the audit trail ---- */

static char cli_verb[64] = "?";
static char cli_root[PATH_MAX];
static char cli_confdir[PATH_MAX];
static struct cam_actor cli_actor;
static int cli_unrecorded;	/* a record could not be written */

void
cam_cli_verb(const char *verb)
{
	snprintf(cli_verb, sizeof(cli_verb), "%s", verb);
}

const char *
cam_cli_verb_name(void)
{
	return cli_verb;
}

const struct cam_actor *
cam_cli_actor(void)
{
	return &cli_actor;
}

/* "prog: verb: refused: why", why in the reader's language. */
static void
refused(const char *why)
{
	fprintf(stderr, "%s: %s: ", cli_prog, cli_verb);
	fprintf(stderr, _("refused: %s"), why);
	fputc('\n', stderr);
}

/* Acts done before their record is written: the trail must be known
 * writable first.  A read records only a refusal. */
static int
records_grant(int act)
{
	return act != CAM_ACT_CONFIG_READ && act != CAM_ACT_LOG_READ;
}

int
cam_cli_authorize(const struct cam_config *cfg, const char *confdir,
    int act)
{
	struct cam_err e;
	char why[512], text[512];
	int may;

	/* A set-id program works only on a site and data root that nobody
	 * but root and the service account can change (cam_setid.h). */
	if ((confdir != NULL && !cam_setid_trusted_dir(confdir, why,
	    sizeof(why))) || (cfg->root != NULL &&
	    !cam_setid_trusted_dir(cfg->root, why, sizeof(why)))) {
		refused(why);
		return CAM_NO;
	}
	/* A service (systemd, cron: no LANG) speaks the site's language. */
	cam_i18n_default(cfg->language);
	snprintf(cli_root, sizeof(cli_root), "%s", cfg->root ? cfg->root : "");
	snprintf(cli_confdir, sizeof(cli_confdir), "%s", confdir ? confdir :
	    "");
	cam_actor_self(&cli_actor, cfg->root, confdir);
	may = cam_policy_may(cfg, &cli_actor, (enum cam_action)act, why,
	    sizeof(why));
	if (may && records_grant(act)) {
		cam_err_clear(&e);
		if (cam_cli_audit_ready(&e) == -1) {
			refused(e.text);
			return CAM_ENV;
		}
	}
	if (may)
		return 0;
	cam_policy_why_text(cfg, &cli_actor, (enum cam_action)act, text,
	    sizeof(text));
	refused(text);
	if (cam_cli_audit(NULL, "refused", why, NULL) == -1)
		return CAM_ENV;
	return CAM_NO;
}

void
cam_cli_audit_root(const char *root, const char *confdir)
{
	snprintf(cli_root, sizeof(cli_root), "%s", root);
	snprintf(cli_confdir, sizeof(cli_confdir), "%s", confdir ? confdir :
	    "");
	cam_actor_self(&cli_actor, root, confdir);
}

int
cam_cli_audit_ready(struct cam_err *e)
{
	int rc = -1;

	if (cli_root[0] == '\0')
		return cam_errf(e, CAM_ENV, "no data root is known, so the "
		    "act cannot be recorded");
	if (cam_setid_raise(e) == 0) {
		rc = cam_trail_ready(cli_root, cam_setid_active() ||
		    cli_confdir[0] == '\0' ? NULL : cli_confdir, e);
		cam_setid_lower();
	}
	return rc;
}

/* The record's word for an outcome, as a person reads it. */
static const char *
outcome_text(const char *outcome)
{
	static const char *const words[][2] = {
		{ "granted", N_("granted") },
		{ "refused", N_("refused") },
		{ "failed", N_("failed") },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(outcome, words[i][0]) == 0)
			return _(words[i][1]);
	return outcome;
}

int
cam_cli_audit(const char *object, const char *outcome, const char *reason,
    const char *detail)
{
	struct cam_trail_rec r = { cli_prog, cli_verb, object, outcome,
	    reason, detail };
	struct cam_err e;
	int rc = -1;

	/* No site: the act (an archive verified offline, a request
	 * written) was done outside any site, with no trail to keep it. */
	if (cli_root[0] == '\0')
		return 0;
	cam_err_clear(&e);
	if (cam_setid_raise(&e) == 0) {
		/* The set-id helper itself never falls back to itself. */
		rc = cam_trail_append(cli_root, cam_setid_active() ||
		    cli_confdir[0] == '\0' ? NULL : cli_confdir, NULL,
		    &cli_actor, &r, &e);
		cam_setid_lower();
	}
	if (rc == -1) {
		fprintf(stderr, "%s: %s: ", cli_prog, cli_verb);
		fprintf(stderr, _("%s, yet not in the audit trail: %s"),
		    outcome_text(outcome), e.text);
		fputc('\n', stderr);
		cli_unrecorded = 1;
	}
	return rc;
}

int
cam_cli_audit_rc(const char *object, int rc, const struct cam_err *e,
    const char *detail)
{
	return cam_cli_audit(object, rc == 0 ? "granted" : e->code == CAM_NO ?
	    "refused" : "failed", rc == 0 ? NULL : e->msg, detail);
}

int
cam_cli_status(int rc)
{
	return cli_unrecorded && (rc == 0 || rc == CAM_NO) ? CAM_ENV : rc;
}

/*
 * What the library takes from the environment, read here, where a
 * program starts (after cam_setid_init: a set-id child's environment
 * is PATH alone): the library reads none itself.
 */
/*
 * Where the audit trail's set-id helper is: $CAMKIT_BINDIR, else this
 * program's own directory when a camlog set-user-id is there (the
 * programs are installed side by side: found, not compiled in, so that
 * "make install PREFIX=..." needs no rebuild), else the compiled-in
 * CAMKIT_BINDIR (NULL).
 */
static const char *
helper_dir(void)
{
	static char self[PATH_MAX];
	char path[PATH_MAX];
	struct cam_err e;
	struct stat st;
	const char *env = getenv("CAMKIT_BINDIR");

	if (env != NULL && *env != '\0')
		return env;
	cam_err_clear(&e);
	if (cam_account_bindir(self, sizeof(self), &e) == -1 ||
	    cam_path(path, sizeof(path), &e, "%s/%s", self,
	    CAM_TRAIL_HELPER) == -1 || stat(path, &st) == -1 ||
	    !(st.st_mode & S_ISUID))
		return NULL;
	return self;
}

static void
take_env(void)
{
	cam_time_home_zone(getenv("TZ"));
	/* In the environment it started with: cam_time puts TZ back, and
	 * nothing else in camkit changes it. */
	cam_trail_helper(helper_dir(), environ);
	cam_secret_set_credentials_dir(getenv("CREDENTIALS_DIRECTORY"));
}

static const struct cam_cli_help *cli_help;
static size_t cli_nhelp;

void
cam_cli_describe(const struct cam_cli_help *help, size_t n)
{
	cli_help = help;
	cli_nhelp = n;
}

static const char *
describe(const char *verb)
{
	for (size_t i = 0; i < cli_nhelp; i++)
		if (strcmp(cli_help[i].verb, verb) == 0)
			return _(cli_help[i].text);
	return NULL;
}

/* Does the synopsis line at w ("prog [-C dir] [-v] verb ...") name
 * word after the program's global options?  Then where it ends. */
static const char *
names(const char *w, const char *word)
{
	size_t n = strlen(word);

	w += strspn(w, " ");
	if (strncmp(w, word, n) != 0 || (w[n] != ' ' && w[n] != '\n' &&
	    w[n] != '\0'))
		return NULL;
	return w + n;
}

static const char *
after_globals(const char *w)
{
	w += strspn(w, " ");
	if (strncmp(w, "usage: ", 7) == 0)
		w += 7;
	if ((w = names(w, cli_prog)) == NULL)
		return NULL;
	/* [-C dir] [-v]: the options before the verb */
	for (w += strspn(w, " "); *w == '['; w += strspn(w, " ")) {
		const char *close = strchr(w, ']');
		if (close == NULL)
			return NULL;
		w = close + 1;
	}
	return w;
}

/*
 * Print (out not NULL) or count the synopsis lines of verb, with sub
 * ("camera add") when not NULL: a line that names them after the
 * global options, and the indented lines that go on with it.
 */
static int
synopsis_of(FILE *out, const char *syn, const char *verb, const char *sub)
{
	int printed = 0, keep = 0;

	for (const char *p = syn; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		const char *g = after_globals(p), *w;

		if (g != NULL) {
			w = names(g, verb);
			keep = w != NULL && (sub == NULL ||
			    names(w, sub) != NULL);
		}
		if (keep && out != NULL && g != NULL) {
			/* A synopsis: "usage:" first, the next aligned. */
			const char *line = p + strspn(p, " ");
			if (strncmp(line, "usage: ", 7) == 0)
				line += 7;
			fprintf(out, "%s%.*s\n", printed == 0 ? "usage: " :
			    "       ", (int)(n - (size_t)(line - p)), line);
		} else if (keep && out != NULL)
			fprintf(out, "%.*s\n", (int)n, p);
		printed += keep && g != NULL;
		p += n + (p[n] == '\n');
	}
	return printed;
}

/* PROG --help: the synopsis (syntax, never translated), what each verb
 * does and the manual. */
static void
help(void)
{
	cli_usage(stdout);
	if (cli_nhelp > 0)
		fputc('\n', stdout);
	for (size_t i = 0; i < cli_nhelp; i++)
		printf("  %-12s %s\n", cli_help[i].verb, _(cli_help[i].text));
	fputc('\n', stdout);
	printf(_("See %s(1)."), cli_prog);
	fputc('\n', stdout);
}

/* PROG VERB --help: that verb's synopsis, what it does, the manual. */
static int
verb_help(const char *verb, const char *sub)
{
	char *syn = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&syn, &len);
	const char *d;

	if (m == NULL)
		return CAM_ENV;
	cli_usage(m);
	if (fclose(m) != 0) {
		free(syn);
		return CAM_ENV;
	}
	/* "camera add --help": that sub-verb's lines if it has its own */
	if (sub != NULL && synopsis_of(NULL, syn, verb, sub) == 0)
		sub = NULL;
	(void)synopsis_of(stdout, syn, verb, sub);
	free(syn);
	if ((d = describe(verb)) != NULL)
		printf("\n%s\n", d);
	printf(_("See %s(1)."), cli_prog);
	fputc('\n', stdout);
	return 0;
}

static int
is_help(const char *a)
{
	return a != NULL && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0);
}

static int cli_flag;		/* a program's own global flag, or 0 */
static int *cli_flag_set;
static void (*cli_start)(void);

void
cam_cli_flag(int c, int *set)
{
	cli_flag = c;
	cli_flag_set = set;
}

void
cam_cli_start(void (*start)(void))
{
	cli_start = start;
}

int
cam_cli_run(int argc, char **argv, const struct cam_cli_verb *verbs,
    size_t n, const char **dir)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *opt_dir = NULL;
	char label[64], optstr[8] = "+C:h";
	int c, sub;

	if (cli_flag != 0)
		optstr[4] = (char)cli_flag;
	/* "+": stop at the verb; its own options are parsed by the verb. */
	while ((c = getopt_long(argc, argv, optstr, opts, NULL)) != -1)
		switch (c) {
		case 'C': opt_dir = optarg; break;
		case 'h': help(); return 0;
		case 'V': printf("%s %s\n", cli_prog, CAMKIT_VERSION); return 0;
		default:
			if (cli_flag != 0 && c == cli_flag) {
				*cli_flag_set = 1;
				break;
			}
			return usage_hint();
		}
	if (optind >= argc)
		return usage_hint();
	take_env();
	*dir = cam_site_dir(opt_dir, getenv("CAMKIT_DIR"));
	if (cli_start != NULL)
		cli_start();
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: 0 also resets its internal state */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[0], verbs[i].name) != 0)
			continue;
		/* "camctl camera --help", "camctl camera add --help": alone
		 * after the verb, else it is the verb's usage error. */
		if (argc == 2 && is_help(argv[1]))
			return verb_help(argv[0], NULL);
		if (verbs[i].sub && argc == 3 && argv[1][0] != '-' &&
		    is_help(argv[2]))
			return verb_help(argv[0], argv[1]);
		sub = verbs[i].sub && argc > 1 && (argv[1][0] != '-' ||
		    verbs[i].sub == CAM_CLI_SUB_ANY);
		snprintf(label, sizeof(label), "%s%s%s", argv[0],
		    sub ? " " : "", sub ? argv[1] : "");
		cam_cli_verb(label);
		return cam_cli_status(verbs[i].fn(argc, argv));
	}
	return cam_cli_usage_error("unknown verb \"%s\"", argv[0]);
}

/*
 * The set-id helper's verb (cam_trail.h): one record on standard input,
 * the actor taken from the real uid, appended with the service
 * account's rights.  --check: only say whether it could be.  The record
 * of a refused request (a forged actor) is itself appended.
 */
int
cam_cli_audit_record(int argc, char **argv, const char *confdir)
{
	struct cam_buf in = CAM_BUF_INIT;
	struct cam_trail_rec r;
	struct cam_site s;
	struct cam_err e;
	char why[512], *buf = NULL;
	int check = 0, rc;

	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		check = 1;
	else if (argc != 1)
		return cam_cli_usage_error("%s: takes no argument but --check",
		    argv[0]);
	cam_err_clear(&e);
	if (!cam_setid_trusted_dir(confdir, why, sizeof(why))) {
		refused(why);
		return CAM_NO;
	}
	if (cam_site_open(&s, confdir, &e) == -1)
		return cam_cli_fail(&e);
	snprintf(cli_root, sizeof(cli_root), "%s", s.cfg.root);
	cli_confdir[0] = '\0';	/* never through ourselves again */
	cam_actor_self(&cli_actor, s.cfg.root, confdir);
	if (check) {
		rc = cam_cli_audit_ready(&e) == 0 ? 0 : cam_cli_fail(&e);
		goto end;
	}
	if (cam_fd_read(STDIN_FILENO, "standard input", CAM_JOURNAL_LINE_MAX,
	    0, &in, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	buf = cam_xmalloc(in.len + 1);
	if (cam_trail_parse_request(cam_buf_str(&in), in.len, &r, buf,
	    in.len + 1, &e) == -1) {
		refused(e.text);
		rc = cam_cli_audit(NULL, "refused", e.msg, NULL) == 0 ? CAM_NO :
		    CAM_ENV;
		goto end;
	}
	cam_err_clear(&e);
	rc = -1;
	if (cam_setid_raise(&e) == 0) {
		rc = cam_trail_append(cli_root, NULL, NULL, &cli_actor, &r, &e);
		cam_setid_lower();
	}
	rc = rc == 0 ? 0 : cam_cli_fail(&e);
end:
	free(buf);
	cam_buf_free(&in);
	cam_site_close(&s);
	return rc;
}

/* A value of LANGUAGE that only names languages ("vi_VN:vi"): no path
 * into another catalogue. */
static int
language_ok(const char *l)
{
	return l != NULL && l[0] != '\0' && strlen(l) < 64 &&
	    strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.@:-") == strlen(l) && strstr(l, "..") == NULL;
}

int
cam_cli_setid(void)
{
	struct cam_err e;
	char language[64] = "";
	int status;

	/*
	 * The set-id child's environment is PATH alone (cam_setid.h), but
	 * its language is the caller's: LANGUAGE, which gettext reads at
	 * each message, holds it when the caller's locale is not
	 * generated here (cam_i18n_init), or when the caller set it.
	 */
	if (language_ok(getenv("LANGUAGE")))
		snprintf(language, sizeof(language), "%s", getenv("LANGUAGE"));
	cam_err_clear(&e);
	switch (cam_setid_init(&status, &e)) {
	case -1:
		return cam_cli_fail(&e);
	case CAM_SETID_PARENT:
		if (e.msg[0] != '\0')
			fprintf(stderr, "%s: %s\n", cam_cli_prog(),
			    e.text[0] != '\0' ? e.text : e.msg);
		_exit(status);
	}
	if (language[0] != '\0' && getenv("LANGUAGE") == NULL)
		(void)setenv("LANGUAGE", language, 1);
	return 0;
}
