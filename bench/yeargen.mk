# bench/yeargen.mk: builds bench/yeargen, the synthetic site of
# bench/year (and of tests that need an old site).  Included by the
# Makefile after LIB is defined; uses B, CC, LIB, ALL_CFLAGS,
# ALL_LDFLAGS and PKG_LIBS from it.
#   make $(B)/bench/yeargen

# Keep the including Makefile's default goal, wherever this is included.
yeargen_default_goal := $(.DEFAULT_GOAL)

$(B)/bench/yeargen: bench/yeargen.c $(LIB) lib/*/*.h bench/yeargen.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) -lm

.DEFAULT_GOAL := $(yeargen_default_goal)
