/*
 * cam_http: camview's HTTPS server (cam_http.h).  civetweb runs the
 * connections (a thread each, TLS by OpenSSL with the key and
 * certificate loaded here); one request handler routes every path.
 * Sessions live in memory: a random cookie (32 bytes from RAND_bytes),
 * a CSRF token per session, an idle timeout; failed logins slow the
 * account and the address they came from.  The committed
 * configuration is read again when HEAD moves (checked every few
 * seconds) or at once on SIGHUP.
 */
#include <errno.h>
#include <link.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <civetweb.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "evidence/cam_grant.h"
#include "journal/cam_logbook.h"
#include "journal/cam_trail.h"
#include "media/cam_live.h"
#include "site/cam_policy.h"
#include "view/cam_http_int.h"
#include "view/cam_view_rights.h"
#include "view/cam_web.h"

#define PAM_SERVICE	"camview"
#define BODY_MAX	16384	/* a login, a report */
#define SLOW_ACCOUNT	5	/* failures in SLOW_WINDOW before 429 */
#define SLOW_ADDRESS	20
#define SLOW_WINDOW	900
#define SLOW_FIRST	30	/* seconds, doubling */
#define RELOAD_EVERY	5	/* seconds between checks of HEAD */


struct slow {
	char key[96];		/* "a:ACCOUNT" or "h:ADDRESS" */
	int count;
	time_t first, until;
};

struct view_server {
	const struct cam_view_opts *o;
	struct mg_context *ctx;
	pthread_mutex_t lock;
	struct view_site *site;
	struct view_session *sess;
	size_t nsess, csess;
	struct slow *slow;
	size_t nslow, cslow;
	char cert[4096], key[4096];
};

/* ---- the configuration in force ---- */

static struct view_site *
site_get(struct view_server *sv)
{
	struct view_site *vs;

	pthread_mutex_lock(&sv->lock);
	vs = sv->site;
	vs->refs++;
	pthread_mutex_unlock(&sv->lock);
	return vs;
}

static void
site_put(struct view_server *sv, struct view_site *vs)
{
	int last;

	pthread_mutex_lock(&sv->lock);
	last = --vs->refs == 0;
	pthread_mutex_unlock(&sv->lock);
	if (last) {
		cam_site_close(&vs->s);
		free(vs);
	}
}

/* Open the site; replace the one in force if HEAD moved (or none). */
static int
site_load(struct view_server *sv, struct cam_err *e)
{
	struct view_site *vs, *old;

	vs = cam_xmalloc(sizeof *vs);
	memset(vs, 0, sizeof *vs);
	if (cam_site_open(&vs->s, sv->o->confdir, e) == -1) {
		free(vs);
		return -1;
	}
	vs->refs = 1;
	pthread_mutex_lock(&sv->lock);
	old = sv->site;
	if (old != NULL && strcmp(old->s.rev, vs->s.rev) == 0) {
		pthread_mutex_unlock(&sv->lock);
		cam_site_close(&vs->s);
		free(vs);
		return 0;
	}
	sv->site = vs;
	pthread_mutex_unlock(&sv->lock);
	if (old != NULL)
		site_put(sv, old);
	return 0;
}

/* ---- answers ---- */

#define SEC_HEADERS(csp_value) \
	"Content-Security-Policy: " csp_value "\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"Strict-Transport-Security: max-age=31536000\r\n"
#define CSP "default-src 'self'; script-src 'self'; " \
    "style-src 'self'; img-src 'self' data:; media-src 'self' blob:; " \
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " \
    "form-action 'self'"

const char *
view_sec_headers(void)
{
	return SEC_HEADERS(CSP);
}

void
view_head(struct mg_connection *c, int status, const char *ctype,
    long long len, const char *const *extra)
{
	char n[32];

	mg_response_header_start(c, status);
	if (ctype != NULL)
		mg_response_header_add(c, "Content-Type", ctype, -1);
	if (len >= 0) {
		snprintf(n, sizeof n, "%lld", len);
		mg_response_header_add(c, "Content-Length", n, -1);
	} else
		mg_response_header_add(c, "Transfer-Encoding", "chunked", -1);
	mg_response_header_add(c, "Content-Security-Policy", CSP, -1);
	mg_response_header_add(c, "X-Content-Type-Options", "nosniff", -1);
	mg_response_header_add(c, "Referrer-Policy", "no-referrer", -1);
	mg_response_header_add(c, "X-Frame-Options", "DENY", -1);
	mg_response_header_add(c, "Strict-Transport-Security",
	    "max-age=31536000", -1);
	for (; extra != NULL && extra[0] != NULL; extra += 2)
		mg_response_header_add(c, extra[0], extra[1], -1);
	mg_response_header_send(c);
}

void
view_reply(struct mg_connection *c, int status, const char *ctype,
    const void *body, size_t len, const char *const *extra)
{
	static const char *const nostore[] = { "Cache-Control", "no-store",
	    NULL };

	const struct mg_request_info *ri = mg_get_request_info(c);

	view_head(c, status, ctype, (long long)len, extra ? extra : nostore);
	if (len > 0 && (ri == NULL || strcmp(ri->request_method, "HEAD") != 0))
		mg_write(c, body, len);
}

void
view_json(struct mg_connection *c, int status, const char *json)
{
	view_reply(c, status, "application/json", json, strlen(json), NULL);
}

