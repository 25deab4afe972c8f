/*
 * cam_config: the camkit.yaml schema.  Validation walks the whole tree and
 * reports every problem it finds, each as file:line:col, so a sysadmin
 * fixes a file in one round.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_schema.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "site/cam_config.h"
#include "site/cam_site.h"

static const char *const role_names[] = {
	"director", "chief-of-office", "operator", "guard", "department",
	"unit-head", "auditor",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *
cam_role_name(unsigned role)
{
	for (size_t i = 0; i < NROLES; i++)
		if (role == 1u << i)
			return role_names[i];
	return NULL;
}

unsigned
cam_role_parse(const char *name)
{
	for (size_t i = 0; i < NROLES; i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

int
cam_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > CAM_ID_MAX || id[0] == '-')
		return 0;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int
cam_username_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 32 || !(islower((unsigned char)name[0]) ||
	    name[0] == '_'))
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-.") == n;
}

/* Where camera credentials go instead of a URL or camkit.yaml. */
#define STORE_CREDENTIALS "store them with camctl camera add --username " \
	"U --password-file FILE, they are kept in private/ and never " \
	"committed"

/* "camera ID: [key: ]why: "url"" at node at, why a msgid from
 * cam_url_check: English in the record, the reader's words on screen. */
static void
url_err(struct cam_schema *v, const struct cam_ynode *at, const char *id,
    const char *key, const char *why, const char *url)
{
	char en[1024], text[1024];

	snprintf(en, sizeof(en), "camera %s: %s%s: \"%s\"", id ? id : "?",
	    key, why, url);
	snprintf(text, sizeof(text), _("camera %s: %s%s: \"%s\""),
	    id ? id : "?", key, _(why), url);
	cam_schema_err_pair(v, at, en, text);
}

/* Does the URL in s (from its first "://") carry credentials: a user,
 * and perhaps a password, before an '@' ahead of the path? */
static int
url_credentials(const char *s)
{
	const char *a = strstr(s, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return memchr(a, '@', strcspn(a, "/?#")) != NULL;
}

/* The reason in why, in English: a msgid, the reader's language is
 * _(why). */
static int
url_bad(char *why, size_t len, const char *msgid)
{
	snprintf(why, len, "%s", msgid);
	return -1;
}

int
cam_url_check(const char *url, char *why, size_t len)
{
	const char *p, *auth, *end;

	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return url_bad(why, len, N_("spaces or control "
			    "characters in the URL"));
	if (strlen(url) > 1024)
		return url_bad(why, len, N_("URL longer than 1024 "
		    "characters"));
	if (strncasecmp(url, "rtsp://", 7) == 0)
		auth = url + 7;
	else if (strncasecmp(url, "rtsps://", 8) == 0)
		auth = url + 8;
	else
		return url_bad(why, len, N_("not an rtsp:// or rtsps:// "
		    "URL"));
	end = auth + strcspn(auth, "/?#");
	if (url_credentials(url))
		return url_bad(why, len, N_("credentials in the URL: store "
		    "them with camctl camera add --username U --password-file "
		    "FILE, they are kept in private/ and never committed"));
	p = auth;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (close == NULL || close == p + 1 ||
		    strspn(p + 1, "0123456789abcdefABCDEF:.") !=
		    (size_t)(close - p - 1))
			return url_bad(why, len, N_("bad IPv6 address in "
			    "the URL"));
		p = close + 1;
	} else {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
		if (n == 0)
			return url_bad(why, len, N_("no host in the URL"));
		p += n;
	}
	if (p < end && *p == ':') {
		char *q;
		errno = 0;
		long port = strtol(p + 1, &q, 10);
		/* Digits only: strtol would take "+80" and " 80". */
		if (!isdigit((unsigned char)p[1]) || q != end || errno ||
		    port < 1 ||
		    port > 65535)
			return url_bad(why, len, N_("bad port in the URL"));
		p = q;
	}
	if (p != end)
		return url_bad(why, len, N_("bad host in the URL"));
	return 0;
}

int
cam_size_parse(const char *s, uint64_t *bytes, int *percent)
{
	char *end;
	unsigned long long v;

	*bytes = 0;
	*percent = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (strcmp(end, "%") == 0) {
		if (v < 1 || v > 100)
			return -1;
		*percent = (int)v;
		return 0;
	}
	static const struct { const char *suffix; uint64_t mul; } units[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", 1000ULL }, { "KB", 1000ULL }, { "KiB", 1ULL << 10 },
		{ "M", 1000000ULL }, { "MB", 1000000ULL }, { "MiB", 1ULL << 20 },
		{ "G", 1000000000ULL }, { "GB", 1000000000ULL },
		{ "GiB", 1ULL << 30 },
		{ "T", 1000000000000ULL }, { "TB", 1000000000000ULL },
		{ "TiB", 1ULL << 40 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0) {
			if (v == 0 || v > UINT64_MAX / units[i].mul)
				return -1;
			*bytes = v * units[i].mul;
			return 0;
		}
	return -1;
}

/* Where the numbers of a version begin, or NULL if there are none. */
static const char *
version_start(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s == 'v' || *s == 'V')
		s++;
	return isdigit((unsigned char)*s) ? s : NULL;
}

/* The next number of a version as digits without leading zeros (so that
 * numbers of any length compare as text); advances *p past it and its
 * dot, and leaves it at the end when the numbers end. */
static void
version_next(const char **p, const char **num, size_t *len)
{
	const char *s = *p;

	*num = s;
	*len = 0;
	if (!isdigit((unsigned char)*s))
		return;
	while (*s == '0' && isdigit((unsigned char)s[1]))
		s++;
	*num = s;
	while (isdigit((unsigned char)*s))
		s++;
	*len = (size_t)(s - *num);
	if (**num == '0')
		*len = 0;	/* zero: the same as absent */
	if (*s == '.' && isdigit((unsigned char)s[1]))
		s++;
	else
		s += strlen(s);	/* text after the numbers: the end */
	*p = s;
}

int
cam_firmware_cmp(const char *a, const char *b, int *cmp)
{
	const char *pa = version_start(a), *pb = version_start(b);

	*cmp = 0;
	if (pa == NULL || pb == NULL)
		return -1;
	while (*pa != '\0' || *pb != '\0') {
		const char *na, *nb;
		size_t la, lb;
		int c;

		version_next(&pa, &na, &la);
		version_next(&pb, &nb, &lb);
		if (la != lb) {
			*cmp = la < lb ? -1 : 1;
			return 0;
		}
		if ((c = strncmp(na, nb, la)) != 0) {
			*cmp = c < 0 ? -1 : 1;
			return 0;
		}
	}
	return 0;
}

/* ---- schema helpers ---- */

static const char *const secret_words[] = {
	"password", "passwd", "pass", "pwd", "secret", "token", "passphrase",
	"private_key", "key_password", "username", "user", "login",
	"credentials_password",
};

static int
secret_key(const char *k)
{
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(*secret_words);
	    i++)
		if (strcasecmp(k, secret_words[i]) == 0)
			return 1;
	return 0;
}

/* Secrets anywhere in the file are refused before anything else.  The
 * keys of the users mapping are Unix user names, not settings, so a user
 * called "user" or "token" is not taken for a secret. */
