# camkit: plain GNU make with pkg-config.
#   make            build lib/libcamkit.a and the programs into build/
#   make check      install missing Debian packages, lint, build, run all tests
#   make check SANITIZE=1   the same with ASan + UBSan (into build/asan/)
#   make ceph-check the tests against a single-node Ceph cluster (tests/c*.sh)
#   make demo       build, then run examples/demo.sh
#   make fuzz       fuzz every parser of untrusted input (clang, libFuzzer)
#   make stress     the long fault-injection runs (50 kills, 20 restarts)
#   make analyse    cppcheck and clang-tidy (.clang-tidy); any report fails
#   make install    PREFIX=/usr/local DESTDIR=
.DELETE_ON_ERROR:
.SUFFIXES:

# The programs that work today; the others arrive with their issues.
PROGS := camctl camrec camlog camextract camaudit camview

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/camkit
# The service account: it records, owns the data root and the journals,
# and camlog runs set-user-id to it (see camlog(1)).
SERVICE_USER ?= camkit
STATEDIR ?= /var/lib/camkit
SYSCONFDIR ?= /etc

PKGS := libavformat libavcodec libavutil yaml-0.1 libgit2 libcrypto libarchive \
	libcurl libxml-2.0
# Debian packages needed to build and test (see `make deps`).
DEBS = build-essential pkg-config libavformat-dev libavcodec-dev \
	libavutil-dev libyaml-dev libgit2-dev libssl-dev libarchive-dev \
	libcivetweb-dev libpam0g-dev curl nodejs gettext locales \
	libcurl4-openssl-dev libcairo2-dev libpango1.0-dev python3-aiosmtpd \
	poppler-utils fonts-dejavu-core libxml2-dev \
	git openssl mandoc groff-base tzdata jq valgrind gdb faketime mkvtoolnix \
	chromium chromium-driver python3-selenium curl passwd sudo \
	softhsm2 libengine-pkcs11-openssl opensc s3cmd \
	$(RTSPD_DEBS) \
	$(RTSPD_TEST_DEBS)

ifeq ($(SANITIZE),1)
# A distinct exit status for sanitizer reports, so that a leak on a path
# that must fail with 1 still fails its test.
export ASAN_OPTIONS := exitcode=86:detect_leaks=1
# fontconfig (under pango, for the report's PDF) keeps its font caches
# until exit by design: tests/lsan.supp names it alone.
export LSAN_OPTIONS := exitcode=86:suppressions=$(CURDIR)/tests/lsan.supp
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
B := build/asan
# Sanitized programs take two to three times the CPU: as many test
# files at a time as there are cores (tests/run's default is twice).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
export JOBS
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
B := build
SANFLAGS :=
endif

CC ?= cc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wno-missing-field-initializers \
	-fstack-protector-strong -D_FORTIFY_SOURCE=2
ALL_CFLAGS = $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -Ilib -I$(B)/gen \
	-DCAMKIT_VERSION='"$(VERSION)"' -DCAMKIT_BINDIR='"$(BINDIR)"'
# Bound at start, as Debian links its libraries: a function bound lazily
# makes the dynamic linker save every vector register on the stack the
# first time it is called, with whatever they still hold: pieces of a
# private key OpenSSL computed with, a password just copied
# (tests/t77-wipe.sh found both so).
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -Wl,-z,relro,-z,now