void
view_error_body(struct cam_buf *b, const char *code, const char *msg)
{
	cam_json_begin(b);
	cam_json_add_str(b, "error", code);
	cam_json_add_str(b, "message", msg);
	cam_json_end(b);
}

void
view_error(struct mg_connection *c, int status, const char *code,
    const char *msg)
{
	struct cam_buf b = CAM_BUF_INIT;

	view_error_body(&b, code, msg);
	view_json(c, status, cam_buf_str(&b));
	cam_buf_free(&b);
}

int
view_query(const struct view_req *q, const char *name, char *buf,
    size_t len)
{
	const char *qs = q->ri->query_string;

	if (qs == NULL || mg_get_var(qs, strlen(qs), name, buf, len) < 0)
		return -1;
	return 0;
}

void
view_time_us(int64_t us, char *buf, size_t len)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06lldZ", s, (long long)(us % 1000000));
}

void
view_time_short(int64_t us, char *buf, size_t len)
{
	if (us % 1000000 != 0) {
		view_time_us(us, buf, len);
		return;
	}
	cam_time_format_utc((time_t)(us / 1000000), buf, len);
}

/* ---- the audit trail ---- */

static int
audit_as(struct view_server *sv, const struct cam_config *cfg,
    const char *account, const char *client, const char *verb,
    const char *object, const char *outcome, const char *reason,
    const char *detail)
{
	struct cam_trail_rec r = { "camview", verb, object, outcome, reason,
	    NULL };
	struct cam_buf d = CAM_BUF_INIT;
	struct cam_actor a;
	struct passwd pw, *p = NULL;
	struct cam_err e;
	char buf[4096];
	int rc;

	memset(&a, 0, sizeof a);
	a.uid = (uid_t)-1;
	if (getpwnam_r(account, &pw, buf, sizeof buf, &p) == 0 && p != NULL)
		a.uid = p->pw_uid;
	a.superuser = a.uid == 0;
	snprintf(a.name, sizeof a.name, "%s", account);
	cam_buf_adds(&d, "{\"client\":");
	cam_json_str(&d, client);
	if (detail != NULL && detail[0] == '{' && detail[1] != '}') {
		cam_buf_adds(&d, ",");
		cam_buf_adds(&d, detail + 1);
	} else
		cam_buf_adds(&d, "}");
	r.detail = cam_buf_str(&d);
	cam_err_clear(&e);
	rc = cam_trail_append(cfg->root, NULL, sv->o->host, &a, &r, &e);
	cam_buf_free(&d);
	return rc;
}

void
view_audit(const struct view_req *q, const char *account, const char *verb,
    const char *object, const char *outcome, const char *reason,
    const char *detail)
{
	(void)audit_as(q->sv, q->cfg, account ? account : q->s.account,
	    q->client, verb, object, outcome, reason, detail);
}

void
view_refuse(const struct view_req *q, int status, const char *dflt,
    const char *verb, const char *object, const char *why)
{
	static const char *const codes[] = { "no-camera", "forbidden",
	    "no-request", "outside-request", "bad-request", NULL };
	const char *code = dflt, *msg = why;
	char c[32];
	size_t i, n;

	for (i = 0; codes[i] != NULL; i++) {
		n = strlen(codes[i]);
		if (strncmp(why, codes[i], n) == 0 && why[n] == ':' &&
		    why[n + 1] == ' ') {
			code = codes[i];
			msg = why + n + 2;
			break;
		}
	}
	snprintf(c, sizeof c, "%s", code);
	if (strcmp(c, "no-camera") == 0)
		status = 404;
	else if (strcmp(c, "bad-request") == 0)
		status = 400;
	view_audit(q, NULL, verb, object, "refused", msg, NULL);
	view_error(q->c, status, c, msg);
}

/* ---- sessions ---- */

static void
random_hex(char out[65])
{
	unsigned char r[32];

	if (RAND_bytes(r, sizeof r) != 1)
		abort();	/* no randomness: no session can be safe */
	cam_crypto_hex(r, sizeof r, out);
	OPENSSL_cleanse(r, sizeof r);
}

static int
idle_s(const struct view_server *sv, const struct cam_config *cfg)
{
	if (sv->o->idle_s > 0)
		return sv->o->idle_s;
	return (cfg->view_idle_minutes > 0 ? cfg->view_idle_minutes :
	    CAM_VIEW_IDLE_MINUTES) * 60;
}

static void
session_new(struct view_server *sv, const char *account, uid_t uid,
    const char *client, struct view_session *out)
{
	struct view_session *s;

	pthread_mutex_lock(&sv->lock);
	if (sv->nsess == sv->csess) {
		sv->csess = sv->csess ? 2 * sv->csess : 16;
		sv->sess = cam_xrealloc(sv->sess, sv->csess * sizeof *sv->sess);
	}
	s = &sv->sess[sv->nsess++];
	memset(s, 0, sizeof *s);
	random_hex(s->id);
	random_hex(s->csrf);
	snprintf(s->account, sizeof s->account, "%s", account);
	snprintf(s->client, sizeof s->client, "%s", client);
	s->uid = uid;
	s->last = time(NULL);
	*out = *s;
	pthread_mutex_unlock(&sv->lock);
}

static void
session_drop(struct view_server *sv, size_t i)
{
	OPENSSL_cleanse(&sv->sess[i], sizeof sv->sess[i]);
	sv->sess[i] = sv->sess[--sv->nsess];
}

/* Find the session of cookie id that is not idle; touch it. */
static int
session_find(struct view_server *sv, const char *id, int idle,
    struct view_session *out)
{
	time_t now = time(NULL);
	size_t i;
	int found = 0;

