/*
 * cam_key: see cam_key.h.  OpenSSL 3 deprecates the ENGINE API, and
 * the engine of Debian's libp11 is the PKCS#11 bridge that is packaged
 * (no provider is): this file, and only this one, uses it.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_key.h"
#include "base/cam_util.h"

#define URI_MAX		4096
#define PIN_MAX		256

/* A URI taken apart: what the engine is given (the path attributes:
 * token, object, id...) and the query attributes camkit reads itself. */
struct uri {
	struct cam_buf engine;
	char *token;		/* the token's label, for the prompt */
	char *pin;		/* pin-value */
	char *pin_source;	/* pin-source, a file */
	char *module;		/* module-path */
};

static void
uri_free(struct uri *u)
{
	cam_buf_free(&u->engine);
	free(u->token);
	if (u->pin != NULL) {
		OPENSSL_cleanse(u->pin, strlen(u->pin));
		free(u->pin);
	}
	free(u->pin_source);
	free(u->module);
	memset(u, 0, sizeof(*u));
}

int
cam_key_is_uri(const char *spec)
{
	return strncmp(spec, "pkcs11:", 7) == 0;
}

/* RFC 3986 percent-decoding of s[0..n); NULL if malformed or a NUL. */
static char *
pct_decode(const char *s, size_t n)
{
	char *out = cam_xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2])) {
			free(out);
			return NULL;
		}
		char hex[3] = { s[i + 1], s[i + 2], '\0' };
		*o = (char)strtol(hex, NULL, 16);
		if (*o++ == '\0') {
			free(out);
			return NULL;
		}
		i += 2;
	}
	*o = '\0';
	return out;
}

static int
uri_parse(const char *s, struct uri *u, struct cam_err *e)
{
	const char *q, *p, *end;
	int first = 1;

	memset(u, 0, sizeof(*u));
	if (strlen(s) > URI_MAX)
		return cam_errf(e, CAM_NO, "PKCS#11 URI longer than %d bytes",
		    URI_MAX);
	if (!cam_utf8_clean(s, strlen(s), 0))
		return cam_errf(e, CAM_NO, "PKCS#11 URI with control "
		    "characters");
	q = strchr(s, '?');
	end = q != NULL ? q : s + strlen(s);
	cam_buf_adds(&u->engine, "pkcs11:");
	/* The path: kept as written, but for the object's type, which is
	 * the engine's to choose (a private key, then a certificate). */
	for (p = s + 7; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		size_t n = (size_t)((semi != NULL ? semi : end) - p);

		if (n > 0 && strncmp(p, "type=", 5) != 0) {
			if (!first)
				cam_buf_adds(&u->engine, ";");
			cam_buf_addf(&u->engine, "%.*s", (int)n, p);
			first = 0;
		}
		if (n > 6 && strncmp(p, "token=", 6) == 0 && u->token == NULL)
			u->token = pct_decode(p + 6, n - 6);
		p += n + (semi != NULL);
	}
	for (p = q != NULL ? q + 1 : end; *p != '\0';) {
		const char *amp = strchr(p, '&');
		size_t n = amp != NULL ? (size_t)(amp - p) : strlen(p);
		char **v = NULL;
		size_t k = 0;

		if (strncmp(p, "pin-value=", 10) == 0)
			v = &u->pin, k = 10;
		else if (strncmp(p, "pin-source=", 11) == 0)
			v = &u->pin_source, k = 11;
		else if (strncmp(p, "module-path=", 12) == 0)
			v = &u->module, k = 12;
		if (v == NULL || *v != NULL || n <= k ||
		    (*v = pct_decode(p + k, n - k)) == NULL) {
			cam_errf(e, CAM_NO, "PKCS#11 URI: \"%.*s\": camkit reads "
			    "only pin-value, pin-source and module-path, "
			    "once each, after the \"?\"", (int)(n > 64 ? 64 :
			    n), p);
			uri_free(u);
			return -1;
		}
		p += n + (amp != NULL);
	}
	if (u->pin_source != NULL && strncmp(u->pin_source, "file:", 5) == 0) {
		/* file:///path, file:/path */
		const char *path = u->pin_source + 5;

		if (strncmp(path, "//", 2) == 0)
			path += 2;
		memmove(u->pin_source, path, strlen(path) + 1);
	}
	if ((u->pin_source != NULL && u->pin_source[0] != '/') ||
	    (u->module != NULL && u->module[0] != '/')) {
		cam_errf(e, CAM_NO, "PKCS#11 URI: pin-source and module-path "
		    "must be absolute paths");
		uri_free(u);
		return -1;
	}
	return 0;
}