LIB_SRC := $(wildcard lib/*/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/cam_embed.o $(B)/gen/cam_web.o
LIB := $(B)/lib/libcamkit.a
BINS := $(PROGS:%=$(B)/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/test_%.c=$(B)/tests/unit_%)
MAN := $(wildcard man/*.[1-8])
# Translated pages, in man's own layout: man/vi/camlog.1 is installed as
# $(MANDIR)/vi/man1/camlog.1, which man(1) reads under LANG=vi_VN.UTF-8
# (a locale it needs generated) or with -L vi.
MAN_VI := $(wildcard man/vi/*.[1-8])
PO := po/vi.po
MO := $(B)/locale/vi/LC_MESSAGES/camkit.mo

all: $(BINS) $(MO)

# The Vietnamese catalogue (cam_i18n.h): every word a person reads is a
# msgid in English in the source.  xgettext finds them by these
# keywords (a function of cam_err.h, cam_cli.h or cam_checklist.h that
# takes a format translates it itself).  The translations are po/vi.po;
# msgfmt -c refuses a translation whose conversions (%s, %d...) differ
# from its msgid's.  After changing messages: make po-update, translate
# what it leaves empty, make i18n-check (tests/t14-i18n.sh runs it).
XGETTEXT_KEYWORDS := -k_ -kN_ -kcam_errf:3 -kcam_err_addf:3 \
	-kcam_err_sys:2 -kcam_err_git:2 -kcam_err_av:3 -kcam_err_archive:3 \
	-kcam_err_ssl:2 -kcam_err_wrap:3 -kcam_msg_format:2 \
	-kcam_yaml_errf:4 -kcam_schema_err:3 -kcam_schema_err_wrap:4 -kcam_cli_usage_error:1 \
	-kcam_cli_msg:1 -kcam_cli_msgn:1,2 \
	--flag=cam_cli_msg:1:c-format --flag=cam_cli_msgn:1:c-format \
	--flag=cam_cli_msgn:2:c-format \
	--flag=cam_errf:3:c-format --flag=cam_err_addf:3:c-format \
	--flag=cam_err_sys:2:c-format --flag=cam_err_git:2:c-format \
	--flag=cam_err_av:3:c-format --flag=cam_err_archive:3:c-format \
	--flag=cam_err_wrap:3:c-format --flag=cam_msg_format:2:c-format \
	--flag=cam_yaml_errf:4:c-format --flag=cam_schema_err:3:c-format \
	--flag=cam_schema_err_wrap:4:c-format \
	--flag=cam_cli_usage_error:1:c-format \
	-kcam_checklist_add:4 -kcam_checklist_line:6 -kcam_checklist_tr:2 \
	-kcam_checklist_ntr:2,3 --flag=cam_checklist_ntr:2:c-format \
	--flag=cam_checklist_ntr:3:c-format \
	-kfinding:3 --flag=finding:3:c-format \
	-kchain_bad:4 --flag=chain_bad:4:c-format \
	-kdelta_say:3 --flag=delta_say:3:c-format \
	-ktell:3 --flag=tell:3:c-format \
	--flag=cam_checklist_add:4:c-format \
	--flag=cam_checklist_line:6:c-format \
	--flag=cam_checklist_tr:2:c-format
I18N_SRC = $(sort $(wildcard cmd/*.c lib/*/*.c))

$(B)/po/camkit.pot: $(I18N_SRC) Makefile
	@mkdir -p $(@D)
	xgettext --from-code=UTF-8 --language=C $(XGETTEXT_KEYWORDS) \
	  --package-name=camkit --package-version=$(VERSION) \
	  --sort-by-file -o $@ $(I18N_SRC)

$(B)/po/vi.po: $(PO) Makefile
	@mkdir -p $(@D)
	msgcat --use-first --force-po -o $@ $(PO)

$(MO): $(B)/po/vi.po
	@mkdir -p $(@D)
	msgfmt -c --check-format -o $@ $<

# po/vi.po brought in step with the source: new msgids added empty,
# those no longer in the source dropped.
po-update: $(B)/po/camkit.pot
	msgmerge -q --no-fuzzy-matching --add-location=file --sort-by-file \
	  -o po/vi.po.new po/vi.po $(B)/po/camkit.pot
	msgattrib --no-obsolete --add-location=file -o po/vi.po po/vi.po.new
	rm -f po/vi.po.new

# Every msgid has its Vietnamese entry, translated and not fuzzy.
i18n-check: $(B)/po/camkit.pot $(B)/po/vi.po
	msgcmp $(B)/po/vi.po $(B)/po/camkit.pot

