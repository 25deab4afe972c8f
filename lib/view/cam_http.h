/*
 * cam_http: camview's HTTPS server (civetweb, TLS by OpenSSL): logins
 * through PAM and sessions in memory, CSRF tokens, the security headers
 * of every answer, the web assets compiled into the program, the API of
 * camview(1) and the live and playback streams to the browser.
 *
 * Nothing is served from the file system: the pages come from memory
 * (web/, compiled in), footage from the recorder's live sockets
 * (cam_live) and the recordings the account may see (cam_play).
 */
#ifndef CAM_HTTP_H
#define CAM_HTTP_H

#include <signal.h>
#include <stdint.h>

#include "base/cam_err.h"

struct cam_view_opts {
	const char *confdir;	/* the configuration directory */
	const char *host;	/* this host, as camkit.yaml names hosts */
	const char *listen;	/* ADDRESS:PORT; NULL: view.listen */
	const char *cert;	/* PEM certificate (chain) */
	const char *key;	/* PEM private key */
	int idle_s;		/* > 0: idle timeout in seconds, else
				 * view.idle_minutes */
	/* Set by the caller's signal handlers: stop serving; reload the
	 * committed configuration now (it is also checked every few
	 * seconds). */
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *reload;
	/* Told once listening (the address), for the program to print. */
	void (*ready)(const char *listen);
};

/* Serve until *stop.  CAM_ENV when the server cannot start (the
 * certificate or key named, the port taken). */
int cam_view_serve(const struct cam_view_opts *o, struct cam_err *e);

/* PAM: 0 the account may log in; else -1 with a reason for the audit
 * trail in why ("bad password", "locked", "expired").  service: the
 * PAM service ("camview"), rhost the client's address. */
int cam_view_pam(const char *service, const char *account,
    const char *password, const char *rhost, char *why, size_t len);

#endif
