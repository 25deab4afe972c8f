/*
 * cam_audit_config_delta: what a configuration commit changed, said in
 * the configuration's own terms.  Part of cam_audit_config (see
 * cam_audit_config.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/cam_audit_config.h"
#include "base/cam_i18n.h"
#include "base/cam_util.h"
#include "site/cam_config.h"
#include "site/cam_policy.h"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* One phrase more in out, "; " between: fmt is a msgid, in the
 * reader's language if tr, else in English (--json). */
static void __attribute__((format(printf, 3, 4)))
delta_say(struct cam_buf *out, int tr, const char *fmt, ...)
{
	char phrase[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(phrase, sizeof(phrase), tr ? _(fmt) : fmt, ap);
	va_end(ap);
	if (out->len)
		cam_buf_adds(out, "; ");
	cam_buf_adds(out, phrase);
}

/* A word of a phrase: translated if tr. */
static const char *
delta_word(int tr, const char *msgid)
{
	return tr ? _(msgid) : msgid;
}

static void
roles_text(unsigned roles, int tr, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit != 0 && bit <= roles; bit <<= 1)
		if ((roles & bit) && cam_role_name(bit) != NULL)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
			    "%s%s", n ? "," : "", cam_role_name(bit));
	if (n == 0)
		snprintf(buf, len, "%s", delta_word(tr, N_("none")));
}

/* The same files in the same order, and (units given) each the head of
 * the same unit (NULL: the list form, the certificate's OU)? */
static int
paths_same(const struct cam_paths *a, const struct cam_paths *b,
    char *const *ua, char *const *ub)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->path[i], b->path[i]) != 0 ||
		    (ua != NULL && ub != NULL && !same(ua[i], ub[i])) ||
		    ((ua == NULL) != (ub == NULL) && a->n > 0))
			return 0;
	return 1;
}

/* What a commit changed, said in the configuration's own terms: one
 * phrase per change into out ("camera gate added", "retention_days 30
 * -> 60"). */
