# ksys — one non-recursive Makefile.
#
#   make            build bin/ksysd bin/ksysmgr bin/ksys-hmc bin/hmcsim
#   make check      build and run every test through prove
#   make demo       simulator + HMC client demonstration, narrated
#   make install    PREFIX=/usr/local DESTDIR=
#   make asan       sanitizer build (ASan+UBSan) of the tests, then run them
#   make fuzz       libFuzzer builds of tests/fuzz/* (clang)
#   make deps       install missing Debian packages (root) or say what is missing
#
# Variables: V=1 shows commands, WERROR=1 turns warnings into errors (CI sets
# it), CFLAGS/LDFLAGS are appended to ours, O= overrides the build directory.

PREFIX     ?= /usr/local
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CC         ?= cc
OPT        ?= -O2 -g
O          ?= build
BIN        ?= bin
SANITIZE   ?=

PKGS_CORE  = lua5.4 libcurl libxml-2.0 sqlite3
PKGS_SIM   = libmicrohttpd gnutls

WARN = -Wall -Wextra -Wstrict-prototypes -Wwrite-strings -Wshadow \
       -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifneq ($(SANITIZE),)
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif

# Lazily expanded on purpose: pkg-config runs only once a recipe needs the
# flags, which is after `deps` has installed what was missing.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS_CORE) $(PKGS_SIM))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS_CORE)) -lev -lm
SIM_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS_SIM))

ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP \
              -Isrc/common -Isrc/ksysd -Icontrib/hmcsim $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q =
else
Q = @
endif

COMMON_SRC = $(wildcard src/common/*.c)
KSYSD_SRC  = $(filter-out src/ksysd/main.c,$(wildcard src/ksysd/*.c))
SIM_SRC    = $(filter-out contrib/hmcsim/main.c,$(wildcard contrib/hmcsim/*.c))
MGR_SRC    = $(wildcard src/ksysmgr/*.c)
TOOL_SRC   = $(wildcard src/ksys-hmc/*.c)

obj = $(patsubst %.c,$(O)/%.o,$(1))

COMMON_OBJ = $(call obj,$(COMMON_SRC))
KSYSD_OBJ  = $(call obj,$(KSYSD_SRC))
SIM_OBJ    = $(call obj,$(SIM_SRC))

PROGRAMS = $(BIN)/ksysd $(BIN)/ksysmgr $(BIN)/ksys-hmc $(BIN)/hmcsim

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRC))
ITEST_SRC  = $(wildcard tests/integration/test_*.c)
ITEST_BIN  = $(patsubst tests/integration/%.c,$(O)/tests/integration/%,$(ITEST_SRC))
FUZZ_SRC   = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN   = $(patsubst tests/fuzz/%.c,$(O)/tests/fuzz/%,$(FUZZ_SRC))
BENCH_SRC  = $(wildcard tests/bench/*.c)
BENCH_BIN  = $(patsubst tests/bench/%.c,$(O)/tests/bench/%,$(BENCH_SRC))
TEST_SCRIPTS = $(sort $(wildcard tests/*.t tests/integration/*.t tests/fuzz/*.t))

.PHONY: all deps check demo install asan fuzz bench clean tests
# Keep object files of tests and fuzz targets (make would delete them as
# intermediates, forcing relinks and breaking `make fuzz`).
.SECONDARY:
.DEFAULT_GOAL := all

all: deps $(PROGRAMS)

deps:
	@sh contrib/deps.sh

tests: $(UNIT_BIN) $(ITEST_BIN) $(FUZZ_BIN) $(BENCH_BIN)

$(O)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

define link
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(1)
endef

$(BIN)/ksysd: $(call obj,src/ksysd/main.c) $(KSYSD_OBJ) $(COMMON_OBJ)
	$(call link,$(PKG_LIBS))
$(BIN)/ksysmgr: $(call obj,$(MGR_SRC)) $(COMMON_OBJ)
	$(call link,$(PKG_LIBS))
$(BIN)/ksys-hmc: $(call obj,$(TOOL_SRC)) $(KSYSD_OBJ) $(COMMON_OBJ)
	$(call link,$(PKG_LIBS))
$(BIN)/hmcsim: $(call obj,contrib/hmcsim/main.c) $(SIM_OBJ) $(COMMON_OBJ)
	$(call link,$(SIM_LIBS) $(PKG_LIBS))

TEST_LINK = $(KSYSD_OBJ) $(SIM_OBJ) $(COMMON_OBJ)
$(O)/tests/unit/%: $(O)/tests/unit/%.o $(TEST_LINK)
	$(call link,$(SIM_LIBS) $(PKG_LIBS))
$(O)/tests/integration/%: $(O)/tests/integration/%.o $(TEST_LINK)
	$(call link,$(SIM_LIBS) $(PKG_LIBS))
$(O)/tests/bench/%: $(O)/tests/bench/%.o $(TEST_LINK)
	$(call link,$(SIM_LIBS) $(PKG_LIBS))
# Fuzz targets link a plain main that replays a corpus (tests/fuzz/replay.c);
# `make fuzz` relinks them with clang's libFuzzer instead.
$(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(TEST_LINK)
	$(call link,$(SIM_LIBS) $(PKG_LIBS))

check: all tests
	@echo "  PROVE"
	$(Q)KSYS_BIN=$(abspath $(BIN)) KSYS_BUILD=$(abspath $(O)) \
	  prove -j2 --timer $(UNIT_BIN) $(ITEST_BIN) $(TEST_SCRIPTS)

demo: all
	$(Q)sh contrib/demo/demo.sh $(abspath $(BIN))

bench: all tests
	$(Q)for b in $(BENCH_BIN); do $$b || exit 1; done

asan:
	$(MAKE) O=build/asan BIN=build/asan/bin SANITIZE=address,undefined OPT="-O1 -g" check

fuzz:
	$(MAKE) O=build/fuzz BIN=build/fuzz/bin CC=clang \
	  SANITIZE=fuzzer-no-link,address,undefined OPT="-O1 -g" tests
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang -fsanitize=fuzzer,address,undefined -o build/fuzz/$$n \
	    build/fuzz/tests/fuzz/$$n.o $(patsubst $(O)/%,build/fuzz/%,$(TEST_LINK)) \
	    $(SIM_LIBS) $(PKG_LIBS) && echo "  FUZZ    build/fuzz/$$n"; done

MANPAGES = $(wildcard man/*.[1-8])

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN)/ksysd $(DESTDIR)$(PREFIX)/sbin/ksysd
	install -m 0755 $(BIN)/ksysmgr $(BIN)/ksys-hmc $(BIN)/hmcsim $(DESTDIR)$(PREFIX)/bin/
	@for m in $(MANPAGES); do s=$${m##*.}; \
	  install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	  install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

clean:
	rm -rf build $(BIN)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