/* The first line of a PIN file no one else may read. */
static int
read_pin_file(const char *path, char **pin, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct stat st;
	int fd, rc = -1;

	if ((fd = cam_file_open_plain(path, 1, "PIN file", &st, e)) == -1)
		return -1;
	if ((st.st_mode & 077) != 0) {
		cam_errf(e, CAM_NO, "%s: mode %04o lets others read the PIN; "
		    "it must be 0600 or 0400 (chmod 600 %s)", path,
		    (unsigned)(st.st_mode & 07777), path);
		goto end;
	}
	if (cam_fd_read(fd, path, PIN_MAX + 2, 1, &b, e) == -1)
		goto end;
	size_t len = b.s != NULL ? strcspn(b.s, "\r\n") : 0;
	if (len == 0) {
		cam_errf(e, CAM_NO, "%s: no PIN on its first line", path);
		goto end;
	}
	*pin = cam_xstrndup(b.s, len);
	rc = 0;
end:
	cam_buf_free(&b);	/* wipes */
	close(fd);
	return rc;
}

/* The engine, loaded once for the process: the keys it gives hold no
 * reference to it, and stay usable only while it is there. */
static ENGINE *engine;
static char engine_module[PATH_MAX];

static int
engine_error(struct cam_err *e, const char *what)
{
	char reason[256];

	cam_crypto_ssl_reason(reason, sizeof(reason));
	ERR_clear_error();
	return cam_errf(e, CAM_ENV, "%s: %s", what, reason);
}

static int
get_engine(const char *module, struct cam_err *e)
{
	const char *m = module != NULL ? module : "";

	if (engine != NULL) {
		if (strcmp(m, engine_module) != 0)
			return cam_errf(e, CAM_NO, "PKCS#11: one module per "
			    "run (%s, then %s)", engine_module[0] ? engine_module
			    : "p11-kit's", m[0] ? m : "p11-kit's");
		return 0;
	}
	ERR_clear_error();
	if ((engine = ENGINE_by_id("pkcs11")) == NULL)
		return engine_error(e, "the PKCS#11 engine of OpenSSL (is "
		    "libengine-pkcs11-openssl installed?)");
	/* The engine's messages would go to the standard error. */
	(void)ENGINE_ctrl_cmd_string(engine, "QUIET", NULL, 1);
	if ((module != NULL && !ENGINE_ctrl_cmd_string(engine, "MODULE_PATH",
	    module, 0)) || !ENGINE_init(engine)) {
		engine_error(e, module != NULL ? module : "the PKCS#11 engine");
		ENGINE_free(engine);
		engine = NULL;
		return -1;
	}
	ENGINE_free(engine);	/* the functional reference of init stays */
	snprintf(engine_module, sizeof(engine_module), "%s", m);
	return 0;
}

/* Never ask through OpenSSL's own prompt: the PIN is set beforehand. */
static int
no_read(UI *ui, UI_STRING *uis)
{
	(void)ui;
	(void)uis;
	return 0;
}

/* Why the engine gave no key: the reason of the module's error about
 * the PIN if there is one (1), else the first reason, the engine's or
 * the module's (0); OpenSSL's own "failed loading" comes last. */
static int
pin_refused(char *why, size_t len)
{
	unsigned long code;
	const char *r;
	int pin = 0, first = 1;

	snprintf(why, len, "unknown reason");
	while ((code = ERR_get_error()) != 0) {
		if (pin || (r = ERR_reason_error_string(code)) == NULL)
			continue;
		if (strstr(r, "PIN") != NULL) {
			snprintf(why, len, "%s", r);
			pin = 1;
		} else if (first)
			snprintf(why, len, "%s", r);
		first = 0;
	}
	return pin;
}

static int
load_uri(const char *uri, const char *what, const char *from,
    const struct cam_key_pin *pin, EVP_PKEY **key, X509 **cert,
    struct cam_err *e)
{
	struct uri u;
	char *p = NULL, prompt[256], typed[PIN_MAX + 1];
	char sibling[PATH_MAX];
	UI_METHOD *ui = NULL;
	int rc = -1;