static void
secret_scan(struct cam_schema *v, const struct cam_ynode *n, int names)
{
	if (n == NULL)
		return;
	switch (n->type) {
	case CAM_Y_SCALAR:
		if (cam_crypto_has_key(n->value, strlen(n->value)))
			cam_schema_err(v, n, "a private key in camkit.yaml: "
			    "keys belong in private/, which is never "
			    "committed");
		else if (url_credentials(n->value))
			/* Whole, not STORE_CREDENTIALS: a msgid. */
			cam_schema_err(v, n, "credentials in a URL: store "
			    "them with camctl camera add --username U "
			    "--password-file FILE, they are kept in private/ "
			    "and never committed");
		break;
	case CAM_Y_SEQ:
		for (size_t i = 0; i < n->n; i++)
			secret_scan(v, n->items[i], 0);
		break;
	case CAM_Y_MAP:
		for (size_t i = 0; i < n->n; i++) {
			if (!names && secret_key(n->keys[i]->value))
				cam_schema_err(v, n->keys[i], "\"%s\": "
				    "passwords and user names do not belong in "
				    "camkit.yaml; use camctl camera add "
				    "--username U --password-file FILE (kept "
				    "in private/, never committed)",
				    n->keys[i]->value);
			secret_scan(v, n->vals[i], n == v->doc->root &&
			    strcmp(n->keys[i]->value, "users") == 0);
		}
		break;
	}
}

/* Settings are text of at most 1024 bytes, on one line. */
static char *
get_str(struct cam_schema *v, const struct cam_ynode *map, const char *key,
    const char *what, int required)
{
	return cam_schema_str(v, map, key, what, required, 1024, 0);
}

/* One path of a trust list onto out (where the list was "key"). */
static void
add_path(struct cam_schema *v, const struct cam_ynode *p, const char *key,
    struct cam_paths *out)
{
	if (p->type != CAM_Y_SCALAR || p->value[0] == '\0') {
		cam_schema_err(v, p, "trust: \"%s\" entries must be paths",
		    key);
		return;
	}
	const char *s = p->value;
	if (s[0] == '/' || strstr(s, "..") != NULL ||
	    strncmp(s, "private/", 8) == 0 ||
	    !cam_utf8_clean(s, strlen(s), 0)) {
		cam_schema_err(v, p, "trust: \"%s\" must be a path inside "
		    "the configuration repository (not absolute, no \"..\", "
		    "not in private/)", s);
		return;
	}
	out->path = cam_xrealloc(out->path, (out->n + 1) * sizeof(char *));
	out->path[out->n++] = cam_xstrdup(s);
}

static void
get_paths(struct cam_schema *v, const struct cam_ynode *map, const char *key,
    struct cam_paths *out)
{
	const struct cam_ynode *n = cam_yaml_get(map, key);

