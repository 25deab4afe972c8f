/*
 * cam_request: see cam_request.h.
 *
 * Validation walks the whole tree and reports every problem, each at
 * its node (cam_schema, as for camkit.yaml).
 *
 * Signatures are checked one signer at a time with OpenSSL's lower
 * level CMS calls rather than CMS_verify, which stops at the first bad
 * signer of a file without saying which, and which would check
 * certificates for S/MIME use and at the current clock.  Per signer:
 * the signed attributes' signature, the digest of the request's bytes
 * against the messageDigest attribute (or the signature itself when
 * there are no attributes), then the certificate's chain to trust.ca
 * at the given time, for any purpose.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
/* pem.h before cms.h: cms.h declares PEM_read_bio_CMS only then. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_key.h"
#include "base/cam_schema.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "base/cam_yaml.h"
#include "evidence/cam_request.h"
#include "site/cam_config.h"

#define TEXT_MAX	1024		/* names, units */
#define PURPOSE_MAX	4096
#define PEM_MAX		(64 * 1024)	/* the recipient's certificate */
#define CERT_FILE_MAX	(1024 * 1024)

/* A private key anywhere in a request is refused: requests are handed
 * around and archived, keys never are. */
static void
key_scan(struct cam_schema *v, const struct cam_ynode *n)
{
	if (n == NULL)
		return;
	if (n->type == CAM_Y_SCALAR) {
		if (cam_crypto_has_key(n->value, strlen(n->value)))
			cam_schema_err(v, n, "a private key in a request: only "
			    "the recipient's certificate belongs here");
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == CAM_Y_SEQ)
			key_scan(v, n->items[i]);
		else
			key_scan(v, n->vals[i]);
	}
}

/*
 * Ids: [A-Za-z0-9._/-], 1-64, as office document numbers are written
 * ("YC-2026-012", "12/QĐ-UBND" without the Đ).  Slashes separate parts
 * that are neither empty, "." nor "..", so that an id used in a path
 * stays below where it is put; no leading '-' (an option).
 */
static int
valid_id(const char *s)
{
	return s[0] != '-' && cam_relpath_valid(s, CAM_REQUEST_ID_MAX);
}

static const struct cam_ynode *
get_time(struct cam_schema *v, const struct cam_ynode *map, const char *key,
    const char *zone, time_t *out, int *ok)
{
	const struct cam_ynode *n = cam_yaml_get(map, key);
	struct cam_err te;

	*ok = 0;
	if (cam_schema_null(n)) {
		cam_schema_err(v, n ? n : map, "\"%s\" is required: a local "
		    "time such as \"2026-11-20T08:00\", or RFC 3339 with an "
		    "offset or Z", key);
		return n;
	}
	if (n->type != CAM_Y_SCALAR) {
		if (n->type == CAM_Y_MAP)
			cam_schema_err(v, n, "\"%s\" must be a time, not a "
			    "mapping", key);
		else
			cam_schema_err(v, n, "\"%s\" must be a time, not a "
			    "list", key);
		return n;
	}
	cam_err_clear(&te);
	if (cam_time_parse(n->value, zone, out, &te) == -1) {
		cam_schema_err_wrap(v, n, &te, "\"%s\"", key);
		return n;
	}
	*ok = 1;
	return n;
}

static void
parse_party(struct cam_schema *v, const struct cam_ynode *root, const char *key,
    char **name, char **unit, char **cert)
{
	static const char *const rkeys[] = { "name", "unit", NULL };
	static const char *const ckeys[] = { "name", "unit", "certificate",
	    NULL };
	const struct cam_ynode *n = cam_yaml_get(root, key);

	if (cam_schema_null(n)) {
		cam_schema_err(v, n, "\"%s\" is required (%s: { name: ..., "
		    "unit: ... })", key, key);
		return;
	}
	if (!cam_schema_map(v, n, key, cert ? ckeys : rkeys))
		return;
	*name = cam_schema_str(v, n, "name", key, 1, TEXT_MAX, 0);
	/* The requester's unit is part of who asks; the recipient's is
	 * optional (a person may receive on their own behalf). */
	*unit = cam_schema_str(v, n, "unit", key, cert == NULL, TEXT_MAX, 0);
	if (cert == NULL)
		return;
	*cert = cam_schema_str(v, n, "certificate", key, 0, PEM_MAX, 1);
	if (*cert == NULL)
		return;
	const struct cam_ynode *c = cam_yaml_get(n, "certificate");
	int count = strstr(*cert, "-----BEGIN CERTIFICATE-----") == NULL ? 0 :
	    cam_crypto_cert_count(*cert, strlen(*cert));
	if (count != 1) {
		if (count == 0)
			cam_schema_err(v, c, "recipient: \"certificate\" must "
			    "be a PEM certificate (-----BEGIN CERTIFICATE-----, "
			    "as a block: \"certificate: |\")");
		else
			cam_schema_err(v, c, "recipient: \"certificate\" holds "
			    "%d certificates: give the recipient's own only",
			    count);
		free(*cert);
		*cert = NULL;
	}
}

static void
parse_cameras(struct cam_schema *v, const struct cam_ynode *root,
    struct cam_request *r)
{
	const struct cam_ynode *n = cam_yaml_get(root, "cameras");

	if (cam_schema_null(n)) {
		cam_schema_err(v, n, "\"cameras\" is required: a list of "
		    "camera ids, e.g. [gate, yard]");
		return;
	}
	if (n->type != CAM_Y_SEQ || n->n == 0) {
		cam_schema_err(v, n, "\"cameras\" must be a list of camera "
		    "ids, e.g. [gate, yard]");
		return;
	}
	r->cameras = cam_xmalloc(n->n * sizeof(*r->cameras));
	for (size_t i = 0; i < n->n; i++) {
		const struct cam_ynode *c = n->items[i];
		size_t j;

		if (c->type != CAM_Y_SCALAR || !cam_id_valid(c->value)) {
			cam_schema_err(v, c, "cameras: bad camera id \"%s\": "
			    "a-z, 0-9 and '-', at most %d characters",
			    c->type == CAM_Y_SCALAR ? c->value : "?",
			    CAM_ID_MAX);
			continue;
		}
		for (j = 0; j < r->ncameras; j++)
			if (strcmp(r->cameras[j], c->value) == 0)
				break;
		if (j < r->ncameras) {
			cam_schema_err(v, c, "cameras: \"%s\" given twice",
			    c->value);
			continue;
		}
		r->cameras[r->ncameras++] = cam_xstrdup(c->value);
	}
}

/* action: extract (the default) or view; a view request names its
 * viewer and no recipient, an extraction its recipient and no viewer. */
static void
parse_action(struct cam_schema *v, const struct cam_ynode *root,
    struct cam_request *r)
{
	const struct cam_ynode *an = cam_yaml_get(root, "action");
	const struct cam_ynode *vn = cam_yaml_get(root, "viewer");
	char *a = cam_schema_str(v, root, "action", "", 0, 16, 0);

	r->action = CAM_REQUEST_EXTRACT;
	if (a != NULL) {
		if (strcmp(a, "view") == 0)
			r->action = CAM_REQUEST_VIEW;
		else if (strcmp(a, "extract") != 0)
			cam_schema_err(v, an, "\"action\" must be extract or "
			    "view, not \"%.40s\"", a);
		free(a);
	}
	if (r->action == CAM_REQUEST_EXTRACT) {
		if (vn != NULL)
			cam_schema_err(v, vn, "\"viewer\" belongs to a view "
			    "request (action: view); an extraction names its "
			    "recipient");
		parse_party(v, root, "recipient", &r->recipient_name,
		    &r->recipient_unit, &r->recipient_cert);
		return;
	}
	if (cam_yaml_get(root, "recipient") != NULL)
		cam_schema_err(v, cam_yaml_get(root, "recipient"),
		    "\"recipient\" belongs to an extraction request; a view "
		    "request names its viewer (viewer: ACCOUNT): footage "
		    "leaves the site only by extraction");
	r->viewer = cam_schema_str(v, root, "viewer", "", 1,
	    CAM_REQUEST_VIEWER_MAX, 0);
	if (r->viewer != NULL && !cam_username_valid(r->viewer)) {
		cam_schema_err(v, vn, "bad viewer \"%.40s\": the Unix "
		    "account that may view (lower-case letters, digits, "
		    "- and _)", r->viewer);
		free(r->viewer);
		r->viewer = NULL;
	}
}

