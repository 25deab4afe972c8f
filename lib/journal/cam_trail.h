/*
 * cam_trail: the audit trail, a journal (camkit-journal(5)) of who did
 * what, appended to (cam_trail.c) and read (cam_trail_read.c) here:
 * <root>/audit.journal, one record of KIND "audit" per action granted,
 * refused or failed, with DATA
 *	{"actor":"alice","uid":1001,"program":"camctl","verb":"camera add",
 *	 "object":"gate","outcome":"granted","reason":"..."}
 * plus, for some verbs, a "detail" object (prune counts and windows).
 * actor and uid are the person: the kernel's login uid and its name
 * (cam_setid_login, kept through sudo and su).  When the program ran as
 * another account (root under sudo, su), "as" and "as_uid" name that
 * one:
 *	{"actor":"alice","uid":1001,"as":"root","as_uid":0,...}
 * When no login uid was set (a system service, cron), actor and uid are
 * the real user's and "login":false says so.  Records written before
 * have neither: their actor is the real user.  camview's records name
 * the account that logged in to it, with neither member.
 * Outcomes: "granted" (allowed and done), "refused" (the policy or a
 * check said no), "failed" (allowed, but it did not work).
 *
 * An act that cannot be recorded is not done: a data root that does
 * not exist yet, or a trail this process may not write, is an error
 * (CAM_ENV) that says how to fix it.  A caller who may not write the
 * data root (a guard, an auditor) reaches the trail through the set-id
 * helper: camlog's internal verb "audit-record", run from the compiled-in
 * CAMKIT_BINDIR (the program's $CAMKIT_BINDIR, handed over with
 * cam_trail_helper, wins: the helper runs with the caller's rights
 * unless it is set-id, so nothing is gained by pointing it elsewhere).
 * The helper reads the record on standard input, as JSON with the
 * members program, verb, object, outcome, reason and detail (a string
 * holding a JSON object), and writes the actor, uid, as, as_uid and
 * login itself from its real uid and login uid: a record that names
 * any of them is refused.
 */
#ifndef CAM_TRAIL_H
#define CAM_TRAIL_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"
#include "site/cam_policy.h"

#define CAM_TRAIL_FILE		"audit.journal"
#define CAM_TRAIL_HELPER	"camlog"
#define CAM_TRAIL_HELPER_VERB	"audit-record"

struct cam_buf;

struct cam_trail_rec {
	const char	*program;	/* "camctl" */
	const char	*verb;		/* "camera add" */
	const char	*object;	/* "gate", or NULL */
	const char	*outcome;	/* "granted", "refused", "failed" */
	const char	*reason;	/* why, or NULL */
	const char	*detail;	/* a JSON object, or NULL */
};

/* The longest object kept whole; a longer one (a caller's argument) is
 * cut and ends in "...".  Strings that are not UTF-8 are escaped
 * (cam_json.h): a record is never refused for its caller's text. */
#define CAM_TRAIL_OBJECT_MAX	1024

/* What the helper runs with, from the program: where it is, if not the
 * compiled-in CAMKIT_BINDIR (bindir NULL or "": that one), the
 * program's $CAMKIT_BINDIR; and its environment, env (copied; NULL:
 * none), the program's own as it started. */
void cam_trail_helper(const char *bindir, char *const *env);

/*
 * Can this process append to root's audit trail, itself or (confdir
 * not NULL) through the set-id helper for the site at confdir?  Called
 * before an act whose effect comes before its record.  Returns 0, or -1
 * with CAM_ENV and a message that says how to fix it.
 */
int cam_trail_ready(const char *root, const char *confdir,
    struct cam_err *e);

/*
 * Append r, by a, to root's audit trail; host NULL: this machine.
 * When this process may not write the trail and confdir is not NULL,
 * the record goes through the set-id helper (which names the actor
 * itself).  Returns 0, or -1 (CAM_ENV: a missing data root, no right
 * to write, a broken trail).
 */
int cam_trail_append(const char *root, const char *confdir, const char *host,
    const struct cam_actor *a, const struct cam_trail_rec *r,
    struct cam_err *e);

/*
 * The helper's side: in, one record as the helper reads it (the JSON
 * above), into r, its strings in buf (of len bytes, shared).  Returns
 * 0, or -1 with CAM_NO and why it is refused: not one JSON object, a
 * member "actor", "uid", "as", "as_uid" or "login" (a caller may not
 * name who acted), a program
 * that is not camkit's, an unknown outcome, a detail that is not an
 * object, text that is not clean UTF-8.
 */
int cam_trail_parse_request(const char *in, size_t inlen,
    struct cam_trail_rec *r, char *buf, size_t len, struct cam_err *e);

/*
 * Reading the trail: the footage handed out and every refusal, as
 * camaudit access lists them, and the configuration commits camctl
 * recorded there.
 */

/* Extractions, views (every record of camview: live, play, login,
 * logout, report, grant) and refusals of root's trail from since on:
 * one TAB-
 * separated line each into out (time in zone, host, actor (the person,
 * "alice (as root)" when the record names the account it ran as),
 * program and verb, object, outcome, reason), or with json one object
 * each (the record whole, as and as_uid and login too), the
 * objects joined as an array's members.  A trail that does not exist
 * lists nothing; -1 when it is broken (a finding: e says where). */
int cam_trail_access(const char *root, const char *zone, time_t since,
    int json, struct cam_buf *out, struct cam_err *e);

/* A configuration commit camctl made, as the trail recorded it. */
struct cam_trail_commit {
	char id[41];
	uint64_t seq;
	time_t time;
	char actor[64];
};

struct cam_trail_commits {
	struct cam_trail_commit *v;
	size_t n;
	time_t start;		/* first record of the trail, 0: none */
};

/* The commits of root's trail into tc (zeroed by the caller; what was
 * read before a break stays).  -1 when the trail is broken. */
int cam_trail_commits(const char *root, struct cam_trail_commits *tc,
    struct cam_err *e);
const struct cam_trail_commit *cam_trail_find(
    const struct cam_trail_commits *tc, const char *id);
void cam_trail_commits_free(struct cam_trail_commits *tc);

#endif
