# tests/livesub.mk: builds tests/livesub, a live-view subscriber
# (media/cam_live.h) for tests/t91-live.sh and bench/view.
# Included by the Makefile, which defines B, CC, LIB, ALL_CFLAGS,
# ALL_LDFLAGS and PKG_LIBS.

livesub_default_goal := $(.DEFAULT_GOAL)

$(B)/tests/livesub: tests/livesub.c tests/livesub.mk $(LIB) lib/*/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/livesub.c $(LIB) $(ALL_LDFLAGS) \
	  $(PKG_LIBS)

.DEFAULT_GOAL := $(livesub_default_goal)
