/*
 * cam_cli: see cam_cli.h.
 */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <limits.h>

#include "cam_audit.h"
#include "cam_cli.h"
#include "cam_config.h"
#include "cam_priv.h"
#include "cam_site.h"

/* Set once by main, before anything can fail. */
static const char *cli_prog = "camkit";
static void (*cli_usage)(FILE *);

void
cam_cli_setup(const char *prog, void (*usage)(FILE *))
{
	cli_prog = prog;
	cli_usage = usage;
}

const char *
cam_cli_prog(void)
{
	return cli_prog;
}

int
cam_cli_fail(const struct cam_err *e)
{
	const char *p = e->msg;

	while (*p) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "%s: %.*s\n", cli_prog, (int)n, p);
		p += n + (p[n] == '\n');
	}
	return e->code ? e->code : CAM_ENV;
}

int
cam_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cli_usage != NULL)
		cli_usage(stderr);
	return CAM_USAGE;
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
static struct cam_actor cli_actor;

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

int
cam_cli_authorize(const struct cam_config *cfg, const char *confdir,
    int act)
{
	char why[512];

	snprintf(cli_root, sizeof(cli_root), "%s", cfg->root);
	cam_actor_self(&cli_actor, cfg->root, confdir);
	if (cam_policy_may(cfg, &cli_actor, (enum cam_action)act, why,
	    sizeof(why)))
		return 0;
	cam_cli_audit(NULL, "refused", why, NULL);
	fprintf(stderr, "%s: %s: refused: %s\n", cli_prog, cli_verb, why);
	return CAM_NO;
}

void
cam_cli_audit(const char *object, const char *outcome, const char *reason,
    const char *detail)
{
	struct cam_audit_rec r = { cli_prog, cli_verb, object, outcome,
	    reason, detail };
	struct cam_err e;
	int rc = -1;

	if (cli_root[0] == '\0')
		return;
	cam_err_clear(&e);
	if (cam_priv_raise(&e) == 0) {
		rc = cam_audit(cli_root, NULL, &cli_actor, &r, &e);
		cam_priv_lower();
	}
	if (rc == -1)
		fprintf(stderr, "%s: warning: not in the audit trail: %s\n",
		    cli_prog, e.msg);
}

void
cam_cli_audit_rc(const char *object, int rc, const struct cam_err *e,
    const char *detail)
{
	cam_cli_audit(object, rc == 0 ? "granted" : e->code == CAM_NO ?
	    "refused" : "failed", rc == 0 ? NULL : e->msg, detail);
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
	char label[64];
	int c, sub;

	/* "+": stop at the verb; its own options are parsed by the verb. */
	while ((c = getopt_long(argc, argv, "+C:h", opts, NULL)) != -1)
		switch (c) {
		case 'C': opt_dir = optarg; break;
		case 'h': cli_usage(stdout); return 0;
		case 'V': printf("%s %s\n", cli_prog, CAMKIT_VERSION); return 0;
		default: cli_usage(stderr); return CAM_USAGE;
		}
	if (optind >= argc) {
		cli_usage(stderr);
		return CAM_USAGE;
	}
	*dir = cam_site_dir(opt_dir);
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: 0 also resets its internal state */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[0], verbs[i].name) != 0)
			continue;
		sub = verbs[i].sub && argc > 1 && argv[1][0] != '-';
		snprintf(label, sizeof(label), "%s%s%s", argv[0],
		    sub ? " " : "", sub ? argv[1] : "");
		cam_cli_verb(label);
		return verbs[i].fn(argc, argv);
	}
	return cam_cli_usage_error("unknown verb \"%s\"", argv[0]);
}
