/*
 * cam_send: SMTP and web hooks through libcurl (see cam_send.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "base/cam_send.h"
#include "base/cam_util.h"

#define SEND_TIMEOUT	60L

/* curl's own words on what failed: the error buffer when it has some. */
static const char *
curl_why(CURLcode rc, const char *errbuf)
{
	return errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
}

/* host[:port] of a URL, for messages (never the path: a web hook's may
 * hold its token). */
static void
url_host(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p != NULL ? p + 3 : url;
	n = strcspn(p, "/?#");
	snprintf(buf, len, "%.*s", (int)n, p);
}

void
cam_send_subject(struct cam_buf *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), i = 0;
	int plain = 1;

	for (size_t k = 0; k < len; k++)
		if (s[k] < 0x20 || s[k] >= 0x7f)
			plain = 0;
	if (plain) {
		cam_buf_adds(out, text);
		return;
	}
	/* An encoded word is at most 75 characters: 12 of framing leave
	 * 60 of base64, 45 bytes of text, cut between characters. */
	while (i < len) {
		size_t n = 0;
		unsigned char b64[64];

		while (i + n < len) {
			size_t c = 1;
			while (i + n + c < len && (s[i + n + c] & 0xc0) == 0x80)
				c++;
			if (n + c > 45)
				break;
			n += c;
		}
		if (n == 0)
			n = len - i < 45 ? len - i : 45;
		EVP_EncodeBlock(b64, s + i, (int)n);
		cam_buf_addf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += n;
	}
}

int
cam_send_mail(const struct cam_mail_server *srv, const struct cam_mail *m,
    struct cam_err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", host[256], date[64], from[300];
	struct curl_slist *rcpt = NULL, *hdrs = NULL;
	struct cam_buf h = CAM_BUF_INIT;
	curl_mime *mime = NULL;
	curl_mimepart *part;
	struct tm tm;
	CURL *c;
	CURLcode rc;
	int ret = -1;

	url_host(srv->url, host, sizeof(host));
	if ((c = curl_easy_init()) == NULL)
		return cam_errf(e, CAM_ENV, "sending mail through %s: libcurl "
		    "could not start", host);
	snprintf(from, sizeof(from), "<%s>", srv->from);
	for (size_t i = 0; i < m->nto; i++) {
		char to[300];
		snprintf(to, sizeof(to), "<%s>", m->to[i]);
		rcpt = curl_slist_append(rcpt, to);
	}
	/* curl writes no header of its own into a MIME mail but the MIME
	 * ones: From, To, Subject, Date and Message-ID are ours, and a
	 * header is sent as given, so the subject is encoded here. */
	gmtime_r(&m->date, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	cam_buf_addf(&h, "Date: %s", date);
	hdrs = curl_slist_append(hdrs, cam_buf_str(&h));
	h.len = 0;
	cam_buf_addf(&h, "From: %s", from);
	hdrs = curl_slist_append(hdrs, cam_buf_str(&h));
	h.len = 0;
	cam_buf_adds(&h, "To: ");
	for (size_t i = 0; i < m->nto; i++)
		cam_buf_addf(&h, "%s<%s>", i ? ", " : "", m->to[i]);
	hdrs = curl_slist_append(hdrs, cam_buf_str(&h));
	h.len = 0;
	cam_buf_adds(&h, "Subject: ");
	cam_send_subject(&h, m->subject);
	hdrs = curl_slist_append(hdrs, cam_buf_str(&h));
	h.len = 0;
	cam_buf_addf(&h, "Message-ID: %s", m->message_id);
	hdrs = curl_slist_append(hdrs, cam_buf_str(&h));
	hdrs = curl_slist_append(hdrs, "MIME-Version: 1.0");

	mime = curl_mime_init(c);
	part = curl_mime_addpart(mime);
	curl_mime_data(part, m->body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=UTF-8");
	curl_mime_encoder(part, "base64");
	for (size_t i = 0; i < m->nattach; i++) {
		const char *p = m->attach[i];
		size_t n = strlen(p);
		part = curl_mime_addpart(mime);
		if (curl_mime_filedata(part, p) != CURLE_OK) {
			cam_errf(e, CAM_ENV, "attaching %s: cannot read it", p);
			goto end;
		}
		curl_mime_type(part, n > 4 && strcmp(p + n - 4, ".pdf") == 0 ?
		    "application/pdf" : n > 4 && strcmp(p + n - 4, ".p7s") == 0 ?
		    "application/pkcs7-signature" : "application/octet-stream");
		curl_mime_encoder(part, "base64");
	}

	curl_easy_setopt(c, CURLOPT_URL, srv->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (srv->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, srv->ca_file);
	if (srv->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, srv->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, srv->pass);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, srv->timeout > 0 ? srv->timeout :
	    SEND_TIMEOUT);
	if ((rc = curl_easy_perform(c)) == CURLE_LOGIN_DENIED) {
		cam_errf(e, CAM_ENV, "sending mail through %s: the server "
		    "refused the user name or password (%s)", host,
		    curl_why(rc, errbuf));
		goto end;
	}
	if (rc != CURLE_OK) {
		cam_errf(e, CAM_ENV, "sending mail through %s: %s", host,
		    curl_why(rc, errbuf));
		goto end;
	}
	ret = 0;
end:
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdrs);
	cam_buf_free(&h);
	return ret;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

int
cam_send_webhook(const char *url, const char *ca_file, const char *json,
    long timeout, struct cam_err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", host[256];
	struct curl_slist *hdrs = NULL;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = -1;

	url_host(url, host, sizeof(host));
	if ((c = curl_easy_init()) == NULL)
		return cam_errf(e, CAM_ENV, "posting to the web hook at %s: "
		    "libcurl could not start", host);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout > 0 ? timeout :
	    SEND_TIMEOUT);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		cam_errf(e, CAM_ENV, "posting to the web hook at %s: %s", host,
		    curl_why(rc, errbuf));
		goto end;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		cam_errf(e, CAM_ENV, "posting to the web hook at %s: HTTP "
		    "status %ld", host, status);
		goto end;
	}
	ret = 0;
end:
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	return ret;
}
