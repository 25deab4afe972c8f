/*
 * cam_policy: the role table and the one answer to "may U do A".
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_setid.h"
#include "site/cam_policy.h"

static const struct {
	const char	*name;
	const char	*what;		/* "may not <what>" */
	unsigned	 roles;
	int		 service;	/* the service account may */
	/* Not the owner's of a site with no users: an act on another
	 * user's work, not the setting up of a site. */
	int		 not_owner;
} table[CAM_ACT_COUNT] = {
	[CAM_ACT_CONFIG_READ] = { "config-read", N_("read the configuration"),
	    CAM_ROLE_DIRECTOR | CAM_ROLE_CHIEF | CAM_ROLE_OPERATOR |
	    CAM_ROLE_GUARD | CAM_ROLE_DEPARTMENT | CAM_ROLE_UNIT_HEAD |
	    CAM_ROLE_AUDITOR, 1 },
	[CAM_ACT_CONFIG_CHANGE] = { "config-change",
	    N_("change the configuration"), CAM_ROLE_OPERATOR, 0 },
	[CAM_ACT_RECORD] = { "record", N_("record, prune or recover footage"),
	    CAM_ROLE_OPERATOR, 1 },
	[CAM_ACT_HOLD] = { "hold", N_("place or release evidence holds"),
	    CAM_ROLE_OPERATOR, 0 },
	[CAM_ACT_SEAL] = { "seal", N_("seal journals"), CAM_ROLE_OPERATOR, 1 },
	[CAM_ACT_LOG_WRITE] = { "log-write", N_("write the logbook"),
	    CAM_ROLE_GUARD | CAM_ROLE_OPERATOR, 0 },
	[CAM_ACT_LOG_READ] = { "log-read", N_("read the logbook"),
	    CAM_ROLE_GUARD | CAM_ROLE_OPERATOR | CAM_ROLE_CHIEF |
	    CAM_ROLE_DIRECTOR | CAM_ROLE_AUDITOR, 1 },
	[CAM_ACT_WATCH_LIVE] = { "watch-live", N_("watch cameras live"),
	    CAM_ROLE_GUARD | CAM_ROLE_OPERATOR | CAM_ROLE_CHIEF |
	    CAM_ROLE_DIRECTOR, 0 },
	[CAM_ACT_VIEW] = { "view", N_("view stored footage"),
	    CAM_ROLE_CHIEF | CAM_ROLE_DIRECTOR, 0 },
	[CAM_ACT_EXTRACT] = { "extract", N_("extract footage"),
	    CAM_ROLE_OPERATOR, 0 },
	[CAM_ACT_AUDIT] = { "audit", N_("read the audit trail and verify"),
	    CAM_ROLE_AUDITOR | CAM_ROLE_OPERATOR | CAM_ROLE_DIRECTOR, 1 },
	[CAM_ACT_SHIFT_TAKEOVER] = { "shift-takeover",
	    N_("end a shift another user opened"), CAM_ROLE_OPERATOR, 0, 1 },
};

static void
name_of(uid_t uid, char *name, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL && strlen(pw->pw_name) < len)
		snprintf(name, len, "%s", pw->pw_name);
	else
		snprintf(name, len, "uid-%lu", (unsigned long)uid);
}

void
cam_actor_self(struct cam_actor *a, const char *root, const char *confdir)
{
	struct stat st;

	memset(a, 0, sizeof(*a));
	a->uid = cam_setid_caller();	/* not getuid(): see cam_setid.h */
	name_of(a->uid, a->as, sizeof(a->as));
	a->login_uid = cam_setid_login();
	a->no_login = a->login_uid == (uid_t)-1;
	if (a->no_login)
		snprintf(a->name, sizeof(a->name), "%s", a->as);
	else
		name_of(a->login_uid, a->name, sizeof(a->name));
	a->superuser = a->uid == 0;
	a->service = !a->superuser && root != NULL && stat(root, &st) == 0 &&
	    st.st_uid == a->uid;
	a->owner = confdir != NULL && stat(confdir, &st) == 0 &&
	    st.st_uid == a->uid;
}

uid_t
cam_actor_person(const struct cam_actor *a)
{
	if (a->as[0] == '\0' || a->login_uid == (uid_t)-1)
		return a->uid;
	return a->login_uid;
}