	if (cam_schema_null(n))
		return;
	if (n->type == CAM_Y_SCALAR) {
		cam_schema_err(v, n, "trust: \"%s\" must be a list of paths, "
		    "e.g. [trust/ca.pem]", key);
		return;
	}
	if (n->type != CAM_Y_SEQ) {
		cam_schema_err(v, n, "trust: \"%s\" must be a list", key);
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		add_path(v, n->items[i], key, out);
}

/*
 * Unit names.  Spaces at either end are not part of a name: ASCII
 * blanks and the Unicode spaces an editor or a copy from a document
 * brings (U+00A0, U+2000-U+200B, U+202F, U+205F, U+3000, and the
 * byte-order mark U+FEFF), each taken whole, never a byte of a longer
 * character.  Inside, names are compared byte for byte: no case
 * folding, no Unicode normalisation.
 */
static size_t
space_at(const unsigned char *p, size_t len)
{
	if (len >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n' ||
	    p[0] == '\r' || p[0] == '\v' || p[0] == '\f'))
		return 1;
	if (len >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (len >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] <= 0x8b || p[2] == 0xaf))
		return 3;
	if (len >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (len >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

/* The length of a space that ends p[0..len), or 0. */
static size_t
space_before(const unsigned char *p, size_t len)
{
	for (size_t k = 1; k <= 3 && k <= len; k++)
		if (space_at(p + len - k, k) == k)
			return k;
	return 0;
}

void
cam_unit_trim(const char *s, const char **start, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	while (n > 0 && (k = space_at(p, n)) > 0) {
		p += k;
		n -= k;
	}
	while (n > 0 && (k = space_before(p, n)) > 0)
		n -= k;
	*start = (const char *)p;
	*len = n;
}

int
cam_unit_same(const char *a, const char *b)
{
	const char *pa, *pb;
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	cam_unit_trim(a, &pa, &la);
	cam_unit_trim(b, &pb, &lb);
	return la > 0 && la == lb && memcmp(pa, pb, la) == 0;
}

/*
 * trust.unit_head, in one of two forms.  A map from each unit, as
 * requests name it (requester.unit), to the certificate file (or a list
 * of files) of its head.  Or a list of certificate files (the form of
 * before): then each head's unit is what their certificate's subject
 * names as organizationalUnitName (OU), matched when the request is
 * checked; the unit of such a file is NULL here.  An empty list or map
 * is no unit head.
 */
static void
get_unit_heads(struct cam_schema *v, const struct cam_ynode *map,
    struct cam_config *cfg)
{
	const struct cam_ynode *n = cam_yaml_get(map, "unit_head");
	struct cam_paths *out = &cfg->trust_unit_head;

	if (cam_schema_null(n))
		return;
	if (n->type == CAM_Y_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			add_path(v, n->items[i], "unit_head", out);
		if (out->n == 0)
			return;
		cfg->trust_unit_head_unit = cam_xmalloc(out->n *
		    sizeof(char *));
		for (size_t i = 0; i < out->n; i++)
			cfg->trust_unit_head_unit[i] = NULL;
		return;
	}
	if (n->type != CAM_Y_MAP) {
		cam_schema_err(v, n, "trust: \"unit_head\" must be a list of "
		    "certificate files, e.g. unit_head: [trust/heads.pem] "
		    "(each head's unit is the OU of their certificate), or "
		    "map each unit to its head's certificate, e.g. "
		    "unit_head: {\"Phòng Hành chính\": trust/uh-hc.pem}");
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct cam_ynode *k = n->keys[i], *val = n->vals[i];
		const char *u;
		size_t ul, before = out->n;

		if (k->type != CAM_Y_SCALAR) {
			cam_schema_err(v, k, "trust: unit_head: a unit's name "
			    "must be text");
			continue;
		}
		cam_unit_trim(k->value, &u, &ul);
		if (ul == 0 || ul > 1024 || !cam_utf8_clean(u, ul, 0)) {
			cam_schema_err(v, k, "trust: unit_head: \"%.80s\" is "
			    "not a unit's name (text on one line, at most "
			    "1024 bytes)", k->value);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (cam_unit_same(n->keys[j]->value, k->value)) {
				cam_schema_err(v, k, "trust: unit_head: unit "
				    "\"%.*s\" given twice (names are compared "
				    "without the spaces at their ends)",
				    (int)ul, u);
				break;
			}
		if (cam_schema_null(val) || (val->type == CAM_Y_SEQ &&
		    val->n == 0)) {
			cam_schema_err(v, val ? val : k, "trust: unit_head: "
			    "unit \"%.*s\" has no certificate file", (int)ul,
			    u);
			continue;
		}
		if (val->type == CAM_Y_SEQ)
			for (size_t j = 0; j < val->n; j++)
				add_path(v, val->items[j], "unit_head", out);
		else
			add_path(v, val, "unit_head", out);
		if (out->n == before)
			continue;
		cfg->trust_unit_head_unit = cam_xrealloc(
		    cfg->trust_unit_head_unit, out->n * sizeof(char *));
		for (size_t j = before; j < out->n; j++)
			cfg->trust_unit_head_unit[j] = cam_xstrndup(u, ul);
	}
}

/* ---- sections ---- */

/* A host name as gethostname(2) gives it: letters, digits, '.', '-'. */
static void
check_host(struct cam_schema *v, const struct cam_ynode *map, const char *host,
    const char *what)
{
	if (host != NULL && (host[0] == '-' || host[0] == '.' ||
	    strlen(host) > 253 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(host)))
		cam_schema_err(v, cam_yaml_get(map, "host"), "%s: bad host "
		    "name \"%s\" (letters, digits, '.' and '-')", what, host);
}

static void
parse_site(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "name", "timezone", "host",
	    "language", NULL };

	if (n == NULL) {
		cam_schema_err(v, NULL, "\"site\" is required (site: { name: "
		    "... })");
		return;
	}
	if (!cam_schema_map(v, n, "site", keys))
		return;
	cfg->site_name = get_str(v, n, "name", "site", 1);
	char *tz = get_str(v, n, "timezone", "site", 0);
	if (tz != NULL) {
		if (!cam_tz_valid(tz))
			cam_schema_err(v, cam_yaml_get(n, "timezone"), "site: "
			    "unknown time zone \"%s\" (e.g. Asia/Ho_Chi_Minh)",
			    tz);
		free(cfg->timezone);
		cfg->timezone = tz;
	}
	cfg->host = get_str(v, n, "host", "site", 0);
	check_host(v, n, cfg->host, "site");
	char *lang = get_str(v, n, "language", "site", 0);
	if (lang != NULL) {
		if (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
			cam_schema_err(v, cam_yaml_get(n, "language"), "site: "
			    "language \"%s\" is not one camkit speaks (vi or "
			    "en)", lang);
		free(cfg->language);
		cfg->language = lang;
	}
}

static void
parse_storage(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "root", "retention_days",
	    "max_usage", NULL };

	if (cam_schema_null(n) || !cam_schema_map(v, n, "storage", keys))
		return;
	char *root = get_str(v, n, "root", "storage", 0);
	if (root != NULL) {
		if (root[0] != '/' || strstr(root, "/..") != NULL)
			cam_schema_err(v, cam_yaml_get(n, "root"), "storage: "
			    "\"root\" must be an absolute path without \"..\"");
		free(cfg->root);
		cfg->root = root;
	}
	cam_schema_int(v, n, "retention_days", "storage", 1, 36500,
	    &cfg->retention_days);
	const struct cam_ynode *m = cam_yaml_get(n, "max_usage");
	if (!cam_schema_null(m)) {
		if (m->type != CAM_Y_SCALAR || cam_size_parse(m->value,
		    &cfg->max_bytes, &cfg->max_percent) == -1)
			cam_schema_err(v, m, "storage: \"max_usage\" must be a "
			    "percent of the filesystem (\"90%%\") or a size "
			    "(\"500G\", \"2TiB\", bytes)");
	}
}

/* view: camview's listening address, the runtime directory where camrec
 * publishes live streams, and the idle time that ends a session. */
static void
parse_view(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "listen", "run_dir",
	    "idle_minutes", NULL };

	if (cam_schema_null(n) || !cam_schema_map(v, n, "view", keys))
		return;
	char *listen = get_str(v, n, "listen", "view", 0);
	if (listen != NULL) {
		if (!cam_listen_valid(listen))
			cam_schema_err(v, cam_yaml_get(n, "listen"), "view: "
			    "\"listen\" must be ADDRESS:PORT (\"0.0.0.0:8443\","
			    " \"[::1]:8443\")");
		free(cfg->view_listen);
		cfg->view_listen = listen;
	}
	char *run = get_str(v, n, "run_dir", "view", 0);
	if (run != NULL) {
		if (run[0] != '/' || strstr(run, "/..") != NULL ||
		    strlen(run) > CAM_VIEW_RUN_DIR_MAX)
			cam_schema_err(v, cam_yaml_get(n, "run_dir"), "view: "
			    "\"run_dir\" must be an absolute path without "
			    "\"..\", at most %d bytes", CAM_VIEW_RUN_DIR_MAX);
		free(cfg->view_run_dir);
		cfg->view_run_dir = run;
	}
	cam_schema_int(v, n, "idle_minutes", "view", 1, 1440,
	    &cfg->view_idle_minutes);
}

const char *const cam_alert_kinds[CAM_ALERT_NKINDS] = {
	"outage", "storage", "logbook", "integrity", "access", "report",
	"digest",
};

/* An e-mail address as alerts: takes it: local@domain, printable ASCII
 * with no space, quote or angle bracket (it goes into SMTP commands). */
static int
mail_address_valid(const char *a)
{
	const char *at = strchr(a, '@');

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') ||
	    strlen(a) > 254)
		return 0;
	for (const char *p = a; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>\"(),;:\\[]", *p))
			return 0;
	return 1;
}

static void
alert_addresses(struct cam_schema *v, const struct cam_ynode *to,
    const char *key, struct cam_paths *out)
{
	const struct cam_ynode *n = cam_yaml_get(to, key);

	if (cam_schema_null(n))
		return;
	if (n->type == CAM_Y_SCALAR) {
		out->path = cam_xmalloc(sizeof(char *));
		out->path[out->n++] = cam_xstrdup(n->value);
	} else if (n->type == CAM_Y_SEQ) {
		out->path = cam_xmalloc((n->n + 1) * sizeof(char *));
		for (size_t i = 0; i < n->n; i++) {
			if (n->items[i]->type != CAM_Y_SCALAR) {
				cam_schema_err(v, n->items[i], "alerts: to: "
				    "\"%s\" must be a list of addresses", key);
				continue;
			}
			out->path[out->n++] = cam_xstrdup(n->items[i]->value);
		}
	} else {
		cam_schema_err(v, n, "alerts: to: \"%s\" must be a list of "
		    "addresses, not a mapping", key);
		return;
	}
	for (size_t i = 0; i < out->n; i++)
		if (!mail_address_valid(out->path[i]))
			cam_schema_err(v, n, "alerts: to: %s: \"%.80s\" is not "
			    "an e-mail address", key, out->path[i]);
}

/* alerts: thresholds, the mail server, the webhook and the recipients
 * of each kind of event. */
