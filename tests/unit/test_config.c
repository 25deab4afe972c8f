/*
 * Unit tests for cam_config's camera settings: one table of keys and
 * limits for the parser and for camctl's edits.
 */
#include <string.h>

#include "site/cam_config.h"
#include "unit.h"

/* Parse a configuration with one camera whose extra line is line. */
static int
parse_camera(const char *line, struct cam_err *e)
{
	struct cam_buf t = CAM_BUF_INIT;
	struct cam_config cfg;
	int rc;

	cam_buf_addf(&t, "site: { name: s }\ncameras:\n  - id: c1\n"
	    "    url: rtsp://10.0.0.1/s\n    %s\n", line);
	cam_err_clear(e);
	rc = cam_config_parse(&cfg, "camkit.yaml", cam_buf_str(&t), t.len, e);
	cam_config_free(&cfg);
	cam_buf_free(&t);
	return rc;
}

int
main(void)
{
	const char *vals[CAM_CAMERA_NKEYS] = { NULL };
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err e;

	cam_buf_adds(&b, CAM_ROLE_NAMES);
	for (unsigned bit = 1; cam_role_name(bit) != NULL; bit <<= 1) {
		const char *at = strstr(cam_buf_str(&b), cam_role_name(bit));
		CHECK(at != NULL && cam_role_parse(cam_role_name(bit)) == bit,
		    "CAM_ROLE_NAMES names every role");
	}
	cam_buf_free(&b);

	CHECK(cam_camera_key("id") == 0, "the id comes first");
	CHECK(cam_camera_key("segment") > 0, "segment is a camera key");
	CHECK(cam_camera_key("password") == -1, "password is not");

	CHECK(cam_segment_valid(CAM_SEGMENT_MIN) &&
	    cam_segment_valid(CAM_SEGMENT_MAX), "segment limits included");
	CHECK(!cam_segment_valid(4) && !cam_segment_valid(3601),
	    "segment limits: 5 s to 1 h");
	CHECK(parse_camera("segment: 4s", &e) == -1 &&
	    strstr(e.msg, "from 5s to 1h") != NULL,
	    "the parser takes the same limits");
	CHECK(parse_camera("segment: 1h", &e) == 0, "the parser takes 1h");
	CHECK(parse_camera("transport: sctp", &e) == -1,
	    "the parser refuses a transport other than tcp or udp");

	cam_err_clear(&e);
	CHECK(cam_camera_value_check("segment", "3601", &e) == -1,
	    "camctl refuses a segment over 1 h");
	CHECK_STR(e.msg, "segment 3601: must be from 5s to 1h",
	    "with the option's message");
	cam_err_clear(&e);
	CHECK(cam_camera_value_check("transport", "udp", &e) == 0,
	    "udp is a transport");
	CHECK(cam_camera_value_check("transport", "sctp", &e) == -1,
	    "sctp is not");

	vals[cam_camera_key("url")] = "rtsp://10.0.0.1/s";
	vals[cam_camera_key("name")] = "Gate: east";
	vals[cam_camera_key("segment")] = "5m";
	vals[cam_camera_key("credential")] = "1cam";
	vals[cam_camera_key("enabled")] = "false";
	cam_err_clear(&e);
	CHECK(cam_camera_item(&b, "1cam", vals, &e) == 0, "an item is built");
	CHECK_STR(cam_buf_str(&b), "id: 1cam\nname: \"Gate: east\"\n"
	    "url: \"rtsp://10.0.0.1/s\"\nsegment: \"5m\"\ncredential: 1cam\n"
	    "enabled: false\n", "in the table's order, quoted as needed");
	cam_buf_free(&b);

	{
		struct cam_camera cams[2] = { { .credential = NULL },
		    { .credential = (char *)"c2" } };
		struct cam_config cfg = { .ncameras = 2, .cameras = cams };
		CHECK(cam_config_credential_used(&cfg, "c2"),
		    "a credential a camera names is used");
		CHECK(!cam_config_credential_used(&cfg, "c1"),
		    "one none names is not");
	}

	/* trust.unit_head: units mapped to their heads' certificates */
	{
		static const char y[] = "site: { name: s }\ntrust:\n"
		    "  unit_head:\n"
		    "    \"Phòng Hành chính\": trust/hc.pem\n"
		    "    \" Phòng Kế toán\xc2\xa0\": [trust/kt.pem, trust/kt2.pem]\n";
		static const char old[] = "site: { name: s }\ntrust:\n"
		    "  ca: [trust/ca.pem]\n  unit_head: [trust/heads.pem]\n";
		static const char bad[] = "site: { name: s }\ntrust:\n"
		    "  ca: [trust/ca.pem]\n  unit_head: trust/heads.pem\n";
		static const char badlist[] = "site: { name: s }\ntrust:\n"
		    "  unit_head: [trust/a.pem, /etc/h.pem]\n";
		static const char twice[] = "site: { name: s }\ntrust:\n"
		    "  unit_head: { \"A\": trust/a.pem, \" A \": trust/b.pem,"
		    " \"B\": [] }\n";
		static const char none[] = "site: { name: s }\ntrust:\n"
		    "  unit_head: []\n";
		struct cam_config cfg;

		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", y, sizeof(y) - 1,
		    &e) == 0 && cfg.trust_unit_head.n == 3 &&
		    strcmp(cfg.trust_unit_head.path[1], "trust/kt.pem") == 0 &&
		    strcmp(cfg.trust_unit_head_unit[0], "Phòng Hành chính") ==
		    0 && strcmp(cfg.trust_unit_head_unit[1], "Phòng Kế toán") ==
		    0 && strcmp(cfg.trust_unit_head_unit[2], "Phòng Kế toán") ==
		    0, "unit_head: a map of units, one file or a list, names "
		    "trimmed of spaces and NBSP");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", old, sizeof(old) - 1,
		    &e) == 0 && cfg.trust_unit_head.n == 1 &&
		    strcmp(cfg.trust_unit_head.path[0], "trust/heads.pem") ==
		    0 && cfg.trust_unit_head_unit != NULL &&
		    cfg.trust_unit_head_unit[0] == NULL,
		    "unit_head: the list form, each head's unit left to the "
		    "certificate's OU");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", bad, sizeof(bad) - 1,
		    &e) == -1 && strstr(e.msg, "camkit.yaml:4:14: trust: "
		    "\"unit_head\" must be a list of certificate files") !=
		    NULL && strstr(e.msg, "or map each unit") != NULL,
		    "unit_head: neither a list nor a map, refused at its line");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", badlist,
		    sizeof(badlist) - 1, &e) == -1 && strstr(e.msg,
		    "camkit.yaml:3:28: trust: \"/etc/h.pem\" must be a path") !=
		    NULL, "unit_head: a list entry outside the repository, "
		    "refused at its line");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", twice,
		    sizeof(twice) - 1, &e) == -1 &&
		    strstr(e.msg, "unit \"A\" given twice") != NULL &&
		    strstr(e.msg, "unit \"B\" has no certificate file") !=
		    NULL, "unit_head: a unit twice, a unit without a file");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", none,
		    sizeof(none) - 1, &e) == 0 && cfg.trust_unit_head.n == 0,
		    "unit_head: an empty list names no unit head");
		cam_config_free(&cfg);
	}
	CHECK(cam_unit_same("Phòng A", " Phòng A\t") &&
	    cam_unit_same("\xe3\x80\x80Phòng A\xe2\x80\x8b", "Phòng A") &&
	    cam_unit_same("\xef\xbb\xbfPhòng A", "Phòng A\xe2\x80\xaf"),
	    "units: the same without ASCII and Unicode spaces at the ends");
	CHECK(!cam_unit_same("Phòng A", "phòng A") &&
	    !cam_unit_same("Phòng A", "Pho\xcc\x80ng A") &&
	    !cam_unit_same("Phòng  A", "Phòng A") && !cam_unit_same(" ", " ") &&
	    !cam_unit_same("A\xa0", "A") && !cam_unit_same(NULL, "A"),
	    "units: otherwise byte for byte (no case, no normalisation), "
	    "never empty, never half a character");

	/* camview's settings */
	CHECK(parse_camera("live_url: rtsp://10.0.0.1/sub", &e) == 0,
	    "a camera may name a live_url");
	CHECK(parse_camera("live_url: http://10.0.0.1/sub", &e) == -1 &&
	    strstr(e.msg, "camkit.yaml:5:") != NULL &&
	    strstr(e.msg, "live_url: not an rtsp") != NULL,
	    "a live_url that is not RTSP: file:line and why");
	CHECK(cam_camera_value_check("live_url", "rtsp://u:p@h/s", &e) == -1 &&
	    strstr(e.msg, "credentials") != NULL,
	    "camctl refuses credentials in a live_url");
	CHECK(cam_listen_valid("0.0.0.0:8443") &&
	    cam_listen_valid("[::1]:443") && cam_listen_valid("localhost:8443"),
	    "listen addresses");
	CHECK(!cam_listen_valid("8443") && !cam_listen_valid(":8443") &&
	    !cam_listen_valid("0.0.0.0:0") && !cam_listen_valid("h:65536") &&
	    !cam_listen_valid("h:80x") && !cam_listen_valid("a b:80") &&
	    !cam_listen_valid("::1:80]"), "not listen addresses");
	{
		static const char y[] = "site: { name: s }\nview:\n"
		    "  listen: \"127.0.0.1:9443\"\n  run_dir: /tmp/r\n"
		    "  idle_minutes: 5\n";
		static const char bad[] = "site: { name: s }\nview:\n"
		    "  run_dir: tmp/r\n  idle_minutes: 0\n  port: 3\n";
		struct cam_config cfg;

		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", y, sizeof(y) - 1,
		    &e) == 0 && strcmp(cfg.view_listen, "127.0.0.1:9443") == 0 &&
		    strcmp(cfg.view_run_dir, "/tmp/r") == 0 &&
		    cfg.view_idle_minutes == 5, "view: is read");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", y, 18, &e) == 0 &&
		    strcmp(cfg.view_listen, CAM_VIEW_LISTEN) == 0 &&
		    strcmp(cfg.view_run_dir, CAM_VIEW_RUN_DIR) == 0 &&
		    cfg.view_idle_minutes == CAM_VIEW_IDLE_MINUTES,
		    "view: defaults");
		cam_config_free(&cfg);
		cam_err_clear(&e);
		CHECK(cam_config_parse(&cfg, "camkit.yaml", bad,
		    sizeof(bad) - 1, &e) == -1 &&
		    strstr(e.msg, "camkit.yaml:3:") != NULL &&
		    strstr(e.msg, "run_dir") != NULL &&
		    strstr(e.msg, "idle_minutes") != NULL &&
		    strstr(e.msg, "port") != NULL,
		    "every problem of view: at its line");
		cam_config_free(&cfg);
	}

	vals[cam_camera_key("url")] = "http://x";
	vals[cam_camera_key("segment")] = "1s";
	cam_err_clear(&e);
	CHECK(cam_camera_item(&b, "c1", vals, &e) == -1 &&
	    strncmp(e.msg, "url: ", 5) == 0, "the URL is checked first");
	cam_buf_free(&b);
	return UNIT_END();
}