int
cam_actor_differs(const struct cam_actor *a)
{
	return a->as[0] != '\0' && a->login_uid != (uid_t)-1 &&
	    a->login_uid != a->uid;
}

void
cam_actor_json(struct cam_buf *b, const char *key, const struct cam_actor *a)
{
	cam_json_add_str(b, key, a->name);
	cam_json_add_uint(b, "uid", cam_actor_person(a));
	if (cam_actor_differs(a)) {
		cam_json_add_str(b, "as", a->as);
		cam_json_add_uint(b, "as_uid", a->uid);
	}
	if (a->as[0] != '\0' && a->no_login)
		cam_json_add_bool(b, "login", 0);
}

const char *
cam_action_name(enum cam_action act)
{
	return (unsigned)act < CAM_ACT_COUNT ? table[act].name : "?";
}

unsigned
cam_action_roles(enum cam_action act)
{
	return (unsigned)act < CAM_ACT_COUNT ? table[act].roles : 0;
}

static void
role_list(unsigned roles, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= CAM_ROLE_AUDITOR; bit <<= 1) {
		if (!(roles & bit) || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", cam_role_name(bit));
	}
}

/* Why u may not do act, in English (en) or the reader's language. */
static void
refusal(const struct cam_config *cfg, const char *who, enum cam_action act,
    int text, char *why, size_t len)
{
	const struct cam_user *u;
	const char *what;
	char roles[128];

	if ((unsigned)act >= CAM_ACT_COUNT) {
		snprintf(why, len, "%s", text ? _("unknown action") :
		    "unknown action");
		return;
	}
	u = cfg != NULL ? cam_config_user(cfg, who) : NULL;
	what = text ? _(table[act].what) : table[act].what;
	role_list(table[act].roles, roles, sizeof(roles));
	/* The same sentences as cam_policy_may's, translated. */
	if (u == NULL)
		snprintf(why, len, text ? _("%s is not a user of this site "
		    "and may not %s (roles that may: %s)") : "%s is not a "
		    "user of this site and may not %s (roles that may: %s)",
		    who, what, roles);
	else
		snprintf(why, len, text ? _("%s holds no role that may %s "
		    "(roles that may: %s)") : "%s holds no role that may %s "
		    "(roles that may: %s)", who, what, roles);
}

int
cam_policy_may(const struct cam_config *cfg, const struct cam_actor *a,
    enum cam_action act, char *why, size_t len)
{
	const struct cam_user *u;
	/* Rights are the account's the program runs as, not the person's
	 * behind it: root under sudo is root. */
	const char *who = a->as[0] != '\0' ? a->as : a->name;

	if ((unsigned)act >= CAM_ACT_COUNT) {
		refusal(cfg, who, act, 0, why, len);
		return 0;
	}
	if (a->superuser && (table[act].roles & CAM_ROLE_OPERATOR))
		return 1;
	if (a->service && table[act].service)
		return 1;
	if (a->owner && !table[act].not_owner && cfg != NULL &&
	    cfg->nusers == 0 && (table[act].roles & CAM_ROLE_OPERATOR))
		return 1;
	u = cfg != NULL ? cam_config_user(cfg, who) : NULL;
	if (u != NULL && (u->roles & table[act].roles))
		return 1;
	refusal(cfg, who, act, 0, why, len);
	return 0;
}

void
cam_policy_why_text(const struct cam_config *cfg, const struct cam_actor *a,
    enum cam_action act, char *text, size_t len)
{
	refusal(cfg, a->as[0] != '\0' ? a->as : a->name, act, 1, text, len);
}

int
cam_policy_may_account(const struct cam_config *cfg, const char *name,
    enum cam_action act, char *why, size_t len)
{
	struct cam_actor a;

	memset(&a, 0, sizeof(a));
	a.uid = (uid_t)-1;
	a.login_uid = (uid_t)-1;
	if (name == NULL || strlen(name) >= sizeof(a.name)) {
		snprintf(why, len, "no such account");
		return 0;
	}
	snprintf(a.name, sizeof(a.name), "%s", name);
	return cam_policy_may(cfg, &a, act, why, len);
}
