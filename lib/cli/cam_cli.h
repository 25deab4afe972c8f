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

#include "base/cam_err.h"
#include "site/cam_policy.h"

/* Name the program and its usage() once, at the top of main. */
void cam_cli_setup(const char *prog, void (*usage)(FILE *));
const char *cam_cli_prog(void);
/*
 * First thing in main of a set-id program, after cam_cli_setup: leave
 * the caller's process behind and carry on as the service account
 * alone (cam_setid_init, cam_setid.h).  Returns 0 in the program that
 * goes on (set-id or not), or the status main must return (the ids
 * could not be switched).  In the caller's process, which only waited
 * for the child, it prints why the child died, if it did, and _exits
 * with the child's status: no exit handler of that process may run (a
 * sanitizer build's could not trace it once its ids changed).
 */
int cam_cli_setid(void);
/* Print e; returns the exit status it calls for. */
int cam_cli_fail(const struct cam_err *e);
/* Print "prog: message", the synopsis and "Try 'prog --help'."
 * (translated); returns CAM_USAGE. */
int cam_cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "prog: message" on stderr, for a person: a note, a warning, what
 * was done.  fmt is a msgid, translated here (cam_i18n.h); msgn picks
 * one or many by n (ngettext), its arguments after n. */
void cam_cli_msg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void cam_cli_msgn(const char *one, const char *many, unsigned long n, ...)
    __attribute__((format(printf, 2, 4)));
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
 * verb and getopt reset.  *dir receives the configuration directory
 * (-C, else $CAMKIT_DIR, else /etc/camkit).  Before the verb it hands
 * the library what it takes from the environment, which the library
 * never reads itself: $TZ, $CAMKIT_BINDIR, $CREDENTIALS_DIRECTORY.
 * Returns the exit status.
 */
struct cam_cli_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	/* "camera add": name the sub-verb too (CAM_CLI_SUB), or whatever
	 * word follows, an option too (CAM_CLI_SUB_ANY: camrec hold) */
	int sub;
};
#define CAM_CLI_SUB	1
#define CAM_CLI_SUB_ANY	2
int cam_cli_run(int argc, char **argv, const struct cam_cli_verb *verbs,
    size_t n, const char **dir);
/*
 * Before cam_cli_run: a global flag of the program's own, given before
 * the verb (camrec -v), sets *set to 1; start, if not NULL, runs once
 * the global options are parsed, before the verb.
 */
void cam_cli_flag(int c, int *set);
/*
 * Before cam_cli_run: what each verb does, one line (N_(): translated
 * when shown), for --help ("prog --help": the synopsis, then a line per
 * verb, then the manual) and "prog VERB --help" (that verb's synopsis
 * lines, picked from usage()'s, its line and the manual).  A verb not
 * listed (an internal one) is not shown.
 */
struct cam_cli_help {
	const char *verb;
	const char *text;
};
void cam_cli_describe(const struct cam_cli_help *help, size_t n);
void cam_cli_start(void (*start)(void));

/*
 * Roles and the audit trail, alike in every program.  Name the verb
 * once ("camera add"); cam_cli_authorize asks cam_policy whether the
 * caller may do act under cfg (the configuration in force, from
 * confdir).  When it may not, it audits the refusal, prints
 * "prog: verb: refused: why" and returns CAM_NO (CAM_ENV when the
 * refusal could not be recorded).  When it may, and act is one whose
 * grant is recorded (every act but reading the configuration or the
 * logbook), the trail must be writable first: if it is not (no data
 * root, no right to write and no working set-id helper), the act is
 * refused with CAM_ENV and a message that says how to fix it; else 0.
 *
 * cam_cli_audit appends to the trail of the site last authorized
 * against (or the root named by cam_cli_audit_root; nothing when there
 * is none: an act outside any site, such as an archive verified
 * offline), with the set-id
 * rights if the program has them, else through the set-id helper when
 * this user may not write it (cam_trail.h).  A record that cannot be
 * written is printed as an error, returns -1 and makes cam_cli_status
 * (which cam_cli_run applies to every verb's status) turn a 0 or 1 into
 * CAM_ENV: an act never ends as if recorded when it was not.
 */
struct cam_config;
void cam_cli_verb(const char *verb);
const char *cam_cli_verb_name(void);
int cam_cli_authorize(const struct cam_config *cfg, const char *confdir,
    int act);
/* The caller as cam_cli_authorize saw it. */
const struct cam_actor *cam_cli_actor(void);
/* Record in root's trail from now on, as the caller, for the site at
 * confdir: for an act not authorized against a configuration (the
 * superuser repairing one that cannot be read). */
void cam_cli_audit_root(const char *root, const char *confdir);
/* Is the trail writable (cam_trail_ready)?  0, or -1 and why. */
int cam_cli_audit_ready(struct cam_err *e);
int cam_cli_audit(const char *object, const char *outcome,
    const char *reason, const char *detail);
/* "granted" for rc 0, else "refused" (CAM_NO) or "failed", with e's
 * message as the reason. */
int cam_cli_audit_rc(const char *object, int rc, const struct cam_err *e,
    const char *detail);
/* camlog's internal verb "audit-record" [--check] (cam_trail.h), run
 * set-id for callers who may not write the trail themselves. */
int cam_cli_audit_record(int argc, char **argv, const char *confdir);
/* rc, or CAM_ENV if a record of this run could not be written. */
int cam_cli_status(int rc);

#endif
