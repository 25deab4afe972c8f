# tests/powercut.mk: builds the power-cut simulator of
# tests/t79-powerloss.sh (see tests/powercut.c): the LD_PRELOAD shim
# tests/powercut.so and the program tests/powercut (snapshot, rebuild).
# Included by the Makefile, which defines B, CC, CFLAGS and SANFLAGS.
#   make $(B)/tests/powercut $(B)/tests/powercut.so

# Keep the including Makefile's default goal, wherever this is included.
powercut_default_goal := $(.DEFAULT_GOAL)

# The shim is never built with the sanitizers: it is preloaded into
# sanitized programs too, ahead of their runtime.  It defines open(2),
# which _FORTIFY_SOURCE would define inline.
$(B)/tests/powercut.so: tests/powercut.c tests/powercut.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -U_FORTIFY_SOURCE -DPOWERCUT_SHIM -fPIC -shared \
	  -o $@ tests/powercut.c $(LDFLAGS) -ldl

$(B)/tests/powercut: tests/powercut.c tests/powercut.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ tests/powercut.c $(LDFLAGS) \
	  $(SANFLAGS)

.DEFAULT_GOAL := $(powercut_default_goal)
