/*
 * A minimal unit-test harness: each CHECK prints "ok N - what" or
 * "not ok N - what (file:line)"; tests/run counts those lines.
 */
#ifndef CAM_UNIT_H
#define CAM_UNIT_H

#include <stdio.h>
#include <string.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

static int unit_n, unit_failed;

#define CHECK(cond, what) do {						\
	unit_n++;							\
	if (cond)							\
		printf("ok %d - %s\n", unit_n, (what));			\
	else {								\
		unit_failed++;						\
		printf("not ok %d - %s (%s:%d)\n", unit_n, (what),	\
		    __FILE__, __LINE__);				\
	}								\
} while (0)

#define CHECK_STR(got, want, what) do {					\
	const char *g_ = (got), *w_ = (want);				\
	CHECK(g_ && strcmp(g_, w_) == 0, (what));			\
	if (!g_ || strcmp(g_, w_) != 0)					\
		printf("#   got \"%s\", want \"%s\"\n",			\
		    g_ ? g_ : "(null)", w_);				\
} while (0)

/* DIR/NAME, in one of 16 buffers used in turn (so that a few such paths
 * can be held at once). */
static inline const char *
unit_path(const char *dir, const char *name)
{
	static char buf[16][512];
	static int i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* The whole file (at most 1 GiB), NUL-terminated; *len, if not NULL,
 * its size.  NULL, said in a "#" line, if it cannot be read.  The
 * caller frees. */
static inline char *
unit_slurp(const char *path, size_t *len)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err fe;

	if (cam_file_read(path, (size_t)1 << 30, &b, &fe) == -1) {
		printf("# %s\n", fe.msg);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.s ? b.s : cam_xstrdup("");
}

#define UNIT_END() (fflush(stdout), unit_failed ? 1 : 0)

#endif
