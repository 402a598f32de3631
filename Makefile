# consultd: a mail-driven consultation processor.  GNU make.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config

# Debian 12 packages the build and the tests need; `make deps` installs them.
# postfix brings smtp-sink, the tests' SMTP server; deps preseeds debconf
# ("No configuration") so that it installs without a prompt or a mail system.
# chromium renders the HTML digest and report in the browser tests
# (tests/browser/render.sh); strace kills consultd at its Nth fsync and
# traces the order of its system calls (tests/check_crash.c); the sqlite3
# shell reads the database of the hour-long soak (tests/soak.sh).
# libssl-dev (which libcurl's already brings) gives libcrypto's SHA-256.
# python3 writes and checks the replies of the end-to-end test (tests/e2e).
DEB_PKGS = build-essential pkg-config libcurl4-openssl-dev libssl-dev \
	   libgmime-3.0-dev libsqlite3-dev libcsv-dev check postfix \
	   dovecot-imapd openssl chromium strace sqlite3 python3

BUILD ?= build
SANITIZE ?=

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wpointer-arith -Wcast-qual \
       -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
       -Wformat=2 -Wwrite-strings -Wvla -Wold-style-definition -Wundef \
       -Wimplicit-fallthrough -fno-common
HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE

PKGS = gmime-3.0 libcurl libcrypto sqlite3
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) -Iinclude \
		   -DCONSULTD_DATADIR='"$(DATADIR)/consultd"' \
		   $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -MMD -MP
override LDFLAGS += -pie -Wl,-z,relro,-z,now
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

ifeq ($(DEVELOPER),1)
override CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

# The peer corpora the tests read (../shared/corpora beside the tree, as
# in the workplace; CONSULTD_CORPORA=DIR to point elsewhere).
CONSULTD_CORPORA ?= $(firstword $(wildcard $(CURDIR)/../shared/corpora \
		    /work/shared/corpora) $(CURDIR)/../shared/corpora)
export CONSULTD_CORPORA