# The test camera: an RTSP server (GStreamer) the tests start on loopback.
include tests/rtspd.mk
# The live-view subscriber of the tests and the bench.
include tests/livesub.mk
include bench/jbench.mk
include bench/yeargen.mk
# The power-cut simulator: an fsync-tracking LD_PRELOAD shim.
include tests/powercut.mk

$(B)/lib/%.o: lib/%.c lib/*/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Data files compiled in, so that the programs need no installed data:
# the starter camkit.yaml that `camctl init` writes, the systemd units
# and cron file that `camctl units` writes, and the factory-default
# camera credentials that `camaudit cameras` checks.  FILE:SYMBOL pairs.
EMBED := conf/camkit.yaml:cam_starter_yaml \
	conf/camrec@.service:cam_unit_rec \
	conf/camrec-prune.service:cam_unit_prune \
	conf/camrec-prune.timer:cam_unit_prune_timer \
	conf/camkit-seal.service:cam_unit_seal \
	conf/camkit-seal.timer:cam_unit_seal_timer \
	conf/camkit-alerts.service:cam_unit_alerts \
	conf/camkit-alerts.timer:cam_unit_alerts_timer \
	conf/camkit-report.service:cam_unit_report \
	conf/camkit-report.timer:cam_unit_report_timer \
	conf/camkit-replicate.service:cam_unit_replicate \
	conf/camkit-replicate.timer:cam_unit_replicate_timer \
	conf/camkit-sync.service:cam_unit_sync \
	conf/camkit-sync.timer:cam_unit_sync_timer \
	conf/camview.service:cam_unit_view \
	conf/camkit.cron:cam_cron_head \
	conf/camera-defaults:cam_camera_defaults
EMBED_FILES := $(foreach e,$(EMBED),$(firstword $(subst :, ,$(e))))

$(B)/gen/cam_embed.c: $(EMBED_FILES) tests/bin2c.sh Makefile
	@mkdir -p $(@D)
	for e in $(EMBED); do \
	  sh tests/bin2c.sh "$${e#*:}" < "$${e%%:*}" || exit 1; done > $@

$(B)/gen/cam_embed.o: $(B)/gen/cam_embed.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# camview's web assets: every file of web/ with a type camview serves,
# compiled in as view/cam_web.h's table.  web.list is made again when
# a file comes or goes (the directory's time changes), so that the table
# is too; not a forced target, which would leave "make -q all" (the
# install tests' check that the build is up to date) never true.
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg))
$(B)/gen/web.list: web Makefile
	@mkdir -p $(@D)
	@echo '$(notdir $(WEB_FILES))' > $@

$(B)/gen/cam_web.c: $(WEB_FILES) $(B)/gen/web.list tests/bin2c.sh Makefile
	@mkdir -p $(@D)
	{ i=0; for f in $(WEB_FILES); do \
	  sh tests/bin2c.sh "cam_web_$$i" < "$$f" || exit 1; i=$$((i + 1)); done; \
	  echo '#include "view/cam_web.h"'; \
	  echo 'const struct cam_web_file cam_web_files[] = {'; \
	  i=0; for f in $(WEB_FILES); do \
	  echo "{ \"$${f#web/}\", cam_web_$$i, sizeof cam_web_$$i - 1 },"; \
	  i=$$((i + 1)); done; \
	  echo '{ 0, 0, 0 } };'; } > $@

$(B)/gen/cam_web.o: $(B)/gen/cam_web.c lib/view/cam_web.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# objs.list is made again when a source file comes or goes (its
# folder's time changes), so that an object whose source is gone leaves
# the archive; not a forced target (see web.list).
$(B)/lib/objs.list: $(wildcard lib/*/) Makefile
	@mkdir -p $(@D)
	@echo '$(LIB_OBJ)' > $@

