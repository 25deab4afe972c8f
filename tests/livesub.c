/*
 * livesub: a live-view subscriber for the tests and the bench
 * (media/cam_live.h), as camview is one.
 *
 *	livesub [-t SECONDS] [-n MESSAGES] [-s main|wall] [-w] [-m] [-S]
 *	    RUN_DIR CAMERA
 *
 * Prints one line per message, as it comes:
 *	H CODEC WIDTH HEIGHT EXTRADATA_BYTES TB_NUM TB_DEN
 *	P KEY DTS READ_US SIZE RECV_US
 *	D SINCE REASON
 * and ends after SECONDS (default 10) or MESSAGES messages; exit 0, or
 * 1 when the recorder went away or sent garbage, 2 on bad usage.
 * -w: wait (up to SECONDS) for the socket to be there.
 * -m: measure instead of printing: at the end, "latency_us p50 P50
 * p99 P99 max MAX n N" (RECV_US - READ_US of every packet camrec read
 * after this subscriber connected: the held GOP it is sent first is
 * not late, it is the start) and "first_key_ms MS" (from connecting to
 * the first keyframe).
 * -S: stall: connect, never read, until SECONDS have passed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cam_err.h"
#include "media/cam_live.h"

static int64_t
now_us(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct cam_live_sub *s = NULL;
	struct cam_live_msg m;
	struct cam_err e;
	const char *stream = CAM_LIVE_MAIN;
	double seconds = 10;
	long max = -1, count = 0;
	int c, wait = 0, measure = 0, stall = 0, rc = 0;
	int64_t *lat = NULL, t0, t0_real, end, first_key = -1;
	size_t nlat = 0, cap = 0;

	while ((c = getopt(argc, argv, "t:n:s:wmS")) != -1)
		switch (c) {
		case 't': seconds = atof(optarg); break;
		case 'n': max = atol(optarg); break;
		case 's': stream = optarg; break;
		case 'w': wait = 1; break;
		case 'm': measure = 1; break;
		case 'S': stall = 1; break;
		default: return 2;
		}
	if (optind + 2 != argc) {
		fprintf(stderr, "usage: livesub [-t S] [-n N] [-s main|wall] "
		    "[-w] [-m] [-S] RUN_DIR CAMERA\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	end = now_us(CLOCK_MONOTONIC) + (int64_t)(seconds * 1e6);
	for (;;) {
		cam_err_clear(&e);
		if (cam_live_sub_open(&s, argv[optind], argv[optind + 1],
		    stream, &e) == 0)
			break;
		if (!wait || e.code != CAM_NO ||
		    now_us(CLOCK_MONOTONIC) >= end) {
			fprintf(stderr, "livesub: %s\n", e.msg);
			return 1;
		}
		usleep(20 * 1000);
	}
	t0 = now_us(CLOCK_MONOTONIC);
	t0_real = now_us(CLOCK_REALTIME);
	if (stall) {
		while (now_us(CLOCK_MONOTONIC) < end)
			usleep(50 * 1000);
		cam_live_sub_close(s);
		return 0;
	}
	while (max < 0 || count < max) {
		int64_t left = (end - now_us(CLOCK_MONOTONIC)) / 1000;
		if (left <= 0)
			break;
		int r = cam_live_sub_read(s, &m, (int)left, &e);
		int64_t recv = now_us(CLOCK_REALTIME);
		if (r == 0)
			break;
		if (r == -1) {
			fprintf(stderr, "livesub: %s\n", e.msg);
			rc = 1;
			break;
		}
		count++;
		if (m.type == CAM_LIVE_PACKET && m.key && first_key < 0)
			first_key = now_us(CLOCK_MONOTONIC) - t0;
		if (measure) {
			if (m.type != CAM_LIVE_PACKET || m.read_us < t0_real)
				continue;
			if (nlat == cap) {
				cap = cap ? 2 * cap : 1024;
				lat = realloc(lat, cap * sizeof(*lat));
				if (lat == NULL)
					return 1;
			}
			lat[nlat++] = recv - m.read_us;
			continue;
		}
		switch (m.type) {
		case CAM_LIVE_HEADER:
			printf("H %s %d %d %zu %d %d\n", m.codec, m.width,
			    m.height, m.extradata_len, m.tb_num, m.tb_den);
			break;
		case CAM_LIVE_PACKET:
			printf("P %d %lld %lld %zu %lld\n", m.key,
			    (long long)m.dts, (long long)m.read_us, m.size,
			    (long long)recv);
			break;
		case CAM_LIVE_DOWN:
			printf("D %lld %s\n", (long long)m.since, m.reason);
			break;
		}
	}
	if (measure) {
		if (nlat > 0) {
			qsort(lat, nlat, sizeof(*lat), cmp64);
			printf("latency_us p50 %lld p99 %lld max %lld n %zu\n",
			    (long long)lat[nlat / 2],
			    (long long)lat[(nlat * 99) / 100],
			    (long long)lat[nlat - 1], nlat);
		}
		printf("first_key_ms %lld\n", first_key < 0 ? -1LL :
		    (long long)(first_key / 1000));
	}
	free(lat);
	cam_live_sub_close(s);
	return rc;
}