	if (uri_parse(uri, &u, e) == -1)
		return -1;
	/* The PIN: the file given, the URI's, the file beside, asked. */
	if (pin != NULL && pin->file != NULL) {
		if (read_pin_file(pin->file, &p, e) == -1)
			goto end;
	} else if (u.pin != NULL)
		p = cam_xstrdup(u.pin);
	else if (u.pin_source != NULL) {
		if (read_pin_file(u.pin_source, &p, e) == -1)
			goto end;
	} else if (from != NULL && strlen(from) > 4 &&
	    strcmp(from + strlen(from) - 4, ".key") == 0 &&
	    snprintf(sibling, sizeof(sibling), "%.*s.pin",
	    (int)(strlen(from) - 4), from) < (int)sizeof(sibling) &&
	    access(sibling, F_OK) == 0) {
		if (read_pin_file(sibling, &p, e) == -1)
			goto end;
	} else if (pin != NULL && pin->ask != NULL) {
		snprintf(prompt, sizeof(prompt), _("PIN of the token %s: "),
		    u.token != NULL ? u.token : "");
		if (pin->ask(prompt, typed, sizeof(typed), pin->arg, e) == -1)
			goto end;
		p = cam_xstrdup(typed);
		OPENSSL_cleanse(typed, sizeof(typed));
	} else {
		cam_errf(e, CAM_NO, "%s: the %s is on a token and no PIN was "
		    "given%s", from != NULL ? from : "PKCS#11 URI", what,
		    from != NULL && strlen(from) > 4 && strcmp(from +
		    strlen(from) - 4, ".key") == 0 ? " (put it in the .pin "
		    "file beside it, mode 0600)" : "");
		goto end;
	}
	if (get_engine(u.module, e) == -1)
		goto end;
	if (!ENGINE_ctrl_cmd_string(engine, "PIN", p, 0)) {
		engine_error(e, "PKCS#11 PIN");
		goto end;
	}
	if ((ui = UI_create_method("camkit")) == NULL ||
	    UI_method_set_reader(ui, no_read) != 0) {
		engine_error(e, "PKCS#11 PIN");
		goto end;
	}
	ERR_clear_error();
	if ((*key = ENGINE_load_private_key(engine, u.engine.s, ui,
	    NULL)) == NULL) {
		char why[128];
		int pin_no = pin_refused(why, sizeof(why));

		if (!pin_no && strstr(why, "module") != NULL)
			cam_errf(e, CAM_ENV, "%s: %s (see module-path)", uri,
			    why);
		else if (!pin_no)
			cam_errf(e, CAM_NO, "%s: no such private key on a "
			    "token (%s: is the token plugged in, are its "
			    "label and the key's object right?)", uri, why);
		else if (strcmp(why, "PIN incorrect") == 0)
			cam_errf(e, CAM_NO, "%s: the token refused the PIN "
			    "(wrong PIN?)", uri);
		else
			cam_errf(e, CAM_NO, "%s: the token refused the PIN: "
			    "%s%s", uri, why, strstr(why, "locked") != NULL ? " (it "
			    "must be unblocked with the token's own tool)" :
			    "");
		ERR_clear_error();
		goto end;
	}
	if (cert != NULL) {
		struct {
			const char *id;
			X509 *cert;
		} parms = { u.engine.s, NULL };

		if (!ENGINE_ctrl_cmd(engine, "LOAD_CERT_CTRL", 0, &parms,
		    NULL, 0) || parms.cert == NULL) {
			ERR_clear_error();
			cam_errf(e, CAM_NO, "%s: no certificate on the token "
			    "with this key's label or id (write it there, or "
			    "give --cert)", uri);
			EVP_PKEY_free(*key);
			*key = NULL;
			goto end;
		}
		*cert = parms.cert;	/* the caller owns it */
	}
	rc = 0;
end:
	UI_destroy_method(ui);
	if (p != NULL) {
		OPENSSL_cleanse(p, strlen(p));
		free(p);
	}
	uri_free(&u);
	return rc;
}

int
cam_key_load(const char *spec, const char *what,
    const struct cam_key_pin *pin, EVP_PKEY **key, X509 **cert, int *onto,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct stat st;
	char head[7];
	ssize_t n;
	int fd, rc = -1;

	*key = NULL;
	if (cert != NULL)
		*cert = NULL;
	if (onto != NULL)
		*onto = 0;
	if (cam_key_is_uri(spec)) {
		if (onto != NULL)
			*onto = 1;
		return load_uri(spec, what, NULL, pin, key, cert, e);
	}
	/* A file: a PEM key, or one line naming a key on a token. */
	if ((fd = cam_file_open_plain(spec, 0, "key file", &st, e)) == -1)
		return -1;
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(head) || memcmp(head, "pkcs11:", 7) != 0) {
		close(fd);
		return cam_crypto_read_key(spec, what, key, e);
	}
	if ((st.st_mode & 077) != 0) {
		cam_errf(e, CAM_NO, "%s: mode %04o lets others read the %s; it "
		    "must be 0600 or 0400 (chmod 600 %s)", spec,
		    (unsigned)(st.st_mode & 07777), what, spec);
		goto end;
	}
	if (cam_fd_read(fd, spec, URI_MAX + 2, 1, &b, e) == -1)
		goto end;
	if (b.s == NULL) {
		cam_errf(e, CAM_NO, "%s: empty", spec);
		goto end;
	}
	b.s[strcspn(b.s, "\r\n")] = '\0';
	if (onto != NULL)
		*onto = 1;
	rc = load_uri(b.s, what, spec, pin, key, cert, e);
end:
	cam_buf_free(&b);
	close(fd);
	return rc;
}
