/*
 * cam_cli: what every program's main does alike: messages on stderr as
 * "prog: what: why" (one prefix per line of a multi-line cam_err), usage
 * errors that print the synopsis, and the name of this host.  The
 * programs still decide when to exit.
 */
#ifndef CAM_CLI_H
#define CAM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "cam_err.h"

/* Name the program and its usage() once, at the top of main. */
void cam_cli_setup(const char *prog, void (*usage)(FILE *));
const char *cam_cli_prog(void);
/* Print e; returns the exit status it calls for. */
int cam_cli_fail(const struct cam_err *e);
/* Print "prog: message" and the synopsis; returns CAM_USAGE. */
int cam_cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* This host as camkit.yaml names hosts: gethostname up to the first
 * dot. */
void cam_cli_host(char *buf, size_t len);
/* A verb whose only option is --json: parse it (getopt state reset by
 * the caller); returns 0, or the usage error's status. */
int cam_cli_json_only(int argc, char **argv, const char *verb, int *json);

#endif
