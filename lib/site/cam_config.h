/*
 * cam_config: the site configuration, camkit.yaml (schema in
 * camkit.yaml(5)).  Parsing is strict: unknown keys, wrong types,
 * duplicate ids, bad URLs and anything that looks like a secret are
 * errors, each reported as file:line:col, all of them at once.
 */
#ifndef CAM_CONFIG_H
#define CAM_CONFIG_H

#include <stdint.h>

#include "base/cam_err.h"
#include "base/cam_util.h"
#include "base/cam_yaml.h"

#define CAM_CONFIG_FILE		"camkit.yaml"
#define CAM_CONFIG_MAX		(1024 * 1024)
#define CAM_DEFAULT_DIR		"/etc/camkit"
#define CAM_DEFAULT_ROOT	"/var/lib/camkit"
#define CAM_DEFAULT_ZONE	"Asia/Ho_Chi_Minh"
/* view: defaults */
#define CAM_VIEW_LISTEN		"0.0.0.0:8443"
#define CAM_VIEW_RUN_DIR	"/run/camkit"
#define CAM_VIEW_RUN_DIR_MAX	64	/* a socket path must fit sun_path */
#define CAM_VIEW_IDLE_MINUTES	15
#define CAM_ID_MAX		32

/* Roles (REQUIREMENTS.md), as bits. */
enum cam_role {
	CAM_ROLE_DIRECTOR = 1 << 0,
	CAM_ROLE_CHIEF = 1 << 1,	/* chief-of-office */
	CAM_ROLE_OPERATOR = 1 << 2,
	CAM_ROLE_GUARD = 1 << 3,
	CAM_ROLE_DEPARTMENT = 1 << 4,
	CAM_ROLE_UNIT_HEAD = 1 << 5,
	CAM_ROLE_AUDITOR = 1 << 6,
};

/* Every role's name, in bit order, for messages. */
#define CAM_ROLE_NAMES	"director, chief-of-office, operator, guard, " \
			"department, unit-head, auditor"

/* Name of one role bit, or NULL; and the bit of a name, or 0. */
const char *cam_role_name(unsigned role);
unsigned cam_role_parse(const char *name);

struct cam_camera {
	char *id;
	char *name;
	char *location;
	char *url;		/* rtsp:// or rtsps://, never credentials */
	char *live_url;		/* a second, smaller stream for the wall
				 * (not recorded), or NULL: the wall shows
				 * the recorded stream */
	char *credential;	/* name of private/credentials/<name>, or NULL */
	char *host;		/* recording host; NULL: the site's host */
	char *transport;	/* "tcp" or "udp" */
	char *model;
	char *firmware;
	int enabled;
	int64_t segment;	/* seconds */
	int line;		/* where it is defined, for messages */
};

struct cam_user {
	char *name;		/* Unix user name */
	unsigned roles;
};

struct cam_paths {
	size_t n;
	char **path;		/* relative to the configuration directory */
};

/* policy.approved_cameras: a model the site may use, and the oldest
 * firmware it accepts (NULL: any). */
struct cam_approved {
	char *model;
	char *min_firmware;
	int line;
};

/* alerts: (camctl watch, camkit-alerts(7)): who is told what, and how.
 * Kinds of event, each with its list of recipients (none: "default"'s). */
enum cam_alert_kind {
	CAM_ALERT_OUTAGE,	/* a camera down, and back */
	CAM_ALERT_STORAGE,	/* days of room left below retention */
	CAM_ALERT_LOGBOOK,	/* a suspicious, incident or fault entry */
	CAM_ALERT_INTEGRITY,	/* a broken chain, a bad, missing or late seal */
	CAM_ALERT_ACCESS,	/* a refused extraction or view */
	CAM_ALERT_REPORT,	/* the director's monthly report */
	CAM_ALERT_DIGEST,	/* the daily summary */
	CAM_ALERT_NKINDS
};
/* Their names in camkit.yaml, journal records and --json, in order. */
extern const char *const cam_alert_kinds[CAM_ALERT_NKINDS];
#define CAM_ALERT_DOWN_AFTER	120	/* seconds */
#define CAM_ALERT_DIGEST_HOUR	7	/* local time */
#define CAM_ALERT_JOURNALS_EVERY 600	/* seconds */

struct cam_alerts {
	int64_t camera_down_after;	/* seconds without a new segment */
	int64_t journals_every;		/* seconds between two checks of the
					 * journals and seals */
	int digest_hour;		/* 0..23 in the site's zone, -1: none */
	char *smtp_url;		/* smtp://host:port or smtps://, or NULL */
	char *smtp_from;
	char *smtp_credential;	/* private/credentials/<name>, or NULL */
	char *smtp_ca_file;	/* CA of the server's certificate, or NULL */
	char *webhook;		/* http(s):// URL taking a JSON POST, or NULL */
	struct cam_paths to[CAM_ALERT_NKINDS];	/* addresses */
	struct cam_paths to_default;
};