static int
from_doc(struct cam_request *r, const struct cam_ydoc *doc,
    const char *zone, struct cam_err *e)
{
	static const char *const top[] = { "action", "id", "requester",
	    "purpose", "cameras", "from", "to", "expires", "recipient",
	    "viewer", NULL };
	struct cam_schema v = { doc, e, 0, NULL };
	const struct cam_ynode *root = doc->root, *tn;
	int from_ok, to_ok, exp_ok;

	if (root == NULL) {
		cam_schema_err(&v, NULL, "empty request");
		return -1;
	}
	if (!cam_schema_map(&v, root, "the request", top))
		return -1;
	key_scan(&v, root);
	r->id = cam_schema_str(&v, root, "id", "", 1, SIZE_MAX, 0);
	if (r->id != NULL && !valid_id(r->id)) {
		cam_schema_err(&v, cam_yaml_get(root, "id"), "bad id "
		    "\"%.80s\": 1 to %d characters of A-Z a-z 0-9 . _ - /, not "
		    "starting with '-' or '/', no empty, \".\" or \"..\" part "
		    "between slashes", r->id, CAM_REQUEST_ID_MAX);
		free(r->id);
		r->id = NULL;
	}
	parse_party(&v, root, "requester", &r->requester_name,
	    &r->requester_unit, NULL);
	r->purpose = cam_schema_str(&v, root, "purpose", "", 1, PURPOSE_MAX, 1);
	parse_cameras(&v, root, r);
	get_time(&v, root, "from", zone, &r->from, &from_ok);
	tn = get_time(&v, root, "to", zone, &r->to, &to_ok);
	get_time(&v, root, "expires", zone, &r->expires, &exp_ok);
	if (from_ok && to_ok && r->to <= r->from)
		cam_schema_err(&v, tn, "\"to\" must be after \"from\"");
	parse_action(&v, root, r);
	return v.bad ? -1 : 0;
}

#define BOM	"\xef\xbb\xbf"

/*
 * What Windows editors do to a text: a byte-order mark at its start,
 * CR before each LF.  YAML would read either, but the signatures are
 * over the exact bytes and every tool that shows the request (a
 * terminal, less, git) shows them differently; the file is refused with
 * what to do, at the first place.  1 if so (e filled), else 0.
 */
static int
windows_text(const char *file, const char *text, size_t len,
    struct cam_err *e)
{
	const char *cr = memchr(text, '\r', len);
	int bom = len >= 3 && memcmp(text, BOM, 3) == 0;
	int line = 1, col = 1;

	if (!bom && cr == NULL)
		return 0;
	if (bom)
		cam_err_addf(e, CAM_NO, "%s:1:1: the file begins with a "
		    "byte-order mark (BOM), as some Windows editors write: "
		    "save it as UTF-8 without BOM with LF line ends, or run: "
		    "sed -i '1s/^\\xEF\\xBB\\xBF//; s/\\r$//' %s", file,
		    file);
	if (cr != NULL) {
		for (const char *p = text; p < cr; p++, col++)
			if (*p == '\n') {
				line++;
				col = 0;
			}
		cam_err_addf(e, CAM_NO, "%s:%d:%d: Windows (CRLF) line ends "
		    "(a carriage return): save it as UTF-8 without BOM with LF "
		    "line ends, or run: sed -i 's/\\r$//' %s", file, line, col,
		    file);
	}
	return 1;
}

int
cam_request_parse(struct cam_request *r, const char *file, const char *text,
    size_t len, const char *zone, struct cam_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	struct cam_ydoc doc;
	int rc;

	memset(r, 0, sizeof(*r));
	cam_err_clear(e);
	if (windows_text(file, text, len, e))
		return -1;
	if (cam_schema_parse(&doc, file, text, len, CAM_REQUEST_MAX, e) == -1)
		return -1;
	rc = from_doc(r, &doc, zone, e);
	cam_yaml_free(&doc);
	if (rc == -1) {
		cam_request_free(r);
		return -1;
	}
	cam_buf_add(&r->raw, text, len);
	if (!EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL)) {
		cam_request_free(r);
		cam_err_ssl(e, "SHA-256");
		e->code = CAM_ENV;
		return -1;
	}
	cam_crypto_hex(md, mdlen, r->sha256);
	return 0;
}

/* Read a regular file, through a link only if follow, and without
 * hanging on a FIFO. */
static int
read_plain(const char *path, int follow, size_t max, struct cam_buf *out,
    struct cam_err *e)
{
	struct stat st;
	int fd, rc = -1;

	if ((fd = cam_file_open_plain(path, follow, "file", &st, e)) == -1)
		return -1;
	if ((uint64_t)st.st_size > max)
		cam_errf(e, CAM_NO, "%s: larger than %zu bytes", path, max);
	else
		rc = cam_fd_read(fd, path, max, 0, out, e);
	close(fd);
	return rc;
}

int
cam_request_load(struct cam_request *r, const char *path, const char *zone,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	int rc;

	memset(r, 0, sizeof(*r));
	if (read_plain(path, 0, CAM_REQUEST_MAX, &b, e) == -1) {
		cam_buf_free(&b);
		return -1;
	}
	rc = cam_request_parse(r, path, b.s, b.len, zone, e);
	cam_buf_free(&b);
	return rc;
}

void
cam_request_free(struct cam_request *r)
{
	free(r->id);
	free(r->viewer);
	free(r->requester_name);
	free(r->requester_unit);
	free(r->purpose);
	for (size_t i = 0; i < r->ncameras; i++)
		free(r->cameras[i]);
	free(r->cameras);
	free(r->recipient_name);
	free(r->recipient_unit);
	free(r->recipient_cert);
	cam_buf_free(&r->raw);
	memset(r, 0, sizeof(*r));
}

/* ---- the template ---- */

/* t as "YYYY-MM-DDTHH:MM" in zone, or RFC 3339 UTC if the zone cannot
 * show it. */
static void
local_minutes(time_t t, const char *zone, char *buf, size_t len)
{
	char full[64];

	if (cam_time_format_local(t, zone, full, sizeof(full)) == 0 &&
	    strlen(full) >= 16)
		snprintf(buf, len, "%.16s", full);
	else
		cam_time_format_utc(t, buf, len);
}