static void
parse_alerts(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "camera_down_after",
	    "journals_every", "digest_hour", "smtp", "webhook", "to", NULL };
	static const char *const smtp_keys[] = { "url", "from",
	    "credential", "ca_file", NULL };
	static const char *const to_keys[] = { "outage", "storage",
	    "logbook", "integrity", "access", "report", "digest", "default",
	    NULL };
	struct cam_alerts *a = &cfg->alerts;
	const struct cam_ynode *m;

	if (cam_schema_null(n) || !cam_schema_map(v, n, "alerts", keys))
		return;
	char *d = get_str(v, n, "camera_down_after", "alerts", 0);
	if (d != NULL) {
		struct cam_err de;
		cam_err_clear(&de);
		if (cam_duration_parse(d, &a->camera_down_after, &de) == -1)
			cam_schema_err(v, cam_yaml_get(n, "camera_down_after"),
			    "alerts: \"camera_down_after\" must be a duration "
			    "(\"2m\", \"90s\"), not \"%s\"", d);
		free(d);
	}
	d = get_str(v, n, "journals_every", "alerts", 0);
	if (d != NULL) {
		struct cam_err de;
		cam_err_clear(&de);
		if (cam_duration_parse(d, &a->journals_every, &de) == -1)
			cam_schema_err(v, cam_yaml_get(n, "journals_every"),
			    "alerts: \"journals_every\" must be a duration "
			    "(\"10m\", \"1h\"), not \"%s\"", d);
		free(d);
	}
	cam_schema_int(v, n, "digest_hour", "alerts", -1, 23,
	    &a->digest_hour);
	m = cam_yaml_get(n, "smtp");
	if (!cam_schema_null(m) && cam_schema_map(v, m, "alerts: smtp",
	    smtp_keys)) {
		a->smtp_url = get_str(v, m, "url", "alerts: smtp", 1);
		a->smtp_from = get_str(v, m, "from", "alerts: smtp", 1);
		a->smtp_credential = get_str(v, m, "credential",
		    "alerts: smtp", 0);
		a->smtp_ca_file = get_str(v, m, "ca_file", "alerts: smtp", 0);
		if (a->smtp_url != NULL && strncmp(a->smtp_url, "smtp://",
		    7) != 0 && strncmp(a->smtp_url, "smtps://", 8) != 0)
			cam_schema_err(v, cam_yaml_get(m, "url"), "alerts: "
			    "smtp: \"url\" must be smtp://HOST:PORT (STARTTLS) "
			    "or smtps://HOST:PORT");
		if (a->smtp_from != NULL && !mail_address_valid(a->smtp_from))
			cam_schema_err(v, cam_yaml_get(m, "from"), "alerts: "
			    "smtp: \"from\" is not an e-mail address");
		if (a->smtp_credential != NULL &&
		    !cam_id_valid(a->smtp_credential))
			cam_schema_err(v, cam_yaml_get(m, "credential"),
			    "alerts: smtp: bad credential name \"%s\"",
			    a->smtp_credential);
	}
	a->webhook = get_str(v, n, "webhook", "alerts", 0);
	if (a->webhook != NULL && strncmp(a->webhook, "http://", 7) != 0 &&
	    strncmp(a->webhook, "https://", 8) != 0)
		cam_schema_err(v, cam_yaml_get(n, "webhook"), "alerts: "
		    "\"webhook\" must be an http:// or https:// URL");
	m = cam_yaml_get(n, "to");
	if (!cam_schema_null(m) && cam_schema_map(v, m, "alerts: to",
	    to_keys)) {
		for (int k = 0; k < CAM_ALERT_NKINDS; k++)
			alert_addresses(v, m, cam_alert_kinds[k], &a->to[k]);
		alert_addresses(v, m, "default", &a->to_default);
	}
}

const char *const cam_repl_kinds[CAM_REPL_NKINDS] = {
	"evidence", "journals", "footage",
};

/* sync: the central repository (camctl sync). */
static void
parse_sync(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "remote", "branch", NULL };

	if (cam_schema_null(n) || !cam_schema_map(v, n, "sync", keys))
		return;
	cfg->sync.remote = get_str(v, n, "remote", "sync", 0);
	if (cfg->sync.remote != NULL && (cfg->sync.remote[0] == '\0' ||
	    cfg->sync.remote[0] == '-' ||
	    !cam_utf8_clean(cfg->sync.remote, strlen(cfg->sync.remote), 0)))
		cam_schema_err(v, cam_yaml_get(n, "remote"), "sync: "
		    "\"remote\" must be a remote's name or a URL");
	cfg->sync.branch = get_str(v, n, "branch", "sync", 0);
	if (cfg->sync.branch != NULL && (cfg->sync.branch[0] == '\0' ||
	    cfg->sync.branch[0] == '-' || strstr(cfg->sync.branch, "..") ||
	    strpbrk(cfg->sync.branch, " ~^:?*[\\") != NULL))
		cam_schema_err(v, cam_yaml_get(n, "branch"), "sync: "
		    "\"branch\" must be a branch name");
}

/* "HH:MM-HH:MM" into minutes after midnight: 0, or -1. */
static int
window_parse(const char *s, int *from, int *to)
{
	unsigned h1, m1, h2, m2;
	char tail;

	if (sscanf(s, "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4 ||
	    h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 ||
	    (h2 == 24 && m2 != 0) || strlen(s) != 11)
		return -1;
	*from = (int)(h1 * 60 + m1);
	*to = (int)(h2 * 60 + m2);
	return *from == *to ? -1 : 0;
}

/* replication: the S3 service, its buckets, how long the store keeps
 * each kind, and when and how fast to send. */
static void
parse_replication(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "endpoint", "region",
	    "credential", "ca_file", "prefix", "buckets", "footage_days",
	    "journal_days", "evidence_days", "max_rate", "window",
	    "keep_until_replicated", NULL };
	static const char *const bucket_keys[] = { "evidence", "journals",
	    "footage", NULL };
	struct cam_replication *r = &cfg->repl;
	const struct cam_ynode *m;

	r->footage_days = cfg->retention_days;
	if (cam_schema_null(n) || !cam_schema_map(v, n, "replication", keys))
		return;
	r->endpoint = get_str(v, n, "endpoint", "replication", 1);
	if (r->endpoint != NULL) {
		const char *p = r->endpoint;
		if (strncmp(p, "http://", 7) == 0)
			p += 7;
		else if (strncmp(p, "https://", 8) == 0)
			p += 8;
		else
			p = NULL;
		if (p == NULL || *p == '\0' || strpbrk(p, "/?#@ ") != NULL ||
		    !cam_utf8_clean(p, strlen(p), 0))
			cam_schema_err(v, cam_yaml_get(n, "endpoint"),
			    "replication: \"endpoint\" must be http(s)://HOST"
			    "[:PORT], without a path or credentials");
	}
	r->region = get_str(v, n, "region", "replication", 0);
	if (r->region == NULL)
		r->region = cam_xstrdup("us-east-1");
	else if (r->region[0] == '\0' || strpbrk(r->region, ":/ ") != NULL)
		cam_schema_err(v, cam_yaml_get(n, "region"), "replication: "
		    "bad \"region\" \"%s\"", r->region);
	r->credential = get_str(v, n, "credential", "replication", 1);
	if (r->credential != NULL && !cam_id_valid(r->credential))
		cam_schema_err(v, cam_yaml_get(n, "credential"),
		    "replication: bad credential name \"%s\"", r->credential);
	r->ca_file = get_str(v, n, "ca_file", "replication", 0);
	r->prefix = get_str(v, n, "prefix", "replication", 0);
	if (r->prefix == NULL)
		r->prefix = cam_xstrdup("");
	else if (r->prefix[0] != '\0' && (r->prefix[0] == '/' ||
	    r->prefix[strlen(r->prefix) - 1] != '/' ||
	    strstr(r->prefix, "//") != NULL || strstr(r->prefix, "..") ||
	    !cam_utf8_clean(r->prefix, strlen(r->prefix), 0)))
		cam_schema_err(v, cam_yaml_get(n, "prefix"), "replication: "
		    "\"prefix\" must be empty or end in \"/\" (\"office-1/\")");
	m = cam_yaml_get(n, "buckets");
	if (cam_schema_null(m))
		cam_schema_err(v, n, "replication: \"buckets\" is missing");
	else if (cam_schema_map(v, m, "replication: buckets", bucket_keys))
		for (int k = 0; k < CAM_REPL_NKINDS; k++) {
			r->bucket[k] = get_str(v, m, cam_repl_kinds[k],
			    "replication: buckets", 1);
			const char *b = r->bucket[k];
			size_t bl = b != NULL ? strlen(b) : 0;
			if (b != NULL && (bl < 3 || bl > 63 ||
			    strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789.-")
			    != bl || b[0] == '-' || b[0] == '.'))
				cam_schema_err(v, cam_yaml_get(m,
				    cam_repl_kinds[k]), "replication: buckets:"
				    " \"%s\" is not a bucket name (3 to 63 of "
				    "a-z, 0-9, \".\" and \"-\")", b);
		}
	cam_schema_int(v, n, "footage_days", "replication", 1, 36500,
	    &r->footage_days);
	cam_schema_int(v, n, "journal_days", "replication", 1, 36500,
	    &r->journal_days);
	cam_schema_int(v, n, "evidence_days", "replication", 1, 36500,
	    &r->evidence_days);
	m = cam_yaml_get(n, "max_rate");
	if (!cam_schema_null(m)) {
		int pct = 0;
		if (m->type != CAM_Y_SCALAR || cam_size_parse(m->value,
		    &r->max_rate, &pct) == -1 || pct != 0)
			cam_schema_err(v, m, "replication: \"max_rate\" must be "
			    "bytes per second (\"2MB\", \"500K\")");
	}
	char *w = get_str(v, n, "window", "replication", 0);
	if (w != NULL && window_parse(w, &r->window_from, &r->window_to) == -1)
		cam_schema_err(v, cam_yaml_get(n, "window"), "replication: "
		    "\"window\" must be HH:MM-HH:MM (\"22:00-06:00\"), not "
		    "\"%s\"", w);
	free(w);
	cam_schema_bool(v, n, "keep_until_replicated", "replication",
	    &r->keep_until_replicated);
	if (r->footage_days < cfg->retention_days)
		cam_schema_err(v, cam_yaml_get(n, "footage_days"),
		    "replication: \"footage_days\" (%d) is shorter than "
		    "storage: \"retention_days\" (%d): the store must keep "
		    "footage at least as long as the recorder",
		    r->footage_days, cfg->retention_days);
}