$(LIB): $(LIB_OBJ) $(B)/lib/objs.list
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/%: cmd/%.c $(LIB) lib/*/*.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) $(VIEW_LIBS)

# camview's HTTP server (civetweb, with OpenSSL) and its logins (PAM);
# civetweb ships no pkg-config file.  libcrypt is linked although camview
# calls none of it: pam_unix, which PAM loads later, does, and a
# sanitizer's interceptor of crypt() finds the real one only if it is
# loaded at start (else it calls address 0 at the first login).
$(B)/camview: VIEW_LIBS := -lcivetweb -lpam -lssl -lpthread \
	-Wl,--no-as-needed -lcrypt -Wl,--as-needed

# camaudit's monthly report as a PDF: cairo, pango and pangocairo
# (Debian's libcairo2-dev, libpango1.0-dev), for the one object that
# draws it and the one program that links it.
REPORT_PKGS := pangocairo pango cairo
$(B)/lib/audit/cam_report_pdf.o: PKG_CFLAGS += $(shell pkg-config --cflags $(REPORT_PKGS))
$(B)/camaudit: VIEW_LIBS := $(shell pkg-config --libs $(REPORT_PKGS))

$(B)/tests/unit_%: tests/unit/test_%.c tests/unit/unit.h $(LIB) lib/*/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS)

# $(call apt_install,TARGET,PACKAGES): install whichever of the Debian
# packages are missing (needs root and apt-get).
define apt_install
	@missing=; for p in $(2); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "make $(1): run as root to install:$$missing" >&2; exit 3; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	fi
endef

deps:
	$(call apt_install,deps,$(DEBS))

# The lint first: a broken && chain in a test fails the run before any
# test does (tests/README, "The harness").
check: deps
	$(MAKE) lint
	$(MAKE) all-tests
	tests/run $(B)

# The tests against a real Ceph cluster, a set of their own (tests/c*.sh)
# outside make check, which CI runs after it: tests/ceph.sh starts one
# monitor, one OSD on memstore and radosgw on loopback from Debian's
# packages (about 20 s).  Where the packages cannot be installed the
# tests say what is missing and skip.
CEPH_DEBS := ceph-mon ceph-osd radosgw ceph-common s3cmd python3 curl \
	util-linux

ceph-deps:
	$(call apt_install,ceph-deps,$(CEPH_DEBS))

ceph-check: deps
	$(MAKE) ceph-deps || echo "make ceph-check: the Ceph packages are not installed; tests/c*.sh will skip" >&2
	tests/chainlint.pl tests/ceph.sh tests/c[0-9]*.sh
	$(MAKE) all-tests
	tests/run $(B) tests/c[0-9]*.sh

all-tests: $(BINS) $(MO) $(UNITS) $(B)/tests/rtspd $(B)/tests/livesub $(B)/tests/jbench $(B)/bench/yeargen \
	$(B)/tests/hwytimer.so $(B)/tests/powercut $(B)/tests/powercut.so \
	$(B)/tests/viewfix