/* sync: (camctl sync): where this host takes the configuration from. */
struct cam_sync {
	char *remote;		/* a remote of the repository, or a URL
				 * (https://, ssh://, file:// or a path);
				 * NULL: "origin" */
	char *branch;		/* NULL: the branch HEAD is on */
};

/* replication: (camrec replicate, camkit-replication(7)): an S3 service
 * and its buckets, one per kind of object, in the order they are sent. */
enum cam_repl_kind {
	CAM_REPL_EVIDENCE,	/* extraction archives */
	CAM_REPL_JOURNALS,	/* sealed chunks of every journal */
	CAM_REPL_FOOTAGE,	/* closed segments */
	CAM_REPL_NKINDS
};
/* Their names in camkit.yaml (replication: buckets:), in order. */
extern const char *const cam_repl_kinds[CAM_REPL_NKINDS];
#define CAM_REPL_KEEP_DAYS	1825	/* journals and evidence, locked */

struct cam_replication {
	char *endpoint;		/* http(s)://HOST[:PORT], path-style; NULL:
				 * no replication */
	char *region;		/* SigV4's region; default "us-east-1" */
	char *credential;	/* private/credentials/<name>: username is
				 * the access key id, password the secret */
	char *ca_file;		/* CA of the service's certificate, or NULL */
	char *prefix;		/* put before every key: "" or ends in '/' */
	char *bucket[CAM_REPL_NKINDS];	/* all required with endpoint */
	int footage_days;	/* footage kept (GOVERNANCE lock) in the
				 * store; default storage.retention_days */
	int journal_days;	/* COMPLIANCE lock of journal chunks */
	int evidence_days;	/* COMPLIANCE lock of archives */
	uint64_t max_rate;	/* bytes per second, 0: no limit */
	int window_from;	/* upload window, minutes after midnight in
				 * the site's zone; -1: at any time */
	int window_to;		/* end (exclusive); may be < window_from:
				 * across midnight */
	int keep_until_replicated;	/* camrec prune deletes a segment
					 * only once replicated and checked */
};

struct cam_config {
	char *site_name;
	char *timezone;
	char *host;
	char *language;		/* site.language: "vi" (the default) or "en": the
				 * words of services and mail (cam_i18n) */
	char *root;		/* recordings, journals */
	int retention_days;
	/* Capacity limit: bytes if max_bytes > 0, else percent of the
	 * filesystem holding root. */
	uint64_t max_bytes;
	int max_percent;
	int unit_head_signature;
	size_t napproved;	/* 0: the approved-models check is off */
	struct cam_approved *approved;
	struct cam_paths trust_ca, trust_director, trust_unit_head;
	char **trust_unit_head_unit;	/* the unit (trimmed) whose head
					 * trust_unit_head.path[i] is (the
					 * map form), or NULL (the list
					 * form: the certificate's OU) */
	struct cam_paths trust_crl;	/* revocation lists */
	int crl_expired_refuse;	/* policy.crl_expired: refuse (1), warn */
	size_t ncameras;
	struct cam_camera *cameras;
	size_t nusers;
	struct cam_user *users;
	/* view: (camview) */
	char *view_listen;	/* ADDRESS:PORT */
	char *view_run_dir;	/* live sockets in <run_dir>/live/ */
	int view_idle_minutes;	/* an idle session ends */
	struct cam_alerts alerts;	/* alerts: */
	struct cam_sync sync;		/* sync: */
	struct cam_replication repl;	/* replication: */
};

/* Parse and validate text; file names the source in messages. */
int cam_config_parse(struct cam_config *cfg, const char *file,
    const char *text, size_t len, struct cam_err *e);
/* Only the secret checks of cam_config_parse (a password, credentials
 * in a URL, a private key): each reported in e as file:line:col;
 * returns how many, 0 for none (or a file that is not YAML at all). */
int cam_config_secrets(const char *file, const char *text, size_t len,
    struct cam_err *e);
/* Validate a parsed document into cfg (used after edits too). */
int cam_config_from_doc(struct cam_config *cfg, const struct cam_ydoc *doc,
    struct cam_err *e);
void cam_config_free(struct cam_config *cfg);

const struct cam_camera *cam_config_camera(const struct cam_config *cfg,
    const char *id);
const struct cam_user *cam_config_user(const struct cam_config *cfg,
    const char *name);
/* Does a camera name the credential cred? */
int cam_config_credential_used(const struct cam_config *cfg,
    const char *cred);

/* The addresses alerts of kind go to (the kind's own, else default's). */
const struct cam_paths *cam_alert_to(const struct cam_config *cfg,
    enum cam_alert_kind kind);

