/*
 * jbench: the driver of bench/journal, timing lib/journal/cam_journal.c.
 *
 *	jbench append PATH N	N synced appends to the journal PATH, each
 *				timed, interleaved with N write+fdatasync
 *				of the same line to the plain file
 *				PATH.plain (the baseline), and the
 *				difference of each pair
 *	jbench make PATH N	a valid journal of N records, unsynced
 *	jbench verify PATH	time cam_journal_verify
 *
 * Times are printed as "key=value" lines for the script to read; append
 * latencies in microseconds, other times in seconds.  Exit 0, 1 on any
 * failure (the message on stderr), 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"

/* The host every record names: fixed, so that line lengths are too. */
#define HOST	"guard-desk-1"
#define KIND	"logbook"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Record i's DATA: a guard's logbook entry of about 150 bytes, one of a
 * few texts, so that the JSON checker sees strings, numbers, a boolean
 * and an escape, as real entries would have.
 */
static void
logbook_data(char *buf, size_t len, uint64_t i)
{
	static const char *const what[] = {
		"Round done, all doors locked, nothing to report",
		"Van parked at the loading bay, driver signed in",
		"Camera 7 image dark for 2 min, back by itself",
		"Alarm at gate B: cat, reset and logged \\u2713",
	};
	static const char *const cam[] = { "gate", "bay", "lobby", "yard" };

	snprintf(buf, len, "{\"author\":\"guard%02" PRIu64 "\",\"shift\":"
	    "\"%s\",\"camera\":\"%s\",\"entry\":%" PRIu64 ",\"text\":\"%s\","
	    "\"ack\":%s}", i % 7 + 1, i % 2 ? "night" : "day", cam[i % 4], i,
	    what[i % 4], i % 3 ? "true" : "false");
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double
pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100 * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void
report(const char *name, double *us, size_t n)
{
	double sum = 0;

	qsort(us, n, sizeof(*us), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += us[i];
	printf("%s n=%zu p50=%.1f p99=%.1f max=%.1f mean=%.1f\n", name, n,
	    pct(us, n, 50), pct(us, n, 99), us[n - 1], sum / (double)n);
}

static int
do_append(const char *path, size_t n)
{
	struct cam_journal *j = NULL;
	struct cam_journal_rec out;
	struct cam_err e;
	char data[256], plain[4096], line[512];
	double *tj = NULL, *tp = NULL, *td = NULL;
	int fd = -1, rc = 1;

	if (cam_path(plain, sizeof(plain), &e, "%s.plain", path) == -1 ||
	    cam_journal_open(&j, path, HOST, &e) == -1) {
		fprintf(stderr, "jbench: %s\n", e.msg);
		return 1;
	}
	fd = open(plain, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		fprintf(stderr, "jbench: %s: %s\n", plain, strerror(errno));
		goto end;
	}
	tj = cam_xmalloc(n * sizeof(*tj));
	tp = cam_xmalloc(n * sizeof(*tp));
	td = cam_xmalloc(n * sizeof(*td));
	for (size_t i = 0; i < n; i++) {
		logbook_data(data, sizeof(data), i + 1);
		double t = now_s();
		if (cam_journal_append(j, KIND, data, &out, &e) == -1) {
			fprintf(stderr, "jbench: %s\n", e.msg);
			goto end;
		}
		tj[i] = (now_s() - t) * 1e6;

		/* The same line, as the journal wrote it, by hand. */
		char ts[32];
		cam_time_format_utc(out.time, ts, sizeof(ts));
		int len = snprintf(line, sizeof(line), "%" PRIu64 "\t%s\t%s\t"
		    "%s\t%s\t%s\n", out.seq, ts, HOST, out.prev, KIND, data);
		t = now_s();
		if (write(fd, line, (size_t)len) != len ||
		    fdatasync(fd) == -1) {
			fprintf(stderr, "jbench: %s: %s\n", plain,
			    strerror(errno));
			goto end;
		}
		tp[i] = (now_s() - t) * 1e6;
		td[i] = tj[i] - tp[i];
	}
	report("journal", tj, n);
	report("plain", tp, n);
	/* The journal's own share, pair by pair: both lines went through
	 * the same disk at nearly the same moment. */
	report("extra", td, n);
	rc = 0;
end:
	if (fd != -1)
		close(fd);
	free(tj);
	free(tp);
	free(td);
	cam_journal_close(&j);
	return rc;
}

static int
do_make(const char *path, size_t n)
{
	struct cam_journal *j = NULL;
	struct cam_err e;
	char data[256];
	double t = now_s();

	if (cam_journal_open(&j, path, HOST, &e) == -1) {
		fprintf(stderr, "jbench: %s\n", e.msg);
		return 1;
	}
	cam_journal_set_sync(j, 0);
	for (size_t i = cam_journal_seq(j); i < n; i++) {
		logbook_data(data, sizeof(data), i + 1);
		if (cam_journal_append(j, KIND, data, NULL, &e) == -1) {
			fprintf(stderr, "jbench: %s\n", e.msg);
			cam_journal_close(&j);
			return 1;
		}
	}
	/* One sync at the end: the verify runs read a whole file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fdatasync(fd) == -1) {
		fprintf(stderr, "jbench: sync %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		cam_journal_close(&j);
		return 1;
	}
	close(fd);
	printf("make records=%" PRIu64 " seconds=%.3f\n", cam_journal_seq(j),
	    now_s() - t);
	cam_journal_close(&j);
	return 0;
}

static int
do_verify(const char *path)
{
	struct cam_journal_verify v;
	struct cam_err e;
	double t = now_s();

	if (cam_journal_verify(path, &v, &e) == -1) {
		fprintf(stderr, "jbench: %s\n", e.msg);
		return 1;
	}
	printf("verify records=%" PRIu64 " seconds=%.3f head=%s\n", v.records,
	    now_s() - t, v.head);
	return 0;
}

static int
count(const char *s, size_t *n)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 1 || v > 100000000)
		return -1;
	*n = (size_t)v;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t n;

	if (argc == 4 && strcmp(argv[1], "append") == 0 &&
	    count(argv[3], &n) == 0)
		return do_append(argv[2], n);
	if (argc == 4 && strcmp(argv[1], "make") == 0 &&
	    count(argv[3], &n) == 0)
		return do_make(argv[2], n);
	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return do_verify(argv[2]);
	fprintf(stderr, "usage: jbench append PATH N\n"
	    "       jbench make PATH N\n"
	    "       jbench verify PATH\n");
	return 2;
}