	if (strlen(id) != 64)
		return 0;
	pthread_mutex_lock(&sv->lock);
	for (i = 0; i < sv->nsess; i++)
		if (CRYPTO_memcmp(sv->sess[i].id, id, 64) == 0) {
			if (now - sv->sess[i].last < idle) {
				sv->sess[i].last = now;
				*out = sv->sess[i];
				found = 1;
			}
			break;
		}
	pthread_mutex_unlock(&sv->lock);
	return found;
}

static void
session_end(struct view_server *sv, const char *id)
{
	size_t i;

	pthread_mutex_lock(&sv->lock);
	for (i = 0; i < sv->nsess; i++)
		if (strcmp(sv->sess[i].id, id) == 0) {
			session_drop(sv, i);
			break;
		}
	pthread_mutex_unlock(&sv->lock);
}

/* End the idle sessions, each with its audit record. */
static void
session_sweep(struct view_server *sv)
{
	struct view_session gone[32];
	struct view_site *vs = site_get(sv);
	time_t now = time(NULL);
	int idle = idle_s(sv, &vs->s.cfg);
	size_t i, n = 0;

	pthread_mutex_lock(&sv->lock);
	/* failures forgotten once their window and wait are over */
	for (i = 0; i < sv->nslow; )
		if (sv->slow[i].until <= now &&
		    now - sv->slow[i].first > SLOW_WINDOW)
			sv->slow[i] = sv->slow[--sv->nslow];
		else
			i++;
	for (i = 0; i < sv->nsess && n < 32; )
		if (now - sv->sess[i].last >= idle) {
			gone[n++] = sv->sess[i];
			session_drop(sv, i);
		} else
			i++;
	pthread_mutex_unlock(&sv->lock);
	for (i = 0; i < n; i++) {
		(void)audit_as(sv, &vs->s.cfg, gone[i].account,
		    gone[i].client, "logout", NULL, "granted", NULL,
		    "{\"reason\":\"idle\"}");
		OPENSSL_cleanse(&gone[i], sizeof gone[i]);
	}
	site_put(sv, vs);
}

/* ---- failed logins, slowed ---- */

static struct slow *
slow_find(struct view_server *sv, const char *key, int make)
{
	size_t i;

	for (i = 0; i < sv->nslow; i++)
		if (strcmp(sv->slow[i].key, key) == 0)
			return &sv->slow[i];
	if (!make)
		return NULL;
	if (sv->nslow == sv->cslow) {
		sv->cslow = sv->cslow ? 2 * sv->cslow : 16;
		sv->slow = cam_xrealloc(sv->slow, sv->cslow * sizeof *sv->slow);
	}
	memset(&sv->slow[sv->nslow], 0, sizeof *sv->slow);
	snprintf(sv->slow[sv->nslow].key, sizeof sv->slow->key, "%s", key);
	return &sv->slow[sv->nslow++];
}

/* Seconds to wait before key may try again, 0: now. */
static long
slow_wait(struct view_server *sv, const char *key)
{
	time_t now = time(NULL);
	struct slow *s;
	long w = 0;

	pthread_mutex_lock(&sv->lock);
	if ((s = slow_find(sv, key, 0)) != NULL && s->until > now)
		w = (long)(s->until - now);
	pthread_mutex_unlock(&sv->lock);
	return w;
}

static void
slow_fail(struct view_server *sv, const char *key, int limit)
{
	time_t now = time(NULL);
	struct slow *s;
	int over;

	pthread_mutex_lock(&sv->lock);
	s = slow_find(sv, key, 1);
	if (s->until <= now && now - s->first > SLOW_WINDOW) {
		s->count = 0;
		s->first = now;
	}
	s->count++;
	if ((over = s->count - limit) >= 0)
		s->until = now + ((time_t)SLOW_FIRST << (over > 10 ? 10 : over));
	pthread_mutex_unlock(&sv->lock);
}

static void
slow_clear(struct view_server *sv, const char *key)
{
	struct slow *s;

	pthread_mutex_lock(&sv->lock);
	if ((s = slow_find(sv, key, 0)) != NULL)
		*s = sv->slow[--sv->nslow];
	pthread_mutex_unlock(&sv->lock);
}

/* ---- requests ---- */

void
view_req_begin(struct view_req *q, struct view_server *sv,
    struct mg_connection *c)
{
	const char *cookie;
	char id[80];

	memset(q, 0, sizeof *q);
	q->sv = sv;
	q->c = c;
	q->ri = mg_get_request_info(c);
	q->client = q->ri->remote_addr;
	q->vs = site_get(sv);
	q->cfg = &q->vs->s.cfg;
	if ((cookie = mg_get_header(c, "Cookie")) != NULL &&
	    mg_get_cookie(cookie, "camview_session", id, sizeof id) == 64)
		q->have_session = session_find(sv, id, idle_s(sv, q->cfg),
		    &q->s);
}

void
view_req_end(struct view_req *q)
{
	site_put(q->sv, q->vs);
	OPENSSL_cleanse(&q->s, sizeof q->s);
}

const struct cam_view_opts *
view_opts(const struct view_req *q)
{
	return q->sv->o;
}

const char *
view_run_dir(const struct view_req *q)
{
	return q->cfg->view_run_dir ? q->cfg->view_run_dir : CAM_VIEW_RUN_DIR;
}

