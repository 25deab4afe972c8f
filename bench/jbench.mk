# bench/jbench.mk: builds tests/jbench, the driver of bench/journal.
# Included by the Makefile after LIB is defined; uses B, CC, LIB,
# ALL_CFLAGS, ALL_LDFLAGS and PKG_LIBS from it.
#   make $(B)/tests/jbench

# Keep the including Makefile's default goal, wherever this is included.
jbench_default_goal := $(.DEFAULT_GOAL)

$(B)/tests/jbench: tests/jbench.c $(LIB) lib/*/*.h bench/jbench.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS)

.DEFAULT_GOAL := $(jbench_default_goal)
