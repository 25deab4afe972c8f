/*
 * viewfix: the library of camview's rights, driven from the shell tests
 * (t94-view-rights.sh) where camview's own verbs are not needed.
 *
 *   viewfix DIR grant REQUEST [SIG...]	cam_grant_add; prints the grant
 *   viewfix DIR grants			cam_grant_list, one line each
 *   viewfix DIR may-live ACCOUNT CAMERA	cam_view_may_live: prints
 *					"granted" or the why
 *   viewfix DIR may-play ACCOUNT CAMERA FROM TO
 *					cam_view_may_play at now: prints
 *					"granted REQUEST|- FROM TO" or the why
 *   viewfix DIR report ACCOUNT CAMERA KIND NOTE
 *					cam_view_report at now, 120 s before,
 *					300 s after: prints "SEQ HOLD"
 *   viewfix DIR trail ACCOUNT VERB OBJECT OUTCOME REASON|- DETAIL|-
 *					one record of program camview
 *   viewfix DIR time N ACCOUNT CAMERA FROM TO
 *					N times cam_grant_list and
 *					cam_view_may_play: microseconds each
 *
 * Times are RFC 3339.  Exit status: 0, 1 refused (the message on
 * standard error), 3 anything else.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cam_time.h"
#include "evidence/cam_grant.h"
#include "journal/cam_trail.h"
#include "site/cam_policy.h"
#include "site/cam_site.h"
#include "view/cam_view_rights.h"

#define US	INT64_C(1000000)

static int
fail(const struct cam_err *e)
{
	fprintf(stderr, "viewfix: %s\n", e->msg);
	return e->code == CAM_NO ? 1 : 3;
}

static void
print_grant(const struct cam_grant *g)
{
	char a[64], b[64], x[64];

	cam_time_format_utc((time_t)(g->from_us / US), a, sizeof(a));
	cam_time_format_utc((time_t)(g->to_us / US), b, sizeof(b));
	cam_time_format_utc((time_t)(g->expires_us / US), x, sizeof(x));
	printf("%s\t%s\t", g->id, g->account);
	for (size_t i = 0; i < g->ncameras; i++)
		printf("%s%s", i ? "," : "", g->cameras[i]);
	printf("\t%s\t%s\t%s\n", a, b, x);
}

static int
when(const char *s, int64_t *us)
{
	struct cam_err e;
	time_t t;

	if (cam_time_parse(s, NULL, &t, &e) == -1) {
		fprintf(stderr, "viewfix: %s\n", e.msg);
		return -1;
	}
	*us = (int64_t)t * US;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cam_site s;
	struct cam_err e;
	int64_t now = (int64_t)time(NULL) * US;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: viewfix DIR VERB ARGS...\n");
		return 2;
	}
	cam_err_clear(&e);
	if (cam_site_open(&s, argv[1], &e) == -1)
		return fail(&e);
	const char *verb = argv[2], *root = s.cfg.root;
	if (strcmp(verb, "grant") == 0 && argc >= 4) {
		struct cam_grant g;
		if (cam_grant_add(&s.cfg, argv[1], root, "testhost", argv[3],
		    (const char *const *)argv + 4, (size_t)(argc - 4), now, &g,
		    &e) == -1)
			rc = fail(&e);
		else {
			print_grant(&g);
			for (size_t i = 0; i < g.ncameras; i++)
				free(g.cameras[i]);
			free(g.cameras);
		}
	} else if (strcmp(verb, "grants") == 0) {
		struct cam_grants gs;
		if (cam_grant_list(root, &gs, &e) == -1)
			rc = fail(&e);
		else
			for (size_t i = 0; i < gs.n; i++)
				print_grant(&gs.v[i]);
		cam_grants_free(&gs);
	} else if (strcmp(verb, "may-live") == 0 && argc == 5) {
		char why[512];
		if (cam_view_may_live(&s.cfg, argv[3], argv[4], why,
		    sizeof(why)))
			printf("granted\n");
		else {
			printf("%s\n", why);
			rc = 1;
		}
	} else if (strcmp(verb, "may-play") == 0 && argc == 7) {
		struct cam_grants gs;
		struct cam_view_right r;
		int64_t from, to;
		char why[512], a[64], b[64];
		if (when(argv[5], &from) == -1 || when(argv[6], &to) == -1)
			rc = 2;
		else if (cam_grant_list(root, &gs, &e) == -1)
			rc = fail(&e);
		else {
			if (cam_view_may_play(&s.cfg, &gs, argv[3], argv[4],
			    from, to, now, &r, why, sizeof(why))) {
				cam_time_format_utc((time_t)(r.from_us / US),
				    a, sizeof(a));
				cam_time_format_utc((time_t)(r.to_us / US), b,
				    sizeof(b));
				printf("granted %s %s %s\n", r.request[0] ?
				    r.request : "-", a, b);
			} else {
				printf("%s\n", why);
				rc = 1;
			}
			cam_grants_free(&gs);
		}
	} else if (strcmp(verb, "time") == 0 && argc == 8) {
		struct cam_grants gs;
		struct cam_view_right r;
		struct timespec t0, t1;
		int64_t from, to, list_ns = 0, may_ns = 0;
		int n = atoi(argv[3]), ok = 0;
		char why[512];
		if (n <= 0 || when(argv[6], &from) == -1 ||
		    when(argv[7], &to) == -1)
			rc = 2;
		for (int i = 0; rc == 0 && i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (cam_grant_list(root, &gs, &e) == -1) {
				rc = fail(&e);
				break;
			}
			clock_gettime(CLOCK_MONOTONIC, &t1);
			list_ns += (t1.tv_sec - t0.tv_sec) * 1000000000LL +
			    (t1.tv_nsec - t0.tv_nsec);
			ok += cam_view_may_play(&s.cfg, &gs, argv[4], argv[5],
			    from, to, now, &r, why, sizeof(why));
			clock_gettime(CLOCK_MONOTONIC, &t0);
			may_ns += (t0.tv_sec - t1.tv_sec) * 1000000000LL +
			    (t0.tv_nsec - t1.tv_nsec);
			if (i == 0)
				printf("grants\t%zu\n", gs.n);
			cam_grants_free(&gs);
		}
		if (rc == 0)
			printf("list_us\t%.1f\nmay_play_us\t%.2f\ngranted\t%d/%d\n",
			    list_ns / 1000.0 / n, may_ns / 1000.0 / n, ok, n);
	} else if (strcmp(verb, "report") == 0 && argc == 7) {
		uint64_t seq;
		char hold[32];
		if (cam_view_report(&s.cfg, argv[1], root, "testhost",
		    argv[3], argv[4], argv[5], argv[6], now, 120, 300, &seq,
		    hold, sizeof(hold), &e) == -1)
			rc = fail(&e);
		else
			printf("%llu %s\n", (unsigned long long)seq, hold);
	} else if (strcmp(verb, "trail") == 0 && argc == 9) {
		struct cam_actor a;
		struct passwd *pw = getpwnam(argv[3]);
		struct cam_trail_rec t = { "camview", argv[4], argv[5],
		    argv[6], strcmp(argv[7], "-") ? argv[7] : NULL,
		    strcmp(argv[8], "-") ? argv[8] : NULL };
		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "%s", argv[3]);
		a.uid = pw != NULL ? pw->pw_uid : (uid_t)-1;
		if (cam_trail_append(root, NULL, "testhost", &a, &t, &e) == -1)
			rc = fail(&e);
	} else {
		fprintf(stderr, "viewfix: bad verb or arguments\n");
		rc = 2;
	}
	cam_site_close(&s);
	return rc;
}