int
view_same_origin(const struct view_req *q)
{
	const char *origin = mg_get_header(q->c, "Origin");
	const char *host = mg_get_header(q->c, "Host");
	char want[512];

	if (origin == NULL || host == NULL)
		return 0;
	snprintf(want, sizeof want, "https://%s", host);
	return strcasecmp(origin, want) == 0;
}

int
view_has_role(const struct cam_config *cfg, const char *account,
    unsigned roles)
{
	const struct cam_user *u = cam_config_user(cfg, account);

	return u != NULL && (u->roles & roles) != 0;
}

static int
may(const struct view_req *q, enum cam_action act)
{
	struct cam_actor a;
	char why[256];

	memset(&a, 0, sizeof a);
	a.uid = q->s.uid;
	snprintf(a.name, sizeof a.name, "%s", q->s.account);
	return cam_policy_may(q->cfg, &a, act, why, sizeof why);
}

/* The body, at most BODY_MAX bytes: 0, or -1 when too large (answered). */
static int
read_body(struct view_req *q, struct cam_buf *b)
{
	char buf[4096];
	int n;

	if (q->ri->content_length > BODY_MAX) {
		view_error(q->c, 413, "too-large", "request body too large");
		return -1;
	}
	while ((n = mg_read(q->c, buf, sizeof buf)) > 0) {
		if (b->len + (size_t)n > BODY_MAX) {
			OPENSSL_cleanse(buf, sizeof buf);
			view_error(q->c, 413, "too-large",
			    "request body too large");
			return -1;
		}
		cam_buf_add(b, buf, (size_t)n);
	}
	OPENSSL_cleanse(buf, sizeof buf);
	if (b->s == NULL)
		cam_buf_adds(b, "");
	return 0;
}

static void
wipe_buf(struct cam_buf *b)
{
	if (b->s != NULL)
		OPENSSL_cleanse(b->s, b->cap);
	cam_buf_free(b);
}

/* ---- assets ---- */