void
cam_request_template(struct cam_buf *out, const char *zone, time_t now)
{
	char from[64], to[64], exp[64], now_s[64], id[64];
	const char *zn = zone != NULL && cam_tz_valid(zone) ? zone : NULL;

	/* The last whole hour before now, in the site's zone. */
	local_minutes(now, zn, to, sizeof(to));
	if (to[10] == 'T' && strlen(to) == 16) {
		memcpy(to + 14, "00", 2);
		time_t t;
		struct cam_err te;
		if (cam_time_parse(to, zn, &t, &te) == 0)
			local_minutes(t - 3600, zn, from, sizeof(from));
		else
			local_minutes(now - 3600, zn, from, sizeof(from));
	} else
		local_minutes(now - 3600, zn, from, sizeof(from));
	/* A week from now, at the end of the working day. */
	local_minutes(now + 7 * 86400, zn, exp, sizeof(exp));
	if (exp[10] == 'T' && strlen(exp) == 16)
		snprintf(exp + 11, sizeof(exp) - 11, "17:00");
	/* YC ("yêu cầu", request) and the date and time of writing. */
	local_minutes(now, zn, now_s, sizeof(now_s));
	snprintf(id, sizeof(id), "YC-%.4s%.2s%.2s-%.2s%.2s", now_s,
	    now_s + 5, now_s + 8, now_s + 11, now_s + 14);

	cam_buf_addf(out,
	    "# camkit extraction request (camkit-request(5)).\n"
	    "#\n"
	    "# Fill in every field, then have it signed: by the director "
	    "always, by\n"
	    "# the unit head too when the site's policy says so:\n"
	    "#   camextract sign --key KEY --cert CERT THIS-FILE\n"
	    "# or\n"
	    "#   openssl cms -sign -binary -in THIS-FILE -signer CERT "
	    "-inkey KEY \\\n"
	    "#       -outform DER -out THIS-FILE.p7s\n"
	    "# Signatures cover the file's exact bytes: any change after "
	    "signing,\n"
	    "# even to a comment, voids them.\n"
	    "\n"
	    "# The request's id: A-Z a-z 0-9 . _ - /, at most 64 characters;"
	    "\n# a request is carried out once only.\n"
	    "id: %s\n"
	    "# Who asks, and why.\n"
	    "requester:\n"
	    "  name: \"Họ và tên người đề nghị\"\n"
	    "  unit: \"Đơn vị (phòng, ban)\"\n"
	    "purpose: \"Lý do cần trích xuất hình ảnh\"\n"
	    "# Camera ids, as in camkit.yaml (camctl camera list), e.g. "
	    "[gate, yard].\n"
	    "cameras: [camera-id]\n"
	    "# The footage wanted: local time in %s, or RFC 3339\n"
	    "# with an offset or Z (\"2026-11-20T01:00:00Z\").\n"
	    "from: \"%s\"\n"
	    "to: \"%s\"\n"
	    "# The request is refused after this time.\n"
	    "expires: \"%s\"\n"
	    "# Who receives the footage (unit optional).\n"
	    "recipient:\n"
	    "  name: \"Người hoặc cơ quan nhận\"\n"
	    "  unit: \"Đơn vị nhận\"\n"
	    "  # Optional: the recipient's certificate (PEM); the archive is "
	    "then\n"
	    "  # encrypted to it.  Uncomment and paste it, indented:\n"
	    "  # certificate: |\n"
	    "  #   -----BEGIN CERTIFICATE-----\n"
	    "  #   ...\n"
	    "  #   -----END CERTIFICATE-----\n",
	    id, zn != NULL ? zn : "UTC", from, to, exp);
}

/* ---- the signer's key and certificate ---- */

/* Every certificate of a PEM text onto st; 0 or -1 with why. */
static int
pem_certs(const void *data, size_t len, STACK_OF(X509) *st, char *why,
    size_t wl)
{
	unsigned long code;
	BIO *bio;
	X509 *x;
	int n = 0;

	ERR_clear_error();
	if (len > INT_MAX || (bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		snprintf(why, wl, "cannot be read");
		return -1;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(st, x)) {
			X509_free(x);
			BIO_free(bio);
			snprintf(why, wl, "out of memory");
			return -1;
		}
		n++;
	}
	BIO_free(bio);
	code = ERR_peek_last_error();
	if (code != 0 && !(ERR_GET_LIB(code) == ERR_LIB_PEM &&
	    ERR_GET_REASON(code) == PEM_R_NO_START_LINE)) {
		char r[200];
		snprintf(why, wl, "certificate %d: %s", n + 1,
		    cam_crypto_ssl_reason(r, sizeof(r)));
		return -1;
	}
	ERR_clear_error();
	if (n == 0) {
		snprintf(why, wl, "no PEM certificate (-----BEGIN "
		    "CERTIFICATE-----)");
		return -1;
	}
	return 0;
}

static time_t
asn1_time(const ASN1_TIME *a)
{
	struct tm tm;

	if (a == NULL || !ASN1_TIME_to_tm(a, &tm))
		return 0;
	return timegm(&tm);
}

static void
fingerprint(X509 *x, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!X509_digest(x, EVP_sha256(), md, &len) || len != 32) {
		hex[0] = '\0';
		return;
	}
	cam_crypto_hex(md, len, hex);
}

/* The key usages a certificate names, for messages. */
static void
usage_names(X509 *x, struct cam_buf *b)
{
	static const struct { uint32_t bit; const char *name; } ku[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
		{ KU_ENCIPHER_ONLY, "encipherOnly" },
		{ KU_DECIPHER_ONLY, "decipherOnly" },
	};
	uint32_t u = X509_get_key_usage(x);
	size_t n = 0;

	for (size_t i = 0; i < sizeof(ku) / sizeof(*ku); i++)
		if (u & ku[i].bit)
			cam_buf_addf(b, "%s%s", n++ ? ", " : "", ku[i].name);
	if (n == 0)
		cam_buf_adds(b, "none");
}

/*
 * May x sign?  A keyUsage extension must name digitalSignature or
 * nonRepudiation; a certificate without one may be used for anything
 * (RFC 5280, 4.2.1.3) and is taken.  1 or 0.
 */
