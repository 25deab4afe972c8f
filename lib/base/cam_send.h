/*
 * cam_send: the two ways camkit tells people (camctl watch): e-mail over
 * SMTP and a JSON POST to a web hook, both through libcurl.  Mail goes
 * with STARTTLS required (smtp://; smtps:// is TLS from the start) and
 * the server's certificate checked, authenticated when a user name is
 * given; the message is MIME (curl_mime): a text/plain UTF-8 body and
 * files attached, with Subject encoded per RFC 2047, Date and
 * Message-ID.  Nothing is queued here: a failure is returned, and the
 * caller keeps the message to try again.
 */
#ifndef CAM_SEND_H
#define CAM_SEND_H

#include <stddef.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

struct cam_mail_server {
	const char *url;	/* smtp://host:port or smtps://host:port */
	const char *from;	/* envelope and From: address */
	const char *user;	/* NULL: no AUTH */
	const char *pass;
	const char *ca_file;	/* NULL: the system's CAs */
	long timeout;		/* seconds for the whole exchange, 0: 60 */
};

struct cam_mail {
	char *const *to;	/* addresses */
	size_t nto;
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8 plain text */
	time_t date;
	const char *message_id;	/* "<unique@host>" */
	char *const *attach;	/* paths of files to attach, or NULL */
	size_t nattach;
};

/* Send m through srv.  -1 with CAM_ENV and what the server or the
 * network said ("sending mail through HOST: why"). */
int cam_send_mail(const struct cam_mail_server *srv, const struct cam_mail *m,
    struct cam_err *e);
/* POST json to url (application/json); anything but 2xx is a failure. */
int cam_send_webhook(const char *url, const char *ca_file, const char *json,
    long timeout, struct cam_err *e);
/* The Subject header's value for text: itself if it is printable ASCII,
 * else RFC 2047 encoded words (UTF-8, base64), folded, never cutting a
 * character in two. */
void cam_send_subject(struct cam_buf *out, const char *text);

#endif
