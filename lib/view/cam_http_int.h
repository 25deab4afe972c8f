/*
 * cam_http_int: what camview's server files share (cam_http.c: server,
 * sessions, logins, pages and the API; cam_http_media.c: live and
 * playback streams, the timeline, the guard's report).  Not a contract.
 */
#ifndef CAM_HTTP_INT_H
#define CAM_HTTP_INT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/cam_util.h"
#include "site/cam_site.h"
#include "view/cam_http.h"

struct mg_connection;
struct mg_context;

/* The configuration in force, shared by the requests that use it. */
struct view_site {
	struct cam_site s;
	int refs;
};

struct view_session {
	char id[65];		/* the cookie */
	char csrf[65];
	char account[64];
	uid_t uid;
	char client[48];
	time_t last;		/* last request */
};

struct view_server;

/* One request being answered. */
struct view_req {
	struct view_server *sv;
	struct mg_connection *c;
	const struct mg_request_info *ri;
	struct view_site *vs;	/* referenced for the request */
	const struct cam_config *cfg;
	struct view_session s;	/* a copy; valid if have_session */
	int have_session;
	const char *client;
};

/* The security headers, as lines ending in CRLF. */
const char *view_sec_headers(void);
/* Headers every answer carries. */
void view_head(struct mg_connection *c, int status, const char *ctype,
    long long len, const char *const *extra);
void view_reply(struct mg_connection *c, int status, const char *ctype,
    const void *body, size_t len, const char *const *extra);
void view_json(struct mg_connection *c, int status, const char *json);
/* {"error":code,"message":msg} */
/* The body of an error answer: {"error":CODE,"message":MSG}. */
void view_error_body(struct cam_buf *b, const char *code, const char *msg);
void view_error(struct mg_connection *c, int status, const char *code,
    const char *msg);

/* The request's query parameter name into buf: 0, or -1 absent. */
int view_query(const struct view_req *q, const char *name, char *buf,
    size_t len);
/* Audit by the request's account (or account, when not logged in). */
void view_audit(const struct view_req *q, const char *account,
    const char *verb, const char *object, const char *outcome,
    const char *reason, const char *detail);
/* Start a request: the site referenced, the session looked up (and
 * touched).  view_req_end releases. */
void view_req_begin(struct view_req *q, struct view_server *sv,
    struct mg_connection *c);
void view_req_end(struct view_req *q);
/* The server's options. */
const struct cam_view_opts *view_opts(const struct view_req *q);
/* The run directory of the live sockets. */
const char *view_run_dir(const struct view_req *q);
/* Our own origin "https://host:port" as the client named us. */
int view_same_origin(const struct view_req *q);
/* Does the account hold one of roles? */
int view_has_role(const struct cam_config *cfg, const char *account,
    unsigned roles);
/* RFC 3339 UTC with microseconds; _short: without a fraction when it is
 * zero. */
void view_time_us(int64_t us, char *buf, size_t len);
void view_time_short(int64_t us, char *buf, size_t len);

/* A refusal by cam_view_rights: its why begins with the API's CODE and
 * ": " (cam_view_rights.h); answer status with that code (else dflt) and
 * the rest, and audit it as verb on object. */
void view_refuse(const struct view_req *q, int status, const char *dflt,
    const char *verb, const char *object, const char *why);

/* cam_http_media.c */
void view_register_media(struct mg_context *ctx, struct view_server *sv);
int view_timeline(struct view_req *q);
int view_play(struct view_req *q, const char *camera);
int view_report(struct view_req *q);
/* The camera's live state: "up", "down", "off", with since, reason and
 * codec when known. */
void view_live_state(const char *run_dir, const char *camera,
    const char *stream, char state[8], int64_t *since, char *reason,
    size_t rlen, char codec[16]);

#endif