static int
may_sign(X509 *x)
{
	/* Caches the extensions; X509_get_key_usage says "all" without
	 * the extension. */
	uint32_t u = X509_get_key_usage(x);

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return 1;
	return (u & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

/* DIR and STEM of a request path; both allocated. */
static void
split_path(const char *path, char **dir, char **stem)
{
	const char *slash = strrchr(path, '/'), *base, *dot;

	if (slash == NULL) {
		*dir = NULL;
		base = path;
	} else {
		*dir = slash == path ? cam_xstrdup("/") :
		    cam_xstrndup(path, (size_t)(slash - path));
		base = slash + 1;
	}
	dot = strrchr(base, '.');
	*stem = dot == NULL || dot == base ? cam_xstrdup(base) :
	    cam_xstrndup(base, (size_t)(dot - base));
}

static char *
join(const char *dir, const char *name)
{
	struct cam_buf b = CAM_BUF_INIT;

	if (dir == NULL)
		cam_buf_adds(&b, name);
	else if (strcmp(dir, "/") == 0)
		cam_buf_addf(&b, "/%s", name);
	else
		cam_buf_addf(&b, "%s/%s", dir, name);
	return b.s;	/* the caller owns it */
}

int
cam_request_sign(const char *request_path, const char *key_path,
    const char *cert_path, const char *out_path, struct cam_err *e)
{
	return cam_request_sign_key(request_path, key_path, NULL, cert_path,
	    out_path, e);
}

int
cam_request_sign_key(const char *request_path, const char *key_path,
    const struct cam_key_pin *pin, const char *cert_path,
    const char *out_path, struct cam_err *e)
{
	struct cam_buf cb = CAM_BUF_INIT;
	struct cam_request r;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	BIO *in = NULL, *der = NULL;
	char why[256], fp[65], *p = NULL, *dir = NULL, *stem = NULL;
	char *dflt = NULL;
	long n;
	int rc = -1, onto = 0;

	/* Only a request that parses is worth a signature.  The zone is
	 * not known here; it matters only to the times' meaning. */
	if (cam_request_load(&r, request_path, NULL, e) == -1)
		return -1;
	/* Without a certificate file, a key on a token comes with the
	 * token's certificate of the same label and id. */
	if (cam_key_load(key_path, "signing key", pin, &key,
	    cert_path == NULL ? &cert : NULL, &onto, e) == -1)
		goto end;
	if (cert_path == NULL && !onto) {
		cam_errf(e, CAM_NO, "%s: give the certificate of this key "
		    "(--cert)", key_path);
		goto end;
	}
	if ((certs = sk_X509_new_null()) == NULL) {
		cam_err_ssl(e, "certificates");
		e->code = CAM_ENV;
		goto end;
	}
	if (cert_path == NULL)
		cert_path = "the token's certificate";
	else {
		if (cam_file_read(cert_path, CERT_FILE_MAX, &cb, e) == -1)
			goto end;
		if (pem_certs(cb.s, cb.len, certs, why, sizeof(why)) == -1) {
			cam_errf(e, CAM_NO, "%s: %s", cert_path, why);
			goto end;
		}
		/* The first is the signer's; the others (its chain) are
		 * carried along so that a verifier needs only the CA. */
		cert = sk_X509_shift(certs);
	}
	if (!X509_check_private_key(cert, key)) {
		ERR_clear_error();
		cam_errf(e, CAM_NO, "%s: not the certificate of the key %s",
		    cert_path, key_path);
		X509_free(cert);
		cert = NULL;
		goto end;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0 ||
	    X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
		cam_errf(e, CAM_NO, "%s: the certificate is %s: a signature "
		    "made with it would be refused", cert_path,
		    X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0 ?
		    "expired" : "not valid yet (is the clock right?)");
		X509_free(cert);
		cert = NULL;
		goto end;
	}
	if (!may_sign(cert)) {
		struct cam_buf u = CAM_BUF_INIT;

		usage_names(cert, &u);
		cam_errf(e, CAM_NO, "%s: the certificate is not one for "
		    "signing (its key usage is %s; a signer's needs "
		    "digitalSignature or nonRepudiation): a signature made "
		    "with it would be refused", cert_path, u.s);
		cam_buf_free(&u);
		X509_free(cert);
		goto end;
	}
	ERR_clear_error();
	in = BIO_new_mem_buf(r.raw.s, (int)r.raw.len);
	der = BIO_new(BIO_s_mem());
	if (in == NULL || der == NULL ||
	    (cms = CMS_sign(cert, key, sk_X509_num(certs) ? certs : NULL, in,
	    CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP)) == NULL ||
	    i2d_CMS_bio(der, cms) != 1 ||
	    (n = BIO_get_mem_data(der, &p)) <= 0) {
		X509_free(cert);
		cert = NULL;
		cam_err_ssl(e, "CMS signature");
		e->code = CAM_ENV;
		goto end;
	}
	if (out_path == NULL) {
		fingerprint(cert, fp);
		split_path(request_path, &dir, &stem);
		struct cam_buf name = CAM_BUF_INIT;
		cam_buf_addf(&name, "%s.%.16s.p7s", stem, fp);
		dflt = join(dir, name.s);
		cam_buf_free(&name);
		out_path = dflt;
	}
	X509_free(cert);
	cert = NULL;
	if (cam_file_write_atomic(out_path, p, (size_t)n, 0644, e) == -1)
		goto end;
	rc = 0;
end:
	X509_free(cert);
	free(dflt);
	free(dir);
	free(stem);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(der);
	sk_X509_pop_free(certs, X509_free);
	EVP_PKEY_free(key);	/* OpenSSL wipes the key material */
	cam_buf_free(&cb);
	cam_request_free(&r);
	return rc;
}

/* ---- verifying ---- */

struct vctx {
	const struct cam_request *r;
	const struct cam_request_trust *t;
	time_t now;
	X509_STORE *store;
	STACK_OF(X509) *dirs, *heads, *known;	/* known: both */
	const char **head_unit;		/* of each of heads, or NULL: the
					 * certificate's OU (all, if NULL) */
	STACK_OF(X509) *signers;	/* of each of sigs->v, referenced */
	struct cam_request_sigs *sigs;
	struct cam_err *e;
};

const char *
cam_request_refusal_name(int code)
{
	static const char *const names[] = { "ok", "unsigned",
	    "bad-signature", "untrusted", "cert-expired", "not-director",
	    "no-unit-head", "expired", "wrong-unit", "same-signer",
	    "key-usage", "edited", "revoked", "crl-expired" };

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(*names))
		return NULL;
	return names[code];
}

/* A name as RFC 2253, UTF-8 left as it is (control characters and
 * RFC 2253's specials escaped). */
static char *
name_str(const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *s;
	long n;

	if (b == NULL || X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB) < 0 || (n = BIO_get_mem_data(b, &p)) < 0) {
		BIO_free(b);
		ERR_clear_error();
		return cam_xstrdup("?");
	}
	s = cam_xstrndup(p ? p : "", (size_t)n);
	BIO_free(b);
	/* A name in a legacy encoding: escaped rather than shown raw. */
	if (!cam_utf8_clean(s, strlen(s), 0)) {
		free(s);
		if ((b = BIO_new(BIO_s_mem())) == NULL ||
		    X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) < 0 ||
		    (n = BIO_get_mem_data(b, &p)) < 0)
			s = cam_xstrdup("?");
		else
			s = cam_xstrndup(p ? p : "", (size_t)n);
		BIO_free(b);
		ERR_clear_error();
	}
	return s;
}

/*
 * What `openssl cms -sign` without -binary signs: the text with every
 * line ending in CRLF (trailing CRs of a line dropped first).  Used only
 * to say why a signature does not verify, never to accept one.
 */
static void
crlf_form(const struct cam_buf *in, struct cam_buf *out)
{
	const char *p = in->s, *end = in->s + in->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		while (e > p && e[-1] == '\r')
			e--;
		cam_buf_add(out, p, (size_t)(e - p));
		if (nl == NULL)
			break;
		cam_buf_add(out, "\r\n", 2);
		p = nl + 1;
	}
	if (out->s == NULL)
		cam_buf_add(out, "", 0);
}

/* Does si's digest (or signature, without signed attributes) match
 * content?  1, 0, or -1 if OpenSSL could not compute it. */
static int
content_ok(CMS_ContentInfo *cms, CMS_SignerInfo *si, const void *data,
    size_t len)
{
	char buf[4096];
	BIO *dc, *chain;
	int n, ok;

	if ((dc = BIO_new_mem_buf(data, (int)len)) == NULL)
		return -1;
	if ((chain = CMS_dataInit(cms, dc)) == NULL) {
		BIO_free(dc);
		return -1;
	}
	/* chain owns dc now: digest BIOs in front of it. */
	while ((n = BIO_read(chain, buf, sizeof(buf))) > 0)
		;
	ok = n == 0 ? CMS_SignerInfo_verify_content(si, chain) > 0 : -1;
	BIO_free_all(chain);
	ERR_clear_error();
	return ok;
}

static time_t
signing_time(CMS_SignerInfo *si)
{
	int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *a;
	ASN1_TYPE *ty;

	if (i < 0 || (a = CMS_signed_get_attr(si, i)) == NULL ||
	    (ty = X509_ATTRIBUTE_get0_type(a, 0)) == NULL ||
	    (ty->type != V_ASN1_UTCTIME &&
	    ty->type != V_ASN1_GENERALIZEDTIME))
		return 0;
	return asn1_time(ty->value.asn1_string);
}

static int
in_set(STACK_OF(X509) *set, X509 *x)
{
	for (int i = 0; i < sk_X509_num(set); i++)
		if (X509_cmp(sk_X509_value(set, i), x) == 0)
			return 1;
	return 0;
}

/* Why chain() failed on revocation of x's chain: cur is revoked, or the list of
 * its issuer is stale and the policy refuses it.  The refusal with its
 * message. */
static int
chain_revocation(struct vctx *c, const char *file, const char *subj,
    X509 *x, X509 *cur, int err)
{
	char *who = name_str(X509_get_subject_name(cur));
	char date[64];
	time_t when;

	if (err == X509_V_ERR_CERT_REVOKED) {
		if (cam_crypto_revoked(c->store, cur, &when))
			cam_time_format_human(when, c->t->zone, date,
			    sizeof(date));
		else
			snprintf(date, sizeof(date), "an unknown date");
		if (X509_cmp(cur, x) == 0)
			cam_errf(c->e, CAM_NO, "%s: signer %s: certificate "
			    "revoked on %s (trust.crl); a revoked certificate "
			    "approves nothing", file, subj, date);
		else
			cam_errf(c->e, CAM_NO, "%s: signer %s: the certificate "
			    "of %s, which vouches for it, was revoked on %s "
			    "(trust.crl); a revoked certificate approves "
			    "nothing", file, subj, who, date);
		free(who);
		return CAM_REQ_REVOKED;
	}
	struct cam_crl_info in;
	char *issuer = name_str(X509_get_issuer_name(cur));

	if (c->t->ca != NULL && cam_trust_stale(c->t->ca, c->now, &in) > 0)
		cam_time_format_human(in.next, c->t->zone, date, sizeof(date));
	else
		snprintf(date, sizeof(date), "an unknown date");
	cam_errf(c->e, CAM_NO, "%s: signer %s: the revocation list of %s "
	    "is out of date (a new one was due on %s) and the policy refuses "
	    "stale lists (policy: crl_expired: refuse): get the CA's current "
	    "list and add it with camctl crl add", file, subj, issuer, date);
	free(issuer);
	free(who);
	return CAM_REQ_CRL_EXPIRED;
}

/* Chain x to the trusted CAs at c->now: CAM_REQ_OK or a refusal with
 * its message. */
