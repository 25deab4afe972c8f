/*
 * cam_policy_may: who may end a shift another user opened (camlog
 * shift end): an operator or the superuser; not a guard, not the
 * service account, not the owner of a site with no users yet.
 */
#include <string.h>

#include "site/cam_config.h"
#include "site/cam_policy.h"
#include "unit.h"

static int
may(const struct cam_config *cfg, const char *name, int superuser,
    int service, int owner, enum cam_action act)
{
	struct cam_actor a;
	char why[256];

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.superuser = superuser;
	a.service = service;
	a.owner = owner;
	return cam_policy_may(cfg, &a, act, why, sizeof(why));
}

int
main(void)
{
	struct cam_user users[] = {
		{ (char *)"op", CAM_ROLE_OPERATOR },
		{ (char *)"guard", CAM_ROLE_GUARD },
	};
	struct cam_config cfg, empty;
	const enum cam_action take = CAM_ACT_SHIFT_TAKEOVER;

	memset(&cfg, 0, sizeof(cfg));
	memset(&empty, 0, sizeof(empty));
	cfg.users = users;
	cfg.nusers = 2;
	CHECK(may(&cfg, "op", 0, 0, 0, take) == 1,
	    "an operator may end another's shift");
	CHECK(may(&cfg, "guard", 0, 0, 0, take) == 0,
	    "a guard may not end another's shift");
	CHECK(may(&cfg, "root", 1, 0, 0, take) == 1,
	    "the superuser may end another's shift");
	CHECK(may(&cfg, "camkit", 0, 1, 0, take) == 0,
	    "the service account may not end another's shift");
	CHECK(may(&empty, "admin", 0, 0, 1, take) == 0,
	    "the owner of a site with no users may not end another's shift");
	CHECK(may(&empty, "admin", 0, 0, 1, CAM_ACT_LOG_WRITE) == 1,
	    "the owner of a site with no users may write the logbook");
	CHECK(may(&cfg, "guard", 0, 0, 0, CAM_ACT_LOG_WRITE) == 1,
	    "a guard may write the logbook");
	CHECK(strcmp(cam_action_name(take), "shift-takeover") == 0,
	    "the action's name");
	return UNIT_END();
}
