/*
 * A minimal unit-test harness: each CHECK prints "ok N - what" or
 * "not ok N - what (file:line)"; tests/run counts those lines.
 */
#ifndef CAM_UNIT_H
#define CAM_UNIT_H

#include <stdio.h>
#include <string.h>

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

#define UNIT_END() (fflush(stdout), unit_failed ? 1 : 0)

#endif