static int
chain(struct vctx *c, const char *file, const char *subj, X509 *x,
    STACK_OF(X509) *untrusted)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err, depth, rc;
	char until[64];

	if (ctx == NULL || !X509_STORE_CTX_init(ctx, c->store, x, untrusted)) {
		X509_STORE_CTX_free(ctx);
		cam_err_ssl(c->e, "certificate check");
		c->e->code = CAM_ENV;
		return -1;
	}
	/* Checked as at now, not at the signingTime the signer claims;
	 * for any purpose: officials' certificates are rarely marked for
	 * S/MIME. */
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), c->now);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	if (X509_verify_cert(ctx) == 1) {
		X509_STORE_CTX_free(ctx);
		ERR_clear_error();
		return CAM_REQ_OK;
	}
	err = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	char *at = depth > 0 && cur != NULL ?
	    name_str(X509_get_subject_name(cur)) : NULL;
	if (err == X509_V_ERR_CERT_HAS_EXPIRED) {
		cam_time_format_human(asn1_time(X509_get0_notAfter(cur ?
		    cur : x)), c->t->zone, until, sizeof(until));
		if (at != NULL)
			cam_errf(c->e, CAM_NO, "%s: signer %s does not chain "
			    "to a trusted CA: certificate has expired (the "
			    "certificate of %s, valid until %s)", file, subj,
			    at, until);
		else
			cam_errf(c->e, CAM_NO, "%s: signer %s does not chain "
			    "to a trusted CA: certificate has expired (the "
			    "signer's own, valid until %s)", file, subj, until);
		rc = CAM_REQ_CERT_EXPIRED;
	} else if (err == X509_V_ERR_CERT_REVOKED ||
	    err == X509_V_ERR_CRL_HAS_EXPIRED) {
		rc = chain_revocation(c, file, subj, x, cur ? cur : x, err);
	} else {
		if (at != NULL)
			cam_errf(c->e, CAM_NO, "%s: signer %s does not chain "
			    "to a trusted CA: %s, at %s", file, subj,
			    X509_verify_cert_error_string(err), at);
		else
			cam_errf(c->e, CAM_NO, "%s: signer %s does not chain "
			    "to a trusted CA: %s", file, subj,
			    X509_verify_cert_error_string(err));
		rc = CAM_REQ_UNTRUSTED;
	}
	free(at);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

/* Parse a signature file's bytes: CMS_ContentInfo, or NULL with a
 * message. */