# camview's rights through the library, for t94-view-rights.sh.
$(B)/tests/viewfix: tests/viewfix.c $(LIB) lib/*/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS)

# Preloaded by tests/t78-valgrind.sh (see the file); never sanitized.
$(B)/tests/hwytimer.so: tests/hwytimer.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

# Every man page renders as written: mandoc -Tlint -Wall and groff -ww
# (as man(1) runs it) have nothing to say (tests/manlint.sh).  groff-base
# holds groff, its terminal devices and the mdoc macros.  Every test
# body and helper is one && chain (tests/chainlint.pl).  lib/ keeps the
# map of lib/README: no include of a higher layer, and nothing outside
# lib/cli exits, prints or reads the environment (tests/layers.pl).
lint:
	sh tests/manlint.sh $(MAN) $(MAN_VI)
	tests/chainlint.pl tests/lib.sh tests/view/lib.sh tests/t[0-9]*.sh
	tests/layers.pl $(wildcard lib/*/*.[ch] lib/*.[ch]) $(wildcard cmd/*.c)

# The static analysers, with the checks chosen in .clang-tidy and below;
# CI runs this after the tests.  Any report fails.
ANALYSE_DEBS := cppcheck clang-tidy
ANALYSE_SRC := $(LIB_SRC) $(wildcard cmd/*.c)
CPPCHECK_FLAGS := --enable=warning,portability,performance --std=c11 \
	--error-exitcode=1 --inline-suppr --quiet -D_GNU_SOURCE -Ilib \
	-DCAMKIT_VERSION='"$(VERSION)"' -DCAMKIT_BINDIR='"$(BINDIR)"'
analyse: deps
	$(call apt_install,analyse,$(ANALYSE_DEBS))
	$(MAKE) $(B)/gen/cam_embed.c
	cppcheck $(CPPCHECK_FLAGS) $(ANALYSE_SRC)
	printf '%s\n' $(ANALYSE_SRC) | xargs -P2 -n4 sh -c 'clang-tidy \
	    --quiet "$$@" -- -std=c11 -D_GNU_SOURCE -Ilib -I$(B)/gen \
	    -DCAMKIT_VERSION="\"$(VERSION)\"" -DCAMKIT_BINDIR="\"$(BINDIR)\"" \
	    $(PKG_CFLAGS) $(patsubst -I%,-isystem %,$(shell pkg-config \
	    --cflags $(REPORT_PKGS))) 2>/dev/null' sh

demo: deps
	$(MAKE) all $(B)/tests/rtspd
	sh examples/demo.sh $(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/examples
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(PREFIX)/share/locale/vi/LC_MESSAGES
	install -m 0644 $(MO) $(DESTDIR)$(PREFIX)/share/locale/vi/LC_MESSAGES/
	install -m 0644 $(filter %.1,$(MAN)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MAN)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(filter %.7,$(MAN)) $(DESTDIR)$(MANDIR)/man7/
	install -d $(DESTDIR)$(MANDIR)/vi/man1 $(DESTDIR)$(MANDIR)/vi/man5
	install -m 0644 $(filter %.1,$(MAN_VI)) $(DESTDIR)$(MANDIR)/vi/man1/
	install -m 0644 $(filter %.5,$(MAN_VI)) $(DESTDIR)$(MANDIR)/vi/man5/
	install -m 0644 conf/camera-defaults $(DESTDIR)$(DATADIR)/
	install -m 0644 conf/camkit.yaml $(DESTDIR)$(DATADIR)/
	install -m 0644 examples/*.yaml $(DESTDIR)$(DATADIR)/examples/
	install -d $(DESTDIR)$(DATADIR)/units
	install -m 0644 conf/*.service conf/*.timer conf/camkit.cron \
		$(DESTDIR)$(DATADIR)/units/
	install -d $(DESTDIR)$(SYSCONFDIR)/pam.d
	install -m 0644 conf/pam.d/camview $(DESTDIR)$(SYSCONFDIR)/pam.d/camview
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ]; then \
	  $(MAKE) --no-print-directory install-privileges; \
	else \
	  echo "make install: $(SETID_PROGS) are not set-user-id yet: run" \
	    "\"make install-privileges\" as root on the target (README)"; \
	fi

# The service account and the group that reads (README, "Accounts and
# groups"): the service account owns the data root and the
# configuration repository (their group is $(READ_GROUP), whose members,
# the auditors and operators, read journals, manifests, footage and the
# history without a program; private/ stays the service account's
# alone); camctl, camextract and camlog are set-user-id and
# set-group-id to it, and the policy decides by the caller's account.
# READ_GROUP is the name camctl's user verbs manage: not a setting.
SETID_PROGS := camctl camextract camlog
READ_GROUP := camkit-audit
install-privileges:
	getent passwd $(SERVICE_USER) >/dev/null || \
	  useradd --system --user-group --home-dir $(STATEDIR) \
	    --no-create-home --shell /usr/sbin/nologin $(SERVICE_USER)
	getent group $(READ_GROUP) >/dev/null || groupadd --system $(READ_GROUP)
	install -d -o $(SERVICE_USER) -g $(READ_GROUP) -m 2750 $(DESTDIR)$(STATEDIR)
	chmod 2750 $(DESTDIR)$(STATEDIR)
	g=$$(id -gn $(SERVICE_USER)) && for p in $(SETID_PROGS); do \
	  chown $(SERVICE_USER):$$g $(DESTDIR)$(BINDIR)/$$p && \
	  chmod 6755 $(DESTDIR)$(BINDIR)/$$p || exit 1; done
	@# A site made before (camctl init as root with a camctl not yet
	@# set-id): the service account's, private/ its alone.
	if [ -d $(DESTDIR)$(SYSCONFDIR)/camkit/.git ]; then \
	  c=$(DESTDIR)$(SYSCONFDIR)/camkit && \
	  chown -R -h $(SERVICE_USER):$(READ_GROUP) $$c && \
	  chmod -R g-w,o-rwx $$c && \
	  find $$c -path $$c/private -prune -o -type d -exec chmod g+rxs {} + && \
	  if [ -d $$c/private ]; then \
	    chown -R -h $(SERVICE_USER):$$(id -gn $(SERVICE_USER)) $$c/private && \
	    chmod -R go-rwx $$c/private; fi; \
	fi

# tests/README's matrix of roles (role x program verb), from what
# tests/t42-roles.sh saw each role's Unix account do (tests/README,
# "Each role from its own account").  Needs root.
roles-matrix: $(BINS) $(B)/tests/rtspd $(B)/tests/viewfix
	rm -f $(B)/roles-matrix.md
	-CAMKIT_ROLES_MATRIX=$(CURDIR)/$(B)/roles-matrix.md tests/run $(B) \
	    tests/t42-roles.sh
	test -s $(B)/roles-matrix.md
	perl -0pi -e 'BEGIN { local $$/; open(my $$f, "<", "$(B)/roles-matrix.md") or die; $$m = <$$f> } \
	    s/(<!-- roles-matrix: begin[^\n]*\n).*?(<!-- roles-matrix: end)/$$1$$m$$2/s or die' tests/README

# ---- fuzzing: libFuzzer harnesses, tests/fuzz (tests/README, "Fuzzing") ----
#   make fuzz [FUZZ_SECONDS=600] [FUZZ_NAMES="json time"]
#		build with clang into build/fuzz/, fuzz each harness that
#		long on a copy of its corpus; fails on any crash or leak
#   make fuzz-smoke	each harness over its committed corpus only
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_B := build/fuzz
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES ?= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_DEBS := clang libclang-rt-dev

# Built by a make of its own with B, CC and SANFLAGS set (fuzz-build).
$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB) lib/*/*.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) -fsanitize=fuzzer \
		$(PKG_LIBS)

