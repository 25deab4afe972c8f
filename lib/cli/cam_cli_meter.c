/*
 * cam_cli_meter: see cam_cli_meter.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cam_i18n.h"
#include "cli/cam_cli.h"
#include "cli/cam_cli_meter.h"

void
cam_cli_meter_start(struct cam_cli_meter *m, const char *what,
    const char *unit)
{
	memset(m, 0, sizeof(*m));
	m->what = what;
	m->unit = unit;
	m->on = isatty(STDERR_FILENO);
}

void
cam_cli_meter_show(void *arg, const struct cam_progress *p)
{
	struct cam_cli_meter *m = arg;
	char a[CAM_SIZE_LEN], b[CAM_SIZE_LEN], line[256];
	struct timespec now;
	size_t w;
	int n;

	if (!m->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (m->width > 0 && p->done < p->total &&
	    (now.tv_sec - m->last.tv_sec) * 1000 +
	    (now.tv_nsec - m->last.tv_nsec) / 1000000 < 200)
		return;
	m->last = now;
	cam_fmt_size(a, sizeof(a), p->bytes > p->total_bytes &&
	    p->total_bytes ? p->total_bytes : p->bytes);
	cam_fmt_size(b, sizeof(b), p->total_bytes);
	/* "12/40 segments, 1.2 GB of 3.4 GB"; a count not known before
	 * the end has no "/40", bytes not known no "of". */
	if (p->total > 0)
		n = snprintf(line, sizeof(line), "%llu/%llu %s, ",
		    (unsigned long long)(p->done > p->total ? p->total :
		    p->done), (unsigned long long)p->total, m->unit);
	else
		n = snprintf(line, sizeof(line), "%llu %s, ",
		    (unsigned long long)p->done, m->unit);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if (p->total_bytes > 0)
		n = snprintf(line + n, sizeof(line) - (size_t)n,
		    _("%s of %s"), a, b);
	else
		n = snprintf(line + n, sizeof(line) - (size_t)n, "%s", a);
	if (n < 0)
		return;
	w = strlen(line);
	/* Spaces over what is left of a longer line before. */
	fprintf(stderr, "\r%s: %s%s%s%*s", cam_cli_prog(),
	    m->what ? m->what : "", m->what ? ": " : "", line,
	    m->width > w ? (int)(m->width - w) : 0, "");
	fflush(stderr);
	m->width = w;
}

void
cam_cli_meter_end(struct cam_cli_meter *m)
{
	if (m->on && m->width > 0)
		fputc('\n', stderr);
	m->width = 0;
}
