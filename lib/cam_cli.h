/*
 * cam_cli: what every program's main does alike: messages on stderr as
 * "prog: what: why" (one prefix per line of a multi-line cam_err), usage
 * errors that print the synopsis, and the name of this host.  The
 * programs still decide when to exit.
 */
#ifndef CAM_CLI_H
#define CAM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "cam_err.h"
#include "cam_policy.h"

/* Name the program and its usage() once, at the top of main. */
void cam_cli_setup(const char *prog, void (*usage)(FILE *));
const char *cam_cli_prog(void);
/* Print e; returns the exit status it calls for. */
int cam_cli_fail(const struct cam_err *e);
/* Print "prog: message" and the synopsis; returns CAM_USAGE. */
int cam_cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* This host as camkit.yaml names hosts: gethostname up to the first
 * dot. */
void cam_cli_host(char *buf, size_t len);
/* A verb whose only option is --json: parse it (getopt state reset by
 * the caller); returns 0, or the usage error's status. */
int cam_cli_json_only(int argc, char **argv, const char *verb, int *json);

/*
 * What every main does: -C dir, -h/--help, --version, then the verb
 * named by the first argument (its label "verb sub" when the verb has
 * sub-verbs, for messages and the audit trail), run with argv[0] the
 * verb and getopt reset.  *dir receives the configuration directory.
 * Returns the exit status.
 */
struct cam_cli_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	int sub;		/* "camera add": name the sub-verb too */
};
int cam_cli_run(int argc, char **argv, const struct cam_cli_verb *verbs,
    size_t n, const char **dir);

/*
 * Roles and the audit trail, alike in every program.  Name the verb
 * once ("camera add"); cam_cli_authorize asks cam_policy whether the
 * caller may do act under cfg (the configuration in force, from
 * confdir) and, when it
 * may not, audits the refusal, prints "prog: verb: refused: why" and
 * returns CAM_NO (0 when it may).  cam_cli_audit appends to the trail
 * of the site last authorized against (nothing before that), with the
 * set-id rights if the program has them; a failure is printed as a
 * warning and changes nothing else.
 */
struct cam_config;
void cam_cli_verb(const char *verb);
const char *cam_cli_verb_name(void);
int cam_cli_authorize(const struct cam_config *cfg, const char *confdir,
    int act);
/* The caller as cam_cli_authorize saw it. */
const struct cam_actor *cam_cli_actor(void);
void cam_cli_audit(const char *object, const char *outcome,
    const char *reason, const char *detail);
/* "granted" for rc 0, else "refused" (CAM_NO) or "failed", with e's
 * message as the reason. */
void cam_cli_audit_rc(const char *object, int rc, const struct cam_err *e,
    const char *detail);

#endif