static void
config_delta(const struct cam_config *a, const struct cam_config *b,
    int tr, struct cam_buf *out)
{
	char ra[256], rb[256];

	if (!same(a->site_name, b->site_name))
		delta_say(out, tr, "site name \"%s\" -> \"%s\"", a->site_name,
		    b->site_name);
	if (!same(a->timezone, b->timezone))
		delta_say(out, tr, "timezone %s -> %s", a->timezone,
		    b->timezone);
	if (!same(a->host, b->host))
		delta_say(out, tr, "host %s -> %s", a->host, b->host);
	if (!same(a->root, b->root))
		delta_say(out, tr, "storage root %s -> %s", a->root, b->root);
	if (a->retention_days != b->retention_days)
		delta_say(out, tr, "retention_days %d -> %d", a->retention_days,
		    b->retention_days);
	if (a->max_bytes != b->max_bytes || a->max_percent != b->max_percent)
		delta_say(out, tr, "max_usage changed");
	if (a->unit_head_signature != b->unit_head_signature)
		delta_say(out, tr, "unit_head_signature %s -> %s",
		    a->unit_head_signature ? "true" : "false",
		    b->unit_head_signature ? "true" : "false");
	for (size_t i = 0; i < a->ncameras; i++)
		if (cam_config_camera(b, a->cameras[i].id) == NULL)
			delta_say(out, tr, "camera %s removed",
			    a->cameras[i].id);
	for (size_t i = 0; i < b->ncameras; i++) {
		const struct cam_camera *y = &b->cameras[i];
		const struct cam_camera *x = cam_config_camera(a, y->id);
		if (x == NULL) {
			delta_say(out, tr, "camera %s added (%s)", y->id,
			    y->url);
			continue;
		}
		struct cam_buf f = CAM_BUF_INIT;
		if (!same(x->url, y->url))
			cam_buf_addf(&f, " url %s -> %s", x->url, y->url);
		if (x->enabled != y->enabled)
			cam_buf_addf(&f, " %s", y->enabled ?
			    delta_word(tr, N_("enabled")) :
			    delta_word(tr, N_("DISABLED")));
		if (!same(x->credential, y->credential))
			cam_buf_addf(&f, " %s", delta_word(tr,
			    N_("credentials")));
		if (!same(x->host, y->host))
			cam_buf_adds(&f, " host");
		if (!same(x->transport, y->transport))
			cam_buf_adds(&f, " transport");
		if (!same(x->model, y->model))
			cam_buf_adds(&f, " model");
		if (!same(x->firmware, y->firmware))
			cam_buf_adds(&f, " firmware");
		if (x->segment != y->segment)
			cam_buf_adds(&f, " segment");
		if (!same(x->name, y->name) || !same(x->location, y->location))
			cam_buf_addf(&f, " %s", delta_word(tr,
			    N_("name/location")));
		if (f.len)
			delta_say(out, tr, "camera %s:%s", y->id, f.s);
		cam_buf_free(&f);
	}
	for (size_t i = 0; i < a->nusers; i++)
		if (cam_config_user(b, a->users[i].name) == NULL)
			delta_say(out, tr, "user %s removed", a->users[i].name);
	for (size_t i = 0; i < b->nusers; i++) {
		const struct cam_user *y = &b->users[i];
		const struct cam_user *x = cam_config_user(a, y->name);
		roles_text(y->roles, tr, rb, sizeof(rb));
		if (x == NULL)
			delta_say(out, tr, "user %s added (%s)", y->name, rb);
		else if (x->roles != y->roles) {
			roles_text(x->roles, tr, ra, sizeof(ra));
			delta_say(out, tr, "user %s roles %s -> %s", y->name,
			    ra, rb);
		}
	}
	if (!paths_same(&a->trust_ca, &b->trust_ca, NULL, NULL))
		delta_say(out, tr, "trust.ca changed");
	if (!paths_same(&a->trust_director, &b->trust_director, NULL, NULL))
		delta_say(out, tr, "trust.director changed");
	if (!paths_same(&a->trust_unit_head, &b->trust_unit_head,
	    a->trust_unit_head_unit, b->trust_unit_head_unit))
		delta_say(out, tr, "trust.unit_head changed");
	if (!paths_same(&a->trust_crl, &b->trust_crl, NULL, NULL))
		delta_say(out, tr, "trust.crl changed");
	if (a->crl_expired_refuse != b->crl_expired_refuse)
		delta_say(out, tr, "crl_expired %s -> %s",
		    a->crl_expired_refuse ? "refuse" : "warn",
		    b->crl_expired_refuse ? "refuse" : "warn");
}

/* The configuration of a tree, or -1 (invalid or absent). */
static int
tree_config(const struct cam_tree *t, struct cam_config *cfg)
{
	struct cam_buf text = CAM_BUF_INIT;
	struct cam_err e;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (t->tree != NULL && cam_tree_read(t, CAM_CONFIG_FILE, &text,
	    &e) == 0)
		rc = cam_config_parse(cfg, CAM_CONFIG_FILE, text.s ? text.s :
		    "", text.len, &e);
	cam_buf_free(&text);
	if (rc == -1)
		cam_config_free(cfg);
	return rc;
}

void
cam_audit_config_describe(const struct cam_commit_view *v, int tr,
    struct cam_buf *what)
{
	struct cam_config a, b;
	int ka, kb;

	ka = tree_config(&v->parent, &a);
	kb = tree_config(&v->tree, &b);
	if (kb == -1)
		cam_buf_adds(what, delta_word(tr, N_("camkit.yaml invalid")));
	else if (ka == 0)
		config_delta(&a, &b, tr, what);
	else if (v->nparents == 0)
		cam_buf_adds(what, delta_word(tr,
		    N_("configuration created")));
	if (ka == 0)
		cam_config_free(&a);
	if (kb == 0)
		cam_config_free(&b);
	/* Files besides camkit.yaml, by name. */
	for (const char *p = v->changes; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		const char *tab = memchr(p, '\t', n);
		if (tab != NULL && !(n - (size_t)(tab + 1 - p) ==
		    strlen(CAM_CONFIG_FILE) && strncmp(tab + 1,
		    CAM_CONFIG_FILE, strlen(CAM_CONFIG_FILE)) == 0))
			cam_buf_addf(what, "%s%.*s %.*s", what->len ? "; " :
			    "", (int)(n - (size_t)(tab + 1 - p)), tab + 1,
			    (int)(tab - p), p);
		p += n + (p[n] == '\n');
	}
}

