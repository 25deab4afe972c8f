/*
 * cam_cert: camview's TLS certificate and key, private/view.crt and
 * private/view.key of the configuration directory.  camctl makes a
 * self-signed pair (EC P-256, ten years, subjectAltName: the host name,
 * localhost and 127.0.0.1) when there is none; an office that has its
 * own certificate puts it there instead (camview(1)).
 */
#ifndef CAM_CERT_H
#define CAM_CERT_H

#include "base/cam_err.h"

#define CAM_VIEW_CERT	"private/view.crt"
#define CAM_VIEW_KEY	"private/view.key"

/* Make the pair under confdir if neither file is there: 1 made, 0 both
 * already there (nothing touched), -1 error (one of them only is there:
 * CAM_NO, with which). */
int cam_view_cert_make(const char *confdir, const char *host,
    struct cam_err *e);

#endif