const char *
cam_camera_host(const struct cam_config *cfg, const struct cam_camera *c)
{
	return c->host != NULL ? c->host : cfg->host;
}

const struct cam_paths *
cam_alert_to(const struct cam_config *cfg, enum cam_alert_kind kind)
{
	if (cfg->alerts.to[kind].n > 0)
		return &cfg->alerts.to[kind];
	return &cfg->alerts.to_default;
}

int
cam_listen_valid(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;

	if (colon == NULL || colon == s || strlen(s) > 80)
		return 0;
	if (s[0] == '[' ? colon[-1] != ']' : memchr(s, ']', 1) != NULL)
		return 0;
	if (!isdigit((unsigned char)colon[1]))
		return 0;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || errno || port < 1 || port > 65535)
		return 0;
	return strspn(s, "0123456789abcdefABCDEF.:[]") == strlen(s) ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-:") == strlen(s);
}

static void
parse_camera(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_camera *c)
{
	char why[256];

	c->enabled = 1;
	c->segment = CAM_SEGMENT_DEFAULT;
	c->line = n->start.line;
	if (!cam_schema_map(v, n, "camera", cam_camera_keys))
		return;
	c->id = get_str(v, n, "id", "camera", 1);
	if (c->id != NULL && !cam_id_valid(c->id))
		cam_schema_err(v, cam_yaml_get(n, "id"), "camera: bad id "
		    "\"%s\": use a-z, 0-9 and '-', at most %d characters",
		    c->id, CAM_ID_MAX);
	c->name = get_str(v, n, "name", "camera", 0);
	c->location = get_str(v, n, "location", "camera", 0);
	c->url = get_str(v, n, "url", "camera", 1);
	/* Credentials in the URL were reported by secret_scan already. */
	if (c->url != NULL && cam_url_check(c->url, why, sizeof(why)) == -1 &&
	    strncmp(why, "credentials", 11) != 0)
		url_err(v, cam_yaml_get(n, "url"), c->id, "", why, c->url);
	c->live_url = get_str(v, n, "live_url", "camera", 0);
	if (c->live_url != NULL && cam_url_check(c->live_url, why,
	    sizeof(why)) == -1 && strncmp(why, "credentials", 11) != 0)
		url_err(v, cam_yaml_get(n, "live_url"), c->id, "live_url: ",
		    why, c->live_url);
	c->credential = get_str(v, n, "credential", "camera", 0);
	if (c->credential != NULL && !cam_id_valid(c->credential))
		cam_schema_err(v, cam_yaml_get(n, "credential"), "camera: bad "
		    "credential name \"%s\": use a-z, 0-9 and '-'",
		    c->credential);
	c->host = get_str(v, n, "host", "camera", 0);
	check_host(v, n, c->host, "camera");
	cam_schema_bool(v, n, "enabled", "camera", &c->enabled);
	const struct cam_ynode *s = cam_yaml_get(n, "segment");
	if (!cam_schema_null(s)) {
		struct cam_err e2;
		cam_err_clear(&e2);
		if (s->type != CAM_Y_SCALAR ||
		    cam_duration_parse(s->value, &c->segment, &e2) == -1 ||
		    !cam_segment_valid(c->segment))
			cam_schema_err(v, s, "camera: \"segment\" must be a "
			    "duration from 5s to 1h (e.g. 60s, 5m)");
	}
	c->transport = get_str(v, n, "transport", "camera", 0);
	if (c->transport != NULL && !cam_transport_valid(c->transport))
		cam_schema_err(v, cam_yaml_get(n, "transport"), "camera: "
		    "\"transport\" must be tcp or udp");
	if (c->transport == NULL)
		c->transport = cam_xstrdup("tcp");
	c->model = get_str(v, n, "model", "camera", 0);
	c->firmware = get_str(v, n, "firmware", "camera", 0);
}

static void
parse_cameras(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	if (cam_schema_null(n))
		return;
	if (n->type != CAM_Y_SEQ) {
		if (n->type == CAM_Y_MAP)
			cam_schema_err(v, n, "\"cameras\" must be a list, not "
			    "a mapping");
		else
			cam_schema_err(v, n, "\"cameras\" must be a list, not "
			    "a scalar");
		return;
	}
	cfg->cameras = cam_xmalloc(n->n * sizeof(*cfg->cameras));
	memset(cfg->cameras, 0, n->n * sizeof(*cfg->cameras));
	for (size_t i = 0; i < n->n; i++) {
		struct cam_camera *c = &cfg->cameras[cfg->ncameras++];
		parse_camera(v, n->items[i], c);
		for (size_t j = 0; c->id && j < i; j++)
			if (cfg->cameras[j].id &&
			    strcmp(cfg->cameras[j].id, c->id) == 0)
				cam_schema_err(v,
				    cam_yaml_get(n->items[i], "id"),
				    "duplicate camera id \"%s\" (first at line "
				    "%d)", c->id, cfg->cameras[j].line);
	}
}