SRCS = $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
OBJS = $(SRCS:src/%.c=$(BUILD)/%.o)
CHECK_SRCS = $(sort $(wildcard tests/check_*.c))
TEST_SRCS = $(sort $(wildcard tests/*.c))
TEST_OBJS = $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%.o)
SUITES = $(filter-out main,$(CHECK_SRCS:tests/check_%.c=%))

all: consultd

# rm first: a consultd that is running cannot be overwritten in place.
consultd: $(BUILD)/consultd
	rm -f $@
	cp $< $@

$(BUILD)/consultd: $(BUILD)/main.o $(BUILD)/libconsultd.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libconsultd.a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/suites.inc | $(BUILD)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Itests -I$(BUILD)/tests \
	    -DCONSULTD_CORPORA_DIR='"$(CONSULTD_CORPORA)/"' -c -o $@ $<

# The suite list is derived from the tests/check_*.c file names.
$(BUILD)/tests/suites.inc: $(CHECK_SRCS) | $(BUILD)
	printf 'SUITE(%s)\n' $(SUITES) > $@.tmp && mv $@.tmp $@

$(BUILD)/check_consultd: $(TEST_OBJS) $(BUILD)/libconsultd.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD):
	mkdir -p $(BUILD)/tests

# Tests run from the top of the tree: they find templates/, tests/fixtures/
# and the built binary (CONSULTD_BIN) from there.
check: deps
	$(MAKE) DEVELOPER=1 test
	$(MAKE) DEVELOPER=1 BUILD=build-san SANITIZE=address,undefined test
	$(MAKE) fuzz-check
	CONSULTD_BIN=$(CURDIR)/build/consultd sh tests/e2e/run.sh
	sh tests/install.sh

# Sanitized code runs slower: the tests' time limits stretch with it.
test: $(BUILD)/check_consultd $(BUILD)/consultd
	CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd ASAN_OPTIONS=detect_leaks=0 \
	    CK_TIMEOUT_MULTIPLIER=$(if $(SANITIZE),3,1) \
	    $(BUILD)/check_consultd

# The fault, abuse and security suites at full length (docs/reliability.md):
# the same tests as in `make check`, with the counts of issue 8 (100
# fsync-exact kills, 20 campaign kills, a longer soak ...).  Each test
# prints "reliability: NAME: counts"; the lines are collected in
# $(BUILD)/reliability.txt.
RELIABILITY_SUITES = crash faults vfs abuse inject exposure soak imap \
		     imapstream mail smtp cli daemon

# The hour-long soak runs beside them as tests/soak.sh, outside Check,
# which cannot report a test longer than 2,147 s; it only adds a reply a
# second and a campaign every ten minutes to the machine's load.
reliability: deps $(BUILD)/check_consultd $(BUILD)/consultd
	rm -f $(BUILD)/reliability.txt $(BUILD)/soak.log
	touch $(BUILD)/reliability.txt
	CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd \
	    CONSULTD_RELIABILITY_LOG=$(CURDIR)/$(BUILD)/reliability.txt \
	    bash tests/soak.sh $(RELIABILITY_SOAK_SECONDS) \
	    > $(BUILD)/soak.log 2>&1 & soak=$$!; \
	for s in $(RELIABILITY_SUITES); do \
	    CK_RUN_SUITE=$$s CONSULTD_RELIABILITY=full \
	    CONSULTD_RELIABILITY_LOG=$(CURDIR)/$(BUILD)/reliability.txt \
	    CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd \
	    ASAN_OPTIONS=detect_leaks=0 CK_TIMEOUT_MULTIPLIER=20 \
	    $(BUILD)/check_consultd || { kill $$soak; exit 1; }; done; \
	$(MAKE) fuzz-check FUZZ_SECONDS=$(RELIABILITY_FUZZ_SECONDS) || \
	    { kill $$soak; exit 1; }; \
	echo "== waiting for the soak ($(RELIABILITY_SOAK_SECONDS) s in all)"; \
	wait $$soak; rc=$$?; cat $(BUILD)/soak.log; exit $$rc
	@echo; echo "== reliability counts ($(BUILD)/reliability.txt)"
	@cat $(BUILD)/reliability.txt

RELIABILITY_FUZZ_SECONDS ?= 600
RELIABILITY_SOAK_SECONDS ?= 3600

check-valgrind: $(BUILD)/check_consultd $(BUILD)/consultd
	CK_FORK=no G_SLICE=always-malloc G_DEBUG=gc-friendly \
	    CK_TIMEOUT_MULTIPLIER=10 CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd \
	    valgrind --error-exitcode=1 --leak-check=no -q \
	    $(BUILD)/check_consultd

demo: deps
	$(MAKE) consultd
	sh tests/demo.sh

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    echo 'postfix postfix/main_mailer_type select No configuration' | \
	    debconf-set-selections && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	    echo "missing Debian packages; run as root:"; \
	    echo "  apt-get install $$missing"; exit 1; \
	fi

install: consultd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/consultd/templates \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/consultd
	install -m 755 consultd $(DESTDIR)$(BINDIR)/consultd
	for d in templates/*/; do \
	    install -d $(DESTDIR)$(DATADIR)/consultd/$$d && \
	    install -m 644 $$d* $(DESTDIR)$(DATADIR)/consultd/$$d || exit 1; \
	done
	for u in consultd.service consultd-fetch.service; do \
	    sed 's|@BINDIR@|$(BINDIR)|g' systemd/$$u \
	        > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 644 systemd/consultd-fetch.timer $(DESTDIR)$(UNITDIR)/
	install -m 644 man/consultd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/consultd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	# The sample configuration never replaces one in use.
	test -e $(DESTDIR)$(SYSCONFDIR)/consultd/consultd.conf || \
	    sed 's|@DATADIR@|$(DATADIR)|g' systemd/consultd.conf.in \
	        > $(DESTDIR)$(SYSCONFDIR)/consultd/consultd.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/consultd
	rm -rf $(DESTDIR)$(DATADIR)/consultd
	rm -f $(DESTDIR)$(UNITDIR)/consultd.service \
	    $(DESTDIR)$(UNITDIR)/consultd-fetch.service \
	    $(DESTDIR)$(UNITDIR)/consultd-fetch.timer \
	    $(DESTDIR)$(MANDIR)/man8/consultd.8 \
	    $(DESTDIR)$(MANDIR)/man5/consultd.conf.5
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/consultd/ (your configuration)"

# Fuzzing (tests/fuzz/): libFuzzer targets built by clang with ASan and
# UBSan over src/*.c (compiled once into $(FUZZ_BUILD)/obj): the parse path
# (fuzz_parse), the CSV reader of participant import (fuzz_csv) and the
# configuration loader (fuzz_config).  `make fuzz` runs the parse target
# FUZZ_SECONDS on a seed corpus of tests/fixtures and the peer corpora;
# fuzz-inputs runs the other two; fuzz-check, part of `make check`, runs
# all three FUZZ_SECONDS each, side by side.  Findings land in
# $(FUZZ_BUILD)/ as crash-*, leak-* or timeout-* and fail the target;
# each one found so far is kept in tests/fuzz/regress/TARGET/, which every
# run reads first, and is a Check test too.
FUZZ_PKGS = clang libclang-rt-14-dev
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD = $(BUILD)/fuzz
FUZZ_SAN = address,undefined
FUZZ_CFLAGS = -O1 -g -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude \
	     -DCONSULTD_DATADIR='"$(DATADIR)/consultd"' \
	     $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	     -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJS = $(SRCS:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_RUN = ASAN_OPTIONS=detect_leaks=1 \
	   LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp

# Kept between builds: make would remove them as intermediate files.
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ_BUILD)/.deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(FUZZ_PKGS)"
	mkdir -p $(FUZZ_BUILD)/obj
	touch $@

$(FUZZ_BUILD)/obj/%.o: src/%.c $(FUZZ_BUILD)/.deps
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
	    -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< \
	    $(FUZZ_OBJS) $(LIBS)

$(FUZZ_BUILD)/seed: tests/fuzz/seed.sh
	sh tests/fuzz/seed.sh $@.tmp && rm -rf $@ && mv $@.tmp $@

$(FUZZ_BUILD)/csv-seed: $(wildcard tests/fixtures/csv/*.csv)
	mkdir -p $@.tmp && cp tests/fixtures/csv/*.csv \
	    tests/fixtures/demo/participants.csv $@.tmp/ && \
	    rm -rf $@ && mv $@.tmp $@

$(FUZZ_BUILD)/config-seed: systemd/consultd.conf.in
	mkdir -p $@.tmp && cp systemd/consultd.conf.in $@.tmp/ && \
	    rm -rf $@ && mv $@.tmp $@

# One target: its own corpus folder (kept between runs), then its seeds.
FUZZ_ONE = mkdir -p $(FUZZ_BUILD)/$(1)-corpus && cd $(FUZZ_BUILD) && \
	   $(FUZZ_RUN) ./fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) \
	   -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	   -print_final_stats=1 $(1)-corpus $(2)

fuzz: $(FUZZ_BUILD)/fuzz_parse $(FUZZ_BUILD)/seed
	$(call FUZZ_ONE,parse,seed $(CURDIR)/tests/fuzz/regress/parse)

fuzz-short:
	$(MAKE) fuzz FUZZ_SECONDS=20

fuzz-inputs: $(FUZZ_BUILD)/fuzz_csv $(FUZZ_BUILD)/fuzz_config \
	     $(FUZZ_BUILD)/csv-seed $(FUZZ_BUILD)/config-seed
	$(call FUZZ_ONE,csv,csv-seed)
	$(call FUZZ_ONE,config,config-seed)

# All three at once (two cores): each runs FUZZ_SECONDS; its log is kept
# as $(FUZZ_BUILD)/NAME.log and shown when it finds something.
fuzz-check: $(FUZZ_BUILD)/fuzz_parse $(FUZZ_BUILD)/fuzz_csv \
	    $(FUZZ_BUILD)/fuzz_config $(FUZZ_BUILD)/seed \
	    $(FUZZ_BUILD)/csv-seed $(FUZZ_BUILD)/config-seed
	@fail=0; \
	( $(call FUZZ_ONE,parse,seed $(CURDIR)/tests/fuzz/regress/parse) ) > $(FUZZ_BUILD)/parse.log 2>&1 & p1=$$!; \
	( $(call FUZZ_ONE,csv,csv-seed) ) > $(FUZZ_BUILD)/csv.log 2>&1 & p2=$$!; \
	( $(call FUZZ_ONE,config,config-seed) ) > $(FUZZ_BUILD)/config.log 2>&1 & p3=$$!; \
	for t in parse:$$p1 csv:$$p2 config:$$p3; do \
	    name=$${t%%:*}; \
	    if wait $${t#*:}; then \
	        echo "fuzz $$name: $(FUZZ_SECONDS) s, no finding:" \
	            $$(grep -h 'stat::number_of_executed_units' \
	            $(FUZZ_BUILD)/$$name.log | awk '{print $$2}') inputs; \
	    else \
	        echo "fuzz $$name: FINDING (see $(FUZZ_BUILD)/):"; \
	        tail -40 $(FUZZ_BUILD)/$$name.log; fail=1; \
	    fi; \
	done; exit $$fail

.PHONY: fuzz fuzz-short fuzz-inputs fuzz-check

# Benchmark (bench/README.md): consultd ingest against a GMime parse-only
# floor and a Python baseline on generated replies.  BENCH_N is the list of
# reply counts (BENCH_N="1000 10000 50000" shows growth).  Never part of
# `make check`.
BENCH_N ?= 10000

$(BUILD)/bench/parse_floor: bench/parse_floor.c | $(BUILD)
	mkdir -p $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS)

bench: $(BUILD)/consultd $(BUILD)/bench/parse_floor
	CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd \
	    PARSE_FLOOR=$(CURDIR)/$(BUILD)/bench/parse_floor \
	    sh bench/run.sh $(BENCH_N)

.PHONY: bench

# IMAP benchmark (bench/imap/README.md): consultd fetch from a private
# loopback Dovecot against mbsync (isync) with fsync on and off, same
# mailbox, same run.  BENCH_IMAP_N is the list of reply counts.  Never part
# of `make check`.
BENCH_IMAP_PKGS = isync dovecot-imapd curl
BENCH_IMAP_N ?= 1000 10000

bench-imap: $(BUILD)/consultd
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BENCH_IMAP_PKGS)"
	CONSULTD_BIN=$(CURDIR)/$(BUILD)/consultd sh bench/imap/run.sh \
	    $(BENCH_IMAP_N)

.PHONY: bench-imap

clean:
	rm -rf build build-san consultd

.PHONY: all check test reliability check-valgrind demo deps install uninstall clean

-include $(OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/main.d \
	 $(FUZZ_OBJS:.o=.d)