fuzz-deps: deps
	$(call apt_install,fuzz-deps,$(FUZZ_DEBS))

fuzz-build:
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) SANFLAGS='$(FUZZ_SAN)' \
		$(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(FUZZ_B)/fuzz_%)

# Build the harnesses only where a clang with libFuzzer is at hand
# (make check): tests/t05-fuzz-corpus.sh skips if they are missing.
fuzz-maybe:
	@if tests/fuzz/have-libfuzzer $(FUZZ_CC); then $(MAKE) fuzz-build; \
	else echo "no $(FUZZ_CC) with libFuzzer: fuzz harnesses not built"; fi

fuzz: fuzz-deps
	$(MAKE) fuzz-build
	tests/fuzz/run $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-smoke: fuzz-maybe
	@mkdir -p $(FUZZ_B)
	tests/run $(FUZZ_B) tests/t05-fuzz-corpus.sh

clean:
	rm -rf build

# The fault-injection tests at full length (tests/README).
stress: deps
	$(MAKE) all-tests
	CAMKIT_KILLS=50 CAMKIT_RESTARTS=20 CAMKIT_POWERCUTS=30 \
	RACE_TRIES=3000 RACE_SECONDS=1200 tests/run $(B) \
	    tests/t82-recover.sh tests/t86-restarts.sh tests/t85-diskfull.sh \
	    tests/t87-clock.sh tests/t65-kill.sh tests/t79-powerloss.sh \
	    tests/t71-setid.sh


.PHONY: all i18n-check po-update deps check ceph-deps ceph-check stress all-tests lint analyse demo install install-privileges clean \
	roles-matrix \
	fuzz fuzz-deps fuzz-build fuzz-maybe fuzz-smoke