static void
parse_users(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	if (cam_schema_null(n))
		return;
	if (n->type != CAM_Y_MAP) {
		if (n->type == CAM_Y_SEQ)
			cam_schema_err(v, n, "\"users\" must be a mapping of "
			    "user name to roles, not a list");
		else
			cam_schema_err(v, n, "\"users\" must be a mapping of "
			    "user name to roles, not a scalar");
		return;
	}
	cfg->users = cam_xmalloc(n->n * sizeof(*cfg->users));
	for (size_t i = 0; i < n->n; i++) {
		const struct cam_ynode *k = n->keys[i], *r = n->vals[i];
		struct cam_user *u = &cfg->users[cfg->nusers++];
		u->name = cam_xstrdup(k->value);
		u->roles = 0;
		if (!cam_username_valid(k->value))
			cam_schema_err(v, k, "bad user name \"%s\": a Unix "
			    "user name (a-z, 0-9, _ - .)", k->value);
		if (r->type == CAM_Y_SCALAR && !cam_schema_null(r)) {
			if ((u->roles = cam_role_parse(r->value)) == 0)
				cam_schema_err(v, r, "user %s: unknown role "
				    "\"%s\"", k->value, r->value);
			continue;
		}
		if (r->type != CAM_Y_SEQ || r->n == 0) {
			cam_schema_err(v, cam_schema_null(r) ? k : r, "user "
			    "%s: give a list of roles, e.g. [guard]", k->value);
			continue;
		}
		for (size_t j = 0; j < r->n; j++) {
			const struct cam_ynode *x = r->items[j];
			unsigned bit = x->type == CAM_Y_SCALAR ?
			    cam_role_parse(x->value) : 0;
			if (bit == 0)
				cam_schema_err(v, x, "user %s: unknown role "
				    "\"%s\" (roles: %s)", k->value,
				    x->type == CAM_Y_SCALAR ? x->value : "?",
				    CAM_ROLE_NAMES);
			else if (u->roles & bit)
				cam_schema_err(v, x, "user %s: role \"%s\" "
				    "given twice", k->value, x->value);
			u->roles |= bit;
		}
	}
}

/* policy.approved_cameras: a list of { model, min_firmware }. */
static void
parse_approved(struct cam_schema *v, const struct cam_ynode *n,
    struct cam_config *cfg)
{
	static const char *const keys[] = { "model", "min_firmware", NULL };
	const char *what = "policy: approved_cameras";

	if (cam_schema_null(n))
		return;
	if (n->type != CAM_Y_SEQ) {
		if (n->type == CAM_Y_MAP)
			cam_schema_err(v, n, "%s must be a list of { model: M, "
			    "min_firmware: V }, not a mapping", what);
		else
			cam_schema_err(v, n, "%s must be a list of { model: M, "
			    "min_firmware: V }, not a scalar", what);
		return;
	}
	cfg->approved = cam_xmalloc((n->n + 1) * sizeof(*cfg->approved));
	memset(cfg->approved, 0, (n->n + 1) * sizeof(*cfg->approved));
	for (size_t i = 0; i < n->n; i++) {
		const struct cam_ynode *it = n->items[i];
		struct cam_approved *a = &cfg->approved[cfg->napproved++];
		int cmp;

		a->line = it->start.line;
		if (!cam_schema_map(v, it, what, keys))
			continue;
		a->model = get_str(v, it, "model", what, 1);
		a->min_firmware = get_str(v, it, "min_firmware", what, 0);
		if (a->min_firmware != NULL && cam_firmware_cmp(a->min_firmware,
		    a->min_firmware, &cmp) == -1)
			cam_schema_err(v, cam_yaml_get(it, "min_firmware"),
			    "%s: \"min_firmware\" must be a version such as "
			    "\"5.7.3\" or \"V5.7.3 build 220112\", not \"%s\"",
			    what, a->min_firmware);
		for (size_t j = 0; a->model != NULL && j < i; j++)
			if (cfg->approved[j].model != NULL &&
			    strcasecmp(cfg->approved[j].model, a->model) == 0)
				cam_schema_err(v, cam_yaml_get(it, "model"),
				    "%s: model \"%s\" listed twice (first at "
				    "line %d)", what, a->model,
				    cfg->approved[j].line);
	}
}

/* policy.crl_expired: what a revocation list past its nextUpdate
 * does: "warn" (accepted, with a warning) or "refuse". */
static void
parse_crl_expired(struct cam_schema *v, const struct cam_ynode *policy,
    struct cam_config *cfg)
{
	char *s = get_str(v, policy, "crl_expired", "policy", 0);

	if (s == NULL)
		return;
	if (strcmp(s, "refuse") == 0)
		cfg->crl_expired_refuse = 1;
	else if (strcmp(s, "warn") != 0)
		cam_schema_err(v, cam_yaml_get(policy, "crl_expired"),
		    "policy: \"crl_expired\" must be \"warn\" or "
		    "\"refuse\", not \"%s\"", s);
	free(s);
}

int
cam_config_from_doc(struct cam_config *cfg, const struct cam_ydoc *doc,
    struct cam_err *e)
{
	static const char *const top[] = { "site", "storage", "cameras",
	    "users", "policy", "trust", "view", "alerts", "sync",
	    "replication", NULL };
	static const char *const policy_keys[] = { "unit_head_signature",
	    "approved_cameras", "crl_expired", NULL };
	static const char *const trust_keys[] = { "ca", "director",
	    "unit_head", "crl", NULL };
	struct cam_schema v = { doc, e, 0, secret_key };
	const struct cam_ynode *root = doc->root, *n;

	memset(cfg, 0, sizeof(*cfg));
	cfg->timezone = cam_xstrdup(CAM_DEFAULT_ZONE);
	cfg->language = cam_xstrdup("vi");	/* DESIGN: the site default */
	cfg->root = cam_xstrdup(CAM_DEFAULT_ROOT);
	cfg->retention_days = 30;
	cfg->max_percent = 90;
	cfg->unit_head_signature = 1;
	cfg->view_listen = cam_xstrdup(CAM_VIEW_LISTEN);
	cfg->view_run_dir = cam_xstrdup(CAM_VIEW_RUN_DIR);
	cfg->view_idle_minutes = CAM_VIEW_IDLE_MINUTES;
	cfg->alerts.camera_down_after = CAM_ALERT_DOWN_AFTER;
	cfg->alerts.journals_every = CAM_ALERT_JOURNALS_EVERY;
	cfg->alerts.digest_hour = CAM_ALERT_DIGEST_HOUR;
	cfg->repl.journal_days = CAM_REPL_KEEP_DAYS;
	cfg->repl.evidence_days = CAM_REPL_KEEP_DAYS;
	cfg->repl.window_from = cfg->repl.window_to = -1;
	if (root == NULL) {
		cam_schema_err(&v, NULL, "empty configuration");
		return -1;
	}
	secret_scan(&v, root, 0);
	if (!cam_schema_map(&v, root, "the configuration", top))
		return -1;
	parse_site(&v, cam_yaml_get(root, "site"), cfg);
	parse_storage(&v, cam_yaml_get(root, "storage"), cfg);
	parse_cameras(&v, cam_yaml_get(root, "cameras"), cfg);
	parse_view(&v, cam_yaml_get(root, "view"), cfg);
	parse_alerts(&v, cam_yaml_get(root, "alerts"), cfg);
	parse_sync(&v, cam_yaml_get(root, "sync"), cfg);
	parse_replication(&v, cam_yaml_get(root, "replication"), cfg);
	parse_users(&v, cam_yaml_get(root, "users"), cfg);
	n = cam_yaml_get(root, "policy");
	if (!cam_schema_null(n) && cam_schema_map(&v, n, "policy",
	    policy_keys)) {
		cam_schema_bool(&v, n, "unit_head_signature", "policy",
		    &cfg->unit_head_signature);
		parse_approved(&v, cam_yaml_get(n, "approved_cameras"), cfg);
		parse_crl_expired(&v, n, cfg);
	}
	n = cam_yaml_get(root, "trust");
	if (!cam_schema_null(n) && cam_schema_map(&v, n, "trust", trust_keys)) {
		get_paths(&v, n, "ca", &cfg->trust_ca);
		get_paths(&v, n, "director", &cfg->trust_director);
		get_unit_heads(&v, n, cfg);
		get_paths(&v, n, "crl", &cfg->trust_crl);
	}
	return v.bad ? -1 : 0;
}