static const struct cam_web_file *
asset(const char *name)
{
	const struct cam_web_file *f;

	for (f = cam_web_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static const char *
mime_of(const char *name)
{
	const char *x = strrchr(name, '.');

	if (x == NULL)
		return NULL;
	if (strcmp(x, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(x, ".js") == 0 || strcmp(x, ".mjs") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(x, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(x, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(x, ".json") == 0)
		return "application/json";
	return NULL;
}

/* A page (name.html) or a static asset (any other web file). */
static int
serve_asset(struct view_req *q, const char *name, int page)
{
	static const char *const nocache[] = { "Cache-Control", "no-cache",
	    NULL };
	const struct cam_web_file *f;
	const char *m;
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    ((name[i] == '.' || name[i] == '-' || name[i] == '_') &&
		    i > 0)))
			break;
	if (i == 0 || name[i] != '\0' || (m = mime_of(name)) == NULL ||
	    (!page && strcmp(m, "text/html; charset=utf-8") == 0) ||
	    (f = asset(name)) == NULL) {
		view_error(q->c, 404, "bad-request", "no such page");
		return 404;
	}
	view_reply(q->c, 200, m, f->data, f->len, page ? NULL : nocache);
	return 200;
}

/* ---- login, logout, me ---- */

static void
cookie_header(char *buf, size_t len, const char *id)
{
	snprintf(buf, len, "camview_session=%s; Path=/; HttpOnly; Secure; "
	    "SameSite=Strict%s", id, id[0] ? "" : "; Max-Age=0");
}

static int
slowed(struct view_req *q, const char *account, long w)
{
	struct cam_buf b = CAM_BUF_INIT;
	char ra[32];
	const char *extra[] = { "Retry-After", ra, "Cache-Control",
	    "no-store", NULL };

	view_audit(q, account, "login", NULL, "refused", "slowed", NULL);
	snprintf(ra, sizeof ra, "%ld", w);
	cam_json_begin(&b);
	cam_json_add_str(&b, "error", "slowed");
	cam_json_add_str(&b, "message", "too many failed logins: wait");
	cam_json_add_int(&b, "retry_after", w);
	cam_json_end(&b);
	view_reply(q->c, 429, "application/json", b.s, b.len, extra);
	cam_buf_free(&b);
	return 429;
}

static int
login(struct view_req *q)
{
	struct cam_buf body = CAM_BUF_INIT, b = CAM_BUF_INIT;
	struct view_session s;
	struct passwd pw, *p = NULL;
	char account[64], password[512], why[128], ka[96], kh[96];
	char cookie[160], pwbuf[4096];
	const char *extra[] = { "Set-Cookie", cookie, "Cache-Control",
	    "no-store", NULL };
	long w;
	int rc;

	if (read_body(q, &body) == -1)
		return 413;
	if (mg_get_var(body.s, body.len, "user", account, sizeof account) <= 0
	    || mg_get_var(body.s, body.len, "password", password,
	    sizeof password) < 0) {
		wipe_buf(&body);
		view_error(q->c, 400, "bad-request",
		    "give user and password");
		return 400;
	}
	wipe_buf(&body);
	if (!cam_username_valid(account)) {
		OPENSSL_cleanse(password, sizeof password);
		view_error(q->c, 401, "bad-login",
		    "wrong account or password");
		return 401;
	}
	snprintf(ka, sizeof ka, "a:%s", account);
	snprintf(kh, sizeof kh, "h:%s", q->client);
	if ((w = slow_wait(q->sv, ka)) > 0 ||
	    (w = slow_wait(q->sv, kh)) > 0) {
		OPENSSL_cleanse(password, sizeof password);
		return slowed(q, account, w);
	}
	rc = cam_view_pam(PAM_SERVICE, account, password, q->client, why,
	    sizeof why);
	OPENSSL_cleanse(password, sizeof password);
	if (rc != 0 && (getpwnam_r(account, &pw, pwbuf, sizeof pwbuf, &p) != 0
	    || p == NULL))
		snprintf(why, sizeof why, "not a camkit user");
	if (rc == 0 && !view_has_role(q->cfg, account, ~0u)) {
		snprintf(why, sizeof why, "not a camkit user");
		rc = -1;
	}
	if (rc == 0 && (getpwnam_r(account, &pw, pwbuf, sizeof pwbuf,
	    &p) != 0 || p == NULL)) {
		snprintf(why, sizeof why, "not a camkit user");
		rc = -1;
	}
	if (rc != 0) {
		slow_fail(q->sv, ka, SLOW_ACCOUNT);
		slow_fail(q->sv, kh, SLOW_ADDRESS);
		view_audit(q, account, "login", NULL, "refused", why, NULL);
		usleep(250000);
		view_error(q->c, 401, "bad-login",
		    "wrong account or password");
		return 401;
	}
	if (audit_as(q->sv, q->cfg, account, q->client, "login", NULL,
	    "granted", NULL, NULL) == -1) {
		view_error(q->c, 500, "internal",
		    "the login could not be recorded");
		return 500;
	}
	slow_clear(q->sv, ka);
	session_new(q->sv, account, p->pw_uid, q->client, &s);
	cookie_header(cookie, sizeof cookie, s.id);
	cam_json_begin(&b);
	cam_json_add_str(&b, "account", s.account);
	cam_json_add_str(&b, "csrf", s.csrf);
	cam_json_end(&b);
	view_reply(q->c, 200, "application/json", b.s, b.len, extra);
	cam_buf_free(&b);
	OPENSSL_cleanse(&s, sizeof s);
	OPENSSL_cleanse(cookie, sizeof cookie);
	return 200;
}

static int
logout(struct view_req *q)
{
	char cookie[160];
	const char *extra[] = { "Set-Cookie", cookie, "Cache-Control",
	    "no-store", NULL };

	session_end(q->sv, q->s.id);
	view_audit(q, NULL, "logout", NULL, "granted", NULL,
	    "{\"reason\":\"asked\"}");
	cookie_header(cookie, sizeof cookie, "");
	view_reply(q->c, 200, "application/json", "{}", 2, extra);
	return 200;
}

static int
me(struct view_req *q)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_logbook lb = { 0 };
	const struct cam_user *u = cam_config_user(q->cfg, q->s.account);
	const struct cam_logbook_entry *le;
	struct cam_err e;
	char path[4096], why[256], t[40];
	unsigned bit;
	int first = 1;

	cam_json_begin(&b);
	cam_json_add_str(&b, "account", q->s.account);
	cam_buf_adds(&b, ",\"roles\":[");
	for (bit = 1; u != NULL && bit != 0 && bit <= CAM_ROLE_AUDITOR;
	    bit <<= 1)
		if ((u->roles & bit) && cam_role_name(bit) != NULL) {
			cam_buf_adds(&b, first ? "" : ",");
			cam_json_str(&b, cam_role_name(bit));
			first = 0;
		}
	cam_buf_adds(&b, "]");
	cam_json_add_str(&b, "csrf", q->s.csrf);
	cam_json_begin_obj(&b, "site");
	cam_json_add_str(&b, "name", q->cfg->site_name);
	cam_json_add_str(&b, "timezone", q->cfg->timezone);
	cam_json_end(&b);
	cam_json_begin_obj(&b, "may");
	cam_json_add_bool(&b, "live", may(q, CAM_ACT_WATCH_LIVE));
	cam_json_add_bool(&b, "stored", may(q, CAM_ACT_VIEW));
	cam_json_add_bool(&b, "audit", cam_view_may_audit(q->cfg,
	    q->s.account, why, sizeof why));
	cam_json_add_bool(&b, "report", view_has_role(q->cfg, q->s.account,
	    CAM_ROLE_GUARD | CAM_ROLE_OPERATOR));
	cam_json_end(&b);
	cam_json_begin_obj(&b, "shift");
	cam_err_clear(&e);
	if (cam_path(path, sizeof path, &e, "%s/%s", q->cfg->root,
	    CAM_LOGBOOK_FILE) == 0 && cam_logbook_load(&lb, path, &e) == 0 &&
	    lb.open_shift != 0 &&
	    (le = cam_logbook_get(&lb, lb.open_shift)) != NULL) {
		cam_json_add_bool(&b, "open", 1);
		cam_json_add_str(&b, "holder", le->author);
		cam_time_format_utc(le->time, t, sizeof t);
		cam_json_add_str(&b, "since", t);
	} else
		cam_json_add_bool(&b, "open", 0);
	cam_logbook_free(&lb);
	cam_json_end(&b);
	cam_json_add_int(&b, "idle_minutes", (idle_s(q->sv, q->cfg) + 59) /
	    60);
	cam_json_end(&b);
	view_json(q->c, 200, cam_buf_str(&b));
	cam_buf_free(&b);
	return 200;
}

/* ---- cameras ---- */

static int
cameras(struct view_req *q)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_grants gs = { 0 };
	struct cam_err e;
	int64_t now = (int64_t)time(NULL) * 1000000;
	int stored = may(q, CAM_ACT_VIEW), first = 1;
	size_t i, j, k;

	cam_err_clear(&e);
	if (cam_grant_list(q->cfg->root, &gs, &e) == -1)
		memset(&gs, 0, sizeof gs);
	cam_buf_adds(&b, "[");
	for (i = 0; i < q->cfg->ncameras; i++) {
		const struct cam_camera *cam = &q->cfg->cameras[i];
		char why[256], state[8], reason[256], codec[16], t[40];
		char wstate[8], wreason[256], wcodec[16];
		int64_t since = 0, wsince = 0;
		int live = cam_view_may_live(q->cfg, q->s.account, cam->id,
		    why, sizeof why), ng = 0, first_g = 1;

		for (j = 0; j < gs.n; j++)
			if (strcmp(gs.v[j].account, q->s.account) == 0 &&
			    gs.v[j].expires_us > now)
				for (k = 0; k < gs.v[j].ncameras; k++)
					if (strcmp(gs.v[j].cameras[k],
					    cam->id) == 0)
						ng++;
		if (!live && !stored && ng == 0)
			continue;
		view_live_state(view_run_dir(q), cam->id, CAM_LIVE_MAIN,
		    state, &since, reason, sizeof reason, codec);
		wcodec[0] = '\0';
		if (cam->live_url != NULL)
			view_live_state(view_run_dir(q), cam->id,
			    CAM_LIVE_WALL, wstate, &wsince, wreason,
			    sizeof wreason, wcodec);
		cam_buf_adds(&b, first ? "" : ",");
		first = 0;
		cam_json_begin(&b);
		cam_json_add_str(&b, "id", cam->id);
		cam_json_add_str(&b, "name", cam->name ? cam->name : cam->id);
		if (cam->location)
			cam_json_add_str(&b, "location", cam->location);
		else
			cam_json_add_null(&b, "location");
		cam_json_add_bool(&b, "live", live);
		cam_json_add_str(&b, "state", state);
		if (strcmp(state, "down") == 0 && since > 0) {
			cam_time_format_utc((time_t)since, t, sizeof t);
			cam_json_add_str(&b, "down_since", t);
		} else
			cam_json_add_null(&b, "down_since");
		if (reason[0])
			cam_json_add_str(&b, "reason", reason);
		else
			cam_json_add_null(&b, "reason");
		if (codec[0])
			cam_json_add_str(&b, "codec", codec);
		else
			cam_json_add_null(&b, "codec");
		cam_json_add_str(&b, "wall", cam->live_url ? "wall" : "main");
		if (codec[0])
			cam_json_add_str(&b, "main_codec", codec);
		else
			cam_json_add_null(&b, "main_codec");
		if (cam->live_url && wcodec[0])
			cam_json_add_str(&b, "wall_codec", wcodec);
		else if (!cam->live_url && codec[0])
			cam_json_add_str(&b, "wall_codec", codec);
		else
			cam_json_add_null(&b, "wall_codec");
		cam_json_add_bool(&b, "stored", stored);
		cam_buf_adds(&b, ",\"grants\":[");
		for (j = 0; j < gs.n; j++) {
			const struct cam_grant *g = &gs.v[j];

			if (strcmp(g->account, q->s.account) != 0 ||
			    g->expires_us <= now)
				continue;
			for (k = 0; k < g->ncameras; k++)
				if (strcmp(g->cameras[k], cam->id) == 0)
					break;
			if (k == g->ncameras)
				continue;
			cam_buf_adds(&b, first_g ? "" : ",");
			first_g = 0;
			cam_json_begin(&b);
			cam_json_add_str(&b, "request", g->id);
			cam_time_format_utc((time_t)(g->from_us / 1000000), t,
			    sizeof t);
			cam_json_add_str(&b, "from", t);
			cam_time_format_utc((time_t)(g->to_us / 1000000), t,
			    sizeof t);
			cam_json_add_str(&b, "to", t);
			cam_time_format_utc((time_t)(g->expires_us / 1000000),
			    t, sizeof t);
			cam_json_add_str(&b, "expires", t);
			cam_json_end(&b);
		}
		cam_buf_adds(&b, "]");
		cam_json_end(&b);
	}
	cam_buf_adds(&b, "]");
	cam_grants_free(&gs);
	view_json(q->c, 200, cam_buf_str(&b));
	cam_buf_free(&b);
	return 200;
}

/* ---- the access report ---- */

static int
access_report(struct view_req *q)
{
	struct cam_buf out = CAM_BUF_INIT, b = CAM_BUF_INIT;
	struct cam_err e;
	char why[256], since[40];
	time_t t = 0;

	if (!cam_view_may_audit(q->cfg, q->s.account, why, sizeof why)) {
		view_refuse(q, 403, "forbidden", "access", NULL, why);
		return 403;
	}
	cam_err_clear(&e);
	if (view_query(q, "since", since, sizeof since) == 0 && since[0] &&
	    cam_time_parse(since, q->cfg->timezone, &t, &e) == -1) {
		view_error(q->c, 400, "bad-request", e.msg);
		return 400;
	}
	if (cam_trail_access(q->cfg->root, q->cfg->timezone, t, 1, &out,
	    &e) == -1) {
		cam_buf_free(&out);
		view_error(q->c, 500, "internal", e.msg);
		return 500;
	}
	cam_buf_adds(&b, "[");
	cam_buf_adds(&b, cam_buf_str(&out));
	cam_buf_adds(&b, "\n]");
	view_audit(q, NULL, "access", NULL, "granted", NULL, NULL);
	view_json(q->c, 200, cam_buf_str(&b));
	cam_buf_free(&out);
	cam_buf_free(&b);
	return 200;
}

/* ---- routing ---- */

static int
path_clean(const char *p)
{
	if (p == NULL || p[0] != '/')
		return 0;
	return strstr(p, "/../") == NULL && strstr(p, "/./") == NULL &&
	    strstr(p, "//") == NULL && strchr(p, '\\') == NULL &&
	    (strlen(p) < 3 || strcmp(p + strlen(p) - 3, "/..") != 0) &&
	    (strlen(p) < 2 || strcmp(p + strlen(p) - 2, "/.") != 0);
}

static int
route(struct view_req *q)
{
	const char *m = q->ri->request_method, *p = q->ri->local_uri_raw;
	const char *tok;
	int get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	int post = strcmp(m, "POST") == 0;

	if (!get && !post) {
		view_error(q->c, 405, "bad-request", "method not allowed");
		return 405;
	}
	if (!path_clean(p) || !path_clean(q->ri->local_uri) ||
	    strcmp(p, q->ri->local_uri) != 0) {
		view_error(q->c, 400, "bad-request", "bad path");
		return 400;
	}
	if (get && strcmp(p, "/login") == 0)
		return serve_asset(q, "login.html", 1);
	if (get && strncmp(p, "/static/", 8) == 0)
		return serve_asset(q, p + 8, 0);
	if (post && strcmp(p, "/api/login") == 0)
		return login(q);
	if (!q->have_session) {
		static const char *const to_login[] = { "Location", "/login",
		    "Cache-Control", "no-store", NULL };

		if (strncmp(p, "/api/", 5) == 0 ||
		    strncmp(p, "/live/", 6) == 0 ||
		    strncmp(p, "/play/", 6) == 0 || post) {
			view_error(q->c, 401, "unauthenticated",
			    "log in first");
			return 401;
		}
		view_reply(q->c, 303, "text/plain; charset=utf-8", "", 0,
		    to_login);
		return 303;
	}
	if (post) {
		tok = mg_get_header(q->c, "X-CSRF-Token");
		if (tok == NULL || strlen(tok) != 64 ||
		    CRYPTO_memcmp(tok, q->s.csrf, 64) != 0) {
			view_error(q->c, 403, "csrf",
			    "missing or wrong CSRF token");
			return 403;
		}
		if (strcmp(p, "/api/logout") == 0)
			return logout(q);
		if (strcmp(p, "/api/report") == 0)
			return view_report(q);
		view_error(q->c, 404, "bad-request", "no such path");
		return 404;
	}
	if (strcmp(p, "/") == 0)
		return serve_asset(q, "wall.html", 1);
	if (strncmp(p, "/camera/", 8) == 0 && cam_id_valid(p + 8))
		return serve_asset(q, "play.html", 1);
	if (strcmp(p, "/access") == 0)
		return serve_asset(q, "access.html", 1);
	if (strcmp(p, "/api/me") == 0)
		return me(q);
	if (strcmp(p, "/api/cameras") == 0)
		return cameras(q);
	if (strcmp(p, "/api/timeline") == 0)
		return view_timeline(q);
	if (strcmp(p, "/api/access") == 0)
		return access_report(q);
	if (strncmp(p, "/play/", 6) == 0)
		return view_play(q, p + 6);
	if (strncmp(p, "/live/", 6) == 0) {
		view_error(q->c, 400, "bad-request",
		    "live video is a WebSocket");
		return 400;
	}
	view_error(q->c, 404, "bad-request", "no such path");
	return 404;
}

static int
handler(struct mg_connection *c, void *arg)
{
	struct view_req q;
	int status;

	view_req_begin(&q, arg, c);
	status = route(&q);
	view_req_end(&q);
	return status;
}

/* ---- the server ---- */

static __thread char start_error[512];

static int
log_message(const struct mg_connection *c, const char *msg)
{
	(void)c;
	snprintf(start_error, sizeof start_error, "%s", msg);
	return 1;
}

static int
init_ssl(void *ctx, void *arg)
{
	struct view_server *sv = arg;
	SSL_CTX *s = ctx;

	SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(s, sv->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(s, sv->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(s) != 1)
		return -1;
	return 1;
}

/*
 * Debian's civetweb 1.15 loads libssl.so itself (dlopen) and looks up
 * SSL_get_peer_certificate, which OpenSSL 3 no longer exports (it is a
 * macro for SSL_get1_peer_certificate, the same function): the lookup
 * leaves a NULL in civetweb's table of TLS functions, which civetweb
 * then calls for every TLS connection, and the worker crashes.  Until
 * the library is fixed, fill that one entry in: the table is an array
 * of { name, flags, function } in civetweb's writable data; the entry
 * is the one whose name is that function's and whose pointer is NULL.
 * Returns how many entries were filled in (0: nothing to fix).
 */
struct tls_fix {
	int fixed;
};

static int
tls_fix_one(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct tls_fix *f = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0, a, *w;
	size_t j, n;
	int k;

	(void)size;
	if (strstr(i->dlpi_name, "libcivetweb.so") == NULL)
		return 0;
	for (k = 0; k < i->dlpi_phnum; k++) {
		const ElfW(Phdr) *p = &i->dlpi_phdr[k];

		if (p->p_type != PT_LOAD)
			continue;
		a = i->dlpi_addr + p->p_vaddr;
		lo = a < lo ? a : lo;
		hi = a + p->p_memsz > hi ? a + p->p_memsz : hi;
	}
	for (k = 0; k < i->dlpi_phnum; k++) {
		const ElfW(Phdr) *p = &i->dlpi_phdr[k];

		if (p->p_type != PT_LOAD || !(p->p_flags & PF_W))
			continue;
		w = (uintptr_t *)(i->dlpi_addr + p->p_vaddr);
		n = p->p_memsz / sizeof *w;
		for (j = 0; j + 2 < n; j++)
			if (w[j] != 0 && w[j] >= lo && w[j] + 25 <= hi &&
			    w[j + 2] == 0 &&
			    strcmp((const char *)w[j],
			    "SSL_get_peer_certificate") == 0) {
				w[j + 2] = (uintptr_t)SSL_get1_peer_certificate;
				f->fixed++;
			}
	}
	return 0;
}

static int
tls_fix(void)
{
	struct tls_fix f = { 0 };

	dl_iterate_phdr(tls_fix_one, &f);
	return f.fixed;
}

/* civetweb's listening_ports from ADDRESS:PORT, with TLS ("s"). */
static int
ports(const char *listen, char *buf, size_t len, struct cam_err *e)
{
	if (!cam_listen_valid(listen))
		return cam_errf(e, CAM_NO, "listen: bad address \"%s\" "
		    "(ADDRESS:PORT)", listen);
	if (strncmp(listen, "localhost:", 10) == 0)
		snprintf(buf, len, "127.0.0.1:%ss", listen + 10);
	else
		snprintf(buf, len, "%ss", listen);
	return 0;
}

/* The certificate (or, is_key, its key) can be read: 0, or -1 and why,
 * each said whole (the words are translated). */
static int
readable(const char *path, int is_key, struct cam_err *e)
{
	if (access(path, R_OK) == 0)
		return 0;
	if (errno != ENOENT)
		return is_key ? cam_err_sys(e, "key %s", path) :
		    cam_err_sys(e, "certificate %s", path);
	return is_key ? cam_errf(e, CAM_ENV, "key %s does not exist (camctl "
	    "cert makes a self-signed pair; camview(1) says how to use the "
	    "office's own)", path) : cam_errf(e, CAM_ENV, "certificate %s "
	    "does not exist (camctl cert makes a self-signed pair; "
	    "camview(1) says how to use the office's own)", path);
}

int
cam_view_serve(const struct cam_view_opts *o, struct cam_err *e)
{
	struct view_server sv;
	struct mg_callbacks cb;
	struct view_site *vs;
	char lp[300];
	time_t last_check = time(NULL);
	int rc = -1;

	memset(&sv, 0, sizeof sv);
	sv.o = o;
	pthread_mutex_init(&sv.lock, NULL);
	if (site_load(&sv, e) == -1)
		return -1;
	vs = sv.site;
	if (ports(o->listen ? o->listen : vs->s.cfg.view_listen ?
	    vs->s.cfg.view_listen : CAM_VIEW_LISTEN, lp, sizeof lp, e) == -1)
		goto end;
	snprintf(sv.cert, sizeof sv.cert, "%s", o->cert);
	snprintf(sv.key, sizeof sv.key, "%s", o->key);
	if (readable(o->cert, 0, e) == -1 || readable(o->key, 1, e) == -1)
		goto end;
	{
		const char *opts[] = {
			"listening_ports", lp,
			"num_threads", "64",
			"request_timeout_ms", "10000",
			"websocket_timeout_ms", "30000",
			"enable_websocket_ping_pong", "yes",
			"linger_timeout_ms", "2000",
			"max_request_size", "16384",
			"enable_keep_alive", "yes",
			"keep_alive_timeout_ms", "30000",
			"enable_directory_listing", "no",
			"ssl_protocol_version", "4",
			"decode_url", "yes",
			NULL,
		};

		mg_init_library(MG_FEATURES_TLS | MG_FEATURES_WEBSOCKET);
		(void)tls_fix();
		memset(&cb, 0, sizeof cb);
		cb.log_message = log_message;
		cb.init_ssl = init_ssl;
		start_error[0] = '\0';
		if ((sv.ctx = mg_start(&cb, &sv, opts)) == NULL) {
			cam_errf(e, CAM_ENV, "cannot serve on %s: %s", lp,
			    start_error[0] ? start_error : "civetweb failed");
			mg_exit_library();
			goto end;
		}
	}
	mg_set_request_handler(sv.ctx, "/", handler, &sv);
	view_register_media(sv.ctx, &sv);
	if (o->ready != NULL) {
		lp[strlen(lp) - 1] = '\0';	/* the "s" of TLS */
		o->ready(lp);
	}
	while (!*o->stop) {
		sleep(1);
		session_sweep(&sv);
		if (*o->reload || time(NULL) - last_check >= RELOAD_EVERY) {
			struct cam_err e2;

			*o->reload = 0;
			last_check = time(NULL);
			cam_err_clear(&e2);
			(void)site_load(&sv, &e2);
		}
	}
	mg_stop(sv.ctx);
	mg_exit_library();
	rc = 0;
end:
	site_put(&sv, sv.site);
	if (sv.sess != NULL)
		OPENSSL_cleanse(sv.sess, sv.csess * sizeof *sv.sess);
	free(sv.sess);
	free(sv.slow);
	pthread_mutex_destroy(&sv.lock);
	return rc;
}
