# tests/rtspd.mk: builds tests/rtspd, the RTSP server (GStreamer's
# gst-rtsp-server) that plays the IP camera in the shell tests.
# Included by the Makefile, which defines B, CC, ALL_CFLAGS, ALL_LDFLAGS.
#   make $(B)/tests/rtspd     build it
#   make rtspd-selftest       build it and check it with ffprobe/ffmpeg

# Debian packages that rtspd needs to build and to run: the library and
# the plugins its pipelines use (videotestsrc, audiotestsrc: base;
# rtph26xpay, rtpmp4gpay, matroskademux, alawenc: good; h26xparse,
# tsdemux, x265enc: bad; x264enc: ugly; avenc_aac: libav; clockoverlay,
# optional: x); TLS (rtsps://) through GLib's backend, glib-networking.
RTSPD_DEBS := libgstrtspserver-1.0-dev gstreamer1.0-plugins-base \
	gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
	gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x \
	glib-networking
# And what tests/rtspd-selftest.sh runs as the client.
RTSPD_TEST_DEBS := ffmpeg faketime

RTSPD_PKGS := gstreamer-rtsp-server-1.0 gstreamer-1.0 gio-2.0

# Keep the including Makefile's default goal, wherever this is included.
rtspd_default_goal := $(.DEFAULT_GOAL)

# pkg-config runs in the recipe, so that a tree without GStreamer can
# still build everything else.
$(B)/tests/rtspd: tests/rtspd.c tests/rtspd.mk
	@mkdir -p $(@D)
	@pkg-config --exists $(RTSPD_PKGS) || { echo "rtspd: missing" \
	  "$(RTSPD_PKGS); install: $(RTSPD_DEBS)" >&2; exit 1; }
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags $(RTSPD_PKGS)) -o $@ \
	  tests/rtspd.c $(ALL_LDFLAGS) $$(pkg-config --libs $(RTSPD_PKGS))

rtspd-selftest: $(B)/tests/rtspd
	bash tests/rtspd-selftest.sh $(B)/tests/rtspd

.PHONY: rtspd-selftest

.DEFAULT_GOAL := $(rtspd_default_goal)