static CMS_ContentInfo *
parse_cms(const char *file, const struct cam_buf *b, struct cam_err *e)
{
	CMS_ContentInfo *cms = NULL;

	ERR_clear_error();
	if (b->len == 0) {
		cam_errf(e, CAM_NO, "%s: empty: not a signature", file);
		return NULL;
	}
	if (memmem(b->s, b->len, "-----BEGIN ", 11) != NULL) {
		BIO *bio = BIO_new_mem_buf(b->s, (int)b->len);

		/* PEM_read_bio_CMS takes "CMS" and "PKCS7" blocks. */
		if (bio != NULL)
			cms = PEM_read_bio_CMS(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (cms == NULL)
			cam_errf(e, CAM_NO, "%s: not a PEM CMS signature "
			    "(-----BEGIN CMS----- or -----BEGIN PKCS7-----)",
			    file);
	} else if (memmem(b->s, b->len < 4096 ? b->len : 4096,
	    "MIME-Version:", 13) != NULL) {
		cam_errf(e, CAM_NO, "%s: an S/MIME message, not a DER or PEM "
		    "signature: sign with -outform DER (or PEM)", file);
	} else {
		const unsigned char *p = (const unsigned char *)b->s;

		cms = d2i_CMS_ContentInfo(NULL, &p, (long)b->len);
		if (cms == NULL)
			cam_errf(e, CAM_NO, "%s: not a CMS signature (neither "
			    "DER nor PEM)", file);
		else if (p != (const unsigned char *)b->s + b->len) {
			cam_errf(e, CAM_NO, "%s: bytes after the signature",
			    file);
			CMS_ContentInfo_free(cms);
			cms = NULL;
		}
	}
	ERR_clear_error();
	if (cms != NULL && OBJ_obj2nid(CMS_get0_type(cms)) !=
	    NID_pkcs7_signed) {
		cam_errf(e, CAM_NO, "%s: a CMS %s, not a signature", file,
		    OBJ_nid2sn(OBJ_obj2nid(CMS_get0_type(cms))));
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	return cms;
}

static void
add_signer(struct cam_request_sigs *s, const char *file, const char *subj,
    X509 *x, CMS_SignerInfo *si, unsigned roles)
{
	struct cam_request_signer *g;

	s->v = cam_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	g = &s->v[s->n++];
	memset(g, 0, sizeof(*g));
	g->file = cam_xstrdup(file);
	g->subject = cam_xstrdup(subj);
	fingerprint(x, g->sha256);
	g->roles = roles;
	g->signed_at = signing_time(si);
	g->not_after = asn1_time(X509_get0_notAfter(x));
}

static int
usage_ok(struct vctx *c, const char *file, const char *subj, X509 *x)
{
	struct cam_buf b = CAM_BUF_INIT;

	if (may_sign(x))
		return CAM_REQ_OK;
	usage_names(x, &b);
	cam_errf(c->e, CAM_NO, "%s: signer %s: the certificate is not one "
	    "for signing: its key usage is %s, and a signer's certificate "
	    "needs digitalSignature or nonRepudiation", file, subj, b.s);
	cam_buf_free(&b);
	return CAM_REQ_KEY_USAGE;
}

/*
 * The organizationalUnitName (OU) values of x's subject, each as UTF-8
 * (whatever string type the certificate holds it in), onto ous, ous->n
 * of them; values that are not clean UTF-8 text on one line, or hold
 * a NUL, are left out: they name no unit.
 */
struct ous {
	char	**v;
	size_t	  n;
};

static void
subject_ous(X509 *x, struct ous *ous)
{
	const X509_NAME *nm = X509_get_subject_name(x);
	int pos = -1;

	ous->v = NULL;
	ous->n = 0;
	while ((pos = X509_NAME_get_index_by_NID(nm,
	    NID_organizationalUnitName, pos)) >= 0) {
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(nm, pos);
		unsigned char *u = NULL;
		int len;

		if (ne == NULL || (len = ASN1_STRING_to_UTF8(&u,
		    X509_NAME_ENTRY_get_data(ne))) < 0)
			continue;
		if (memchr(u, '\0', (size_t)len) == NULL &&
		    cam_utf8_clean((const char *)u, (size_t)len, 0)) {
			ous->v = cam_xrealloc(ous->v, (ous->n + 1) *
			    sizeof(*ous->v));
			ous->v[ous->n++] = cam_xstrndup((const char *)u,
			    (size_t)len);
		}
		OPENSSL_free(u);
	}
	ERR_clear_error();
}

static void
ous_free(struct ous *ous)
{
	for (size_t i = 0; i < ous->n; i++)
		free(ous->v[i]);
	free(ous->v);
}

/*
 * What x counts as for this request: a director if it is one of
 * trust.director; a unit head if it is one of trust.unit_head for the
 * requester's unit: the unit trust.unit_head's map gives it, or, when
 * the unit is not given (the list form, a --trust directory), one of
 * the OU values of the certificate's subject.  A unit head of other
 * units only, or of no unit (a list-form certificate without an OU),
 * who is no director, is refused: their signature says they certify a
 * request that is not theirs to certify.
 */
static int
signer_roles(struct vctx *c, const char *file, const char *subj, X509 *x,
    unsigned *roles)
{
	struct cam_buf units = CAM_BUF_INIT;
	struct ous ous = { NULL, 0 };
	int other = 0, noou = 0, got_ous = 0, by_ou = 0;
	const char *ru = c->r->requester_unit;

	*roles = 0;
	if (in_set(c->dirs, x))
		*roles |= CAM_ROLE_DIRECTOR;
	for (int i = 0; i < sk_X509_num(c->heads); i++) {
		const char *unit = c->head_unit ? c->head_unit[i] : NULL;

		if (X509_cmp(sk_X509_value(c->heads, i), x) != 0)
			continue;
		if (unit != NULL) {
			if (cam_unit_same(unit, ru))
				*roles |= CAM_ROLE_UNIT_HEAD;
			else {
				cam_buf_addf(&units, "%s\"%s\"", other ?
				    ", " : "", unit);
				other = 1;
			}
			continue;
		}
		if (!got_ous) {
			subject_ous(x, &ous);
			got_ous = 1;
			for (size_t j = 0; j < ous.n; j++)
				if (cam_unit_same(ous.v[j], ru))
					*roles |= CAM_ROLE_UNIT_HEAD;
			if (ous.n == 0)
				noou = 1;
			if (*roles & CAM_ROLE_UNIT_HEAD)
				continue;
			for (size_t j = 0; j < ous.n; j++) {
				cam_buf_addf(&units, "%s\"%s\"", other ?
				    ", " : "", ous.v[j]);
				other = by_ou = 1;
			}
		}
	}
	ous_free(&ous);
	if (*roles != 0 || (!other && !noou)) {
		cam_buf_free(&units);
		return CAM_REQ_OK;
	}
	if (other)
		cam_errf(c->e, CAM_NO, by_ou ? N_("%s: signer %s is the "
		    "unit head of %s (trust.unit_head, by the OU of the "
		    "certificate), and this request comes from \"%s\": a "
		    "unit head certifies only the requests of their own "
		    "unit") : N_("%s: signer %s is the unit head of %s "
		    "(trust.unit_head), and this request comes from \"%s\": "
		    "a unit head certifies only the requests of their own "
		    "unit"), file, subj, units.s, ru ? ru : "?");
	else
		cam_errf(c->e, CAM_NO, "%s: signer %s is a unit head "
		    "(trust.unit_head) whose certificate names no unit (no "
		    "OU in its subject), so it certifies no unit's request; "
		    "the site can map the certificate to its unit in "
		    "camkit.yaml: trust: unit_head: { \"%s\": FILE.pem }",
		    file, subj, ru ? ru : "UNIT");
	cam_buf_free(&units);
	return CAM_REQ_WRONG_UNIT;
}

/*
 * Every signer of one file: CAM_REQ_OK (each added to sigs), the first
 * refusal with its message, or -1.  Signature first, chain second: a
 * signer whose signature does not verify is not worth chaining.
 */
static int
check_file(struct vctx *c, const char *file, const struct cam_buf *b)
{
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms;
	char *subj = NULL;
	int rc = CAM_REQ_BAD_SIGNATURE;

	if ((cms = parse_cms(file, b, c->e)) == NULL)
		return CAM_REQ_BAD_SIGNATURE;
	/* Signers are found among the file's certificates and, for
	 * signatures made without them (-nocerts), among the trusted
	 * directors and unit heads: a signer named by issuer and serial
	 * or key id is then checked with that certificate's key, so a
	 * false name gains nothing. */
	CMS_set1_signers_certs(cms, c->known, 0);
	ERR_clear_error();
	certs = CMS_get1_certs(cms);
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) == 0) {
		cam_errf(c->e, CAM_NO, "%s: a signature without signers",
		    file);
		goto end;
	}
	for (int i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		X509 *x = NULL;
		unsigned roles = 0;
		int ok;

		free(subj);
		subj = NULL;
		CMS_SignerInfo_get0_algs(si, NULL, &x, NULL, NULL);
		if (x == NULL) {
			cam_errf(c->e, CAM_NO, "%s: signer %d: its certificate "
			    "is neither in the file nor a trusted director's "
			    "or unit head's: sign with the certificate "
			    "included", file, i + 1);
			rc = CAM_REQ_UNTRUSTED;
			goto end;
		}
		subj = name_str(X509_get_subject_name(x));
		ERR_clear_error();
		if (CMS_signed_get_attr_count(si) >= 0 &&
		    CMS_SignerInfo_verify(si) <= 0) {
			ERR_clear_error();
			cam_errf(c->e, CAM_NO, "%s: signer %s: the signature "
			    "is forged or damaged (its signed attributes do "
			    "not verify with the signer's key)", file, subj);
			rc = CAM_REQ_BAD_SIGNATURE;
			goto end;
		}
		ok = content_ok(cms, si, c->r->raw.s, c->r->raw.len);
		if (ok != 1) {
			struct cam_buf alt = CAM_BUF_INIT;
			int crlf = 0;

			crlf_form(&c->r->raw, &alt);
			if (alt.len != c->r->raw.len ||
			    memcmp(alt.s, c->r->raw.s, alt.len) != 0)
				crlf = content_ok(cms, si, alt.s, alt.len) == 1;
			cam_buf_free(&alt);
			if (crlf)
				cam_errf(c->e, CAM_NO, "%s: signer %s: the "
				    "signature is over the request with CRLF "
				    "line ends, not over its bytes: it was made "
				    "without -binary; sign again with "
				    "\"openssl cms -sign -binary\" or "
				    "\"camextract sign\"", file, subj);
			else
				cam_errf(c->e, CAM_NO, "%s: signer %s: the "
				    "signature does not match the request: it "
				    "was changed after signing, or the "
				    "signature is forged or made for another "
				    "file", file, subj);
			rc = CAM_REQ_BAD_SIGNATURE;
			goto end;
		}
		if ((rc = chain(c, file, subj, x, certs)) != CAM_REQ_OK)
			goto end;
		if ((rc = usage_ok(c, file, subj, x)) != CAM_REQ_OK)
			goto end;
		if ((rc = signer_roles(c, file, subj, x, &roles)) !=
		    CAM_REQ_OK)
			goto end;
		if (!X509_up_ref(x) || !sk_X509_push(c->signers, x)) {
			cam_errf(c->e, CAM_ENV, "%s: out of memory", file);
			rc = -1;
			goto end;
		}
		add_signer(c->sigs, file, subj, x, si, roles);
	}
	rc = CAM_REQ_OK;
end:
	free(subj);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* STEM.p7s and STEM.*.p7s in dir, sorted; -1 if dir cannot be read. */
static int
find_sigs(const char *reqpath, char ***out, size_t *nout,
    struct cam_err *e)
{
	char *dir, *stem, **v = NULL;
	const char *base = strrchr(reqpath, '/');
	struct dirent *d;
	size_t n = 0, sl;
	DIR *dp;

	base = base ? base + 1 : reqpath;
	split_path(reqpath, &dir, &stem);
	sl = strlen(stem);
	if ((dp = opendir(dir ? dir : ".")) == NULL) {
		cam_err_sys(e, "%s", dir ? dir : ".");
		free(dir);
		free(stem);
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);

		if (len < sl + 4 || strncmp(d->d_name, stem, sl) != 0 ||
		    d->d_name[sl] != '.' ||
		    strcmp(d->d_name + len - 4, ".p7s") != 0 ||
		    strcmp(d->d_name, base) == 0)
			continue;
		v = cam_xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = join(dir, d->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(v, n, sizeof(*v), strp_cmp);
	*out = v;
	*nout = n;
	free(dir);
	free(stem);
	return 0;
}

static int
trusted_set(const struct cam_buf *v, size_t n, const char *what,
    STACK_OF(X509) **out, STACK_OF(X509) *known, struct cam_err *e)
{
	char why[256];

	if ((*out = sk_X509_new_null()) == NULL) {
		cam_err_ssl(e, what);
		e->code = CAM_ENV;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (pem_certs(v[i].s, v[i].len, *out, why, sizeof(why)) == -1)
			return cam_errf(e, CAM_ENV, "%s, file %zu of %zu: %s",
			    what, i + 1, n, why);
	}
	for (int i = 0; i < sk_X509_num(*out); i++)
		if (!sk_X509_push(known, sk_X509_value(*out, i)))
			return cam_errf(e, CAM_ENV, "%s: out of memory", what);
	return 0;
}

/* trust.unit_head: as trusted_set, and the unit of each certificate
 * in c->head_unit (NULL: its OU; c->head_unit left NULL when no unit
 * is given for any). */
static int
head_set(struct vctx *c, struct cam_err *e)
{
	const struct cam_request_trust *t = c->t;
	char why[256];

	if ((c->heads = sk_X509_new_null()) == NULL) {
		cam_err_ssl(e, "trust.unit_head");
		e->code = CAM_ENV;
		return -1;
	}
	for (size_t i = 0; i < t->nunit_heads; i++) {
		int before = sk_X509_num(c->heads);

		if (pem_certs(t->unit_heads[i].s, t->unit_heads[i].len,
		    c->heads, why, sizeof(why)) == -1)
			return cam_errf(e, CAM_ENV, "trust.unit_head, file %zu "
			    "of %zu: %s", i + 1, t->nunit_heads, why);
		if (t->unit_head_units == NULL)
			continue;
		c->head_unit = cam_xrealloc(c->head_unit,
		    (size_t)sk_X509_num(c->heads) * sizeof(*c->head_unit));
		for (int j = before; j < sk_X509_num(c->heads); j++)
			c->head_unit[j] = t->unit_head_units[i];
	}
	for (int i = 0; i < sk_X509_num(c->heads); i++)
		if (!sk_X509_push(c->known, sk_X509_value(c->heads, i)))
			return cam_errf(e, CAM_ENV, "trust.unit_head: out of "
			    "memory");
	return 0;
}

/* Are the director's and the unit head's signatures by two certificates
 * with two keys?  1 if some director and some unit head among the
 * signers differ in key (a certificate listed under both, or one key
 * certified twice, counts once). */
static int
two_signers(struct vctx *c)
{
	const struct cam_request_sigs *s = c->sigs;

	for (size_t i = 0; i < s->n; i++) {
		if (!(s->v[i].roles & CAM_ROLE_DIRECTOR))
			continue;
		for (size_t j = 0; j < s->n; j++) {
			X509 *a = sk_X509_value(c->signers, (int)i);
			X509 *b = sk_X509_value(c->signers, (int)j);

			if (!(s->v[j].roles & CAM_ROLE_UNIT_HEAD) ||
			    X509_cmp(a, b) == 0)
				continue;
			if (EVP_PKEY_eq(X509_get0_pubkey(a),
			    X509_get0_pubkey(b)) != 1)
				return 1;
		}
	}
	ERR_clear_error();
	return 0;
}

/* The signers' names, for messages. */
static void
signer_list(const struct cam_request_sigs *s, struct cam_buf *b)
{
	for (size_t i = 0; i < s->n; i++)
		cam_buf_addf(b, "%s%s (%s)", i ? "; " : "", s->v[i].subject,
		    s->v[i].file);
}

int
cam_request_verify(const struct cam_request *r, const char *path,
    const char *const *extra, size_t nextra,
    const struct cam_request_trust *t, time_t now,
    struct cam_request_sigs *sigs, struct cam_err *e)
{
	struct vctx c = { r, t, now, NULL, NULL, NULL, NULL, NULL, NULL,
	    sigs, e };
	struct cam_buf names = CAM_BUF_INIT;
	X509_STORE *own = NULL;
	char **found = NULL;
	size_t nfound = 0;
	struct { dev_t dev; ino_t ino; } *seen = NULL;
	size_t nseen = 0;
	int rc = -1;

	memset(sigs, 0, sizeof(*sigs));
	cam_err_clear(e);
	if (t->ca != NULL)
		c.store = cam_trust_store(t->ca);
	else if ((c.store = own = X509_STORE_new()) == NULL) {
		cam_err_ssl(e, "certificate store");
		e->code = CAM_ENV;
		goto end;
	}
	if ((c.known = sk_X509_new_null()) == NULL ||
	    (c.signers = sk_X509_new_null()) == NULL) {
		cam_err_ssl(e, "certificates");
		e->code = CAM_ENV;
		goto end;
	}
	if (trusted_set(t->directors, t->ndirectors, "trust.director",
	    &c.dirs, c.known, e) == -1 || head_set(&c, e) == -1)
		goto end;
	if (find_sigs(path, &found, &nfound, e) == -1)
		goto end;

	seen = cam_xmalloc((nfound + nextra + 1) * sizeof(*seen));
	for (size_t i = 0; i < nfound + nextra; i++) {
		const char *file = i < nfound ? found[i] : extra[i - nfound];
		struct cam_buf b = CAM_BUF_INIT;
		struct stat st;
		size_t j;
		int x;

		/* An extra file that is also found beside the request is
		 * looked at once. */
		if (stat(file, &st) == 0) {
			for (j = 0; j < nseen; j++)
				if (seen[j].dev == st.st_dev &&
				    seen[j].ino == st.st_ino)
					break;
			if (j < nseen)
				continue;
			seen[nseen].dev = st.st_dev;
			seen[nseen++].ino = st.st_ino;
		}
		sigs->files = cam_xrealloc(sigs->files, (sigs->nfiles + 1) *
		    sizeof(*sigs->files));
		sigs->files[sigs->nfiles++] = cam_xstrdup(file);
		cam_err_clear(e);
		/* Links are followed: a signature is judged by what it
		 * holds, not where it lies. */
		if (read_plain(file, 1, CAM_REQUEST_MAX, &b, e) == -1) {
			cam_buf_free(&b);
			/* A file that is there but no signature file (a
			 * directory, a device, too large) says no; one that
			 * cannot be read is the environment's failure. */
			if (e->code == CAM_NO)
				rc = CAM_REQ_BAD_SIGNATURE;
			goto end;
		}
		x = check_file(&c, file, &b);
		cam_buf_free(&b);
		if (x != CAM_REQ_OK) {
			rc = x;
			goto end;
		}
	}
	cam_err_clear(e);

	if (sigs->nfiles == 0) {
		char *dir, *stem;

		split_path(path, &dir, &stem);
		cam_errf(e, CAM_NO, "%s: not signed: no signature %s%s%s.p7s "
		    "or %s%s%s.*.p7s beside it, and none given", path,
		    dir ? dir : "", dir ? "/" : "", stem, dir ? dir : "",
		    dir ? "/" : "", stem);
		free(dir);
		free(stem);
		rc = CAM_REQ_UNSIGNED;
		goto end;
	}
	unsigned roles = 0;
	for (size_t i = 0; i < sigs->n; i++)
		roles |= sigs->v[i].roles;
	signer_list(sigs, &names);
	if (!(roles & CAM_ROLE_DIRECTOR)) {
		if (sk_X509_num(c.dirs) == 0)
			cam_errf(e, CAM_NO, "%s: no director signed it: no "
			    "director certificate is configured "
			    "(trust.director in camkit.yaml); signed by %s",
			    path, names.s);
		else
			cam_errf(e, CAM_NO, "%s: no director signed it: "
			    "signed by %s, none of them a director of "
			    "trust.director", path, names.s);
		rc = CAM_REQ_NOT_DIRECTOR;
		goto end;
	}
	if (t->need_unit_head && !(roles & CAM_ROLE_UNIT_HEAD)) {
		cam_errf(e, CAM_NO, sk_X509_num(c.heads) == 0 ? N_("%s: the "
		    "policy requires a unit head's signature (policy: "
		    "unit_head_signature) and no unit head of trust.unit_head "
		    "signed it (none is configured); signed by %s") :
		    N_("%s: the policy requires a unit head's signature "
		    "(policy: unit_head_signature) and no unit head of "
		    "trust.unit_head signed it; signed by %s"), path,
		    names.s);
		rc = CAM_REQ_NO_UNIT_HEAD;
		goto end;
	}
	if (t->need_unit_head && !two_signers(&c)) {
		cam_errf(e, CAM_NO, "%s: the director's and the unit head's "
		    "signatures are by the same certificate or key: one person "
		    "cannot sign as both; the policy wants two people "
		    "(policy: unit_head_signature); signed by %s", path,
		    names.s);
		rc = CAM_REQ_SAME_SIGNER;
		goto end;
	}
	if (now > r->expires) {
		char when[64];

		cam_time_format_human(r->expires, t->zone, when,
		    sizeof(when));
		cam_errf(e, CAM_NO, "%s: request %s expired at %s", path,
		    r->id ? r->id : "?", when);
		rc = CAM_REQ_EXPIRED;
		goto end;
	}
	rc = CAM_REQ_OK;
end:
	for (size_t i = 0; i < nfound; i++)
		free(found[i]);
	free(found);
	free(seen);
	cam_buf_free(&names);
	/* c.known holds the others' certificates without references. */
	sk_X509_free(c.known);
	sk_X509_pop_free(c.dirs, X509_free);
	sk_X509_pop_free(c.heads, X509_free);
	sk_X509_pop_free(c.signers, X509_free);
	free(c.head_unit);
	X509_STORE_free(own);
	ERR_clear_error();
	return rc;
}

void
cam_request_sigs_free(struct cam_request_sigs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		free(s->v[i].subject);
	}
	free(s->v);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->warning);
	free(s->warning_text);
	memset(s, 0, sizeof(*s));
}

