/*
 * cam_cli: see cam_cli.h.
 */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cam_cli.h"

/* Set once by main, before anything can fail. */
static const char *cli_prog = "camkit";
static void (*cli_usage)(FILE *);

void
cam_cli_setup(const char *prog, void (*usage)(FILE *))
{
	cli_prog = prog;
	cli_usage = usage;
}

const char *
cam_cli_prog(void)
{
	return cli_prog;
}

int
cam_cli_fail(const struct cam_err *e)
{
	const char *p = e->msg;

	while (*p) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "%s: %.*s\n", cli_prog, (int)n, p);
		p += n + (p[n] == '\n');
	}
	return e->code ? e->code : CAM_ENV;
}

int
cam_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cli_usage != NULL)
		cli_usage(stderr);
	return CAM_USAGE;
}

void
cam_cli_host(char *buf, size_t len)
{
	if (gethostname(buf, len) == -1)
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
	buf[strcspn(buf, ".")] = '\0';
}

int
cam_cli_json_only(int argc, char **argv, const char *verb, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cam_cli_usage_error("%s: bad option", verb);
		*json = 1;
	}
	if (optind != argc)
		return cam_cli_usage_error("%s: unexpected argument \"%s\"",
		    verb, argv[optind]);
	return 0;
}
