/*
 * cam_err: how library functions report failure.
 *
 * Every function that can fail takes a struct cam_err * as its last
 * argument and returns a negative number after filling it in.  Only
 * programs (cmd/) print the message and exit.  The code is the exit
 * status a program should use: CAM_NO (1) for "the answer is no"
 * (invalid input, refused action, failed verification), CAM_ENV (3) for
 * environment failures (I/O, a library that broke).  A message may hold
 * several lines (one per finding, e.g. every schema error of a file).
 *
 * Each message is kept twice: msg in English, for machines (journal and
 * audit records, --json), and text in the reader's language (gettext,
 * cam_i18n.h), for people (cam_cli_fail prints text).  Every fmt given
 * below is a msgid: write it in English, whole, with no word built at
 * run time, and its arguments are inserted in both copies alike.
 */
#ifndef CAM_ERR_H
#define CAM_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	CAM_OK = 0,
	CAM_NO = 1,
	CAM_USAGE = 2,
	CAM_ENV = 3,
};

#define CAM_ERR_MAX 4096

struct cam_err {
	int code;
	int count;		/* number of messages appended */
	char msg[CAM_ERR_MAX];	/* newline-separated messages, English */
	char text[CAM_ERR_MAX];	/* the same in the reader's language */
};

/* A message formatted in both languages, for a function that builds
 * its own prefix (cam_yaml_errf): en in English, text translated. */
struct cam_msg {
	char en[1024];
	char text[1024];
};
void cam_msg_format(struct cam_msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cam_msg_vformat(struct cam_msg *m, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

void cam_err_clear(struct cam_err *e);
/* Set (replace) the message; returns -1. */
int cam_errf(struct cam_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cam_err_vset(struct cam_err *e, int code, int append, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));
/* Set (append: add a line) from a message already in both languages. */
int cam_err_pair(struct cam_err *e, int code, int append, const char *en,
    const char *text);
/* "what: inner" in both languages into en and text (CAM_ERR_MAX bytes
 * each), what formatted from fmt: for a function that files it itself
 * (cam_schema_err_wrap). */
void cam_err_vcompose(char *en, char *text, const struct cam_err *inner,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* "what: inner" in both languages, with inner's code: e may be inner. */
int cam_err_wrap(struct cam_err *e, const struct cam_err *inner,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append one more message line; returns -1. */
int cam_err_addf(struct cam_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "what: strerror(errno)" with CAM_ENV. */
int cam_err_sys(struct cam_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One helper per dependency: "what: <library's own message>". */
int cam_err_git(struct cam_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* FFmpeg: "what: av_strerror(averr)"; CAM_ENV. */
int cam_err_av(struct cam_err *e, int averr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* libarchive: "what: archive_error_string(a)"; CAM_ENV. */
struct archive;
int cam_err_archive(struct cam_err *e, struct archive *a, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

#endif