/* ---- the whole check ---- */

const char *
cam_request_action_name(enum cam_request_action a)
{
	return a == CAM_REQUEST_VIEW ? "view" : "extract";
}

static void
free_list(struct cam_buf *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cam_buf_free(&v[i]);
	free(v);
}

/*
 * A request that did not parse: if it is only what a Windows editor
 * does (a byte-order mark, CRLF line ends) and some signature beside it
 * matches the file without them, it was signed as it should be and
 * saved again by an editor since.  Then 1, with e saying so in plain
 * words and sigs what matched; the request is refused all the same
 * (its bytes are not what was signed).  Else 0, e and sigs untouched.
 */
static int
edited(const char *path, const char *const *extra, size_t nextra,
    const struct cam_request_trust *t, time_t now, const char *zone,
    struct cam_request_sigs *sigs, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT, lf = CAM_BUF_INIT;
	struct cam_request_sigs s2;
	struct cam_request r2;
	struct cam_err e2;
	const char *p, *end;
	int bom, crlf = 0, yes = 0;

	cam_err_clear(&e2);
	if (read_plain(path, 0, CAM_REQUEST_MAX, &b, &e2) == -1 ||
	    b.len == 0) {
		cam_buf_free(&b);
		return 0;
	}
	bom = b.len >= 3 && memcmp(b.s, BOM, 3) == 0;
	p = b.s + (bom ? 3 : 0);
	end = b.s + b.len;
	while (p < end) {
		if (p[0] == '\r' && p + 1 < end && p[1] == '\n') {
			crlf = 1;
			p++;
			continue;
		}
		cam_buf_add(&lf, p, 1);
		p++;
	}
	if (lf.s == NULL)
		cam_buf_add(&lf, "", 0);
	if ((bom || crlf) && memchr(lf.s, '\r', lf.len) == NULL &&
	    cam_request_parse(&r2, path, lf.s, lf.len, zone, &e2) == 0) {
		int ref = cam_request_verify(&r2, path, extra, nextra, t, now,
		    &s2, &e2);

		if (ref != -1 && s2.n > 0) {
			yes = 1;
			cam_request_sigs_free(sigs);
			*sigs = s2;
			/* The sed script is a command, not words: an
			 * argument. */
			cam_errf(e, CAM_NO, crlf && bom ? N_("%s: the file was "
			    "changed after it was signed: an editor saved it "
			    "again with Windows (CRLF) line ends and a "
			    "byte-order mark (BOM); the signatures match the "
			    "file as it was signed (UTF-8 without BOM, LF line "
			    "ends), not as it is now, so it is refused.  Put "
			    "back the signed file, or run: sed -i '%s' %s") :
			    crlf ? N_("%s: the file was changed after it was "
			    "signed: an editor saved it again with Windows "
			    "(CRLF) line ends; the signatures match the file "
			    "as it was signed (UTF-8 without BOM, LF line "
			    "ends), not as it is now, so it is refused.  Put "
			    "back the signed file, or run: sed -i '%s' %s") :
			    N_("%s: the file was changed after it was signed: an "
			    "editor saved it again with a byte-order mark "
			    "(BOM); the signatures match the file as it was "
			    "signed (UTF-8 without BOM, LF line ends), not as "
			    "it is now, so it is refused.  Put back the signed "
			    "file, or run: sed -i '%s' %s"), path, crlf && bom ?
			    "1s/^\\xEF\\xBB\\xBF//; s/\\r$//" : crlf ?
			    "s/\\r$//" : "1s/^\\xEF\\xBB\\xBF//", path);
		} else
			cam_request_sigs_free(&s2);
		cam_request_free(&r2);
	}
	cam_buf_free(&lf);
	cam_buf_free(&b);
	return yes;
}

