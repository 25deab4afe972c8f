/*
 * cam_policy: who may do what, from the configuration in force.
 *
 * The one place that answers "may user U do action A".  The role table
 * is REQUIREMENTS.md's; camkit.yaml(5) prints it.  Two accounts hold
 * rights without being listed:
 *   - the superuser holds the operator role (it can change any file
 *     anyway; refusing it would only push an administrator to edit by
 *     hand, outside the audit trail);
 *   - the service account, the owner of the data root, may record,
 *     seal and read (the recorder's units run as it);
 *   - while the site has no users at all (just made by camctl init),
 *     the owner of the configuration directory holds the operator role,
 *     so that it can add the first ones.
 * Everyone else must be listed under users: with a role that allows the
 * action.  Rights go by the account the program runs as: the real user
 * of the process (getuid, cam_setid_caller), never $USER or $LOGNAME,
 * so a set-user-id program still sees its caller, and root under sudo
 * is root.  What is recorded names the person: the kernel's login uid
 * (cam_setid_login), kept through sudo and su.
 */
#ifndef CAM_POLICY_H
#define CAM_POLICY_H

#include <stddef.h>
#include <sys/types.h>

#include "base/cam_err.h"
#include "site/cam_config.h"

enum cam_action {
	CAM_ACT_CONFIG_READ,	/* configuration, status, history */
	CAM_ACT_CONFIG_CHANGE,	/* cameras, users, commit, revert, units */
	CAM_ACT_RECORD,		/* record, recover, prune, verify footage */
	CAM_ACT_HOLD,		/* place and release evidence holds */
	CAM_ACT_SEAL,		/* seal journals */
	CAM_ACT_LOG_WRITE,	/* logbook entries and shifts */
	CAM_ACT_LOG_READ,	/* read and check the logbook */
	CAM_ACT_WATCH_LIVE,	/* watch cameras live (camview's wall) */
	CAM_ACT_VIEW,		/* view stored footage without a request */
	CAM_ACT_EXTRACT,	/* extract footage on a signed request */
	CAM_ACT_AUDIT,		/* read every log, verify every archive */
	CAM_ACT_SHIFT_TAKEOVER,	/* end a shift another user opened */
	CAM_ACT_COUNT
};

/*
 * Who acts.  uid is the account the program runs as (the real user), on
 * which every right is decided; name is the person recorded: the login
 * uid's name, else (no login uid: a service, cron) the real user's.
 * as is the real user's name, set by cam_actor_self only: an actor made
 * by hand (camview's, a login's account) leaves it "" and is one
 * account, uid and name, with no login uid.
 */
struct cam_actor {
	uid_t	uid;		/* real user: rights */
	char	name[64];	/* the person, or "uid-N" if it has no name */
	int	superuser;
	int	service;	/* owns the data root */
	int	owner;		/* owns the configuration directory */
	uid_t	login_uid;	/* the person's uid, (uid_t)-1 if none */
	char	as[64];		/* the real user's name ("uid-N") */
	int	no_login;	/* no login uid: name is the real user's */
};

/* The uid of a's person: the login uid, else the real one. */
uid_t cam_actor_person(const struct cam_actor *a);
/* Does a run as another account than its person's (root under sudo)?
 * Then records name both. */
int cam_actor_differs(const struct cam_actor *a);

/*
 * a's members into the JSON object being written to b: key (the
 * person's name: "actor", "author"), "uid" (the person's), and "as",
 * "as_uid" when it ran as another account, "login":false when no login
 * uid was set.  The one way records name who acted (camkit-journal(5)).
 */
struct cam_buf;
void cam_actor_json(struct cam_buf *b, const char *key,
    const struct cam_actor *a);

/* This process's actor; root is the data root (for the service
 * account), confdir the configuration directory; either may be NULL if
 * not known. */
void cam_actor_self(struct cam_actor *a, const char *root,
    const char *confdir);

/* "config-change", ... */
const char *cam_action_name(enum cam_action act);
/* The roles that allow act, as a bit mask of enum cam_role. */
unsigned cam_action_roles(enum cam_action act);

/*
 * May a do act under cfg?  Returns 1 or 0; when 0, why says so in words
 * a user understands ("alice holds no role that may write the logbook
 * (guard, operator)").
 */
int cam_policy_may(const struct cam_config *cfg, const struct cam_actor *a,
    enum cam_action act, char *why, size_t len);
/* The same why in the reader's language (cam_i18n.h), to be printed
 * where the English one is recorded. */
void cam_policy_why_text(const struct cam_config *cfg,
    const struct cam_actor *a, enum cam_action act, char *text, size_t len);

/*
 * May the account named name (a login, camview's: not this process's
 * user) do act?  Only the roles camkit.yaml's users: gives it count:
 * the superuser, the service account and a site's owner hold nothing
 * here by being who they are.  1, or 0 with why as cam_policy_may.
 */
int cam_policy_may_account(const struct cam_config *cfg, const char *name,
    enum cam_action act, char *why, size_t len);

#endif