/* The host that records camera c under cfg (its host:, else the
 * site's). */
const char *cam_camera_host(const struct cam_config *cfg,
    const struct cam_camera *c);

/* Syntax of identifiers, shared by every program. */
int cam_id_valid(const char *id);		/* [a-z0-9-]+, <= 32 */
int cam_username_valid(const char *name);	/* POSIX portable user name */
/* Check an RTSP URL: scheme, host, port, no credentials, no spaces.
 * The reason for a refusal goes into why in English, whole: it is a
 * msgid, so _(why) is the reader's words for it. */
int cam_url_check(const char *url, char *why, size_t len);
/* The approved entry for model (compared without case), or NULL. */
const struct cam_approved *cam_config_approved(const struct cam_config *cfg,
    const char *model);
/* Compare firmware versions number by number ("V5.7.10" > "5.7.9"; a
 * leading v or V and text after the numbers are ignored; missing
 * numbers count as 0): *cmp < 0, 0 or > 0.  -1 if either holds no
 * version number. */
int cam_firmware_cmp(const char *a, const char *b, int *cmp);
/* A unit's name without the spaces at its ends (ASCII blanks and
 * Unicode spaces, U+FEFF too, each taken whole): *start and *len within
 * s.  Two names are the same unit when they are byte for byte equal so
 * trimmed and not empty (no case folding, no Unicode normalisation). */
void cam_unit_trim(const char *s, const char **start, size_t *len);
int cam_unit_same(const char *a, const char *b);
/* "90%" or "500G", "2TiB", "1000000": bytes or percent. */
int cam_size_parse(const char *s, uint64_t *bytes, int *percent);

/* ---- a camera's settings, for the parser and for camctl's edits ---- */

/* segment: the length of a recorded segment, in seconds. */
#define CAM_SEGMENT_MIN		5
#define CAM_SEGMENT_MAX		3600
#define CAM_SEGMENT_DEFAULT	60

/* A camera's keys in camkit.yaml, in the order camctl camera add writes
 * them (id first), NULL-terminated. */
extern const char *const cam_camera_keys[];
#define CAM_CAMERA_NKEYS	12
/* The index of key in cam_camera_keys, or -1. */
int cam_camera_key(const char *key);
int cam_segment_valid(int64_t secs);
/* ADDRESS:PORT as view.listen takes it ("0.0.0.0:8443", "[::1]:8443",
 * "localhost:8443"). */
int cam_listen_valid(const char *s);
int cam_transport_valid(const char *transport);	/* tcp or udp */
/* A value for a camera key as camctl takes it on its command line:
 * checked before it reaches the file, so that the message speaks of
 * the option, not of a line the user never wrote (the URL is not
 * echoed: it may hold a password).  The host is left to the parser. */
int cam_camera_value_check(const char *key, const char *val,
    struct cam_err *e);
/* The YAML text of val for key: "enabled" true or false plain, the rest
 * quoted when they need it. */
void cam_camera_value_yaml(struct cam_buf *b, const char *key,
    const char *val);
/* A new camera's item for the cameras: list into b: "id: ID", then one
 * line for each value given (vals[k] for cam_camera_keys[k], NULL: not
 * given) in the table's order.  Each value is checked first, the URL
 * (required) before the rest. */
int cam_camera_item(struct cam_buf *b, const char *id,
    const char *const vals[CAM_CAMERA_NKEYS], struct cam_err *e);

/* An edit of camkit.yaml's cameras: list, for cam_site_edit. */
struct cam_camera_edit {
	const char *id;
	const char *item;	/* add: the new item (cam_camera_item) */
	size_t nkv;
	char **keys;		/* set: key=value pairs, each value as */
	char **vals;		/* YAML text (NULL: remove the key) */
	int remove;		/* rm */
	/* add: called once the camera is known to be new, before it is
	 * added (NULL: none); -1 refuses the edit. */
	int (*on_add)(void *arg, struct cam_err *e);
	void *arg;
};
int cam_config_edit_camera(struct cam_ydoc *doc, void *arg,
    struct cam_err *e);

/* An edit of camkit.yaml's users: mapping, for cam_site_edit: add roles
 * to a user (a new one too), or take them (all: 0, the user goes). */
struct cam_user_edit {
	const char *name;
	unsigned roles;		/* add: roles to give; rm: roles to take */
	int add;
};
int cam_config_edit_user(struct cam_ydoc *doc, void *arg,
    struct cam_err *e);

/* Add path to trust.crl (kept if there: a newer list replaces the file
 * it names), or remove it (add 0); arg: struct cam_crl_edit. */
struct cam_crl_edit {
	const char *path;
	int add;
};
int cam_config_edit_crl(struct cam_ydoc *doc, void *arg,
    struct cam_err *e);

#endif