/* A revocation list past its next update, accepted by the policy
 * (crl_expired: warn): said in sigs->warning. */
static void
stale_warning(const struct cam_trust *ca, const struct cam_config *cfg,
    time_t now, struct cam_request_sigs *sigs)
{
	struct cam_crl_info in;
	struct cam_msg m;
	char when[64];

	if (cfg->crl_expired_refuse || cam_trust_stale(ca, now, &in) == 0)
		return;
	cam_time_format_human(in.next, cfg->timezone, when, sizeof(when));
	cam_msg_format(&m, "the revocation list of %s is out of date (a new "
	    "one was due on %s): a certificate revoked since is not known; "
	    "accepted by the policy (crl_expired: warn); get the CA's "
	    "current list and add it with camctl crl add", in.issuer, when);
	sigs->warning = cam_xstrdup(m.en);
	sigs->warning_text = cam_xstrdup(m.text);
}

int
cam_request_check(struct cam_site *site, const char *path,
    const char *const *extra, size_t nextra,
    enum cam_request_action action, time_t now, struct cam_request *r,
    struct cam_request_sigs *sigs, const char **refusal,
    struct cam_err *e)
{
	const struct cam_config *cfg = &site->cfg;
	struct cam_request_trust t;
	struct cam_trust *ca = NULL;
	struct cam_buf *dirs = NULL, *heads = NULL;
	size_t ndirs = 0, nheads = 0;
	int ref, rc = -1;

	*refusal = NULL;
	memset(sigs, 0, sizeof(*sigs));
	if (cam_site_trust(site, &ca, e) == -1 ||
	    cam_site_read_list(site, &cfg->trust_director, &dirs, &ndirs,
	    e) == -1 ||
	    cam_site_read_list(site, &cfg->trust_unit_head, &heads, &nheads,
	    e) == -1)
		goto end;
	memset(&t, 0, sizeof(t));
	t.ca = ca;
	t.directors = dirs;
	t.ndirectors = ndirs;
	t.unit_heads = heads;
	t.nunit_heads = nheads;
	t.need_unit_head = cfg->unit_head_signature;
	t.zone = cfg->timezone;
	t.unit_head_units = (const char *const *)cfg->trust_unit_head_unit;
	if (cam_request_load(r, path, cfg->timezone, e) == -1) {
		if (e->code == CAM_NO) {
			*refusal = "bad-request";
			if (edited(path, extra, nextra, &t, now, cfg->timezone,
			    sigs, e))
				*refusal = cam_request_refusal_name(
				    CAM_REQ_EDITED);
		}
		goto end;
	}
	if (r->action != action) {
		*refusal = "wrong-action";
		if (action == CAM_REQUEST_VIEW)
			cam_errf(e, CAM_NO, "%s: request %s is an extraction "
			    "request (action: extract), not a view request: "
			    "it grants no viewing (action: view, viewer: "
			    "ACCOUNT)", path, r->id);
		else
			cam_errf(e, CAM_NO, "%s: request %s is a view request "
			    "(action: view, for %s): it lets its viewer watch "
			    "in camview and takes no footage out; an "
			    "extraction needs an extraction request", path,
			    r->id, r->viewer);
		goto end;
	}
	ref = cam_request_verify(r, path, extra, nextra, &t, now, sigs, e);
	if (ref == -1)
		goto end;
	stale_warning(ca, cfg, now, sigs);
	if (ref != CAM_REQ_OK) {
		*refusal = cam_request_refusal_name(ref);
		goto end;
	}
	for (size_t i = 0; i < r->ncameras; i++)
		if (cam_config_camera(cfg, r->cameras[i]) == NULL) {
			cam_errf(e, CAM_NO, "camera \"%s\" is not in the "
			    "configuration in force", r->cameras[i]);
			*refusal = "unknown-camera";
			goto end;
		}
	rc = 0;
end:
	cam_trust_free(&ca);
	free_list(dirs, ndirs);
	free_list(heads, nheads);
	return rc;
}