int
cam_config_parse(struct cam_config *cfg, const char *file, const char *text,
    size_t len, struct cam_err *e)
{
	struct cam_ydoc doc;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (cam_schema_parse(&doc, file, text, len, CAM_CONFIG_MAX, e) == -1)
		return -1;
	rc = cam_config_from_doc(cfg, &doc, e);
	cam_yaml_free(&doc);
	return rc;
}

int
cam_config_secrets(const char *file, const char *text, size_t len,
    struct cam_err *e)
{
	struct cam_ydoc doc;
	struct cam_err ignore;
	struct cam_schema v = { &doc, e, 0, secret_key };

	if (cam_yaml_parse(&doc, file, text, len, &ignore) == -1) {
		cam_yaml_free(&doc);
		return 0;
	}
	secret_scan(&v, doc.root, 0);
	cam_yaml_free(&doc);
	return v.bad;
}

static void
paths_free(struct cam_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->path[i]);
	free(p->path);
	p->path = NULL;
	p->n = 0;
}

void
cam_config_free(struct cam_config *cfg)
{
	free(cfg->site_name);
	free(cfg->timezone);
	free(cfg->language);
	free(cfg->host);
	free(cfg->root);
	free(cfg->view_listen);
	free(cfg->view_run_dir);
	paths_free(&cfg->trust_ca);
	paths_free(&cfg->trust_director);
	for (size_t i = 0; i < cfg->trust_unit_head.n; i++)
		free(cfg->trust_unit_head_unit[i]);
	free(cfg->trust_unit_head_unit);
	cfg->trust_unit_head_unit = NULL;
	paths_free(&cfg->trust_unit_head);
	paths_free(&cfg->trust_crl);
	free(cfg->alerts.smtp_url);
	free(cfg->alerts.smtp_from);
	free(cfg->alerts.smtp_credential);
	free(cfg->alerts.smtp_ca_file);
	free(cfg->alerts.webhook);
	for (int k = 0; k < CAM_ALERT_NKINDS; k++)
		paths_free(&cfg->alerts.to[k]);
	paths_free(&cfg->alerts.to_default);
	free(cfg->sync.remote);
	free(cfg->sync.branch);
	free(cfg->repl.endpoint);
	free(cfg->repl.region);
	free(cfg->repl.credential);
	free(cfg->repl.ca_file);
	free(cfg->repl.prefix);
	for (int k = 0; k < CAM_REPL_NKINDS; k++)
		free(cfg->repl.bucket[k]);
	for (size_t i = 0; i < cfg->ncameras; i++) {
		struct cam_camera *c = &cfg->cameras[i];
		free(c->id);
		free(c->name);
		free(c->location);
		free(c->url);
		free(c->live_url);
		free(c->credential);
		free(c->host);
		free(c->transport);
		free(c->model);
		free(c->firmware);
	}
	free(cfg->cameras);
	for (size_t i = 0; i < cfg->napproved; i++) {
		free(cfg->approved[i].model);
		free(cfg->approved[i].min_firmware);
	}
	free(cfg->approved);
	for (size_t i = 0; i < cfg->nusers; i++)
		free(cfg->users[i].name);
	free(cfg->users);
	memset(cfg, 0, sizeof(*cfg));
}

const struct cam_camera *
cam_config_camera(const struct cam_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->ncameras; i++)
		if (cfg->cameras[i].id && strcmp(cfg->cameras[i].id, id) == 0)
			return &cfg->cameras[i];
	return NULL;
}

int
cam_config_credential_used(const struct cam_config *cfg, const char *cred)
{
	for (size_t i = 0; i < cfg->ncameras; i++)
		if (cfg->cameras[i].credential != NULL &&
		    strcmp(cfg->cameras[i].credential, cred) == 0)
			return 1;
	return 0;
}

const struct cam_approved *
cam_config_approved(const struct cam_config *cfg, const char *model)
{
	for (size_t i = 0; i < cfg->napproved; i++)
		if (cfg->approved[i].model != NULL &&
		    strcasecmp(cfg->approved[i].model, model) == 0)
			return &cfg->approved[i];
	return NULL;
}

const struct cam_user *
cam_config_user(const struct cam_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nusers; i++)
		if (strcmp(cfg->users[i].name, name) == 0)
			return &cfg->users[i];
	return NULL;
}

/* ---- a camera's settings ---- */

const char *const cam_camera_keys[CAM_CAMERA_NKEYS + 1] = { "id", "name",
	"location", "host", "url", "segment", "transport", "model",
	"firmware", "credential", "enabled", "live_url", NULL };

int
cam_camera_key(const char *key)
{
	for (int i = 0; cam_camera_keys[i] != NULL; i++)
		if (strcmp(cam_camera_keys[i], key) == 0)
			return i;
	return -1;
}

int
cam_segment_valid(int64_t secs)
{
	return secs >= CAM_SEGMENT_MIN && secs <= CAM_SEGMENT_MAX;
}

int
cam_transport_valid(const char *transport)
{
	return strcmp(transport, "tcp") == 0 || strcmp(transport, "udp") == 0;
}

int
cam_camera_value_check(const char *key, const char *val, struct cam_err *e)
{
	char why[256];
	int64_t secs;

	if (!cam_utf8_clean(val, strlen(val), 0))
		return cam_errf(e, CAM_USAGE, "%s: control characters or "
		    "invalid UTF-8", key);
	if ((strcmp(key, "url") == 0 || strcmp(key, "live_url") == 0) &&
	    cam_url_check(val, why, sizeof(why)) == -1) {
		char en[512], text[512];

		/* why is a msgid (cam_url_check): _(why) for the reader. */
		snprintf(en, sizeof(en), "%s: %s", key, why);
		snprintf(text, sizeof(text), "%s: %s", key, _(why));
		return cam_err_pair(e, CAM_NO, 0, en, text);
	}
	if (strcmp(key, "segment") == 0) {
		if (cam_duration_parse(val, &secs, e) == -1)
			return -1;
		if (!cam_segment_valid(secs))
			return cam_errf(e, CAM_NO, "segment %s: must be from "
			    "5s to 1h", val);
	}
	if (strcmp(key, "enabled") == 0 && strcmp(val, "true") != 0 &&
	    strcmp(val, "false") != 0)
		return cam_errf(e, CAM_NO, "enabled must be true or false");
	if (strcmp(key, "transport") == 0 && !cam_transport_valid(val))
		return cam_errf(e, CAM_NO, "transport must be tcp or udp");
	if (strcmp(key, "credential") == 0 && !cam_id_valid(val))
		return cam_errf(e, CAM_NO, "bad credential name \"%s\"", val);
	return 0;
}

void
cam_camera_value_yaml(struct cam_buf *b, const char *key, const char *val)
{
	if (strcmp(key, "enabled") == 0 && (strcmp(val, "true") == 0 ||
	    strcmp(val, "false") == 0))
		cam_buf_adds(b, val);
	else
		cam_yaml_quote(b, val);
}

int
cam_camera_item(struct cam_buf *b, const char *id,
    const char *const vals[CAM_CAMERA_NKEYS], struct cam_err *e)
{
	int url = cam_camera_key("url");

	if (vals[url] != NULL &&
	    cam_camera_value_check("url", vals[url], e) == -1)
		return -1;
	for (int k = 1; k < CAM_CAMERA_NKEYS; k++)
		if (k != url && vals[k] != NULL &&
		    cam_camera_value_check(cam_camera_keys[k], vals[k],
		    e) == -1)
			return -1;
	cam_buf_addf(b, "id: %s\n", id);
	for (int k = 1; k < CAM_CAMERA_NKEYS; k++) {
		if (vals[k] == NULL)
			continue;
		cam_buf_addf(b, "%s: ", cam_camera_keys[k]);
		/* A credential is named as an id is written: plain. */
		if (strcmp(cam_camera_keys[k], "credential") == 0)
			cam_buf_adds(b, vals[k]);
		else
			cam_camera_value_yaml(b, cam_camera_keys[k], vals[k]);
		cam_buf_adds(b, "\n");
	}
	return 0;
}

int
cam_config_edit_camera(struct cam_ydoc *doc, void *arg, struct cam_err *e)
{
	struct cam_camera_edit *ce = arg;
	const struct cam_ynode *seq;
	int i = cam_site_find_camera(doc, ce->id, &seq);

	if (ce->item != NULL) {
		if (i != -1)
			return cam_errf(e, CAM_NO, "camera \"%s\" already "
			    "exists", ce->id);
		if (seq == NULL)
			return cam_errf(e, CAM_NO, "%s: no \"cameras:\" list "
			    "to add to", doc->file);
		if (ce->on_add != NULL && ce->on_add(ce->arg, e) == -1)
			return -1;
		return cam_yaml_seq_append(doc, seq, ce->item, e);
	}
	if (i == -1)
		return cam_errf(e, CAM_NO, "no camera \"%s\"", ce->id);
	if (ce->remove)
		return cam_yaml_seq_remove(doc, seq, (size_t)i, e);
	for (size_t k = 0; k < ce->nkv; k++) {
		const struct cam_ynode *cam;
		cam_site_find_camera(doc, ce->id, &seq);
		cam = seq->items[i];
		if (ce->vals[k] == NULL) {
			int at = cam_yaml_key_index(cam, ce->keys[k]);
			if (at != -1 && cam_yaml_map_remove(doc, cam,
			    (size_t)at, e) == -1)
				return -1;
		} else if (cam_yaml_map_set(doc, cam, ce->keys[k],
		    ce->vals[k], e) == -1)
			return -1;
		if (cam_site_reparse(doc, e) == -1)
			return -1;
	}
	return 0;
}

/* ---- users ---- */

static void
roles_yaml(struct cam_buf *b, unsigned roles)
{
	int n = 0;

	cam_buf_adds(b, "[");
	for (unsigned bit = 1; bit != 0 && cam_role_name(bit) != NULL;
	    bit <<= 1)
		if (roles & bit)
			cam_buf_addf(b, "%s%s", n++ ? ", " : "",
			    cam_role_name(bit));
	cam_buf_adds(b, "]");
}

int
cam_config_edit_user(struct cam_ydoc *doc, void *arg, struct cam_err *e)
{
	struct cam_user_edit *u = arg;
	const struct cam_ynode *users = cam_yaml_get(doc->root, "users");
	struct cam_config cfg;
	struct cam_buf v = CAM_BUF_INIT;
	unsigned have = 0;
	int i, rc;

	/* The current roles, as validated: the file at HEAD is valid. */
	if (cam_config_from_doc(&cfg, doc, e) == -1) {
		cam_config_free(&cfg);
		return -1;
	}
	const struct cam_user *cu = cam_config_user(&cfg, u->name);
	if (cu != NULL)
		have = cu->roles;
	cam_config_free(&cfg);
	if (users == NULL)
		return cam_errf(e, CAM_NO, "%s: no \"users:\" mapping",
		    doc->file);
	i = cam_yaml_key_index(users, u->name);
	if (u->add) {
		if ((have | u->roles) == have)
			return cam_errf(e, CAM_NO, "user %s already has "
			    "those roles", u->name);
		roles_yaml(&v, have | u->roles);
		rc = cam_yaml_map_set(doc, users, u->name, cam_buf_str(&v), e);
		cam_buf_free(&v);
		return rc;
	}
	if (i == -1)
		return cam_errf(e, CAM_NO, "no user \"%s\"", u->name);
	if (u->roles != 0 && (have & u->roles) != u->roles)
		return cam_errf(e, CAM_NO, "user %s does not have all those "
		    "roles", u->name);
	if (u->roles == 0 || (have & ~u->roles) == 0)
		return cam_yaml_map_remove(doc, users, (size_t)i, e);
	roles_yaml(&v, have & ~u->roles);
	cam_yaml_replace(doc, users->vals[i], cam_buf_str(&v));
	cam_buf_free(&v);
	return 0;
}

int
cam_config_edit_crl(struct cam_ydoc *doc, void *arg, struct cam_err *e)
{
	const struct cam_crl_edit *c = arg;
	const struct cam_ynode *trust = cam_yaml_get(doc->root, "trust");
	const struct cam_ynode *list;
	struct cam_buf v = CAM_BUF_INIT;
	int rc;

	if (trust == NULL || trust->type != CAM_Y_MAP) {
		if (!c->add)
			return cam_errf(e, CAM_NO, "%s: no revocation list "
			    "%s in trust.crl", doc->file, c->path);
		cam_buf_adds(&v, "{crl: [");
		cam_yaml_quote(&v, c->path);
		cam_buf_adds(&v, "]}");
		rc = cam_yaml_map_set(doc, doc->root, "trust",
		    cam_buf_str(&v), e);
		cam_buf_free(&v);
		return rc;
	}
	list = cam_yaml_get(trust, "crl");
	for (size_t i = 0; list != NULL && list->type == CAM_Y_SEQ &&
	    i < list->n; i++)
		if (list->items[i]->type == CAM_Y_SCALAR &&
		    strcmp(list->items[i]->value, c->path) == 0) {
			if (c->add)
				return 0;	/* a newer list in its place */
			return cam_yaml_seq_remove(doc, list, i, e);
		}
	if (!c->add)
		return cam_errf(e, CAM_NO, "no revocation list %s in "
		    "trust.crl", c->path);
	cam_yaml_quote(&v, c->path);
	if (list == NULL || cam_schema_null(list)) {
		struct cam_buf w = CAM_BUF_INIT;

		cam_buf_addf(&w, "[%s]", cam_buf_str(&v));
		rc = cam_yaml_map_set(doc, trust, "crl", cam_buf_str(&w), e);
		cam_buf_free(&w);
	} else if (list->type != CAM_Y_SEQ)
		rc = cam_errf(e, CAM_NO, "%s: trust.crl is not a list",
		    doc->file);
	else
		rc = cam_yaml_seq_append(doc, list, cam_buf_str(&v), e);
	cam_buf_free(&v);
	return rc;
}
